//! Labels and filters: the structured part of a point that searches can select on.
//!
//! A point carries up to [`LABELS_PER_POINT_MAX`] labels, u64 values an application assigns
//! (a category, a tenant, a language, ...). They are kept sorted and deduplicated. A
//! [`Filter`] selects points by label: all of some, any of others, none of a third set.

use crate::error::{Error, Result};

/// Most labels one point may carry. The protocol's limit (`LABELS_PER_POINT_MAX` in
/// corevec-proto) must not exceed this.
pub const LABELS_PER_POINT_MAX: usize = 64;
/// Most labels one filter may name (its three lists together).
pub const FILTER_LABELS_MAX: usize = 256;

/// Which points a search may return. A point matches when it has every label of `all_of`,
/// at least one of `any_of` (when `any_of` is not empty) and none of `none_of`; an empty
/// filter matches every point.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Labels a point must all have.
    pub all_of: Vec<u64>,
    /// Labels of which a point must have at least one (ignored when empty).
    pub any_of: Vec<u64>,
    /// Labels a point must not have.
    pub none_of: Vec<u64>,
}

impl Filter {
    /// Checks the size and sorts and deduplicates each list (what [`Filter::matches`]
    /// expects).
    ///
    /// # Errors
    /// `InvalidArgument` when the lists name more than [`FILTER_LABELS_MAX`] labels.
    pub fn normalized(mut self) -> Result<Filter> {
        let total = self.all_of.len() + self.any_of.len() + self.none_of.len();
        if total > FILTER_LABELS_MAX {
            return Err(Error::InvalidArgument(format!(
                "a filter names {total} labels; at most {FILTER_LABELS_MAX}"
            )));
        }
        for list in [&mut self.all_of, &mut self.any_of, &mut self.none_of] {
            list.sort_unstable();
            list.dedup();
        }
        Ok(self)
    }

    /// True when the filter selects every point.
    pub fn is_empty(&self) -> bool {
        self.all_of.is_empty() && self.any_of.is_empty() && self.none_of.is_empty()
    }

    /// Whether a point with `labels` (sorted, deduplicated) matches this normalized filter.
    #[inline]
    pub fn matches(&self, labels: &[u64]) -> bool {
        debug_assert!(
            labels.windows(2).all(|w| w[0] < w[1]),
            "labels not normalized"
        );
        let has = |label: &u64| labels.binary_search(label).is_ok();
        self.all_of.iter().all(has) && self.any_of_matches(labels) && !self.none_of.iter().any(has)
    }

    /// Whether `labels` meet `any_of` (true when it is empty). Searches the shorter list in
    /// the longer: a numeric range expressed as labels (PROTOCOL.md, section 11) puts up to
    /// 224 labels in `any_of`, against a point's few.
    #[inline]
    fn any_of_matches(&self, labels: &[u64]) -> bool {
        if self.any_of.is_empty() {
            return true;
        }
        if self.any_of.len() <= labels.len() {
            self.any_of.iter().any(|l| labels.binary_search(l).is_ok())
        } else {
            debug_assert!(
                self.any_of.windows(2).all(|w| w[0] < w[1]),
                "filter not normalized"
            );
            labels.iter().any(|l| self.any_of.binary_search(l).is_ok())
        }
    }
}

/// A point's labels as the engine keeps them: sorted and deduplicated.
///
/// # Errors
/// `InvalidArgument` when more than [`LABELS_PER_POINT_MAX`] labels are given (duplicates
/// count: the limit applies to what the client sent).
pub fn normalize_labels(labels: &[u64]) -> Result<Vec<u64>> {
    if labels.len() > LABELS_PER_POINT_MAX {
        return Err(Error::InvalidArgument(format!(
            "{} labels on one point; at most {LABELS_PER_POINT_MAX}",
            labels.len()
        )));
    }
    let mut labels = labels.to_vec();
    labels.sort_unstable();
    labels.dedup();
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(all_of: &[u64], any_of: &[u64], none_of: &[u64]) -> Filter {
        Filter {
            all_of: all_of.to_vec(),
            any_of: any_of.to_vec(),
            none_of: none_of.to_vec(),
        }
        .normalized()
        .unwrap()
    }

    #[test]
    fn matching_follows_all_any_none() {
        let point = [2, 5, 9];
        assert!(filter(&[], &[], &[]).matches(&point));
        assert!(filter(&[], &[], &[]).matches(&[]));
        assert!(filter(&[9, 2, 2], &[], &[]).matches(&point));
        assert!(!filter(&[2, 3], &[], &[]).matches(&point));
        assert!(filter(&[], &[1, 5], &[]).matches(&point));
        assert!(!filter(&[], &[1, 6], &[]).matches(&point));
        assert!(!filter(&[], &[1], &[]).matches(&[]));
        assert!(!filter(&[], &[], &[9]).matches(&point));
        assert!(filter(&[], &[], &[9]).matches(&[]));
        assert!(filter(&[5], &[7, 9], &[3]).matches(&point));
        assert!(!filter(&[5], &[7, 9], &[2]).matches(&point));
        // An any_of longer than the point's labels is searched the other way round.
        let long: Vec<u64> = (10..200).chain([9]).collect();
        assert!(filter(&[], &long, &[]).matches(&point));
        assert!(!filter(&[], &long[..190], &[]).matches(&point));
        assert!(!filter(&[2], &long, &[5]).matches(&point));
    }

    #[test]
    fn limits_count_what_was_sent() {
        assert_eq!(normalize_labels(&[3, 1, 3]).unwrap(), vec![1, 3]);
        assert!(normalize_labels(&[7; LABELS_PER_POINT_MAX]).is_ok());
        assert!(matches!(
            normalize_labels(&[7; LABELS_PER_POINT_MAX + 1]),
            Err(Error::InvalidArgument(_))
        ));
        let big = Filter {
            any_of: vec![1; FILTER_LABELS_MAX + 1],
            ..Filter::default()
        };
        assert!(matches!(big.normalized(), Err(Error::InvalidArgument(_))));
    }
}
