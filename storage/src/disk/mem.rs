//! In-memory file layer with **live vs durable images**, for crash tests.
//!
//! Every file has a *live* image (what reads see now) and a *durable* image (what survives a
//! crash); [`File::sync`] copies live to durable. Every directory has live and durable entry
//! tables; [`Directory::sync_dir`] copies live to durable. So a crash forgets un-synced
//! writes, un-synced file sizes, and un-synced creates, removes and renames.
//!
//! [`MemDirectory::durable_image`] is the pessimistic crash (nothing un-synced survives);
//! [`MemDirectory::crash_image`] is the realistic one: each un-synced write or size change of a
//! reachable file independently survives or not, and a surviving write may be torn at any
//! byte (a prefix of it reached the disk), chosen by a seed.
//!
//! Every operation yields to the executor once before it takes effect, so concurrent tasks
//! interleave as they would on a real disk (this is what lets group commit batch in tests).

use std::{
    cell::RefCell,
    collections::{BTreeMap, HashMap},
    future::Future,
    io,
    path::{Path, PathBuf},
    pin::Pin,
    rc::Rc,
    task::{Context, Poll},
};

use super::{assert_block_aligned, DirEntry, Directory, File, FileBytes};
use crate::error::{Error, Result};

/// SplitMix64: a tiny deterministic generator for seeded fault decisions.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (`bound > 0`).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        assert!(bound > 0);
        self.next_u64() % bound
    }
}

/// Yields once (returns `Pending` after waking itself).
pub(crate) struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

pub(crate) fn yield_now() -> YieldNow {
    YieldNow(false)
}

#[derive(Debug, Clone)]
enum Pending {
    Write { offset: u64, data: Vec<u8> },
    SetLen(u64),
}

#[derive(Debug, Clone, Default)]
struct FileNode {
    live: Vec<u8>,
    durable: Vec<u8>,
    unsynced: Vec<Pending>,
}

#[derive(Debug, Clone, Default)]
struct DirNode {
    live: BTreeMap<String, u64>,
    durable: BTreeMap<String, u64>,
}

#[derive(Debug, Clone)]
enum Node {
    File(FileNode),
    Dir(DirNode),
}

#[derive(Debug)]
struct MemFs {
    nodes: HashMap<u64, Node>,
    next_id: u64,
}

const ROOT: u64 = 0;

fn apply(data: &mut Vec<u8>, op: &Pending) {
    match op {
        Pending::Write {
            offset,
            data: bytes,
        } => {
            let start = *offset as usize;
            let end = start + bytes.len();
            if data.len() < end {
                data.resize(end, 0);
            }
            data[start..end].copy_from_slice(bytes);
        }
        Pending::SetLen(len) => data.resize(*len as usize, 0),
    }
}

fn not_found(op: &'static str, path: &str) -> Error {
    Error::io(op, path, io::Error::from(io::ErrorKind::NotFound))
}

impl MemFs {
    fn new() -> Self {
        let mut nodes = HashMap::new();
        nodes.insert(ROOT, Node::Dir(DirNode::default()));
        MemFs { nodes, next_id: 1 }
    }

    fn dir(&self, id: u64) -> Option<&DirNode> {
        match self.nodes.get(&id) {
            Some(Node::Dir(dir)) => Some(dir),
            _ => None,
        }
    }

    fn dir_mut(&mut self, id: u64) -> Option<&mut DirNode> {
        match self.nodes.get_mut(&id) {
            Some(Node::Dir(dir)) => Some(dir),
            _ => None,
        }
    }

    fn file_mut(&mut self, id: u64) -> &mut FileNode {
        match self.nodes.get_mut(&id) {
            Some(Node::File(file)) => file,
            _ => unreachable!("file handle {id} points to a non-file node"),
        }
    }

    /// Resolves `path` through live entries.
    fn resolve(&self, path: &str) -> Option<u64> {
        let mut id = ROOT;
        for part in path.split('/').filter(|p| !p.is_empty()) {
            id = *self.dir(id)?.live.get(part)?;
        }
        Some(id)
    }

    /// The parent directory id and the last component.
    fn parent<'a>(&self, op: &'static str, path: &'a str) -> Result<(u64, &'a str)> {
        let (parent, name) = path.rsplit_once('/').unwrap_or(("", path));
        assert!(!name.is_empty(), "empty file name in {path:?}");
        let id = self.resolve(parent).filter(|id| self.dir(*id).is_some());
        id.map(|id| (id, name)).ok_or_else(|| not_found(op, path))
    }

    fn new_node(&mut self, node: Node) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.nodes.insert(id, node);
        id
    }

    /// Copies the tree reachable through durable entries into a fresh file system.
    fn crash_copy(&self, rng: Option<&mut SplitMix64>) -> MemFs {
        let mut rng = rng;
        let mut out = MemFs {
            nodes: HashMap::new(),
            next_id: self.next_id,
        };
        let mut stack = vec![ROOT];
        while let Some(id) = stack.pop() {
            let node = match &self.nodes[&id] {
                Node::Dir(dir) => {
                    stack.extend(dir.durable.values().copied());
                    Node::Dir(DirNode {
                        live: dir.durable.clone(),
                        durable: dir.durable.clone(),
                    })
                }
                Node::File(file) => {
                    let mut data = file.durable.clone();
                    if let Some(rng) = rng.as_deref_mut() {
                        for op in &file.unsynced {
                            if rng.below(2) == 0 {
                                continue; // This write never reached the disk.
                            }
                            match op {
                                Pending::Write {
                                    offset,
                                    data: bytes,
                                } if rng.below(3) == 0 => {
                                    let torn = rng.below(bytes.len() as u64 + 1) as usize;
                                    let op = Pending::Write {
                                        offset: *offset,
                                        data: bytes[..torn].to_vec(),
                                    };
                                    apply(&mut data, &op);
                                }
                                op => apply(&mut data, op),
                            }
                        }
                    }
                    Node::File(FileNode {
                        live: data.clone(),
                        durable: data,
                        unsynced: Vec::new(),
                    })
                }
            };
            out.nodes.insert(id, node);
        }
        out
    }
}

/// An in-memory directory tree. Clones share the same tree.
#[derive(Clone)]
pub struct MemDirectory {
    fs: Rc<RefCell<MemFs>>,
}

impl std::fmt::Debug for MemDirectory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MemDirectory({} nodes)", self.fs.borrow().nodes.len())
    }
}

impl Default for MemDirectory {
    fn default() -> Self {
        Self::new()
    }
}

impl MemDirectory {
    /// An empty tree.
    pub fn new() -> Self {
        MemDirectory {
            fs: Rc::new(RefCell::new(MemFs::new())),
        }
    }

    /// The tree a crash right now would leave if nothing un-synced survived.
    pub fn durable_image(&self) -> MemDirectory {
        MemDirectory {
            fs: Rc::new(RefCell::new(self.fs.borrow().crash_copy(None))),
        }
    }

    /// The tree a crash right now would leave, with a seeded random subset of un-synced
    /// writes and size changes surviving, some of them torn at a random byte.
    pub fn crash_image(&self, seed: u64) -> MemDirectory {
        let mut rng = SplitMix64::new(seed);
        MemDirectory {
            fs: Rc::new(RefCell::new(self.fs.borrow().crash_copy(Some(&mut rng)))),
        }
    }

    /// Live content of a file (test helper).
    pub fn read_live(&self, path: &str) -> Option<Vec<u8>> {
        let fs = self.fs.borrow();
        match fs.nodes.get(&fs.resolve(path)?) {
            Some(Node::File(file)) => Some(file.live.clone()),
            _ => None,
        }
    }

    /// Overwrites bytes of a file in both images, as media corruption would (test helper).
    pub fn corrupt(&self, path: &str, offset: u64, bytes: &[u8]) {
        let mut fs = self.fs.borrow_mut();
        let id = fs
            .resolve(path)
            .unwrap_or_else(|| panic!("corrupt: no file {path}"));
        let file = fs.file_mut(id);
        let op = Pending::Write {
            offset,
            data: bytes.to_vec(),
        };
        apply(&mut file.live, &op);
        apply(&mut file.durable, &op);
    }

    async fn open_existing(&self, path: &str, write_through: bool) -> Result<MemFile> {
        yield_now().await;
        let fs = self.fs.borrow();
        match fs.resolve(path) {
            Some(id) if matches!(fs.nodes.get(&id), Some(Node::File(_))) => Ok(MemFile {
                fs: self.fs.clone(),
                id,
                path: self.full_path(path),
                write_through,
            }),
            _ => Err(not_found("open", path)),
        }
    }
}

impl Directory for MemDirectory {
    type File = MemFile;

    fn full_path(&self, path: &str) -> PathBuf {
        PathBuf::from(format!("mem:/{path}"))
    }

    async fn create_file(&self, path: &str) -> Result<MemFile> {
        yield_now().await;
        let mut fs = self.fs.borrow_mut();
        let (parent, name) = fs.parent("create", path)?;
        let existing = fs.dir(parent).and_then(|d| d.live.get(name).copied());
        let id = match existing {
            Some(id) if matches!(fs.nodes.get(&id), Some(Node::File(_))) => {
                let file = fs.file_mut(id);
                file.live.clear();
                file.unsynced.push(Pending::SetLen(0));
                id
            }
            Some(_) => {
                return Err(Error::io(
                    "create",
                    path,
                    io::Error::from(io::ErrorKind::IsADirectory),
                ))
            }
            None => {
                let id = fs.new_node(Node::File(FileNode::default()));
                fs.dir_mut(parent)
                    .map(|d| d.live.insert(name.to_owned(), id));
                id
            }
        };
        Ok(MemFile {
            fs: self.fs.clone(),
            id,
            path: self.full_path(path),
            write_through: false,
        })
    }

    async fn open_file(&self, path: &str) -> Result<MemFile> {
        self.open_existing(path, false).await
    }

    async fn open_file_write_through(&self, path: &str) -> Result<MemFile> {
        self.open_existing(path, true).await
    }

    async fn create_dir(&self, path: &str) -> Result<()> {
        yield_now().await;
        let mut fs = self.fs.borrow_mut();
        let (parent, name) = fs.parent("create_dir", path)?;
        if fs.dir(parent).is_some_and(|d| d.live.contains_key(name)) {
            return Err(Error::io(
                "create_dir",
                path,
                io::Error::from(io::ErrorKind::AlreadyExists),
            ));
        }
        let id = fs.new_node(Node::Dir(DirNode::default()));
        fs.dir_mut(parent)
            .map(|d| d.live.insert(name.to_owned(), id));
        Ok(())
    }

    async fn list_dir(&self, path: &str) -> Result<Vec<DirEntry>> {
        yield_now().await;
        let fs = self.fs.borrow();
        let dir = fs
            .resolve(path)
            .and_then(|id| fs.dir(id))
            .ok_or_else(|| not_found("list_dir", path))?;
        Ok(dir
            .live
            .iter()
            .map(|(name, id)| DirEntry {
                name: name.clone(),
                is_dir: fs.dir(*id).is_some(),
            })
            .collect())
    }

    async fn remove_file(&self, path: &str) -> Result<()> {
        yield_now().await;
        let mut fs = self.fs.borrow_mut();
        let (parent, name) = fs.parent("remove_file", path)?;
        let removed = fs.dir_mut(parent).and_then(|d| d.live.remove(name));
        removed
            .map(drop)
            .ok_or_else(|| not_found("remove_file", path))
    }

    async fn remove_dir_all(&self, path: &str) -> Result<()> {
        self.remove_file(path).await
    }

    async fn rename(&self, from: &str, to: &str) -> Result<()> {
        yield_now().await;
        let mut fs = self.fs.borrow_mut();
        let (from_parent, from_name) = fs.parent("rename", from)?;
        let (to_parent, to_name) = fs.parent("rename", to)?;
        if let Some(target) = fs.dir(to_parent).and_then(|d| d.live.get(to_name)) {
            if fs.dir(*target).is_some_and(|d| !d.live.is_empty()) {
                return Err(Error::io(
                    "rename",
                    to,
                    io::Error::from(io::ErrorKind::DirectoryNotEmpty),
                ));
            }
        }
        let id = fs
            .dir_mut(from_parent)
            .and_then(|d| d.live.remove(from_name));
        let id = id.ok_or_else(|| not_found("rename", from))?;
        fs.dir_mut(to_parent)
            .map(|d| d.live.insert(to_name.to_owned(), id));
        Ok(())
    }

    async fn sync_dir(&self, path: &str) -> Result<()> {
        yield_now().await;
        let mut fs = self.fs.borrow_mut();
        let id = fs
            .resolve(path)
            .ok_or_else(|| not_found("sync_dir", path))?;
        let dir = fs.dir_mut(id).ok_or_else(|| not_found("sync_dir", path))?;
        dir.durable = dir.live.clone();
        Ok(())
    }

    async fn map_file(&self, path: &str) -> Result<FileBytes> {
        yield_now().await;
        let data = self
            .read_live(path)
            .ok_or_else(|| not_found("map_file", path))?;
        Ok(FileBytes::owned(&data))
    }
}

/// A file of a [`MemDirectory`].
pub struct MemFile {
    fs: Rc<RefCell<MemFs>>,
    id: u64,
    path: PathBuf,
    /// Opened write-through (`O_DSYNC`): a completed write is durable, modelled as the write
    /// followed by a sync of the whole file (nothing else writes it meanwhile in our uses).
    write_through: bool,
}

impl std::fmt::Debug for MemFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MemFile({})", self.path.display())
    }
}

impl File for MemFile {
    fn path(&self) -> &Path {
        &self.path
    }

    async fn read_at(&self, offset: u64, len: usize) -> Result<Vec<u8>> {
        assert_block_aligned(offset, len);
        yield_now().await;
        let mut fs = self.fs.borrow_mut();
        let live = &fs.file_mut(self.id).live;
        let start = (offset as usize).min(live.len());
        let end = (offset as usize + len).min(live.len());
        Ok(live[start..end].to_vec())
    }

    async fn write_at(&self, offset: u64, data: &[u8]) -> Result<()> {
        assert_block_aligned(offset, data.len());
        yield_now().await;
        let mut fs = self.fs.borrow_mut();
        let file = fs.file_mut(self.id);
        let op = Pending::Write {
            offset,
            data: data.to_vec(),
        };
        apply(&mut file.live, &op);
        if self.write_through {
            file.durable = file.live.clone();
            file.unsynced.clear();
        } else {
            file.unsynced.push(op);
        }
        Ok(())
    }

    async fn sync(&self) -> Result<()> {
        yield_now().await;
        let mut fs = self.fs.borrow_mut();
        let file = fs.file_mut(self.id);
        file.durable = file.live.clone();
        file.unsynced.clear();
        Ok(())
    }

    async fn allocate(&self, len: u64) -> Result<()> {
        yield_now().await;
        let mut fs = self.fs.borrow_mut();
        let file = fs.file_mut(self.id);
        if (file.live.len() as u64) < len {
            let op = Pending::SetLen(len);
            apply(&mut file.live, &op);
            file.unsynced.push(op);
        }
        Ok(())
    }

    async fn size(&self) -> Result<u64> {
        yield_now().await;
        Ok(self.fs.borrow_mut().file_mut(self.id).live.len() as u64)
    }

    async fn close(self) -> Result<()> {
        yield_now().await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block_on;

    #[test]
    fn crash_forgets_unsynced_data_and_entries() {
        block_on(async {
            let dir = MemDirectory::new();
            let a = dir.create_file("a").await.unwrap();
            a.write_at(0, &[1u8; 4096]).await.unwrap();
            a.sync().await.unwrap();
            // File data is durable but the entry is not.
            assert!(dir.durable_image().read_live("a").is_none());
            dir.sync_dir("").await.unwrap();
            a.write_at(4096, &[2u8; 4096]).await.unwrap();
            let image = dir.durable_image();
            assert_eq!(image.read_live("a").unwrap(), vec![1u8; 4096]);
            // Un-synced rename is forgotten too.
            dir.create_dir("d").await.unwrap();
            dir.rename("a", "d/b").await.unwrap();
            assert!(dir.durable_image().read_live("a").is_some());
            dir.sync_dir("").await.unwrap();
            assert!(dir.durable_image().read_live("a").is_none());
            // ...and "d" itself is durable but its entry "b" is not.
            assert!(dir.durable_image().read_live("d/b").is_none());
            dir.sync_dir("d").await.unwrap();
            assert_eq!(dir.durable_image().read_live("d/b").unwrap().len(), 4096);
        });
    }

    #[test]
    fn crash_image_keeps_a_seeded_subset_possibly_torn() {
        block_on(async {
            let dir = MemDirectory::new();
            let f = dir.create_file("f").await.unwrap();
            dir.sync_dir("").await.unwrap();
            f.write_at(0, &[7u8; 4096]).await.unwrap();
            let mut lengths = std::collections::BTreeSet::new();
            for seed in 0..64 {
                let data = dir.crash_image(seed).read_live("f").unwrap();
                assert!(data.iter().all(|b| *b == 7));
                lengths.insert(data.len());
            }
            assert!(
                lengths.contains(&0) && lengths.contains(&4096) && lengths.len() > 2,
                "{lengths:?}"
            );
        });
    }
}
