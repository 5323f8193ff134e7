//! `corevec-bench relabel`: the cost of replacing labels in place inside one large shard, where
//! a label held by half of the points has a slot list of half a million entries: records applied
//! one by one (a shift of two lists per point) against batches (`Shard::apply_all`: one merge
//! per touched list). No index and no I/O: the label lists alone.

use std::time::Instant;

use corevec_engine::shard::Shard;
use corevec_engine::{CollectionSpec, Metric};
use corevec_storage::WalRecord;
use serde_json::json;

use crate::report::{emit, round};

/// Arguments of `corevec-bench relabel`.
#[derive(clap::Args)]
pub struct RelabelArgs {
    /// Live points in the shard; point `i` starts with label `i % 2`.
    #[arg(long, default_value_t = 1_000_000)]
    n: u64,
    /// Relabels timed per batch size (each flips one point's label).
    #[arg(long, default_value_t = 20_000)]
    updates: u64,
    /// Records per `apply_all` call, comma-separated; 1 applies them one by one.
    #[arg(long, value_delimiter = ',', default_value = "1,100,1000")]
    batch: Vec<usize>,
    /// Print JSON lines only (the default output is JSON lines anyway; kept for symmetry).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &RelabelArgs) -> Result<(), Box<dyn std::error::Error>> {
    let spec = CollectionSpec::new("relabel", 4, Metric::L2).with_shards(1);
    let mut shard = Shard::new(&spec, 0)?;
    let vector = [0.5f32; 4];
    for id in 0..args.n {
        shard.upsert_point(id, &vector, &[], &[id % 2])?;
    }
    for (pass, &batch) in (0u64..).zip(&args.batch) {
        // Each update flips a scattered point's label, so both big lists change every time.
        let records: Vec<WalRecord> = (0..args.updates)
            .map(|i| {
                let id = (i * 7919 + pass) % args.n;
                let labels = shard.labels(id).map_or(vec![0], |l| vec![1 - l[0]]);
                WalRecord::SetLabels { id, labels }
            })
            .collect();
        let started = Instant::now();
        if batch <= 1 {
            for record in &records {
                shard.apply(record)?;
            }
        } else {
            for chunk in records.chunks(batch) {
                shard.apply_all(chunk)?;
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        emit(&json!({
            "bench": "relabel", "n": args.n, "updates": args.updates, "batch": batch,
            "us_per_update": round(seconds * 1e6 / args.updates as f64, 2),
            "updates_per_s": (args.updates as f64 / seconds).round(),
        }));
    }
    Ok(())
}
