//! `Shard`: one shard's vectors, payloads, labels, id map, tombstones and index, owned by
//! exactly one core.
//!
//! The shard's logic is synchronous and free of I/O: the core's tasks (see `local.rs`) do
//! durability and messaging around it, so everything here is testable without an executor.
//! A `Shard` is `!Send` on purpose: it lives and dies on its core.

mod compaction;
mod id_order;
mod id_slots;
mod postings;
mod slot_arena;

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::marker::PhantomData;

use corevec_storage::WalRecord;

use crate::collection::CollectionSpec;
use crate::distance::Metric;
use crate::error::{Error, Result};
use crate::filter::Filter;
use crate::hnsw::{Hnsw, HnswConfig, VisitedSet};
use crate::topk::{Neighbor, TopK};
use crate::vectors::Vectors;

pub use compaction::{
    Compaction, CompactionPolicy, CompactionReport, RetiredLayout, COMPACT_TOMBSTONES_MIN,
    COMPACT_TOMBSTONE_PERCENT,
};
use id_order::IdOrder;
use id_slots::IdSlots;
pub(crate) use postings::LabelPostings;
pub use slot_arena::PAYLOAD_BYTES_MAX;
pub(crate) use slot_arena::{LabelArena, PayloadArena};

/// Shards whose vectors take at most this many bytes are always searched exhaustively: the
/// scan stays in cache and beats a graph walk while returning the exact answer. Measured by
/// `cargo bench -p corevec-engine --bench exact_crossover` (384-d: a scan of 1,024 vectors
/// takes 30-55 µs vs 60 µs for HNSW at ef=64; at 2,048 the scan falls out of L2 and costs
/// 150-290 µs vs 95-120 µs); see bench/RESULTS.md.
pub const EXACT_SEARCH_BYTES_MAX: usize = 1536 * 1024;
/// Seed of every index's level generator: fixed so that a shard rebuilt from the same
/// insertion order gets the same graph.
pub const INDEX_SEED: u64 = 0x636f_7265_7665_6321;
/// `F` in [`Shard::filter_plan`]: a filtered graph walk costs about `F · ef · live / matching`
/// distance computations (so a one-label filter listing `c` slots is scanned when
/// `c² <= F · ef · live`).
pub const FILTERED_SCAN_FACTOR: u64 = 16;
/// Live points from which [`Shard::scroll`] keeps the ids in order instead of passing over
/// every slot per page (8 bytes per id while kept; a smaller shard's pass costs microseconds).
/// Low under `cfg(test)` so the property tests page through the order.
pub const SCROLL_ORDER_MIN: usize = if cfg!(test) { 4 } else { 16_384 };
/// Ids reserved for a page up front (pages may be up to 4,096 long but are often short).
const SCROLL_PAGE_RESERVE: usize = 1024;
/// A filtered scroll walks the id order only when the filter is estimated to match at least
/// this many points per page slot; rarer filters list their candidates instead
/// ([`Shard::scroll`]; a walk step is a hash lookup, ~16x a slot of a sequential pass).
const SCROLL_WALK_MATCHES_MIN: usize = 16;

/// How [`Shard::search_filtered_by`] answers a filtered search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterPath {
    /// The cheapest of the others by [`Shard::filter_plan`] (the default).
    Auto,
    /// Scan the points listed under the filter's `all_of` or `any_of` labels (exact).
    Scan,
    /// Check every slot's labels, computing distances for matching points only (exact).
    FullScan,
    /// Walk the graph, skipping non-matching points in the results.
    Graph,
}

/// Refuses a logged payload larger than any write may store.
fn check_logged_payload(id: u64, payload: &[u8]) -> Result<()> {
    if payload.len() > PAYLOAD_BYTES_MAX {
        return Err(Error::InvalidArgument(format!(
            "a logged payload of {} bytes for point {id}; at most {PAYLOAD_BYTES_MAX}",
            payload.len()
        )));
    }
    Ok(())
}

/// Refuses logged labels that are not what the engine logs: a sorted set of at most
/// `LABELS_PER_POINT_MAX`.
fn check_logged_labels(id: u64, labels: &[u64]) -> Result<()> {
    if labels.len() > crate::filter::LABELS_PER_POINT_MAX
        || labels.windows(2).any(|pair| pair[0] >= pair[1])
    {
        return Err(Error::InvalidArgument(format!(
            "logged labels of point {id} are not a sorted set of at most {}",
            crate::filter::LABELS_PER_POINT_MAX
        )));
    }
    Ok(())
}

/// Where a piecewise exhaustive scan ([`Shard::scan_piece`]) stands.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExactScan {
    next: u32,
    /// The slot count when the scan (re)started: the slots it covers.
    end: u32,
    /// The shard's `(layout_epoch, rewrites)` when the scan (re)started; `None` before the
    /// first piece.
    state: Option<(u64, u64)>,
    /// How often the scan started over because the shard changed under it.
    restarts: u32,
}

/// Restarts after which a piecewise scan finishes in one stretch, so that a shard rewritten
/// between every two pieces cannot keep a search from ever completing.
const SCAN_RESTARTS_MAX: u32 = 2;

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
    /// Bytes of index structures: the HNSW graph, and the ids in order once a scroll built
    /// them.
    pub index_bytes: u64,
    /// Bytes of payloads (including those of replaced or deleted slots, until compaction).
    pub payload_bytes: u64,
    /// Bytes of labels and their per-label slot lists (replaced or deleted slots included,
    /// until compaction).
    pub label_bytes: u64,
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
    /// Of those groups, the ones written while another group's write was in flight.
    pub wal_groups_overlapped: u64,
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
    /// The collection's metric: cosine vectors and queries are scaled to unit length
    /// ([`Metric::stored`]).
    metric: Metric,
    /// What distances are computed with ([`Metric::kernel`]).
    kernel: Metric,
    vectors: Vectors,
    /// Slot → payload, for every slot ever used.
    payloads: PayloadArena,
    /// Slot → labels (sorted, deduplicated), for every slot ever used.
    labels: LabelArena,
    /// Label → slots, for filtered searches.
    postings: LabelPostings,
    /// Slot → id, for every slot ever used.
    ids: Vec<u64>,
    /// Id → slot, for live ids only.
    slots: IdSlots,
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
    /// Changes to scanned slots in place (tombstones, label replacements): a piecewise scan
    /// that sees this move starts over ([`Shard::scan_piece`]).
    rewrites: u64,
    /// The ids in ascending order once a scroll needed it ([`Shard::scroll`]); kept valid by
    /// `upsert_point` (new ids), dropped when too many new ids pile up.
    id_order: RefCell<Option<IdOrder>>,
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
        let parts = ShardParts::new(
            vectors,
            PayloadArena::default(),
            LabelArena::default(),
            Vec::new(),
            Vec::new(),
            Hnsw::new(index_config(spec), spec.metric.kernel()),
        );
        Ok(Self::from_parts(shard, spec, parts))
    }

    /// The shard number `shard` of `spec` holding `parts` (decoded from a snapshot, or
    /// empty): moves them in, nothing more.
    pub(crate) fn from_parts(shard: u32, spec: &CollectionSpec, parts: ShardParts) -> Self {
        let tombstone_count = (parts.ids.len() - parts.slots.len()) as u64;
        debug_assert_eq!(parts.index.metric(), spec.metric.kernel());
        Self {
            shard,
            metric: spec.metric,
            kernel: spec.metric.kernel(),
            vectors: parts.vectors,
            payloads: parts.payloads,
            labels: parts.labels,
            postings: parts.postings,
            ids: parts.ids,
            slots: IdSlots::from_map(parts.slots),
            tombstones: parts.tombstones,
            tombstone_count,
            visited: VisitedSet::with_capacity(parts.index.len()),
            index: parts.index,
            hits: Vec::new(),
            layout_epoch: 0,
            rewrites: 0,
            id_order: RefCell::new(None),
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
                labels,
            } => {
                // The write path validated these; a record read back is checked again, so
                // that a damaged or foreign record is an error, not a panic or a shard that
                // cannot load its own snapshot.
                if vector.len() != self.vectors.dim() || vector.iter().any(|x| !x.is_finite()) {
                    return Err(Error::InvalidArgument(format!(
                        "a logged vector of point {id} has {} components (not all finite, or \
                         not the collection's {})",
                        vector.len(),
                        self.vectors.dim()
                    )));
                }
                check_logged_payload(*id, payload)?;
                check_logged_labels(*id, labels)?;
                self.upsert_point(*id, vector, payload, labels)
            }
            WalRecord::Delete { id } => {
                self.delete(*id);
                Ok(())
            }
            WalRecord::SetPayload { id, payload } => {
                check_logged_payload(*id, payload)?;
                self.set_payload(*id, payload);
                Ok(())
            }
            WalRecord::SetLabels { id, labels } => {
                check_logged_labels(*id, labels)?;
                self.set_labels(*id, labels);
                Ok(())
            }
        }
    }

    /// [`Self::apply`] for each record in order (replay, and the live write path), with the
    /// label lists of each run of consecutive SetLabels records updated in one batch
    /// (`LabelPostings::replace_many`): relabelling many points of a large shard then costs
    /// one pass per touched list instead of a shift per point.
    ///
    /// # Errors
    /// As [`Self::apply`]; the records before the failing one are applied.
    pub fn apply_all<'a>(
        &mut self,
        records: impl IntoIterator<Item = &'a WalRecord>,
    ) -> Result<()> {
        self.apply_counted(records).1
    }

    /// [`Self::apply_all`], also saying how many records were applied: all of them, or those
    /// before the one that failed (the write path logs exactly those).
    pub fn apply_counted<'a>(
        &mut self,
        records: impl IntoIterator<Item = &'a WalRecord>,
    ) -> (usize, Result<()>) {
        // Slot → (labels before the run's first change, labels after its last).
        let mut relabelled: HashMap<u32, (Vec<u64>, Vec<u64>)> = HashMap::new();
        let mut result = Ok(());
        let mut applied = 0;
        for record in records {
            if let WalRecord::SetLabels { id, labels } = record {
                if let Err(e) = check_logged_labels(*id, labels) {
                    result = Err(e);
                    break;
                }
                if let Some(&slot) = self.slots.get(id) {
                    let old = self.labels.get(slot).to_vec();
                    self.labels.replace(slot, self.slots(), labels);
                    self.rewrites += 1;
                    relabelled
                        .entry(slot)
                        .or_insert_with(|| (old, Vec::new()))
                        .1 = labels.clone();
                }
                applied += 1;
                continue;
            }
            if !relabelled.is_empty() {
                self.postings.replace_many(&relabelled);
                relabelled.clear();
            }
            if let Err(e) = self.apply(record) {
                result = Err(e);
                break;
            }
            applied += 1;
        }
        // Also after a failure: the lists must match the labels already replaced.
        if !relabelled.is_empty() {
            self.postings.replace_many(&relabelled);
        }
        (applied, result)
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
        let query = self.metric.stored(query);
        if self.vectors.used_bytes() <= EXACT_SEARCH_BYTES_MAX || self.index.is_empty() {
            return self.scan_all(&query, k);
        }
        self.search_graph(&query, k, ef, None)
    }

    /// [`Self::search`] without the small-shard shortcut: always through the index.
    pub fn search_indexed(&mut self, query: &[f32], k: usize, ef: usize) -> Vec<Neighbor> {
        let query = self.metric.stored(query);
        self.search_graph(&query, k, ef, None)
    }

    /// The `k` nearest live vectors whose labels match `filter` (normalized: see
    /// [`Filter::normalized`]), best first; fewer when fewer match.
    ///
    /// A selective filter is answered exactly, from the points listed under its labels or by
    /// checking every point's labels; otherwise the graph is walked with beam width `ef`,
    /// traversing non-matching points but never returning them, plus an exact scan of the
    /// slots not indexed yet. [`Self::filter_plan`] chooses; small shards are scanned.
    pub fn search_filtered(
        &mut self,
        query: &[f32],
        k: usize,
        ef: usize,
        filter: &Filter,
    ) -> Vec<Neighbor> {
        self.search_filtered_by(query, k, ef, filter, FilterPath::Auto)
    }

    /// [`Self::search_filtered`] on the path `path` (benchmarks and tests compare them);
    /// `Scan` needs a filter with `all_of` or `any_of` labels and falls back to `Auto`
    /// otherwise, `Graph` needs an index and falls back likewise.
    pub fn search_filtered_by(
        &mut self,
        query: &[f32],
        k: usize,
        ef: usize,
        filter: &Filter,
        path: FilterPath,
    ) -> Vec<Neighbor> {
        if filter.is_empty() {
            return self.search(query, k, ef);
        }
        let query = self.metric.stored(query);
        let query = &*query;
        // The label-list walk, prepared once for the plan and the scan (not for a graph walk
        // or a full scan asked for).
        let planned = match path {
            FilterPath::Auto | FilterPath::Scan => true,
            FilterPath::Graph => self.index.is_empty(),
            FilterPath::FullScan => false,
        };
        let walk = if planned {
            self.list_walk(filter)
        } else {
            None
        };
        let path = match path {
            FilterPath::Scan if walk.is_none() => self.plan(filter, ef, None),
            FilterPath::Graph if self.index.is_empty() => self.plan(filter, ef, walk.as_ref()),
            FilterPath::Auto => self.plan(filter, ef, walk.as_ref()),
            path => path,
        };
        let mut top = TopK::new(k);
        match (path, walk) {
            (FilterPath::Graph, _) => return self.search_graph(query, k, ef, Some(filter)),
            (FilterPath::Scan, Some(walk)) => self.scan_postings(query, filter, &walk, &mut top),
            _ => self.scan_range(query, 0..self.slots(), Some(filter), &mut top),
        }
        top.into_sorted_vec()
    }

    /// The way [`Self::search_filtered`] answers `filter` at beam width `ef` (never `Auto`).
    ///
    /// Costs are counted in distance computations. A filtered graph walk visits about
    /// `ef / selectivity` points before its results fill, so it costs about
    /// `F · ef · live / matching`; a label-list scan one distance per matching listed slot
    /// and a check per other listed slot; a full scan one distance per matching point plus a
    /// label check per slot. `matching` comes from
    /// checking the whole filter on evenly spaced slots of the list (or of the shard; see
    /// `estimate_matching`), so filters whose labels are common but rarely together, or that
    /// exclude almost everything, are not sent down the graph. With one label the rule is
    /// `candidates² <= F · ef · live`. Both constants are measured by `corevec-bench filter`
    /// (bench/RESULTS.md, "Filtered search"): F on 384-d and 128-d data, and the label check
    /// at ~7 ns against ~0.2 ns per dimension for a distance, so `dim / 32` checks cost one
    /// distance.
    pub fn filter_plan(&self, filter: &Filter, ef: usize) -> FilterPath {
        self.plan(filter, ef, self.list_walk(filter).as_ref())
    }

    /// [`Self::filter_plan`] with the filter's label-list walk prepared (`None` when it has
    /// no `all_of` or `any_of` labels).
    fn plan(&self, filter: &Filter, ef: usize, walk: Option<&ListWalk<'_>>) -> FilterPath {
        let label_checks_per_distance = (self.vectors.dim() as f64 / 32.0).max(1.0);
        let candidates = walk.map(|walk| listed_slots(walk.lists()));
        if self.vectors.used_bytes() <= EXACT_SEARCH_BYTES_MAX || self.index.is_empty() {
            return if candidates.is_some() {
                FilterPath::Scan
            } else {
                FilterPath::FullScan
            };
        }
        let graph_cost = |matching: f64| {
            FILTERED_SCAN_FACTOR as f64 * ef as f64 * self.slots.len() as f64 / matching.max(1.0)
        };
        // A listed point that matches costs a distance; one that does not, a check (a bit
        // test or a label check).
        let scan_cost = |listed: f64, matching: f64| {
            matching + (listed - matching).max(0.0) / label_checks_per_distance
        };
        match candidates {
            // Even if every listed point matches, the scan is the cheaper: no need to sample.
            Some(listed) if listed as f64 <= graph_cost(listed as f64) => FilterPath::Scan,
            Some(listed) => {
                let matching = self.estimate_matching(filter, walk);
                if scan_cost(listed as f64, matching) <= graph_cost(matching) {
                    FilterPath::Scan
                } else {
                    FilterPath::Graph
                }
            }
            None => {
                let matching = self.estimate_matching(filter, None);
                let full_scan = matching + f64::from(self.slots()) / label_checks_per_distance;
                if full_scan <= graph_cost(matching) {
                    FilterPath::FullScan
                } else {
                    FilterPath::Graph
                }
            }
        }
    }

    /// Live points matching `filter`, estimated from 256 evenly spaced slots of the lists of
    /// its label-list `walk` (as [`Self::scan_postings`] would visit them, checked as it
    /// checks them), or of the whole shard when it has none; when fewer than 8 of those
    /// match, from 2,048 (tens of µs of label checks) so a rare match is counted, not guessed.
    /// No hit estimates half a sample's worth.
    fn estimate_matching(&self, filter: &Filter, walk: Option<&ListWalk<'_>>) -> f64 {
        const SAMPLES: usize = 256;
        const SAMPLES_WIDE: usize = 2048;
        const HITS_ENOUGH: usize = 8;
        let population = walk.map_or(self.slots() as usize, |walk| listed_slots(walk.lists()));
        if population == 0 {
            return 0.0;
        }
        // The sampled positions rise, so one pass over the lists finds them all (a range
        // filter's group has up to 224 lists; a search per sample cost ~20 µs at ~110).
        let count_hits = |samples: usize| {
            let Some(walk) = walk else {
                return (0..samples)
                    .filter(|&j| self.selects(filter, (j * population / samples) as u32))
                    .count();
            };
            let lists = walk.lists();
            // The scan's check, whose bitmaps the scan then reuses, when filling them costs
            // no more than reading the samples' labels (a few ns per listed slot against
            // ~0.5 µs per sampled point, cache misses included); else on labels, so a plan
            // that picks the graph walk never pays a pass over lists as long as the shard.
            let on_labels;
            let rest = if walk.rest.get().is_some()
                || walk.other_groups_listed() <= SAMPLE_BITS_PER_SAMPLE * samples
            {
                walk.rest(self, filter)
            } else {
                on_labels = RestOfFilter::on_labels(filter, walk.walked_group());
                &on_labels
            };
            let (mut list, mut start, mut hits) = (0, 0, 0);
            for j in 0..samples {
                let i = j * population / samples;
                // `i < population`, the lists' total length: the walk stops within them.
                while i >= start + lists[list].len() {
                    start += lists[list].len();
                    list += 1;
                }
                hits += usize::from(self.passes_rest(rest, filter, lists[list][i - start]));
            }
            hits
        };
        let mut samples = population.min(SAMPLES);
        let mut hits = count_hits(samples);
        if hits < HITS_ENOUGH && population > samples {
            samples = population.min(SAMPLES_WIDE);
            hits = count_hits(samples);
        }
        let hits = if hits == 0 { 0.5 } else { hits as f64 };
        hits / samples as f64 * population as f64
    }

    /// The filter's label-list walk: the lists of every `any_of` group, looked up once, and
    /// what [`Self::scan_postings`] visits: the shortest list of the `all_of` labels, else the
    /// lists of the group listing the fewest slots. `None` when the filter has neither (only
    /// `none_of`: every point may match).
    fn list_walk(&self, filter: &Filter) -> Option<ListWalk<'_>> {
        let groups: Vec<Vec<&[u32]>> = (filter.any_of.iter())
            .map(|group| group.iter().map(|&l| self.postings.slots(l)).collect())
            .collect();
        let shortest_all_of = (filter.all_of.iter())
            .map(|&label| self.postings.slots(label))
            .min_by_key(|list| list.len());
        let walked = match shortest_all_of {
            Some(list) => Walked::AllOf([list]),
            None => Walked::Group((0..groups.len()).min_by_key(|&g| listed_slots(&groups[g]))?),
        };
        Some(ListWalk {
            groups,
            walked,
            rest: OnceCell::new(),
        })
    }

    /// Exact search over the slots of the filter's label-list `walk`: its shortest `all_of`
    /// list or one `any_of` group's lists.
    fn scan_postings(&self, query: &[f32], filter: &Filter, walk: &ListWalk<'_>, top: &mut TopK) {
        let mut push = |slot: u32| {
            let distance = self.kernel.distance(query, self.vectors.get(slot));
            if distance <= top.threshold() {
                top.push(Neighbor {
                    id: self.ids[slot as usize],
                    distance,
                });
            }
        };
        let (lists, rest) = (walk.lists(), walk.rest(self, filter));
        // With several lists (a group's), a point carrying several of the labels is considered
        // once: a per-query bitmap of the slots seen (an `all_of` list is the only one). A
        // bit test instead of searching the point's labels for every earlier list, which
        // cost ~400 ns per listed point under a range's cover (bench/RESULTS.md).
        let mut seen = ListedOnce::new(lists, self.slots());
        for list in lists {
            for &slot in *list {
                if seen.first_time(slot) && self.passes_rest(rest, filter, slot) {
                    push(slot);
                }
            }
        }
    }

    /// True when `slot`, walked in a label list of `filter`, is live and meets `rest` (the
    /// filter less that list's condition).
    #[inline]
    fn passes_rest(&self, rest: &RestOfFilter, filter: &Filter, slot: u32) -> bool {
        let passes = !self.is_tombstone(slot) && rest.passes(slot, || self.labels.get(slot));
        debug_assert!(
            self.is_tombstone(slot) || passes == filter.matches(self.labels.get(slot)),
            "slot {slot}: label lists disagree with its labels"
        );
        passes
    }

    /// Graph search (tombstones and, with a filter, non-matching points traversed but not
    /// returned) plus an exact scan of the unindexed slots.
    fn search_graph(
        &mut self,
        query: &[f32],
        k: usize,
        ef: usize,
        filter: Option<&Filter>,
    ) -> Vec<Neighbor> {
        let tombstones = &self.tombstones;
        let labels = &self.labels;
        // All ef results, not the index's k best: the index orders ties by slot, and results
        // tie by id (`TopK`), whatever the slots.
        self.index.search(
            &self.vectors,
            query,
            ef.max(k),
            ef,
            &mut self.visited,
            |slot| {
                tombstones[slot as usize / 64] & (1 << (slot % 64)) != 0
                    || filter.is_some_and(|filter| !filter.matches(labels.get(slot)))
            },
            &mut self.hits,
        );
        let mut top = TopK::new(k);
        for &(distance, slot) in &self.hits {
            top.push(Neighbor {
                id: self.ids[slot as usize],
                distance,
            });
        }
        self.scan_range(
            query,
            self.index.len() as u32..self.slots(),
            filter,
            &mut top,
        );
        top.into_sorted_vec()
    }

    /// The payloads (for snapshots).
    pub(crate) fn payload_arena(&self) -> &PayloadArena {
        &self.payloads
    }

    /// The labels (for snapshots).
    pub(crate) fn label_arena(&self) -> &LabelArena {
        &self.labels
    }

    /// The vectors arena (for snapshots).
    pub(crate) fn vectors(&self) -> &Vectors {
        &self.vectors
    }

    /// Slot → id for every slot (for snapshots).
    pub(crate) fn slot_ids(&self) -> &[u64] {
        &self.ids
    }

    /// How many compactions installed a new slot layout (for snapshots encoded in pieces).
    pub(crate) fn layout_epoch(&self) -> u64 {
        self.layout_epoch
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
        self.upsert_point(id, vector, payload, &[])
    }

    /// Inserts or replaces the whole point `id`: vector, payload (empty: none) and labels
    /// (sorted and deduplicated; empty: none). A replaced point's payload and labels go with
    /// its slot.
    /// In a cosine collection the vector is stored scaled to unit length, so GET returns it
    /// so ([`Metric::stored`]).
    ///
    /// The caller has validated the dimension, finiteness, payload size and label count.
    ///
    /// # Errors
    /// Fails when the arena cannot grow.
    pub fn upsert_point(
        &mut self,
        id: u64,
        vector: &[f32],
        payload: &[u8],
        labels: &[u64],
    ) -> Result<()> {
        debug_assert!(vector.iter().all(|x| x.is_finite()));
        debug_assert!(payload.len() <= PAYLOAD_BYTES_MAX);
        debug_assert!(labels.len() <= crate::filter::LABELS_PER_POINT_MAX);
        debug_assert!(
            labels.windows(2).all(|pair| pair[0] < pair[1]),
            "labels not normalized"
        );
        let slot = self
            .vectors
            .push(&self.metric.stored(vector))
            .map_err(|e| Error::system("growing the vector arena", e))?;
        debug_assert_eq!(slot as usize, self.ids.len());
        self.payloads.push(slot as usize, payload);
        self.labels.push(slot as usize, labels);
        self.postings.push(slot, labels);
        self.ids.push(id);
        if self.tombstones.len() * 64 <= slot as usize {
            self.tombstones.push(0);
        }
        if let Some(old) = self.slots.insert(id, slot, &self.ids) {
            self.set_tombstone(old);
        } else {
            let order = self.id_order.get_mut();
            if order.as_mut().is_some_and(|order| !order.insert(id)) {
                *order = None;
            }
        }
        Ok(())
    }

    /// Replaces the payload of live point `id` in place (empty: none), keeping its slot,
    /// vector, labels and place in the index; returns whether `id` was live.
    ///
    /// The caller has validated the payload size.
    pub fn set_payload(&mut self, id: u64, payload: &[u8]) -> bool {
        debug_assert!(payload.len() <= PAYLOAD_BYTES_MAX);
        let Some(&slot) = self.slots.get(&id) else {
            return false;
        };
        self.payloads.replace(slot, self.slots(), payload);
        true
    }

    /// Replaces the labels of live point `id` in place (sorted and deduplicated; empty: none),
    /// keeping its slot, vector, payload and place in the index, and moves the slot between
    /// the label lists; returns whether `id` was live.
    ///
    /// The caller has validated the label count.
    pub fn set_labels(&mut self, id: u64, labels: &[u64]) -> bool {
        debug_assert!(labels.len() <= crate::filter::LABELS_PER_POINT_MAX);
        debug_assert!(
            labels.windows(2).all(|pair| pair[0] < pair[1]),
            "labels not normalized"
        );
        let Some(&slot) = self.slots.get(&id) else {
            return false;
        };
        let old = self.labels.get(slot).to_vec();
        self.labels.replace(slot, self.slots(), labels);
        self.rewrites += 1;
        self.postings.replace(slot, &old, labels);
        true
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

    /// The labels of live `id`, sorted (empty when it has none).
    pub fn labels(&self, id: u64) -> Option<&[u64]> {
        self.slots.get(&id).map(|&slot| self.labels.get(slot))
    }

    /// The smallest `limit` live ids `>= start` (of points matching `filter`, when given), in
    /// ascending order, and whether more such ids exist.
    ///
    /// A shard of at least [`SCROLL_ORDER_MIN`] points walks its `IdOrder` (built by the
    /// first such call: O(n log n) once), so a page costs a binary search plus the ids it
    /// looks at; a smaller one makes one pass over its slots, and so does a filter matching
    /// fewer than `16 · limit` points (over its label lists when it has some).
    pub fn scroll(&self, start: u64, limit: usize, filter: Option<&Filter>) -> (Vec<u64>, bool) {
        assert!(limit > 0, "a scroll page holds at least one point");
        if self.slots.len() < SCROLL_ORDER_MIN {
            return self.scroll_slots(start, limit, filter);
        }
        if let Some(filter) = filter {
            // The walk below looks at about `limit · live / matching` ids per page, each a
            // hash lookup; for a filter matching few points, listing them from their label
            // lists (or, without lists, one pass over the slots) costs less.
            let walk = self.list_walk(filter);
            let matching = self.estimate_matching(filter, walk.as_ref());
            if matching < (SCROLL_WALK_MATCHES_MIN * limit) as f64 {
                return match walk {
                    Some(walk) => self.scroll_listed(start, limit, filter, &walk),
                    None => self.scroll_slots(start, limit, Some(filter)),
                };
            }
        }
        let mut order = self.id_order.borrow_mut();
        let order = order.get_or_insert_with(|| IdOrder::build(self.slots.keys().copied()));
        let mut ids = Vec::with_capacity(limit.min(SCROLL_PAGE_RESERVE));
        // Ids deleted since the order was built are still in it: the id map decides.
        for id in order.from(start) {
            let Some(&slot) = self.slots.get(&id) else {
                continue;
            };
            if filter.is_some_and(|f| !f.matches(self.labels.get(slot))) {
                continue;
            }
            if ids.len() == limit {
                return (ids, true);
            }
            ids.push(id);
        }
        (ids, false)
    }

    /// [`Shard::scroll`] by one sequential pass over the slots' ids (skipping tombstones):
    /// O(slots), whatever `start` is.
    fn scroll_slots(&self, start: u64, limit: usize, filter: Option<&Filter>) -> (Vec<u64>, bool) {
        self.smallest_ids(0..self.slots(), start, limit, |slot| {
            if self.is_tombstone(slot) {
                return false;
            }
            debug_assert_eq!(
                self.slots.get(&self.ids[slot as usize]),
                Some(&slot),
                "a live slot not in the id map"
            );
            filter.is_none_or(|f| f.matches(self.labels.get(slot)))
        })
    }

    /// [`Shard::scroll`] over the slots of `lists` (the filter's label lists): O(listed).
    fn scroll_listed(
        &self,
        start: u64,
        limit: usize,
        filter: &Filter,
        walk: &ListWalk<'_>,
    ) -> (Vec<u64>, bool) {
        // A point listed under several labels of a group counts once.
        let mut seen = ListedOnce::new(walk.lists(), self.slots());
        let rest = walk.rest(self, filter);
        let listed = walk.lists().iter().flat_map(|list| list.iter().copied());
        self.smallest_ids(listed, start, limit, |slot| {
            seen.first_time(slot) && self.passes_rest(rest, filter, slot)
        })
    }

    /// The smallest `limit` ids `>= start` of the `slots` that `keep` accepts, ascending, and
    /// whether more exist: a bounded max-heap of `limit + 1` candidates, whose size says
    /// whether more exist. `keep` is asked only about slots whose id could still make the
    /// page.
    fn smallest_ids(
        &self,
        slots: impl Iterator<Item = u32>,
        start: u64,
        limit: usize,
        mut keep: impl FnMut(u32) -> bool,
    ) -> (Vec<u64>, bool) {
        let mut smallest = std::collections::BinaryHeap::with_capacity(limit + 1);
        for slot in slots {
            let id = self.ids[slot as usize];
            if id < start
                || (smallest.len() > limit && smallest.peek().is_some_and(|&top| id > top))
                || !keep(slot)
            {
                continue;
            }
            smallest.push(id);
            if smallest.len() > limit + 1 {
                smallest.pop();
            }
        }
        let more = smallest.len() > limit;
        let mut ids = smallest.into_sorted_vec();
        ids.truncate(limit);
        (ids, more)
    }

    /// True when `slot` is live and its labels match `filter`.
    #[inline]
    fn selects(&self, filter: &Filter, slot: u32) -> bool {
        !self.is_tombstone(slot) && filter.matches(self.labels.get(slot))
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
        self.rewrites += 1;
    }

    /// True when `slot` holds a replaced or deleted vector.
    #[inline]
    pub fn is_tombstone(&self, slot: u32) -> bool {
        self.tombstones[slot as usize / 64] & (1 << (slot % 64)) != 0
    }

    /// The `k` nearest live vectors to `query`, best first, by exhaustive scan.
    pub fn search_exact(&self, query: &[f32], k: usize) -> Vec<Neighbor> {
        self.scan_all(&self.metric.stored(query), k)
    }

    /// [`Self::search_exact`] for a query already as stored ([`Metric::stored`]).
    fn scan_all(&self, query: &[f32], k: usize) -> Vec<Neighbor> {
        let mut top = TopK::new(k);
        self.scan_range(query, 0..self.slots(), None, &mut top);
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
        self.scan_batch(queries, 0..self.slots(), None, &mut tops);
        tops.into_iter().map(TopK::into_sorted_vec).collect()
    }

    /// Slots in use (live and tombstoned).
    pub fn slots(&self) -> u32 {
        self.vectors.len() as u32
    }

    /// Exhaustive search of `slots` for a batch of queries into one `TopK` per query, so a
    /// caller can scan a large shard in pieces and yield in between; with a filter, only
    /// matching points are candidates.
    pub fn scan_batch(
        &self,
        queries: &[f32],
        slots: std::ops::Range<u32>,
        filter: Option<&Filter>,
        tops: &mut [TopK],
    ) {
        const BLOCK_BYTES: usize = 128 * 1024;
        let dim = self.vectors.dim();
        debug_assert_eq!(queries.len(), tops.len() * dim);
        let queries = self.metric.stored_each(queries, dim);
        let block_slots = (BLOCK_BYTES / (dim * 4)).max(1) as u32;
        let end = slots.end.min(self.slots());
        let mut start = slots.start;
        while start < end {
            let block_end = start.saturating_add(block_slots).min(end);
            for (query, top) in queries.chunks_exact(dim).zip(tops.iter_mut()) {
                self.scan_range(query, start..block_end, filter, top);
            }
            start = block_end;
        }
    }

    /// Scans the next `max_slots` slots of an exhaustive batch search that yields between
    /// pieces; returns `false` once `tops` holds the complete answer. The answer is exact for
    /// the shard as it was when the scan last (re)started: points appended later are not in
    /// it, and a delete, a replacement, a relabelling or a compaction between pieces starts
    /// the scan over (on empty `tops`), so no point is missed, counted twice or returned
    /// with a vector or labels it no longer has. After `SCAN_RESTARTS_MAX` (2) restarts the
    /// rest is scanned in one stretch, so the scan always finishes.
    pub fn scan_piece(
        &self,
        scan: &mut ExactScan,
        queries: &[f32],
        filter: Option<&Filter>,
        max_slots: u32,
        tops: &mut [TopK],
    ) -> bool {
        let state = (self.layout_epoch, self.rewrites);
        if scan.state != Some(state) {
            if scan.state.is_some() {
                tops.iter_mut().for_each(TopK::clear);
                scan.restarts += 1;
            }
            scan.next = 0;
            scan.end = self.slots();
            scan.state = Some(state);
        }
        let max_slots = if scan.restarts >= SCAN_RESTARTS_MAX {
            u32::MAX
        } else {
            max_slots.max(1)
        };
        let end = scan.next.saturating_add(max_slots).min(scan.end);
        self.scan_batch(queries, scan.next..end, filter, tops);
        scan.next = end;
        end < scan.end
    }

    /// Scans the live slots in `slots` (matching `filter`, if any) into `top`.
    fn scan_range(
        &self,
        query: &[f32],
        slots: std::ops::Range<u32>,
        filter: Option<&Filter>,
        top: &mut TopK,
    ) {
        for slot in slots {
            let skip = match filter {
                None => self.is_tombstone(slot),
                Some(filter) => !self.selects(filter, slot),
            };
            if skip {
                continue;
            }
            let distance = self.kernel.distance(query, self.vectors.get(slot));
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
            index_bytes: (self.index.memory_bytes()
                + self
                    .id_order
                    .borrow()
                    .as_ref()
                    .map_or(0, IdOrder::memory_bytes)) as u64,
            payload_bytes: self.payloads.memory_bytes() as u64,
            label_bytes: (self.labels.memory_bytes() + self.postings.memory_bytes()) as u64,
            unindexed: self.unindexed() as u64,
            compactions: self.layout_epoch,
            ..ShardStats::default()
        }
    }
}

/// A set of slots as one bit per slot of the shard.
struct SlotBits(Vec<u64>);

impl SlotBits {
    fn new(slots: u32) -> SlotBits {
        SlotBits(vec![0u64; (slots as usize).div_ceil(64)])
    }

    /// The slots of `lists`.
    fn of(lists: &[&[u32]], slots: u32) -> SlotBits {
        let mut bits = SlotBits::new(slots);
        for &slot in lists.iter().flat_map(|list| list.iter()) {
            bits.insert(slot);
        }
        bits
    }

    /// Adds `slot`; true when it was not in the set.
    #[inline]
    fn insert(&mut self, slot: u32) -> bool {
        let (word, bit) = (slot as usize / 64, 1u64 << (slot % 64));
        let new = self.0[word] & bit == 0;
        self.0[word] |= bit;
        new
    }

    #[inline]
    fn contains(&self, slot: u32) -> bool {
        self.0[slot as usize / 64] & (1 << (slot % 64)) != 0
    }
}

/// The slots met while walking a filter's label lists, so that a point listed under several
/// labels of an `any_of` group counts once: a per-walk bitmap, only when there are several
/// lists (one list never repeats a slot).
struct ListedOnce(Option<SlotBits>);

impl ListedOnce {
    fn new(lists: &[&[u32]], slots: u32) -> ListedOnce {
        ListedOnce((lists.len() > 1).then(|| SlotBits::new(slots)))
    }

    /// True the first time `slot` is offered.
    #[inline]
    fn first_time(&mut self, slot: u32) -> bool {
        self.0.as_mut().is_none_or(|seen| seen.insert(slot))
    }
}

/// A walk over a filter's label lists, looked up once per query (see `Shard::list_walk`):
/// the lists of every `any_of` group, which of them (or which `all_of` list) is walked, and
/// the check of the rest of the filter, built when first needed.
struct ListWalk<'a> {
    groups: Vec<Vec<&'a [u32]>>,
    walked: Walked<'a>,
    rest: OnceCell<RestOfFilter>,
}

/// What a [`ListWalk`] walks.
enum Walked<'a> {
    /// The shortest list of the filter's `all_of` labels.
    AllOf([&'a [u32]; 1]),
    /// The lists of this `any_of` group.
    Group(usize),
}

impl<'a> ListWalk<'a> {
    /// The lists walked.
    fn lists(&self) -> &[&'a [u32]] {
        match &self.walked {
            Walked::AllOf(list) => list,
            Walked::Group(g) => &self.groups[*g],
        }
    }

    /// The `any_of` group walked (`None` for an `all_of` list).
    fn walked_group(&self) -> Option<usize> {
        match self.walked {
            Walked::AllOf(_) => None,
            Walked::Group(g) => Some(g),
        }
    }

    /// Slots listed under the `any_of` groups not walked.
    fn other_groups_listed(&self) -> usize {
        (self.groups.iter().enumerate())
            .filter(|&(g, _)| self.walked_group() != Some(g))
            .map(|(_, lists)| listed_slots(lists))
            .sum()
    }

    /// The check of the rest of `filter` (the filter this walk is for), with bitmaps.
    fn rest(&self, shard: &Shard, filter: &Filter) -> &RestOfFilter {
        self.rest
            .get_or_init(|| RestOfFilter::with_bits(shard.slots(), filter, self))
    }
}

/// The plan's sample fills the scan's bitmaps itself when the groups to fill list at most this
/// many slots per sampled point.
const SAMPLE_BITS_PER_SAMPLE: usize = 128;

/// A label-list walk's `any_of` group may be tested as a bitmap when it lists at most this many
/// times the slots walked: filling the bitmap costs a few ns per listed slot, a label check of
/// a range's ~100-label group ~100 ns per walked slot (bench/RESULTS.md, "Several ranges").
const GROUP_BITS_LISTED_MAX: usize = 16;

/// What a label-list walk still checks on a live slot it meets: the filter less the condition
/// of the list walked. A live slot is listed exactly under the labels it carries (replacements
/// and deletions tombstone the slot; SET_LABELS moves it between lists), so the walked group
/// holds by construction, and another `any_of` group holds iff the slot is listed under one of
/// its labels: a bitmap of those slots, when it costs less than reading labels. The rest
/// (`all_of`, `none_of`, groups listing many more slots than the walk) is checked on the
/// slot's labels; with nothing left, no labels are read.
struct RestOfFilter {
    groups: Vec<SlotBits>,
    labels: Option<Filter>,
}

impl RestOfFilter {
    /// The rest of `filter` with the `walked` group's lists walked (`None`: an `all_of` list),
    /// all of it checked on labels.
    fn on_labels(filter: &Filter, walked: Option<usize>) -> RestOfFilter {
        RestOfFilter::new(filter, walked, |_| None)
    }

    /// As [`RestOfFilter::on_labels`] for `walk`, with the groups that list at most
    /// [`GROUP_BITS_LISTED_MAX`] times the slots walked as bitmaps (of a shard of `slots`).
    fn with_bits(slots: u32, filter: &Filter, walk: &ListWalk<'_>) -> RestOfFilter {
        let budget = GROUP_BITS_LISTED_MAX.saturating_mul(listed_slots(walk.lists()));
        RestOfFilter::new(filter, walk.walked_group(), |g| {
            let lists = &walk.groups[g];
            (listed_slots(lists) <= budget).then(|| SlotBits::of(lists, slots))
        })
    }

    /// `all_of`, `none_of` and the groups other than `walked`: each as the bitmap `bits` gives
    /// for its index, or on labels.
    fn new(
        filter: &Filter,
        walked: Option<usize>,
        mut bits: impl FnMut(usize) -> Option<SlotBits>,
    ) -> RestOfFilter {
        let mut labels = Filter {
            all_of: filter.all_of.clone(),
            any_of: Vec::new(),
            none_of: filter.none_of.clone(),
        };
        let mut groups = Vec::new();
        for (g, group) in filter.any_of.iter().enumerate() {
            if walked == Some(g) {
                continue;
            }
            match bits(g) {
                Some(group_bits) => groups.push(group_bits),
                None => labels.any_of.push(group.clone()),
            }
        }
        RestOfFilter {
            groups,
            labels: (!labels.is_empty()).then_some(labels),
        }
    }

    /// Whether a live slot meets the rest; `labels` reads its labels if needed.
    #[inline]
    fn passes<'a>(&self, slot: u32, labels: impl FnOnce() -> &'a [u64]) -> bool {
        self.groups.iter().all(|bits| bits.contains(slot))
            && self
                .labels
                .as_ref()
                .is_none_or(|rest| rest.matches(labels()))
    }
}

/// Slots in `lists` together (a slot in several counts once per list).
fn listed_slots(lists: &[&[u32]]) -> usize {
    lists.iter().map(|list| list.len()).sum()
}

/// A shard's contents before they become a [`Shard`]: plain `Send` data, so that decoding a
/// snapshot, with the id map and label lists it implies, can run away from the core that will
/// own the shard (a read replica decodes its seed on glommio's blocking thread pool);
/// [`Shard::from_parts`] then only moves them in.
pub(crate) struct ShardParts {
    vectors: Vectors,
    payloads: PayloadArena,
    labels: LabelArena,
    postings: LabelPostings,
    ids: Vec<u64>,
    slots: HashMap<u64, u32>,
    tombstones: Vec<u64>,
    index: Hnsw,
}

impl ShardParts {
    /// Checks that the parts agree and derives the id → slot map and the label lists;
    /// `tombstones` has one bit per slot.
    pub(crate) fn new(
        vectors: Vectors,
        payloads: PayloadArena,
        labels: LabelArena,
        ids: Vec<u64>,
        mut tombstones: Vec<u64>,
        index: Hnsw,
    ) -> Self {
        assert_eq!(vectors.len(), ids.len());
        assert!(payloads.ends().is_empty() || payloads.ends().len() == ids.len());
        assert!(labels.ends().is_empty() || labels.ends().len() == ids.len());
        debug_assert!((0..ids.len() as u32)
            .all(|slot| labels.get(slot).windows(2).all(|pair| pair[0] < pair[1])));
        assert!(index.len() <= ids.len());
        let postings = LabelPostings::from_arena(&labels, ids.len() as u32);
        tombstones.resize(ids.len().div_ceil(64).max(tombstones.len()), 0);
        let slots = live_slots(&ids, &tombstones);
        Self {
            vectors,
            payloads,
            labels,
            postings,
            ids,
            slots,
            tombstones,
            index,
        }
    }

    /// Distinct live ids.
    pub(crate) fn live_ids(&self) -> usize {
        self.slots.len()
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
    fn apply_counted_says_how_many_records_were_applied_before_a_failure() {
        let mut s = shard(2, Metric::L2);
        let upsert = |id| WalRecord::Upsert {
            id,
            vector: vec![id as f32, 0.0],
            payload: Vec::new(),
            labels: Vec::new(),
        };
        let records = [
            upsert(1),
            WalRecord::SetLabels {
                id: 1,
                labels: vec![2, 5],
            },
            WalRecord::SetLabels {
                id: 1,
                labels: vec![5, 2], // not a sorted set: refused
            },
            upsert(2),
        ];
        let (applied, outcome) = s.apply_counted(&records);
        assert_eq!(applied, 2);
        assert!(
            matches!(outcome, Err(Error::InvalidArgument(_))),
            "{outcome:?}"
        );
        assert_eq!(s.labels(1), Some(&[2, 5][..]));
        assert_eq!(s.get(2), None, "nothing after the failure");
        let (applied, outcome) = s.apply_counted(&records[..2]);
        assert!(applied == 2 && outcome.is_ok(), "{outcome:?}");
    }

    /// The ids a piecewise scan of points 0..100 at `[id, 0]` returns for the query
    /// `[0, 0]` when `change` happens after its first piece (40 slots).
    fn scan_around(change: impl Fn(&mut Shard), filter: Option<&Filter>) -> Vec<u64> {
        let mut s = shard(2, Metric::L2);
        for id in 0..100u64 {
            s.upsert(id, &[id as f32, 0.0]).unwrap();
        }
        let query = [0.0, 0.0];
        let mut tops = vec![TopK::new(5)];
        let mut scan = ExactScan::default();
        assert!(s.scan_piece(&mut scan, &query, filter, 40, &mut tops));
        change(&mut s);
        while s.scan_piece(&mut scan, &query, filter, 40, &mut tops) {}
        let got = tops.pop().unwrap().into_sorted_vec();
        if filter.is_none() {
            assert_eq!(
                got,
                s.search_exact_batch(&query, 5)[0],
                "what a fresh scan finds"
            );
        }
        got.iter().map(|n| n.id).collect()
    }

    #[test]
    fn a_piecewise_scan_returns_a_point_replaced_between_pieces_once() {
        // Id 1 moves far away, id 2 closer, and a new id 500 lands nearest, all in slots
        // written after the scan started: each once, with the vector it has now (not id 1
        // at 1.0 nor id 2 at 4.0, as scored in the first piece).
        let moves = |s: &mut Shard| {
            s.upsert(1, &[1000.0, 0.0]).unwrap();
            s.upsert(2, &[0.5, 0.0]).unwrap();
            s.upsert(500, &[0.1, 0.0]).unwrap();
        };
        assert_eq!(scan_around(moves, None), [0, 500, 2, 3, 4]);
    }

    #[test]
    fn a_piecewise_scan_keeps_every_unchanged_point_when_others_change() {
        // The answer of a scan started afresh, whatever changed in the scanned part.
        let far = |s: &mut Shard| s.upsert(1, &[1000.0, 0.0]).unwrap();
        assert_eq!(scan_around(far, None), [0, 2, 3, 4, 5]);
        assert_eq!(scan_around(|s| assert!(s.delete(3)), None), [0, 1, 2, 4, 5]);
        let without_7 = Filter {
            none_of: vec![7],
            ..Filter::default()
        };
        let relabel = |s: &mut Shard| assert!(s.set_labels(2, &[7]));
        assert_eq!(scan_around(relabel, Some(&without_7)), [0, 1, 3, 4, 5]);
    }

    #[test]
    fn a_piecewise_scan_finishes_while_the_shard_keeps_changing() {
        let mut s = shard(2, Metric::L2);
        for id in 0..1000u64 {
            s.upsert(id, &[id as f32, 0.0]).unwrap();
        }
        let query = [0.0, 0.0];
        // Appends between pieces are not waited for; rewrites restart it a bounded number
        // of times.
        for rewrite in [false, true] {
            let mut tops = vec![TopK::new(3)];
            let mut scan = ExactScan::default();
            let mut pieces = 0;
            let mut next_id = 10_000u64;
            while s.scan_piece(&mut scan, &query, None, 10, &mut tops) {
                pieces += 1;
                assert!(
                    pieces < 400,
                    "the scan does not finish (rewrite: {rewrite})"
                );
                for _ in 0..20 {
                    let id = if rewrite { next_id % 1000 + 3 } else { next_id };
                    s.upsert(id, &[5000.0, 0.0]).unwrap();
                    next_id += 1;
                }
            }
            let got = tops.pop().unwrap().into_sorted_vec();
            assert_eq!(got.iter().map(|n| n.id).collect::<Vec<_>>(), vec![0, 1, 2]);
        }
    }

    #[test]
    fn graph_search_breaks_ties_by_id_like_the_exact_scan() {
        let mut s = shard(2, Metric::L2);
        // Ids 10 and 5 (in that slot order) have the same vector.
        let n = 2000;
        s.upsert(10, &[-1.0, -1.0]).unwrap();
        s.upsert(5, &[-1.0, -1.0]).unwrap();
        for id in 100..100 + n {
            s.upsert(id, &[(id % 1000) as f32, (id / 1000) as f32])
                .unwrap();
        }
        while s.index_next() {}
        assert_eq!(s.unindexed(), 0);
        let graph = s.search_indexed(&[-1.0, -1.0], 1, 32);
        assert_eq!(graph[0].id, 5, "{graph:?}");
        assert_eq!(s.search_exact(&[-1.0, -1.0], 1)[0].id, 5);
    }

    /// A cosine shard keeps unit vectors (bit for bit when sent so) and answers every search
    /// path as the cosine distance on the vectors as sent would.
    #[test]
    fn cosine_shards_store_unit_vectors_and_rank_by_cosine() {
        use rand::{Rng, SeedableRng};
        let spec = CollectionSpec::new("c", 8, Metric::Cosine).with_shards(1);
        let mut s = Shard::new(&spec, 0).unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let points: Vec<Vec<f32>> = (0..3000)
            .map(|_| (0..8).map(|_| rng.gen_range(-1.0f32..1.0) * 40.0).collect())
            .collect();
        for (id, v) in points.iter().enumerate() {
            s.upsert_point(id as u64, v, &[], &[id as u64 % 3]).unwrap();
        }
        let unit = crate::distance::to_unit_length(&points[0]).into_owned();
        s.upsert(3000, &unit).unwrap();
        assert_eq!(
            s.get(3000),
            Some(&unit[..]),
            "a unit vector is kept as sent"
        );
        let stored = s.get(7).unwrap();
        let norm: f64 = stored.iter().map(|&x| f64::from(x).powi(2)).sum();
        assert!((norm - 1.0).abs() < 1e-6, "stored norm² {norm}");
        let query: Vec<f32> = (0..8).map(|_| rng.gen_range(-1.0f32..1.0) * 0.01).collect();
        let cosine = |id: u64| {
            let v = if id == 3000 {
                &unit
            } else {
                &points[id as usize]
            };
            Metric::Cosine.distance_scalar(&query, v)
        };
        let check = |hits: &[Neighbor], only: Option<u64>| {
            let mut truth: Vec<u64> = (0..=3000)
                .filter(|&id| only.is_none_or(|label| id % 3 == label && id != 3000))
                .collect();
            truth.sort_by(|a, b| cosine(*a).total_cmp(&cosine(*b)));
            assert_eq!(hits.len(), 10);
            for (hit, &id) in hits.iter().zip(&truth) {
                assert!((hit.distance - cosine(hit.id)).abs() < 1e-3, "{hit:?}");
                assert!(
                    (hit.distance - cosine(id)).abs() < 1e-3,
                    "{hit:?} vs id {id}"
                );
            }
        };
        check(&s.search_exact(&query, 10), None);
        check(&s.search_exact_batch(&query, 10)[0], None);
        check(&s.search(&query, 10, 400), None);
        while s.index_next() {}
        check(&s.search_indexed(&query, 10, 400), None);
        let filter = Filter {
            all_of: vec![1],
            ..Filter::default()
        };
        for path in [FilterPath::Scan, FilterPath::FullScan, FilterPath::Graph] {
            check(
                &s.search_filtered_by(&query, 10, 400, &filter, path),
                Some(1),
            );
        }
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

    /// An L2 shard of 64-d points `0..n` (vectors from `vector`, labels from `labels_of`),
    /// fully indexed with connectivity `m`; also returns the vectors.
    fn labelled_shard(
        n: u64,
        m: usize,
        ef_construction: usize,
        labels_of: &dyn Fn(u64) -> Vec<u64>,
        mut vector: impl FnMut(u64) -> Vec<f32>,
    ) -> (Shard, Vec<Vec<f32>>) {
        let spec = CollectionSpec::new("f", 64, Metric::L2)
            .with_shards(1)
            .with_index(crate::collection::IndexParams {
                connectivity: m,
                expansion_add: ef_construction,
            });
        let mut s = Shard::new(&spec, 0).unwrap();
        let mut points = Vec::new();
        for id in 0..n {
            let v = vector(id);
            s.upsert_point(id, &v, b"", &labels_of(id)).unwrap();
            points.push(v);
        }
        while s.index_next() {}
        (s, points)
    }

    /// Filtered search on both paths over an indexed shard with deletions: only live
    /// matching points come back, the label-list scan is exact, and the graph walk keeps
    /// recall for common and rare labels alike.
    #[test]
    fn filtered_search_returns_only_live_matching_points() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(17);
        let centers: Vec<Vec<f32>> = (0..30)
            .map(|_| (0..64).map(|_| rng.gen_range(-1.0..1.0)).collect())
            .collect();
        let n = 8_000u64;
        let labels_of = |id: u64| -> Vec<u64> {
            if id % 17 == 0 {
                return Vec::new();
            }
            let mut labels = vec![id % 10];
            if id % 3 == 0 {
                labels.push(100);
            }
            if id % 400 == 0 {
                labels.push(7777);
            }
            labels
        };
        let (mut s, points) = labelled_shard(n, 16, 100, &labels_of, |_| {
            let center = &centers[rng.gen_range(0..centers.len())];
            center
                .iter()
                .map(|c| c + rng.gen_range(-0.25..0.25))
                .collect()
        });
        assert!(
            s.vectors.used_bytes() > EXACT_SEARCH_BYTES_MAX,
            "not a small shard"
        );
        for id in (0..n).step_by(11) {
            s.delete(id);
        }
        type Lists = (Vec<u64>, Vec<Vec<u64>>, Vec<u64>);
        let filters: [Lists; 12] = [
            (vec![3], vec![], vec![]),
            (vec![], vec![vec![1, 2]], vec![100]),
            (vec![], vec![vec![3, 100]], vec![]),
            (vec![], vec![], vec![0]),
            (vec![7777], vec![], vec![]),
            (vec![3, 100], vec![], vec![]),
            (vec![], vec![vec![123_456]], vec![]),
            // Two groups: the scan walks the smaller one's lists and checks the other.
            (vec![], vec![vec![1, 2, 3, 4], vec![100, 7777]], vec![]),
            (vec![], vec![vec![100], vec![5, 6], vec![6, 7]], vec![]),
            // The walked group is rare: the other lists too many slots for a bitmap and is
            // checked on labels (`RestOfFilter`).
            (vec![], vec![vec![7777], vec![100]], vec![3]),
            // An `all_of` list walked, a group as a bitmap, `none_of` on labels.
            (vec![3], vec![vec![100, 7777]], vec![8]),
            (vec![], vec![vec![7777, 3], vec![100, 5]], vec![]),
        ];
        for (all_of, any_of, none_of) in filters {
            let filter = Filter {
                all_of,
                any_of,
                none_of,
            }
            .normalized()
            .unwrap();
            let (mut found, mut wanted) = (0usize, 0usize);
            for q in 0..40 {
                let query: Vec<f32> = points[q * 197]
                    .iter()
                    .map(|x| x + rng.gen_range(-0.1..0.1))
                    .collect();
                let mut truth: Vec<(f32, u64)> = (0..n)
                    .filter(|id| id % 11 != 0 && filter.matches(&labels_of(*id)))
                    .map(|id| (s.kernel.distance(&query, &points[id as usize]), id))
                    .collect();
                truth.sort_by(|a, b| a.partial_cmp(b).unwrap());
                truth.truncate(10);
                let truth_ids: Vec<u64> = truth.iter().map(|&(_, id)| id).collect();
                for path in [
                    FilterPath::Auto,
                    FilterPath::Scan,
                    FilterPath::FullScan,
                    FilterPath::Graph,
                ] {
                    let hits = s.search_filtered_by(&query, 10, 64, &filter, path);
                    assert!(hits.windows(2).all(|w| w[0].distance <= w[1].distance));
                    for hit in &hits {
                        assert!(hit.id % 11 != 0, "deleted id {} returned", hit.id);
                        assert!(
                            filter.matches(&labels_of(hit.id)),
                            "{:?}: {}",
                            filter,
                            hit.id
                        );
                    }
                    let ids: Vec<u64> = hits.iter().map(|n| n.id).collect();
                    let exact_path = path == FilterPath::FullScan
                        || path == FilterPath::Scan
                            && !(filter.all_of.is_empty() && filter.any_of.is_empty());
                    if exact_path || filter.all_of == [7777] {
                        // The scan is exact; a rare label is scanned on the default path too.
                        assert_eq!(ids, truth_ids, "{filter:?} {path:?}");
                    }
                    if path == FilterPath::Graph {
                        found += ids.iter().filter(|id| truth_ids.contains(id)).count();
                        wanted += truth_ids.len();
                    }
                }
            }
            let recall = found as f64 / wanted.max(1) as f64;
            assert!(
                recall >= 0.9 || wanted == 0,
                "{filter:?}: graph recall {recall}"
            );
        }
    }

    /// The plan follows how many points match, not only how many are listed: two common
    /// labels that are rarely together are scanned, a `none_of` that excludes almost every
    /// point is answered by a full scan, and a common single label walks the graph. Every
    /// plan returns the exact matching top-k here (a wide beam over a small graph).
    #[test]
    fn the_filter_plan_follows_the_matching_points() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(3);
        let n = 8_000u64;
        // Label 1: the lower half plus 20; label 2: the upper half plus 20 (40 have both).
        // Label 3: all but every 200th point. Label 4: every other point.
        let labels_of = |id: u64| -> Vec<u64> {
            let mut labels = Vec::new();
            if id < n / 2 + 20 {
                labels.push(1);
            }
            if id >= n / 2 - 20 {
                labels.push(2);
            }
            if id % 200 != 0 {
                labels.push(3);
            }
            if id % 2 == 0 {
                labels.push(4);
            }
            labels
        };
        let (mut s, points) = labelled_shard(n, 8, 40, &labels_of, |_| {
            (0..64).map(|_| rng.gen_range(-1.0..1.0)).collect()
        });
        let cases = [
            (vec![1, 2], vec![], FilterPath::Scan),
            (vec![], vec![3], FilterPath::FullScan),
            (vec![4], vec![], FilterPath::Graph),
        ];
        for (all_of, none_of, want) in cases {
            let filter = Filter {
                all_of,
                none_of,
                ..Filter::default()
            }
            .normalized()
            .unwrap();
            assert_eq!(s.filter_plan(&filter, 64), want, "{filter:?}");
            if want == FilterPath::Graph {
                continue;
            }
            let query = &points[17];
            let mut truth: Vec<(f32, u64)> = (0..n)
                .filter(|&id| filter.matches(&labels_of(id)))
                .map(|id| (s.kernel.distance(query, &points[id as usize]), id))
                .collect();
            truth.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let want_ids: Vec<u64> = truth.iter().take(10).map(|&(_, id)| id).collect();
            let got: Vec<u64> = s
                .search_filtered(query, 10, 64, &filter)
                .iter()
                .map(|n| n.id)
                .collect();
            assert_eq!(got, want_ids, "{filter:?}");
        }
    }

    /// The matching estimate over many label lists (a numeric range's cover, PROTOCOL.md
    /// section 11, has up to 224), empty ones among them and some wholly deleted, checks
    /// the slots at evenly spaced positions of the lists laid end to end, and lands near the
    /// true count.
    #[test]
    fn the_matching_estimate_samples_evenly_across_many_lists() {
        let n = 8_000u64;
        // Even labels 0, 2, ..., 198 (80 points each); the odd ones are on no point.
        let labels_of = |id: u64| vec![2 * (id % 100)];
        let (mut s, _) = labelled_shard(n, 8, 40, &labels_of, |id| {
            (0..64).map(|d| ((id * 64 + d) % 97) as f32).collect()
        });
        // Every point of labels 120..=148 is deleted: their lists are all tombstones.
        let deleted: Vec<u64> = (0..n).filter(|id| (60..75).contains(&(id % 100))).collect();
        for &id in &deleted {
            assert!(s.delete(id));
        }
        let filter = Filter {
            any_of: vec![(0..200).collect()],
            ..Filter::default()
        }
        .normalized()
        .unwrap();
        let walk = s.list_walk(&filter).unwrap();
        assert_eq!(walk.lists().len(), 200);
        let laid: Vec<u32> = walk
            .lists()
            .iter()
            .flat_map(|list| list.iter().copied())
            .collect();
        assert_eq!(laid.len() as u64, n);
        let samples = 256;
        let hits = (0..samples)
            .filter(|&j| s.selects(&filter, laid[j * laid.len() / samples]))
            .count();
        let estimate = s.estimate_matching(&filter, Some(&walk));
        assert_eq!(estimate, hits as f64 / samples as f64 * n as f64);
        let live = (n - deleted.len() as u64) as f64;
        assert!(
            (estimate - live).abs() <= 0.05 * live,
            "{estimate} vs {live}"
        );
    }

    mod filtered_search_properties {
        use proptest::prelude::*;

        use super::*;

        /// Up to three labels from 0..6 (duplicates and any order, as a client may send).
        fn labels() -> impl Strategy<Value = Vec<u64>> {
            prop::collection::vec(0u64..6, 0..4)
        }

        fn label_list() -> impl Strategy<Value = Vec<u64>> {
            prop::collection::vec(0u64..7, 0..3)
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

            /// Any points, replacements, deletions and filter: every exact way (label-list
            /// scan, full scan, the default on a small shard) returns exactly the brute-force
            /// filtered top-k, and the graph walk returns only live matching points (all of
            /// them when its beam covers the graph).
            #[test]
            fn filtered_search_matches_brute_force(
                points in prop::collection::vec((0u64..60, labels()), 1..120),
                deletes in prop::collection::vec(0u64..60, 0..20),
                relabels in prop::collection::vec((0u64..60, labels()), 0..20),
                all_of in label_list(),
                any_of in prop::collection::vec(
                    prop::collection::vec(0u64..7, 1..3), 0..3,
                ),
                none_of in label_list(),
                indexed in 0usize..120,
            ) {
                let mut s = Shard::new(
                    &CollectionSpec::new("p", 2, Metric::L2).with_shards(1),
                    0,
                )
                .unwrap();
                let mut model: HashMap<u64, (Vec<f32>, Vec<u64>)> = HashMap::new();
                for (n, (id, labels)) in points.iter().enumerate() {
                    let vector = vec![n as f32 * 0.37 % 5.0, (n as f32 * 1.3).sin()];
                    let stored = crate::filter::normalize_labels(labels).unwrap();
                    s.upsert_point(*id, &vector, b"", &stored).unwrap();
                    model.insert(*id, (vector, stored));
                }
                for id in &deletes {
                    prop_assert_eq!(s.delete(*id), model.remove(id).is_some());
                }
                // SET_LABELS in place, on live and absent ids.
                for (id, labels) in &relabels {
                    let stored = crate::filter::normalize_labels(labels).unwrap();
                    let live = model.get_mut(id).map(|point| point.1 = stored.clone());
                    prop_assert_eq!(s.set_labels(*id, &stored), live.is_some());
                }
                for _ in 0..indexed {
                    s.index_next();
                }
                let filter = Filter { all_of, any_of, none_of }.normalized().unwrap();
                let query = [1.0f32, 0.25];
                let mut truth: Vec<(f32, u64)> = model
                    .iter()
                    .filter(|(_, (_, labels))| filter.matches(labels))
                    .map(|(&id, (v, _))| (s.kernel.distance(&query, v), id))
                    .collect();
                truth.sort_by(|a, b| a.partial_cmp(b).unwrap());
                truth.truncate(5);
                let want: Vec<u64> = truth.iter().map(|&(_, id)| id).collect();
                for path in [FilterPath::Auto, FilterPath::Scan, FilterPath::FullScan] {
                    let got: Vec<u64> = s
                        .search_filtered_by(&query, 5, 64, &filter, path)
                        .iter()
                        .map(|n| n.id)
                        .collect();
                    prop_assert_eq!(&got, &want, "{:?} {:?}", path, filter);
                }
                let graph = s.search_filtered_by(&query, 5, 500, &filter, FilterPath::Graph);
                for hit in &graph {
                    let point = model.get(&hit.id);
                    prop_assert!(point.is_some_and(|(_, labels)| filter.matches(labels)));
                }
                // A beam wider than the graph reaches every indexed match.
                let got: Vec<u64> = graph.iter().map(|n| n.id).collect();
                prop_assert_eq!(&got, &want, "graph {:?}", filter);
            }
        }
    }

    #[test]
    fn payloads_and_labels_are_replaced_in_place() {
        let mut s = shard(2, Metric::L2);
        for id in 0..100u64 {
            let labels = if id % 2 == 0 { vec![1] } else { vec![2] };
            s.upsert_point(id, &[id as f32, 0.0], b"old", &labels)
                .unwrap();
        }
        while s.index_next() {}
        assert!(s.set_payload(7, b"new"));
        assert!(s.set_labels(7, &[1, 5]));
        assert!(s.set_labels(8, &[]));
        assert!(!s.set_payload(1000, b"absent"));
        assert!(!s.set_labels(1000, &[1]));
        // Same slot, nothing to index again, nothing tombstoned.
        let stats = s.stats();
        assert_eq!(
            (stats.vectors, stats.tombstones, s.unindexed()),
            (100, 0, 0)
        );
        assert_eq!(s.payload(7), Some(&b"new"[..]));
        assert_eq!(s.labels(7), Some(&[1u64, 5][..]));
        assert_eq!(s.labels(8), Some(&[] as &[u64]));
        assert_eq!(s.get(7), Some(&[7.0, 0.0][..]));
        // Every search path sees the new labels.
        let five = Filter {
            all_of: vec![5],
            ..Filter::default()
        };
        let one = Filter {
            all_of: vec![1],
            ..Filter::default()
        };
        for path in [FilterPath::Scan, FilterPath::FullScan, FilterPath::Graph] {
            let hits = s.search_filtered_by(&[8.0, 0.0], 3, 100, &five, path);
            assert_eq!(
                hits.iter().map(|n| n.id).collect::<Vec<_>>(),
                [7],
                "{path:?}"
            );
            let hits = s.search_filtered_by(&[8.0, 0.0], 3, 100, &one, path);
            assert_eq!(
                hits.iter().map(|n| n.id).collect::<Vec<_>>(),
                [7, 6, 10],
                "{path:?}"
            );
        }
        // Replayed from the log, the records do the same (and nothing on an absent id).
        let mut replayed = shard(2, Metric::L2);
        replayed
            .apply(&WalRecord::Upsert {
                id: 7,
                vector: vec![7.0, 0.0],
                payload: b"old".to_vec(),
                labels: vec![1],
            })
            .unwrap();
        for record in [
            WalRecord::SetPayload {
                id: 7,
                payload: b"new".to_vec(),
            },
            WalRecord::SetLabels {
                id: 7,
                labels: vec![1, 5],
            },
            WalRecord::SetLabels {
                id: 9,
                labels: vec![3],
            },
        ] {
            replayed.apply(&record).unwrap();
        }
        assert_eq!(replayed.payload(7), Some(&b"new"[..]));
        assert_eq!(replayed.labels(7), Some(&[1u64, 5][..]));
        assert_eq!(replayed.len(), 1);
        // A logged label list that is not a sorted set is refused, naming the point.
        let err = replayed
            .apply(&WalRecord::SetLabels {
                id: 7,
                labels: vec![5, 1],
            })
            .unwrap_err();
        assert!(err.to_string().contains("point 7"), "{err}");
    }

    mod apply_all_properties {
        use proptest::prelude::*;

        use super::*;

        fn record() -> impl Strategy<Value = WalRecord> {
            let labels = prop::collection::btree_set(0u64..5, 0..3)
                .prop_map(|set| set.into_iter().collect::<Vec<u64>>());
            prop_oneof![
                2 => (0u64..30, labels.clone()).prop_map(|(id, labels)| WalRecord::Upsert {
                    id,
                    vector: vec![id as f32, 1.0],
                    payload: Vec::new(),
                    labels,
                }),
                1 => (0u64..30).prop_map(|id| WalRecord::Delete { id }),
                4 => (0u64..30, labels).prop_map(|(id, labels)| WalRecord::SetLabels { id, labels }),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

            /// Applying records as a batch (runs of SetLabels batched) leaves the same labels
            /// and label lists as applying them one by one.
            #[test]
            fn apply_all_equals_one_by_one(records in prop::collection::vec(record(), 0..150)) {
                let spec = CollectionSpec::new("p", 2, Metric::L2).with_shards(1);
                let mut one_by_one = Shard::new(&spec, 0).unwrap();
                for record in &records {
                    one_by_one.apply(record).unwrap();
                }
                let mut batched = Shard::new(&spec, 0).unwrap();
                batched.apply_all(&records).unwrap();
                for id in 0..30 {
                    prop_assert_eq!(batched.labels(id), one_by_one.labels(id), "id {}", id);
                }
                for label in 0..5 {
                    prop_assert_eq!(
                        batched.postings.slots(label),
                        one_by_one.postings.slots(label),
                        "label {}", label
                    );
                }
            }
        }
    }

    mod scroll_properties {
        use proptest::prelude::*;

        use super::*;

        /// Small ids, and the largest ones (paging must stop at u64::MAX without overflow).
        fn id() -> impl Strategy<Value = u64> {
            prop_oneof![8 => 0u64..80, 1 => Just(u64::MAX), 1 => Just(u64::MAX - 1)]
        }

        /// Every id of `s` from 0, `limit` per page, calling `between` after each page that
        /// says more follow.
        fn page_through(
            s: &mut Shard,
            limit: usize,
            mut between: impl FnMut(&mut Shard),
        ) -> Vec<u64> {
            let mut all = Vec::new();
            let mut from = 0;
            loop {
                let (ids, more) = s.scroll(from, limit, None);
                all.extend_from_slice(&ids);
                match ids.last() {
                    Some(&last) if more => from = last + 1,
                    _ => return all,
                }
                between(s);
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

            /// Paging from any start with any limit lists every live (matching) id at or after
            /// the start exactly once, in ascending order; `more` is set on exactly the pages
            /// that are not the last, and those pages are full.
            #[test]
            fn scroll_pages_list_every_live_id_once_in_order(
                points in prop::collection::vec((id(), prop::collection::vec(0u64..4, 0..3)), 0..150),
                deletes in prop::collection::vec(id(), 0..30),
                limit in 1usize..9,
                start in prop_oneof![Just(0u64), 0u64..80],
                filter_label in prop::option::of(0u64..4),
            ) {
                let mut s = Shard::new(&CollectionSpec::new("p", 2, Metric::L2).with_shards(1), 0)
                    .unwrap();
                let mut model: std::collections::BTreeMap<u64, Vec<u64>> = Default::default();
                for (n, (id, labels)) in points.iter().enumerate() {
                    let labels = crate::filter::normalize_labels(labels).unwrap();
                    s.upsert_point(*id, &[n as f32, 1.0], b"", &labels).unwrap();
                    model.insert(*id, labels);
                }
                for id in &deletes {
                    s.delete(*id);
                    model.remove(id);
                }
                let filter = filter_label.map(|label| Filter {
                    all_of: vec![label],
                    ..Filter::default()
                });
                let want: Vec<u64> = model
                    .range(start..)
                    .filter(|(_, labels)| filter.as_ref().is_none_or(|f| f.matches(labels)))
                    .map(|(&id, _)| id)
                    .collect();
                let mut got = Vec::new();
                let mut from = start;
                loop {
                    let (ids, more) = s.scroll(from, limit, filter.as_ref());
                    prop_assert!(ids.len() <= limit);
                    prop_assert!(!more || ids.len() == limit, "a short page with more");
                    got.extend_from_slice(&ids);
                    if !more {
                        break;
                    }
                    from = ids.last().unwrap() + 1;
                }
                prop_assert_eq!(got, want);
            }

            /// Writes between pages (new ids, replacements, deletions): the listed ids ascend,
            /// every id live for the whole scroll is listed, nothing listed was never live;
            /// and a second scroll after the writes (through the order the first one built,
            /// now with a side list and deleted ids in it) lists exactly the live ids.
            #[test]
            fn scroll_pages_stay_exact_across_writes_between_pages(
                points in prop::collection::vec(id(), 0..120),
                writes in prop::collection::vec((any::<bool>(), id()), 0..60),
                limit in 1usize..9,
            ) {
                let mut s = Shard::new(&CollectionSpec::new("p", 2, Metric::L2).with_shards(1), 0)
                    .unwrap();
                let mut live = std::collections::BTreeSet::new();
                for (n, id) in points.iter().enumerate() {
                    s.upsert_point(*id, &[n as f32, 1.0], b"", &[]).unwrap();
                    live.insert(*id);
                }
                let mut ever_live = live.clone();
                let mut stable = live.clone();
                let mut writes = writes.into_iter();
                let got = page_through(&mut s, limit, |s| {
                    for (upsert, id) in writes.by_ref().take(2) {
                        if upsert {
                            s.upsert_point(id, &[0.5, 0.5], b"", &[]).unwrap();
                            live.insert(id);
                            ever_live.insert(id);
                        } else {
                            s.delete(id);
                            live.remove(&id);
                            stable.remove(&id);
                        }
                    }
                });
                prop_assert!(got.windows(2).all(|pair| pair[0] < pair[1]), "not ascending");
                let listed: std::collections::BTreeSet<u64> = got.iter().copied().collect();
                prop_assert!(stable.is_subset(&listed), "a point live throughout was missed");
                prop_assert!(listed.is_subset(&ever_live), "listed a point never live");
                for (upsert, id) in writes {
                    if upsert {
                        s.upsert_point(id, &[0.5, 0.5], b"", &[]).unwrap();
                        live.insert(id);
                    } else {
                        s.delete(id);
                        live.remove(&id);
                    }
                }
                let again = page_through(&mut s, limit, |_| {});
                prop_assert_eq!(again, live.into_iter().collect::<Vec<_>>());
            }
        }
    }
}
