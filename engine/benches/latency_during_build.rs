//! Search latency on an indexed collection while another collection is being indexed in the
//! background (issue #3), and how long that build takes. In-process: an in-memory
//! [`Engine`] on every core; searches come from one thread, one query at a time (closed
//! loop), so each one crosses into a core and fans out over the mesh like a network search.
//!
//! `cargo bench -p corevec-engine --bench latency_during_build` prints JSON lines: the idle
//! baseline, the same searches during the build, and the build's ingest and indexing times.
//! Uses `../shared/data/pypi-minilm-50k` when present (real 384-d embeddings), otherwise
//! seeded random unit vectors. `CV_A` (vectors in the searched collection, default 20000),
//! `CV_B` (vectors bulk-loaded meanwhile, default 50000) and `CV_IDLE_S` (default 3) scale it.

#![allow(clippy::disallowed_methods)] // the loader is a client thread outside the engine

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use corevec_engine::{CollectionSpec, Engine, EngineConfig, Metric, SearchRequest};
use rand::{Rng, SeedableRng};

const DIM: usize = 384;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn load_vectors(n: usize) -> Vec<f32> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/pypi-minilm-50k/base.fvecs"
    );
    let row = 4 + DIM * 4;
    if let Ok(bytes) = std::fs::read(path) {
        if bytes.len() >= row * n {
            return (0..n)
                .flat_map(|i| {
                    bytes[i * row + 4..(i + 1) * row]
                        .chunks_exact(4)
                        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                })
                .collect();
        }
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut out = Vec::with_capacity(n * DIM);
    for _ in 0..n {
        let v: Vec<f32> = (0..DIM).map(|_| rng.gen_range(-1.0f32..1.0)).collect();
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        out.extend(v.into_iter().map(|x| x / norm));
    }
    out
}

fn load(engine: &Engine, name: &str, data: &[f32]) {
    let batch = 1024;
    for (b, chunk) in data.chunks(batch * DIM).enumerate() {
        let ids: Vec<u64> = (0..chunk.len() / DIM)
            .map(|i| (b * batch + i) as u64)
            .collect();
        engine.upsert(name, &ids, chunk).expect("upsert");
    }
}

/// Searches `a` one query at a time until `stop` returns true; latencies in microseconds.
fn search_until(engine: &Engine, queries: &[f32], stop: impl Fn() -> bool) -> Vec<u64> {
    let mut lat = Vec::new();
    let mut q = 0;
    while !stop() {
        let query = queries[q * DIM..(q + 1) * DIM].to_vec();
        q = (q + 1) % (queries.len() / DIM);
        let started = Instant::now();
        engine
            .search(
                "a",
                SearchRequest {
                    queries: query,
                    k: 10,
                    ef: 64,
                    exact: false,
                    filter: None,
                    max_distance: None,
                },
            )
            .expect("search");
        lat.push(started.elapsed().as_micros() as u64);
    }
    lat
}

fn report(phase: &str, mut lat: Vec<u64>, extra: &str) {
    lat.sort_unstable();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "{{\"bench\":\"latency_during_build\",\"phase\":\"{phase}\",\"searches\":{},\"p50_us\":{},\"p90_us\":{},\"p99_us\":{},\"max_us\":{}{extra}}}",
        lat.len(),
        pct(0.5),
        pct(0.9),
        pct(0.99),
        lat[lat.len() - 1]
    );
}

fn main() {
    let n_a = env_usize("CV_A", 20_000);
    let n_b = env_usize("CV_B", 50_000);
    let idle = Duration::from_secs(env_usize("CV_IDLE_S", 3) as u64);
    let data = load_vectors(n_a.max(n_b) + 1000);
    let queries = data[n_a.max(n_b) * DIM..].to_vec();
    let engine = Arc::new(Engine::start(EngineConfig::default()).expect("engine start"));
    let cores = engine.cores();

    engine
        .create_collection(CollectionSpec::new("a", DIM, Metric::Dot))
        .expect("create a");
    load(&engine, "a", &data[..n_a * DIM]);
    engine.wait_indexed("a").expect("index a");

    let until = Instant::now() + idle;
    report(
        "idle",
        search_until(&engine, &queries, || Instant::now() >= until),
        &format!(",\"cores\":{cores},\"vectors\":{n_a}"),
    );

    engine
        .create_collection(CollectionSpec::new("b", DIM, Metric::Dot))
        .expect("create b");
    let done = Arc::new(AtomicBool::new(false));
    let loader = {
        let (engine, done) = (Arc::clone(&engine), Arc::clone(&done));
        let data_b = data[..n_b * DIM].to_vec();
        std::thread::spawn(move || {
            let started = Instant::now();
            load(&engine, "b", &data_b);
            let ingested = started.elapsed();
            // A peer answers `Timeout` after a minute; keep waiting.
            while let Err(e) = engine.wait_indexed("b") {
                assert!(
                    matches!(e, corevec_engine::Error::Timeout { .. }),
                    "index b: {e}"
                );
            }
            let indexed = started.elapsed();
            done.store(true, Ordering::Release);
            (ingested, indexed)
        })
    };
    let lat = search_until(&engine, &queries, || done.load(Ordering::Acquire));
    let (ingested, indexed) = loader.join().expect("loader");
    report(
        "during_build",
        lat,
        &format!(
            ",\"cores\":{cores},\"vectors\":{n_a},\"build_vectors\":{n_b},\"ingest_s\":{:.2},\"indexed_s\":{:.2}",
            ingested.as_secs_f64(),
            indexed.as_secs_f64()
        ),
    );
    match Arc::try_unwrap(engine) {
        Ok(engine) => engine.shutdown().expect("shutdown"),
        Err(_) => unreachable!("the loader thread has ended"),
    }
}
