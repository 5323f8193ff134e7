//! Request bodies: the typed [`Request`] enum, its decoder and encoder.
//!
//! Every decoder checks counts against limits and against the remaining body length before
//! it slices or allocates, and requires the body to be consumed exactly.

use crate::error::Error;
use crate::frame::{
    encode_frame_with, Frame, Opcode, RequestId, FEATURE_FILTER_GROUPS, FEATURE_LABELS,
    FEATURE_MAX_DISTANCE, FEATURE_PAYLOADS, FEATURE_READ_REPLICAS, FLAG_RESPONSE,
};
use crate::limits::{
    AUTH_TOKEN_BYTES_MAX, BATCH_IDS_MAX, BATCH_QUERIES_MAX, BATCH_VECTORS_MAX,
    COLLECTION_NAME_BYTES_MAX, CONNECTIVITY_MAX, DIMENSIONS_MAX, EXPANSION_MAX, FILTER_GROUPS_MAX,
    FILTER_LABELS_MAX, FILTER_LABELS_MAX_WITHOUT_GROUPS, K_MAX, SCROLL_LIMIT_MAX, SHARDS_MAX,
};
use crate::vectors::{put_payload_section, IdsRef, LabelsRef, PayloadsRef, VectorsRef};
use crate::wire::{
    is_valid_collection_name, put_pad8, put_short_str, put_u16, put_u32, put_u64, put_u8, put_zero,
    u32_from, usize_from, Reader,
};

/// Distance metric of a collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Metric {
    /// Squared Euclidean distance.
    L2 = 0,
    /// `1 - cosine similarity`.
    Cosine = 1,
    /// `1 - inner product` (smaller is closer).
    Dot = 2,
}

impl Metric {
    /// The wire value.
    #[must_use]
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// Decode a wire value.
    pub fn from_u8(value: u8) -> Result<Metric, Error> {
        match value {
            0 => Ok(Metric::L2),
            1 => Ok(Metric::Cosine),
            2 => Ok(Metric::Dot),
            _ => Err(Error::InvalidArgument("unknown metric")),
        }
    }
}

/// HELLO: version negotiation and optional authentication. Must be the first frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hello<'a> {
    /// Lowest protocol version the client speaks.
    pub version_min: u16,
    /// Highest protocol version the client speaks.
    pub version_max: u16,
    /// Feature bits the client would like (the `FEATURE_*` constants; unknown bits are
    /// ignored, and `FEATURE_FILTER_GROUPS` is enabled only with `FEATURE_LABELS`).
    pub features: u64,
    /// Opaque auth token; empty means "no token".
    pub token: &'a [u8],
}

/// CREATE_COLLECTION.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CreateCollection<'a> {
    /// 1..=64 bytes of `[A-Za-z0-9_-]`.
    pub name: &'a str,
    /// 1..=`DIMENSIONS_MAX`.
    pub dim: u32,
    /// Distance metric.
    pub metric: Metric,
    /// Shard count; 0 = server default.
    pub shards: u16,
    /// HNSW connectivity; 0 = server default (16), else 2..=`CONNECTIVITY_MAX`.
    #[doc(alias = "m")]
    pub connectivity: u16,
    /// HNSW build-time candidate list size; 0 = server default (200).
    #[doc(alias = "ef_construction")]
    pub expansion_add: u32,
    /// Every core of the node keeps a copy of every shard it does not own and answers searches
    /// from it (wire flag [`CreateCollection::READ_REPLICAS`]; needs `FEATURE_READ_REPLICAS`).
    /// Costs one copy of the collection's memory and index building per core; writes still go
    /// to the owning core.
    pub read_replicas: bool,
}

/// UPSERT: insert or replace `ids.len()` points (id, vector, payload and labels).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Upsert<'a> {
    /// Target collection.
    pub collection: &'a str,
    /// One id per vector.
    pub ids: IdsRef<'a>,
    /// `ids.len() * vectors.dim()` floats.
    pub vectors: VectorsRef<'a>,
    /// One payload per id, each at most `PAYLOAD_BYTES_MAX` bytes (empty = no payload), sent as
    /// a PAYLOAD_SECTION. `None` sends no section; either way an upsert replaces the whole
    /// point, so a point upserted without a payload has none afterwards. An UPSERT of zero
    /// points has an empty section, so it always decodes as `None`.
    ///
    /// With `labels` set and `payloads` `None`, the encoder sends an all-empty payload section
    /// (which means the same: no payloads), so such a request decodes with `payloads` set to
    /// `count` empty payloads.
    pub payloads: Option<PayloadsRef<'a>>,
    /// One label list per id, each at most `LABELS_PER_POINT_MAX` labels (empty = no labels),
    /// sent as a LABEL_SECTION after the payload section. `None` sends no section; as for
    /// payloads, a point upserted without labels has none afterwards, and an UPSERT of zero
    /// points always decodes as `None`. Sent only when the server enabled `FEATURE_LABELS`.
    pub labels: Option<LabelsRef<'a>>,
}

/// GET or DELETE by ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdsRequest<'a> {
    /// Target collection.
    pub collection: &'a str,
    /// At most `BATCH_IDS_MAX` ids.
    pub ids: IdsRef<'a>,
    /// GET only: also return the payload of every found id (wire flag
    /// [`IdsRequest::WITH_PAYLOADS`]). A DELETE with it set is refused (INVALID_ARGUMENT).
    pub with_payloads: bool,
    /// GET only: also return the labels of every found id (wire flag
    /// [`IdsRequest::WITH_LABELS`]; needs `FEATURE_LABELS`). A DELETE with it set is refused
    /// (INVALID_ARGUMENT).
    pub with_labels: bool,
}

impl IdsRequest<'_> {
    /// Wire bit for `with_payloads` in the GET/DELETE `flags` field (GET only).
    pub const WITH_PAYLOADS: u32 = 1;
    /// Wire bit for `with_labels` in the GET/DELETE `flags` field (GET only).
    pub const WITH_LABELS: u32 = 2;

    fn flags(&self) -> u32 {
        (if self.with_payloads {
            Self::WITH_PAYLOADS
        } else {
            0
        }) | (if self.with_labels {
            Self::WITH_LABELS
        } else {
            0
        })
    }
}

/// SET_PAYLOAD: replace the payloads of existing points, keeping their vectors.
///
/// `payloads.get(i)` becomes the payload of `ids[i]` (empty = no payload). Ids that do not
/// exist are skipped (the ack counts the ids that existed); with duplicate ids the last one
/// wins. Sent only when the server enabled `FEATURE_PAYLOADS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetPayload<'a> {
    /// Target collection.
    pub collection: &'a str,
    /// At most `BATCH_IDS_MAX` ids.
    pub ids: IdsRef<'a>,
    /// Exactly one payload per id, each at most `PAYLOAD_BYTES_MAX` bytes. Always sent as a
    /// PAYLOAD_SECTION (empty when there are no ids).
    pub payloads: PayloadsRef<'a>,
}

/// SET_LABELS: replace the labels of existing points, keeping their vectors and payloads.
///
/// `labels.get(i)` becomes the label list of `ids[i]` (empty = no labels; the server stores it
/// sorted and deduplicated). Ids that do not exist are skipped (the ack counts the ids that
/// existed); with duplicate ids the last one wins. Sent only when the server enabled
/// `FEATURE_LABELS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetLabels<'a> {
    /// Target collection.
    pub collection: &'a str,
    /// At most `BATCH_IDS_MAX` ids.
    pub ids: IdsRef<'a>,
    /// Exactly one label list per id, each at most `LABELS_PER_POINT_MAX` labels (counted as
    /// sent). Always sent as a LABEL_SECTION (empty when there are no ids).
    pub labels: LabelsRef<'a>,
}

/// SEARCH flags (u32 on the wire).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SearchFlags {
    /// Brute-force exact search instead of HNSW.
    pub exact: bool,
    /// Router: if some nodes are down, answer from the rest and set `partial` in the response
    /// instead of failing with UNAVAILABLE.
    pub allow_partial: bool,
    /// Return every hit's payload (the response sets `HAS_PAYLOADS` and carries a
    /// PAYLOAD_SECTION).
    pub with_payloads: bool,
}

impl SearchFlags {
    /// Wire bit for `exact`.
    pub const EXACT: u32 = 1;
    /// Wire bit for `allow_partial`.
    pub const ALLOW_PARTIAL: u32 = 2;
    /// Wire bit for `with_payloads`.
    pub const WITH_PAYLOADS: u32 = 4;
    /// Wire bit set iff the request carries a filter ([`Search::filter`] is `Some`). It has no
    /// field here: [`SearchFlags::bits`] never sets it and [`SearchFlags::from_bits`] refuses
    /// it; the SEARCH encoder and decoder handle it together with the filter.
    pub const HAS_FILTER: u32 = 8;
    /// Wire bit set iff the request carries a `max_distance` ([`Search::max_distance`] is
    /// `Some`), handled like [`SearchFlags::HAS_FILTER`].
    pub const HAS_MAX_DISTANCE: u32 = 16;

    /// Encode as wire bits.
    #[must_use]
    pub const fn bits(self) -> u32 {
        (if self.exact { Self::EXACT } else { 0 })
            | (if self.allow_partial {
                Self::ALLOW_PARTIAL
            } else {
                0
            })
            | (if self.with_payloads {
                Self::WITH_PAYLOADS
            } else {
                0
            })
    }

    /// Decode wire bits; unknown bits (and [`SearchFlags::HAS_FILTER`], which belongs to the
    /// filter) are an error.
    pub fn from_bits(bits: u32) -> Result<SearchFlags, Error> {
        if bits & !(Self::EXACT | Self::ALLOW_PARTIAL | Self::WITH_PAYLOADS) != 0 {
            return Err(Error::InvalidArgument("reserved search flag bits set"));
        }
        Ok(SearchFlags {
            exact: bits & Self::EXACT != 0,
            allow_partial: bits & Self::ALLOW_PARTIAL != 0,
            with_payloads: bits & Self::WITH_PAYLOADS != 0,
        })
    }
}

/// A SEARCH or SCROLL filter over point labels. A point matches iff it has every label of
/// `all_of`, at least one label of every `any_of` group, and no label of `none_of`; all empty
/// matches every point. At most `FILTER_LABELS_MAX` labels in all and `FILTER_GROUPS_MAX`
/// groups.
///
/// `any_of` holds the groups' labels one group after the other; `any_groups` the groups'
/// sizes. Empty `any_groups` is the original form: `any_of` is one group, or no condition when
/// it is empty too. A nonzero `any_groups` needs `FEATURE_FILTER_GROUPS`, so clients send a
/// single group in the original form, which every server with labels takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FilterRef<'a> {
    /// Labels a point must all have.
    pub all_of: IdsRef<'a>,
    /// The `any_of` groups' labels, concatenated in group order.
    pub any_of: IdsRef<'a>,
    /// How many labels of `any_of` each group takes, in order: each at least 1, summing to
    /// `any_of.len()`. Empty: `any_of` is one group (ignored when empty).
    pub any_groups: IdsRef<'a>,
    /// Labels a point must not have.
    pub none_of: IdsRef<'a>,
}

impl<'a> FilterRef<'a> {
    /// `all_of + any_of + none_of` (what `FILTER_LABELS_MAX` bounds).
    #[must_use]
    pub const fn label_count(&self) -> usize {
        self.all_of.len() + self.any_of.len() + self.none_of.len()
    }

    /// The HELLO feature bits a receiver needs to take this filter as encoded:
    /// `FEATURE_LABELS`, plus `FEATURE_FILTER_GROUPS` for a nonzero `any_groups` field or more
    /// than [`FILTER_LABELS_MAX_WITHOUT_GROUPS`] labels.
    #[must_use]
    pub const fn features_needed(&self) -> u64 {
        if !self.any_groups.is_empty()
            || self.label_count() > FILTER_LABELS_MAX_WITHOUT_GROUPS as usize
        {
            FEATURE_LABELS | FEATURE_FILTER_GROUPS
        } else {
            FEATURE_LABELS
        }
    }

    /// The `any_of` groups in order (none when `any_of` is empty). Call on a checked filter
    /// (decoded, or [`FilterRef::check`] passed): on inconsistent sizes the last group
    /// ends where `any_of` does.
    pub fn any_of_groups(&self) -> impl Iterator<Item = IdsRef<'a>> + 'a {
        let (any_of, sizes) = (self.any_of, self.any_groups);
        let single = (sizes.is_empty() && !any_of.is_empty()).then_some(any_of);
        let mut start = 0usize;
        single.into_iter().chain(sizes.iter().map(move |size| {
            let end = start
                .saturating_add(usize::try_from(size).unwrap_or(usize::MAX))
                .min(any_of.len());
            let group = any_of.slice(start.min(end), end);
            start = end;
            group
        }))
    }

    /// Whether a point with `labels` (in any order, duplicates allowed) matches.
    #[must_use]
    pub fn matches(&self, labels: &[u64]) -> bool {
        self.all_of.iter().all(|l| labels.contains(&l))
            && self
                .any_of_groups()
                .all(|group| group.iter().any(|l| labels.contains(&l)))
            && !self.none_of.iter().any(|l| labels.contains(&l))
    }

    /// Checks the limits and the group sizes, as an encoder must before sending.
    ///
    /// # Errors
    /// [`Error::FilterTooLarge`] over `FILTER_LABELS_MAX` labels; [`Error::InvalidArgument`]
    /// over `FILTER_GROUPS_MAX` groups, for an empty group, or when the sizes do not sum to
    /// `any_of.len()`.
    pub fn check(&self) -> Result<(), Error> {
        let count = u32::try_from(self.label_count()).unwrap_or(u32::MAX);
        if count > FILTER_LABELS_MAX {
            return Err(Error::FilterTooLarge {
                count,
                max: FILTER_LABELS_MAX,
            });
        }
        if self.any_groups.len() > FILTER_GROUPS_MAX as usize {
            return Err(Error::InvalidArgument(
                "filter has more than FILTER_GROUPS_MAX any_of groups",
            ));
        }
        if self.any_groups.iter().any(|size| size == 0) {
            return Err(Error::InvalidArgument("filter has an empty any_of group"));
        }
        let sum = self
            .any_groups
            .iter()
            .try_fold(0u64, u64::checked_add)
            .unwrap_or(u64::MAX);
        if !self.any_groups.is_empty() && sum != self.any_of.len() as u64 {
            return Err(Error::InvalidArgument(
                "filter any_of group sizes do not sum to its any_of labels",
            ));
        }
        Ok(())
    }

    /// Decode a filter at the reader's position (after the queries or the NAME). Checks, in
    /// this order: the padding to 8 is present and zero, the three counts and `any_groups` are
    /// present (else [`Error::Malformed`]), the counts sum to at most `FILTER_LABELS_MAX`
    /// ([`Error::FilterTooLarge`]), `any_groups <= FILTER_GROUPS_MAX`
    /// ([`Error::InvalidArgument`]), the group sizes are present, each at least 1, and sum to
    /// `any_count` (else [`Error::Malformed`]), the labels are present. The caller then checks
    /// that the body ends here.
    fn decode(r: &mut Reader<'a>) -> Result<Self, Error> {
        r.pad8_named("filter padding")?;
        let all = r.u32("filter header")?;
        let any = r.u32("filter header")?;
        let none = r.u32("filter header")?;
        let groups = r.u32("filter header")?;
        let count = u64::from(all) + u64::from(any) + u64::from(none);
        if count > u64::from(FILTER_LABELS_MAX) {
            return Err(Error::FilterTooLarge {
                count: u32::try_from(count).unwrap_or(u32::MAX),
                max: FILTER_LABELS_MAX,
            });
        }
        if groups > FILTER_GROUPS_MAX {
            return Err(Error::InvalidArgument(
                "filter has more than FILTER_GROUPS_MAX any_of groups",
            ));
        }
        // `groups` is at most FILTER_GROUPS_MAX and each count at most FILTER_LABELS_MAX here:
        // no overflow.
        let any_groups = IdsRef::from_le_bytes(r.bytes(usize_from(groups) * 8, "filter groups")?);
        if any_groups.iter().any(|size| size == 0)
            || (groups > 0
                && any_groups
                    .iter()
                    .try_fold(0u64, u64::checked_add)
                    .is_none_or(|sum| sum != u64::from(any)))
        {
            return Err(Error::Malformed(
                "filter group sizes must be at least 1 and sum to any_count",
            ));
        }
        let mut list = |n: u32| {
            r.bytes(usize_from(n) * 8, "filter labels")
                .map(IdsRef::from_le_bytes)
        };
        Ok(FilterRef {
            all_of: list(all)?,
            any_of: list(any)?,
            any_groups,
            none_of: list(none)?,
        })
    }

    /// Append the filter (padding, header, group sizes, labels) as it is: decode and encode
    /// are inverse. The caller ran [`FilterRef::check`].
    fn encode(&self, out: &mut Vec<u8>, body_start: usize) {
        put_pad8(out, body_start);
        put_u32(out, u32_from(self.all_of.len()));
        put_u32(out, u32_from(self.any_of.len()));
        put_u32(out, u32_from(self.none_of.len()));
        put_u32(out, u32_from(self.any_groups.len()));
        self.any_groups.encode(out);
        self.all_of.encode(out);
        self.any_of.encode(out);
        self.none_of.encode(out);
    }
}

/// SEARCH: `queries.count()` queries (1 = single search), `k` nearest each.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Search<'a> {
    /// Target collection.
    pub collection: &'a str,
    /// 1..=`K_MAX`.
    pub k: u32,
    /// HNSW search-time candidate list size; 0 = server default. Ignored when `exact`.
    #[doc(alias = "ef")]
    pub expansion_search: u32,
    /// Exact / allow_partial / with_payloads.
    pub flags: SearchFlags,
    /// 1..=`BATCH_QUERIES_MAX` query vectors of `queries.dim()` floats.
    pub queries: VectorsRef<'a>,
    /// Only points whose labels match this filter are returned (for every query of the batch).
    /// `Some` sets the wire flag [`SearchFlags::HAS_FILTER`] and sends the filter after the
    /// queries; sent only when the server enabled `FEATURE_LABELS`.
    pub filter: Option<FilterRef<'a>>,
    /// Only hits at most this far from their query are returned (a query may then get fewer
    /// than `k`), in the unit of the collection's metric: squared L2, `1 - cos`, or `1 - a·b`.
    /// Finite. `Some` sets the wire flag [`SearchFlags::HAS_MAX_DISTANCE`]; sent only when the
    /// server enabled `FEATURE_MAX_DISTANCE`.
    pub max_distance: Option<f32>,
}

/// SCROLL: one page of a collection's points in ascending id order, from `start_id`
/// (inclusive), at most `limit` of them.
///
/// The answer ([`ScrollResponse`](crate::ScrollResponse)) holds the live points with
/// `id >= start_id` (matching `filter`, if given), smallest ids first, and `more`: ask again
/// from the last id returned plus one while it is set. Paging is stateless: the server keeps no
/// cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scroll<'a> {
    /// Target collection.
    pub collection: &'a str,
    /// Smallest id to return (inclusive).
    pub start_id: u64,
    /// 1..=`SCROLL_LIMIT_MAX`: most points in the page (a server may answer fewer).
    pub limit: u32,
    /// Return every point's vector (wire flag [`Scroll::WITH_VECTORS`]).
    pub with_vectors: bool,
    /// Return every point's payload (wire flag [`Scroll::WITH_PAYLOADS`]; needs
    /// `FEATURE_PAYLOADS`).
    pub with_payloads: bool,
    /// Return every point's labels (wire flag [`Scroll::WITH_LABELS`]; needs `FEATURE_LABELS`).
    pub with_labels: bool,
    /// Only points whose labels match this filter are returned. `Some` sets the wire flag
    /// [`Scroll::HAS_FILTER`] and sends the filter after the NAME; sent only when the server
    /// enabled `FEATURE_LABELS`.
    pub filter: Option<FilterRef<'a>>,
}

impl Scroll<'_> {
    /// Wire bit for `with_vectors` in the SCROLL `flags` field.
    pub const WITH_VECTORS: u32 = 1;
    /// Wire bit for `with_payloads`.
    pub const WITH_PAYLOADS: u32 = 2;
    /// Wire bit for `with_labels`.
    pub const WITH_LABELS: u32 = 4;
    /// Wire bit set iff the request carries a filter (`filter` is `Some`).
    pub const HAS_FILTER: u32 = 8;

    fn flags(&self) -> u32 {
        let bit = |set: bool, bit: u32| if set { bit } else { 0 };
        bit(self.with_vectors, Self::WITH_VECTORS)
            | bit(self.with_payloads, Self::WITH_PAYLOADS)
            | bit(self.with_labels, Self::WITH_LABELS)
            | bit(self.filter.is_some(), Self::HAS_FILTER)
    }

    fn validate(&self) -> Result<(), Error> {
        check_name(self.collection)?;
        check_scroll_limit(self.limit)?;
        if let Some(filter) = &self.filter {
            filter.check()?;
        }
        Ok(())
    }
}

fn check_scroll_limit(limit: u32) -> Result<(), Error> {
    if (1..=SCROLL_LIMIT_MAX).contains(&limit) {
        Ok(())
    } else {
        Err(Error::InvalidArgument("scroll limit must be 1..=4096"))
    }
}

/// A request, borrowing names, ids and vectors from the body it was decoded from (or from the
/// caller, when built for encoding).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Request<'a> {
    /// [`Opcode::Hello`].
    Hello(Hello<'a>),
    /// [`Opcode::Ping`]. Empty body.
    Ping,
    /// [`Opcode::CreateCollection`].
    CreateCollection(CreateCollection<'a>),
    /// [`Opcode::DropCollection`].
    DropCollection {
        /// Collection to drop.
        name: &'a str,
    },
    /// [`Opcode::ListCollections`]. Empty body.
    ListCollections,
    /// [`Opcode::DescribeCollection`].
    DescribeCollection {
        /// Collection to describe.
        name: &'a str,
    },
    /// [`Opcode::Upsert`].
    Upsert(Upsert<'a>),
    /// [`Opcode::Get`].
    Get(IdsRequest<'a>),
    /// [`Opcode::Delete`].
    Delete(IdsRequest<'a>),
    /// [`Opcode::SetPayload`].
    SetPayload(SetPayload<'a>),
    /// [`Opcode::SetLabels`].
    SetLabels(SetLabels<'a>),
    /// [`Opcode::Scroll`].
    Scroll(Scroll<'a>),
    /// [`Opcode::Search`].
    Search(Search<'a>),
    /// [`Opcode::Stats`]. Empty body.
    Stats,
    /// [`Opcode::Snapshot`].
    Snapshot {
        /// Collection to snapshot; `""` = all collections.
        name: &'a str,
    },
}

fn check_name(name: &str) -> Result<(), Error> {
    if is_valid_collection_name(name) {
        Ok(())
    } else {
        Err(Error::InvalidArgument(
            "collection name must be 1..=64 bytes of [A-Za-z0-9_-]",
        ))
    }
}

fn check_dim(dim: u32) -> Result<(), Error> {
    if (1..=DIMENSIONS_MAX).contains(&dim) {
        Ok(())
    } else {
        Err(Error::InvalidArgument("dim must be 1..=4096"))
    }
}

fn check_count(count: usize, max: u32) -> Result<u32, Error> {
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    if count > max {
        return Err(Error::BatchTooLarge { count, max });
    }
    Ok(count)
}

fn check_finite(vectors: &VectorsRef<'_>) -> Result<(), Error> {
    match vectors.first_non_finite() {
        Some(index) => Err(Error::InvalidVector {
            vector_index: u32_from(index),
        }),
        None => Ok(()),
    }
}

impl CreateCollection<'_> {
    /// Wire bit for `read_replicas` in the CREATE_COLLECTION `flags` byte (offset 7).
    pub const READ_REPLICAS: u8 = 1;

    /// The `flags` byte as encoded.
    const fn flags(&self) -> u8 {
        if self.read_replicas {
            Self::READ_REPLICAS
        } else {
            0
        }
    }

    fn validate(&self) -> Result<(), Error> {
        check_name(self.name)?;
        check_dim(self.dim)?;
        if u32::from(self.shards) > SHARDS_MAX {
            return Err(Error::InvalidArgument("shards exceeds SHARDS_MAX"));
        }
        if self.connectivity == 1 || self.connectivity > CONNECTIVITY_MAX {
            return Err(Error::InvalidArgument(
                "connectivity (m) must be 0 or 2..=256",
            ));
        }
        if self.expansion_add > EXPANSION_MAX {
            return Err(Error::InvalidArgument(
                "expansion_add (ef_construction) exceeds EXPANSION_MAX",
            ));
        }
        Ok(())
    }
}

impl Hello<'_> {
    fn validate(&self) -> Result<(), Error> {
        if self.version_min > self.version_max {
            return Err(Error::InvalidArgument("version_min > version_max"));
        }
        if self.token.len() > AUTH_TOKEN_BYTES_MAX {
            return Err(Error::InvalidArgument(
                "auth token exceeds AUTH_TOKEN_BYTES_MAX",
            ));
        }
        Ok(())
    }
}

impl Search<'_> {
    fn validate_scalars(&self) -> Result<(), Error> {
        check_name(self.collection)?;
        if !(1..=K_MAX).contains(&self.k) {
            return Err(Error::InvalidArgument("k must be 1..=1024"));
        }
        if self.expansion_search > EXPANSION_MAX {
            return Err(Error::InvalidArgument(
                "expansion_search (ef) exceeds EXPANSION_MAX",
            ));
        }
        check_dim(self.queries.dim())?;
        if self.queries.count() == 0 {
            return Err(Error::InvalidArgument("a search needs at least one query"));
        }
        check_count(self.queries.count(), BATCH_QUERIES_MAX)?;
        if let Some(filter) = &self.filter {
            filter.check()?;
        }
        if self.max_distance.is_some_and(|d| !d.is_finite()) {
            return Err(Error::InvalidArgument("max_distance must be finite"));
        }
        Ok(())
    }

    fn flag_bits(&self) -> u32 {
        self.flags.bits()
            | if self.filter.is_some() {
                SearchFlags::HAS_FILTER
            } else {
                0
            }
            | if self.max_distance.is_some() {
                SearchFlags::HAS_MAX_DISTANCE
            } else {
                0
            }
    }
}

impl Upsert<'_> {
    fn validate_scalars(&self) -> Result<(), Error> {
        check_name(self.collection)?;
        check_dim(self.vectors.dim())?;
        check_count(self.ids.len(), BATCH_VECTORS_MAX)?;
        if self.vectors.count() != self.ids.len() {
            return Err(Error::InvalidArgument(
                "upsert needs exactly one vector per id",
            ));
        }
        if self
            .payloads
            .is_some_and(|payloads| payloads.count() != self.ids.len())
        {
            return Err(Error::InvalidArgument(
                "upsert needs exactly one payload per id",
            ));
        }
        if self
            .labels
            .is_some_and(|labels| labels.count() != self.ids.len())
        {
            return Err(Error::InvalidArgument(
                "upsert needs exactly one label list per id",
            ));
        }
        Ok(())
    }
}

impl SetPayload<'_> {
    fn validate_scalars(&self) -> Result<u32, Error> {
        check_name(self.collection)?;
        let count = check_count(self.ids.len(), BATCH_IDS_MAX)?;
        if self.payloads.count() != self.ids.len() {
            return Err(Error::InvalidArgument(
                "set_payload needs exactly one payload per id",
            ));
        }
        Ok(count)
    }
}

impl SetLabels<'_> {
    fn validate_scalars(&self) -> Result<u32, Error> {
        check_name(self.collection)?;
        let count = check_count(self.ids.len(), BATCH_IDS_MAX)?;
        if self.labels.count() != self.ids.len() {
            return Err(Error::InvalidArgument(
                "set_labels needs exactly one label list per id",
            ));
        }
        Ok(count)
    }
}

impl<'a> Request<'a> {
    /// The opcode this request is sent with.
    #[must_use]
    pub const fn opcode(&self) -> Opcode {
        match self {
            Request::Hello(_) => Opcode::Hello,
            Request::Ping => Opcode::Ping,
            Request::CreateCollection(_) => Opcode::CreateCollection,
            Request::DropCollection { .. } => Opcode::DropCollection,
            Request::ListCollections => Opcode::ListCollections,
            Request::DescribeCollection { .. } => Opcode::DescribeCollection,
            Request::Upsert(_) => Opcode::Upsert,
            Request::Get(_) => Opcode::Get,
            Request::Delete(_) => Opcode::Delete,
            Request::SetPayload(_) => Opcode::SetPayload,
            Request::SetLabels(_) => Opcode::SetLabels,
            Request::Scroll(_) => Opcode::Scroll,
            Request::Search(_) => Opcode::Search,
            Request::Stats => Opcode::Stats,
            Request::Snapshot { .. } => Opcode::Snapshot,
        }
    }

    /// The HELLO feature bits (`FEATURE_*`) a receiver must have enabled to take this request
    /// as encoded; 0 for what every release of this protocol version takes. A router checks it
    /// against what each node enabled before forwarding (an older node would answer
    /// MALFORMED_FRAME, INVALID_ARGUMENT or UNKNOWN_OPCODE instead).
    #[must_use]
    pub const fn features_needed(&self) -> u64 {
        const fn bit(on: bool, feature: u64) -> u64 {
            if on {
                feature
            } else {
                0
            }
        }
        const fn filter(filter: &Option<FilterRef<'_>>) -> u64 {
            match filter {
                Some(f) => f.features_needed(),
                None => 0,
            }
        }
        match self {
            // Labels follow a payload section on the wire (empty payloads when none were given).
            Request::Upsert(u) => {
                bit(u.payloads.is_some() || u.labels.is_some(), FEATURE_PAYLOADS)
                    | bit(u.labels.is_some(), FEATURE_LABELS)
            }
            Request::Get(g) => {
                bit(g.with_payloads, FEATURE_PAYLOADS) | bit(g.with_labels, FEATURE_LABELS)
            }
            Request::SetPayload(_) => FEATURE_PAYLOADS,
            Request::SetLabels(_) => FEATURE_LABELS,
            Request::CreateCollection(c) => bit(c.read_replicas, FEATURE_READ_REPLICAS),
            Request::Scroll(s) => {
                bit(s.with_payloads, FEATURE_PAYLOADS)
                    | bit(s.with_labels, FEATURE_LABELS)
                    | filter(&s.filter)
            }
            Request::Search(s) => {
                bit(s.flags.with_payloads, FEATURE_PAYLOADS)
                    | filter(&s.filter)
                    | bit(s.max_distance.is_some(), FEATURE_MAX_DISTANCE)
            }
            Request::Hello(_)
            | Request::Ping
            | Request::DropCollection { .. }
            | Request::ListCollections
            | Request::DescribeCollection { .. }
            | Request::Delete(_)
            | Request::Stats
            | Request::Snapshot { .. } => 0,
        }
    }

    /// Decode a request frame completely: reserved header bits, the response flag (must be
    /// clear), the body CRC, the opcode and the body. Every error is per-request (not fatal):
    /// answer `frame.header.request_id` with an ERROR frame carrying [`Error::code`].
    pub fn decode_frame(frame: &Frame<'a>) -> Result<Request<'a>, Error> {
        frame.header.check_reserved()?;
        if frame.header.flags & FLAG_RESPONSE != 0 {
            return Err(Error::Malformed("response flag set on a request"));
        }
        frame.verify_body()?;
        let opcode = Opcode::try_from(frame.header.opcode)?;
        Request::decode(opcode, frame.body)
    }

    /// Decode a request body for `opcode`. Never panics, never allocates; the result borrows
    /// from `body`. Vectors are checked to be finite (NaN/inf → [`Error::InvalidVector`]),
    /// payloads to be at most `PAYLOAD_BYTES_MAX` ([`Error::PayloadTooLarge`]), label lists to
    /// be at most `LABELS_PER_POINT_MAX` ([`Error::TooManyLabels`]) and filters at most
    /// `FILTER_LABELS_MAX` ([`Error::FilterTooLarge`]).
    pub fn decode(opcode: Opcode, body: &'a [u8]) -> Result<Request<'a>, Error> {
        let mut r = Reader::new(body);
        let request = match opcode {
            Opcode::Hello => {
                let version_min = r.u16("hello")?;
                let version_max = r.u16("hello")?;
                let token_len = usize::from(r.u16("hello")?);
                r.zero(2, "hello reserved")?;
                let features = r.u64("hello")?;
                if token_len > AUTH_TOKEN_BYTES_MAX {
                    return Err(Error::InvalidArgument(
                        "auth token exceeds AUTH_TOKEN_BYTES_MAX",
                    ));
                }
                let token = r.bytes(token_len, "hello token")?;
                let hello = Hello {
                    version_min,
                    version_max,
                    features,
                    token,
                };
                hello.validate()?;
                Request::Hello(hello)
            }
            Opcode::Ping => Request::Ping,
            Opcode::ListCollections => Request::ListCollections,
            Opcode::Stats => Request::Stats,
            Opcode::CreateCollection => {
                let dim = r.u32("create")?;
                let shards = r.u16("create")?;
                let metric = Metric::from_u8(r.u8("create")?)?;
                let flags = r.u8("create")?;
                if flags & !CreateCollection::READ_REPLICAS != 0 {
                    return Err(Error::InvalidArgument("reserved create flag bits set"));
                }
                let connectivity = r.u16("create")?;
                r.zero(2, "create reserved")?;
                let expansion_add = r.u32("create")?;
                let name = r.collection_name(false)?;
                let create = CreateCollection {
                    name,
                    dim,
                    metric,
                    shards,
                    connectivity,
                    expansion_add,
                    read_replicas: flags & CreateCollection::READ_REPLICAS != 0,
                };
                create.validate()?;
                Request::CreateCollection(create)
            }
            Opcode::DropCollection => Request::DropCollection {
                name: r.collection_name(false)?,
            },
            Opcode::DescribeCollection => Request::DescribeCollection {
                name: r.collection_name(false)?,
            },
            Opcode::Snapshot => Request::Snapshot {
                name: r.collection_name(true)?,
            },
            Opcode::Upsert => {
                let count = r.u32("upsert")?;
                let dim = r.u32("upsert")?;
                check_count(usize_from(count), BATCH_VECTORS_MAX)?;
                check_dim(dim)?;
                let collection = r.collection_name(false)?;
                let count = usize_from(count);
                let ids = IdsRef::from_le_bytes(r.bytes(count * 8, "upsert ids")?);
                // count <= 65_536 and dim <= 4096: the product fits in usize on 32-bit targets.
                let floats = r.bytes(count * usize_from(dim) * 4, "upsert vectors")?;
                let vectors = VectorsRef::from_le_bytes(floats, dim);
                check_finite(&vectors)?;
                // The payload section is present iff the body continues after the vectors.
                let payloads = if r.remaining() > 0 {
                    Some(PayloadsRef::decode(&mut r, count)?)
                } else {
                    None
                };
                // The label section is present iff the body continues after the payload section.
                let labels = if payloads.is_some() && r.remaining() > 0 {
                    Some(LabelsRef::decode(&mut r, count)?)
                } else {
                    None
                };
                Request::Upsert(Upsert {
                    collection,
                    ids,
                    vectors,
                    payloads,
                    labels,
                })
            }
            Opcode::Get | Opcode::Delete => {
                let count = r.u32("ids")?;
                let flags = r.u32("ids")?;
                if flags & !(IdsRequest::WITH_PAYLOADS | IdsRequest::WITH_LABELS) != 0 {
                    return Err(Error::InvalidArgument("reserved get/delete flag bits set"));
                }
                if opcode == Opcode::Delete && flags != 0 {
                    return Err(Error::InvalidArgument("DELETE takes no flags"));
                }
                check_count(usize_from(count), BATCH_IDS_MAX)?;
                let collection = r.collection_name(false)?;
                let ids = IdsRef::from_le_bytes(r.bytes(usize_from(count) * 8, "ids")?);
                let ids = IdsRequest {
                    collection,
                    ids,
                    with_payloads: flags & IdsRequest::WITH_PAYLOADS != 0,
                    with_labels: flags & IdsRequest::WITH_LABELS != 0,
                };
                if opcode == Opcode::Get {
                    Request::Get(ids)
                } else {
                    Request::Delete(ids)
                }
            }
            Opcode::SetPayload => {
                let count = r.u32("set_payload")?;
                r.zero(4, "set_payload reserved")?;
                check_count(usize_from(count), BATCH_IDS_MAX)?;
                let collection = r.collection_name(false)?;
                let count = usize_from(count);
                let ids = IdsRef::from_le_bytes(r.bytes(count * 8, "set_payload ids")?);
                // The payload section is mandatory (empty for zero ids).
                let payloads = PayloadsRef::decode(&mut r, count)?;
                Request::SetPayload(SetPayload {
                    collection,
                    ids,
                    payloads,
                })
            }
            Opcode::SetLabels => {
                let count = r.u32("set_labels")?;
                r.zero(4, "set_labels reserved")?;
                check_count(usize_from(count), BATCH_IDS_MAX)?;
                let collection = r.collection_name(false)?;
                let count = usize_from(count);
                let ids = IdsRef::from_le_bytes(r.bytes(count * 8, "set_labels ids")?);
                // The label section is mandatory (empty for zero ids). It starts 8-aligned
                // after the ids, so its first padding is empty.
                let labels = LabelsRef::decode(&mut r, count)?;
                Request::SetLabels(SetLabels {
                    collection,
                    ids,
                    labels,
                })
            }
            Opcode::Scroll => {
                let limit = r.u32("scroll")?;
                let flags = r.u32("scroll")?;
                let start_id = r.u64("scroll")?;
                if flags
                    & !(Scroll::WITH_VECTORS
                        | Scroll::WITH_PAYLOADS
                        | Scroll::WITH_LABELS
                        | Scroll::HAS_FILTER)
                    != 0
                {
                    return Err(Error::InvalidArgument("reserved scroll flag bits set"));
                }
                check_scroll_limit(limit)?;
                let collection = r.collection_name(false)?;
                // The filter follows the NAME (which ends 8-aligned, so its padding is empty)
                // iff HAS_FILTER; the body then ends after it.
                let filter = if flags & Scroll::HAS_FILTER != 0 {
                    Some(FilterRef::decode(&mut r)?)
                } else {
                    None
                };
                Request::Scroll(Scroll {
                    collection,
                    start_id,
                    limit,
                    with_vectors: flags & Scroll::WITH_VECTORS != 0,
                    with_payloads: flags & Scroll::WITH_PAYLOADS != 0,
                    with_labels: flags & Scroll::WITH_LABELS != 0,
                    filter,
                })
            }
            Opcode::Search => {
                let k = r.u32("search")?;
                let expansion_search = r.u32("search")?;
                let bits = r.u32("search")?;
                let flags = SearchFlags::from_bits(
                    bits & !(SearchFlags::HAS_FILTER | SearchFlags::HAS_MAX_DISTANCE),
                )?;
                let count = r.u32("search")?;
                let dim = r.u32("search")?;
                // The field after `dim` holds max_distance iff HAS_MAX_DISTANCE, else zero.
                let max_distance = if bits & SearchFlags::HAS_MAX_DISTANCE != 0 {
                    Some(f32::from_bits(r.u32("search")?))
                } else {
                    r.zero(4, "search reserved")?;
                    None
                };
                check_count(usize_from(count), BATCH_QUERIES_MAX)?;
                check_dim(dim)?;
                let collection = r.collection_name(false)?;
                let floats = r.bytes(usize_from(count) * usize_from(dim) * 4, "search queries")?;
                let mut search = Search {
                    collection,
                    k,
                    expansion_search,
                    flags,
                    queries: VectorsRef::from_le_bytes(floats, dim),
                    filter: None,
                    max_distance,
                };
                search.validate_scalars()?;
                check_finite(&search.queries)?;
                // The filter follows the queries iff HAS_FILTER; the body then ends after it.
                if bits & SearchFlags::HAS_FILTER != 0 {
                    search.filter = Some(FilterRef::decode(&mut r)?);
                }
                Request::Search(search)
            }
        };
        r.finish()?;
        Ok(request)
    }

    /// Append a complete request frame (header + body) to `out`. Validates every limit the
    /// decoder checks except vector finiteness (the server reports that as INVALID_VECTOR).
    /// On error `out` is left unchanged.
    pub fn encode(&self, request_id: RequestId, out: &mut Vec<u8>) -> Result<(), Error> {
        encode_frame_with(
            out,
            self.opcode().as_u8(),
            0,
            request_id,
            |out, body_start| self.write_body(out, body_start),
        )
    }

    /// Append just the body to `out` (offsets for padding are relative to `out.len()` on
    /// entry). On error `out` may hold a partial body.
    pub fn encode_body(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let body_start = out.len();
        self.write_body(out, body_start)
    }

    fn write_body(&self, out: &mut Vec<u8>, body_start: usize) -> Result<(), Error> {
        match self {
            Request::Hello(hello) => {
                hello.validate()?;
                put_u16(out, hello.version_min);
                put_u16(out, hello.version_max);
                put_u16(out, u16::try_from(hello.token.len()).unwrap_or(u16::MAX));
                put_zero(out, 2);
                put_u64(out, hello.features);
                out.extend_from_slice(hello.token);
            }
            Request::Ping | Request::ListCollections | Request::Stats => {}
            Request::CreateCollection(c) => {
                c.validate()?;
                put_u32(out, c.dim);
                put_u16(out, c.shards);
                put_u8(out, c.metric.as_u8());
                put_u8(out, c.flags());
                put_u16(out, c.connectivity);
                put_zero(out, 2);
                put_u32(out, c.expansion_add);
                put_short_str(out, body_start, c.name, COLLECTION_NAME_BYTES_MAX);
            }
            Request::DropCollection { name } | Request::DescribeCollection { name } => {
                check_name(name)?;
                put_short_str(out, body_start, name, COLLECTION_NAME_BYTES_MAX);
            }
            Request::Snapshot { name } => {
                if !name.is_empty() {
                    check_name(name)?;
                }
                put_short_str(out, body_start, name, COLLECTION_NAME_BYTES_MAX);
            }
            Request::Upsert(u) => {
                u.validate_scalars()?;
                put_u32(out, u32_from(u.ids.len()));
                put_u32(out, u.vectors.dim());
                put_short_str(out, body_start, u.collection, COLLECTION_NAME_BYTES_MAX);
                u.ids.encode(out);
                u.vectors.encode(out);
                match (u.payloads, u.labels) {
                    (Some(payloads), _) => payloads.encode(out, body_start)?,
                    // Labels need a payload section before them: an all-empty one (no payloads).
                    (None, Some(_)) => put_payload_section(
                        out,
                        body_start,
                        std::iter::repeat_n(&[][..], u.ids.len()),
                    )?,
                    (None, None) => {}
                }
                if let Some(labels) = u.labels {
                    labels.encode(out, body_start)?;
                }
            }
            Request::Get(g) | Request::Delete(g) => {
                check_name(g.collection)?;
                if g.flags() != 0 && matches!(self, Request::Delete(_)) {
                    return Err(Error::InvalidArgument("DELETE takes no flags"));
                }
                let count = check_count(g.ids.len(), BATCH_IDS_MAX)?;
                put_u32(out, count);
                put_u32(out, g.flags());
                put_short_str(out, body_start, g.collection, COLLECTION_NAME_BYTES_MAX);
                g.ids.encode(out);
            }
            Request::SetPayload(p) => {
                let count = p.validate_scalars()?;
                put_u32(out, count);
                put_zero(out, 4);
                put_short_str(out, body_start, p.collection, COLLECTION_NAME_BYTES_MAX);
                p.ids.encode(out);
                p.payloads.encode(out, body_start)?;
            }
            Request::SetLabels(l) => {
                let count = l.validate_scalars()?;
                put_u32(out, count);
                put_zero(out, 4);
                put_short_str(out, body_start, l.collection, COLLECTION_NAME_BYTES_MAX);
                l.ids.encode(out);
                l.labels.encode(out, body_start)?;
            }
            Request::Scroll(s) => {
                s.validate()?;
                put_u32(out, s.limit);
                put_u32(out, s.flags());
                put_u64(out, s.start_id);
                put_short_str(out, body_start, s.collection, COLLECTION_NAME_BYTES_MAX);
                if let Some(filter) = &s.filter {
                    filter.encode(out, body_start);
                }
            }
            Request::Search(s) => {
                s.validate_scalars()?;
                put_u32(out, s.k);
                put_u32(out, s.expansion_search);
                put_u32(out, s.flag_bits());
                put_u32(out, u32_from(s.queries.count()));
                put_u32(out, s.queries.dim());
                put_u32(out, s.max_distance.map_or(0, f32::to_bits));
                put_short_str(out, body_start, s.collection, COLLECTION_NAME_BYTES_MAX);
                s.queries.encode(out);
                if let Some(filter) = &s.filter {
                    filter.encode(out, body_start);
                }
            }
        }
        Ok(())
    }
}
