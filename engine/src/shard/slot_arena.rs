//! `SlotArena`: a variable-length list of items per slot, for what a point carries besides
//! its vector: its payload (`PayloadArena`, bytes) and its labels (`LabelArena`, u64s).
//!
//! Append-only per slot, like vectors: an upsert appends the new slot's items, and a replaced
//! or deleted slot keeps them until compaction copies only the live ones. One item arena plus
//! one end offset per slot, so a shard holds no per-point heap allocations. A shard whose
//! points never had any item keeps no offsets at all.
//!
//! SET_PAYLOAD and SET_LABELS replace one slot's items in place ([`SlotArena::replace`]): the
//! new items go to a side table, marked in a per-slot bitmap so that reading an unreplaced
//! slot costs one bit test more, and the arena's own copy stays as garbage. Once the side
//! table holds a quarter of the slots (and at least [`FOLD_MIN`]) it is folded back: the arena
//! is rewritten compactly with the current items, so updates in place never cost more than
//! 1.25x the live items plus two bits per slot. Snapshots write the current items compactly
//! ([`SlotArena::materialized`]). A second bitmap remembers every slot replaced since the
//! arena was built, folded or not, for compaction to carry replacements made while it ran.

use std::borrow::Cow;
use std::collections::HashMap;

/// Largest payload of one point. The protocol's limit (`PAYLOAD_BYTES_MAX` in corevec-proto)
/// must not exceed this.
pub const PAYLOAD_BYTES_MAX: usize = 65_536;

/// Fewest side-table entries before a fold (smaller in unit tests, so that the engine's
/// property tests fold often, compactions included).
pub(crate) const FOLD_MIN: usize = if cfg!(test) { 8 } else { 4096 };

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
    /// One bit per slot whose current items are in `replacements` (empty while none is;
    /// words beyond its end are zero).
    replaced: Vec<u64>,
    /// The current items of the replaced slots.
    replacements: HashMap<u32, Box<[T]>>,
    /// One bit per slot replaced since the arena was built, folded back or not.
    touched: Vec<u64>,
}

impl<T> Default for SlotArena<T> {
    fn default() -> Self {
        Self {
            ends: Vec::new(),
            items: Vec::new(),
            replaced: Vec::new(),
            replacements: HashMap::new(),
            touched: Vec::new(),
        }
    }
}

/// Sets bit `slot` in `bits`, growing it as needed.
fn set_bit(bits: &mut Vec<u64>, slot: u32) {
    let word = slot as usize / 64;
    if bits.len() <= word {
        bits.resize(word + 1, 0);
    }
    bits[word] |= 1 << (slot % 64);
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
        Ok(Self {
            ends,
            items,
            ..Self::default()
        })
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
        if self.is_replaced(slot) {
            return self
                .replacements
                .get(&slot)
                .expect("a slot marked replaced has its items");
        }
        let slot = slot as usize;
        if self.ends.is_empty() {
            return &[];
        }
        let start = if slot == 0 { 0 } else { self.ends[slot - 1] };
        &self.items[start as usize..self.ends[slot] as usize]
    }

    /// Whether `slot`'s current items are in the side table (replaced in place and not
    /// folded back yet).
    #[inline]
    pub(crate) fn is_replaced(&self, slot: u32) -> bool {
        self.replaced
            .get(slot as usize / 64)
            .is_some_and(|word| word & (1 << (slot % 64)) != 0)
    }

    /// Replaces the items of existing slot `slot` (one of the first `slots`, which the arena
    /// holds), in place: later [`Self::get`]s return `items`. Folds the side table back into
    /// the arena once it holds a quarter of the slots.
    pub(crate) fn replace(&mut self, slot: u32, slots: u32, items: &[T]) {
        assert!(
            slot < slots,
            "slot {slot} replaced beyond the {slots} in use"
        );
        debug_assert!(self.ends.is_empty() || self.ends.len() == slots as usize);
        set_bit(&mut self.replaced, slot);
        set_bit(&mut self.touched, slot);
        self.replacements.insert(slot, items.into());
        if self.replacements.len() >= FOLD_MIN && 4 * self.replacements.len() >= slots as usize {
            self.fold(slots);
        }
    }

    /// Rewrites the arena compactly with every slot's current items and empties the side
    /// table (one pass over the items; the touched bitmap stays).
    fn fold(&mut self, slots: u32) {
        let (ends, items) = self.materialized(slots);
        let (ends, items) = (ends.into_owned(), items.into_owned());
        self.ends = ends;
        self.items = items;
        self.replaced = Vec::new();
        self.replacements = HashMap::new();
    }

    /// The slots replaced in place since the arena was built (folded back or not), ascending.
    pub(crate) fn replaced_slots(&self) -> impl Iterator<Item = u32> + '_ {
        (0u32..)
            .step_by(64)
            .zip(&self.touched)
            .flat_map(|(base, &word)| {
                (0..64)
                    .filter(move |bit| word & (1u64 << bit) != 0)
                    .map(move |bit| base + bit)
            })
    }

    /// True when no slot has an item.
    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty() && self.replacements.values().all(|items| items.is_empty())
    }

    /// The arena's own end offsets (empty when no slot was pushed an item), without the
    /// replacements.
    pub(crate) fn ends(&self) -> &[u64] {
        &self.ends
    }

    /// The end offsets and items of the first `slots` slots as [`Self::get`] sees them, for
    /// snapshots: the arena's own when nothing was replaced, else a compact copy. The offsets
    /// are empty when no slot has an item.
    pub(crate) fn materialized(&self, slots: u32) -> (Cow<'_, [u64]>, Cow<'_, [T]>) {
        if self.replacements.is_empty() {
            return (Cow::Borrowed(&self.ends), Cow::Borrowed(&self.items));
        }
        if self.is_empty() {
            return (Cow::Owned(Vec::new()), Cow::Owned(Vec::new()));
        }
        let mut ends = Vec::with_capacity(slots as usize);
        let mut items = Vec::with_capacity(self.items.len());
        for slot in 0..slots {
            items.extend_from_slice(self.get(slot));
            ends.push(items.len() as u64);
        }
        (Cow::Owned(ends), Cow::Owned(items))
    }

    /// Bytes held: items plus offsets, and the replaced slots' items and bookkeeping.
    pub(crate) fn memory_bytes(&self) -> usize {
        let replacements: usize = self
            .replacements
            .values()
            .map(|items| std::mem::size_of_val(&**items) + 32)
            .sum();
        std::mem::size_of_val(self.items.as_slice())
            + 8 * self.ends.len()
            + 8 * (self.replaced.len() + self.touched.len())
            + replacements
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
        let (ends, items) = arena.materialized(5);
        let again = PayloadArena::from_parts(ends.to_vec(), items.to_vec(), 5).expect("round trip");
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

    #[test]
    fn replaced_items_are_read_listed_and_materialized() {
        let mut arena = PayloadArena::default();
        arena.push(0, b"");
        arena.push(1, b"");
        // Replacing in an arena that never had an item.
        arena.replace(1, 2, b"one");
        assert!(!arena.is_empty());
        assert_eq!((arena.get(0), arena.get(1)), (&b""[..], &b"one"[..]));
        arena.push(2, b"two");
        arena.push(3, b"three");
        arena.replace(3, 4, b"");
        arena.replace(1, 4, b"ONE");
        assert_eq!(arena.replaced_slots().collect::<Vec<_>>(), [1, 3]);
        let got: Vec<&[u8]> = (0..4).map(|s| arena.get(s)).collect();
        assert_eq!(got, [&b""[..], b"ONE", b"two", b""]);
        let (ends, items) = arena.materialized(4);
        assert_eq!((&ends[..], &items[..]), (&[0, 3, 6, 6][..], &b"ONEtwo"[..]));
        let again = PayloadArena::from_parts(ends.to_vec(), items.to_vec(), 4).unwrap();
        assert_eq!((0..4).map(|s| again.get(s)).collect::<Vec<_>>(), got);
        assert!(arena.memory_bytes() > again.memory_bytes());
        // Slot 64 and beyond: the bitmap grows.
        for slot in 4..70 {
            arena.push(slot, b"x");
        }
        arena.replace(69, 70, b"y");
        assert!(!arena.is_replaced(68) && arena.is_replaced(69));
        assert_eq!(arena.get(69), b"y");
    }

    #[test]
    fn a_full_side_table_is_folded_back() {
        let slots = 4 * FOLD_MIN as u32;
        let mut arena = LabelArena::default();
        for slot in 0..slots {
            arena.push(slot as usize, &[u64::from(slot)]);
        }
        let before = arena.memory_bytes();
        // One replacement short of a quarter of the slots: all in the side table.
        for slot in 0..slots / 4 - 1 {
            arena.replace(slot, slots, &[1, 2, u64::from(slot)]);
        }
        assert_eq!(arena.replacements.len(), FOLD_MIN - 1);
        assert!(arena.is_replaced(0));
        // The next one folds: the arena holds the current items, the side table is empty,
        // and every replaced slot is still listed for compaction.
        arena.replace(slots - 1, slots, &[]);
        assert!(arena.replacements.is_empty() && !arena.is_replaced(0));
        assert_eq!(arena.get(0), &[1, 2, 0]);
        assert_eq!(arena.get(slots / 4), &[u64::from(slots / 4)]);
        assert_eq!(arena.get(slots - 1), &[] as &[u64]);
        assert_eq!(arena.replaced_slots().count() as u32, slots / 4);
        assert_eq!(arena.replaced_slots().last(), Some(slots - 1));
        let (ends, _) = arena.materialized(slots);
        assert!(
            matches!(ends, Cow::Borrowed(_)),
            "nothing left to materialize"
        );
        assert!(arena.memory_bytes() < before + before / 2);
    }
}
