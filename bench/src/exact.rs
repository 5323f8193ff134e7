//! `corevec-bench exact`: brute-force search fanned out over 1..N shards on the engine's
//! cores, with the same seeded data for every shard count.

use std::sync::Arc;
use std::time::{Duration, Instant};

use corevec_engine::{CollectionSpec, CoreSelection, Engine, EngineConfig, Metric, SearchRequest};
use rand::{Rng, SeedableRng};
use serde_json::json;

use crate::report::{emit, Latencies};

/// Arguments of `corevec-bench exact`.
#[derive(clap::Args)]
pub struct ExactArgs {
    /// Vector dimension.
    #[arg(long, default_value_t = 384, value_parser = at_least_one)]
    dim: usize,
    /// Vectors in the collection.
    #[arg(long, default_value_t = 100_000, value_parser = at_least_one)]
    n: usize,
    /// Queries to run per configuration (after a 10% warm-up).
    #[arg(long, default_value_t = 1000, value_parser = at_least_one)]
    queries: usize,
    /// Results per query.
    #[arg(long, default_value_t = 10, value_parser = at_least_one)]
    k: usize,
    /// Shard counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,2")]
    shards: Vec<u32>,
    /// Query vectors per search call, comma-separated (each value is measured).
    #[arg(long, value_delimiter = ',', default_value = "1,32", value_parser = at_least_one)]
    batch: Vec<usize>,
    /// Concurrent client threads, each with one call in flight.
    #[arg(long, default_value_t = 4, value_parser = at_least_one)]
    clients: usize,
    /// Cores to run on: all, a count, or a list.
    #[arg(long, default_value = "all")]
    cores: CoreSelection,
    /// Distance metric.
    #[arg(long, default_value = "dot")]
    metric: Metric,
    /// Data seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Print JSON lines only (the default output is JSON lines anyway; kept for symmetry).
    #[arg(long)]
    json: bool,
}

/// Parse a count that must be at least 1 (a zero would leave nothing to measure, or divide by
/// zero), so that clap refuses it with a clear message and exit code 2.
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("{e}")),
    }
}

pub fn run(args: &ExactArgs) -> Result<(), Box<dyn std::error::Error>> {
    let engine = Arc::new(Engine::start(EngineConfig {
        cores: args.cores.clone(),
        ..Default::default()
    })?);
    let mut rng = rand::rngs::StdRng::seed_from_u64(args.seed);
    let data: Vec<f32> = (0..args.n * args.dim)
        .map(|_| rng.gen_range(-1.0f32..1.0))
        .collect();
    let queries: Arc<Vec<f32>> = Arc::new(
        (0..args.queries * args.dim)
            .map(|_| rng.gen_range(-1.0f32..1.0))
            .collect(),
    );
    for &shards in &args.shards {
        let name = format!("exact-{shards}");
        engine.create_collection(
            CollectionSpec::new(&name, args.dim, args.metric).with_shards(shards),
        )?;
        let load = Instant::now();
        for (batch, chunk) in data.chunks(4096 * args.dim).enumerate() {
            let first = (batch * 4096) as u64;
            let ids: Vec<u64> = (first..first + (chunk.len() / args.dim) as u64).collect();
            engine.upsert(&name, &ids, chunk)?;
        }
        let load_s = load.elapsed().as_secs_f64();
        // Let the background index build finish so it does not compete with the scans.
        engine.wait_indexed(&name)?;
        for &batch in &args.batch {
            let batch = batch.clamp(1, args.queries);
            let (latencies, elapsed) = run_queries(&engine, &name, &queries, batch, args)?;
            let queries_done = latencies.count() * batch as u64;
            emit(&json!({
                "bench": "exact", "engine": "corevec", "shards": shards, "cores": engine.cores(),
                "n": args.n, "dim": args.dim, "k": args.k, "metric": args.metric.as_str(),
                "clients": args.clients, "batch": batch, "queries": queries_done, "load_s": load_s,
                "qps": queries_done as f64 / elapsed.as_secs_f64(),
                "p50_us": latencies.quantile_us(0.5), "p99_us": latencies.quantile_us(0.99),
            }));
        }
        engine.drop_collection(&name)?;
    }
    match Arc::try_unwrap(engine) {
        Ok(engine) => engine.shutdown()?,
        Err(_) => return Err("engine still referenced at exit".into()),
    }
    Ok(())
}

/// Runs the queries from `clients` threads, `batch` queries per call; returns the measured
/// per-call latencies (warm-up excluded) and the wall time of the measured part.
fn run_queries(
    engine: &Arc<Engine>,
    name: &str,
    queries: &Arc<Vec<f32>>,
    batch: usize,
    args: &ExactArgs,
) -> Result<(Latencies, Duration), Box<dyn std::error::Error>> {
    let dim = args.dim;
    let total = queries.len() / dim / batch;
    let warmup = (total / 10).max(1);
    let run_phase = |count: usize, offset: usize| -> Result<(Latencies, Duration), String> {
        let start = Instant::now();
        let results: Vec<Result<Latencies, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..args.clients)
                .map(|c| {
                    let (engine, queries) = (Arc::clone(engine), Arc::clone(queries));
                    scope.spawn(move || {
                        let mut latencies = Latencies::new();
                        for i in (c..count).step_by(args.clients) {
                            let q = (offset + i) % total;
                            let query = queries[q * batch * dim..(q + 1) * batch * dim].to_vec();
                            let t = Instant::now();
                            engine
                                .search(
                                    name,
                                    SearchRequest {
                                        queries: query,
                                        k: args.k,
                                        ef: 0,
                                        exact: true,
                                        filter: None,
                                        max_distance: None,
                                    },
                                )
                                .map_err(|e| e.to_string())?;
                            latencies.record(t.elapsed());
                        }
                        Ok(latencies)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err("client panicked".into())))
                .collect()
        });
        let elapsed = start.elapsed();
        let mut all = Latencies::new();
        for r in results {
            all.merge(&r?);
        }
        Ok((all, elapsed))
    };
    run_phase(warmup, 0)?;
    Ok(run_phase(total, warmup)?)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: ExactArgs,
    }

    #[test]
    fn zero_counts_are_refused_by_the_parser() {
        for flag in ["--queries", "--n", "--dim", "--k", "--clients", "--batch"] {
            let err = match Cli::try_parse_from(["exact", flag, "0"]) {
                Ok(_) => panic!("{flag} 0 was accepted"),
                Err(e) => e,
            };
            assert_eq!(err.exit_code(), 2, "{flag}");
            let message = err.to_string();
            assert!(
                message.contains(flag) && message.contains("at least 1"),
                "{message}"
            );
        }
        let err = Cli::try_parse_from(["exact", "--batch", "1,0"])
            .err()
            .expect("a zero batch");
        assert!(err.to_string().contains("at least 1"), "{err}");
        let ok = Cli::try_parse_from(["exact", "--queries", "5", "--batch", "1,32"]).expect("ok");
        assert_eq!((ok.args.queries, ok.args.batch), (5, vec![1, 32]));
    }
}
