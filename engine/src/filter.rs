//! Labels and filters: the structured part of a point that searches can select on.
//!
//! A point carries up to [`LABELS_PER_POINT_MAX`] labels, u64 values an application assigns
//! (a category, a tenant, a language, ...). They are kept sorted and deduplicated. A
//! [`Filter`] selects points by label: all of some, at least one of each of a few groups, none
//! of a third set.

use crate::error::{Error, Result};

/// Most labels one point may carry. The protocol's limit (`LABELS_PER_POINT_MAX` in
/// corevec-proto) must not exceed this.
pub const LABELS_PER_POINT_MAX: usize = 64;
/// Most labels one filter may name (`all_of`, every `any_of` group and `none_of` together).
pub const FILTER_LABELS_MAX: usize = 1024;
/// Most `any_of` groups in one filter.
pub const FILTER_GROUPS_MAX: usize = 8;

/// Which points a search may return. A point matches when it has every label of `all_of`,
/// at least one label of every `any_of` group, and none of `none_of`; an empty filter matches
/// every point. So `all_of [a]`, groups `[b, c]` and `[d, e]` mean `a ∧ (b ∨ c) ∧ (d ∨ e)`: a
/// numeric range (a cover of range labels) is one group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Labels a point must all have.
    pub all_of: Vec<u64>,
    /// Groups of labels: a point must have at least one label of each (none: no condition).
    pub any_of: Vec<Vec<u64>>,
    /// Labels a point must not have.
    pub none_of: Vec<u64>,
}

impl Filter {
    /// Checks the sizes and sorts and deduplicates each list (what [`Filter::matches`]
    /// expects).
    ///
    /// # Errors
    /// `InvalidArgument` when the lists name more than [`FILTER_LABELS_MAX`] labels, there
    /// are more than [`FILTER_GROUPS_MAX`] groups, or a group is empty (it would match no
    /// point).
    pub fn normalized(mut self) -> Result<Filter> {
        let total = self.all_of.len()
            + self.any_of.iter().map(Vec::len).sum::<usize>()
            + self.none_of.len();
        if total > FILTER_LABELS_MAX {
            return Err(Error::InvalidArgument(format!(
                "a filter names {total} labels; at most {FILTER_LABELS_MAX}"
            )));
        }
        if self.any_of.len() > FILTER_GROUPS_MAX {
            return Err(Error::InvalidArgument(format!(
                "a filter has {} any_of groups; at most {FILTER_GROUPS_MAX}",
                self.any_of.len()
            )));
        }
        if self.any_of.iter().any(Vec::is_empty) {
            return Err(Error::InvalidArgument(
                "a filter has an empty any_of group, which matches no point".into(),
            ));
        }
        let groups = self.any_of.iter_mut();
        for list in [&mut self.all_of, &mut self.none_of]
            .into_iter()
            .chain(groups)
        {
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
        self.all_of.iter().all(has)
            && self.any_of.iter().all(|group| meets(group, labels))
            && !self.none_of.iter().any(has)
    }
}

/// Whether `labels` hold one label of `group` (both sorted). Searches the shorter list in the
/// longer: a numeric range expressed as labels (PROTOCOL.md, section 11) is a group of up to
/// 224 labels, against a point's few, and only the point's labels within the group's span are
/// searched (the labels of its other range fields and its own labels lie outside it).
#[inline]
fn meets(group: &[u64], labels: &[u64]) -> bool {
    if group.len() <= labels.len() {
        return group.iter().any(|l| labels.binary_search(l).is_ok());
    }
    debug_assert!(
        group.windows(2).all(|w| w[0] < w[1]),
        "filter not normalized"
    );
    let (Some(&first), Some(&last)) = (group.first(), group.last()) else {
        return false;
    };
    let within = &labels[labels.partition_point(|&l| l < first)..];
    within[..within.partition_point(|&l| l <= last)]
        .iter()
        .any(|l| group.binary_search(l).is_ok())
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
        grouped(
            all_of,
            &[any_of]
                .into_iter()
                .filter(|g| !g.is_empty())
                .collect::<Vec<_>>(),
            none_of,
        )
    }

    fn grouped(all_of: &[u64], groups: &[&[u64]], none_of: &[u64]) -> Filter {
        Filter {
            all_of: all_of.to_vec(),
            any_of: groups.iter().map(|g| g.to_vec()).collect(),
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
    fn every_group_must_be_met() {
        let point = [2, 5, 9];
        assert!(grouped(&[], &[&[1, 2], &[9]], &[]).matches(&point));
        assert!(!grouped(&[], &[&[1, 2], &[8]], &[]).matches(&point));
        assert!(!grouped(&[], &[&[1], &[9]], &[]).matches(&point));
        assert!(grouped(&[5], &[&[2], &[9, 3], &[7, 5]], &[4]).matches(&point));
        assert!(!grouped(&[5], &[&[2], &[9, 3]], &[9]).matches(&point));
        let long: Vec<u64> = (10..200).chain([9]).collect();
        assert!(grouped(&[], &[&long, &[2]], &[]).matches(&point));
        assert!(!grouped(&[], &[&long, &[3]], &[]).matches(&point));
        assert!(!grouped(&[], &[&long[..190], &[2]], &[]).matches(&point));
        // A long group against labels on both sides of its span, and at its ends.
        let group: Vec<u64> = (100..120).collect();
        for (labels, meets) in [
            (&[1, 2, 99, 120, 500][..], false),
            (&[1, 100, 500], true),
            (&[1, 119, 500], true),
            (&[110], true),
            (&[99, 120], false),
            (&[], false),
        ] {
            assert_eq!(
                grouped(&[], &[&group], &[]).matches(labels),
                meets,
                "{labels:?}"
            );
        }
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
            any_of: vec![vec![1; FILTER_LABELS_MAX + 1]],
            ..Filter::default()
        };
        assert!(matches!(big.normalized(), Err(Error::InvalidArgument(_))));
        let many = Filter {
            any_of: vec![vec![1]; FILTER_GROUPS_MAX + 1],
            ..Filter::default()
        };
        assert!(matches!(many.normalized(), Err(Error::InvalidArgument(_))));
        let most = Filter {
            any_of: vec![vec![1]; FILTER_GROUPS_MAX],
            ..Filter::default()
        };
        assert!(most.normalized().is_ok());
        let empty_group = Filter {
            any_of: vec![vec![1], vec![]],
            ..Filter::default()
        };
        assert!(matches!(
            empty_group.normalized(),
            Err(Error::InvalidArgument(_))
        ));
    }
}
