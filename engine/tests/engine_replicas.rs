//! Read replicas on real pinned executors: every core's copy of a shard it does not own holds
//! exactly the owner's points (vectors, payloads, labels, deletes, concurrent overwrites from
//! coordinators on every core), searches on every core give the owner's answers, and after a
//! restart the copies are taken again while writes go on.

#![allow(clippy::disallowed_methods)] // writer threads drive the engine from outside

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use corevec_engine::mesh::MESH_CREDITS_DEFAULT;
use corevec_engine::{
    CollectionInfo, CollectionSpec, CoreSelection, Engine, EngineConfig, Error, Filter, Metric,
    Neighbor, SearchRequest,
};
use rand::{Rng, SeedableRng};

const DIM: usize = 8;
/// Ids written; small enough that one exact search with k = 1024 returns them all.
const IDS: u64 = 900;

/// The vector of `id` at `version`.
fn vector(id: u64, version: u64) -> Vec<f32> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(id * 1_000_003 + version);
    (0..DIM).map(|_| rng.gen_range(-1.0f32..1.0)).collect()
}

fn payload(id: u64, version: u64) -> Vec<u8> {
    format!("{id}@{version}").into_bytes()
}

fn labels(id: u64, version: u64) -> Vec<u64> {
    vec![id % 3, 10 + version % 2]
}

/// The engine on two cores with `mesh_credits` per pair of cores, or `None` (with a
/// message) where the machine has one.
fn engine_on_two_cores(data_dir: Option<&Path>, mesh_credits: usize) -> Option<Engine> {
    let cores = corevec_engine::topology::MachineTopology::discover()
        .unwrap()
        .cores
        .len();
    if cores < 2 {
        eprintln!("skipped: read replicas need two cores, this machine has {cores}");
        return None;
    }
    Some(
        Engine::start(EngineConfig {
            cores: CoreSelection::Count(2),
            data_dir: data_dir.map(Path::to_path_buf),
            mesh_credits,
            ..Default::default()
        })
        .unwrap(),
    )
}

fn data_dir(tag: &str) -> PathBuf {
    // O_DIRECT needs a real file system: stay under the target directory, not tmpfs.
    let base =
        std::env::var_os("CARGO_TARGET_TMPDIR").map_or_else(std::env::temp_dir, PathBuf::from);
    let dir = base.join(format!("corevec-replicas-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs `write` until the engine takes it (it answers `Busy` while the cores are out of
/// credits towards each other).
fn until_taken(mut write: impl FnMut() -> Result<u64, Error>) {
    loop {
        match write() {
            Err(Error::Busy(_)) => std::thread::yield_now(),
            result => {
                result.unwrap();
                return;
            }
        }
    }
}

/// Writes from `threads` threads at once (the engine spreads their calls over both cores, so
/// both coordinate writes): upserts that overwrite each other's ids, deletes, label and
/// payload replacements. Each thread owns the ids `i % threads == t` for deletes and
/// in-place updates, and every thread overwrites every id, so only the owner's order decides
/// the outcome.
fn write_concurrently(engine: &Arc<Engine>, name: &str, threads: u64, rounds: u64) {
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let engine = Arc::clone(engine);
            let name = name.to_owned();
            std::thread::spawn(move || {
                for round in 0..rounds {
                    let version = round * threads + t;
                    let ids: Vec<u64> = (0..IDS).filter(|id| (id + round) % 4 != 0).collect();
                    let vectors: Vec<f32> =
                        ids.iter().flat_map(|&id| vector(id, version)).collect();
                    let payloads: Vec<Vec<u8>> =
                        ids.iter().map(|&id| payload(id, version)).collect();
                    let label_lists: Vec<Vec<u64>> =
                        ids.iter().map(|&id| labels(id, version)).collect();
                    let payload_refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
                    let label_refs: Vec<&[u64]> = label_lists.iter().map(Vec::as_slice).collect();
                    for ((ids, vectors), (payloads, labels)) in ids
                        .chunks(100)
                        .zip(vectors.chunks(100 * DIM))
                        .zip(payload_refs.chunks(100).zip(label_refs.chunks(100)))
                    {
                        until_taken(|| {
                            engine.upsert_points(&name, ids, vectors, Some(payloads), Some(labels))
                        });
                    }
                    let mine: Vec<u64> = (0..IDS).filter(|id| id % threads == t).collect();
                    let doomed: Vec<u64> = mine
                        .iter()
                        .copied()
                        .filter(|id| (id + round) % 7 == 0)
                        .collect();
                    until_taken(|| engine.delete(&name, &doomed));
                    let relabelled: Vec<u64> = mine
                        .iter()
                        .copied()
                        .filter(|id| (id + round) % 5 == 0)
                        .collect();
                    let new_labels: Vec<Vec<u64>> =
                        relabelled.iter().map(|&id| vec![100 + id % 2]).collect();
                    let refs: Vec<&[u64]> = new_labels.iter().map(Vec::as_slice).collect();
                    until_taken(|| engine.set_labels(&name, &relabelled, &refs));
                    let repaid: Vec<u64> = mine
                        .iter()
                        .copied()
                        .filter(|id| (id + round) % 6 == 0)
                        .collect();
                    let refs: Vec<&[u8]> = repaid.iter().map(|_| &b"in place"[..]).collect();
                    until_taken(|| engine.set_payloads(&name, &repaid, &refs));
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
}

/// A point as stored: vector, payload, labels.
type Stored = (Vec<f32>, Vec<u8>, Vec<u64>);

/// Every live point as its owner holds it (GET is answered by the owner), by id.
fn owners_points(engine: &Engine, name: &str) -> BTreeMap<u64, Stored> {
    let ids: Vec<u64> = (0..IDS).collect();
    let points = engine.get_with_payloads(name, &ids).unwrap();
    ids.into_iter()
        .zip(points)
        .filter_map(|(id, point)| point.map(|p| (id, (p.vector, p.payload, p.labels))))
        .collect()
}

fn search_on(
    engine: &Engine,
    core: usize,
    name: &str,
    request: SearchRequest,
) -> (Vec<Vec<Neighbor>>, Vec<Vec<Vec<u8>>>) {
    let name = name.to_owned();
    let results = engine
        .call_on(core, move |local| async move {
            local.search_with_payloads(&name, request).await
        })
        .unwrap();
    (results.neighbors, results.payloads.unwrap_or_default())
}

fn exact(query: &[f32], filter: Option<Filter>) -> SearchRequest {
    SearchRequest {
        queries: query.to_vec(),
        k: 1024,
        ef: 0,
        exact: true,
        filter,
        max_distance: None,
    }
}

/// Checks that each core answers exactly as the owners' points say: an exact search for every
/// live point (ids, distances to the bit, payloads), filtered searches for each label, and
/// index searches that return only live ids.
fn assert_every_core_holds(engine: &Engine, name: &str) {
    let points = owners_points(engine, name);
    assert!(!points.is_empty());
    let metric = Metric::L2;
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for _ in 0..3 {
        let query: Vec<f32> = (0..DIM).map(|_| rng.gen_range(-1.0f32..1.0)).collect();
        let mut want: Vec<(Neighbor, Vec<u8>)> = points
            .iter()
            .map(|(&id, (v, p, _))| {
                let n = Neighbor {
                    id,
                    distance: metric.distance(&query, v),
                };
                (n, p.clone())
            })
            .collect();
        want.sort_by(|a, b| a.0.cmp_rank(&b.0));
        for core in 0..engine.cores() {
            let (lists, payloads) = search_on(engine, core, name, exact(&query, None));
            let got: Vec<(Neighbor, Vec<u8>)> =
                lists[0].iter().cloned().zip(payloads[0].clone()).collect();
            assert_eq!(got.len(), want.len(), "core {core}: live points");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.0.id, w.0.id, "core {core}");
                assert_eq!(
                    g.0.distance.to_bits(),
                    w.0.distance.to_bits(),
                    "core {core} id {}",
                    g.0.id
                );
                assert_eq!(g.1, w.1, "core {core}: payload of {}", g.0.id);
            }
            for label in [0, 1, 2, 10, 11, 100, 101] {
                let filter = Filter {
                    all_of: vec![label],
                    ..Filter::default()
                };
                let (lists, _) = search_on(engine, core, name, exact(&query, Some(filter)));
                let mut got: Vec<u64> = lists[0].iter().map(|n| n.id).collect();
                got.sort_unstable();
                let want: Vec<u64> = points
                    .iter()
                    .filter(|(_, (_, _, l))| l.contains(&label))
                    .map(|(&id, _)| id)
                    .collect();
                assert_eq!(got, want, "core {core}: points labelled {label}");
            }
            let (lists, _) = search_on(
                engine,
                core,
                name,
                SearchRequest {
                    queries: query.clone(),
                    k: 10,
                    ef: 64,
                    exact: false,
                    filter: None,
                    max_distance: None,
                },
            );
            assert_eq!(lists[0].len(), 10);
            for n in &lists[0] {
                assert!(
                    points.contains_key(&n.id),
                    "core {core}: index search returned deleted id {}",
                    n.id
                );
            }
        }
    }
}

/// Checks that every replica is ready and holds as many points as its owner.
fn assert_replicas_ready(info: &CollectionInfo, cores: usize) {
    let shards = info.spec.shards as usize;
    let expected = (0..cores)
        .map(|core| (0..shards).filter(|s| s % cores != core).count())
        .sum::<usize>();
    assert_eq!(info.replicas.len(), expected, "{:?}", info.replicas);
    for replica in &info.replicas {
        let owner = &info.shards[replica.shard as usize];
        assert!(replica.ready, "{replica:?}");
        assert_ne!(replica.shard as usize % cores, replica.core, "{replica:?}");
        assert_eq!(
            replica.vectors, owner.vectors,
            "{replica:?} vs owner {owner:?}"
        );
    }
}

#[test]
fn read_replicas_hold_every_write_and_answer_searches_on_every_core() {
    // Few credits: forwarded writes wait for them and reach the replica out of order.
    let Some(engine) = engine_on_two_cores(None, 2) else {
        return;
    };
    let engine = Arc::new(engine);
    let spec = CollectionSpec::new("replicated", DIM, Metric::L2)
        .with_shards(1)
        .with_read_replicas(true);
    engine.create_collection(spec).unwrap();
    write_concurrently(&engine, "replicated", 4, 6);
    engine.wait_indexed("replicated").unwrap();
    let info = engine.describe("replicated").unwrap();
    assert_replicas_ready(&info, 2);
    assert!(info.replicas[0].next_batch > 0, "{:?}", info.replicas);
    assert_eq!(info.replicas[0].unindexed, 0);
    assert_every_core_holds(&engine, "replicated");

    // Core 1 answers alone from its replica: it does not wait for core 0, which owns the
    // shard and is held busy here.
    let (started, holding) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(true)),
    );
    let blocker = {
        let (engine, started, holding) = (
            Arc::clone(&engine),
            Arc::clone(&started),
            Arc::clone(&holding),
        );
        std::thread::spawn(move || {
            engine.call_on(0, move |_| async move {
                started.store(true, Ordering::SeqCst);
                std::thread::sleep(Duration::from_secs(3));
                holding.store(false, Ordering::SeqCst);
                Ok(())
            })
        })
    };
    while !started.load(Ordering::SeqCst) {
        std::thread::yield_now();
    }
    let (lists, _) = search_on(&engine, 1, "replicated", exact(&vector(1, 0), None));
    assert!(
        holding.load(Ordering::SeqCst),
        "core 1's search waited for core 0"
    );
    assert!(!lists[0].is_empty());
    blocker.join().unwrap().unwrap();

    // A collection without replicas reports none.
    engine
        .create_collection(CollectionSpec::new("plain", DIM, Metric::L2).with_shards(1))
        .unwrap();
    assert!(engine.describe("plain").unwrap().replicas.is_empty());
    // Dropping a replicated collection drops its replicas; the name can be used again.
    engine.drop_collection("replicated").unwrap();
    engine
        .create_collection(
            CollectionSpec::new("replicated", DIM, Metric::L2)
                .with_shards(2)
                .with_read_replicas(true),
        )
        .unwrap();
    engine.upsert("replicated", &[1], &vector(1, 0)).unwrap();
    engine.wait_indexed("replicated").unwrap();
    let info = engine.describe("replicated").unwrap();
    assert_replicas_ready(&info, 2);
    assert_eq!(info.replicas.iter().map(|r| r.vectors).sum::<u64>(), 1);
}

#[test]
fn read_replicas_copy_their_owners_again_after_a_restart_while_writes_go_on() {
    let dir = data_dir("restart");
    let Some(engine) = engine_on_two_cores(Some(&dir), MESH_CREDITS_DEFAULT) else {
        return;
    };
    let engine = Arc::new(engine);
    let spec = CollectionSpec::new("replicated", DIM, Metric::L2)
        .with_shards(3)
        .with_read_replicas(true);
    engine.create_collection(spec).unwrap();
    write_concurrently(&engine, "replicated", 2, 2);
    engine.snapshot(Some("replicated")).unwrap();
    write_concurrently(&engine, "replicated", 2, 1);
    let before = owners_points(&engine, "replicated");
    Arc::into_inner(engine).unwrap().shutdown().unwrap();

    let engine = Arc::new(engine_on_two_cores(Some(&dir), MESH_CREDITS_DEFAULT).unwrap());
    assert!(engine.list_collections().unwrap()[0].read_replicas);
    assert_eq!(owners_points(&engine, "replicated"), before);
    // Writes right away: the replicas are being copied meanwhile.
    write_concurrently(&engine, "replicated", 2, 2);
    engine.wait_indexed("replicated").unwrap();
    assert_replicas_ready(&engine.describe("replicated").unwrap(), 2);
    assert_every_core_holds(&engine, "replicated");
    Arc::into_inner(engine).unwrap().shutdown().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_read_replica_builds_the_owners_graph() {
    // Large enough to be searched through its graph, not scanned (`EXACT_SEARCH_BYTES_MAX`).
    const N: u64 = 6000;
    const WIDE: usize = 128;
    let Some(engine) = engine_on_two_cores(None, MESH_CREDITS_DEFAULT) else {
        return;
    };
    let spec = CollectionSpec::new("graph", WIDE, Metric::L2)
        .with_shards(1)
        .with_read_replicas(true);
    engine.create_collection(spec).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let mut random =
        |n: usize| -> Vec<f32> { (0..n * WIDE).map(|_| rng.gen_range(-1.0f32..1.0)).collect() };
    for start in (0..N).step_by(500) {
        let ids: Vec<u64> = (start..start + 500).collect();
        engine.upsert("graph", &ids, &random(ids.len())).unwrap();
    }
    let replaced: Vec<u64> = (0..N).step_by(9).collect();
    engine
        .upsert("graph", &replaced, &random(replaced.len()))
        .unwrap();
    let deleted: Vec<u64> = (4..N).step_by(13).collect();
    engine.delete("graph", &deleted).unwrap();
    engine.wait_indexed("graph").unwrap();
    let info = engine.describe("graph").unwrap();
    assert_replicas_ready(&info, 2);
    assert_eq!(info.replicas[0].unindexed, 0);
    let queries = random(50);
    for query in queries.chunks(WIDE) {
        let request = SearchRequest {
            queries: query.to_vec(),
            k: 10,
            ef: 16,
            exact: false,
            filter: None,
            max_distance: None,
        };
        let on_owner = search_on(&engine, 0, "graph", request.clone()).0;
        assert_eq!(on_owner[0].len(), 10);
        assert!(on_owner[0].iter().all(|n| !deleted.contains(&n.id)));
        assert_eq!(search_on(&engine, 1, "graph", request).0, on_owner);
    }
}
