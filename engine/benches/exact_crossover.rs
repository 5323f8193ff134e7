//! Where exhaustive search stops being cheaper than the graph: per-query time of an exact
//! scan vs HNSW (k=10, ef=64) on shards of growing size, in one run (ratios, not absolutes).
//! Uses the first vectors of `../shared/data/pypi-minilm-50k` when present (real 384-d
//! embeddings), otherwise seeded random unit vectors. `cargo bench -p corevec-engine
//! --bench exact_crossover` prints one JSON line per size; the result sets
//! `shard::EXACT_SEARCH_BYTES_MAX`.

use std::time::Instant;

use corevec_engine::shard::Shard;
use corevec_engine::{CollectionSpec, Metric};
use rand::{Rng, SeedableRng};

fn load_vectors(dim: usize, n: usize) -> Vec<Vec<f32>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/pypi-minilm-50k/base.fvecs"
    );
    if let Ok(bytes) = std::fs::read(path) {
        let row = 4 + dim * 4;
        if bytes.len() >= row * n {
            return (0..n)
                .map(|i| {
                    bytes[i * row + 4..(i + 1) * row]
                        .chunks_exact(4)
                        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                        .collect()
                })
                .collect();
        }
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    (0..n)
        .map(|_| {
            let v: Vec<f32> = (0..dim).map(|_| rng.gen_range(-1.0f32..1.0)).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.into_iter().map(|x| x / norm).collect()
        })
        .collect()
}

fn main() {
    let dim = 384;
    let queries = 200;
    let data = load_vectors(dim, 16_384 + queries);
    let (base, probe) = data.split_at(16_384);
    for n in [256usize, 512, 1024, 2048, 4096, 8192, 16_384] {
        let spec = CollectionSpec::new("x", dim, Metric::Dot).with_shards(1);
        let mut shard = Shard::new(&spec, 0).unwrap();
        for (id, v) in base[..n].iter().enumerate() {
            shard.upsert(id as u64, v).unwrap();
        }
        while shard.index_next() {}
        let time = |f: &mut dyn FnMut(&[f32])| {
            let start = Instant::now();
            for q in &probe[..queries] {
                f(q);
            }
            start.elapsed().as_secs_f64() * 1e6 / queries as f64
        };
        let exact_us = time(&mut |q| {
            shard.search_exact(q, 10);
        });
        let hnsw_us = time(&mut |q| {
            shard.search_indexed(q, 10, 64);
        });
        let recall_hits: usize = probe[..queries]
            .iter()
            .map(|q| {
                let truth: Vec<u64> = shard.search_exact(q, 10).iter().map(|n| n.id).collect();
                shard
                    .search_indexed(q, 10, 64)
                    .iter()
                    .filter(|n| truth.contains(&n.id))
                    .count()
            })
            .sum();
        println!(
            "{{\"bench\":\"exact_crossover\",\"n\":{n},\"dim\":{dim},\"exact_us\":{exact_us:.1},\"hnsw_us\":{hnsw_us:.1},\"hnsw_recall_at_10\":{:.4}}}",
            recall_hits as f64 / (queries * 10) as f64
        );
    }
}
