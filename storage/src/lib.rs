//! `corevec-storage` owns the **durable bytes of one shard**: its write-ahead log (direct
//! I/O, group commit), its snapshots (named blobs written atomically with a checksummed
//! manifest, mapped back read-only), and recovery of both after a crash.
//!
//! It must never know about the network, the wire protocol, or HNSW internals (the engine
//! hands it opaque named blobs and typed WAL records), and it must never share a shard's state
//! across cores: a [`ShardStore`] and its WAL are not `Send` and live on the executor that
//! opened them. Plain data is `Send`: errors, WAL records, recovery and check reports, and
//! the directory handles [`StdDirectory`] and [`DmaDirectory`] (a path each). Process-wide
//! state is limited to the counter that names iopoll probe files ([`prime_device`]) and,
//! with the `fault-injection` feature, the fault plan that tests install
//! (`disk::fault_plan`).
//!
//! Layout: [`disk`] is the file seam ([`Directory`]/[`File`]; production [`DmaDirectory`],
//! tests [`MemDirectory`] + [`FaultyDirectory`]); [`wal`] frames records and runs group
//! commit; [`snapshot`] writes and validates snapshots; [`ShardStore`] ties them together and
//! recovers; [`check_dir`] verifies a directory offline. Byte layouts are in `FORMAT.md`.
//!
//! Start-up on each executor: [`prime_device`] on the data directory (glommio iopoll
//! mis-probe workaround), then [`ShardStore::open_dir`] per shard.

#![warn(missing_docs)]
#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::missing_safety_doc,
    clippy::undocumented_unsafe_blocks
)]

mod check;
pub mod disk;
mod error;
mod mmap;
pub mod snapshot;
mod store;
pub mod wal;

pub use check::{
    check_dir, check_dir_with_snapshot, check_directory, CheckReport, Damage, SegmentCheck,
    SnapshotCheck,
};
pub use disk::{
    file_system_space, prime_device, DirEntry, Directory, DmaDirectory, FaultConfig, FaultKind,
    FaultyDirectory, File, FileBytes, FileSystemSpace, MemDirectory, StdDirectory,
};
pub use error::{Error, Result};
pub use snapshot::LoadedSnapshot;
pub use store::{IgnoredSnapshot, Recovered, RecoveryReport, ShardStore, TornTail};
pub use wal::{
    record::{Lsn, WalRecord, RECORD_BODY_BYTES_MAX},
    Durability, ParseDurabilityError, WalConfig, WalStats, WAL_GROUP_SPLIT_BYTES_DEFAULT,
    WAL_WRITES_IN_FLIGHT_DEFAULT,
};

/// Runs a future to completion on the current thread, parking between polls.
///
/// A minimal executor for [`MemDirectory`] / [`StdDirectory`] use (tests, offline tools).
/// Never call it on a glommio executor thread or with [`DmaDirectory`] futures.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::{
        sync::Arc,
        task::{Context, Poll, Wake, Waker},
        thread::{self, Thread},
    };

    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    let mut future = std::pin::pin!(future);
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut context = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        thread::park();
    }
}
