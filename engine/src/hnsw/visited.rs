//! `VisitedSet`: the per-caller scratch of HNSW searches and inserts.
//!
//! The visited marks are epoch-stamped (as hnswlib's `VisitedList` and qdrant's
//! `visited_pool.rs`): a node counts as visited when its mark equals the current epoch, so
//! starting a query is one increment instead of clearing `n` entries; the marks are cleared
//! only when the 16-bit epoch wraps (once every 65,535 queries). The set also owns the
//! candidate and result heaps and the neighbour-selection buffers, so a query allocates
//! nothing once the buffers have grown to their working size.
//!
//! One `VisitedSet` per core is enough: searches and inserts on that core take it in turn.
//! It grows on demand with the index it is used with (any index, any size).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Reusable visited marks and search buffers for [`super::Hnsw`] (one per core or thread).
#[derive(Debug, Default)]
pub struct VisitedSet {
    /// `marks[node] == epoch` means visited in the current pass.
    pub(super) marks: Vec<u16>,
    pub(super) epoch: u16,
    /// Frontier of the layer search: closest first.
    pub(super) candidates: BinaryHeap<Reverse<u64>>,
    /// The `ef` best nodes found: worst on top.
    pub(super) results: BinaryHeap<u64>,
    /// Results drained and sorted, best first.
    pub(super) sorted: Vec<u64>,
    /// Neighbour-selection output.
    pub(super) selected: Vec<u64>,
    /// Candidates when pruning a full neighbour list.
    pub(super) pruned: Vec<u64>,
    /// Neighbour-selection output while pruning.
    pub(super) kept: Vec<u64>,
    /// Unvisited neighbours of the node being expanded (batched for prefetching).
    pub(super) batch: Vec<u32>,
}

impl VisitedSet {
    /// An empty set; it grows to the size of the index on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// A set with room for an index of `nodes` nodes.
    pub fn with_capacity(nodes: usize) -> Self {
        let mut set = Self::new();
        set.marks.resize(nodes, 0);
        set
    }

    /// Heap bytes held by the marks and buffers.
    pub fn memory_bytes(&self) -> usize {
        self.marks.capacity() * 2
            + (self.candidates.capacity()
                + self.results.capacity()
                + self.sorted.capacity()
                + self.selected.capacity()
                + self.pruned.capacity()
                + self.kept.capacity())
                * 8
            + self.batch.capacity() * 4
    }

    /// Starts a pass over an index of `nodes` nodes: a fresh epoch, marks for every node.
    #[inline]
    pub(super) fn begin(&mut self, nodes: usize) {
        if self.marks.len() < nodes {
            // New marks are 0, never equal to a live epoch (epochs start at 1).
            self.marks.resize(nodes, 0);
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.marks.fill(0);
            self.epoch = 1;
        }
        self.candidates.clear();
        self.results.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_wrap_clears_marks() {
        let mut set = VisitedSet::with_capacity(4);
        for _ in 0..70_000u32 {
            set.begin(4);
            assert_ne!(set.marks[1], set.epoch, "a fresh pass sees nothing visited");
            set.marks[1] = set.epoch;
        }
        set.begin(10);
        assert!(set.marks.len() >= 10);
    }
}
