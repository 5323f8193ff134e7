//! `SlotArena`: a variable-length list of items per slot, for what a point carries besides
//! its vector: its payload (`PayloadArena`, bytes) and its labels (`LabelArena`, u64s).
//!
//! Append-only per slot, like vectors: an upsert appends the new slot's items, and a replaced
//! or deleted slot keeps them until compaction copies only the live ones. One item arena plus
//! one end offset per slot, so a shard holds no per-point heap allocations. A shard whose
//! points never had any item keeps no offsets at all.

/// Largest payload of one point. The protocol's limit (`PAYLOAD_BYTES_MAX` in corevec-proto)
/// must not exceed this.
pub const PAYLOAD_BYTES_MAX: usize = 65_536;

/// Per-slot payload bytes.
pub(crate) type PayloadArena = SlotArena<u8>;
/// Per-slot labels (sorted, deduplicated: see `labels.rs`).
pub(crate) type LabelArena = SlotArena<u64>;

/// Per-slot lists of `T`.
#[derive(Debug)]
pub(crate) struct SlotArena<T> {
    /// End of slot `s`'s items in `items` (its start is the previous slot's end); empty
    /// while no slot has an item, then one entry per slot.
    ends: Vec<u64>,
    items: Vec<T>,
}

impl<T> Default for SlotArena<T> {
    fn default() -> Self {
        Self {
            ends: Vec::new(),
            items: Vec::new(),
        }
    }
}

impl<T: Copy> SlotArena<T> {
    /// Rebuilds an arena from a snapshot's parts for `slots` slots.
    ///
    /// # Errors
    /// A description of the inconsistency when `ends` is not a non-decreasing list of
    /// `slots` offsets (or empty) ending at `items.len()`.
    pub(crate) fn from_parts(ends: Vec<u64>, items: Vec<T>, slots: usize) -> Result<Self, String> {
        if ends.is_empty() {
            if !items.is_empty() {
                return Err(format!("{} items but no offsets", items.len()));
            }
            return Ok(Self::default());
        }
        if ends.len() != slots {
            return Err(format!("{} offsets for {slots} slots", ends.len()));
        }
        if ends.windows(2).any(|pair| pair[0] > pair[1]) {
            return Err("offsets decrease".into());
        }
        if ends.last().copied() != Some(items.len() as u64) {
            return Err(format!(
                "offsets end at {:?}, but there are {} items",
                ends.last(),
                items.len()
            ));
        }
        Ok(Self { ends, items })
    }

    /// Records `items` for the next slot; `slots_before` is the number of slots already
    /// in use (the new slot's number).
    pub(crate) fn push(&mut self, slots_before: usize, items: &[T]) {
        if self.ends.is_empty() {
            if items.is_empty() {
                return;
            }
            self.ends.resize(slots_before, 0);
        }
        assert_eq!(
            self.ends.len(),
            slots_before,
            "slot arena out of step with slots"
        );
        self.items.extend_from_slice(items);
        self.ends.push(self.items.len() as u64);
    }

    /// The items of `slot` (empty when it has none).
    #[inline]
    pub(crate) fn get(&self, slot: u32) -> &[T] {
        let slot = slot as usize;
        if self.ends.is_empty() {
            return &[];
        }
        let start = if slot == 0 { 0 } else { self.ends[slot - 1] };
        &self.items[start as usize..self.ends[slot] as usize]
    }

    /// True when no slot has an item.
    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The end offsets (empty when no slot has an item), for snapshots.
    pub(crate) fn ends(&self) -> &[u64] {
        &self.ends
    }

    /// All items, for snapshots.
    pub(crate) fn items(&self) -> &[T] {
        &self.items
    }

    /// Bytes held: items plus offsets.
    pub(crate) fn memory_bytes(&self) -> usize {
        std::mem::size_of_val(self.items.as_slice()) + 8 * self.ends.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_appear_with_the_first_item() {
        let mut arena = PayloadArena::default();
        arena.push(0, b"");
        arena.push(1, b"");
        assert_eq!(arena.memory_bytes(), 0);
        assert!(arena.is_empty());
        arena.push(2, b"abc");
        arena.push(3, b"");
        arena.push(4, b"de");
        assert_eq!(arena.ends(), &[0, 0, 3, 3, 5]);
        let got: Vec<&[u8]> = (0..5).map(|s| arena.get(s)).collect();
        assert_eq!(got, [&b""[..], b"", b"abc", b"", b"de"]);
        let again = PayloadArena::from_parts(arena.ends().to_vec(), arena.items().to_vec(), 5)
            .expect("round trip");
        assert_eq!(again.get(4), b"de");

        let mut labels = LabelArena::default();
        labels.push(0, &[]);
        labels.push(1, &[4, 9]);
        assert_eq!(labels.get(0), &[] as &[u64]);
        assert_eq!(labels.get(1), &[4, 9]);
        assert_eq!(labels.memory_bytes(), 2 * 8 + 2 * 8);
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
