//! Compaction through the real engine (glommio cores, O_DIRECT WAL and snapshots): a shard
//! with many replaced and deleted vectors is rebuilt in the background while writes keep
//! arriving, loses nothing, stops returning nothing it should not, and restarts from the
//! compacted snapshot.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use corevec_engine::shard::{CompactionPolicy, EXACT_SEARCH_BYTES_MAX};
use corevec_engine::{CollectionSpec, CoreSelection, Engine, EngineConfig, Metric, SearchRequest};
use corevec_storage::{Durability, WalConfig};

const DIM: usize = 8;

fn data_dir(tag: &str) -> PathBuf {
    // O_DIRECT needs a real file system: stay under the target directory, not tmpfs.
    let base =
        std::env::var_os("CARGO_TARGET_TMPDIR").map_or_else(std::env::temp_dir, PathBuf::from);
    let dir = base.join(format!("corevec-compaction-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn engine(dir: &Path) -> Engine {
    Engine::start(engine_config(dir)).unwrap()
}

fn engine_config(dir: &Path) -> EngineConfig {
    EngineConfig {
        cores: CoreSelection::All,
        data_dir: Some(dir.to_path_buf()),
        wal: WalConfig {
            segment_bytes: 4 << 20,
            durability: Durability::Sync,
            ..WalConfig::default()
        },
        snapshot_wal_bytes: u64::MAX,
        ..Default::default()
    }
}

/// Distinct per (id, version), so a stale version is told apart from the current one:
/// components 1.. are pseudo-random per id, component 0 per (id, version). (A smooth function
/// of `id + c * version` once gave two ids the same vector.)
fn vector(id: u64, version: u64) -> Vec<f32> {
    let unit = |seed: u64| {
        // SplitMix64 finaliser: a different, well-spread value per seed.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    };
    (0..DIM as u64)
        .map(|j| match j {
            0 => unit(id << 20 | version),
            _ => unit(id.wrapping_mul(DIM as u64 + 1) + j + (1 << 60)),
        })
        .collect()
}

/// The payload of `id` at `version`: none for every third version.
fn payload(id: u64, version: u64) -> Vec<u8> {
    if version % 3 == 2 {
        return Vec::new();
    }
    format!("{{\"id\":{id},\"version\":{version}}}").into_bytes()
}

/// The live contents: id → version.
type Model = HashMap<u64, u64>;

fn upsert(engine: &Engine, model: &mut Model, ids: &[u64], version: u64) {
    let flat: Vec<f32> = ids.iter().flat_map(|&id| vector(id, version)).collect();
    let payloads: Vec<Vec<u8>> = ids.iter().map(|&id| payload(id, version)).collect();
    let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    engine
        .upsert_with_payloads("c", ids, &flat, &payloads)
        .unwrap();
    for &id in ids {
        model.insert(id, version);
    }
}

fn delete(engine: &Engine, model: &mut Model, ids: &[u64]) {
    let live = ids.iter().filter(|id| model.contains_key(id)).count() as u64;
    assert_eq!(engine.delete("c", ids).unwrap(), live);
    for id in ids {
        model.remove(id);
    }
}

fn tombstones(engine: &Engine) -> u64 {
    let info = engine.describe("c").unwrap();
    info.shards.iter().map(|s| s.tombstones).sum()
}

/// Every live id returns its current vector and payload, every other id in `0..ids_max` is
/// absent, and searching for a live vector finds it first, through the index and exactly,
/// with the payloads of every hit.
fn verify(engine: &Engine, model: &Model, ids_max: u64) {
    let info = engine.describe("c").unwrap();
    assert_eq!(info.vectors(), model.len() as u64);
    let all: Vec<u64> = (0..ids_max).collect();
    for chunk in all.chunks(1000) {
        let got = engine.get_with_payloads("c", chunk).unwrap();
        for (id, point) in chunk.iter().zip(got) {
            let expected = model
                .get(id)
                .map(|&version| (vector(*id, version), payload(*id, version)));
            assert_eq!(point.map(|p| (p.vector, p.payload)), expected, "id {id}");
        }
    }
    for (&id, &version) in model.iter().take(200) {
        for exact in [false, true] {
            let results = engine
                .search_with_payloads(
                    "c",
                    SearchRequest {
                        queries: vector(id, version),
                        k: 10,
                        ef: 64,
                        exact,
                        filter: None,
                        max_distance: None,
                    },
                )
                .unwrap();
            let hits = &results.neighbors[0];
            assert_eq!(hits[0].id, id, "exact={exact}");
            assert!(
                hits.iter().all(|n| model.contains_key(&n.id)),
                "a deleted id was returned"
            );
            let payloads = &results.payloads.expect("payloads were asked for")[0];
            assert_eq!(payloads.len(), hits.len());
            for (hit, got) in hits.iter().zip(payloads) {
                assert_eq!(
                    *got,
                    payload(hit.id, model[&hit.id]),
                    "payload of hit {}",
                    hit.id
                );
            }
        }
    }
}

#[test]
fn compaction_reclaims_tombstones_under_writes_and_survives_restart() {
    let dir = data_dir("reclaim");
    let mut model = Model::new();
    let ids_max = 20_000u64;
    {
        let engine = engine(&dir);
        engine
            .create_collection(CollectionSpec::new("c", DIM, Metric::L2).with_shards(2))
            .unwrap();
        let base: Vec<u64> = (0..6000).collect();
        upsert(&engine, &mut model, &base, 0);
        engine.wait_indexed("c").unwrap();
        // Replace half, delete a quarter: ~4,500 tombstones in 10,500 slots.
        upsert(&engine, &mut model, &base[..3000], 1);
        delete(&engine, &mut model, &base[3000..4500]);
        assert!(tombstones(&engine) >= 4500);
        let vector_bytes = |engine: &Engine| -> u64 {
            let info = engine.describe("c").unwrap();
            info.shards.iter().map(|s| s.vector_bytes).sum()
        };
        // Compaction may already be under way; at most it has reclaimed nothing yet.
        let peak = vector_bytes(&engine);
        // Keep writing while the cores compact: new ids, replacements, deletes.
        let started = Instant::now();
        let mut round = 0u64;
        let mut saw_compaction = false;
        while !saw_compaction {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "no compaction after 120 s (tombstones: {})",
                tombstones(&engine)
            );
            let fresh: Vec<u64> = (10_000 + round * 2..10_000 + round * 2 + 2).collect();
            upsert(&engine, &mut model, &fresh, round);
            upsert(&engine, &mut model, &[round % 3000], 100 + round);
            delete(&engine, &mut model, &[4500 + round]);
            round += 1;
            saw_compaction = tombstones(&engine) < 500;
            std::thread::sleep(Duration::from_millis(2));
        }
        engine.wait_indexed("c").unwrap();
        verify(&engine, &model, ids_max);
        let info = engine.describe("c").unwrap();
        assert!(info.shards.iter().all(|s| s.compactions >= 1), "{info:?}");
        assert!(
            vector_bytes(&engine) < peak,
            "compaction did not shrink the shards: {} vector bytes, {peak} after the churn",
            vector_bytes(&engine)
        );
        // Writes after the compaction's snapshot live only in the WAL: replayed onto the
        // compacted layout at restart.
        upsert(&engine, &mut model, &[5, 6, 15_000], 500);
        delete(&engine, &mut model, &[7, 5000, 10_000]);
        engine.shutdown().unwrap();
    }
    // The compaction snapshotted each shard: a restart loads the compacted layout (plus the
    // WAL written after it) and finds exactly the same contents.
    let engine = engine(&dir);
    let info = engine.describe("c").unwrap();
    assert!(tombstones(&engine) < 500);
    assert!(
        info.shards.iter().map(|s| s.unindexed).sum::<u64>() < 500,
        "the compacted graph was rebuilt instead of loaded: {info:?}"
    );
    verify(&engine, &model, ids_max);
    engine.shutdown().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Snapshots encode a shard's vectors in slices while writes go on, and a compaction may
/// not swap the layout under them: here one thread requests snapshots back to back while
/// another overwrites points until each shard has compacted several times. No core may trip
/// the encoder's layout check, and every snapshot must describe the state at its LSN (the
/// restart checks the contents).
#[test]
fn snapshots_taken_while_compacting_lose_nothing() {
    let dir = data_dir("snapshots");
    let mut model = Model::new();
    let ids_max = 20_000u64;
    let config = |dir: &Path| EngineConfig {
        compaction: CompactionPolicy {
            min_tombstones: 200,
            tombstone_percent: 5,
        },
        ..engine_config(dir)
    };
    {
        let engine = Engine::start(config(&dir)).unwrap();
        engine
            .create_collection(CollectionSpec::new("c", DIM, Metric::L2).with_shards(2))
            .unwrap();
        let base: Vec<u64> = (0..ids_max).collect();
        upsert(&engine, &mut model, &base, 0);
        let compactions = |engine: &Engine| -> u64 {
            let info = engine.describe("c").unwrap();
            info.shards.iter().map(|s| s.compactions).min().unwrap_or(0)
        };
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            let snapshots = scope.spawn(|| {
                let mut taken = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    engine.snapshot(Some("c")).unwrap();
                    taken += 1;
                }
                taken
            });
            let started = Instant::now();
            let mut round = 1u64;
            while compactions(&engine) < 4 {
                assert!(
                    started.elapsed() < Duration::from_secs(180),
                    "fewer than 4 compactions per shard after 180 s"
                );
                let ids: Vec<u64> = (0..400).map(|i| (round * 397 + i * 50) % ids_max).collect();
                upsert(&engine, &mut model, &ids, round);
                delete(&engine, &mut model, &[(round * 13) % ids_max]);
                round += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            assert!(snapshots.join().unwrap() > 0);
        });
        engine.snapshot(Some("c")).unwrap();
        upsert(&engine, &mut model, &[5, 15_000], 5000);
        engine.wait_indexed("c").unwrap();
        verify(&engine, &model, ids_max);
        engine.shutdown().unwrap();
    }
    let engine = Engine::start(config(&dir)).unwrap();
    verify(&engine, &model, ids_max);
    engine.shutdown().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The core's background work is round-robin over its shards: a long compaction of one
/// collection does not hold up indexing another collection's new vectors on the same core,
/// nor new vectors of the shard being compacted.
#[test]
fn a_compaction_does_not_hold_up_indexing_elsewhere_on_the_core() {
    let engine = Engine::start(EngineConfig {
        cores: CoreSelection::Count(1),
        ..Default::default()
    })
    .unwrap();
    const BIG_DIM: u64 = 48;
    let big = CollectionSpec::new("big", BIG_DIM as usize, Metric::L2).with_shards(1);
    engine.create_collection(big).unwrap();
    // Large enough that its compaction takes far longer than indexing 300 small vectors.
    let n = 30_000u64;
    let ids: Vec<u64> = (0..n).collect();
    let big_vectors = |ids: &[u64]| -> Vec<f32> {
        ids.iter()
            .flat_map(|&id| {
                (0..BIG_DIM).map(move |j| ((id * 7 + j * 13) % 101) as f32 * 0.1 + id as f32 * 1e-4)
            })
            .collect()
    };
    engine.upsert("big", &ids, &big_vectors(&ids)).unwrap();
    engine.wait_indexed("big").unwrap();
    let odd: Vec<u64> = ids.iter().copied().filter(|id| id % 2 == 1).collect();
    engine.delete("big", &odd).unwrap();
    let compacting = |engine: &Engine| engine.describe("big").unwrap().shards[0].compacting;
    let started = Instant::now();
    while compacting(&engine) == 0 {
        assert!(
            engine.describe("big").unwrap().shards[0].compactions == 0,
            "compacted too fast to observe"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "compaction never started"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    engine
        .create_collection(CollectionSpec::new("small", DIM, Metric::L2).with_shards(1))
        .unwrap();
    let small_ids: Vec<u64> = (0..300).collect();
    let small: Vec<f32> = small_ids.iter().flat_map(|&id| vector(id, 0)).collect();
    engine.upsert("small", &small_ids, &small).unwrap();
    engine.wait_indexed("small").unwrap();
    let big = engine.describe("big").unwrap();
    assert_eq!(
        (big.shards[0].compacting, big.shards[0].compactions),
        (1, 0),
        "the small collection was indexed only after the big one's compaction"
    );
    // Writes to the compacting shard itself, more than a scan should cover, are indexed in
    // its old layout meanwhile (taking turns with the compaction) down to that bound, so
    // searches do not scan them until it ends.
    let scan_max = (EXACT_SEARCH_BYTES_MAX / (4 * BIG_DIM as usize)) as u64;
    let extra: Vec<u64> = (n..n + scan_max + 1000).collect();
    engine.upsert("big", &extra, &big_vectors(&extra)).unwrap();
    loop {
        let shard = engine.describe("big").unwrap().shards[0].clone();
        assert_eq!(
            shard.compacting, 1,
            "writes to a compacting shard were indexed only after its compaction"
        );
        if shard.unindexed <= scan_max {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    while compacting(&engine) == 1 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "compaction never ended"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let big = engine.describe("big").unwrap();
    assert_eq!(big.shards[0].compactions, 1);
    assert_eq!(big.vectors(), n / 2 + extra.len() as u64);
    engine.shutdown().unwrap();
}

/// `EngineConfig::compaction` decides when a shard is due; 0 percent turns compaction off.
#[test]
fn the_compaction_policy_is_honoured() {
    let run = |policy: CompactionPolicy, delete_steps: &[u64]| -> Vec<u64> {
        let engine = Engine::start(EngineConfig {
            cores: CoreSelection::Count(1),
            compaction: policy,
            ..Default::default()
        })
        .unwrap();
        engine
            .create_collection(CollectionSpec::new("p", DIM, Metric::L2).with_shards(1))
            .unwrap();
        let ids: Vec<u64> = (0..1000).collect();
        let flat: Vec<f32> = ids.iter().flat_map(|&id| vector(id, 0)).collect();
        engine.upsert("p", &ids, &flat).unwrap();
        engine.wait_indexed("p").unwrap();
        let mut compactions_after_each = Vec::new();
        let mut deleted = 0;
        for &upto in delete_steps {
            let batch: Vec<u64> = (deleted..upto).collect();
            let live = batch.len() as u64;
            assert_eq!(engine.delete("p", &batch).unwrap(), live);
            deleted = upto;
            // Far longer than compacting 1,000 8-d vectors takes (a few milliseconds).
            std::thread::sleep(Duration::from_millis(500));
            let stats = engine.describe("p").unwrap().shards[0].clone();
            assert_eq!(stats.compacting, 0, "still compacting after 500 ms");
            compactions_after_each.push(stats.compactions);
        }
        engine.shutdown().unwrap();
        compactions_after_each
    };
    let half = CompactionPolicy {
        min_tombstones: 10,
        tombstone_percent: 50,
    };
    // 40% tombstones: not due; 60%: due.
    assert_eq!(run(half, &[400, 600]), vec![0, 1]);
    let off = CompactionPolicy {
        min_tombstones: 10,
        tombstone_percent: 0,
    };
    assert_eq!(run(off, &[900]), vec![0]);
    // The default (20%) compacts at 40%.
    assert_eq!(
        run(
            CompactionPolicy {
                min_tombstones: 10,
                ..CompactionPolicy::default()
            },
            &[400]
        ),
        vec![1]
    );
}
