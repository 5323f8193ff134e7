//! `ShardStore`: the WAL segments and snapshots of one shard directory, and recovery.
//!
//! Recovery rules (FORMAT.md has the full table):
//! 1. The newest complete snapshot whose manifest and blob CRCs verify is loaded; damaged
//!    ones are skipped (logged, reported); `.tmp` directories are removed.
//! 2. WAL segments, sorted by first LSN, must continue the snapshot without gaps. Each
//!    non-last segment must hold every record up to the next segment's first LSN minus one;
//!    anything wrong before that point is [`Error::Corrupted`]. Bytes after that point are
//!    a tail abandoned by an earlier crash and are ignored.
//! 3. In the last segment, a zero header or end of file is the clean end; an invalid record
//!    is a torn tail (it was never acknowledged): logged, reported, and logically truncated
//!    (the next append starts a new segment at that LSN). Either way the rest of the segment
//!    is looked at ([`look_past_end`]): a whole record there that vouches for the missing one
//!    (says it was durable) proves damage, [`Error::Corrupted`], never truncated; a whole
//!    record that does not was in flight with the torn group and is truncated with it.
//! 4. Records with LSN `<=` the snapshot's are skipped; segments entirely covered by the
//!    snapshot are deleted.

use std::{
    cell::Cell,
    path::{Path, PathBuf},
    time::Instant,
};

use crate::{
    disk::{Directory, DmaDirectory, File},
    error::{Error, Result},
    snapshot::{self, parse_snapshot_dir_name, LoadedSnapshot},
    wal::{
        record::{Lsn, WalRecord},
        segment::{
            look_past_end, parse_segment_name, scan_segment, unknown_kind, LaterRecord, ScanEnd,
        },
        SegmentInfo, Wal, WalConfig, WalStats, SPARE_SEGMENT_NAME,
    },
};

/// A torn tail found (and logically truncated) in the last WAL segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    /// The segment.
    pub file: PathBuf,
    /// Offset of the first invalid record.
    pub offset: u64,
    /// Why it is invalid.
    pub reason: String,
    /// A whole record after it (from a group written with the torn one), truncated with it.
    pub later: Option<LaterRecord>,
}

/// Judges the end of the last segment's log at `offset`, where the record with LSN `expected`
/// should be: `invalid` says why the bytes there are not it (`None`: zeros, the clean end) and
/// the rest of the segment is looked at ([`look_past_end`]). `Ok(None)`: the clean end;
/// `Ok(Some(tail))`: a tail a crash left, to truncate; `Err(reason)`: damage, because a whole
/// record after it vouches for the missing one.
pub(crate) async fn judge_end<F: File>(
    file: &F,
    path: &Path,
    offset: u64,
    invalid: Option<&str>,
    expected: Lsn,
) -> Result<std::result::Result<Option<TornTail>, String>> {
    let later = look_past_end(file, offset, expected).await?;
    let reason = match (invalid, &later) {
        (None, None) => return Ok(Ok(None)),
        (Some(reason), _) => reason.to_owned(),
        (None, Some(_)) => "zeros".to_owned(),
    };
    Ok(match later {
        // Damage, not a crash: the message names the record that vouches, and the way out.
        Some(later) if later.vouches_for(expected) => Err(format!(
            "{reason} (where the record with LSN {expected} should be), but the record with LSN \
             {} at offset {}, appended later, says every record through LSN {} was durable by \
             then: the disk damaged durable (acknowledged) records, which a crash cannot do. \
             Restore the shard from a backup, or accept the loss of its records from here on by \
             cutting the segment here (keep a copy first): truncate -s {offset} {}",
            later.lsn,
            later.offset,
            later.durable_through.map_or(0, |d| d.0),
            path.display()
        )),
        later => Ok(Some(TornTail {
            file: path.to_owned(),
            offset,
            reason,
            later,
        })),
    })
}

/// A snapshot directory that recovery did not use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredSnapshot {
    /// The file that failed validation (or the `.tmp` directory).
    pub path: PathBuf,
    /// Why it was ignored.
    pub reason: String,
}

/// What recovery found besides the data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// A torn tail truncated from the last segment.
    pub torn_tail: Option<TornTail>,
    /// Incomplete or damaged snapshots that were skipped.
    pub ignored_snapshots: Vec<IgnoredSnapshot>,
    /// Segments deleted because the snapshot covers them.
    pub removed_segments: Vec<String>,
    /// LSN the next appended record gets.
    pub next_lsn: Lsn,
}

/// The shard's state as found on disk.
#[derive(Debug)]
pub struct Recovered {
    /// The newest valid snapshot, if any.
    pub snapshot: Option<LoadedSnapshot>,
    /// WAL records after the snapshot, in LSN order; apply them on top of it.
    pub records: Vec<(Lsn, WalRecord)>,
    /// Torn tail, skipped snapshots, removed segments.
    pub report: RecoveryReport,
}

/// Segments (first LSN, name) and snapshot directories (LSN, name, is_temporary) of a root.
pub(crate) struct Listing {
    pub(crate) segments: Vec<(Lsn, String)>,
    pub(crate) snapshots: Vec<(Lsn, String, bool)>,
    /// A leftover [`SPARE_SEGMENT_NAME`] (never holds records).
    pub(crate) spare_segment: bool,
}

pub(crate) async fn list_root<D: Directory>(dir: &D) -> Result<Listing> {
    let mut listing = Listing {
        segments: Vec::new(),
        snapshots: Vec::new(),
        spare_segment: false,
    };
    for entry in dir.list_dir("").await? {
        listing.spare_segment |= entry.name == SPARE_SEGMENT_NAME && !entry.is_dir;
        if let (Some(lsn), false) = (parse_segment_name(&entry.name), entry.is_dir) {
            listing.segments.push((lsn, entry.name));
        } else if let (Some((lsn, temporary)), true) =
            (parse_snapshot_dir_name(&entry.name), entry.is_dir)
        {
            listing.snapshots.push((lsn, entry.name, temporary));
        }
    }
    listing.segments.sort();
    listing.snapshots.sort();
    Ok(listing)
}

/// The durable bytes of one shard: WAL segments plus snapshots in one directory.
///
/// All methods take `&self` and may be called from many tasks on the same core; appends are
/// batched by group commit. Not `Send`: it lives and dies on its core.
///
/// ```compile_fail
/// fn must_be_send<T: Send>() {}
/// must_be_send::<corevec_storage::ShardStore<corevec_storage::MemDirectory>>();
/// ```
#[derive(Debug)]
pub struct ShardStore<D: Directory> {
    dir: D,
    wal: Wal<D::File>,
    newest_snapshot: Cell<Option<Lsn>>,
    snapshot_running: Cell<bool>,
}

impl ShardStore<DmaDirectory> {
    /// Opens (creating if needed) the shard directory `path` with O_DIRECT files, after
    /// [`crate::prime_device`].
    pub async fn open_dir(path: &Path, config: WalConfig) -> Result<(Self, Recovered)> {
        Self::open(DmaDirectory::open(path).await?, config).await
    }
}

impl<D: Directory> ShardStore<D> {
    /// Recovers the shard in `dir` (see the module docs for the rules).
    ///
    /// # Errors
    /// [`Error::Corrupted`] when data that was (or may have been) acknowledged is damaged;
    /// I/O errors as they happen.
    pub async fn open(dir: D, config: WalConfig) -> Result<(Self, Recovered)> {
        let listing = list_root(&dir).await?;
        if listing.spare_segment {
            dir.remove_file(SPARE_SEGMENT_NAME).await?;
        }
        let mut report = RecoveryReport::default();
        let mut snapshot = None;
        for (lsn, name, temporary) in listing.snapshots.iter().rev() {
            if *temporary {
                tracing::warn!(snapshot = %name, "removing incomplete snapshot");
                dir.remove_dir_all(name).await?;
                let reason = "incomplete (temporary directory), removed".to_owned();
                report.ignored_snapshots.push(IgnoredSnapshot {
                    path: dir.full_path(name),
                    reason,
                });
            } else if snapshot.is_none() {
                match snapshot::load_snapshot(&dir, name, *lsn).await? {
                    Ok(loaded) => snapshot = Some(loaded),
                    Err(damage) => {
                        tracing::warn!(file = %damage.file.display(), offset = damage.offset, reason = %damage.reason, "ignoring damaged snapshot");
                        report.ignored_snapshots.push(IgnoredSnapshot {
                            path: damage.file,
                            reason: damage.reason,
                        });
                    }
                }
            }
        }
        let snapshot_lsn = snapshot.as_ref().map_or(Lsn(0), |s| s.lsn);
        let (records, segments, wal_end) =
            replay(&dir, &listing.segments, snapshot_lsn, &mut report).await?;
        for name in &report.removed_segments {
            dir.remove_file(name).await?;
        }
        if !report.removed_segments.is_empty() || !report.ignored_snapshots.is_empty() {
            dir.sync_dir("").await?;
        }
        // Only a damaged or crafted snapshot name reaches the end of the LSN space.
        let Some(next_lsn) = wal_end.0.max(snapshot_lsn.0).checked_add(1) else {
            let reason = no_lsn_after(snapshot_lsn);
            let manifest = snapshot::manifest_path(snapshot_lsn);
            return Err(Error::corrupted(dir.full_path(&manifest), 16, reason));
        };
        report.next_lsn = Lsn(next_lsn);
        tracing::info!(
            snapshot = ?snapshot.as_ref().map(|s| s.lsn.0),
            records = records.len(),
            next_lsn = report.next_lsn.0,
            "shard storage recovered"
        );
        let wal = Wal::new(config, segments, report.next_lsn);
        let store = ShardStore {
            dir,
            wal,
            newest_snapshot: Cell::new(snapshot.as_ref().map(|s| s.lsn)),
            snapshot_running: Cell::new(false),
        };
        Ok((
            store,
            Recovered {
                snapshot,
                records,
                report,
            },
        ))
    }

    /// Appends `records` and resolves when they are acknowledged per [`WalConfig::durability`]
    /// (for [`crate::Durability::Sync`]: on stable storage, by an O_DSYNC write or a write and
    /// an `fdatasync`). Returns the LSN of the
    /// last record; an empty slice returns the last LSN handed out so far, once that is
    /// acknowledged (a barrier).
    ///
    /// # Errors
    /// [`Error::RecordTooLarge`] (nothing queued, WAL still healthy); [`Error::Io`] /
    /// [`Error::NoSpace`] if the flush carrying these records failed (they are not
    /// acknowledged and may or may not be found after reopen); [`Error::Failed`] once the WAL
    /// has failed; [`Error::Corrupted`] (nothing queued) if the records would need LSN
    /// `u64::MAX` or beyond, which only damaged or crafted file names lead to.
    pub async fn append(&self, records: &[WalRecord]) -> Result<Lsn> {
        self.wal.append(&self.dir, records).await
    }

    /// Flushes and `fdatasync`s everything appended so far, whatever the durability mode.
    /// Returns the last durable LSN.
    pub async fn sync(&self) -> Result<Lsn> {
        self.wal.sync(&self.dir).await
    }

    /// `Err(Error::Failed)` when the WAL has failed and would reject appends: check before
    /// changing state that an append must follow.
    pub fn check_writable(&self) -> Result<()> {
        self.wal.check_writable()
    }

    /// Whether the WAL would like its next segment prepared ([`Self::prepare_next_segment`]).
    pub fn wants_next_segment(&self) -> bool {
        self.wal.wants_spare()
    }

    /// Creates the next WAL segment ahead of time (zero-filled, or only allocated when the
    /// shard writes large groups; see `SPARE_ZERO_FILL_BELOW_GROUP_BYTES`), so that rotation does not
    /// stall appends. Call from a low-priority background task when
    /// [`Self::wants_next_segment`]; returns whether a segment was prepared. An error here
    /// leaves the log untouched (rotation then creates the segment inline).
    pub async fn prepare_next_segment(&self) -> Result<bool> {
        self.wal.prepare_spare(&self.dir).await
    }

    /// With [`crate::Durability::Interval`], when the owner should call [`Self::sync`] next
    /// (`None` when nothing is waiting for a sync or in the other modes).
    pub fn sync_deadline(&self) -> Option<Instant> {
        self.wal.sync_deadline()
    }

    /// Encoded WAL record bytes appended since the last snapshot started (since open if none
    /// in this process): the engine's "time to snapshot" signal.
    pub fn wal_bytes_since_snapshot(&self) -> u64 {
        self.wal.bytes_since_snapshot()
    }

    /// LSN of the last record handed to [`Self::append`] (acknowledged or not yet); the
    /// recovered end of the log right after open.
    pub fn last_lsn(&self) -> Lsn {
        self.wal.last_lsn()
    }

    /// LSN of the newest durable snapshot.
    pub fn snapshot_lsn(&self) -> Option<Lsn> {
        self.newest_snapshot.get()
    }

    /// Writes the engine's blobs as the snapshot at `lsn` (every record `<= lsn` must be
    /// reflected in them), then deletes older snapshots and WAL segments it covers.
    ///
    /// Syncs the WAL first. Blob names: 1 to 64 of `[A-Za-z0-9_.-]`, not `MANIFEST`, unique.
    /// A snapshot at the LSN of the newest one is a no-op. A failure leaves the previous
    /// snapshot and the WAL intact (the WAL stays usable unless its own sync failed).
    ///
    /// # Panics
    /// If `lsn` is beyond the last appended record, older than the newest snapshot, or a
    /// snapshot is already being written (programmer errors).
    pub async fn write_snapshot(&self, lsn: Lsn, files: &[(&str, &[u8])]) -> Result<()> {
        assert!(
            lsn <= self.wal.last_lsn(),
            "snapshot at {lsn} is beyond the last record {}",
            self.wal.last_lsn()
        );
        let newest = self.newest_snapshot.get();
        assert!(
            newest.is_none_or(|newest| lsn >= newest),
            "snapshot at {lsn} is older than {newest:?}"
        );
        if newest == Some(lsn) {
            return Ok(());
        }
        assert!(
            !self.snapshot_running.replace(true),
            "concurrent write_snapshot"
        );
        let result = self.write_snapshot_inner(lsn, files).await;
        self.snapshot_running.set(false);
        result
    }

    async fn write_snapshot_inner(&self, lsn: Lsn, files: &[(&str, &[u8])]) -> Result<()> {
        self.wal.sync(&self.dir).await?;
        let baseline = self.wal.stats().record_bytes;
        snapshot::write_snapshot(&self.dir, lsn, files).await?;
        self.newest_snapshot.set(Some(lsn));
        self.wal.mark_snapshot_baseline(baseline);
        let keep = snapshot::snapshot_dir_name(lsn);
        for name in self.wal.take_obsolete_segments(lsn) {
            self.dir.remove_file(&name).await?;
        }
        // An older snapshot is first renamed to its `.tmp` name, atomically, then removed:
        // removing its files takes a while (off the core), and a process that stops or
        // crashes meanwhile must leave an incomplete directory that recovery deletes and
        // `check` ignores, not a complete-looking snapshot with files missing.
        let snapshots = list_root(&self.dir).await?.snapshots;
        for (_, name, temporary) in &snapshots {
            if *temporary {
                self.dir.remove_dir_all(name).await?;
            }
        }
        for (_, name, temporary) in snapshots {
            if !temporary && name != keep {
                let doomed = format!("{name}.tmp");
                self.dir.rename(&name, &doomed).await?;
                self.dir.remove_dir_all(&doomed).await?;
            }
        }
        self.dir.sync_dir("").await
    }

    /// Counters since open.
    pub fn stats(&self) -> WalStats {
        self.wal.stats()
    }

    /// The directory (for tests and tools).
    pub fn directory(&self) -> &D {
        &self.dir
    }

    /// Flushes, syncs and closes.
    pub async fn close(self) -> Result<()> {
        self.wal.close(&self.dir).await
    }
}

/// Why a snapshot at `lsn` (only `u64::MAX`) is refused: the log could not continue after it.
pub(crate) fn no_lsn_after(lsn: Lsn) -> String {
    format!("snapshot LSN {lsn} leaves no LSN for the next record (a damaged or crafted name)")
}

/// Replays the WAL after `snapshot_lsn`: returns the records, the segments still needed, and
/// the LSN of the last record found (or the position the log is known to have reached).
async fn replay<D: Directory>(
    dir: &D,
    segments: &[(Lsn, String)],
    snapshot_lsn: Lsn,
    report: &mut RecoveryReport,
) -> Result<(Vec<(Lsn, WalRecord)>, Vec<SegmentInfo>, Lsn)> {
    let mut records = Vec::new();
    let mut kept = Vec::new();
    let mut wal_end = snapshot_lsn;
    for (index, (first_lsn, name)) in segments.iter().enumerate() {
        let is_last = index + 1 == segments.len();
        let bound = segments.get(index + 1).map(|(next, _)| Lsn(next.0 - 1));
        if bound.is_some_and(|bound| bound <= snapshot_lsn) {
            report.removed_segments.push(name.clone());
            continue;
        }
        let path = dir.full_path(name);
        if kept.is_empty() && first_lsn.0 > snapshot_lsn.0.saturating_add(1) {
            let reason = format!("WAL gap: the snapshot covers LSN {snapshot_lsn} but this first segment starts at {first_lsn}");
            return Err(Error::corrupted(path, 0, reason));
        }
        let file = dir.open_file(name).await?;
        let scan = scan_segment(&file, *first_lsn, bound, Some(snapshot_lsn)).await?;
        if let Some((offset, invalid)) = scan.end.log_end().filter(|_| is_last) {
            let expected = scan.last_lsn.map_or(*first_lsn, |last| Lsn(last.0 + 1));
            report.torn_tail = judge_end(&file, &path, offset, invalid, expected)
                .await?
                .map_err(|reason| Error::corrupted(&path, offset, reason))?;
            if let Some(torn) = &report.torn_tail {
                tracing::warn!(file = %path.display(), offset, reason = %torn.reason, later = ?torn.later, "truncating a torn tail of the WAL (never acknowledged)");
            }
        }
        match scan.end {
            ScanEnd::ReachedBound => {}
            // The last segment's end: judged above.
            ScanEnd::Clean { .. } | ScanEnd::Invalid { .. } if is_last => {}
            ScanEnd::Clean { offset } => {
                let reason = format!(
                    "segment ends after LSN {:?} but the next segment starts at LSN {}",
                    scan.last_lsn.map(|l| l.0),
                    bound.map_or(0, |b| b.0 + 1)
                );
                return Err(Error::corrupted(path, offset, reason));
            }
            ScanEnd::Invalid { offset, reason } => {
                return Err(Error::corrupted(path, offset, reason))
            }
            ScanEnd::UnknownKind { offset, kind } => {
                return Err(Error::corrupted(path, offset, unknown_kind(kind)))
            }
            ScanEnd::BadHeader {
                reason,
                unused: true,
            } if is_last => {
                tracing::warn!(file = %path.display(), %reason, "last WAL segment was never written to; ignoring its header");
                report.torn_tail = Some(TornTail {
                    file: path,
                    offset: 0,
                    reason,
                    later: None,
                });
            }
            ScanEnd::BadHeader { reason, .. } => return Err(Error::corrupted(path, 0, reason)),
        }
        if is_last {
            // The tail we are about to build on may have been written by a process that
            // crashed before syncing it; make it durable before anything follows it.
            file.sync().await?;
        }
        file.close().await?;
        wal_end = wal_end.max(scan.last_lsn.unwrap_or(Lsn(first_lsn.0 - 1)));
        records.extend(scan.records);
        kept.push(SegmentInfo {
            name: name.clone(),
            first_lsn: *first_lsn,
        });
    }
    Ok((records, kept, wal_end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        block_on, check_directory,
        disk::MemDirectory,
        wal::segment::{encode_header, segment_name},
    };

    async fn write_file(dir: &MemDirectory, name: &str, bytes: &[u8]) {
        let file = dir.create_file(name).await.unwrap();
        file.write_at(0, bytes).await.unwrap();
        file.close().await.unwrap();
    }

    /// LSNs start at 1, so `wal-00000000000000000000.log` is no segment corevec ever writes:
    /// open and check ignore it like any other file they do not know (open used to compute
    /// its `first_lsn - 1` and panic).
    #[test]
    fn a_stray_segment_named_lsn_0_is_ignored() {
        let stray = "wal-00000000000000000000.log";
        assert_eq!(parse_segment_name(stray), None);
        block_on(async {
            let config = WalConfig::default();
            // Alone, and next to a real log.
            for records in [0, 3] {
                let mem = MemDirectory::new();
                let (store, _) = ShardStore::open(mem.clone(), config).await.unwrap();
                for id in 0..records {
                    store.append(&[WalRecord::Delete { id }]).await.unwrap();
                }
                store.close().await.unwrap();
                write_file(&mem, stray, &[0; 4096]).await;
                let (store, recovered) = ShardStore::open(mem.clone(), config).await.unwrap();
                assert_eq!(recovered.records.len() as u64, records);
                assert_eq!(recovered.report.next_lsn, Lsn(records + 1));
                assert!(recovered.report.removed_segments.is_empty());
                store.append(&[WalRecord::Delete { id: 9 }]).await.unwrap();
                store.close().await.unwrap();
                assert!(mem.read_live(stray).is_some(), "left alone");
                let report = check_directory(&mem).await.unwrap();
                assert!(report.is_clean() && report.torn_tail.is_none(), "{report}");
            }
        });
    }

    fn small_segments() -> WalConfig {
        WalConfig {
            segment_bytes: 64 << 10,
            ..WalConfig::default()
        }
    }

    /// A shard whose last segment holds `count` Delete records (32 bytes each, from offset
    /// 4096), each appended after the one before was acknowledged, so record `i + 1` vouches
    /// for record `i`. Returns the directory and the segment's name.
    async fn acknowledged_one_by_one(count: u64) -> (MemDirectory, String) {
        let mem = MemDirectory::new();
        let (store, _) = ShardStore::open(mem.clone(), small_segments())
            .await
            .unwrap();
        for id in 1..=count {
            assert_eq!(
                store.append(&[WalRecord::Delete { id }]).await.unwrap(),
                Lsn(id)
            );
        }
        store.close().await.unwrap();
        (mem, segment_name(Lsn(1)))
    }

    /// Damage to an acknowledged record of the last segment is refused, not truncated as a
    /// torn tail, because a later record vouches for it; the same holds for zeros where it
    /// should be. The documented way to accept the loss (truncating the file there) works.
    #[test]
    fn damage_to_an_acknowledged_record_of_the_last_segment_is_refused() {
        block_on(async {
            let offset_of = |lsn: u64| 4096 + 32 * (lsn - 1);
            for (what, bytes) in [("CRC mismatch", vec![0xff]), ("zeros", vec![0; 32])] {
                let (mem, name) = acknowledged_one_by_one(20).await;
                mem.corrupt(&name, offset_of(8), &bytes);
                let error = ShardStore::open(mem.clone(), small_segments())
                    .await
                    .unwrap_err();
                let Error::Corrupted { offset, reason, .. } = &error else {
                    panic!("{error}");
                };
                assert_eq!(*offset, offset_of(8), "{error}");
                assert!(
                    reason.contains(what)
                        && reason.contains("LSN 8 should be")
                        && reason.contains("record with LSN 9 at offset 4352")
                        && reason.contains("through LSN 8")
                        && reason.contains(&format!("truncate -s {} ", offset_of(8))),
                    "{error}"
                );
                let report = check_directory(&mem).await.unwrap();
                assert!(
                    report.torn_tail.is_none()
                        && report.damage.len() == 1
                        && report.damage[0].offset == offset_of(8),
                    "{report}"
                );

                // The operator accepts the loss: the segment zeroed from the damage on (what
                // `truncate -s OFFSET` does to a real file; tests/tests/service_check.rs).
                let mut image = mem.read_live(&name).unwrap();
                image[offset_of(8) as usize..].fill(0);
                write_file(&mem, &name, &image).await;
                let (store, recovered) = ShardStore::open(mem.clone(), small_segments())
                    .await
                    .unwrap();
                assert_eq!(recovered.records.len(), 7);
                assert_eq!(recovered.report.next_lsn, Lsn(8));
                store.append(&[WalRecord::Delete { id: 8 }]).await.unwrap();
                store.close().await.unwrap();
                let report = check_directory(&mem).await.unwrap();
                assert!(report.is_clean() && report.torn_tail.is_none(), "{report}");
            }

            // The last record has no later one to vouch for it: a torn tail, as a crash
            // while writing it would leave.
            let (mem, name) = acknowledged_one_by_one(20).await;
            mem.corrupt(&name, offset_of(20) + 30, &[1]);
            let (_, recovered) = ShardStore::open(mem.clone(), small_segments())
                .await
                .unwrap();
            let torn = recovered.report.torn_tail.unwrap();
            assert_eq!((torn.offset, torn.later), (offset_of(20), None));
            assert_eq!(recovered.report.next_lsn, Lsn(20));
        });
    }

    /// What a crash with two group writes in flight leaves: the first group torn, the second
    /// (on the next block) whole. Neither was acknowledged, and the whole one does not vouch
    /// for the torn one: a torn tail, truncated with the later group, and `check` agrees.
    #[test]
    fn a_torn_group_before_a_whole_later_one_is_a_torn_tail() {
        block_on(async {
            let mut image = encode_header(Lsn(1), 4 * 4096);
            for lsn in 1..=4 {
                WalRecord::Delete { id: lsn }.encode_into(Lsn(lsn), Some(Lsn(lsn - 1)), &mut image);
            }
            // Group 5..=6 was torn: its first record's body is garbage.
            let torn_at = image.len() as u64;
            WalRecord::Delete { id: 5 }.encode_into(Lsn(5), Some(Lsn(4)), &mut image);
            WalRecord::Delete { id: 6 }.encode_into(Lsn(6), Some(Lsn(4)), &mut image);
            image[torn_at as usize + 26] ^= 0x40;
            // Group 7..=8, cut while 5..=6 was in flight, starts on the next block.
            image.resize(2 * 4096, 0);
            for lsn in 7..=8 {
                WalRecord::Delete { id: lsn }.encode_into(Lsn(lsn), Some(Lsn(4)), &mut image);
            }
            image.resize(4 * 4096, 0);
            let mem = MemDirectory::new();
            write_file(&mem, &segment_name(Lsn(1)), &image).await;

            let report = check_directory(&mem).await.unwrap();
            let torn = report.torn_tail.clone().expect("torn");
            assert!(report.is_clean(), "{report}");
            let later = torn.later.expect("the later group is found");
            // The first whole record after the torn one: 6, in the torn group itself.
            assert_eq!(
                (later.offset, later.lsn, later.durable_through),
                (torn_at + 32, Lsn(6), Some(Lsn(4)))
            );
            let (_, recovered) = ShardStore::open(mem.clone(), WalConfig::default())
                .await
                .unwrap();
            assert_eq!(recovered.records.len(), 4);
            assert_eq!(recovered.report.next_lsn, Lsn(5));
            assert_eq!(recovered.report.torn_tail.unwrap().offset, torn_at);

            // Had group 7..=8 been cut after 5..=6 was durable, it would vouch for it: then
            // the same bytes at 5 are damage.
            for (i, lsn) in (7..=8u64).enumerate() {
                let at = 8192 + 32 * i;
                let mut record = Vec::new();
                WalRecord::Delete { id: lsn }.encode_into(Lsn(lsn), Some(Lsn(6)), &mut record);
                image[at..at + 32].copy_from_slice(&record);
            }
            let mem = MemDirectory::new();
            write_file(&mem, &segment_name(Lsn(1)), &image).await;
            let error = ShardStore::open(mem.clone(), WalConfig::default())
                .await
                .unwrap_err();
            assert!(
                matches!(&error, Error::Corrupted { offset, .. } if *offset == torn_at),
                "{error}"
            );

            // Records from before the claims (version 1) vouch for nothing: the same picture is
            // a torn tail, truncated, its later record reported without a claim (`corevec
            // check` then reports possible damage and leaves the call to the operator).
            let torn_at = torn_at as usize;
            for (at, lsn) in [(torn_at + 32, 6u64), (8192, 7), (8192 + 32, 8)] {
                let mut record = Vec::new();
                WalRecord::Delete { id: lsn }.encode_into(Lsn(lsn), None, &mut record);
                image[at..at + 32].copy_from_slice(&record);
            }
            let mem = MemDirectory::new();
            write_file(&mem, &segment_name(Lsn(1)), &image).await;
            let (_, recovered) = ShardStore::open(mem.clone(), WalConfig::default())
                .await
                .unwrap();
            assert_eq!(recovered.report.next_lsn, Lsn(5));
            let later = recovered.report.torn_tail.unwrap().later.unwrap();
            assert_eq!((later.lsn, later.durable_through), (Lsn(6), None));
        });
    }

    /// Only damaged or crafted names reach LSNs near `u64::MAX` (2^64 records are never
    /// written); they give typed errors, never an overflow panic.
    #[test]
    fn lsns_near_u64_max_from_names_are_refused_without_a_panic() {
        let config = WalConfig::default();
        block_on(async {
            // A snapshot at u64::MAX: the log would continue at 2^64.
            let mem = MemDirectory::new();
            snapshot::write_snapshot(&mem, Lsn(u64::MAX), &[("state", b"x")])
                .await
                .unwrap();
            let error = ShardStore::open(mem.clone(), config).await.unwrap_err();
            assert!(
                matches!(&error, Error::Corrupted { reason, .. } if reason.contains("LSN")),
                "{error}"
            );
            let report = check_directory(&mem).await.unwrap();
            assert!(
                report.damage.len() == 1 && report.damage[0].reason.contains("no LSN"),
                "{report}"
            );

            // A snapshot at u64::MAX - 1, then a last segment named u64::MAX holding a (valid
            // CRC) record with LSN u64::MAX, which no log can assign: a torn tail. The log
            // would continue at u64::MAX, where an append is refused.
            let mem = MemDirectory::new();
            snapshot::write_snapshot(&mem, Lsn(u64::MAX - 1), &[("state", b"x")])
                .await
                .unwrap();
            let mut segment = encode_header(Lsn(u64::MAX), 8192);
            WalRecord::Delete { id: 1 }.encode_into(Lsn(u64::MAX), None, &mut segment);
            segment.resize(8192, 0);
            write_file(&mem, &segment_name(Lsn(u64::MAX)), &segment).await;
            let (store, recovered) = ShardStore::open(mem.clone(), config).await.unwrap();
            assert!(recovered.records.is_empty());
            let torn = recovered.report.torn_tail.expect("the record is refused");
            assert_eq!(torn.offset, 4096, "{torn:?}");
            assert_eq!(recovered.report.next_lsn, Lsn(u64::MAX));
            let error = store
                .append(&[WalRecord::Delete { id: 2 }])
                .await
                .unwrap_err();
            assert!(matches!(error, Error::Corrupted { .. }), "{error}");
            assert!(
                store.check_writable().is_ok(),
                "the WAL itself did not fail"
            );
            let report = check_directory(&mem).await.unwrap();
            assert!(report.is_clean() && report.torn_tail.is_some(), "{report}");
        });
    }
}
