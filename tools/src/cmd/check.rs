//! `corevec check`: offline verification of a whole data directory.
//!
//! For each `collections/NAME/`: the `collection.conf` checksum (CRC32C of the body against
//! its `crc32c=` line) and, for the whole catalog, the engine's own reader
//! (`corevec_engine::persist::read_catalog`, the one `serve` uses at start); then every
//! `shard-S/` directory with `corevec_storage::check_dir` (every WAL record's CRC, LSN
//! continuity within and across segments, every snapshot's manifest and blob CRCs).
//!
//! `check_dir` judges the end of each shard's last WAL segment as recovery does: damage when
//! a whole record after it vouches for the missing one (the server refuses to start on it),
//! else a torn tail (what a crash mid-write leaves, truncated at the next start; exit 6). One
//! addition here: in a version 1 segment, whose records vouch for nothing, a whole record
//! after a torn one is reported as damage, since recovery would drop it and the records
//! after it. One crash leaves the same picture (with several group writes in flight, a torn
//! group before a whole later one, none acknowledged) and the file alone cannot tell the two
//! apart, so the report says so and leaves the call to the operator, who knows whether the
//! node crashed; refusing is the side that cannot lose acknowledged writes silently.
//!
//! Read-only: nothing in the directory is modified. It refuses to run while a `corevec serve`
//! holds the directory's lock (the live WAL tail and snapshots in progress would look
//! damaged), and holds a shared lock itself so that no server starts during the check.

use std::fs::File;
use std::path::{Path, PathBuf};

use clap::Args;
use corevec_storage::CheckReport;

use crate::config::{ServeConfig, ServeFlags};
use crate::{Context, Failure};

/// Exit code: damage found.
pub const EXIT_DAMAGED: u8 = 5;
/// Exit code: no damage, but a WAL ends in a torn record.
pub const EXIT_TORN_TAIL: u8 = 6;

const CHECK_HELP: &str = "\
Verifies a stopped node's data directory without modifying it: each collection's
collection.conf checksum, then every shard directory: every WAL record (CRC, LSN
continuity within and across segments) and every snapshot (manifest and blob CRCs).
Damage is reported as `DAMAGE FILE at offset N: REASON`.

It refuses to run while a `corevec serve` holds the data directory's lock (exit 3):
a live WAL tail and a snapshot being written would look damaged. Stop the node first;
while the check runs it holds a shared lock, so a node cannot start meanwhile.

Exit codes:
  0  clean: the next start recovers everything
  1  the check itself failed (I/O error reading the directory)
  2  usage error (bad flag, no such data directory, invalid --config file)
  3  data directory locked by a running `corevec serve`
  5  damage found: the server would refuse to start, skip a snapshot, or lose records
  6  no damage, but a WAL ends in a torn record: normal after a crash or power loss
     (recovery truncates it; it was never acknowledged); after a clean shutdown it means
     the last record was damaged";

/// Arguments of `corevec check`.
#[derive(Debug, Args)]
#[command(after_help = CHECK_HELP, after_long_help = CHECK_HELP)]
pub struct CheckArgs {
    /// The data directory to verify.
    #[command(flatten)]
    pub node: DataDirArgs,
    /// Print only problems and the summary, not one line per shard.
    #[arg(long)]
    pub quiet: bool,
}

/// Which node's data directory a command works on (`check`, `backup`, `restore`).
#[derive(Debug, Args)]
pub struct DataDirArgs {
    /// Data directory of the node [default: data_dir of --config, else ./corevec-data].
    #[arg(long, env = "COREVEC_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Configuration file of the node, as for `corevec serve`: its data_dir is used (and, by
    /// `backup`, its listen and auth_token_file to reach the running node).
    #[arg(long, env = "COREVEC_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
}

impl DataDirArgs {
    /// `--data-dir`, else the `--config` file's `data_dir` (or the default), as `corevec serve`
    /// resolves it.
    ///
    /// # Errors
    /// Exit 2 for an invalid configuration file.
    pub(crate) fn resolve(&self) -> Result<PathBuf, Failure> {
        Ok(match &self.data_dir {
            Some(dir) => dir.clone(),
            None => {
                ServeConfig::resolve(&ServeFlags {
                    config: self.config.clone(),
                    ..ServeFlags::default()
                })?
                .data_dir
            }
        })
    }

    /// As [`DataDirArgs::resolve`], and the directory must exist.
    ///
    /// # Errors
    /// Exit 2 for an invalid configuration file or a missing directory.
    pub(crate) fn existing(&self) -> Result<PathBuf, Failure> {
        existing_dir(self.resolve()?)
    }

    /// The node's whole configuration as `corevec serve --config FILE` resolves it from the
    /// file (or the defaults without one), with `--data-dir` over its `data_dir`; the data
    /// directory must exist. For commands that also talk to the node (`backup`): its `listen`
    /// and `auth_token_file` belong to the same node as its `data_dir`.
    ///
    /// # Errors
    /// Exit 2 for an invalid configuration file or a missing directory.
    pub(crate) fn existing_node(&self) -> Result<ServeConfig, Failure> {
        let mut config = ServeConfig::resolve(&ServeFlags {
            config: self.config.clone(),
            data_dir: self.data_dir.clone(),
            ..ServeFlags::default()
        })?;
        config.data_dir = existing_dir(config.data_dir)?;
        Ok(config)
    }
}

fn existing_dir(data_dir: PathBuf) -> Result<PathBuf, Failure> {
    if !data_dir.is_dir() {
        return Err(Failure::usage(format!(
            "no data directory at {}",
            data_dir.display()
        )));
    }
    Ok(data_dir)
}

/// Totals for the summary line.
#[derive(Debug, Default)]
struct Tally {
    collections: usize,
    shards: usize,
    snapshots: usize,
    segments: usize,
    records: u64,
    damage: usize,
    torn_tails: usize,
    warnings: usize,
}

/// Output of the check: lines for stdout, and what was found.
struct Checker {
    quiet: bool,
    tally: Tally,
}

impl Checker {
    fn info(&self, line: &str) {
        if !self.quiet {
            println!("{line}");
        }
    }

    fn damage(&mut self, file: &Path, offset: u64, reason: &str) {
        self.tally.damage += 1;
        println!("DAMAGE {} at offset {offset}: {reason}", file.display());
    }

    fn warning(&mut self, line: &str) {
        self.tally.warnings += 1;
        println!("WARNING {line}");
    }
}

/// Runs `corevec check`.
///
/// # Errors
/// A [`Failure`] with the exit code listed in `corevec check --help`.
pub fn run(args: &CheckArgs) -> Result<(), Failure> {
    let data_dir = args.node.existing()?;
    let _lock = lock_shared(&data_dir)?;
    let verified = verify(&data_dir, args.quiet)?;
    if verified.torn_tails > 0 {
        return Err(Failure {
            exit_code: EXIT_TORN_TAIL,
            message: format!(
                "{}: {} WAL(s) end in a torn record (expected after a crash; the next start \
                 truncates it)",
                data_dir.display(),
                verified.torn_tails
            ),
        });
    }
    Ok(())
}

/// What [`verify`] found besides damage.
#[derive(Debug)]
pub(crate) struct Verified {
    /// WALs that end in a torn record: what a crash leaves, and what recovery accepts (it
    /// truncates the record, which was never acknowledged). `check` exits 6 for them;
    /// `backup` and `restore` note them and go on.
    pub torn_tails: usize,
}

impl Verified {
    /// One line for `backup` and `restore` when WALs end in a torn record, else `None`.
    pub(crate) fn torn_tail_note(&self) -> Option<String> {
        (self.torn_tails > 0).then(|| {
            format!(
                "note: {} WAL(s) end in a torn record, listed above as TORN TAIL: what a crash \
                 leaves (never acknowledged); the next start truncates it, as it would have on \
                 the original node",
                self.torn_tails
            )
        })
    }
}

/// The checks of `corevec check` on `data_dir` (not locked here), with its output. A torn WAL
/// tail is not a failure here (see [`Verified::torn_tails`]); damage is.
///
/// # Errors
/// As [`run`], without exit codes 3 and 6.
pub(crate) fn verify(data_dir: &Path, quiet: bool) -> Result<Verified, Failure> {
    let mut checker = Checker {
        quiet,
        tally: Tally::default(),
    };
    checker.info(&format!("checking data directory {}", data_dir.display()));
    check_collections(&mut checker, data_dir)?;

    let t = &checker.tally;
    let verdict = if t.damage > 0 {
        format!("DAMAGED ({} problem(s))", t.damage)
    } else if t.torn_tails > 0 {
        format!("clean except {} torn WAL tail(s)", t.torn_tails)
    } else {
        "clean".to_owned()
    };
    println!(
        "summary: {} collection(s), {} shard(s), {} snapshot(s), {} WAL segment(s), {} WAL \
         record(s), {} warning(s): {verdict}",
        t.collections, t.shards, t.snapshots, t.segments, t.records, t.warnings
    );
    if t.damage > 0 {
        return Err(Failure {
            exit_code: EXIT_DAMAGED,
            message: format!(
                "{} damaged: {} problem(s), each listed above as DAMAGE with file and offset",
                data_dir.display(),
                t.damage
            ),
        });
    }
    Ok(Verified {
        torn_tails: t.torn_tails,
    })
}

/// Takes a shared `flock` on `DATA_DIR/LOCK` (if the file exists: a directory no server ever
/// used has none). `corevec serve` takes it exclusively, so each excludes the other.
pub(crate) fn lock_shared(data_dir: &Path) -> Result<Option<File>, Failure> {
    let path = data_dir.join("LOCK");
    let mut file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Failure::runtime(format!("opening {}: {e}", path.display()))),
    };
    crate::lock::flock(&mut file, &path, libc::LOCK_SH, |by| {
        format!(
            "data directory {} is in use by a running corevec serve{by}; stop it, then check",
            data_dir.display()
        )
    })?;
    Ok(Some(file))
}

/// What a `collection.conf` says, once its checksum verified.
struct CatalogEntry {
    shards: Option<u32>,
}

/// Verifies the CRC32C line of a `collection.conf` (the same rule as the engine's parser:
/// the last line is `crc32c=XXXXXXXX` over every byte before it). `Err((offset, reason))`.
fn verify_catalog_text(text: &str) -> Result<CatalogEntry, (u64, String)> {
    let trimmed = text.trim_end_matches('\n');
    let Some((body, crc_line)) = trimmed.rsplit_once('\n') else {
        return Err((0, "truncated: no crc32c line".into()));
    };
    let body = format!("{body}\n");
    let crc_offset = body.len() as u64;
    let Some(stored) = crc_line.strip_prefix("crc32c=") else {
        return Err((crc_offset, "last line is not crc32c=".into()));
    };
    let Ok(stored) = u32::from_str_radix(stored, 16) else {
        return Err((crc_offset, format!("bad crc32c value {stored:?}")));
    };
    let computed = crc32c::crc32c(body.as_bytes());
    if stored != computed {
        return Err((
            0,
            format!(
                "checksum mismatch: stored {stored:08x}, computed {computed:08x} over bytes \
                 0..{crc_offset}"
            ),
        ));
    }
    let shards = body
        .lines()
        .find_map(|line| line.strip_prefix("shards="))
        .and_then(|n| n.parse().ok());
    Ok(CatalogEntry { shards })
}

fn check_collections(checker: &mut Checker, data_dir: &Path) -> Result<(), Failure> {
    let root = corevec_engine::persist::collections_dir(data_dir);
    let mut dirs = Vec::new();
    match std::fs::read_dir(&root) {
        Ok(entries) => {
            for entry in entries {
                let entry = entry.context(format!("listing {}", root.display()))?;
                if corevec_engine::persist::is_dropped(&entry.file_name()) {
                    checker.info(&format!(
                        "{}: a dropped collection's files, deleted at the next start",
                        entry.path().display()
                    ));
                } else if entry.path().is_dir() {
                    dirs.push(entry.path());
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            checker.info("no collections");
            return Ok(());
        }
        Err(e) => return Err(Failure::runtime(format!("listing {}: {e}", root.display()))),
    }
    dirs.sort();

    // The engine's reader, exactly as `serve` runs it at start: it stops at the first bad
    // definition, so each file is also verified on its own below.
    let engine_verdict = match corevec_engine::persist::read_catalog(data_dir) {
        Ok(specs) => Ok(specs),
        Err(corevec_engine::Error::Catalog { path, reason }) => Err((path, reason)),
        Err(e) => return Err(Failure::runtime(format!("reading the catalog: {e}"))),
    };
    let mut engine_damage_reported = false;

    for dir in &dirs {
        let name = dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let conf = dir.join("collection.conf");
        let text = match std::fs::read(&conf) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                checker.warning(&format!(
                    "{}: no collection.conf: leftover of an interrupted create (or of a drop \
                     by an older version), ignored by the server; creating a collection of \
                     this name is refused while the directory holds files",
                    dir.display()
                ));
                continue;
            }
            Err(e) => return Err(Failure::runtime(format!("reading {}: {e}", conf.display()))),
        };
        checker.tally.collections += 1;
        let verified = match String::from_utf8(text) {
            Ok(text) => verify_catalog_text(&text),
            Err(e) => Err((e.utf8_error().valid_up_to() as u64, "not UTF-8".to_owned())),
        };
        let spec = match &engine_verdict {
            Ok(specs) => specs.iter().find(|s| s.name == name),
            Err(_) => None,
        };
        let spec_shards = spec.map(|s| s.shards);
        let expected_shards = match verified {
            Ok(entry) => {
                if let Err((path, reason)) = &engine_verdict {
                    if path == &conf {
                        engine_damage_reported = true;
                        checker.damage(path, 0, &format!("invalid definition: {reason}"));
                    }
                }
                checker.info(&format!("collection {name}: collection.conf ok"));
                spec_shards.or(entry.shards)
            }
            Err((offset, reason)) => {
                if matches!(&engine_verdict, Err((path, _)) if path == &conf) {
                    engine_damage_reported = true;
                }
                checker.damage(
                    &conf,
                    offset,
                    &format!("{reason}; the server refuses to start"),
                );
                None
            }
        };
        check_shards(checker, dir, expected_shards, spec)?;
    }
    if let Err((path, reason)) = &engine_verdict {
        if !engine_damage_reported {
            checker.damage(path, 0, &format!("invalid definition: {reason}"));
        }
    }
    Ok(())
}

fn shard_number(dir_name: &str) -> Option<u32> {
    dir_name.strip_prefix("shard-")?.parse().ok()
}

fn check_shards(
    checker: &mut Checker,
    collection_dir: &Path,
    expected: Option<u32>,
    spec: Option<&corevec_engine::CollectionSpec>,
) -> Result<(), Failure> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(collection_dir)
        .context(format!("listing {}", collection_dir.display()))?;
    for entry in entries {
        let entry = entry.context(format!("listing {}", collection_dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(number) = shard_number(&name) {
            if entry.path().is_dir() {
                found.push((number, entry.path()));
            }
        }
    }
    found.sort();
    if let Some(expected) = expected {
        for missing in (0..expected).filter(|s| !found.iter().any(|(n, _)| n == s)) {
            let path = collection_dir.join(format!("shard-{missing}"));
            checker.damage(
                &path,
                0,
                "shard directory missing: the server refuses to start until it is restored \
                 (or created empty, accepting the loss of the shard's points)",
            );
        }
        for (number, path) in found.iter().filter(|(n, _)| *n >= expected) {
            checker.warning(&format!(
                "{}: shard {number} is beyond the collection's {expected} shards; ignored by \
                 the server",
                path.display()
            ));
        }
    }
    for (number, path) in &found {
        check_shard(checker, path, spec.map(|spec| (spec, *number)))?;
    }
    Ok(())
}

/// Checks one shard directory: every WAL record and snapshot checksum, and, when the
/// collection's definition is known (`shard` = its spec and this shard's number), the
/// contents of the snapshot the server would load, decoded as the server decodes them.
fn check_shard(
    checker: &mut Checker,
    path: &Path,
    shard: Option<(&corevec_engine::CollectionSpec, u32)>,
) -> Result<(), Failure> {
    let (report, newest) = corevec_storage::check_dir_with_snapshot(path)
        .context(format!("checking {}", path.display()))?;
    if let (Some((spec, number)), Some(loaded)) = (shard, &newest) {
        if let Err(e) = corevec_engine::persist::decode_shard(loaded, spec, number, path) {
            checker.damage(
                path,
                0,
                &format!("{e}; the server refuses to start (restore from a backup)"),
            );
        }
    }
    checker.tally.shards += 1;
    checker.tally.snapshots += report.snapshots.iter().filter(|s| !s.temporary).count();
    checker.tally.segments += report.segments.len();
    checker.tally.records += report.segments.iter().map(|s| s.records_count).sum::<u64>();
    checker.info(&format!("  {}: {}", path.display(), shard_summary(&report)));
    for damage in &report.damage {
        checker.damage(&damage.file, damage.offset, &damage.reason);
    }
    for snapshot in report.snapshots.iter().filter(|s| s.temporary) {
        checker.warning(&format!(
            "{}: incomplete snapshot (interrupted), removed by the next start",
            snapshot.dir.display()
        ));
    }
    if let Some(torn) = &report.torn_tail {
        match &torn.later {
            // A whole record after a torn one in a segment from before records vouched for
            // what was durable (version 1): a crash or damage, the file cannot tell.
            Some(later) if later.durable_through.is_none() => checker.damage(
                &torn.file,
                torn.offset,
                &format!(
                    "{}; a valid record (LSN {}) follows at offset {}: recovery would truncate \
                     the log here and drop the records after it. Damage, unless the node crashed \
                     or lost power with those records in its last group writes (then they were \
                     never acknowledged; see docs/OPERATIONS.md, corevec check)",
                    torn.reason, later.lsn, later.offset
                ),
            ),
            later => {
                checker.tally.torn_tails += 1;
                let with = later.as_ref().map_or(String::new(), |later| {
                    format!(
                        "; the whole records after it, from LSN {} at offset {}, were written \
                         with it and are truncated too",
                        later.lsn, later.offset
                    )
                });
                println!(
                    "TORN TAIL {} at offset {}: {}{with} (normal after a crash: never \
                     acknowledged, truncated at the next start)",
                    torn.file.display(),
                    torn.offset,
                    torn.reason
                );
            }
        }
    }
    Ok(())
}

fn shard_summary(report: &CheckReport) -> String {
    let complete: Vec<_> = report.snapshots.iter().filter(|s| !s.temporary).collect();
    let snapshots = match complete.last() {
        None => "no snapshot".to_owned(),
        Some(newest) => format!(
            "{} snapshot(s), newest LSN {} {}",
            complete.len(),
            newest.lsn,
            if newest.valid { "ok" } else { "DAMAGED" }
        ),
    };
    let records: u64 = report.segments.iter().map(|s| s.records_count).sum();
    let wal = match (report.segments.first(), report.segments.last()) {
        (Some(first), Some(last)) => format!(
            "{} WAL segment(s), {records} record(s), LSN {}..{}",
            report.segments.len(),
            first.first_lsn,
            last.last_lsn
                .map_or_else(|| "-".to_owned(), |l| l.to_string())
        ),
        _ => "no WAL".to_owned(),
    };
    let verdict = if !report.damage.is_empty() {
        "DAMAGED"
    } else if report.torn_tail.is_some() {
        "torn tail"
    } else {
        "ok"
    };
    format!("{snapshots}; {wal}: {verdict}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_crc_line_is_verified() {
        let body = "format=1\nname=a\ndim=4\nmetric=l2\nshards=3\nm=16\nef_construction=200\n";
        let text = format!("{body}crc32c={:08x}\n", crc32c::crc32c(body.as_bytes()));
        assert_eq!(verify_catalog_text(&text).unwrap().shards, Some(3));
        let damaged = text.replace("dim=4", "dim=5");
        let (offset, reason) = verify_catalog_text(&damaged).err().unwrap();
        assert_eq!(offset, 0);
        assert!(reason.contains("checksum mismatch"), "{reason}");
        let (offset, _) = verify_catalog_text(&text.replace("crc32c=", "crc="))
            .err()
            .unwrap();
        assert_eq!(offset, body.len() as u64);
        assert!(verify_catalog_text("").is_err());
    }

    #[test]
    fn shard_directory_names() {
        assert_eq!(shard_number("shard-0"), Some(0));
        assert_eq!(shard_number("shard-12"), Some(12));
        assert_eq!(shard_number("shard-x"), None);
        assert_eq!(shard_number("other"), None);
    }
}
