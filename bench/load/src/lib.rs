//! # corevec-load: the corevec load generator
//!
//! **Owns:** generating protocol load against a corevec node or router (`ping`, `query`,
//! `mixed`), bulk ingest (`ingest`), exact ground truth (`truth`), and the measurement itself:
//! closed-loop and open-loop (fixed rate, latency from each request's *intended* send time, so
//! no coordinated omission) load models, warm-up exclusion, `hdrhistogram` latencies (1 µs ..
//! 1 h, 3 significant figures), recall@k, a live progress line and one JSON line per run.
//! Datasets (TEXMEX files, `.npy`, `synthetic:...` specs) come from `corevec-datasets`, which
//! is engine-free like this crate.
//!
//! The hot path ([`engine`]) drives its TCP connections with raw `io_uring` (one ring per
//! worker thread, many pipelined connections per ring, one SEND and one RECV in flight per
//! connection over fixed per-connection buffers) and parses answers with `corevec-proto`'s
//! `Frame::check` / `Response::decode_frame`. `ingest` and one-off control calls use the
//! blocking `corevec-client`.
//!
//! **Must never:** link the engine, storage, the server or glommio (it speaks only the wire
//! protocol, so it measures a single node and a router alike, and cannot share a runtime or a
//! bug with what it measures); record a request's latency from anything later than its
//! intended send time in the open loop; count warm-up requests in results (latency, ops,
//! errors: throughput alone is the rate of successful answers received inside the measured
//! window, whichever request they answer, so that answers arriving after the window never
//! inflate it); report an answer it did not validate as a success; become the bottleneck
//! silently (it reports its own CPU time, the open-loop backlog and shortfall, and requests
//! left unanswered).

pub mod engine;
pub mod ingest;
pub mod report;
pub mod rows;
pub mod stats;
pub mod truth;
pub mod workload;

use corevec_proto::ErrorCode;

/// Anything that stops a run.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A dataset could not be read or understood.
    #[error(transparent)]
    Dataset(#[from] corevec_datasets::DatasetError),
    /// An OS-level failure.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The server refused (e.g. HELLO: AUTH_FAILED).
    #[error("server error {code}: {message}")]
    Server {
        /// Wire error code.
        code: ErrorCode,
        /// Server's message.
        message: String,
    },
    /// The server violated the protocol.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// Bad arguments.
    #[error("{0}")]
    Config(String),
    /// A `corevec-client` call failed.
    #[error(transparent)]
    Client(#[from] corevec_client::ClientError),
}

/// Read an auth token file (trailing whitespace / newline removed).
pub fn read_token_file(path: &std::path::Path) -> Result<Vec<u8>, LoadError> {
    let mut token = std::fs::read(path).map_err(|source| LoadError::Io {
        context: format!("read auth token {}", path.display()),
        source,
    })?;
    while token.last().is_some_and(u8::is_ascii_whitespace) {
        token.pop();
    }
    if token.is_empty() {
        return Err(LoadError::Config(format!(
            "auth token file {} is empty",
            path.display()
        )));
    }
    Ok(token)
}
