//! `corevec-bench`: benchmarks that print one JSON line per configuration.
//!
//! Each subcommand lives in its own module; results and the commands that produced them are
//! recorded in `bench/RESULTS.md`.

mod compact;
mod exact;
mod filter;
mod index;
mod relabel;
mod report;
mod restart;
mod scroll;
mod set_labels;
mod snapshot;
mod truth;
mod wal;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "corevec-bench",
    version,
    about = "corevec benchmarks (JSON lines on stdout)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Shard compaction in the running engine after deleting part of a dataset.
    Compact(compact::CompactArgs),
    /// Exact (brute-force) search fanned out over 1..N shards.
    Exact(exact::ExactArgs),
    /// Filtered search on one shard: label-list scan vs filtered graph walk vs the default.
    Filter(filter::FilterArgs),
    /// HNSW build and search on a TEXMEX dataset (base/query/groundtruth).
    Index(index::IndexArgs),
    /// Replacing labels in place inside one large shard: one by one against batches.
    Relabel(relabel::RelabelArgs),
    /// Time from start to the first answered query after a restart (snapshot + WAL tail).
    Restart(restart::RestartArgs),
    /// Listing one shard page by page (SCROLL's per-page cost).
    Scroll(scroll::ScrollArgs),
    /// Replacing every point's labels (SET_LABELS) in the durable engine.
    SetLabels(set_labels::SetLabelsArgs),
    /// How long a core stops answering while its shards are snapshotted.
    Snapshot(snapshot::SnapshotArgs),
    /// WAL group commit throughput against the disk's raw O_DIRECT bandwidth.
    Wal(wal::WalArgs),
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Compact(args) => compact::run(&args),
        Command::Exact(args) => exact::run(&args),
        Command::Filter(args) => filter::run(&args),
        Command::Index(args) => index::run(&args),
        Command::Wal(args) => wal::run(&args),
        Command::Relabel(args) => relabel::run(&args),
        Command::Restart(args) => restart::run(&args),
        Command::Scroll(args) => scroll::run(&args),
        Command::SetLabels(args) => set_labels::run(&args),
        Command::Snapshot(args) => snapshot::run(&args),
    }
}
