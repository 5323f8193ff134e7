use corevec_engine::*;
use std::time::Instant;
fn main() {
    let engine = Engine::start(EngineConfig::default()).unwrap();
    for shards in [1u32, 2] {
        let name = format!("l{shards}");
        engine
            .create_collection(CollectionSpec::new(&name, 8, Metric::L2).with_shards(shards))
            .unwrap();
        engine.upsert(&name, &[1, 2, 3, 4], &[0.0; 32]).unwrap();
        for _ in 0..3 {
            let mut lat = Vec::new();
            for _ in 0..2000 {
                let t = Instant::now();
                engine
                    .search(
                        &name,
                        SearchRequest {
                            queries: vec![0.0; 8],
                            k: 2,
                            ef: 0,
                            exact: false,
                        },
                    )
                    .unwrap();
                lat.push(t.elapsed().as_micros());
            }
            lat.sort();
            println!(
                "shards {shards}: p50 {}us p90 {}us p99 {}us",
                lat[1000], lat[1800], lat[1980]
            );
        }
    }
    engine.shutdown().unwrap();
}
