//! Protocol limits. Every decoder checks these *before* it allocates, so a peer can never make
//! us allocate more than the frame it already sent (and that frame is bounded by
//! [`FRAME_BODY_BYTES_MAX`]).
//!
//! Changing any value here is a protocol change: update `PROTOCOL.md` section "Limits" and the
//! Python client (`net/clients/python/corevec/protocol.py`).

/// Size of the fixed frame header in bytes.
pub const FRAME_HEADER_SIZE: usize = 32;

/// Largest frame body accepted or produced (64 MiB). A header announcing more is fatal.
pub const FRAME_BODY_BYTES_MAX: u32 = 64 * 1024 * 1024;

/// Largest vector dimension.
pub const DIMENSIONS_MAX: u32 = 4096;

/// Most vectors in one UPSERT (the frame body limit may bind first for large dims).
pub const BATCH_VECTORS_MAX: u32 = 65_536;

/// Most ids in one GET, DELETE, SET_PAYLOAD or SET_LABELS.
pub const BATCH_IDS_MAX: u32 = 65_536;

/// Most query vectors in one SEARCH.
pub const BATCH_QUERIES_MAX: u32 = 4096;

/// Largest `k` in a SEARCH.
pub const K_MAX: u32 = 1024;

/// Largest `expansion_search` (`ef`) and `expansion_add` (`ef_construction`).
pub const EXPANSION_MAX: u32 = 65_536;

/// Largest HNSW `connectivity` (`m`).
pub const CONNECTIVITY_MAX: u16 = 256;

/// Most shards in a collection (CREATE `shards`, DESCRIBE per-shard list).
pub const SHARDS_MAX: u32 = 4096;

/// Longest collection name in bytes (names are 1..=64 bytes of `[A-Za-z0-9_-]`).
pub const COLLECTION_NAME_BYTES_MAX: usize = 64;

/// Longest STATS entry name in bytes.
pub const STAT_NAME_BYTES_MAX: usize = 64;

/// Most entries in a STATS response.
pub const STATS_ENTRIES_MAX: u32 = 4096;

/// Most collections in a LIST response.
pub const COLLECTIONS_MAX: u32 = 65_536;

/// Longest HELLO auth token in bytes.
pub const AUTH_TOKEN_BYTES_MAX: usize = 1024;

/// Longest ERROR message in bytes; encoders truncate longer messages at a UTF-8 boundary.
pub const ERROR_MESSAGE_BYTES_MAX: usize = 4096;

/// Largest payload of one point (opaque bytes stored and returned with its vector), in UPSERT
/// and SET_PAYLOAD requests and GET / SEARCH responses alike.
pub const PAYLOAD_BYTES_MAX: u32 = 65_536;

/// Most labels (`u64`) on one point, in UPSERT and SET_LABELS requests and GET responses alike. A list sent
/// with more entries is refused even if duplicates would shrink it (the sent count is checked).
pub const LABELS_PER_POINT_MAX: u32 = 64;

/// Most labels in one SEARCH or SCROLL filter, counting `all_of`, every `any_of` group and
/// `none_of` together. A peer without `FEATURE_FILTER_GROUPS` takes at most
/// [`FILTER_LABELS_MAX_WITHOUT_GROUPS`].
pub const FILTER_LABELS_MAX: u32 = 1024;

/// Most labels in one filter for a peer without `FEATURE_FILTER_GROUPS` (the limit before it).
pub const FILTER_LABELS_MAX_WITHOUT_GROUPS: u32 = 256;

/// Most `any_of` groups in one filter (each a set of labels of which a point must have one).
/// A peer without `FEATURE_FILTER_GROUPS` takes one.
pub const FILTER_GROUPS_MAX: u32 = 8;

/// Largest `limit` of a SCROLL request: points in one page. A server may answer fewer (a page
/// is trimmed to fit the frame limit), never more.
pub const SCROLL_LIMIT_MAX: u32 = 4096;

// The limits must fit together: a maximal SEARCH response (every query returns K_MAX hits,
// 12 bytes per hit, plus the 8-byte prefix and 4-byte per-query counts padded to 8) must fit
// in one frame, so a server never has to refuse a request the decoder accepted.
const _: () = assert!(
    8 + (4 * BATCH_QUERIES_MAX as u64).div_ceil(8) * 8
        + BATCH_QUERIES_MAX as u64 * K_MAX as u64 * 12
        <= FRAME_BODY_BYTES_MAX as u64
);
// A single query of maximal dimension fits in a SEARCH request.
const _: () = assert!(64 + DIMENSIONS_MAX as u64 * 4 <= FRAME_BODY_BYTES_MAX as u64);
// A maximal batch of ids fits in a GET/DELETE request.
const _: () = assert!(8 + 72 + BATCH_IDS_MAX as u64 * 8 <= FRAME_BODY_BYTES_MAX as u64);
// A maximal UPSERT batch fits for small dims (up to 128); for larger dims the body limit binds.
const _: () =
    assert!(8 + 72 + BATCH_VECTORS_MAX as u64 * (8 + 128 * 4) <= FRAME_BODY_BYTES_MAX as u64);
// One point of maximal dimension with a maximal payload fits in an UPSERT (8-byte prefix, a
// maximal NAME field, the id, the vector, one payload length padded to 8, the payload).
// Batches of payloads do not all fit: a GET or SEARCH response that would exceed the frame limit
// is answered BATCH_TOO_LARGE.
const _: () = assert!(
    8 + 72 + 8 + DIMENSIONS_MAX as u64 * 4 + 8 + PAYLOAD_BYTES_MAX as u64
        <= FRAME_BODY_BYTES_MAX as u64
);
// One maximal payload fits in a SET_PAYLOAD (8-byte prefix, a maximal NAME field, the id, one
// payload length padded to 8, the payload). Batches may need splitting, as for UPSERT.
const _: () = assert!(8 + 72 + 8 + 8 + PAYLOAD_BYTES_MAX as u64 <= FRAME_BODY_BYTES_MAX as u64);
// One point of maximal dimension with a maximal payload and maximal labels fits in an UPSERT (as
// above, plus the label section: at most 7 bytes of padding, one count padded to 8, the labels).
const _: () = assert!(
    8 + 72
        + 8
        + DIMENSIONS_MAX as u64 * 4
        + 8
        + PAYLOAD_BYTES_MAX as u64
        + 7
        + 8
        + LABELS_PER_POINT_MAX as u64 * 8
        <= FRAME_BODY_BYTES_MAX as u64
);
// A maximal SET_LABELS fits, unlike batches of payloads: BATCH_IDS_MAX ids, each with
// LABELS_PER_POINT_MAX labels (8-byte prefix, a maximal NAME field, the ids, the counts, at most
// 4 bytes of padding, the labels; the section starts 8-aligned after the ids).
const _: () = assert!(
    8 + 72
        + BATCH_IDS_MAX as u64 * 8
        + BATCH_IDS_MAX as u64 * 4
        + 4
        + BATCH_IDS_MAX as u64 * LABELS_PER_POINT_MAX as u64 * 8
        <= FRAME_BODY_BYTES_MAX as u64
);
// A maximal filter fits in a SEARCH request next to one query of maximal dimension (24-byte
// prefix, a maximal NAME field, the query, 4 bytes of padding, the 16-byte filter header, the
// group sizes, labels).
const _: () = assert!(
    24 + 72
        + DIMENSIONS_MAX as u64 * 4
        + 4
        + 16
        + FILTER_GROUPS_MAX as u64 * 8
        + FILTER_LABELS_MAX as u64 * 8
        <= FRAME_BODY_BYTES_MAX as u64
);
// A SCROLL page holding one point of maximal dimension with a maximal payload and maximal labels
// fits (16-byte prefix, the id, the vector, one payload length padded to 8, the payload, at most
// 7 bytes of padding, one label count padded to 8, the labels), so a server that trims pages to
// the frame limit always makes progress. Full pages need not fit (SCROLL_LIMIT_MAX vectors of
// dimension 4,096 alone are 64 MiB): the server trims them.
const _: () = assert!(
    16 + 8
        + DIMENSIONS_MAX as u64 * 4
        + 8
        + PAYLOAD_BYTES_MAX as u64
        + 7
        + 8
        + LABELS_PER_POINT_MAX as u64 * 8
        <= FRAME_BODY_BYTES_MAX as u64
);
// A full page of ids with maximal labels and no vectors or payloads always fits (16-byte prefix,
// the ids, the counts, at most 4 bytes of padding, the labels).
const _: () = assert!(
    16 + SCROLL_LIMIT_MAX as u64 * 8
        + SCROLL_LIMIT_MAX as u64 * 4
        + 4
        + SCROLL_LIMIT_MAX as u64 * LABELS_PER_POINT_MAX as u64 * 8
        <= FRAME_BODY_BYTES_MAX as u64
);
// Lengths are carried in u8/u16 fields.
const _: () = assert!(COLLECTION_NAME_BYTES_MAX <= u8::MAX as usize);
const _: () = assert!(STAT_NAME_BYTES_MAX <= u8::MAX as usize);
const _: () = assert!(AUTH_TOKEN_BYTES_MAX <= u16::MAX as usize);
const _: () = assert!(ERROR_MESSAGE_BYTES_MAX <= u16::MAX as usize);
const _: () = assert!(SHARDS_MAX <= u16::MAX as u32);
// Body lengths are u32 on the wire and must index memory on every supported target.
const _: () = assert!(FRAME_BODY_BYTES_MAX as u64 <= u32::MAX as u64);
const _: () = assert!(FRAME_BODY_BYTES_MAX as u64 <= usize::MAX as u64);
