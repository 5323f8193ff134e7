//! # corevec-proto: the corevec wire protocol
//!
//! **Owns:** the byte layout of every frame and body (see `PROTOCOL.md` next to this crate),
//! the stable [`ErrorCode`] table, the protocol [`limits`], and pure encode/decode functions
//! over `&[u8]` / `&mut Vec<u8>`.
//!
//! **Must never:** do I/O (no sockets, files, threads, clocks), depend on glommio, the engine or
//! any runtime, panic or allocate unboundedly on bytes from the network. The Rust and Python
//! clients, the load generator, the server and the fuzzers all share this one codec.
//!
//! ## Receiving (server or client)
//!
//! ```
//! use corevec_proto::{Error, Frame, Request, RequestId, encode_error};
//!
//! # let mut inbound = Vec::new();
//! # Request::Ping.encode(RequestId(1), &mut inbound).unwrap();
//! let mut outbound = Vec::new();
//! loop {
//!     let frame_bytes = match Frame::check(&inbound) {
//!         Ok(n) => n,
//!         Err(Error::Incomplete) => break, // read more bytes
//!         Err(fatal) => {
//!             // Stream unparseable: one ERROR frame with request id 0, then close.
//!             assert!(fatal.is_fatal());
//!             encode_error(&mut outbound, RequestId::CONNECTION, 0, fatal.code(), &fatal.to_string())?;
//!             break;
//!         }
//!     };
//!     let frame = Frame::parse(&inbound[..frame_bytes])?; // cannot fail after check
//!     match Request::decode_frame(&frame) {
//!         Ok(request) => { /* execute, then Response::encode(...) */ }
//!         Err(e) => encode_error(&mut outbound, frame.header.request_id, frame.header.opcode,
//!                                e.code(), &e.to_string())?,
//!     }
//!     inbound.drain(..frame_bytes);
//! }
//! # Ok::<(), Error>(())
//! ```
//!
//! Vectors in requests arrive as [`VectorsRef`] over the body bytes: use
//! [`VectorsRef::as_f32_slice`] for zero-copy access when the receive buffer is aligned, and
//! [`VectorsRef::to_vec`] otherwise. Payloads (opaque per-point bytes) arrive as
//! [`PayloadsRef`] over the body bytes; build one for encoding with [`PayloadsRef::new`] or a
//! [`PayloadsBuf`]. Labels (small sets of `u64` per point) arrive the same way as
//! [`LabelsRef`] ([`LabelsRef::new`], [`LabelsBuf`]), and a SEARCH or SCROLL filter over them as
//! a [`FilterRef`]. A SCROLL page ([`ScrollResponse`]) carries its ids as an [`IdsRef`] and
//! its optional vectors, payloads and labels the same way.

mod error;
mod frame;
pub mod limits;
pub mod range;
mod request;
mod response;
mod vectors;
mod wire;

pub use error::{Error, ErrorCode};
pub use frame::{
    Frame, FrameHeader, Opcode, RequestId, FEATURES_SUPPORTED, FEATURE_FILTER_GROUPS,
    FEATURE_LABELS, FEATURE_MAX_DISTANCE, FEATURE_PAYLOADS, FEATURE_READ_REPLICAS, FLAG_ERROR,
    FLAG_RESPONSE, MAGIC, VERSION_MAX, VERSION_MIN,
};
pub use limits::*;
pub use request::{
    CreateCollection, FilterRef, Hello, IdsRequest, Metric, Request, Scroll, Search, SearchFlags,
    SetLabels, SetPayload, Upsert,
};
pub use response::{
    encode_error, CollectionInfo, ErrorResponse, GetResponse, HelloAck, Hit, Response,
    ScrollResponse, SearchResponse, ShardInfo, Stat, WriteAck,
};
pub use vectors::{IdsRef, LabelsBuf, LabelsRef, PayloadsBuf, PayloadsRef, VectorsRef};
pub use wire::is_valid_collection_name;

#[cfg(test)]
mod tests;
