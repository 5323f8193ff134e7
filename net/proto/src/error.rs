//! Decoder errors ([`Error`]) and the stable wire error codes ([`ErrorCode`]).

/// A stable error code carried in ERROR response bodies.
///
/// Values are frozen: new codes are only ever appended, never renumbered or reused. A receiver
/// that does not know a code maps it to [`ErrorCode::Unknown`]. The table in `PROTOCOL.md`
/// says for each code whether the connection stays open and whether the request may be
/// retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u16)]
pub enum ErrorCode {
    /// Success. Never sent in an ERROR body; reserved so that 0 never means a failure.
    Ok = 0,
    /// The frame body does not parse (truncated, trailing bytes, counts that do not match
    /// lengths, bad padding, bad UTF-8), or a header is parseable but has reserved bits set.
    MalformedFrame = 1,
    /// No common protocol version, or a header carries a version the receiver does not speak.
    UnsupportedVersion = 2,
    /// The opcode is not known to this server. The header was valid, the stream stays usable.
    UnknownOpcode = 3,
    /// A header or body CRC32C does not match.
    ChecksumMismatch = 4,
    /// The header announces a body larger than `FRAME_BODY_BYTES_MAX`.
    FrameTooLarge = 5,
    /// The server requires an auth token and HELLO carried none.
    AuthRequired = 6,
    /// The HELLO auth token was wrong.
    AuthFailed = 7,
    /// The first frame on a connection was not HELLO.
    NotHello = 8,
    /// Too many requests in flight on this connection or node; the request was not executed.
    Busy = 9,
    /// A field is out of range (k, dim, ef, name syntax, metric, payload size, label counts, ...).
    InvalidArgument = 10,
    /// A vector's dimension differs from the collection's.
    DimensionMismatch = 11,
    /// A vector contains NaN, an infinity or a component beyond ±1e16.
    InvalidVector = 12,
    /// The named collection does not exist.
    CollectionNotFound = 13,
    /// CREATE for a name that already exists.
    CollectionExists = 14,
    /// A batch exceeds a count limit, or its response would exceed the frame limit.
    BatchTooLarge = 15,
    /// The server hit an I/O error in storage.
    Storage = 16,
    /// The server's disk is full, or its free space is below the server's minimum (then
    /// nothing was written, and writes are taken again once space is freed).
    NoSpace = 17,
    /// The server is shutting down and accepts no new work.
    ShuttingDown = 18,
    /// The server gave up waiting (for a shard, a peer node, the disk).
    Timeout = 19,
    /// A node needed for the request is down; the message names the nodes.
    Unavailable = 20,
    /// A multi-shard write was applied on some shards but not all; the message names them.
    Partial = 21,
    /// A bug in the server.
    Internal = 22,
    /// Receiver-side only: a code this build does not know. Never sent.
    Unknown = 0xFFFF,
}

impl ErrorCode {
    /// Every code that may appear on the wire, in numeric order.
    pub const ALL: [ErrorCode; 23] = [
        ErrorCode::Ok,
        ErrorCode::MalformedFrame,
        ErrorCode::UnsupportedVersion,
        ErrorCode::UnknownOpcode,
        ErrorCode::ChecksumMismatch,
        ErrorCode::FrameTooLarge,
        ErrorCode::AuthRequired,
        ErrorCode::AuthFailed,
        ErrorCode::NotHello,
        ErrorCode::Busy,
        ErrorCode::InvalidArgument,
        ErrorCode::DimensionMismatch,
        ErrorCode::InvalidVector,
        ErrorCode::CollectionNotFound,
        ErrorCode::CollectionExists,
        ErrorCode::BatchTooLarge,
        ErrorCode::Storage,
        ErrorCode::NoSpace,
        ErrorCode::ShuttingDown,
        ErrorCode::Timeout,
        ErrorCode::Unavailable,
        ErrorCode::Partial,
        ErrorCode::Internal,
    ];

    /// The wire value.
    #[must_use]
    pub const fn as_u16(self) -> u16 {
        self as u16
    }

    /// Decode a wire value; unknown values become [`ErrorCode::Unknown`].
    #[must_use]
    pub fn from_u16(value: u16) -> ErrorCode {
        match ErrorCode::ALL.get(usize::from(value)) {
            Some(&code) => code,
            None => ErrorCode::Unknown,
        }
    }

    /// Upper-case name as used in `PROTOCOL.md` and the Python client.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            ErrorCode::Ok => "OK",
            ErrorCode::MalformedFrame => "MALFORMED_FRAME",
            ErrorCode::UnsupportedVersion => "UNSUPPORTED_VERSION",
            ErrorCode::UnknownOpcode => "UNKNOWN_OPCODE",
            ErrorCode::ChecksumMismatch => "CHECKSUM_MISMATCH",
            ErrorCode::FrameTooLarge => "FRAME_TOO_LARGE",
            ErrorCode::AuthRequired => "AUTH_REQUIRED",
            ErrorCode::AuthFailed => "AUTH_FAILED",
            ErrorCode::NotHello => "NOT_HELLO",
            ErrorCode::Busy => "BUSY",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::DimensionMismatch => "DIMENSION_MISMATCH",
            ErrorCode::InvalidVector => "INVALID_VECTOR",
            ErrorCode::CollectionNotFound => "COLLECTION_NOT_FOUND",
            ErrorCode::CollectionExists => "COLLECTION_EXISTS",
            ErrorCode::BatchTooLarge => "BATCH_TOO_LARGE",
            ErrorCode::Storage => "STORAGE",
            ErrorCode::NoSpace => "NO_SPACE",
            ErrorCode::ShuttingDown => "SHUTTING_DOWN",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Unavailable => "UNAVAILABLE",
            ErrorCode::Partial => "PARTIAL",
            ErrorCode::Internal => "INTERNAL",
            ErrorCode::Unknown => "UNKNOWN",
        }
    }

    /// Whether the server closes the connection after sending this code.
    ///
    /// `ChecksumMismatch` is not listed: a body CRC failure is answered with it and the
    /// connection stays open. A header CRC failure closes the connection too, and is sent with
    /// request id 0, as every connection-level error is (see [`Error::is_fatal`]).
    #[must_use]
    pub const fn closes_connection(self) -> bool {
        matches!(
            self,
            ErrorCode::UnsupportedVersion
                | ErrorCode::FrameTooLarge
                | ErrorCode::AuthRequired
                | ErrorCode::AuthFailed
                | ErrorCode::NotHello
                | ErrorCode::ShuttingDown
        )
    }

    /// Whether the same request may be sent again unchanged and might succeed (on this or a new
    /// connection). For writes the client still decides: see `PROTOCOL.md`, "Retries".
    #[must_use]
    pub const fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorCode::ChecksumMismatch
                | ErrorCode::Busy
                | ErrorCode::ShuttingDown
                | ErrorCode::Timeout
                | ErrorCode::Unavailable
                | ErrorCode::Partial
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A frame or body that could not be decoded.
///
/// Variants are grouped by how the caller reacts (see [`Error::is_fatal`]):
///
/// * [`Error::Incomplete`] is not a failure: read more bytes and call again.
/// * **Fatal** (the byte stream can no longer be split into frames; send one ERROR frame with
///   request id 0 if possible, then close): `BadMagic`, `HeaderChecksumMismatch`,
///   `UnsupportedVersion`, `FrameTooLarge`.
/// * **Per-frame** (the frame boundary is known; answer this request id with an ERROR frame
///   carrying [`Error::code`] and keep the connection): everything else.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Not enough bytes yet for a whole header or frame. Not a failure.
    #[error("incomplete frame")]
    Incomplete,

    // ---- fatal: the stream is unparseable, close the connection ----
    /// The first four bytes are not `CVEC`.
    #[error("bad magic 0x{received:08x}")]
    BadMagic {
        /// The little-endian u32 found where the magic belongs.
        received: u32,
    },
    /// The header CRC32C does not match; no header field can be trusted (not even the length).
    #[error("header checksum mismatch: header says 0x{expected:08x}, computed 0x{actual:08x}")]
    HeaderChecksumMismatch {
        /// The CRC stored in the header.
        expected: u32,
        /// The CRC computed over header bytes 0..28.
        actual: u32,
    },
    /// The header carries a protocol version outside what this build speaks.
    #[error("unsupported protocol version {received} (supported {min}..={max})")]
    UnsupportedVersion {
        /// Version in the header or HELLO.
        received: u16,
        /// Lowest supported version.
        min: u16,
        /// Highest supported version.
        max: u16,
    },
    /// The header announces a body larger than the limit.
    #[error("frame body of {len} bytes exceeds the limit of {max}")]
    FrameTooLarge {
        /// Announced body length.
        len: u32,
        /// `FRAME_BODY_BYTES_MAX`.
        max: u32,
    },

    // ---- per-frame: answer with an ERROR frame, keep the connection ----
    /// The header has reserved flag bits or reserved bytes set.
    #[error("reserved header bits set")]
    ReservedBits,
    /// The body CRC32C does not match (the header, and so the frame boundary, is intact).
    #[error("body checksum mismatch: header says 0x{expected:08x}, computed 0x{actual:08x}")]
    BodyChecksumMismatch {
        /// The CRC stored in the header.
        expected: u32,
        /// The CRC computed over the body.
        actual: u32,
    },
    /// The opcode is not known.
    #[error("unknown opcode 0x{0:02x}")]
    UnknownOpcode(u8),
    /// The body does not parse: truncated, trailing bytes, bad padding, bad UTF-8, counts that
    /// do not match lengths, a response flag where a request belongs, and so on.
    #[error("malformed body: {0}")]
    Malformed(&'static str),
    /// A field parsed but is outside its allowed range.
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
    /// A batch count exceeds its limit.
    #[error("batch of {count} exceeds the limit of {max}")]
    BatchTooLarge {
        /// Count found in the body.
        count: u32,
        /// The limit.
        max: u32,
    },
    /// A vector component is NaN or infinite.
    #[error("vector {vector_index} contains NaN or infinity")]
    InvalidVector {
        /// 0-based index of the offending vector in the batch.
        vector_index: u32,
    },
    /// A point's payload is longer than `PAYLOAD_BYTES_MAX`. Sent as INVALID_ARGUMENT.
    #[error("payload of point {point_index} is {bytes} bytes, over the limit of {max}")]
    PayloadTooLarge {
        /// 0-based index of the point in its payload section (for SEARCH: over all hits, in
        /// order).
        point_index: u32,
        /// The payload's length (saturated at `u32::MAX`).
        bytes: u32,
        /// `PAYLOAD_BYTES_MAX`.
        max: u32,
    },
    /// A point carries more than `LABELS_PER_POINT_MAX` labels. Sent as INVALID_ARGUMENT.
    #[error("point {point_index} has {count} labels, over the limit of {max}")]
    TooManyLabels {
        /// 0-based index of the point in its label section.
        point_index: u32,
        /// The number of labels sent for it (saturated at `u32::MAX`).
        count: u32,
        /// `LABELS_PER_POINT_MAX`.
        max: u32,
    },
    /// A SEARCH filter carries more than `FILTER_LABELS_MAX` labels (`all_of`, `any_of` and
    /// `none_of` together). Sent as INVALID_ARGUMENT.
    #[error("filter has {count} labels, over the limit of {max}")]
    FilterTooLarge {
        /// Total labels in the filter (saturated at `u32::MAX`).
        count: u32,
        /// `FILTER_LABELS_MAX`.
        max: u32,
    },
}

impl Error {
    /// True when the byte stream can no longer be split into frames and the connection must be
    /// closed (after sending one ERROR frame with request id 0, as a courtesy).
    /// `Incomplete` is not fatal (and not an error at all).
    #[must_use]
    pub const fn is_fatal(&self) -> bool {
        matches!(
            self,
            Error::BadMagic { .. }
                | Error::HeaderChecksumMismatch { .. }
                | Error::UnsupportedVersion { .. }
                | Error::FrameTooLarge { .. }
        )
    }

    /// The wire code a server sends for this error.
    #[must_use]
    pub const fn code(&self) -> ErrorCode {
        match self {
            Error::Incomplete
            | Error::BadMagic { .. }
            | Error::ReservedBits
            | Error::Malformed(_) => ErrorCode::MalformedFrame,
            Error::HeaderChecksumMismatch { .. } | Error::BodyChecksumMismatch { .. } => {
                ErrorCode::ChecksumMismatch
            }
            Error::UnsupportedVersion { .. } => ErrorCode::UnsupportedVersion,
            Error::FrameTooLarge { .. } => ErrorCode::FrameTooLarge,
            Error::UnknownOpcode(_) => ErrorCode::UnknownOpcode,
            Error::InvalidArgument(_)
            | Error::PayloadTooLarge { .. }
            | Error::TooManyLabels { .. }
            | Error::FilterTooLarge { .. } => ErrorCode::InvalidArgument,
            Error::BatchTooLarge { .. } => ErrorCode::BatchTooLarge,
            Error::InvalidVector { .. } => ErrorCode::InvalidVector,
        }
    }
}
