//! The fixed 32-byte frame header, frame splitting ([`Frame::check`]) and frame encoding.
//!
//! ```text
//! offset size field
//!      0    4 magic        "CVEC" (0x43455643 as u32 LE)
//!      4    2 version      protocol version (1)
//!      6    1 opcode
//!      7    1 flags        bit0 RESPONSE, bit1 ERROR, bits 2..7 reserved (zero)
//!      8    8 request_id
//!     16    4 body_bytes   <= FRAME_BODY_BYTES_MAX
//!     20    4 body_crc     CRC32C (Castagnoli) of the body
//!     24    4 reserved     zero
//!     28    4 header_crc   CRC32C of bytes 0..28
//! ```

use crate::error::Error;
use crate::limits::{FRAME_BODY_BYTES_MAX, FRAME_HEADER_SIZE};
use crate::wire::usize_from;

/// `b"CVEC"` read as a little-endian u32.
pub const MAGIC: u32 = u32::from_le_bytes(*b"CVEC");
/// Lowest protocol version this build speaks.
pub const VERSION_MIN: u16 = 1;
/// Highest protocol version this build speaks.
pub const VERSION_MAX: u16 = 1;
/// HELLO feature bit 0: the peer understands per-point payload sections (UPSERT, and GET, SCROLL
/// and SEARCH with `WITH_PAYLOADS`; see `PROTOCOL.md` section 5.4) and the SET_PAYLOAD opcode
/// (5.6). Receivers do not need the bit to decode (the sections are self-describing); it tells a
/// client that the server will not refuse them (an older server answers MALFORMED_FRAME, or
/// UNKNOWN_OPCODE for SET_PAYLOAD).
pub const FEATURE_PAYLOADS: u64 = 1;
/// HELLO feature bit 1: the peer understands per-point labels and filtered search: the UPSERT
/// and GET-response `LABEL_SECTION`, the GET and SCROLL `WITH_LABELS` flag, the SEARCH and
/// SCROLL `HAS_FILTER` flag with its filter, and the SET_LABELS opcode (see `PROTOCOL.md`
/// sections 5.4, 5.5, 5.8, 5.9 and 5.7). As for payloads, receivers decode without the bit; it
/// tells a client that the server will not refuse them (an older server answers MALFORMED_FRAME
/// or INVALID_ARGUMENT, or UNKNOWN_OPCODE for SET_LABELS).
pub const FEATURE_LABELS: u64 = 2;
/// HELLO feature bit 2 (needs [`FEATURE_LABELS`]): the peer takes filters with several `any_of`
/// groups (a nonzero `any_groups` field, up to `FILTER_GROUPS_MAX`) and up to
/// `FILTER_LABELS_MAX` (1,024) labels (`PROTOCOL.md` section 5.9). A peer without it takes one
/// group and 256 labels: an older server answers MALFORMED_FRAME (the field was reserved) or
/// INVALID_ARGUMENT (the label count).
pub const FEATURE_FILTER_GROUPS: u64 = 4;
/// HELLO feature bit 3: the peer takes a SEARCH `max_distance` (the `HAS_MAX_DISTANCE` flag
/// and the f32 in the field that was reserved, `PROTOCOL.md` section 5.9). An older server
/// answers INVALID_ARGUMENT (a reserved flag bit).
pub const FEATURE_MAX_DISTANCE: u64 = 8;
/// HELLO feature bit 4: the peer takes the CREATE_COLLECTION flag `READ_REPLICAS` (the byte at
/// offset 7, once reserved, `PROTOCOL.md` section 5.2) and reports it in `COLLECTION_INFO`'s
/// flags (5.3). An older server answers MALFORMED_FRAME (a nonzero reserved byte); a server
/// sets the flag in `COLLECTION_INFO` only on connections that enabled this bit, because an
/// older client decodes that byte as reserved (zero).
pub const FEATURE_READ_REPLICAS: u64 = 16;
/// Feature bits this build understands. A server enables `requested & FEATURES_SUPPORTED`.
pub const FEATURES_SUPPORTED: u64 = FEATURE_PAYLOADS
    | FEATURE_LABELS
    | FEATURE_FILTER_GROUPS
    | FEATURE_MAX_DISTANCE
    | FEATURE_READ_REPLICAS;

/// Header flag: this frame is a response.
pub const FLAG_RESPONSE: u8 = 0x01;
/// Header flag: this response carries an ERROR body (only valid with [`FLAG_RESPONSE`]).
pub const FLAG_ERROR: u8 = 0x02;
const FLAGS_KNOWN: u8 = FLAG_RESPONSE | FLAG_ERROR;

/// Correlates a response with its request. Chosen by the client, unique among the requests
/// in flight on one connection. `RequestId(0)` is reserved for connection-level ERROR frames
/// the server sends before closing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(transparent)]
pub struct RequestId(pub u64);

impl RequestId {
    /// The id of unsolicited, connection-level ERROR frames.
    pub const CONNECTION: RequestId = RequestId(0);
}

/// Operation codes. New opcodes are additive; removing or renumbering one needs a new version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Opcode {
    /// Version negotiation and authentication; must be the first frame.
    Hello = 0x01,
    /// Liveness check.
    Ping = 0x02,
    /// Create a collection.
    CreateCollection = 0x10,
    /// Drop a collection.
    DropCollection = 0x11,
    /// List all collections.
    ListCollections = 0x12,
    /// Describe one collection.
    DescribeCollection = 0x13,
    /// Insert or replace vectors by id.
    Upsert = 0x20,
    /// Fetch vectors by id.
    Get = 0x21,
    /// Delete vectors by id.
    Delete = 0x22,
    /// Replace the payloads of existing points by id, keeping their vectors (needs
    /// `FEATURE_PAYLOADS`).
    SetPayload = 0x23,
    /// Replace the labels of existing points by id, keeping their vectors and payloads (needs
    /// `FEATURE_LABELS`).
    SetLabels = 0x24,
    /// Page through a collection's points in ascending id order (optionally filtered by labels).
    Scroll = 0x25,
    /// k-nearest-neighbour search, one or many queries.
    Search = 0x30,
    /// Node statistics.
    Stats = 0x40,
    /// Snapshot one collection, or all.
    Snapshot = 0x41,
}

impl Opcode {
    /// Every opcode, in numeric order.
    pub const ALL: [Opcode; 15] = [
        Opcode::Hello,
        Opcode::Ping,
        Opcode::CreateCollection,
        Opcode::DropCollection,
        Opcode::ListCollections,
        Opcode::DescribeCollection,
        Opcode::Upsert,
        Opcode::Get,
        Opcode::Delete,
        Opcode::SetPayload,
        Opcode::SetLabels,
        Opcode::Scroll,
        Opcode::Search,
        Opcode::Stats,
        Opcode::Snapshot,
    ];

    /// The wire value.
    #[must_use]
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// Upper-case name as used in `PROTOCOL.md`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Opcode::Hello => "HELLO",
            Opcode::Ping => "PING",
            Opcode::CreateCollection => "CREATE_COLLECTION",
            Opcode::DropCollection => "DROP_COLLECTION",
            Opcode::ListCollections => "LIST_COLLECTIONS",
            Opcode::DescribeCollection => "DESCRIBE_COLLECTION",
            Opcode::Upsert => "UPSERT",
            Opcode::Get => "GET",
            Opcode::Delete => "DELETE",
            Opcode::SetPayload => "SET_PAYLOAD",
            Opcode::SetLabels => "SET_LABELS",
            Opcode::Scroll => "SCROLL",
            Opcode::Search => "SEARCH",
            Opcode::Stats => "STATS",
            Opcode::Snapshot => "SNAPSHOT",
        }
    }

    /// Whether repeating the request has the same effect as sending it once *and* it does
    /// not change state, so a client may transparently retry it after a connection error.
    #[must_use]
    pub const fn is_idempotent_read(self) -> bool {
        matches!(
            self,
            Opcode::Ping
                | Opcode::ListCollections
                | Opcode::DescribeCollection
                | Opcode::Get
                | Opcode::Scroll
                | Opcode::Search
                | Opcode::Stats
        )
    }
}

impl TryFrom<u8> for Opcode {
    type Error = Error;

    fn try_from(value: u8) -> Result<Opcode, Error> {
        Opcode::ALL
            .iter()
            .copied()
            .find(|op| op.as_u8() == value)
            .ok_or(Error::UnknownOpcode(value))
    }
}

/// The fixed frame header, laid out exactly as on the wire (all fields little-endian).
///
/// [`FrameHeader::decode`] validates only what makes the *stream* unparseable (magic, header
/// CRC, version, body length); [`FrameHeader::check_reserved`] validates the rest, whose failure
/// is answered per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct FrameHeader {
    /// [`MAGIC`].
    pub magic: u32,
    /// Protocol version; HELLO and its response always carry 1.
    pub version: u16,
    /// Raw opcode (unknown opcodes are a per-request error, not a stream error).
    pub opcode: u8,
    /// [`FLAG_RESPONSE`] | [`FLAG_ERROR`]; other bits reserved.
    pub flags: u8,
    /// Request id, echoed in the response.
    pub request_id: RequestId,
    /// Length of the body that follows the header.
    pub body_bytes: u32,
    /// CRC32C of the body.
    pub body_crc: u32,
    /// Must be zero.
    pub reserved: [u8; 4],
    /// CRC32C of header bytes 0..28.
    pub header_crc: u32,
}

const _: () = assert!(std::mem::size_of::<FrameHeader>() == FRAME_HEADER_SIZE);
const _: () = assert!(FRAME_HEADER_SIZE == 32);
const HEADER_CRC_OFFSET: usize = 28;

impl FrameHeader {
    /// A header for `body` with both CRCs filled in. `body.len()` must not exceed
    /// [`FRAME_BODY_BYTES_MAX`] (programmer error; encoders check it first).
    #[must_use]
    pub fn new(opcode: u8, flags: u8, request_id: RequestId, body: &[u8]) -> FrameHeader {
        let body_bytes = u32::try_from(body.len()).expect("body length checked by caller");
        assert!(
            body_bytes <= FRAME_BODY_BYTES_MAX,
            "body exceeds FRAME_BODY_BYTES_MAX"
        );
        let mut header = FrameHeader {
            magic: MAGIC,
            version: VERSION_MIN,
            opcode,
            flags,
            request_id,
            body_bytes,
            body_crc: crc32c::crc32c(body),
            reserved: [0; 4],
            header_crc: 0,
        };
        header.header_crc = crc32c::crc32c(&header.encode()[..HEADER_CRC_OFFSET]);
        header
    }

    /// Serialize exactly as stored (the CRC fields are written as they are).
    #[must_use]
    pub fn encode(&self) -> [u8; FRAME_HEADER_SIZE] {
        let mut out = [0u8; FRAME_HEADER_SIZE];
        out[0..4].copy_from_slice(&self.magic.to_le_bytes());
        out[4..6].copy_from_slice(&self.version.to_le_bytes());
        out[6] = self.opcode;
        out[7] = self.flags;
        out[8..16].copy_from_slice(&self.request_id.0.to_le_bytes());
        out[16..20].copy_from_slice(&self.body_bytes.to_le_bytes());
        out[20..24].copy_from_slice(&self.body_crc.to_le_bytes());
        out[24..28].copy_from_slice(&self.reserved);
        out[28..32].copy_from_slice(&self.header_crc.to_le_bytes());
        out
    }

    /// Parse and validate a header. Every error returned here is fatal
    /// ([`Error::is_fatal`]): bad magic, header CRC mismatch, unsupported version, body too
    /// large.
    pub fn decode(bytes: &[u8; FRAME_HEADER_SIZE]) -> Result<FrameHeader, Error> {
        let u32_at = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        let magic = u32_at(0);
        if magic != MAGIC {
            return Err(Error::BadMagic { received: magic });
        }
        let header_crc = u32_at(28);
        let actual = crc32c::crc32c(&bytes[..HEADER_CRC_OFFSET]);
        if header_crc != actual {
            return Err(Error::HeaderChecksumMismatch {
                expected: header_crc,
                actual,
            });
        }
        let version = u16::from_le_bytes([bytes[4], bytes[5]]);
        if !(VERSION_MIN..=VERSION_MAX).contains(&version) {
            return Err(Error::UnsupportedVersion {
                received: version,
                min: VERSION_MIN,
                max: VERSION_MAX,
            });
        }
        let body_bytes = u32_at(16);
        if body_bytes > FRAME_BODY_BYTES_MAX {
            return Err(Error::FrameTooLarge {
                len: body_bytes,
                max: FRAME_BODY_BYTES_MAX,
            });
        }
        let mut request_id = [0u8; 8];
        request_id.copy_from_slice(&bytes[8..16]);
        Ok(FrameHeader {
            magic,
            version,
            opcode: bytes[6],
            flags: bytes[7],
            request_id: RequestId(u64::from_le_bytes(request_id)),
            body_bytes,
            body_crc: u32_at(20),
            reserved: [bytes[24], bytes[25], bytes[26], bytes[27]],
            header_crc,
        })
    }

    /// Reserved flag bits and bytes must be zero, and ERROR only appears with RESPONSE.
    /// A failure here is per-request ([`Error::ReservedBits`], not fatal).
    pub fn check_reserved(&self) -> Result<(), Error> {
        let error_without_response =
            self.flags & FLAG_ERROR != 0 && self.flags & FLAG_RESPONSE == 0;
        if self.flags & !FLAGS_KNOWN != 0 || self.reserved != [0; 4] || error_without_response {
            return Err(Error::ReservedBits);
        }
        Ok(())
    }

    /// True if [`FLAG_RESPONSE`] is set.
    #[must_use]
    pub const fn is_response(&self) -> bool {
        self.flags & FLAG_RESPONSE != 0
    }

    /// True if [`FLAG_ERROR`] is set.
    #[must_use]
    pub const fn is_error(&self) -> bool {
        self.flags & FLAG_ERROR != 0
    }

    /// Header plus body length.
    #[must_use]
    pub fn frame_bytes(&self) -> usize {
        FRAME_HEADER_SIZE + usize_from(self.body_bytes)
    }
}

/// One complete frame borrowed from a receive buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The validated header (reserved bits not yet checked, see [`FrameHeader::check_reserved`]).
    pub header: FrameHeader,
    /// The body, `header.body_bytes` long (CRC not yet verified, see [`Frame::verify_body`]).
    pub body: &'a [u8],
}

impl<'a> Frame<'a> {
    /// Is a whole frame at the start of `buffer`? Returns its length in bytes (header + body).
    ///
    /// * `Err(Error::Incomplete)`: read more bytes and call again. Never allocates.
    /// * Any other `Err` is fatal ([`Error::is_fatal`]): close the connection.
    ///
    /// A bad magic is reported as soon as 4 bytes are present, so a stray HTTP or TLS client
    /// is refused without waiting for 32 bytes. The body CRC is *not* checked here (it is
    /// per-request, see [`Frame::verify_body`]), so `check` is cheap to call on every read.
    pub fn check(buffer: &[u8]) -> Result<usize, Error> {
        if let Some(magic) = buffer.get(..4) {
            let magic = u32::from_le_bytes([magic[0], magic[1], magic[2], magic[3]]);
            if magic != MAGIC {
                return Err(Error::BadMagic { received: magic });
            }
        }
        let Some(header) = buffer.first_chunk::<FRAME_HEADER_SIZE>() else {
            return Err(Error::Incomplete);
        };
        let header = FrameHeader::decode(header)?;
        let frame_bytes = header.frame_bytes();
        if buffer.len() < frame_bytes {
            return Err(Error::Incomplete);
        }
        Ok(frame_bytes)
    }

    /// Split the frame at the start of `buffer` into header and body. Errors exactly as
    /// [`Frame::check`]; bytes after the frame are ignored.
    pub fn parse(buffer: &'a [u8]) -> Result<Frame<'a>, Error> {
        let frame_bytes = Frame::check(buffer)?;
        let Some(header) = buffer.first_chunk::<FRAME_HEADER_SIZE>() else {
            return Err(Error::Incomplete);
        };
        let header = FrameHeader::decode(header)?;
        Ok(Frame {
            header,
            body: &buffer[FRAME_HEADER_SIZE..frame_bytes],
        })
    }

    /// Verify the body CRC. A mismatch is per-request ([`Error::BodyChecksumMismatch`]): the
    /// header CRC held, so the frame boundary is trustworthy and the stream stays usable.
    pub fn verify_body(&self) -> Result<(), Error> {
        let actual = crc32c::crc32c(self.body);
        if actual != self.header.body_crc {
            return Err(Error::BodyChecksumMismatch {
                expected: self.header.body_crc,
                actual,
            });
        }
        Ok(())
    }

    /// Append a whole frame (header + `body`) to `out`.
    pub fn encode_into(
        out: &mut Vec<u8>,
        opcode: u8,
        flags: u8,
        request_id: RequestId,
        body: &[u8],
    ) -> Result<(), Error> {
        let len = u32::try_from(body.len()).unwrap_or(u32::MAX);
        if len > FRAME_BODY_BYTES_MAX {
            return Err(Error::FrameTooLarge {
                len,
                max: FRAME_BODY_BYTES_MAX,
            });
        }
        out.extend_from_slice(&FrameHeader::new(opcode, flags, request_id, body).encode());
        out.extend_from_slice(body);
        Ok(())
    }
}

/// Append a frame whose body is produced by `write_body` directly into `out` (no intermediate
/// buffer). `write_body` receives `out` and the body's start offset (for alignment padding).
/// On any error `out` is truncated back to its original length.
pub(crate) fn encode_frame_with(
    out: &mut Vec<u8>,
    opcode: u8,
    flags: u8,
    request_id: RequestId,
    write_body: impl FnOnce(&mut Vec<u8>, usize) -> Result<(), Error>,
) -> Result<(), Error> {
    let frame_start = out.len();
    out.resize(frame_start + FRAME_HEADER_SIZE, 0);
    let body_start = out.len();
    let result = write_body(out, body_start).and_then(|()| {
        let len = u32::try_from(out.len() - body_start).unwrap_or(u32::MAX);
        if len > FRAME_BODY_BYTES_MAX {
            return Err(Error::FrameTooLarge {
                len,
                max: FRAME_BODY_BYTES_MAX,
            });
        }
        Ok(())
    });
    if let Err(e) = result {
        out.truncate(frame_start);
        return Err(e);
    }
    let header = FrameHeader::new(opcode, flags, request_id, &out[body_start..]);
    out[frame_start..body_start].copy_from_slice(&header.encode());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        Frame::encode_into(&mut out, Opcode::Ping.as_u8(), 0, RequestId(7), body)
            .expect("small body");
        out
    }

    #[test]
    fn header_round_trip() {
        let bytes = frame(b"abc");
        let header = FrameHeader::decode(bytes.first_chunk().expect("32 bytes")).expect("valid");
        assert_eq!(header.request_id, RequestId(7));
        assert_eq!(header.body_bytes, 3);
        assert_eq!(header.encode().as_slice(), &bytes[..32]);
    }

    #[test]
    fn check_is_incomplete_until_whole_frame() {
        let bytes = frame(b"hello world");
        for cut in 0..bytes.len() {
            assert_eq!(
                Frame::check(&bytes[..cut]),
                Err(Error::Incomplete),
                "cut {cut}"
            );
        }
        assert_eq!(Frame::check(&bytes), Ok(bytes.len()));
        let mut two = bytes.clone();
        two.extend_from_slice(&bytes);
        assert_eq!(Frame::check(&two), Ok(bytes.len()));
        let f = Frame::parse(&two).expect("valid");
        assert_eq!(f.body, b"hello world");
        assert_eq!(f.verify_body(), Ok(()));
    }

    #[test]
    fn fatal_errors() {
        let bytes = frame(b"x");
        let mut bad = bytes.clone();
        bad[0] = b'G';
        assert!(matches!(
            Frame::check(&bad[..4]),
            Err(Error::BadMagic { .. })
        ));
        let mut bad = bytes.clone();
        bad[9] ^= 1; // request id bit
        let e = Frame::check(&bad).expect_err("crc");
        assert!(matches!(e, Error::HeaderChecksumMismatch { .. }) && e.is_fatal());

        let mut h = FrameHeader::new(2, 0, RequestId(1), b"");
        h.body_bytes = FRAME_BODY_BYTES_MAX + 1;
        h.header_crc = crc32c::crc32c(&h.encode()[..28]);
        let e = Frame::check(&h.encode()).expect_err("too large");
        assert_eq!(
            e,
            Error::FrameTooLarge {
                len: FRAME_BODY_BYTES_MAX + 1,
                max: FRAME_BODY_BYTES_MAX
            }
        );
        assert!(e.is_fatal());

        let mut h = FrameHeader::new(2, 0, RequestId(1), b"");
        h.version = 9;
        h.header_crc = crc32c::crc32c(&h.encode()[..28]);
        let e = Frame::check(&h.encode()).expect_err("version");
        assert!(matches!(e, Error::UnsupportedVersion { received: 9, .. }) && e.is_fatal());
    }

    #[test]
    fn per_request_errors() {
        let mut bytes = frame(b"xyz");
        bytes[34] ^= 0x40;
        let f = Frame::parse(&bytes).expect("header fine");
        let e = f.verify_body().expect_err("body crc");
        assert!(matches!(e, Error::BodyChecksumMismatch { .. }) && !e.is_fatal());

        for (flags, reserved) in [(0x04u8, [0u8; 4]), (FLAG_ERROR, [0; 4]), (0, [0, 0, 1, 0])] {
            let mut h = FrameHeader::new(2, flags, RequestId(1), b"");
            h.reserved = reserved;
            h.header_crc = crc32c::crc32c(&h.encode()[..28]);
            let bytes = h.encode();
            let f = Frame::parse(&bytes).expect("header parses");
            assert_eq!(f.header.check_reserved(), Err(Error::ReservedBits));
        }
    }

    #[test]
    fn opcodes_round_trip() {
        for op in Opcode::ALL {
            assert_eq!(Opcode::try_from(op.as_u8()), Ok(op));
        }
        assert_eq!(Opcode::try_from(0xEE), Err(Error::UnknownOpcode(0xEE)));
    }
}
