//! The `corevec` command line: `serve` (the node), `route` (a router in front of several
//! nodes), thin client commands, `import` and `export`, `check`, `backup` and `restore` (a
//! node's data directory), and `repair` (makes a node's replicas equal to another's).
//!
//! This library is the whole binary; `main.rs` only calls [`main`]. It is a library so that
//! the integration tests can build the same entry point as a binary of their own (Cargo
//! exposes binaries only to tests of the same package).
//!
//! Errors at this edge are context-rich strings with an exit code ([`Failure`]); the typed
//! errors of the crates below are rendered here, once.

#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::missing_safety_doc,
    clippy::undocumented_unsafe_blocks
)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod cmd;
pub mod config;
/// Entry points for the fuzz target in `tools/fuzz` only; not part of the crate's API.
#[doc(hidden)]
pub mod fuzzing;
mod lock;
mod systemd;

/// Exit codes, as documented in `corevec --help`.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// A runtime error (server answered with an error, I/O failed, a signal forced the exit).
    pub const RUNTIME: u8 = 1;
    /// Bad usage or configuration (unknown flag or key, invalid value).
    pub const USAGE: u8 = 2;
    /// The data directory is locked by another `corevec serve`.
    pub const LOCKED: u8 = 3;
    /// The server could not listen on its address (in use, no permission).
    pub const LISTEN: u8 = 4;
}

const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  runtime error (I/O, server error, forced shutdown by a second signal)
  2  usage or configuration error (unknown flag or config key, invalid value)
  3  data directory locked by another `corevec serve`
  4  cannot listen on the configured address (or the metrics address)
  5  `corevec check` found damage; 6: only torn WAL tails (see `corevec check --help`);
     5 also: a `corevec repair` dry run found replicas that differ, or the verification
     of a `corevec backup` found damage";

/// A failed command: what to print and how to exit.
#[derive(Debug)]
pub struct Failure {
    /// Process exit code (see [`exit`]).
    pub exit_code: u8,
    /// One line (or a few) for the operator.
    pub message: String,
}

impl Failure {
    /// A runtime failure (exit 1).
    pub fn runtime(message: impl Into<String>) -> Failure {
        Failure {
            exit_code: exit::RUNTIME,
            message: message.into(),
        }
    }

    /// A usage or configuration failure (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            exit_code: exit::USAGE,
            message: message.into(),
        }
    }
}

/// Adds "while doing X" to any displayable error, as a runtime [`Failure`].
pub trait Context<T> {
    /// Maps the error to `Failure::runtime("{what}: {error}")`.
    fn context(self, what: impl std::fmt::Display) -> Result<T, Failure>;
}

impl<T, E: std::fmt::Display> Context<T> for Result<T, E> {
    fn context(self, what: impl std::fmt::Display) -> Result<T, Failure> {
        self.map_err(|e| Failure::runtime(format!("{what}: {e}")))
    }
}

/// corevec: a thread-per-core vector database.
#[derive(Debug, Parser)]
#[command(name = "corevec", version, about, after_long_help = EXIT_CODES_HELP, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a node: the engine on the selected cores and the server on every core.
    Serve(Box<cmd::serve::ServeArgs>),
    /// Print the version of the binary and of the protocol.
    Version,
    /// Create, list, describe or drop collections.
    #[command(subcommand)]
    Collection(cmd::client::CollectionCommand),
    /// Search one query vector (from a file or stdin); prints ids and distances.
    Search(cmd::client::SearchArgs),
    /// Print points by id: vector, payload and labels.
    Get(cmd::client::GetArgs),
    /// Replace the payload of one point, keeping its vector and labels.
    SetPayload(cmd::client::SetPayloadArgs),
    /// Replace the labels of one point, keeping its vector and payload.
    SetLabels(cmd::client::SetLabelsArgs),
    /// Delete points by id, or every point matching a label filter (with --yes).
    Delete(cmd::client::DeleteArgs),
    /// Print the node's counters.
    Stats(cmd::client::StatsArgs),
    /// Snapshot one collection, or all.
    Snapshot(cmd::client::SnapshotArgs),
    /// Import vectors from an .fvecs or .npy file into a collection.
    Import(cmd::import::ImportArgs),
    /// Export a collection's points (or those matching a label filter) to files that
    /// `corevec import` reads: vectors.fvecs, ids.txt, payloads.txt, labels.txt.
    ///
    /// Points are written in ascending id order; collection.txt holds the collection's settings
    /// and the `corevec collection create` and `corevec import` commands that recreate it (with
    /// another shard count, metric or HNSW setting if edited). Not a point-in-time snapshot: a
    /// point written or deleted during the export may or may not be in it; every point that
    /// exists for the whole export is in it exactly once. Stop writes first for a consistent
    /// copy. A payload that contains a line break or ends with `\r` cannot be one line of
    /// payloads.txt: the export then fails naming the id (use --no-payloads, and a client
    /// library's scroll for such payloads).
    Export(cmd::export::ExportArgs),
    /// List a collection's point ids in ascending order, with their labels or payloads if asked.
    ///
    /// One line per point: the id, then with --with-labels a tab and the labels
    /// (comma-separated), with --with-payloads a tab and the payload (as `corevec get` prints
    /// it). Like an export, not a point-in-time snapshot.
    List(cmd::export::ListPointsArgs),
    /// Run a router in front of several nodes (shard map, replication, failover).
    Route(Box<cmd::route::RouteArgs>),
    /// Verify a stopped node's data directory offline (checksums, WAL continuity, snapshots).
    Check(cmd::check::CheckArgs),
    /// Copy a node's data directory into a new directory that `corevec serve` starts from,
    /// while the node runs (every write acknowledged before the command started is in it) or
    /// not; verified before it exits.
    Backup(cmd::backup::BackupArgs),
    /// Put a backup in place as a stopped node's data directory (verified before and after;
    /// the previous contents are moved aside, never deleted).
    Restore(cmd::backup::RestoreArgs),
    /// Make one node's replicas of a collection equal to another replica's (after the node
    /// missed writes while down, or lost its disk).
    ///
    /// Reads the router's configuration file for the node list and the map, lists both nodes'
    /// points of every partition group the node holds (SCROLL, in id order), and shows what
    /// differs: points the node lacks, holds differently (vector, payload or labels) or holds
    /// but the source does not. With --yes it writes the source's points to the node and
    /// deletes its extra ones (creating the collection if the node has none). Without --yes it
    /// only counts, and exits 5 when something differs. Each batch is read again from the
    /// source just before it is written; still, stop writes to the collection while repairing
    /// where possible (a write racing a batch can be set back on the node). See
    /// docs/ROUTER.md, "Repairing a replica".
    Repair(cmd::repair::RepairArgs),
}

/// Writes a line to stderr, ignoring failure (`eprintln!` panics when stderr is closed).
pub fn print_stderr(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Parses the command line, runs the command, and turns the outcome into an exit code.
#[must_use]
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with exit 0; real usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let outcome = match cli.command {
        Command::Serve(args) => cmd::serve::run(*args),
        Command::Version => {
            println!(
                "corevec {} (protocol versions {}..={})",
                env!("CARGO_PKG_VERSION"),
                corevec_proto::VERSION_MIN,
                corevec_proto::VERSION_MAX
            );
            Ok(())
        }
        Command::Collection(command) => cmd::client::collection(command),
        Command::Search(args) => cmd::client::search(&args),
        Command::Get(args) => cmd::client::get(&args),
        Command::SetPayload(args) => cmd::client::set_payload(&args),
        Command::SetLabels(args) => cmd::client::set_labels(&args),
        Command::Delete(args) => cmd::client::delete(&args),
        Command::Stats(args) => cmd::client::stats(&args),
        Command::Snapshot(args) => cmd::client::snapshot(&args),
        Command::Import(args) => cmd::import::run(&args),
        Command::Export(args) => cmd::export::export(&args),
        Command::List(args) => cmd::export::list(&args),
        Command::Route(args) => cmd::route::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Backup(args) => cmd::backup::run(&args),
        Command::Restore(args) => cmd::backup::restore(&args),
        Command::Repair(args) => cmd::repair::run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            print_stderr(&format!("corevec: {}", failure.message));
            ExitCode::from(failure.exit_code)
        }
    }
}
