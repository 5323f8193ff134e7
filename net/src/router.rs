//! # The router: shards across machines over the same protocol (issue #8)
//!
//! `corevec route` puts a [`Router`] in front of several `corevec serve` nodes. Clients speak
//! the node protocol to it unchanged (HELLO with an optional token, pipelining, every opcode),
//! and it spreads the id space over the nodes:
//!
//! * **Map** ([`map`]): ids hash into a fixed number of partitions (a salted splitmix64,
//!   independent of the node's own shard hash); partition `p` lives on the `R` nodes
//!   `p, p+1, ..., p+R-1 (mod N)`. Static, versioned configuration ([`RouterConfig`]);
//!   `corevec route --print-map` prints it.
//! * **Writes** (`write.rs`): split per node, sent to every replica of each id's partition,
//!   acknowledged when W replicas of every touched partition answered (`all`, `quorum`, `one`),
//!   else UNAVAILABLE naming the missing nodes.
//! * **Reads** (`read.rs`): a search goes to a set of nodes covering every partition group
//!   (least-loaded healthy replica first), is hedged to another replica when the first is
//!   slower than its observed p95, fails over on errors, and the per-node top-k lists are
//!   merged by `(distance, id)` with duplicate ids dropped. GET is routed by partition.
//! * **Health** (`core.rs`, `link.rs`): every core PINGs every node periodically; a failure
//!   marks the node down (reads avoid it at once), an answer marks it up again.
//! * **Admin** (`admin.rs`): CREATE/DROP/SNAPSHOT go to every node; LIST/DESCRIBE aggregate;
//!   STATS reports the router's counters.
//!
//! Thread-per-core like the node: every core listens on the same address (SO_REUSEPORT), runs
//! the node server's own connection layer with the router as its request backend, and keeps
//! its own pipelined, request-id-multiplexed connections to every node through the runtime
//! seam (`corevec_engine::rt`). Cores share nothing but the immutable configuration and
//! relaxed counters; each core has its own view of node health.
//!
//! **Owns:** the shard map, the routing of every request to nodes, replica choice, hedging,
//! failover, the write quorum, node health, and merging results.
//!
//! **Must never:** store data itself (it has no data directory; every vector lives on the
//! nodes), return a silently partial answer (a search that misses a partition fails with
//! UNAVAILABLE naming the nodes, or carries the `partial` flag when the client set
//! `allow_partial`; a write that misses W fails naming the missing nodes), block a core (no
//! blocking sockets, no locks on the request path), or rebalance data (changing the map is an
//! explicit operator procedure, see docs/ROUTER.md).

pub mod config;
pub mod error;
pub mod map;
pub mod stats;

mod admin;
pub(crate) mod core;
pub(crate) mod link;
pub(crate) mod read;
mod write;

use std::sync::Arc;
use std::time::Duration;

use corevec_engine::{Engine, EngineConfig};

pub use self::config::{
    CollectionPolicy, HedgeDelay, NodeSpec, RouterConfig, WriteQuorum, PARTITIONS_DEFAULT,
};
pub use self::error::{LinkError, RouterError};
pub use self::map::{partition_of, Placement, ShardMap};

use self::core::{RouterCore, RouterShared};
use crate::handler::Backend;
use crate::server::Server;

/// The router's counters and node names, for the metrics endpoint.
#[derive(Clone, Debug)]
pub struct RouterMetrics(pub(crate) Arc<RouterShared>);

/// A running router: its cores (executors with no collections, used only as the
/// thread-per-core runtime) and the client-facing server on each.
pub struct Router {
    server: Server,
    engine: Option<Engine>,
    shared: Arc<RouterShared>,
    cores: usize,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("listen", &self.shared.config.server.listen)
            .field("nodes", &self.shared.config.nodes)
            .field("cores", &self.cores)
            .finish_non_exhaustive()
    }
}

impl Router {
    /// Validates `config`, starts one executor per selected core and prepares the router on
    /// each (links to every node, health checks start at once). Call [`Router::listen`] next.
    ///
    /// # Errors
    /// [`RouterError::Config`] for a bad value, [`RouterError::Cores`] if the executors cannot
    /// start.
    pub fn start(config: RouterConfig) -> Result<Router, RouterError> {
        config.validate()?;
        let server = Server::new(config.server.clone())?;
        let shared = Arc::new(RouterShared::new(config.clone()));
        let engine_config = EngineConfig {
            cores: config.cores.clone(),
            data_dir: None,
            thread_prefix: "corevec-route".into(),
            ..EngineConfig::default()
        };
        let on_core = {
            let shared = Arc::clone(&shared);
            server.on_core_with_backend(move |local, state| {
                RouterCore::start(local, state, &shared) as std::rc::Rc<dyn Backend>
            })
        };
        let engine = Engine::start_with(engine_config, on_core)?;
        let cores = engine.cores();
        Ok(Router {
            server,
            engine: Some(engine),
            shared,
            cores,
        })
    }

    /// Binds the listener on every core and waits until they all accept.
    ///
    /// # Errors
    /// [`RouterError::Server`] (bind failure or timeout).
    pub fn listen(&mut self, timeout: Duration) -> Result<(), RouterError> {
        self.server.listen(self.cores, timeout)?;
        Ok(())
    }

    /// Router cores.
    #[must_use]
    pub fn cores(&self) -> usize {
        self.cores
    }

    /// The shard map in use.
    #[must_use]
    pub fn map(&self) -> &ShardMap {
        &self.shared.map
    }

    /// The client-facing server's settings.
    #[must_use]
    pub fn server_config(&self) -> &crate::ServerConfig {
        &self.shared.config.server
    }

    /// What a metrics endpoint needs to serve this router: its client-facing server's
    /// counters, and its own ([`crate::MetricsServer::attach_router`]).
    #[must_use]
    pub fn metrics_source(&self) -> RouterMetrics {
        RouterMetrics(Arc::clone(&self.shared))
    }

    /// The client-facing server's shared state (counters behind `/metrics`).
    #[must_use]
    pub fn server_state(&self) -> &Arc<crate::server::ServerState> {
        self.server.state()
    }

    /// Stops accepting, lets requests in flight finish (bounded by the server's
    /// `shutdown_timeout`), closes client connections and stops the cores.
    ///
    /// # Errors
    /// [`RouterError::Server`] if the cores did not stop in `timeout`; the executors are
    /// stopped regardless.
    pub fn shutdown(mut self, timeout: Duration) -> Result<(), RouterError> {
        let stopped = self.server.shutdown(self.cores, timeout);
        if let Some(engine) = self.engine.take() {
            engine.shutdown()?;
        }
        stopped?;
        Ok(())
    }
}
