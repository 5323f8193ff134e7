//! Durability through the engine on real O_DIRECT files: restart recovers the acknowledged
//! state (snapshot + WAL), and a `kill -9` at random moments — including while snapshots
//! are being written — never loses an acknowledged write or resurrects a deleted id.
//!
//! The kill test re-executes this test binary as a child writer (qdrant's
//! `process_crash.rs` pattern): the child logs every acknowledged batch on stdout, the parent
//! kills it with SIGKILL, reopens the data directory and checks every id bit for bit.

#![allow(clippy::disallowed_methods)] // the test reads a child process's stdout on a thread

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use corevec_engine::{
    CollectionSpec, CoreSelection, Engine, EngineConfig, Filter, Metric, SearchRequest,
};
use corevec_storage::{Durability, WalConfig};
use rand::{Rng, SeedableRng};

const DIM: usize = 16;
const IDS: u64 = 3000;
const CHILD_ENV: &str = "COREVEC_CRASH_CHILD_DIR";

fn data_dir(tag: &str) -> PathBuf {
    // O_DIRECT needs a real file system: stay under the target directory, not tmpfs.
    let base =
        std::env::var_os("CARGO_TARGET_TMPDIR").map_or_else(std::env::temp_dir, PathBuf::from);
    let dir = base.join(format!("corevec-durable-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn durable_engine(dir: &Path, snapshot_wal_bytes: u64) -> Engine {
    Engine::start(EngineConfig {
        cores: CoreSelection::All,
        data_dir: Some(dir.to_path_buf()),
        wal: WalConfig {
            segment_bytes: 1 << 20,
            durability: Durability::Sync,
            ..WalConfig::default()
        },
        snapshot_wal_bytes,
        ..Default::default()
    })
    .unwrap()
}

/// The vector of `id` at `version`: bit patterns the parent can recompute.
fn vector(id: u64, version: u64) -> Vec<f32> {
    (0..DIM)
        .map(|j| ((id * 31 + version * 7 + j as u64) % 1000) as f32 / 7.0 - 50.0)
        .collect()
}

/// The payload of `id` at `version`: none for a quarter of them, else up to ~1 KiB.
fn payload(id: u64, version: u64) -> Vec<u8> {
    if (id + version) % 4 == 0 {
        return Vec::new();
    }
    format!("{id}:{version};")
        .repeat((id % 64) as usize + 1)
        .into_bytes()
}

/// The labels of `id` at `version`: none for a third of them, else up to three (sorted).
fn labels(id: u64, version: u64) -> Vec<u64> {
    let mut labels: Vec<u64> = (0..(id + version) % 3 * 2)
        .map(|j| (id / 3 + j * 5 + version) % 7)
        .collect();
    labels.sort_unstable();
    labels.dedup();
    labels
}

/// The version a SET_LABELS (`RELABEL +`) or SET_PAYLOAD (`REPAYLOAD +`) of batch `n` gives.
const RELABEL: u64 = 1 << 30;
const REPAYLOAD: u64 = 1 << 31;

/// What batch `n` of a run with `seed` does, in this order: upserts `(id, version)`, deletes
/// `id`, replaces the labels of `id` in place, replaces the payload of `id` in place.
struct Batch {
    upserts: Vec<(u64, u64)>,
    deletes: Vec<u64>,
    relabels: Vec<u64>,
    repayloads: Vec<u64>,
}

fn batch(seed: u64, n: u64) -> Batch {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ (n << 20));
    let mut ids = |max: usize| -> Vec<u64> {
        (0..rng.gen_range(0..max))
            .map(|_| rng.gen_range(0..IDS))
            .collect()
    };
    let upserts = ids(64).into_iter().map(|id| (id, n)).collect();
    Batch {
        upserts,
        deletes: ids(8),
        relabels: ids(8),
        repayloads: ids(8),
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Expected {
    Absent,
    /// The versions of its vector, payload and labels.
    Point(u64, u64, u64),
}

/// After the first `steps` of batch `n`'s four calls, applied to `state`.
fn apply_batch(state: &mut HashMap<u64, Expected>, seed: u64, n: u64, steps: usize) {
    let b = batch(seed, n);
    if steps >= 1 {
        for (id, version) in b.upserts {
            state.insert(id, Expected::Point(version, version, version));
        }
    }
    if steps >= 2 {
        for id in b.deletes {
            state.insert(id, Expected::Absent);
        }
    }
    if steps >= 3 {
        for id in b.relabels {
            if let Some(Expected::Point(_, _, labels)) = state.get_mut(&id) {
                *labels = RELABEL + n;
            }
        }
    }
    if steps >= 4 {
        for id in b.repayloads {
            if let Some(Expected::Point(_, payload, _)) = state.get_mut(&id) {
                *payload = REPAYLOAD + n;
            }
        }
    }
}

/// The state after applying batches `0..acked` in order.
fn model(seed: u64, acked: u64) -> HashMap<u64, Expected> {
    let mut state = HashMap::new();
    for n in 0..acked {
        apply_batch(&mut state, seed, n, 4);
    }
    state
}

/// Child mode: write batches forever, printing `ACK n` after batch `n` is acknowledged.
fn child(dir: &Path, seed: u64, first_batch: u64) {
    let engine = durable_engine(dir, 64 << 10);
    let _ = engine.create_collection(CollectionSpec::new("crash", DIM, Metric::L2).with_shards(3));
    for n in first_batch.. {
        let Batch {
            upserts,
            deletes,
            relabels,
            repayloads,
        } = batch(seed, n);
        let ids: Vec<u64> = upserts.iter().map(|(id, _)| *id).collect();
        let flat: Vec<f32> = upserts.iter().flat_map(|(id, v)| vector(*id, *v)).collect();
        let payloads: Vec<Vec<u8>> = upserts.iter().map(|(id, v)| payload(*id, *v)).collect();
        let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
        let lists: Vec<Vec<u64>> = upserts.iter().map(|(id, v)| labels(*id, *v)).collect();
        let lists: Vec<&[u64]> = lists.iter().map(Vec::as_slice).collect();
        // Duplicate ids within a batch: the later one wins, as in the model.
        engine
            .upsert_points("crash", &ids, &flat, Some(&payloads), Some(&lists))
            .unwrap();
        engine.delete("crash", &deletes).unwrap();
        // In place: SET_LABELS and SET_PAYLOAD of ids that may or may not be there.
        let new_labels: Vec<Vec<u64>> =
            relabels.iter().map(|&id| labels(id, RELABEL + n)).collect();
        let new_labels: Vec<&[u64]> = new_labels.iter().map(Vec::as_slice).collect();
        engine.set_labels("crash", &relabels, &new_labels).unwrap();
        let new_payloads: Vec<Vec<u8>> = repayloads
            .iter()
            .map(|&id| payload(id, REPAYLOAD + n))
            .collect();
        let new_payloads: Vec<&[u8]> = new_payloads.iter().map(Vec::as_slice).collect();
        engine
            .set_payloads("crash", &repayloads, &new_payloads)
            .unwrap();
        if n % 25 == 0 {
            engine.snapshot(Some("crash")).unwrap();
        }
        println!("\nACK {n}");
    }
}

#[test]
#[ignore = "re-exec entry point of the child of kill_9_at_random_moments_loses_no_acknowledged_write, which runs it with --ignored"]
fn crash_child_entry_point() {
    // Runs only when re-executed by `kill_9_at_random_moments_loses_no_acknowledged_write`
    // (which sets CHILD_ENV); a manual `--ignored` run without it has nothing to do.
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let seed: u64 = std::env::var("COREVEC_CRASH_SEED")
        .unwrap()
        .parse()
        .unwrap();
    let first: u64 = std::env::var("COREVEC_CRASH_FIRST")
        .unwrap()
        .parse()
        .unwrap();
    child(Path::new(&dir), seed, first);
}

fn verify(engine: &Engine, seed: u64, acked: u64, pending: Option<u64>, round: usize) {
    let ids: Vec<u64> = (0..IDS).collect();
    let got = engine.get_with_payloads("crash", &ids).unwrap();
    let expected = model(seed, acked);
    // The pending batch is four calls (upsert, delete, set labels, set payloads), each split
    // over shards: per id it may be untouched or have the first 1, 2, 3 or 4 applied.
    let maybe: Vec<HashMap<u64, Expected>> = pending
        .map(|n| {
            (1..=4)
                .map(|steps| {
                    let mut state = model(seed, n);
                    apply_batch(&mut state, seed, n, steps);
                    state
                })
                .collect()
        })
        .unwrap_or_default();
    for (id, got) in ids.iter().zip(got) {
        let want = expected.get(id).copied().unwrap_or(Expected::Absent);
        let alternatives: Vec<Expected> = maybe
            .iter()
            .map(|m| m.get(id).copied().unwrap_or(Expected::Absent))
            .collect();
        let matches = |e: Expected| match (e, &got) {
            (Expected::Absent, None) => true,
            (Expected::Point(v, p, l), Some(point)) => {
                point.payload == payload(*id, p)
                    && point.labels == labels(*id, l)
                    && point
                        .vector
                        .iter()
                        .zip(vector(*id, v))
                        .all(|(a, b)| a.to_bits() == b.to_bits())
            }
            _ => false,
        };
        assert!(
            matches(want) || alternatives.into_iter().any(matches),
            "round {round} seed {seed}: id {id} is {:?}, expected {want:?} (acked batches: {acked}, pending: {pending:?})",
            got.as_ref().map(|p| (p.vector[0], String::from_utf8_lossy(&p.payload)))
        );
    }
}

/// What every thread of a stuck process is doing: its scheduler state and, when gdb is
/// installed, its stack. Only used to explain a failure.
fn thread_stacks(pid: u32) -> String {
    let mut out = String::new();
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for task in tasks.flatten() {
            let path = task.path();
            let read = |name: &str| std::fs::read_to_string(path.join(name)).unwrap_or_default();
            out += &format!(
                "task {:?}: {} wchan={}\n",
                task.file_name(),
                read("stat")
                    .split(") ")
                    .nth(1)
                    .unwrap_or("")
                    .split(' ')
                    .next()
                    .unwrap_or(""),
                read("wchan")
            );
        }
    }
    let gdb = Command::new("gdb")
        .args([
            "-batch",
            "-p",
            &pid.to_string(),
            "-ex",
            "thread apply all bt 30",
        ])
        .output();
    match gdb {
        Ok(gdb) => out + &String::from_utf8_lossy(&gdb.stdout),
        Err(e) => out + &format!("(no stacks: gdb: {e})"),
    }
}

#[test]
fn kill_9_at_random_moments_loses_no_acknowledged_write() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let dir = data_dir("kill");
    let seed: u64 = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::random::<u16>().into());
    println!("SEED={seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut acked = 0u64;
    // The child's stderr (its panics, the engine's log), shown if it stops acknowledging.
    let child_log = dir.with_extension("child.log");
    for round in 0..20 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "crash_child_entry_point",
                // The entry point is #[ignore]d so that a normal run does not count it.
                "--ignored",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(CHILD_ENV, &dir)
            .env("COREVEC_CRASH_SEED", seed.to_string())
            .env("COREVEC_CRASH_FIRST", acked.to_string())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&child_log).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<u64>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line
                    .split("ACK ")
                    .nth(1)
                    .and_then(|n| n.trim().parse().ok())
                {
                    let _ = tx.send(n);
                }
            }
        });
        // Let it recover and write for a random while, then SIGKILL it mid-flight.
        let lifetime = Duration::from_millis(rng.gen_range(300..1200));
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut this_round = 0;
        let start = Instant::now();
        while start.elapsed() < lifetime || this_round == 0 {
            assert!(
                Instant::now() < deadline,
                "round {round}: the child acknowledged nothing in 60 s; its stderr:\n{}\n{}",
                std::fs::read_to_string(&child_log).unwrap_or_default(),
                thread_stacks(child.id())
            );
            if let Ok(n) = rx.recv_timeout(Duration::from_millis(10)) {
                assert_eq!(n, acked, "batches are acknowledged in order");
                acked = n + 1;
                this_round += 1;
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        while let Ok(n) = rx.try_recv() {
            acked = n + 1;
        }
        // Batch `acked` was in flight: it may or may not have landed.
        let engine = durable_engine(&dir, 64 << 10);
        verify(&engine, seed, acked, Some(acked), round);
        engine.shutdown().unwrap();
        // The next child starts with the in-flight batch again: after it, it is certain.
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(&child_log);
}

#[test]
fn restart_recovers_snapshot_plus_wal_with_the_index() {
    let dir = data_dir("restart");
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let n = 6000u64;
    let flat: Vec<f32> = (0..n as usize * DIM)
        .map(|_| rng.gen_range(-1.0..1.0))
        .collect();
    let ids: Vec<u64> = (0..n).collect();
    let query = flat[..DIM].to_vec();
    let before;
    {
        let engine = durable_engine(&dir, u64::MAX);
        engine
            .create_collection(CollectionSpec::new("r", DIM, Metric::Cosine).with_shards(2))
            .unwrap();
        engine
            .upsert("r", &ids[..4000], &flat[..4000 * DIM])
            .unwrap();
        engine.wait_indexed("r").unwrap();
        engine.snapshot(None).unwrap();
        // After the snapshot: WAL only.
        engine
            .upsert("r", &ids[4000..], &flat[4000 * DIM..])
            .unwrap();
        engine.delete("r", &[1, 2, 3]).unwrap();
        engine.upsert("r", &[0], &[0.5; DIM]).unwrap();
        before = engine
            .search(
                "r",
                SearchRequest {
                    queries: query.clone(),
                    k: 10,
                    ef: 64,
                    exact: true,
                    filter: None,
                    max_distance: None,
                },
            )
            .unwrap();
        engine.shutdown().unwrap();
    }
    let engine = durable_engine(&dir, u64::MAX);
    let info = engine.describe("r").unwrap();
    assert_eq!(info.vectors(), n - 3);
    assert_eq!(info.spec.shards, 2);
    // The snapshot's graph was loaded, not rebuilt: at most the WAL tail is unindexed.
    assert!(info.shards.iter().map(|s| s.unindexed).sum::<u64>() <= 2001);
    // A cosine collection stores its vectors scaled to unit length.
    let stored = |v: &[f32]| Some(Metric::Cosine.stored(v).into_owned());
    assert_eq!(
        engine.get("r", &[0, 1, 5000]).unwrap(),
        vec![
            stored(&[0.5; DIM]),
            None,
            stored(&flat[5000 * DIM..5001 * DIM])
        ]
    );
    let after = engine
        .search(
            "r",
            SearchRequest {
                queries: query,
                k: 10,
                ef: 64,
                exact: true,
                filter: None,
                max_distance: None,
            },
        )
        .unwrap();
    assert_eq!(before, after);
    engine.wait_indexed("r").unwrap();
    engine.drop_collection("r").unwrap();
    engine.shutdown().unwrap();
    let engine = durable_engine(&dir, u64::MAX);
    assert!(
        engine.list_collections().unwrap().is_empty(),
        "a dropped collection came back"
    );
    engine.shutdown().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Labels go through the WAL and snapshots, survive SET_PAYLOAD, are replaced by SET_LABELS
/// (which keeps payloads), and filtered searches (exact and through the index, both shards)
/// return exactly the matching points.
#[test]
fn labels_survive_restart_and_filter_searches() {
    let dir = data_dir("labels");
    let n = 3000u64;
    let ids: Vec<u64> = (0..n).collect();
    let flat: Vec<f32> = ids.iter().flat_map(|&id| vector(id, 1)).collect();
    let label_lists: Vec<Vec<u64>> = ids.iter().map(|&id| labels(id, 1)).collect();
    let label_refs: Vec<&[u64]> = label_lists.iter().map(Vec::as_slice).collect();
    let filter = Filter {
        all_of: vec![2],
        none_of: vec![3],
        ..Filter::default()
    };
    let matching = |id: u64, labels_of: &dyn Fn(u64) -> Vec<u64>| {
        let labels = labels_of(id);
        labels.contains(&2) && !labels.contains(&3)
    };
    let search = |engine: &Engine, exact: bool| -> Vec<u64> {
        let hits = engine
            .search(
                "l",
                SearchRequest {
                    queries: vector(7, 1),
                    k: 1000,
                    ef: 1000,
                    exact,
                    filter: Some(filter.clone()),
                    max_distance: None,
                },
            )
            .unwrap();
        let mut ids: Vec<u64> = hits[0].iter().map(|n| n.id).collect();
        ids.sort_unstable();
        ids
    };
    {
        let engine = durable_engine(&dir, u64::MAX);
        engine
            .create_collection(CollectionSpec::new("l", DIM, Metric::L2).with_shards(2))
            .unwrap();
        engine
            .upsert_points(
                "l",
                &ids[..2000],
                &flat[..2000 * DIM],
                None,
                Some(&label_refs[..2000]),
            )
            .unwrap();
        engine.wait_indexed("l").unwrap();
        engine.snapshot(None).unwrap();
        // WAL only from here: more labelled points, one point losing its labels, and a
        // payload replaced (the labels stay).
        engine
            .upsert_points(
                "l",
                &ids[2000..],
                &flat[2000 * DIM..],
                None,
                Some(&label_refs[2000..]),
            )
            .unwrap();
        engine.upsert("l", &[10], &vector(10, 1)).unwrap();
        assert_eq!(engine.set_payloads("l", &[13], &[b"p"]).unwrap(), 1);
        // SET_LABELS replaces labels and keeps the payload; absent ids are skipped.
        assert_eq!(
            engine
                .set_labels("l", &[10, 13, 99_999], &[&[2, 2], &[4, 1], &[1]])
                .unwrap(),
            2
        );
        engine.shutdown().unwrap();
    }
    let labels_now = |id: u64| match id {
        10 => vec![2],
        13 => vec![1, 4],
        _ => labels(id, 1),
    };
    let engine = durable_engine(&dir, u64::MAX);
    // The labels and payload of each of `ids`, all present.
    let labels_and_payloads = |engine: &Engine, ids: &[u64]| -> Vec<(Vec<u64>, Vec<u8>)> {
        let points = engine.get_with_payloads("l", ids).unwrap();
        points
            .into_iter()
            .map(|p| p.map(|p| (p.labels, p.payload)).unwrap())
            .collect()
    };
    assert_eq!(
        labels_and_payloads(&engine, &[10, 13, 2500]),
        vec![
            (vec![2], Vec::new()),
            (vec![1, 4], b"p".to_vec()),
            (labels(2500, 1), Vec::new())
        ]
    );
    assert_ne!(labels(13, 1), vec![1, 4], "SET_LABELS changed nothing");
    // The ids whose labels (as `labels_of` says they are now) match the filter.
    let matching_ids = |labels_of: &dyn Fn(u64) -> Vec<u64>| -> Vec<u64> {
        ids.iter()
            .copied()
            .filter(|&id| matching(id, labels_of))
            .collect()
    };
    let want = matching_ids(&labels_now);
    assert!(
        want.len() > 100 && want.len() < 1000,
        "{} matching",
        want.len()
    );
    engine.wait_indexed("l").unwrap();
    assert_eq!(search(&engine, true), want);
    // k = 1000 with ef = 1000 over 1,500 points per shard: every match is reachable.
    assert_eq!(search(&engine, false), want);
    // Refusals: too many labels on a point, a filter naming too many.
    let too_many: Vec<u64> = (0..65).collect();
    assert!(engine
        .upsert_points("l", &[1], &vector(1, 1), None, Some(&[&too_many]))
        .is_err());
    let wide = Filter {
        any_of: vec![(0..1025).collect()],
        ..Filter::default()
    };
    assert!(engine
        .search(
            "l",
            SearchRequest {
                queries: vector(7, 1),
                k: 1,
                ef: 0,
                exact: false,
                filter: Some(wide),
                max_distance: None,
            },
        )
        .is_err());
    // In place again, then a snapshot: it writes the replaced payloads and labels where their
    // slots are; after a restart from it alone they are all there, and nothing was re-indexed.
    let slots = |engine: &Engine| -> u64 {
        let info = engine.describe("l").unwrap();
        info.shards.iter().map(|s| s.vectors + s.tombstones).sum()
    };
    let slots_before = slots(&engine);
    assert_eq!(
        engine.set_labels("l", &[13, 2500], &[&[2], &[9]]).unwrap(),
        2
    );
    assert_eq!(engine.set_payloads("l", &[2500], &[b"q"]).unwrap(), 1);
    assert_eq!(
        slots(&engine),
        slots_before,
        "an in-place update took a new slot"
    );
    engine.snapshot(None).unwrap();
    engine.shutdown().unwrap();
    let engine = durable_engine(&dir, u64::MAX);
    assert_eq!(slots(&engine), slots_before);
    let info = engine.describe("l").unwrap();
    assert_eq!(info.shards.iter().map(|s| s.unindexed).sum::<u64>(), 0);
    assert_eq!(
        labels_and_payloads(&engine, &[13, 2500]),
        vec![(vec![2], b"p".to_vec()), (vec![9], b"q".to_vec())]
    );
    let labels_now = |id: u64| match id {
        10 | 13 => vec![2],
        2500 => vec![9],
        _ => labels(id, 1),
    };
    let want = matching_ids(&labels_now);
    assert_eq!(search(&engine, true), want);
    assert_eq!(search(&engine, false), want);
    engine.shutdown().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Dropping a collection while writers, WAL rotations and automatic snapshots are in flight,
/// then creating one of the same name with another dimension and shard count: the new
/// collection never receives the old one's writes or files, no core panics, and after a
/// restart the last incarnation holds exactly what was written to it.
#[test]
fn drop_and_recreate_under_concurrent_writes_keeps_the_incarnations_apart() {
    let dir = data_dir("recreate");
    // Automatic snapshots every 64 KiB of WAL, 1 MiB segments: both happen during the rounds.
    let engine = durable_engine(&dir, 64 << 10);
    let shapes = [(DIM, 2u32), (DIM / 2, 3), (DIM, 1), (DIM / 2, 2)].repeat(2);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let mut last: Vec<(u64, Vec<f32>)> = Vec::new();
    std::thread::scope(|scope| {
        // Writers with DIM-wide vectors, whatever the collection's current shape: they get
        // CollectionNotFound or DimensionMismatch between rounds and carry on.
        for writer in 0..3u64 {
            let (engine, stop) = (&engine, &stop);
            scope.spawn(move || {
                let mut version = 0;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    version += 1;
                    let ids: Vec<u64> = (0..64).map(|i| 100_000 * (writer + 1) + i).collect();
                    let flat: Vec<f32> = ids.iter().flat_map(|&id| vector(id, version)).collect();
                    let _ = engine.upsert("c", &ids, &flat);
                    // Not a tight loop: the other tests of this binary share the 2 cores.
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
        }
        for (round, &(dim, shards)) in shapes.iter().enumerate() {
            engine
                .create_collection(CollectionSpec::new("c", dim, Metric::L2).with_shards(shards))
                .unwrap_or_else(|e| panic!("round {round}: create: {e}"));
            let ids: Vec<u64> = (0..300).collect();
            let points: Vec<(u64, Vec<f32>)> = ids
                .iter()
                .map(|&id| (id, vector(id, round as u64)[..dim].to_vec()))
                .collect();
            let flat: Vec<f32> = points.iter().flat_map(|(_, v)| v.clone()).collect();
            engine.upsert("c", &ids, &flat).unwrap();
            std::thread::sleep(Duration::from_millis(150));
            let got = engine.get("c", &ids).unwrap();
            for (id, want) in &points {
                assert_eq!(
                    got[*id as usize].as_ref(),
                    Some(want),
                    "round {round}: id {id}"
                );
            }
            if round + 1 < shapes.len() {
                engine.drop_collection("c").unwrap();
            } else {
                last = points;
            }
        }
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
    });
    let (dim, shards) = shapes[shapes.len() - 1];
    let writers_ids: Vec<u64> = (0..3u64)
        .flat_map(|w| (0..64).map(move |i| 100_000 * (w + 1) + i))
        .collect();
    let check = |engine: &Engine, context: &str| {
        let info = engine.describe("c").unwrap();
        assert_eq!(
            (info.spec.dim, info.spec.shards),
            (dim, shards),
            "{context}"
        );
        assert_eq!(
            info.vectors(),
            last.len() as u64,
            "{context}: only the last round's points"
        );
        let ids: Vec<u64> = last.iter().map(|(id, _)| *id).collect();
        let got = engine.get("c", &ids).unwrap();
        for ((id, want), got) in last.iter().zip(got) {
            assert_eq!(got.as_ref(), Some(want), "{context}: id {id}");
        }
        assert!(
            engine
                .get("c", &writers_ids)
                .unwrap()
                .iter()
                .all(Option::is_none),
            "{context}: a write of the wrong dimension got in"
        );
    };
    check(&engine, "before the restart");
    engine.shutdown().unwrap();
    let engine = durable_engine(&dir, 64 << 10);
    check(&engine, "after the restart");
    engine.shutdown().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_missing_shard_directory_stops_the_start_instead_of_serving_an_empty_shard() {
    let dir = data_dir("missing-shard");
    let engine = durable_engine(&dir, u64::MAX);
    engine
        .create_collection(CollectionSpec::new("m", DIM, Metric::L2).with_shards(2))
        .unwrap();
    let ids: Vec<u64> = (0..200).collect();
    let flat: Vec<f32> = ids.iter().flat_map(|&id| vector(id, 0)).collect();
    engine.upsert("m", &ids, &flat).unwrap();
    engine.shutdown().unwrap();

    let shard = dir.join("collections/m/shard-1");
    std::fs::remove_dir_all(&shard).unwrap();
    // Every time, and the failed start returns (the core that did start is stopped too).
    for _ in 0..10 {
        let err = Engine::start(EngineConfig {
            data_dir: Some(dir.clone()),
            ..Default::default()
        })
        .err()
        .expect("a start without a shard's directory");
        assert!(
            err.to_string().contains("shard-1") && err.to_string().contains("missing"),
            "{err}"
        );
    }
    // The operator accepts the loss by creating the directory: shard 0's points remain.
    std::fs::create_dir(&shard).unwrap();
    let engine = durable_engine(&dir, u64::MAX);
    let found = engine.get("m", &ids).unwrap();
    let kept = found.iter().filter(|p| p.is_some()).count();
    assert!(kept > 50 && kept < 150, "{kept} of 200 points");
    engine.shutdown().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
