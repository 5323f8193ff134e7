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

    /// [`Self::replace`] for many slots at once: `changes` maps a slot to its labels before
    /// the first change and after the last (both sorted and unique). Each list touched by
    /// more than a few changes is rebuilt in one merge, so a batch of relabels costs one
    /// pass per touched list instead of a shift per change (a shift of a list holding half
    /// of a million-slot shard costs ~50 µs).
    pub(crate) fn replace_many(&mut self, changes: &HashMap<u32, (Vec<u64>, Vec<u64>)>) {
        const SHIFTS_MAX: usize = 4;
        let mut removed: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut added: HashMap<u64, Vec<u32>> = HashMap::new();
        for (&slot, (old, new)) in changes {
            for &label in old.iter().filter(|label| new.binary_search(label).is_err()) {
                removed.entry(label).or_default().push(slot);
            }
            for &label in new.iter().filter(|label| old.binary_search(label).is_err()) {
                added.entry(label).or_default().push(slot);
            }
        }
        let labels: std::collections::HashSet<u64> =
            removed.keys().chain(added.keys()).copied().collect();
        for label in labels {
            let mut gone = removed.remove(&label).unwrap_or_default();
            let mut new = added.remove(&label).unwrap_or_default();
            if gone.len() + new.len() <= SHIFTS_MAX {
                for slot in gone {
                    self.replace(slot, &[label], &[]);
                }
                for slot in new {
                    self.replace(slot, &[], &[label]);
                }
                continue;
            }
            gone.sort_unstable();
            new.sort_unstable();
            let list = self.0.remove(&label).unwrap_or_default();
            let mut merged = Vec::with_capacity(list.len() + new.len());
            // Copy the runs of the list between the changes (ascending: `gone` and `new` never
            // share a slot), so the cost is a memcpy of the list plus a search per change.
            let (mut gone, mut new) = (gone.into_iter().peekable(), new.into_iter().peekable());
            let mut at = 0;
            while let Some(slot) = match (gone.peek(), new.peek()) {
                (Some(&g), Some(&n)) => Some(g.min(n)),
                (g, n) => g.or(n).copied(),
            } {
                let upto = at + list[at..].partition_point(|&listed| listed < slot);
                merged.extend_from_slice(&list[at..upto]);
                at = upto;
                let listed = list.get(at) == Some(&slot);
                if gone.next_if_eq(&slot).is_some() {
                    at += usize::from(listed);
                } else if new.next_if_eq(&slot).is_some() && !listed {
                    merged.push(slot);
                }
            }
            merged.extend_from_slice(&list[at..]);
            debug_assert!(merged.windows(2).all(|pair| pair[0] < pair[1]));
            if !merged.is_empty() {
                self.0.insert(label, merged);
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

    mod batch_properties {
        use proptest::prelude::*;

        use super::*;

        fn labels() -> impl Strategy<Value = Vec<u64>> {
            prop::collection::btree_set(0u64..6, 0..4).prop_map(|set| set.into_iter().collect())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

            /// A batch of relabels (the same slot any number of times) leaves every list as
            /// applying them one by one does, on both the shift and the merge paths.
            #[test]
            fn a_batch_equals_one_by_one(
                initial in prop::collection::vec(labels(), 1..60),
                changes in prop::collection::vec((any::<prop::sample::Index>(), labels()), 0..120),
            ) {
                let mut arena = LabelArena::default();
                for (slot, list) in initial.iter().enumerate() {
                    arena.push(slot, list);
                }
                let slots = initial.len() as u32;
                let mut one_by_one = LabelPostings::from_arena(&arena, slots);
                let mut batched = LabelPostings::from_arena(&arena, slots);
                let mut current = initial.clone();
                let mut batch: HashMap<u32, (Vec<u64>, Vec<u64>)> = HashMap::new();
                for (index, new) in &changes {
                    let slot = index.index(initial.len());
                    one_by_one.replace(slot as u32, &current[slot], new);
                    batch
                        .entry(slot as u32)
                        .or_insert_with(|| (current[slot].clone(), Vec::new()))
                        .1 = new.clone();
                    current[slot] = new.clone();
                }
                batched.replace_many(&batch);
                for label in 0..6 {
                    prop_assert_eq!(batched.slots(label), one_by_one.slots(label), "label {}", label);
                    let want: Vec<u32> = (0..slots)
                        .filter(|&slot| current[slot as usize].contains(&label))
                        .collect();
                    prop_assert_eq!(batched.slots(label), &want[..]);
                }
            }
        }
    }
}
