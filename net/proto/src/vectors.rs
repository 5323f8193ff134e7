//! Zero-copy views over id and vector arrays inside a body.
//!
//! A decoded body hands out [`VectorsRef`] / [`IdsRef`] that point into the receive buffer. An
//! encoder builds the same types from caller-owned `&[f32]` / `&[u64]`. Both representations
//! compare equal when their values are equal (floats compared bit for bit).
//!
//! This is the only module of the crate with `unsafe`: [`VectorsRef::as_f32_slice`]
//! reinterprets body bytes as `f32` when they happen to be aligned.

use crate::wire::{put_f32, put_u64};

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

/// An array of vector ids (`u64`, little-endian on the wire).
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
}
