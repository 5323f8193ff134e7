//! `corevec-bench set-labels`: what replacing every point's labels costs in the running engine
//! (durable, `sync` WAL): acknowledged updates per second, the time until the shards are
//! settled again (nothing left to index), the WAL bytes written per update, and the slots and
//! label memory the collection holds afterwards; one line per pass (pass 1 labels points that
//! had none, pass 2 replaces those labels). Run it on two builds to compare update paths.

use std::path::PathBuf;
use std::time::Instant;

use corevec_datasets::load_texmex;
use corevec_engine::{CollectionSpec, CoreSelection, Engine, IndexParams, Metric};
use serde_json::json;

use crate::report::{emit, round};
use crate::restart::{durable_config, ingest};

const COLLECTION: &str = "relabel";

/// Arguments of `corevec-bench set-labels`.
#[derive(clap::Args)]
pub struct SetLabelsArgs {
    /// TEXMEX directory (base.fvecs is used).
    #[arg(long)]
    data: PathBuf,
    /// Data directory for the engine's WAL and snapshots (removed first and at the end).
    #[arg(long, default_value = "/var/tmp/corevec-set-labels")]
    data_dir: PathBuf,
    /// Distance metric.
    #[arg(long, default_value = "dot")]
    metric: Metric,
    /// HNSW m.
    #[arg(long, default_value_t = 16)]
    m: usize,
    /// HNSW ef_construction.
    #[arg(long, default_value_t = 200)]
    ef_construction: usize,
    /// Ids per SET_LABELS call.
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// Cores to run on.
    #[arg(long, default_value = "all")]
    cores: CoreSelection,
    /// JSON lines only (the output is JSON lines anyway).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &SetLabelsArgs) -> Result<(), Box<dyn std::error::Error>> {
    let base = load_texmex(&args.data)?.base;
    let n = base.rows();
    let _ = std::fs::remove_dir_all(&args.data_dir);
    let engine = Engine::start(durable_config(&args.data_dir, &args.cores))?;
    engine.create_collection(
        CollectionSpec::new(COLLECTION, base.dim(), args.metric).with_index(IndexParams {
            connectivity: args.m,
            expansion_add: args.ef_construction,
        }),
    )?;
    ingest(&engine, COLLECTION, &base, 0..n)?;
    engine.wait_indexed(COLLECTION)?;
    let wal_bytes = |engine: &Engine| -> Result<u64, Box<dyn std::error::Error>> {
        let info = engine.describe(COLLECTION)?;
        Ok(info.shards.iter().map(|s| s.wal_bytes_written).sum())
    };
    let label_bytes = |engine: &Engine| -> Result<u64, Box<dyn std::error::Error>> {
        let info = engine.describe(COLLECTION)?;
        Ok(info.shards.iter().map(|s| s.label_bytes).sum())
    };
    // Pass 1 gives every point labels (it had none); pass 2 replaces them all.
    for pass in 1..=2u64 {
        let wal_before = wal_bytes(&engine)?;
        let labels_before = label_bytes(&engine)?;
        let started = Instant::now();
        for first in (0..n).step_by(args.batch.max(1)) {
            let ids: Vec<u64> = (first as u64..(first + args.batch).min(n) as u64).collect();
            let lists: Vec<[u64; 2]> = ids
                .iter()
                .map(|id| [(id + pass) % 10, 100 + (id + pass) % 7])
                .collect();
            let lists: Vec<&[u64]> = lists.iter().map(|l| &l[..]).collect();
            engine.set_labels(COLLECTION, &ids, &lists)?;
        }
        let acked_s = started.elapsed().as_secs_f64();
        engine.wait_indexed(COLLECTION)?;
        let settled_s = started.elapsed().as_secs_f64();
        let wal_after = wal_bytes(&engine)?;
        let labels_after = label_bytes(&engine)?;
        let info = engine.describe(COLLECTION)?;
        let slots: u64 = info.shards.iter().map(|s| s.vectors + s.tombstones).sum();
        emit(&json!({
            "bench": "set_labels", "pass": pass, "n": n, "dim": base.dim(),
            "shards": info.spec.shards, "batch": args.batch,
            "acked_s": round(acked_s, 3),
            "acked_per_s": (n as f64 / acked_s).round(),
            "settled_s": round(settled_s, 3),
            "wal_bytes_per_update": (wal_after - wal_before) / n as u64,
            "slots_after": slots,
            "label_bytes_before": labels_before,
            "label_bytes_after": labels_after,
            "live": info.vectors(),
        }));
    }
    engine.shutdown()?;
    let _ = std::fs::remove_dir_all(&args.data_dir);
    Ok(())
}
