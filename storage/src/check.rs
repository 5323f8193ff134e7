//! Offline verification of a shard directory, for `corevec check`.
//!
//! Reads with `std::fs` (no O_DIRECT, no executor) and reuses the recovery decoders. Never
//! modifies anything.

use std::{fmt, path::Path, path::PathBuf};

use crate::{
    disk::{Directory, File as _, StdDirectory},
    error::Result,
    snapshot,
    store::{judge_end, list_root, no_lsn_after, TornTail},
    wal::{
        record::Lsn,
        segment::{scan_segment, unknown_kind, ScanEnd},
    },
};

/// One WAL segment as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentCheck {
    /// The segment file.
    pub file: PathBuf,
    /// First LSN (from its name).
    pub first_lsn: Lsn,
    /// Last valid LSN read.
    pub last_lsn: Option<Lsn>,
    /// Valid records read.
    pub records_count: u64,
}

/// One snapshot directory as checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotCheck {
    /// The snapshot directory.
    pub dir: PathBuf,
    /// Its LSN.
    pub lsn: Lsn,
    /// Still `.tmp` (incomplete, ignored by recovery; not damage).
    pub temporary: bool,
    /// Manifest and every blob verified.
    pub valid: bool,
}

/// Damage: something recovery would refuse or skip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// Damaged file.
    pub file: PathBuf,
    /// Byte offset.
    pub offset: u64,
    /// What check failed.
    pub reason: String,
}

/// Result of [`check_dir`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// WAL segments in LSN order.
    pub segments: Vec<SegmentCheck>,
    /// Snapshot directories in LSN order.
    pub snapshots: Vec<SnapshotCheck>,
    /// A torn tail in the last segment (normal after a crash; recovery truncates it).
    pub torn_tail: Option<TornTail>,
    /// Everything damaged. Empty means recovery will succeed with all data.
    pub damage: Vec<Damage>,
}

impl CheckReport {
    /// No damage found.
    pub fn is_clean(&self) -> bool {
        self.damage.is_empty()
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.snapshots {
            let state = if s.temporary {
                "incomplete"
            } else if s.valid {
                "ok"
            } else {
                "DAMAGED"
            };
            writeln!(f, "snapshot {} lsn={} {state}", s.dir.display(), s.lsn)?;
        }
        for s in &self.segments {
            let last = s.last_lsn.map_or_else(|| "-".to_owned(), |l| l.to_string());
            writeln!(
                f,
                "segment {} lsn={}..{last} records={}",
                s.file.display(),
                s.first_lsn,
                s.records_count
            )?;
        }
        if let Some(torn) = &self.torn_tail {
            writeln!(
                f,
                "torn tail {} at offset {}: {}",
                torn.file.display(),
                torn.offset,
                torn.reason
            )?;
        }
        for d in &self.damage {
            writeln!(
                f,
                "DAMAGE {} at offset {}: {}",
                d.file.display(),
                d.offset,
                d.reason
            )?;
        }
        write!(f, "{}", if self.is_clean() { "clean" } else { "damaged" })
    }
}

/// Verifies every WAL record (CRC, LSN continuity within and across segments) and every
/// snapshot (manifest CRC, blob lengths and CRCs) in the shard directory `path`.
///
/// # Errors
/// Only I/O errors that stop the check itself; damage is reported in [`CheckReport::damage`].
pub fn check_dir(path: &Path) -> Result<CheckReport> {
    crate::block_on(check_directory(&StdDirectory::new(path)))
}

/// [`check_dir`], also handing back the newest valid snapshot it loaded (the one recovery
/// would load), for a caller that checks its contents; `None` when the shard has none.
///
/// # Errors
/// As [`check_dir`].
pub fn check_dir_with_snapshot(
    path: &Path,
) -> Result<(CheckReport, Option<snapshot::LoadedSnapshot>)> {
    crate::block_on(check_directory_keeping_snapshot(&StdDirectory::new(path)))
}

/// [`check_dir`] over any [`Directory`].
pub async fn check_directory<D: Directory>(dir: &D) -> Result<CheckReport> {
    Ok(check_directory_keeping_snapshot(dir).await?.0)
}

/// [`check_directory`], keeping the newest valid snapshot loaded on the way.
async fn check_directory_keeping_snapshot<D: Directory>(
    dir: &D,
) -> Result<(CheckReport, Option<snapshot::LoadedSnapshot>)> {
    let listing = list_root(dir).await?;
    let mut report = CheckReport::default();
    let mut newest_valid = Lsn(0);
    let mut newest = None;
    for (lsn, name, temporary) in &listing.snapshots {
        let mut check = SnapshotCheck {
            dir: dir.full_path(name),
            lsn: *lsn,
            temporary: *temporary,
            valid: false,
        };
        if !*temporary {
            match snapshot::load_snapshot(dir, name, *lsn).await? {
                Ok(loaded) => {
                    check.valid = true;
                    if *lsn >= newest_valid {
                        newest_valid = *lsn;
                        newest = Some(loaded);
                    }
                }
                Err(d) => report.damage.push(Damage {
                    file: d.file,
                    offset: d.offset,
                    reason: d.reason,
                }),
            }
        }
        report.snapshots.push(check);
    }
    if newest_valid.0 == u64::MAX {
        // Recovery would use it and refuse: the log could not continue after it.
        report.damage.push(Damage {
            file: dir.full_path(&snapshot::manifest_path(newest_valid)),
            offset: 16,
            reason: no_lsn_after(newest_valid),
        });
    }
    let mut first_needed = true;
    for (index, (first_lsn, name)) in listing.segments.iter().enumerate() {
        let is_last = index + 1 == listing.segments.len();
        let bound = listing
            .segments
            .get(index + 1)
            .map(|(next, _)| Lsn(next.0 - 1));
        let path = dir.full_path(name);
        let needed = bound.is_none_or(|bound| bound > newest_valid);
        if needed && first_needed {
            first_needed = false;
            if first_lsn.0 > newest_valid.0.saturating_add(1) {
                let reason = format!("WAL gap: newest valid snapshot covers LSN {newest_valid}, segments start at {first_lsn}");
                report.damage.push(Damage {
                    file: path.clone(),
                    offset: 0,
                    reason,
                });
            }
        }
        let file = dir.open_file(name).await?;
        let scan = scan_segment(&file, *first_lsn, bound, None).await?;
        if let Some((offset, invalid)) = scan.end.log_end().filter(|_| is_last) {
            let expected = scan.last_lsn.map_or(*first_lsn, |last| Lsn(last.0 + 1));
            match judge_end(&file, &path, offset, invalid, expected).await? {
                Ok(torn) => report.torn_tail = torn,
                Err(reason) => report.damage.push(Damage {
                    file: path.clone(),
                    offset,
                    reason,
                }),
            }
        }
        file.close().await?;
        let mut damage = |offset: u64, reason: String| {
            report.damage.push(Damage {
                file: path.clone(),
                offset,
                reason,
            })
        };
        match scan.end {
            ScanEnd::ReachedBound => {}
            // The last segment's end: judged above.
            ScanEnd::Clean { .. } | ScanEnd::Invalid { .. } if is_last => {}
            ScanEnd::Clean { offset } => damage(
                offset,
                format!("segment ends before LSN {}", bound.map_or(0, |b| b.0)),
            ),
            ScanEnd::Invalid { offset, reason } => damage(offset, reason),
            ScanEnd::UnknownKind { offset, kind } => damage(offset, unknown_kind(kind)),
            ScanEnd::BadHeader {
                reason,
                unused: true,
            } if is_last => {
                report.torn_tail = Some(TornTail {
                    file: path.clone(),
                    offset: 0,
                    reason,
                    later: None,
                });
            }
            ScanEnd::BadHeader { reason, .. } => damage(0, reason),
        }
        report.segments.push(SegmentCheck {
            file: path,
            first_lsn: *first_lsn,
            last_lsn: scan.last_lsn,
            records_count: scan.records_count,
        });
    }
    Ok((report, newest))
}
