//! `PayloadArena`: each slot's payload, the opaque bytes a client stores with a vector.
//!
//! Payloads are append-only per slot, like vectors: an upsert appends its payload for the new
//! slot, and a replaced or deleted slot keeps its bytes until compaction copies only the live
//! ones. One byte arena plus one end offset per slot, so a shard holds no per-point heap
//! allocations. A shard whose points never had a payload keeps no offsets at all.

/// Largest payload of one point. The protocol's limit (`PAYLOAD_BYTES_MAX` in corevec-proto)
/// must not exceed this.
pub const PAYLOAD_BYTES_MAX: usize = 65_536;

/// Per-slot payload bytes.
#[derive(Debug, Default)]
pub(crate) struct PayloadArena {
    /// End of slot `s`'s payload in `bytes` (its start is the previous slot's end); empty
    /// while no slot has a payload, then one entry per slot.
    ends: Vec<u64>,
    bytes: Vec<u8>,
}

impl PayloadArena {
    /// Rebuilds an arena from a snapshot's parts for `slots` slots.
    ///
    /// # Errors
    /// A description of the inconsistency when `ends` is not a non-decreasing list of
    /// `slots` offsets (or empty) ending at `bytes.len()`.
    pub(crate) fn from_parts(ends: Vec<u64>, bytes: Vec<u8>, slots: usize) -> Result<Self, String> {
        if ends.is_empty() {
            if !bytes.is_empty() {
                return Err(format!(
                    "{} payload bytes but no payload offsets",
                    bytes.len()
                ));
            }
            return Ok(Self::default());
        }
        if ends.len() != slots {
            return Err(format!("{} payload offsets for {slots} slots", ends.len()));
        }
        if ends.windows(2).any(|pair| pair[0] > pair[1]) {
            return Err("payload offsets decrease".into());
        }
        if ends.last().copied() != Some(bytes.len() as u64) {
            return Err(format!(
                "payload offsets end at {:?}, but there are {} payload bytes",
                ends.last(),
                bytes.len()
            ));
        }
        Ok(Self { ends, bytes })
    }

    /// Records `payload` for the next slot; `slots_before` is the number of slots already
    /// in use (the new slot's number).
    pub(crate) fn push(&mut self, slots_before: usize, payload: &[u8]) {
        debug_assert!(payload.len() <= PAYLOAD_BYTES_MAX);
        if self.ends.is_empty() {
            if payload.is_empty() {
                return;
            }
            self.ends.resize(slots_before, 0);
        }
        assert_eq!(
            self.ends.len(),
            slots_before,
            "payloads out of step with slots"
        );
        self.bytes.extend_from_slice(payload);
        self.ends.push(self.bytes.len() as u64);
    }

    /// The payload of `slot` (empty when it has none).
    pub(crate) fn get(&self, slot: u32) -> &[u8] {
        let slot = slot as usize;
        if self.ends.is_empty() {
            return &[];
        }
        let start = if slot == 0 { 0 } else { self.ends[slot - 1] };
        &self.bytes[start as usize..self.ends[slot] as usize]
    }

    /// The end offsets (empty when no slot has a payload), for snapshots.
    pub(crate) fn ends(&self) -> &[u64] {
        &self.ends
    }

    /// All payload bytes, for snapshots.
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Bytes held: payloads plus offsets.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.bytes.len() + 8 * self.ends.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_appear_with_the_first_payload() {
        let mut arena = PayloadArena::default();
        arena.push(0, b"");
        arena.push(1, b"");
        assert_eq!(arena.memory_bytes(), 0);
        arena.push(2, b"abc");
        arena.push(3, b"");
        arena.push(4, b"de");
        assert_eq!(arena.ends(), &[0, 0, 3, 3, 5]);
        let got: Vec<&[u8]> = (0..5).map(|s| arena.get(s)).collect();
        assert_eq!(got, [&b""[..], b"", b"abc", b"", b"de"]);
        let again = PayloadArena::from_parts(arena.ends().to_vec(), arena.bytes().to_vec(), 5)
            .expect("round trip");
        assert_eq!(again.get(4), b"de");
    }

    #[test]
    fn inconsistent_parts_are_refused() {
        assert!(PayloadArena::from_parts(vec![], vec![1], 0).is_err());
        assert!(PayloadArena::from_parts(vec![1, 2], vec![1, 2], 3).is_err());
        assert!(PayloadArena::from_parts(vec![2, 1], vec![1, 2], 2).is_err());
        assert!(PayloadArena::from_parts(vec![1, 2], vec![1, 2, 3], 2).is_err());
        assert!(PayloadArena::from_parts(vec![1, 3], vec![1, 2, 3], 2).is_ok());
        assert!(PayloadArena::from_parts(vec![], vec![], 7).is_ok());
    }
}
