//! A shard's ids in ascending order, for SCROLL.
//!
//! A shard stores points by slot, so the smallest ids at or above a start are found by a pass
//! over every slot: O(slots) per page, and a full listing in pages costs O(slots² / page).
//! [`IdOrder`] is a sorted copy of the ids, built on the first scroll of a large shard, from
//! which a page is a binary search and a walk: O(log n + page). It is kept valid without
//! being rebuilt: new ids are appended to a small side list (sorted when read), deleted ids
//! stay in it and are skipped by the caller (which checks each id against the id map, so
//! replacements and compactions, which keep ids, need nothing). When the side list outgrows a
//! quarter of the order, the shard drops the order and builds it again at the next scroll.
//! Memory: 8 bytes per id while it exists.

/// Side-list length that always fits before the order is dropped (a quarter of the order
/// counts for large shards).
const ADDED_MAX_MIN: usize = if cfg!(test) { 8 } else { 4096 };

/// Ascending ids: those live when it was built, and those inserted since.
#[derive(Debug)]
pub(crate) struct IdOrder {
    /// Ids live at build time, ascending, unique (some may have been deleted since).
    sorted: Vec<u64>,
    /// Ids inserted since, ascending and unique when `added_sorted`.
    added: Vec<u64>,
    added_sorted: bool,
}

impl IdOrder {
    /// The order of `ids` (unique: a shard's live ids).
    pub(crate) fn build(ids: impl Iterator<Item = u64>) -> IdOrder {
        let mut sorted: Vec<u64> = ids.collect();
        sorted.sort_unstable();
        debug_assert!(
            sorted.windows(2).all(|pair| pair[0] < pair[1]),
            "duplicate ids"
        );
        IdOrder {
            sorted,
            added: Vec::new(),
            added_sorted: true,
        }
    }

    /// Records an id that was not live; false when the side list is now too long and the
    /// order should be dropped.
    pub(crate) fn insert(&mut self, id: u64) -> bool {
        self.added.push(id);
        self.added_sorted = false;
        self.added.len() <= ADDED_MAX_MIN.max(self.sorted.len() / 4)
    }

    /// Every id recorded that is `>= start`, ascending, each once (deleted ones included).
    pub(crate) fn from(&mut self, start: u64) -> impl Iterator<Item = u64> + '_ {
        if !self.added_sorted {
            self.added.sort_unstable();
            self.added.dedup();
            self.added_sorted = true;
        }
        let a = &self.sorted[self.sorted.partition_point(|&id| id < start)..];
        let b = &self.added[self.added.partition_point(|&id| id < start)..];
        Merge { a, b }
    }

    /// Heap bytes held.
    pub(crate) fn memory_bytes(&self) -> usize {
        (self.sorted.capacity() + self.added.capacity()) * std::mem::size_of::<u64>()
    }
}

/// The ascending union of two ascending, individually unique slices.
struct Merge<'a> {
    a: &'a [u64],
    b: &'a [u64],
}

impl Iterator for Merge<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        let next = match (self.a.first(), self.b.first()) {
            (None, None) => return None,
            (Some(&a), None) => a,
            (None, Some(&b)) => b,
            (Some(&a), Some(&b)) => a.min(b),
        };
        // An id deleted and inserted again is in both lists: yield it once.
        if self.a.first() == Some(&next) {
            self.a = &self.a[1..];
        }
        if self.b.first() == Some(&next) {
            self.b = &self.b[1..];
        }
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// From any start, the order yields every id recorded at or above it (built or
        /// inserted, repeats included once), ascending; it never asks to be dropped within
        /// the side list's bound.
        #[test]
        fn the_order_yields_every_recorded_id_once_ascending(
            built in prop::collection::btree_set(any::<u64>(), 0..60),
            inserted in prop::collection::vec(prop_oneof![0u64..100, any::<u64>()], 0..40),
            start in prop_oneof![Just(0u64), 0u64..100, any::<u64>()],
        ) {
            let mut order = IdOrder::build(built.iter().copied());
            let mut all: BTreeSet<u64> = built.clone();
            for (n, &id) in inserted.iter().enumerate() {
                let keep = order.insert(id);
                // Reads deduplicate the side list, so it may be shorter than the insertions.
                if n < ADDED_MAX_MIN.max(built.len() / 4) {
                    prop_assert!(keep, "dropped within the bound");
                }
                all.insert(id);
                // Reading between insertions sorts the side list; later ones unsort it.
                if n % 7 == 0 {
                    let got: Vec<u64> = order.from(start).collect();
                    let want: Vec<u64> = all.range(start..).copied().collect();
                    prop_assert_eq!(got, want);
                }
            }
            let got: Vec<u64> = order.from(start).collect();
            let want: Vec<u64> = all.range(start..).copied().collect();
            prop_assert_eq!(got, want);
        }
    }
}
