//! Production file layer: glommio `DmaFile` (O_DIRECT, io_uring). The only module that uses
//! glommio.
//!
//! Directory operations (create dir, list, rename, remove, fsync of a directory) are rare and
//! use blocking `std::fs` calls on the executor thread; data reads, writes, `fdatasync` and
//! `fallocate` go through io_uring.
//!
//! # The iopoll mis-probe
//! glommio decides, per block device and per executor thread, whether to use its IOPOLL ring
//! by reading offset 0 of the first `DmaFile` opened on that device. If that file is empty the
//! probe "succeeds", glommio caches "iopoll supported", and on devices without poll queues
//! every later O_DIRECT read fails with EOPNOTSUPP. [`prime_device`] opens a non-empty probe
//! file read-write first so the probe sees real data; [`DmaDirectory::open`] calls it, and the
//! engine should call it on every executor before opening any other file on the device.
//!
//! With the cargo feature `fault-injection`, `write_at`, `sync` and `allocate` first consult
//! the process-wide plan of `disk/fault_plan.rs` (tests only; absent from release builds).

use std::{
    io,
    path::{Path, PathBuf},
};

use glommio::{
    io::{DmaFile, OpenOptions},
    GlommioError,
};

use super::{assert_block_aligned, DirEntry, Directory, File, FileBytes, BLOCK_BYTES};
use crate::error::{Error, Result};

/// Prefix of the probe files [`prime_device`] writes in the data directory, as
/// `<prefix>-<pid>-<n>`, and removes after reading one back (see FORMAT.md, "glommio iopoll",
/// for what a killed process leaves behind).
pub const PROBE_FILE_NAME: &str = "iopoll-probe";

fn os_error(err: GlommioError<()>) -> io::Error {
    match err {
        GlommioError::IoError(source) | GlommioError::EnhancedIoError { source, .. } => source,
        other => io::Error::other(other.to_string()),
    }
}

fn read_error(op: &'static str, path: &Path, err: GlommioError<()>) -> Error {
    let source = os_error(err);
    if source.raw_os_error() == Some(libc::EOPNOTSUPP) {
        Error::IopollMisprobe {
            path: path.to_path_buf(),
        }
    } else {
        Error::io(op, path, source)
    }
}

/// Makes glommio's per-device iopoll probe see a non-empty file, on the current executor.
///
/// Creates `data_dir` if needed, writes one [`BLOCK_BYTES`] block to
/// `data_dir/`[`PROBE_FILE_NAME`]`-PID-N` (removed afterwards) with `std::fs` and syncs it, then opens it read-write as a
/// `DmaFile` (this open runs glommio's probe if it has not run for the device yet) and reads
/// it back with O_DIRECT. Call it on each executor before any other `DmaFile` is opened on
/// the device. Idempotent and cheap.
///
/// # Errors
/// [`Error::IopollMisprobe`] if the read-back fails with EOPNOTSUPP: some code on this
/// executor opened an empty `DmaFile` on this device first; the executor cannot read O_DIRECT
/// files on it and must be restarted with `prime_device` called first.
pub async fn prime_device(data_dir: &Path) -> Result<()> {
    use std::io::Write as _;

    std::fs::create_dir_all(data_dir).map_err(|e| Error::io("create_dir", data_dir, e))?;
    // One probe file per call: executors prime the same directory concurrently, and a file
    // shared between them could be truncated by one while another reads it back.
    static PROBES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let probe = PROBES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = data_dir.join(format!("{PROBE_FILE_NAME}-{}-{probe}", std::process::id()));
    let pattern = [0xA5u8; BLOCK_BYTES];
    {
        let mut file = std::fs::File::create(&path).map_err(|e| Error::io("create", &path, e))?;
        file.write_all(&pattern)
            .map_err(|e| Error::io("write", &path, e))?;
        file.sync_all().map_err(|e| Error::io("fsync", &path, e))?;
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .dma_open(&path)
        .await
        .map_err(|e| Error::io("open", &path, os_error(e)))?;
    let read = file.read_at_aligned(0, BLOCK_BYTES).await;
    let closed = file.close().await;
    // The probe holds no data; a leftover from a killed process is harmless.
    let _ = std::fs::remove_file(&path);
    let read = read.map_err(|e| read_error("read", &path, e))?;
    closed.map_err(|e| Error::io("close", &path, os_error(e)))?;
    if read[..] != pattern[..] {
        return Err(Error::corrupted(
            &path,
            0,
            "iopoll probe file read back different bytes",
        ));
    }
    Ok(())
}

/// A data directory on a real file system, accessed with O_DIRECT.
#[derive(Debug)]
pub struct DmaDirectory {
    root: PathBuf,
}

impl DmaDirectory {
    /// Opens (creating if needed) `root`, after [`prime_device`] on it.
    pub async fn open(root: &Path) -> Result<Self> {
        prime_device(root).await?;
        Ok(DmaDirectory {
            root: root.to_path_buf(),
        })
    }

    /// The root path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    async fn open_with(
        &self,
        path: &str,
        create: bool,
        write_through: bool,
    ) -> Result<DmaFileHandle> {
        let full = self.full_path(path);
        let mut options = OpenOptions::new();
        options.read(true).write(true);
        if create {
            options.create(true).truncate(true);
        }
        if write_through {
            options.custom_flags(libc::O_DSYNC);
        }
        let op = if create { "create" } else { "open" };
        let file = options
            .dma_open(&full)
            .await
            .map_err(|e| Error::io(op, &full, os_error(e)))?;
        Ok(DmaFileHandle { file, path: full })
    }
}

impl Directory for DmaDirectory {
    type File = DmaFileHandle;

    fn full_path(&self, path: &str) -> PathBuf {
        if path.is_empty() {
            self.root.clone()
        } else {
            self.root.join(path)
        }
    }

    async fn create_file(&self, path: &str) -> Result<DmaFileHandle> {
        self.open_with(path, true, false).await
    }

    async fn open_file(&self, path: &str) -> Result<DmaFileHandle> {
        self.open_with(path, false, false).await
    }

    async fn open_file_write_through(&self, path: &str) -> Result<DmaFileHandle> {
        self.open_with(path, false, true).await
    }

    async fn create_dir(&self, path: &str) -> Result<()> {
        let full = self.full_path(path);
        off_core(move || std::fs::create_dir(&full).map_err(|e| Error::io("create_dir", &full, e)))
            .await
    }

    async fn list_dir(&self, path: &str) -> Result<Vec<DirEntry>> {
        let full = self.full_path(path);
        off_core(move || super::std_fs::list(&full)).await
    }

    async fn remove_file(&self, path: &str) -> Result<()> {
        let full = self.full_path(path);
        off_core(move || {
            std::fs::remove_file(&full).map_err(|e| Error::io("remove_file", &full, e))
        })
        .await
    }

    async fn remove_dir_all(&self, path: &str) -> Result<()> {
        let full = self.full_path(path);
        off_core(move || {
            std::fs::remove_dir_all(&full).map_err(|e| Error::io("remove_dir_all", &full, e))
        })
        .await
    }

    async fn rename(&self, from: &str, to: &str) -> Result<()> {
        let (from, to) = (self.full_path(from), self.full_path(to));
        off_core(move || std::fs::rename(&from, &to).map_err(|e| Error::io("rename", &from, e)))
            .await
    }

    async fn sync_dir(&self, path: &str) -> Result<()> {
        let full = self.full_path(path);
        off_core(move || super::std_fs::sync_dir(&full)).await
    }

    async fn map_file(&self, path: &str) -> Result<FileBytes> {
        crate::mmap::map_readonly(&self.full_path(path))
    }
}

/// Runs a blocking file-system call on the executor's blocking thread pool, so that the
/// core goes on serving while the kernel works: unlinking a 64 MiB WAL segment or a
/// snapshot blob frees its extents and took 13–40 ms on this machine's disk, an fsync of a
/// directory 7–12 ms (bench/RESULTS.md, "Snapshots without stalls").
async fn off_core<T: Send + 'static>(
    call: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    glommio::executor().spawn_blocking(call).await
}

/// An O_DIRECT file opened through [`DmaDirectory`].
#[derive(Debug)]
pub struct DmaFileHandle {
    file: DmaFile,
    path: PathBuf,
}

impl File for DmaFileHandle {
    fn path(&self) -> &Path {
        &self.path
    }

    async fn read_at(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        assert_block_aligned(offset, len);
        let read = self
            .file
            .read_at_aligned(offset, len)
            .await
            .map_err(|e| read_error("read", &self.path, e))?;
        Ok(read.to_vec())
    }

    async fn write_at(&self, offset: u64, data: &[u8]) -> Result<()> {
        assert_block_aligned(offset, data.len());
        #[cfg(feature = "fault-injection")]
        super::fault_plan::check(super::fault_plan::FaultOp::Write, "write", &self.path)?;
        let mut done = 0usize;
        while done < data.len() {
            let rest = &data[done..];
            let mut buffer = self.file.alloc_dma_buffer(rest.len());
            buffer.as_bytes_mut().copy_from_slice(rest);
            let written = self
                .file
                .write_at(buffer, offset + done as u64)
                .await
                .map_err(|e| Error::io("write", &self.path, os_error(e)))?;
            if written == 0 || written % BLOCK_BYTES != 0 && written < rest.len() {
                let source = io::Error::new(
                    io::ErrorKind::WriteZero,
                    format!("short write of {written} bytes"),
                );
                return Err(Error::io("write", &self.path, source));
            }
            done += written;
        }
        Ok(())
    }

    async fn sync(&self) -> Result<()> {
        #[cfg(feature = "fault-injection")]
        super::fault_plan::check(super::fault_plan::FaultOp::Sync, "fdatasync", &self.path)?;
        self.file
            .fdatasync()
            .await
            .map_err(|e| Error::io("fdatasync", &self.path, os_error(e)))
    }

    async fn allocate(&self, len: u64) -> Result<()> {
        #[cfg(feature = "fault-injection")]
        super::fault_plan::check(
            super::fault_plan::FaultOp::Allocate,
            "fallocate",
            &self.path,
        )?;
        self.file
            .pre_allocate(len, false)
            .await
            .map_err(|e| Error::io("fallocate", &self.path, os_error(e)))
    }

    async fn allocate_zeroed(&self, len: u64) -> Result<()> {
        const CHUNK: usize = 1 << 20;
        // Reserve first so a full disk fails here, before anything is written.
        self.allocate(len).await?;
        let mut offset = 0u64;
        while offset < len {
            let bytes = CHUNK.min((len - offset) as usize);
            let mut buffer = self.file.alloc_dma_buffer(bytes);
            buffer.as_bytes_mut().fill(0);
            let written = self
                .file
                .write_at(buffer, offset)
                .await
                .map_err(|e| Error::io("write zeros", &self.path, os_error(e)))?;
            if written == 0 {
                let source =
                    std::io::Error::new(std::io::ErrorKind::WriteZero, "zero-length write");
                return Err(Error::io("write zeros", &self.path, source));
            }
            offset += written as u64;
        }
        Ok(())
    }

    async fn size(&self) -> Result<u64> {
        self.file
            .file_size()
            .await
            .map_err(|e| Error::io("stat", &self.path, os_error(e)))
    }

    async fn close(self) -> Result<()> {
        self.file
            .close()
            .await
            .map_err(|e| Error::io("close", &self.path, os_error(e)))
    }
}
