//! Bounded top-k selection and merging of partial top-k lists.
//!
//! Order is `(distance, id)` ascending with `f32::total_cmp`, so equal distances break ties
//! by the smaller id and every result list is deterministic whatever the shard layout.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// One search hit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbor {
    /// The vector's id.
    pub id: u64,
    /// Its distance to the query (smaller is closer; see `distance`).
    pub distance: f32,
}

impl Neighbor {
    /// The total order results are sorted by.
    #[inline]
    pub fn cmp_rank(&self, other: &Self) -> Ordering {
        self.distance
            .total_cmp(&other.distance)
            .then(self.id.cmp(&other.id))
    }
}

#[derive(Clone, Copy, Debug)]
struct Ranked(Neighbor);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp_rank(&other.0)
    }
}

/// Keeps the `k` best neighbours seen so far (a max-heap of size k).
#[derive(Debug)]
pub struct TopK {
    k: usize,
    heap: BinaryHeap<Ranked>,
}

impl TopK {
    /// An empty selection of at most `k` neighbours.
    pub fn new(k: usize) -> Self {
        Self {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    /// Forgets every candidate offered so far.
    pub fn clear(&mut self) {
        self.heap.clear();
    }

    /// The distance a candidate must beat to enter, or infinity while not full.
    #[inline]
    pub fn threshold(&self) -> f32 {
        if self.heap.len() < self.k {
            f32::INFINITY
        } else {
            self.heap.peek().map_or(f32::INFINITY, |r| r.0.distance)
        }
    }

    /// Offers a candidate.
    #[inline]
    pub fn push(&mut self, neighbor: Neighbor) {
        if self.k == 0 {
            return;
        }
        if self.heap.len() < self.k {
            self.heap.push(Ranked(neighbor));
        } else if let Some(worst) = self.heap.peek() {
            if neighbor.cmp_rank(&worst.0) == Ordering::Less {
                self.heap.pop();
                self.heap.push(Ranked(neighbor));
            }
        }
    }

    /// The selection, best first.
    pub fn into_sorted_vec(self) -> Vec<Neighbor> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|r| r.0)
            .collect()
    }
}

/// Merges partial result lists (each from one shard, ids disjoint) into the global top-k.
pub fn merge(partials: impl IntoIterator<Item = Vec<Neighbor>>, k: usize) -> Vec<Neighbor> {
    let mut all: Vec<Neighbor> = partials.into_iter().flatten().collect();
    all.sort_unstable_by(Neighbor::cmp_rank);
    all.truncate(k);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(id: u64, distance: f32) -> Neighbor {
        Neighbor { id, distance }
    }

    #[test]
    fn keeps_the_k_smallest_with_ties_by_id() {
        let mut top = TopK::new(3);
        for (id, d) in [(5, 1.0), (4, 1.0), (9, 0.5), (1, 2.0), (3, 1.0), (2, 0.5)] {
            top.push(n(id, d));
        }
        let ids: Vec<u64> = top.into_sorted_vec().iter().map(|x| x.id).collect();
        assert_eq!(ids, vec![2, 9, 3]);
    }

    #[test]
    fn merge_equals_global_sort() {
        let a = vec![n(1, 0.1), n(3, 0.3)];
        let b = vec![n(2, 0.2), n(4, 0.3)];
        let ids: Vec<u64> = merge([a, b], 3).iter().map(|x| x.id).collect();
        assert_eq!(ids, vec![1, 2, 3]);
    }

    #[test]
    fn k_zero_selects_nothing() {
        let mut top = TopK::new(0);
        top.push(n(1, 0.0));
        assert!(top.into_sorted_vec().is_empty());
    }
}
