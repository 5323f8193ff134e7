//! `kill -9` against the real `corevec serve` process (issue #4): client threads ingest through
//! the protocol and log every acknowledged write, the server is killed with SIGKILL at random
//! moments (at least 20 rounds, half of them aimed at a snapshot being written), restarted on
//! the same data directory, and every id is checked: each acknowledged vector is back bit for
//! bit, no acknowledged delete is undone, and a write whose outcome the client could not know
//! (failed or in flight at the kill) left either the previous state or its own. The writers
//! overwrite a small id space, so shards are also compacted during the test (asserted). Each
//! point carries a payload and labels (derived from its vector when upserted), and writers
//! also replace them in place (SET_PAYLOAD, SET_LABELS); every part is checked.
//!
//! `engine/tests/engine_durable.rs` does the same with the engine in a child process; this
//! one goes through the server, the wire protocol and the `corevec` binary's start-up path.
//! `COREVEC_CRASH_SEED=N` replays a seed (the kill moments still depend on timing);
//! `COREVEC_CRASH_ROUNDS=N` runs N kills instead of 20.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

mod service_common;

use corevec_client::{Client, ClientConfig, SearchOptions};
use corevec_proto::{CreateCollection, Metric};
use corevec_tests::{node, Node};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

const COLLECTION: &str = "crash";
const DIM: usize = 16;
const WRITERS: u64 = 4;
/// Writer `t` owns the ids `id % WRITERS == t`: one writer per id, so the order of the writes
/// to an id is the order its writer issued them.
const IDS: u64 = 4000;
/// Kills per run; `COREVEC_CRASH_ROUNDS` raises it for a soak.
const ROUNDS_DEFAULT: usize = 20;
/// Client calls must fail, not hang, once the server is dead.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// A vector as its bit patterns: compared bit for bit.
type Bits = Vec<u32>;

/// A stored point as the test expects it back.
#[derive(Clone, Debug, PartialEq)]
struct Stored {
    vector: Bits,
    payload: Vec<u8>,
    /// Sorted and unique, as the server returns them.
    labels: Vec<u64>,
}

impl Stored {
    /// A point as an upsert of `vector` writes it.
    fn upserted(vector: &[f32]) -> Stored {
        let vector = bits(vector);
        Stored {
            payload: payload_of(&vector),
            labels: labels_of(&vector),
            vector,
        }
    }
}

/// What the test knows about one id.
#[derive(Clone, Debug, Default)]
struct IdState {
    /// The state after the last acknowledged write (`None`: absent). After a restart, the
    /// state that was observed.
    acked: Option<Stored>,
    /// States left by writes of this round whose outcome is unknown (`None`: a delete).
    maybe: Vec<Option<Stored>>,
}

impl IdState {
    fn allows(&self, observed: Option<&Stored>) -> bool {
        self.acked.as_ref() == observed || self.maybe.iter().any(|m| m.as_ref() == observed)
    }

    /// The point as it surely is: acknowledged present, nothing uncertain about it.
    fn known(&self) -> Option<&Stored> {
        self.acked.as_ref().filter(|_| self.maybe.is_empty())
    }
}

#[derive(Debug, Default)]
struct WriterStats {
    acked_upserts: u64,
    acked_deletes: u64,
    acked_in_place: u64,
    uncertain: u64,
    /// Errors while the server was known to be alive (before the kill was started).
    errors_alive: Vec<String>,
}

fn rounds() -> usize {
    std::env::var("COREVEC_CRASH_ROUNDS").map_or(ROUNDS_DEFAULT, |s| {
        s.parse::<usize>()
            .expect("COREVEC_CRASH_ROUNDS is a count")
            .max(ROUNDS_DEFAULT)
    })
}

fn seed() -> u64 {
    std::env::var("COREVEC_CRASH_SEED").map_or_else(
        |_| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        },
        |s| s.parse().expect("COREVEC_CRASH_SEED is a u64"),
    )
}

/// A random finite vector, with an occasional `-0.0` or subnormal so "bit-identical" means
/// more than "equal".
fn random_vector(rng: &mut StdRng) -> Vec<f32> {
    (0..DIM)
        .map(|_| match rng.gen_range(0..40) {
            0 => -0.0,
            1 => f32::from_bits(rng.gen_range(1..0x007f_ffff)),
            _ => rng.gen_range(-100.0f32..100.0),
        })
        .collect()
}

fn bits(vector: &[f32]) -> Bits {
    vector.iter().map(|x| x.to_bits()).collect()
}

/// The payload stored with `vector`: a function of its bits (none for a quarter of them, up
/// to ~2 KiB otherwise), so a payload that does not belong to the vector next to it shows.
fn payload_of(vector: &Bits) -> Vec<u8> {
    let seed = vector[0] ^ vector[1].rotate_left(7);
    if seed % 4 == 0 {
        return Vec::new();
    }
    format!("{seed:08x}|")
        .repeat((seed % 200) as usize + 1)
        .into_bytes()
}

/// The labels stored with `vector`, likewise a function of its bits (none for a third of
/// them, else up to five), sorted and unique as the server returns them.
fn labels_of(vector: &Bits) -> Vec<u64> {
    let seed = u64::from(vector[2] ^ vector[3].rotate_left(11));
    let mut labels: Vec<u64> = (0..seed % 3 * 2 + seed % 2)
        .map(|j| (seed >> (j * 6)) % 50)
        .collect();
    labels.sort_unstable();
    labels.dedup();
    labels
}

fn client(node: &Node) -> Client {
    node.client_with(ClientConfig {
        request_timeout: REQUEST_TIMEOUT,
        connect_timeout: Duration::from_secs(2),
        retries: 0,
        ..ClientConfig::default()
    })
}

/// One writer for one round: upserts and deletes on its own ids until `killed`, recording
/// each write in `model` only once it is acknowledged.
fn writer(
    client: &Client,
    writer: u64,
    model: &mut HashMap<u64, IdState>,
    rng: &mut StdRng,
    killed: &AtomicBool,
) -> WriterStats {
    let mine: Vec<u64> = (0..IDS).filter(|id| id % WRITERS == writer).collect();
    let mut stats = WriterStats::default();
    while !killed.load(Ordering::SeqCst) {
        // 20% deletes, 10% SET_LABELS, 10% SET_PAYLOAD, 60% upserts.
        let op = rng.gen_range(0..10);
        let in_place = op == 2 || op == 3;
        let mut ids: Vec<u64> = if op < 4 {
            // Deletes and in-place updates take ids that are surely there, so they have
            // something to undo and the state they leave is known.
            let n = rng.gen_range(1..=6);
            mine.choose_multiple(rng, 24)
                .copied()
                .filter(|id| model.get(id).is_some_and(|s| s.known().is_some()))
                .take(n)
                .collect()
        } else {
            let n = rng.gen_range(1..=24);
            mine.choose_multiple(rng, n).copied().collect()
        };
        if ids.is_empty() {
            continue;
        }
        ids.sort_unstable();
        let current = |id: &u64| -> Stored {
            model[id]
                .known()
                .cloned()
                .expect("chosen because it is known")
        };
        let (result, new_states): (Result<(), _>, Vec<Option<Stored>>) = match op {
            0 | 1 => (
                client.delete(COLLECTION, &ids).map(drop),
                vec![None; ids.len()],
            ),
            2 => {
                // Unsorted, with duplicates: the server stores them sorted and unique.
                let lists: Vec<Vec<u64>> = ids
                    .iter()
                    .map(|_| {
                        (0..rng.gen_range(0..5))
                            .map(|_| rng.gen_range(0..60))
                            .collect()
                    })
                    .collect();
                let states = ids
                    .iter()
                    .zip(&lists)
                    .map(|(id, list)| {
                        let mut labels = list.clone();
                        labels.sort_unstable();
                        labels.dedup();
                        Some(Stored {
                            labels,
                            ..current(id)
                        })
                    })
                    .collect();
                let lists: Vec<&[u64]> = lists.iter().map(Vec::as_slice).collect();
                (
                    client.set_labels(COLLECTION, &ids, &lists).map(drop),
                    states,
                )
            }
            3 => {
                let payloads: Vec<Vec<u8>> = ids
                    .iter()
                    .map(|_| (0..rng.gen_range(0..300)).map(|_| rng.gen()).collect())
                    .collect();
                let states = ids
                    .iter()
                    .zip(&payloads)
                    .map(|(id, payload)| {
                        Some(Stored {
                            payload: payload.clone(),
                            ..current(id)
                        })
                    })
                    .collect();
                let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
                (
                    client.set_payloads(COLLECTION, &ids, &payloads).map(drop),
                    states,
                )
            }
            _ => {
                let vectors: Vec<Vec<f32>> = ids.iter().map(|_| random_vector(rng)).collect();
                let flat: Vec<f32> = vectors.concat();
                let states: Vec<Stored> = vectors.iter().map(|v| Stored::upserted(v)).collect();
                let payloads: Vec<&[u8]> = states.iter().map(|s| s.payload.as_slice()).collect();
                let labels: Vec<&[u64]> = states.iter().map(|s| s.labels.as_slice()).collect();
                (
                    client
                        .upsert_points(COLLECTION, &ids, &flat, Some(&payloads), Some(&labels))
                        .map(drop),
                    states.into_iter().map(Some).collect(),
                )
            }
        };
        let delete = op < 2;
        let n = ids.len() as u64;
        match result {
            Ok(()) => {
                for (id, state) in ids.into_iter().zip(new_states) {
                    model.entry(id).or_default().acked = state;
                }
                if delete {
                    stats.acked_deletes += n;
                } else if in_place {
                    stats.acked_in_place += n;
                } else {
                    stats.acked_upserts += n;
                }
            }
            Err(e) => {
                let alive = !killed.load(Ordering::SeqCst);
                for (id, state) in ids.into_iter().zip(new_states) {
                    model.entry(id).or_default().maybe.push(state);
                }
                stats.uncertain += n;
                if alive {
                    stats.errors_alive.push(e.to_string());
                    // Not a hot loop if the server refuses for a while.
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        }
    }
    stats
}

/// `snap-*.tmp` directories under `dir`: snapshots that were being written.
fn snapshot_tmp_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !entry.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("snap-") && name.ends_with(".tmp") {
                found.push(path);
            } else if !name.starts_with("snap-") {
                stack.push(path);
            }
        }
    }
    found
}

/// Checks every id against the model, then makes the observed state the new baseline.
/// Returns the number of ids present.
fn verify(node: &Node, model: &mut HashMap<u64, IdState>, seed: u64, round: usize) -> usize {
    let client = client(node);
    let ids: Vec<u64> = (0..IDS).collect();
    let mut observed: Vec<Option<Stored>> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        let got = client
            .get_points(COLLECTION, chunk, true, true)
            .unwrap_or_else(|e| panic!("GET after restart {round}: {e}\n{}", node.log()));
        observed.extend(got.into_iter().map(|point| {
            point.map(|p| Stored {
                vector: bits(&p.vector),
                payload: p.payload,
                labels: p.labels,
            })
        }));
    }
    let mut failures = Vec::new();
    let (mut resolved_new, mut resolved_old) = (0u64, 0u64);
    for (&id, seen) in ids.iter().zip(&observed) {
        let state = model.entry(id).or_default();
        if !state.allows(seen.as_ref()) {
            failures.push(format!(
                "id {id}: observed {}, acknowledged {}, uncertain candidates {:?}",
                describe(seen.as_ref()),
                describe(state.acked.as_ref()),
                state
                    .maybe
                    .iter()
                    .map(|m| describe(m.as_ref()))
                    .collect::<Vec<_>>(),
            ));
        } else if !state.maybe.is_empty() {
            if state.acked.as_ref() == seen.as_ref() {
                resolved_old += 1;
            } else {
                resolved_new += 1;
            }
        }
        state.acked = seen.clone();
        state.maybe.clear();
    }
    assert!(
        failures.is_empty(),
        "seed {seed}: after restart {round}, {} ids are wrong (first 20):\n{}\nlog of the restarted node:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        node.log()
    );
    let present: Vec<(u64, &Bits)> = ids
        .iter()
        .zip(&observed)
        .filter_map(|(&id, p)| p.as_ref().map(|p| (id, &p.vector)))
        .collect();
    println!(
        "  restart {round}: {} ids present; uncertain ids that kept the old state: {resolved_old}, took the new one: {resolved_new}",
        present.len()
    );

    // The restarted node counts and searches what it recovered.
    let info = client.describe_collection(COLLECTION).unwrap();
    assert_eq!(
        info.vectors_count,
        present.len() as u64,
        "seed {seed}: restart {round}: DESCRIBE count vs GET"
    );
    if let Some(&(id, vector)) = present.get(present.len() / 2) {
        let query: Vec<f32> = vector.iter().map(|&b| f32::from_bits(b)).collect();
        let exact = client
            .search(
                COLLECTION,
                &query,
                1,
                SearchOptions {
                    exact: true,
                    ..SearchOptions::default()
                },
            )
            .unwrap();
        assert_eq!(
            exact.hits.first().map(|h| (h.id, h.distance)),
            Some((id, 0.0)),
            "seed {seed}: restart {round}: exact search for id {id}'s own vector"
        );
        let approx = client
            .search(COLLECTION, &query, 10, SearchOptions::default())
            .unwrap();
        assert_eq!(
            approx.hits.len(),
            present.len().min(10),
            "seed {seed}: restart {round}: index search"
        );
    }
    present.len()
}

fn describe(state: Option<&Stored>) -> String {
    state.map_or_else(
        || "absent".to_owned(),
        |p| {
            format!(
                "{:?}.. payload {} bytes, labels {:?}",
                p.vector
                    .iter()
                    .take(3)
                    .map(|&x| f32::from_bits(x))
                    .collect::<Vec<_>>(),
                p.payload.len(),
                p.labels
            )
        },
    )
}

/// Where a round's kill is aimed.
#[derive(Clone, Copy, Debug)]
enum Aim {
    /// 50..600 ms into the load.
    Random,
    /// Up to 2 ms after a `snap-*.tmp` directory appears (blobs being written and synced).
    SnapshotBlobs,
    /// Up to 1 ms after a `snap-*.tmp` directory was renamed into place (directory sync,
    /// deletion of older snapshots and WAL segments).
    SnapshotRenamed,
}

impl Aim {
    /// Sleeps until the kill moment; returns whether the awaited snapshot step was seen
    /// (a 2 s bound per step: never waits forever).
    fn wait(self, data_dir: &Path, rng: &mut StdRng) -> bool {
        let poll = |want_tmp: bool| {
            let deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < deadline {
                if snapshot_tmp_dirs(data_dir).is_empty() != want_tmp {
                    return true;
                }
                std::thread::sleep(Duration::from_micros(100));
            }
            false
        };
        match self {
            Aim::Random => {
                std::thread::sleep(Duration::from_millis(rng.gen_range(50..600)));
                false
            }
            Aim::SnapshotBlobs => {
                std::thread::sleep(Duration::from_millis(rng.gen_range(50..300)));
                let seen = poll(true);
                std::thread::sleep(Duration::from_micros(rng.gen_range(0..2000)));
                seen
            }
            Aim::SnapshotRenamed => {
                std::thread::sleep(Duration::from_millis(rng.gen_range(50..300)));
                let seen = poll(true) && poll(false);
                std::thread::sleep(Duration::from_micros(rng.gen_range(0..1000)));
                seen
            }
        }
    }

    fn describe(self, saw: bool) -> String {
        match self {
            Aim::Random => "random moment".to_owned(),
            Aim::SnapshotBlobs => format!("aimed at snapshot blobs, tmp dir seen: {saw}"),
            Aim::SnapshotRenamed => format!("aimed after a snapshot rename, rename seen: {saw}"),
        }
    }
}

fn wait_joined<T>(handle: &JoinHandle<T>, what: &str, deadline: Instant) {
    while !handle.is_finished() {
        assert!(
            Instant::now() < deadline,
            "{what} still running 20 s after the kill: a client call hangs"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn kill_9_of_the_server_loses_no_acknowledged_write() {
    let seed = seed();
    let rounds = rounds();
    println!("crash_serve seed {seed} (COREVEC_CRASH_SEED={seed} to replay), {rounds} rounds");
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    // O_DIRECT needs a real file system: the target directory, not a possible tmpfs /tmp.
    let work = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let data_dir = work.path().join("data");

    let mut model: HashMap<u64, IdState> = HashMap::new();
    let (mut total_acked, mut total_uncertain, mut total_in_place) = (0u64, 0u64, 0u64);
    let mut snapshot_request_at_kill = 0;
    let mut snapshot_tmp_at_kill = 0;
    let mut compactions_logged = 0;
    let mut groups_overlapped = 0.0;
    let mut errors_alive = Vec::new();

    let mut node = node!().data_dir(&data_dir).start();
    client(&node)
        .create_collection(&CreateCollection {
            name: COLLECTION,
            dim: DIM as u32,
            metric: Metric::L2,
            shards: 2,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .unwrap();

    for round in 1..=rounds {
        let aim = match round % 4 {
            1 | 3 => Aim::SnapshotBlobs,
            2 => Aim::Random,
            _ => Aim::SnapshotRenamed,
        };
        let killed = Arc::new(AtomicBool::new(false));
        let snapshot_in_flight = Arc::new(AtomicBool::new(false));

        let writers: Vec<JoinHandle<(HashMap<u64, IdState>, WriterStats)>> = (0..WRITERS)
            .map(|w| {
                let mut mine: HashMap<u64, IdState> = model
                    .iter()
                    .filter(|(id, _)| *id % WRITERS == w)
                    .map(|(id, s)| (*id, s.clone()))
                    .collect();
                let client = client(&node);
                let killed = Arc::clone(&killed);
                let mut rng = StdRng::seed_from_u64(seed ^ ((round as u64) << 32) ^ (w + 1));
                std::thread::spawn(move || {
                    let stats = writer(&client, w, &mut mine, &mut rng, &killed);
                    (mine, stats)
                })
            })
            .collect();
        let snapshots = {
            let client = client(&node);
            let killed = Arc::clone(&killed);
            let in_flight = Arc::clone(&snapshot_in_flight);
            let mut rng = StdRng::seed_from_u64(seed ^ ((round as u64) << 32) ^ 0xABCD);
            std::thread::spawn(move || {
                let (mut ok, mut failed) = (0u32, 0u32);
                while !killed.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(rng.gen_range(5..80)));
                    in_flight.store(true, Ordering::SeqCst);
                    match client.snapshot(Some(COLLECTION)) {
                        Ok(()) => ok += 1,
                        Err(_) => failed += 1,
                    }
                    in_flight.store(false, Ordering::SeqCst);
                }
                (ok, failed)
            })
        };

        let load_started = Instant::now();
        let saw = aim.wait(&data_dir, &mut rng);
        if matches!(aim, Aim::Random) {
            // WAL groups written behind another write in flight: the kills must land on that
            // path too. Only in the rounds killed at a random moment (a scrape takes a few ms,
            // which the aimed rounds cannot spare).
            let metrics = service_common::scrape(service_common::metrics_addr(&node));
            groups_overlapped += metrics.sum("corevec_shard_wal_groups_overlapped_total", &[]);
        }
        let snapshot_requested = snapshot_in_flight.load(Ordering::SeqCst);
        killed.store(true, Ordering::SeqCst);
        node.signal(libc::SIGKILL);
        let status = node.wait_exit(Duration::from_secs(10));
        assert!(status.is_some(), "SIGKILL did not end the server");
        let load_ms = load_started.elapsed().as_millis();
        let tmp_dirs = snapshot_tmp_dirs(&data_dir);

        let deadline = Instant::now() + Duration::from_secs(20);
        let mut acked = 0;
        let mut uncertain = 0;
        let mut in_place = 0;
        for handle in writers {
            wait_joined(&handle, "a writer", deadline);
            let (mine, stats) = handle.join().expect("writer thread");
            model.extend(mine);
            acked += stats.acked_upserts + stats.acked_deletes + stats.acked_in_place;
            in_place += stats.acked_in_place;
            uncertain += stats.uncertain;
            errors_alive.extend(stats.errors_alive);
        }
        wait_joined(&snapshots, "the snapshot thread", deadline);
        let (snapshots_ok, snapshots_failed) = snapshots.join().expect("snapshot thread");
        total_acked += acked;
        total_uncertain += uncertain;
        total_in_place += in_place;
        snapshot_request_at_kill += usize::from(snapshot_requested);
        snapshot_tmp_at_kill += usize::from(!tmp_dirs.is_empty());
        println!(
            "round {round:2}: killed after {load_ms} ms ({}); acked writes {acked}, uncertain {uncertain}; \
             snapshots done {snapshots_ok}, failed {snapshots_failed}; snapshot request in flight at kill: {snapshot_requested}; \
             snapshot dirs being written at kill: {}",
            aim.describe(saw),
            tmp_dirs.len(),
        );
        let killed_log = node.log();
        compactions_logged += killed_log.matches("compacted shard").count();
        drop(node);

        node = node!().data_dir(&data_dir).start();
        let log_hint = format!("log of the killed node:\n{killed_log}");
        let present = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            verify(&node, &mut model, seed, round)
        }))
        .unwrap_or_else(|panic| {
            eprintln!("{log_hint}");
            std::panic::resume_unwind(panic)
        });
        assert!(
            present > 0 || round == 1,
            "seed {seed}: nothing survived round {round}"
        );
    }
    drop(node);

    println!(
        "crash_serve: {rounds} kills in {:.1} s; acknowledged writes {total_acked} ({total_in_place} in place), uncertain {total_uncertain}; \
         kills with a snapshot request in flight {snapshot_request_at_kill}, with a snapshot directory being written {snapshot_tmp_at_kill}; \
         shard compactions {compactions_logged}; WAL groups written behind another write \
         (random-moment rounds) {groups_overlapped}; errors while the server was alive: {}",
        started.elapsed().as_secs_f64(),
        errors_alive.len()
    );
    assert!(
        errors_alive.is_empty(),
        "seed {seed}: writes failed while the server was alive: {errors_alive:?}"
    );
    assert!(
        total_acked >= rounds as u64 * 10,
        "seed {seed}: too few acknowledged writes ({total_acked}) to test anything"
    );
    assert!(
        total_in_place >= rounds as u64,
        "seed {seed}: too few acknowledged in-place updates ({total_in_place})"
    );
    assert!(
        snapshot_request_at_kill > 0,
        "seed {seed}: no kill landed while a snapshot was requested"
    );
    // Overwrites leave tombstones behind, so shards are compacted (and snapshotted after
    // it) while the kills happen; the checks above then cover compacted layouts too.
    assert!(
        compactions_logged > 0,
        "seed {seed}: no shard was compacted during the test"
    );
    assert!(
        groups_overlapped > 0.0,
        "seed {seed}: no WAL group was written behind another write in flight"
    );
    // The aimed rounds kill as soon as a `snap-*.tmp` directory appears; finding one left
    // behind proves the kill interrupted a snapshot being written.
    assert!(
        snapshot_tmp_at_kill > 0,
        "seed {seed}: no kill landed while a snapshot directory was being written"
    );
}
