//! The memory limit (`EngineConfig::max_memory_bytes`) on real pinned executors: above it,
//! writes that add data are refused with `MemoryHigh` and change nothing, while deletes and
//! reads go on; once memory is freed, writes are taken again without a restart.
//!
//! Alone in its test binary: the limit is on the whole process's anonymous resident memory,
//! which other tests running in parallel threads would move.

use std::time::{Duration, Instant};

use corevec_engine::{
    rt, CollectionSpec, CoreSelection, Engine, EngineConfig, Error, Metric, SearchRequest,
};

const DIM: usize = 1024;
/// 1 MiB of vectors per batch.
const BATCH: usize = 256;

fn vectors(first: u64, n: usize) -> Vec<f32> {
    (0..n * DIM)
        .map(|i| ((first as usize * DIM + i) % 997) as f32 / 997.0)
        .collect()
}

fn count(engine: &Engine, name: &str) -> u64 {
    let info = engine.describe(name).unwrap();
    info.shards.iter().map(|s| s.vectors).sum()
}

#[test]
fn above_the_memory_limit_writes_are_refused_until_memory_is_freed() {
    let cores = corevec_engine::topology::MachineTopology::discover()
        .unwrap()
        .cores
        .len()
        .min(2);
    let limit = rt::anonymous_resident_bytes().unwrap() + (192 << 20);
    let engine = Engine::start(EngineConfig {
        cores: CoreSelection::Count(cores),
        max_memory_bytes: limit,
        ..Default::default()
    })
    .unwrap();
    engine
        .create_collection(CollectionSpec::new("big", DIM, Metric::L2).with_shards(2))
        .unwrap();
    // Ingest until refused: at most 2 GiB, far above the limit.
    let mut acked = 0u64;
    let refusal = loop {
        assert!(acked < 2048 * BATCH as u64, "never refused");
        let ids: Vec<u64> = (acked..acked + BATCH as u64).collect();
        match engine.upsert("big", &ids, &vectors(acked, BATCH)) {
            Ok(_) => acked += BATCH as u64,
            Err(error) => break error,
        }
    };
    let Error::MemoryHigh {
        resident_bytes,
        max_memory_bytes,
    } = refusal
    else {
        panic!("refused with {refusal}")
    };
    assert_eq!(max_memory_bytes, limit);
    assert!(resident_bytes > limit);
    assert!(acked >= 64 * BATCH as u64, "{acked} acknowledged");
    assert!(
        refusal.to_string().contains("max_memory_percent"),
        "{refusal}"
    );
    // Nothing of the refused batch was applied, on either shard's core.
    assert_eq!(count(&engine, "big"), acked);

    // Held well above the limit (the ingest stopped just over it, where background work can
    // move it back under), every write that adds data is refused whole.
    let ballast = vec![1u8; 256 << 20];
    std::hint::black_box(&ballast);
    let ids: Vec<u64> = (acked..acked + BATCH as u64).collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match engine.upsert("big", &ids, &vectors(acked, BATCH)) {
            Err(Error::MemoryHigh { .. }) => break,
            Ok(_) if Instant::now() < deadline => {
                acked += BATCH as u64;
                std::thread::sleep(Duration::from_millis(20));
            }
            other => panic!("not refused: {other:?}"),
        }
    }
    assert_eq!(count(&engine, "big"), acked);
    // Deletes add no data: taken. Reads work.
    assert_eq!(engine.delete("big", &[0, 1, 2]).unwrap(), 3);
    assert_eq!(count(&engine, "big"), acked - 3);
    let hits = engine
        .search(
            "big",
            SearchRequest {
                queries: vectors(7, 1),
                k: 1,
                ef: 0,
                exact: true,
                filter: None,
                max_distance: None,
            },
        )
        .unwrap();
    assert_eq!(hits[0][0].id, 7);

    // Freeing the memory (the ballast, the collection): writes are taken again by themselves.
    drop(ballast);
    engine.drop_collection("big").unwrap();
    // Each core sees the memory fall at its own next reading (up to 100 ms apart, and the
    // dropped shards are freed off the cores), so each write is retried until taken.
    let deadline = Instant::now() + Duration::from_secs(30);
    let retry = |write: &dyn Fn() -> Result<(), Error>| loop {
        match write() {
            Ok(()) => break,
            Err(Error::MemoryHigh { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(error) => panic!("writes did not resume: {error}"),
        }
    };
    retry(&|| {
        engine
            .create_collection(CollectionSpec::new("small", DIM, Metric::L2))
            .map(drop)
    });
    for id in 0..8u64 {
        retry(&|| engine.upsert("small", &[id], &vectors(id, 1)).map(drop));
    }
    assert_eq!(count(&engine, "small"), 8);
    engine.shutdown().unwrap();
}
