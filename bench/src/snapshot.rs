//! `corevec-bench snapshot`: how long a core stops answering while one of its shards is
//! snapshotted, and first while the data set is ingested (`"phase":"ingest"`). A probe thread
//! per core sends an empty request to its core in a loop (one mesh-free round trip: flume in,
//! the core's executor, flume out) and records each round trip; the same probes run for a
//! quiet window first, then while `SNAPSHOT` encodes and writes every shard. The longest probe
//! is how long a core was unavailable. Each round also times one snapshot with no probes
//! running (`idle_snapshot_s`): under the probes the snapshot is background work and gets the
//! share of the core background work gets.
//!
//! The probes ping-pong with the executors on the same CPUs. With the kernel's autogroup
//! scheduling on (`"sched_autogroup":true` in the output) that starves the per-CPU worker that
//! completes O_DSYNC and unwritten-extent writes, and WAL and snapshot writes then wait for
//! seconds (bench/RESULTS.md, "Seconds-long stalls under in-process probes"); compare runs
//! with the same setting.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use corevec_engine::{CollectionSpec, CoreSelection, Engine, IndexParams};
use serde_json::json;

use crate::report::{emit, round, sched_autogroup, Latencies};
use crate::restart::{durable_config, ingest, DurableNodeArgs};

/// Arguments of `corevec-bench snapshot`.
#[derive(clap::Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    node: DurableNodeArgs,
    /// Wait for the index before snapshotting (the graph is then part of the snapshot).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    indexed: bool,
    /// HNSW m.
    #[arg(long, default_value_t = 16)]
    m: usize,
    /// HNSW ef_construction.
    #[arg(long, default_value_t = 200)]
    ef_construction: usize,
    /// Snapshots taken (one JSON line each). Each rewrites the whole collection: a record
    /// is upserted again before each so that the snapshot is not a no-op.
    #[arg(long, default_value_t = 3)]
    reps: usize,
    /// Cores to run on.
    #[arg(long, default_value = "all")]
    cores: CoreSelection,
    /// JSON lines only (the output is JSON lines anyway).
    #[arg(long)]
    json: bool,
}

const COLLECTION: &str = "snapshot";
/// How long the probes run before the snapshot, for the quiet baseline.
const QUIET: Duration = Duration::from_millis(500);

pub fn run(args: &SnapshotArgs) -> Result<(), Box<dyn std::error::Error>> {
    let (base, source) = args.node.load_base()?;
    let n = base.rows();
    let _ = std::fs::remove_dir_all(&args.node.data_dir);
    let engine = Engine::start(durable_config(&args.node.data_dir, &args.cores))?;
    let spec = CollectionSpec::new(COLLECTION, base.dim(), args.node.metric)
        .with_shards(args.node.shards)
        .with_index(IndexParams {
            connectivity: args.m,
            expansion_add: args.ef_construction,
        });
    engine.create_collection(spec)?;
    // The load is probed too: how long a core stops answering while it takes writes.
    let (_, loading, ingest_s) = probe_around(&engine, || {
        std::thread::sleep(QUIET);
        let started = Instant::now();
        ingest(&engine, COLLECTION, &base, 0..n)?;
        Ok(started.elapsed())
    })?;
    emit(&json!({
        "bench": "snapshot", "phase": "ingest", "source": source, "n": n, "dim": base.dim(),
        "sched_autogroup": sched_autogroup(),
        "ingest_s": round(ingest_s.as_secs_f64(), 2),
        "during_probes": loading.count(),
        "during_p50_us": round(loading.p50_us(), 1),
        "during_p99_us": round(loading.p99_us(), 1),
        "during_max_us": round(loading.quantile_us(1.0), 1),
    }));
    let index_wait = Instant::now();
    if args.indexed {
        engine.wait_indexed(COLLECTION)?;
    }
    let load_s = ingest_s.as_secs_f64() + index_wait.elapsed().as_secs_f64();
    let info = engine.describe(COLLECTION)?;
    let unindexed: u64 = info.shards.iter().map(|s| s.unindexed).sum();
    for rep in 0..args.reps {
        // A fresh record before each snapshot, so that it has an LSN of its own to write.
        // First alone (how long a snapshot takes on idle cores), then under the probes.
        ingest(&engine, COLLECTION, &base, 0..1)?;
        let started = Instant::now();
        engine.snapshot(Some(COLLECTION))?;
        let idle_s = started.elapsed().as_secs_f64();
        ingest(&engine, COLLECTION, &base, 0..1)?;
        let (quiet, during, snapshot_s) = probe_around(&engine, || {
            std::thread::sleep(QUIET);
            let started = Instant::now();
            engine.snapshot(Some(COLLECTION))?;
            Ok(started.elapsed())
        })?;
        emit(&json!({
            "bench": "snapshot", "phase": "snapshot", "source": source, "n": n,
            "dim": base.dim(), "shards": info.spec.shards, "cores": engine.cores(), "rep": rep,
            "sched_autogroup": sched_autogroup(),
            "load_s": round(load_s, 2), "unindexed": unindexed,
            "idle_snapshot_s": round(idle_s, 3),
            "probed_snapshot_s": round(snapshot_s.as_secs_f64(), 3),
            "quiet_probes": quiet.count(),
            "quiet_p99_us": round(quiet.p99_us(), 1),
            "quiet_max_us": round(quiet.quantile_us(1.0), 1),
            "during_probes": during.count(),
            "during_p50_us": round(during.p50_us(), 1),
            "during_p99_us": round(during.p99_us(), 1),
            "during_max_us": round(during.quantile_us(1.0), 1),
        }));
    }
    engine.shutdown()?;
    let _ = std::fs::remove_dir_all(&args.node.data_dir);
    Ok(())
}

/// Runs `work` (which sleeps through the quiet window first) while one probe thread per
/// core times empty round trips to its core; returns the probes before and after the quiet
/// window, and what `work` returned.
fn probe_around(
    engine: &Engine,
    work: impl FnOnce() -> Result<Duration, Box<dyn std::error::Error>>,
) -> Result<(Latencies, Latencies, Duration), Box<dyn std::error::Error>> {
    let stop = AtomicBool::new(false);
    let started = Instant::now();
    std::thread::scope(|scope| {
        let probes: Vec<_> = (0..engine.cores())
            .map(|core| {
                let stop = &stop;
                scope.spawn(move || -> Result<(Latencies, Latencies), String> {
                    let (mut quiet, mut during) = (Latencies::new(), Latencies::new());
                    while !stop.load(Ordering::Relaxed) {
                        let sent = Instant::now();
                        engine
                            .call_on(core, |_| async { Ok(()) })
                            .map_err(|e| e.to_string())?;
                        if sent.duration_since(started) < QUIET {
                            quiet.record(sent.elapsed());
                        } else {
                            during.record(sent.elapsed());
                        }
                    }
                    Ok((quiet, during))
                })
            })
            .collect();
        let worked = work();
        stop.store(true, Ordering::Relaxed);
        let (mut quiet, mut during) = (Latencies::new(), Latencies::new());
        for probe in probes {
            let (q, d) = probe.join().map_err(|_| "a probe panicked")??;
            quiet.merge(&q);
            during.merge(&d);
        }
        Ok((quiet, during, worked?))
    })
}
