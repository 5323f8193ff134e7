//! Read-only memory maps of immutable files (snapshot blobs). The crate's only `unsafe`.

use std::path::Path;

use crate::{
    disk::FileBytes,
    error::{Error, Result},
};

/// Maps the whole file at `path` read-only.
///
/// Only call this for files that no one modifies or truncates while mapped: complete snapshot
/// files, which this crate writes once, syncs, and afterwards only deletes (deleting a mapped
/// file is safe: the mapping keeps the inode alive).
pub(crate) fn map_readonly(path: &Path) -> Result<FileBytes> {
    let file = std::fs::File::open(path).map_err(|e| Error::io("open", path, e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::io("stat", path, e))?
        .len();
    if len == 0 {
        // mmap(2) rejects zero-length maps; an empty file is simply no bytes.
        return Ok(FileBytes::owned(&[]));
    }
    // SAFETY: `Mmap::map` is unsafe because another process (or this one) could modify or
    // truncate the file while it is mapped, which would change bytes behind a `&[u8]` or raise
    // SIGBUS. Callers map only finished snapshot files inside the shard's private data
    // directory; this crate never writes to or truncates a file after its snapshot is complete
    // (only removes it, which keeps the mapped inode alive). Outside tampering with a running
    // shard's directory is outside the contract, as documented in FORMAT.md.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io("mmap", path, e))?;
    assert_eq!(
        map.len() as u64,
        len,
        "mmap length mismatch for {}",
        path.display()
    );
    Ok(FileBytes::mapped(map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_file_contents_aligned() {
        let dir = std::env::temp_dir().join(format!("corevec-mmap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("blob");
        let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let bytes = map_readonly(&path).unwrap();
        assert_eq!(bytes.as_slice(), &data[..]);
        assert_eq!(bytes.as_slice().as_ptr() as usize % 4096, 0);
        // Removing a mapped file keeps the mapping valid.
        std::fs::remove_file(&path).unwrap();
        assert_eq!(bytes.as_slice()[9_999], data[9_999]);
        std::fs::write(&path, b"").unwrap();
        assert!(map_readonly(&path).unwrap().as_slice().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
