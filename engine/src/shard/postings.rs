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
}
