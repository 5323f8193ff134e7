//! `LabelPostings`: for each label, the slots that carry it, so a selective filter can visit
//! just the points it may match instead of walking the graph or scanning the shard.

use std::collections::HashMap;

use super::slot_arena::LabelArena;

/// Label → the slots carrying it, ascending. Slots stay listed when they become tombstones
/// (searches skip those) until compaction rebuilds the lists for the new layout.
#[derive(Debug, Default)]
pub(crate) struct LabelPostings(HashMap<u64, Vec<u32>>);

impl LabelPostings {
    /// The lists for the first `slots` slots of `labels`.
    pub(crate) fn from_arena(labels: &LabelArena, slots: u32) -> Self {
        let mut postings = Self::default();
        if !labels.is_empty() {
            for slot in 0..slots {
                postings.push(slot, labels.get(slot));
            }
        }
        postings
    }

    /// Adds `slot` (higher than every slot added before) to the lists of its `labels`.
    pub(crate) fn push(&mut self, slot: u32, labels: &[u64]) {
        for &label in labels {
            let list = self.0.entry(label).or_default();
            debug_assert!(list.last().is_none_or(|&last| last < slot));
            list.push(slot);
        }
    }

    /// Moves `slot` from the lists of the labels in `old` but not in `new` to those of the
    /// labels in `new` but not in `old` (both sorted and unique), keeping every list ascending:
    /// a SET_LABELS in place. Costs a binary search and a shift of the list per label changed.
    pub(crate) fn replace(&mut self, slot: u32, old: &[u64], new: &[u64]) {
        debug_assert!(old.windows(2).all(|pair| pair[0] < pair[1]));
        debug_assert!(new.windows(2).all(|pair| pair[0] < pair[1]));
        for &label in old.iter().filter(|label| new.binary_search(label).is_err()) {
            let Some(list) = self.0.get_mut(&label) else {
                debug_assert!(false, "label {label} of slot {slot} has no list");
                continue;
            };
            if let Ok(at) = list.binary_search(&slot) {
                list.remove(at);
            }
            if list.is_empty() {
                self.0.remove(&label);
            }
        }
        for &label in new.iter().filter(|label| old.binary_search(label).is_err()) {
            let list = self.0.entry(label).or_default();
            if let Err(at) = list.binary_search(&slot) {
                list.insert(at, slot);
            }
        }
    }

    /// The slots carrying `label`, ascending (tombstones included).
    pub(crate) fn slots(&self, label: u64) -> &[u32] {
        self.0.get(&label).map_or(&[], Vec::as_slice)
    }

    /// Bytes held, approximately: the lists plus the table's entries.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.0
            .values()
            .map(|list| list.capacity() * 4 + 8 + std::mem::size_of::<Vec<u32>>())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_follow_the_arena() {
        let mut arena = LabelArena::default();
        arena.push(0, &[]);
        arena.push(1, &[2, 7]);
        arena.push(2, &[7]);
        let postings = LabelPostings::from_arena(&arena, 3);
        assert_eq!(postings.slots(7), &[1, 2]);
        assert_eq!(postings.slots(2), &[1]);
        assert_eq!(postings.slots(3), &[] as &[u32]);
        assert!(postings.memory_bytes() > 0);
        assert_eq!(
            LabelPostings::from_arena(&LabelArena::default(), 5).memory_bytes(),
            0
        );
    }

    #[test]
    fn replacing_a_slots_labels_moves_it_between_lists() {
        let mut arena = LabelArena::default();
        for (slot, labels) in [&[1u64, 2][..], &[2], &[1, 3], &[2, 3]].iter().enumerate() {
            arena.push(slot, labels);
        }
        let mut postings = LabelPostings::from_arena(&arena, 4);
        postings.replace(1, &[2], &[1, 3]);
        assert_eq!(postings.slots(1), &[0, 1, 2]);
        assert_eq!(postings.slots(2), &[0, 3]);
        assert_eq!(postings.slots(3), &[1, 2, 3]);
        postings.replace(0, &[1, 2], &[]);
        postings.replace(3, &[2, 3], &[9]);
        assert_eq!(postings.slots(1), &[1, 2]);
        assert_eq!(postings.slots(2), &[] as &[u32]);
        assert_eq!(postings.slots(9), &[3]);
        // Unchanged labels stay listed once.
        postings.replace(2, &[1, 3], &[1, 3]);
        assert_eq!(postings.slots(3), &[1, 2]);
    }
}
