//! `corevec-bench scroll`: the cost of listing one shard page by page (`Shard::scroll`: a
//! walk of the shard's ids in order, built by the first page), so the costs the docs quote
//! are measured, not guessed: the first page (which sorts the ids), a page from anywhere, and
//! a whole listing.

use std::time::Instant;

use corevec_engine::filter::Filter;
use corevec_engine::shard::Shard;
use corevec_engine::{CollectionSpec, Metric};
use serde_json::json;

use crate::report::{emit, Latencies};

/// Arguments of `corevec-bench scroll`.
#[derive(clap::Args)]
pub struct ScrollArgs {
    /// Live points in the shard (ids scattered over the u64 range).
    #[arg(long, default_value_t = 1_000_000)]
    n: usize,
    /// Vector dimension (the listing reads ids only; vectors only make the shard realistic).
    #[arg(long, default_value_t = 16)]
    dim: usize,
    /// Page sizes to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "256,1024,4096")]
    limit: Vec<usize>,
    /// Pages timed per page size (spread over the id range).
    #[arg(long, default_value_t = 50)]
    pages: usize,
    /// Also list the shard filtered on a label carried by this fraction of the points
    /// (comma-separated; each fraction gets its own label), in pages of the largest
    /// `--limit`.
    #[arg(long, value_delimiter = ',')]
    filter_fraction: Vec<f64>,
    /// Print JSON lines only (the default output is JSON lines anyway; kept for symmetry).
    #[arg(long)]
    json: bool,
}

/// splitmix64: scatters sequential numbers over the u64 range.
fn scatter(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

pub fn run(args: &ScrollArgs) -> Result<(), Box<dyn std::error::Error>> {
    let spec = CollectionSpec::new("scroll", args.dim, Metric::L2).with_shards(1);
    let mut shard = Shard::new(&spec, 0)?;
    let vector = vec![0.5f32; args.dim];
    for i in 0..args.n as u64 {
        let id = scatter(i);
        // Label k on fraction k of the points, drawn independently per label.
        let labels: Vec<u64> = (0u64..)
            .zip(&args.filter_fraction)
            .filter(|&(k, &f)| (scatter(id ^ k) % 1_000_000) as f64 / 1e6 < f)
            .map(|(k, _)| k)
            .collect();
        shard.upsert_point(id, &vector, b"", &labels)?;
    }
    let timed = Instant::now();
    std::hint::black_box(shard.scroll(0, 1, None));
    emit(&json!({
        "bench": "scroll",
        "n": args.n,
        "first_page_ms": (timed.elapsed().as_secs_f64() * 1e5).round() / 100.0,
        "index_bytes_per_point": shard.stats().index_bytes as f64 / args.n as f64,
    }));
    for &limit in &args.limit {
        let mut latencies = Latencies::new();
        let started = Instant::now();
        for page in 0..args.pages {
            // Starts spread evenly over the id range.
            let start = (u64::MAX / args.pages as u64).saturating_mul(page as u64);
            let timed = Instant::now();
            let (ids, _) = shard.scroll(start, limit, None);
            latencies.record(timed.elapsed());
            std::hint::black_box(ids);
        }
        let per_page_s = started.elapsed().as_secs_f64() / args.pages as f64;
        let whole = Instant::now();
        let (mut start, mut listed) = (0u64, 0usize);
        loop {
            let (ids, more) = shard.scroll(start, limit, None);
            listed += ids.len();
            match ids.last() {
                Some(&last) if more => start = last + 1,
                _ => break,
            }
        }
        assert_eq!(listed, args.n, "a full listing missed points");
        emit(&json!({
            "bench": "scroll",
            "n": args.n,
            "limit": limit,
            "pages": args.pages,
            "page_p50_us": latencies.p50_us(),
            "page_p99_us": latencies.p99_us(),
            "listed_points_per_s": (limit as f64 / per_page_s).round(),
            "full_listing_s": (whole.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
        }));
    }
    let limit = args.limit.iter().copied().max().unwrap_or(4096);
    for (k, &fraction) in (0u64..).zip(&args.filter_fraction) {
        let filter = Filter {
            all_of: vec![k],
            ..Filter::default()
        };
        let mut latencies = Latencies::new();
        let whole = Instant::now();
        let (mut start, mut listed, mut pages) = (0u64, 0usize, 0usize);
        loop {
            let timed = Instant::now();
            let (ids, more) = shard.scroll(start, limit, Some(&filter));
            latencies.record(timed.elapsed());
            listed += ids.len();
            pages += 1;
            match ids.last() {
                Some(&last) if more => start = last + 1,
                _ => break,
            }
        }
        emit(&json!({
            "bench": "scroll",
            "n": args.n,
            "limit": limit,
            "filter_fraction": fraction,
            "matching": listed,
            "pages": pages,
            "page_p50_us": latencies.p50_us(),
            "full_listing_s": (whole.elapsed().as_secs_f64() * 1e4).round() / 1e4,
        }));
    }
    Ok(())
}
