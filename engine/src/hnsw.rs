//! `Hnsw`: a hierarchical navigable small world graph over one shard's [`Vectors`]
//! (Malkov & Yashunin, with hnswlib's neighbour-selection heuristic and memory layout).
//!
//! The index stores only the graph; the shard owns the vectors and the ids. Node `i` is arena
//! slot `i`, and the index always covers slots `0..len()`: the shard inserts slots in order
//! (one bounded [`Hnsw::insert`] per call, so a low-priority task can yield between inserts)
//! and scans the slots the index has not reached yet exactly.
//!
//! Layout (no per-node allocation):
//! - level 0: one `Vec<u32>` of `len * (2m + 1)`: per node a count then `2m` neighbour slots
//!   (hnswlib's `data_level0_memory_` without the vector);
//! - upper levels: nodes with level ≥ 1 (about `1/m` of them) own `level` consecutive rows
//!   of `m + 1` words in one shared `Vec<u32>`, found through `upper_offsets`;
//! - `levels`: one byte per node.
//!
//! Levels are a pure function of `(seed, slot)` (integer math on a splitmix64 hash with
//! `P(level ≥ l) = m^-l`), so the same seed and insertion order give the same graph, and a
//! graph restored from [`HnswParts`] keeps growing exactly as it would have.
//!
//! Searches use a caller-owned [`VisitedSet`] (epoch-stamped marks plus all buffers), so a
//! query allocates nothing; see `hnsw/search.rs` for the loop and its prefetching.

mod parts;
pub(crate) mod search;
#[cfg(test)]
mod tests;
mod visited;

pub use parts::HnswParts;
pub use visited::VisitedSet;

use search::{key, key_distance, key_node, prefetch_vector, with_space, Space};

use crate::distance::Metric;
use crate::vectors::Vectors;

/// Largest supported connectivity `m` (level-0 rows hold `2m + 1` words).
pub const CONNECTIVITY_MAX: usize = 1024;
/// Highest level a node can get (levels are stored in a byte; with `m >= 2` a level above
/// 40 has probability below 2^-40 and is clamped).
pub const LEVEL_MAX: usize = 40;
const _: () = assert!(LEVEL_MAX < u8::MAX as usize && 2 * CONNECTIVITY_MAX + 1 < u32::MAX as usize);

/// Marks "no node" (empty index entry point, level-0 nodes in `upper_offsets`).
const NONE: u32 = u32::MAX;

/// Build parameters of one collection's index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HnswConfig {
    /// Neighbours per node on the upper levels (`2 *` that on level 0).
    #[doc(alias = "m")]
    #[doc(alias = "M")]
    pub connectivity: usize,
    /// Beam width of the search that finds a new node's neighbours.
    #[doc(alias = "ef_construction")]
    pub expansion_add: usize,
    /// Seed of the level generator.
    pub seed: u64,
}

impl Default for HnswConfig {
    fn default() -> Self {
        Self {
            connectivity: 16,
            expansion_add: 200,
            seed: 0x5eed_c0de,
        }
    }
}

/// The graph of one shard's HNSW index.
pub struct Hnsw {
    config: HnswConfig,
    metric: Metric,
    /// Upper-level degree cap `m`.
    m: usize,
    /// Level-0 degree cap `2m`.
    m0: usize,
    /// `len * (m0 + 1)` words: count, then neighbours.
    level0: Vec<u32>,
    /// Level of every node.
    levels: Vec<u8>,
    /// Per node, start in `upper` of its level-1 row, or `NONE` for level-0 nodes.
    upper_offsets: Vec<u32>,
    /// Rows of `m + 1` words (count, then neighbours) for levels 1..=level of each node.
    upper: Vec<u32>,
    /// Level-0 spanning tree: each node's parent (`NONE` for node 0). The edges
    /// `node -> parent` and `parent -> node` are never pruned, so every node stays reachable
    /// on level 0 (pure hnswlib pruning orphans a few nodes per ten thousand).
    parents: Vec<u32>,
    /// Entry point (a node of the top level), `NONE` while empty.
    entry_point: u32,
    /// Level of the entry point.
    max_level: usize,
}

impl std::fmt::Debug for Hnsw {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hnsw")
            .field("config", &self.config)
            .field("metric", &self.metric)
            .field("len", &self.len())
            .field("max_level", &self.max_level)
            .finish_non_exhaustive()
    }
}

impl Hnsw {
    /// An empty index.
    ///
    /// # Panics
    /// When `connectivity` is not in `2..=CONNECTIVITY_MAX` or `expansion_add` is 0.
    pub fn new(config: HnswConfig, metric: Metric) -> Self {
        assert!(
            (2..=CONNECTIVITY_MAX).contains(&config.connectivity),
            "connectivity must be in 2..={CONNECTIVITY_MAX}"
        );
        assert!(config.expansion_add >= 1, "expansion_add must be positive");
        let m = config.connectivity;
        Self {
            config,
            metric,
            m,
            m0: 2 * m,
            level0: Vec::new(),
            levels: Vec::new(),
            upper_offsets: Vec::new(),
            upper: Vec::new(),
            parents: Vec::new(),
            entry_point: NONE,
            max_level: 0,
        }
    }

    /// The build parameters.
    pub fn config(&self) -> HnswConfig {
        self.config
    }

    /// The metric.
    pub fn metric(&self) -> Metric {
        self.metric
    }

    /// Nodes inserted: slots `0..len()`.
    #[inline]
    pub fn len(&self) -> usize {
        self.levels.len()
    }

    /// True when no node is inserted.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// Makes room for `additional` more nodes without reallocating the level-0 array.
    pub fn reserve(&mut self, additional: usize) {
        self.level0.reserve_exact(additional * (self.m0 + 1));
        self.levels.reserve_exact(additional);
        self.upper_offsets.reserve_exact(additional);
        self.parents.reserve_exact(additional);
    }

    /// Bytes of the graph (allocated capacity of its arrays; vectors not included).
    pub fn memory_bytes(&self) -> usize {
        self.level0.capacity() * 4
            + self.levels.capacity()
            + self.upper_offsets.capacity() * 4
            + self.upper.capacity() * 4
            + self.parents.capacity() * 4
    }

    /// The level slot `slot` gets: a pure function of the seed and the slot, with
    /// `P(level >= l) = m^-l` as in the paper's `floor(-ln(U) / ln(m))`, in integer math.
    fn level_of(&self, slot: u32) -> usize {
        let hash = splitmix64(self.config.seed ^ splitmix64(u64::from(slot)));
        let m = self.m as u128;
        let mut threshold = 1u128 << 64; // hash < m^-l * 2^64  <=>  level >= l
        let mut level = 0;
        while level < LEVEL_MAX {
            threshold /= m;
            if u128::from(hash) >= threshold {
                break;
            }
            level += 1;
        }
        level
    }

    /// Word index of `node`'s row on `level` (count word first).
    #[inline(always)]
    fn row(&self, node: u32, level: usize) -> usize {
        if level == 0 {
            node as usize * (self.m0 + 1)
        } else {
            self.upper_offsets[node as usize] as usize + (level - 1) * (self.m + 1)
        }
    }

    /// Neighbours of `node` on `level` (which must be ≤ the node's level).
    #[inline(always)]
    fn links(&self, node: u32, level: usize) -> &[u32] {
        let row = self.row(node, level);
        let words = if level == 0 {
            &self.level0
        } else {
            &self.upper
        };
        let count = words[row] as usize;
        &words[row + 1..row + 1 + count]
    }

    /// Address of `node`'s row on `level`, for prefetching.
    #[inline(always)]
    fn links_ptr(&self, node: u32, level: usize) -> *const u32 {
        if level == 0 {
            self.level0
                .as_ptr()
                .wrapping_add(node as usize * (self.m0 + 1))
        } else {
            self.upper.as_ptr().wrapping_add(self.row(node, level))
        }
    }

    /// Replaces `node`'s neighbours on `level` with the nodes of `keys`.
    fn set_links(&mut self, node: u32, level: usize, keys: &[u64]) {
        let row = self.row(node, level);
        let words = if level == 0 {
            &mut self.level0
        } else {
            &mut self.upper
        };
        words[row] = keys.len() as u32;
        for (slot, &k) in words[row + 1..row + 1 + keys.len()].iter_mut().zip(keys) {
            *slot = key_node(k);
        }
    }

    /// Inserts slot `self.len()` of `vectors`: one bounded unit of work (one layered search
    /// with `expansion_add` and the neighbour updates).
    ///
    /// # Panics
    /// When `vectors` has no slot `self.len()`.
    pub fn insert(&mut self, vectors: &Vectors, visited: &mut VisitedSet) {
        let node = self.len();
        assert!(
            vectors.len() > node,
            "slot {node} is not in the arena ({})",
            vectors.len()
        );
        assert!(node < NONE as usize, "node ids exhausted");
        with_space!(self.metric, S => self.insert_impl::<S>(vectors, node as u32, visited));
    }

    fn insert_impl<S: Space>(&mut self, vectors: &Vectors, node: u32, scratch: &mut VisitedSet) {
        let level = self.level_of(node);
        // Allocate the node's rows (empty lists).
        let start = self.level0.len();
        self.level0.resize(start + self.m0 + 1, 0);
        self.levels.push(level as u8);
        self.parents.push(NONE);
        if level == 0 {
            self.upper_offsets.push(NONE);
        } else {
            let offset = self.upper.len();
            assert!(
                offset + level * (self.m + 1) < NONE as usize,
                "upper levels exhausted"
            );
            self.upper_offsets.push(offset as u32);
            self.upper.resize(offset + level * (self.m + 1), 0);
        }
        if self.entry_point == NONE {
            self.entry_point = node;
            self.max_level = level;
            return;
        }

        let query = vectors.get(node);
        let mut entry = self.entry_point;
        let mut entry_distance = S::distance(query, vectors.get(entry));
        for upper in (level + 1..=self.max_level).rev() {
            (entry, entry_distance) =
                self.greedy::<S>(vectors, query, entry, entry_distance, upper);
        }
        let not_deleted = |_: u32| false;
        for layer in (0..=level.min(self.max_level)).rev() {
            // The new node is not linked yet, so the search cannot return it.
            scratch.begin(self.len());
            self.search_layer::<S, _>(
                vectors,
                query,
                entry,
                entry_distance,
                layer,
                self.config.expansion_add,
                scratch,
                &not_deleted,
            );
            let VisitedSet {
                results,
                sorted,
                selected,
                pruned,
                kept,
                batch,
                ..
            } = &mut *scratch;
            sorted.clear();
            sorted.extend(results.drain());
            sorted.sort_unstable();
            // The closest candidate seeds the next layer's search (hnswlib does the same).
            entry = key_node(sorted[0]);
            entry_distance = key_distance(sorted[0]);

            select_neighbours::<S>(vectors, sorted, self.m, selected);
            if layer == 0 {
                // Hang the node in the spanning tree; `selected` has at most m < 2m entries,
                // so there is room for the parent in the node's own list.
                let parent = self.choose_parent(sorted, selected, batch);
                self.parents[node as usize] = parent;
                if !selected.iter().any(|&k| key_node(k) == parent) {
                    let distance = S::distance(query, vectors.get(parent));
                    selected.push(key(distance, parent));
                }
            }
            self.set_links(node, layer, selected);
            let cap = if layer == 0 { self.m0 } else { self.m };
            for &chosen in selected.iter() {
                self.link_back::<S>(
                    vectors,
                    key_node(chosen),
                    node,
                    key_distance(chosen),
                    layer,
                    cap,
                    pruned,
                    kept,
                );
            }
        }
        if level > self.max_level {
            self.entry_point = node;
            self.max_level = level;
        }
    }

    /// Adds `node` (at `distance`) to `target`'s list on `level`; a full list is re-selected
    /// with the heuristic over its members plus `node`.
    #[allow(clippy::too_many_arguments)]
    fn link_back<S: Space>(
        &mut self,
        vectors: &Vectors,
        target: u32,
        node: u32,
        distance: f32,
        level: usize,
        cap: usize,
        pruned: &mut Vec<u64>,
        kept: &mut Vec<u64>,
    ) {
        let row = self.row(target, level);
        let words = if level == 0 {
            &mut self.level0
        } else {
            &mut self.upper
        };
        let count = words[row] as usize;
        if count < cap {
            words[row + 1 + count] = node;
            words[row] = (count + 1) as u32;
            return;
        }
        let target_vector = vectors.get(target);
        pruned.clear();
        pruned.push(key(distance, node));
        let members = &words[row + 1..row + 1 + count];
        for &other in members.iter().take(search::PREFETCH_DISTANCE) {
            prefetch_vector(vectors, other, 0, usize::MAX);
        }
        for (j, &other) in members.iter().enumerate() {
            if let Some(&ahead) = members.get(j + search::PREFETCH_DISTANCE) {
                prefetch_vector(vectors, ahead, 0, usize::MAX);
            }
            pruned.push(key(S::distance(target_vector, vectors.get(other)), other));
        }
        pruned.sort_unstable();
        select_neighbours::<S>(vectors, pruned, cap, kept);
        if level == 0 {
            // Restore pruned tree edges over the farthest unprotected picks (there are at
            // most `cap` protected members: `choose_parent` checks the budget).
            for &candidate in pruned.iter() {
                let other = key_node(candidate);
                if !self.is_tree_edge(target, other) || kept.contains(&candidate) {
                    continue;
                }
                if kept.len() < cap {
                    kept.push(candidate);
                } else {
                    let victim = kept
                        .iter()
                        .rposition(|&k| !self.is_tree_edge(target, key_node(k)))
                        .expect("protected edges never exceed the degree cap");
                    kept[victim] = candidate;
                }
            }
        }
        self.set_links(target, level, kept);
    }

    /// True when `a - b` is a level-0 spanning-tree edge (never pruned).
    #[inline]
    fn is_tree_edge(&self, a: u32, b: u32) -> bool {
        self.parents[a as usize] == b || self.parents[b as usize] == a
    }

    /// Tree edges in `node`'s level-0 list.
    fn tree_degree(&self, node: u32) -> usize {
        self.links(node, 0)
            .iter()
            .filter(|&&other| self.is_tree_edge(node, other))
            .count()
    }

    /// The new node's spanning-tree parent: the closest selected neighbour, else the closest
    /// candidate, whose list has room for one more tree edge; failing both (only in tiny or
    /// degenerate graphs), the nearest such node along the tree from the closest candidate
    /// (a leaf always has room, so the walk ends).
    fn choose_parent(&self, sorted: &[u64], selected: &[u64], queue: &mut Vec<u32>) -> u32 {
        let has_room = |node: u32| self.tree_degree(node) < self.m0;
        if let Some(&k) = selected
            .iter()
            .chain(sorted)
            .find(|&&k| has_room(key_node(k)))
        {
            return key_node(k);
        }
        let start = key_node(sorted[0]);
        queue.clear();
        queue.push(start);
        let mut head = 0;
        while head < queue.len() {
            let node = queue[head];
            head += 1;
            if has_room(node) {
                return node;
            }
            for &other in self.links(node, 0) {
                if self.is_tree_edge(node, other) && !queue.contains(&other) {
                    queue.push(other);
                }
            }
        }
        unreachable!("a finite tree has a leaf, and a leaf has room")
    }

    /// The `k` nearest indexed nodes to `query` that `is_deleted` rejects not, best first,
    /// as `(distance, node)` in `out` (cleared first). `ef` (raised to `k`) is the beam width.
    /// Deleted nodes are still traversed. Allocates nothing once `visited` has warmed up.
    ///
    /// # Panics
    /// When `vectors` has fewer slots than the index or `query` has the wrong dimension.
    #[doc(alias = "ef")]
    #[doc(alias = "expansion_search")]
    #[allow(clippy::too_many_arguments)]
    pub fn search(
        &self,
        vectors: &Vectors,
        query: &[f32],
        k: usize,
        ef: usize,
        visited: &mut VisitedSet,
        is_deleted: impl Fn(u32) -> bool,
        out: &mut Vec<(f32, u32)>,
    ) {
        out.clear();
        if k == 0 || self.is_empty() {
            return;
        }
        assert!(vectors.len() >= self.len(), "the arena is behind the index");
        assert_eq!(query.len(), vectors.dim(), "query dimension");
        with_space!(self.metric, S => {
            self.search_impl::<S, _>(vectors, query, k, ef.max(k), visited, &is_deleted, out);
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn search_impl<S: Space, D: Fn(u32) -> bool>(
        &self,
        vectors: &Vectors,
        query: &[f32],
        k: usize,
        ef: usize,
        scratch: &mut VisitedSet,
        is_deleted: &D,
        out: &mut Vec<(f32, u32)>,
    ) {
        let mut entry = self.entry_point;
        let mut entry_distance = S::distance(query, vectors.get(entry));
        for level in (1..=self.max_level).rev() {
            (entry, entry_distance) =
                self.greedy::<S>(vectors, query, entry, entry_distance, level);
        }
        scratch.begin(self.len());
        self.search_layer::<S, D>(
            vectors,
            query,
            entry,
            entry_distance,
            0,
            ef,
            scratch,
            is_deleted,
        );
        let VisitedSet {
            results, sorted, ..
        } = scratch;
        sorted.clear();
        sorted.extend(results.drain());
        sorted.sort_unstable();
        out.extend(
            sorted
                .iter()
                .take(k)
                .map(|&k| (key_distance(k), key_node(k))),
        );
    }
}

/// hnswlib's `getNeighborsByHeuristic2`: from `sorted` (best first), keeps a candidate only
/// if it is closer to the base than to every candidate kept so far, up to `m`; fewer than
/// `m` candidates are all kept.
fn select_neighbours<S: Space>(vectors: &Vectors, sorted: &[u64], m: usize, out: &mut Vec<u64>) {
    out.clear();
    if sorted.len() < m {
        out.extend_from_slice(sorted);
        return;
    }
    for &candidate in sorted {
        if out.len() >= m {
            break;
        }
        let candidate_distance = key_distance(candidate);
        let candidate_vector = vectors.get(key_node(candidate));
        let diverse = out.iter().all(|&kept| {
            S::distance(vectors.get(key_node(kept)), candidate_vector) >= candidate_distance
        });
        if diverse {
            out.push(candidate);
        }
    }
}

/// splitmix64's finaliser: a well-mixed 64-bit hash.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
