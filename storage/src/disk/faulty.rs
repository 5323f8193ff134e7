//! Fault injection: a [`Directory`] wrapper driven by a seed.
//!
//! # Fault model
//!
//! Every operation on the directory or on a file opened through it (create, open, list,
//! remove, rename, sync_dir, map, read, write, sync, allocate, len) gets a global index
//! `0, 1, 2, ...` (counted across all files). [`FaultConfig`] picks:
//!
//! - **Error at op N** (`fail_at`, [`FaultKind::Eio`] or [`FaultKind::NoSpace`]): operation N
//!   fails with EIO or ENOSPC. If it is a write, a seeded random prefix of it (possibly empty,
//!   possibly all) reaches the inner file first, because a failed write leaves unknown bytes.
//!   Later operations succeed again: the caller must not assume anything about N's effect.
//!   A failing `sync` completes one scheduling round after it was issued, so a sync issued
//!   meanwhile can succeed after it (what the WAL must not take as durability, fsyncgate).
//! - **Crash at op N** (`crash_at`): operation N and every later one fail with EIO
//!   ("simulated power loss"); a write at N is torn like a failed write. The test then reopens
//!   from [`MemDirectory::crash_image`](super::MemDirectory::crash_image) or
//!   [`durable_image`](super::MemDirectory::durable_image), which decides what of the
//!   un-synced state survived.
//!
//! What recovery must survive: any crash point with any torn un-synced write, and any
//! single EIO/ENOSPC: every append that was acknowledged stays readable, nothing
//! un-acknowledged is reported as acknowledged, and no state other than "an acknowledged
//! prefix plus possibly some of the unacknowledged records, in order" is ever recovered.
//!
//! Not modelled: bit flips in synced data (covered by explicit corruption tests with
//! `MemDirectory::corrupt`), misdirected writes, lost syncs that report success.

use std::{
    cell::{Cell, RefCell},
    collections::BTreeMap,
    io,
    path::{Path, PathBuf},
    rc::Rc,
};

use super::{
    mem::{yield_now, SplitMix64},
    DirEntry, Directory, File, FileBytes,
};
use crate::error::{Error, Result};

/// Which error an injected fault returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// EIO.
    Eio,
    /// ENOSPC.
    NoSpace,
}

/// What to inject, and where.
#[derive(Debug, Clone, Copy, Default)]
pub struct FaultConfig {
    /// Seed for torn-write lengths.
    pub seed: u64,
    /// Fail this operation index with this error.
    pub fail_at: Option<(u64, FaultKind)>,
    /// Crash at this operation index.
    pub crash_at: Option<u64>,
}

#[derive(Debug)]
struct FaultState {
    config: Cell<FaultConfig>,
    log: RefCell<Vec<(&'static str, PathBuf)>>,
    ops: Cell<u64>,
    crashed: Cell<bool>,
    rng: RefCell<SplitMix64>,
    counters: RefCell<BTreeMap<&'static str, (u64, u64)>>,
}

enum Verdict {
    Proceed,
    Fail(io::Error, bool),
}

impl FaultState {
    fn decide(&self, op: &'static str, path: &Path) -> Verdict {
        let index = self.ops.get();
        self.ops.set(index + 1);
        self.log.borrow_mut().push((op, path.to_path_buf()));
        let config = self.config.get();
        let mut counters = self.counters.borrow_mut();
        let counter = counters.entry(op).or_default();
        counter.0 += 1;
        let crash_now = config.crash_at == Some(index);
        if crash_now {
            self.crashed.set(true);
        }
        let verdict = if self.crashed.get() {
            Verdict::Fail(io::Error::other("simulated power loss"), crash_now)
        } else {
            match config.fail_at {
                Some((at, FaultKind::Eio)) if at == index => {
                    Verdict::Fail(io::Error::from_raw_os_error(libc::EIO), true)
                }
                Some((at, FaultKind::NoSpace)) if at == index => {
                    Verdict::Fail(io::Error::from_raw_os_error(libc::ENOSPC), true)
                }
                _ => Verdict::Proceed,
            }
        };
        if matches!(verdict, Verdict::Fail(..)) {
            counter.1 += 1;
        }
        verdict
    }

    fn check(&self, op: &'static str, path: &Path) -> Result<()> {
        match self.decide(op, path) {
            Verdict::Proceed => Ok(()),
            Verdict::Fail(source, _) => Err(Error::io(op, path, source)),
        }
    }
}

/// Wraps a directory and injects the faults of a [`FaultConfig`].
#[derive(Debug, Clone)]
pub struct FaultyDirectory<D> {
    inner: D,
    state: Rc<FaultState>,
}

impl<D: Directory> FaultyDirectory<D> {
    /// Wraps `inner`.
    pub fn new(inner: D, config: FaultConfig) -> Self {
        let state = FaultState {
            config: Cell::new(config),
            log: RefCell::new(Vec::new()),
            ops: Cell::new(0),
            crashed: Cell::new(false),
            rng: RefCell::new(SplitMix64::new(config.seed)),
            counters: RefCell::new(BTreeMap::new()),
        };
        FaultyDirectory {
            inner,
            state: Rc::new(state),
        }
    }

    /// The wrapped directory.
    pub fn inner(&self) -> &D {
        &self.inner
    }

    /// Operations issued so far (the next operation's index).
    pub fn ops_count(&self) -> u64 {
        self.state.ops.get()
    }

    /// Replaces the fault plan (indices keep counting from [`Self::ops_count`]).
    pub fn set_config(&self, config: FaultConfig) {
        self.state.config.set(config);
    }

    /// Every operation issued so far: `(op, path)`, indexed by operation index.
    pub fn op_log(&self) -> Vec<(&'static str, PathBuf)> {
        self.state.log.borrow().clone()
    }

    /// Whether the simulated crash happened.
    pub fn crashed(&self) -> bool {
        self.state.crashed.get()
    }

    /// Per-operation `calls/faults` counters, for printing when a test fails.
    pub fn report(&self) -> String {
        let counters = self.state.counters.borrow();
        let parts: Vec<String> = counters
            .iter()
            .map(|(op, (calls, faults))| format!("{op}={calls}/{faults}"))
            .collect();
        format!(
            "ops={} crashed={} [{}]",
            self.ops_count(),
            self.crashed(),
            parts.join(" ")
        )
    }
}

impl<D: Directory> FaultyDirectory<D> {
    /// `inner` behind this directory's fault plan.
    fn wrap(&self, inner: D::File) -> FaultyFile<D::File> {
        FaultyFile {
            inner,
            state: self.state.clone(),
        }
    }
}

impl<D: Directory> Directory for FaultyDirectory<D> {
    type File = FaultyFile<D::File>;

    fn full_path(&self, path: &str) -> PathBuf {
        self.inner.full_path(path)
    }

    async fn create_file(&self, path: &str) -> Result<Self::File> {
        self.state.check("create", &self.full_path(path))?;
        Ok(self.wrap(self.inner.create_file(path).await?))
    }

    async fn open_file(&self, path: &str) -> Result<Self::File> {
        self.state.check("open", &self.full_path(path))?;
        Ok(self.wrap(self.inner.open_file(path).await?))
    }

    async fn open_file_write_through(&self, path: &str) -> Result<Self::File> {
        self.state.check("open", &self.full_path(path))?;
        Ok(self.wrap(self.inner.open_file_write_through(path).await?))
    }

    async fn create_dir(&self, path: &str) -> Result<()> {
        self.state.check("create_dir", &self.full_path(path))?;
        self.inner.create_dir(path).await
    }

    async fn list_dir(&self, path: &str) -> Result<Vec<DirEntry>> {
        self.state.check("list_dir", &self.full_path(path))?;
        self.inner.list_dir(path).await
    }

    async fn remove_file(&self, path: &str) -> Result<()> {
        self.state.check("remove_file", &self.full_path(path))?;
        self.inner.remove_file(path).await
    }

    async fn remove_dir_all(&self, path: &str) -> Result<()> {
        self.state.check("remove_dir_all", &self.full_path(path))?;
        self.inner.remove_dir_all(path).await
    }

    async fn rename(&self, from: &str, to: &str) -> Result<()> {
        self.state.check("rename", &self.full_path(from))?;
        self.inner.rename(from, to).await
    }

    async fn sync_dir(&self, path: &str) -> Result<()> {
        self.state.check("sync_dir", &self.full_path(path))?;
        self.inner.sync_dir(path).await
    }

    async fn map_file(&self, path: &str) -> Result<FileBytes> {
        self.state.check("map_file", &self.full_path(path))?;
        self.inner.map_file(path).await
    }
}

/// A file opened through [`FaultyDirectory`].
#[derive(Debug)]
pub struct FaultyFile<F> {
    inner: F,
    state: Rc<FaultState>,
}

impl<F: File> File for FaultyFile<F> {
    fn path(&self) -> &Path {
        self.inner.path()
    }

    async fn read_at(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        self.state.check("read", self.path())?;
        self.inner.read_at(offset, len).await
    }

    async fn write_at(&self, offset: u64, data: &[u8]) -> Result<()> {
        // Concurrent writes (the WAL keeps several in flight) complete in any order on a real
        // device: a seeded number of scheduling rounds before this one takes effect.
        let rounds = self.state.rng.borrow_mut().below(3);
        for _ in 0..rounds {
            yield_now().await;
        }
        match self.state.decide("write", self.inner.path()) {
            Verdict::Proceed => self.inner.write_at(offset, data).await,
            Verdict::Fail(source, tear) => {
                if tear {
                    // A torn write: a prefix of `data` lands, the rest keeps the old bytes.
                    // Done as an aligned read-modify-write so the inner O_DIRECT contract holds.
                    let torn = self.state.rng.borrow_mut().below(data.len() as u64 + 1) as usize;
                    let mut block = self.inner.read_at(offset, data.len()).await?;
                    block.resize(data.len(), 0);
                    block[..torn].copy_from_slice(&data[..torn]);
                    self.inner.write_at(offset, &block).await?;
                }
                Err(Error::io("write", self.path(), source))
            }
        }
    }

    async fn sync(&self) -> Result<()> {
        if let Err(error) = self.state.check("sync", self.path()) {
            // A failing fdatasync takes time too: a sync issued after it, still in flight,
            // may complete after the failure (the order the WAL must not trust).
            yield_now().await;
            return Err(error);
        }
        self.inner.sync().await
    }

    async fn allocate(&self, len: u64) -> Result<()> {
        self.state.check("allocate", self.path())?;
        self.inner.allocate(len).await
    }

    async fn size(&self) -> Result<u64> {
        self.state.check("size", self.path())?;
        self.inner.size().await
    }

    async fn close(self) -> Result<()> {
        self.inner.close().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{block_on, disk::MemDirectory};

    #[test]
    fn fails_the_chosen_op_then_recovers() {
        block_on(async {
            let config = FaultConfig {
                seed: 1,
                fail_at: Some((2, FaultKind::NoSpace)),
                crash_at: None,
            };
            let dir = FaultyDirectory::new(MemDirectory::new(), config);
            let f = dir.create_file("f").await.unwrap(); // op 0
            f.write_at(0, &[1; 4096]).await.unwrap(); // op 1
            let err = f.write_at(4096, &[2; 4096]).await.unwrap_err(); // op 2
            assert!(matches!(err, Error::NoSpace { .. }), "{err:?}");
            f.sync().await.unwrap();
            assert!(dir.report().contains("write=2/1"), "{}", dir.report());
        });
    }

    #[test]
    fn crash_fails_everything_after() {
        block_on(async {
            let config = FaultConfig {
                seed: 3,
                fail_at: None,
                crash_at: Some(1),
            };
            let dir = FaultyDirectory::new(MemDirectory::new(), config);
            let f = dir.create_file("f").await.unwrap();
            assert!(f.write_at(0, &[1; 8192]).await.is_err());
            assert!(f.sync().await.is_err());
            assert!(dir.crashed());
            // The torn write left a prefix of the data (in the live image only).
            let live = dir.inner().read_live("f").unwrap();
            assert!(live.iter().take_while(|b| **b == 1).count() <= 8192);
        });
    }
}
