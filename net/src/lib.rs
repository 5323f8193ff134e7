//! # corevec-net: the node's network face
//!
//! **Owns:** the TCP server that speaks the corevec wire protocol (`net/proto/PROTOCOL.md`)
//! on every core: one SO_REUSEPORT listener per core ([`server`]), connections with HELLO,
//! auth and pipelined, out-of-order responses (`connection.rs`), the mapping from requests to
//! the engine's [`LocalEngine`](corevec_engine::LocalEngine) API and from engine errors to wire
//! error codes (`handler.rs`), the limits that keep work bounded (connections per core,
//! requests in flight per connection and per core, frame size, idle and write timeouts), the
//! node-level counters behind STATS ([`stats`]), the Prometheus metrics and health endpoint
//! ([`metrics`], plain threads, not a core) and graceful shutdown. Also the router behind
//! `corevec route` ([`router`]): the same protocol in front of several nodes, with a static
//! shard map, replication and failover, on the same per-core connection layer.
//!
//! **Must never:** block a core (no blocking syscalls, no locks on the request path; all I/O
//! goes through the runtime seam `corevec_engine::rt`), trust a client (every byte is checked
//! by `corevec-proto` before use, every count against a limit before allocation, and nothing a
//! client sends can panic the server or affect another connection), or know storage formats
//! (durability is the engine's business).
//!
//! ## Use
//!
//! ```no_run
//! use std::time::Duration;
//! use corevec_engine::{Engine, EngineConfig};
//! use corevec_net::{Server, ServerConfig};
//!
//! let mut server = Server::new(ServerConfig::default())?;
//! let engine = Engine::start_with(EngineConfig::default(), server.on_core())?;
//! server.listen(engine.cores(), Duration::from_secs(10))?;
//! // ... serve until told to stop ...
//! server.shutdown(engine.cores(), Duration::from_secs(30))?;
//! engine.shutdown()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Lower level: [`serve_on_core`] with [`CoreSignals`] (a start channel, a [`ShutdownSignal`]
//! from [`shutdown_channel`] and an events channel), for callers that compose the per-core
//! closure themselves.
//!
//! Cores bind their listeners only when told to start (after `Engine::start_with` returned):
//! a core that accepted while a peer core was still recovering its shards would answer from a
//! partial catalog.
//!
//! ## Error codes the server chooses
//!
//! Engine errors map to: `DimensionMismatch` → DIMENSION_MISMATCH, `InvalidVector` →
//! INVALID_VECTOR, `InvalidArgument` → INVALID_ARGUMENT, `CollectionNotFound` →
//! COLLECTION_NOT_FOUND, `CollectionExists` → COLLECTION_EXISTS, `Busy` → BUSY,
//! `ShuttingDown` → SHUTTING_DOWN, `Timeout` → TIMEOUT, `ResultTooLarge` → BATCH_TOO_LARGE,
//! `DiskLow`, `MemoryHigh` and storage's out-of-space errors (`NoSpace`, a WAL failed by one)
//! → NO_SPACE,
//! other `Storage` errors → STORAGE, anything else → INTERNAL (logged). A response that would
//! exceed the frame limit becomes BATCH_TOO_LARGE.

#![deny(
    unsafe_code,
    clippy::missing_safety_doc,
    clippy::undocumented_unsafe_blocks
)]

pub mod config;
mod connection;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
mod handler;
pub mod metrics;
mod notify;
pub mod router;
pub mod server;
pub mod stats;

pub use config::ServerConfig;
pub use error::NetError;
pub use metrics::{MetricsError, MetricsServer, Readiness};
pub use router::{Router, RouterConfig, RouterError};
pub use server::{
    serve_on_core, shutdown_channel, CoreEvent, CoreSignals, Server, ServerState, ShutdownSignal,
    ShutdownTrigger,
};
pub use stats::{NodeStats, NodeTotals};
