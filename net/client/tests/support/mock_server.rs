//! A small in-memory corevec server over std threads, for client tests and the Python client's
//! end-to-end test. It is a *reference* for the protocol rules (HELLO first, auth, per-request
//! vs fatal errors, out-of-order responses), not the real server: brute-force search, no
//! persistence, a thread per request.
//!
//! Test hooks: requests on a collection named `slow...` are answered after 1 s (so later
//! requests overtake them); `drop_next` makes the server close the connection instead of
//! answering the next N requests; `legacy` makes later connections behave like a server from
//! before payloads (HELLO enables no features, SET_PAYLOAD, SET_LABELS and SCROLL are unknown
//! opcodes); `legacy_labels` like a server from before labels (HELLO enables payloads only;
//! label sections, `WITH_LABELS` and `HAS_FILTER` are refused as such a server refuses them, and
//! SET_LABELS and SCROLL are unknown opcodes); `legacy_groups` like a server from before filter
//! groups (HELLO enables payloads and labels; a filter with several `any_of` groups or over 256
//! labels is refused as such a server refuses it, and a CREATE with `READ_REPLICAS` too).
//! LIST and DESCRIBE report `read_replicas` only to connections that enabled
//! `FEATURE_READ_REPLICAS`, as the real server does.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use corevec_proto::{
    encode_error, CollectionInfo, Error, ErrorCode, Frame, GetResponse, HelloAck, Hit, IdsRef,
    LabelsRef, Metric, Opcode, PayloadsRef, Request, RequestId, Response, ScrollResponse,
    SearchResponse, ShardInfo, Stat, VectorsRef, WriteAck, FEATURES_SUPPORTED, FEATURE_LABELS,
    FEATURE_PAYLOADS, FRAME_BODY_BYTES_MAX, VERSION_MAX, VERSION_MIN,
};

/// One stored point.
struct Stored {
    vector: Vec<f32>,
    /// Empty = no payload.
    payload: Vec<u8>,
    /// Sorted ascending, no duplicates (as the engine stores them).
    labels: Vec<u64>,
}

struct Collection {
    dim: u32,
    metric: Metric,
    connectivity: u16,
    expansion_add: u32,
    read_replicas: bool,
    vectors: BTreeMap<u64, Stored>,
}

#[derive(Default)]
pub struct State {
    collections: Mutex<HashMap<String, Collection>>,
    pub token: Option<Vec<u8>>,
    pub drop_next: AtomicUsize,
    pub legacy: AtomicBool,
    pub legacy_labels: AtomicBool,
    pub legacy_groups: AtomicBool,
    pub connections: AtomicUsize,
    lsn: AtomicUsize,
    started: Option<Instant>,
}

pub struct MockServer {
    pub addr: SocketAddr,
    pub state: Arc<State>,
}

impl MockServer {
    pub fn start(token: Option<&[u8]>) -> MockServer {
        Self::start_on("127.0.0.1:0", token)
    }

    pub fn start_on(addr: &str, token: Option<&[u8]>) -> MockServer {
        let listener = TcpListener::bind(addr).expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(State {
            token: token.map(<[u8]>::to_vec),
            started: Some(Instant::now()),
            ..State::default()
        });
        let accept_state = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&accept_state);
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        MockServer { addr, state }
    }
}

fn send(writer: &Mutex<TcpStream>, bytes: &[u8]) {
    let mut w = writer
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let _ = w.write_all(bytes);
}

fn serve(stream: TcpStream, state: &Arc<State>) {
    state.connections.fetch_add(1, Ordering::Relaxed);
    let writer = Arc::new(Mutex::new(stream.try_clone().expect("clone")));
    let mut reader = stream;
    let mut buffer = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut hello_done = false;
    // Fixed at HELLO: a connection made in legacy mode stays a pre-payload (or pre-label) server.
    let mut legacy = false;
    let mut legacy_labels = false;
    let mut legacy_groups = false;
    // Feature bits HELLO enabled on this connection.
    let mut features = 0;
    'conn: loop {
        loop {
            let n = match Frame::check(&buffer) {
                Ok(n) => n,
                Err(Error::Incomplete) => break,
                Err(fatal) => {
                    // Stream unparseable: one ERROR frame with request id 0, then close.
                    let mut out = Vec::new();
                    let _ = encode_error(
                        &mut out,
                        RequestId::CONNECTION,
                        0,
                        fatal.code(),
                        &fatal.to_string(),
                    );
                    send(&writer, &out);
                    break 'conn;
                }
            };
            let frame_bytes: Vec<u8> = buffer.drain(..n).collect();
            let Ok(frame) = Frame::parse(&frame_bytes) else {
                break 'conn;
            };
            let (id, op) = (frame.header.request_id, frame.header.opcode);
            let request = match Request::decode_frame(&frame) {
                Ok(r) => r,
                Err(e) => {
                    let mut out = Vec::new();
                    let _ = encode_error(&mut out, id, op, e.code(), &e.to_string());
                    send(&writer, &out);
                    if !hello_done {
                        break 'conn;
                    }
                    continue;
                }
            };
            if !hello_done {
                let mut out = Vec::new();
                let fatal = match &request {
                    Request::Hello(h) => {
                        if h.version_max < VERSION_MIN || h.version_min > VERSION_MAX {
                            Some((
                                ErrorCode::UnsupportedVersion,
                                "no common version".to_owned(),
                            ))
                        } else if let Some(token) = &state.token {
                            if h.token.is_empty() {
                                Some((ErrorCode::AuthRequired, "token required".to_owned()))
                            } else if h.token != token.as_slice() {
                                Some((ErrorCode::AuthFailed, "bad token".to_owned()))
                            } else {
                                None
                            }
                        } else {
                            None
                        }
                    }
                    _ => Some((ErrorCode::NotHello, "first frame must be HELLO".to_owned())),
                };
                if let Some((code, message)) = fatal {
                    let _ = encode_error(&mut out, id, op, code, &message);
                    send(&writer, &out);
                    break 'conn;
                }
                legacy = state.legacy.load(Ordering::SeqCst);
                legacy_labels = legacy || state.legacy_labels.load(Ordering::SeqCst);
                legacy_groups = legacy_labels || state.legacy_groups.load(Ordering::SeqCst);
                let supported = if legacy {
                    0
                } else if legacy_labels {
                    FEATURE_PAYLOADS
                } else if legacy_groups {
                    FEATURE_PAYLOADS | FEATURE_LABELS
                } else {
                    FEATURES_SUPPORTED
                };
                features = match &request {
                    Request::Hello(h) => h.features & supported,
                    _ => 0,
                };
                let ack = Response::Hello(HelloAck {
                    version: VERSION_MAX,
                    in_flight_max: 1024,
                    features,
                    frame_body_bytes_max: FRAME_BODY_BYTES_MAX,
                });
                ack.encode(id, op, &mut out).expect("encode hello ack");
                send(&writer, &out);
                hello_done = true;
                continue;
            }
            if legacy && matches!(request.opcode(), Opcode::SetPayload | Opcode::Scroll) {
                // A server from before payloads does not know the opcode: a per-request error.
                let mut out = Vec::new();
                let e = Error::UnknownOpcode(op);
                let _ = encode_error(&mut out, id, op, e.code(), &e.to_string());
                send(&writer, &out);
                continue;
            }
            let refusal = if legacy_groups
                && matches!(&request, Request::CreateCollection(c) if c.read_replicas)
            {
                // Every legacy mode predates read replicas: the CREATE flags byte was reserved.
                Some(Error::Malformed("create reserved"))
            } else if legacy_labels {
                pre_label_refusal(&request)
            } else if legacy_groups {
                pre_group_refusal(&request)
            } else {
                None
            };
            if let Some(e) = refusal {
                let mut out = Vec::new();
                let _ = encode_error(&mut out, id, op, e.code(), &e.to_string());
                send(&writer, &out);
                continue;
            }
            if state
                .drop_next
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                break 'conn;
            }
            // Each request on its own thread, so slow ones are overtaken (out-of-order replies).
            let state = Arc::clone(state);
            let writer = Arc::clone(&writer);
            std::thread::spawn(move || {
                let Ok(frame) = Frame::parse(&frame_bytes) else {
                    return;
                };
                let Ok(request) = Request::decode_frame(&frame) else {
                    return;
                };
                let mut out = Vec::new();
                match execute(&state, &request, &mut out, id, features) {
                    Ok(()) => {}
                    Err((code, message)) => {
                        out.clear();
                        let _ = encode_error(&mut out, id, op, code, &message);
                    }
                }
                send(&writer, &out);
            });
        }
        match reader.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    let w = writer
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let _ = w.shutdown(Shutdown::Both);
    state.connections.fetch_sub(1, Ordering::Relaxed);
}

/// How a server from before labels answers a request that uses them: its UPSERT bodies end after
/// the payload section, its GET flag bit 1 and SEARCH flag bit 3 were reserved, and it does not
/// know the SET_LABELS or SCROLL opcodes (a per-request error).
fn pre_label_refusal(request: &Request<'_>) -> Option<Error> {
    match request {
        Request::SetLabels(_) | Request::Scroll(_) => {
            Some(Error::UnknownOpcode(request.opcode().as_u8()))
        }
        Request::Upsert(u) if u.labels.is_some() => {
            Some(Error::Malformed("trailing bytes after body"))
        }
        Request::Get(g) if g.with_labels => {
            Some(Error::InvalidArgument("reserved get/delete flag bits set"))
        }
        Request::Search(s) if s.filter.is_some() => {
            Some(Error::InvalidArgument("reserved search flag bits set"))
        }
        _ => None,
    }
}

/// What a server from before filter groups answers instead (its filter header's fourth field
/// was reserved, and its limit was 256 labels).
fn pre_group_refusal(request: &Request<'_>) -> Option<Error> {
    let filter = match request {
        Request::Search(s) => s.filter?,
        Request::Scroll(s) => s.filter?,
        _ => return None,
    };
    if !filter.any_groups.is_empty() {
        Some(Error::Malformed("filter reserved"))
    } else if filter.label_count() > 256 {
        Some(Error::FilterTooLarge {
            count: filter.label_count() as u32,
            max: 256,
        })
    } else {
        None
    }
}

type Failure = (ErrorCode, String);

fn not_found(name: &str) -> Failure {
    (
        ErrorCode::CollectionNotFound,
        format!("no collection {name}"),
    )
}

fn info(name: &str, c: &Collection) -> CollectionInfo {
    let bytes = (c.vectors.len() * (8 + c.dim as usize * 4)) as u64;
    CollectionInfo {
        name: name.to_owned(),
        dim: c.dim,
        metric: c.metric,
        shards: 1,
        connectivity: c.connectivity,
        expansion_add: c.expansion_add,
        read_replicas: c.read_replicas,
        vectors_count: c.vectors.len() as u64,
        bytes,
        shard_infos: vec![ShardInfo {
            shard: 0,
            vectors_count: c.vectors.len() as u64,
            deleted_count: 0,
            bytes,
        }],
    }
}

fn distance(metric: Metric, a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    match metric {
        Metric::L2 => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
        Metric::Dot => -dot,
        Metric::Cosine => {
            let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
            let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
            1.0 - dot / (na * nb).max(f32::MIN_POSITIVE)
        }
    }
}

fn execute(
    state: &State,
    request: &Request<'_>,
    out: &mut Vec<u8>,
    id: RequestId,
    features: u64,
) -> Result<(), Failure> {
    let op = request.opcode();
    let lsn = || Some(state.lsn.fetch_add(1, Ordering::Relaxed) as u64 + 1);
    let name_of = |r: &Request<'_>| match r {
        Request::Search(s) => s.collection.to_owned(),
        Request::Get(g) => g.collection.to_owned(),
        Request::Scroll(s) => s.collection.to_owned(),
        _ => String::new(),
    };
    if name_of(request).starts_with("slow") {
        std::thread::sleep(Duration::from_millis(1000));
    }
    let mut collections = state
        .collections
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let response = match request {
        Request::Hello(_) => return Err((ErrorCode::InvalidArgument, "HELLO already done".into())),
        Request::Ping => Response::Ping,
        Request::CreateCollection(c) => {
            if collections.contains_key(c.name) {
                return Err((
                    ErrorCode::CollectionExists,
                    format!("collection {} exists", c.name),
                ));
            }
            collections.insert(
                c.name.to_owned(),
                Collection {
                    dim: c.dim,
                    metric: c.metric,
                    connectivity: if c.connectivity == 0 {
                        16
                    } else {
                        c.connectivity
                    },
                    expansion_add: if c.expansion_add == 0 {
                        200
                    } else {
                        c.expansion_add
                    },
                    read_replicas: c.read_replicas,
                    vectors: BTreeMap::new(),
                },
            );
            Response::CreateCollection
        }
        Request::DropCollection { name } => {
            collections.remove(*name).ok_or_else(|| not_found(name))?;
            Response::DropCollection
        }
        Request::ListCollections => {
            let mut all: Vec<_> = collections
                .iter()
                .map(|(n, c)| info(n, c).for_features(features))
                .collect();
            all.sort_by(|a, b| a.name.cmp(&b.name));
            Response::ListCollections(all)
        }
        Request::DescribeCollection { name } => Response::DescribeCollection(
            info(name, collections.get(*name).ok_or_else(|| not_found(name))?)
                .for_features(features),
        ),
        Request::Upsert(u) => {
            let c = collections
                .get_mut(u.collection)
                .ok_or_else(|| not_found(u.collection))?;
            if u.vectors.dim() != c.dim {
                return Err((
                    ErrorCode::DimensionMismatch,
                    format!("expected {}, received {}", c.dim, u.vectors.dim()),
                ));
            }
            for (i, vid) in u.ids.iter().enumerate() {
                let vector = u.vectors.vector(i).map(|v| v.to_vec()).unwrap_or_default();
                // An upsert replaces the whole point: no payload (label) section clears the
                // payload (labels).
                let payload = u
                    .payloads
                    .and_then(|p| p.get(i))
                    .unwrap_or_default()
                    .to_vec();
                let mut labels = u
                    .labels
                    .and_then(|l| l.get(i))
                    .map(|l| l.to_vec())
                    .unwrap_or_default();
                labels.sort_unstable();
                labels.dedup();
                c.vectors.insert(
                    vid,
                    Stored {
                        vector,
                        payload,
                        labels,
                    },
                );
            }
            Response::Upsert(WriteAck {
                count: u.ids.len() as u32,
                lsn: lsn(),
            })
        }
        Request::Get(g) => {
            let c = collections
                .get(g.collection)
                .ok_or_else(|| not_found(g.collection))?;
            let mut found = Vec::new();
            let mut flat = Vec::new();
            let mut payloads: Vec<&[u8]> = Vec::new();
            let mut labels: Vec<&[u64]> = Vec::new();
            for vid in g.ids.iter() {
                match c.vectors.get(&vid) {
                    Some(point) => {
                        found.push(true);
                        flat.extend_from_slice(&point.vector);
                        payloads.push(&point.payload);
                        labels.push(&point.labels);
                    }
                    None => found.push(false),
                }
            }
            let vectors = if flat.is_empty() {
                VectorsRef::empty(c.dim)
            } else {
                VectorsRef::new(&flat, c.dim)
            };
            // With labels but not payloads the encoder sends an all-empty payload section.
            let payloads = g.with_payloads.then(|| PayloadsRef::new(&payloads));
            let labels = g.with_labels.then(|| LabelsRef::new(&labels));
            return Response::Get(GetResponse {
                found,
                vectors,
                payloads,
                labels,
            })
            .encode(id, op.as_u8(), out)
            .map_err(|e| (e.code(), e.to_string()));
        }
        Request::Delete(d) => {
            let c = collections
                .get_mut(d.collection)
                .ok_or_else(|| not_found(d.collection))?;
            let count = d
                .ids
                .iter()
                .filter(|vid| c.vectors.remove(vid).is_some())
                .count();
            Response::Delete(WriteAck {
                count: count as u32,
                lsn: lsn(),
            })
        }
        Request::SetPayload(sp) => {
            let c = collections
                .get_mut(sp.collection)
                .ok_or_else(|| not_found(sp.collection))?;
            // Existing ids keep their vector and get the new payload (empty = none); absent ids
            // are skipped. In request order, so with duplicate ids the last one wins; the count
            // is of ids that existed, duplicates included (as the engine counts them).
            let mut count = 0u32;
            // The labels stay, like the vector.
            for (vid, payload) in sp.ids.iter().zip(sp.payloads.iter()) {
                if let Some(point) = c.vectors.get_mut(&vid) {
                    point.payload = payload.to_vec();
                    count += 1;
                }
            }
            Response::SetPayload(WriteAck { count, lsn: lsn() })
        }
        Request::SetLabels(sl) => {
            let c = collections
                .get_mut(sl.collection)
                .ok_or_else(|| not_found(sl.collection))?;
            // As SET_PAYLOAD: existing ids keep their vector and payload and get the new labels
            // (sorted and deduplicated, as the engine stores them; empty = none); absent ids are
            // skipped; the last of duplicate ids wins and every existing one counts.
            let mut count = 0u32;
            for (vid, list) in sl.ids.iter().zip(sl.labels.iter()) {
                if let Some(point) = c.vectors.get_mut(&vid) {
                    let mut labels = list.to_vec();
                    labels.sort_unstable();
                    labels.dedup();
                    point.labels = labels;
                    count += 1;
                }
            }
            Response::SetLabels(WriteAck { count, lsn: lsn() })
        }
        Request::Scroll(s) => {
            let c = collections
                .get(s.collection)
                .ok_or_else(|| not_found(s.collection))?;
            // Ascending ids from start_id, matching the filter; whether one more matches after
            // the page is MORE. (No trimming to the frame limit: an oversized page fails.)
            let mut matching = c
                .vectors
                .range(s.start_id..)
                .filter(|(_, point)| s.filter.is_none_or(|f| f.matches(&point.labels)));
            let page: Vec<(&u64, &Stored)> = matching.by_ref().take(s.limit as usize).collect();
            let more = matching.next().is_some();
            let ids: Vec<u64> = page.iter().map(|(&id, _)| id).collect();
            let flat: Vec<f32> = page
                .iter()
                .flat_map(|(_, point)| point.vector.iter().copied())
                .collect();
            let payloads: Vec<&[u8]> = page.iter().map(|(_, point)| &point.payload[..]).collect();
            let labels: Vec<&[u64]> = page.iter().map(|(_, point)| &point.labels[..]).collect();
            return Response::Scroll(ScrollResponse {
                ids: IdsRef::new(&ids),
                more,
                dim: c.dim,
                vectors: s.with_vectors.then(|| {
                    if flat.is_empty() {
                        VectorsRef::empty(c.dim)
                    } else {
                        VectorsRef::new(&flat, c.dim)
                    }
                }),
                payloads: s.with_payloads.then(|| PayloadsRef::new(&payloads)),
                labels: s.with_labels.then(|| LabelsRef::new(&labels)),
            })
            .encode(id, op.as_u8(), out)
            .map_err(|e| (e.code(), e.to_string()));
        }
        Request::Search(s) => {
            let c = collections
                .get(s.collection)
                .ok_or_else(|| not_found(s.collection))?;
            if s.queries.dim() != c.dim {
                return Err((
                    ErrorCode::DimensionMismatch,
                    format!("expected {}, received {}", c.dim, s.queries.dim()),
                ));
            }
            let mut results = Vec::new();
            for q in 0..s.queries.count() {
                let query = s.queries.vector(q).map(|v| v.to_vec()).unwrap_or_default();
                // A filter applies to every query; up to k matching points (fewer if fewer match).
                let mut hits: Vec<Hit> = c
                    .vectors
                    .iter()
                    .filter(|(_, point)| s.filter.is_none_or(|f| f.matches(&point.labels)))
                    .map(|(&id, point)| Hit {
                        id,
                        distance: distance(c.metric, &query, &point.vector),
                    })
                    .collect();
                hits.sort_by(|a, b| a.distance.total_cmp(&b.distance).then(a.id.cmp(&b.id)));
                hits.truncate(s.k as usize);
                if let Some(max) = s.max_distance {
                    hits.retain(|h| h.distance <= max);
                }
                results.push(hits);
            }
            let payloads = s.flags.with_payloads.then(|| {
                results
                    .iter()
                    .map(|hits| {
                        hits.iter()
                            .map(|hit| {
                                c.vectors
                                    .get(&hit.id)
                                    .map(|point| point.payload.clone())
                                    .unwrap_or_default()
                            })
                            .collect()
                    })
                    .collect()
            });
            Response::Search(SearchResponse {
                partial: false,
                results,
                payloads,
            })
        }
        Request::Stats => {
            let vectors: usize = collections.values().map(|c| c.vectors.len()).sum();
            let uptime = state.started.map_or(0, |s| s.elapsed().as_secs());
            Response::Stats(vec![
                Stat {
                    name: "collections".into(),
                    value: collections.len() as u64,
                },
                Stat {
                    name: "vectors".into(),
                    value: vectors as u64,
                },
                Stat {
                    name: "connections".into(),
                    value: state.connections.load(Ordering::Relaxed) as u64,
                },
                Stat {
                    name: "uptime_s".into(),
                    value: uptime,
                },
            ])
        }
        Request::Snapshot { name } => {
            if !name.is_empty() && !collections.contains_key(*name) {
                return Err(not_found(name));
            }
            Response::Snapshot
        }
    };
    response
        .encode(id, op.as_u8(), out)
        .map_err(|e| (e.code(), e.to_string()))
}

pub fn opcode_name(op: Opcode) -> &'static str {
    op.name()
}
