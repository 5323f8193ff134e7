//! `corevec-bench filter`: filtered search on one shard, one thread, one query at a time:
//! recall and speed of the label-list scan, the filtered graph walk, and the engine's
//! choice between them (`"path":"auto"`), per filter selectivity and `ef`.
//!
//! Every base point gets, for each selectivity `s` in `--selectivity`, the label of `s`
//! with probability `s` (seeded, independent), so a filter `all_of = [label of s]` matches
//! about `s` of the points (`--negate`: `none_of = [label of s]`, matching about `1 - s`,
//! compared with a full scan instead of a label-list scan). Ground truth is the exact
//! filtered top-k by brute force.
//!
//! `--range`: every base point instead gets a key in range field 0 (seeded, uniform in
//! `0..=--key-max`) and carries its eight range labels (`corevec_proto::range::point_labels`,
//! PROTOCOL.md section 11). For each selectivity `s`, each query gets its own range of
//! `s · (key_max + 1)` keys at a seeded random position, filtered with the one `any_of` group
//! `cover(0, lo, hi)`; the ground truth is per query. Those lines also report the least and
//! most matching points, the cover lengths, and how the default plan split the queries. With
//! `--range-fields N` every point gets N independent keys (fields 0..N) and each query N
//! ranges, one per field, each of `s^(1/N)` of the key space, so about `s` of the points
//! match all of them: N `any_of` groups, to compare with one range of the same selectivity.

use std::path::PathBuf;
use std::time::Instant;

use corevec_datasets::{load_texmex, load_vectors, Vectors};
use corevec_engine::distance::Metric;
use corevec_engine::shard::{FilterPath, Shard};
use corevec_engine::{CollectionSpec, Filter, IndexParams};
use corevec_proto::range::{cover, point_labels};
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::index::{timed_passes, Pass};
use crate::report::{print_json, round};
use crate::truth::{ground_truth, ground_truth_each, recall};

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
    /// Range filters instead of labels: each point gets a key in range field 0 (eight range
    /// labels) and each query a range covering `s` of the key space, filtered with
    /// the one `any_of` group `cover(0, lo, hi)`.
    #[arg(long, conflicts_with = "negate")]
    range: bool,
    /// With `--range`: keys are uniform in `0..=KEY_MAX`, and the ranges lie within it.
    #[arg(long, requires = "range", default_value_t = u32::MAX)]
    key_max: u32,
    /// With `--range`: range fields per point and ranges per query (one `any_of` group each),
    /// 1..=8.
    #[arg(long, requires = "range", default_value_t = 1,
          value_parser = clap::value_parser!(u8).range(1..=8))]
    range_fields: u8,
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
    let (name, base, queries) = load(args)?;
    if args.range {
        return run_range(args, name, &base, &queries);
    }
    // Label `i` goes with selectivity `args.selectivity[i]`.
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed);
    let labels: Vec<Vec<u64>> = (0..base.rows())
        .map(|_| {
            (0..args.selectivity.len() as u64)
                .filter(|&i| rng.gen_bool(args.selectivity[i as usize]))
                .collect()
        })
        .collect();
    let mut shard = build(args, &base, &labels)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let line = |selectivity: f64,
                matching: usize,
                path: &str,
                ef: usize,
                recall_at_k: Option<f64>,
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
            "recall_at_k": recall_at_k.map(|r| round(r, 4)),
            "qps": round(pass.qps, 0),
            "p50_us": round(pass.latencies.p50_us(), 1),
            "p99_us": round(pass.latencies.p99_us(), 1),
        }));
    };
    // The yardstick: the same searches without a filter.
    unfiltered(
        args,
        &mut shard,
        &base,
        &queries,
        |ef, recall_at_k, pass| {
            line(1.0, base.rows(), "unfiltered", ef, recall_at_k, pass);
        },
    );
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

/// The data set's name and its base and query vectors (`--limit` and `--queries` applied).
fn load(
    args: &FilterArgs,
) -> Result<(Option<String>, Vectors, Vectors), Box<dyn std::error::Error>> {
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
    Ok((name, base, queries))
}

/// One shard holding `base`, row `i` as point `i` with `labels[i]`, fully indexed.
fn build(
    args: &FilterArgs,
    base: &Vectors,
    labels: &[Vec<u64>],
) -> Result<Shard, Box<dyn std::error::Error>> {
    let dim = base.dim();
    let spec = CollectionSpec::new("bench", dim, args.metric)
        .with_shards(1)
        .with_index(IndexParams {
            connectivity: args.m,
            expansion_add: args.ef_construction,
        });
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
    Ok(shard)
}

/// Times the unfiltered searches at each `--ef` against their exact truth and hands each
/// result to `report(ef, recall, pass)`.
fn unfiltered(
    args: &FilterArgs,
    shard: &mut Shard,
    base: &Vectors,
    queries: &Vectors,
    mut report: impl FnMut(usize, Option<f64>, &Pass),
) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let truth = ground_truth(base, queries, args.metric, args.k, &|_| false, threads);
    for &ef in &args.ef {
        let mut found = vec![Vec::new(); queries.rows()];
        let pass = timed_passes(queries.rows(), args.reps, |q| {
            let hits = shard.search(queries.row(q), args.k, ef);
            found[q] = hits.iter().map(|n| n.id as u32).collect();
        });
        report(ef, recall(&found, &truth), &pass);
    }
}

/// `--range`: range filters over one key per point (see the module's doc).
fn run_range(
    args: &FilterArgs,
    name: Option<String>,
    base: &Vectors,
    queries: &Vectors,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed);
    let range_fields = args.range_fields;
    // `keys[row][field]`.
    let keys: Vec<Vec<u32>> = (0..base.rows())
        .map(|_| {
            (0..range_fields)
                .map(|_| rng.gen_range(0..=args.key_max))
                .collect()
        })
        .collect();
    let labels: Vec<Vec<u64>> = keys
        .iter()
        .map(|keys| {
            (0..range_fields)
                .flat_map(|field| point_labels(field, keys[usize::from(field)]))
                .collect()
        })
        .collect();
    let mut shard = build(args, base, &labels)?;
    let stats = shard.stats();
    let distinct = {
        let mut all: Vec<u64> = labels.iter().flatten().copied().collect();
        all.sort_unstable();
        all.dedup();
        all.len()
    };
    print_json(&json!({
        "bench": "filter",
        "filter": "range",
        "data": name,
        "points": base.rows(),
        "key_max": args.key_max,
        "range_fields": range_fields,
        "labels_per_point": labels.first().map_or(0, Vec::len),
        "distinct_labels": distinct,
        "label_bytes": stats.label_bytes,
        "label_bytes_per_point": round(stats.label_bytes as f64 / base.rows().max(1) as f64, 1),
        "vector_bytes": stats.vector_bytes,
        "index_bytes": stats.index_bytes,
    }));
    let line = |fields: serde_json::Value,
                path: &str,
                ef: usize,
                recall_at_k: Option<f64>,
                pass: &Pass| {
        let mut out = json!({
            "bench": "filter",
            "filter": "range",
            "data": name,
            "points": base.rows(),
            "range_fields": range_fields,
        });
        if let (Some(out), serde_json::Value::Object(fields)) = (out.as_object_mut(), fields) {
            out.extend(fields);
            out.extend([
                ("path".to_owned(), json!(path)),
                ("ef".to_owned(), json!(ef)),
                ("k".to_owned(), json!(args.k)),
                (
                    "recall_at_k".to_owned(),
                    json!(recall_at_k.map(|r| round(r, 4))),
                ),
                ("qps".to_owned(), json!(round(pass.qps, 0))),
                (
                    "p50_us".to_owned(),
                    json!(round(pass.latencies.p50_us(), 1)),
                ),
                (
                    "p99_us".to_owned(),
                    json!(round(pass.latencies.p99_us(), 1)),
                ),
            ]);
        }
        print_json(&out);
    };
    unfiltered(args, &mut shard, base, queries, |ef, recall_at_k, pass| {
        let fields = json!({"selectivity": 1.0, "matching": base.rows()});
        line(fields, "unfiltered", ef, recall_at_k, pass);
    });
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let span = u64::from(args.key_max) + 1;
    for &selectivity in &args.selectivity {
        // Each query its own range of `width` keys per field at a random position within the
        // keys; `ranges[q][field]`.
        let per_field = selectivity.powf(1.0 / f64::from(range_fields));
        let width = ((per_field * span as f64).round() as u64).clamp(1, span);
        let ranges: Vec<Vec<(u32, u32)>> = (0..queries.rows())
            .map(|_| {
                (0..range_fields)
                    .map(|_| {
                        let lo = rng.gen_range(0..=span - width);
                        (lo as u32, (lo + width - 1) as u32)
                    })
                    .collect()
            })
            .collect();
        let filters = ranges
            .iter()
            .map(|ranges| {
                Filter {
                    any_of: (0..range_fields)
                        .zip(ranges)
                        .map(|(field, &(lo, hi))| cover(field, lo, hi))
                        .collect(),
                    ..Filter::default()
                }
                .normalized()
            })
            .collect::<Result<Vec<Filter>, _>>()?;
        let in_ranges = |q: usize, row: usize| {
            ranges[q]
                .iter()
                .zip(&keys[row])
                .all(|(&(lo, hi), key)| (lo..=hi).contains(key))
        };
        let matching: Vec<usize> = (0..queries.rows())
            .map(|q| (0..base.rows()).filter(|&row| in_ranges(q, row)).count())
            .collect();
        let covers: Vec<usize> = filters
            .iter()
            .map(|f| f.any_of.iter().map(Vec::len).sum())
            .collect();
        let truth = ground_truth_each(
            base,
            queries,
            args.metric,
            args.k,
            &|q, row| !in_ranges(q, row as usize),
            threads,
        );
        let mean =
            |values: &[usize]| values.iter().sum::<usize>() as f64 / values.len().max(1) as f64;
        let spread = |values: &[usize]| {
            (
                values.iter().copied().min().unwrap_or(0),
                values.iter().copied().max().unwrap_or(0),
            )
        };
        let (matching_min, matching_max) = spread(&matching);
        let (cover_min, cover_max) = spread(&covers);
        for &ef in &args.ef {
            let (mut scan, mut full_scan, mut graph) = (0, 0, 0);
            for filter in &filters {
                match shard.filter_plan(filter, ef) {
                    FilterPath::Scan => scan += 1,
                    FilterPath::FullScan => full_scan += 1,
                    FilterPath::Graph | FilterPath::Auto => graph += 1,
                }
            }
            let fields = json!({
                "selectivity": selectivity,
                "matching": round(mean(&matching), 0),
                "matching_min": matching_min,
                "matching_max": matching_max,
                "cover_labels": round(mean(&covers), 1),
                "cover_min": cover_min,
                "cover_max": cover_max,
                "plan": {"scan": scan, "full_scan": full_scan, "graph": graph},
            });
            for (path, path_name) in [
                (FilterPath::Scan, "scan"),
                (FilterPath::Graph, "graph"),
                (FilterPath::Auto, "auto"),
            ] {
                let mut found = vec![Vec::new(); queries.rows()];
                let pass = timed_passes(queries.rows(), args.reps, |q| {
                    let hits =
                        shard.search_filtered_by(queries.row(q), args.k, ef, &filters[q], path);
                    found[q] = hits.iter().map(|n| n.id as u32).collect();
                });
                line(fields.clone(), path_name, ef, recall(&found, &truth), &pass);
            }
        }
    }
    Ok(())
}
