//! Exact ground truth (brute force, multi-threaded) and recall@k.
//!
//! Distances rank as in `PROTOCOL.md` (smaller is closer): L2 = squared Euclidean, cosine =
//! `1 - cos`, dot = `-a·b` (the protocol's `1 - a·b` less its constant: the same order).
//! Candidates are selected with `f32` arithmetic, keeping a margin of [`RESCORE_MARGIN`]
//! extra candidates per query, then re-scored in `f64` and ordered by `(distance, id)`, so
//! near-ties resolve like an `f64` reference (ties by smaller id).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use corevec_proto::Metric;

use corevec_datasets::{normalize_row, IdMatrix, Matrix, Vectors};

/// Extra `f32` candidates kept per query before the exact `f64` re-ranking.
pub const RESCORE_MARGIN: usize = 32;
const QUERY_BLOCK: usize = 8;

/// Parse `dot` / `cosine` / `l2`.
pub fn parse_metric(s: &str) -> Result<Metric, String> {
    match s.to_ascii_lowercase().as_str() {
        "dot" | "ip" => Ok(Metric::Dot),
        "cosine" | "cos" => Ok(Metric::Cosine),
        "l2" => Ok(Metric::L2),
        other => Err(format!("unknown metric {other:?}: use dot, cosine or l2")),
    }
}

fn dot_f32(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ac
        .remainder()
        .iter()
        .zip(bc.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ac.zip(bc) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

fn l2_f32(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ac
        .remainder()
        .iter()
        .zip(bc.remainder())
        .map(|(x, y)| (x - y) * (x - y))
        .sum();
    for (x, y) in ac.zip(bc) {
        for i in 0..8 {
            let d = x[i] - y[i];
            acc[i] += d * d;
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Exact distance in `f64` with the protocol's conventions.
#[must_use]
pub fn distance_f64(metric: Metric, a: &[f32], b: &[f32]) -> f64 {
    let pairs = a.iter().zip(b).map(|(x, y)| (f64::from(*x), f64::from(*y)));
    match metric {
        Metric::L2 => pairs.map(|(x, y)| (x - y) * (x - y)).sum(),
        Metric::Dot => -pairs.map(|(x, y)| x * y).sum::<f64>(),
        Metric::Cosine => {
            let (mut dot, mut na, mut nb) = (0.0, 0.0, 0.0);
            for (x, y) in pairs {
                dot += x * y;
                na += x * x;
                nb += y * y;
            }
            if na == 0.0 || nb == 0.0 {
                1.0
            } else {
                1.0 - dot / (na.sqrt() * nb.sqrt())
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
struct Cand {
    dist: f32,
    id: u32,
}
impl Eq for Cand {}
impl PartialOrd for Cand {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Cand {
    fn cmp(&self, other: &Self) -> Ordering {
        self.dist
            .total_cmp(&other.dist)
            .then(self.id.cmp(&other.id))
    }
}

/// The exact `k` nearest base rows (0-based ids) of every query, closest first.
///
/// `threads` workers split the queries. Fails if `k` exceeds the base size, the dimensions
/// differ, or the base has more than `i32::MAX` rows (the `.ivecs` id type).
pub fn ground_truth(
    base: &Vectors,
    queries: &Vectors,
    k: usize,
    metric: Metric,
    threads: usize,
) -> Result<IdMatrix, String> {
    if base.dim() != queries.dim() {
        return Err(format!(
            "base dimension {} differs from query dimension {}",
            base.dim(),
            queries.dim()
        ));
    }
    if k == 0 || k > base.rows() {
        return Err(format!(
            "k = {k} must be in 1..={} (the base size)",
            base.rows()
        ));
    }
    if i32::try_from(base.rows()).is_err() {
        return Err("base has more rows than .ivecs ids can hold".into());
    }
    let normalized = |m: &Vectors| {
        let mut data = m.as_slice().to_vec();
        data.chunks_exact_mut(m.dim()).for_each(normalize_row);
        Matrix::new(m.dim(), data)
    };
    let (nbase, nqueries);
    let (fb, fq) = if metric == Metric::Cosine {
        nbase = normalized(base)?;
        nqueries = normalized(queries)?;
        (&nbase, &nqueries)
    } else {
        (base, queries)
    };
    let keep = (k + RESCORE_MARGIN).min(base.rows());
    let nq = queries.rows();
    let threads = threads.clamp(1, nq.max(1));
    let per = nq.div_ceil(threads).max(1);
    let mut out = vec![0i32; nq * k];
    std::thread::scope(|s| {
        for (chunk_index, chunk) in out.chunks_mut(per * k).enumerate() {
            s.spawn(move || {
                let first = chunk_index * per;
                let count = chunk.len() / k;
                for block in (0..count).step_by(QUERY_BLOCK) {
                    let qs: Vec<usize> =
                        (first + block..first + (block + QUERY_BLOCK).min(count)).collect();
                    let mut heaps: Vec<BinaryHeap<Cand>> = qs
                        .iter()
                        .map(|_| BinaryHeap::with_capacity(keep + 1))
                        .collect();
                    for j in 0..fb.rows() {
                        let b = fb.row(j);
                        for (h, &q) in heaps.iter_mut().zip(&qs) {
                            let q = fq.row(q);
                            let dist = match metric {
                                Metric::L2 => l2_f32(q, b),
                                Metric::Dot | Metric::Cosine => -dot_f32(q, b),
                            };
                            let cand = Cand { dist, id: j as u32 };
                            if h.len() < keep {
                                h.push(cand);
                            } else if h.peek().is_some_and(|top| cand < *top) {
                                h.pop();
                                h.push(cand);
                            }
                        }
                    }
                    for (h, &q) in heaps.into_iter().zip(&qs) {
                        let mut exact: Vec<(f64, u32)> = h
                            .into_iter()
                            .map(|c| {
                                let d =
                                    distance_f64(metric, queries.row(q), base.row(c.id as usize));
                                (d, c.id)
                            })
                            .collect();
                        exact.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                        let row = &mut chunk[(q - first) * k..(q - first + 1) * k];
                        for (slot, (_, id)) in row.iter_mut().zip(exact) {
                            *slot = id as i32;
                        }
                    }
                }
            });
        }
    });
    Matrix::new(k, out)
}

/// recall@k of one answer: the distinct ids of `returned[..k]` that are in `truth[..k]`,
/// over the number of distinct ids in `truth[..k]` (`k` for a full truth row). An id returned
/// twice counts once. Negative truth ids are padding: they never match and are not counted.
///
/// `None` when `truth[..k]` holds no id (only padding, or `k` = 0): recall is undefined for
/// that query, and callers leave it out of the mean (and count it) rather than score it.
#[must_use]
pub fn recall_at_k(returned: &[u64], truth: &[i32], k: usize) -> Option<f64> {
    let mut truth: Vec<u64> = truth[..k.min(truth.len())]
        .iter()
        .filter_map(|&id| u64::try_from(id).ok())
        .collect();
    truth.sort_unstable();
    truth.dedup();
    if truth.is_empty() {
        return None;
    }
    let mut returned: Vec<u64> = returned.iter().take(k).copied().collect();
    returned.sort_unstable();
    returned.dedup();
    let hits = returned
        .iter()
        .filter(|id| truth.binary_search(id).is_ok())
        .count();
    Some(hits as f64 / truth.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use corevec_datasets::load_vectors;

    fn brute(base: &Vectors, q: &[f32], k: usize, metric: Metric) -> Vec<i32> {
        let mut all: Vec<(f64, i32)> = (0..base.rows())
            .map(|j| (distance_f64(metric, q, base.row(j)), j as i32))
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        all.into_iter().take(k).map(|p| p.1).collect()
    }

    #[test]
    fn truth_matches_brute_force() {
        let base = load_vectors("synthetic:clusters:2000:24:10:0.2:5").expect("base");
        let queries = load_vectors("synthetic:clusters:37:24:10:0.2:5:skip=2000").expect("q");
        for metric in [Metric::L2, Metric::Dot, Metric::Cosine] {
            for threads in [1, 3] {
                let t = ground_truth(&base, &queries, 10, metric, threads).expect("truth");
                assert_eq!(t.rows(), 37);
                for q in 0..queries.rows() {
                    assert_eq!(
                        t.row(q),
                        brute(&base, queries.row(q), 10, metric).as_slice(),
                        "{metric:?} query {q}"
                    );
                }
            }
        }
    }

    #[test]
    fn truth_rejects_bad_arguments() {
        let base = load_vectors("synthetic:uniform:5:4:1").expect("base");
        let q = load_vectors("synthetic:uniform:2:4:2").expect("q");
        let q3 = load_vectors("synthetic:uniform:2:3:2").expect("q3");
        assert!(ground_truth(&base, &q, 6, Metric::L2, 1).is_err());
        assert!(ground_truth(&base, &q, 0, Metric::L2, 1).is_err());
        assert!(ground_truth(&base, &q3, 1, Metric::L2, 1).is_err());
        assert!(ground_truth(&base, &q, 5, Metric::L2, 8).is_ok());
    }

    #[test]
    fn recall_on_hand_made_set() {
        let truth = [3, 1, 4, 1_000, 5, -1];
        assert_eq!(recall_at_k(&[3, 1, 4], &truth, 3), Some(1.0));
        assert_eq!(
            recall_at_k(&[4, 3, 1], &truth, 3),
            Some(1.0),
            "order does not matter"
        );
        assert_eq!(recall_at_k(&[3, 9, 4], &truth, 3), Some(2.0 / 3.0));
        assert_eq!(
            recall_at_k(&[5, 1_000], &truth, 3),
            Some(0.0),
            "beyond truth[..k]"
        );
        assert_eq!(
            recall_at_k(&[3], &truth, 3),
            Some(1.0 / 3.0),
            "short answers"
        );
        assert_eq!(
            recall_at_k(&[3, 1, 4, 1_000], &truth, 3),
            Some(1.0),
            "only returned[..k]"
        );
    }

    #[test]
    fn recall_counts_each_returned_id_once() {
        assert_eq!(recall_at_k(&[3, 3, 3], &[3, 1, 4], 3), Some(1.0 / 3.0));
        assert_eq!(recall_at_k(&[3, 1, 3], &[3, 1, 4], 3), Some(2.0 / 3.0));
    }

    #[test]
    fn recall_is_undefined_for_an_empty_truth() {
        // Only padding, or k = 0: nothing to find, so no score (not a perfect 1.0, not 0).
        assert_eq!(recall_at_k(&[u64::MAX], &[-1], 1), None);
        assert_eq!(recall_at_k(&[], &[-1, -1], 2), None);
        assert_eq!(recall_at_k(&[1, 2], &[1, 2], 0), None);
        // Padding in part of the row: recall over the ids the truth has.
        assert_eq!(recall_at_k(&[5, 7, 8], &[5, -1, -1], 3), Some(1.0));
    }
}
