//! `corevec-bench index`: HNSW build and search, one JSON line per (shards, ef[, deleted
//! fraction]).
//!
//! - `shards = 1`: the library level ([`corevec_engine::hnsw::Hnsw`] over a
//!   [`corevec_engine::vectors::Vectors`] arena), built on one thread and searched one query
//!   at a time on one thread, as `bench/peers/ann_peers.py` measures hnswlib, usearch and
//!   faiss (`"mode":"library"`).
//! - `shards > 1`: the multi-core [`corevec_engine::Engine`] (upsert, `wait_indexed`, then
//!   searches from one client thread per core, client c sending to core c mod cores,
//!   `"mode":"engine"`). Every engine setup of a run is built first, then they are measured
//!   in turn, one pass each per round, so that the machine's drifts touch them alike. With `--engine-batch B`,
//!   each request carries B queries: `qps` counts queries, `p50_us` / `p99_us` are the latency
//!   of a whole request (`"latency":"request"` in the line), not a per-query share of it.
//!   `--read-replicas false,true` runs each engine shard count without and with read
//!   replicas (`"read_replicas"` in the line; `"copies"` is how many copies of each shard
//!   the node holds, so its memory is `index_bytes × copies`).
//!
//! Data: a TEXMEX directory (`--data DIR`: base.fvecs, query.fvecs, groundtruth.ivecs) or
//! `--synthetic N,DIM,CLUSTERS,SEED` (ground truth by brute force over the queries, on all
//! cores). A groundtruth.ivecs is checked against `--metric` first: the exact top-k of the
//! first 10 queries under that metric must be at least 90% in the file's, else the run stops
//! with an error naming `--metric` (a file computed for another metric). `--delete-fraction 0.1,0.5` adds lines with that fraction of the base tombstoned
//! (seeded choice), recall measured against the exact top-k of the surviving points;
//! `--compact` adds the same after rebuilding the graph from the survivors (compaction).

use std::path::PathBuf;
use std::time::Instant;

use corevec_datasets::{load_texmex, write_fvecs, write_ivecs, Matrix, Shape, Synthetic};
use corevec_engine::distance::Metric;
use corevec_engine::hnsw::{Hnsw, HnswConfig, VisitedSet};
use corevec_engine::vectors::Vectors;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde_json::json;

use crate::report::{print_json, round, Latencies};
use crate::truth::{ground_truth, recall};

/// Arguments of `corevec-bench index`.
#[derive(clap::Args)]
pub struct IndexArgs {
    /// TEXMEX directory with base.fvecs, query.fvecs and (optionally) groundtruth.ivecs.
    #[arg(long, required_unless_present = "synthetic")]
    data: Option<PathBuf>,
    /// Generate the base instead: `N,DIM,CLUSTERS,SEED` (CLUSTERS 0 = uniform).
    #[arg(long, conflicts_with = "data")]
    synthetic: Option<String>,
    /// Queries to generate with `--synthetic` (drawn from the same distribution).
    #[arg(long, default_value_t = 1000)]
    queries: usize,
    /// Cluster spread (per-component standard deviation) of `--synthetic`.
    #[arg(long, default_value_t = 0.1)]
    spread: f32,
    /// L2-normalise `--synthetic` vectors.
    #[arg(long)]
    normalize: bool,
    /// Use only the first N base vectors (ground truth is then recomputed).
    #[arg(long)]
    limit: Option<usize>,
    /// Connectivity (`M`).
    #[arg(long, default_value_t = 16)]
    m: usize,
    /// Beam width while building (`ef_construction`).
    #[arg(long, default_value_t = 200)]
    ef_construction: usize,
    /// Beam widths to search with.
    #[arg(long, value_delimiter = ',', default_value = "16,32,64,128,256")]
    ef: Vec<usize>,
    /// Results per query.
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Shard counts (1 = library level, one thread; more = the multi-core engine).
    #[arg(long, value_delimiter = ',', default_value = "1")]
    shards: Vec<u32>,
    /// Metric: l2, cosine or dot.
    #[arg(long, default_value = "dot")]
    metric: Metric,
    /// Fractions of the base to tombstone for extra recall lines (library level).
    #[arg(long, value_delimiter = ',')]
    delete_fraction: Vec<f64>,
    /// With `--delete-fraction`: also rebuild the graph from the surviving vectors, as shard
    /// compaction does, and print its lines (`"compacted":true`, `compact_s`).
    #[arg(long)]
    compact: bool,
    /// Timed passes over the queries per ef; the median pass is reported.
    #[arg(long, default_value_t = 3)]
    reps: usize,
    /// Seed of the level generator and of the deletion sample.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Queries per engine request (engine mode). p50_us / p99_us are then per request (of this
    /// many queries), and qps counts queries.
    #[arg(long, default_value_t = 1)]
    engine_batch: usize,
    /// Run every shard count through the multi-core engine, 1 included (for shard-scaling
    /// comparisons); by default 1 shard is measured at the library level.
    #[arg(long)]
    engine: bool,
    /// Engine mode: without (`false`) and/or with (`true`) read replicas on every core.
    #[arg(long, value_delimiter = ',', default_value = "false")]
    read_replicas: Vec<bool>,
    /// Client threads (engine mode); 0 = one per core.
    #[arg(long, default_value_t = 0)]
    clients: usize,
    /// Also write the data used (base.fvecs, query.fvecs, groundtruth.ivecs) to this
    /// directory, e.g. to run bench/peers/ann_peers.py on a `--synthetic` set.
    #[arg(long)]
    save_data: Option<PathBuf>,
    /// JSON lines on stdout (the only output format; accepted for symmetry with the peers).
    #[arg(long)]
    json: bool,
}

struct Data {
    name: String,
    base: Matrix<f32>,
    queries: Matrix<f32>,
    /// Best-first base rows per query (at least k of them).
    truth: Vec<Vec<u32>>,
}

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn load(args: &IndexArgs) -> Result<Data, Box<dyn std::error::Error>> {
    let (name, mut base, queries, file_truth) = if let Some(dir) = &args.data {
        let texmex = load_texmex(dir)?;
        let name = dir.file_name().map_or_else(
            || dir.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        (name, texmex.base, texmex.queries, texmex.groundtruth)
    } else {
        let spec = args.synthetic.as_deref().unwrap_or_default();
        let fields: Vec<u64> = spec
            .split(',')
            .map(|f| f.trim().parse::<u64>())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("--synthetic {spec:?}: {e}"))?;
        let [count, dim, clusters, seed] = fields[..] else {
            return Err(format!("--synthetic {spec:?}: expected N,DIM,CLUSTERS,SEED").into());
        };
        if dim == 0 || count == 0 {
            return Err("--synthetic needs N > 0 and DIM > 0".into());
        }
        let shape = if clusters == 0 {
            Shape::Uniform
        } else {
            Shape::Clusters {
                clusters: clusters as usize,
                spread: args.spread,
            }
        };
        // The base then the queries, from one sequential stream (bench/RESULTS.md cites these
        // sets: keep the generator).
        let params = Synthetic {
            normalize: args.normalize,
            ..Synthetic::new(shape, count as usize + args.queries, dim as usize, seed)
        };
        params
            .validate()
            .map_err(|e| format!("--synthetic {spec:?} --spread {}: {e}", args.spread))?;
        let all = params.generate_sequential();
        let base = Matrix::new(params.dim, all.rows_slice(0, count as usize).to_vec())?;
        let queries = Matrix::new(
            params.dim,
            all.rows_slice(count as usize, all.rows()).to_vec(),
        )?;
        (
            format!("synthetic-{count}x{dim}c{clusters}s{seed}"),
            base,
            queries,
            None,
        )
    };
    let mut file_truth = file_truth;
    if let Some(limit) = args.limit {
        if limit < base.rows() {
            base.truncate(limit);
            file_truth = None;
        }
    }
    let truth = match file_truth {
        Some(gt) if gt.dim() >= args.k => {
            let truth: Vec<Vec<u32>> = gt
                .iter()
                .map(|row| row.iter().take(args.k).map(|&id| id as u32).collect())
                .collect();
            check_truth_metric(args, &base, &queries, &truth)?;
            truth
        }
        _ => {
            let started = Instant::now();
            let truth = ground_truth(&base, &queries, args.metric, args.k, &|_| false, threads());
            eprintln!(
                "ground truth by brute force: {:.1}s",
                started.elapsed().as_secs_f64()
            );
            truth
        }
    };
    Ok(Data {
        name,
        base,
        queries,
        truth,
    })
}

/// Queries [`check_truth_metric`] recomputes.
const TRUTH_CHECK_QUERIES: usize = 10;
/// Below this overlap with the exact top-k, a ground-truth file is taken to be for another
/// metric (near-ties alone do not get there).
const TRUTH_CHECK_MIN_OVERLAP: f64 = 0.9;

/// groundtruth.ivecs is used whatever `--metric` is: recompute the exact top-k of the first
/// few queries under `--metric` and refuse the file if it disagrees, so that a dot run over L2
/// truth (say) fails clearly instead of printing a meaningless recall.
fn check_truth_metric(
    args: &IndexArgs,
    base: &Matrix<f32>,
    queries: &Matrix<f32>,
    truth: &[Vec<u32>],
) -> Result<(), Box<dyn std::error::Error>> {
    let sample = queries.rows().min(TRUTH_CHECK_QUERIES);
    if sample == 0 {
        return Ok(());
    }
    let first = Matrix::new(queries.dim(), queries.rows_slice(0, sample).to_vec())?;
    let exact = ground_truth(base, &first, args.metric, args.k, &|_| false, threads());
    let Some(overlap) = recall(&truth[..sample], &exact) else {
        return Ok(());
    };
    if overlap < TRUTH_CHECK_MIN_OVERLAP {
        return Err(format!(
            "groundtruth.ivecs does not match --metric {}: for the first {sample} queries only \
             {:.0}% of the exact top-{} under {} is in the file's top-{} (expected >= {:.0}%). \
             The file was probably computed for another metric: pass the dataset's metric with \
             --metric, or remove groundtruth.ivecs to have it recomputed",
            args.metric,
            100.0 * overlap,
            args.k,
            args.metric,
            args.k,
            100.0 * TRUTH_CHECK_MIN_OVERLAP
        )
        .into());
    }
    Ok(())
}

pub(crate) struct Pass {
    pub(crate) qps: f64,
    pub(crate) latencies: Latencies,
}

/// Runs `reps` timed passes (after one warm-up pass) of `one(query_index)` and keeps the
/// median pass by QPS.
pub(crate) fn timed_passes(queries: usize, reps: usize, mut one: impl FnMut(usize)) -> Pass {
    for q in 0..queries {
        one(q);
    }
    let mut passes: Vec<Pass> = (0..reps.max(1))
        .map(|_| {
            let mut latencies = Latencies::new();
            let started = Instant::now();
            for q in 0..queries {
                let t = Instant::now();
                one(q);
                latencies.record(t.elapsed());
            }
            let qps = queries as f64 / started.elapsed().as_secs_f64();
            Pass { qps, latencies }
        })
        .collect();
    passes.sort_by(|a, b| a.qps.total_cmp(&b.qps));
    let middle = passes.len() / 2;
    passes.swap_remove(middle)
}

pub fn run(args: &IndexArgs) -> Result<(), Box<dyn std::error::Error>> {
    if args.k == 0 || args.ef.is_empty() || args.shards.is_empty() {
        return Err("--k, --ef and --shards must be non-empty and positive".into());
    }
    let data = load(args)?;
    if let Some(dir) = &args.save_data {
        std::fs::create_dir_all(dir)?;
        write_fvecs(&dir.join("base.fvecs"), &data.base)?;
        write_fvecs(&dir.join("query.fvecs"), &data.queries)?;
        let truth = Matrix::new(
            args.k,
            data.truth
                .iter()
                .flat_map(|row| row.iter().map(|&id| id as i32))
                .collect(),
        )?;
        write_ivecs(&dir.join("groundtruth.ivecs"), &truth)?;
        eprintln!("data written to {}", dir.display());
    }
    eprintln!(
        "dataset {}: {} x {} base, {} queries, metric {}",
        data.name,
        data.base.rows(),
        data.base.dim(),
        data.queries.rows(),
        args.metric
    );
    let mut engine_setups = Vec::new();
    for &shards in &args.shards {
        if shards <= 1 && !args.engine {
            run_library(args, &data)?;
        } else {
            for &read_replicas in &args.read_replicas {
                engine_setups.push((shards, read_replicas));
            }
        }
    }
    if !engine_setups.is_empty() {
        run_engines(args, &data, &engine_setups)?;
    }
    Ok(())
}

fn common(args: &IndexArgs, data: &Data) -> serde_json::Map<String, serde_json::Value> {
    let value = json!({
        "bench": "index",
        "engine": "corevec",
        "dataset": data.name,
        "n": data.base.rows(),
        "dim": data.base.dim(),
        "queries": data.queries.rows(),
        "metric": args.metric.as_str(),
        "m": args.m,
        "ef_construction": args.ef_construction,
        "k": args.k,
        "threads": 1,
    });
    match value {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("json! of an object literal is an object"),
    }
}

fn run_library(args: &IndexArgs, data: &Data) -> Result<(), Box<dyn std::error::Error>> {
    let n = data.base.rows();
    let config = HnswConfig {
        connectivity: args.m,
        expansion_add: args.ef_construction,
        seed: args.seed,
    };
    let started = Instant::now();
    let (vectors, hnsw, mut visited) =
        build_graph(data.base.dim(), n, data.base.iter(), config, args.metric)?;
    let build = started.elapsed();
    let invariants = hnsw.check_invariants();
    if let Err(e) = &invariants {
        eprintln!("graph invariant violated: {e}");
    }
    let graph_bytes = hnsw.memory_bytes();
    let vector_bytes = vectors.mapped_bytes();
    eprintln!(
        "built {n} in {:.2}s ({:.0} v/s), graph {:.1} MB, vectors {:.1} MB",
        build.as_secs_f64(),
        n as f64 / build.as_secs_f64(),
        graph_bytes as f64 / 1e6,
        vector_bytes as f64 / 1e6
    );

    let mut fractions = vec![0.0];
    fractions.extend(
        args.delete_fraction
            .iter()
            .copied()
            .filter(|f| *f > 0.0 && *f < 1.0),
    );
    for fraction in fractions {
        let mut deleted = vec![false; n];
        let truth = if fraction == 0.0 {
            data.truth.clone()
        } else {
            let mut slots: Vec<u32> = (0..n as u32).collect();
            slots.shuffle(&mut rand::rngs::StdRng::seed_from_u64(
                args.seed ^ fraction.to_bits(),
            ));
            for &slot in &slots[..(n as f64 * fraction).round() as usize] {
                deleted[slot as usize] = true;
            }
            let skip = |slot: u32| deleted[slot as usize];
            ground_truth(
                &data.base,
                &data.queries,
                args.metric,
                args.k,
                &skip,
                threads(),
            )
        };
        let graph = Graph {
            hnsw: &hnsw,
            vectors: &vectors,
            row_of: None,
        };
        let skip = |slot: u32| deleted[slot as usize];
        let build_fields = json!({
            "deleted_fraction": fraction,
            "build_s": round(build.as_secs_f64(), 3),
            "build_vps": round(n as f64 / build.as_secs_f64(), 1),
            "invariants_ok": invariants.is_ok(),
        });
        search_lines(
            args,
            data,
            &graph,
            &skip,
            &truth,
            &mut visited,
            &build_fields,
        );
        if args.compact && fraction > 0.0 {
            // What `Shard::begin_compaction` builds: the live slots, in slot order, copied
            // into a new arena and indexed with the same parameters.
            let started = Instant::now();
            let live: Vec<u32> = (0..n as u32).filter(|&slot| !skip(slot)).collect();
            let rows = live.iter().map(|&slot| vectors.get(slot));
            let (compacted, index, mut compact_visited) =
                build_graph(data.base.dim(), live.len(), rows, config, args.metric)?;
            let compact_s = started.elapsed().as_secs_f64();
            let graph = Graph {
                hnsw: &index,
                vectors: &compacted,
                row_of: Some(&live),
            };
            let fields = json!({
                "deleted_fraction": fraction,
                "compacted": true,
                "compact_s": round(compact_s, 3),
                "compact_vps": round(live.len() as f64 / compact_s, 1),
                "invariants_ok": index.check_invariants().is_ok(),
            });
            search_lines(
                args,
                data,
                &graph,
                &|_| false,
                &truth,
                &mut compact_visited,
                &fields,
            );
        }
    }
    Ok(())
}

/// An arena holding `rows` (`n` of them, in order) and a graph over all of them, built on
/// one thread; with the visited set sized for searching it. Rows are stored and compared as a
/// shard does ([`Metric::stored`], [`Metric::kernel`]): cosine as unit vectors, by dot.
fn build_graph<'a>(
    dim: usize,
    n: usize,
    rows: impl Iterator<Item = &'a [f32]>,
    config: HnswConfig,
    metric: Metric,
) -> std::io::Result<(Vectors, Hnsw, VisitedSet)> {
    let mut vectors = Vectors::with_capacity(dim, n)?;
    for row in rows {
        vectors.push(&metric.stored(row))?;
    }
    let mut hnsw = Hnsw::new(config, metric.kernel());
    hnsw.reserve(vectors.len());
    let mut visited = VisitedSet::with_capacity(vectors.len());
    for _ in 0..vectors.len() {
        hnsw.insert(&vectors, &mut visited);
    }
    Ok((vectors, hnsw, visited))
}

/// A graph to search: `row_of[slot]` is the base row a slot holds (`None`: slot = row).
struct Graph<'a> {
    hnsw: &'a Hnsw,
    vectors: &'a Vectors,
    row_of: Option<&'a [u32]>,
}

/// One JSON line per `--ef`: recall against `truth`, QPS and latency of one-query-at-a-time
/// searches on one thread, skipping the slots `skip` names; `fields` are added to each line.
fn search_lines(
    args: &IndexArgs,
    data: &Data,
    graph: &Graph<'_>,
    skip: &dyn Fn(u32) -> bool,
    truth: &[Vec<u32>],
    visited: &mut VisitedSet,
    fields: &serde_json::Value,
) {
    let graph_bytes = graph.hnsw.memory_bytes();
    let vector_bytes = graph.vectors.mapped_bytes();
    for &ef in &args.ef {
        let mut found = vec![Vec::new(); data.queries.rows()];
        let mut out = Vec::with_capacity(ef.max(args.k));
        let pass = timed_passes(data.queries.rows(), args.reps, |q| {
            graph.hnsw.search(
                graph.vectors,
                &args.metric.stored(data.queries.row(q)),
                args.k,
                ef,
                visited,
                skip,
                &mut out,
            );
            if found[q].is_empty() {
                found[q] = out
                    .iter()
                    .map(|&(_, slot)| graph.row_of.map_or(slot, |rows| rows[slot as usize]))
                    .collect();
            }
        });
        let mut line = common(args, data);
        line.extend(
            json!({
                "mode": "library",
                "shards": 1,
                "ef": ef,
                format!("recall_at_{}", args.k): recall(&found, truth).map(|r| round(r, 4)),
                "qps": round(pass.qps, 1),
                "p50_us": round(pass.latencies.p50_us(), 1),
                "p99_us": round(pass.latencies.p99_us(), 1),
                "index_bytes": graph_bytes + vector_bytes,
                "graph_bytes": graph_bytes,
                "vector_bytes": vector_bytes,
            })
            .as_object()
            .cloned()
            .unwrap_or_default(),
        );
        if let Some(extra) = fields.as_object() {
            line.extend(extra.clone());
        }
        print_json(&serde_json::Value::Object(line));
    }
}

/// Client `client` of `clients`: the requests of `batch` queries it owns (every `clients`-th
/// one), each sent with `search` and timed whole. One latency per request: with `batch` > 1
/// it is the latency of a request of `batch` queries, not a per-query share of it.
fn client_requests<T>(
    nq: usize,
    batch: usize,
    client: usize,
    clients: usize,
    search: &dyn Fn(std::ops::Range<usize>) -> Result<T, String>,
) -> Result<Latencies, String> {
    let mut latencies = Latencies::new();
    let mut start = client * batch;
    while start < nq {
        let end = (start + batch).min(nq);
        let t = Instant::now();
        search(start..end)?;
        latencies.record(t.elapsed());
        start += clients * batch;
    }
    Ok(latencies)
}

/// One engine of [`run_engines`], built and indexed.
struct BuiltEngine {
    engine: corevec_engine::Engine,
    name: String,
    shards: u32,
    read_replicas: bool,
    build: std::time::Duration,
    index_bytes: u64,
}

/// Starts an engine holding `data.base` in a collection of `shards` shards (with read
/// replicas or not) and waits until it is indexed.
fn build_engine(
    args: &IndexArgs,
    data: &Data,
    shards: u32,
    read_replicas: bool,
) -> Result<BuiltEngine, Box<dyn std::error::Error>> {
    use corevec_engine::collection::IndexParams;
    use corevec_engine::{CollectionSpec, Engine, EngineConfig};

    let n = data.base.rows();
    let engine = Engine::start(EngineConfig::default())?;
    let name = format!("bench_index_{shards}");
    let spec = CollectionSpec::new(name.clone(), data.base.dim(), args.metric)
        .with_shards(shards)
        .with_read_replicas(read_replicas)
        .with_index(IndexParams {
            connectivity: args.m,
            expansion_add: args.ef_construction,
        });
    engine.create_collection(spec)?;
    let started = Instant::now();
    const UPSERT_BATCH: usize = 1_000;
    for start in (0..n).step_by(UPSERT_BATCH) {
        let end = (start + UPSERT_BATCH).min(n);
        let ids: Vec<u64> = (start as u64..end as u64).collect();
        engine.upsert(&name, &ids, data.base.rows_slice(start, end))?;
    }
    engine.wait_indexed(&name)?;
    let build = started.elapsed();
    let index_bytes = engine.describe(&name)?.bytes();
    eprintln!(
        "engine: {shards} shards on {} cores (read replicas: {read_replicas}), built in {:.2}s",
        engine.cores(),
        build.as_secs_f64()
    );
    Ok(BuiltEngine {
        engine,
        name,
        shards,
        read_replicas,
        build,
        index_bytes,
    })
}

/// Engine mode: builds one engine per `(shards, read_replicas)` setup, then for each ef
/// measures them in turn, one pass each per round, so that the machine's drifts touch every
/// setup alike (the median pass of each is reported).
fn run_engines(
    args: &IndexArgs,
    data: &Data,
    setups: &[(u32, bool)],
) -> Result<(), Box<dyn std::error::Error>> {
    use corevec_engine::SearchRequest;

    let mut built = Vec::new();
    for &(shards, read_replicas) in setups {
        built.push(build_engine(args, data, shards, read_replicas)?);
    }
    let batch = args.engine_batch.max(1);
    let nq = data.queries.rows();
    for &ef in &args.ef {
        // Sent to `core`, as a connection accepted there sends its requests (the server
        // spreads connections over the cores): client c uses core c mod cores.
        let search_on = |b: &BuiltEngine,
                         core: usize,
                         range: std::ops::Range<usize>|
         -> Result<Vec<Vec<u32>>, String> {
            let request = SearchRequest {
                queries: data.queries.rows_slice(range.start, range.end).to_vec(),
                k: args.k,
                ef,
                exact: false,
                filter: None,
                max_distance: None,
            };
            let name = b.name.clone();
            let results = b
                .engine
                .call_on(core, move |local| async move {
                    local.search(&name, request).await
                })
                .map_err(|e| e.to_string())?;
            Ok(results
                .iter()
                .map(|r| r.iter().map(|hit| hit.id as u32).collect())
                .collect())
        };
        // Warm-up, and the results for recall.
        let mut found = Vec::new();
        for b in &built {
            let mut hits_of = vec![Vec::new(); nq];
            for start in (0..nq).step_by(batch) {
                let end = (start + batch).min(nq);
                let core = (start / batch) % b.engine.cores();
                for (q, hits) in (start..end).zip(search_on(b, core, start..end)?) {
                    hits_of[q] = hits;
                }
            }
            found.push(hits_of);
        }
        let clients_of = |b: &BuiltEngine| {
            if args.clients == 0 {
                b.engine.cores()
            } else {
                args.clients
            }
        };
        let mut passes: Vec<Vec<(f64, Latencies)>> = built.iter().map(|_| Vec::new()).collect();
        for _ in 0..args.reps.max(1) {
            for (b, passes) in built.iter().zip(&mut passes) {
                let clients = clients_of(b);
                let started = Instant::now();
                let per_client: Vec<Result<Latencies, String>> = std::thread::scope(|scope| {
                    let handles: Vec<_> = (0..clients)
                        .map(|c| {
                            let search_on = &search_on;
                            let core = c % b.engine.cores();
                            let search_range = move |range| search_on(b, core, range);
                            scope.spawn(move || {
                                client_requests(nq, batch, c, clients, &search_range)
                            })
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().unwrap_or_else(|_| Err("client panicked".into())))
                        .collect()
                });
                let qps = nq as f64 / started.elapsed().as_secs_f64();
                let mut all = Latencies::new();
                for latencies in per_client {
                    all.merge(&latencies?);
                }
                passes.push((qps, all));
            }
        }
        for ((b, mut passes), found) in built.iter().zip(passes).zip(&found) {
            passes.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (qps, latencies) = passes.swap_remove(passes.len() / 2);
            let n = data.base.rows();
            let mut line = common(args, data);
            line.extend(
                json!({
                    "mode": "engine",
                    "latency": "request",
                    "shards": b.shards,
                    "read_replicas": b.read_replicas,
                    "copies": if b.read_replicas { b.engine.cores() } else { 1 },
                    "threads": b.engine.cores(),
                    "clients": clients_of(b),
                    "batch": batch,
                    "ef": ef,
                    "deleted_fraction": 0.0,
                    "build_s": round(b.build.as_secs_f64(), 3),
                    "build_vps": round(n as f64 / b.build.as_secs_f64(), 1),
                    format!("recall_at_{}", args.k): recall(found, &data.truth).map(|r| round(r, 4)),
                    "qps": round(qps, 1),
                    "p50_us": round(latencies.p50_us(), 1),
                    "p99_us": round(latencies.p99_us(), 1),
                    "index_bytes": b.index_bytes,
                })
                .as_object()
                .cloned()
                .unwrap_or_default(),
            );
            print_json(&serde_json::Value::Object(line));
        }
    }
    for b in built {
        b.engine.shutdown()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use corevec_datasets::{Shape, Synthetic};

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: IndexArgs,
    }

    fn texmex_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("corevec-bench-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let base = Synthetic::new(Shape::Uniform, 500, 8, 1).generate_sequential();
        let queries = Synthetic::new(Shape::Uniform, 20, 8, 2).generate_sequential();
        // L2 ground truth, as the TEXMEX sets ship it.
        let truth = ground_truth(&base, &queries, Metric::L2, 10, &|_| false, 2);
        let ids: Vec<i32> = truth.iter().flatten().map(|&r| r as i32).collect();
        write_fvecs(&dir.join("base.fvecs"), &base).expect("base");
        write_fvecs(&dir.join("query.fvecs"), &queries).expect("queries");
        write_ivecs(
            &dir.join("groundtruth.ivecs"),
            &Matrix::new(10, ids).expect("ids"),
        )
        .expect("truth");
        dir
    }

    fn load_with(dir: &std::path::Path, metric: &str) -> Result<Data, String> {
        let dir = dir.to_str().expect("utf-8 path");
        let cli = Cli::try_parse_from(["index", "--data", dir, "--metric", metric, "--k", "10"])
            .expect("arguments");
        load(&cli.args).map_err(|e| e.to_string())
    }

    #[test]
    fn engine_latency_is_per_request_not_divided_by_the_batch() {
        // 10 queries in requests of 4, 4 and 2, one client; each request takes 20 ms.
        let calls = std::sync::atomic::AtomicUsize::new(0);
        let search = |range: std::ops::Range<usize>| -> Result<(), String> {
            calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            assert!(range.len() <= 4);
            std::thread::sleep(std::time::Duration::from_millis(20));
            Ok(())
        };
        let latencies = client_requests(10, 4, 0, 1, &search).expect("requests");
        assert_eq!(calls.into_inner(), 3);
        assert_eq!(latencies.count(), 3, "one latency per request");
        assert!(
            latencies.p50_us() >= 20_000.0,
            "a 20 ms request recorded as {} µs",
            latencies.p50_us()
        );
    }

    #[test]
    fn ground_truth_for_another_metric_is_refused() {
        let dir = texmex_dir("truth-metric");
        let data = load_with(&dir, "l2").expect("L2 truth under --metric l2");
        assert_eq!(data.truth.len(), 20);
        for metric in ["dot", "cosine"] {
            let err = match load_with(&dir, metric) {
                Ok(_) => panic!("L2 truth accepted under --metric {metric}"),
                Err(e) => e,
            };
            assert!(err.contains("--metric") && err.contains(metric), "{err}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
