//! The labels `ingest` gives each base row, and the rows `truth` keeps for a filter: one
//! definition for both, so a filtered truth file describes exactly what was ingested.
//!
//! Row `r` (the 0-based row index in the dataset, not the id: `--id-offset` does not change
//! it) carries
//! - with `--label-modulus N` (N > 0): the label `r % N`;
//! - with `--range-key-max M` (M > 0): the eight range labels
//!   `point_labels(RANGE_FIELD, range_key(r, M))` (see [`range_key`]; PROTOCOL.md section 11),
//!   so a `--range-u32 LO..=HI` query (`any_of = cover(0, LO, HI)`) matches exactly the rows
//!   whose key lies in `LO..=HI`.
//!
//! Both combine (at most 9 labels per point, well under `LABELS_PER_POINT_MAX`). Nothing here
//! is seeded: a row's labels depend only on `r`, `N` and `M`.

use std::fmt;
use std::str::FromStr;

use corevec_client::Filter;
use corevec_proto::range::{point_labels, LEVELS};

/// The range-label field the load generator uses.
pub const RANGE_FIELD: u8 = 0;

/// splitmix64's output function (Steele, Lea and Flood): `x` plus the golden-ratio increment,
/// mixed. `splitmix64(0) = 0xE220_A839_7B1D_CDAF`, the generator's first output from state 0.
#[must_use]
pub const fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The key of row `row` in [`RANGE_FIELD`]: `splitmix64(row) % (key_max + 1)`, uniform over
/// `0..=key_max` (the modulo bias is below `2^-31` relative; none for `key_max = u32::MAX`).
#[must_use]
pub const fn range_key(row: u64, key_max: u32) -> u32 {
    // The remainder is at most `key_max`, so it fits.
    (splitmix64(row) % (key_max as u64 + 1)) as u32
}

/// What `ingest` attaches to every row (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowLabels {
    /// Row `r` gets the label `r % label_modulus` (0: none).
    pub label_modulus: u64,
    /// Row `r` gets the range labels of [`range_key`]`(r, range_key_max)` (0: none).
    pub range_key_max: u32,
}

impl RowLabels {
    /// Labels per row: 0, 1, 8 or 9.
    #[must_use]
    pub const fn per_row(&self) -> usize {
        (self.label_modulus > 0) as usize + if self.range_key_max > 0 { LEVELS } else { 0 }
    }

    /// Row `row`'s key in [`RANGE_FIELD`], `None` without range labels.
    #[must_use]
    pub const fn key(&self, row: u64) -> Option<u32> {
        if self.range_key_max > 0 {
            Some(range_key(row, self.range_key_max))
        } else {
            None
        }
    }

    /// Append row `row`'s labels to `out` ([`Self::per_row`] of them): the modulus label first.
    pub fn extend(&self, row: u64, out: &mut Vec<u64>) {
        if self.label_modulus > 0 {
            out.push(row % self.label_modulus);
        }
        if let Some(key) = self.key(row) {
            out.extend_from_slice(&point_labels(RANGE_FIELD, key));
        }
    }

    /// Row `row`'s labels.
    #[must_use]
    pub fn labels(&self, row: u64) -> Vec<u64> {
        let mut out = Vec::with_capacity(self.per_row());
        self.extend(row, &mut out);
        out
    }
}

/// An inclusive, non-empty range of keys in [`RANGE_FIELD`]: `--range-u32 LO..=HI`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyRange {
    /// Smallest key in the range.
    pub lo: u32,
    /// Largest key in the range (`>= lo`).
    pub hi: u32,
}

impl KeyRange {
    /// Whether `key` lies in `lo..=hi`.
    #[must_use]
    pub const fn contains(&self, key: u32) -> bool {
        self.lo <= key && key <= self.hi
    }
}

impl fmt::Display for KeyRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..={}", self.lo, self.hi)
    }
}

impl FromStr for KeyRange {
    type Err = String;

    /// `LO..=HI`, decimal `u32`s, `LO <= HI`.
    fn from_str(s: &str) -> Result<KeyRange, String> {
        let Some((lo, hi)) = s.split_once("..=") else {
            return Err(format!(
                "{s:?} is not an inclusive range LO..=HI (e.g. 0..=429496729)"
            ));
        };
        let bound = |text: &str, which: &str| {
            text.trim().parse::<u32>().map_err(|e| {
                format!("{which} bound {text:?} of {s:?} is not a key in 0..=4294967295: {e}")
            })
        };
        let (lo, hi) = (bound(lo, "lower")?, bound(hi, "upper")?);
        if lo > hi {
            return Err(format!(
                "{s:?} is empty (lower bound above upper bound): it would match no point"
            ));
        }
        Ok(KeyRange { lo, hi })
    }
}

/// The rows `0..rows` whose labels (as `labels` gives them) match `filter` and, with `range`,
/// whose key lies in it: the rows a search with `filter.with_range(RANGE_FIELD, lo, hi)`
/// (or `filter` alone) may return. `range` needs `labels.range_key_max > 0` (rows without a
/// key never match a range).
#[must_use]
pub fn matching_rows(
    rows: usize,
    labels: &RowLabels,
    filter: &Filter,
    range: Option<KeyRange>,
) -> Vec<usize> {
    let mut buf = Vec::with_capacity(labels.per_row());
    (0..rows)
        .filter(|&r| {
            let row = r as u64;
            let in_range =
                range.is_none_or(|range| labels.key(row).is_some_and(|k| range.contains(k)));
            in_range && {
                buf.clear();
                labels.extend(row, &mut buf);
                filter.matches(&buf)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use corevec_proto::range::{cover, is_range_label};

    use super::*;

    /// Frozen: `truth` files made before a change must still describe what `ingest` stores.
    #[test]
    fn the_range_key_is_frozen() {
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(range_key(0, u32::MAX), 0x7B1D_CDAF);
        let pinned: Vec<u32> = (0..6).map(|r| range_key(r, u32::MAX)).collect();
        assert_eq!(pinned, PINNED_FULL);
        let pinned: Vec<u32> = (0..6).map(|r| range_key(r, 999)).collect();
        assert_eq!(pinned, PINNED_999);
        assert_eq!(range_key(12_345, 0), 0);
        assert_eq!(range_key(12_345, 1), (splitmix64(12_345) & 1) as u32);
    }

    /// Rows 0..6 with `key_max = u32::MAX` and 999 (checked against an independent Python
    /// splitmix64).
    const PINNED_FULL: [u32; 6] = [
        2_065_550_767,
        2_298_633_409,
        479_680_206,
        3_674_312_685,
        3_795_028_682,
        2_743_714_650,
    ];
    const PINNED_999: [u32; 6] = [535, 465, 110, 53, 978, 618];

    #[test]
    fn range_keys_are_uniform_over_their_span() {
        let rows = 100_000u64;
        for key_max in [1u32, 9, 999, u32::MAX] {
            assert!((0..rows).all(|r| range_key(r, key_max) <= key_max));
        }
        let mut counts = [0u32; 10];
        for r in 0..rows {
            counts[range_key(r, 9) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_500..=10_500).contains(&c)),
            "{counts:?}"
        );
        let tenth = (0..rows)
            .filter(|&r| range_key(r, u32::MAX) <= u32::MAX / 10)
            .count();
        assert!((9_500..=10_500).contains(&tenth), "{tenth}");
        let top = (0..rows)
            .filter(|&r| range_key(r, u32::MAX) > u32::MAX - u32::MAX / 100)
            .count();
        assert!((850..=1_150).contains(&top), "{top}");
    }

    #[test]
    fn row_labels_combine_the_modulus_and_the_range_labels() {
        let none = RowLabels::default();
        assert_eq!((none.per_row(), none.labels(7)), (0, vec![]));
        assert_eq!(none.key(7), None);
        let modulus = RowLabels {
            label_modulus: 10,
            range_key_max: 0,
        };
        assert_eq!((modulus.per_row(), modulus.labels(23)), (1, vec![3]));
        let both = RowLabels {
            label_modulus: 10,
            range_key_max: u32::MAX,
        };
        let labels = both.labels(23);
        assert_eq!(both.per_row(), 9);
        assert_eq!(labels[0], 3);
        assert_eq!(
            labels[1..],
            point_labels(0, range_key(23, u32::MAX))[..],
            "the range labels of field 0"
        );
        assert!(labels[1..].iter().all(|&l| is_range_label(l)));
        let range_only = RowLabels {
            label_modulus: 0,
            range_key_max: 999,
        };
        assert_eq!(range_only.labels(5), point_labels(0, range_key(5, 999)));
        assert_eq!(range_only.key(5), Some(range_key(5, 999)));
    }

    #[test]
    fn ranges_parse_and_refuse_clearly() {
        let ok = |s: &str| s.parse::<KeyRange>().expect(s);
        assert_eq!(
            ok("0..=429496729"),
            KeyRange {
                lo: 0,
                hi: 429_496_729
            }
        );
        assert_eq!(ok("5..=5"), KeyRange { lo: 5, hi: 5 });
        assert_eq!(ok(" 1 ..= 2 "), KeyRange { lo: 1, hi: 2 });
        assert_eq!(
            ok("0..=4294967295"),
            KeyRange {
                lo: 0,
                hi: u32::MAX
            }
        );
        assert_eq!(ok("7..=9").to_string(), "7..=9");
        let err = |s: &str| s.parse::<KeyRange>().expect_err(s);
        assert!(err("3..=2").contains("empty"), "{}", err("3..=2"));
        assert!(err("1..2").contains("LO..=HI"));
        assert!(err("12").contains("LO..=HI"));
        assert!(err("").contains("LO..=HI"));
        assert!(err("a..=2").contains("lower bound"));
        assert!(err("1..=").contains("upper bound"));
        assert!(err("-1..=3").contains("lower bound"));
        assert!(err("0..=4294967296").contains("upper bound"));
        assert!(err("0..=1..=2").contains("upper bound"));
        let r = ok("10..=20");
        assert!(r.contains(10) && r.contains(20) && r.contains(15));
        assert!(!r.contains(9) && !r.contains(21));
    }

    /// What `truth` keeps is what the server's filter matches: for many rows, every row is in
    /// `matching_rows` exactly when `Filter::with_range(...).matches` its labels.
    #[test]
    fn truth_keeps_exactly_the_rows_the_range_filter_matches() {
        let rows = 20_000;
        let mut checked = 0;
        for key_max in [999u32, 65_535, u32::MAX] {
            let labels = RowLabels {
                label_modulus: 10,
                range_key_max: key_max,
            };
            let k = u64::from(key_max);
            let ranges = [
                (0, key_max),
                (0, (k / 10) as u32),
                (0, (k / 100) as u32),
                ((k / 3) as u32, (k / 3 + k / 10) as u32),
                (17, 17),
                (key_max / 2, key_max / 2),
                (key_max - 15, key_max),
                (1, key_max - 1),
            ];
            let label_filters = [
                Filter::default(),
                Filter {
                    all_of: vec![3],
                    ..Filter::default()
                },
                Filter {
                    none_of: vec![0, 1, 2],
                    ..Filter::default()
                },
            ];
            for (lo, hi) in ranges {
                let range = KeyRange { lo, hi };
                for base in &label_filters {
                    let server = base.clone().with_range(RANGE_FIELD, lo, hi).expect("range");
                    assert_eq!(server.any_of.last(), Some(&cover(RANGE_FIELD, lo, hi)));
                    let want: Vec<usize> = (0..rows)
                        .filter(|&r| server.matches(&labels.labels(r as u64)))
                        .collect();
                    let got = matching_rows(rows, &labels, base, Some(range));
                    assert_eq!(
                        got, want,
                        "range {range}, filter {base:?}, key_max {key_max}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 72);
        // Without a range, the label filter alone (the existing `--label-modulus` truth).
        let labels = RowLabels {
            label_modulus: 10,
            range_key_max: 0,
        };
        let all3 = Filter {
            all_of: vec![3],
            ..Filter::default()
        };
        let got = matching_rows(100, &labels, &all3, None);
        assert_eq!(got, (0..100).filter(|r| r % 10 == 3).collect::<Vec<_>>());
        // Rows without keys never match a range.
        assert!(matching_rows(
            100,
            &labels,
            &Filter::default(),
            Some(KeyRange {
                lo: 0,
                hi: u32::MAX
            })
        )
        .is_empty());
    }
}
