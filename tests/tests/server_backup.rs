//! `corevec backup` with real processes: four backups taken while two writers upsert and
//! delete (automatic snapshots every MiB of WAL, so one is often in flight when the backup
//! asks for its own), alternately hard-linked next to the data directory and copied to
//! another file system, then one of the stopped node. A node started on each backup holds
//! every point acknowledged before the backup started, bit for bit, and no point deleted
//! before it. `corevec restore` puts a backup back into the node's data directory.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use corevec_client::Client;
use corevec_tests::{create_l2, node, output_text, Node};

const DIM: usize = 64;
const BATCH: u64 = 40;
const COLLECTION: &str = "b";

fn vector(id: u64) -> Vec<f32> {
    (0..DIM)
        .map(|j| ((id * 13 + j as u64 * 7) % 1009) as f32 / 17.0 - 29.0)
        .collect()
}

/// About 1 KiB, so that the WAL grows by a MiB (an automatic snapshot) every ~700 points.
fn payload(id: u64) -> Vec<u8> {
    format!("point {id};").repeat(64).into_bytes()
}

fn labels(id: u64) -> Vec<u64> {
    vec![id % 3, 10 + id % 5]
}

/// id → still live (false: deleted), updated only after the node acknowledged the write.
type Model = Arc<Mutex<BTreeMap<u64, bool>>>;

/// Upserts batches of new ids and deletes a quarter of an older batch, until `stop`.
fn writer(client: &Client, first_id: u64, model: &Model, stop: &AtomicBool) {
    let mut batch = 0u64;
    while !stop.load(Ordering::SeqCst) {
        let ids: Vec<u64> = (0..BATCH).map(|i| first_id + batch * BATCH + i).collect();
        upsert_batch(client, &ids);
        model
            .lock()
            .unwrap()
            .extend(ids.iter().map(|&id| (id, true)));
        if batch >= 3 {
            let old = first_id + (batch - 3) * BATCH;
            let doomed: Vec<u64> = (old..old + BATCH).filter(|id| id % 4 == 0).collect();
            client.delete(COLLECTION, &doomed).expect("delete");
            model
                .lock()
                .unwrap()
                .extend(doomed.iter().map(|&id| (id, false)));
        }
        batch += 1;
    }
}

/// Checks a node started on a backup: every id live in `before` (acknowledged before the
/// backup started) is there bit for bit unless `after` says it was deleted later; no id
/// deleted in `before` is back; any other id found is one the writers wrote, intact.
fn verify_restored(
    restored: &Node,
    before: &BTreeMap<u64, bool>,
    after: &BTreeMap<u64, bool>,
    what: &str,
) {
    let client = restored.client();
    let ids: Vec<u64> = after.keys().copied().collect();
    let mut found = 0;
    for chunk in ids.chunks(500) {
        let points = client
            .get_points(COLLECTION, chunk, true, true)
            .expect("get");
        for (&id, point) in chunk.iter().zip(points) {
            match (before.get(&id), point) {
                (Some(true), None) => assert!(
                    !after[&id],
                    "{what}: point {id}, acknowledged before the backup, is missing"
                ),
                (Some(false), Some(_)) => {
                    panic!("{what}: point {id}, deleted before the backup, is back")
                }
                (_, Some(point)) => {
                    found += 1;
                    assert_eq!(point.vector, vector(id), "{what}: vector of {id}");
                    assert_eq!(point.payload, payload(id), "{what}: payload of {id}");
                    assert_eq!(point.labels, labels(id), "{what}: labels of {id}");
                }
                (_, None) => {}
            }
        }
    }
    let live_before = before.values().filter(|live| **live).count();
    assert!(
        live_before > 1_000,
        "{what}: too few points written before the backup"
    );
    assert!(found > 0);
}

/// `corevec COMMAND TARGET --data-dir DATA_DIR`, with `--addr` of `via` when given.
fn data_dir_command(command: &str, target: &Path, data_dir: &Path, via: Option<&Node>) -> Output {
    let args = [
        command,
        &target.display().to_string(),
        "--data-dir",
        &data_dir.display().to_string(),
    ];
    match via {
        Some(node) => node.cli(&args),
        None => node!().command(&args).output().unwrap(),
    }
}

fn run_backup(node: &Node, to: &Path) -> Output {
    let output = data_dir_command("backup", to, &node.data_dir, Some(node));
    assert!(
        output.status.success(),
        "backup failed: {}",
        output_text(&output)
    );
    output
}

/// Copies a directory tree (a backup kept on tmpfs, where a node cannot run: no O_DIRECT).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn snapshot_of(model: &Model) -> BTreeMap<u64, bool> {
    model.lock().unwrap().clone()
}

#[test]
fn backups_of_a_running_and_a_stopped_node_restore_every_acknowledged_write() {
    let mut node = node!().args(["--snapshot-wal-mib", "1"]).start();
    create_l2(&node.client(), COLLECTION, DIM, 0);
    let model: Model = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = [0u64, 1 << 40]
        .into_iter()
        .map(|first_id| {
            let (client, model, stop) = (node.client(), Arc::clone(&model), Arc::clone(&stop));
            std::thread::spawn(move || writer(&client, first_id, &model, &stop))
        })
        .collect();
    let wait_for = |points: usize| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while model.lock().unwrap().len() < points {
            assert!(Instant::now() < deadline, "the writers are stuck");
            std::thread::sleep(Duration::from_millis(10));
        }
    };

    let work = tempfile::tempdir_in(node.data_dir.parent().unwrap()).unwrap();
    let shm = Path::new("/dev/shm");
    let other_fs = shm.is_dir()
        && std::fs::metadata(shm).unwrap().dev() != std::fs::metadata(work.path()).unwrap().dev();
    let elsewhere = if other_fs {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir_in(work.path()).unwrap()
    };
    // Backups while the writers run: next to the data directory (snapshot files hard-linked)
    // and, when there is one, on another file system (copied), alternately.
    let mut running = Vec::new();
    for round in 0..4 {
        let written = model.lock().unwrap().len();
        wait_for(written + 8_000);
        let before = snapshot_of(&model);
        let (to, links) = if round % 2 == 0 {
            (work.path().join(format!("linked-{round}")), true)
        } else {
            (elsewhere.path().join(format!("copied-{round}")), !other_fs)
        };
        let text = output_text(&run_backup(&node, &to));
        assert_eq!(!text.contains(" 0 file(s) hard-linked"), links, "{text}");
        assert_eq!(
            std::fs::metadata(&to).unwrap().mode() & 0o777,
            0o700,
            "only the owner reads a backup"
        );
        assert!(std::fs::read_to_string(to.join("backup.txt"))
            .unwrap()
            .contains("running node"));
        running.push((to, before));
    }
    let linked = &running[0].0;

    // A backup never goes into a directory that holds something.
    let refused = data_dir_command("backup", linked, &node.data_dir, Some(&node));
    assert_eq!(refused.status.code(), Some(2), "{}", output_text(&refused));
    assert!(output_text(&refused).contains("not empty"));

    // A node that is not the data directory's owner is refused (its collections differ),
    // with no collections at all as well as with others.
    let other = node!().start();
    for (i, collection) in [None, Some("elsewhere")].into_iter().enumerate() {
        if let Some(name) = collection {
            create_l2(&other.client(), name, DIM, 0);
        }
        let wrong = data_dir_command(
            "backup",
            &work.path().join(format!("wrong-{i}")),
            &node.data_dir,
            Some(&other),
        );
        assert_eq!(wrong.status.code(), Some(2), "{}", output_text(&wrong));
        assert!(
            output_text(&wrong).contains("is --addr the node"),
            "{}",
            output_text(&wrong)
        );
    }

    stop.store(true, Ordering::SeqCst);
    for writer in writers {
        writer.join().unwrap();
    }
    let last = snapshot_of(&model);
    node.signal(libc::SIGTERM);
    assert!(
        node.wait_exit(Duration::from_secs(60))
            .is_some_and(|s| s.success()),
        "the node did not stop cleanly"
    );

    // 3. The stopped node: copied whole, WAL included, so everything acknowledged is there.
    let stopped = work.path().join("stopped");
    let output = data_dir_command("backup", &stopped, &node.data_dir, None);
    assert!(output.status.success(), "{}", output_text(&output));
    assert!(output_text(&output).contains("stopped node"));

    for (i, (dir, before)) in running.iter().enumerate() {
        // A node needs O_DIRECT, which tmpfs lacks: a backup there is moved to disk first.
        let on_disk = if dir.starts_with(shm) {
            let on_disk = work.path().join(format!("restored-{i}"));
            copy_tree(dir, &on_disk);
            on_disk
        } else {
            dir.clone()
        };
        let restored = node!().data_dir(&on_disk).start();
        verify_restored(
            &restored,
            before,
            &last,
            &format!("backup {i} of the running node"),
        );
    }
    let restored = node!().data_dir(&stopped).start();
    verify_restored(&restored, &last, &last, "backup of the stopped node");
    drop(restored);

    // `corevec restore` puts the first backup back into the node's own data directory; what
    // the directory held is moved aside, not deleted.
    let restore = |from: &Path| data_dir_command("restore", from, &node.data_dir, None);
    let not_a_backup = restore(work.path());
    assert_eq!(
        not_a_backup.status.code(),
        Some(2),
        "{}",
        output_text(&not_a_backup)
    );
    let output = restore(&running[0].0);
    assert!(output.status.success(), "{}", output_text(&output));
    let text = output_text(&output);
    let aside = text
        .split("what the data directory held is in ")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .unwrap_or_else(|| panic!("no replaced directory named: {text}"));
    assert!(
        Path::new(aside)
            .join("collections")
            .join(COLLECTION)
            .is_dir(),
        "{text}"
    );
    assert_eq!(
        std::fs::metadata(aside).unwrap().mode() & 0o777,
        0o700,
        "only the owner reads what was moved aside"
    );
    let restored = node!().data_dir(&node.data_dir).start();
    verify_restored(&restored, &running[0].1, &last, "restored backup 0");
    // Never under a running node.
    let refused = restore(&running[1].0);
    assert_eq!(refused.status.code(), Some(3), "{}", output_text(&refused));
    verify_restored(
        &restored,
        &running[0].1,
        &last,
        "restored backup 0, after a refused restore",
    );
}

/// The first entry of `dir` whose name starts with `prefix`.
fn entry_starting_with(dir: &Path, prefix: &str) -> Option<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
}

/// A node on `data_dir` whose new collection holds `ids`.
fn node_holding(data_dir: &Path, ids: std::ops::Range<u64>) -> corevec_tests::Node {
    let node = node!().data_dir(data_dir).start();
    create_l2(&node.client(), COLLECTION, DIM, 0);
    upsert(&node.client(), ids);
    node
}

/// Upserts `ids` in batches (vectors, payloads and labels of the writers above).
fn upsert(client: &Client, ids: std::ops::Range<u64>) {
    let ids: Vec<u64> = ids.collect();
    for chunk in ids.chunks(BATCH as usize) {
        upsert_batch(client, chunk);
    }
}

/// Upserts one batch of `ids` with their vectors, payloads and labels.
fn upsert_batch(client: &Client, ids: &[u64]) {
    let vectors: Vec<f32> = ids.iter().flat_map(|&id| vector(id)).collect();
    let payloads: Vec<Vec<u8>> = ids.iter().map(|&id| payload(id)).collect();
    let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let label_lists: Vec<Vec<u64>> = ids.iter().map(|&id| labels(id)).collect();
    let label_lists: Vec<&[u64]> = label_lists.iter().map(Vec::as_slice).collect();
    client
        .upsert_points(
            COLLECTION,
            ids,
            &vectors,
            Some(&payloads),
            Some(&label_lists),
        )
        .expect("upsert");
}

/// SIGTERM, and a clean exit.
fn stop(mut node: Node) {
    node.signal(libc::SIGTERM);
    assert!(
        node.wait_exit(Duration::from_secs(60))
            .is_some_and(|s| s.success()),
        "the node did not stop cleanly:\n{}",
        node.log()
    );
}

/// Every file under `dir` with its inode, length and modification time: what "untouched"
/// means for a directory tree.
fn tree_state(dir: &Path) -> BTreeMap<String, (u64, u64, i64, i64)> {
    let mut state = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let entry = entry.unwrap();
            let meta = std::fs::symlink_metadata(entry.path()).unwrap();
            if meta.is_dir() {
                stack.push(entry.path());
            }
            state.insert(
                entry
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .display()
                    .to_string(),
                (meta.ino(), meta.len(), meta.mtime(), meta.mtime_nsec()),
            );
        }
    }
    state
}

/// Ids `range` are all there, bit for bit.
fn assert_points(node: &Node, range: std::ops::Range<u64>, what: &str) {
    let ids: Vec<u64> = range.collect();
    let points = node
        .client()
        .get_points(COLLECTION, &ids, true, true)
        .expect("get");
    for (&id, point) in ids.iter().zip(points) {
        let point = point.unwrap_or_else(|| panic!("{what}: point {id} is missing"));
        assert_eq!(point.vector, vector(id), "{what}: vector of {id}");
        assert_eq!(point.payload, payload(id), "{what}: payload of {id}");
        assert_eq!(point.labels, labels(id), "{what}: labels of {id}");
    }
}

/// A restore that fails after it started copying leaves the data directory as it was: here
/// the backup verifies but its copy does not (one snapshot blob of the backup is a symbolic
/// link, which checks follow and the copy does not, so the staged copy misses that blob).
/// Nothing under `collections/` was moved or rewritten, no aside directory and no staging
/// directory are left, and the node starts on the directory with every point it held.
#[test]
fn a_restore_that_fails_midway_leaves_the_data_directory_as_it_was() {
    let work = tempfile::tempdir().unwrap();
    let data_dir = work.path().join("data");
    let node = node_holding(&data_dir, 0..200);
    node.client().snapshot(None).expect("snapshot");
    stop(node);
    let backup = work.path().join("backup");
    let output = data_dir_command("backup", &backup, &data_dir, None);
    assert!(output.status.success(), "{}", output_text(&output));
    // The node goes on: the data directory now holds more than the backup.
    let node = node!().data_dir(&data_dir).start();
    upsert(&node.client(), 200..400);
    stop(node);

    let shard = backup.join("collections").join(COLLECTION).join("shard-0");
    let snapshot = entry_starting_with(&shard, "snap-").expect("a snapshot in the backup");
    let blob = entry_starting_with(&snapshot, "vectors").expect("the vectors blob");
    let outside = work.path().join("vectors-blob");
    std::fs::copy(&blob, &outside).unwrap();
    std::fs::remove_file(&blob).unwrap();
    std::os::unix::fs::symlink(&outside, &blob).unwrap();

    let collections = data_dir.join("collections");
    let before = tree_state(&collections);
    let output = data_dir_command("restore", &backup, &data_dir, None);
    let text = output_text(&output);
    assert_eq!(output.status.code(), Some(5), "{text}");
    assert!(text.contains("nothing was changed"), "{text}");
    assert!(text.contains("partial copy"), "{text}");
    assert_eq!(tree_state(&collections), before, "{text}");
    assert!(!data_dir.join("restore-incomplete").exists(), "{text}");
    let siblings: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("replaced"))
        .collect();
    assert!(siblings.is_empty(), "aside directories left: {siblings:?}");

    let node = node!().data_dir(&data_dir).start();
    assert_points(&node, 0..400, "the data directory after a failed restore");
}

/// Two nodes on one host with the same collection. `corevec backup --config b.toml` (no
/// --addr) reaches node B where b.toml says it listens (`0.0.0.0`: on loopback) with b.toml's
/// auth token, and the backup holds B's latest writes, which no snapshot held before. Asking
/// node A for B's data directory (`--addr A`, same collection names) is refused: A's
/// SNAPSHOT leaves B's snapshots behind B's WAL, and the backup says so instead of copying
/// B's older automatic snapshot.
#[test]
fn a_backup_by_config_snapshots_the_node_of_that_config() {
    const TOKEN: &[u8] = b"node-b-token";
    let a = node!().start();
    let b = node!().token(TOKEN).start();
    for node in [&a, &b] {
        create_l2(&node.client(), COLLECTION, DIM, 0);
    }
    upsert(&a.client(), 1_000_000..1_000_200);
    upsert(&b.client(), 0..200);
    b.client().snapshot(None).expect("snapshot");
    // B's latest writes: only in its WAL.
    upsert(&b.client(), 200..400);

    let work = tempfile::tempdir().unwrap();
    let token = work.path().join("b.token");
    std::fs::write(&token, TOKEN).unwrap();
    let config = work.path().join("b.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"0.0.0.0:{}\"\nmetrics_listen = \"127.0.0.1:{}\"\ndata_dir = \"{}\"\n\
             auth_token_file = \"{}\"\n",
            b.addr.port(),
            corevec_tests::free_port(),
            b.data_dir.display(),
            token.display()
        ),
    )
    .unwrap();
    let backup = |to: &Path, extra: &[&str]| {
        let mut args = vec![
            "backup".to_owned(),
            to.display().to_string(),
            "--config".to_owned(),
            config.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        node!().command(&args).output().unwrap()
    };

    let wrong = backup(&work.path().join("wrong"), &["--addr", &a.addr.to_string()]);
    let text = output_text(&wrong);
    assert_eq!(wrong.status.code(), Some(2), "{text}");
    assert!(text.contains("not with a snapshot of"), "{text}");
    assert!(text.contains("owns this data directory"), "{text}");

    let right = work.path().join("right");
    let output = backup(&right, &[]);
    let text = output_text(&output);
    assert!(output.status.success(), "{text}");
    let info = std::fs::read_to_string(right.join("backup.txt")).unwrap();
    assert!(
        info.contains(&format!("running node at 127.0.0.1:{}", b.addr.port())),
        "{info}"
    );
    let restored = node!().data_dir(&right).start();
    assert_points(&restored, 0..400, "backup of node B by its config");
    let ids: Vec<u64> = (1_000_000..1_000_200).collect();
    assert!(
        restored
            .client()
            .get(COLLECTION, &ids)
            .unwrap()
            .iter()
            .all(Option::is_none),
        "node A's points are not in node B's backup"
    );
}

/// The newest WAL segment of a shard directory and the offset where its valid records end.
fn wal_end(shard: &Path) -> (std::path::PathBuf, u64) {
    use corevec_storage::wal::segment::{parse_segment_name, scan_segment, ScanEnd};
    use corevec_storage::{Directory as _, StdDirectory};
    let (first, name) = std::fs::read_dir(shard)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            parse_segment_name(&name).map(|lsn| (lsn, name))
        })
        .max()
        .expect("a WAL segment");
    let scan = corevec_storage::block_on(async {
        let file = StdDirectory::new(shard).open_file(&name).await.unwrap();
        scan_segment(&file, first, None, None).await.unwrap()
    });
    assert!(scan.records_count > 0, "records in {name}");
    match scan.end {
        // A torn tail (written by the test) ends the records too.
        ScanEnd::Clean { offset } | ScanEnd::Invalid { offset, .. } => (shard.join(name), offset),
        other => panic!("{name} ends in {other:?}"),
    }
}

/// A node that crashed mid-write leaves a torn record at the end of a WAL, which recovery
/// accepts (it truncates the record, never acknowledged) and `corevec check` reports with exit
/// 6. A backup of that stopped node verifies with a note instead of failing, `restore` takes
/// it, and a node started on the restored directory holds every write. Real damage (a bad
/// record that valid ones follow) is still refused by restore, changing nothing.
#[test]
fn a_torn_wal_tail_is_a_note_for_backup_and_restore_and_damage_still_fails() {
    use std::io::{Seek, SeekFrom, Write};
    let work = tempfile::tempdir().unwrap();
    let data_dir = work.path().join("data");
    let node = node_holding(&data_dir, 0..200);
    stop(node);
    // What a crash in the middle of a group write leaves: the start of a record, torn.
    let (segment, end) = wal_end(
        &data_dir
            .join("collections")
            .join(COLLECTION)
            .join("shard-0"),
    );
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(&segment)
        .unwrap();
    file.seek(SeekFrom::Start(end)).unwrap();
    file.write_all(&[0xA5; 40]).unwrap();
    file.sync_all().unwrap();
    drop(file);
    let check = node!()
        .command(&["check", "--data-dir", data_dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(6), "{}", output_text(&check));

    let backup = work.path().join("backup");
    let output = data_dir_command("backup", &backup, &data_dir, None);
    let text = output_text(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("TORN TAIL"), "{text}");
    assert!(
        text.contains("note: 1 WAL(s) end in a torn record"),
        "{text}"
    );

    let restored = work.path().join("restored");
    let output = data_dir_command("restore", &backup, &restored, None);
    let text = output_text(&output);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("note: 1 WAL(s) end in a torn record"),
        "{text}"
    );
    let node = node!().data_dir(&restored).start();
    assert_points(&node, 0..200, "restored from a backup with a torn WAL tail");
    stop(node);

    // Damage, not a tear: a record in the middle of the WAL, with valid ones after it.
    let shard = backup.join("collections").join(COLLECTION).join("shard-0");
    let (segment, _) = wal_end(&shard);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(&segment)
        .unwrap();
    file.seek(SeekFrom::Start(4096 + 30)).unwrap();
    file.write_all(&[0x5A]).unwrap();
    file.sync_all().unwrap();
    drop(file);
    let before = tree_state(&restored.join("collections"));
    let output = data_dir_command("restore", &backup, &restored, None);
    let text = output_text(&output);
    assert_eq!(output.status.code(), Some(5), "{text}");
    assert!(text.contains("DAMAGE"), "{text}");
    assert!(text.contains("nothing was changed"), "{text}");
    assert_eq!(tree_state(&restored.join("collections")), before, "{text}");
}
