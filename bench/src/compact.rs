//! `corevec-bench compact`: shard compaction in the running engine. Loads a TEXMEX base,
//! deletes a seeded fraction of it, and while the cores compact keeps one client searching
//! (and, with `--write-rate`, another re-upserting surviving rows, which leaves the answers
//! unchanged but gives the compacting shards new slots to index);
//! prints one JSON line with the time until every shard was compacted and re-indexed, the
//! search latency during compaction and after it, recall@k (against the exact top-k of the
//! survivors) and the collection's bytes before and after.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use corevec_datasets::{load_texmex, Vectors};
use corevec_engine::shard::{CompactionPolicy, ShardStats};
use corevec_engine::{
    CollectionSpec, CoreSelection, Engine, EngineConfig, IndexParams, Metric, SearchRequest,
};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde_json::json;

use crate::report::{emit, round, Latencies};
use crate::restart::ingest;
use crate::truth::{ground_truth, recall};

const COLLECTION: &str = "compact";

/// Arguments of `corevec-bench compact`.
#[derive(clap::Args)]
pub struct CompactArgs {
    /// TEXMEX directory (base.fvecs and query.fvecs are used).
    #[arg(long)]
    data: PathBuf,
    /// Fraction of the base to delete.
    #[arg(long, default_value_t = 0.5)]
    delete_fraction: f64,
    /// Distance metric.
    #[arg(long, default_value = "dot")]
    metric: Metric,
    /// Shards (default: one per core).
    #[arg(long, default_value_t = 0)]
    shards: u32,
    /// HNSW m.
    #[arg(long, default_value_t = 16)]
    m: usize,
    /// HNSW ef_construction.
    #[arg(long, default_value_t = 200)]
    ef_construction: usize,
    /// Search beam width.
    #[arg(long, default_value_t = 64)]
    ef: usize,
    /// Results per query.
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Upserts per second while the shards compact (surviving rows, same id and vector);
    /// 0: none.
    #[arg(long, default_value_t = 0)]
    write_rate: u32,
    /// Seed of the deletion sample.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Cores to run on.
    #[arg(long, default_value = "all")]
    cores: CoreSelection,
    /// JSON lines only (the output is JSON lines anyway).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &CompactArgs) -> Result<(), Box<dyn std::error::Error>> {
    if !(args.delete_fraction > 0.0 && args.delete_fraction < 1.0) {
        return Err("--delete-fraction must be in (0, 1)".into());
    }
    let data = load_texmex(&args.data)?;
    let (base, queries) = (&data.base, &data.queries);
    let n = base.rows();
    let engine = Engine::start(EngineConfig {
        cores: args.cores.clone(),
        ..EngineConfig::default()
    })?;
    engine.create_collection(
        CollectionSpec::new(COLLECTION, base.dim(), args.metric)
            .with_shards(args.shards)
            .with_index(IndexParams {
                connectivity: args.m,
                expansion_add: args.ef_construction,
            }),
    )?;
    ingest(&engine, COLLECTION, base, 0..n)?;
    engine.wait_indexed(COLLECTION)?;
    let bytes_before = engine.describe(COLLECTION)?.bytes();

    let mut rows: Vec<u32> = (0..n as u32).collect();
    rows.shuffle(&mut rand::rngs::StdRng::seed_from_u64(args.seed));
    let deleted_rows = &rows[..(n as f64 * args.delete_fraction).round() as usize];
    let mut deleted = vec![false; n];
    for &row in deleted_rows {
        deleted[row as usize] = true;
    }
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get());
    let truth = ground_truth(
        base,
        queries,
        args.metric,
        args.k,
        &|row| deleted[row as usize],
        threads,
    );

    // Deleting makes every shard due; the cores start compacting at once.
    let started = Instant::now();
    for chunk in deleted_rows.chunks(1024) {
        let ids: Vec<u64> = chunk.iter().map(|&row| u64::from(row)).collect();
        engine.delete(COLLECTION, &ids)?;
    }
    let compacting = AtomicBool::new(true);
    let survivors: Vec<u32> = rows[deleted_rows.len()..].to_vec();
    let (during, writes, compact_s) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| write_during(&engine, args, base, &survivors, &compacting));
        let client = scope.spawn(|| {
            let mut latencies = Latencies::new();
            let mut q = 0;
            while compacting.load(Ordering::Relaxed) {
                let t = Instant::now();
                if search(&engine, args, queries, q).is_err() {
                    break;
                }
                latencies.record(t.elapsed());
                q = (q + 1) % queries.rows();
            }
            latencies
        });
        let done = wait_compacted(&engine);
        let compact_s = started.elapsed().as_secs_f64();
        compacting.store(false, Ordering::Relaxed);
        (client.join(), writer.join(), done.map(|()| compact_s))
    });
    let during = during.map_err(|_| "search client panicked")?;
    let writes = writes.map_err(|_| "writer panicked")??;
    let compact_s = compact_s?;

    let mut after = Latencies::new();
    let mut found = Vec::with_capacity(queries.rows());
    for q in 0..queries.rows() {
        let t = Instant::now();
        let hits = search(&engine, args, queries, q)?;
        after.record(t.elapsed());
        found.push(hits);
    }
    let recall = recall(&found, &truth);
    let info = engine.describe(COLLECTION)?;
    emit(&json!({
        "bench": "compact", "n": n, "dim": base.dim(), "shards": info.spec.shards,
        "deleted_fraction": args.delete_fraction, "ef": args.ef, "k": args.k,
        "compact_s": round(compact_s, 3),
        "searches_during": during.count(),
        "write_rate": args.write_rate, "writes_during": writes.count,
        "unindexed_max_during": writes.unindexed_max,
        "p50_us_during": round(during.p50_us(), 1), "p99_us_during": round(during.p99_us(), 1),
        "p50_us_after": round(after.p50_us(), 1), "p99_us_after": round(after.p99_us(), 1),
        format!("recall_at_{}", args.k): recall.map(|r| round(r, 4)),
        "bytes_before": bytes_before, "bytes_after": info.bytes(),
        "tombstones_after": info.shards.iter().map(|s| s.tombstones).sum::<u64>(),
        "compactions": info.shards.iter().map(|s| s.compactions).sum::<u64>(),
    }));
    engine.shutdown()?;
    Ok(())
}

/// What the writer of `--write-rate` did.
struct Writes {
    count: u64,
    /// Most unindexed slots seen in the collection while it wrote (sampled every 50 ms).
    unindexed_max: u64,
}

/// Re-upserts surviving rows at `--write-rate` until `compacting` clears.
fn write_during(
    engine: &Engine,
    args: &CompactArgs,
    base: &Vectors,
    survivors: &[u32],
    compacting: &AtomicBool,
) -> Result<Writes, corevec_engine::Error> {
    let mut writes = Writes {
        count: 0,
        unindexed_max: 0,
    };
    if args.write_rate == 0 || survivors.is_empty() {
        return Ok(writes);
    }
    let every = Duration::from_secs_f64(1.0 / f64::from(args.write_rate));
    let started = Instant::now();
    let mut sampled = Instant::now();
    while compacting.load(Ordering::Relaxed) {
        let row = survivors[writes.count as usize % survivors.len()];
        engine.upsert(COLLECTION, &[u64::from(row)], base.row(row as usize))?;
        writes.count += 1;
        if sampled.elapsed() >= Duration::from_millis(50) {
            sampled = Instant::now();
            let info = engine.describe(COLLECTION)?;
            let unindexed = info.shards.iter().map(|s| s.unindexed).sum::<u64>();
            writes.unindexed_max = writes.unindexed_max.max(unindexed);
        }
        let next = started + every * u32::try_from(writes.count).unwrap_or(u32::MAX);
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    Ok(writes)
}

fn search(
    engine: &Engine,
    args: &CompactArgs,
    queries: &Vectors,
    q: usize,
) -> Result<Vec<u32>, corevec_engine::Error> {
    let hits = engine.search(
        COLLECTION,
        SearchRequest {
            queries: queries.row(q).to_vec(),
            k: args.k,
            ef: args.ef,
            exact: false,
            filter: None,
            max_distance: None,
        },
    )?;
    Ok(hits[0].iter().map(|n| n.id as u32).collect())
}

/// Waits until every shard was compacted, none is due again (deletes that arrived during
/// a compaction can make it due once more), and every index covers every live vector.
fn wait_compacted(engine: &Engine) -> Result<(), corevec_engine::Error> {
    let deadline = Instant::now() + Duration::from_secs(3600);
    let policy = CompactionPolicy::default();
    let due = |s: &ShardStats| policy.is_due(s.tombstones, s.vectors + s.tombstones);
    let settled = |s: &ShardStats| s.compactions > 0 && !due(s);
    loop {
        let info = engine.describe(COLLECTION)?;
        if let Some(idle) = info.shards.iter().find(|s| s.compactions == 0 && !due(s)) {
            return Err(corevec_engine::Error::InvalidArgument(format!(
                "shard {} will not be compacted: {} tombstones next to {} live vectors is below \
                 the threshold ({} tombstones that are {}% of the slots); use a larger \
                 --delete-fraction",
                idle.shard,
                idle.tombstones,
                idle.vectors,
                policy.min_tombstones,
                policy.tombstone_percent
            )));
        }
        if info.shards.iter().all(settled) {
            return engine.wait_indexed(COLLECTION);
        }
        if Instant::now() > deadline {
            return Err(corevec_engine::Error::InvalidArgument(
                "no compaction within an hour".into(),
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
