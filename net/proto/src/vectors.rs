//! Zero-copy views over id, vector, payload and label arrays inside a body.
//!
//! A decoded body hands out [`VectorsRef`] / [`IdsRef`] / [`PayloadsRef`] / [`LabelsRef`] that
//! point into the receive buffer. An encoder builds the same types from caller-owned `&[f32]` /
//! `&[u64]` / `&[&[u8]]` / `&[&[u64]]` (or a [`PayloadsBuf`] / [`LabelsBuf`]). Both
//! representations compare equal when their values are equal (floats compared bit for bit).
//!
//! This is the only module of the crate with `unsafe`: [`VectorsRef::as_f32_slice`]
//! reinterprets body bytes as `f32` when they happen to be aligned.

use crate::error::Error;
use crate::limits::{LABELS_PER_POINT_MAX, PAYLOAD_BYTES_MAX};
use crate::wire::{put_f32, put_pad8, put_u32, put_u64, usize_from, Reader};

#[derive(Clone, Copy, Debug)]
enum Floats<'a> {
    /// Little-endian f32 bytes, `len % 4 == 0`.
    Bytes(&'a [u8]),
    Slice(&'a [f32]),
}

/// `count` vectors of `dim` little-endian f32 each, stored contiguously (row-major).
#[derive(Clone, Copy, Debug)]
pub struct VectorsRef<'a> {
    floats: Floats<'a>,
    dim: u32,
}

impl<'a> VectorsRef<'a> {
    /// View caller-owned floats (for encoding). `floats.len()` must be a multiple of `dim`
    /// and `dim` must be at least 1; violating that is a programmer error and panics.
    #[must_use]
    pub fn new(floats: &'a [f32], dim: u32) -> Self {
        assert!(dim >= 1, "dim must be >= 1");
        assert!(
            floats.len() % crate::wire::usize_from(dim) == 0,
            "{} floats is not a multiple of dim {dim}",
            floats.len()
        );
        VectorsRef {
            floats: Floats::Slice(floats),
            dim,
        }
    }

    /// View little-endian f32 bytes from a body. Caller guarantees `bytes.len()` is a multiple
    /// of `4 * dim` and `dim >= 1` (decoders check this before calling).
    pub(crate) fn from_le_bytes(bytes: &'a [u8], dim: u32) -> Self {
        debug_assert!(dim >= 1);
        debug_assert!(bytes.len() % (4 * crate::wire::usize_from(dim)) == 0);
        VectorsRef {
            floats: Floats::Bytes(bytes),
            dim,
        }
    }

    /// An empty set of vectors of dimension `dim` (which may be 0 here).
    #[must_use]
    pub const fn empty(dim: u32) -> Self {
        VectorsRef {
            floats: Floats::Slice(&[]),
            dim,
        }
    }

    /// Dimension of each vector.
    #[must_use]
    pub const fn dim(&self) -> u32 {
        self.dim
    }

    /// Total number of f32 values (`count * dim`).
    #[must_use]
    pub const fn len_floats(&self) -> usize {
        match self.floats {
            Floats::Bytes(b) => b.len() / 4,
            Floats::Slice(s) => s.len(),
        }
    }

    /// Number of vectors.
    #[must_use]
    pub fn count(&self) -> usize {
        if self.dim == 0 {
            return 0;
        }
        self.len_floats() / crate::wire::usize_from(self.dim)
    }

    /// True if there are no vectors.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len_floats() == 0
    }

    /// The f32 at flat index `index`, or `None` past the end.
    #[must_use]
    pub fn get(&self, index: usize) -> Option<f32> {
        match self.floats {
            Floats::Bytes(b) => {
                let chunk = b.get(index.checked_mul(4)?..index.checked_mul(4)?.checked_add(4)?)?;
                let mut le = [0u8; 4];
                le.copy_from_slice(chunk);
                Some(f32::from_le_bytes(le))
            }
            Floats::Slice(s) => s.get(index).copied(),
        }
    }

    /// Vector `vector_index` as its own `VectorsRef` (count 1), or `None` past the end.
    #[must_use]
    pub fn vector(&self, vector_index: usize) -> Option<VectorsRef<'a>> {
        let dim = crate::wire::usize_from(self.dim);
        let start = vector_index.checked_mul(dim)?;
        let end = start.checked_add(dim)?;
        if end > self.len_floats() || dim == 0 {
            return None;
        }
        let floats = match self.floats {
            Floats::Bytes(b) => Floats::Bytes(&b[start * 4..end * 4]),
            Floats::Slice(s) => Floats::Slice(&s[start..end]),
        };
        Some(VectorsRef {
            floats,
            dim: self.dim,
        })
    }

    /// Iterate over every f32 in order.
    pub fn iter(&self) -> impl Iterator<Item = f32> + 'a {
        let floats = self.floats;
        let (bytes, slice): (&'a [u8], &'a [f32]) = match floats {
            Floats::Bytes(b) => (b, &[]),
            Floats::Slice(s) => (&[], s),
        };
        bytes
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .chain(slice.iter().copied())
    }

    /// Copy into a new `Vec<f32>` (always works, whatever the alignment).
    #[must_use]
    pub fn to_vec(&self) -> Vec<f32> {
        if let Some(s) = self.as_f32_slice() {
            return s.to_vec();
        }
        self.iter().collect()
    }

    /// Copy into `out`, which must hold exactly `len_floats()` values (programmer error
    /// otherwise).
    pub fn copy_to(&self, out: &mut [f32]) {
        assert_eq!(out.len(), self.len_floats(), "copy_to: length mismatch");
        for (dst, src) in out.iter_mut().zip(self.iter()) {
            *dst = src;
        }
    }

    /// Borrow the values as `&[f32]` without copying. Returns `None` when the bytes are not
    /// 4-byte aligned in memory (or on a big-endian target); fall back to [`Self::to_vec`].
    ///
    /// Bodies place vectors at 8-byte-aligned offsets, so this succeeds whenever the frame
    /// itself starts 8-byte aligned in the receive buffer.
    #[must_use]
    pub fn as_f32_slice(&self) -> Option<&'a [f32]> {
        match self.floats {
            Floats::Slice(s) => Some(s),
            Floats::Bytes(b) => bytes_as_f32(b),
        }
    }

    /// Index of the first vector that contains a NaN or infinity.
    #[must_use]
    pub fn first_non_finite(&self) -> Option<usize> {
        let dim = crate::wire::usize_from(self.dim).max(1);
        self.iter().position(|v| !v.is_finite()).map(|i| i / dim)
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        match self.floats {
            Floats::Bytes(b) => out.extend_from_slice(b),
            Floats::Slice(s) => {
                out.reserve(s.len() * 4);
                for &v in s {
                    put_f32(out, v);
                }
            }
        }
    }
}

#[cfg(target_endian = "little")]
fn bytes_as_f32(bytes: &[u8]) -> Option<&[f32]> {
    // SAFETY: `align_to` only puts into the middle slice the part of `bytes` that is suitably
    // aligned for f32, and every 4-byte pattern is a valid f32 (no invalid values, no padding).
    // On a little-endian target the in-memory layout of f32 equals its wire layout.
    let (prefix, floats, suffix) = unsafe { bytes.align_to::<f32>() };
    (prefix.is_empty() && suffix.is_empty()).then_some(floats)
}

#[cfg(not(target_endian = "little"))]
fn bytes_as_f32(_bytes: &[u8]) -> Option<&[f32]> {
    None
}

impl PartialEq for VectorsRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.dim == other.dim
            && self.len_floats() == other.len_floats()
            && self
                .iter()
                .zip(other.iter())
                .all(|(a, b)| a.to_bits() == b.to_bits())
    }
}

#[derive(Clone, Copy, Debug)]
enum Ids<'a> {
    /// Little-endian u64 bytes, `len % 8 == 0`.
    Bytes(&'a [u8]),
    Slice(&'a [u64]),
}

/// An array of `u64` (little-endian on the wire): vector ids, one point's labels, or one list of
/// a search filter.
#[derive(Clone, Copy, Debug)]
pub struct IdsRef<'a> {
    ids: Ids<'a>,
}

impl<'a> IdsRef<'a> {
    /// View caller-owned ids (for encoding).
    #[must_use]
    pub const fn new(ids: &'a [u64]) -> Self {
        IdsRef {
            ids: Ids::Slice(ids),
        }
    }

    pub(crate) fn from_le_bytes(bytes: &'a [u8]) -> Self {
        debug_assert!(bytes.len() % 8 == 0);
        IdsRef {
            ids: Ids::Bytes(bytes),
        }
    }

    /// Number of ids.
    #[must_use]
    pub const fn len(&self) -> usize {
        match self.ids {
            Ids::Bytes(b) => b.len() / 8,
            Ids::Slice(s) => s.len(),
        }
    }

    /// True if there are no ids.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The id at `index`, or `None` past the end.
    #[must_use]
    pub fn get(&self, index: usize) -> Option<u64> {
        match self.ids {
            Ids::Bytes(b) => {
                let chunk = b.get(index.checked_mul(8)?..index.checked_mul(8)?.checked_add(8)?)?;
                let mut le = [0u8; 8];
                le.copy_from_slice(chunk);
                Some(u64::from_le_bytes(le))
            }
            Ids::Slice(s) => s.get(index).copied(),
        }
    }

    /// The ids at `start..end` (both clamped to the length).
    #[must_use]
    pub fn slice(&self, start: usize, end: usize) -> IdsRef<'a> {
        let end = end.min(self.len());
        let start = start.min(end);
        IdsRef {
            ids: match self.ids {
                Ids::Bytes(b) => Ids::Bytes(&b[start * 8..end * 8]),
                Ids::Slice(s) => Ids::Slice(&s[start..end]),
            },
        }
    }

    /// Iterate over the ids in order.
    pub fn iter(&self) -> impl Iterator<Item = u64> + 'a {
        let (bytes, slice): (&'a [u8], &'a [u64]) = match self.ids {
            Ids::Bytes(b) => (b, &[]),
            Ids::Slice(s) => (&[], s),
        };
        bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .chain(slice.iter().copied())
    }

    /// Copy into a new `Vec<u64>`.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u64> {
        self.iter().collect()
    }

    pub(crate) fn encode(&self, out: &mut Vec<u8>) {
        match self.ids {
            Ids::Bytes(b) => out.extend_from_slice(b),
            Ids::Slice(s) => {
                out.reserve(s.len() * 8);
                for &v in s {
                    put_u64(out, v);
                }
            }
        }
    }
}

impl PartialEq for IdsRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}
impl Eq for IdsRef<'_> {}

impl Default for IdsRef<'_> {
    /// No ids.
    fn default() -> Self {
        IdsRef::new(&[])
    }
}

#[derive(Clone, Copy, Debug)]
enum Payloads<'a> {
    /// A PAYLOAD_SECTION from a body (or a [`PayloadsBuf`]): one little-endian u32 per point in
    /// `lengths` (any alignment), the payloads concatenated in `bytes`. Whoever builds this
    /// checked that every length is at most `PAYLOAD_BYTES_MAX` and that they sum to
    /// `bytes.len()`.
    Wire {
        lengths: &'a [u8],
        bytes: &'a [u8],
    },
    Slices(&'a [&'a [u8]]),
}

/// The payloads of `count()` points, in point order: opaque bytes, each at most
/// [`PAYLOAD_BYTES_MAX`] long (empty = no payload).
///
/// Decoded from a PAYLOAD_SECTION it borrows the body (no copy, no allocation, any alignment);
/// for encoding, build it over caller data with [`PayloadsRef::new`] or from a [`PayloadsBuf`].
/// Payloads are variable-length, so [`PayloadsRef::get`] walks the lengths before `index`
/// (O(index)); use [`PayloadsRef::iter`] to visit them all in O(count).
#[derive(Clone, Copy, Debug)]
pub struct PayloadsRef<'a> {
    payloads: Payloads<'a>,
}

impl<'a> PayloadsRef<'a> {
    /// View caller-owned payloads, one per point (for encoding). Lengths are checked against
    /// [`PAYLOAD_BYTES_MAX`] when the request or response is encoded.
    #[must_use]
    pub const fn new(payloads: &'a [&'a [u8]]) -> Self {
        PayloadsRef {
            payloads: Payloads::Slices(payloads),
        }
    }

    /// Number of points (payloads, empty ones included).
    #[must_use]
    pub const fn count(&self) -> usize {
        match self.payloads {
            Payloads::Wire { lengths, .. } => lengths.len() / 4,
            Payloads::Slices(s) => s.len(),
        }
    }

    /// True if there are no points (not: if every payload is empty).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// The payload of point `index`, or `None` past the end. O(index) for decoded payloads.
    #[must_use]
    pub fn get(&self, index: usize) -> Option<&'a [u8]> {
        match self.payloads {
            Payloads::Wire { lengths, bytes } => {
                let at = index.checked_mul(4)?;
                let len = length_at(lengths.get(at..at.checked_add(4)?)?);
                let mut start = 0usize;
                for chunk in lengths.get(..at)?.chunks_exact(4) {
                    start = start.checked_add(length_at(chunk))?;
                }
                bytes.get(start..start.checked_add(len)?)
            }
            Payloads::Slices(s) => s.get(index).copied(),
        }
    }

    /// Iterate over the payloads in point order.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + Clone + 'a {
        let (lengths, bytes, slices): (&'a [u8], &'a [u8], &'a [&'a [u8]]) = match self.payloads {
            Payloads::Wire { lengths, bytes } => (lengths, bytes, &[]),
            Payloads::Slices(s) => (&[], &[], s),
        };
        lengths
            .chunks_exact(4)
            .scan(bytes, |rest, chunk| {
                let (payload, tail) = rest.split_at_checked(length_at(chunk))?;
                *rest = tail;
                Some(payload)
            })
            .chain(slices.iter().copied())
    }

    /// Sum of the payload lengths.
    #[must_use]
    pub fn total_bytes(&self) -> usize {
        match self.payloads {
            Payloads::Wire { bytes, .. } => bytes.len(),
            Payloads::Slices(s) => s.iter().fold(0usize, |sum, p| sum.saturating_add(p.len())),
        }
    }

    /// Copy every payload into its own `Vec<u8>`.
    #[must_use]
    pub fn to_vec(&self) -> Vec<Vec<u8>> {
        self.iter().map(<[u8]>::to_vec).collect()
    }

    /// Decode a PAYLOAD_SECTION for `count` points at the reader's position. Checks, in this
    /// order: the lengths are present, each is at most `PAYLOAD_BYTES_MAX`
    /// ([`Error::PayloadTooLarge`]), the padding is zero, the payload bytes are present. The
    /// caller then checks that the body ends here. Never allocates.
    pub(crate) fn decode(r: &mut Reader<'a>, count: usize) -> Result<Self, Error> {
        let lengths_bytes = count
            .checked_mul(4)
            .ok_or(Error::Malformed("payload count overflows"))?;
        let lengths = r.bytes(lengths_bytes, "payload lengths")?;
        let mut total = 0usize;
        for (point_index, chunk) in lengths.chunks_exact(4).enumerate() {
            let len = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            if len > PAYLOAD_BYTES_MAX {
                return Err(Error::PayloadTooLarge {
                    point_index: u32::try_from(point_index).unwrap_or(u32::MAX),
                    bytes: len,
                    max: PAYLOAD_BYTES_MAX,
                });
            }
            total = total
                .checked_add(usize_from(len))
                .ok_or(Error::Malformed("payload lengths overflow"))?;
        }
        r.pad8_named("payload padding")?;
        let bytes = r.bytes(total, "payload bytes")?;
        Ok(PayloadsRef {
            payloads: Payloads::Wire { lengths, bytes },
        })
    }

    /// Append this as a PAYLOAD_SECTION. Fails (before writing anything) if a payload is
    /// longer than `PAYLOAD_BYTES_MAX`.
    pub(crate) fn encode(&self, out: &mut Vec<u8>, body_start: usize) -> Result<(), Error> {
        put_payload_section(out, body_start, self.iter())
    }
}

/// Little-endian u32 length from a 4-byte chunk (shorter chunks never reach here: callers use
/// `chunks_exact(4)` or a checked 4-byte range).
fn length_at(chunk: &[u8]) -> usize {
    let mut le = [0u8; 4];
    le.copy_from_slice(chunk);
    usize_from(u32::from_le_bytes(le))
}

/// Check every payload against `PAYLOAD_BYTES_MAX`, then append them as a PAYLOAD_SECTION
/// (lengths, zero padding to 8 from `body_start`, bytes).
pub(crate) fn put_payload_section<'p>(
    out: &mut Vec<u8>,
    body_start: usize,
    payloads: impl Iterator<Item = &'p [u8]> + Clone,
) -> Result<(), Error> {
    let mut total = 0usize;
    for (point_index, payload) in payloads.clone().enumerate() {
        let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
        if len > PAYLOAD_BYTES_MAX {
            return Err(Error::PayloadTooLarge {
                point_index: u32::try_from(point_index).unwrap_or(u32::MAX),
                bytes: len,
                max: PAYLOAD_BYTES_MAX,
            });
        }
        total = total.saturating_add(payload.len());
    }
    for payload in payloads.clone() {
        // Checked above: every length is at most PAYLOAD_BYTES_MAX.
        put_u32(out, u32::try_from(payload.len()).unwrap_or(u32::MAX));
    }
    put_pad8(out, body_start);
    out.reserve(total);
    for payload in payloads {
        out.extend_from_slice(payload);
    }
    Ok(())
}

impl PartialEq for PayloadsRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.count() == other.count() && self.iter().eq(other.iter())
    }
}
impl Eq for PayloadsRef<'_> {}

/// Owned payloads, packed as on the wire (lengths, then the bytes concatenated): a way to build
/// a [`PayloadsRef`] from payloads the caller owns or gathers one at a time, with one
/// allocation for all bytes instead of one per payload.
///
/// ```
/// use corevec_proto::{PayloadsBuf, PayloadsRef};
///
/// let mut buf = PayloadsBuf::new();
/// buf.push(br#"{"title":"a"}"#)?;
/// buf.push(b"")?; // no payload
/// assert_eq!(buf.as_ref(), PayloadsRef::new(&[br#"{"title":"a"}"#, b""]));
/// assert_eq!(PayloadsBuf::from_slices(&[vec![1u8, 2], vec![]])?.as_ref().total_bytes(), 2);
/// # Ok::<(), corevec_proto::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PayloadsBuf {
    /// One little-endian u32 per payload.
    lengths: Vec<u8>,
    bytes: Vec<u8>,
}

impl PayloadsBuf {
    /// No payloads.
    #[must_use]
    pub const fn new() -> Self {
        PayloadsBuf {
            lengths: Vec::new(),
            bytes: Vec::new(),
        }
    }

    /// No payloads, with room for `count` of them totalling `total_bytes`.
    #[must_use]
    pub fn with_capacity(count: usize, total_bytes: usize) -> Self {
        PayloadsBuf {
            lengths: Vec::with_capacity(count.saturating_mul(4)),
            bytes: Vec::with_capacity(total_bytes),
        }
    }

    /// Copy `payloads` (anything that is `AsRef<[u8]>`: `&[u8]`, `Vec<u8>`, ...). Fails with
    /// [`Error::PayloadTooLarge`] naming the first payload over `PAYLOAD_BYTES_MAX`.
    pub fn from_slices<P: AsRef<[u8]>>(payloads: &[P]) -> Result<Self, Error> {
        let total = payloads
            .iter()
            .fold(0usize, |sum, p| sum.saturating_add(p.as_ref().len()));
        let mut buf = PayloadsBuf::with_capacity(payloads.len(), total);
        for payload in payloads {
            buf.push(payload.as_ref())?;
        }
        Ok(buf)
    }

    /// Append the payload of the next point. Fails with [`Error::PayloadTooLarge`] (and
    /// changes nothing) if it is longer than `PAYLOAD_BYTES_MAX`.
    pub fn push(&mut self, payload: &[u8]) -> Result<(), Error> {
        let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
        if len > PAYLOAD_BYTES_MAX {
            return Err(Error::PayloadTooLarge {
                point_index: u32::try_from(self.count()).unwrap_or(u32::MAX),
                bytes: len,
                max: PAYLOAD_BYTES_MAX,
            });
        }
        self.lengths.extend_from_slice(&len.to_le_bytes());
        self.bytes.extend_from_slice(payload);
        Ok(())
    }

    /// Number of payloads pushed.
    #[must_use]
    pub fn count(&self) -> usize {
        self.lengths.len() / 4
    }

    /// True if no payload was pushed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    /// Sum of the payload lengths.
    #[must_use]
    pub fn total_bytes(&self) -> usize {
        self.bytes.len()
    }

    /// Borrow as a [`PayloadsRef`] (for a request or response to encode).
    #[must_use]
    pub fn as_ref(&self) -> PayloadsRef<'_> {
        PayloadsRef {
            payloads: Payloads::Wire {
                lengths: &self.lengths,
                bytes: &self.bytes,
            },
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Labels<'a> {
    /// A LABEL_SECTION from a body (or a [`LabelsBuf`]): one little-endian u32 count per point
    /// in `counts` (any alignment), the little-endian u64 labels concatenated in `labels`.
    /// Whoever builds this checked that every count is at most `LABELS_PER_POINT_MAX` and that
    /// they sum to `labels.len() / 8`.
    Wire {
        counts: &'a [u8],
        labels: &'a [u8],
    },
    Slices(&'a [&'a [u64]]),
}

/// The labels of `count()` points, in point order: for each point a list of at most
/// [`LABELS_PER_POINT_MAX`] `u64` (empty = no labels), each list an [`IdsRef`].
///
/// Decoded from a LABEL_SECTION it borrows the body (no copy, no allocation, any alignment);
/// for encoding, build it over caller data with [`LabelsRef::new`] or from a [`LabelsBuf`].
/// Lists are variable-length, so [`LabelsRef::get`] walks the counts before `index`
/// (O(index)); use [`LabelsRef::iter`] to visit them all in O(count).
///
/// The protocol carries lists as sent: an encoder neither sorts nor deduplicates them (the
/// engine stores them sorted and deduplicated, so GET responses carry them that way).
#[derive(Clone, Copy, Debug)]
pub struct LabelsRef<'a> {
    labels: Labels<'a>,
}

impl<'a> LabelsRef<'a> {
    /// View caller-owned label lists, one per point (for encoding). Counts are checked against
    /// [`LABELS_PER_POINT_MAX`] when the request or response is encoded.
    #[must_use]
    pub const fn new(labels: &'a [&'a [u64]]) -> Self {
        LabelsRef {
            labels: Labels::Slices(labels),
        }
    }

    /// Number of points (label lists, empty ones included).
    #[must_use]
    pub const fn count(&self) -> usize {
        match self.labels {
            Labels::Wire { counts, .. } => counts.len() / 4,
            Labels::Slices(s) => s.len(),
        }
    }

    /// True if there are no points (not: if every list is empty).
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// The labels of point `index`, or `None` past the end. O(index) for decoded labels.
    #[must_use]
    pub fn get(&self, index: usize) -> Option<IdsRef<'a>> {
        match self.labels {
            Labels::Wire { counts, labels } => {
                let at = index.checked_mul(4)?;
                let count = length_at(counts.get(at..at.checked_add(4)?)?);
                let mut start = 0usize;
                for chunk in counts.get(..at)?.chunks_exact(4) {
                    start = start.checked_add(length_at(chunk))?;
                }
                let start = start.checked_mul(8)?;
                let bytes = labels.get(start..start.checked_add(count.checked_mul(8)?)?)?;
                Some(IdsRef::from_le_bytes(bytes))
            }
            Labels::Slices(s) => s.get(index).copied().map(IdsRef::new),
        }
    }

    /// Iterate over the label lists in point order.
    pub fn iter(&self) -> impl Iterator<Item = IdsRef<'a>> + Clone + 'a {
        let (counts, labels, slices): (&'a [u8], &'a [u8], &'a [&'a [u64]]) = match self.labels {
            Labels::Wire { counts, labels } => (counts, labels, &[]),
            Labels::Slices(s) => (&[], &[], s),
        };
        counts
            .chunks_exact(4)
            .scan(labels, |rest, chunk| {
                let (list, tail) = rest.split_at_checked(length_at(chunk).checked_mul(8)?)?;
                *rest = tail;
                Some(IdsRef::from_le_bytes(list))
            })
            .chain(slices.iter().copied().map(IdsRef::new))
    }

    /// Sum of the list lengths.
    #[must_use]
    pub fn total_labels(&self) -> usize {
        match self.labels {
            Labels::Wire { labels, .. } => labels.len() / 8,
            Labels::Slices(s) => s.iter().fold(0usize, |sum, l| sum.saturating_add(l.len())),
        }
    }

    /// Copy every list into its own `Vec<u64>`.
    #[must_use]
    pub fn to_vec(&self) -> Vec<Vec<u64>> {
        self.iter().map(|l| l.to_vec()).collect()
    }

    /// Decode a LABEL_SECTION for `count` points at the reader's position. Checks, in this
    /// order: the padding to 8 is present and zero, the counts are present, each is at most
    /// `LABELS_PER_POINT_MAX` ([`Error::TooManyLabels`]), the second padding to 8 is present and
    /// zero, the labels are present. The caller then checks that the body ends here. Never
    /// allocates.
    pub(crate) fn decode(r: &mut Reader<'a>, count: usize) -> Result<Self, Error> {
        r.pad8_named("label padding")?;
        let counts_bytes = count
            .checked_mul(4)
            .ok_or(Error::Malformed("label count overflows"))?;
        let counts = r.bytes(counts_bytes, "label counts")?;
        let mut total = 0usize;
        for (point_index, chunk) in counts.chunks_exact(4).enumerate() {
            let n = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
            if n > LABELS_PER_POINT_MAX {
                return Err(Error::TooManyLabels {
                    point_index: u32::try_from(point_index).unwrap_or(u32::MAX),
                    count: n,
                    max: LABELS_PER_POINT_MAX,
                });
            }
            total = total
                .checked_add(usize_from(n))
                .ok_or(Error::Malformed("label counts overflow"))?;
        }
        r.pad8_named("label padding")?;
        let labels_bytes = total
            .checked_mul(8)
            .ok_or(Error::Malformed("label counts overflow"))?;
        let labels = r.bytes(labels_bytes, "labels")?;
        Ok(LabelsRef {
            labels: Labels::Wire { counts, labels },
        })
    }

    /// Append this as a LABEL_SECTION. Fails (before writing anything) if a point has more than
    /// `LABELS_PER_POINT_MAX` labels.
    pub(crate) fn encode(&self, out: &mut Vec<u8>, body_start: usize) -> Result<(), Error> {
        let mut total = 0usize;
        for (point_index, list) in self.iter().enumerate() {
            check_label_count(point_index, list.len())?;
            total = total.saturating_add(list.len());
        }
        put_pad8(out, body_start);
        for list in self.iter() {
            // Checked above: every count is at most LABELS_PER_POINT_MAX.
            put_u32(out, u32::try_from(list.len()).unwrap_or(u32::MAX));
        }
        put_pad8(out, body_start);
        out.reserve(total.saturating_mul(8));
        for list in self.iter() {
            list.encode(out);
        }
        Ok(())
    }
}

/// [`Error::TooManyLabels`] if point `point_index` has more than `LABELS_PER_POINT_MAX` labels.
fn check_label_count(point_index: usize, count: usize) -> Result<(), Error> {
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    if count > LABELS_PER_POINT_MAX {
        return Err(Error::TooManyLabels {
            point_index: u32::try_from(point_index).unwrap_or(u32::MAX),
            count,
            max: LABELS_PER_POINT_MAX,
        });
    }
    Ok(())
}

impl PartialEq for LabelsRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.count() == other.count() && self.iter().eq(other.iter())
    }
}
impl Eq for LabelsRef<'_> {}

/// Owned labels, packed as on the wire (counts, then the labels concatenated): a way to build a
/// [`LabelsRef`] from lists the caller owns or gathers one at a time, with one allocation for
/// all labels instead of one per point.
///
/// ```
/// use corevec_proto::{LabelsBuf, LabelsRef};
///
/// let mut buf = LabelsBuf::new();
/// buf.push(&[3, 7])?;
/// buf.push(&[])?; // no labels
/// assert_eq!(buf.as_ref(), LabelsRef::new(&[&[3, 7], &[]]));
/// assert_eq!(LabelsBuf::from_slices(&[vec![1u64, 2], vec![]])?.as_ref().total_labels(), 2);
/// # Ok::<(), corevec_proto::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelsBuf {
    /// One little-endian u32 per point.
    counts: Vec<u8>,
    /// Little-endian u64 labels.
    labels: Vec<u8>,
}

impl LabelsBuf {
    /// No points.
    #[must_use]
    pub const fn new() -> Self {
        LabelsBuf {
            counts: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// No points, with room for `count` of them carrying `total_labels` labels in all.
    #[must_use]
    pub fn with_capacity(count: usize, total_labels: usize) -> Self {
        LabelsBuf {
            counts: Vec::with_capacity(count.saturating_mul(4)),
            labels: Vec::with_capacity(total_labels.saturating_mul(8)),
        }
    }

    /// Copy `lists` (anything that is `AsRef<[u64]>`: `&[u64]`, `Vec<u64>`, ...). Fails with
    /// [`Error::TooManyLabels`] naming the first list over `LABELS_PER_POINT_MAX`.
    pub fn from_slices<L: AsRef<[u64]>>(lists: &[L]) -> Result<Self, Error> {
        let total = lists
            .iter()
            .fold(0usize, |sum, l| sum.saturating_add(l.as_ref().len()));
        let mut buf = LabelsBuf::with_capacity(lists.len(), total);
        for list in lists {
            buf.push(list.as_ref())?;
        }
        Ok(buf)
    }

    /// Append the labels of the next point. Fails with [`Error::TooManyLabels`] (and changes
    /// nothing) if there are more than `LABELS_PER_POINT_MAX`.
    pub fn push(&mut self, labels: &[u64]) -> Result<(), Error> {
        check_label_count(self.count(), labels.len())?;
        let count = u32::try_from(labels.len()).unwrap_or(u32::MAX);
        self.counts.extend_from_slice(&count.to_le_bytes());
        IdsRef::new(labels).encode(&mut self.labels);
        Ok(())
    }

    /// Number of points pushed.
    #[must_use]
    pub fn count(&self) -> usize {
        self.counts.len() / 4
    }

    /// True if no point was pushed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Sum of the list lengths.
    #[must_use]
    pub fn total_labels(&self) -> usize {
        self.labels.len() / 8
    }

    /// Borrow as a [`LabelsRef`] (for a request or response to encode).
    #[must_use]
    pub fn as_ref(&self) -> LabelsRef<'_> {
        LabelsRef {
            labels: Labels::Wire {
                counts: &self.counts,
                labels: &self.labels,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_slice_agree() {
        let floats = [1.0f32, -2.5, 3.25, 0.0, f32::MIN_POSITIVE, 7.0];
        let mut bytes = Vec::new();
        VectorsRef::new(&floats, 3).encode(&mut bytes);
        let view = VectorsRef::from_le_bytes(&bytes, 3);
        assert_eq!(view, VectorsRef::new(&floats, 3));
        assert_eq!(view.count(), 2);
        assert_eq!(view.to_vec(), floats);
        assert_eq!(
            view.vector(1).map(|v| v.to_vec()),
            Some(vec![0.0, f32::MIN_POSITIVE, 7.0])
        );
        assert_eq!(view.vector(2), None);
        assert_eq!(view.get(5), Some(7.0));
        assert_eq!(view.get(6), None);
    }

    #[test]
    fn as_f32_slice_depends_on_alignment() {
        let floats = [1.0f32, 2.0, 3.0, 4.0];
        let mut encoded = Vec::new();
        VectorsRef::new(&floats, 2).encode(&mut encoded);
        for shift in 0..4 {
            let mut buf = vec![0u8; shift];
            buf.extend_from_slice(&encoded);
            let view = VectorsRef::from_le_bytes(&buf[shift..], 2);
            assert_eq!(view.to_vec(), floats);
            let aligned = (buf[shift..].as_ptr() as usize) % std::mem::align_of::<f32>() == 0;
            assert_eq!(
                view.as_f32_slice().is_some(),
                aligned && cfg!(target_endian = "little")
            );
            if let Some(s) = view.as_f32_slice() {
                assert_eq!(s, floats);
            }
        }
    }

    #[test]
    fn non_finite_detection() {
        let floats = [1.0f32, 2.0, f32::NAN, 4.0];
        assert_eq!(VectorsRef::new(&floats, 2).first_non_finite(), Some(1));
        assert_eq!(VectorsRef::new(&floats[..2], 2).first_non_finite(), None);
    }

    #[test]
    fn ids_round_trip() {
        let ids = [0u64, 1, u64::MAX, 42];
        let mut bytes = Vec::new();
        IdsRef::new(&ids).encode(&mut bytes);
        let view = IdsRef::from_le_bytes(&bytes);
        assert_eq!(view, IdsRef::new(&ids));
        assert_eq!(view.to_vec(), ids);
        assert_eq!(view.get(2), Some(u64::MAX));
        assert_eq!(view.get(4), None);
    }

    #[test]
    fn payloads_wire_and_slices_agree() {
        let items: [&[u8]; 4] = [b"abc", b"", &[0xFF; 9], b"z"];
        let view = PayloadsRef::new(&items);
        // Encode at a body offset that is 4 mod 8 (as after an odd number of f32s), then decode
        // from every alignment of the receive buffer.
        let mut body = vec![0u8; 4];
        view.encode(&mut body, 0).expect("small payloads");
        assert_eq!(
            body.len(),
            4 + 16 + 4 + 13,
            "4 lengths, 4 bytes of padding, 13 bytes"
        );
        for shift in 0..8 {
            let mut buf = vec![0xAAu8; shift];
            buf.extend_from_slice(&body);
            let mut r = Reader::new(&buf[shift..]);
            r.bytes(4, "prefix").expect("prefix");
            let decoded = PayloadsRef::decode(&mut r, 4).expect("decode");
            r.finish().expect("section ends the body");
            assert_eq!(decoded, view);
            assert_eq!(decoded.count(), 4);
            assert_eq!(decoded.total_bytes(), 13);
            for (index, item) in items.iter().enumerate() {
                assert_eq!(decoded.get(index), Some(*item));
            }
            assert_eq!(decoded.get(4), None);
            assert_eq!(decoded.get(usize::MAX), None);
            assert_eq!(decoded.to_vec(), view.to_vec());
        }
        let buf = PayloadsBuf::from_slices(&items).expect("small");
        assert_eq!(buf.as_ref(), view);
        assert_eq!((buf.count(), buf.total_bytes()), (4, 13));
        assert_ne!(PayloadsRef::new(&items[..3]), view);
    }

    #[test]
    fn payload_limits() {
        let max = vec![7u8; PAYLOAD_BYTES_MAX as usize];
        let over = vec![7u8; PAYLOAD_BYTES_MAX as usize + 1];
        let mut buf = PayloadsBuf::new();
        buf.push(&max).expect("max fits");
        assert_eq!(
            buf.push(&over),
            Err(Error::PayloadTooLarge {
                point_index: 1,
                bytes: PAYLOAD_BYTES_MAX + 1,
                max: PAYLOAD_BYTES_MAX
            })
        );
        assert_eq!(buf.count(), 1, "a refused push changes nothing");
        let mut out = Vec::new();
        let items: [&[u8]; 2] = [&max, &over];
        assert!(matches!(
            PayloadsRef::new(&items).encode(&mut out, 0),
            Err(Error::PayloadTooLarge { point_index: 1, .. })
        ));
        assert!(out.is_empty(), "nothing written before the check");
    }

    #[test]
    fn payload_section_errors() {
        let decode = |body: &[u8], count: usize| {
            let mut r = Reader::new(body);
            PayloadsRef::decode(&mut r, count).and_then(|p| r.finish().map(|()| p.to_vec()))
        };
        let mut body = Vec::new();
        body.extend_from_slice(&2u32.to_le_bytes());
        body.extend_from_slice(&[0; 4]);
        body.extend_from_slice(b"hi");
        assert_eq!(decode(&body, 1), Ok(vec![b"hi".to_vec()]));
        // Truncated at every length.
        for cut in 0..body.len() {
            assert!(
                matches!(decode(&body[..cut], 1), Err(Error::Malformed(_))),
                "{cut}"
            );
        }
        // Non-zero padding.
        let mut bad = body.clone();
        bad[5] = 1;
        assert_eq!(decode(&bad, 1), Err(Error::Malformed("payload padding")));
        // Too long, with the point index.
        let mut big = Vec::new();
        big.extend_from_slice(&0u32.to_le_bytes());
        big.extend_from_slice(&(PAYLOAD_BYTES_MAX + 1).to_le_bytes());
        assert_eq!(
            decode(&big, 2),
            Err(Error::PayloadTooLarge {
                point_index: 1,
                bytes: PAYLOAD_BYTES_MAX + 1,
                max: PAYLOAD_BYTES_MAX
            })
        );
        // Lengths summing past the body, and a count far past it: Malformed, no allocation.
        let mut many = Vec::new();
        for _ in 0..2 {
            many.extend_from_slice(&PAYLOAD_BYTES_MAX.to_le_bytes());
        }
        assert_eq!(decode(&many, 2), Err(Error::Malformed("payload bytes")));
        assert_eq!(
            decode(&many, usize::MAX),
            Err(Error::Malformed("payload count overflows"))
        );
        assert_eq!(
            decode(&many, 1 << 20),
            Err(Error::Malformed("payload lengths"))
        );
        // Zero points: an empty section.
        assert_eq!(decode(&[], 0), Ok(vec![]));
    }

    #[test]
    fn labels_wire_and_slices_agree() {
        let items: [&[u64]; 4] = [&[3, 7], &[], &[u64::MAX; 5], &[0]];
        let view = LabelsRef::new(&items);
        // Encode at a body offset that is 5 mod 8 (as after a payload of odd length), then decode
        // from every alignment of the receive buffer.
        let mut body = vec![0u8; 5];
        view.encode(&mut body, 0).expect("small lists");
        assert_eq!(
            body.len(),
            5 + 3 + 16 + 8 * 8,
            "3 bytes of padding, 4 counts (already 8-aligned), 8 labels"
        );
        for shift in 0..8 {
            let mut buf = vec![0xAAu8; shift];
            buf.extend_from_slice(&body);
            let mut r = Reader::new(&buf[shift..]);
            r.bytes(5, "prefix").expect("prefix");
            let decoded = LabelsRef::decode(&mut r, 4).expect("decode");
            r.finish().expect("section ends the body");
            assert_eq!(decoded, view);
            assert_eq!(decoded.count(), 4);
            assert_eq!(decoded.total_labels(), 8);
            for (index, item) in items.iter().enumerate() {
                assert_eq!(decoded.get(index), Some(IdsRef::new(item)));
                assert_eq!(view.get(index), Some(IdsRef::new(item)));
            }
            assert_eq!(decoded.get(4), None);
            assert_eq!(decoded.get(usize::MAX), None);
            assert_eq!(decoded.to_vec(), view.to_vec());
            assert_eq!(decoded.iter().count(), 4);
        }
        // Three counts at an 8-aligned offset: 4 bytes of padding before the labels.
        let mut body = Vec::new();
        LabelsRef::new(&items[..3])
            .encode(&mut body, 0)
            .expect("small lists");
        assert_eq!(&body[12..16], &[0; 4]);
        assert_eq!(body.len(), 16 + 7 * 8);
        let buf = LabelsBuf::from_slices(&items).expect("small");
        assert_eq!(buf.as_ref(), view);
        assert_eq!((buf.count(), buf.total_labels()), (4, 8));
        assert!(!buf.is_empty() && LabelsBuf::new().is_empty());
        assert_ne!(LabelsRef::new(&items[..3]), view);
        assert_eq!(
            view.to_vec(),
            vec![vec![3, 7], vec![], vec![u64::MAX; 5], vec![0]]
        );
    }

    #[test]
    fn label_limits() {
        let max = vec![7u64; LABELS_PER_POINT_MAX as usize];
        let over = vec![7u64; LABELS_PER_POINT_MAX as usize + 1];
        let mut buf = LabelsBuf::new();
        buf.push(&max).expect("max fits");
        let e = buf.push(&over).expect_err("over");
        assert_eq!(
            e,
            Error::TooManyLabels {
                point_index: 1,
                count: LABELS_PER_POINT_MAX + 1,
                max: LABELS_PER_POINT_MAX
            }
        );
        assert_eq!(e.code(), crate::ErrorCode::InvalidArgument);
        assert_eq!(e.to_string(), "point 1 has 65 labels, over the limit of 64");
        assert_eq!(buf.count(), 1, "a refused push changes nothing");
        assert_eq!(buf.total_labels(), LABELS_PER_POINT_MAX as usize);
        assert!(matches!(
            LabelsBuf::from_slices(&[&over[..]]),
            Err(Error::TooManyLabels { point_index: 0, .. })
        ));
        let mut out = vec![1u8];
        let items: [&[u64]; 2] = [&max, &over];
        assert!(matches!(
            LabelsRef::new(&items).encode(&mut out, 0),
            Err(Error::TooManyLabels { point_index: 1, .. })
        ));
        assert_eq!(out, [1], "nothing written before the check");
    }

    #[test]
    fn label_section_errors() {
        let decode = |body: &[u8], at: usize, count: usize| {
            let mut r = Reader::new(body);
            r.bytes(at, "prefix")?;
            LabelsRef::decode(&mut r, count).and_then(|l| r.finish().map(|()| l.to_vec()))
        };
        // At offset 4: 4 bytes of padding, one count (ends at 12), 4 bytes of padding, 2 labels.
        let mut body = vec![0u8; 8];
        body.extend_from_slice(&2u32.to_le_bytes());
        body.extend_from_slice(&[0; 4]);
        body.extend_from_slice(&5u64.to_le_bytes());
        body.extend_from_slice(&9u64.to_le_bytes());
        assert_eq!(decode(&body, 4, 1), Ok(vec![vec![5, 9]]));
        // Truncated at every length.
        for cut in 4..body.len() {
            assert!(
                matches!(decode(&body[..cut], 4, 1), Err(Error::Malformed(_))),
                "{cut}"
            );
        }
        // Non-zero padding, before the counts and before the labels.
        for at in (4..8).chain(12..16) {
            let mut bad = body.clone();
            bad[at] = 1;
            assert_eq!(
                decode(&bad, 4, 1),
                Err(Error::Malformed("label padding")),
                "{at}"
            );
        }
        // A count over the limit, with the point index; checked before the second padding.
        let mut big = vec![0u8; 8];
        big.extend_from_slice(&0u32.to_le_bytes());
        big.extend_from_slice(&(LABELS_PER_POINT_MAX + 1).to_le_bytes());
        big.extend_from_slice(&[1; 8]);
        assert_eq!(
            decode(&big, 8, 2),
            Err(Error::TooManyLabels {
                point_index: 1,
                count: LABELS_PER_POINT_MAX + 1,
                max: LABELS_PER_POINT_MAX
            })
        );
        // Counts summing past the body, and a count far past it: Malformed, no allocation.
        let mut many = Vec::new();
        for _ in 0..2 {
            many.extend_from_slice(&LABELS_PER_POINT_MAX.to_le_bytes());
        }
        assert_eq!(decode(&many, 0, 2), Err(Error::Malformed("labels")));
        assert_eq!(
            decode(&many, 0, usize::MAX),
            Err(Error::Malformed("label count overflows"))
        );
        assert_eq!(
            decode(&many, 0, 1 << 20),
            Err(Error::Malformed("label counts"))
        );
        // Zero points: an empty section (no padding at an 8-aligned offset).
        assert_eq!(decode(&[], 0, 0), Ok(vec![]));
        // Trailing bytes are the caller's check.
        let mut long = body.clone();
        long.push(0);
        assert_eq!(
            decode(&long, 4, 1),
            Err(Error::Malformed("trailing bytes after body"))
        );
    }
}
