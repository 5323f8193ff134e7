//! `corevec-bench filter`: filtered search on one shard, one thread, one query at a time:
//! recall and speed of the label-list scan, the filtered graph walk, and the engine's
//! choice between them (`"path":"auto"`), per filter selectivity and `ef`.
//!
//! Every base point gets, for each selectivity `s` in `--selectivity`, the label of `s`
//! with probability `s` (seeded, independent), so a filter `all_of = [label of s]` matches
//! about `s` of the points (`--negate`: `none_of = [label of s]`, matching about `1 - s`,
//! compared with a full scan instead of a label-list scan). Ground truth is the exact
//! filtered top-k by brute force.

use std::path::PathBuf;
use std::time::Instant;

use corevec_datasets::{load_texmex, load_vectors};
use corevec_engine::distance::Metric;
use corevec_engine::shard::{FilterPath, Shard};
use corevec_engine::{CollectionSpec, Filter, IndexParams};
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::index::{timed_passes, Pass};
use crate::report::{print_json, round};
use crate::truth::{ground_truth, recall};

/// Arguments of `corevec-bench filter`.
#[derive(clap::Args)]
pub struct FilterArgs {
    /// TEXMEX directory with base.fvecs and query.fvecs.
    #[arg(long, required_unless_present = "base", conflicts_with = "base")]
    data: Option<PathBuf>,
    /// Instead of `--data`: the base vectors as a dataset spec (a .fvecs/.npy path or
    /// `synthetic:clusters:N:DIM:CLUSTERS:SPREAD:SEED`, as corevec-load takes them).
    #[arg(long, requires = "query")]
    base: Option<String>,
    /// With `--base`: the query vectors as a dataset spec.
    #[arg(long)]
    query: Option<String>,
    /// Use only the first N base vectors.
    #[arg(long)]
    limit: Option<usize>,
    /// Use only the first N queries.
    #[arg(long, default_value_t = 500)]
    queries: usize,
    /// Fractions of the points carrying each filter label.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "0.5,0.2,0.1,0.05,0.02,0.01,0.002"
    )]
    selectivity: Vec<f64>,
    /// Connectivity (`M`).
    #[arg(long, default_value_t = 16)]
    m: usize,
    /// Beam width while building (`ef_construction`).
    #[arg(long, default_value_t = 200)]
    ef_construction: usize,
    /// Beam widths to search with.
    #[arg(long, value_delimiter = ',', default_value = "64")]
    ef: Vec<usize>,
    /// Results per query.
    #[arg(long, default_value_t = 10)]
    k: usize,
    /// Metric: l2, cosine or dot.
    #[arg(long, default_value = "dot")]
    metric: Metric,
    /// Timed passes over the queries per line; the median pass is reported.
    #[arg(long, default_value_t = 3)]
    reps: usize,
    /// Filter with `none_of: [label]` instead of `all_of: [label]` (matching `1 - s`).
    #[arg(long)]
    negate: bool,
    /// Seed of the label assignment.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// JSON lines on stdout (the only output format).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &FilterArgs) -> Result<(), Box<dyn std::error::Error>> {
    if args.k == 0 || args.ef.is_empty() || args.selectivity.is_empty() {
        return Err("--k, --ef and --selectivity must be non-empty and positive".into());
    }
    if let Some(s) = args.selectivity.iter().find(|s| !(0.0..=1.0).contains(*s)) {
        return Err(format!("--selectivity {s} is not a fraction").into());
    }
    let (name, mut base, mut queries) = match (&args.data, &args.base, &args.query) {
        (Some(dir), _, _) => {
            let texmex = load_texmex(dir)?;
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned());
            (name, texmex.base, texmex.queries)
        }
        (None, Some(base), Some(query)) => (
            Some(base.clone()),
            load_vectors(base)?,
            load_vectors(query)?,
        ),
        _ => return Err("--data DIR or --base SPEC --query SPEC".into()),
    };
    if let Some(limit) = args.limit {
        base.truncate(limit.min(base.rows()));
    }
    queries.truncate(args.queries.min(queries.rows()));
    let dim = base.dim();
    let spec = CollectionSpec::new("bench", dim, args.metric)
        .with_shards(1)
        .with_index(IndexParams {
            connectivity: args.m,
            expansion_add: args.ef_construction,
        });
    // Label `i` goes with selectivity `args.selectivity[i]`.
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed);
    let labels: Vec<Vec<u64>> = (0..base.rows())
        .map(|_| {
            (0..args.selectivity.len() as u64)
                .filter(|&i| rng.gen_bool(args.selectivity[i as usize]))
                .collect()
        })
        .collect();
    let mut shard = Shard::new(&spec, 0)?;
    let started = Instant::now();
    for (row, vector) in base.iter().enumerate() {
        shard.upsert_point(row as u64, vector, &[], &labels[row])?;
    }
    while shard.index_next() {}
    eprintln!(
        "built {} x {dim} in {:.1}s",
        base.rows(),
        started.elapsed().as_secs_f64()
    );
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let line = |selectivity: f64,
                matching: usize,
                path: &str,
                ef: usize,
                recall_at_k: f64,
                pass: &Pass| {
        print_json(&json!({
            "bench": "filter",
            "data": name,
            "points": base.rows(),
            "selectivity": selectivity,
            "matching": matching,
            "path": path,
            "ef": ef,
            "k": args.k,
            "recall_at_k": round(recall_at_k, 4),
            "qps": round(pass.qps, 0),
            "p50_us": round(pass.latencies.p50_us(), 1),
            "p99_us": round(pass.latencies.p99_us(), 1),
        }));
    };
    // The yardstick: the same searches without a filter.
    let truth = ground_truth(&base, &queries, args.metric, args.k, &|_| false, threads);
    for &ef in &args.ef {
        let mut found = vec![Vec::new(); queries.rows()];
        let pass = timed_passes(queries.rows(), args.reps, |q| {
            let hits = shard.search(queries.row(q), args.k, ef);
            found[q] = hits.iter().map(|n| n.id as u32).collect();
        });
        line(
            1.0,
            base.rows(),
            "unfiltered",
            ef,
            recall(&found, &truth),
            &pass,
        );
    }
    for (label, &selectivity) in args.selectivity.iter().enumerate() {
        let label = label as u64;
        let selects = |row: usize| labels[row].contains(&label) != args.negate;
        let matching = (0..base.rows()).filter(|&row| selects(row)).count();
        let truth = ground_truth(
            &base,
            &queries,
            args.metric,
            args.k,
            &|row| !selects(row as usize),
            threads,
        );
        let filter = if args.negate {
            Filter {
                none_of: vec![label],
                ..Filter::default()
            }
        } else {
            Filter {
                all_of: vec![label],
                ..Filter::default()
            }
        };
        let selectivity = if args.negate {
            round(1.0 - selectivity, 6)
        } else {
            selectivity
        };
        for &ef in &args.ef {
            let paths = if args.negate {
                [
                    (FilterPath::FullScan, "full_scan"),
                    (FilterPath::Graph, "graph"),
                    (FilterPath::Auto, "auto"),
                ]
            } else {
                [
                    (FilterPath::Scan, "scan"),
                    (FilterPath::Graph, "graph"),
                    (FilterPath::Auto, "auto"),
                ]
            };
            for (path, name) in paths {
                let mut found = vec![Vec::new(); queries.rows()];
                let pass = timed_passes(queries.rows(), args.reps, |q| {
                    let hits = shard.search_filtered_by(queries.row(q), args.k, ef, &filter, path);
                    found[q] = hits.iter().map(|n| n.id as u32).collect();
                });
                line(
                    selectivity,
                    matching,
                    name,
                    ef,
                    recall(&found, &truth),
                    &pass,
                );
            }
        }
    }
    Ok(())
}
