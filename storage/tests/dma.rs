//! Real-disk tests: `DmaDirectory` (glommio DmaFile, O_DIRECT) on a temporary directory on
//! the build machine's file system (not tmpfs: O_DIRECT needs a real one).
//!
//! Each test runs on its own fresh glommio executor thread, so glommio's per-thread iopoll
//! probe cache starts empty, as in a fresh process.

mod support;

use std::{
    path::{Path, PathBuf},
    rc::Rc,
};

use corevec_storage::{
    check_dir, prime_device, Durability, Error, Lsn, ShardStore, WalConfig, WalRecord,
};
use glommio::LocalExecutorBuilder;
use support::{apply, State};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("corevec-storage-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs `body` on a fresh single-thread glommio executor.
fn on_executor<F, Fut>(body: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    LocalExecutorBuilder::default()
        .spawn(body)
        .expect("spawn executor")
        .join()
        .expect("executor");
}

fn record(id: u64) -> WalRecord {
    WalRecord::Upsert {
        id,
        vector: (0..96).map(|i| (id * 100 + i) as f32).collect(),
        payload: id.to_le_bytes().repeat((id % 3) as usize),
        labels: (0..id % 4).collect(),
    }
}

fn small_config() -> WalConfig {
    WalConfig {
        segment_bytes: 256 << 10,
        durability: Durability::Sync,
        ..WalConfig::default()
    }
}

fn state_of(records: &[(Lsn, WalRecord)]) -> State {
    let mut state = State::new();
    records.iter().for_each(|(_, r)| apply(&mut state, r));
    state
}

#[test]
fn append_close_reopen_replay() {
    let dir = temp_dir("replay");
    let path = dir.clone();
    on_executor(move || async move {
        let (store, recovered) = ShardStore::open_dir(&path, small_config()).await.unwrap();
        assert!(recovered.records.is_empty() && recovered.snapshot.is_none());
        for id in 0..2000 {
            // Rotates: 2000 × 416 bytes over 256 KiB segments.
            assert_eq!(store.append(&[record(id)]).await.unwrap(), Lsn(id + 1));
        }
        store.append(&[WalRecord::Delete { id: 7 }]).await.unwrap();
        assert!(store.stats().segments_created >= 3);
        store.close().await.unwrap();
    });
    let path = dir.clone();
    on_executor(move || async move {
        let (store, recovered) = ShardStore::open_dir(&path, small_config()).await.unwrap();
        assert_eq!(recovered.records.len(), 2001);
        assert!(recovered.report.torn_tail.is_none());
        assert_eq!(recovered.records[1999], (Lsn(2000), record(1999)));
        assert_eq!(store.append(&[record(5000)]).await.unwrap(), Lsn(2002));
        store.close().await.unwrap();
    });
    let report = check_dir(&dir).unwrap();
    assert!(report.is_clean() && report.torn_tail.is_none(), "{report}");
    assert_eq!(
        report.segments.iter().map(|s| s.records_count).sum::<u64>(),
        2002
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn group_commit_with_many_concurrent_appenders() {
    let dir = temp_dir("group");
    let path = dir.clone();
    on_executor(move || async move {
        // Small splits, so that groups really overlap on the real file (two writes in flight
        // at disjoint blocks) and recovery reads across the padding between them.
        let config = WalConfig {
            segment_bytes: 1 << 20,
            durability: Durability::Sync,
            group_split_bytes: 4096,
            ..WalConfig::default()
        };
        let (store, _) = ShardStore::open_dir(&path, config).await.unwrap();
        let store = Rc::new(store);
        let tasks: Vec<_> = (0..256u64)
            .map(|task| {
                let store = store.clone();
                glommio::spawn_local(async move {
                    let mut lsns = Vec::new();
                    for i in 0..8 {
                        lsns.push(store.append(&[record(task * 1000 + i)]).await.unwrap());
                    }
                    lsns
                })
            })
            .collect();
        let mut lsns: Vec<Lsn> = Vec::new();
        for task in tasks {
            lsns.extend(task.await);
        }
        lsns.sort();
        assert_eq!(lsns, (1..=2048).map(Lsn).collect::<Vec<_>>());
        let stats = store.stats();
        assert_eq!(stats.group_appends_sum, 2048);
        assert!(
            stats.groups_count < 2048 / 4,
            "appends were not batched: {stats:?}"
        );
        assert!(stats.fsyncs_count < 2048 / 4, "{stats:?}");
        assert!(
            stats.groups_overlapped > 0,
            "no group overlapped: {stats:?}"
        );
        let store = Rc::try_unwrap(store).expect("tasks finished");
        store.close().await.unwrap();
        let (_, recovered) = ShardStore::open_dir(&path, config).await.unwrap();
        assert_eq!(recovered.records.len(), 2048);
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn snapshot_then_newer_records_reopen() {
    let dir = temp_dir("snapshot");
    let path = dir.clone();
    // 9 MiB + 123 bytes: several 4 MiB chunks and a padded last block.
    let big: Vec<u8> = (0..(9 << 20) + 123)
        .map(|i: usize| (i % 253) as u8)
        .collect();
    let expected = big.clone();
    on_executor(move || async move {
        let (store, _) = ShardStore::open_dir(&path, small_config()).await.unwrap();
        for id in 0..1500 {
            store.append(&[record(id)]).await.unwrap();
        }
        store
            .write_snapshot(Lsn(1500), &[("vectors", &big), ("ids", b"1500")])
            .await
            .unwrap();
        assert_eq!(store.wal_bytes_since_snapshot(), 0);
        for id in 1500..1510 {
            store.append(&[record(id)]).await.unwrap();
        }
        store.close().await.unwrap();
    });
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names.iter().filter(|n| n.starts_with("wal-")).count(),
        1,
        "covered segments removed: {names:?}"
    );
    let path = dir.clone();
    on_executor(move || async move {
        let (_, recovered) = ShardStore::open_dir(&path, small_config()).await.unwrap();
        let snapshot = recovered.snapshot.as_ref().expect("snapshot");
        assert_eq!(snapshot.lsn, Lsn(1500));
        let vectors = snapshot.file("vectors").unwrap();
        assert!(vectors == &expected[..]);
        assert_eq!(
            vectors.as_ptr() as usize % 16,
            0,
            "rkyv needs 16-byte alignment"
        );
        assert_eq!(snapshot.file("ids"), Some(&b"1500"[..]));
        assert_eq!(recovered.records.first().map(|r| r.0), Some(Lsn(1501)));
        assert_eq!(state_of(&recovered.records).len(), 10);
    });
    assert!(check_dir(&dir).unwrap().is_clean());
    std::fs::remove_dir_all(&dir).unwrap();
}

fn write_some(path: &Path, ids: std::ops::Range<u64>) {
    let path = path.to_path_buf();
    on_executor(move || async move {
        let (store, _) = ShardStore::open_dir(&path, small_config()).await.unwrap();
        for id in ids {
            store.append(&[record(id)]).await.unwrap();
        }
        store.close().await.unwrap();
    });
}

/// glommio decides iopoll per device from the first DmaFile opened on each executor. Whatever
/// is opened first, recovery must read (or say clearly why it cannot).
#[test]
fn brand_new_directory_reads_whatever_the_open_order() {
    // 1. A brand-new directory: its first DmaFile would be an empty segment.
    let dir = temp_dir("iopoll");
    write_some(&dir, 0..10);
    // 2. Fresh executor whose first DmaFile is an existing, non-empty segment opened
    //    directly, before the store primes the device.
    let path = dir.clone();
    on_executor(move || async move {
        let segment = std::fs::read_dir(&path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with("wal-"))
            .unwrap();
        let file = glommio::io::DmaFile::open(&segment).await.unwrap();
        assert_eq!(file.read_at_aligned(0, 4096).await.unwrap().len(), 4096);
        file.close().await.unwrap();
        let (_, recovered) = ShardStore::open_dir(&path, small_config()).await.unwrap();
        assert_eq!(recovered.records.len(), 10);
    });
    // 3. Fresh executor whose first DmaFile is an EMPTY file on the same device: the
    //    mis-probe. Priming cannot undo it; it must be reported as IopollMisprobe (or work, on
    //    devices that really have poll queues), never as a generic read failure or corruption.
    let path = dir.clone();
    on_executor(move || async move {
        let empty = path.join("empty-first");
        std::fs::File::create(&empty).unwrap();
        let _poisoned = glommio::io::DmaFile::open(&empty).await.unwrap();
        match prime_device(&path).await {
            Ok(()) => {
                let (_, recovered) = ShardStore::open_dir(&path, small_config()).await.unwrap();
                assert_eq!(recovered.records.len(), 10);
            }
            Err(error) => {
                eprintln!("mis-probe detected as expected on this device: {error}");
                assert!(matches!(error, Error::IopollMisprobe { .. }), "{error}");
                assert!(error.to_string().contains("prime_device"), "{error}");
            }
        }
        std::fs::remove_file(&empty).unwrap();
    });
    // 4. And a fresh executor priming first reads everything again.
    write_some(&dir, 10..20);
    let path = dir.clone();
    on_executor(move || async move {
        prime_device(&path).await.unwrap();
        let (_, recovered) = ShardStore::open_dir(&path, small_config()).await.unwrap();
        assert_eq!(recovered.records.len(), 20);
    });
    std::fs::remove_dir_all(&dir).unwrap();
}
