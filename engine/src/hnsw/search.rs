//! The HNSW layer searches: greedy descent through the upper layers and the beam search
//! (`ef` best) of one layer, as hnswlib's `searchBaseLayerST` and qdrant's
//! `search_on_level`.
//!
//! Heaps hold packed `u64` keys, `(distance as order-preserving bits) << 32 | node`, so every
//! comparison is one integer compare and ties break by the smaller node id (deterministic).
//! Distances are monomorphised per metric ([`Space`]), so the hot loop calls the simsimd
//! kernel directly with no per-call metric match.

use std::cmp::Reverse;

use super::visited::VisitedSet;
use super::Hnsw;
use crate::distance::Metric;
use crate::vectors::Vectors;

/// A metric fixed at compile time, so the search loop is specialised per metric.
pub(super) trait Space {
    const METRIC: Metric;

    #[inline(always)]
    fn distance(a: &[f32], b: &[f32]) -> f32 {
        // `Metric::distance` is `#[inline]`: with a constant metric its match folds away and
        // this is the bare simsimd call, bit-identical to what exact search computes.
        Self::METRIC.distance(a, b)
    }
}

pub(super) struct L2Space;
pub(super) struct CosineSpace;
pub(super) struct DotSpace;

impl Space for L2Space {
    const METRIC: Metric = Metric::L2;
}
impl Space for CosineSpace {
    const METRIC: Metric = Metric::Cosine;
}
impl Space for DotSpace {
    const METRIC: Metric = Metric::Dot;
}

/// Runs `$body` with `$space` bound to the [`Space`] type of `$metric`.
macro_rules! with_space {
    ($metric:expr, $space:ident => $body:expr) => {
        match $metric {
            $crate::distance::Metric::L2 => {
                type $space = $crate::hnsw::search::L2Space;
                $body
            }
            $crate::distance::Metric::Cosine => {
                type $space = $crate::hnsw::search::CosineSpace;
                $body
            }
            $crate::distance::Metric::Dot => {
                type $space = $crate::hnsw::search::DotSpace;
                $body
            }
        }
    };
}
pub(super) use with_space;

/// Packs `(distance, node)` into a key whose integer order is `(distance, node)` order.
#[inline(always)]
pub(super) fn key(distance: f32, node: u32) -> u64 {
    let bits = distance.to_bits();
    // Flip negatives entirely and set the sign bit of positives: IEEE order becomes
    // unsigned order (the same trick as `f32::total_cmp`).
    let ordered = if bits >> 31 == 1 {
        !bits
    } else {
        bits | 0x8000_0000
    };
    (u64::from(ordered) << 32) | u64::from(node)
}

/// The node of a key.
#[inline(always)]
pub(super) fn key_node(key: u64) -> u32 {
    key as u32
}

/// The distance of a key.
#[inline(always)]
pub(super) fn key_distance(key: u64) -> f32 {
    let ordered = (key >> 32) as u32;
    let bits = if ordered >> 31 == 1 {
        ordered & 0x7fff_ffff
    } else {
        !ordered
    };
    f32::from_bits(bits)
}

/// Hints the CPU to pull the cache line at `ptr` into L1. Never faults.
#[inline(always)]
pub(super) fn prefetch<T>(ptr: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it does not dereference `ptr` architecturally and
    // never faults, whatever the address; SSE (which provides it) is in the x86_64 baseline.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(ptr.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = ptr;
}

/// Lines of each unvisited neighbour's vector prefetched as soon as it is found.
const PREFETCH_LINES_EARLY: usize = 2;
/// While computing the distance to the neighbour at batch position `i`, the whole vector of
/// the one at `i + PREFETCH_DISTANCE` is prefetched. One vector (1.5 KiB at 384-d) is more
/// than the hardware streamer fetches ahead on its own, and a query is bound by these loads;
/// measured on pypi-minilm-50k, this pipelining is worth ~15-20% QPS over prefetching only
/// the first line (hnswlib) or all lines of every neighbour at once.
pub(super) const PREFETCH_DISTANCE: usize = 3;

/// Prefetches cache lines `from..to` (clamped to the vector) of the vector in `slot`.
#[inline(always)]
pub(super) fn prefetch_vector(vectors: &Vectors, slot: u32, from: usize, to: usize) {
    let ptr = vectors.as_ptr(slot).cast::<u8>();
    let lines = (vectors.dim() * 4).div_ceil(64);
    for line in from..to.min(lines) {
        prefetch(ptr.wrapping_add(line * 64));
    }
}

impl Hnsw {
    /// Greedy descent on `level` (≥ 1): moves to the closest neighbour while one is closer.
    #[inline]
    pub(super) fn greedy<S: Space>(
        &self,
        vectors: &Vectors,
        query: &[f32],
        mut node: u32,
        mut distance: f32,
        level: usize,
    ) -> (u32, f32) {
        let mut changed = true;
        while changed {
            changed = false;
            let links = self.links(node, level);
            for &next in links.iter().take(PREFETCH_DISTANCE) {
                prefetch_vector(vectors, next, 0, usize::MAX);
            }
            for (j, &next) in links.iter().enumerate() {
                if let Some(&ahead) = links.get(j + PREFETCH_DISTANCE) {
                    prefetch_vector(vectors, ahead, 0, usize::MAX);
                }
                let d = S::distance(query, vectors.get(next));
                if d < distance {
                    distance = d;
                    node = next;
                    changed = true;
                }
            }
        }
        (node, distance)
    }

    /// Beam search of `level` from `entry`: leaves the `ef` best nodes that `is_deleted`
    /// accepts in `scratch.results` (worst on top). Deleted nodes are still expanded, so
    /// they keep the graph navigable.
    ///
    /// `scratch.begin(self.len())` must have been called for this pass.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn search_layer<S: Space, D: Fn(u32) -> bool>(
        &self,
        vectors: &Vectors,
        query: &[f32],
        entry: u32,
        entry_distance: f32,
        level: usize,
        ef: usize,
        scratch: &mut VisitedSet,
        is_deleted: &D,
    ) {
        debug_assert!(ef >= 1);
        let VisitedSet {
            marks,
            epoch,
            candidates,
            results,
            batch,
            ..
        } = scratch;
        let epoch = *epoch;
        // The unchecked mark accesses below rely on this bound together with the graph
        // invariant that every stored node id is < self.len() (kept by `insert`, validated by
        // `from_parts`).
        assert!(marks.len() >= self.len() && (entry as usize) < self.len());

        candidates.clear();
        results.clear();
        marks[entry as usize] = epoch;
        candidates.push(Reverse(key(entry_distance, entry)));
        if !is_deleted(entry) {
            results.push(key(entry_distance, entry));
        }
        // Distance a node must beat to enter `results`; infinite while it holds fewer than ef.
        let mut bound = if results.len() >= ef {
            entry_distance
        } else {
            f32::INFINITY
        };

        while let Some(Reverse(best)) = candidates.pop() {
            if key_distance(best) > bound {
                break;
            }
            let links = self.links(key_node(best), level);
            // Gather the unvisited neighbours first (prefetching the head of each vector),
            // then compute distances while prefetching the vectors a few places ahead, so
            // the loads overlap instead of each distance waiting for its own misses.
            batch.clear();
            for &next in links {
                // SAFETY: `next < self.len() <= marks.len()` (graph invariant, assert above).
                let mark = unsafe { marks.get_unchecked_mut(next as usize) };
                if *mark != epoch {
                    *mark = epoch;
                    batch.push(next);
                    prefetch_vector(vectors, next, 0, PREFETCH_LINES_EARLY);
                }
            }
            for (i, &next) in batch.iter().enumerate() {
                if let Some(&ahead) = batch.get(i + PREFETCH_DISTANCE) {
                    prefetch_vector(vectors, ahead, PREFETCH_LINES_EARLY, usize::MAX);
                }
                let d = S::distance(query, vectors.get(next));
                if d < bound || results.len() < ef {
                    candidates.push(Reverse(key(d, next)));
                    if !is_deleted(next) {
                        if results.len() < ef {
                            results.push(key(d, next));
                        } else if let Some(mut worst) = results.peek_mut() {
                            // Full: replace the worst in place (one sift instead of push + pop).
                            *worst = key(d, next);
                        }
                        if results.len() >= ef {
                            bound = results.peek().map_or(f32::INFINITY, |&k| key_distance(k));
                        }
                    }
                }
            }
            if let Some(&Reverse(next)) = candidates.peek() {
                prefetch(self.links_ptr(key_node(next), level));
            }
        }
    }
}
