//! The data-directory lock: one `corevec serve` per data directory.
//!
//! `flock(LOCK_EX | LOCK_NB)` on `DATA_DIR/LOCK`, held for the life of the process (the kernel
//! releases it when the process dies, however it dies, so a crash never leaves a stale lock).
//! The file holds the owner's pid, for the error message of the next one.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use crate::{exit, Context, Failure};

/// Held while the process owns the data directory.
#[derive(Debug)]
pub struct DataDirLock {
    _file: File,
    path: PathBuf,
}

impl DataDirLock {
    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Creates `dir` if needed and takes its lock.
///
/// # Errors
/// Exit code 3 when another process holds the lock; 1 when the directory or file cannot be
/// created.
pub fn lock_data_dir(dir: &Path) -> Result<DataDirLock, Failure> {
    std::fs::create_dir_all(dir).context(format!("creating data directory {}", dir.display()))?;
    let path = dir.join("LOCK");
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .context(format!("opening {}", path.display()))?;
    flock(&mut file, &path, libc::LOCK_EX, |by| {
        format!(
            "data directory {} is in use by another corevec serve{by}; \
             stop it or choose another --data-dir",
            dir.display()
        )
    })?;
    file.set_len(0)
        .context(format!("writing {}", path.display()))?;
    file.seek(SeekFrom::Start(0))
        .and_then(|_| writeln!(file, "{}", std::process::id()))
        .context(format!("writing {}", path.display()))?;
    Ok(DataDirLock { _file: file, path })
}

/// `flock(mode | LOCK_NB)` on `file` (the lock file at `path`). When another process holds
/// it, fails with exit code 3 and `busy(" (pid N)")` as the message, the pid read from the
/// file (empty when the file holds none).
pub(crate) fn flock(
    file: &mut File,
    path: &Path,
    mode: libc::c_int,
    busy: impl FnOnce(&str) -> String,
) -> Result<(), Failure> {
    // SAFETY: `file` owns a valid open descriptor for the duration of the call; flock takes
    // no pointers.
    let rc = unsafe { libc::flock(file.as_raw_fd(), mode | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(());
    }
    let error = std::io::Error::last_os_error();
    if error.raw_os_error() != Some(libc::EWOULDBLOCK) {
        return Err(Failure::runtime(format!(
            "locking {}: {error}",
            path.display()
        )));
    }
    let mut holder = String::new();
    let _ = file.read_to_string(&mut holder);
    let holder = holder.trim();
    let by = if holder.is_empty() {
        String::new()
    } else {
        format!(" (pid {holder})")
    };
    Err(Failure {
        exit_code: exit::LOCKED,
        message: busy(&by),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_dir_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let first = lock_data_dir(dir.path()).unwrap();
        // flock locks belong to the open file description: a second open conflicts even in
        // the same process.
        let second = lock_data_dir(dir.path()).unwrap_err();
        assert_eq!(second.exit_code, exit::LOCKED);
        assert!(second.message.contains("in use"), "{}", second.message);
        drop(first);
        assert!(lock_data_dir(dir.path()).is_ok());
    }
}
