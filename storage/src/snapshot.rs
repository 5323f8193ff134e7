//! Snapshots: named blobs from the engine, written under a temporary directory with a
//! checksummed manifest, then renamed into place.
//!
//! Directory `snap-<lsn, 20 digits>/` holds one file per blob (zero-padded to a multiple of
//! 4096) plus `MANIFEST`. While being written the directory is `snap-<lsn>.tmp/`; a `.tmp`
//! directory is never valid. Manifest layout (little-endian, zero-padded to 4096):
//!
//! | offset | size | field                                              |
//! |--------|------|----------------------------------------------------|
//! | 0      | 8    | magic `b"CVSNAPMF"`                                |
//! | 8      | 4    | format version (1)                                 |
//! | 12     | 4    | `manifest_bytes`: bytes up to and including the CRC |
//! | 16     | 8    | `lsn`: the snapshot holds every record `<= lsn`     |
//! | 24     | 4    | `files_count`                                      |
//! | 28     | 4    | reserved, zero                                     |
//! | 32     | …    | `files_count` entries, each 8-aligned:             |
//! |        | 2    | `name_bytes`                                       |
//! |        | 2    | reserved, zero                                     |
//! |        | 4    | `crc32c` of the blob's true bytes                  |
//! |        | 8    | `length`: the blob's true length                   |
//! |        | n    | name (UTF-8), zero-padded to 8                     |
//! | m - 4  | 4    | `crc32c` of bytes `0..manifest_bytes - 4`          |

use std::{io, path::PathBuf};

use crate::{
    disk::{align_up, Directory, File, FileBytes, BLOCK_BYTES},
    error::{Error, Result},
    wal::record::Lsn,
};

/// Name of the manifest inside a snapshot directory.
pub const MANIFEST_NAME: &str = "MANIFEST";
/// Manifest magic.
pub const MANIFEST_MAGIC: [u8; 8] = *b"CVSNAPMF";
/// Current manifest format version.
pub const MANIFEST_VERSION: u32 = 1;
/// Blob bytes per `write_at` when writing a snapshot.
pub const SNAPSHOT_WRITE_CHUNK_BYTES: usize = 4 << 20;
/// Longest blob name.
pub const BLOB_NAME_BYTES_MAX: usize = 64;
const MANIFEST_HEADER_BYTES: usize = 32;

/// Directory name of the complete snapshot at `lsn`.
pub fn snapshot_dir_name(lsn: Lsn) -> String {
    format!("snap-{:020}", lsn.0)
}

/// Path of the manifest of the complete snapshot at `lsn`, relative to the shard directory.
pub(crate) fn manifest_path(lsn: Lsn) -> String {
    format!("{}/{MANIFEST_NAME}", snapshot_dir_name(lsn))
}

/// Parses a snapshot directory name: `(lsn, is_temporary)`.
pub fn parse_snapshot_dir_name(name: &str) -> Option<(Lsn, bool)> {
    let rest = name.strip_prefix("snap-")?;
    let (digits, temporary) = match rest.strip_suffix(".tmp") {
        Some(digits) => (digits, true),
        None => (rest, false),
    };
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(|lsn| (Lsn(lsn), temporary))
}

fn is_valid_blob_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= BLOB_NAME_BYTES_MAX
        && name != MANIFEST_NAME
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

#[derive(Debug, Clone, PartialEq)]
struct ManifestEntry {
    name: String,
    length: u64,
    crc: u32,
}

#[derive(Debug, Clone, PartialEq)]
struct Manifest {
    lsn: Lsn,
    entries: Vec<ManifestEntry>,
}

impl Manifest {
    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&MANIFEST_MAGIC);
        out.extend_from_slice(&MANIFEST_VERSION.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // manifest_bytes, patched below
        out.extend_from_slice(&self.lsn.0.to_le_bytes());
        out.extend_from_slice(&(self.entries.len() as u32).to_le_bytes());
        out.extend_from_slice(&[0; 4]);
        for entry in &self.entries {
            out.extend_from_slice(&(entry.name.len() as u16).to_le_bytes());
            out.extend_from_slice(&[0; 2]);
            out.extend_from_slice(&entry.crc.to_le_bytes());
            out.extend_from_slice(&entry.length.to_le_bytes());
            out.extend_from_slice(entry.name.as_bytes());
            out.resize(out.len().next_multiple_of(8), 0);
        }
        let manifest_bytes = out.len() + 4;
        out[12..16].copy_from_slice(&(manifest_bytes as u32).to_le_bytes());
        let crc = crc32c::crc32c(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out.resize(align_up(out.len() as u64) as usize, 0);
        out
    }

    fn decode(bytes: &[u8]) -> Result<Manifest, String> {
        let u32_at = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let u64_at = |at: usize| u64::from(u32_at(at)) | (u64::from(u32_at(at + 4)) << 32);
        if bytes.len() < MANIFEST_HEADER_BYTES + 4 || bytes[0..8] != MANIFEST_MAGIC {
            return Err("bad manifest magic or size".into());
        }
        let manifest_bytes = u32_at(12) as usize;
        if manifest_bytes < MANIFEST_HEADER_BYTES + 4 || manifest_bytes > bytes.len() {
            return Err(format!("manifest length {manifest_bytes} out of range"));
        }
        let body = &bytes[..manifest_bytes - 4];
        if crc32c::crc32c(body) != u32_at(manifest_bytes - 4) {
            return Err("manifest CRC mismatch".into());
        }
        let version = u32_at(8);
        if version != MANIFEST_VERSION {
            return Err(format!("unsupported manifest version {version}"));
        }
        let lsn = Lsn(u64_at(16));
        let files_count = u32_at(24) as usize;
        let mut entries = Vec::new();
        let mut at = MANIFEST_HEADER_BYTES;
        for _ in 0..files_count {
            if at + 16 > body.len() {
                return Err("manifest entry past the end".into());
            }
            let name_bytes = usize::from(u16::from_le_bytes([body[at], body[at + 1]]));
            let (crc, length) = (u32_at(at + 4), u64_at(at + 8));
            let name_end = at + 16 + name_bytes;
            if name_end > body.len() {
                return Err("manifest name past the end".into());
            }
            let name = std::str::from_utf8(&body[at + 16..name_end])
                .map_err(|_| "manifest name is not UTF-8")?;
            if !is_valid_blob_name(name) {
                return Err(format!("invalid blob name {name:?} in manifest"));
            }
            entries.push(ManifestEntry {
                name: name.to_owned(),
                length,
                crc,
            });
            at = name_end.next_multiple_of(8);
        }
        Ok(Manifest { lsn, entries })
    }
}

/// One blob listed by a manifest: `(name, length, crc32c)`.
pub type ManifestBlob = (String, u64, u32);

/// Decodes a snapshot manifest: its LSN and `(name, length, crc32c)` per blob. Used by the
/// fuzz target and by tools that inspect snapshots; re-encoding the result gives back the
/// same manifest bytes (checked in debug builds).
///
/// # Errors
/// A description of what is wrong with the bytes.
pub fn decode_manifest(bytes: &[u8]) -> std::result::Result<(Lsn, Vec<ManifestBlob>), String> {
    let manifest = Manifest::decode(bytes)?;
    debug_assert_eq!(Manifest::decode(&manifest.encode()).as_ref(), Ok(&manifest));
    Ok((
        manifest.lsn,
        manifest
            .entries
            .into_iter()
            .map(|e| (e.name, e.length, e.crc))
            .collect(),
    ))
}

/// A snapshot found valid at open: every blob's length and CRC matched the manifest.
#[derive(Debug)]
pub struct LoadedSnapshot {
    /// Every record `<= lsn` is reflected in the blobs.
    pub lsn: Lsn,
    files: Vec<(String, FileBytes, usize)>,
}

impl LoadedSnapshot {
    /// The validated bytes of blob `name` (memory-mapped for real files; 16-byte aligned
    /// at least, so rkyv archives can be accessed in place).
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, bytes, len)| &bytes.as_slice()[..*len])
    }

    /// Names of the blobs, in the order they were written.
    pub fn file_names(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(name, _, _)| name.as_str())
    }
}

/// Where a snapshot is damaged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotDamage {
    /// Damaged or missing file.
    pub file: PathBuf,
    /// Offset of the damage (0 when the whole file is suspect).
    pub offset: u64,
    /// What check failed.
    pub reason: String,
}

/// Writes one blob durably and returns its `crc32c`, computed chunk by chunk as the chunks
/// are written, so that a large blob never holds the core for a whole pass over it.
async fn write_blob<D: Directory>(dir: &D, path: &str, data: &[u8]) -> Result<u32> {
    let file = dir.create_file(path).await?;
    let padded = align_up(data.len() as u64);
    if padded > 0 {
        file.allocate(padded).await?;
    }
    let mut offset = 0;
    let mut crc = 0;
    while offset < data.len() {
        let end = (offset + SNAPSHOT_WRITE_CHUNK_BYTES).min(data.len());
        let chunk = &data[offset..end];
        crc = crc32c::crc32c_append(crc, chunk);
        if chunk.len() % BLOCK_BYTES == 0 {
            file.write_at(offset as u64, chunk).await?;
        } else {
            let mut last = chunk.to_vec();
            last.resize(align_up(chunk.len() as u64) as usize, 0);
            file.write_at(offset as u64, &last).await?;
        }
        offset = end;
    }
    file.sync().await?;
    file.close().await?;
    Ok(crc)
}

/// Writes the blobs as the snapshot at `lsn`, durably: files and manifest synced under
/// `snap-<lsn>.tmp`, directory synced, renamed to `snap-<lsn>`, root synced.
pub(crate) async fn write_snapshot<D: Directory>(
    dir: &D,
    lsn: Lsn,
    files: &[(&str, &[u8])],
) -> Result<()> {
    for (i, (name, _)) in files.iter().enumerate() {
        assert!(
            is_valid_blob_name(name),
            "invalid snapshot blob name {name:?}"
        );
        assert!(
            files[..i].iter().all(|(other, _)| other != name),
            "duplicate snapshot blob {name:?}"
        );
    }
    let final_name = snapshot_dir_name(lsn);
    let temporary = format!("{final_name}.tmp");
    let existing = dir.list_dir("").await?;
    if existing.iter().any(|entry| entry.name == temporary) {
        dir.remove_dir_all(&temporary).await?; // Left by a crash or a failed attempt.
    }
    dir.create_dir(&temporary).await?;
    let mut entries = Vec::with_capacity(files.len());
    for (name, data) in files {
        let crc = write_blob(dir, &format!("{temporary}/{name}"), data).await?;
        debug_assert_eq!(crc, crc32c::crc32c(data));
        entries.push(ManifestEntry {
            name: (*name).to_owned(),
            length: data.len() as u64,
            crc,
        });
    }
    let manifest = Manifest { lsn, entries }.encode();
    let file = dir
        .create_file(&format!("{temporary}/{MANIFEST_NAME}"))
        .await?;
    file.write_at(0, &manifest).await?;
    file.sync().await?;
    file.close().await?;
    dir.sync_dir(&temporary).await?;
    if existing.iter().any(|entry| entry.name == final_name) {
        // Only an invalid leftover can be here: callers never rewrite a valid snapshot's LSN.
        dir.remove_dir_all(&final_name).await?;
    }
    dir.rename(&temporary, &final_name).await?;
    dir.sync_dir("").await?;
    tracing::info!(snapshot = %final_name, files = files.len(), "snapshot is durable");
    Ok(())
}

/// Loads and validates the complete snapshot directory `name` at `lsn`. I/O errors other
/// than "not found" are returned as errors; damage is returned as `Ok(Err(..))`.
pub(crate) async fn load_snapshot<D: Directory>(
    dir: &D,
    name: &str,
    lsn: Lsn,
) -> Result<Result<LoadedSnapshot, SnapshotDamage>> {
    let damage = |path: &str, offset: u64, reason: String| SnapshotDamage {
        file: dir.full_path(path),
        offset,
        reason,
    };
    let manifest_path = format!("{name}/{MANIFEST_NAME}");
    let bytes = match map_or_missing(dir, &manifest_path).await? {
        Some(bytes) => bytes,
        None => return Ok(Err(damage(&manifest_path, 0, "manifest is missing".into()))),
    };
    let manifest = match Manifest::decode(bytes.as_slice()) {
        Ok(manifest) => manifest,
        Err(reason) => return Ok(Err(damage(&manifest_path, 0, reason))),
    };
    if manifest.lsn != lsn {
        return Ok(Err(damage(
            &manifest_path,
            16,
            format!("manifest LSN {} but directory says {lsn}", manifest.lsn),
        )));
    }
    let mut files = Vec::with_capacity(manifest.entries.len());
    for entry in manifest.entries {
        let path = format!("{name}/{}", entry.name);
        let Some(bytes) = map_or_missing(dir, &path).await? else {
            return Ok(Err(damage(&path, 0, "file is missing".into())));
        };
        let actual = bytes.as_slice().len();
        // The manifest's length is data from disk: compared with the file's size before any
        // arithmetic on it, so that a huge one cannot overflow the padding or the slice.
        let length = usize::try_from(entry.length)
            .ok()
            .filter(|length| *length <= actual && align_up(entry.length) == actual as u64);
        let Some(length) = length else {
            let reason = format!(
                "file is {actual} bytes, manifest says {} (padded to a multiple of {BLOCK_BYTES})",
                entry.length
            );
            return Ok(Err(damage(
                &path,
                (actual as u64).min(entry.length),
                reason,
            )));
        };
        let crc = crc32c::crc32c(&bytes.as_slice()[..length]);
        if crc != entry.crc {
            let reason = format!(
                "CRC mismatch over {length} bytes: manifest {:#010x}, file {crc:#010x}",
                entry.crc
            );
            return Ok(Err(damage(&path, 0, reason)));
        }
        files.push((entry.name, bytes, length));
    }
    Ok(Ok(LoadedSnapshot { lsn, files }))
}

async fn map_or_missing<D: Directory>(dir: &D, path: &str) -> Result<Option<FileBytes>> {
    match dir.map_file(path).await {
        Ok(bytes) => Ok(Some(bytes)),
        Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{block_on, disk::MemDirectory};

    #[test]
    fn names_roundtrip() {
        assert_eq!(
            parse_snapshot_dir_name(&snapshot_dir_name(Lsn(7))),
            Some((Lsn(7), false))
        );
        assert_eq!(
            parse_snapshot_dir_name(&format!("{}.tmp", snapshot_dir_name(Lsn(7)))),
            Some((Lsn(7), true))
        );
        assert_eq!(parse_snapshot_dir_name("snap-1"), None);
        assert!(
            is_valid_blob_name("hnsw.graph")
                && !is_valid_blob_name("MANIFEST")
                && !is_valid_blob_name("a/b")
        );
    }

    #[test]
    fn manifest_roundtrip_and_damage() {
        let manifest = Manifest {
            lsn: Lsn(99),
            entries: vec![
                ManifestEntry {
                    name: "vectors".into(),
                    length: 12345,
                    crc: 1,
                },
                ManifestEntry {
                    name: "graph".into(),
                    length: 0,
                    crc: 2,
                },
            ],
        };
        let mut bytes = manifest.encode();
        assert_eq!(bytes.len(), 4096);
        assert_eq!(Manifest::decode(&bytes), Ok(manifest));
        bytes[40] ^= 0x10;
        assert!(Manifest::decode(&bytes).is_err());
        assert!(Manifest::decode(&[0; 4096]).is_err());
    }

    /// A manifest with a valid CRC whose blob length is near `u64::MAX` (crafted, or written
    /// by a bug) is damage: the snapshot is skipped at open and reported by `check`. The
    /// padded length used to overflow (`align_up`), and in release builds wrap to 0 so that
    /// an empty blob file passed the size check and the CRC's slice panicked.
    #[test]
    fn a_blob_length_beyond_the_file_is_damage_not_a_panic() {
        block_on(async {
            for (length, file_bytes) in [
                (u64::MAX, 0),
                (u64::MAX, 4096),
                (u64::MAX - 4094, 4096),
                (u64::MAX / 2, 4096),
                (4097, 4096),
            ] {
                let dir = MemDirectory::new();
                let name = snapshot_dir_name(Lsn(5));
                dir.create_dir(&name).await.unwrap();
                let blob = dir.create_file(&format!("{name}/state")).await.unwrap();
                blob.write_at(0, &vec![7; file_bytes]).await.unwrap();
                let manifest = Manifest {
                    lsn: Lsn(5),
                    entries: vec![ManifestEntry {
                        name: "state".into(),
                        length,
                        crc: 0,
                    }],
                };
                let file = dir.create_file(&manifest_path(Lsn(5))).await.unwrap();
                file.write_at(0, &manifest.encode()).await.unwrap();
                let damage = load_snapshot(&dir, &name, Lsn(5))
                    .await
                    .unwrap()
                    .unwrap_err();
                assert!(
                    damage.file.ends_with("state") && damage.reason.contains("manifest says"),
                    "{length}: {damage:?}"
                );
                let report = crate::check_directory(&dir).await.unwrap();
                assert_eq!(report.damage.len(), 1, "{length}: {report}");
                let (_, recovered) = crate::ShardStore::open(dir, crate::WalConfig::default())
                    .await
                    .unwrap();
                assert!(recovered.snapshot.is_none());
                assert_eq!(recovered.report.ignored_snapshots.len(), 1);
            }
        });
    }

    #[test]
    fn write_then_load_and_detect_damage() {
        block_on(async {
            let dir = MemDirectory::new();
            let big: Vec<u8> = (0..SNAPSHOT_WRITE_CHUNK_BYTES + 5000)
                .map(|i| (i % 251) as u8)
                .collect();
            let files: [(&str, &[u8]); 3] = [("big", &big), ("empty", b""), ("small", b"hello")];
            write_snapshot(&dir, Lsn(5), &files).await.unwrap();
            let name = snapshot_dir_name(Lsn(5));
            let loaded = load_snapshot(&dir, &name, Lsn(5)).await.unwrap().unwrap();
            assert_eq!(loaded.file("big"), Some(&big[..]));
            assert_eq!(loaded.file("empty"), Some(&b""[..]));
            assert_eq!(loaded.file("small"), Some(&b"hello"[..]));
            assert_eq!(loaded.file("nope"), None);
            assert_eq!(
                loaded.file_names().collect::<Vec<_>>(),
                ["big", "empty", "small"]
            );
            assert_eq!(loaded.file("big").unwrap().as_ptr() as usize % 16, 0);
            dir.corrupt(&format!("{name}/big"), 4096 * 700, &[0xEE]);
            let damage = load_snapshot(&dir, &name, Lsn(5))
                .await
                .unwrap()
                .unwrap_err();
            assert!(damage.reason.contains("CRC mismatch"), "{damage:?}");
            // The wrong LSN for the directory is damage too.
            assert!(load_snapshot(&dir, &name, Lsn(6)).await.unwrap().is_err());
        });
    }
}
