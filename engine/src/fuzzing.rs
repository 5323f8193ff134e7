//! Entry points for the fuzz targets in `engine/fuzz` only: thin wrappers over decoders of
//! on-disk bytes that are otherwise private. Not part of the engine's API.

use std::path::Path;

use corevec_storage::Lsn;

use crate::collection::CollectionSpec;
use crate::error::Result;
use crate::persist;
use crate::shard::Shard;

/// Parses a `collection.conf` (checksum, fields, validation).
///
/// # Errors
/// The reason the text is refused.
pub fn parse_catalog(text: &str) -> std::result::Result<CollectionSpec, String> {
    persist::parse_catalog(text)
}

/// The `collection.conf` text of `spec`, as written to disk.
pub fn catalog_text(spec: &CollectionSpec) -> String {
    persist::catalog_text(spec)
}

/// Restores shard `shard` of `spec` from snapshot blobs given as `(name, bytes)` pairs (as
/// [`persist::SnapshotBlobs::files`] lists them), as recovery does after the storage layer
/// verified their checksums.
///
/// # Errors
/// `Catalog` when a blob is missing, malformed or inconsistent.
pub fn decode_blobs(blobs: &[(&str, &[u8])], spec: &CollectionSpec, shard: u32) -> Result<Shard> {
    let file = |name: &str| {
        blobs
            .iter()
            .find(|(blob, _)| *blob == name)
            .map(|(_, bytes)| *bytes)
    };
    persist::decode_parts(&file, Lsn(1), spec, shard, Path::new("fuzz"))
        .map(|parts| Shard::from_parts(shard, spec, parts))
}
