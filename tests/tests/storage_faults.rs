//! EIO and ENOSPC from the file layer, end to end: the real `corevec serve` process (the
//! `corevec-test-node` binary, built with `corevec-storage/fault-injection`) with a fault plan
//! in `COREVEC_FAULTS` (storage/src/disk/fault_plan.rs), and once on a genuinely full tmpfs.
//!
//! What every scenario checks (issue #4: "ENOSPC and EIO from the file layer turn into
//! client-visible errors, and the shard stays readable"):
//! - the write whose WAL flush fails gets an ERROR frame with the exact code (`STORAGE` for
//!   EIO, `NO_SPACE` for ENOSPC) and a message naming the operation, the file and the cause;
//! - later writes to that shard are refused before they change anything, with the same code
//!   (`NO_SPACE` stays `NO_SPACE`) and a message naming the WAL's failed state and the
//!   original cause; the connection, new connections and other collections keep working;
//! - GET and exact SEARCH still return every acknowledged vector;
//! - after a restart without the fault, every acknowledged vector is there, nothing that was
//!   rejected after the WAL failed is, and new writes succeed.
//!
//! A failed snapshot is different: it is reported (`NO_SPACE` here) but leaves the WAL usable.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use corevec_client::{Client, ClientError, SearchOptions};
use corevec_proto::ErrorCode;
use corevec_tests::{create_l2, node, Node};

mod service_common;
use service_common::{metrics_addr, scrape};

const DIM: usize = 8;
const BATCH: u64 = 50;

/// The vector of `id` (its first component is the id, so an exact search for it finds it at
/// distance 0 and nothing else there); the collection's dimension is `dim`.
fn vector_of(id: u64, dim: usize) -> Vec<f32> {
    let mut v = vec![id as f32, (id % 97) as f32, 1.0];
    v.resize(dim, (id % 5) as f32);
    v
}

fn vector(id: u64) -> Vec<f32> {
    vector_of(id, DIM)
}

fn vectors_of(ids: &[u64], dim: usize) -> Vec<f32> {
    ids.iter().flat_map(|&id| vector_of(id, dim)).collect()
}

fn vectors(ids: &[u64]) -> Vec<f32> {
    vectors_of(ids, DIM)
}

/// What a run of upserts ended with.
struct Ingest {
    /// Ids of acknowledged batches.
    acked: Vec<u64>,
    /// Ids of the batch that failed.
    failed: Vec<u64>,
    error: ClientError,
}

/// Upserts batches of [`BATCH`] fresh ids from `first_id` until one fails (at most
/// `max_batches`).
fn ingest_until_failure(
    client: &Client,
    collection: &str,
    first_id: u64,
    max_batches: u64,
) -> Ingest {
    ingest_until_failure_dim(client, collection, DIM, BATCH, first_id, max_batches)
}

fn ingest_until_failure_dim(
    client: &Client,
    collection: &str,
    dim: usize,
    batch_len: u64,
    first_id: u64,
    max_batches: u64,
) -> Ingest {
    let mut acked = Vec::new();
    for batch in 0..max_batches {
        let start = first_id + batch * batch_len;
        let ids: Vec<u64> = (start..start + batch_len).collect();
        match client.upsert(collection, &ids, &vectors_of(&ids, dim)) {
            Ok(ack) => {
                assert_eq!(u64::from(ack.count), batch_len);
                acked.extend_from_slice(&ids);
            }
            Err(error) => {
                return Ingest {
                    acked,
                    failed: ids,
                    error,
                }
            }
        }
    }
    panic!("no write failed in {max_batches} batches");
}

fn server_error(error: &ClientError) -> (ErrorCode, &str) {
    match error {
        ClientError::Server { code, message } => (*code, message),
        other => panic!("expected an ERROR frame from the server, got {other}"),
    }
}

fn assert_error(error: &ClientError, code: ErrorCode, texts: &[&str]) {
    let (actual, message) = server_error(error);
    assert_eq!(actual, code, "message: {message}");
    for text in texts {
        assert!(message.contains(text), "{text:?} not in {message:?}");
    }
}

/// GET returns every id in `ids` with its exact vector, and an exact SEARCH for a sample of
/// them finds each at distance 0.
fn assert_readable(client: &Client, collection: &str, ids: &[u64]) {
    assert_readable_dim(client, collection, DIM, ids);
}

fn assert_readable_dim(client: &Client, collection: &str, dim: usize, ids: &[u64]) {
    for chunk in ids.chunks(1000) {
        let got = client
            .get(collection, chunk)
            .unwrap_or_else(|e| panic!("GET: {e}"));
        for (id, vector) in chunk.iter().zip(got) {
            assert_eq!(vector.as_deref(), Some(&vector_of(*id, dim)[..]), "id {id}");
        }
    }
    let step = (ids.len() / 20).max(1);
    for &id in ids.iter().step_by(step) {
        let options = SearchOptions {
            exact: true,
            ..SearchOptions::default()
        };
        let result = client
            .search(collection, &vector_of(id, dim), 1, options)
            .unwrap_or_else(|e| panic!("SEARCH: {e}"));
        assert_eq!(
            result.hits.first().map(|h| (h.id, h.distance)),
            Some((id, 0.0))
        );
    }
}

fn absent(client: &Client, collection: &str, ids: &[u64]) -> bool {
    let got = client.get(collection, ids).expect("GET");
    got.iter().all(Option::is_none)
}

fn count(client: &Client, collection: &str) -> u64 {
    client
        .describe_collection(collection)
        .expect("DESCRIBE")
        .vectors_count
}

/// SIGTERM, and the exit status within 30 s.
fn stop(mut node: Node) -> Option<i32> {
    node.signal(libc::SIGTERM);
    let status = node
        .wait_exit(Duration::from_secs(30))
        .unwrap_or_else(|| panic!("no exit within 30 s of SIGTERM:\n{}", node.log()));
    status.code()
}

/// The common scenario: a WAL fault hits the single shard of collection `c`.
///
/// `durable_failed_batch`: whether the failed batch may have reached the file (a failed
/// `fdatasync` comes after the write) and so may be replayed after the restart.
fn wal_fault(plan: &str, code: ErrorCode, texts: &[&str], durable_failed_batch: bool) {
    let started = Instant::now();
    let work = tempfile::tempdir().unwrap();
    let data_dir = work.path().join("data");
    // A plan that fails an fdatasync needs the WAL to issue them: with write-through (the
    // default) a group's write is durable by itself.
    let write_through = !plan.starts_with("sync:");
    let node = node!()
        .env("COREVEC_FAULTS", plan)
        .env(
            "COREVEC_WAL_WRITE_THROUGH",
            if write_through { "true" } else { "false" },
        )
        .data_dir(&data_dir)
        .start();
    assert!(
        node.log().contains("fault injection armed"),
        "{}",
        node.log()
    );
    let client = node.client();
    create_l2(&client, "c", DIM, 1);
    let ingest = ingest_until_failure(&client, "c", 0, 200);
    assert!(
        !ingest.acked.is_empty(),
        "the plan lets some writes through"
    );
    assert_error(&ingest.error, code, texts);

    // The WAL is now failed: later writes to the shard are refused with the cause named.
    let later: Vec<u64> = (1_000_000..1_000_000 + BATCH).collect();
    let error = client.upsert("c", &later, &vectors(&later)).unwrap_err();
    assert_error(&error, code, &["failed state", "wal-"]);
    let error = client.delete("c", &[ingest.acked[0]]).unwrap_err();
    assert_error(&error, code, &["failed state"]);

    // The connection, new connections and other shards keep working.
    client.ping().expect("same connection still answers");
    let fresh = node.client();
    fresh.ping().expect("a new connection answers");
    assert_readable(&client, "c", &ingest.acked);
    assert_readable(&fresh, "c", &ingest.acked);
    create_l2(&fresh, "other", DIM, 2);
    let other: Vec<u64> = (0..200).collect();
    fresh
        .upsert("other", &other, &vectors(&other))
        .expect("a healthy WAL still takes writes");
    let stats = fresh.stats().expect("STATS");
    assert!(
        corevec_tests::stat(&stats, "errors").unwrap_or(0) >= 3,
        "{stats:?}"
    );
    let log = node.log();
    assert!(log.contains("write-ahead log failed"), "{log}");
    let metrics = scrape(metrics_addr(&node));
    let failed = |collection: &str, shard: &str| {
        metrics.value(
            "corevec_shard_wal_failed",
            &[("collection", collection), ("shard", shard)],
        )
    };
    assert_eq!(failed("c", "0"), 1.0, "the failed WAL shows in /metrics");
    assert_eq!(failed("other", "0") + failed("other", "1"), 0.0);

    // A drain works, but the failed WAL cannot be synced at shutdown: exit 1 (OPERATIONS.md).
    assert_eq!(stop(node), Some(1), "SIGTERM with a failed WAL");

    // Restart without the fault: the acknowledged prefix is there, the shard takes writes.
    let node = node!().data_dir(&data_dir).start();
    let client = node.client();
    assert_readable(&client, "c", &ingest.acked);
    let acked = ingest.acked.len() as u64;
    let recovered = count(&client, "c");
    if durable_failed_batch {
        assert!((acked..=acked + BATCH).contains(&recovered), "{recovered}");
    } else {
        assert_eq!(recovered, acked, "the failed write never reached the file");
        assert!(absent(&client, "c", &ingest.failed));
    }
    assert!(
        absent(&client, "c", &later),
        "writes refused by a failed WAL are not replayed"
    );
    assert!(absent(&client, "c", &[1_000_001]), "never written");
    assert_readable(&client, "other", &other);
    let metrics = scrape(metrics_addr(&node));
    assert_eq!(
        metrics.value(
            "corevec_shard_wal_failed",
            &[("collection", "c"), ("shard", "0")]
        ),
        0.0,
        "a restart reopens the WAL"
    );
    let after: Vec<u64> = (2_000_000..2_000_000 + BATCH).collect();
    client
        .upsert("c", &after, &vectors(&after))
        .expect("writes work after the restart");
    assert_readable(&client, "c", &after);
    eprintln!(
        "{plan}: {acked} acked, failed at batch {}, {recovered} recovered, {:.1} s",
        acked / BATCH + 1,
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn eio_on_a_wal_write_is_storage_and_the_shard_stays_readable() {
    wal_fault(
        "write:wal-0:skip=10:count=1:eio",
        ErrorCode::Storage,
        &[
            "I/O error during write on",
            "/collections/c/shard-0/wal-",
            "os error 5",
        ],
        false,
    );
}

#[test]
fn enospc_on_a_wal_write_is_no_space_and_the_shard_stays_readable() {
    wal_fault(
        "write:wal-0:skip=10:count=1:enospc",
        ErrorCode::NoSpace,
        &[
            "no space left on device during write on",
            "/collections/c/shard-0/wal-",
        ],
        false,
    );
}

#[test]
fn eio_on_a_wal_fdatasync_is_storage_and_the_shard_stays_readable() {
    wal_fault(
        "sync:wal-0:skip=10:count=1:eio",
        ErrorCode::Storage,
        &[
            "I/O error during fdatasync on",
            "/collections/c/shard-0/wal-",
            "os error 5",
        ],
        true,
    );
}

/// Names of the entries of a shard directory.
fn shard_entries(data_dir: &Path, collection: &str) -> Vec<String> {
    let dir = data_dir
        .join("collections")
        .join(collection)
        .join("shard-0");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn enospc_while_writing_a_snapshot_is_no_space_and_the_wal_keeps_working() {
    let work = tempfile::tempdir().unwrap();
    let data_dir = work.path().join("data");
    let node = node!()
        .env("COREVEC_FAULTS", "write:snap-:count=forever:enospc")
        .data_dir(&data_dir)
        .start();
    let client = node.client();
    create_l2(&client, "c", DIM, 1);
    let first: Vec<u64> = (0..500).collect();
    client.upsert("c", &first, &vectors(&first)).unwrap();
    let error = client.snapshot(Some("c")).unwrap_err();
    assert_error(
        &error,
        ErrorCode::NoSpace,
        &[
            "no space left on device during write on",
            "/collections/c/shard-0/snap-",
        ],
    );
    // Again at the same LSN (the leftover temporary directory is replaced) and at a later one.
    let error = client.snapshot(None).unwrap_err();
    assert_error(&error, ErrorCode::NoSpace, &["snap-"]);
    let second: Vec<u64> = (500..1000).collect();
    client
        .upsert("c", &second, &vectors(&second))
        .expect("a failed snapshot does not fail the WAL");
    let error = client.snapshot(Some("c")).unwrap_err();
    assert_error(&error, ErrorCode::NoSpace, &["snap-"]);
    let all: Vec<u64> = (0..1000).collect();
    assert_readable(&client, "c", &all);
    assert!(
        shard_entries(&data_dir, "c")
            .iter()
            .all(|name| !name.starts_with("snap-") || name.ends_with(".tmp")),
        "no snapshot was completed: {:?}",
        shard_entries(&data_dir, "c")
    );
    assert_eq!(stop(node), Some(0), "a healthy WAL shuts down cleanly");

    let node = node!().data_dir(&data_dir).start();
    let client = node.client();
    assert_eq!(count(&client, "c"), 1000);
    assert_readable(&client, "c", &all);
    let entries = shard_entries(&data_dir, "c");
    assert!(
        !entries.iter().any(|name| name.ends_with(".tmp")),
        "recovery removes the failed attempts: {entries:?}"
    );
    client.snapshot(Some("c")).expect("snapshots work again");
    let entries = shard_entries(&data_dir, "c");
    assert!(
        entries
            .iter()
            .any(|name| name.starts_with("snap-") && !name.ends_with(".tmp")),
        "{entries:?}"
    );
}

/// A tmpfs mounted for one test; unmounted on drop (after the node using it was killed).
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    /// `None` (with the reason) when mounting is not possible here (not root, no tmpfs).
    fn mount(path: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(path).map_err(|e| e.to_string())?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "corevec-test"])
            .arg(path)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
        }
        Ok(Tmpfs {
            path: path.to_owned(),
        })
    }

    /// [`Tmpfs::mount`], or `None` after printing why `test` is skipped.
    fn mount_or_skip(path: &Path, size: &str, test: &str) -> Option<Tmpfs> {
        Tmpfs::mount(path, size)
            .map_err(|reason| {
                eprintln!("SKIPPED {test}: cannot mount a tmpfs ({reason}); needs root");
            })
            .ok()
    }

    fn resize(&self, size: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.path)
            .status()
            .expect("run mount");
        assert!(status.success(), "remount {}", self.path.display());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let unmounted = Command::new("umount")
            .arg(&self.path)
            .status()
            .is_ok_and(|s| s.success());
        if !unmounted {
            let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        }
    }
}

/// Vectors and batches of the tmpfs tests: large enough to fill a WAL segment quickly.
const BIG_DIM: usize = 256;
const BIG_BATCH: u64 = 256;

/// A real full disk: a tmpfs smaller than two WAL segments (64 MiB each, zero-filled when
/// created). Ingesting fills the first segment; creating the second fails with ENOSPC.
#[test]
fn a_really_full_disk_is_no_space_reads_work_and_restart_recovers() {
    let work = tempfile::tempdir().unwrap();
    let mount_point = work.path().join("tmpfs");
    let Some(tmpfs) = Tmpfs::mount_or_skip(
        &mount_point,
        "96m",
        "a_really_full_disk_is_no_space_reads_work_and_restart_recovers",
    ) else {
        return;
    };
    let data_dir = tmpfs.path.join("data");
    // The free-space minimum (next test) would refuse writes first: off, to reach the WAL's
    // own ENOSPC.
    let unguarded = || node!().data_dir(&data_dir).args(["--min-free-mib", "0"]);
    let node = unguarded().start();
    let client = node.client();
    create_l2(&client, "big", BIG_DIM, 1);
    let ingest = ingest_until_failure_dim(&client, "big", BIG_DIM, BIG_BATCH, 0, 1000);
    assert!(ingest.acked.len() > 10_000, "{} acked", ingest.acked.len());
    assert_error(
        &ingest.error,
        ErrorCode::NoSpace,
        &[
            "no space left on device during",
            "/collections/big/shard-0/wal-",
        ],
    );
    eprintln!(
        "full tmpfs: {} vectors acknowledged, then {}",
        ingest.acked.len(),
        ingest.error
    );
    let more: Vec<u64> = (10_000_000..10_000_000 + BIG_BATCH).collect();
    let error = client
        .upsert("big", &more, &vectors_of(&more, BIG_DIM))
        .unwrap_err();
    assert_error(
        &error,
        ErrorCode::NoSpace,
        &["failed state", "no space left on device"],
    );
    assert_readable_dim(&client, "big", BIG_DIM, &ingest.acked);
    node.client().ping().expect("new connections work");
    drop(client);
    stop(node);

    // Restart on the still-full disk: recovery works, reads work, writes are refused.
    let node = unguarded().start();
    let client = node.client();
    assert_eq!(count(&client, "big"), ingest.acked.len() as u64);
    assert_readable_dim(&client, "big", BIG_DIM, &ingest.acked);
    let error = client
        .upsert("big", &more, &vectors_of(&more, BIG_DIM))
        .unwrap_err();
    assert_error(
        &error,
        ErrorCode::NoSpace,
        &["no space left on device during", "wal-"],
    );
    drop(client);
    stop(node);

    // The operator frees space (here: grows the tmpfs) and restarts: writes work again.
    tmpfs.resize("256m");
    let node = unguarded().start();
    let client = node.client();
    assert_eq!(count(&client, "big"), ingest.acked.len() as u64);
    client
        .upsert("big", &more, &vectors_of(&more, BIG_DIM))
        .expect("writes work once there is space");
    assert_readable_dim(&client, "big", BIG_DIM, &more);
    assert_readable_dim(&client, "big", BIG_DIM, &ingest.acked[..1000]);
    drop(client);
    drop(node);
    drop(tmpfs);
}

/// `min_free_mib`: on a tmpfs that the WAL's spare segment brings below the minimum, writes
/// that add data are refused with NO_SPACE before anything reaches a full disk (the WAL never
/// fails), deletes are still taken, reads work, and once space is freed writes resume without
/// a restart, across a segment rotation.
#[test]
fn below_the_free_space_minimum_writes_wait_for_space_without_a_restart() {
    let work = tempfile::tempdir().unwrap();
    let mount_point = work.path().join("tmpfs");
    // 160 MiB: the first 64 MiB segment leaves 96 MiB; the spare segment prepared once it is
    // half full leaves 32 MiB, below the 40 MiB minimum, while the active segment still has
    // half its room.
    let Some(tmpfs) = Tmpfs::mount_or_skip(
        &mount_point,
        "160m",
        "below_the_free_space_minimum_writes_wait_for_space_without_a_restart",
    ) else {
        return;
    };
    let node = node!()
        .data_dir(&tmpfs.path.join("data"))
        .args(["--min-free-mib", "40"])
        .start();
    let client = node.client();
    create_l2(&client, "low", BIG_DIM, 1);
    let ingest = ingest_until_failure_dim(&client, "low", BIG_DIM, BIG_BATCH, 0, 1000);
    assert!(ingest.acked.len() > 10_000, "{} acked", ingest.acked.len());
    assert_error(
        &ingest.error,
        ErrorCode::NoSpace,
        &[
            "below the minimum of 40 MiB",
            "min_free_mib",
            "nothing was written",
        ],
    );
    assert!(absent(&client, "low", &ingest.failed));
    assert_readable_dim(&client, "low", BIG_DIM, &ingest.acked);
    // Deletes add no data: taken while low.
    let deleted = &ingest.acked[..10];
    assert_eq!(client.delete("low", deleted).unwrap().count, 10);
    assert!(absent(&client, "low", deleted));
    let error = client
        .upsert("low", &ingest.failed, &vectors_of(&ingest.failed, BIG_DIM))
        .unwrap_err();
    assert_error(&error, ErrorCode::NoSpace, &["min_free_mib"]);
    let error = client
        .create_collection(&corevec_proto::CreateCollection {
            name: "other",
            dim: 4,
            metric: corevec_proto::Metric::L2,
            shards: 1,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .unwrap_err();
    assert_error(&error, ErrorCode::NoSpace, &["min_free_mib"]);

    // Space is freed (the tmpfs grows): writes resume by themselves, through a rotation.
    tmpfs.resize("512m");
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Err(error) =
        client.upsert("low", &ingest.failed, &vectors_of(&ingest.failed, BIG_DIM))
    {
        assert_error(&error, ErrorCode::NoSpace, &["min_free_mib"]);
        assert!(Instant::now() < deadline, "writes did not resume: {error}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let first = 1_000_000;
    let more: Vec<u64> = (first..first + 100 * BIG_BATCH).collect();
    for batch in more.chunks(BIG_BATCH as usize) {
        client
            .upsert("low", batch, &vectors_of(batch, BIG_DIM))
            .expect("writes work again without a restart");
    }
    assert_readable_dim(&client, "low", BIG_DIM, &ingest.acked[10..]);
    assert_readable_dim(&client, "low", BIG_DIM, &ingest.failed);
    assert_readable_dim(&client, "low", BIG_DIM, &more);
    let expected = (ingest.acked.len() - 10 + ingest.failed.len() + more.len()) as u64;
    assert_eq!(count(&client, "low"), expected);
    drop(client);
    assert_eq!(stop(node), Some(0));
    drop(tmpfs);
}

/// `max_memory_percent`, through a real `corevec serve`: at 1% of the machine's memory the
/// node refuses writes that add data with NO_SPACE naming the limit, applies nothing of the
/// refused batch, and still takes deletes and answers reads.
#[test]
fn above_the_memory_limit_writes_are_refused_with_no_space() {
    let total = corevec_engine::rt::machine_memory_bytes().unwrap_or(0);
    if total == 0 || total > 64 << 30 {
        eprintln!(
            "skipping above_the_memory_limit_writes_are_refused_with_no_space: 1% of this \
             machine's memory ({} MiB in all) is too much to fill in a test",
            total >> 20
        );
        return;
    }
    let node = node!().args(["--max-memory-percent", "1"]).start();
    let client = node.client();
    create_l2(&client, "mem", BIG_DIM, 2);
    // At most 64 GiB / 100 of 256 KiB batches.
    let ingest = ingest_until_failure_dim(&client, "mem", BIG_DIM, BIG_BATCH, 0, 4000);
    assert!(ingest.acked.len() > 1000, "{} acked", ingest.acked.len());
    assert_error(
        &ingest.error,
        ErrorCode::NoSpace,
        &[
            "above its limit",
            "max_memory_percent",
            "nothing was written",
        ],
    );
    assert!(absent(&client, "mem", &ingest.failed));
    assert_eq!(count(&client, "mem"), ingest.acked.len() as u64);
    let deleted = &ingest.acked[..10];
    assert_eq!(client.delete("mem", deleted).unwrap().count, 10);
    assert_readable_dim(&client, "mem", BIG_DIM, &ingest.acked[10..]);
    drop(client);
    assert_eq!(stop(node), Some(0));
}

/// Rejected writes change nothing: once the WAL failed, the engine refuses a write before it
/// touches memory (`apply_and_log` in engine/src/local.rs), so a refused DELETE does not hide
/// an acknowledged vector and a refused UPSERT neither adds nor replaces one.
#[test]
fn writes_rejected_by_a_failed_wal_do_not_change_reads() {
    let node = node!()
        .env("COREVEC_FAULTS", "write:wal-0:skip=3:count=1:eio")
        .start();
    let client = node.client();
    create_l2(&client, "c", DIM, 1);
    let ingest = ingest_until_failure(&client, "c", 0, 100);
    let id = ingest.acked[0];
    let error = client.delete("c", &[id]).unwrap_err();
    assert_error(&error, ErrorCode::Storage, &["failed state"]);
    let error = client
        .upsert("c", &[id + 1], &vector(id + 1_000))
        .unwrap_err();
    assert_error(&error, ErrorCode::Storage, &["failed state"]);
    let later = [5_000_000];
    let error = client.upsert("c", &later, &vectors(&later)).unwrap_err();
    assert_error(&error, ErrorCode::Storage, &["failed state"]);
    assert_readable(&client, "c", &ingest.acked);
    assert!(absent(&client, "c", &later));
}
