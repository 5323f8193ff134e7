//! `corevec backup`: a copy of a node's data directory that `corevec serve` starts from,
//! taken while the node runs (or not); `corevec restore` puts one back in place.
//!
//! Running node (it holds the data directory's lock): the node is reached at `--addr`, else at
//! the `listen` address of the configuration that named the data directory (`--config`, or
//! the default), with its `auth_token_file`. The collections are listed and a snapshot of
//! every collection is requested through the protocol; when SNAPSHOT returns,
//! each shard's newest snapshot reflects every write the node acknowledged before the
//! request (the engine waits for an automatic snapshot in flight, then takes its own). Each
//! shard's newest complete snapshot is then put in the backup: its files never change once
//! written, so they are hard-linked when the backup is on the same file system and copied
//! otherwise. The node may replace that snapshot meanwhile (a newer one deletes it); a file
//! gone before it was linked or opened makes the shard start over with the newer snapshot.
//! No WAL is copied: each shard is restored as of its snapshot.
//!
//! Nothing the server says proves which data directory it owns (two nodes on one host may
//! serve the same collections), so the backup proves it on disk: before the request it reads
//! how far each shard's WAL reaches (the last record in the newest segment; with `sync`
//! durability every write acknowledged so far is at or before it), and after SNAPSHOT each
//! shard's newest snapshot must reach at least that far. A node that does not own the
//! directory snapshots its own, leaves these behind, and the backup is refused. (When no shard
//! had a record beyond its snapshot, any node passes: the snapshots on disk already hold
//! every acknowledged write, which is what the backup promises.)
//!
//! Stopped node: the directory is consistent as it is; it is copied whole (snapshots linked
//! or copied, WAL segments copied), under a shared lock so that no node starts meanwhile.
//!
//! Each shard's copy is loaded as a snapshot right away (a snapshot the node was deleting
//! while it was listed would miss files without any error from the copy; a newer one is then
//! taken instead). Every file and directory written is synced, and the whole result is
//! verified with the checks of `corevec check` before the command succeeds.
//!
//! Restore is the stopped-node copy the other way round, after verifying the backup, under the
//! data directory's exclusive lock: into a staging directory inside the data directory,
//! verified there, then swapped in with the directory's previous collections moved aside (and
//! moved back if the swap fails).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::ErrorKind;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Args;
use corevec_proto::Request;
use corevec_storage::snapshot::parse_snapshot_dir_name;
use corevec_storage::wal::segment::{parse_segment_name, scan_segment};
use corevec_storage::{Lsn, StdDirectory};

use super::check::DataDirArgs;
use super::client::ClientArgs;
use crate::config::ServeConfig;
use crate::{exit, Context, Failure};

/// How often a shard's snapshot is looked up again after the node replaced it mid-copy.
const SHARD_ATTEMPTS: usize = 8;
/// The file in the backup's root that says what it holds.
pub const BACKUP_INFO: &str = "backup.txt";

const BACKUP_HELP: &str = "\
Writes a copy of a node's data directory into DIR (which must not exist, or be empty); run
it on the node's machine. `corevec serve --data-dir DIR` starts from the copy.

While the node runs (it holds the data directory's lock), the command asks it for a snapshot
of every collection and then takes each shard's newest snapshot: the backup holds every
write the node acknowledged before the command started, each shard as of its snapshot, and
no WAL. The node is reached at --addr; without it, at the `listen` address of the node's
configuration (--config, else 127.0.0.1:7717; 0.0.0.0 and [::] mean loopback), with the
configuration's auth_token_file unless --auth-token-file is given. That this node owns the
data directory is checked on disk: after the request, each shard's newest snapshot must
cover the WAL records the shard held before it (exit 2 otherwise). The node may take up to
--timeout-s (default an hour) to answer SNAPSHOT: it writes a snapshot of every shard.

Snapshot files never change once written, so they are hard-linked when DIR is on the same
file system as the data directory (instant, and no space until the node replaces them) and
copied otherwise. Hard links share the node's disk: archive DIR elsewhere (e.g. tar) to
survive the loss of that disk.

When no node runs on the data directory, it is copied whole (snapshots and WAL) under a
shared lock, so that no node starts meanwhile. A WAL that ends in a torn record (what a
crash leaves, and what recovery truncates) is reported as a note, not as a failure.

DIR is created readable by its owner only (mode 0700; an existing empty DIR keeps its mode).
Every file is synced, and DIR is verified with the checks of `corevec check` before the
command exits 0. DIR/backup.txt records the source, the time and each shard's snapshot LSN.
Behind a router, back up every node.

Exit codes:
  0  the backup is complete and verified
  1  I/O error, or the node refused the snapshot; DIR is left for inspection
  2  usage error (DIR not empty, no data directory, the node reached is not the one that
     owns the data directory)
  5  the verification of DIR found damage";

/// Arguments of `corevec backup`.
#[derive(Debug, Args)]
#[command(after_help = BACKUP_HELP, after_long_help = BACKUP_HELP)]
pub struct BackupArgs {
    /// Directory to write the backup into (created; must be empty if it exists).
    #[arg(value_name = "DIR")]
    pub to: PathBuf,
    /// The node's data directory.
    #[command(flatten)]
    pub node: DataDirArgs,
    /// The running node (asked for the snapshots).
    #[command(flatten)]
    pub client: NodeClientArgs,
}

/// How `corevec backup` reaches the running node: by default as its configuration says.
#[derive(Debug, Args)]
pub struct NodeClientArgs {
    /// The running node's address [default: `listen` of the node's configuration (--config),
    /// else 127.0.0.1:7717; the wildcards 0.0.0.0 and :: mean loopback].
    #[arg(long, env = "COREVEC_ADDR", value_name = "HOST:PORT")]
    pub addr: Option<String>,
    /// File holding the node's auth token (trailing newline ignored) [default:
    /// `auth_token_file` of the node's configuration].
    #[arg(long, env = "COREVEC_AUTH_TOKEN_FILE", value_name = "FILE")]
    pub auth_token_file: Option<PathBuf>,
    /// How long the node may take to answer SNAPSHOT, in seconds: it writes a snapshot of
    /// every shard, which takes long on a large node (other requests: 60 s).
    #[arg(
        long,
        default_value_t = SNAPSHOT_TIMEOUT_S_DEFAULT,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=SNAPSHOT_TIMEOUT_S_MAX)
    )]
    pub timeout_s: u64,
}

/// Default bound on the node's SNAPSHOT answer: an hour.
pub const SNAPSHOT_TIMEOUT_S_DEFAULT: u64 = 3600;
/// Largest `--timeout-s`: a week.
pub const SNAPSHOT_TIMEOUT_S_MAX: u64 = 7 * 24 * 3600;

/// The node a running-node backup asks, and why that one.
#[derive(Debug)]
struct NodeTarget {
    client: ClientArgs,
    /// Where the address came from, for messages.
    source: String,
    /// Bound on the SNAPSHOT answer.
    snapshot_timeout: Duration,
}

impl NodeTarget {
    /// `--addr` if given, else the configuration's `listen` (a wildcard address reached on
    /// loopback); `--auth-token-file` if given, else the configuration's.
    fn new(args: &BackupArgs, node: &ServeConfig) -> NodeTarget {
        let (addr, source) = match &args.client.addr {
            Some(addr) => (addr.clone(), "--addr".to_owned()),
            None => (
                connect_addr(node.listen).to_string(),
                match &args.node.config {
                    Some(path) => format!("`listen` of {}", path.display()),
                    None => "the default listen address; --config names the node's file".to_owned(),
                },
            ),
        };
        NodeTarget {
            client: ClientArgs {
                addr,
                auth_token_file: args
                    .client
                    .auth_token_file
                    .clone()
                    .or_else(|| node.auth_token_file.clone()),
                timeout_s: 60,
            },
            source,
            snapshot_timeout: Duration::from_secs(args.client.timeout_s),
        }
    }

    /// `ADDR (from SOURCE)`.
    fn describe(&self) -> String {
        format!("{} (from {})", self.client.addr, self.source)
    }
}

/// Where a client reaches a server listening on `listen`: its address, or loopback for the
/// wildcard addresses `0.0.0.0` and `[::]`.
fn connect_addr(listen: SocketAddr) -> SocketAddr {
    match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv4Addr::LOCALHOST.into(), listen.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(Ipv6Addr::LOCALHOST.into(), listen.port())
        }
        _ => listen,
    }
}

/// What went into the backup, for the summary and `backup.txt`.
#[derive(Debug, Default)]
struct Written {
    linked: u64,
    copied: u64,
    bytes_copied: u64,
    /// `collection/shard-N` → what it holds.
    shards: BTreeMap<String, String>,
}

/// Runs `corevec backup`.
///
/// # Errors
/// A [`Failure`] with the exit code listed in `corevec backup --help`.
pub fn run(args: &BackupArgs) -> Result<(), Failure> {
    let node = args.node.existing_node()?;
    let data_dir = node.data_dir.clone();
    prepare_target(&args.to)?;
    let mut written = Written::default();
    let mode = match super::check::lock_shared(&data_dir) {
        Ok(_lock) => {
            copy_stopped(&data_dir, &args.to, &mut written)?;
            "stopped node: snapshots and WAL as they were".to_owned()
        }
        Err(failure) if failure.exit_code == exit::LOCKED => {
            let target = NodeTarget::new(args, &node);
            backup_running(&target, &data_dir, &args.to, &mut written)?;
            format!(
                "running node at {}: each shard's snapshot taken on request, no WAL",
                target.client.addr
            )
        }
        Err(failure) => return Err(failure),
    };
    let mode = mode.as_str();
    write_info(&args.to, &data_dir, mode, &written)?;
    sync_tree(&args.to)?;
    let verified = super::check::verify(&args.to, true)?;
    if let Some(note) = verified.torn_tail_note() {
        println!("{note}");
    }
    println!(
        "backup of {} in {}: {} shard(s), {} file(s) hard-linked, {} copied ({} bytes); {mode}; \
         verified",
        data_dir.display(),
        args.to.display(),
        written.shards.len(),
        written.linked,
        written.copied,
        written.bytes_copied
    );
    Ok(())
}

/// Creates `dir` (with its missing parents when `parents`) readable by its owner only
/// (0700): a backup, and what a restore moves aside, hold every vector and payload of the
/// node, which the other local users must not read.
fn create_private_dir(dir: &Path, parents: bool) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(parents)
        .mode(0o700)
        .create(dir)
}

/// Creates `to` (0700), or accepts it empty (its mode unchanged).
fn prepare_target(to: &Path) -> Result<(), Failure> {
    match std::fs::read_dir(to) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Failure::usage(format!(
                    "{} is not empty: back up into a new directory",
                    to.display()
                )));
            }
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            create_private_dir(to, true).context(format!("creating {}", to.display()))
        }
        Err(e) => Err(Failure::runtime(format!("reading {}: {e}", to.display()))),
    }
}

/// The collection directories of `data_dir` that hold a `collection.conf`, by name (not
/// those of dropped collections still being deleted).
fn collection_dirs(data_dir: &Path) -> Result<BTreeMap<String, PathBuf>, Failure> {
    let root = corevec_engine::persist::collections_dir(data_dir);
    let mut dirs = BTreeMap::new();
    let entries = match std::fs::read_dir(&root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(dirs),
        Err(e) => return Err(Failure::runtime(format!("listing {}: {e}", root.display()))),
    };
    for entry in entries {
        let entry = entry.context(format!("listing {}", root.display()))?;
        let path = entry.path();
        let dropped = corevec_engine::persist::is_dropped(&entry.file_name());
        if !dropped && path.join("collection.conf").is_file() {
            dirs.insert(entry.file_name().to_string_lossy().into_owned(), path);
        }
    }
    Ok(dirs)
}

/// The `shard-N` directories of a collection directory.
fn shard_dirs(collection_dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(collection_dir)
        .context(format!("listing {}", collection_dir.display()))?
    {
        let entry = entry.context(format!("listing {}", collection_dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_shard = name
            .strip_prefix("shard-")
            .is_some_and(|n| n.parse::<u32>().is_ok());
        if is_shard && entry.path().is_dir() {
            dirs.push(entry.path());
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// The newest complete snapshot directory of a shard: `(lsn, path)`.
fn newest_snapshot(shard_dir: &Path) -> Result<Option<(u64, PathBuf)>, Failure> {
    let mut newest = None;
    for entry in std::fs::read_dir(shard_dir).context(format!("listing {}", shard_dir.display()))? {
        let entry = entry.context(format!("listing {}", shard_dir.display()))?;
        if let Some((lsn, false)) = parse_snapshot_dir_name(&entry.file_name().to_string_lossy()) {
            if newest.as_ref().is_none_or(|(n, _)| lsn.0 > *n) {
                newest = Some((lsn.0, entry.path()));
            }
        }
    }
    Ok(newest)
}

/// The running node: request snapshots, check that they are this data directory's, then take
/// each shard's newest one.
fn backup_running(
    target: &NodeTarget,
    data_dir: &Path,
    to: &Path,
    written: &mut Written,
) -> Result<(), Failure> {
    let node = target.describe();
    let client = target.client.connect().map_err(|failure| Failure {
        message: format!(
            "{} (the node that holds the lock of {}; the address is {node})",
            failure.message,
            data_dir.display()
        ),
        ..failure
    })?;
    let listed = client
        .list_collections()
        .context(format!("listing the collections of {node}"))?;
    let on_disk = collection_dirs(data_dir)?;
    let served: Vec<&str> = listed.iter().map(|c| c.name.as_str()).collect();
    let held: Vec<&str> = on_disk.keys().map(String::as_str).collect();
    let mut sorted = served.clone();
    sorted.sort_unstable();
    if sorted != held {
        return Err(Failure::usage(format!(
            "the node at {node} serves the collections [{}], {} holds [{}]: is --addr the node \
             that owns this data directory? (If a collection was just created or dropped, run \
             the backup again.)",
            served.join(", "),
            data_dir.display(),
            held.join(", ")
        )));
    }
    let mut shards = BTreeMap::new();
    for info in &listed {
        let source = &on_disk[&info.name];
        let dirs = shard_dirs(source)?;
        if dirs.len() != usize::from(info.shards) {
            // As for the other signs that the node asked is not this directory's: exit 2.
            return Err(Failure::usage(format!(
                "collection {} has {} shard directories in {}, the node reports {} shards",
                info.name,
                dirs.len(),
                source.display(),
                info.shards
            )));
        }
        for dir in dirs {
            // How far its WAL reaches now: the snapshot requested next must reach as far.
            let reached = wal_last_lsn(&dir)?;
            shards.insert(dir, reached);
        }
    }
    client
        .execute_with_timeout(&Request::Snapshot { name: "" }, target.snapshot_timeout)
        .context(format!(
            "asking {node} for a snapshot (--timeout-s {})",
            target.snapshot_timeout.as_secs()
        ))?;
    for (shard, &reached) in &shards {
        let newest = newest_snapshot(shard)?.map(|(lsn, _)| lsn);
        if reached > 0 && newest.is_none_or(|lsn| lsn < reached) {
            return Err(Failure::usage(format!(
                "the node at {node} answered SNAPSHOT, but not with a snapshot of {}: {}'s WAL \
                 held records up to LSN {reached} before the request and its newest snapshot \
                 is {} after it. Is that the node that owns this data directory (two nodes \
                 with the same collections on one host)? Give the node's --config, or --addr.",
                data_dir.display(),
                shard.display(),
                newest.map_or_else(|| "none".to_owned(), |lsn| format!("at LSN {lsn}"))
            )));
        }
    }
    for info in &listed {
        let source = &on_disk[&info.name];
        let target = start_collection(source, to, &info.name, written)?;
        for shard in shard_dirs(source)? {
            let shard_target = target.join(shard.file_name().unwrap_or_default());
            let lsn = take_newest_snapshot(&shard, &shard_target, written)?;
            let reached = shards.get(&shard).copied().unwrap_or(0);
            if lsn < reached {
                return Err(Failure::runtime(format!(
                    "{}: the snapshot copied is at LSN {lsn}, before LSN {reached} that its WAL \
                     held before the request",
                    shard.display()
                )));
            }
            written.shards.insert(
                format!("{}/{}", info.name, shard_name(&shard)),
                format!("snapshot at LSN {lsn}"),
            );
        }
    }
    Ok(())
}

/// The LSN of the last record of `shard`'s WAL as it is on disk now (0: none): with `sync`
/// durability, every write the node acknowledged so far is at or before it. Read from the
/// newest segment (records are continuous across segments, so an empty newest segment means
/// the record before its first LSN), with the decoder recovery uses; a record being written
/// ends the scan like a torn tail. A segment the node deletes meanwhile is looked up again.
fn wal_last_lsn(shard: &Path) -> Result<u64, Failure> {
    use corevec_storage::{Directory as _, File as _};
    let dir = StdDirectory::new(shard);
    for _ in 0..SHARD_ATTEMPTS {
        let mut newest: Option<(u64, String)> = None;
        for entry in std::fs::read_dir(shard).context(format!("listing {}", shard.display()))? {
            let entry = entry.context(format!("listing {}", shard.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(first) = parse_segment_name(&name) {
                if newest.as_ref().is_none_or(|(n, _)| first.0 > *n) {
                    newest = Some((first.0, name));
                }
            }
        }
        let Some((first, name)) = newest else {
            return Ok(0);
        };
        let scanned = corevec_storage::block_on(async {
            let file = dir.open_file(&name).await?;
            let scan = scan_segment(&file, Lsn(first), None, None).await;
            let _ = file.close().await;
            scan
        });
        match scanned {
            Ok(scan) => return Ok(scan.last_lsn.map_or(first.saturating_sub(1), |lsn| lsn.0)),
            Err(corevec_storage::Error::Io { source, .. })
                if source.kind() == ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Failure::runtime(format!(
                    "reading the WAL of {}: {e}",
                    shard.display()
                )))
            }
        }
    }
    Err(Failure::runtime(format!(
        "{}: the node replaced its newest WAL segment {SHARD_ATTEMPTS} times while it was read; \
         retry when it writes less",
        shard.display()
    )))
}

fn shard_name(shard_dir: &Path) -> String {
    shard_dir
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Links or copies the newest snapshot of `shard` into `target`; starts over with the newer
/// one when the node replaces it meanwhile. Returns its LSN.
fn take_newest_snapshot(
    shard: &Path,
    target: &Path,
    written: &mut Written,
) -> Result<u64, Failure> {
    let mut last_error = String::new();
    for _ in 0..SHARD_ATTEMPTS {
        let Some((lsn, snapshot)) = newest_snapshot(shard)? else {
            return Err(Failure::runtime(format!(
                "{} has no snapshot after the node was asked for one",
                shard.display()
            )));
        };
        let snapshot_target = target.join(snapshot.file_name().unwrap_or_default());
        let _ = std::fs::remove_dir_all(target);
        std::fs::create_dir_all(&snapshot_target)
            .context(format!("creating {}", snapshot_target.display()))?;
        match link_or_copy_dir(&snapshot, &snapshot_target, written) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {
                // A newer snapshot replaced it: take that one.
                last_error = e.to_string();
                continue;
            }
            Err(e) => {
                return Err(Failure::runtime(format!(
                    "copying {} to {}: {e}",
                    snapshot.display(),
                    snapshot_target.display()
                )))
            }
        }
        // The node may have been deleting the snapshot while it was listed (some files gone
        // without an error here): the copy must load as a whole.
        let report = corevec_storage::check_dir(target)
            .context(format!("verifying {}", target.display()))?;
        if report.is_clean() {
            return Ok(lsn);
        }
        let replaced = newest_snapshot(shard)?.is_some_and(|(newest, _)| newest > lsn);
        if !replaced {
            return Err(Failure {
                exit_code: super::check::EXIT_DAMAGED,
                message: format!(
                    "the copy of {} does not verify and the node has no newer snapshot: {}",
                    snapshot.display(),
                    report.to_string().trim()
                ),
            });
        }
        last_error = format!("{} was replaced while it was copied", snapshot.display());
    }
    Err(Failure::runtime(format!(
        "{}: the node replaced its snapshot {SHARD_ATTEMPTS} times during the copy ({last_error}); \
         retry when it writes less",
        shard.display()
    )))
}

/// Every regular file of `from` into `to` (which exists), hard-linked or copied.
fn link_or_copy_dir(from: &Path, to: &Path, written: &mut Written) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            link_or_copy(&entry.path(), &to.join(entry.file_name()), written)?;
        }
    }
    Ok(())
}

/// A hard link where the file systems allow it, else a copy.
fn link_or_copy(from: &Path, to: &Path, written: &mut Written) -> std::io::Result<()> {
    match std::fs::hard_link(from, to) {
        Ok(()) => {
            written.linked += 1;
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::NotFound => Err(e),
        // EXDEV (another file system), EPERM (links not allowed), ...: copy instead.
        Err(_) => copy_file(from, to, written),
    }
}

/// Copies one file and syncs the copy.
fn copy_file(from: &Path, to: &Path, written: &mut Written) -> std::io::Result<()> {
    // Opened first: once open, the node deleting the file no longer matters.
    let mut source = File::open(from)?;
    let mut target = File::create(to)?;
    let bytes = std::io::copy(&mut source, &mut target)?;
    target.sync_all()?;
    written.copied += 1;
    written.bytes_copied += bytes;
    Ok(())
}

/// Creates the backup's directory of collection `name` and copies its definition into it.
fn start_collection(
    source: &Path,
    to: &Path,
    name: &str,
    written: &mut Written,
) -> Result<PathBuf, Failure> {
    let target = to.join("collections").join(name);
    std::fs::create_dir_all(&target).context(format!("creating {}", target.display()))?;
    copy_file(
        &source.join("collection.conf"),
        &target.join("collection.conf"),
        written,
    )
    .context(format!(
        "copying the definition of {name} (dropped during the backup?)"
    ))?;
    Ok(target)
}

/// A stopped node's collections, whole: definitions, complete snapshots, WAL segments.
fn copy_stopped(data_dir: &Path, to: &Path, written: &mut Written) -> Result<(), Failure> {
    for (name, source) in collection_dirs(data_dir)? {
        let target = start_collection(&source, to, &name, written)?;
        for shard in shard_dirs(&source)? {
            let shard_target = target.join(shard.file_name().unwrap_or_default());
            std::fs::create_dir_all(&shard_target)
                .context(format!("creating {}", shard_target.display()))?;
            let mut held = Vec::new();
            for entry in
                std::fs::read_dir(&shard).context(format!("listing {}", shard.display()))?
            {
                let entry = entry.context(format!("listing {}", shard.display()))?;
                let file_name = entry.file_name().to_string_lossy().into_owned();
                let from = entry.path();
                let into = shard_target.join(&file_name);
                let copied = if let Some((lsn, false)) = parse_snapshot_dir_name(&file_name) {
                    held.push(format!("snapshot at LSN {}", lsn.0));
                    std::fs::create_dir_all(&into)
                        .and_then(|()| link_or_copy_dir(&from, &into, written))
                } else if parse_segment_name(&file_name).is_some() {
                    // Segments are appended to by the next start: never shared.
                    held.push(format!("WAL {file_name}"));
                    copy_file(&from, &into, written)
                } else {
                    // Temporary snapshots, the spare segment, the iopoll probe: recreated or
                    // discarded at start.
                    Ok(())
                };
                copied.context(format!("copying {}", from.display()))?;
            }
            held.sort();
            written.shards.insert(
                format!("{name}/{}", shard_name(&shard)),
                if held.is_empty() {
                    "empty".to_owned()
                } else {
                    held.join(", ")
                },
            );
        }
    }
    Ok(())
}

const RESTORE_HELP: &str = "\
Puts a backup (a directory written by `corevec backup`) in place as a node's data directory,
for a node that is stopped; then start the node.

The backup is verified first (the checks of `corevec check`; a WAL that ends in a torn record,
as a node that crashed leaves it, is a note, not a failure); nothing changes if it does not
verify. The data directory is locked for the whole restore, so a node cannot start on it
meanwhile (and a running node makes the command exit 3). The backup is copied into
DATA_DIR/restore-incomplete: snapshot files hard-linked from the backup when both are on one
file system (a node never changes a snapshot file, it only deletes it) and copied otherwise;
definitions and WAL segments copied. The copy is synced and verified again; only then is it
swapped in: what the data directory held is not deleted, its collections are moved to a
sibling directory `DATA_DIR.replaced-UNIXTIME` (mode 0700; delete it once the restored node
is checked) and the copy takes their place.

If anything fails before the swap (no space, an I/O error, the copy does not verify), the copy
is removed and the data directory is as it was; if the swap itself fails, the previous
collections are moved back (and if even that fails, the error says where they are and the
command that puts them back). An interrupted restore (Ctrl-C) leaves the collections as they
were and DATA_DIR/restore-incomplete behind, which the next restore removes.

Exit codes:
  0  restored and verified
  1  I/O error
  2  usage error (BACKUP is not a backup)
  3  a node is running on the data directory
  5  the backup, or the restored directory, does not verify";

/// Arguments of `corevec restore`.
#[derive(Debug, Args)]
#[command(after_help = RESTORE_HELP, after_long_help = RESTORE_HELP)]
pub struct RestoreArgs {
    /// The backup to restore (written by `corevec backup`).
    #[arg(value_name = "BACKUP")]
    pub from: PathBuf,
    /// The data directory to restore into.
    #[command(flatten)]
    pub node: DataDirArgs,
}

/// Runs `corevec restore`.
///
/// The backup is copied into [`RESTORE_STAGING`] inside the data directory (its file system,
/// so that the swap is two renames), synced and verified there; only then is the previous
/// `collections/` moved aside and the staged one moved in. Any failure before the swap
/// removes the staged copy and leaves the data directory as it was; a failure of the swap
/// moves the previous collections back. A process killed before the swap (Ctrl-C, a crash)
/// leaves `collections/` untouched and a staging directory that the next restore removes;
/// only a kill between the two renames leaves the previous collections in the aside
/// directory alone.
///
/// # Errors
/// A [`Failure`] with the exit code listed in `corevec restore --help`.
pub fn restore(args: &RestoreArgs) -> Result<(), Failure> {
    if !args.from.join(BACKUP_INFO).is_file() {
        return Err(Failure::usage(format!(
            "{} is not a backup (no {BACKUP_INFO}; write one with corevec backup)",
            args.from.display()
        )));
    }
    let data_dir = args.node.resolve()?;
    let verified = super::check::verify(&args.from, true).map_err(|failure| Failure {
        message: format!("{}; nothing was changed", failure.message),
        ..failure
    })?;
    if let Some(note) = verified.torn_tail_note() {
        println!("{note}");
    }
    let _lock = crate::lock::lock_data_dir(&data_dir)?;
    let staging = data_dir.join(RESTORE_STAGING);
    match std::fs::remove_dir_all(&staging) {
        Ok(()) => println!(
            "removed {}, left by an interrupted restore",
            staging.display()
        ),
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => {
            return Err(Failure::runtime(format!(
                "removing {} (left by an interrupted restore): {e}; nothing was changed",
                staging.display()
            )))
        }
    }
    let mut written = Written::default();
    let staged = create_private_dir(&staging, false)
        .context(format!("creating {}", staging.display()))
        .and_then(|()| copy_stopped(&args.from, &staging, &mut written))
        .and_then(|()| sync_tree(&staging))
        .and_then(|()| super::check::verify(&staging, true).map(drop));
    if let Err(failure) = staged {
        return Err(discard_staging(&staging, &data_dir, failure));
    }
    let aside = match swap_in(&data_dir, &staging, |from, to| std::fs::rename(from, to)) {
        Ok(aside) => aside,
        Err(failure) => {
            // The staged copy is only worth keeping when the previous collections are not
            // back in place (the operator then chooses); otherwise it goes.
            if failure.rolled_back {
                return Err(discard_staging(&staging, &data_dir, failure.failure));
            }
            return Err(failure.failure);
        }
    };
    if let Err(e) = std::fs::remove_dir_all(&staging) {
        crate::print_stderr(&format!(
            "corevec: warning: restored, but removing the empty {} failed: {e}; delete it",
            staging.display()
        ));
    }
    println!(
        "restored {} into {}: {} shard(s), {} file(s) hard-linked, {} copied ({} bytes); verified{}",
        args.from.display(),
        data_dir.display(),
        written.shards.len(),
        written.linked,
        written.copied,
        written.bytes_copied,
        aside.map_or_else(String::new, |aside| format!(
            "; what the data directory held is in {}",
            aside.display()
        ))
    );
    Ok(())
}

/// The directory inside the data directory that `corevec restore` copies a backup into before
/// swapping it in. Nothing else uses the name; a leftover is removed by the next restore.
pub const RESTORE_STAGING: &str = "restore-incomplete";

/// A failed restore whose staged copy was never swapped in: removes it and says that nothing
/// changed.
fn discard_staging(staging: &Path, data_dir: &Path, failure: Failure) -> Failure {
    let collections = corevec_engine::persist::collections_dir(data_dir);
    let removed = match std::fs::remove_dir_all(staging) {
        Ok(()) => format!("the partial copy {} was removed", staging.display()),
        Err(e) if e.kind() == ErrorKind::NotFound => String::new(),
        Err(e) => format!(
            "removing the partial copy {} failed ({e}): delete it",
            staging.display()
        ),
    };
    Failure {
        message: format!(
            "{}; the restore was abandoned and nothing was changed: {} holds what it held \
             before{}{removed}",
            failure.message,
            collections.display(),
            if removed.is_empty() { "" } else { "; " }
        ),
        ..failure
    }
}

/// A failed swap, and whether the data directory holds its previous collections again.
struct SwapFailure {
    failure: Failure,
    rolled_back: bool,
}

/// Moves `DATA_DIR/collections` (if any) into a new `DATA_DIR.replaced-UNIXTIME/` and
/// `STAGING/collections` (if any) to `DATA_DIR/collections`; `rename` is `std::fs::rename`
/// (a parameter so that the tests can fail it). Returns the aside directory. On failure the
/// previous collections are moved back; if that fails too, the error names where they are
/// and the command that puts them back.
fn swap_in(
    data_dir: &Path,
    staging: &Path,
    mut rename: impl FnMut(&Path, &Path) -> std::io::Result<()>,
) -> Result<Option<PathBuf>, SwapFailure> {
    let not_swapped = |failure: Failure| SwapFailure {
        failure,
        rolled_back: true,
    };
    let collections = corevec_engine::persist::collections_dir(data_dir);
    let incoming = corevec_engine::persist::collections_dir(staging);
    let aside = match std::fs::symlink_metadata(&collections) {
        Ok(_) => {
            let seconds = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            let aside = sibling(data_dir, &format!(".replaced-{seconds}")).map_err(not_swapped)?;
            create_private_dir(&aside, false)
                .context(format!("creating {}", aside.display()))
                .map_err(not_swapped)?;
            if let Err(e) = rename(&collections, &aside.join("collections")) {
                let _ = std::fs::remove_dir(&aside);
                return Err(not_swapped(Failure::runtime(format!(
                    "moving {} to {}: {e}",
                    collections.display(),
                    aside.display()
                ))));
            }
            Some(aside)
        }
        Err(e) if e.kind() == ErrorKind::NotFound => None,
        Err(e) => {
            return Err(not_swapped(Failure::runtime(format!(
                "reading {}: {e}",
                collections.display()
            ))))
        }
    };
    if incoming.exists() {
        if let Err(e) = rename(&incoming, &collections) {
            let moving_in = format!(
                "moving the restored {} to {}: {e}",
                incoming.display(),
                collections.display()
            );
            let Some(aside) = aside else {
                return Err(not_swapped(Failure::runtime(moving_in)));
            };
            let previous = aside.join("collections");
            return Err(match rename(&previous, &collections) {
                Ok(()) => {
                    let _ = std::fs::remove_dir(&aside);
                    not_swapped(Failure::runtime(format!(
                        "{moving_in}; the previous collections were moved back"
                    )))
                }
                Err(back) => SwapFailure {
                    failure: Failure::runtime(format!(
                        "{moving_in}; moving the previous collections back failed too ({back}): \
                         they are in {previous}, the verified restored copy in {incoming}. Put \
                         the previous ones back before starting the node: mv {previous} {}",
                        collections.display(),
                        previous = previous.display(),
                        incoming = incoming.display(),
                    )),
                    rolled_back: false,
                },
            });
        }
    }
    let mut synced = vec![data_dir.to_owned()];
    if let Some(aside) = &aside {
        synced.push(aside.clone());
        synced.extend(aside.parent().map(Path::to_owned));
    }
    for dir in synced {
        if let Err(e) = File::open(&dir).and_then(|d| d.sync_all()) {
            // Swapped; only the durability of the renames is in question.
            crate::print_stderr(&format!("corevec: warning: syncing {}: {e}", dir.display()));
        }
    }
    Ok(aside)
}

/// The directory next to `data_dir` named as it with `suffix` appended:
/// `/var/lib/corevec.replaced-N` for `/var/lib/corevec` and for `/var/lib/corevec/` alike
/// (appending to the text as given would put it inside the data directory). The data
/// directory's real path is used (symlinks, `.` and `..` resolved), so that the sibling is on
/// its file system whenever the data directory is not a mount point.
fn sibling(data_dir: &Path, suffix: &str) -> Result<PathBuf, Failure> {
    let real = std::fs::canonicalize(data_dir)
        .context(format!("resolving the path of {}", data_dir.display()))?;
    match (real.parent(), real.file_name()) {
        (Some(parent), Some(name)) => {
            let mut sibling_name = name.to_owned();
            sibling_name.push(suffix);
            Ok(parent.join(sibling_name))
        }
        _ => Err(Failure::usage(format!(
            "the data directory {} has no parent directory to put {suffix} next to it",
            real.display()
        ))),
    }
}

/// `backup.txt`: where and when the backup comes from, and what each shard holds.
fn write_info(to: &Path, data_dir: &Path, mode: &str, written: &Written) -> Result<(), Failure> {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut text = format!(
        "corevec backup\nsource = {}\nunix_time = {seconds}\nmode = {mode}\ncorevec = {}\n",
        std::fs::canonicalize(data_dir)
            .unwrap_or_else(|_| data_dir.to_owned())
            .display(),
        env!("CARGO_PKG_VERSION"),
    );
    for (shard, holds) in &written.shards {
        text.push_str(&format!("shard {shard} = {holds}\n"));
    }
    let path = to.join(BACKUP_INFO);
    std::fs::write(&path, text)
        .and_then(|()| File::open(&path)?.sync_all())
        .context(format!("writing {}", path.display()))
}

/// Syncs every directory under `root` (files were synced as they were written; links need
/// their directory entries synced).
fn sync_tree(root: &Path) -> Result<(), Failure> {
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).context(format!("listing {}", dir.display()))? {
            let entry = entry.context(format!("listing {}", dir.display()))?;
            if entry
                .file_type()
                .context(format!("reading {}", entry.path().display()))?
                .is_dir()
            {
                stack.push(entry.path());
            }
        }
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .context(format!("syncing {}", dir.display()))?;
    }
    if let Some(parent) = root.parent().filter(|p| !p.as_os_str().is_empty()) {
        File::open(parent)
            .and_then(|d| d.sync_all())
            .context(format!("syncing {}", parent.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_node_is_reached_where_its_configuration_listens() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            args: BackupArgs,
        }
        let addr = |text: &str| connect_addr(text.parse().unwrap()).to_string();
        assert_eq!(addr("0.0.0.0:7000"), "127.0.0.1:7000");
        assert_eq!(addr("[::]:7000"), "[::1]:7000");
        assert_eq!(addr("10.1.2.3:7000"), "10.1.2.3:7000");
        assert_eq!(addr("[::1]:7000"), "[::1]:7000");

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("b.toml");
        std::fs::write(
            &file,
            format!(
                "listen = \"0.0.0.0:7301\"\nmetrics_listen = \"127.0.0.1:9301\"\n\
                 data_dir = \"{}\"\nauth_token_file = \"/etc/corevec/b.token\"\n",
                dir.path().display()
            ),
        )
        .unwrap();
        let file = file.to_str().unwrap();
        let target = |extra: &[&str]| {
            let mut argv = vec!["x", "/backups/b", "--config", file];
            argv.extend_from_slice(extra);
            let args = Cli::try_parse_from(argv).unwrap().args;
            let node = args.node.existing_node().unwrap();
            assert_eq!(node.data_dir, dir.path());
            NodeTarget::new(&args, &node)
        };
        let from_file = target(&[]);
        assert_eq!(from_file.client.addr, "127.0.0.1:7301");
        assert_eq!(
            from_file.client.auth_token_file.as_deref(),
            Some(Path::new("/etc/corevec/b.token"))
        );
        assert!(
            from_file.describe().contains(file),
            "{}",
            from_file.describe()
        );
        let from_flags = target(&["--addr", "127.0.0.1:9", "--auth-token-file", "/t"]);
        assert_eq!(from_flags.client.addr, "127.0.0.1:9");
        assert_eq!(
            from_flags.client.auth_token_file.as_deref(),
            Some(Path::new("/t"))
        );
        assert!(from_flags.describe().contains("--addr"));
        // --data-dir wins over the file's data_dir, and the node is still the file's.
        let other = tempfile::tempdir().unwrap();
        let argv = [
            "x",
            "/b",
            "--config",
            file,
            "--data-dir",
            other.path().to_str().unwrap(),
        ];
        let args = Cli::try_parse_from(argv).unwrap().args;
        let node = args.node.existing_node().unwrap();
        assert_eq!(node.data_dir, other.path());
        assert_eq!(NodeTarget::new(&args, &node).client.addr, "127.0.0.1:7301");
    }

    #[test]
    fn snapshot_is_waited_for_an_hour_unless_told_otherwise() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            args: BackupArgs,
        }
        let parse = |extra: &[&str]| {
            let mut argv = vec!["x", "/b"];
            argv.extend_from_slice(extra);
            Cli::try_parse_from(argv).map(|cli| cli.args)
        };
        let node = ServeConfig::resolve(&crate::config::ServeFlags::default()).unwrap();
        let target = NodeTarget::new(&parse(&[]).unwrap(), &node);
        assert_eq!(target.snapshot_timeout, Duration::from_secs(3600));
        assert_eq!(target.client.timeout_s, 60, "other requests keep 60 s");
        let target = NodeTarget::new(&parse(&["--timeout-s", "86400"]).unwrap(), &node);
        assert_eq!(target.snapshot_timeout, Duration::from_secs(86400));
        for refused in ["0", "604801", "soon"] {
            assert!(parse(&["--timeout-s", refused]).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_wal_reaches_its_last_record() {
        use corevec_storage::{Durability, ShardStore, WalConfig, WalRecord};
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(wal_last_lsn(dir.path()).unwrap(), 0, "no WAL");
        let config = WalConfig {
            durability: Durability::Sync,
            segment_bytes: 16384,
            ..WalConfig::default()
        };
        // Delete records are 32 bytes: 1,000 of them fill several 16 KiB segments.
        let append = |ids: std::ops::Range<u64>| {
            corevec_storage::block_on(async {
                let (store, _) = ShardStore::open(StdDirectory::new(dir.path()), config)
                    .await
                    .unwrap();
                for id in ids {
                    store.append(&[WalRecord::Delete { id }]).await.unwrap();
                }
                store.close().await.unwrap();
            });
        };
        append(0..5);
        assert_eq!(wal_last_lsn(dir.path()).unwrap(), 5);
        append(5..1_000);
        let segments = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                parse_segment_name(&e.as_ref().unwrap().file_name().to_string_lossy()).is_some()
            })
            .count();
        assert!(segments > 1, "{segments} segment(s)");
        assert_eq!(wal_last_lsn(dir.path()).unwrap(), 1_000);
    }

    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_target_must_be_new_or_empty() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("a/b");
        prepare_target(&fresh).unwrap();
        assert!(fresh.is_dir());
        assert_eq!(mode(&fresh), 0o700, "only the owner reads a backup");
        prepare_target(&fresh).unwrap();
        std::fs::write(fresh.join("x"), b"x").unwrap();
        let e = prepare_target(&fresh).unwrap_err();
        assert_eq!(e.exit_code, exit::USAGE);
        assert!(e.message.contains("not empty"), "{}", e.message);
    }

    #[test]
    fn the_newest_complete_snapshot_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "snap-00000000000000000007",
            "snap-00000000000000000042",
            "snap-00000000000000000099.tmp",
            "snap-12",
        ] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        let (lsn, path) = newest_snapshot(dir.path()).unwrap().unwrap();
        assert_eq!(lsn, 42);
        assert!(path.ends_with("snap-00000000000000000042"));
    }

    #[test]
    fn a_snapshot_that_does_not_load_is_damage_not_a_silent_copy() {
        let dir = tempfile::tempdir().unwrap();
        let shard = dir.path().join("shard-0");
        let snapshot = shard.join("snap-00000000000000000003");
        std::fs::create_dir_all(&snapshot).unwrap();
        std::fs::write(snapshot.join("MANIFEST"), b"not a manifest").unwrap();
        let mut written = Written::default();
        let e = take_newest_snapshot(&shard, &dir.path().join("copy"), &mut written).unwrap_err();
        assert_eq!(
            e.exit_code,
            super::super::check::EXIT_DAMAGED,
            "{}",
            e.message
        );
        assert!(e.message.contains("does not verify"), "{}", e.message);
    }

    #[test]
    fn the_aside_directory_is_a_sibling_with_or_without_a_trailing_slash() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let data = root.join("corevec");
        std::fs::create_dir(&data).unwrap();
        let expected = root.join("corevec.replaced-7");
        let mut with_slash = data.clone().into_os_string();
        with_slash.push("/");
        let mut with_slashes = data.clone().into_os_string();
        with_slashes.push("//");
        let mut with_dot = data.clone().into_os_string();
        with_dot.push("/.");
        for given in [
            data.clone(),
            PathBuf::from(with_slash),
            PathBuf::from(with_slashes),
            PathBuf::from(with_dot),
            data.join("sub/.."),
        ] {
            if given.ends_with("..") {
                std::fs::create_dir(data.join("sub")).unwrap();
            }
            assert_eq!(
                sibling(&given, ".replaced-7").unwrap(),
                expected,
                "{}",
                given.display()
            );
        }
        // Through a symlink: next to the real directory (rename(2) stays on its file system).
        let link = root.join("link");
        std::os::unix::fs::symlink(&data, &link).unwrap();
        let mut link_slash = link.into_os_string();
        link_slash.push("/");
        assert_eq!(
            sibling(Path::new(&link_slash), ".replaced-7").unwrap(),
            expected
        );
        assert_eq!(
            sibling(Path::new("/"), ".replaced-7")
                .unwrap_err()
                .exit_code,
            exit::USAGE
        );
    }

    /// `DIR/collections/c/NAME`, a file.
    fn collections_with(dir: &Path, name: &str) {
        let c = dir.join("collections/c");
        std::fs::create_dir_all(&c).unwrap();
        std::fs::write(c.join(name), name).unwrap();
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_swap_moves_the_previous_collections_aside() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let staging = data.join(RESTORE_STAGING);
        collections_with(&data, "old");
        collections_with(&staging, "new");
        let aside = swap_in(&data, &staging, |a, b| std::fs::rename(a, b))
            .map_err(|f| f.failure.message)
            .unwrap()
            .unwrap();
        assert!(data.join("collections/c/new").is_file());
        assert!(aside.join("collections/c/old").is_file());
        assert_eq!(
            mode(&aside),
            0o700,
            "only the owner reads what was moved aside"
        );
        assert_eq!(
            aside.parent(),
            std::fs::canonicalize(dir.path()).ok().as_deref()
        );
        assert!(!staging.join("collections").exists());
    }

    #[test]
    fn a_failed_swap_moves_the_previous_collections_back() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let staging = data.join(RESTORE_STAGING);
        collections_with(&data, "old");
        collections_with(&staging, "new");
        let no_space = || std::io::Error::from_raw_os_error(libc::ENOSPC);

        // Moving the restored collections in fails: the previous ones go back.
        let mut renames = 0;
        let failure = swap_in(&data, &staging, |a, b| {
            renames += 1;
            if renames == 2 {
                Err(no_space())
            } else {
                std::fs::rename(a, b)
            }
        })
        .unwrap_err();
        assert!(failure.rolled_back);
        assert!(
            failure.failure.message.contains("moved back"),
            "{}",
            failure.failure.message
        );
        assert!(data.join("collections/c/old").is_file());
        assert!(staging.join("collections/c/new").is_file());
        assert_eq!(entries(dir.path()), ["data"], "no aside directory left");

        // Moving the previous ones back fails too: the error says where they are and how to
        // put them back.
        let mut renames = 0;
        let failure = swap_in(&data, &staging, |a, b| {
            renames += 1;
            if renames >= 2 {
                Err(no_space())
            } else {
                std::fs::rename(a, b)
            }
        })
        .unwrap_err();
        assert!(!failure.rolled_back);
        let message = failure.failure.message;
        let aside = entries(dir.path())
            .into_iter()
            .find(|n| n.starts_with("data.replaced-"))
            .unwrap_or_else(|| panic!("no aside directory: {message}"));
        let previous = std::fs::canonicalize(dir.path())
            .unwrap()
            .join(aside)
            .join("collections");
        assert!(previous.join("c/old").is_file());
        assert!(
            message.contains(&format!("mv {} ", previous.display())),
            "{message}"
        );
        assert!(staging.join("collections/c/new").is_file(), "{message}");
    }

    #[test]
    fn a_link_and_a_copy_hold_the_same_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("from");
        std::fs::write(&from, b"blob").unwrap();
        let mut written = Written::default();
        link_or_copy(&from, &dir.path().join("linked"), &mut written).unwrap();
        copy_file(&from, &dir.path().join("copied"), &mut written).unwrap();
        assert_eq!(
            (written.linked, written.copied, written.bytes_copied),
            (1, 1, 4)
        );
        for name in ["linked", "copied"] {
            assert_eq!(std::fs::read(dir.path().join(name)).unwrap(), b"blob");
        }
        let gone = link_or_copy(
            &dir.path().join("gone"),
            &dir.path().join("x"),
            &mut written,
        );
        assert_eq!(gone.unwrap_err().kind(), ErrorKind::NotFound);
    }
}
