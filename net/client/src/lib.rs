//! # corevec-client: blocking Rust client for the corevec wire protocol
//!
//! **Owns:** connecting, HELLO (version + auth), pipelining many requests per connection
//! (a reader thread routes responses by request id; they may arrive out of order), per-request
//! timeouts, retries of idempotent reads after connection errors, and a small [`Pool`].
//!
//! **Must never:** depend on glommio, the engine, storage or any async runtime (it is std plus
//! `corevec-proto` only, so tools, benches and users can link it cheaply); retry a write
//! (UPSERT, DELETE, SET_PAYLOAD, SET_LABELS, CREATE, DROP, SNAPSHOT) on its own; allocate more than one
//! maximal frame per response because of what a server sent.
//!
//! ```no_run
//! use corevec_client::{Client, ClientConfig, Filter, ScrollOptions, SearchOptions};
//! use corevec_proto::{CreateCollection, Metric};
//!
//! let client = Client::connect("127.0.0.1:7717", ClientConfig::default())?;
//! client.create_collection(&CreateCollection {
//!     name: "docs", dim: 3, metric: Metric::Cosine, shards: 0, connectivity: 0, expansion_add: 0,
//!     read_replicas: false, // true: every core keeps a copy to search (client.supports_read_replicas())
//! })?;
//! client.upsert("docs", &[1, 2], &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6])?;
//! let hits = client.search("docs", &[0.1, 0.2, 0.3], 10, SearchOptions::default())?;
//! // Payloads: opaque bytes stored and returned with each point.
//! client.upsert_with_payloads("docs", &[3], &[0.7, 0.8, 0.9], &[br#"{"title":"three"}"#])?;
//! let points = client.get_with_payloads("docs", &[3])?;
//! let hits = client.search_with_payloads("docs", &[0.7, 0.8, 0.9], 10, SearchOptions::default())?;
//! assert_eq!(hits.hits[0].payload, br#"{"title":"three"}"#);
//! // Replace payloads of existing points, keeping their vectors; `count` = ids that existed.
//! let ack = client.set_payloads("docs", &[3], &[br#"{"title":"drei"}"#])?;
//! assert_eq!(ack.count, 1);
//! // Labels: a few u64 per point (categories, tenants, ...), and searches filtered on them.
//! client.upsert_points("docs", &[4, 5], &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6], None, Some(&[&[7, 9], &[9]]))?;
//! let points = client.get_points("docs", &[4], false, true)?;
//! assert_eq!(points[0].as_ref().map(|p| p.labels.clone()), Some(vec![7, 9]));
//! let filter = Filter { all_of: vec![9], none_of: vec![7], ..Filter::default() };
//! let options = SearchOptions { filter: Some(&filter), ..SearchOptions::default() };
//! let hits = client.search("docs", &[0.1, 0.2, 0.3], 10, options)?; // only point 5 matches
//! // Replace labels of existing points, keeping vectors and payloads; `count` = ids that existed.
//! let ack = client.set_labels("docs", &[4, 5], &[&[9], &[]])?;
//! assert_eq!(ack.count, 2);
//! // Scroll: every point in ascending id order, one page at a time (stateless: `next` is where
//! // the following page starts), or all of them through an iterator that fetches the pages.
//! let options = ScrollOptions { with_labels: true, ..ScrollOptions::default() };
//! let page = client.scroll("docs", 0, 100, options)?;
//! assert_eq!(page.points[0].0, 1);
//! for point in client.scroll_all("docs", 1000, ScrollOptions::default()) {
//!     let (id, point) = point?; // ids only: the vector, payload and labels are empty
//!     assert!(id >= 1 && point.vector.is_empty());
//! }
//! // Pipelining: submit many, then wait.
//! let tickets: Vec<_> = (0..100)
//!     .map(|_| client.submit(&corevec_proto::Request::Ping))
//!     .collect::<Result<_, _>>()?;
//! for t in tickets { t.wait()?; }
//! # Ok::<(), corevec_client::ClientError>(())
//! ```

mod connection;
mod error;
mod scroll;

use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub use connection::{Connection, ResponseFrame, Ticket};
pub use corevec_proto as proto;
use corevec_proto::{
    CollectionInfo, CreateCollection, FilterRef, Hit, IdsRef, IdsRequest, LabelsRef, PayloadsRef,
    Request, Response, Scroll, Search, SearchFlags, SearchResponse, SetLabels, SetPayload, Stat,
    Upsert, VectorsRef, WriteAck, FEATURE_FILTER_GROUPS, FEATURE_LABELS, FEATURE_MAX_DISTANCE,
    FEATURE_PAYLOADS, FEATURE_READ_REPLICAS,
};
pub use error::ClientError;
pub use scroll::{ScrollIter, ScrollOptions, ScrollPage};

/// Connection settings.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Sent in HELLO; `None` for servers without auth.
    pub auth_token: Option<Vec<u8>>,
    /// TCP connect plus HELLO round trip.
    pub connect_timeout: Duration,
    /// Default per-request timeout (also the socket write timeout).
    pub request_timeout: Duration,
    /// Extra attempts for idempotent reads (PING, LIST, DESCRIBE, GET, SCROLL, SEARCH, STATS)
    /// after a connection error; each attempt reconnects. Writes are never retried.
    pub retries: u32,
    /// Sleep before the first retry, doubled for each further one.
    pub retry_backoff: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            auth_token: None,
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            retries: 2,
            retry_backoff: Duration::from_millis(50),
        }
    }
}

/// Search knobs besides `k`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SearchOptions<'a> {
    /// HNSW `ef`; 0 = server default.
    #[doc(alias = "ef")]
    pub expansion_search: u32,
    /// Brute-force exact search (with a filter: exact among the matching points).
    pub exact: bool,
    /// Accept results from the reachable part of a cluster (sets `partial` in the result).
    pub allow_partial: bool,
    /// Only return points whose labels match (for every query of a batch); up to `k` matching
    /// points, fewer if fewer match. Refused locally, nothing sent, if the server did not enable
    /// `FEATURE_LABELS` (or `FEATURE_FILTER_GROUPS`, for several `any_of` groups) or the filter
    /// is over `FILTER_LABELS_MAX` labels or `FILTER_GROUPS_MAX` groups, or has an empty group.
    pub filter: Option<&'a Filter>,
    /// Only return hits at most this distance from their query (a query may then get fewer
    /// than `k`), in the unit of the returned distances: squared L2, `1 - cos` or `1 - a·b`.
    /// Refused locally, nothing sent, if it is not finite or the server did not enable
    /// `FEATURE_MAX_DISTANCE`.
    pub max_distance: Option<f32>,
}

/// A label filter for searches and scrolls (see [`SearchOptions::filter`]). A point matches
/// iff it has every label of `all_of`, at least one label of every `any_of` group, and no label
/// of `none_of`; the default (all empty) matches every point. At most `FILTER_LABELS_MAX`
/// labels in all and `FILTER_GROUPS_MAX` groups; several groups need a server with
/// `FEATURE_FILTER_GROUPS` (one group does not).
///
/// ```
/// use corevec_client::Filter;
///
/// // 3 ∧ (10 ∨ 11) ∧ (20 ∨ 21) ∧ ¬9
/// let filter = Filter { all_of: vec![3], any_of: vec![vec![10, 11], vec![20, 21]], none_of: vec![9] };
/// assert!(filter.matches(&[3, 11, 20]));
/// assert!(!filter.matches(&[3, 11]));
/// assert!(!filter.matches(&[3, 10, 21, 9]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Labels a point must all have.
    pub all_of: Vec<u64>,
    /// Groups of labels of which a point must have at least one each (none: no condition). A
    /// numeric range ([`Filter::with_range`]) is one group.
    pub any_of: Vec<Vec<u64>>,
    /// Labels a point must not have.
    pub none_of: Vec<u64>,
}

impl Filter {
    /// `all_of`, the `any_of` groups and `none_of` together (what `FILTER_LABELS_MAX` bounds).
    #[must_use]
    pub fn label_count(&self) -> usize {
        self.all_of.len() + self.any_of.iter().map(Vec::len).sum::<usize>() + self.none_of.len()
    }

    /// Whether a point with `labels` matches.
    #[must_use]
    pub fn matches(&self, labels: &[u64]) -> bool {
        self.all_of.iter().all(|l| labels.contains(l))
            && self
                .any_of
                .iter()
                .all(|group| group.iter().any(|l| labels.contains(l)))
            && !self.none_of.iter().any(|l| labels.contains(l))
    }

    /// This filter, further restricted to points whose key in range-label field `field` lies
    /// in `lo..=hi`: the range's cover ([`corevec_proto::range::cover`]) becomes one more
    /// `any_of` group, so a filter can hold ranges on several fields next to other groups. The
    /// points must carry [`corevec_proto::range::point_labels`] of their key among their
    /// labels; [`corevec_proto::range::key_i32`] and [`corevec_proto::range::key_f32`] turn
    /// signed integers and floats into keys in the same order.
    ///
    /// ```
    /// use corevec_client::Filter;
    /// use corevec_client::proto::range::{key_f32, key_i32, point_labels};
    ///
    /// const PRICE: u8 = 0;
    /// const YEAR: u8 = 1;
    /// let (lo, hi) = (key_f32(10.0).unwrap(), key_f32(99.5).unwrap());
    /// let filter = Filter { all_of: vec![7], ..Filter::default() }
    ///     .with_range(PRICE, lo, hi)?
    ///     .with_range(YEAR, key_i32(2020), key_i32(2024))?;
    /// let point = |price: f32, year: i32| {
    ///     let mut labels = point_labels(PRICE, key_f32(price).unwrap()).to_vec();
    ///     labels.extend(point_labels(YEAR, key_i32(year)));
    ///     labels.push(7);
    ///     labels
    /// };
    /// assert!(filter.matches(&point(42.0, 2021)));
    /// assert!(!filter.matches(&point(100.0, 2021)));
    /// assert!(!filter.matches(&point(42.0, 2019)));
    /// # Ok::<(), corevec_client::ClientError>(())
    /// ```
    ///
    /// # Errors
    /// [`ClientError::InvalidRequest`] when `lo > hi` (an empty range), or the filter would
    /// exceed `FILTER_LABELS_MAX` labels or `FILTER_GROUPS_MAX` groups.
    pub fn with_range(mut self, field: u8, lo: u32, hi: u32) -> Result<Filter, ClientError> {
        if lo > hi {
            return Err(invalid("an empty range (lo > hi) matches no point"));
        }
        if self.any_of.len() >= corevec_proto::FILTER_GROUPS_MAX as usize {
            return Err(invalid(
                "a range would exceed the filter's FILTER_GROUPS_MAX any_of groups",
            ));
        }
        self.any_of.push(corevec_proto::range::cover(field, lo, hi));
        if self.label_count() > corevec_proto::FILTER_LABELS_MAX as usize {
            return Err(invalid(
                "a range's labels and the filter's other labels exceed FILTER_LABELS_MAX",
            ));
        }
        Ok(self)
    }

    /// The wire form, for a hand-built [`Search`] or [`Scroll`] request
    /// (`filter.wire().as_ref()`).
    #[must_use]
    pub fn wire(&self) -> WireFilter {
        WireFilter {
            all_of: self.all_of.clone(),
            any_of: self.any_of.concat(),
            // One group goes in the original form (no sizes), which every server takes; an
            // empty group keeps its size, which the encoder refuses (without the size it
            // would read as no condition at all).
            any_groups: if self.any_of.len() > 1 || self.any_of.iter().any(Vec::is_empty) {
                self.any_of.iter().map(|group| group.len() as u64).collect()
            } else {
                Vec::new()
            },
            none_of: self.none_of.clone(),
        }
    }
}

/// A [`Filter`] with its `any_of` groups laid out as the wire has them (see [`FilterRef`]);
/// borrow it with [`WireFilter::as_ref`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WireFilter {
    all_of: Vec<u64>,
    any_of: Vec<u64>,
    any_groups: Vec<u64>,
    none_of: Vec<u64>,
}

impl WireFilter {
    /// Borrow as the wire form.
    #[must_use]
    pub fn as_ref(&self) -> FilterRef<'_> {
        FilterRef {
            all_of: IdsRef::new(&self.all_of),
            any_of: IdsRef::new(&self.any_of),
            any_groups: IdsRef::new(&self.any_groups),
            none_of: IdsRef::new(&self.none_of),
        }
    }
}

/// The answer to a single-query search: [`Hit`]s from [`Client::search`], [`PayloadHit`]s from
/// [`Client::search_with_payloads`].
#[derive(Clone, Debug, PartialEq)]
pub struct SearchResult<H = Hit> {
    /// Closest first.
    pub hits: Vec<H>,
    /// Some shards or nodes did not answer (only with `allow_partial`).
    pub partial: bool,
}

/// A search hit with the payload stored with its point.
#[derive(Clone, Debug, PartialEq)]
pub struct PayloadHit {
    /// Vector id.
    pub id: u64,
    /// Distance under the collection's metric (smaller is closer).
    pub distance: f32,
    /// The point's payload; empty if it has none.
    pub payload: Vec<u8>,
}

/// A point as [`Client::get_with_payloads`], [`Client::get_points`] and [`Client::scroll`]
/// return it.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The stored vector.
    pub vector: Vec<f32>,
    /// The stored payload; empty if the point has none (or payloads were not asked for).
    pub payload: Vec<u8>,
    /// The stored labels, sorted ascending without duplicates; empty if the point has none (or
    /// labels were not asked for).
    pub labels: Vec<u64>,
}

/// A client over one pipelined connection, reconnecting on demand. `Sync`: share it between
/// threads (`Arc<Client>`) to keep many requests in flight.
#[derive(Debug)]
pub struct Client {
    addrs: Vec<SocketAddr>,
    config: ClientConfig,
    connection: Mutex<Option<Arc<Connection>>>,
}

impl Client {
    /// Resolve `addr`, connect and say HELLO.
    pub fn connect(addr: impl ToSocketAddrs, config: ClientConfig) -> Result<Client, ClientError> {
        let addrs: Vec<SocketAddr> = addr.to_socket_addrs()?.collect();
        if addrs.is_empty() {
            return Err(ClientError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "address resolved to nothing",
            )));
        }
        let client = Client {
            addrs,
            config,
            connection: Mutex::new(None),
        };
        client.connection()?;
        Ok(client)
    }

    /// The live connection, reconnecting if the previous one failed.
    pub fn connection(&self) -> Result<Arc<Connection>, ClientError> {
        let mut slot = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(conn) = slot.as_ref().filter(|c| c.is_open()) {
            return Ok(Arc::clone(conn));
        }
        *slot = None;
        let mut last = None;
        for addr in &self.addrs {
            match Connection::connect(*addr, &self.config) {
                Ok(conn) => {
                    let conn = Arc::new(conn);
                    *slot = Some(Arc::clone(&conn));
                    return Ok(conn);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or(ClientError::Timeout))
    }

    /// Send a request without waiting (pipelining). Never retried.
    pub fn submit(&self, request: &Request<'_>) -> Result<Ticket, ClientError> {
        self.connection()?.submit(request)
    }

    /// Send a request with its own timeout, without waiting.
    pub fn submit_with_timeout(
        &self,
        request: &Request<'_>,
        timeout: Duration,
    ) -> Result<Ticket, ClientError> {
        self.connection()?.submit_with_timeout(request, timeout)
    }

    /// Send and wait, retrying idempotent reads after connection errors.
    pub fn execute(&self, request: &Request<'_>) -> Result<ResponseFrame, ClientError> {
        self.execute_with_timeout(request, self.config.request_timeout)
    }

    /// [`Client::execute`] with an explicit timeout per attempt.
    pub fn execute_with_timeout(
        &self,
        request: &Request<'_>,
        timeout: Duration,
    ) -> Result<ResponseFrame, ClientError> {
        let attempts = if request.opcode().is_idempotent_read() {
            1 + self.config.retries
        } else {
            1
        };
        let mut backoff = self.config.retry_backoff;
        let mut attempt = 1;
        loop {
            let result = self
                .connection()
                .and_then(|conn| conn.submit_with_timeout(request, timeout))
                .and_then(Ticket::wait);
            match result {
                Err(e) if e.is_connection_error() && attempt < attempts => {
                    std::thread::sleep(backoff);
                    backoff = backoff.saturating_mul(2);
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// PING.
    pub fn ping(&self) -> Result<(), ClientError> {
        self.execute(&Request::Ping).map(drop)
    }

    /// CREATE_COLLECTION. With [`CreateCollection::read_replicas`] set, refused locally unless
    /// the server enabled [`FEATURE_READ_REPLICAS`] ([`Client::supports_read_replicas`]).
    pub fn create_collection(&self, spec: &CreateCollection<'_>) -> Result<(), ClientError> {
        if spec.read_replicas && !self.supports_read_replicas()? {
            return Err(invalid(
                "the server did not enable FEATURE_READ_REPLICAS in HELLO (it, or a node behind \
                 the router, predates read replicas)",
            ));
        }
        self.execute(&Request::CreateCollection(*spec)).map(drop)
    }

    /// DROP_COLLECTION.
    pub fn drop_collection(&self, name: &str) -> Result<(), ClientError> {
        self.execute(&Request::DropCollection { name }).map(drop)
    }

    /// LIST_COLLECTIONS.
    pub fn list_collections(&self) -> Result<Vec<CollectionInfo>, ClientError> {
        match self.execute(&Request::ListCollections)?.response()? {
            Response::ListCollections(infos) => Ok(infos),
            other => Err(unexpected(&other)),
        }
    }

    /// DESCRIBE_COLLECTION.
    pub fn describe_collection(&self, name: &str) -> Result<CollectionInfo, ClientError> {
        match self
            .execute(&Request::DescribeCollection { name })?
            .response()?
        {
            Response::DescribeCollection(info) => Ok(info),
            other => Err(unexpected(&other)),
        }
    }

    /// True if the server enabled [`FEATURE_PAYLOADS`] in HELLO, so the `*_with_payloads`
    /// methods may be used (they check it themselves and refuse locally otherwise).
    pub fn supports_payloads(&self) -> Result<bool, ClientError> {
        Ok(self.connection()?.hello().features & FEATURE_PAYLOADS != 0)
    }

    /// One payload per id (else `mismatch`), and a server that enabled payloads; refused
    /// before anything is sent.
    fn check_payloads(
        &self,
        ids: &[u64],
        payloads: &[&[u8]],
        mismatch: &'static str,
    ) -> Result<(), ClientError> {
        if payloads.len() != ids.len() {
            return Err(invalid(mismatch));
        }
        self.require_payloads()
    }

    fn require_payloads(&self) -> Result<(), ClientError> {
        if self.supports_payloads()? {
            Ok(())
        } else {
            Err(invalid(
                "the server did not enable FEATURE_PAYLOADS in HELLO (it predates payloads)",
            ))
        }
    }

    /// True if the server enabled [`FEATURE_LABELS`] in HELLO, so labels ([`Client::upsert_points`],
    /// [`Client::get_points`] with `with_labels`, [`Client::set_labels`]) and filters
    /// ([`SearchOptions::filter`]) may be used (those check it themselves and refuse locally
    /// otherwise).
    pub fn supports_labels(&self) -> Result<bool, ClientError> {
        Ok(self.connection()?.hello().features & FEATURE_LABELS != 0)
    }

    /// True if the server enabled [`FEATURE_FILTER_GROUPS`] in HELLO, so a filter may hold
    /// several `any_of` groups (several ranges, or ranges with a set of labels) and up to
    /// 1,024 labels. A router enables it only when all its nodes that are up have it.
    pub fn supports_filter_groups(&self) -> Result<bool, ClientError> {
        Ok(self.connection()?.hello().features & FEATURE_FILTER_GROUPS != 0)
    }

    /// True if the server enabled [`FEATURE_MAX_DISTANCE`] in HELLO, so
    /// [`SearchOptions::max_distance`] may be used.
    pub fn supports_max_distance(&self) -> Result<bool, ClientError> {
        Ok(self.connection()?.hello().features & FEATURE_MAX_DISTANCE != 0)
    }

    /// True if the server enabled [`FEATURE_READ_REPLICAS`] in HELLO, so
    /// [`Client::create_collection`] may ask for [`CreateCollection::read_replicas`] and
    /// [`CollectionInfo::read_replicas`] is reported (without it, it always reads `false`).
    pub fn supports_read_replicas(&self) -> Result<bool, ClientError> {
        Ok(self.connection()?.hello().features & FEATURE_READ_REPLICAS != 0)
    }

    fn check_labels(
        &self,
        ids: &[u64],
        labels: &[&[u64]],
        mismatch: &'static str,
    ) -> Result<(), ClientError> {
        if labels.len() != ids.len() {
            return Err(invalid(mismatch));
        }
        self.require_labels()
    }

    /// `filter` in wire form, after checking that the server takes it: any filter needs
    /// `FEATURE_LABELS`, several groups `FEATURE_FILTER_GROUPS`.
    fn wire_filter(&self, filter: Option<&Filter>) -> Result<Option<WireFilter>, ClientError> {
        let Some(filter) = filter else {
            return Ok(None);
        };
        self.require_labels()?;
        let wire = filter.wire();
        let missing = wire.as_ref().features_needed() & !self.connection()?.hello().features;
        if missing & FEATURE_FILTER_GROUPS != 0 {
            return Err(invalid(
                "the server did not enable FEATURE_FILTER_GROUPS in HELLO (it, or a node behind \
                 the router, predates filter groups): it takes one any_of group and 256 labels",
            ));
        }
        Ok(Some(wire))
    }

    fn require_labels(&self) -> Result<(), ClientError> {
        if self.supports_labels()? {
            Ok(())
        } else {
            Err(invalid(
                "the server did not enable FEATURE_LABELS in HELLO (it predates labels)",
            ))
        }
    }

    /// UPSERT `ids.len()` vectors; `vectors` is row-major, `ids.len() * dim` floats. Replaces
    /// whole points: an id that had a payload or labels has none afterwards (see
    /// [`Client::upsert_with_payloads`] and [`Client::upsert_points`]).
    pub fn upsert(
        &self,
        collection: &str,
        ids: &[u64],
        vectors: &[f32],
    ) -> Result<WriteAck, ClientError> {
        self.upsert_request(collection, ids, vectors, None, None)
    }

    /// UPSERT `ids.len()` points with a payload each (`payloads[i]` belongs to `ids[i]`; at
    /// most `PAYLOAD_BYTES_MAX` bytes; empty = no payload). Refused locally, nothing sent, if
    /// the counts differ, a payload is too large, or the server did not enable payloads.
    pub fn upsert_with_payloads(
        &self,
        collection: &str,
        ids: &[u64],
        vectors: &[f32],
        payloads: &[&[u8]],
    ) -> Result<WriteAck, ClientError> {
        self.check_payloads(
            ids,
            payloads,
            "upsert_with_payloads needs exactly one payload per id (payloads.len() != ids.len())",
        )?;
        self.upsert_request(
            collection,
            ids,
            vectors,
            Some(PayloadsRef::new(payloads)),
            None,
        )
    }

    /// UPSERT `ids.len()` whole points, the general form: `vectors` row-major as in
    /// [`Client::upsert`]; `payloads`, if given, one per id (as in
    /// [`Client::upsert_with_payloads`]); `labels`, if given, one list per id (`labels[i]`
    /// belongs to `ids[i]`; at most `LABELS_PER_POINT_MAX` each, counted as sent; empty = no
    /// labels; the server stores them sorted and deduplicated). What is not given is cleared:
    /// an upsert replaces the whole point. Refused locally, nothing sent, if a count differs
    /// from `ids.len()`, a payload is too large, a point has too many labels, or the server did
    /// not enable payloads (when `payloads` is given) or labels (when `labels` is given).
    pub fn upsert_points(
        &self,
        collection: &str,
        ids: &[u64],
        vectors: &[f32],
        payloads: Option<&[&[u8]]>,
        labels: Option<&[&[u64]]>,
    ) -> Result<WriteAck, ClientError> {
        if let Some(payloads) = payloads {
            self.check_payloads(
                ids,
                payloads,
                "upsert_points needs exactly one payload per id (payloads.len() != ids.len())",
            )?;
        }
        if let Some(labels) = labels {
            self.check_labels(
                ids,
                labels,
                "upsert_points needs exactly one label list per id (labels.len() != ids.len())",
            )?;
        }
        self.upsert_request(
            collection,
            ids,
            vectors,
            payloads.map(PayloadsRef::new),
            labels.map(LabelsRef::new),
        )
    }

    fn upsert_request(
        &self,
        collection: &str,
        ids: &[u64],
        vectors: &[f32],
        payloads: Option<PayloadsRef<'_>>,
        labels: Option<LabelsRef<'_>>,
    ) -> Result<WriteAck, ClientError> {
        let dim = dim_of(vectors.len(), ids.len())?;
        let request = Request::Upsert(Upsert {
            collection,
            ids: IdsRef::new(ids),
            vectors: VectorsRef::new(vectors, dim),
            payloads,
            labels,
        });
        match self.execute(&request)?.response()? {
            Response::Upsert(ack) => Ok(ack),
            other => Err(unexpected(&other)),
        }
    }

    /// GET: for each id, its vector or `None`.
    pub fn get(&self, collection: &str, ids: &[u64]) -> Result<Vec<Option<Vec<f32>>>, ClientError> {
        let points = self.get_points(collection, ids, false, false)?;
        Ok(points.into_iter().map(|p| p.map(|p| p.vector)).collect())
    }

    /// GET with payloads: for each id, its vector and payload, or `None`. Refused locally if
    /// the server did not enable payloads.
    pub fn get_with_payloads(
        &self,
        collection: &str,
        ids: &[u64],
    ) -> Result<Vec<Option<Point>>, ClientError> {
        self.get_points(collection, ids, true, false)
    }

    /// GET, the general form: for each id, its [`Point`] or `None`; `payload` is filled iff
    /// `with_payloads`, `labels` iff `with_labels` (else they are empty). Refused locally if
    /// the server did not enable payloads (with `with_payloads`) or labels (with
    /// `with_labels`).
    pub fn get_points(
        &self,
        collection: &str,
        ids: &[u64],
        with_payloads: bool,
        with_labels: bool,
    ) -> Result<Vec<Option<Point>>, ClientError> {
        if with_payloads {
            self.require_payloads()?;
        }
        if with_labels {
            self.require_labels()?;
        }
        let request = Request::Get(IdsRequest {
            collection,
            ids: IdsRef::new(ids),
            with_payloads,
            with_labels,
        });
        match self.execute(&request)?.response()? {
            Response::Get(g) => {
                if g.found.len() != ids.len() {
                    return Err(ClientError::Protocol(
                        "GET answered a different number of ids".into(),
                    ));
                }
                // With no id found the sections are empty and decode as `None`.
                let any_found = g.found.contains(&true);
                if with_payloads && g.payloads.is_none() && any_found {
                    return Err(ClientError::Protocol(
                        "GET with WITH_PAYLOADS answered without a payload section".into(),
                    ));
                }
                if with_labels && g.labels.is_none() && any_found {
                    return Err(ClientError::Protocol(
                        "GET with WITH_LABELS answered without a label section".into(),
                    ));
                }
                // Sections nobody asked for (a server may send an all-empty payload section
                // before labels) are ignored.
                Ok(g.iter()
                    .zip(g.iter_payloads())
                    .zip(g.iter_labels())
                    .map(|((vector, payload), labels)| {
                        vector.map(|vector| Point {
                            vector: vector.to_vec(),
                            payload: payload
                                .filter(|_| with_payloads)
                                .unwrap_or_default()
                                .to_vec(),
                            labels: labels
                                .filter(|_| with_labels)
                                .map(|l| l.to_vec())
                                .unwrap_or_default(),
                        })
                    })
                    .collect())
            }
            other => Err(unexpected(&other)),
        }
    }

    /// SCROLL: one page of `collection`'s points in ascending id order, up to `limit`
    /// (1..=`SCROLL_LIMIT_MAX`) live points with `id >= start_id` that match `options.filter`,
    /// each with the parts `options` asks for (the others empty). Continue from `page.next`
    /// until it is `None` (a page may be shorter than `limit` and still have a `next`), or use
    /// [`Client::scroll_all`].
    ///
    /// Paging is stateless (the server keeps no cursor): every point that exists for the whole
    /// scroll and keeps its id is listed exactly once; points written or deleted meanwhile may or
    /// may not be. Refused locally, nothing sent, if `limit` is out of range, the filter has more
    /// than `FILTER_LABELS_MAX` labels, or the server did not enable payloads (with
    /// `with_payloads`) or labels (with `with_labels` or a filter). An answer that does not fit
    /// the request (more than `limit` points, an id below `start_id` or out of order, a part
    /// missing or not asked for) is [`ClientError::Protocol`]. A read: retried after connection
    /// errors. A server from before SCROLL answers `UNKNOWN_OPCODE`.
    pub fn scroll(
        &self,
        collection: &str,
        start_id: u64,
        limit: u32,
        options: ScrollOptions<'_>,
    ) -> Result<ScrollPage, ClientError> {
        if options.with_payloads {
            self.require_payloads()?;
        }
        if options.with_labels {
            self.require_labels()?;
        }
        let filter = self.wire_filter(options.filter)?;
        // The encoder refuses a limit out of range or a filter that is too large: nothing sent.
        let request = Request::Scroll(Scroll {
            collection,
            start_id,
            limit,
            with_vectors: options.with_vectors,
            with_payloads: options.with_payloads,
            with_labels: options.with_labels,
            filter: filter.as_ref().map(WireFilter::as_ref),
        });
        match self.execute(&request)?.response()? {
            Response::Scroll(page) => scroll::scroll_page(&page, start_id, limit, &options),
            other => Err(unexpected(&other)),
        }
    }

    /// Every point of `collection` in ascending id order, as an iterator of `(id, point)` that
    /// fetches pages of up to `limit` points with [`Client::scroll`], from id 0 until a page
    /// without a `next`. The first error (from any page; nothing is fetched before the first
    /// `next()` call) is yielded once and ends the iteration; to resume, call
    /// [`Client::scroll`] from the last id received plus one. The guarantees under concurrent
    /// writes are those of [`Client::scroll`].
    ///
    /// ```no_run
    /// # use corevec_client::{Client, ClientConfig, ScrollOptions};
    /// # let client = Client::connect("127.0.0.1:7717", ClientConfig::default())?;
    /// let options = ScrollOptions { with_vectors: true, with_payloads: true, ..Default::default() };
    /// for point in client.scroll_all("docs", 1000, options) {
    ///     let (id, point) = point?;
    ///     println!("{id}: {} floats, {} payload bytes", point.vector.len(), point.payload.len());
    /// }
    /// # Ok::<(), corevec_client::ClientError>(())
    /// ```
    pub fn scroll_all<'a>(
        &'a self,
        collection: &'a str,
        limit: u32,
        options: ScrollOptions<'a>,
    ) -> ScrollIter<'a> {
        ScrollIter::new(self, collection, limit, options)
    }

    /// DELETE; `count` in the ack is how many ids existed.
    pub fn delete(&self, collection: &str, ids: &[u64]) -> Result<WriteAck, ClientError> {
        let request = Request::Delete(IdsRequest {
            collection,
            ids: IdsRef::new(ids),
            with_payloads: false,
            with_labels: false,
        });
        match self.execute(&request)?.response()? {
            Response::Delete(ack) => Ok(ack),
            other => Err(unexpected(&other)),
        }
    }

    /// SET_PAYLOAD: replace the payloads of existing points, keeping their vectors
    /// (`payloads[i]` belongs to `ids[i]`; at most `PAYLOAD_BYTES_MAX` bytes; empty = no
    /// payload). `count` in the ack is how many ids existed; absent ids are skipped, and with
    /// duplicate ids the last payload wins. Refused locally, nothing sent, if the counts differ,
    /// a payload is too large, or the server did not enable payloads. A write: never retried.
    pub fn set_payloads(
        &self,
        collection: &str,
        ids: &[u64],
        payloads: &[&[u8]],
    ) -> Result<WriteAck, ClientError> {
        self.check_payloads(
            ids,
            payloads,
            "set_payloads needs exactly one payload per id (payloads.len() != ids.len())",
        )?;
        let request = Request::SetPayload(SetPayload {
            collection,
            ids: IdsRef::new(ids),
            payloads: PayloadsRef::new(payloads),
        });
        match self.execute(&request)?.response()? {
            Response::SetPayload(ack) => Ok(ack),
            other => Err(unexpected(&other)),
        }
    }

    /// SET_LABELS: replace the labels of existing points, keeping their vectors and payloads
    /// (`labels[i]` belongs to `ids[i]`; at most `LABELS_PER_POINT_MAX` each, counted as sent;
    /// empty = no labels; the server stores them sorted and deduplicated). `count` in the ack is
    /// how many ids existed; absent ids are skipped, and with duplicate ids the last list wins.
    /// Refused locally, nothing sent, if the counts differ, a point has too many labels, or the
    /// server did not enable labels. A write: never retried.
    pub fn set_labels(
        &self,
        collection: &str,
        ids: &[u64],
        labels: &[&[u64]],
    ) -> Result<WriteAck, ClientError> {
        self.check_labels(
            ids,
            labels,
            "set_labels needs exactly one label list per id (labels.len() != ids.len())",
        )?;
        let request = Request::SetLabels(SetLabels {
            collection,
            ids: IdsRef::new(ids),
            labels: LabelsRef::new(labels),
        });
        match self.execute(&request)?.response()? {
            Response::SetLabels(ack) => Ok(ack),
            other => Err(unexpected(&other)),
        }
    }

    /// SEARCH with one query (filtered by `options.filter`, if given).
    pub fn search(
        &self,
        collection: &str,
        query: &[f32],
        k: u32,
        options: SearchOptions<'_>,
    ) -> Result<SearchResult, ClientError> {
        let dim = u32::try_from(query.len()).unwrap_or(u32::MAX);
        let mut response = self.search_batch(collection, query, dim, k, options)?;
        let hits = response.results.pop().unwrap_or_default();
        if !response.results.is_empty() {
            return Err(ClientError::Protocol(
                "SEARCH answered more than one query".into(),
            ));
        }
        Ok(SearchResult {
            hits,
            partial: response.partial,
        })
    }

    /// SEARCH with one query, returning each hit's payload. Refused locally if the server did
    /// not enable payloads.
    pub fn search_with_payloads(
        &self,
        collection: &str,
        query: &[f32],
        k: u32,
        options: SearchOptions<'_>,
    ) -> Result<SearchResult<PayloadHit>, ClientError> {
        let dim = u32::try_from(query.len()).unwrap_or(u32::MAX);
        let response = self.search_batch_with_payloads(collection, query, dim, k, options)?;
        let mut results = response.results.into_iter();
        let mut payloads = response.payloads.unwrap_or_default().into_iter();
        let (Some(hits), Some(payloads), None) = (results.next(), payloads.next(), results.next())
        else {
            return Err(ClientError::Protocol(
                "SEARCH answered a different number of queries".into(),
            ));
        };
        let hits = hits
            .into_iter()
            .zip(payloads)
            .map(|(hit, payload)| PayloadHit {
                id: hit.id,
                distance: hit.distance,
                payload,
            })
            .collect();
        Ok(SearchResult {
            hits,
            partial: response.partial,
        })
    }

    /// SEARCH with `queries.len() / dim` queries (row-major).
    pub fn search_batch(
        &self,
        collection: &str,
        queries: &[f32],
        dim: u32,
        k: u32,
        options: SearchOptions<'_>,
    ) -> Result<SearchResponse, ClientError> {
        self.search_queries(collection, queries, dim, k, options, false)
    }

    /// [`Client::search_batch`] returning every hit's payload: `payloads` in the result is
    /// `Some`, shaped like `results`. Refused locally if the server did not enable payloads.
    pub fn search_batch_with_payloads(
        &self,
        collection: &str,
        queries: &[f32],
        dim: u32,
        k: u32,
        options: SearchOptions<'_>,
    ) -> Result<SearchResponse, ClientError> {
        self.require_payloads()?;
        let response = self.search_queries(collection, queries, dim, k, options, true)?;
        // The decoder shapes `payloads` like `results` whenever HAS_PAYLOADS is set.
        if response.payloads.is_none() {
            return Err(ClientError::Protocol(
                "SEARCH with WITH_PAYLOADS answered without HAS_PAYLOADS".into(),
            ));
        }
        Ok(response)
    }

    fn search_queries(
        &self,
        collection: &str,
        queries: &[f32],
        dim: u32,
        k: u32,
        options: SearchOptions<'_>,
        with_payloads: bool,
    ) -> Result<SearchResponse, ClientError> {
        let nq = queries.len() / (dim.max(1) as usize);
        if dim == 0 || queries.len() % dim as usize != 0 {
            return Err(invalid("queries length must be a non-zero multiple of dim"));
        }
        let filter = self.wire_filter(options.filter)?;
        if let Some(max) = options.max_distance {
            if !max.is_finite() {
                return Err(invalid("max_distance must be a finite number"));
            }
            if !self.supports_max_distance()? {
                return Err(invalid(
                    "the server did not enable FEATURE_MAX_DISTANCE in HELLO (it, or a node \
                     behind the router, predates max_distance)",
                ));
            }
        }
        let request = Request::Search(Search {
            collection,
            k,
            expansion_search: options.expansion_search,
            flags: SearchFlags {
                exact: options.exact,
                allow_partial: options.allow_partial,
                with_payloads,
            },
            queries: VectorsRef::new(queries, dim),
            filter: filter.as_ref().map(WireFilter::as_ref),
            max_distance: options.max_distance,
        });
        match self.execute(&request)?.response()? {
            Response::Search(s) if s.results.len() == nq => Ok(s),
            Response::Search(_) => Err(ClientError::Protocol(
                "SEARCH answered a different number of queries".into(),
            )),
            other => Err(unexpected(&other)),
        }
    }

    /// STATS as `(name, value)` pairs.
    pub fn stats(&self) -> Result<Vec<Stat>, ClientError> {
        match self.execute(&Request::Stats)?.response()? {
            Response::Stats(stats) => Ok(stats),
            other => Err(unexpected(&other)),
        }
    }

    /// SNAPSHOT one collection, or all with `None`.
    pub fn snapshot(&self, collection: Option<&str>) -> Result<(), ClientError> {
        self.execute(&Request::Snapshot {
            name: collection.unwrap_or(""),
        })
        .map(drop)
    }
}

fn invalid(what: &'static str) -> ClientError {
    ClientError::InvalidRequest(corevec_proto::Error::InvalidArgument(what))
}

fn dim_of(floats: usize, count: usize) -> Result<u32, ClientError> {
    if count == 0 || floats == 0 || floats % count != 0 {
        return Err(invalid(
            "need at least one id and exactly ids.len() * dim floats",
        ));
    }
    u32::try_from(floats / count).map_err(|_| invalid("dim too large"))
}

fn unexpected(response: &Response<'_>) -> ClientError {
    ClientError::Protocol(format!("unexpected response {:?}", response.opcode()))
}

/// A fixed set of [`Client`]s to one server, handed out round-robin. Each client is already
/// pipelined; several connections spread load over the server's cores (connections, not
/// requests, are what SO_REUSEPORT distributes).
#[derive(Debug)]
pub struct Pool {
    clients: Vec<Client>,
    next: AtomicUsize,
}

impl Pool {
    /// Open `size` (at least 1) connections.
    pub fn connect(
        addr: impl ToSocketAddrs,
        config: &ClientConfig,
        size: usize,
    ) -> Result<Pool, ClientError> {
        let addrs: Vec<SocketAddr> = addr.to_socket_addrs()?.collect();
        let clients = (0..size.max(1))
            .map(|_| Client::connect(addrs.as_slice(), config.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Pool {
            clients,
            next: AtomicUsize::new(0),
        })
    }

    /// The next client, round-robin.
    #[must_use]
    pub fn get(&self) -> &Client {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.clients.len();
        &self.clients[i]
    }

    /// Number of connections.
    #[must_use]
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    /// Always false (a pool has at least one client).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }
}
