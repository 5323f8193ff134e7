//! `corevec-bench restart`: how long a node takes from start to its first answered query
//! after a clean shutdown, with the index in a snapshot and a WAL tail to replay. The index
//! must be loaded, not rebuilt: the line reports how many slots were still unindexed right
//! after the start (at most the WAL tail).

use std::path::PathBuf;
use std::time::Instant;

use corevec_engine::{
    CollectionSpec, CoreSelection, Engine, EngineConfig, IndexParams, Metric, SearchRequest,
};
use corevec_storage::{Durability, WalConfig};
use serde_json::json;

use crate::report::{emit, sched_autogroup};
use corevec_datasets::{load_texmex, Shape, Synthetic, Vectors};

/// The data set and the node of a bench on a durable engine (`restart`, `snapshot`).
#[derive(clap::Args)]
pub(crate) struct DurableNodeArgs {
    /// A TEXMEX directory (base.fvecs is used).
    #[arg(long, conflicts_with = "synthetic")]
    data: Option<PathBuf>,
    /// Seeded synthetic set instead: N,DIM,CLUSTERS,SEED (gaussian clusters, spread 0.1).
    #[arg(long, value_delimiter = ',')]
    synthetic: Option<Vec<u64>>,
    /// Where the node keeps its data (a real file system; removed first and at the end).
    #[arg(long)]
    pub(crate) data_dir: PathBuf,
    /// Distance metric.
    #[arg(long, default_value = "dot")]
    pub(crate) metric: Metric,
    /// Shards (default: one per core).
    #[arg(long, default_value_t = 0)]
    pub(crate) shards: u32,
}

impl DurableNodeArgs {
    /// The base vectors of `--data DIR` (TEXMEX) or `--synthetic N,DIM,CLUSTERS,SEED`, and a
    /// name for where they came from.
    pub(crate) fn load_base(&self) -> Result<(Vectors, String), Box<dyn std::error::Error>> {
        Ok(match (self.data.as_deref(), self.synthetic.as_deref()) {
            (Some(dir), _) => (load_texmex(dir)?.base, dir.display().to_string()),
            (None, Some(p)) if p.len() == 4 => {
                let clusters = usize::try_from(p[2])?;
                let shape = if clusters == 0 {
                    Shape::Uniform
                } else {
                    Shape::Clusters {
                        clusters,
                        spread: 0.1,
                    }
                };
                let synthetic = Synthetic {
                    normalize: self.metric != Metric::L2,
                    ..Synthetic::new(shape, usize::try_from(p[0])?, usize::try_from(p[1])?, p[3])
                };
                synthetic
                    .validate()
                    .map_err(|e| format!("--synthetic N,DIM,CLUSTERS,SEED: {e}"))?;
                (
                    synthetic.generate_sequential(),
                    format!("synthetic:{}x{}:{}clusters:seed{}", p[0], p[1], p[2], p[3]),
                )
            }
            _ => return Err("give --data DIR or --synthetic N,DIM,CLUSTERS,SEED".into()),
        })
    }
}

/// Arguments of `corevec-bench restart`.
#[derive(clap::Args)]
pub struct RestartArgs {
    #[command(flatten)]
    node: DurableNodeArgs,
    /// Vectors upserted after the snapshot, replayed from the WAL at restart.
    #[arg(long, default_value_t = 1000)]
    wal_tail: usize,
    /// HNSW m.
    #[arg(long, default_value_t = 16)]
    m: usize,
    /// HNSW ef_construction.
    #[arg(long, default_value_t = 200)]
    ef_construction: usize,
    /// Cores to run on.
    #[arg(long, default_value = "all")]
    cores: CoreSelection,
    /// JSON lines only (the output is JSON lines anyway).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &RestartArgs) -> Result<(), Box<dyn std::error::Error>> {
    let (base, source) = args.node.load_base()?;
    let n = base.rows();
    let tail = args.wal_tail.min(n);
    let _ = std::fs::remove_dir_all(&args.node.data_dir);
    let config = durable_config(&args.node.data_dir, &args.cores);
    let spec = CollectionSpec::new("restart", base.dim(), args.node.metric)
        .with_shards(args.node.shards)
        .with_index(IndexParams {
            connectivity: args.m,
            expansion_add: args.ef_construction,
        });

    let engine = Engine::start(config.clone())?;
    engine.create_collection(spec)?;
    let load = Instant::now();
    ingest(&engine, "restart", &base, 0..n - tail)?;
    engine.wait_indexed("restart")?;
    let build_s = load.elapsed().as_secs_f64();
    let snapshot = Instant::now();
    engine.snapshot(Some("restart"))?;
    let snapshot_s = snapshot.elapsed().as_secs_f64();
    ingest(&engine, "restart", &base, n - tail..n)?;
    engine.shutdown()?;

    let start = Instant::now();
    let engine = Engine::start(config)?;
    let query = base.row(0).to_vec();
    let hits = engine.search(
        "restart",
        SearchRequest {
            queries: query,
            k: 10,
            ef: 64,
            exact: false,
            filter: None,
            max_distance: None,
        },
    )?;
    let first_query_s = start.elapsed().as_secs_f64();
    let info = engine.describe("restart")?;
    let unindexed: u64 = info.shards.iter().map(|s| s.unindexed).sum();
    emit(&json!({
        "bench": "restart", "source": source, "n": n, "dim": base.dim(), "shards": info.spec.shards,
        "sched_autogroup": sched_autogroup(),
        "wal_tail": tail, "build_s": build_s, "snapshot_s": snapshot_s,
        "restart_to_first_query_s": first_query_s, "unindexed_after_start": unindexed,
        "vectors_after_start": info.vectors(), "first_query_hits": hits[0].len(),
    }));
    engine.shutdown()?;
    let _ = std::fs::remove_dir_all(&args.node.data_dir);
    Ok(())
}

/// A durable engine on `cores` with its data in `data_dir`: `sync` WAL, no automatic
/// snapshots (the benches take them when they mean to).
pub(crate) fn durable_config(data_dir: &std::path::Path, cores: &CoreSelection) -> EngineConfig {
    EngineConfig {
        cores: cores.clone(),
        data_dir: Some(data_dir.to_path_buf()),
        wal: WalConfig {
            durability: Durability::Sync,
            ..WalConfig::default()
        },
        snapshot_wal_bytes: u64::MAX,
        ..EngineConfig::default()
    }
}

/// Upserts `rows` of `base` into `collection` (id = row), in batches of 1,024.
pub(crate) fn ingest(
    engine: &Engine,
    collection: &str,
    base: &Vectors,
    rows: std::ops::Range<usize>,
) -> Result<(), Box<dyn std::error::Error>> {
    const BATCH: usize = 1024;
    let mut start = rows.start;
    while start < rows.end {
        let end = (start + BATCH).min(rows.end);
        let ids: Vec<u64> = (start as u64..end as u64).collect();
        engine.upsert(collection, &ids, base.rows_slice(start, end))?;
        start = end;
    }
    Ok(())
}
