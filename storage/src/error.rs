//! The crate's one error type.
//!
//! Variants are grouped by how the caller reacts:
//! - [`Error::Io`] / [`Error::NoSpace`]: the operating system refused an operation. The WAL
//!   enters the failed state; fix the cause (free space, replace the disk) and reopen.
//! - [`Error::Corrupted`]: bytes on disk fail a check in a place where a crash cannot explain
//!   them. Never "repaired" silently: an operator must look (use `check_dir`).
//! - [`Error::Failed`]: the WAL already failed earlier; reopen the shard.
//! - [`Error::RecordTooLarge`]: the caller's input is too big; nothing was written, the WAL is
//!   still healthy.
//! - [`Error::IopollMisprobe`]: the runtime was initialised wrongly for this device; see
//!   [`crate::prime_device`].

use std::{io, path::PathBuf};

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `corevec-storage`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O call failed (EIO and friends).
    #[error("I/O error during {op} on {path}: {source}")]
    Io {
        /// The operation that failed, e.g. `"write"`, `"fdatasync"`.
        op: &'static str,
        /// The file or directory involved.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: io::Error,
    },
    /// The device is full (ENOSPC).
    #[error("no space left on device during {op} on {path}")]
    NoSpace {
        /// The operation that failed.
        op: &'static str,
        /// The file or directory involved.
        path: PathBuf,
    },
    /// Data on disk is damaged in a way a crash cannot explain.
    #[error("corrupted data in {file} at offset {offset}: {reason}")]
    Corrupted {
        /// The damaged file.
        file: PathBuf,
        /// Byte offset of the damage inside `file`.
        offset: u64,
        /// What check failed.
        reason: String,
    },
    /// The WAL failed earlier and rejects appends until the shard is reopened.
    #[error("write-ahead log is in the failed state ({cause}); reopen the shard")]
    Failed {
        /// The error that moved the WAL into the failed state.
        cause: String,
        /// Whether that error was ENOSPC (clients then keep seeing "disk full").
        no_space: bool,
    },
    /// A single record is larger than the format allows.
    #[error("WAL record body of {bytes} bytes exceeds the maximum of {max} bytes")]
    RecordTooLarge {
        /// Body size of the rejected record.
        bytes: usize,
        /// The limit, [`crate::RECORD_BODY_BYTES_MAX`].
        max: usize,
    },
    /// O_DIRECT reads fail with EOPNOTSUPP because glommio cached "iopoll supported" for a
    /// device without poll queues (it probed an empty file first).
    #[error(
        "O_DIRECT read of {path} failed with EOPNOTSUPP: glommio mis-detected iopoll support for \
         this device (an empty file was opened with DmaFile first on this executor); call \
         corevec_storage::prime_device on the data directory before opening any other DmaFile"
    )]
    IopollMisprobe {
        /// The file whose read failed.
        path: PathBuf,
    },
}

impl Error {
    /// Maps an OS error to [`Error::NoSpace`] (ENOSPC, EDQUOT) or [`Error::Io`].
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        let path = path.into();
        match source.raw_os_error() {
            Some(libc::ENOSPC | libc::EDQUOT) => Error::NoSpace { op, path },
            _ if source.kind() == io::ErrorKind::StorageFull => Error::NoSpace { op, path },
            _ => Error::Io { op, path, source },
        }
    }

    pub(crate) fn corrupted(
        file: impl Into<PathBuf>,
        offset: u64,
        reason: impl Into<String>,
    ) -> Self {
        Error::Corrupted {
            file: file.into(),
            offset,
            reason: reason.into(),
        }
    }

    /// The error an append gets once the WAL failed with `self`: [`Error::Failed`] naming
    /// the cause, and remembering whether it was a full disk.
    pub fn rejection(&self) -> Error {
        match self {
            Error::Failed { .. } => self.duplicate(),
            _ => Error::Failed {
                cause: self.to_string(),
                no_space: matches!(self, Error::NoSpace { .. }),
            },
        }
    }

    /// An equivalent error, for handing one failure to every waiter of a group commit
    /// (`io::Error` is not `Clone`).
    pub(crate) fn duplicate(&self) -> Self {
        match self {
            Error::Io { op, path, source } => {
                let source = match source.raw_os_error() {
                    Some(code) => io::Error::from_raw_os_error(code),
                    None => io::Error::new(source.kind(), source.to_string()),
                };
                Error::Io {
                    op,
                    path: path.clone(),
                    source,
                }
            }
            Error::NoSpace { op, path } => Error::NoSpace {
                op,
                path: path.clone(),
            },
            Error::Corrupted {
                file,
                offset,
                reason,
            } => Error::Corrupted {
                file: file.clone(),
                offset: *offset,
                reason: reason.clone(),
            },
            Error::Failed { cause, no_space } => Error::Failed {
                cause: cause.clone(),
                no_space: *no_space,
            },
            Error::RecordTooLarge { bytes, max } => Error::RecordTooLarge {
                bytes: *bytes,
                max: *max,
            },
            Error::IopollMisprobe { path } => Error::IopollMisprobe { path: path.clone() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enospc_maps_to_no_space_and_duplicate_keeps_errno() {
        let e = Error::io("write", "/x", io::Error::from_raw_os_error(libc::ENOSPC));
        assert!(matches!(e, Error::NoSpace { op: "write", .. }));
        let e = Error::io("write", "/x", io::Error::from_raw_os_error(libc::EIO));
        match e.duplicate() {
            Error::Io { source, .. } => assert_eq!(source.raw_os_error(), Some(libc::EIO)),
            other => panic!("unexpected {other:?}"),
        }
    }
}
