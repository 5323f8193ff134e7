//! Compaction: a shard rebuilt from its live vectors, so replaced and deleted vectors stop
//! costing memory, index size and search time.
//!
//! Slots are never reused in place (see `vectors.rs`): an upsert of an existing id appends a
//! new slot and tombstones the old one, so a shard under updates grows without bound until it
//! is compacted. Compaction copies the live slots, in slot order, into a new arena and builds
//! a new graph over them, one vector per [`Compaction::step`], while the old shard keeps
//! serving reads and writes. Once those are done, the steps make one more round over the
//! slots written meanwhile (up to the slot count at that moment), copying and indexing the
//! live ones too. [`Shard::finish_compaction`] then catches up with what changed since, in one
//! synchronous stretch:
//! - a copied slot whose old slot was tombstoned since (deleted or replaced) is tombstoned in
//!   the new shard (tombstones only ever go from clear to set, so checking the old bits at the
//!   end is enough);
//! - live slots appended after that last round are copied over unindexed; the core's
//!   background builder indexes them like any new write, and searches scan them exactly until
//!   then;
//! - a copied slot whose payload or labels were replaced in place since (SET_PAYLOAD,
//!   SET_LABELS) gets them again: every slot replaced in place is marked in its arena, and the
//!   copies of marked slots are compared with the old shard's current items.
//!
//! Nothing here touches the disk: the WAL addresses vectors by id, not by slot, so its records
//! replay the same way onto a compacted shard; the next snapshot stores the compacted layout.

use std::time::{Duration, Instant};

use super::{index_config, live_slots, IdSlots, LabelArena, LabelPostings, PayloadArena, Shard};
use crate::collection::CollectionSpec;
use crate::error::{Error, Result};
use crate::hnsw::{Hnsw, VisitedSet};
use crate::vectors::Vectors;

/// Default of [`CompactionPolicy::min_tombstones`].
pub const COMPACT_TOMBSTONES_MIN: u64 = 1000;
/// Default of [`CompactionPolicy::tombstone_percent`]: a shard then holds at most 25% more
/// slots than live vectors (plus the minimum) before it is compacted.
pub const COMPACT_TOMBSTONE_PERCENT: u32 = 20;

/// When a shard is due for compaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompactionPolicy {
    /// At least this many of its slots are tombstones...
    pub min_tombstones: u64,
    /// ...and they are at least this percent of its slots (1..=100); 0 turns compaction off.
    pub tombstone_percent: u32,
}

impl Default for CompactionPolicy {
    fn default() -> Self {
        Self {
            min_tombstones: COMPACT_TOMBSTONES_MIN,
            tombstone_percent: COMPACT_TOMBSTONE_PERCENT,
        }
    }
}

impl CompactionPolicy {
    /// Whether a shard with `tombstones` among `slots` slots is due.
    pub fn is_due(&self, tombstones: u64, slots: u64) -> bool {
        debug_assert!(self.tombstone_percent <= 100);
        self.tombstone_percent > 0
            && tombstones >= self.min_tombstones
            && tombstones * 100 >= slots * u64::from(self.tombstone_percent)
    }
}

/// A compaction in progress: the new arena and graph over the shard's live slots as of
/// [`Shard::begin_compaction`]. Dropping it abandons the compaction (nothing to undo).
pub struct Compaction {
    /// The old slot of each new slot, in slot order: the live slots when compaction began,
    /// then those of the round over the slots written meanwhile.
    sources: Vec<u32>,
    /// The first old slot not considered yet (the slot count when compaction began, then
    /// advanced by the second round); later live slots are caught up at the end.
    next_old: u32,
    /// Where the second round stops: the old shard's slot count when the first was done.
    round_end: Option<u32>,
    /// The old shard's layout epoch when compaction began.
    epoch: u64,
    vectors: Vectors,
    payloads: PayloadArena,
    labels: LabelArena,
    postings: LabelPostings,
    ids: Vec<u64>,
    /// Id → new slot of every slot copied so far, kept as the copies are made so that
    /// finishing does not build it for every live id at once.
    slots: IdSlots,
    index: Hnsw,
    visited: VisitedSet,
    begun: Instant,
}

/// The layout a compaction replaced, or a whole shard being replaced. Freeing a large shard's
/// arena and graph takes tens of milliseconds, so the engine drops this off the core
/// ([`Shard::finish_compaction_retiring`], and `RetiredLayout::of_shard` for a replaced read
/// replica).
pub struct RetiredLayout {
    _vectors: Vectors,
    _payloads: PayloadArena,
    _labels: LabelArena,
    _postings: LabelPostings,
    _ids: Vec<u64>,
    _slots: IdSlots,
    _tombstones: Vec<u64>,
    _index: Hnsw,
    _visited: VisitedSet,
}

/// What [`Shard::finish_compaction`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CompactionReport {
    /// Slots (live and tombstoned) before.
    pub slots_before: u32,
    /// Slots after: the live vectors plus those replaced or deleted while compacting.
    pub slots_after: u32,
    /// Live vectors (unchanged by compaction).
    pub live: u32,
    /// From [`Shard::begin_compaction`] to the end of [`Shard::finish_compaction`].
    pub elapsed: Duration,
}

impl RetiredLayout {
    /// The large parts of `shard` (a `Shard` is not `Send`; these are), to be freed
    /// elsewhere.
    pub(crate) fn of_shard(shard: Shard) -> Self {
        Self {
            _vectors: shard.vectors,
            _payloads: shard.payloads,
            _labels: shard.labels,
            _postings: shard.postings,
            _ids: shard.ids,
            _slots: shard.slots,
            _tombstones: shard.tombstones,
            _index: shard.index,
            _visited: shard.visited,
        }
    }
}

impl Compaction {
    /// Copies and indexes the next live vector of `shard`; `false` once all are done (the
    /// compaction can then be finished; so it can whenever a step returned).
    ///
    /// # Errors
    /// Fails when the new arena cannot grow.
    pub fn step(&mut self, shard: &Shard) -> Result<bool> {
        assert_eq!(
            shard.layout_epoch, self.epoch,
            "a compaction steps over the shard it began on"
        );
        let done = self.index.len();
        if done == self.sources.len() {
            // The live slots at the start are in: one round over those written since.
            let end = *self.round_end.get_or_insert(shard.slots());
            while self.next_old < end && shard.is_tombstone(self.next_old) {
                self.next_old += 1;
            }
            if self.next_old == end {
                return Ok(false);
            }
            self.sources.push(self.next_old);
            self.next_old += 1;
        }
        let old = self.sources[done];
        let slot = self
            .vectors
            .push(shard.vectors.get(old))
            .map_err(|e| Error::system("growing the compacted vector arena", e))?;
        debug_assert_eq!(slot as usize, done);
        self.payloads.push(done, shard.payloads.get(old));
        self.labels.push(done, shard.labels.get(old));
        self.postings.push(slot, shard.labels.get(old));
        let id = shard.ids[old as usize];
        self.ids.push(id);
        self.slots.insert(id, slot, &self.ids);
        self.index.insert(&self.vectors, &mut self.visited);
        Ok(self.index.len() < self.sources.len()
            || self.round_end.is_none_or(|end| self.next_old < end))
    }
}

impl Shard {
    /// Whether `policy` says this shard is due for compaction.
    pub fn wants_compaction(&self, policy: &CompactionPolicy) -> bool {
        policy.is_due(self.tombstone_count, u64::from(self.slots()))
    }

    /// Starts a compaction of this shard's current live slots; drive it with
    /// [`Compaction::step`], then install it with [`Shard::finish_compaction`].
    ///
    /// # Errors
    /// Fails when the new arena cannot be mapped.
    pub fn begin_compaction(&self, spec: &CollectionSpec) -> Result<Compaction> {
        let sources: Vec<u32> = (0..self.slots())
            .filter(|&slot| !self.is_tombstone(slot))
            .collect();
        debug_assert_eq!(sources.len(), self.slots.len());
        let vectors = Vectors::with_capacity(self.vectors.dim(), sources.len())
            .map_err(|e| Error::system("mapping the compacted vector arena", e))?;
        let mut index = Hnsw::new(index_config(spec), spec.metric.kernel());
        index.reserve(sources.len());
        Ok(Compaction {
            next_old: self.slots(),
            round_end: None,
            epoch: self.layout_epoch,
            ids: Vec::with_capacity(sources.len()),
            slots: IdSlots::default(),
            visited: VisitedSet::with_capacity(sources.len()),
            sources,
            vectors,
            payloads: PayloadArena::default(),
            labels: LabelArena::default(),
            postings: LabelPostings::default(),
            index,
            begun: Instant::now(),
        })
    }

    /// Installs a built compaction, catching up with the writes since it began (module doc).
    ///
    /// # Errors
    /// Fails when the new arena cannot grow for the vectors written meanwhile; the shard is
    /// then unchanged.
    ///
    /// # Panics
    /// When `compaction` is not built or was begun on another shard or layout.
    pub fn finish_compaction(&mut self, compaction: Compaction) -> Result<CompactionReport> {
        self.finish_compaction_retiring(compaction)
            .map(|(report, _retired)| report)
    }

    /// [`Self::finish_compaction`], handing back the replaced layout for the caller to free
    /// where it costs no latency.
    ///
    /// # Errors
    /// As [`Self::finish_compaction`].
    pub fn finish_compaction_retiring(
        &mut self,
        compaction: Compaction,
    ) -> Result<(CompactionReport, RetiredLayout)> {
        let Compaction {
            sources,
            next_old,
            round_end: _,
            epoch,
            mut vectors,
            mut payloads,
            mut labels,
            mut postings,
            mut ids,
            mut slots,
            index,
            visited,
            begun,
        } = compaction;
        assert_eq!(epoch, self.layout_epoch, "compaction of another layout");
        assert_eq!(index.len(), sources.len(), "compaction not built");
        let slots_before = self.slots();
        let mut tombstones = vec![0u64; slots_before.div_ceil(64) as usize];
        let mut tombstone_count = 0u64;
        for (new, &old) in sources.iter().enumerate() {
            if self.is_tombstone(old) {
                tombstones[new / 64] |= 1 << (new % 64);
                tombstone_count += 1;
                // Deleted, or replaced by a later slot (copied later, or in the tail below).
                if slots.get(&ids[new]) == Some(&(new as u32)) {
                    slots.remove(&ids[new]);
                }
            }
        }
        for old in (next_old..slots_before).filter(|&old| !self.is_tombstone(old)) {
            vectors
                .push(self.vectors.get(old))
                .map_err(|e| Error::system("growing the compacted vector arena", e))?;
            payloads.push(ids.len(), self.payloads.get(old));
            labels.push(ids.len(), self.labels.get(old));
            postings.push(ids.len() as u32, self.labels.get(old));
            let (id, new) = (self.ids[old as usize], ids.len() as u32);
            ids.push(id);
            slots.insert(id, new, &ids);
        }
        // Payloads and labels replaced in place after their slot was copied are copied again
        // (`sources` ascends, so an old slot's new slot is found by binary search).
        let new_slots = ids.len() as u32;
        for old in self.payloads.replaced_slots() {
            if let Ok(new) = sources.binary_search(&old) {
                let current = self.payloads.get(old);
                if payloads.get(new as u32) != current {
                    payloads.replace(new as u32, new_slots, current);
                }
            }
        }
        for old in self.labels.replaced_slots() {
            if let Ok(new) = sources.binary_search(&old) {
                let (new, current) = (new as u32, self.labels.get(old));
                let copied = labels.get(new).to_vec();
                if copied != current {
                    labels.replace(new, new_slots, current);
                    postings.replace(new, &copied, current);
                }
            }
        }
        tombstones.truncate(ids.len().div_ceil(64).max(1));
        // Same live ids, each at a slot holding the same vector, payload and labels.
        assert_eq!(
            slots.len(),
            self.slots.len(),
            "compaction lost or gained ids"
        );
        debug_assert!({
            let live = live_slots(&ids, &tombstones);
            live.len() == slots.len()
                && live.iter().all(|(id, &slot)| {
                    slots.get(id) == Some(&slot)
                        && vectors.get(slot) == self.get(*id).unwrap_or(&[])
                        && Some(payloads.get(slot)) == self.payload(*id)
                        && Some(labels.get(slot)) == self.labels(*id)
                })
        });
        let report = CompactionReport {
            slots_before,
            slots_after: ids.len() as u32,
            live: slots.len() as u32,
            elapsed: begun.elapsed(),
        };
        let retired = RetiredLayout {
            _vectors: std::mem::replace(&mut self.vectors, vectors),
            _payloads: std::mem::replace(&mut self.payloads, payloads),
            _labels: std::mem::replace(&mut self.labels, labels),
            _postings: std::mem::replace(&mut self.postings, postings),
            _ids: std::mem::replace(&mut self.ids, ids),
            _slots: std::mem::replace(&mut self.slots, slots),
            _tombstones: std::mem::replace(&mut self.tombstones, tombstones),
            _index: std::mem::replace(&mut self.index, index),
            _visited: std::mem::replace(&mut self.visited, visited),
        };
        self.tombstone_count = tombstone_count;
        self.layout_epoch += 1;
        Ok((report, retired))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;
    use crate::distance::Metric;
    use crate::shard::{ExactScan, FilterPath};
    use crate::topk::TopK;

    fn spec() -> CollectionSpec {
        CollectionSpec::new("t", 4, Metric::L2).with_shards(1)
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // a plain thread stands in for glommio's blocking pool
    fn a_retired_shard_is_freed_on_another_thread() {
        let mut shard = Shard::new(&spec(), 0).unwrap();
        for id in 0..1000u64 {
            shard.upsert(id, &[id as f32, 0.0, 1.0, 2.0]).unwrap();
        }
        while shard.index_next() {}
        let retired = RetiredLayout::of_shard(shard);
        std::thread::spawn(move || drop(retired)).join().unwrap();
    }

    fn vector(i: u64, version: u64) -> Vec<f32> {
        let x = i as f32 + version as f32 * 0.001;
        vec![x, x.sin(), x.cos(), (x * 0.5).sin()]
    }

    fn compact(shard: &mut Shard, spec: &CollectionSpec) -> CompactionReport {
        let mut compaction = shard.begin_compaction(spec).unwrap();
        while compaction.step(shard).unwrap() {}
        shard.finish_compaction(compaction).unwrap()
    }

    /// Some points carry a payload naming their version, others none.
    fn payload(i: u64, version: u64) -> Vec<u8> {
        if version % 3 == 0 {
            Vec::new()
        } else {
            format!("{i}@{version}").into_bytes()
        }
    }

    /// Some points carry labels depending on their version, others none (sorted, unique).
    fn labels(i: u64, version: u64) -> Vec<u64> {
        let mut labels: Vec<u64> = (0..version % 3).map(|j| (i + j) % 5).collect();
        labels.sort_unstable();
        labels.dedup();
        labels
    }

    type Contents = Vec<(u64, Vec<f32>, Vec<u8>, Vec<u64>)>;

    /// Every live id with its vector, payload and labels, sorted.
    fn contents(shard: &Shard) -> Contents {
        let mut all: Vec<_> = shard
            .slots
            .keys()
            .map(|&id| {
                let (vector, payload) = shard.get_with_payload(id).unwrap();
                let labels = shard.labels(id).unwrap();
                (id, vector.to_vec(), payload.to_vec(), labels.to_vec())
            })
            .collect();
        all.sort_by_key(|(id, ..)| *id);
        all
    }

    #[test]
    fn wants_compaction_at_the_thresholds() {
        let spec = spec();
        let mut shard = Shard::new(&spec, 0).unwrap();
        for i in 0..COMPACT_TOMBSTONES_MIN * 10 {
            shard.upsert(i, &vector(i, 0)).unwrap();
        }
        for i in 0..COMPACT_TOMBSTONES_MIN {
            assert!(
                !shard.wants_compaction(&CompactionPolicy::default()),
                "{i} tombstones"
            );
            assert!(shard.delete(i));
        }
        // 1000 tombstones in 10,000 slots: the minimum count, but not a fifth.
        assert!(!shard.wants_compaction(&CompactionPolicy::default()));
        for i in COMPACT_TOMBSTONES_MIN..2 * COMPACT_TOMBSTONES_MIN {
            assert!(shard.delete(i));
        }
        assert!(shard.wants_compaction(&CompactionPolicy::default()));
        let report = compact(&mut shard, &spec);
        assert_eq!(report.slots_before, 10_000);
        assert_eq!((report.slots_after, report.live), (8000, 8000));
        assert!(!shard.wants_compaction(&CompactionPolicy::default()));
        assert_eq!(shard.stats().tombstones, 0);
    }

    #[test]
    fn compaction_keeps_contents_and_search_results() {
        let spec = spec();
        let mut shard = Shard::new(&spec, 0).unwrap();
        for i in 0..3000 {
            shard.upsert(i, &vector(i, 0)).unwrap();
        }
        for i in (0..3000).step_by(3) {
            shard.delete(i);
        }
        for i in (1..3000).step_by(3) {
            shard.upsert(i, &vector(i, 1)).unwrap();
        }
        while shard.index_next() {}
        let before = contents(&shard);
        let query = vector(1500, 7);
        let exact_before = shard.search_exact(&query, 10);
        let index_bytes_before = shard.stats().index_bytes;
        let report = compact(&mut shard, &spec);
        assert_eq!(report.slots_before, 4000);
        assert_eq!(report.slots_after, 2000);
        assert_eq!(contents(&shard), before);
        assert_eq!(shard.search_exact(&query, 10), exact_before);
        assert_eq!(shard.search_indexed(&query, 10, 64), exact_before);
        assert_eq!(shard.unindexed(), 0);
        assert!(shard.stats().index_bytes < index_bytes_before);
    }

    #[test]
    fn writes_during_compaction_are_caught_up() {
        let spec = spec();
        let mut shard = Shard::new(&spec, 0).unwrap();
        for i in 0..2000 {
            shard
                .upsert_with_payload(i, &vector(i, 0), &payload(i, i))
                .unwrap();
        }
        for i in 0..1000 {
            shard.delete(i);
        }
        let mut compaction = shard.begin_compaction(&spec).unwrap();
        for _ in 0..500 {
            assert!(compaction.step(&shard).unwrap());
        }
        // Meanwhile: delete some copied and some not yet copied, replace others, add new
        // ids, and add-then-delete one.
        for i in [1000, 1001, 1900, 1999] {
            assert!(shard.delete(i));
        }
        for i in [1002, 1950] {
            shard
                .upsert_with_payload(i, &vector(i, 2), &payload(i, 2))
                .unwrap();
        }
        for i in 5000..5010 {
            shard
                .upsert_with_payload(i, &vector(i, 0), &payload(i, i))
                .unwrap();
        }
        assert!(shard.delete(5005));
        // The steps copy and index the rest of the first round, then the 11 live slots
        // written meanwhile.
        while compaction.step(&shard).unwrap() {}
        assert!(
            !compaction.step(&shard).unwrap(),
            "built: nothing left to copy"
        );
        // Written after the last round: caught up unindexed at the end (one of them is
        // replaced in between, and one of the second round's copies is deleted).
        for i in 6000..6003 {
            shard.upsert(i, &vector(i, 0)).unwrap();
        }
        shard.upsert(6000, &vector(6000, 1)).unwrap();
        assert!(shard.delete(5001));
        assert!(
            !compaction.step(&shard).unwrap(),
            "the second round is over: later writes wait for the end"
        );
        let before = contents(&shard);
        let report = shard.finish_compaction(compaction).unwrap();
        assert_eq!(contents(&shard), before);
        // 1000 copied (6 of them since tombstoned) + 2 replacements + 9 new live ids (one
        // since tombstoned) + 3 written at the end.
        assert_eq!(report.slots_after, 1000 + 2 + 9 + 3);
        assert_eq!(shard.stats().tombstones, 7);
        assert_eq!(shard.unindexed(), 3);
        while shard.index_next() {}
        for (id, v, ..) in &before {
            assert_eq!(shard.search_indexed(v, 1, 32)[0].id, *id);
        }
        for gone in [1000, 1001, 1900, 1999, 5005, 5001, 17] {
            assert_eq!(shard.get(gone), None);
            let hits = shard.search_indexed(&vector(gone, 0), 5, 64);
            assert!(hits.iter().all(|n| n.id != gone), "deleted {gone} returned");
        }
    }

    #[test]
    fn a_piecewise_scan_across_a_compaction_starts_over() {
        let spec = spec();
        let mut shard = Shard::new(&spec, 0).unwrap();
        for i in 0..3000 {
            shard.upsert(i, &vector(i, 0)).unwrap();
        }
        for i in 0..1500 {
            shard.delete(i * 2);
        }
        let queries: Vec<f32> = [vector(7, 3), vector(2001, 1)].concat();
        let expected = shard.search_exact_batch(&queries, 5);
        let mut tops = vec![TopK::new(5), TopK::new(5)];
        let mut scan = ExactScan::default();
        // The first pieces see the old layout; the compaction halves the slots and moves
        // every live vector to a lower slot.
        assert!(shard.scan_piece(&mut scan, &queries, None, 700, &mut tops));
        assert!(shard.scan_piece(&mut scan, &queries, None, 700, &mut tops));
        compact(&mut shard, &spec);
        let mut pieces = 0;
        while shard.scan_piece(&mut scan, &queries, None, 700, &mut tops) {
            pieces += 1;
        }
        assert_eq!(pieces, 2, "1,500 slots in pieces of 700 after the restart");
        let got: Vec<_> = tops.into_iter().map(TopK::into_sorted_vec).collect();
        assert_eq!(got, expected);
    }

    #[test]
    #[should_panic(expected = "compaction not built")]
    fn an_unbuilt_compaction_is_refused() {
        let spec = spec();
        let mut shard = Shard::new(&spec, 0).unwrap();
        for i in 0..10 {
            shard.upsert(i, &vector(i, 0)).unwrap();
        }
        let compaction = shard.begin_compaction(&spec).unwrap();
        let _ = shard.finish_compaction(compaction);
    }

    /// One write to a shard under compaction.
    #[derive(Clone, Debug)]
    enum Op {
        Upsert(u64),
        Delete(u64),
        /// SET_PAYLOAD in place (a no-op on an absent id).
        SetPayload(u64),
        /// SET_LABELS in place (a no-op on an absent id).
        SetLabels(u64),
        /// Copy this many more vectors into the compaction.
        Step(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0u64..80).prop_map(Op::Upsert),
            2 => (0u64..80).prop_map(Op::Delete),
            2 => (0u64..80).prop_map(Op::SetPayload),
            2 => (0u64..80).prop_map(Op::SetLabels),
            1 => (1usize..20).prop_map(Op::Step),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        /// Any writes (upserts, deletes, payloads and labels replaced in place) before and
        /// during a compaction: afterwards the shard holds exactly the model's contents, its graph keeps its invariants, and exact and indexed search
        /// agree with a scan of the model.
        #[test]
        fn compaction_under_random_writes_matches_the_model(
            before in prop::collection::vec(op(), 0..150),
            during in prop::collection::vec(op(), 0..150),
        ) {
            let spec = spec();
            let mut shard = Shard::new(&spec, 0).unwrap();
            // id → the versions of its vector, payload and labels.
            let mut model: HashMap<u64, (u64, u64, u64)> = HashMap::new();
            let mut version = 0;
            let mut apply = |shard: &mut Shard, model: &mut HashMap<u64, (u64, u64, u64)>, op: &Op| {
                version += 1;
                match *op {
                    Op::Upsert(id) => {
                        shard
                            .upsert_point(
                                id,
                                &vector(id, version),
                                &payload(id, version),
                                &labels(id, version),
                            )
                            .unwrap();
                        model.insert(id, (version, version, version));
                    }
                    Op::Delete(id) => {
                        assert_eq!(shard.delete(id), model.remove(&id).is_some());
                    }
                    Op::SetPayload(id) => {
                        let live = model.get_mut(&id).map(|point| point.1 = version);
                        assert_eq!(shard.set_payload(id, &payload(id, version)), live.is_some());
                    }
                    Op::SetLabels(id) => {
                        let live = model.get_mut(&id).map(|point| point.2 = version);
                        assert_eq!(shard.set_labels(id, &labels(id, version)), live.is_some());
                    }
                    Op::Step(_) => {}
                }
            };
            for op in &before {
                apply(&mut shard, &mut model, op);
                if let Op::Step(n) = op {
                    for _ in 0..*n {
                        shard.index_next();
                    }
                }
            }
            let mut compaction = shard.begin_compaction(&spec).unwrap();
            for op in &during {
                apply(&mut shard, &mut model, op);
                if let Op::Step(n) = op {
                    for _ in 0..*n {
                        compaction.step(&shard).unwrap();
                    }
                }
            }
            while compaction.step(&shard).unwrap() {}
            shard.finish_compaction(compaction).unwrap();
            let mut expected: Contents = model
                .iter()
                .map(|(&id, &(v, p, l))| (id, vector(id, v), payload(id, p), labels(id, l)))
                .collect();
            expected.sort_by_key(|(id, ..)| *id);
            prop_assert_eq!(contents(&shard), expected);
            prop_assert_eq!(shard.len(), model.len());
            if let Err(e) = shard.index.check_invariants() {
                return Err(TestCaseError::fail(e));
            }
            while shard.index_next() {}
            let query = vector(40, 3);
            let exact = shard.search_exact(&query, 5);
            let mut scan: Vec<(f32, u64)> = model
                .iter()
                .map(|(&id, &(v, ..))| (Metric::L2.distance(&query, &vector(id, v)), id))
                .collect();
            scan.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let ids: Vec<u64> = exact.iter().map(|n| n.id).collect();
            let scan_ids: Vec<u64> = scan.iter().take(5).map(|&(_, id)| id).collect();
            prop_assert_eq!(ids, scan_ids);
            // Fewer than 100 live points: a wide beam finds the exact answer.
            prop_assert_eq!(shard.search_indexed(&query, 5, 200), exact);
            // Filtered, on both paths: the compacted label lists and labels agree with the
            // model.
            let filter = crate::Filter { any_of: vec![vec![1, 3]], none_of: vec![2], ..Default::default() }
                .normalized()
                .unwrap();
            let mut matching: Vec<(f32, u64)> = scan
                .iter()
                .copied()
                .filter(|&(_, id)| filter.matches(&labels(id, model[&id].2)))
                .collect();
            matching.truncate(5);
            let want: Vec<u64> = matching.iter().map(|&(_, id)| id).collect();
            for path in [FilterPath::Scan, FilterPath::Graph] {
                let got: Vec<u64> = shard
                    .search_filtered_by(&query, 5, 200, &filter, path)
                    .iter()
                    .map(|n| n.id)
                    .collect();
                prop_assert_eq!(&got, &want, "{:?}", path);
            }
        }
    }
}
