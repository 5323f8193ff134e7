//! `Shard`: one shard's vectors, id map, tombstones and index, owned by exactly one core.
//!
//! The shard's logic is synchronous and free of I/O: the core's tasks (see `local.rs`) do
//! durability and messaging around it, so everything here is testable without an executor.
//! A `Shard` is `!Send` on purpose: it lives and dies on its core.

mod compaction;
mod payloads;

use std::collections::HashMap;
use std::marker::PhantomData;

use corevec_storage::WalRecord;

use crate::collection::CollectionSpec;
use crate::distance::Metric;
use crate::error::{Error, Result};
use crate::hnsw::{Hnsw, HnswConfig, VisitedSet};
use crate::topk::{Neighbor, TopK};
use crate::vectors::Vectors;

pub use compaction::{
    Compaction, CompactionPolicy, CompactionReport, COMPACT_TOMBSTONES_MIN,
    COMPACT_TOMBSTONE_PERCENT,
};
pub(crate) use payloads::PayloadArena;
pub use payloads::PAYLOAD_BYTES_MAX;

/// Shards whose vectors take at most this many bytes are always searched exhaustively: the
/// scan stays in cache and beats a graph walk while returning the exact answer. Measured by
/// `cargo bench -p corevec-engine --bench exact_crossover` (384-d: a scan of 1,024 vectors
/// takes 30-55 µs vs 60 µs for HNSW at ef=64; at 2,048 the scan falls out of L2 and costs
/// 150-290 µs vs 95-120 µs); see bench/RESULTS.md.
pub const EXACT_SEARCH_BYTES_MAX: usize = 1536 * 1024;
/// Seed of every index's level generator: fixed so that a shard rebuilt from the same
/// insertion order gets the same graph.
pub const INDEX_SEED: u64 = 0x636f_7265_7665_6321;

/// Where a piecewise exhaustive scan ([`Shard::scan_piece`]) stands.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExactScan {
    next: u32,
    /// The layout the scan runs over; `None` before the first piece.
    epoch: Option<u64>,
}

/// Counters of one shard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ShardStats {
    /// Shard number within its collection.
    pub shard: u32,
    /// Live vectors.
    pub vectors: u64,
    /// Slots holding replaced or deleted vectors (reclaimed by compaction).
    pub tombstones: u64,
    /// Bytes of vector data in use (aligned slots).
    pub vector_bytes: u64,
    /// Bytes of index structures.
    pub index_bytes: u64,
    /// Bytes of payloads (including those of replaced or deleted slots, until compaction).
    pub payload_bytes: u64,
    /// Slots not yet in the index (searched exactly until indexed).
    pub unindexed: u64,
    /// Compactions since the shard was opened.
    pub compactions: u64,
    /// 1 while a compaction of the shard is in progress.
    pub compacting: u64,
    /// WAL bytes written since the shard was opened (0 in memory).
    pub wal_bytes_written: u64,
    /// WAL `fdatasync`s since the shard was opened.
    pub wal_fsyncs: u64,
    /// WAL group commits (one write each) since the shard was opened.
    pub wal_groups: u64,
    /// Records in those groups (divide by `wal_groups` for the mean group size).
    pub wal_group_records: u64,
    /// WAL bytes appended since the last snapshot (the automatic-snapshot trigger).
    pub wal_bytes_since_snapshot: u64,
    /// 1 when the shard's WAL has failed (EIO, ENOSPC) and refuses writes until restart.
    pub wal_failed: u64,
    /// Seconds since this process wrote or loaded the shard's newest snapshot.
    pub snapshot_age_s: Option<u64>,
}

/// One shard of one collection.
///
/// ```compile_fail
/// fn assert_send<T: Send>() {}
/// assert_send::<corevec_engine::shard::Shard>();
/// ```
pub struct Shard {
    shard: u32,
    metric: Metric,
    vectors: Vectors,
    /// Slot → payload, for every slot ever used.
    payloads: PayloadArena,
    /// Slot → id, for every slot ever used.
    ids: Vec<u64>,
    /// Id → slot, for live ids only.
    slots: HashMap<u64, u32>,
    /// Slot tombstones (replaced or deleted), one bit per slot.
    tombstones: Vec<u64>,
    tombstone_count: u64,
    /// The graph over slots `0..index.len()`; later slots are scanned exactly until the
    /// background builder reaches them.
    index: Hnsw,
    visited: VisitedSet,
    hits: Vec<(f32, u32)>,
    /// Incremented by every compaction, which renumbers slots: a caller holding slot
    /// numbers across an await (a piecewise scan) checks it did not change.
    layout_epoch: u64,
    _not_send: PhantomData<*const ()>,
}

impl Shard {
    /// An empty shard number `shard` of the collection `spec`.
    ///
    /// # Errors
    /// Fails when the vector arena cannot be mapped.
    pub fn new(spec: &CollectionSpec, shard: u32) -> Result<Self> {
        assert!(shard < spec.shards);
        let vectors =
            Vectors::new(spec.dim).map_err(|e| Error::system("mapping the vector arena", e))?;
        Ok(Self::from_parts(
            shard,
            spec,
            vectors,
            PayloadArena::default(),
            Vec::new(),
            Vec::new(),
            Hnsw::new(index_config(spec), spec.metric),
        ))
    }

    /// Reassembles a shard from restored parts (a snapshot); `tombstones` has one bit per slot.
    pub(crate) fn from_parts(
        shard: u32,
        spec: &CollectionSpec,
        vectors: Vectors,
        payloads: PayloadArena,
        ids: Vec<u64>,
        mut tombstones: Vec<u64>,
        index: Hnsw,
    ) -> Self {
        assert_eq!(vectors.len(), ids.len());
        assert!(payloads.ends().is_empty() || payloads.ends().len() == ids.len());
        assert!(index.len() <= ids.len());
        tombstones.resize(ids.len().div_ceil(64).max(tombstones.len()), 0);
        let slots = live_slots(&ids, &tombstones);
        let tombstone_count = (ids.len() - slots.len()) as u64;
        Self {
            shard,
            metric: spec.metric,
            vectors,
            payloads,
            ids,
            slots,
            tombstones,
            tombstone_count,
            visited: VisitedSet::with_capacity(index.len()),
            index,
            hits: Vec::new(),
            layout_epoch: 0,
            _not_send: PhantomData,
        }
    }

    /// Applies a WAL record (replay at start, or the live write path).
    ///
    /// # Errors
    /// Fails when the arena cannot grow.
    pub fn apply(&mut self, record: &WalRecord) -> Result<()> {
        match record {
            WalRecord::Upsert {
                id,
                vector,
                payload,
            } => self.upsert_with_payload(*id, vector, payload),
            WalRecord::Delete { id } => {
                self.delete(*id);
                Ok(())
            }
        }
    }

    /// Slots the index has not reached yet.
    pub fn unindexed(&self) -> usize {
        self.vectors.len() - self.index.len()
    }

    /// Bytes of vectors in the slots the index has not reached yet (what an exact scan of
    /// them reads per query).
    pub fn unindexed_bytes(&self) -> usize {
        self.unindexed() * self.vectors.dim() * 4
    }

    /// Adds the next unindexed slot to the index (one bounded unit of work). Returns false
    /// when there was nothing left to index.
    pub fn index_next(&mut self) -> bool {
        if self.index.len() == self.vectors.len() {
            return false;
        }
        self.index.insert(&self.vectors, &mut self.visited);
        true
    }

    /// The `k` nearest live vectors to `query`, best first: through the index with beam
    /// width `ef`, plus an exact scan of the slots not indexed yet. Small shards are
    /// scanned exhaustively.
    pub fn search(&mut self, query: &[f32], k: usize, ef: usize) -> Vec<Neighbor> {
        if self.vectors.used_bytes() <= EXACT_SEARCH_BYTES_MAX || self.index.is_empty() {
            return self.search_exact(query, k);
        }
        self.search_indexed(query, k, ef)
    }

    /// [`Self::search`] without the small-shard shortcut: always through the index.
    pub fn search_indexed(&mut self, query: &[f32], k: usize, ef: usize) -> Vec<Neighbor> {
        let tombstones = &self.tombstones;
        self.index.search(
            &self.vectors,
            query,
            k,
            ef,
            &mut self.visited,
            |slot| tombstones[slot as usize / 64] & (1 << (slot % 64)) != 0,
            &mut self.hits,
        );
        let mut top = TopK::new(k);
        for &(distance, slot) in &self.hits {
            top.push(Neighbor {
                id: self.ids[slot as usize],
                distance,
            });
        }
        self.scan_slots(query, self.index.len() as u32, &mut top);
        top.into_sorted_vec()
    }

    /// The payloads (for snapshots).
    pub(crate) fn payload_arena(&self) -> &PayloadArena {
        &self.payloads
    }

    /// The vectors arena (for snapshots).
    pub(crate) fn vectors(&self) -> &Vectors {
        &self.vectors
    }

    /// Slot → id for every slot (for snapshots).
    pub(crate) fn slot_ids(&self) -> &[u64] {
        &self.ids
    }

    /// Tombstone bits (for snapshots).
    pub(crate) fn tombstone_words(&self) -> &[u64] {
        &self.tombstones
    }

    /// The index (for snapshots).
    pub(crate) fn index(&self) -> &Hnsw {
        &self.index
    }

    /// This shard's number in its collection.
    pub fn number(&self) -> u32 {
        self.shard
    }

    /// Live vectors.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when the shard holds no live vector.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Inserts or replaces `id` without a payload. A replaced vector's slot becomes a
    /// tombstone.
    ///
    /// The caller has validated the dimension and finiteness.
    ///
    /// # Errors
    /// Fails when the arena cannot grow.
    pub fn upsert(&mut self, id: u64, vector: &[f32]) -> Result<()> {
        self.upsert_with_payload(id, vector, &[])
    }

    /// Inserts or replaces `id` with its payload (empty: none); a replaced point's payload
    /// goes with its slot.
    ///
    /// The caller has validated the dimension, finiteness and payload size.
    ///
    /// # Errors
    /// Fails when the arena cannot grow.
    pub fn upsert_with_payload(&mut self, id: u64, vector: &[f32], payload: &[u8]) -> Result<()> {
        debug_assert!(vector.iter().all(|x| x.is_finite()));
        let slot = self
            .vectors
            .push(vector)
            .map_err(|e| Error::system("growing the vector arena", e))?;
        debug_assert_eq!(slot as usize, self.ids.len());
        self.payloads.push(slot as usize, payload);
        self.ids.push(id);
        if self.tombstones.len() * 64 <= slot as usize {
            self.tombstones.push(0);
        }
        if let Some(old) = self.slots.insert(id, slot) {
            self.set_tombstone(old);
        }
        Ok(())
    }

    /// Deletes `id`; returns whether it was live.
    pub fn delete(&mut self, id: u64) -> bool {
        match self.slots.remove(&id) {
            Some(slot) => {
                self.set_tombstone(slot);
                true
            }
            None => false,
        }
    }

    /// The live vector of `id`.
    pub fn get(&self, id: u64) -> Option<&[f32]> {
        self.slots.get(&id).map(|&slot| self.vectors.get(slot))
    }

    /// The live vector of `id` and its payload (empty when it has none).
    pub fn get_with_payload(&self, id: u64) -> Option<(&[f32], &[u8])> {
        self.slots
            .get(&id)
            .map(|&slot| (self.vectors.get(slot), self.payloads.get(slot)))
    }

    /// The payload of live `id` (empty when it has none).
    pub fn payload(&self, id: u64) -> Option<&[u8]> {
        self.slots.get(&id).map(|&slot| self.payloads.get(slot))
    }

    fn set_tombstone(&mut self, slot: u32) {
        let (word, bit) = (slot as usize / 64, slot % 64);
        debug_assert_eq!(
            self.tombstones[word] & (1 << bit),
            0,
            "slot {slot} tombstoned twice"
        );
        self.tombstones[word] |= 1 << bit;
        self.tombstone_count += 1;
    }

    /// True when `slot` holds a replaced or deleted vector.
    #[inline]
    pub fn is_tombstone(&self, slot: u32) -> bool {
        self.tombstones[slot as usize / 64] & (1 << (slot % 64)) != 0
    }

    /// The `k` nearest live vectors to `query`, best first, by exhaustive scan.
    pub fn search_exact(&self, query: &[f32], k: usize) -> Vec<Neighbor> {
        let mut top = TopK::new(k);
        self.scan_slots(query, 0, &mut top);
        top.into_sorted_vec()
    }

    /// Exhaustive search for a batch of queries (`nq * dim` components), best first per query.
    ///
    /// The scan is blocked: a block of vectors small enough to stay in L2 is compared with
    /// every query before moving on, so each vector is read from memory once per batch
    /// instead of once per query (a single-query scan is memory-bound).
    pub fn search_exact_batch(&self, queries: &[f32], k: usize) -> Vec<Vec<Neighbor>> {
        let dim = self.vectors.dim();
        let mut tops: Vec<TopK> = queries.chunks_exact(dim).map(|_| TopK::new(k)).collect();
        self.scan_batch(queries, 0..self.slots(), &mut tops);
        tops.into_iter().map(TopK::into_sorted_vec).collect()
    }

    /// Slots in use (live and tombstoned).
    pub fn slots(&self) -> u32 {
        self.vectors.len() as u32
    }

    /// Exhaustive search of `slots` for a batch of queries into one `TopK` per query, so a
    /// caller can scan a large shard in pieces and yield in between.
    pub fn scan_batch(&self, queries: &[f32], slots: std::ops::Range<u32>, tops: &mut [TopK]) {
        const BLOCK_BYTES: usize = 128 * 1024;
        let dim = self.vectors.dim();
        debug_assert_eq!(queries.len(), tops.len() * dim);
        let block_slots = (BLOCK_BYTES / (dim * 4)).max(1) as u32;
        let end = slots.end.min(self.slots());
        let mut start = slots.start;
        while start < end {
            let block_end = start.saturating_add(block_slots).min(end);
            for (query, top) in queries.chunks_exact(dim).zip(tops.iter_mut()) {
                self.scan_range(query, start..block_end, top);
            }
            start = block_end;
        }
    }

    /// Scans the next `max_slots` slots of an exhaustive batch search that yields between
    /// pieces; returns `false` once `tops` holds the complete answer. If a compaction
    /// renumbered the slots since the previous piece, the scan starts over (on empty `tops`)
    /// so no vector is missed or counted twice.
    pub fn scan_piece(
        &self,
        scan: &mut ExactScan,
        queries: &[f32],
        max_slots: u32,
        tops: &mut [TopK],
    ) -> bool {
        if scan.epoch != Some(self.layout_epoch) {
            if scan.epoch.is_some() {
                tops.iter_mut().for_each(TopK::clear);
            }
            *scan = ExactScan {
                next: 0,
                epoch: Some(self.layout_epoch),
            };
        }
        let end = scan.next.saturating_add(max_slots.max(1)).min(self.slots());
        self.scan_batch(queries, scan.next..end, tops);
        scan.next = end;
        end < self.slots()
    }

    /// Scans the live slots from `first_slot` on into `top`.
    fn scan_slots(&self, query: &[f32], first_slot: u32, top: &mut TopK) {
        self.scan_range(query, first_slot..self.vectors.len() as u32, top);
    }

    /// Scans the live slots in `slots` into `top`.
    fn scan_range(&self, query: &[f32], slots: std::ops::Range<u32>, top: &mut TopK) {
        for slot in slots {
            if self.is_tombstone(slot) {
                continue;
            }
            let distance = self.metric.distance(query, self.vectors.get(slot));
            if distance <= top.threshold() {
                top.push(Neighbor {
                    id: self.ids[slot as usize],
                    distance,
                });
            }
        }
    }

    /// Counters.
    pub fn stats(&self) -> ShardStats {
        ShardStats {
            shard: self.shard,
            vectors: self.slots.len() as u64,
            tombstones: self.tombstone_count,
            vector_bytes: self.vectors.used_bytes() as u64,
            index_bytes: self.index.memory_bytes() as u64,
            payload_bytes: self.payloads.memory_bytes() as u64,
            unindexed: self.unindexed() as u64,
            compactions: self.layout_epoch,
            ..ShardStats::default()
        }
    }
}

/// Id → slot of every slot whose tombstone bit is clear.
fn live_slots(ids: &[u64], tombstones: &[u64]) -> HashMap<u64, u32> {
    ids.iter()
        .enumerate()
        .filter(|(slot, _)| tombstones[slot / 64] & (1 << (slot % 64)) == 0)
        .map(|(slot, id)| (*id, slot as u32))
        .collect()
}

/// The index parameters of a collection's shards.
pub(crate) fn index_config(spec: &CollectionSpec) -> HnswConfig {
    HnswConfig {
        connectivity: spec.index.connectivity,
        expansion_add: spec.index.expansion_add,
        seed: INDEX_SEED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(dim: usize, metric: Metric) -> Shard {
        Shard::new(&CollectionSpec::new("t", dim, metric).with_shards(1), 0).unwrap()
    }

    #[test]
    fn upsert_replaces_and_delete_hides() {
        let mut s = shard(2, Metric::L2);
        s.upsert(7, &[0.0, 0.0]).unwrap();
        s.upsert(8, &[5.0, 5.0]).unwrap();
        s.upsert(7, &[10.0, 10.0]).unwrap();
        assert_eq!(s.get(7), Some(&[10.0, 10.0][..]));
        assert_eq!(s.len(), 2);
        let hits = s.search_exact(&[0.0, 0.0], 10);
        assert_eq!(hits.iter().map(|n| n.id).collect::<Vec<_>>(), vec![8, 7]);
        assert!(s.delete(8));
        assert!(!s.delete(8));
        assert_eq!(
            s.search_exact(&[0.0, 0.0], 10)
                .iter()
                .map(|n| n.id)
                .collect::<Vec<_>>(),
            vec![7]
        );
        assert_eq!(s.stats().tombstones, 2);
        assert_eq!(s.get(8), None);
    }

    #[test]
    fn indexed_search_sees_unindexed_slots_and_skips_tombstones() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let mut s = shard(8, Metric::L2);
        let n = (EXACT_SEARCH_BYTES_MAX / 64) as u64 + 500;
        for id in 0..n {
            let v: Vec<f32> = (0..8).map(|_| rng.gen_range(-1.0..1.0)).collect();
            s.upsert(id, &v).unwrap();
        }
        // Index only half: the rest must still be found by the exact tail scan.
        for _ in 0..n / 2 {
            s.index_next();
        }
        assert_eq!(s.unindexed() as u64, n - n / 2);
        let target = s.get(n - 1).unwrap().to_vec();
        assert_eq!(s.search(&target, 1, 64)[0].id, n - 1);
        let indexed_target = s.get(3).unwrap().to_vec();
        assert_eq!(s.search(&indexed_target, 1, 64)[0].id, 3);
        s.delete(3);
        assert!(s.search(&indexed_target, 10, 64).iter().all(|n| n.id != 3));
        while s.index_next() {}
        assert_eq!(s.unindexed(), 0);
        assert!(s.search(&indexed_target, 10, 64).iter().all(|n| n.id != 3));
    }
}
