//! Buffered `std::fs` file layer: for offline tools (`check_dir`) and machines without
//! io_uring. Same contract as the other implementations (aligned I/O asserted), but goes
//! through the page cache and `allocate` only extends the size (no `fallocate`).

use std::{
    os::unix::fs::FileExt as _,
    path::{Path, PathBuf},
};

use super::{assert_block_aligned, DirEntry, Directory, File, FileBytes};
use crate::error::{Error, Result};

pub(crate) fn list(full: &Path) -> Result<Vec<DirEntry>> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(full).map_err(|e| Error::io("read_dir", full, e))? {
        let entry = entry.map_err(|e| Error::io("read_dir", full, e))?;
        let is_dir = entry
            .file_type()
            .map_err(|e| Error::io("stat", entry.path(), e))?
            .is_dir();
        if let Some(name) = entry.file_name().to_str() {
            entries.push(DirEntry {
                name: name.to_owned(),
                is_dir,
            });
        }
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

pub(crate) fn sync_dir(full: &Path) -> Result<()> {
    let dir = std::fs::File::open(full).map_err(|e| Error::io("open_dir", full, e))?;
    dir.sync_all().map_err(|e| Error::io("fsync_dir", full, e))
}

/// A directory accessed with plain `std::fs` calls (synchronous; every future is ready at once).
#[derive(Debug, Clone)]
pub struct StdDirectory {
    root: PathBuf,
}

impl StdDirectory {
    /// A directory rooted at `root` (not created).
    pub fn new(root: &Path) -> Self {
        StdDirectory {
            root: root.to_path_buf(),
        }
    }

    fn open_with(&self, path: &str, create: bool, write_through: bool) -> Result<StdFile> {
        use std::os::unix::fs::OpenOptionsExt;

        let full = self.full_path(path);
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true);
        if create {
            options.create(true).truncate(true);
        }
        if write_through {
            options.custom_flags(libc::O_DSYNC);
        }
        let op = if create { "create" } else { "open" };
        let file = options.open(&full).map_err(|e| Error::io(op, &full, e))?;
        Ok(StdFile { file, path: full })
    }
}

impl Directory for StdDirectory {
    type File = StdFile;

    fn full_path(&self, path: &str) -> PathBuf {
        if path.is_empty() {
            self.root.clone()
        } else {
            self.root.join(path)
        }
    }

    async fn create_file(&self, path: &str) -> Result<StdFile> {
        self.open_with(path, true, false)
    }

    async fn open_file(&self, path: &str) -> Result<StdFile> {
        self.open_with(path, false, false)
    }

    async fn open_file_write_through(&self, path: &str) -> Result<StdFile> {
        self.open_with(path, false, true)
    }

    async fn create_dir(&self, path: &str) -> Result<()> {
        let full = self.full_path(path);
        std::fs::create_dir(&full).map_err(|e| Error::io("create_dir", &full, e))
    }

    async fn list_dir(&self, path: &str) -> Result<Vec<DirEntry>> {
        list(&self.full_path(path))
    }

    async fn remove_file(&self, path: &str) -> Result<()> {
        let full = self.full_path(path);
        std::fs::remove_file(&full).map_err(|e| Error::io("remove_file", &full, e))
    }

    async fn remove_dir_all(&self, path: &str) -> Result<()> {
        let full = self.full_path(path);
        std::fs::remove_dir_all(&full).map_err(|e| Error::io("remove_dir_all", &full, e))
    }

    async fn rename(&self, from: &str, to: &str) -> Result<()> {
        let (from, to) = (self.full_path(from), self.full_path(to));
        std::fs::rename(&from, &to).map_err(|e| Error::io("rename", &from, e))
    }

    async fn sync_dir(&self, path: &str) -> Result<()> {
        sync_dir(&self.full_path(path))
    }

    async fn map_file(&self, path: &str) -> Result<FileBytes> {
        crate::mmap::map_readonly(&self.full_path(path))
    }
}

/// A file opened through [`StdDirectory`].
#[derive(Debug)]
pub struct StdFile {
    file: std::fs::File,
    path: PathBuf,
}

impl File for StdFile {
    fn path(&self) -> &Path {
        &self.path
    }

    async fn read_at(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        assert_block_aligned(offset, len);
        let mut buffer = vec![0u8; len];
        let mut done = 0;
        while done < len {
            match self.file.read_at(&mut buffer[done..], offset + done as u64) {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io("read", &self.path, e)),
            }
        }
        buffer.truncate(done);
        Ok(buffer)
    }

    async fn write_at(&self, offset: u64, data: &[u8]) -> Result<()> {
        assert_block_aligned(offset, data.len());
        self.file
            .write_all_at(data, offset)
            .map_err(|e| Error::io("write", &self.path, e))
    }

    async fn sync(&self) -> Result<()> {
        self.file
            .sync_data()
            .map_err(|e| Error::io("fdatasync", &self.path, e))
    }

    async fn allocate(&self, len: u64) -> Result<()> {
        if self.size().await? < len {
            self.file
                .set_len(len)
                .map_err(|e| Error::io("set_len", &self.path, e))?;
        }
        Ok(())
    }

    async fn size(&self) -> Result<u64> {
        Ok(self
            .file
            .metadata()
            .map_err(|e| Error::io("stat", &self.path, e))?
            .len())
    }

    async fn close(self) -> Result<()> {
        Ok(())
    }
}
