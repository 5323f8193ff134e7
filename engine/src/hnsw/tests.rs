//! Behaviour tests of the HNSW index (speed is measured by `corevec-bench index`).

use std::sync::OnceLock;

use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;

/// `count` vectors around `clusters` gaussian centres (centres uniform in [-1, 1]^dim,
/// per-component standard deviation `spread`).
fn clustered(count: usize, dim: usize, clusters: usize, spread: f32, seed: u64) -> Vec<Vec<f32>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let centres: Vec<Vec<f32>> = (0..clusters)
        .map(|_| (0..dim).map(|_| rng.gen_range(-1.0..1.0)).collect())
        .collect();
    (0..count)
        .map(|_| {
            let centre = &centres[rng.gen_range(0..clusters)];
            centre
                .iter()
                .map(|&c| c + spread * gaussian(&mut rng))
                .collect()
        })
        .collect()
}

fn gaussian(rng: &mut StdRng) -> f32 {
    // Box-Muller; u1 in (0, 1] keeps ln finite.
    let u1: f64 = 1.0 - rng.gen::<f64>();
    let u2: f64 = rng.gen();
    ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()) as f32
}

fn arena(data: &[Vec<f32>]) -> Vectors {
    let mut vectors = Vectors::with_capacity(data[0].len(), data.len()).unwrap();
    for v in data {
        vectors.push(v).unwrap();
    }
    vectors
}

fn build(vectors: &Vectors, config: HnswConfig, metric: Metric) -> Hnsw {
    let mut hnsw = Hnsw::new(config, metric);
    let mut visited = VisitedSet::new();
    while hnsw.len() < vectors.len() {
        hnsw.insert(vectors, &mut visited);
    }
    hnsw
}

/// Exact top-k over the slots `is_deleted` rejects not, ties by id.
fn brute_force(
    vectors: &Vectors,
    metric: Metric,
    query: &[f32],
    k: usize,
    is_deleted: impl Fn(u32) -> bool,
) -> Vec<u32> {
    let mut all: Vec<(f32, u32)> = vectors
        .iter()
        .filter(|(slot, _)| !is_deleted(*slot))
        .map(|(slot, v)| (metric.distance(query, v), slot))
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    all.into_iter().take(k).map(|(_, slot)| slot).collect()
}

fn recall(
    hnsw: &Hnsw,
    vectors: &Vectors,
    queries: &[Vec<f32>],
    ef: usize,
    is_deleted: impl Fn(u32) -> bool + Copy,
) -> f64 {
    let mut visited = VisitedSet::new();
    let mut out = Vec::new();
    let mut hits = 0usize;
    let mut total = 0usize;
    for q in queries {
        hnsw.search(vectors, q, 10, ef, &mut visited, is_deleted, &mut out);
        let truth = brute_force(vectors, hnsw.metric(), q, 10, is_deleted);
        hits += out.iter().filter(|(_, slot)| truth.contains(slot)).count();
        total += truth.len();
    }
    hits as f64 / total as f64
}

struct Fixture {
    vectors: Vectors,
    queries: Vec<Vec<f32>>,
    hnsw: Hnsw,
}

/// 20,000 x 64 in 50 gaussian clusters, L2, m = 16, ef_construction = 100 (built once).
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let data = clustered(20_200, 64, 50, 0.25, 42);
        let vectors = arena(&data[..20_000]);
        let config = HnswConfig {
            connectivity: 16,
            expansion_add: 100,
            seed: 7,
        };
        let hnsw = build(&vectors, config, Metric::L2);
        Fixture {
            vectors,
            queries: data[20_000..].to_vec(),
            hnsw,
        }
    })
}

#[test]
fn recall_at_10_is_at_least_0_9_at_ef_64_on_clustered_data() {
    let f = fixture();
    let r = recall(&f.hnsw, &f.vectors, &f.queries, 64, |_| false);
    assert!(r >= 0.9, "recall@10 {r}");
}

#[test]
fn graph_invariants_hold_after_build() {
    let f = fixture();
    f.hnsw.check_invariants().unwrap();
    assert_eq!(f.hnsw.len(), 20_000);
    assert!(f.hnsw.max_level >= 1, "20k nodes with m=16 reach level 1");
    // hnswlib's level-0 layout: (2m + 1) words per node dominate the graph.
    assert!(f.hnsw.memory_bytes() >= 20_000 * 33 * 4);
    assert!(f.hnsw.memory_bytes() < 20_000 * 33 * 4 * 2);
}

#[test]
fn deleted_nodes_are_never_returned_and_recall_holds() {
    let f = fixture();
    let deleted = |slot: u32| slot % 2 == 1;
    let mut visited = VisitedSet::new();
    let mut out = Vec::new();
    for q in &f.queries {
        f.hnsw
            .search(&f.vectors, q, 10, 64, &mut visited, deleted, &mut out);
        assert_eq!(out.len(), 10);
        assert!(out.iter().all(|&(_, slot)| !deleted(slot)));
    }
    let r = recall(&f.hnsw, &f.vectors, &f.queries[..50], 64, deleted);
    assert!(r >= 0.85, "recall@10 with half the nodes deleted: {r}");
}

#[test]
fn results_are_sorted_best_first_and_distances_are_exact() {
    let f = fixture();
    let mut visited = VisitedSet::new();
    let mut out = Vec::new();
    for q in &f.queries[..20] {
        f.hnsw
            .search(&f.vectors, q, 10, 32, &mut visited, |_| false, &mut out);
        assert!(out.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
        for &(d, slot) in &out {
            assert_eq!(d, Metric::L2.distance(q, f.vectors.get(slot)));
        }
    }
}

#[test]
fn same_seed_and_order_give_identical_graph_and_results() {
    let data = clustered(3_000, 24, 10, 0.3, 3);
    let vectors = arena(&data);
    let config = HnswConfig {
        connectivity: 8,
        expansion_add: 64,
        seed: 99,
    };
    let a = build(&vectors, config, Metric::Cosine);
    let b = build(&vectors, config, Metric::Cosine);
    assert_eq!(a.to_parts(), b.to_parts());
    let other = build(
        &vectors,
        HnswConfig {
            seed: 100,
            ..config
        },
        Metric::Cosine,
    );
    assert_ne!(
        a.to_parts().levels,
        other.to_parts().levels,
        "the seed drives the levels"
    );
    let (mut va, mut vb) = (VisitedSet::new(), VisitedSet::new());
    let (mut ra, mut rb) = (Vec::new(), Vec::new());
    for q in data.iter().step_by(97) {
        a.search(&vectors, q, 10, 40, &mut va, |_| false, &mut ra);
        b.search(&vectors, q, 10, 40, &mut vb, |_| false, &mut rb);
        assert_eq!(ra, rb);
    }
}

#[test]
fn all_metrics_reach_high_recall() {
    let data = clustered(4_100, 32, 20, 0.3, 11);
    let vectors = arena(&data[..4_000]);
    for metric in Metric::ALL {
        let hnsw = build(
            &vectors,
            HnswConfig {
                connectivity: 12,
                expansion_add: 100,
                seed: 1,
            },
            metric,
        );
        hnsw.check_invariants().unwrap();
        let r = recall(&hnsw, &vectors, &data[4_000..], 64, |_| false);
        assert!(r >= 0.9, "{metric}: recall@10 {r}");
    }
}

#[test]
fn parts_round_trip_and_the_restored_graph_keeps_growing_identically() {
    let data = clustered(2_000, 16, 8, 0.3, 5);
    let vectors = arena(&data);
    let config = HnswConfig {
        connectivity: 6,
        expansion_add: 50,
        seed: 4,
    };
    let full = build(&vectors, config, Metric::L2);

    let mut half = Hnsw::new(config, Metric::L2);
    let mut visited = VisitedSet::new();
    while half.len() < 1_000 {
        half.insert(&vectors, &mut visited);
    }
    let mut restored = Hnsw::from_parts(half.to_parts(), config, Metric::L2).unwrap();
    assert_eq!(restored.to_parts(), half.to_parts());
    restored.check_invariants().unwrap();
    let mut fresh_visited = VisitedSet::new();
    while restored.len() < vectors.len() {
        restored.insert(&vectors, &mut fresh_visited);
    }
    assert_eq!(restored.to_parts(), full.to_parts());
}

#[test]
fn from_parts_rejects_corrupt_arrays() {
    let data = clustered(300, 8, 4, 0.3, 6);
    let vectors = arena(&data);
    let config = HnswConfig {
        connectivity: 4,
        expansion_add: 20,
        seed: 1,
    };
    let hnsw = build(&vectors, config, Metric::L2);
    let good = hnsw.to_parts();
    assert!(Hnsw::from_parts(good.clone(), config, Metric::L2).is_ok());
    assert!(Hnsw::from_parts(
        good.clone(),
        HnswConfig {
            connectivity: 5,
            ..config
        },
        Metric::L2
    )
    .is_err());

    let row = 9; // words per level-0 row with m = 4
    let mut bad = good.clone();
    bad.level0[row + 1] = 300; // neighbour id out of range
    assert!(Hnsw::from_parts(bad, config, Metric::L2)
        .unwrap_err()
        .contains("out of"));
    let mut bad = good.clone();
    bad.level0[row] = 9; // count above 2m
    assert!(Hnsw::from_parts(bad, config, Metric::L2)
        .unwrap_err()
        .contains("cap"));
    let mut bad = good.clone();
    bad.level0.pop();
    assert!(Hnsw::from_parts(bad, config, Metric::L2).is_err());
    let mut bad = good.clone();
    bad.level0[row + 1] = 1; // node 1 linked to itself
    bad.level0[row] = bad.level0[row].max(1);
    assert!(Hnsw::from_parts(bad, config, Metric::L2)
        .unwrap_err()
        .contains("self loop"));
    let mut bad = good.clone();
    bad.entry_point = 300;
    assert!(Hnsw::from_parts(bad, config, Metric::L2).is_err());
    let mut bad = good;
    bad.upper.push(0);
    assert!(Hnsw::from_parts(bad, config, Metric::L2).is_err());
    let empty = Hnsw::new(config, Metric::L2).to_parts();
    assert_eq!(
        Hnsw::from_parts(empty, config, Metric::L2).unwrap().len(),
        0
    );
}

#[test]
fn search_works_while_the_index_lags_the_arena() {
    let data = clustered(1_000, 8, 4, 0.3, 8);
    let vectors = arena(&data);
    let mut hnsw = Hnsw::new(
        HnswConfig {
            connectivity: 8,
            expansion_add: 40,
            seed: 2,
        },
        Metric::L2,
    );
    let mut visited = VisitedSet::new();
    let mut out = Vec::new();
    hnsw.search(&vectors, &data[0], 5, 10, &mut visited, |_| false, &mut out);
    assert!(out.is_empty(), "an empty index finds nothing");
    for _ in 0..500 {
        hnsw.insert(&vectors, &mut visited);
    }
    for q in &data[500..600] {
        hnsw.search(&vectors, q, 5, 10, &mut visited, |_| false, &mut out);
        assert_eq!(out.len(), 5);
        assert!(
            out.iter().all(|&(_, slot)| slot < 500),
            "only indexed slots are returned"
        );
    }
    hnsw.search(&vectors, &data[0], 0, 10, &mut visited, |_| false, &mut out);
    assert!(out.is_empty(), "k = 0");
}

#[test]
#[should_panic(expected = "not in the arena")]
fn insert_past_the_arena_panics() {
    let vectors = arena(&[vec![1.0, 2.0]]);
    let mut hnsw = Hnsw::new(HnswConfig::default(), Metric::L2);
    let mut visited = VisitedSet::new();
    hnsw.insert(&vectors, &mut visited);
    hnsw.insert(&vectors, &mut visited);
}

#[test]
fn levels_follow_the_geometric_distribution() {
    let hnsw = Hnsw::new(
        HnswConfig {
            connectivity: 4,
            expansion_add: 10,
            seed: 123,
        },
        Metric::L2,
    );
    let n = 100_000u32;
    let mut at_least = [0usize; 4];
    for slot in 0..n {
        let level = hnsw.level_of(slot);
        for (l, count) in at_least.iter_mut().enumerate() {
            if level >= l {
                *count += 1;
            }
        }
    }
    // P(level >= l) = 4^-l: 1, 0.25, 0.0625, 0.0156.
    for (l, &count) in at_least.iter().enumerate() {
        let expected = f64::from(n) / 4f64.powi(l as i32);
        assert!(
            (count as f64 - expected).abs() < expected * 0.05 + 30.0,
            "level {l}: {count} vs {expected}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn small_random_indexes_keep_invariants_and_search_contracts(
        points in prop::collection::vec(prop::collection::vec(-4i8..4, 3), 1..120),
        connectivity in 2usize..8,
        expansion_add in 1usize..40,
        seed in any::<u64>(),
        metric_index in 0usize..3,
        k in 0usize..12,
        ef in 1usize..50,
        deleted_mask in any::<u64>(),
    ) {
        // Small integer grids produce many duplicates and exact ties: the worst case for
        // pruning and for determinism.
        let data: Vec<Vec<f32>> = points
            .iter()
            .map(|p| p.iter().map(|&x| f32::from(x) + 0.5).collect())
            .collect();
        let vectors = arena(&data);
        let metric = Metric::ALL[metric_index];
        let hnsw = build(&vectors, HnswConfig { connectivity, expansion_add, seed }, metric);
        prop_assert_eq!(hnsw.len(), data.len());
        if let Err(e) = hnsw.check_invariants() {
            return Err(TestCaseError::fail(e));
        }
        let deleted = |slot: u32| (deleted_mask >> (slot % 64)) & 1 == 1;
        let mut visited = VisitedSet::new();
        let mut out = Vec::new();
        for q in data.iter().take(10) {
            hnsw.search(&vectors, q, k, ef, &mut visited, deleted, &mut out);
            prop_assert!(out.len() <= k);
            prop_assert!(out.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
            prop_assert!(out.iter().all(|&(_, slot)| !deleted(slot) && (slot as usize) < data.len()));
        }
        let restored = Hnsw::from_parts(hnsw.to_parts(), hnsw.config(), metric);
        prop_assert!(restored.is_ok());
    }
}
