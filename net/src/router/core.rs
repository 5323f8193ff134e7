//! [`RouterCore`]: one core's router: its links to every node, its health checker, and the
//! dispatch of each client request to the read, write or admin path. Plugged into the node
//! server's connection layer as its request backend, so HELLO, auth, limits and pipelining
//! towards clients are exactly the node's.
//!
//! The router serves a protocol feature only when every node that is up has it: HELLO
//! enables the intersection of the nodes' feature bits, and a request that needs a bit some
//! node lacks is refused with INVALID_ARGUMENT before anything is sent (so a write is never
//! applied on the new nodes only).

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};
use std::task::Poll;
use std::time::Instant;

use corevec_engine::rt::{self, TaskQueueHandle};
use corevec_engine::LocalEngine;
use corevec_proto::{ErrorCode, Opcode, Request, Response, FEATURES_SUPPORTED};

use crate::handler::{Answer, Backend, Failure};
use crate::router::config::{RouterConfig, WriteQuorum};
use crate::router::error::LinkError;
use crate::router::link::{feature_names, LinkSettings, NodeLink, Reply};
use crate::router::map::{Placement, ShardMap};
use crate::router::stats::RouterCounters;
use crate::router::{admin, read, write};
use crate::server::ServerState;

/// What every router core shares (immutable apart from atomics).
#[derive(Debug)]
pub(crate) struct RouterShared {
    pub(crate) config: RouterConfig,
    pub(crate) map: ShardMap,
    pub(crate) counters: OnceLock<Box<[RouterCounters]>>,
}

impl RouterShared {
    pub(crate) fn new(config: RouterConfig) -> RouterShared {
        RouterShared {
            map: ShardMap::from_config(&config),
            config,
            counters: OnceLock::new(),
        }
    }
}

/// A boxed future local to the core.
pub(crate) type LocalFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// Polls every future to completion; results in input order.
pub(crate) async fn join_all<T>(mut futures: Vec<LocalFuture<'_, T>>) -> Vec<T> {
    let mut results: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    let mut left = futures.len();
    poll_fn(|cx| {
        for (i, f) in futures.iter_mut().enumerate() {
            if results[i].is_none() {
                if let Poll::Ready(value) = f.as_mut().poll(cx) {
                    results[i] = Some(value);
                    left -= 1;
                }
            }
        }
        if left == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    results.into_iter().flatten().collect()
}

/// One core's router.
pub(crate) struct RouterCore {
    pub(crate) shared: Arc<RouterShared>,
    pub(crate) state: Arc<ServerState>,
    pub(crate) links: Vec<Rc<NodeLink>>,
    pub(crate) core: usize,
    pub(crate) cores: usize,
    /// Rotates tie-breaks between equally loaded replicas.
    rotation: Cell<usize>,
}

impl RouterCore {
    /// Builds the core's router and spawns its health checker. Runs on the core.
    pub(crate) fn start(
        local: &Rc<LocalEngine>,
        state: &Arc<ServerState>,
        shared: &Arc<RouterShared>,
    ) -> Rc<RouterCore> {
        let queue: TaskQueueHandle = local.queues().foreground;
        let config = &shared.config;
        let settings = LinkSettings {
            token: config.node_auth_token.as_deref().map(Rc::from),
            request_timeout: config.request_timeout,
            ping_timeout: config.ping_timeout,
            connect_timeout: config.connect_timeout,
            connections: config.node_connections,
            queue,
        };
        let links = config
            .nodes
            .iter()
            .map(|n| Rc::new(NodeLink::new(&n.name, n.addr, settings.clone())))
            .collect();
        let cores = local.cores();
        shared.counters.get_or_init(|| {
            (0..cores)
                .map(|_| RouterCounters::with_nodes(config.nodes.len()))
                .collect()
        });
        let core = Rc::new(RouterCore {
            shared: Arc::clone(shared),
            state: Arc::clone(state),
            links,
            core: local.core(),
            cores,
            rotation: Cell::new(local.core()),
        });
        rt::spawn_into(queue, health_loop(Rc::clone(&core)));
        core
    }

    pub(crate) fn config(&self) -> &RouterConfig {
        &self.shared.config
    }

    pub(crate) fn counters(&self) -> &RouterCounters {
        // Initialised in `start` before any request can arrive.
        &self.shared.counters.get_or_init(|| {
            (0..self.cores)
                .map(|_| RouterCounters::with_nodes(self.links.len()))
                .collect()
        })[self.core]
    }

    /// Placement and write rule for `collection`.
    pub(crate) fn policy(&self, collection: &str) -> (&Placement, WriteQuorum) {
        let (replication, quorum) = self.config().policy(collection);
        (self.shared.map.placement(replication), quorum)
    }

    /// The best replica among `candidates` that is up and passes `allowed`: lowest load, ties
    /// rotated so equally loaded replicas share the work.
    pub(crate) fn pick(
        &self,
        candidates: &[usize],
        allowed: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        let count = self.rotation.get();
        self.rotation.set(count.wrapping_add(1));
        // Scrambled (Fibonacci hashing), not the count itself: a request that makes the same
        // number of picks every time would otherwise see the same rotation at each position
        // and never pick some replicas at all.
        let rotation = ((count as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize;
        let n = candidates.len().max(1);
        (0..candidates.len())
            .map(|i| candidates[(i + rotation) % n])
            .filter(|&node| self.links[node].is_up() && allowed(node))
            .min_by(|&a, &b| self.links[a].load().total_cmp(&self.links[b].load()))
    }

    /// A `'static` future sending `request` to node `node`.
    pub(crate) fn send(
        &self,
        node: usize,
        request: &NodeRequest,
    ) -> LocalFuture<'static, Result<Reply, LinkError>> {
        RouterCounters::add(&self.counters().node_requests, 1);
        let link = Rc::clone(&self.links[node]);
        let shared = Arc::clone(&self.shared);
        let core = self.core;
        let request = request.clone();
        Box::pin(async move {
            let result = link
                .call(request.opcode, &request.body, request.needs, false)
                .await;
            if let Err(e) = &result {
                if let Some(counters) = shared.counters.get() {
                    RouterCounters::add(&counters[core].node_failures, 1);
                }
                tracing::debug!(error = %e, "node request failed");
            }
            result
        })
    }

    /// Sends `request` to every node (admin operations); results in node order.
    pub(crate) async fn broadcast(&self, request: &Request<'_>) -> Vec<Result<Reply, LinkError>> {
        let forward = match encode_body(request) {
            Ok(forward) => forward,
            Err(failure) => {
                return self
                    .links
                    .iter()
                    .map(|l| {
                        Err(LinkError::Encode {
                            node: l.label.to_string(),
                            detail: failure.message.clone(),
                        })
                    })
                    .collect()
            }
        };
        let futures = (0..self.links.len())
            .map(|n| self.send(n, &forward))
            .collect();
        join_all(futures).await
    }

    /// The feature bits this core can serve: the supported ones that every node whose
    /// features are known has (a node never connected yet does not restrict them; a request
    /// reaching it is checked once its features are known).
    pub(crate) fn features(&self) -> u64 {
        self.links
            .iter()
            .filter(|link| link.is_up())
            .filter_map(|link| link.features())
            .fold(FEATURES_SUPPORTED, |all, features| all & features)
    }

    /// Refuses a request that needs feature bits (`needs`) some node that is up lacks; first
    /// connects to the nodes that are up but were never connected, to learn theirs.
    async fn require_features(&self, needs: u64) -> Result<(), Failure> {
        let unknown: Vec<LocalFuture<'_, ()>> = self
            .links
            .iter()
            .filter(|link| link.is_up() && link.features().is_none())
            .map(|link| Box::pin(link.learn_features()) as LocalFuture<'_, ()>)
            .collect();
        join_all(unknown).await;
        let lacking: Vec<String> = self
            .links
            .iter()
            .filter(|link| link.is_up() && link.lacks(needs) != 0)
            .map(|link| format!("{} lacks {}", link.label, feature_names(link.lacks(needs))))
            .collect();
        if lacking.is_empty() {
            return Ok(());
        }
        Err(Failure::new(
            ErrorCode::InvalidArgument,
            format!(
                "not executed: this request needs features that nodes of an older release \
                 lack ({}); upgrade them, or leave out what needs the feature",
                lacking.join("; ")
            ),
        ))
    }

    /// An UNAVAILABLE failure (counted) with `message`.
    pub(crate) fn unavailable(&self, message: String) -> Failure {
        RouterCounters::add(&self.counters().unavailable, 1);
        Failure::new(ErrorCode::Unavailable, message)
    }

    async fn dispatch(&self, request: Request<'_>) -> Result<Answer, Failure> {
        let needs = request.features_needed();
        if needs != 0 {
            self.require_features(needs).await?;
        }
        let response = match request {
            Request::Hello(_) => {
                return Err(Failure::new(
                    ErrorCode::InvalidArgument,
                    "HELLO was already done on this connection",
                ))
            }
            Request::Ping => Response::Ping,
            Request::Search(s) => return read::search(self, s).await,
            Request::Get(g) => return read::get(self, g).await,
            Request::Scroll(s) => return read::scroll(self, s).await,
            Request::Upsert(u) => return write::upsert(self, u).await,
            Request::Delete(d) => return write::delete(self, d).await,
            Request::SetPayload(p) => return write::set_payload(self, p).await,
            Request::SetLabels(l) => return write::set_labels(self, l).await,
            Request::CreateCollection(c) => admin::create(self, &c).await?,
            Request::DropCollection { name } => admin::drop_collection(self, name).await?,
            Request::ListCollections => Response::ListCollections(admin::list(self).await?),
            Request::DescribeCollection { name } => admin::describe(self, name).await?,
            Request::Stats => Response::Stats(admin::stats(self).await),
            Request::Snapshot { name } => admin::snapshot(self, name).await?,
        };
        Ok(Answer::Response(response))
    }
}

impl Backend for RouterCore {
    fn execute<'a>(&'a self, request: Request<'a>) -> LocalFuture<'a, Result<Answer, Failure>> {
        Box::pin(self.dispatch(request))
    }

    fn features(&self) -> u64 {
        RouterCore::features(self)
    }
}

/// A request encoded once, for sending to several nodes.
#[derive(Clone)]
pub(crate) struct NodeRequest {
    opcode: Opcode,
    body: Rc<[u8]>,
    /// [`Request::features_needed`].
    needs: u64,
}

/// Encodes `request` once, for sending to several nodes.
pub(crate) fn encode_body(request: &Request<'_>) -> Result<NodeRequest, Failure> {
    let mut body = Vec::new();
    request
        .encode_body(&mut body)
        .map_err(|e| Failure::new(e.code(), format!("cannot forward the request: {e}")))?;
    Ok(NodeRequest {
        opcode: request.opcode(),
        body: Rc::from(body),
        needs: request.features_needed(),
    })
}

/// Names of nodes with their errors, for messages: `b (127.0.0.3:7717): connection refused; ...`.
pub(crate) fn describe_failures<'a>(errors: impl IntoIterator<Item = &'a LinkError>) -> String {
    errors
        .into_iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every `ping_interval`, PINGs every node (even those marked down, which is how they come
/// back): a failure marks the node down, an answer marks it up.
async fn health_loop(core: Rc<RouterCore>) {
    let config = core.config();
    let interval = config.ping_interval;
    let timeout = config.ping_timeout;
    loop {
        let started = Instant::now();
        let futures: Vec<LocalFuture<'_, ()>> = core
            .links
            .iter()
            .map(|link| {
                let link = Rc::clone(link);
                let core = Rc::clone(&core);
                Box::pin(async move {
                    let outcome = rt::timeout(timeout, link.call(Opcode::Ping, &[], 0, true)).await;
                    let failure = match outcome {
                        Some(Ok(reply)) => match reply.response() {
                            Ok(Response::Ping) => None,
                            Ok(other) => Some(format!("unexpected PING answer {other:?}")),
                            Err(e) => Some(e.reason()),
                        },
                        Some(Err(e)) => Some(e.reason()),
                        None => Some(format!("no PING answer within {} ms", timeout.as_millis())),
                    };
                    match failure {
                        None => {
                            if link.mark_up() {
                                match link.take_missed_writes() {
                                    0 => tracing::info!(
                                        core = core.core,
                                        node = %link.label,
                                        "node is up"
                                    ),
                                    missed => tracing::warn!(
                                        core = core.core,
                                        node = %link.label,
                                        missed,
                                        "node is up again, without writes this core acknowledged \
                                         while it was unreachable: run `corevec repair` for it \
                                         (docs/ROUTER.md)"
                                    ),
                                }
                            }
                        }
                        Some(reason) => {
                            if link.mark_down(&reason) {
                                tracing::warn!(
                                    core = core.core,
                                    node = %link.label,
                                    %reason,
                                    "node marked down"
                                );
                            }
                        }
                    }
                    // Every transition, also those a failed request made.
                    RouterCounters::add(&core.counters().node_down_events, link.take_down_events());
                }) as LocalFuture<'_, ()>
            })
            .collect();
        join_all(futures).await;
        let elapsed = started.elapsed();
        if elapsed < interval {
            rt::sleep(interval - elapsed).await;
        }
    }
}
