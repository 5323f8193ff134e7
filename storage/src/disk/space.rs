//! How much room the file system under a data directory has left (`statvfs`), for the
//! metrics endpoint and operators' alerts: a WAL that hits ENOSPC stops taking writes until
//! the node restarts (FORMAT.md, "Recovery"), so the free space is worth watching.

use std::ffi::CString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Size and free space of one file system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileSystemSpace {
    /// Bytes of the whole file system.
    pub size_bytes: u64,
    /// Bytes an unprivileged process may still allocate (`f_bavail`: without the blocks
    /// reserved for root).
    pub available_bytes: u64,
}

/// The space of the file system holding `path`.
///
/// # Errors
/// The `statvfs` error (e.g. `NotFound` for a path that does not exist).
pub fn file_system_space(path: &Path) -> io::Result<FileSystemSpace> {
    let c_path = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))?;
    let mut stat = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `c_path` is a NUL-terminated string that outlives the call, and `stat` points
    // to writable memory of the size statvfs fills.
    let rc = unsafe { libc::statvfs(c_path.as_ptr(), stat.as_mut_ptr()) };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: statvfs returned 0, so it initialised the whole struct.
    let stat = unsafe { stat.assume_init() };
    // 64-bit counts on the 64-bit Linux targets this crate runs on.
    let fragment: u64 = stat.f_frsize;
    Ok(FileSystemSpace {
        size_bytes: stat.f_blocks.saturating_mul(fragment),
        available_bytes: stat.f_bavail.saturating_mul(fragment),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_has_a_size_and_at_most_that_much_free() {
        let space = file_system_space(&std::env::temp_dir()).unwrap();
        assert!(space.size_bytes > 0);
        assert!(space.available_bytes <= space.size_bytes, "{space:?}");
    }

    #[test]
    fn a_missing_path_is_not_found() {
        let missing = std::env::temp_dir().join(format!("corevec-missing-{}", std::process::id()));
        let e = file_system_space(&missing).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
    }
}
