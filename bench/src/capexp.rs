//! EXPERIMENT: two halves searched one after the other, the second capped by the first's
//! j-th distance, against one whole index.

use std::time::Instant;

use corevec_engine::hnsw::HnswConfig;
use serde_json::json;

use crate::index::{build_graph, Data, IndexArgs};
use crate::report::{print_json, round};
use crate::truth::recall;

fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

pub fn run(args: &IndexArgs, data: &Data) -> Result<(), Box<dyn std::error::Error>> {
    let n = data.base.rows();
    let dim = data.base.dim();
    let config = HnswConfig {
        connectivity: args.m,
        expansion_add: args.ef_construction,
        seed: args.seed,
    };
    let mut rows_of: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
    for r in 0..n as u32 {
        rows_of[(splitmix64(u64::from(r)) & 1) as usize].push(r);
    }
    let metric = args.metric;
    let (whole, halves) = std::thread::scope(|s| {
        let w = s.spawn(|| build_graph(dim, n, data.base.iter(), config, metric));
        let h: Vec<_> = rows_of
            .iter()
            .map(|rows| {
                s.spawn(move || {
                    build_graph(
                        dim,
                        rows.len(),
                        rows.iter().map(|&r| data.base.row(r as usize)),
                        config,
                        metric,
                    )
                })
            })
            .collect();
        (
            w.join().unwrap(),
            h.into_iter().map(|h| h.join().unwrap()).collect::<Vec<_>>(),
        )
    });
    let (wv, wh, mut wvis) = whole?;
    let mut halves: Vec<_> = halves.into_iter().collect::<Result<_, _>>()?;
    eprintln!("built");
    let q = data.queries.rows();
    let reps = args.reps.max(1);
    let median = |mut t: Vec<f64>| {
        t.sort_by(f64::total_cmp);
        t[t.len() / 2]
    };
    let mut out = Vec::new();
    for &ef in &args.ef {
        let mut found = vec![Vec::new(); q];
        let mut times = Vec::new();
        for _ in 0..=reps {
            let t = Instant::now();
            for (qi, f) in found.iter_mut().enumerate() {
                wh.search(
                    &wv,
                    data.queries.row(qi),
                    args.k,
                    ef,
                    &mut wvis,
                    |_| false,
                    &mut out,
                );
                *f = out.iter().map(|&(_, s)| s).collect();
            }
            times.push(t.elapsed().as_secs_f64() / q as f64 * 1e6);
        }
        times.remove(0);
        print_json(&json!({"bench":"capexp","what":"whole","ef":ef,
            "recall": round(recall(&found, &data.truth), 4), "us": round(median(times), 1)}));
    }
    let caps: Vec<usize> = std::env::var("CAP_J")
        .unwrap_or_else(|_| "0,10,16,24,32".into())
        .split(',')
        .map(|s| s.parse().unwrap())
        .collect();
    let efs2: Vec<usize> = std::env::var("CAP_EF2")
        .unwrap_or_else(|_| "0".into())
        .split(',')
        .map(|s| s.parse().unwrap())
        .collect();
    let mut first = Vec::new();
    let mut second = Vec::new();
    for &ef in &args.ef {
        for &ef2x in &efs2 {
            let ef2 = if ef2x == 0 { ef } else { ef2x };
            for &j in &caps {
                let mut found = vec![Vec::new(); q];
                let mut times = Vec::new();
                for _ in 0..=reps {
                    let t = Instant::now();
                    for (qi, f) in found.iter_mut().enumerate() {
                        let query = data.queries.row(qi);
                        let a = qi % 2;
                        let b = 1 - a;
                        {
                            let (v, h, vis) = &mut halves[a];
                            h.search(v, query, ef, ef, vis, |_| false, &mut first);
                        }
                        let cap = if j == 0 || first.len() < j {
                            f32::INFINITY
                        } else {
                            first[j - 1].0
                        };
                        {
                            let (v, h, vis) = &mut halves[b];
                            h.search_capped(
                                v,
                                query,
                                args.k,
                                ef2,
                                cap,
                                vis,
                                |_| false,
                                &mut second,
                            );
                        }
                        let mut all: Vec<(f32, u32)> = first
                            .iter()
                            .take(args.k)
                            .map(|&(d, s)| (d, rows_of[a][s as usize]))
                            .chain(second.iter().map(|&(d, s)| (d, rows_of[b][s as usize])))
                            .collect();
                        all.sort_by(|x, y| x.0.total_cmp(&y.0));
                        *f = all.iter().take(args.k).map(|&(_, r)| r).collect();
                    }
                    times.push(t.elapsed().as_secs_f64() / q as f64 * 1e6);
                }
                times.remove(0);
                print_json(
                    &json!({"bench":"capexp","what":"pair","ef":ef,"ef2":ef2,"j":j,
                    "recall": round(recall(&found, &data.truth), 4), "us": round(median(times), 1)}),
                );
            }
        }
    }
    Ok(())
}
