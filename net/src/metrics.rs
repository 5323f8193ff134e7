//! The metrics endpoint: Prometheus text exposition (format 0.0.4) and health probes over
//! HTTP/1.1, on a listener of its own (`metrics_listen`, default `127.0.0.1:9717`).
//!
//! | path       | answer                                                                  |
//! |------------|-------------------------------------------------------------------------|
//! | `/metrics` | 200, every metric family (table in `docs/OPERATIONS.md`)                |
//! | `/healthz` | 200 `ok` while the process runs                                         |
//! | `/readyz`  | 200 `ready` once every shard recovered and every core listens; 503 `starting` before, 503 `shutting down` from the first SIGTERM on |
//!
//! Metrics are not the hot path, so this runs on plain std threads with blocking sockets,
//! never on a core: it reads the per-core atomics of [`NodeStats`](crate::stats::NodeStats)
//! and asks the engine for collection and shard counters through an [`Engine`] handle (one
//! `list_collections` plus one `describe` per collection per scrape; `describe` is a
//! fan-out message to every core, answered between requests). One thread accepts; each
//! connection is served on a short-lived thread of its own (up to [`CONNECTIONS_MAX`] at
//! once; past that the accepting thread serves the next one itself), one request each
//! (`Connection: close`), with a 2 s bound on reading the request and a 5 s bound on writing
//! the response (a total, however slowly the client reads). So a slow or malicious client
//! does not hold up a health probe, and can never block the node.
//!
//! The HTTP parser is deliberately small and strict: a request head of at most 8 KiB, a
//! request line `METHOD SP /path[?query] SP HTTP/1.x`, header lines `name: value`, no body.
//! Anything else is 400 (405 for methods other than GET and HEAD, 505 for other versions).

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use corevec_engine::{CollectionInfo, Engine, Error as EngineError};
use corevec_storage::{file_system_space, FileSystemSpace};

use crate::router::core::RouterShared;
use crate::router::RouterMetrics;
use crate::server::ServerState;
use crate::stats::{slot_error, slot_opcode, LATENCY_BOUNDS_US, LATENCY_BUCKETS, OPCODE_SLOTS};

/// Largest request head (request line and headers) accepted.
const REQUEST_HEAD_BYTES_MAX: usize = 8 * 1024;
/// How long a client may take to send its request head.
const REQUEST_READ_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a client may take to accept the whole response.
const RESPONSE_WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// After the response: read and discard at most this much, this long, before closing (so an
/// unread pipelined request does not turn the close into a reset that eats the response).
const LINGER_TIME_MAX: Duration = Duration::from_millis(200);
const LINGER_BYTES_MAX: usize = 64 * 1024;
/// Pause after a failed `accept` (EMFILE and friends) so the loop does not spin.
const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(50);
/// How long [`MetricsServer::stop`] waits for the threads to finish scrapes in progress.
const STOP_WAIT: Duration = Duration::from_secs(2);
/// Connections served at once, each on its own thread. Past this many (clients holding
/// connections open up to the timeouts above), the accepting thread serves the next
/// connection itself, as if every connection were served in turn.
pub const CONNECTIONS_MAX: usize = 8;

/// Content type of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// What starting the metrics endpoint can fail with.
#[derive(Debug, thiserror::Error)]
pub enum MetricsError {
    /// The listener could not be bound (address in use, no permission).
    #[error("cannot serve metrics on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The operating-system error.
        source: io::Error,
    },
    /// The serving thread could not be started.
    #[error("cannot start the metrics thread: {0}")]
    Spawn(io::Error),
}

/// What `/readyz` answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// Recovering shards or not yet listening: 503.
    Starting,
    /// Every shard recovered and every core listens: 200.
    Ready,
    /// A graceful shutdown started: 503.
    ShuttingDown,
}

impl Readiness {
    fn from_u8(value: u8) -> Readiness {
        match value {
            1 => Readiness::Ready,
            2 => Readiness::ShuttingDown,
            _ => Readiness::Starting,
        }
    }

    fn as_u8(self) -> u8 {
        match self {
            Readiness::Starting => 0,
            Readiness::Ready => 1,
            Readiness::ShuttingDown => 2,
        }
    }
}

/// What the serving thread shares with the handle.
struct Shared {
    state: Arc<ServerState>,
    readiness: AtomicU8,
    stopping: AtomicBool,
    /// The engine, once started and until it is detached for shutdown.
    engine: Mutex<Option<Arc<Engine>>>,
    /// Scrapes that could not read some collection's counters.
    collect_errors: AtomicU64,
    /// The router behind this endpoint, when it serves a router.
    router: Mutex<Option<RouterMetrics>>,
    /// Connections being served on threads of their own ([`ConnectionSlot`]).
    connections: AtomicUsize,
    /// How long a client may take to send its request head ([`REQUEST_READ_TIMEOUT`]).
    read_timeout: Duration,
}

/// One of the [`CONNECTIONS_MAX`] connection threads, given back when dropped.
struct ConnectionSlot(Arc<Shared>);

impl ConnectionSlot {
    fn take(shared: &Arc<Shared>) -> Option<ConnectionSlot> {
        if shared.connections.fetch_add(1, Ordering::AcqRel) < CONNECTIONS_MAX {
            Some(ConnectionSlot(Arc::clone(shared)))
        } else {
            shared.connections.fetch_sub(1, Ordering::AcqRel);
            None
        }
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The running metrics endpoint. Dropping it stops the thread (as [`MetricsServer::stop`]).
pub struct MetricsServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for MetricsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsServer")
            .field("addr", &self.addr)
            .field("readiness", &self.readiness())
            .finish_non_exhaustive()
    }
}

impl MetricsServer {
    /// Binds `addr` and starts serving on a thread named `corevec-metrics`. Readiness starts
    /// as [`Readiness::Starting`]; collection metrics appear once an engine is attached.
    ///
    /// # Errors
    /// [`MetricsError::Bind`] if the address cannot be bound, [`MetricsError::Spawn`] if the
    /// thread cannot start.
    pub fn start(addr: SocketAddr, state: Arc<ServerState>) -> Result<MetricsServer, MetricsError> {
        Self::start_with(addr, state, REQUEST_READ_TIMEOUT)
    }

    /// [`MetricsServer::start`] with another bound on reading a request head (tests).
    fn start_with(
        addr: SocketAddr,
        state: Arc<ServerState>,
        read_timeout: Duration,
    ) -> Result<MetricsServer, MetricsError> {
        let listener =
            TcpListener::bind(addr).map_err(|source| MetricsError::Bind { addr, source })?;
        let bound = listener
            .local_addr()
            .map_err(|source| MetricsError::Bind { addr, source })?;
        let shared = Arc::new(Shared {
            state,
            readiness: AtomicU8::new(Readiness::Starting.as_u8()),
            stopping: AtomicBool::new(false),
            engine: Mutex::new(None),
            collect_errors: AtomicU64::new(0),
            router: Mutex::new(None),
            connections: AtomicUsize::new(0),
            read_timeout,
        });
        let thread = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("corevec-metrics".into())
                .spawn(move || accept_loop(&listener, &shared))
                .map_err(MetricsError::Spawn)?
        };
        tracing::info!(addr = %bound, "metrics endpoint listening (/metrics, /healthz, /readyz)");
        Ok(MetricsServer {
            shared,
            addr: bound,
            thread: Some(thread),
        })
    }

    /// The bound address (useful with port 0).
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Sets what `/readyz` answers.
    pub fn set_readiness(&self, readiness: Readiness) {
        self.shared
            .readiness
            .store(readiness.as_u8(), Ordering::Relaxed);
    }

    /// What `/readyz` answers now.
    #[must_use]
    pub fn readiness(&self) -> Readiness {
        Readiness::from_u8(self.shared.readiness.load(Ordering::Relaxed))
    }

    /// From now on scrapes include the router's counters (`corevec_router_*`).
    pub fn attach_router(&self, router: RouterMetrics) {
        *self
            .shared
            .router
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(router);
    }

    /// From now on scrapes include collection and shard counters read through `engine`.
    pub fn attach_engine(&self, engine: Arc<Engine>) {
        *self
            .shared
            .engine
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(engine);
    }

    /// Stops reading collection counters and hands the engine back for `Engine::shutdown`
    /// (which needs ownership): drops the endpoint's reference, then waits up to `timeout` for
    /// a scrape in progress to drop its own. Counters and probes keep being served.
    ///
    /// # Errors
    /// `engine` back if other references remain after `timeout`.
    pub fn detach_engine(
        &self,
        engine: Arc<Engine>,
        timeout: Duration,
    ) -> Result<Engine, Arc<Engine>> {
        drop(
            self.shared
                .engine
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        let deadline = Instant::now() + timeout;
        let mut engine = engine;
        loop {
            match Arc::try_unwrap(engine) {
                Ok(engine) => return Ok(engine),
                Err(shared) if Instant::now() >= deadline => return Err(shared),
                Err(shared) => {
                    engine = shared;
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        }
    }

    /// Stops accepting and joins the accepting thread, waiting at most 2 s in all for scrapes
    /// in progress (past that, their threads are left to finish on their own).
    pub fn stop(mut self) {
        self.stop_thread();
    }

    fn stop_thread(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        self.shared.stopping.store(true, Ordering::Relaxed);
        // Wake the blocking accept with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(if wake.is_ipv4() {
                Ipv4Addr::LOCALHOST.into()
            } else {
                Ipv6Addr::LOCALHOST.into()
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_millis(500));
        let deadline = Instant::now() + STOP_WAIT;
        while (!thread.is_finished() || self.shared.connections.load(Ordering::Acquire) > 0)
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(10));
        }
        if thread.is_finished() {
            let _ = thread.join();
        } else {
            tracing::warn!("metrics thread still busy at stop; leaving it");
        }
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::Relaxed) {
            break;
        }
        match stream {
            Ok(stream) => match ConnectionSlot::take(shared) {
                Some(slot) => {
                    let spawned = std::thread::Builder::new()
                        .name("corevec-metrics-conn".into())
                        .spawn(move || serve(stream, &slot.0));
                    if let Err(e) = spawned {
                        // The closure, with the connection and the slot, is dropped.
                        tracing::warn!(error = %e, "metrics connection dropped: no thread for it");
                    }
                }
                None => serve(stream, shared),
            },
            Err(e) => {
                tracing::warn!(error = %e, "metrics accept failed");
                std::thread::sleep(ACCEPT_ERROR_BACKOFF);
            }
        }
    }
}

fn serve(stream: TcpStream, shared: &Shared) {
    if let Err(e) = handle(stream, shared) {
        tracing::debug!(error = %e, "metrics connection failed");
    }
}

/// A parsed request: what the router needs.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct HttpRequest {
    pub(crate) head_only: bool,
    pub(crate) path: String,
}

/// Why a request head was refused, as a status line and a body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct HttpRefusal {
    pub(crate) status: &'static str,
    pub(crate) reason: &'static str,
}

const BAD_REQUEST: HttpRefusal = HttpRefusal {
    status: "400 Bad Request",
    reason: "malformed request",
};

fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses a request head (everything before the blank line, without it).
pub(crate) fn parse_head(head: &[u8]) -> Result<HttpRequest, HttpRefusal> {
    let head = std::str::from_utf8(head).map_err(|_| BAD_REQUEST)?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().ok_or(BAD_REQUEST)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BAD_REQUEST);
    };
    if !is_token(method)
        || !target.starts_with('/')
        || !target.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(BAD_REQUEST);
    }
    match version {
        "HTTP/1.1" | "HTTP/1.0" => {}
        v if v.starts_with("HTTP/") => {
            return Err(HttpRefusal {
                status: "505 HTTP Version Not Supported",
                reason: "only HTTP/1.0 and HTTP/1.1",
            })
        }
        _ => return Err(BAD_REQUEST),
    }
    for line in lines {
        let (name, value) = line.split_once(':').ok_or(BAD_REQUEST)?;
        if !is_token(name) || value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
            return Err(BAD_REQUEST);
        }
        let value = value.trim_matches([' ', '\t']);
        let bodied = (name.eq_ignore_ascii_case("content-length") && value != "0")
            || name.eq_ignore_ascii_case("transfer-encoding");
        if bodied {
            return Err(HttpRefusal {
                status: "400 Bad Request",
                reason: "request bodies are not accepted",
            });
        }
    }
    let head_only = match method {
        "GET" => false,
        "HEAD" => true,
        _ => {
            return Err(HttpRefusal {
                status: "405 Method Not Allowed",
                reason: "only GET and HEAD",
            })
        }
    };
    let path = target.split_once('?').map_or(target, |(path, _)| path);
    Ok(HttpRequest {
        head_only,
        path: path.to_owned(),
    })
}

/// Reads a request head within `timeout` ([`REQUEST_READ_TIMEOUT`]). An I/O error means the client
/// closed or timed out before sending a whole head (nothing is answered then).
fn read_head(
    stream: &mut TcpStream,
    timeout: Duration,
) -> io::Result<Result<Vec<u8>, HttpRefusal>> {
    let deadline = Instant::now() + timeout;
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            buffer.truncate(end);
            return Ok(Ok(buffer));
        }
        if buffer.len() >= REQUEST_HEAD_BYTES_MAX {
            return Ok(Err(HttpRefusal {
                status: "431 Request Header Fields Too Large",
                reason: "request head over 8 KiB",
            }));
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_read_timeout(Some(remaining))?;
        let want = chunk.len().min(REQUEST_HEAD_BYTES_MAX - buffer.len());
        match stream.read(&mut chunk[..want]) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// Writes all of `bytes` by `deadline`, however the client paces its reads (a socket write
/// timeout alone bounds each send, so a client reading a little at a time could stretch it).
fn write_all_by(stream: &mut TcpStream, mut bytes: &[u8], deadline: Instant) -> io::Result<()> {
    while !bytes.is_empty() {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(remaining))?;
        match stream.write(bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn handle(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let _ = stream.set_nodelay(true);
    let request = read_head(&mut stream, shared.read_timeout)?.and_then(|head| parse_head(&head));
    let (status, content_type, body, head_only, allow) = match request {
        Err(refusal) => (
            refusal.status,
            "text/plain; charset=utf-8",
            format!("{}\n", refusal.reason),
            false,
            refusal.status.starts_with("405"),
        ),
        Ok(request) => {
            let (status, content_type, body) = route(&request.path, shared);
            (status, content_type, body, request.head_only, false)
        }
    };
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    if allow {
        response.push_str("Allow: GET, HEAD\r\n");
    }
    response.push_str("\r\n");
    if !head_only {
        response.push_str(&body);
    }
    write_all_by(
        &mut stream,
        response.as_bytes(),
        Instant::now() + RESPONSE_WRITE_TIMEOUT,
    )?;
    // Lingering close: FIN, then drain what the client still sends, bounded.
    stream.shutdown(Shutdown::Write)?;
    let deadline = Instant::now() + LINGER_TIME_MAX;
    let mut scratch = [0u8; 4096];
    let mut discarded = 0;
    while discarded < LINGER_BYTES_MAX {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            break;
        }
        stream.set_read_timeout(Some(remaining))?;
        match stream.read(&mut scratch) {
            Ok(n) if n > 0 => discarded += n,
            _ => break,
        }
    }
    Ok(())
}

fn route(path: &str, shared: &Shared) -> (&'static str, &'static str, String) {
    const TEXT: &str = "text/plain; charset=utf-8";
    match path {
        "/metrics" => ("200 OK", CONTENT_TYPE, render(shared)),
        "/healthz" => ("200 OK", TEXT, "ok\n".to_owned()),
        "/readyz" => match Readiness::from_u8(shared.readiness.load(Ordering::Relaxed)) {
            Readiness::Ready => ("200 OK", TEXT, "ready\n".to_owned()),
            Readiness::Starting => ("503 Service Unavailable", TEXT, "starting\n".to_owned()),
            Readiness::ShuttingDown => (
                "503 Service Unavailable",
                TEXT,
                "shutting down\n".to_owned(),
            ),
        },
        _ => (
            "404 Not Found",
            TEXT,
            "not found; try /metrics, /healthz or /readyz\n".to_owned(),
        ),
    }
}

// ----- Exposition -----

/// Builds a text exposition: one HELP and TYPE line per family, then its samples.
#[derive(Default)]
struct Exposition {
    out: String,
}

fn escape_help(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

fn escape_label(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Exposition {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (label, value)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{label}=\"{}\"", escape_label(value));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {value}");
    }

    /// A family with one unlabelled sample.
    fn single(&mut self, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
        self.family(name, kind, help);
        self.sample(name, &[], value);
    }

    /// A family with one sample per core.
    fn per_core(&mut self, name: &str, kind: &str, help: &str, values: &[u64]) {
        self.family(name, kind, help);
        for (core, value) in values.iter().enumerate() {
            self.sample(name, &[("core", &core.to_string())], value);
        }
    }
}

/// Seconds as Prometheus expects them (Rust's shortest round-trip float form).
fn seconds_from_us(us: u64) -> String {
    format!("{}", us as f64 / 1e6)
}

fn seconds_from_ns(ns: u64) -> String {
    format!("{}", ns as f64 / 1e9)
}

fn opcode_label(slot: usize) -> &'static str {
    slot_opcode(slot).map_or("UNKNOWN", |op| op.name())
}

/// The router's own counters (docs/ROUTER.md, "STATS"), summed over its cores.
fn render_router(x: &mut Exposition, router: &RouterShared) {
    let totals = router
        .counters
        .get()
        .map(|cores| crate::router::stats::totals(cores))
        .unwrap_or_default();
    x.single(
        "corevec_router_nodes",
        "gauge",
        "Nodes in the router's map.",
        router.map.nodes.len(),
    );
    for (name, help, value) in [
        (
            "corevec_router_node_requests_total",
            "Requests sent to nodes (sub-requests, hedges and retries included).",
            totals.node_requests,
        ),
        (
            "corevec_router_node_failures_total",
            "Node requests that failed (down, unreachable, timeout, node error).",
            totals.node_failures,
        ),
        (
            "corevec_router_hedges_total",
            "Reads sent to a second replica because the first was slow.",
            totals.hedges,
        ),
        (
            "corevec_router_failovers_total",
            "Reads re-sent to another replica because the first failed.",
            totals.failovers,
        ),
        (
            "corevec_router_unavailable_total",
            "Requests answered UNAVAILABLE (no replica left for a partition group, or W missed).",
            totals.unavailable,
        ),
        (
            "corevec_router_partial_total",
            "Searches answered with the partial flag (the client allowed it).",
            totals.partial,
        ),
        (
            "corevec_router_under_replicated_writes_total",
            "Writes acknowledged with W met but some replica missing.",
            totals.under_replicated_writes,
        ),
        (
            "corevec_router_node_down_events_total",
            "Node up to down transitions, summed over the router's cores.",
            totals.node_down_events,
        ),
    ] {
        x.single(name, "counter", help, value);
    }
    x.family(
        "corevec_router_missed_writes_total",
        "counter",
        "Writes acknowledged to clients that this node did not acknowledge (repair it: corevec repair).",
    );
    for (index, node) in router.map.nodes.iter().enumerate() {
        x.sample(
            "corevec_router_missed_writes_total",
            &[("node", &node.name)],
            totals.missed_writes.get(index).copied().unwrap_or(0),
        );
    }
}

/// The space of the data directory's file system, when an engine with one is attached; a
/// failed `statvfs` is counted as a collect error.
fn data_dir_space(shared: &Shared, engine: Option<&Engine>) -> Option<FileSystemSpace> {
    let data_dir = engine?.data_dir()?;
    match file_system_space(data_dir) {
        Ok(space) => Some(space),
        Err(e) => {
            shared.collect_errors.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(error = %e, data_dir = %data_dir.display(), "metrics: statvfs failed");
            None
        }
    }
}

/// Reads every collection's counters through the attached engine, if any. `None` when no
/// engine is attached; collections that fail are skipped and counted.
fn collect_collections(shared: &Shared, engine: Option<&Engine>) -> Option<Vec<CollectionInfo>> {
    let engine = engine?;
    let specs = match engine.list_collections() {
        Ok(specs) => specs,
        Err(e) => {
            shared.collect_errors.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(error = %e, "metrics: cannot list collections");
            return Some(Vec::new());
        }
    };
    let mut infos = Vec::with_capacity(specs.len());
    let mut failed = false;
    for spec in specs {
        match engine.describe(&spec.name) {
            Ok(info) => infos.push(info),
            Err(EngineError::CollectionNotFound(_)) => {} // dropped meanwhile
            Err(e) => {
                failed = true;
                tracing::debug!(collection = %spec.name, error = %e, "metrics: cannot describe");
            }
        }
    }
    if failed {
        shared.collect_errors.fetch_add(1, Ordering::Relaxed);
    }
    Some(infos)
}

/// The whole `/metrics` document.
fn render(shared: &Shared) -> String {
    let stats = &shared.state.stats;
    // One reference for the whole scrape (the engine may be detached meanwhile).
    let engine = shared
        .engine
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let collections = collect_collections(shared, engine.as_deref());
    let mut x = Exposition::default();
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let cores = stats.cores();
    let per_core = |field: fn(&crate::stats::CoreCounters) -> &AtomicU64| -> Vec<u64> {
        cores.iter().map(|c| load(field(c))).collect()
    };

    x.family(
        "corevec_build_info",
        "gauge",
        "Always 1; the version of the running binary is in the label.",
    );
    x.sample(
        "corevec_build_info",
        &[("version", env!("CARGO_PKG_VERSION"))],
        1,
    );
    let ready = Readiness::from_u8(shared.readiness.load(Ordering::Relaxed)) == Readiness::Ready;
    x.single(
        "corevec_ready",
        "gauge",
        "1 once every shard recovered and every core listens; 0 while starting or shutting down.",
        u8::from(ready),
    );
    x.single(
        "corevec_uptime_seconds",
        "gauge",
        "Seconds since the server was created.",
        stats.totals().uptime_s,
    );
    x.single(
        "corevec_cores",
        "gauge",
        "Cores (executors) serving requests.",
        cores.len(),
    );

    x.per_core(
        "corevec_connections",
        "gauge",
        "Client connections open now, per core.",
        &per_core(|c| &c.connections),
    );
    x.per_core(
        "corevec_connections_accepted_total",
        "counter",
        "Client connections accepted, per core (including those then rejected).",
        &per_core(|c| &c.connections_accepted),
    );
    x.per_core(
        "corevec_connections_rejected_total",
        "counter",
        "Client connections refused at max_connections_per_core (answered BUSY and closed).",
        &per_core(|c| &c.connections_rejected),
    );

    let by_opcode = stats.requests_by_opcode();
    x.family(
        "corevec_requests_total",
        "counter",
        "Requests admitted for execution, by opcode (not counting those answered BUSY by the in-flight limits).",
    );
    for (slot, value) in by_opcode.iter().enumerate() {
        x.sample(
            "corevec_requests_total",
            &[("opcode", opcode_label(slot))],
            value,
        );
    }
    x.per_core(
        "corevec_core_requests_total",
        "counter",
        "Requests admitted for execution, per core.",
        &per_core(|c| &c.requests),
    );
    x.per_core(
        "corevec_requests_in_flight",
        "gauge",
        "Requests executing now, per core.",
        &per_core(|c| &c.in_flight),
    );
    x.per_core(
        "corevec_requests_rejected_busy_total",
        "counter",
        "Requests answered BUSY without being executed because a connection or core was at its in-flight limit, per core.",
        &per_core(|c| &c.busy),
    );

    let by_code = stats.errors_by_code();
    x.family(
        "corevec_errors_total",
        "counter",
        "ERROR frames sent, by wire error code (request failures, BUSY, and connection-level errors such as AUTH_FAILED).",
    );
    for (slot, value) in by_code.iter().enumerate() {
        let name = match slot_error(slot) {
            Some(corevec_proto::ErrorCode::Ok) => continue, // never sent
            Some(code) => code.name(),
            None => "UNKNOWN",
        };
        x.sample("corevec_errors_total", &[("code", name)], value);
    }

    let name = "corevec_request_duration_seconds";
    x.family(
        name,
        "histogram",
        "Time from admitting a request to queueing its response, by opcode.",
    );
    let bounds: Vec<String> = LATENCY_BOUNDS_US
        .iter()
        .map(|&us| seconds_from_us(us))
        .collect();
    for slot in 0..OPCODE_SLOTS {
        let histogram = stats.latency(slot);
        let opcode = opcode_label(slot);
        let mut cumulative = 0u64;
        for (bucket, count) in histogram.buckets.iter().enumerate() {
            cumulative += count;
            let le = if bucket + 1 == LATENCY_BUCKETS {
                "+Inf"
            } else {
                &bounds[bucket]
            };
            x.sample(
                "corevec_request_duration_seconds_bucket",
                &[("opcode", opcode), ("le", le)],
                cumulative,
            );
        }
        x.sample(
            "corevec_request_duration_seconds_sum",
            &[("opcode", opcode)],
            seconds_from_ns(histogram.sum_ns),
        );
        x.sample(
            "corevec_request_duration_seconds_count",
            &[("opcode", opcode)],
            cumulative,
        );
    }

    if let Some(collections) = &collections {
        x.single(
            "corevec_collections",
            "gauge",
            "Collections in the catalog.",
            collections.len(),
        );
        type ShardField = fn(&corevec_engine::shard::ShardStats) -> u64;
        let shard_families: [(&str, &str, ShardField); 7] = [
            (
                "corevec_shard_vectors",
                "Live vectors, per collection and shard.",
                |s| s.vectors,
            ),
            (
                "corevec_shard_tombstones",
                "Slots holding replaced or deleted vectors (reclaimed by compaction), per collection and shard.",
                |s| s.tombstones,
            ),
            (
                "corevec_shard_vector_bytes",
                "Bytes of vector data in use, per collection and shard.",
                |s| s.vector_bytes,
            ),
            (
                "corevec_shard_index_bytes",
                "Bytes of HNSW index structures, per collection and shard.",
                |s| s.index_bytes,
            ),
            (
                "corevec_shard_payload_bytes",
                "Bytes of point payloads (including replaced or deleted ones until compaction), per collection and shard.",
                |s| s.payload_bytes,
            ),
            (
                "corevec_shard_label_bytes",
                "Bytes of point labels and per-label slot lists (including replaced or deleted points until compaction), per collection and shard.",
                |s| s.label_bytes,
            ),
            (
                "corevec_shard_unindexed_vectors",
                "Vectors not yet in the HNSW index (searched exactly until indexed), per collection and shard.",
                |s| s.unindexed,
            ),
        ];
        let typed_families: [(&str, &str, &str, ShardField); 9] = [
            (
                "corevec_shard_compacting",
                "gauge",
                "1 while the shard is being compacted, per collection and shard.",
                |s| s.compacting,
            ),
            (
                "corevec_shard_compactions_total",
                "counter",
                "Compactions (rebuilds from the live vectors) since the shard was opened, per collection and shard.",
                |s| s.compactions,
            ),
            (
                "corevec_shard_wal_bytes_written_total",
                "counter",
                "WAL bytes written since the shard was opened, per collection and shard.",
                |s| s.wal_bytes_written,
            ),
            (
                "corevec_shard_wal_fsyncs_total",
                "counter",
                "Points where WAL records became durable (fdatasyncs; O_DSYNC group writes in sync mode) since the shard was opened, per collection and shard.",
                |s| s.wal_fsyncs,
            ),
            (
                "corevec_shard_wal_groups_total",
                "counter",
                "WAL group commits (one write each), per collection and shard.",
                |s| s.wal_groups,
            ),
            (
                "corevec_shard_wal_group_records_total",
                "counter",
                "Records written by those group commits (divide by groups for the mean group size).",
                |s| s.wal_group_records,
            ),
            (
                "corevec_shard_wal_groups_overlapped_total",
                "counter",
                "WAL group commits written while another group's write was still in flight (wal_writes_in_flight > 1).",
                |s| s.wal_groups_overlapped,
            ),
            (
                "corevec_shard_wal_bytes_since_snapshot",
                "gauge",
                "WAL bytes appended since the shard's last snapshot, per collection and shard.",
                |s| s.wal_bytes_since_snapshot,
            ),
            (
                "corevec_shard_wal_failed",
                "gauge",
                "1 when the shard's WAL failed (EIO, ENOSPC) and refuses writes until restart.",
                |s| s.wal_failed,
            ),
        ];
        let families = shard_families
            .into_iter()
            .map(|(name, help, field)| (name, "gauge", help, field))
            .chain(typed_families);
        for (name, kind, help, field) in families {
            x.family(name, kind, help);
            for info in collections {
                for shard in &info.shards {
                    x.sample(
                        name,
                        &[
                            ("collection", &info.spec.name),
                            ("shard", &shard.shard.to_string()),
                        ],
                        field(shard),
                    );
                }
            }
        }
        x.family(
            "corevec_shard_snapshot_age_seconds",
            "gauge",
            "Seconds since this process wrote or loaded the shard's newest snapshot (absent: none yet).",
        );
        for info in collections {
            for shard in &info.shards {
                if let Some(age) = shard.snapshot_age_s {
                    x.sample(
                        "corevec_shard_snapshot_age_seconds",
                        &[
                            ("collection", &info.spec.name),
                            ("shard", &shard.shard.to_string()),
                        ],
                        age,
                    );
                }
            }
        }
        if collections.iter().any(|info| !info.replicas.is_empty()) {
            type ReplicaField = fn(&corevec_engine::ReplicaInfo) -> u64;
            let replica_families: [(&str, &str, ReplicaField); 3] = [
                (
                    "corevec_read_replica_ready",
                    "1 when the core's copy of the shard holds its owner's data and answers the core's searches, 0 while it is being copied (the owner answers), per collection, shard and core.",
                    |r| u64::from(r.ready),
                ),
                (
                    "corevec_read_replica_vectors",
                    "Live vectors in the core's copy of the shard, per collection, shard and core.",
                    |r| r.vectors,
                ),
                (
                    "corevec_read_replica_unindexed_vectors",
                    "Vectors of the core's copy of the shard not yet in its HNSW index, per collection, shard and core.",
                    |r| r.unindexed,
                ),
            ];
            for (name, help, field) in replica_families {
                x.family(name, "gauge", help);
                for info in collections {
                    for replica in &info.replicas {
                        x.sample(
                            name,
                            &[
                                ("collection", &info.spec.name),
                                ("shard", &replica.shard.to_string()),
                                ("core", &replica.core.to_string()),
                            ],
                            field(replica),
                        );
                    }
                }
            }
        }
    }
    if let Some(space) = data_dir_space(shared, engine.as_deref()) {
        x.single(
            "corevec_data_dir_size_bytes",
            "gauge",
            "Size of the file system holding the data directory.",
            space.size_bytes,
        );
        x.single(
            "corevec_data_dir_available_bytes",
            "gauge",
            "Bytes still free for the node on the data directory's file system (a WAL that hits a full disk refuses writes until restart).",
            space.available_bytes,
        );
    }
    if let Ok(bytes) = corevec_engine::rt::anonymous_resident_bytes() {
        x.single(
            "corevec_memory_anonymous_resident_bytes",
            "gauge",
            "Anonymous resident memory of the process (RssAnon), which max_memory_percent limits.",
            bytes,
        );
    }
    let router = shared
        .router
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    if let Some(RouterMetrics(router)) = router {
        render_router(&mut x, &router);
    }
    x.single(
        "corevec_metrics_collect_errors_total",
        "counter",
        "Scrapes that could not read some collection's counters from the engine (busy or stopping).",
        shared.collect_errors.load(Ordering::Relaxed),
    );
    x.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(addr: SocketAddr, request: &str) -> (String, String) {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        (head.to_owned(), body.to_owned())
    }

    #[test]
    fn a_client_reading_slowly_cannot_stretch_a_response_past_its_deadline() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        // At most 256 KiB every 10 ms (~25 MB/s, less on a slow machine): every send makes
        // progress well within a per-send timeout of the deadline's length, yet the whole
        // 128 MiB response takes at least ~5 s, far past the 300 ms deadline. The reader keeps
        // reading until told to stop (60 s is only a hang guard).
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reading = Arc::clone(&done);
        let reader = std::thread::spawn(move || {
            let mut client = TcpStream::connect(addr).unwrap();
            let mut chunk = vec![0u8; 256 * 1024];
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(60)
                && !reading.load(std::sync::atomic::Ordering::SeqCst)
            {
                if matches!(client.read(&mut chunk), Ok(0) | Err(_)) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
        });
        let (mut server, _) = listener.accept().unwrap();
        let response = vec![b'x'; 128 << 20];
        let result = write_all_by(
            &mut server,
            &response,
            Instant::now() + Duration::from_millis(300),
        );
        // Given up at the deadline while the client was still connected and reading, not
        // when the client went away: a writer that honoured only a per-send timeout would
        // have sent everything (Ok), one that waited for the client would see it gone.
        let client_still_reading = !reader.is_finished();
        let error = result.unwrap_err();
        assert!(
            matches!(
                error.kind(),
                io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
            ),
            "{error}"
        );
        assert!(
            client_still_reading,
            "the write gave up only after the client stopped reading"
        );
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the reader if it has drained everything and blocks in read().
        let _ = server.shutdown(Shutdown::Both);
        reader.join().unwrap();
    }

    #[test]
    fn connections_that_send_nothing_do_not_hold_up_a_probe() {
        // A read timeout far beyond the client's 10 s: an idle connection that held up the
        // probe would fail the test, however slow the machine.
        let server = MetricsServer::start_with(
            "127.0.0.1:0".parse().unwrap(),
            Arc::default(),
            Duration::from_secs(60),
        )
        .unwrap();
        let addr = server.local_addr();
        // As many idle connections as there are connection threads (the old endpoint served
        // connections in turn, so each idle one held up the probe for the read timeout).
        let idle: Vec<TcpStream> = (0..CONNECTIONS_MAX)
            .map(|_| TcpStream::connect(addr).unwrap())
            .collect();
        // Wait until every connection thread holds an idle connection.
        let deadline = Instant::now() + Duration::from_secs(10);
        while server.shared.connections.load(Ordering::Acquire) < CONNECTIONS_MAX {
            assert!(
                Instant::now() < deadline,
                "connection threads never started"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        // A probe is then served by the accepting thread itself.
        let (head, body) = get(addr, "GET /healthz HTTP/1.1\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
        assert_eq!(body, "ok\n");
        let still_open = idle
            .iter()
            .filter(|stream| {
                stream.set_nonblocking(true).unwrap();
                let mut byte = [0u8; 1];
                matches!(stream.peek(&mut byte), Err(e) if e.kind() == io::ErrorKind::WouldBlock)
            })
            .count();
        assert!(
            still_open == CONNECTIONS_MAX,
            "only {still_open} idle connections were still open when the probe was answered"
        );
        drop(idle);
        server.stop();
    }

    #[test]
    fn probes_follow_readiness_and_bad_requests_are_refused() {
        let server = MetricsServer::start("127.0.0.1:0".parse().unwrap(), Arc::default()).unwrap();
        let addr = server.local_addr();
        let (head, body) = get(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
        assert_eq!(body, "ok\n");
        let (head, body) = get(addr, "GET /readyz HTTP/1.1\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 503"), "{head}");
        assert_eq!(body, "starting\n");
        server.set_readiness(Readiness::Ready);
        let (head, _) = get(addr, "GET /readyz?verbose=1 HTTP/1.0\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
        server.set_readiness(Readiness::ShuttingDown);
        let (head, body) = get(addr, "GET /readyz HTTP/1.1\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 503"), "{head}");
        assert_eq!(body, "shutting down\n");

        let (head, body) = get(addr, "GET /metrics HTTP/1.1\r\n\r\n");
        assert!(head.contains(CONTENT_TYPE), "{head}");
        assert!(body.contains("# TYPE corevec_requests_total counter\n"));
        assert!(body.contains("corevec_ready 0\n"));
        assert!(
            !body.contains("corevec_shard_vectors"),
            "no engine attached"
        );
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("Content-Length: "))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(length, body.len());
        let (head, body) = get(addr, "HEAD /metrics HTTP/1.1\r\n\r\n");
        assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
        assert!(body.is_empty());

        for (request, status) in [
            ("GET /nope HTTP/1.1\r\n\r\n", "404"),
            ("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "405"),
            ("GET /metrics HTTP/2.0\r\n\r\n", "505"),
            ("GET  /metrics HTTP/1.1\r\n\r\n", "400"),
            ("GET metrics HTTP/1.1\r\n\r\n", "400"),
            ("GET /metrics HTTP/1.1\r\nno colon\r\n\r\n", "400"),
            (
                "GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
                "400",
            ),
            ("\u{1}\u{2}\r\n\r\n", "400"),
        ] {
            let (head, _) = get(addr, request);
            assert!(
                head.starts_with(&format!("HTTP/1.1 {status}")),
                "{request:?}: {head}"
            );
        }
        let (head, _) = get(addr, "DELETE /metrics HTTP/1.1\r\n\r\n");
        assert!(head.contains("Allow: GET, HEAD"), "{head}");
        let huge = format!("GET /metrics HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(9000));
        let mut stream = TcpStream::connect(addr).unwrap();
        let _ = stream.write_all(huge.as_bytes());
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        assert!(response.starts_with(b"HTTP/1.1 431"));
        server.stop();
    }

    #[test]
    fn exposition_escapes_and_accumulates() {
        let mut x = Exposition::default();
        x.family("m", "gauge", "a \\ b\nc");
        x.sample("m", &[("l", "q\"\\\n")], 1);
        assert_eq!(
            x.out,
            "# HELP m a \\\\ b\\nc\n# TYPE m gauge\nm{l=\"q\\\"\\\\\\n\"} 1\n"
        );
        assert_eq!(seconds_from_us(10), "0.00001");
        assert_eq!(seconds_from_us(2_500_000), "2.5");
        assert_eq!(seconds_from_us(10_000_000), "10");

        let state = Arc::new(ServerState::default());
        let counters = state.stats.core(0, 1);
        counters.request_admitted(corevec_proto::Opcode::Get.as_u8());
        counters.request_finished(corevec_proto::Opcode::Get.as_u8(), Duration::from_millis(3));
        let shared = Shared {
            state,
            readiness: AtomicU8::new(Readiness::Ready.as_u8()),
            stopping: AtomicBool::new(false),
            engine: Mutex::new(None),
            collect_errors: AtomicU64::new(0),
            router: Mutex::new(None),
            connections: AtomicUsize::new(0),
            read_timeout: REQUEST_READ_TIMEOUT,
        };
        let text = render(&shared);
        assert!(!text.contains("corevec_router_"));
        // With a router attached: its counters, one missed-writes series per node.
        let nodes = ["a", "b"]
            .iter()
            .enumerate()
            .map(|(i, name)| crate::router::NodeSpec {
                name: (*name).to_owned(),
                addr: SocketAddr::from(([127, 0, 0, 2 + i as u8], 7717)),
            })
            .collect();
        let router = Arc::new(RouterShared::new(crate::RouterConfig::new(nodes)));
        let cores = router.counters.get_or_init(|| {
            (0..2)
                .map(|_| crate::router::stats::RouterCounters::with_nodes(2))
                .collect()
        });
        cores[0].missed_writes[1].fetch_add(2, Ordering::Relaxed);
        cores[1].missed_writes[1].fetch_add(1, Ordering::Relaxed);
        *shared.router.lock().unwrap() = Some(RouterMetrics(router));
        let text = render(&shared);
        assert!(
            text.contains("corevec_router_missed_writes_total{node=\"a\"} 0\n"),
            "{text}"
        );
        assert!(
            text.contains("corevec_router_missed_writes_total{node=\"b\"} 3\n"),
            "{text}"
        );
        assert!(text.contains("corevec_router_nodes 2\n"), "{text}");
        assert!(text.contains("corevec_requests_total{opcode=\"GET\"} 1\n"));
        assert!(text
            .contains("corevec_request_duration_seconds_bucket{opcode=\"GET\",le=\"0.0025\"} 0\n"));
        assert!(text
            .contains("corevec_request_duration_seconds_bucket{opcode=\"GET\",le=\"0.005\"} 1\n"));
        assert!(text
            .contains("corevec_request_duration_seconds_bucket{opcode=\"GET\",le=\"+Inf\"} 1\n"));
        assert!(text.contains("corevec_request_duration_seconds_count{opcode=\"GET\"} 1\n"));
        assert!(text.contains("corevec_request_duration_seconds_sum{opcode=\"GET\"} 0.003\n"));
        assert!(text.contains("corevec_connections{core=\"0\"} 0\n"));
        assert!(text.contains("corevec_ready 1\n"));
    }
}
