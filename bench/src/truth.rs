//! Exact ground truth by brute force with the engine's distance kernels, multi-threaded.
//!
//! Datasets themselves (TEXMEX files, synthetic sets) come from `corevec-datasets`.
//! `corevec-load` keeps its own, engine-free, ground truth on purpose.

use corevec_datasets::Vectors;
use corevec_engine::distance::Metric;

/// Exact top-`k` base rows for every query under `metric`, skipping rows `skip` rejects,
/// ties by the smaller row; computed on `threads` threads.
pub fn ground_truth(
    base: &Vectors,
    queries: &Vectors,
    metric: Metric,
    k: usize,
    skip: &(dyn Fn(u32) -> bool + Sync),
    threads: usize,
) -> Vec<Vec<u32>> {
    ground_truth_each(base, queries, metric, k, &|_, row| skip(row), threads)
}

/// [`ground_truth`] with a filter per query: `skip(query_index, row)`.
pub fn ground_truth_each(
    base: &Vectors,
    queries: &Vectors,
    metric: Metric,
    k: usize,
    skip: &(dyn Fn(usize, u32) -> bool + Sync),
    threads: usize,
) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); queries.rows()];
    let chunk = queries.rows().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        for (c, slots) in out.chunks_mut(chunk).enumerate() {
            scope.spawn(move || {
                let mut top: Vec<(f32, u32)> = Vec::with_capacity(k + 1);
                for (i, slot) in slots.iter_mut().enumerate() {
                    let q = c * chunk + i;
                    let query = queries.row(q);
                    top.clear();
                    for (row, vector) in base.iter().enumerate() {
                        let row = row as u32;
                        if skip(q, row) {
                            continue;
                        }
                        let d = metric.distance(query, vector);
                        if top.len() == k && d >= top[k - 1].0 {
                            continue;
                        }
                        let at = top.partition_point(|&(e, r)| (e, r) < (d, row));
                        top.insert(at, (d, row));
                        top.truncate(k);
                    }
                    *slot = top.iter().map(|&(_, r)| r).collect();
                }
            });
        }
    });
    out
}

/// Recall of `found` against `truth` (query by query): the distinct ids of each query's
/// answer that are in its truth, summed over the queries, over the sum of the truth lengths.
/// An id returned twice counts once. A query with an empty truth (no row may match it) has no
/// defined recall and adds nothing to either sum; `None` when every truth is empty (printed
/// as `null`, not as a perfect 1.0).
pub fn recall(found: &[Vec<u32>], truth: &[Vec<u32>]) -> Option<f64> {
    let mut hits = 0usize;
    let mut total = 0usize;
    let mut distinct = Vec::new();
    for (f, t) in found.iter().zip(truth) {
        distinct.clear();
        distinct.extend_from_slice(f);
        distinct.sort_unstable();
        distinct.dedup();
        hits += distinct.iter().filter(|id| t.contains(id)).count();
        total += t.len();
    }
    (total > 0).then(|| hits as f64 / total as f64)
}

#[cfg(test)]
mod tests {
    use corevec_datasets::{Shape, Synthetic};

    use super::*;

    #[test]
    fn ground_truth_matches_a_sort() {
        let base = Synthetic::new(Shape::Uniform, 300, 4, 1).generate_sequential();
        let queries = Synthetic::new(Shape::Uniform, 7, 4, 2).generate_sequential();
        let skip = |row: u32| row % 3 == 0;
        let gt = ground_truth(&base, &queries, Metric::L2, 5, &skip, 3);
        for (q, found) in queries.iter().zip(&gt) {
            let mut all: Vec<(f32, u32)> = base
                .iter()
                .enumerate()
                .filter(|(r, _)| !skip(*r as u32))
                .map(|(r, v)| (Metric::L2.distance(q, v), r as u32))
                .collect();
            all.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let expected: Vec<u32> = all.iter().take(5).map(|&(_, r)| r).collect();
            assert_eq!(found, &expected);
        }
    }

    #[test]
    fn recall_counts_each_returned_id_once_and_skips_empty_truths() {
        // One true neighbour returned three times is one of three found.
        assert_eq!(recall(&[vec![3, 3, 3]], &[vec![3, 1, 4]]), Some(1.0 / 3.0));
        assert_eq!(recall(&[vec![4, 3, 1]], &[vec![3, 1, 4]]), Some(1.0));
        // A query with an empty truth counts for nothing; all empty: undefined, not 1.0.
        assert_eq!(
            recall(&[vec![1], vec![7, 8]], &[vec![1, 2], vec![]]),
            Some(0.5)
        );
        assert_eq!(recall(&[vec![], vec![5]], &[vec![], vec![]]), None);
    }

    #[test]
    fn ground_truth_each_applies_each_query_its_own_filter() {
        let base = Synthetic::new(Shape::Uniform, 300, 4, 1).generate_sequential();
        let queries = Synthetic::new(Shape::Uniform, 7, 4, 2).generate_sequential();
        let each = ground_truth_each(
            &base,
            &queries,
            Metric::L2,
            5,
            &|q, row| row as usize % 7 != q,
            3,
        );
        for (q, found) in each.iter().enumerate() {
            let one = queries.row(q).to_vec();
            let alone = ground_truth(
                &base,
                &corevec_datasets::Vectors::new(4, one).unwrap(),
                Metric::L2,
                5,
                &|row| row as usize % 7 != q,
                1,
            );
            assert_eq!(found, &alone[0], "query {q}");
            assert!(found.iter().all(|&row| row as usize % 7 == q));
        }
    }
}
