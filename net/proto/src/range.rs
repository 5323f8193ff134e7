//! Range labels: numeric range filters expressed with labels (PROTOCOL.md, section 11).
//!
//! A point carries a 32-bit value of a numeric *field* (0..=255) as [`LEVELS`] labels, the
//! value's prefixes of 32, 28, ..., 4 bits (level `l` keeps `value >> 4·l`). A range
//! `lo..=hi` is the union of at most [`COVER_LABELS_MAX`] such prefixes: whole 16-value
//! blocks at the coarsest level that fits, and single prefixes at the edges, as Lucene's
//! trie-encoded numeric fields do (precision step 4). A filter whose `any_of` is the cover
//! matches exactly the points whose value lies in the range, so range filters need nothing
//! from the server: the labels go through the WAL, snapshots, compaction, the router and the
//! filter planner like any other.
//!
//! Values are `u32` keys; [`key_i32`] and [`key_f32`] map signed integers and floats to keys
//! in the same order. Labels with the top 20 bits [`TAG`] are reserved for range labels: a
//! label of the application's own in that space could be taken for a range label.
//!
//! Pure functions, no I/O; the Python client has the same ones (`corevec.range_labels`),
//! checked against the same golden values.

/// Levels (labels per point per field): 32 bits in steps of 4.
pub const LEVELS: usize = 8;
/// The top 20 bits of every range label.
pub const TAG: u64 = 0xF_FFFE << 44;
/// Most labels a cover holds: up to 15 edge prefixes per side on each of the seven finer
/// levels, and between them at most 14 of the 16 top-level prefixes (7 · 30 + 14; a range
/// with no edge at some side has fewer). `cover(f, 1, u32::MAX - 1)` reaches it.
pub const COVER_LABELS_MAX: usize = 224;

/// The label of `prefix` at `level` of `field`: `TAG | field << 36 | level << 32 | prefix`.
///
/// # Panics
/// When `level >= LEVELS`.
#[must_use]
pub const fn label(field: u8, level: u32, prefix: u32) -> u64 {
    assert!((level as usize) < LEVELS, "range label level out of range");
    TAG | (field as u64) << 36 | (level as u64) << 32 | prefix as u64
}

/// Whether `label` is in the range-label space.
#[must_use]
pub const fn is_range_label(label: u64) -> bool {
    label >> 44 == TAG >> 44
}

/// The field of a range label; `None` for a label outside the range-label space.
#[must_use]
pub const fn field_of(label: u64) -> Option<u8> {
    if is_range_label(label) {
        Some((label >> 36) as u8)
    } else {
        None
    }
}

/// The labels a point with `key` in `field` carries: one per level, finest first.
#[must_use]
pub fn point_labels(field: u8, key: u32) -> [u64; LEVELS] {
    std::array::from_fn(|level| label(field, level as u32, key >> (4 * level)))
}

/// The labels of which a point carries one exactly when its key in `field` is in
/// `lo..=hi`: use them as a filter's `any_of`. Empty when `lo > hi` (an empty range; do not
/// send an empty `any_of`, which matches every point). At most [`COVER_LABELS_MAX`].
#[must_use]
pub fn cover(field: u8, lo: u32, hi: u32) -> Vec<u64> {
    let mut out = Vec::new();
    if lo > hi {
        return out;
    }
    // Half-open [lo, hi) in units of 16^level.
    let (mut lo, mut hi) = (u64::from(lo), u64::from(hi) + 1);
    for level in 0..LEVELS as u32 {
        if lo >= hi {
            break;
        }
        if level as usize == LEVELS - 1 {
            out.extend((lo..hi).map(|prefix| label(field, level, prefix as u32)));
            break;
        }
        while lo < hi && lo % 16 != 0 {
            out.push(label(field, level, lo as u32));
            lo += 1;
        }
        while lo < hi && hi % 16 != 0 {
            hi -= 1;
            out.push(label(field, level, hi as u32));
        }
        lo /= 16;
        hi /= 16;
    }
    debug_assert!(out.len() <= COVER_LABELS_MAX);
    out
}

/// The key of an `i32`, in the same order (the sign bit flipped).
#[must_use]
pub const fn key_i32(value: i32) -> u32 {
    (value as u32) ^ 0x8000_0000
}

/// The key of an `f32`, in the same order (`-0.0` and `0.0` share one key); `None` for NaN.
#[must_use]
pub fn key_f32(value: f32) -> Option<u32> {
    if value.is_nan() {
        return None;
    }
    let bits = if value == 0.0 { 0 } else { value.to_bits() };
    Some(if bits >> 31 == 1 {
        !bits
    } else {
        bits | 0x8000_0000
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn matches(field: u8, key: u32, lo: u32, hi: u32) -> bool {
        let cover = cover(field, lo, hi);
        point_labels(field, key).iter().any(|l| cover.contains(l))
    }

    /// Frozen values: the Python client's tests check the same ones.
    #[test]
    fn labels_and_covers_are_frozen() {
        assert_eq!(label(0, 0, 0), 0xFFFF_E000_0000_0000);
        assert_eq!(label(3, 7, 0xF), 0xFFFF_E037_0000_000F);
        assert_eq!(
            point_labels(1, 0x1234_5678),
            [
                0xFFFF_E010_1234_5678,
                0xFFFF_E011_0123_4567,
                0xFFFF_E012_0012_3456,
                0xFFFF_E013_0001_2345,
                0xFFFF_E014_0000_1234,
                0xFFFF_E015_0000_0123,
                0xFFFF_E016_0000_0012,
                0xFFFF_E017_0000_0001,
            ]
        );
        assert_eq!(cover(2, 5, 5), vec![label(2, 0, 5)]);
        assert_eq!(
            cover(2, 14, 33),
            vec![
                label(2, 0, 14),
                label(2, 0, 15),
                label(2, 0, 33),
                label(2, 0, 32),
                label(2, 1, 1),
            ]
        );
        assert_eq!(cover(0, 0, u32::MAX).len(), 16);
        assert_eq!(cover(0, 1, u32::MAX - 1).len(), COVER_LABELS_MAX);
        assert!(cover(0, 9, 8).is_empty());
        assert_eq!(key_i32(i32::MIN), 0);
        assert_eq!(key_i32(-1), 0x7FFF_FFFF);
        assert_eq!(key_i32(0), 0x8000_0000);
        assert_eq!(key_f32(-0.0), key_f32(0.0));
        assert_eq!(key_f32(1.0), Some(0xBF80_0000));
        assert_eq!(key_f32(-1.0), Some(0x407F_FFFF));
        assert_eq!(key_f32(f32::NAN), None);
        assert!(is_range_label(label(255, 7, u32::MAX)));
        assert_eq!(field_of(label(200, 3, 9)), Some(200));
        assert_eq!(field_of(42), None);
        assert!(!is_range_label(0xFFFF_F000_0000_0000));
        assert!(!is_range_label(42));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// A key is in the range exactly when the point's labels meet the cover; the cover is
        /// never larger than its bound and never repeats a label.
        #[test]
        fn a_cover_matches_exactly_the_keys_in_its_range(
            field in any::<u8>(),
            a in prop_oneof![any::<u32>(), 0u32..300, (u32::MAX - 300)..=u32::MAX],
            b in prop_oneof![any::<u32>(), 0u32..300, (u32::MAX - 300)..=u32::MAX],
            keys in prop::collection::vec(any::<u32>(), 8),
        ) {
            let (lo, hi) = (a.min(b), a.max(b));
            let cover = cover(field, lo, hi);
            prop_assert!(!cover.is_empty() && cover.len() <= COVER_LABELS_MAX);
            let mut unique = cover.clone();
            unique.sort_unstable();
            unique.dedup();
            prop_assert_eq!(unique.len(), cover.len());
            prop_assert!(cover.iter().all(|&l| is_range_label(l)));
            let edges = [lo, hi, lo.wrapping_sub(1), hi.wrapping_add(1), lo / 2 + hi / 2];
            for key in keys.into_iter().chain(edges) {
                prop_assert_eq!(matches(field, key, lo, hi), (lo..=hi).contains(&key), "key {}", key);
            }
            // Another field's labels never meet it.
            let other = field.wrapping_add(1);
            prop_assert!(!point_labels(other, lo).iter().any(|l| cover.contains(l)));
        }

        /// Keys keep the order of the values they encode.
        #[test]
        fn keys_keep_the_order_of_their_values(a in any::<i32>(), b in any::<i32>(), x in any::<f32>(), y in any::<f32>()) {
            prop_assert_eq!(a.cmp(&b), key_i32(a).cmp(&key_i32(b)));
            if let (Some(kx), Some(ky)) = (key_f32(x), key_f32(y)) {
                prop_assert_eq!(x.partial_cmp(&y), Some(kx.cmp(&ky)));
            }
        }
    }
}
