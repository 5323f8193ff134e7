//! `Vectors`: one shard's vectors in a contiguous, 64-byte-aligned arena.
//!
//! Slot `i` holds `dim` f32 values starting at byte `i * stride_bytes`; the stride is the
//! vector size rounded up to 64 bytes so that every vector starts on a cache line (SIMD loads
//! never straddle lines needlessly and prefetching one vector touches whole lines). The
//! memory is an anonymous mapping (page-aligned, so 64-byte alignment holds) advised for
//! transparent huge pages; it grows by doubling, with `mremap` (no copy). Slots are never
//! reused: a replaced or deleted vector keeps its slot (tombstoned by the shard) until
//! compaction.

use memmap2::MmapMut;

const ALIGN_BYTES: usize = 64;
const INITIAL_SLOTS: usize = 1024;

/// Vectors of one dimension in aligned slots.
pub struct Vectors {
    dim: usize,
    stride_floats: usize,
    len: usize,
    capacity: usize,
    map: MmapMut,
}

impl Vectors {
    /// An empty arena for vectors of `dim` components.
    ///
    /// # Errors
    /// Fails when the kernel refuses the anonymous mapping.
    pub fn new(dim: usize) -> std::io::Result<Self> {
        Self::with_capacity(dim, INITIAL_SLOTS)
    }

    /// An empty arena with room for `capacity` vectors before it grows.
    ///
    /// # Errors
    /// Fails when the kernel refuses the anonymous mapping.
    pub fn with_capacity(dim: usize, capacity: usize) -> std::io::Result<Self> {
        assert!(dim > 0, "dimension must be positive");
        let stride_floats = (dim * 4).div_ceil(ALIGN_BYTES) * ALIGN_BYTES / 4;
        let capacity = capacity.max(1);
        let map = Self::map(stride_floats, capacity)?;
        Ok(Self {
            dim,
            stride_floats,
            len: 0,
            capacity,
            map,
        })
    }

    fn map(stride_floats: usize, capacity: usize) -> std::io::Result<MmapMut> {
        let bytes = stride_floats * 4 * capacity;
        let map = MmapMut::map_anon(bytes)?;
        // Huge pages are an optimisation; a kernel without THP just says no.
        #[cfg(target_os = "linux")]
        let _ = map.advise(memmap2::Advice::HugePage);
        assert_eq!(map.as_ptr() as usize % ALIGN_BYTES, 0);
        Ok(map)
    }

    /// Components per vector.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Slots in use (live, replaced and deleted alike).
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no slot is in use.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes of memory mapped for the arena (its capacity, not only the used part).
    pub fn mapped_bytes(&self) -> usize {
        self.map.len()
    }

    /// Bytes occupied by the used slots.
    pub fn used_bytes(&self) -> usize {
        self.len * self.stride_floats * 4
    }

    /// Appends a vector and returns its slot.
    ///
    /// # Errors
    /// Fails when the arena must grow and the kernel refuses the new mapping.
    pub fn push(&mut self, vector: &[f32]) -> std::io::Result<u32> {
        assert_eq!(vector.len(), self.dim, "caller validates dimensions");
        assert!(self.len < u32::MAX as usize, "slot space exhausted");
        if self.len == self.capacity {
            self.grow(self.capacity * 2)?;
        }
        let slot = self.len;
        self.len += 1;
        let (start, dim) = (slot * self.stride_floats, self.dim);
        self.floats_mut()[start..start + dim].copy_from_slice(vector);
        Ok(slot as u32)
    }

    /// Makes room for at least `additional` more vectors without further growth.
    ///
    /// # Errors
    /// Fails when the kernel refuses the new mapping.
    pub fn reserve(&mut self, additional: usize) -> std::io::Result<()> {
        let needed = self.len + additional;
        if needed > self.capacity {
            self.grow(needed.max(self.capacity * 2))?;
        }
        Ok(())
    }

    /// Grows the mapping to `capacity` slots with `mremap`, which moves page-table entries
    /// instead of copying the vectors: doubling a 256 MiB arena by copy held the core for
    /// the copy and the new pages' faults (bench/RESULTS.md, "Snapshots without stalls").
    fn grow(&mut self, capacity: usize) -> std::io::Result<()> {
        let bytes = self.stride_floats * 4 * capacity;
        // SAFETY: the mapping is private and anonymous (`map_anon`), so growing it adds
        // zero-filled anonymous pages and no access can reach past a file's end (the only
        // undefined behaviour `remap` warns of). It may move: `&mut self` guarantees that no
        // slice into the old address is alive, and every later access goes through
        // `self.map`. Page alignment keeps the 64-byte slot alignment, asserted below.
        // Exercised by `slots_are_aligned_and_survive_growth`.
        unsafe {
            self.map
                .remap(bytes, memmap2::RemapOptions::new().may_move(true))?;
        }
        #[cfg(target_os = "linux")]
        let _ = self.map.advise(memmap2::Advice::HugePage);
        assert_eq!(self.map.as_ptr() as usize % ALIGN_BYTES, 0);
        self.capacity = capacity;
        Ok(())
    }

    /// The vector in `slot`.
    #[inline]
    pub fn get(&self, slot: u32) -> &[f32] {
        let slot = slot as usize;
        debug_assert!(slot < self.len, "slot {slot} out of {}", self.len);
        let start = slot * self.stride_floats;
        &self.floats()[start..start + self.dim]
    }

    /// Raw pointer to the vector in `slot`, for software prefetch.
    #[inline]
    pub fn as_ptr(&self, slot: u32) -> *const f32 {
        self.get(slot).as_ptr()
    }

    /// Iterates `(slot, vector)` over the used slots.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[f32])> {
        (0..self.len as u32).map(|slot| (slot, self.get(slot)))
    }

    fn floats(&self) -> &[f32] {
        let len = self.map.len() / 4;
        // SAFETY: the mapping is page-aligned (asserted 64-byte aligned in `map`), its length
        // is a multiple of 4 (stride_floats * 4 * capacity), it lives as long as `self`, and
        // every bit pattern is a valid f32. Anonymous mappings start zeroed, so unused slots
        // read as 0.0.
        unsafe { std::slice::from_raw_parts(self.map.as_ptr().cast::<f32>(), len) }
    }

    fn floats_mut(&mut self) -> &mut [f32] {
        let len = self.map.len() / 4;
        // SAFETY: as in `floats`, and `&mut self` guarantees exclusive access to the mapping.
        unsafe { std::slice::from_raw_parts_mut(self.map.as_mut_ptr().cast::<f32>(), len) }
    }
}

impl std::fmt::Debug for Vectors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vectors")
            .field("dim", &self.dim)
            .field("len", &self.len)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_aligned_and_survive_growth() {
        for dim in [1usize, 3, 16, 17, 384] {
            let mut vectors = Vectors::with_capacity(dim, 2).unwrap();
            let mut expected = Vec::new();
            for i in 0..100u32 {
                let v: Vec<f32> = (0..dim).map(|j| (i as f32) * 1000.0 + j as f32).collect();
                assert_eq!(vectors.push(&v).unwrap(), i);
                expected.push(v);
            }
            for (slot, v) in vectors.iter() {
                assert_eq!(v, expected[slot as usize].as_slice());
                assert_eq!(
                    v.as_ptr() as usize % ALIGN_BYTES,
                    0,
                    "dim {dim} slot {slot}"
                );
            }
        }
    }

    #[test]
    fn reserve_avoids_regrowth() {
        let mut vectors = Vectors::with_capacity(8, 1).unwrap();
        vectors.reserve(1000).unwrap();
        let mapped = vectors.mapped_bytes();
        for _ in 0..1000 {
            vectors.push(&[1.0; 8]).unwrap();
        }
        assert_eq!(vectors.mapped_bytes(), mapped);
    }
}
