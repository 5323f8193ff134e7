//! What a shard's snapshot holds and how a collection's definition is kept on disk.
//!
//! A snapshot is a set of blobs handed to `corevec_storage`, which adds the manifest,
//! checksums and atomic publication:
//!
//! | blob            | contents                                                        |
//! |-----------------|-----------------------------------------------------------------|
//! | `shard.rkyv`    | rkyv `ShardMeta`: format version, shard, dim, metric, slots      |
//! | `ids.u64`       | slot → id, little-endian u64 per slot                           |
//! | `tombstones.u64`| tombstone bits, little-endian u64 words, bit `s % 64` of word `s / 64` |
//! | `vectors.f32`   | `slots * dim` little-endian f32, dense (no padding), all finite  |
//! | `graph.rkyv`    | rkyv `GraphArchive`: the HNSW arrays, so a restart never rebuilds; its `level0` is empty from format 4 on |
//! | `graph_level0.u32` | the HNSW level-0 rows (per node a count, then `2 * m` neighbour slots), little-endian u32 (format 4) |
//! | `payload_ends.u64` | end offset of each slot's payload in `payloads.bin`, little-endian u64 per slot; empty when no slot has a payload (format 2) |
//! | `payloads.bin`  | the slots' payloads, concatenated (format 2)                     |
//! | `label_ends.u64` | end offset of each slot's labels in `labels.u64`, as for payloads; empty when no slot has a label (format 3) |
//! | `labels.u64`    | the slots' labels (sorted per slot), little-endian u64, concatenated (format 3) |
//!
//! Format 1 (before payloads) had no payload blobs, format 2 (before labels) no label blobs;
//! such snapshots load as points without payloads or labels. Up to format 3 the level-0 rows
//! were inside `graph.rkyv`; format 4 gives them a blob of their own so that they can be
//! copied in pieces like the vectors ([`ShardEncoder`]).
//!
//! The collection definition lives in `DATA_DIR/collections/NAME/collection.conf`, a small
//! `key=value` text file ending in a `crc32c=` line, written to a temporary file, fsynced,
//! renamed and the directory fsynced.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use corevec_storage::{LoadedSnapshot, Lsn};
use rkyv::rancor;

use crate::collection::{CollectionSpec, IndexParams};
use crate::distance::{self, Metric};
use crate::error::{Error, Result};
use crate::filter::LABELS_PER_POINT_MAX;
use crate::hnsw::{Hnsw, HnswParts};
use crate::shard::{index_config, LabelArena, PayloadArena, Shard, ShardParts, PAYLOAD_BYTES_MAX};
use crate::vectors::Vectors;

const SNAPSHOT_FORMAT: u32 = 4;
/// The format before payloads, still read.
const SNAPSHOT_FORMAT_NO_PAYLOADS: u32 = 1;
/// The format before labels, still read.
const SNAPSHOT_FORMAT_NO_LABELS: u32 = 2;
/// The format with the level-0 rows inside `graph.rkyv`, still read.
const SNAPSHOT_FORMAT_LEVEL0_INSIDE: u32 = 3;
const META_BLOB: &str = "shard.rkyv";
const IDS_BLOB: &str = "ids.u64";
const TOMBSTONES_BLOB: &str = "tombstones.u64";
const VECTORS_BLOB: &str = "vectors.f32";
const GRAPH_BLOB: &str = "graph.rkyv";
const LEVEL0_BLOB: &str = "graph_level0.u32";
const PAYLOAD_ENDS_BLOB: &str = "payload_ends.u64";
const PAYLOADS_BLOB: &str = "payloads.bin";
const LABEL_ENDS_BLOB: &str = "label_ends.u64";
const LABELS_BLOB: &str = "labels.u64";
const CATALOG_FILE: &str = "collection.conf";

#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize, Debug, PartialEq)]
struct ShardMeta {
    format: u32,
    shard: u32,
    dim: u32,
    metric: String,
    slots: u64,
}

#[derive(rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
struct GraphArchive {
    connectivity: u32,
    entry_point: u32,
    levels: Vec<u8>,
    level0: Vec<u32>,
    upper_offsets: Vec<u32>,
    upper: Vec<u32>,
    parents: Vec<u32>,
}

/// The blobs of a shard snapshot, encoded.
pub struct SnapshotBlobs(Vec<(&'static str, Vec<u8>)>);

impl std::fmt::Debug for SnapshotBlobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(name, bytes)| (name, bytes.len())))
            .finish()
    }
}

impl SnapshotBlobs {
    /// The bytes of the blob called `name`.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|(blob, _)| *blob == name)
            .map(|(_, bytes)| bytes.as_slice())
    }

    /// `(name, bytes)` pairs as storage wants them.
    pub fn files(&self) -> Vec<(&str, &[u8])> {
        self.0
            .iter()
            .map(|(name, bytes)| (*name, bytes.as_slice()))
            .collect()
    }
}

/// Encodes a shard's state at once. Pure CPU work: the caller snapshots the LSN in the same
/// synchronous section so blobs and LSN agree. [`ShardEncoder`] does the same in pieces.
///
/// # Errors
/// Only if rkyv fails to serialise (it cannot for these plain types short of OOM).
pub fn encode_shard(shard: &Shard, spec: &CollectionSpec) -> Result<SnapshotBlobs> {
    let mut encoder = ShardEncoder::begin(shard, spec)?;
    while encoder.copy_next(shard, u32::MAX) {}
    Ok(encoder.finish())
}

/// A shard's snapshot encoded in pieces, so that a large shard does not hold its core for
/// the whole copy (docs/DECISIONS.md, "Snapshots without stalls").
///
/// [`Self::begin`] takes the small blobs at once: tombstones, payloads, labels and the
/// graph's upper levels change in place. The two big arrays are copied afterwards, some
/// slots or nodes at a time ([`Self::copy_next`]), from the shard as it is then:
/// - the vectors: a slot's vector never changes (slots are append-only; writes only add
///   slots above the ones encoded) until a compaction installs a new layout;
/// - the graph's level-0 rows, which index building changes as it links new nodes.
///
/// So the caller must hold off both compaction and index building on the shard until
/// [`Self::finish`]; [`Self::copy_next`] asserts that neither happened.
pub struct ShardEncoder {
    blobs: Vec<(&'static str, Vec<u8>)>,
    vectors: Vec<u8>,
    /// Slots the snapshot holds; the vectors of `0..copied` are in `vectors`.
    slots: u32,
    copied: u32,
    level0: Vec<u8>,
    /// Level-0 row entries the snapshot holds; `0..level0_copied` are in `level0`.
    level0_len: usize,
    level0_copied: usize,
    /// Nodes in the graph at the start.
    graph_nodes: usize,
    layout_epoch: u64,
}

impl ShardEncoder {
    /// Encodes the small blobs. The snapshot reflects the shard as it is now.
    ///
    /// # Errors
    /// Only if rkyv fails to serialise (it cannot for these plain types short of OOM).
    pub fn begin(shard: &Shard, spec: &CollectionSpec) -> Result<Self> {
        let slots = shard.slots();
        let meta = ShardMeta {
            format: SNAPSHOT_FORMAT,
            shard: shard.number(),
            dim: spec.dim as u32,
            metric: spec.metric.as_str().to_owned(),
            slots: u64::from(slots),
        };
        let parts = shard.index().to_parts_without_level0();
        let graph_bytes = 64
            + parts.levels.len()
            + 4 * (parts.upper_offsets.len() + parts.upper.len() + parts.parents.len())
            + 5 * 8;
        let graph = GraphArchive {
            connectivity: parts.connectivity,
            entry_point: parts.entry_point,
            levels: parts.levels,
            level0: Vec::new(),
            upper_offsets: parts.upper_offsets,
            upper: parts.upper,
            parents: parts.parents,
        };
        // Payloads and labels replaced in place are written where their slots are, compactly.
        let (payload_ends, payloads) = shard.payload_arena().materialized(slots);
        let (label_ends, labels) = shard.label_arena().materialized(slots);
        let blobs = vec![
            (META_BLOB, rkyv_bytes(&meta, 64)?),
            (IDS_BLOB, u64s_to_le(shard.slot_ids())),
            (TOMBSTONES_BLOB, u64s_to_le(shard.tombstone_words())),
            // Copied in pieces by `copy_next`; `finish` puts them here.
            (VECTORS_BLOB, Vec::new()),
            (GRAPH_BLOB, rkyv_bytes(&graph, graph_bytes)?),
            (LEVEL0_BLOB, Vec::new()),
            (PAYLOAD_ENDS_BLOB, u64s_to_le(&payload_ends)),
            (PAYLOADS_BLOB, payloads.into_owned()),
            (LABEL_ENDS_BLOB, u64s_to_le(&label_ends)),
            (LABELS_BLOB, u64s_to_le(&labels)),
        ];
        let level0_len = shard.index().level0_rows().len();
        Ok(Self {
            blobs,
            vectors: Vec::with_capacity(slots as usize * spec.dim * 4),
            slots,
            copied: 0,
            level0: Vec::with_capacity(level0_len * 4),
            level0_len,
            level0_copied: 0,
            graph_nodes: shard.index().len(),
            layout_epoch: shard.layout_epoch(),
        })
    }

    /// Copies the vectors of up to `count` more slots from `shard`, the shard this encoding
    /// began on, or once they are all copied, the level-0 rows of up to `count` nodes;
    /// returns whether anything remains.
    ///
    /// # Panics
    /// When `shard` was compacted or indexed further since [`Self::begin`].
    pub fn copy_next(&mut self, shard: &Shard, count: u32) -> bool {
        assert_eq!(
            shard.layout_epoch(),
            self.layout_epoch,
            "shard {} was compacted while its snapshot was encoded",
            shard.number()
        );
        assert_eq!(
            shard.index().len(),
            self.graph_nodes,
            "shard {} was indexed while its snapshot was encoded",
            shard.number()
        );
        assert!(
            shard.slots() >= self.slots,
            "a shard lost slots while encoded"
        );
        if self.copied < self.slots {
            let vectors = shard.vectors();
            let end = self.slots.min(self.copied.saturating_add(count));
            for slot in self.copied..end {
                extend_le(&mut self.vectors, vectors.get(slot), f32::to_le_bytes);
            }
            self.copied = end;
        } else {
            let rows = shard.index().level0_rows();
            debug_assert_eq!(rows.len(), self.level0_len);
            let row = self.level0_len / self.graph_nodes.max(1);
            let end = self
                .level0_len
                .min(self.level0_copied + (count as usize).saturating_mul(row.max(1)));
            extend_le(
                &mut self.level0,
                &rows[self.level0_copied..end],
                u32::to_le_bytes,
            );
            self.level0_copied = end;
        }
        self.copied < self.slots || self.level0_copied < self.level0_len
    }

    /// The snapshot's blobs, once the vectors and level-0 rows are copied.
    pub fn finish(self) -> SnapshotBlobs {
        assert_eq!(
            self.copied, self.slots,
            "snapshot finished before its vectors"
        );
        assert_eq!(
            self.level0_copied, self.level0_len,
            "snapshot finished before its graph"
        );
        let (mut vectors, mut level0) = (Some(self.vectors), Some(self.level0));
        let mut blobs = self.blobs;
        for (name, bytes) in &mut blobs {
            let copied = match *name {
                VECTORS_BLOB => vectors.take(),
                LEVEL0_BLOB => level0.take(),
                _ => None,
            };
            if let Some(copied) = copied {
                *bytes = copied;
            }
        }
        debug_assert!(vectors.is_none() && level0.is_none());
        SnapshotBlobs(blobs)
    }
}

/// Appends `values` to `bytes`, little-endian.
fn extend_le<T: Copy, const N: usize>(bytes: &mut Vec<u8>, values: &[T], le: fn(T) -> [u8; N]) {
    let start = bytes.len();
    bytes.resize(start + values.len() * N, 0);
    for (to, &v) in bytes[start..].chunks_exact_mut(N).zip(values) {
        to.copy_from_slice(&le(v));
    }
}

/// A `u64` blob: little-endian, packed.
fn u64s_to_le(values: &[u64]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(values.len() * 8);
    extend_le(&mut bytes, values, u64::to_le_bytes);
    bytes
}

/// The `u64`s of a blob (the caller checked its length is a multiple of 8).
fn u64s_from_le(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])))
        .collect()
}

/// `value` as rkyv bytes, serialised straight into a buffer of `capacity` bytes (the
/// archive's expected size: the graph's arrays are copied once, with no regrowth).
fn rkyv_bytes<T>(value: &T, capacity: usize) -> Result<Vec<u8>>
where
    T: for<'a> rkyv::Serialize<
        rkyv::api::high::HighSerializer<
            Vec<u8>,
            rkyv::ser::allocator::ArenaHandle<'a>,
            rancor::Error,
        >,
    >,
{
    rkyv::api::high::to_bytes_in::<_, rancor::Error>(value, Vec::with_capacity(capacity))
        .map_err(|e| Error::InvalidArgument(format!("snapshot encoding: {e}")))
}

/// Rebuilds a shard from a loaded snapshot (checksums already verified by storage; the
/// structure is validated here, so a snapshot from another collection or a damaged archive
/// is refused with the snapshot's path in the error).
///
/// # Errors
/// `Catalog` naming the snapshot when a blob is missing, malformed or inconsistent.
pub fn decode_shard(
    snapshot: &LoadedSnapshot,
    spec: &CollectionSpec,
    shard: u32,
    dir: &Path,
) -> Result<Shard> {
    decode_parts(&|name| snapshot.file(name), snapshot.lsn, spec, shard, dir)
        .map(|parts| Shard::from_parts(shard, spec, parts))
}

/// [`decode_shard`] over any source of blobs (`file(name)`), up to the shard's parts: all
/// the work, none of it tied to a core. `lsn` and `dir` name the snapshot in errors.
pub(crate) fn decode_parts<'a>(
    file: &dyn Fn(&str) -> Option<&'a [u8]>,
    lsn: Lsn,
    spec: &CollectionSpec,
    shard: u32,
    dir: &Path,
) -> Result<ShardParts> {
    let bad = |reason: String| Error::Catalog {
        path: dir.to_path_buf(),
        reason: format!("snapshot at lsn {lsn}: {reason}"),
    };
    let blob = |name: &str| file(name).ok_or_else(|| bad(format!("blob {name} missing")));
    let meta = rkyv::access::<ArchivedShardMeta, rancor::Error>(blob(META_BLOB)?)
        .map_err(|e| bad(format!("{META_BLOB}: {e}")))?;
    let format = meta.format.to_native();
    if !(SNAPSHOT_FORMAT_NO_PAYLOADS..=SNAPSHOT_FORMAT).contains(&format) {
        return Err(bad(format!("unsupported snapshot format {format}")));
    }
    if meta.shard.to_native() != shard
        || meta.dim.to_native() as usize != spec.dim
        || meta.metric.as_str() != spec.metric.as_str()
    {
        return Err(bad(format!(
            "snapshot is shard {} dim {} metric {}, expected shard {shard} dim {} metric {}",
            meta.shard, meta.dim, meta.metric, spec.dim, spec.metric
        )));
    }
    let slots =
        usize::try_from(meta.slots.to_native()).map_err(|_| bad("slot count overflows".into()))?;
    let ids_bytes = blob(IDS_BLOB)?;
    let vector_bytes = blob(VECTORS_BLOB)?;
    let tomb_bytes = blob(TOMBSTONES_BLOB)?;
    let sizes_agree = slots.checked_mul(8) == Some(ids_bytes.len())
        && slots.checked_mul(spec.dim * 4) == Some(vector_bytes.len())
        && tomb_bytes.len() % 8 == 0
        && tomb_bytes.len() / 8 >= slots.div_ceil(64);
    if !sizes_agree {
        return Err(bad(format!("blob sizes disagree with {slots} slots")));
    }
    let ids = u64s_from_le(ids_bytes);
    let tombstones = u64s_from_le(tomb_bytes);
    // A tombstone past the last slot would silently delete the next point written there.
    let past_end = tombstones.iter().enumerate().any(|(word, &bits)| {
        let first = word * 64;
        let valid = slots.saturating_sub(first).min(64);
        let mask = if valid == 64 { 0 } else { u64::MAX << valid };
        bits & mask != 0
    });
    if past_end {
        return Err(bad(format!(
            "tombstones mark slots past the last of {slots}"
        )));
    }
    let is_live = |slot: usize| tombstones[slot / 64] & (1 << (slot % 64)) == 0;
    let live = (0..slots).filter(|&slot| is_live(slot)).count();
    if let Some(slot) = (0..slots).find(|&slot| is_live(slot) && spec.shard_of(ids[slot]) != shard)
    {
        return Err(bad(format!(
            "live point {} in slot {slot} belongs to shard {}",
            ids[slot],
            spec.shard_of(ids[slot])
        )));
    }
    let mut vectors = Vectors::with_capacity(spec.dim, slots.max(1))
        .map_err(|e| Error::system("mapping the vector arena", e))?;
    let mut buffer = vec![0f32; spec.dim];
    for (slot, chunk) in vector_bytes.chunks_exact(spec.dim * 4).enumerate() {
        for (x, b) in buffer.iter_mut().zip(chunk.chunks_exact(4)) {
            *x = f32::from_le_bytes(b.try_into().unwrap_or([0; 4]));
        }
        // As WAL replay does: a NaN would rank first in graph searches (and compares unequal
        // to itself), and no version wrote one.
        if let Some(index) = buffer.iter().position(|x| !x.is_finite()) {
            return Err(bad(format!(
                "component {index} of the vector in slot {slot} is not finite"
            )));
        }
        // Snapshots written before cosine shards stored unit vectors hold them as sent.
        if spec.metric == Metric::Cosine {
            distance::scale_to_unit_length(&mut buffer);
        }
        vectors
            .push(&buffer)
            .map_err(|e| Error::system("growing the vector arena", e))?;
    }
    let graph = rkyv::access::<ArchivedGraphArchive, rancor::Error>(blob(GRAPH_BLOB)?)
        .map_err(|e| bad(format!("{GRAPH_BLOB}: {e}")))?;
    let parts = HnswParts {
        connectivity: graph.connectivity.to_native(),
        entry_point: graph.entry_point.to_native(),
        levels: graph.levels.to_vec(),
        level0: if format <= SNAPSHOT_FORMAT_LEVEL0_INSIDE {
            graph.level0.iter().map(|x| x.to_native()).collect()
        } else {
            let bytes = blob(LEVEL0_BLOB)?;
            if bytes.len() % 4 != 0 {
                return Err(bad(format!("{LEVEL0_BLOB} is not whole u32s")));
            }
            bytes
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes(b.try_into().unwrap_or([0; 4])))
                .collect()
        },
        upper_offsets: graph.upper_offsets.iter().map(|x| x.to_native()).collect(),
        upper: graph.upper.iter().map(|x| x.to_native()).collect(),
        parents: graph.parents.iter().map(|x| x.to_native()).collect(),
    };
    let index = Hnsw::from_parts(parts, index_config(spec), spec.metric.kernel())
        .map_err(|e| bad(format!("graph: {e}")))?;
    let u64_blob = |name: &str| {
        let bytes = blob(name)?;
        if bytes.len() % 8 != 0 {
            return Err(bad(format!("{name} is not whole u64s")));
        }
        Ok(u64s_from_le(bytes))
    };
    let payloads = if format == SNAPSHOT_FORMAT_NO_PAYLOADS {
        PayloadArena::default()
    } else {
        PayloadArena::from_parts(
            u64_blob(PAYLOAD_ENDS_BLOB)?,
            blob(PAYLOADS_BLOB)?.to_vec(),
            slots,
        )
        .map_err(|e| bad(format!("payloads: {e}")))?
    };
    // The limits every write and WAL replay enforce: a snapshot is held to them too.
    if let Some(slot) = (0..slots as u32).find(|&s| payloads.get(s).len() > PAYLOAD_BYTES_MAX) {
        return Err(bad(format!(
            "the payload of slot {slot} is {} bytes; at most {PAYLOAD_BYTES_MAX}",
            payloads.get(slot).len()
        )));
    }
    let labels = if format <= SNAPSHOT_FORMAT_NO_LABELS {
        LabelArena::default()
    } else {
        let labels =
            LabelArena::from_parts(u64_blob(LABEL_ENDS_BLOB)?, u64_blob(LABELS_BLOB)?, slots)
                .map_err(|e| bad(format!("labels: {e}")))?;
        if let Some(slot) = (0..slots as u32).find(|&s| {
            let list = labels.get(s);
            list.len() > LABELS_PER_POINT_MAX || list.windows(2).any(|pair| pair[0] >= pair[1])
        }) {
            return Err(bad(format!(
                "labels of slot {slot} are not a sorted set of at most {LABELS_PER_POINT_MAX}"
            )));
        }
        labels
    };
    if index.len() > slots {
        return Err(bad(format!(
            "graph has {} nodes but only {slots} slots",
            index.len()
        )));
    }
    let parts = ShardParts::new(vectors, payloads, labels, ids, tombstones, index);
    // The parts map each live id to one slot: fewer ids than live slots means an id is live
    // twice, and deleting it would leave the other copy in results.
    if parts.live_ids() != live {
        return Err(bad(format!(
            "{live} live slots hold only {} distinct ids",
            parts.live_ids()
        )));
    }
    Ok(parts)
}

// ----- Catalog -----

/// `DATA_DIR/collections`.
pub fn collections_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("collections")
}

/// `DATA_DIR/collections/NAME/shard-S`.
pub fn shard_dir(data_dir: &Path, name: &str, shard: u32) -> PathBuf {
    collections_dir(data_dir)
        .join(name)
        .join(format!("shard-{shard}"))
}

pub(crate) fn catalog_text(spec: &CollectionSpec) -> String {
    let mut body = format!(
        "format=1\nname={}\ndim={}\nmetric={}\nshards={}\nm={}\nef_construction={}\n",
        spec.name,
        spec.dim,
        spec.metric,
        spec.shards,
        spec.index.connectivity,
        spec.index.expansion_add
    );
    // Written only when set, so a catalog without it still reads the same in older builds.
    if spec.read_replicas {
        body.push_str("read_replicas=1\n");
    }
    let crc = crc32c::crc32c(body.as_bytes());
    format!("{body}crc32c={crc:08x}\n")
}

/// Name prefix of a dropped collection's directory while its files are being deleted.
/// Collection names cannot contain `.`, so no collection is ever named like this.
const DROPPED_PREFIX: &str = ".dropped-";

/// Whether an entry of `collections/` named `name` is a dropped collection whose files are
/// being deleted ([`remove_collection`]), not a collection.
pub fn is_dropped(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with(DROPPED_PREFIX)
}

/// The entries of `collections/` (none when it does not exist yet).
fn collection_entries(root: &Path) -> Result<Vec<fs::DirEntry>> {
    let listing = |e| Error::system(format!("listing {}", root.display()), e);
    match fs::read_dir(root) {
        Ok(entries) => entries.map(|entry| entry.map_err(listing)).collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(listing(e)),
    }
}

/// Writes a collection's definition durably: its directory and every `shard-S` directory
/// first, then the definition (temp file, fsync, rename), then the directory entries up to
/// the data directory. A catalogued collection therefore always has all its shard
/// directories, and a missing one is damage, not an empty shard.
///
/// # Errors
/// `Catalog` when the directory already holds files: the remains of a collection that was
/// not fully dropped (by an older version) or put there by hand. They are never adopted by
/// a new collection. `System` with the path on any I/O failure.
pub fn write_catalog(data_dir: &Path, spec: &CollectionSpec) -> Result<()> {
    let root = collections_dir(data_dir);
    let dir = root.join(&spec.name);
    let io = |what: &str, path: &Path, e| Error::system(format!("{what} {}", path.display()), e);
    let tmp = dir.join(format!("{CATALOG_FILE}.tmp"));
    // An interrupted or failed create leaves its temp file and empty shard directories (they
    // are made before the definition, and nothing is written into them until it exists):
    // those are cleared. Anything else is refused.
    let mut leftovers = Vec::new();
    match fs::read_dir(&dir) {
        Ok(entries) => {
            for entry in entries {
                let entry = entry.map_err(|e| io("listing", &dir, e))?;
                let path = entry.path();
                let empty_shard_dir = entry
                    .file_name()
                    .to_str()
                    .and_then(|name| name.strip_prefix("shard-"))
                    .is_some_and(|n| n.parse::<u32>().is_ok())
                    && fs::read_dir(&path).is_ok_and(|mut inside| inside.next().is_none());
                if path == tmp || empty_shard_dir {
                    leftovers.push(path);
                } else {
                    return Err(Error::Catalog {
                        path: dir.clone(),
                        reason: format!(
                            "the directory already holds {:?}, left by a collection that was \
                             not fully dropped or put there by hand; move the directory away \
                             (or remove it) before creating {:?}",
                            entry.file_name(),
                            spec.name
                        ),
                    });
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io("listing", &dir, e)),
    }
    for path in leftovers {
        let removed = if path == tmp {
            fs::remove_file(&path)
        } else {
            // Fails rather than deletes if something appeared in it meanwhile.
            fs::remove_dir(&path)
        };
        removed.map_err(|e| io("removing the leftover", &path, e))?;
    }
    debug_assert!(spec.shards > 0, "validated spec");
    for shard in 0..spec.shards {
        let shard = shard_dir(data_dir, &spec.name, shard);
        fs::create_dir_all(&shard).map_err(|e| io("creating", &shard, e))?;
    }
    let path = dir.join(CATALOG_FILE);
    let mut file = fs::File::create(&tmp).map_err(|e| io("creating", &tmp, e))?;
    file.write_all(catalog_text(spec).as_bytes())
        .map_err(|e| io("writing", &tmp, e))?;
    file.sync_all().map_err(|e| io("syncing", &tmp, e))?;
    fs::rename(&tmp, &path).map_err(|e| io("renaming", &tmp, e))?;
    sync_dir(&dir)?;
    sync_dir(&root)?;
    sync_dir(data_dir)
}

/// Drops a collection durably in one step, by renaming its directory to
/// `.dropped-NAME-<nanos>` ([`is_dropped`]), and then deletes its files. A crash while
/// deleting leaves only that renamed directory, which [`finish_drops`] removes at the next
/// start: a dropped collection never comes back, and a new one of the same name never sees
/// its files.
///
/// # Errors
/// `System` with the path when the rename or its fsync fails (the collection is then still
/// on disk). A failure to delete the renamed files is only logged.
pub fn remove_collection(data_dir: &Path, name: &str) -> Result<()> {
    let root = collections_dir(data_dir);
    let dir = root.join(name);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dropped = root.join(format!("{DROPPED_PREFIX}{name}-{nanos}"));
    match fs::rename(&dir, &dropped) {
        Ok(()) => sync_dir(&root)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(Error::system(
                format!("renaming {} to {}", dir.display(), dropped.display()),
                e,
            ))
        }
    }
    if let Err(e) = fs::remove_dir_all(&dropped) {
        tracing::warn!(dir = %dropped.display(), error = %e, "could not delete a dropped collection's files; retried at the next start");
    }
    Ok(())
}

/// Deletes what drops interrupted by a crash left behind ([`remove_collection`]). Called
/// once at start, before any core reads the catalog.
///
/// # Errors
/// `System` with the path when the directory cannot be listed or a leftover not deleted.
pub fn finish_drops(data_dir: &Path) -> Result<()> {
    let root = collections_dir(data_dir);
    let mut removed = false;
    for entry in collection_entries(&root)? {
        if is_dropped(&entry.file_name()) {
            let path = entry.path();
            tracing::info!(dir = %path.display(), "deleting the files of a collection dropped before a crash");
            fs::remove_dir_all(&path)
                .map_err(|e| Error::system(format!("removing {}", path.display()), e))?;
            removed = true;
        }
    }
    if removed {
        sync_dir(&root)?;
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::system(format!("syncing directory {}", dir.display()), e))
}

/// Reads every collection definition under `data_dir`, sorted by name. A directory without
/// a definition is the remains of an interrupted create or of a hand-made copy: it is
/// reported and skipped, as are dropped collections not yet deleted and stray files.
///
/// # Errors
/// `Catalog` naming the file when a definition is unreadable, fails its checksum, or names
/// another collection than its directory does.
pub fn read_catalog(data_dir: &Path) -> Result<Vec<CollectionSpec>> {
    let mut specs = Vec::new();
    for entry in collection_entries(&collections_dir(data_dir))? {
        if is_dropped(&entry.file_name()) {
            continue;
        }
        let dir_name = entry.file_name().to_string_lossy().into_owned();
        if !entry.path().is_dir() {
            tracing::warn!(path = %entry.path().display(), "not a collection directory, ignored");
            continue;
        }
        let path = entry.path().join(CATALOG_FILE);
        match fs::read_to_string(&path) {
            Ok(text) => {
                let spec = parse_catalog(&text).map_err(|reason| Error::Catalog {
                    path: path.clone(),
                    reason,
                })?;
                if spec.name != dir_name {
                    return Err(Error::Catalog {
                        path,
                        reason: format!(
                            "defines collection {:?} but lies in directory {dir_name:?} (was the \
                             directory renamed or copied?)",
                            spec.name
                        ),
                    });
                }
                specs.push(spec);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::warn!(dir = %entry.path().display(), "collection directory without {CATALOG_FILE}: leftover of an interrupted create, ignored");
            }
            Err(e) => return Err(Error::system(format!("reading {}", path.display()), e)),
        }
    }
    specs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(specs)
}

pub(crate) fn parse_catalog(text: &str) -> std::result::Result<CollectionSpec, String> {
    let (body, crc_line) = text
        .trim_end_matches('\n')
        .rsplit_once('\n')
        .ok_or("truncated")?;
    let body = format!("{body}\n");
    let crc = crc_line
        .strip_prefix("crc32c=")
        .ok_or("missing crc32c line")?;
    let crc = u32::from_str_radix(crc, 16).map_err(|_| "bad crc32c value")?;
    if crc != crc32c::crc32c(body.as_bytes()) {
        return Err("checksum mismatch".into());
    }
    let field = |key: &str| -> std::result::Result<&str, String> {
        body.lines()
            .find_map(|line| {
                line.strip_prefix(key)
                    .and_then(|rest| rest.strip_prefix('='))
            })
            .ok_or(format!("missing {key}"))
    };
    let number = |key: &str| -> std::result::Result<usize, String> {
        field(key)?
            .parse()
            .map_err(|_| format!("{key} is not a number"))
    };
    if field("format")? != "1" {
        return Err(format!("unsupported format {}", field("format")?));
    }
    let spec = CollectionSpec {
        name: field("name")?.to_owned(),
        dim: number("dim")?,
        metric: field("metric")?
            .parse::<Metric>()
            .map_err(|e| e.to_string())?,
        shards: u32::try_from(number("shards")?).map_err(|_| "shards out of range")?,
        index: IndexParams {
            connectivity: number("m")?,
            expansion_add: number("ef_construction")?,
        },
        read_replicas: match field("read_replicas") {
            Err(_) => false,
            Ok("1") => true,
            Ok(other) => return Err(format!("read_replicas is {other:?}, not 1")),
        },
    };
    spec.validate().map_err(|e| e.to_string())?;
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// Every live id of `0..ids` with its vector and payload.
    fn contents(shard: &Shard, ids: u64) -> Vec<(u64, Vec<f32>, Vec<u8>)> {
        (0..ids)
            .filter_map(|id| {
                shard
                    .get_with_payload(id)
                    .map(|(v, p)| (id, v.to_vec(), p.to_vec()))
            })
            .collect()
    }

    /// The snapshot blobs of `shard`, by name.
    fn blobs_of(shard: &Shard, spec: &CollectionSpec) -> HashMap<&'static str, Vec<u8>> {
        encode_shard(shard, spec).unwrap().0.into_iter().collect()
    }

    /// `blobs` as an older `format` wrote them: without the blobs named in `missing`.
    fn as_format(
        mut blobs: HashMap<&'static str, Vec<u8>>,
        format: u32,
        missing: &[&str],
        spec: &CollectionSpec,
        slots: u32,
    ) -> HashMap<&'static str, Vec<u8>> {
        for name in missing {
            blobs.remove(*name);
        }
        if format <= SNAPSHOT_FORMAT_LEVEL0_INSIDE {
            let level0 = blobs.remove(LEVEL0_BLOB).unwrap();
            let graph =
                rkyv::access::<ArchivedGraphArchive, rancor::Error>(&blobs[GRAPH_BLOB]).unwrap();
            let inside = GraphArchive {
                connectivity: graph.connectivity.to_native(),
                entry_point: graph.entry_point.to_native(),
                levels: graph.levels.to_vec(),
                level0: level0
                    .chunks_exact(4)
                    .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
                    .collect(),
                upper_offsets: graph.upper_offsets.iter().map(|x| x.to_native()).collect(),
                upper: graph.upper.iter().map(|x| x.to_native()).collect(),
                parents: graph.parents.iter().map(|x| x.to_native()).collect(),
            };
            blobs.insert(GRAPH_BLOB, rkyv_bytes(&inside, 0).unwrap());
        }
        let meta = ShardMeta {
            format,
            shard: 0,
            dim: spec.dim as u32,
            metric: spec.metric.as_str().to_owned(),
            slots: u64::from(slots),
        };
        blobs.insert(META_BLOB, rkyv_bytes(&meta, 64).unwrap());
        blobs
    }

    fn decode(blobs: &HashMap<&str, Vec<u8>>, spec: &CollectionSpec) -> Result<Shard> {
        let file = |name: &str| blobs.get(name).map(Vec::as_slice);
        decode_parts(&file, Lsn(9), spec, 0, Path::new("/snap"))
            .map(|parts| Shard::from_parts(0, spec, parts))
    }

    /// One change to a shard while its snapshot is being encoded.
    #[derive(Clone, Debug)]
    enum Change {
        Upsert(u64, f32, Vec<u8>, Vec<u64>),
        Delete(u64),
        SetPayload(u64, Vec<u8>),
        SetLabels(u64, Vec<u64>),
        Index,
    }

    fn apply(shard: &mut Shard, change: &Change) {
        match change {
            Change::Upsert(id, x, payload, labels) => {
                let mut labels = labels.clone();
                labels.sort_unstable();
                labels.dedup();
                shard
                    .upsert_point(*id, &[*x, -x, 0.5], payload, &labels)
                    .unwrap();
            }
            Change::Delete(id) => {
                shard.delete(*id);
            }
            Change::SetPayload(id, payload) => {
                shard.set_payload(*id, payload);
            }
            Change::SetLabels(id, labels) => {
                let mut labels = labels.clone();
                labels.sort_unstable();
                labels.dedup();
                shard.set_labels(*id, &labels);
            }
            Change::Index => {
                shard.index_next();
            }
        }
    }

    mod encoded_in_pieces {
        use proptest::prelude::*;

        use super::*;

        fn change() -> impl Strategy<Value = Change> {
            let payload = || prop::collection::vec(any::<u8>(), 0..5);
            let labels = || prop::collection::vec(0u64..5, 0..3);
            prop_oneof![
                (0u64..40, -10f32..10.0, payload(), labels())
                    .prop_map(|(id, x, p, l)| Change::Upsert(id, x, p, l)),
                (0u64..40).prop_map(Change::Delete),
                (0u64..40, payload()).prop_map(|(id, p)| Change::SetPayload(id, p)),
                (0u64..40, labels()).prop_map(|(id, l)| Change::SetLabels(id, l)),
                Just(Change::Index),
            ]
        }

        /// What a shard may undergo while encoded: anything but index building.
        fn write() -> impl Strategy<Value = Change> {
            change().prop_filter("index building waits", |c| !matches!(c, Change::Index))
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

            /// Whatever writes the shard takes between the pieces (new points, replacements,
            /// deletions, payloads and labels replaced in place), a snapshot encoded in
            /// pieces is byte for byte the snapshot of the shard as it was when the encoding
            /// began, and decodes to that shard's points.
            #[test]
            fn equals_the_shard_as_it_was_at_the_start(
                before in prop::collection::vec(change(), 0..60),
                during in prop::collection::vec((write(), 0u32..4), 0..60),
            ) {
                let spec = CollectionSpec::new("e", 3, Metric::L2).with_shards(1);
                let mut shard = Shard::new(&spec, 0).unwrap();
                for change in &before {
                    apply(&mut shard, change);
                }
                let expected = blobs_of(&shard, &spec);
                let points = contents(&shard, 40);
                let mut encoder = ShardEncoder::begin(&shard, &spec).unwrap();
                let mut more = true;
                for (change, step) in &during {
                    apply(&mut shard, change);
                    if more {
                        more = encoder.copy_next(&shard, *step);
                    }
                }
                while encoder.copy_next(&shard, 1) {}
                let encoded: HashMap<&str, Vec<u8>> = encoder.finish().0.into_iter().collect();
                prop_assert!(encoded == expected, "blobs differ");
                prop_assert_eq!(contents(&decode(&encoded, &spec).unwrap(), 40), points);
            }
        }
    }

    /// A 3-d shard holding ids 0..10, none indexed.
    fn ten_points() -> (CollectionSpec, Shard) {
        let spec = CollectionSpec::new("c", 3, Metric::L2).with_shards(1);
        let mut shard = Shard::new(&spec, 0).unwrap();
        for id in 0..10 {
            shard.upsert(id, &[id as f32, 1.0, 2.0]).unwrap();
        }
        (spec, shard)
    }

    #[test]
    #[should_panic(expected = "compacted while its snapshot was encoded")]
    fn an_encoding_refuses_a_shard_compacted_under_it() {
        let (spec, mut shard) = ten_points();
        for id in 0..5 {
            shard.delete(id);
        }
        let mut encoder = ShardEncoder::begin(&shard, &spec).unwrap();
        assert!(encoder.copy_next(&shard, 1));
        let mut compaction = shard.begin_compaction(&spec).unwrap();
        while compaction.step(&shard).unwrap() {}
        shard.finish_compaction(compaction).unwrap();
        encoder.copy_next(&shard, 1);
    }

    #[test]
    #[should_panic(expected = "indexed while its snapshot was encoded")]
    fn an_encoding_refuses_a_shard_indexed_under_it() {
        let (spec, mut shard) = ten_points();
        shard.index_next();
        let mut encoder = ShardEncoder::begin(&shard, &spec).unwrap();
        assert!(encoder.copy_next(&shard, 1));
        shard.index_next();
        encoder.copy_next(&shard, 1);
    }

    /// Format 3 kept the level-0 rows inside `graph.rkyv`: such a snapshot loads with its
    /// graph, which answers searches as the one it was taken from.
    #[test]
    fn snapshots_read_the_format_with_the_level0_rows_inside_the_graph() {
        let spec = CollectionSpec::new("g", 3, Metric::L2).with_shards(1);
        let mut shard = Shard::new(&spec, 0).unwrap();
        for id in 0..300u64 {
            let x = id as f32;
            shard.upsert(id, &[x.sin(), x.cos(), x / 300.0]).unwrap();
        }
        while shard.index_next() {}
        let blobs = as_format(blobs_of(&shard, &spec), 3, &[], &spec, shard.slots());
        assert!(!blobs.contains_key(LEVEL0_BLOB));
        let mut loaded = decode(&blobs, &spec).unwrap();
        assert_eq!(loaded.unindexed(), 0);
        assert_eq!(loaded.index().to_parts(), shard.index().to_parts());
        for id in (0..300u64).step_by(7) {
            let query = shard.get(id).unwrap().to_vec();
            assert_eq!(
                loaded.search_indexed(&query, 5, 16),
                shard.search_indexed(&query, 5, 16)
            );
        }
    }

    #[test]
    fn snapshots_keep_payloads_and_read_the_format_before_them() {
        let spec = CollectionSpec::new("p", 3, Metric::L2).with_shards(1);
        let mut shard = Shard::new(&spec, 0).unwrap();
        for id in 0..50u64 {
            let payload = if id % 3 == 0 {
                Vec::new()
            } else {
                vec![id as u8; id as usize]
            };
            shard
                .upsert_with_payload(id, &[id as f32, 1.0, -1.0], &payload)
                .unwrap();
        }
        shard.delete(7);
        shard.upsert(8, &[0.5, 0.5, 0.5]).unwrap();
        while shard.index_next() {}
        let blobs = blobs_of(&shard, &spec);
        let restored = decode(&blobs, &spec).unwrap();
        assert_eq!(contents(&restored, 60), contents(&shard, 60));
        assert_eq!(
            restored.payload(8),
            Some(&[][..]),
            "replaced without a payload"
        );

        // Damaged payload offsets are refused, naming the snapshot.
        let mut damaged = blobs.clone();
        damaged.get_mut(PAYLOAD_ENDS_BLOB).unwrap()[0] ^= 0xff;
        let error = decode(&damaged, &spec).err().unwrap().to_string();
        assert!(
            error.contains("payload") && error.contains("/snap"),
            "{error}"
        );

        // Format 1 (written before payloads): no payload blobs; points load without one.
        let old = as_format(
            blobs,
            SNAPSHOT_FORMAT_NO_PAYLOADS,
            &[PAYLOAD_ENDS_BLOB, PAYLOADS_BLOB],
            &spec,
            shard.slots(),
        );
        let restored = decode(&old, &spec).unwrap();
        let without_payloads: Vec<_> = contents(&shard, 60)
            .into_iter()
            .map(|(id, v, _)| (id, v, Vec::new()))
            .collect();
        assert_eq!(contents(&restored, 60), without_payloads);
    }

    #[test]
    fn snapshots_whose_blobs_disagree_are_refused() {
        let spec = CollectionSpec::new("i", 2, Metric::L2).with_shards(1);
        let mut shard = Shard::new(&spec, 0).unwrap();
        for id in 0..10u64 {
            shard.upsert(id, &[id as f32, 0.0]).unwrap();
        }
        let blobs = blobs_of(&shard, &spec);
        assert!(decode(&blobs, &spec).is_ok());
        let refused = |blob: &'static str, edit: &dyn Fn(&mut Vec<u8>)| {
            let mut damaged = blobs.clone();
            edit(damaged.get_mut(blob).unwrap());
            decode(&damaged, &spec).err().unwrap().to_string()
        };
        // Slot 10 does not exist yet: its tombstone would delete the next point written.
        let error = refused(TOMBSTONES_BLOB, &|t| t[1] |= 0x04);
        assert!(error.contains("past the last of 10"), "{error}");
        // Id 5 in slot 3 too: it would be live twice.
        let error = refused(IDS_BLOB, &|ids| {
            ids[24..32].copy_from_slice(&5u64.to_le_bytes())
        });
        assert!(error.contains("only 9 distinct ids"), "{error}");
        // A point of another shard.
        let two = CollectionSpec::new("i", 2, Metric::L2).with_shards(2);
        let error = decode(&blobs, &two).err().unwrap().to_string();
        assert!(error.contains("belongs to shard 1"), "{error}");
    }

    #[test]
    fn snapshots_with_a_vector_component_that_is_not_finite_are_refused() {
        // Found by engine/fuzz's shard_snapshot target: input 03 5b 30 41 f0 sets one
        // component of its base shard's vectors to the bits 0xffff_fff0 (a negative NaN).
        // Recovery loaded it, and the point came first in a graph search, at distance NaN;
        // WAL replay refuses the same vector.
        let spec = CollectionSpec::new("v", 3, Metric::L2).with_shards(1);
        let mut shard = Shard::new(&spec, 0).unwrap();
        for id in 0..10u64 {
            shard.upsert(id, &[id as f32, 0.0, 1.0]).unwrap();
        }
        while shard.index_next() {}
        let blobs = blobs_of(&shard, &spec);
        for bits in [
            0xffff_fff0,
            f32::NAN.to_bits(),
            f32::INFINITY.to_bits(),
            f32::NEG_INFINITY.to_bits(),
        ] {
            let mut damaged = blobs.clone();
            // Slot 7, component 1.
            let at = (7 * 3 + 1) * 4;
            damaged.get_mut(VECTORS_BLOB).unwrap()[at..at + 4].copy_from_slice(&bits.to_le_bytes());
            let error = decode(&damaged, &spec).err().unwrap().to_string();
            assert!(
                error.contains("slot 7") && error.contains("not finite"),
                "{error}"
            );
        }
    }

    /// Before cosine shards stored unit vectors, snapshots held cosine vectors as sent: they
    /// load scaled to unit length, and the graph built on them answers as before (cosine
    /// ignores the scale).
    #[test]
    fn cosine_vectors_saved_as_sent_load_at_unit_length() {
        let spec = CollectionSpec::new("c", 3, Metric::Cosine).with_shards(1);
        let mut shard = Shard::new(&spec, 0).unwrap();
        let raw = |id: u64| {
            let x = id as f32;
            [(3.0 + x) * x.sin(), (3.0 + x) * x.cos(), x / 30.0 + 0.5]
        };
        for id in 0..300u64 {
            shard.upsert(id, &raw(id)).unwrap();
        }
        while shard.index_next() {}
        let mut blobs = blobs_of(&shard, &spec);
        let as_sent: Vec<u8> = (0..300u64)
            .flat_map(raw)
            .flat_map(f32::to_le_bytes)
            .collect();
        assert_ne!(blobs[VECTORS_BLOB], as_sent);
        blobs.insert(VECTORS_BLOB, as_sent);
        let mut loaded = decode(&blobs, &spec).unwrap();
        for id in 0..300u64 {
            assert_eq!(loaded.get(id), shard.get(id), "id {id}");
        }
        for id in (0..300u64).step_by(7) {
            let query = raw(id).map(|x| x * 10.0);
            assert_eq!(
                loaded.search_indexed(&query, 5, 16),
                shard.search_indexed(&query, 5, 16)
            );
        }
    }

    #[test]
    fn snapshots_over_the_write_limits_are_refused() {
        let spec = CollectionSpec::new("w", 2, Metric::L2).with_shards(1);
        let mut shard = Shard::new(&spec, 0).unwrap();
        let most_labels: Vec<u64> = (0..LABELS_PER_POINT_MAX as u64).collect();
        let largest = vec![1u8; PAYLOAD_BYTES_MAX];
        shard
            .upsert_point(0, &[0.0, 0.0], &largest, &most_labels)
            .unwrap();
        shard.upsert_point(1, &[1.0, 0.0], b"x", &[1000]).unwrap();
        let blobs = blobs_of(&shard, &spec);
        assert!(decode(&blobs, &spec).is_ok(), "at the limits");
        // Move slot 1's payload byte and label into slot 0: one over each limit.
        let first_end_plus_one = |ends: &mut Vec<u8>| {
            let end = u64::from_le_bytes(ends[..8].try_into().unwrap()) + 1;
            ends[..8].copy_from_slice(&end.to_le_bytes());
        };
        for (blob, what) in [(PAYLOAD_ENDS_BLOB, "payload"), (LABEL_ENDS_BLOB, "labels")] {
            let mut over = blobs.clone();
            first_end_plus_one(over.get_mut(blob).unwrap());
            let error = decode(&over, &spec).err().unwrap().to_string();
            assert!(error.contains(what) && error.contains("slot 0"), "{error}");
        }
    }

    #[test]
    fn snapshots_keep_labels_and_read_the_format_before_them() {
        let spec = CollectionSpec::new("l", 2, Metric::L2).with_shards(1);
        let mut shard = Shard::new(&spec, 0).unwrap();
        let labels_of = |id: u64| -> Vec<u64> { (0..id % 4).map(|l| l * 10 + id % 2).collect() };
        for id in 0..40u64 {
            shard
                .upsert_point(id, &[id as f32, 0.0], b"", &labels_of(id))
                .unwrap();
        }
        shard.upsert_point(5, &[0.5, 0.5], b"x", &[]).unwrap();
        shard.delete(6);
        while shard.index_next() {}
        let blobs = blobs_of(&shard, &spec);
        let restored = decode(&blobs, &spec).unwrap();
        for id in 0..40 {
            assert_eq!(restored.labels(id), shard.labels(id), "id {id}");
        }
        assert_eq!(restored.labels(5), Some(&[][..]), "replaced without labels");
        // The per-label lists are rebuilt: a filtered search finds the labelled points.
        let filter = crate::Filter {
            all_of: vec![21],
            ..Default::default()
        };
        let mut restored = restored;
        let hits = restored.search_filtered(&[0.0, 0.0], 40, 64, &filter);
        let want: Vec<u64> = (0..40)
            .filter(|&id| id != 5 && id != 6 && labels_of(id).contains(&21))
            .collect();
        let mut got: Vec<u64> = hits.iter().map(|n| n.id).collect();
        got.sort_unstable();
        assert_eq!(got, want);

        // Unsorted labels in a snapshot are refused, naming the snapshot.
        let mut damaged = blobs.clone();
        let bytes = damaged.get_mut(LABELS_BLOB).unwrap();
        // Slot 1 holds [1], slot 2 [0, 10]: make slot 2's [10, 0].
        let (first, second) = (bytes[8..16].to_vec(), bytes[16..24].to_vec());
        bytes[8..16].copy_from_slice(&second);
        bytes[16..24].copy_from_slice(&first);
        let error = decode(&damaged, &spec).err().unwrap().to_string();
        assert!(
            error.contains("labels") && error.contains("/snap"),
            "{error}"
        );

        // Format 2 (written before labels): no label blobs; points load without labels.
        let old = as_format(
            blobs,
            SNAPSHOT_FORMAT_NO_LABELS,
            &[LABEL_ENDS_BLOB, LABELS_BLOB],
            &spec,
            shard.slots(),
        );
        let restored = decode(&old, &spec).unwrap();
        assert_eq!(restored.labels(3), Some(&[][..]));
        assert_eq!(restored.payload(5), Some(&b"x"[..]));
    }

    #[test]
    fn catalog_round_trips_and_detects_damage() {
        let spec = CollectionSpec::new("docs", 384, Metric::Dot).with_shards(3);
        assert_eq!(parse_catalog(&catalog_text(&spec)).unwrap(), spec);
        assert!(!catalog_text(&spec).contains("read_replicas"));
        let replicated = spec.clone().with_read_replicas(true);
        assert_eq!(
            parse_catalog(&catalog_text(&replicated)).unwrap(),
            replicated
        );
        let damaged = catalog_text(&spec).replace("dim=384", "dim=385");
        assert_eq!(parse_catalog(&damaged).unwrap_err(), "checksum mismatch");
        assert!(parse_catalog("").is_err());
    }

    #[test]
    fn catalog_files_are_written_read_and_removed() {
        let dir = std::env::temp_dir().join(format!("corevec-catalog-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let a = CollectionSpec::new("a", 4, Metric::L2).with_shards(1);
        let b = CollectionSpec::new("b", 8, Metric::Cosine).with_shards(2);
        write_catalog(&dir, &b).unwrap();
        write_catalog(&dir, &a).unwrap();
        fs::create_dir_all(collections_dir(&dir).join("orphan")).unwrap();
        assert_eq!(read_catalog(&dir).unwrap(), vec![a.clone(), b.clone()]);
        remove_collection(&dir, "a").unwrap();
        assert_eq!(read_catalog(&dir).unwrap(), vec![b]);
        fs::remove_dir_all(&dir).unwrap();
    }

    /// A create interrupted (or failed) after making its shard directories leaves them empty,
    /// without a definition: creating the name again clears them; a directory holding
    /// anything else is still refused.
    #[test]
    fn an_interrupted_create_does_not_block_the_name() {
        let dir = std::env::temp_dir().join(format!("corevec-recreate-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let wide = CollectionSpec::new("c", 4, Metric::L2).with_shards(3);
        for shard in 0..3 {
            fs::create_dir_all(shard_dir(&dir, "c", shard)).unwrap();
        }
        fs::write(collections_dir(&dir).join("c/collection.conf.tmp"), b"form").unwrap();
        assert_eq!(read_catalog(&dir).unwrap(), vec![], "ignored at start");
        let narrow = CollectionSpec::new("c", 4, Metric::L2).with_shards(2);
        write_catalog(&dir, &narrow).unwrap();
        assert_eq!(read_catalog(&dir).unwrap(), vec![narrow.clone()]);
        assert!(
            !shard_dir(&dir, "c", 2).exists(),
            "the extra leftover is cleared"
        );
        remove_collection(&dir, "c").unwrap();
        finish_drops(&dir).unwrap();

        fs::create_dir_all(shard_dir(&dir, "c", 0)).unwrap();
        fs::write(
            shard_dir(&dir, "c", 0).join("wal-00000000000000000001.log"),
            b"x",
        )
        .unwrap();
        let err = write_catalog(&dir, &wide).unwrap_err().to_string();
        assert!(err.contains("shard-0"), "{err}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_dropped_collections_files_are_never_adopted() {
        let dir = std::env::temp_dir().join(format!("corevec-drop-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let spec = CollectionSpec::new("c", 4, Metric::L2).with_shards(2);
        write_catalog(&dir, &spec).unwrap();
        for shard in 0..2 {
            assert!(
                shard_dir(&dir, "c", shard).is_dir(),
                "made with the definition"
            );
        }
        let wal = shard_dir(&dir, "c", 1).join("wal-00000000000000000001.log");
        fs::write(&wal, b"old points").unwrap();

        // A crash after the drop's rename: the collection is gone, its files are deleted at
        // start, and the name is free.
        remove_collection(&dir, "c").unwrap();
        write_catalog(&dir, &spec).unwrap();
        fs::write(shard_dir(&dir, "c", 1).join("x"), b"old points").unwrap();
        let collections = collections_dir(&dir);
        fs::rename(collections.join("c"), collections.join(".dropped-c-7")).unwrap();
        assert_eq!(read_catalog(&dir).unwrap(), vec![]);
        finish_drops(&dir).unwrap();
        assert_eq!(fs::read_dir(&collections).unwrap().count(), 0);

        // An older version deleted the definition first and could crash before the files:
        // a new collection of that name is refused rather than handed the old points.
        write_catalog(&dir, &spec).unwrap();
        fs::write(&wal, b"old points").unwrap();
        fs::remove_file(collections.join("c").join(CATALOG_FILE)).unwrap();
        assert_eq!(read_catalog(&dir).unwrap(), vec![]);
        let err = write_catalog(&dir, &spec).unwrap_err().to_string();
        assert!(err.contains("not fully dropped"), "{err}");
        // ... while the remains of an interrupted create do not stand in the way.
        fs::remove_dir_all(collections.join("c")).unwrap();
        fs::create_dir_all(collections.join("c")).unwrap();
        fs::write(collections.join("c").join("collection.conf.tmp"), b"half").unwrap();
        write_catalog(&dir, &spec).unwrap();
        assert_eq!(read_catalog(&dir).unwrap(), vec![spec]);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_definition_in_another_directory_or_a_stray_file_is_reported() {
        let dir = std::env::temp_dir().join(format!("corevec-moved-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let spec = CollectionSpec::new("a", 4, Metric::L2).with_shards(1);
        write_catalog(&dir, &spec).unwrap();
        fs::write(collections_dir(&dir).join("notes.txt"), b"hi").unwrap();
        assert_eq!(read_catalog(&dir).unwrap(), vec![spec]);
        fs::rename(
            collections_dir(&dir).join("a"),
            collections_dir(&dir).join("b"),
        )
        .unwrap();
        let err = read_catalog(&dir).unwrap_err().to_string();
        assert!(
            err.contains("defines collection \"a\" but lies in directory \"b\""),
            "{err}"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
