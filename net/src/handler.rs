//! Executing one decoded request against this core's [`LocalEngine`], and turning the outcome
//! into a response frame. Everything here is per request: a failure becomes an ERROR frame
//! for that request id and never touches the connection.

use std::rc::Rc;

use corevec_engine::{
    CollectionSpec, Error as EngineError, Filter, IndexParams, LocalEngine, Metric as EngineMetric,
    Point, ScrollRequest, SearchRequest,
};
use corevec_proto::{
    encode_error, CollectionInfo, Error as ProtoError, ErrorCode, FilterRef, GetResponse, Hit,
    IdsRef, LabelsBuf, Metric, PayloadsBuf, Request, RequestId, Response, ScrollResponse,
    SearchResponse, ShardInfo, Stat, VectorsRef, WriteAck, FRAME_BODY_BYTES_MAX,
};

use crate::stats::NodeStats;

// The engine stores every payload the protocol lets through.
const _: () =
    assert!(corevec_proto::PAYLOAD_BYTES_MAX as usize <= corevec_engine::PAYLOAD_BYTES_MAX);

/// A request that failed: the code and a message for humans.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Failure {
        let code = engine_error_code(&e);
        if code == ErrorCode::Internal {
            tracing::error!(error = %e, "engine failure answered INTERNAL");
        }
        Failure::new(code, e.to_string())
    }
}

/// The wire code for an engine error (the table in the server's docs: request errors map to
/// their codes, saturation to BUSY, anything unexpected to INTERNAL).
pub(crate) fn engine_error_code(e: &EngineError) -> ErrorCode {
    match e {
        EngineError::DimensionMismatch { .. } => ErrorCode::DimensionMismatch,
        EngineError::InvalidVector { .. } => ErrorCode::InvalidVector,
        EngineError::InvalidArgument(_) => ErrorCode::InvalidArgument,
        EngineError::CollectionNotFound(_) => ErrorCode::CollectionNotFound,
        EngineError::CollectionExists(_) => ErrorCode::CollectionExists,
        EngineError::ResultTooLarge { .. } => ErrorCode::BatchTooLarge,
        EngineError::Busy(_) => ErrorCode::Busy,
        EngineError::ShuttingDown => ErrorCode::ShuttingDown,
        EngineError::Timeout { .. } => ErrorCode::Timeout,
        EngineError::Storage(
            corevec_storage::Error::NoSpace { .. }
            | corevec_storage::Error::Failed { no_space: true, .. },
        )
        | EngineError::DiskLow { .. }
        | EngineError::MemoryHigh { .. } => ErrorCode::NoSpace,
        EngineError::Storage(_) => ErrorCode::Storage,
        _ => ErrorCode::Internal,
    }
}

/// The outcome of a successful request, owned so that it outlives the engine call.
pub(crate) enum Answer {
    /// Any response whose body borrows nothing.
    Response(Response<'static>),
    /// GET: the found flags and the found vectors, packed, and when asked for, the found
    /// points' payloads and labels.
    Get {
        found: Vec<bool>,
        flat: Vec<f32>,
        dim: u32,
        payloads: Option<PayloadsBuf>,
        labels: Option<LabelsBuf>,
    },
    /// SCROLL: the page's ids, and when asked for, their vectors (packed), payloads and labels.
    Scroll {
        ids: Vec<u64>,
        more: bool,
        dim: u32,
        vectors: Option<Vec<f32>>,
        payloads: Option<PayloadsBuf>,
        labels: Option<LabelsBuf>,
    },
}

impl Answer {
    /// This answer as a connection that enabled the HELLO feature bits `features` may
    /// receive it: LIST and DESCRIBE clear what such a client would refuse to decode
    /// ([`CollectionInfo::for_features`]). Both the engine's and the router's answers pass
    /// here.
    pub(crate) fn for_features(self, features: u64) -> Answer {
        let response = match self {
            Answer::Response(Response::ListCollections(infos)) => Response::ListCollections(
                infos
                    .into_iter()
                    .map(|info| info.for_features(features))
                    .collect(),
            ),
            Answer::Response(Response::DescribeCollection(info)) => {
                Response::DescribeCollection(info.for_features(features))
            }
            other => return other,
        };
        Answer::Response(response)
    }
}

/// What a SCROLL asked each point to carry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ScrollParts {
    pub(crate) vectors: bool,
    pub(crate) payloads: bool,
    pub(crate) labels: bool,
}

/// How many of `points` (in order) fit in one SCROLL response frame: an upper bound of each
/// point's encoded size is counted against `FRAME_BODY_BYTES_MAX`. At least one point always
/// fits (the protocol's limits guarantee it), so paging always makes progress.
fn scroll_points_fitting(points: &[(u64, Point)], dim: usize, parts: ScrollParts) -> usize {
    // The prefix, and the padding the three sections may need.
    let mut bytes: u64 = 16 + 7 + 7 + 4;
    for (n, (_, point)) in points.iter().enumerate() {
        let mut size = 8;
        if parts.vectors {
            size += 4 * dim as u64;
        }
        if parts.payloads {
            size += 4 + point.payload.len() as u64;
        }
        if parts.labels {
            size += 4 + 8 * point.labels.len() as u64;
        }
        bytes += size;
        if bytes > u64::from(FRAME_BODY_BYTES_MAX) {
            debug_assert!(n > 0, "one point always fits in a frame");
            return n.max(1);
        }
    }
    points.len()
}

/// The SCROLL answer for a page of points in ascending id order (from this core's engine or
/// merged by a router): trimmed to what fits in one frame (then `more` is set), the parts
/// asked for packed. Fails only on a stored payload or label list the codec refuses.
pub(crate) fn scroll_answer(
    mut points: Vec<(u64, Point)>,
    mut more: bool,
    dim: usize,
    parts: ScrollParts,
) -> Result<Answer, Failure> {
    debug_assert!(points.windows(2).all(|pair| pair[0].0 < pair[1].0));
    let fitting = scroll_points_fitting(&points, dim, parts);
    if fitting < points.len() {
        points.truncate(fitting);
        more = true;
    }
    let internal =
        |what: &str, e: ProtoError| Failure::new(ErrorCode::Internal, format!("{what}: {e}"));
    let mut vectors = parts
        .vectors
        .then(|| Vec::with_capacity(points.len() * dim));
    let mut payloads = parts.payloads.then(PayloadsBuf::new);
    let mut labels = parts.labels.then(LabelsBuf::new);
    for (_, point) in &points {
        if let Some(vectors) = &mut vectors {
            if point.vector.len() != dim {
                return Err(Failure::new(
                    ErrorCode::Internal,
                    "a vector of the wrong dimension in a scroll page",
                ));
            }
            vectors.extend_from_slice(&point.vector);
        }
        if let Some(payloads) = &mut payloads {
            payloads
                .push(&point.payload)
                .map_err(|e| internal("stored payload", e))?;
        }
        if let Some(labels) = &mut labels {
            labels
                .push(&point.labels)
                .map_err(|e| internal("stored labels", e))?;
        }
    }
    Ok(Answer::Scroll {
        ids: points.iter().map(|(id, _)| *id).collect(),
        more: more && !points.is_empty(),
        dim: saturate_u32(dim),
        vectors,
        payloads,
        labels,
    })
}

/// The engine's form of a wire filter.
fn engine_filter(filter: FilterRef<'_>) -> Filter {
    Filter {
        all_of: filter.all_of.to_vec(),
        any_of: filter.any_of_groups().map(|group| group.to_vec()).collect(),
        none_of: filter.none_of.to_vec(),
    }
}

/// A request executor other than this core's engine: the router plugs in here to reuse the
/// server's connection layer (HELLO, auth, limits, pipelining, framing) with a backend that
/// forwards to other nodes. `None` in [`crate::server`] means "the local engine"
/// ([`execute`]).
pub(crate) trait Backend {
    /// Executes `request` (never HELLO, which the connection answers itself).
    fn execute<'a>(
        &'a self,
        request: Request<'a>,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Answer, Failure>> + 'a>>;

    /// Feature bits HELLO may enable on this core (a subset of `FEATURES_SUPPORTED`).
    fn features(&self) -> u64;
}

/// What the handler needs from its core.
pub(crate) struct Context<'a> {
    pub(crate) local: &'a Rc<LocalEngine>,
    pub(crate) stats: &'a NodeStats,
}

fn engine_metric(metric: Metric) -> EngineMetric {
    match metric {
        Metric::L2 => EngineMetric::L2,
        Metric::Cosine => EngineMetric::Cosine,
        Metric::Dot => EngineMetric::Dot,
    }
}

fn wire_metric(metric: EngineMetric) -> Metric {
    match metric {
        EngineMetric::L2 => Metric::L2,
        EngineMetric::Cosine => Metric::Cosine,
        EngineMetric::Dot => Metric::Dot,
    }
}

fn saturate_u16(value: impl TryInto<u16>) -> u16 {
    value.try_into().unwrap_or(u16::MAX)
}

fn saturate_u32(value: impl TryInto<u32>) -> u32 {
    value.try_into().unwrap_or(u32::MAX)
}

fn collection_info(info: &corevec_engine::CollectionInfo) -> CollectionInfo {
    CollectionInfo {
        name: info.spec.name.clone(),
        dim: saturate_u32(info.spec.dim),
        metric: wire_metric(info.spec.metric),
        shards: saturate_u16(info.spec.shards),
        connectivity: saturate_u16(info.spec.index.connectivity),
        expansion_add: saturate_u32(info.spec.index.expansion_add),
        read_replicas: info.spec.read_replicas,
        vectors_count: info.vectors(),
        bytes: info.bytes(),
        shard_infos: info
            .shards
            .iter()
            .map(|s| ShardInfo {
                shard: s.shard,
                vectors_count: s.vectors,
                deleted_count: s.tombstones,
                bytes: s.vector_bytes + s.index_bytes + s.payload_bytes,
            })
            .collect(),
    }
}

/// The spec of `name` as this core knows it.
fn spec_of(local: &LocalEngine, name: &str) -> Result<CollectionSpec, Failure> {
    // LocalEngine has no single-collection accessor yet; the catalog is small and this is a
    // clone of a few specs, cheaper than the search it guards.
    local
        .list_collections()
        .into_iter()
        .find(|spec| spec.name == name)
        .ok_or_else(|| {
            Failure::new(
                ErrorCode::CollectionNotFound,
                format!("collection {name:?} not found"),
            )
        })
}

fn dimension_mismatch(expected: usize, received: u32) -> Failure {
    Failure::new(
        ErrorCode::DimensionMismatch,
        format!("dimension mismatch: collection has {expected} dimensions, request has {received}"),
    )
}

/// Executes `request` (never HELLO: the connection handles it before anything else).
pub(crate) async fn execute(ctx: &Context<'_>, request: Request<'_>) -> Result<Answer, Failure> {
    let local = ctx.local;
    let response = match request {
        Request::Hello(_) => {
            return Err(Failure::new(
                ErrorCode::InvalidArgument,
                "HELLO was already done on this connection",
            ))
        }
        Request::Ping => Response::Ping,
        Request::CreateCollection(c) => {
            let defaults = IndexParams::default();
            let spec = CollectionSpec::new(c.name, c.dim as usize, engine_metric(c.metric))
                .with_shards(u32::from(c.shards))
                .with_index(IndexParams {
                    connectivity: if c.connectivity == 0 {
                        defaults.connectivity
                    } else {
                        usize::from(c.connectivity)
                    },
                    expansion_add: if c.expansion_add == 0 {
                        defaults.expansion_add
                    } else {
                        c.expansion_add as usize
                    },
                })
                .with_read_replicas(c.read_replicas);
            local.create_collection(spec).await?;
            Response::CreateCollection
        }
        Request::DropCollection { name } => {
            local.drop_collection(name).await?;
            Response::DropCollection
        }
        Request::ListCollections => {
            let mut infos = Vec::new();
            for spec in local.list_collections() {
                match local.describe(&spec.name).await {
                    Ok(info) => infos.push(collection_info(&info)),
                    // Dropped between the listing and the describe: not listed.
                    Err(EngineError::CollectionNotFound(_)) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            Response::ListCollections(infos)
        }
        Request::DescribeCollection { name } => {
            Response::DescribeCollection(collection_info(&local.describe(name).await?))
        }
        Request::Upsert(u) => {
            let spec = spec_of(local, u.collection)?;
            if spec.dim != u.vectors.dim() as usize {
                return Err(dimension_mismatch(spec.dim, u.vectors.dim()));
            }
            let ids = u.ids.to_vec();
            let copied;
            let floats = match u.vectors.as_f32_slice() {
                // Zero-copy: the frame was received 8-byte aligned.
                Some(floats) => floats,
                None => {
                    copied = u.vectors.to_vec();
                    &copied
                }
            };
            let payloads: Option<Vec<&[u8]>> = u.payloads.map(|p| p.iter().collect());
            let labels: Option<Vec<Vec<u64>>> = u
                .labels
                .map(|l| l.iter().map(|list| list.to_vec()).collect());
            let labels: Option<Vec<&[u64]>> = labels
                .as_ref()
                .map(|l| l.iter().map(Vec::as_slice).collect());
            let count = local
                .upsert_points(
                    u.collection,
                    &ids,
                    floats,
                    payloads.as_deref(),
                    labels.as_deref(),
                )
                .await?;
            Response::Upsert(WriteAck {
                count: saturate_u32(count),
                lsn: None,
            })
        }
        Request::Get(g) => {
            let spec = spec_of(local, g.collection)?;
            let ids = g.ids.to_vec();
            let points = local
                .get_points(g.collection, &ids, g.with_payloads)
                .await?;
            let dim = saturate_u32(spec.dim);
            let mut found = Vec::with_capacity(points.len());
            let mut flat = Vec::new();
            let mut payloads = g.with_payloads.then(PayloadsBuf::new);
            let mut labels = g.with_labels.then(LabelsBuf::new);
            for point in points {
                found.push(point.is_some());
                if let Some(point) = point {
                    if point.vector.len() != spec.dim {
                        return Err(Failure::new(
                            ErrorCode::Internal,
                            "engine returned a vector of the wrong dimension",
                        ));
                    }
                    flat.extend_from_slice(&point.vector);
                    if let Some(payloads) = &mut payloads {
                        payloads.push(&point.payload).map_err(|e| {
                            Failure::new(ErrorCode::Internal, format!("stored payload: {e}"))
                        })?;
                    }
                    if let Some(labels) = &mut labels {
                        labels.push(&point.labels).map_err(|e| {
                            Failure::new(ErrorCode::Internal, format!("stored labels: {e}"))
                        })?;
                    }
                }
            }
            return Ok(Answer::Get {
                found,
                flat,
                dim,
                payloads,
                labels,
            });
        }
        Request::SetPayload(p) => {
            let ids = p.ids.to_vec();
            let payloads: Vec<&[u8]> = p.payloads.iter().collect();
            let count = local.set_payloads(p.collection, &ids, &payloads).await?;
            Response::SetPayload(WriteAck {
                count: saturate_u32(count),
                lsn: None,
            })
        }
        Request::SetLabels(l) => {
            let ids = l.ids.to_vec();
            let lists: Vec<Vec<u64>> = l.labels.iter().map(|list| list.to_vec()).collect();
            let lists: Vec<&[u64]> = lists.iter().map(Vec::as_slice).collect();
            let count = local.set_labels(l.collection, &ids, &lists).await?;
            Response::SetLabels(WriteAck {
                count: saturate_u32(count),
                lsn: None,
            })
        }
        Request::Delete(d) => {
            let ids = d.ids.to_vec();
            let count = local.delete(d.collection, &ids).await?;
            Response::Delete(WriteAck {
                count: saturate_u32(count),
                lsn: None,
            })
        }
        Request::Scroll(s) => {
            let spec = spec_of(local, s.collection)?;
            let page = local
                .scroll(
                    s.collection,
                    ScrollRequest {
                        start_id: s.start_id,
                        limit: s.limit as usize,
                        filter: s.filter.map(engine_filter),
                        with_vectors: s.with_vectors,
                        with_payloads: s.with_payloads,
                        with_labels: s.with_labels,
                    },
                )
                .await?;
            let parts = ScrollParts {
                vectors: s.with_vectors,
                payloads: s.with_payloads,
                labels: s.with_labels,
            };
            return scroll_answer(page.points, page.more, spec.dim, parts);
        }
        Request::Search(s) => {
            let spec = spec_of(local, s.collection)?;
            if spec.dim != s.queries.dim() as usize {
                return Err(dimension_mismatch(spec.dim, s.queries.dim()));
            }
            let queries = match s.queries.as_f32_slice() {
                Some(floats) => floats.to_vec(),
                None => s.queries.to_vec(),
            };
            let request = SearchRequest {
                queries,
                k: s.k as usize,
                ef: s.expansion_search as usize,
                exact: s.flags.exact,
                filter: s.filter.map(engine_filter),
                max_distance: s.max_distance,
            };
            let results = local
                .search_points(s.collection, request, s.flags.with_payloads)
                .await?;
            if results.neighbors.len() != s.queries.count() {
                return Err(Failure::new(
                    ErrorCode::Internal,
                    "engine answered a different number of queries",
                ));
            }
            Response::Search(SearchResponse {
                partial: false,
                results: results
                    .neighbors
                    .into_iter()
                    .map(|hits| {
                        hits.into_iter()
                            .map(|n| Hit {
                                id: n.id,
                                distance: n.distance,
                            })
                            .collect()
                    })
                    .collect(),
                payloads: results.payloads,
            })
        }
        Request::Stats => Response::Stats(stats(ctx).await?),
        Request::Snapshot { name } => {
            local.snapshot((!name.is_empty()).then_some(name)).await?;
            Response::Snapshot
        }
    };
    Ok(Answer::Response(response))
}

async fn stats(ctx: &Context<'_>) -> Result<Vec<Stat>, Failure> {
    let totals = ctx.stats.totals();
    let specs = ctx.local.list_collections();
    let (mut vectors, mut bytes) = (0u64, 0u64);
    for spec in &specs {
        match ctx.local.describe(&spec.name).await {
            Ok(info) => {
                vectors += info.vectors();
                bytes += info.bytes();
            }
            Err(EngineError::CollectionNotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let stat = |name: &str, value: u64| Stat {
        name: name.to_owned(),
        value,
    };
    Ok(vec![
        stat("collections", specs.len() as u64),
        stat("vectors", vectors),
        stat("bytes", bytes),
        stat("connections", totals.connections),
        stat("uptime_s", totals.uptime_s),
        stat("requests", totals.requests),
        stat("in_flight", totals.in_flight),
        stat("busy", totals.busy),
        stat("errors", totals.errors),
        stat("connections_accepted", totals.connections_accepted),
        stat("connections_rejected", totals.connections_rejected),
        stat("cores", ctx.local.cores() as u64),
    ])
}

/// Appends the response frame for `answer` to `out`. If the response cannot be encoded (it
/// would exceed the frame limit), appends a BATCH_TOO_LARGE error instead. Returns the code
/// of the ERROR frame written, if one was.
pub(crate) fn encode_answer(
    out: &mut Vec<u8>,
    request_id: RequestId,
    opcode: u8,
    answer: Result<Answer, Failure>,
) -> Option<ErrorCode> {
    let encoded = match &answer {
        Ok(Answer::Response(response)) => response.encode(request_id, opcode, out),
        Ok(Answer::Get {
            found,
            flat,
            dim,
            payloads,
            labels,
        }) => {
            let vectors = if flat.is_empty() {
                VectorsRef::empty(*dim)
            } else {
                VectorsRef::new(flat, *dim)
            };
            Response::Get(GetResponse {
                found: found.clone(),
                vectors,
                payloads: payloads.as_ref().map(PayloadsBuf::as_ref),
                labels: labels.as_ref().map(LabelsBuf::as_ref),
            })
            .encode(request_id, opcode, out)
        }
        Ok(Answer::Scroll {
            ids,
            more,
            dim,
            vectors,
            payloads,
            labels,
        }) => Response::Scroll(ScrollResponse {
            ids: IdsRef::new(ids),
            more: *more,
            dim: *dim,
            vectors: vectors.as_ref().map(|flat| {
                if flat.is_empty() {
                    VectorsRef::empty(*dim)
                } else {
                    VectorsRef::new(flat, *dim)
                }
            }),
            payloads: payloads.as_ref().map(PayloadsBuf::as_ref),
            labels: labels.as_ref().map(LabelsBuf::as_ref),
        })
        .encode(request_id, opcode, out),
        Err(failure) => {
            encode_failure(out, request_id, opcode, failure);
            return Some(failure.code);
        }
    };
    match encoded {
        Ok(()) => None,
        Err(e) => {
            let failure = match e {
                ProtoError::FrameTooLarge { .. } | ProtoError::BatchTooLarge { .. } => {
                    Failure::new(
                        ErrorCode::BatchTooLarge,
                        format!("response too large ({e}); split the batch"),
                    )
                }
                other => {
                    tracing::error!(error = %other, "cannot encode a response");
                    Failure::new(
                        ErrorCode::Internal,
                        format!("cannot encode response: {other}"),
                    )
                }
            };
            encode_failure(out, request_id, opcode, &failure);
            Some(failure.code)
        }
    }
}

/// Appends an ERROR frame. Encoding an error cannot fail (messages are truncated by the
/// codec); if it ever did, nothing is appended and the client times out on this id.
pub(crate) fn encode_failure(
    out: &mut Vec<u8>,
    request_id: RequestId,
    opcode: u8,
    failure: &Failure,
) {
    // A code this build cannot name (a node's, relayed by the router) cannot be encoded
    // either: the client would get no answer at all.
    let relabelled;
    let (code, message) = match failure.code {
        ErrorCode::Unknown => {
            relabelled = format!(
                "an error code this server does not know: {}",
                failure.message
            );
            (ErrorCode::Internal, relabelled.as_str())
        }
        code => (code, failure.message.as_str()),
    };
    if let Err(e) = encode_error(out, request_id, opcode, code, message) {
        tracing::error!(error = %e, "cannot encode an error frame");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A code this build does not know (a node's, relayed) still answers the request.
    #[test]
    fn an_unknown_error_code_is_sent_as_internal() {
        let mut out = Vec::new();
        let failure = Failure::new(ErrorCode::Unknown, "from a newer node");
        encode_failure(&mut out, RequestId(4), 0x10, &failure);
        let frame = corevec_proto::Frame::parse(&out).unwrap();
        match Response::decode_frame(&frame).unwrap() {
            Response::Error(e) => {
                assert_eq!(e.code, ErrorCode::Internal);
                assert!(e.message.contains("from a newer node"), "{}", e.message);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn read_replicas_reach_only_connections_that_enabled_the_feature() {
        use corevec_proto::{FEATURES_SUPPORTED, FEATURE_READ_REPLICAS};
        let info = CollectionInfo {
            name: "docs".into(),
            dim: 3,
            metric: Metric::L2,
            shards: 1,
            connectivity: 16,
            expansion_add: 200,
            read_replicas: true,
            vectors_count: 0,
            bytes: 0,
            shard_infos: Vec::new(),
        };
        let flags = |answer: Answer| match answer {
            Answer::Response(Response::DescribeCollection(info)) => vec![info.read_replicas],
            Answer::Response(Response::ListCollections(infos)) => {
                infos.iter().map(|i| i.read_replicas).collect()
            }
            _ => panic!("not a collection answer"),
        };
        let describe = || Answer::Response(Response::DescribeCollection(info.clone()));
        let list = || Answer::Response(Response::ListCollections(vec![info.clone(); 2]));
        assert_eq!(
            flags(describe().for_features(FEATURE_READ_REPLICAS)),
            [true]
        );
        assert_eq!(flags(describe().for_features(0)), [false]);
        let older = FEATURES_SUPPORTED & !FEATURE_READ_REPLICAS;
        assert_eq!(flags(list().for_features(older)), [false, false]);
        assert_eq!(flags(list().for_features(FEATURES_SUPPORTED)), [true, true]);
        // Other answers pass through.
        assert!(matches!(
            Answer::Response(Response::Ping).for_features(0),
            Answer::Response(Response::Ping)
        ));
    }

    #[test]
    fn engine_errors_map_to_their_codes() {
        let cases = [
            (
                EngineError::DimensionMismatch {
                    expected: 3,
                    received: 2,
                },
                ErrorCode::DimensionMismatch,
            ),
            (
                EngineError::InvalidVector { id: 1, index: 0 },
                ErrorCode::InvalidVector,
            ),
            (
                EngineError::InvalidArgument("x".into()),
                ErrorCode::InvalidArgument,
            ),
            (
                EngineError::CollectionNotFound("a".into()),
                ErrorCode::CollectionNotFound,
            ),
            (
                EngineError::CollectionExists("a".into()),
                ErrorCode::CollectionExists,
            ),
            (EngineError::Busy("mesh"), ErrorCode::Busy),
            (EngineError::ShuttingDown, ErrorCode::ShuttingDown),
            (EngineError::Timeout { core: 1 }, ErrorCode::Timeout),
            (EngineError::Placement("p".into()), ErrorCode::Internal),
            (
                EngineError::Storage(corevec_storage::Error::NoSpace {
                    op: "write",
                    path: "/x".into(),
                }),
                ErrorCode::NoSpace,
            ),
            (
                EngineError::Storage(corevec_storage::Error::Failed {
                    cause: "x".into(),
                    no_space: false,
                }),
                ErrorCode::Storage,
            ),
            (
                EngineError::Storage(corevec_storage::Error::Failed {
                    cause: "disk full".into(),
                    no_space: true,
                }),
                ErrorCode::NoSpace,
            ),
            (
                EngineError::DiskLow {
                    available_bytes: 1 << 20,
                    min_free_bytes: 256 << 20,
                },
                ErrorCode::NoSpace,
            ),
            (
                EngineError::MemoryHigh {
                    resident_bytes: 2 << 30,
                    max_memory_bytes: 1 << 30,
                },
                ErrorCode::NoSpace,
            ),
        ];
        for (error, code) in cases {
            assert_eq!(engine_error_code(&error), code, "{error}");
        }
    }

    #[test]
    fn oversized_get_becomes_batch_too_large() {
        let dim = 4096u32;
        let count = 5000usize; // 5000 * 4096 * 4 bytes > 64 MiB
        let answer = Answer::Get {
            found: vec![true; count],
            flat: vec![0.0; count * dim as usize],
            dim,
            payloads: None,
            labels: None,
        };
        let mut out = Vec::new();
        assert_eq!(
            encode_answer(&mut out, RequestId(7), 0x21, Ok(answer)),
            Some(ErrorCode::BatchTooLarge)
        );
        let frame = corevec_proto::Frame::parse(&out).unwrap();
        match Response::decode_frame(&frame).unwrap() {
            Response::Error(e) => assert_eq!(e.code, ErrorCode::BatchTooLarge),
            other => panic!("{other:?}"),
        }
    }

    /// A page too large for one frame is cut to what fits, `more` set, and encodes; the cut
    /// keeps the frame within a few bytes of the limit.
    #[test]
    fn oversized_scroll_page_is_trimmed_to_one_frame() {
        let dim = 4096usize;
        let point = |id: u64| {
            let point = Point {
                vector: vec![id as f32; dim],
                payload: vec![b'x'; 60_000],
                labels: (0..64).collect(),
            };
            (id, point)
        };
        let all = ScrollParts {
            vectors: true,
            payloads: true,
            labels: true,
        };
        let points: Vec<(u64, Point)> = (0..2000).map(|i| point(i * 3)).collect();
        let answer = scroll_answer(points, false, dim, all).unwrap();
        let Answer::Scroll { ids, more, .. } = &answer else {
            panic!("not a scroll answer");
        };
        assert!(*more, "a trimmed page says more follow");
        let kept = ids.len();
        // 16 KiB + ~59 KiB + 0.5 KiB per point: about 880 fit in 64 MiB.
        assert!((800..1000).contains(&kept), "{kept}");
        let mut out = Vec::new();
        assert_eq!(
            encode_answer(&mut out, RequestId(7), 0x25, Ok(answer)),
            None
        );
        let frame = corevec_proto::Frame::parse(&out).unwrap();
        let body = out.len() - corevec_proto::FRAME_HEADER_SIZE;
        assert!(
            body as u64 > u64::from(FRAME_BODY_BYTES_MAX) - 80_000,
            "{body}"
        );
        match Response::decode_frame(&frame).unwrap() {
            Response::Scroll(r) => {
                assert_eq!((r.ids.len(), r.more), (kept, true));
                assert_eq!(r.ids.get(kept - 1), Some((kept as u64 - 1) * 3));
                assert_eq!(r.vectors.unwrap().vector(1).unwrap().get(0), Some(3.0));
            }
            other => panic!("{other:?}"),
        }
        // A page that fits is kept whole, and `more` stays as the engine said.
        let small: Vec<(u64, Point)> = (0..3).map(point).collect();
        let Answer::Scroll { ids, more, .. } = scroll_answer(small, false, dim, all).unwrap()
        else {
            panic!("not a scroll answer");
        };
        assert_eq!((ids, more), (vec![0, 1, 2], false));
    }
}
