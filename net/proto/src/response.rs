//! Response bodies: the typed [`Response`] enum, its decoder and encoder.

use crate::error::{Error, ErrorCode};
use crate::frame::{
    encode_frame_with, Frame, Opcode, RequestId, FEATURE_READ_REPLICAS, FLAG_ERROR, FLAG_RESPONSE,
};
use crate::limits::{
    BATCH_IDS_MAX, BATCH_QUERIES_MAX, COLLECTIONS_MAX, COLLECTION_NAME_BYTES_MAX, DIMENSIONS_MAX,
    ERROR_MESSAGE_BYTES_MAX, K_MAX, SCROLL_LIMIT_MAX, SHARDS_MAX, STATS_ENTRIES_MAX,
    STAT_NAME_BYTES_MAX,
};
use crate::request::Metric;
use crate::vectors::{put_payload_section, IdsRef, LabelsRef, PayloadsRef, VectorsRef};
use crate::wire::{
    is_valid_collection_name, put_f32, put_pad8, put_short_str, put_u16, put_u32, put_u64, put_u8,
    put_zero, u32_from, usize_from, Reader,
};

/// HELLO response: the negotiated session parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HelloAck {
    /// The protocol version chosen by the server (highest common version).
    pub version: u16,
    /// Requests this connection may have in flight before the server answers BUSY.
    pub in_flight_max: u32,
    /// Feature bits enabled for this connection (subset of those requested).
    pub features: u64,
    /// The server's frame body limit (at most `FRAME_BODY_BYTES_MAX`).
    pub frame_body_bytes_max: u32,
}

/// Per-shard figures in a [`CollectionInfo`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardInfo {
    /// 0-based shard index.
    pub shard: u32,
    /// Live vectors.
    pub vectors_count: u64,
    /// Deleted (tombstoned, not yet compacted) vectors.
    pub deleted_count: u64,
    /// Bytes used (memory + disk as the server accounts them).
    pub bytes: u64,
}

/// One collection as LIST and DESCRIBE report it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionInfo {
    /// Collection name.
    pub name: String,
    /// Vector dimension.
    pub dim: u32,
    /// Distance metric.
    pub metric: Metric,
    /// Configured shard count.
    pub shards: u16,
    /// HNSW connectivity in effect.
    #[doc(alias = "m")]
    pub connectivity: u16,
    /// HNSW build-time expansion in effect.
    #[doc(alias = "ef_construction")]
    pub expansion_add: u32,
    /// The collection was created with read replicas (wire flag
    /// [`CollectionInfo::READ_REPLICAS`]). A server reports it only on connections that enabled
    /// `FEATURE_READ_REPLICAS`, and encodes `false` otherwise (see
    /// [`CollectionInfo::for_features`]).
    pub read_replicas: bool,
    /// Live vectors across shards.
    pub vectors_count: u64,
    /// Bytes used across shards.
    pub bytes: u64,
    /// Per-shard figures (may be shorter than `shards` if a router could not reach a node).
    pub shard_infos: Vec<ShardInfo>,
}

impl CollectionInfo {
    /// Wire bit for `read_replicas` in the `COLLECTION_INFO` `flags` byte (offset 7).
    pub const READ_REPLICAS: u8 = 1;

    /// This info as a connection that enabled the HELLO feature bits `features` may receive
    /// it: without `FEATURE_READ_REPLICAS` the flags byte was reserved for the peer (an older
    /// client refuses a nonzero one), so `read_replicas` is cleared.
    #[must_use]
    pub fn for_features(mut self, features: u64) -> CollectionInfo {
        if features & FEATURE_READ_REPLICAS == 0 {
            self.read_replicas = false;
        }
        self
    }

    /// The `flags` byte as encoded.
    const fn flags(&self) -> u8 {
        if self.read_replicas {
            Self::READ_REPLICAS
        } else {
            0
        }
    }
}

/// UPSERT, DELETE, SET_PAYLOAD and SET_LABELS acknowledgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteAck {
    /// Vectors written (UPSERT), actually deleted (DELETE), or ids that existed and got the new
    /// payload (SET_PAYLOAD) or labels (SET_LABELS).
    pub count: u32,
    /// Log sequence number of the write, when the server exposes one.
    pub lsn: Option<u64>,
}

/// GET response: for each requested id (in request order) whether it was found; the vectors of
/// the found ids, in the same order, packed; and their payloads and labels if the request asked
/// for them.
#[derive(Clone, Debug, PartialEq)]
pub struct GetResponse<'a> {
    /// One flag per requested id.
    pub found: Vec<bool>,
    /// `found.iter().filter(|f| **f).count()` vectors of the collection's dim.
    pub vectors: VectorsRef<'a>,
    /// One payload per found id, in the same order as `vectors`: `Some` iff the request had
    /// `with_payloads` (a server must then send it), `None` otherwise. When no id was found the
    /// section is empty on the wire and decodes as `None`.
    ///
    /// With `labels` set and `payloads` `None`, the encoder sends an all-empty payload section
    /// (the label section must follow one), which decodes as `Some` empty payloads.
    pub payloads: Option<PayloadsRef<'a>>,
    /// One label list per found id, in the same order as `vectors` (sorted and deduplicated,
    /// as the engine stores them): `Some` iff the request had `with_labels` (a server must then
    /// send it), `None` otherwise. When no id was found the section is empty on the wire and
    /// decodes as `None`.
    pub labels: Option<LabelsRef<'a>>,
}

impl<'a> GetResponse<'a> {
    /// For each requested id, its vector or `None`.
    pub fn iter(&self) -> impl Iterator<Item = Option<VectorsRef<'a>>> + '_ {
        let mut next = 0usize;
        self.found.iter().map(move |&found| {
            if !found {
                return None;
            }
            let v = self.vectors.vector(next);
            next += 1;
            v
        })
    }

    /// For each requested id, its payload; `None` if the id was not found or the response has
    /// no payload section.
    pub fn iter_payloads(&self) -> impl Iterator<Item = Option<&'a [u8]>> + '_ {
        let mut payloads = self.payloads.map(|payloads| payloads.iter());
        self.found.iter().map(move |&found| {
            if found {
                payloads.as_mut().and_then(Iterator::next)
            } else {
                None
            }
        })
    }

    /// For each requested id, its labels; `None` if the id was not found or the response has
    /// no label section.
    pub fn iter_labels(&self) -> impl Iterator<Item = Option<IdsRef<'a>>> + '_ {
        let mut labels = self.labels.map(|labels| labels.iter());
        self.found.iter().map(move |&found| {
            if found {
                labels.as_mut().and_then(Iterator::next)
            } else {
                None
            }
        })
    }
}

/// SCROLL response: one page of points in ascending id order, and whether more may follow.
///
/// The wire flags `HAS_VECTORS` / `HAS_PAYLOADS` / `HAS_LABELS` are set iff `vectors` /
/// `payloads` / `labels` is `Some`, which a server does iff the request asked for them (even
/// for an empty page: the sections are then empty). Decoding is stateless: the flags say which
/// sections follow.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScrollResponse<'a> {
    /// At most the request's `limit` (and `SCROLL_LIMIT_MAX`) ids, strictly ascending, all
    /// `>= start_id`.
    pub ids: IdsRef<'a>,
    /// More points may follow the last id: ask again from `last id + 1`. Clear when none exist
    /// (at the time of the read). Never set on an empty page or when the last id is `u64::MAX`.
    /// A page may hold fewer than `limit` points while it is set (a server or router trims a
    /// page to fit the frame limit).
    pub more: bool,
    /// Dimension of the collection (1..=`DIMENSIONS_MAX`), also when `vectors` is `None`.
    pub dim: u32,
    /// One vector of `dim` floats per id, in id order: `Some` iff the request had
    /// `with_vectors`.
    pub vectors: Option<VectorsRef<'a>>,
    /// One payload per id (empty = none), in id order: `Some` iff the request had
    /// `with_payloads`.
    pub payloads: Option<PayloadsRef<'a>>,
    /// One label list per id (sorted ascending, no duplicates, as the engine stores them), in id
    /// order: `Some` iff the request had `with_labels`.
    pub labels: Option<LabelsRef<'a>>,
}

impl ScrollResponse<'_> {
    /// Wire bit for `more`.
    pub const MORE: u32 = 1;
    /// Wire bit: the vectors follow the ids (`vectors` is `Some`).
    pub const HAS_VECTORS: u32 = 2;
    /// Wire bit: a PAYLOAD_SECTION follows (`payloads` is `Some`).
    pub const HAS_PAYLOADS: u32 = 4;
    /// Wire bit: a LABEL_SECTION follows (`labels` is `Some`).
    pub const HAS_LABELS: u32 = 8;

    /// The id to start the next page from (`last id + 1`), or `None` if `more` is clear.
    #[must_use]
    pub fn next_start_id(&self) -> Option<u64> {
        if self.more {
            next_start_id(self.ids)
        } else {
            None
        }
    }

    fn flags(&self) -> u32 {
        let bit = |set: bool, bit: u32| if set { bit } else { 0 };
        bit(self.more, Self::MORE)
            | bit(self.vectors.is_some(), Self::HAS_VECTORS)
            | bit(self.payloads.is_some(), Self::HAS_PAYLOADS)
            | bit(self.labels.is_some(), Self::HAS_LABELS)
    }

    /// Everything the decoder checks, for the encoder. Returns the id count.
    fn validate(&self) -> Result<u32, Error> {
        let count = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        if count > SCROLL_LIMIT_MAX {
            return Err(Error::BatchTooLarge {
                count,
                max: SCROLL_LIMIT_MAX,
            });
        }
        if !(1..=DIMENSIONS_MAX).contains(&self.dim) {
            return Err(Error::InvalidArgument("scroll: dim must be 1..=4096"));
        }
        if !strictly_ascending(self.ids) {
            return Err(Error::InvalidArgument(
                "scroll: ids must be strictly ascending",
            ));
        }
        if self.more && self.next_start_id().is_none() {
            return Err(Error::InvalidArgument(
                "scroll: MORE needs a last id below u64::MAX (and at least one point)",
            ));
        }
        if self
            .vectors
            .is_some_and(|v| v.dim() != self.dim || v.count() != self.ids.len())
        {
            return Err(Error::InvalidArgument(
                "scroll: one vector of the page's dim per id",
            ));
        }
        if self.payloads.is_some_and(|p| p.count() != self.ids.len()) {
            return Err(Error::InvalidArgument("scroll: one payload per id"));
        }
        if self.labels.is_some_and(|l| l.count() != self.ids.len()) {
            return Err(Error::InvalidArgument("scroll: one label list per id"));
        }
        Ok(count)
    }
}

/// `last id + 1`, or `None` for no ids or a last id of `u64::MAX`.
fn next_start_id(ids: IdsRef<'_>) -> Option<u64> {
    ids.len()
        .checked_sub(1)
        .and_then(|last| ids.get(last))
        .and_then(|last| last.checked_add(1))
}

fn strictly_ascending(ids: IdsRef<'_>) -> bool {
    let mut previous = None;
    ids.iter().all(|id| {
        let ascending = previous.is_none_or(|p| p < id);
        previous = Some(id);
        ascending
    })
}

/// One search hit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit {
    /// Vector id.
    pub id: u64,
    /// Distance under the collection's metric (smaller is closer).
    pub distance: f32,
}

/// SEARCH response.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchResponse {
    /// Some shards or nodes did not answer (only with `allow_partial`).
    pub partial: bool,
    /// Per query, up to `k` hits, closest first.
    pub results: Vec<Vec<Hit>>,
    /// Per query, per hit (same shape as `results`), the hit's payload bytes (empty = none).
    /// `Some` iff the request had `with_payloads` (wire flag [`SearchResponse::HAS_PAYLOADS`]).
    pub payloads: Option<Vec<Vec<Vec<u8>>>>,
}

impl SearchResponse {
    /// Wire bit for `partial`.
    pub const PARTIAL: u32 = 1;
    /// Wire bit: a PAYLOAD_SECTION for every hit follows the distances (`payloads` is `Some`).
    pub const HAS_PAYLOADS: u32 = 2;
}

/// One STATS entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stat {
    /// 1..=64 bytes of UTF-8, e.g. `vectors`, `uptime_s`.
    pub name: String,
    /// The value.
    pub value: u64,
}

/// ERROR response body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorResponse {
    /// Stable code.
    pub code: ErrorCode,
    /// Human-readable detail (not part of the contract).
    pub message: String,
}

/// A response, as decoded by a client or built by a server.
#[derive(Clone, Debug, PartialEq)]
pub enum Response<'a> {
    /// HELLO succeeded.
    Hello(HelloAck),
    /// PING answer. Empty body.
    Ping,
    /// Collection created. Empty body.
    CreateCollection,
    /// Collection dropped. Empty body.
    DropCollection,
    /// All collections.
    ListCollections(Vec<CollectionInfo>),
    /// One collection.
    DescribeCollection(CollectionInfo),
    /// Upsert acknowledged.
    Upsert(WriteAck),
    /// Vectors found.
    Get(GetResponse<'a>),
    /// Delete acknowledged.
    Delete(WriteAck),
    /// Set-payload acknowledged.
    SetPayload(WriteAck),
    /// Set-labels acknowledged.
    SetLabels(WriteAck),
    /// One page of points.
    Scroll(ScrollResponse<'a>),
    /// Search results.
    Search(SearchResponse),
    /// Node statistics.
    Stats(Vec<Stat>),
    /// Snapshot taken. Empty body.
    Snapshot,
    /// The request failed (frame flags RESPONSE | ERROR).
    Error(ErrorResponse),
}

/// Size of a CollectionInfo before its name.
const COLLECTION_INFO_FIXED: usize = 40;
/// Smallest encoded CollectionInfo: fixed part + 8-byte name field, no shards.
const COLLECTION_INFO_MIN: usize = COLLECTION_INFO_FIXED + 8;
const SHARD_INFO_SIZE: usize = 32;
const STAT_MIN: usize = 16;
const HIT_SIZE: usize = 12;

fn decode_collection_info(r: &mut Reader<'_>) -> Result<CollectionInfo, Error> {
    let dim = r.u32("collection info")?;
    let shards = r.u16("collection info")?;
    let metric = Metric::from_u8(r.u8("collection info")?)?;
    let flags = r.u8("collection info")?;
    if flags & !CollectionInfo::READ_REPLICAS != 0 {
        return Err(Error::Malformed("reserved collection info flag bits set"));
    }
    let connectivity = r.u16("collection info")?;
    r.zero(2, "collection info reserved")?;
    let expansion_add = r.u32("collection info")?;
    let vectors_count = r.u64("collection info")?;
    let bytes = r.u64("collection info")?;
    let shard_count = r.u32("collection info")?;
    r.zero(4, "collection info reserved")?;
    let name = r.collection_name(false)?;
    if shard_count > SHARDS_MAX {
        return Err(Error::Malformed("shard count exceeds SHARDS_MAX"));
    }
    let shard_count = usize_from(shard_count);
    if shard_count * SHARD_INFO_SIZE > r.remaining() {
        return Err(Error::Malformed("shard infos truncated"));
    }
    let mut shard_infos = Vec::with_capacity(shard_count);
    for _ in 0..shard_count {
        let shard = r.u32("shard info")?;
        r.zero(4, "shard info reserved")?;
        shard_infos.push(ShardInfo {
            shard,
            vectors_count: r.u64("shard info")?,
            deleted_count: r.u64("shard info")?,
            bytes: r.u64("shard info")?,
        });
    }
    Ok(CollectionInfo {
        name: name.to_owned(),
        dim,
        metric,
        shards,
        connectivity,
        expansion_add,
        read_replicas: flags & CollectionInfo::READ_REPLICAS != 0,
        vectors_count,
        bytes,
        shard_infos,
    })
}

fn encode_collection_info(
    out: &mut Vec<u8>,
    body_start: usize,
    info: &CollectionInfo,
) -> Result<(), Error> {
    if !is_valid_collection_name(&info.name) {
        return Err(Error::InvalidArgument(
            "collection name must be 1..=64 bytes of [A-Za-z0-9_-]",
        ));
    }
    let shard_count = u32::try_from(info.shard_infos.len()).unwrap_or(u32::MAX);
    if shard_count > SHARDS_MAX {
        return Err(Error::InvalidArgument("shard count exceeds SHARDS_MAX"));
    }
    put_u32(out, info.dim);
    put_u16(out, info.shards);
    put_u8(out, info.metric.as_u8());
    put_u8(out, info.flags());
    put_u16(out, info.connectivity);
    put_zero(out, 2);
    put_u32(out, info.expansion_add);
    put_u64(out, info.vectors_count);
    put_u64(out, info.bytes);
    put_u32(out, shard_count);
    put_zero(out, 4);
    put_short_str(out, body_start, &info.name, COLLECTION_NAME_BYTES_MAX);
    for s in &info.shard_infos {
        put_u32(out, s.shard);
        put_zero(out, 4);
        put_u64(out, s.vectors_count);
        put_u64(out, s.deleted_count);
        put_u64(out, s.bytes);
    }
    Ok(())
}

fn decode_write_ack(r: &mut Reader<'_>) -> Result<WriteAck, Error> {
    let count = r.u32("write ack")?;
    let flags = r.u32("write ack")?;
    let lsn = r.u64("write ack")?;
    match flags {
        0 if lsn == 0 => Ok(WriteAck { count, lsn: None }),
        1 => Ok(WriteAck {
            count,
            lsn: Some(lsn),
        }),
        _ => Err(Error::Malformed("write ack flags")),
    }
}

fn encode_write_ack(out: &mut Vec<u8>, ack: &WriteAck) {
    put_u32(out, ack.count);
    put_u32(out, u32::from(ack.lsn.is_some()));
    put_u64(out, ack.lsn.unwrap_or(0));
}

/// Truncate `message` to at most `ERROR_MESSAGE_BYTES_MAX` bytes on a char boundary.
fn truncate_message(message: &str) -> &str {
    if message.len() <= ERROR_MESSAGE_BYTES_MAX {
        return message;
    }
    let mut end = ERROR_MESSAGE_BYTES_MAX;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    &message[..end]
}

fn write_error_body(out: &mut Vec<u8>, code: ErrorCode, message: &str) -> Result<(), Error> {
    if code == ErrorCode::Unknown || code == ErrorCode::Ok {
        return Err(Error::InvalidArgument(
            "OK and UNKNOWN are never sent as error codes",
        ));
    }
    let message = truncate_message(message);
    put_u16(out, code.as_u16());
    put_u16(out, u16::try_from(message.len()).unwrap_or(u16::MAX));
    put_zero(out, 4);
    out.extend_from_slice(message.as_bytes());
    Ok(())
}

/// Append an ERROR response frame for `request_id` (use [`RequestId::CONNECTION`] for
/// connection-level errors). `opcode` echoes the request's raw opcode (0 if unknown). The
/// message is truncated to `ERROR_MESSAGE_BYTES_MAX` bytes. Fails only for `Ok`/`Unknown`.
pub fn encode_error(
    out: &mut Vec<u8>,
    request_id: RequestId,
    opcode: u8,
    code: ErrorCode,
    message: &str,
) -> Result<(), Error> {
    encode_frame_with(
        out,
        opcode,
        FLAG_RESPONSE | FLAG_ERROR,
        request_id,
        |out, _| write_error_body(out, code, message),
    )
}

impl<'a> Response<'a> {
    /// The opcode of the request this answers (`None` for [`Response::Error`], which echoes
    /// whatever the request carried).
    #[must_use]
    pub const fn opcode(&self) -> Option<Opcode> {
        Some(match self {
            Response::Hello(_) => Opcode::Hello,
            Response::Ping => Opcode::Ping,
            Response::CreateCollection => Opcode::CreateCollection,
            Response::DropCollection => Opcode::DropCollection,
            Response::ListCollections(_) => Opcode::ListCollections,
            Response::DescribeCollection(_) => Opcode::DescribeCollection,
            Response::Upsert(_) => Opcode::Upsert,
            Response::Get(_) => Opcode::Get,
            Response::Delete(_) => Opcode::Delete,
            Response::SetPayload(_) => Opcode::SetPayload,
            Response::SetLabels(_) => Opcode::SetLabels,
            Response::Scroll(_) => Opcode::Scroll,
            Response::Search(_) => Opcode::Search,
            Response::Stats(_) => Opcode::Stats,
            Response::Snapshot => Opcode::Snapshot,
            Response::Error(_) => return None,
        })
    }

    /// Decode a response frame completely: reserved bits, the response flag (must be set), the
    /// body CRC, then an ERROR body if the ERROR flag is set, else the body for the opcode.
    pub fn decode_frame(frame: &Frame<'a>) -> Result<Response<'a>, Error> {
        frame.header.check_reserved()?;
        if !frame.header.is_response() {
            return Err(Error::Malformed("response flag missing on a response"));
        }
        frame.verify_body()?;
        if frame.header.is_error() {
            return Response::decode_error(frame.body);
        }
        Response::decode(Opcode::try_from(frame.header.opcode)?, frame.body)
    }

    /// Decode an ERROR body.
    pub fn decode_error(body: &'a [u8]) -> Result<Response<'a>, Error> {
        let mut r = Reader::new(body);
        let code = ErrorCode::from_u16(r.u16("error")?);
        let len = usize::from(r.u16("error")?);
        r.zero(4, "error reserved")?;
        if len > ERROR_MESSAGE_BYTES_MAX {
            return Err(Error::Malformed(
                "error message exceeds ERROR_MESSAGE_BYTES_MAX",
            ));
        }
        let message = std::str::from_utf8(r.bytes(len, "error message")?)
            .map_err(|_| Error::Malformed("error message is not UTF-8"))?;
        r.finish()?;
        if code == ErrorCode::Ok {
            return Err(Error::Malformed("error body with code OK"));
        }
        Ok(Response::Error(ErrorResponse {
            code,
            message: message.to_owned(),
        }))
    }

    /// Decode a success body for `opcode`. Never panics; allocates at most a small multiple of
    /// `body.len()`. GET vectors and payloads borrow from `body`.
    pub fn decode(opcode: Opcode, body: &'a [u8]) -> Result<Response<'a>, Error> {
        let mut r = Reader::new(body);
        let response = match opcode {
            Opcode::Hello => {
                let version = r.u16("hello ack")?;
                r.zero(2, "hello ack reserved")?;
                let in_flight_max = r.u32("hello ack")?;
                let features = r.u64("hello ack")?;
                let frame_body_bytes_max = r.u32("hello ack")?;
                r.zero(4, "hello ack reserved")?;
                Response::Hello(HelloAck {
                    version,
                    in_flight_max,
                    features,
                    frame_body_bytes_max,
                })
            }
            Opcode::Ping => Response::Ping,
            Opcode::CreateCollection => Response::CreateCollection,
            Opcode::DropCollection => Response::DropCollection,
            Opcode::Snapshot => Response::Snapshot,
            Opcode::ListCollections => {
                let count = r.u32("list")?;
                r.zero(4, "list reserved")?;
                if count > COLLECTIONS_MAX {
                    return Err(Error::Malformed("collection count exceeds COLLECTIONS_MAX"));
                }
                let count = usize_from(count);
                if count * COLLECTION_INFO_MIN > r.remaining() {
                    return Err(Error::Malformed("collection infos truncated"));
                }
                let mut infos = Vec::with_capacity(count);
                for _ in 0..count {
                    infos.push(decode_collection_info(&mut r)?);
                }
                Response::ListCollections(infos)
            }
            Opcode::DescribeCollection => {
                Response::DescribeCollection(decode_collection_info(&mut r)?)
            }
            Opcode::Upsert => Response::Upsert(decode_write_ack(&mut r)?),
            Opcode::Delete => Response::Delete(decode_write_ack(&mut r)?),
            Opcode::SetPayload => Response::SetPayload(decode_write_ack(&mut r)?),
            Opcode::SetLabels => Response::SetLabels(decode_write_ack(&mut r)?),
            Opcode::Get => {
                let count = r.u32("get")?;
                let dim = r.u32("get")?;
                if count > BATCH_IDS_MAX {
                    return Err(Error::Malformed("get count exceeds BATCH_IDS_MAX"));
                }
                if dim > DIMENSIONS_MAX {
                    return Err(Error::Malformed("get dim exceeds DIMENSIONS_MAX"));
                }
                let flags = r.bytes(usize_from(count), "get found flags")?;
                r.pad8()?;
                let mut found = Vec::with_capacity(flags.len());
                for &flag in flags {
                    match flag {
                        0 => found.push(false),
                        1 => found.push(true),
                        _ => return Err(Error::Malformed("get found flag is not 0 or 1")),
                    }
                }
                let found_count = found.iter().filter(|f| **f).count();
                let vectors = if found_count == 0 {
                    VectorsRef::empty(dim)
                } else {
                    if dim == 0 {
                        return Err(Error::Malformed("get dim is 0 with vectors found"));
                    }
                    let floats = r.bytes(found_count * usize_from(dim) * 4, "get vectors")?;
                    VectorsRef::from_le_bytes(floats, dim)
                };
                // The payload section is present iff the body continues after the vectors.
                let payloads = if r.remaining() > 0 {
                    Some(PayloadsRef::decode(&mut r, found_count)?)
                } else {
                    None
                };
                // The label section is present iff the body continues after the payload section.
                let labels = if payloads.is_some() && r.remaining() > 0 {
                    Some(LabelsRef::decode(&mut r, found_count)?)
                } else {
                    None
                };
                Response::Get(GetResponse {
                    found,
                    vectors,
                    payloads,
                    labels,
                })
            }
            Opcode::Scroll => {
                let count = r.u32("scroll")?;
                let flags = r.u32("scroll")?;
                let dim = r.u32("scroll")?;
                r.zero(4, "scroll reserved")?;
                if flags
                    & !(ScrollResponse::MORE
                        | ScrollResponse::HAS_VECTORS
                        | ScrollResponse::HAS_PAYLOADS
                        | ScrollResponse::HAS_LABELS)
                    != 0
                {
                    return Err(Error::Malformed("reserved scroll response flags"));
                }
                if count > SCROLL_LIMIT_MAX {
                    return Err(Error::Malformed("scroll count exceeds SCROLL_LIMIT_MAX"));
                }
                if !(1..=DIMENSIONS_MAX).contains(&dim) {
                    return Err(Error::Malformed("scroll dim is not 1..=4096"));
                }
                let count = usize_from(count);
                let ids = IdsRef::from_le_bytes(r.bytes(count * 8, "scroll ids")?);
                if !strictly_ascending(ids) {
                    return Err(Error::Malformed("scroll ids are not strictly ascending"));
                }
                let more = flags & ScrollResponse::MORE != 0;
                if more && next_start_id(ids).is_none() {
                    return Err(Error::Malformed(
                        "scroll MORE set on an empty page or after id u64::MAX",
                    ));
                }
                // count <= 4096 and dim <= 4096: the product fits in usize on 32-bit targets.
                let vectors = if flags & ScrollResponse::HAS_VECTORS != 0 {
                    let floats = r.bytes(count * usize_from(dim) * 4, "scroll vectors")?;
                    Some(VectorsRef::from_le_bytes(floats, dim))
                } else {
                    None
                };
                let payloads = if flags & ScrollResponse::HAS_PAYLOADS != 0 {
                    Some(PayloadsRef::decode(&mut r, count)?)
                } else {
                    None
                };
                let labels = if flags & ScrollResponse::HAS_LABELS != 0 {
                    Some(LabelsRef::decode(&mut r, count)?)
                } else {
                    None
                };
                Response::Scroll(ScrollResponse {
                    ids,
                    more,
                    dim,
                    vectors,
                    payloads,
                    labels,
                })
            }
            Opcode::Search => {
                let count = r.u32("search")?;
                let flags = r.u32("search")?;
                if count > BATCH_QUERIES_MAX {
                    return Err(Error::Malformed("search count exceeds BATCH_QUERIES_MAX"));
                }
                if flags & !(SearchResponse::PARTIAL | SearchResponse::HAS_PAYLOADS) != 0 {
                    return Err(Error::Malformed("reserved search response flags"));
                }
                let has_payloads = flags & SearchResponse::HAS_PAYLOADS != 0;
                let counts = r.bytes(usize_from(count) * 4, "search hit counts")?;
                r.pad8()?;
                let mut total = 0usize;
                for c in counts.chunks_exact(4) {
                    let c = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                    if c > K_MAX {
                        return Err(Error::Malformed("search hit count exceeds K_MAX"));
                    }
                    total += usize_from(c);
                }
                // total <= 4096 * 1024 hits: no overflow. Without payloads the hits end the body;
                // with them, at least one 4-byte payload length per hit follows.
                let hits_ok = if has_payloads {
                    total * (HIT_SIZE + 4) <= r.remaining()
                } else {
                    total * HIT_SIZE == r.remaining()
                };
                if !hits_ok {
                    return Err(Error::Malformed("search hits do not match counts"));
                }
                let ids = IdsRef::from_le_bytes(r.bytes(total * 8, "search ids")?);
                let distances = r.bytes(total * 4, "search distances")?;
                let payloads = if has_payloads {
                    Some(PayloadsRef::decode(&mut r, total)?)
                } else {
                    None
                };
                let mut ids = ids.iter();
                let mut distances = distances
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]));
                let mut results = Vec::with_capacity(usize_from(count));
                for c in counts.chunks_exact(4) {
                    let c = usize_from(u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
                    let hits: Vec<Hit> = ids
                        .by_ref()
                        .zip(distances.by_ref())
                        .take(c)
                        .map(|(id, distance)| Hit { id, distance })
                        .collect();
                    results.push(hits);
                }
                let payloads = payloads.map(|payloads| {
                    let mut payloads = payloads.iter();
                    results
                        .iter()
                        .map(|hits| {
                            payloads
                                .by_ref()
                                .take(hits.len())
                                .map(<[u8]>::to_vec)
                                .collect()
                        })
                        .collect()
                });
                Response::Search(SearchResponse {
                    partial: flags & SearchResponse::PARTIAL != 0,
                    results,
                    payloads,
                })
            }
            Opcode::Stats => {
                let count = r.u32("stats")?;
                r.zero(4, "stats reserved")?;
                if count > STATS_ENTRIES_MAX {
                    return Err(Error::Malformed("stats count exceeds STATS_ENTRIES_MAX"));
                }
                let count = usize_from(count);
                if count * STAT_MIN > r.remaining() {
                    return Err(Error::Malformed("stats truncated"));
                }
                let mut stats = Vec::with_capacity(count);
                for _ in 0..count {
                    let value = r.u64("stat")?;
                    let name = r.short_str(STAT_NAME_BYTES_MAX, "stat name")?;
                    if name.is_empty() {
                        return Err(Error::Malformed("empty stat name"));
                    }
                    stats.push(Stat {
                        name: name.to_owned(),
                        value,
                    });
                }
                Response::Stats(stats)
            }
        };
        r.finish()?;
        Ok(response)
    }

    /// Append a complete response frame for `request_id` to `out`. `request_opcode` is the raw
    /// opcode of the request being answered; for a non-error response it must match the
    /// variant (else `Err(InvalidArgument)`). Validates limits; on error `out` is unchanged.
    pub fn encode(
        &self,
        request_id: RequestId,
        request_opcode: u8,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let flags = match self {
            Response::Error(_) => FLAG_RESPONSE | FLAG_ERROR,
            _ => FLAG_RESPONSE,
        };
        if let Some(op) = self.opcode() {
            if op.as_u8() != request_opcode {
                return Err(Error::InvalidArgument(
                    "response variant does not match the opcode",
                ));
            }
        }
        encode_frame_with(out, request_opcode, flags, request_id, |out, body_start| {
            self.write_body(out, body_start)
        })
    }

    /// Append just the body to `out`. On error `out` may hold a partial body.
    pub fn encode_body(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let body_start = out.len();
        self.write_body(out, body_start)
    }

    fn write_body(&self, out: &mut Vec<u8>, body_start: usize) -> Result<(), Error> {
        match self {
            Response::Hello(ack) => {
                put_u16(out, ack.version);
                put_zero(out, 2);
                put_u32(out, ack.in_flight_max);
                put_u64(out, ack.features);
                put_u32(out, ack.frame_body_bytes_max);
                put_zero(out, 4);
            }
            Response::Ping
            | Response::CreateCollection
            | Response::DropCollection
            | Response::Snapshot => {}
            Response::ListCollections(infos) => {
                let count = u32::try_from(infos.len()).unwrap_or(u32::MAX);
                if count > COLLECTIONS_MAX {
                    return Err(Error::BatchTooLarge {
                        count,
                        max: COLLECTIONS_MAX,
                    });
                }
                put_u32(out, count);
                put_zero(out, 4);
                for info in infos {
                    encode_collection_info(out, body_start, info)?;
                }
            }
            Response::DescribeCollection(info) => encode_collection_info(out, body_start, info)?,
            Response::Upsert(ack)
            | Response::Delete(ack)
            | Response::SetPayload(ack)
            | Response::SetLabels(ack) => {
                encode_write_ack(out, ack);
            }
            Response::Get(g) => {
                let count = u32::try_from(g.found.len()).unwrap_or(u32::MAX);
                if count > BATCH_IDS_MAX {
                    return Err(Error::BatchTooLarge {
                        count,
                        max: BATCH_IDS_MAX,
                    });
                }
                let found_count = g.found.iter().filter(|f| **f).count();
                if g.vectors.dim() > DIMENSIONS_MAX
                    || (found_count > 0 && g.vectors.dim() == 0)
                    || g.vectors.count() != found_count
                {
                    return Err(Error::InvalidArgument(
                        "get: one vector of dim 1..=4096 per found id",
                    ));
                }
                if g.payloads.is_some_and(|p| p.count() != found_count) {
                    return Err(Error::InvalidArgument("get: one payload per found id"));
                }
                if g.labels.is_some_and(|l| l.count() != found_count) {
                    return Err(Error::InvalidArgument("get: one label list per found id"));
                }
                put_u32(out, count);
                put_u32(out, g.vectors.dim());
                for &f in &g.found {
                    put_u8(out, u8::from(f));
                }
                put_pad8(out, body_start);
                g.vectors.encode(out);
                match (g.payloads, g.labels) {
                    (Some(payloads), _) => payloads.encode(out, body_start)?,
                    // Labels need a payload section before them: an all-empty one (no payloads).
                    (None, Some(_)) => put_payload_section(
                        out,
                        body_start,
                        std::iter::repeat_n(&[][..], found_count),
                    )?,
                    (None, None) => {}
                }
                if let Some(labels) = g.labels {
                    labels.encode(out, body_start)?;
                }
            }
            Response::Scroll(page) => {
                let count = page.validate()?;
                put_u32(out, count);
                put_u32(out, page.flags());
                put_u32(out, page.dim);
                put_zero(out, 4);
                page.ids.encode(out);
                if let Some(vectors) = page.vectors {
                    vectors.encode(out);
                }
                if let Some(payloads) = page.payloads {
                    payloads.encode(out, body_start)?;
                }
                if let Some(labels) = page.labels {
                    labels.encode(out, body_start)?;
                }
            }
            Response::Search(s) => {
                let count = u32::try_from(s.results.len()).unwrap_or(u32::MAX);
                if count > BATCH_QUERIES_MAX {
                    return Err(Error::BatchTooLarge {
                        count,
                        max: BATCH_QUERIES_MAX,
                    });
                }
                if s.results.iter().any(|hits| hits.len() > usize_from(K_MAX)) {
                    return Err(Error::InvalidArgument("more than K_MAX hits for one query"));
                }
                if let Some(payloads) = &s.payloads {
                    let same_shape = payloads.len() == s.results.len()
                        && payloads
                            .iter()
                            .zip(&s.results)
                            .all(|(payloads, hits)| payloads.len() == hits.len());
                    if !same_shape {
                        return Err(Error::InvalidArgument("search: one payload per hit"));
                    }
                }
                let mut flags = 0;
                if s.partial {
                    flags |= SearchResponse::PARTIAL;
                }
                if s.payloads.is_some() {
                    flags |= SearchResponse::HAS_PAYLOADS;
                }
                put_u32(out, count);
                put_u32(out, flags);
                for hits in &s.results {
                    put_u32(out, u32_from(hits.len()));
                }
                put_pad8(out, body_start);
                for hit in s.results.iter().flatten() {
                    put_u64(out, hit.id);
                }
                for hit in s.results.iter().flatten() {
                    put_f32(out, hit.distance);
                }
                if let Some(payloads) = &s.payloads {
                    put_payload_section(
                        out,
                        body_start,
                        payloads.iter().flatten().map(Vec::as_slice),
                    )?;
                }
            }
            Response::Stats(stats) => {
                let count = u32::try_from(stats.len()).unwrap_or(u32::MAX);
                if count > STATS_ENTRIES_MAX {
                    return Err(Error::BatchTooLarge {
                        count,
                        max: STATS_ENTRIES_MAX,
                    });
                }
                put_u32(out, count);
                put_zero(out, 4);
                for stat in stats {
                    if stat.name.is_empty() || stat.name.len() > STAT_NAME_BYTES_MAX {
                        return Err(Error::InvalidArgument("stat name must be 1..=64 bytes"));
                    }
                    put_u64(out, stat.value);
                    put_short_str(out, body_start, &stat.name, STAT_NAME_BYTES_MAX);
                }
            }
            Response::Error(e) => write_error_body(out, e.code, &e.message)?,
        }
        Ok(())
    }
}
