//! `IdSlots`: id → slot of a shard's live points, a hash map that grows without a pause.
//!
//! A `HashMap` that is full doubles inside one insert by rehashing every entry: 19–27 ms at
//! 458,752 ids on the project's machine (bench/RESULTS.md, "The id map grows without a
//! pause"), twice as long at each further doubling, and the write that triggers it holds its
//! core for all of it. `IdSlots` instead sets the full table aside as `draining`, continues in
//! a table of twice the capacity, and moves the old entries over [`MIGRATE_SLOTS_PER_INSERT`]
//! slots per insert. It finds them through the shard's slot → id array, walking the slots in
//! order: an entry `(id, slot)` of the old table is still to move exactly when
//! `ids[slot] == id` and the old table still holds it there.
//!
//! Invariants (checked by `debug_assert!` and the property test below):
//! - no id is in both tables (an insert or remove of an id takes it out of `draining`);
//! - every entry of `draining` has a slot in `cursor..drain_end`;
//! - `draining` is empty exactly when no migration is running.

use std::collections::HashMap;

/// Slots looked at (and at most that many entries moved) per insert while a migration runs.
/// The new table has room for as many new ids as the old one held, so a migration finishes
/// before the new table fills as long as the old table's slot range is at most this many
/// times its live ids; a shard with more tombstones than that finishes the rest at once
/// (see [`IdSlots::insert`]).
const MIGRATE_SLOTS_PER_INSERT: u32 = 8;

/// Id → slot of the live points of a shard.
#[derive(Debug, Default)]
pub(crate) struct IdSlots {
    /// Where inserts go.
    current: HashMap<u64, u32>,
    /// The previous table while its entries move to `current`; empty otherwise.
    draining: HashMap<u64, u32>,
    /// Next slot whose entry may still be in `draining`.
    cursor: u32,
    /// Slots `cursor..drain_end` may still have their entry in `draining`.
    drain_end: u32,
}

impl IdSlots {
    /// The map holding `entries` (one table, no migration running).
    pub(crate) fn from_map(entries: HashMap<u64, u32>) -> Self {
        Self {
            current: entries,
            ..Self::default()
        }
    }

    /// Live ids.
    pub(crate) fn len(&self) -> usize {
        self.current.len() + self.draining.len()
    }

    /// True when no id is live.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The slot of live `id`.
    pub(crate) fn get(&self, id: &u64) -> Option<&u32> {
        self.current.get(id).or_else(|| self.draining.get(id))
    }

    /// Every live id, in no particular order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &u64> {
        self.current.keys().chain(self.draining.keys())
    }

    /// Forgets `id`; returns its slot if it was live.
    pub(crate) fn remove(&mut self, id: &u64) -> Option<u32> {
        self.current.remove(id).or_else(|| self.draining.remove(id))
    }

    /// Maps `id` to `slot`; returns the slot it had if it was live. `ids` is the shard's
    /// slot → id array, with `ids[slot] == id` already pushed: it is how a running migration
    /// finds the entries it still has to move.
    pub(crate) fn insert(&mut self, id: u64, slot: u32, ids: &[u64]) -> Option<u32> {
        debug_assert_eq!(ids.get(slot as usize), Some(&id));
        self.migrate(ids, MIGRATE_SLOTS_PER_INSERT);
        if self.current.len() == self.current.capacity() {
            if !self.draining.is_empty() {
                // More tombstoned slots than MIGRATE_SLOTS_PER_INSERT allows for: finish now
                // rather than let `current` rehash while entries are still moving.
                self.migrate(ids, u32::MAX);
            }
            // Every entry of the full table has a slot below `slot`, the newest.
            self.begin_migration(slot);
        }
        let previous = self.draining.remove(&id);
        debug_assert!(previous.is_none() || !self.current.contains_key(&id));
        self.current.insert(id, slot).or(previous)
    }

    /// Sets the full `current` aside and continues in an empty table of twice its capacity.
    fn begin_migration(&mut self, slots_before: u32) {
        debug_assert!(self.draining.is_empty());
        let capacity = (self.current.capacity() * 2).max(64);
        self.draining = std::mem::replace(&mut self.current, HashMap::with_capacity(capacity));
        self.cursor = 0;
        self.drain_end = slots_before;
        debug_assert!(self.draining.values().all(|&slot| slot < slots_before));
    }

    /// Looks at up to `steps` more slots of the running migration, moving their entries.
    fn migrate(&mut self, ids: &[u64], steps: u32) {
        if self.draining.is_empty() {
            // Deletes may have emptied it before the walk got there: free it all the same.
            if self.draining.capacity() > 0 {
                self.draining = HashMap::new();
            }
            self.cursor = self.drain_end;
            return;
        }
        let end = self.drain_end.min(self.cursor.saturating_add(steps));
        for slot in self.cursor..end {
            let id = ids[slot as usize];
            if self.draining.get(&id) == Some(&slot) {
                self.draining.remove(&id);
                let displaced = self.current.insert(id, slot);
                debug_assert!(displaced.is_none(), "id {id} was in both tables");
            }
        }
        self.cursor = end;
        if self.cursor == self.drain_end {
            debug_assert!(
                self.draining.is_empty(),
                "{} entries left behind by a migration",
                self.draining.len()
            );
            // Frees the old table's memory.
            self.draining = HashMap::new();
        }
    }

    /// Whether a migration is running (tests).
    #[cfg(test)]
    fn migrating(&self) -> bool {
        !self.draining.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A shard's view: slots appended with their id, the map kept as the shard keeps it.
    #[derive(Default)]
    struct Model {
        ids: Vec<u64>,
        map: IdSlots,
        expected: HashMap<u64, u32>,
    }

    impl Model {
        fn upsert(&mut self, id: u64) {
            let slot = self.ids.len() as u32;
            self.ids.push(id);
            let previous = self.map.insert(id, slot, &self.ids);
            assert_eq!(previous, self.expected.insert(id, slot));
        }

        fn delete(&mut self, id: u64) {
            assert_eq!(self.map.remove(&id), self.expected.remove(&id));
        }

        fn check(&self) {
            assert_eq!(self.map.len(), self.expected.len());
            assert_eq!(self.map.is_empty(), self.expected.is_empty());
            for (id, slot) in &self.expected {
                assert_eq!(self.map.get(id), Some(slot));
            }
            let mut keys: Vec<u64> = self.map.keys().copied().collect();
            keys.sort_unstable();
            let mut want: Vec<u64> = self.expected.keys().copied().collect();
            want.sort_unstable();
            assert_eq!(keys, want);
        }
    }

    #[test]
    fn a_full_table_is_moved_over_later_inserts_not_in_one() {
        let mut model = Model::default();
        while !model.map.migrating() {
            model.upsert(model.ids.len() as u64);
        }
        // Only the first few old entries moved with the insert that started it.
        let moved = model.map.current.len();
        assert!(
            moved <= 1 + MIGRATE_SLOTS_PER_INSERT as usize,
            "{moved} moved at once"
        );
        assert!(model.map.draining.len() > 2 * MIGRATE_SLOTS_PER_INSERT as usize);
        model.check();
        // Every slot is live here, so it takes one insert per MIGRATE_SLOTS_PER_INSERT of them.
        let inserts_to_finish = model.ids.len().div_ceil(MIGRATE_SLOTS_PER_INSERT as usize);
        for _ in 0..inserts_to_finish {
            model.upsert(model.ids.len() as u64);
        }
        assert!(!model.map.migrating());
        model.check();
    }

    #[test]
    fn a_table_emptied_by_deletes_is_freed() {
        let mut model = Model::default();
        while !model.map.migrating() {
            model.upsert(model.ids.len() as u64);
        }
        for id in 0..model.ids.len() as u64 - 1 {
            model.delete(id);
        }
        assert!(model.map.draining.is_empty());
        model.upsert(model.ids.len() as u64);
        assert_eq!(model.map.draining.capacity(), 0);
        model.check();
    }

    #[test]
    fn a_migration_over_mostly_dead_slots_finishes_before_the_new_table_fills() {
        let mut model = Model::default();
        // Ten thousand slots, of which only the last id of each hundred stays live.
        for id in 0..10_000u64 {
            model.upsert(id % 100);
        }
        for id in 100..10_000u64 {
            model.upsert(id);
            model.check();
        }
        model.check();
    }

    proptest! {
        #[test]
        fn behaves_as_a_hash_map(ops in proptest::collection::vec((0u8..4, 0u64..300), 1..2000)) {
            let mut model = Model::default();
            for (op, id) in ops {
                match op {
                    0 => model.delete(id),
                    // New ids most of the time, so the table grows through several migrations.
                    1 => model.upsert(id),
                    _ => model.upsert(1000 + model.ids.len() as u64),
                }
                model.check();
            }
        }
    }
}
