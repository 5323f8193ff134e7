//! `corevec-bench wal`: WAL append throughput with group commit, next to the raw sequential
//! O_DIRECT write bandwidth of the same disk measured in the same run (1 MiB aligned writes,
//! `fdatasync` after each) — the ceiling group commit is compared with.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use corevec_engine::rt;
use corevec_storage::{
    Directory, DmaDirectory, Durability, File, ShardStore, WalConfig, WalRecord,
};
use serde_json::json;

use crate::report::{emit, Latencies};

/// Arguments of `corevec-bench wal`.
#[derive(clap::Args)]
pub struct WalArgs {
    /// Directory on the disk to measure (O_DIRECT: not tmpfs). Files are removed afterwards.
    #[arg(long)]
    dir: PathBuf,
    /// Payload bytes per record (a vector of record_bytes / 4 floats).
    #[arg(long, default_value_t = 1536)]
    record_bytes: usize,
    /// Concurrent appending tasks, comma-separated (each value is measured).
    #[arg(long, value_delimiter = ',', default_value = "1,8,64")]
    writers: Vec<usize>,
    /// Durability mode: sync, interval=MS or none.
    #[arg(long, default_value = "sync")]
    mode: Durability,
    /// Seconds per writer count.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Do not prepare the next WAL segment in the background (the engine always does):
    /// rotation then zero-fills the new segment while every writer waits.
    #[arg(long)]
    no_prepare: bool,
    /// In `sync` mode, acknowledge after a separate `fdatasync` per group instead of writing
    /// through (O_DSYNC segments, the default; `WalConfig::write_through`).
    #[arg(long)]
    no_write_through: bool,
    /// Group writes the WAL keeps in flight (`WalConfig::writes_in_flight`; 1 = serial).
    #[arg(long, default_value_t = corevec_storage::WAL_WRITES_IN_FLIGHT_DEFAULT as u16,
          value_parser = clap::value_parser!(u16).range(1..=16))]
    writes_in_flight: u16,
    /// With several writes in flight, the smallest group a leader splits off
    /// (`WalConfig::group_split_bytes`).
    #[arg(long, default_value_t = corevec_storage::WAL_GROUP_SPLIT_BYTES_DEFAULT)]
    group_split_bytes: usize,
    /// CPU to run the executor on.
    #[arg(long, default_value_t = 0)]
    cpu: usize,
    /// JSON lines only (the output is JSON lines anyway).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &WalArgs) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(&args.dir)?;
    let (dir, record_bytes, writers, prepare) = (
        args.dir.clone(),
        args.record_bytes,
        args.writers.clone(),
        !args.no_prepare,
    );
    let config = WalConfig {
        durability: args.mode,
        write_through: !args.no_write_through,
        writes_in_flight: usize::from(args.writes_in_flight),
        group_split_bytes: args.group_split_bytes,
        ..WalConfig::default()
    };
    let duration = Duration::from_secs_f64(args.seconds);
    let outcome = rt::start_pinned("corevec-walbench", args.cpu, move || async move {
        let raw = raw_bandwidth(&dir, duration).await?;
        for w in writers {
            let shard_dir = dir.join(format!("wal-bench-{w}"));
            let line = append_load(&shard_dir, record_bytes, config, w, duration, prepare).await;
            let _ = std::fs::remove_dir_all(&shard_dir);
            let (records_per_s, latencies, stats) = line?;
            emit(&json!({
                "bench": "wal", "writers": w, "mode": config.durability.to_string(),
                "write_through": config.write_through, "record_bytes": record_bytes,
                "writes_in_flight": config.writes_in_flight,
                "group_split_bytes": config.group_split_bytes,
                "groups_overlapped": stats.groups_overlapped,
                "records_per_s": records_per_s,
                "mb_per_s": records_per_s * record_bytes as f64 / 1e6,
                "p50_us": latencies.quantile_us(0.5), "p99_us": latencies.quantile_us(0.99),
                "p999_us": latencies.quantile_us(0.999), "max_us": latencies.quantile_us(1.0),
                "prepare_segments": prepare, "segments_created": stats.segments_created,
                "spares_zero_filled": stats.spares_zero_filled,
                "spares_allocated": stats.spares_allocated,
                "raw_mb_per_s": raw,
                "fsyncs": stats.fsyncs_count,
                "avg_group_records": stats.group_records_sum as f64 / stats.groups_count.max(1) as f64,
            }));
        }
        Ok::<(), String>(())
    })?
    .join()
    .map_err(|e| format!("bench executor: {e}"))?;
    outcome.map_err(Into::into)
}

/// Sequential 1 MiB O_DIRECT writes with `fdatasync` after each, through the same file layer
/// the WAL uses; MB/s.
async fn raw_bandwidth(dir: &std::path::Path, duration: Duration) -> Result<f64, String> {
    const CHUNK: usize = 1 << 20;
    const FILE_BYTES: u64 = 1 << 30;
    let directory = DmaDirectory::open(dir).await.map_err(|e| e.to_string())?;
    let file = directory
        .create_file("raw-bandwidth.bench")
        .await
        .map_err(|e| e.to_string())?;
    file.allocate(FILE_BYTES).await.map_err(|e| e.to_string())?;
    let chunk = vec![0x5Au8; CHUNK];
    let (start, mut offset) = (Instant::now(), 0u64);
    while start.elapsed() < duration && offset < FILE_BYTES {
        file.write_at(offset, &chunk)
            .await
            .map_err(|e| e.to_string())?;
        file.sync().await.map_err(|e| e.to_string())?;
        offset += CHUNK as u64;
    }
    let seconds = start.elapsed().as_secs_f64();
    file.close().await.map_err(|e| e.to_string())?;
    directory
        .remove_file("raw-bandwidth.bench")
        .await
        .map_err(|e| e.to_string())?;
    Ok(offset as f64 / seconds / 1e6)
}

/// `writers` tasks appending one record each at a time for `duration`; records/s and the
/// per-append latency (until durable in `sync` mode).
async fn append_load(
    dir: &std::path::Path,
    record_bytes: usize,
    config: WalConfig,
    writers: usize,
    duration: Duration,
    prepare: bool,
) -> Result<(f64, Latencies, corevec_storage::WalStats), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let (store, _) = ShardStore::open_dir(dir, config)
        .await
        .map_err(|e| e.to_string())?;
    let store = Rc::new(store);
    let latencies = Rc::new(RefCell::new(Latencies::new()));
    let vector = vec![0.25f32; (record_bytes / 4).max(1)];
    // Writers run where the engine runs requests: the foreground task queue.
    let queues = rt::TaskQueues::create();
    let start = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            let (store, latencies, vector) =
                (Rc::clone(&store), Rc::clone(&latencies), vector.clone());
            rt::spawn_task_into(queues.foreground, async move {
                let mut id = (w as u64) << 40;
                let mut count = 0u64;
                while start.elapsed() < duration {
                    let record = [WalRecord::Upsert {
                        id,
                        vector: vector.clone(),
                        payload: Vec::new(),
                        labels: Vec::new(),
                    }];
                    let t = Instant::now();
                    store.append(&record).await.map_err(|e| e.to_string())?;
                    latencies.borrow_mut().record(t.elapsed());
                    id += 1;
                    count += 1;
                }
                Ok::<u64, String>(count)
            })
        })
        .collect();
    // The engine's segment preparer, as in production (see `LocalEngine`).
    let preparer = {
        let store = Rc::clone(&store);
        rt::spawn(async move {
            while prepare && start.elapsed() < duration {
                rt::sleep(corevec_engine::local::WAL_SPARE_POLL).await;
                if store.wants_next_segment() {
                    store
                        .prepare_next_segment()
                        .await
                        .map_err(|e| e.to_string())?;
                }
            }
            Ok::<(), String>(())
        })
    };
    let mut records = 0;
    for task in tasks {
        records += task.await?;
    }
    let seconds = start.elapsed().as_secs_f64();
    preparer.await?;
    let stats = store.stats();
    let store = Rc::try_unwrap(store).map_err(|_| "store still shared".to_string())?;
    store.close().await.map_err(|e| e.to_string())?;
    let latencies = Rc::try_unwrap(latencies)
        .map_err(|_| "latencies still shared".to_string())?
        .into_inner();
    Ok((records as f64 / seconds, latencies, stats))
}
