//! Little-endian cursor helpers shared by every body codec.
//!
//! [`Reader`] never panics and never allocates: every read is bounds-checked and fails with
//! [`Error::Malformed`]. Writers append to a `Vec<u8>`; alignment padding is computed relative
//! to the start of the body (`body_start`), which is where the reader's offset 0 is.

use crate::error::Error;
use crate::limits::COLLECTION_NAME_BYTES_MAX;

/// Bounds-checked little-endian reader over one body.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub(crate) fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub(crate) fn bytes(&mut self, len: usize, what: &'static str) -> Result<&'a [u8], Error> {
        if len > self.remaining() {
            return Err(Error::Malformed(what));
        }
        let out = &self.buf[self.pos..self.pos + len];
        self.pos += len;
        Ok(out)
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], Error> {
        let bytes = self.bytes(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, Error> {
        Ok(self.array::<1>(what)?[0])
    }

    pub(crate) fn u16(&mut self, what: &'static str) -> Result<u16, Error> {
        Ok(u16::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    pub(crate) fn u64(&mut self, what: &'static str) -> Result<u64, Error> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    /// Reserved field: must be zero.
    pub(crate) fn zero(&mut self, len: usize, what: &'static str) -> Result<(), Error> {
        let bytes = self.bytes(len, what)?;
        if bytes.iter().any(|&b| b != 0) {
            return Err(Error::Malformed(what));
        }
        Ok(())
    }

    /// Skip zero padding up to the next multiple of 8 from the body start.
    pub(crate) fn pad8(&mut self) -> Result<(), Error> {
        self.pad8_named("padding is not zero")
    }

    /// [`Reader::pad8`] with the error message `what` (missing or non-zero padding).
    pub(crate) fn pad8_named(&mut self, what: &'static str) -> Result<(), Error> {
        let pad = (8 - self.pos % 8) % 8;
        self.zero(pad, what)
    }

    /// `u8 len | bytes | zero pad to 8`, UTF-8, at most `max` bytes.
    pub(crate) fn short_str(&mut self, max: usize, what: &'static str) -> Result<&'a str, Error> {
        let len = usize::from(self.u8(what)?);
        if len > max {
            return Err(Error::InvalidArgument(what));
        }
        let bytes = self.bytes(len, what)?;
        let s = std::str::from_utf8(bytes).map_err(|_| Error::Malformed(what))?;
        self.pad8()?;
        Ok(s)
    }

    /// A NAME field holding a collection name. `allow_empty` is for SNAPSHOT ("all").
    pub(crate) fn collection_name(&mut self, allow_empty: bool) -> Result<&'a str, Error> {
        let name = self.short_str(COLLECTION_NAME_BYTES_MAX, "collection name")?;
        if name.is_empty() && allow_empty {
            return Ok(name);
        }
        if !is_valid_collection_name(name) {
            return Err(Error::InvalidArgument(
                "collection name must be 1..=64 bytes of [A-Za-z0-9_-]",
            ));
        }
        Ok(name)
    }

    /// The body must be fully consumed.
    pub(crate) fn finish(&self) -> Result<(), Error> {
        if self.remaining() != 0 {
            return Err(Error::Malformed("trailing bytes after body"));
        }
        Ok(())
    }
}

/// Collection names: 1..=64 bytes of `[A-Za-z0-9_-]`.
#[must_use]
pub fn is_valid_collection_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= COLLECTION_NAME_BYTES_MAX
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

pub(crate) fn put_u8(out: &mut Vec<u8>, v: u8) {
    out.push(v);
}
pub(crate) fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
pub(crate) fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
pub(crate) fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}
pub(crate) fn put_f32(out: &mut Vec<u8>, v: f32) {
    out.extend_from_slice(&v.to_le_bytes());
}
pub(crate) fn put_zero(out: &mut Vec<u8>, len: usize) {
    out.resize(out.len() + len, 0);
}
pub(crate) fn put_pad8(out: &mut Vec<u8>, body_start: usize) {
    let pos = out.len() - body_start;
    put_zero(out, (8 - pos % 8) % 8);
}

/// Write a `u8 len | bytes | pad8` string. Panics (programmer error) if `s` is longer than
/// `max`; encoders validate user input before they get here.
pub(crate) fn put_short_str(out: &mut Vec<u8>, body_start: usize, s: &str, max: usize) {
    assert!(
        s.len() <= max,
        "short string of {} bytes exceeds {max}",
        s.len()
    );
    let len = u8::try_from(s.len()).expect("short string length checked against max <= 255");
    put_u8(out, len);
    out.extend_from_slice(s.as_bytes());
    put_pad8(out, body_start);
}

/// `usize` from a wire `u32`. Lossless on every target we build for (see the const assert in
/// `limits.rs`), and saturating elsewhere so bounds checks still reject it.
pub(crate) fn usize_from(v: u32) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// Wire `u32` from a length the encoder has already bounded by a protocol limit.
pub(crate) fn u32_from(len: usize) -> u32 {
    u32::try_from(len).expect("length bounded by a protocol limit fits in u32")
}
