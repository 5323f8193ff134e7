//! [`NodeLink`]: one router core's connections to one node.
//!
//! Each link keeps up to `node_connections` pipelined connections (TCP through the runtime
//! seam, never a blocking socket). Requests are multiplexed by request id: a request task
//! encodes its frame into the connection's outbox and waits on a one-shot [`Slot`]; the
//! connection's **writer** task moves the outbox to the socket, its **reader** task splits the
//! stream into frames and fills the slot whose id the frame carries. Responses may come back in
//! any order; a late response for a request that timed out finds no slot and is dropped.
//!
//! Each link remembers the HELLO feature bits its node enabled at the last connect: a request
//! that needs a bit the node lacks (an older release) fails with [`LinkError::Unsupported`]
//! before anything is sent.
//!
//! A link is *up* or *down*. It goes down when connecting fails, when a connection breaks, or
//! when the health checker's PING fails; it comes back up only when a PING succeeds. Requests
//! to a down link fail at once with [`LinkError::Down`] (nothing is sent), so reads go to
//! other replicas without waiting for timeouts.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::future::poll_fn;
use std::net::SocketAddr;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use corevec_engine::rt::{self, Semaphore, TaskQueueHandle, TcpStream};
use corevec_proto::{
    Frame, FrameHeader, Hello, Opcode, Request, RequestId, Response, FEATURES_SUPPORTED,
    FEATURE_FILTER_GROUPS, FEATURE_LABELS, FEATURE_MAX_DISTANCE, FEATURE_PAYLOADS,
    FEATURE_READ_REPLICAS, FRAME_BODY_BYTES_MAX, FRAME_HEADER_SIZE, VERSION_MAX, VERSION_MIN,
};
use futures_lite::io::{ReadHalf, WriteHalf};
use futures_lite::{future, AsyncWriteExt};

use crate::connection::{FrameReader, ReadResult};
use crate::notify::Notify;
use crate::router::error::LinkError;

/// Latency samples kept per link for the hedging delay.
const LATENCY_WINDOW: usize = 256;
/// Samples needed before the observed p95 is trusted.
const LATENCY_SAMPLES_MIN: usize = 20;
/// Hedging delay before enough samples were seen.
const HEDGE_DELAY_UNKNOWN: Duration = Duration::from_millis(20);
/// Lower bound of the automatic hedging delay (below it, hedges would mostly duplicate work).
const HEDGE_DELAY_FLOOR: Duration = Duration::from_micros(500);

/// What a link needs to know, shared by every link of a core.
#[derive(Clone, Debug)]
pub(crate) struct LinkSettings {
    pub(crate) token: Option<Rc<[u8]>>,
    pub(crate) request_timeout: Duration,
    /// Bounds a health-check PING instead of `request_timeout`.
    pub(crate) ping_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) connections: usize,
    pub(crate) queue: TaskQueueHandle,
}

/// A response frame from a node.
pub(crate) struct Reply {
    frame: Vec<u8>,
    node: Rc<str>,
}

impl Reply {
    /// The reply `frame` (a whole response frame) from `node`.
    pub(crate) fn new(frame: Vec<u8>, node: Rc<str>) -> Reply {
        Reply { frame, node }
    }

    /// The decoded response; an ERROR frame becomes [`LinkError::Node`].
    pub(crate) fn response(&self) -> Result<Response<'_>, LinkError> {
        let protocol = |detail: String| LinkError::Protocol {
            node: self.node.to_string(),
            detail,
        };
        let frame = Frame::parse(&self.frame).map_err(|e| protocol(e.to_string()))?;
        match Response::decode_frame(&frame).map_err(|e| protocol(e.to_string()))? {
            Response::Error(e) => Err(LinkError::Node {
                node: self.node.to_string(),
                code: e.code,
                message: e.message,
            }),
            response => Ok(response),
        }
    }
}

/// A one-shot, same-core result slot.
#[derive(Default)]
struct Slot {
    value: RefCell<Option<Result<Vec<u8>, String>>>,
    waker: RefCell<Option<Waker>>,
}

impl Slot {
    fn fill(&self, value: Result<Vec<u8>, String>) {
        *self.value.borrow_mut() = Some(value);
        let waker = self.waker.borrow_mut().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    async fn wait(&self) -> Result<Vec<u8>, String> {
        poll_fn(|cx| {
            if let Some(value) = self.value.borrow_mut().take() {
                return Poll::Ready(value);
            }
            *self.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        })
        .await
    }
}

/// Why a request on an open connection failed.
enum ConnFailure {
    Closed(String),
    Timeout,
}

/// One pipelined connection to a node.
struct Conn {
    outbox: RefCell<Vec<u8>>,
    pending: RefCell<HashMap<u64, Rc<Slot>>>,
    next_id: Cell<u64>,
    closed: Cell<bool>,
    /// The node's `in_flight_max` from HELLO: requests beyond it would be answered BUSY.
    permits: Semaphore,
    /// Requests given up on (timeout, or their caller went away) that the node has not
    /// answered yet: each still holds one of `permits`, returned when its answer arrives.
    abandoned: RefCell<HashSet<u64>>,
    output: Notify,
    stop: Notify,
}

impl Conn {
    fn close(&self, reason: &str) {
        if self.closed.replace(true) {
            return;
        }
        let pending: Vec<Rc<Slot>> = self.pending.borrow_mut().drain().map(|(_, s)| s).collect();
        for slot in pending {
            slot.fill(Err(reason.to_owned()));
        }
        self.abandoned.borrow_mut().clear();
        self.permits.close();
        self.output.notify();
        self.stop.notify();
    }

    async fn request(
        &self,
        opcode: u8,
        body: &[u8],
        deadline: Instant,
    ) -> Result<Vec<u8>, ConnFailure> {
        let remaining = deadline.saturating_duration_since(Instant::now());
        let permit = match rt::timeout(remaining, self.permits.acquire_permit(1)).await {
            None => return Err(ConnFailure::Timeout),
            Some(Err(_)) => return Err(ConnFailure::Closed("connection closed".into())),
            Some(Ok(permit)) => permit,
        };
        if self.closed.get() {
            return Err(ConnFailure::Closed("connection closed".into()));
        }
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1).max(1));
        let slot = Rc::new(Slot::default());
        self.pending.borrow_mut().insert(id, Rc::clone(&slot));
        {
            let mut outbox = self.outbox.borrow_mut();
            // The body was checked against the frame limit by the caller.
            if let Err(e) = Frame::encode_into(&mut outbox, opcode, 0, RequestId(id), body) {
                drop(outbox);
                self.pending.borrow_mut().remove(&id);
                return Err(ConnFailure::Closed(format!("cannot encode: {e}")));
            }
        }
        // From here on the node may be working on it.
        let _sent = Sent {
            conn: self,
            id,
            permit: Some(permit),
        };
        self.output.notify();
        let remaining = deadline.saturating_duration_since(Instant::now());
        match rt::timeout(remaining, slot.wait()).await {
            Some(Ok(frame)) => Ok(frame),
            Some(Err(reason)) => Err(ConnFailure::Closed(reason)),
            None => Err(ConnFailure::Timeout),
        }
    }
}

/// A request written to the connection. When it ends unanswered (timeout, or the caller's
/// future dropped: a hedged search's slower replica), its in-flight permit is not returned
/// until the node answers it, because the node still counts it against `in_flight_max`.
struct Sent<'a> {
    conn: &'a Conn,
    id: u64,
    permit: Option<rt::Permit<'a>>,
}

impl Drop for Sent<'_> {
    fn drop(&mut self) {
        let unanswered = self.conn.pending.borrow_mut().remove(&self.id).is_some();
        if unanswered && !self.conn.closed.get() {
            if let Some(permit) = self.permit.take() {
                // Returned by `read_loop` (`permits.signal`) when the answer arrives.
                std::mem::forget(permit);
                self.conn.abandoned.borrow_mut().insert(self.id);
            }
        }
    }
}

async fn read_loop(conn: Rc<Conn>, mut reader: ReadHalf<TcpStream>, mut frames: FrameReader) {
    let reason = loop {
        let next = future::or(async { Some(frames.next(&mut reader).await) }, async {
            while !conn.closed.get() {
                conn.stop.notified().await;
            }
            None
        })
        .await;
        let frame = match next {
            None => return,
            Some(ReadResult::Frame(frame)) => frame,
            Some(ReadResult::Eof) => break "the node closed the connection".to_owned(),
            Some(ReadResult::Truncated) => break "the node closed mid-frame".to_owned(),
            Some(ReadResult::Fatal(e)) => break format!("undecodable stream: {e}"),
            Some(ReadResult::Io(e)) => break format!("read failed: {e}"),
        };
        let Some(Ok(header)) = frame
            .first_chunk::<FRAME_HEADER_SIZE>()
            .map(FrameHeader::decode)
        else {
            break "undecodable frame header".to_owned();
        };
        if header.request_id == RequestId::CONNECTION {
            // A connection-level error, sent just before the node closes (e.g. SHUTTING_DOWN).
            let message = Frame::parse(&frame)
                .ok()
                .and_then(|f| match Response::decode_frame(&f) {
                    Ok(Response::Error(e)) => Some(format!("{}: {}", e.code, e.message)),
                    _ => None,
                })
                .unwrap_or_else(|| "connection-level error".to_owned());
            break message;
        }
        let slot = conn.pending.borrow_mut().remove(&header.request_id.0);
        if let Some(slot) = slot {
            slot.fill(Ok(frame));
        } else if conn.abandoned.borrow_mut().remove(&header.request_id.0) {
            conn.permits.signal(1);
        }
    };
    conn.close(&reason);
}

async fn write_loop(conn: Rc<Conn>, mut writer: WriteHalf<TcpStream>) {
    let mut batch = Vec::new();
    loop {
        std::mem::swap(&mut *conn.outbox.borrow_mut(), &mut batch);
        if batch.is_empty() {
            if conn.closed.get() {
                break;
            }
            conn.output.notified().await;
            continue;
        }
        if let Err(e) = writer.write_all(&batch).await {
            conn.close(&format!("write failed: {e}"));
            break;
        }
        batch.clear();
        if batch.capacity() > 1 << 20 {
            batch = Vec::new();
        }
    }
    let _ = writer.close().await;
}

/// Rolling latency samples (microseconds) with a cached p95 and an EWMA.
struct Latency {
    samples: Vec<u32>,
    next: usize,
    since_p95: usize,
    p95: Option<Duration>,
    ewma_us: f64,
}

impl Latency {
    fn new() -> Latency {
        Latency {
            samples: Vec::with_capacity(LATENCY_WINDOW),
            next: 0,
            since_p95: 0,
            p95: None,
            ewma_us: 0.0,
        }
    }

    fn record(&mut self, latency: Duration) {
        let us = u32::try_from(latency.as_micros()).unwrap_or(u32::MAX);
        if self.samples.len() < LATENCY_WINDOW {
            self.samples.push(us);
        } else {
            self.samples[self.next] = us;
        }
        self.next = (self.next + 1) % LATENCY_WINDOW;
        self.ewma_us = if self.ewma_us == 0.0 {
            f64::from(us)
        } else {
            0.9 * self.ewma_us + 0.1 * f64::from(us)
        };
        self.since_p95 += 1;
        if self.samples.len() >= LATENCY_SAMPLES_MIN && (self.p95.is_none() || self.since_p95 >= 16)
        {
            let mut sorted = self.samples.clone();
            sorted.sort_unstable();
            let at = (sorted.len() * 95).div_ceil(100).saturating_sub(1);
            self.p95 = Some(Duration::from_micros(u64::from(sorted[at])));
            self.since_p95 = 0;
        }
    }
}

/// One core's view of one node.
pub(crate) struct NodeLink {
    /// `name (addr)`, for messages.
    pub(crate) label: Rc<str>,
    addr: SocketAddr,
    settings: LinkSettings,
    connections: RefCell<Vec<Option<Rc<Conn>>>>,
    connecting: Vec<Semaphore>,
    next_connection: Cell<usize>,
    up: Cell<bool>,
    down_reason: RefCell<String>,
    in_flight: Cell<usize>,
    latency: RefCell<Latency>,
    /// Feature bits the node enabled in its last HELLO answer; `None` before the first connect.
    features: Cell<Option<u64>>,
    /// Writes this core acknowledged without the node since it was last marked up.
    missed_writes: Cell<u64>,
    /// Up → down transitions not yet counted in the router's STATS
    /// ([`NodeLink::take_down_events`]), whoever marked the node down.
    down_events: Cell<u64>,
}

/// Decrements a counter on drop (cancel-safe accounting).
struct InFlight<'a>(&'a Cell<usize>);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

impl NodeLink {
    pub(crate) fn new(name: &str, addr: SocketAddr, settings: LinkSettings) -> Self {
        let connections = settings.connections.max(1);
        NodeLink {
            label: Rc::from(format!("{name} ({addr})")),
            addr,
            connections: RefCell::new(vec![None; connections]),
            connecting: (0..connections).map(|_| Semaphore::new(1)).collect(),
            next_connection: Cell::new(0),
            // Optimistic until the first failure: the first requests need not wait for a PING.
            up: Cell::new(true),
            down_reason: RefCell::new(String::new()),
            in_flight: Cell::new(0),
            latency: RefCell::new(Latency::new()),
            features: Cell::new(None),
            missed_writes: Cell::new(0),
            down_events: Cell::new(0),
            settings,
        }
    }

    pub(crate) fn is_up(&self) -> bool {
        self.up.get()
    }

    pub(crate) fn in_flight(&self) -> usize {
        self.in_flight.get()
    }

    /// Load score for replica choice: requests in flight from this core, weighted by the
    /// node's recent read latency. Lower is better.
    pub(crate) fn load(&self) -> f64 {
        let ewma = self.latency.borrow().ewma_us.max(50.0);
        (self.in_flight.get() as f64 + 1.0) * ewma
    }

    /// When to hedge a read sent to this node: its observed p95 (floored), or a fixed default
    /// until enough samples were seen.
    pub(crate) fn observed_p95(&self) -> Duration {
        self.latency
            .borrow()
            .p95
            .map_or(HEDGE_DELAY_UNKNOWN, |p| p.max(HEDGE_DELAY_FLOOR))
    }

    pub(crate) fn record_latency(&self, latency: Duration) {
        self.latency.borrow_mut().record(latency);
    }

    /// Marks the node down and closes its connections. Returns true on a transition.
    pub(crate) fn mark_down(&self, reason: &str) -> bool {
        *self.down_reason.borrow_mut() = reason.to_owned();
        for conn in self.connections.borrow_mut().iter_mut() {
            if let Some(conn) = conn.take() {
                conn.close(reason);
            }
        }
        let was_up = self.up.replace(false);
        if was_up {
            self.down_events.set(self.down_events.get() + 1);
        }
        was_up
    }

    /// The up → down transitions since the last call.
    pub(crate) fn take_down_events(&self) -> u64 {
        self.down_events.replace(0)
    }

    /// Marks the node up. Returns true on a transition.
    pub(crate) fn mark_up(&self) -> bool {
        !self.up.replace(true)
    }

    /// Counts a write acknowledged to the client that this node did not acknowledge.
    pub(crate) fn note_missed_write(&self) {
        self.missed_writes.set(self.missed_writes.get() + 1);
    }

    /// The writes counted by [`NodeLink::note_missed_write`] since the last call.
    pub(crate) fn take_missed_writes(&self) -> u64 {
        self.missed_writes.replace(0)
    }

    pub(crate) fn down_reason(&self) -> String {
        self.down_reason.borrow().clone()
    }

    /// Feature bits the node enabled when last connected (`None`: never connected yet).
    pub(crate) fn features(&self) -> Option<u64> {
        self.features.get()
    }

    /// Of `needs`, the bits the node is known to lack (0 while its features are unknown).
    pub(crate) fn lacks(&self, needs: u64) -> u64 {
        self.features.get().map_or(0, |features| needs & !features)
    }

    /// Connects one connection if none is open, so that [`NodeLink::features`] is known. A
    /// failure marks the node down (what a request would have done).
    pub(crate) async fn learn_features(&self) {
        if self.features.get().is_none() && self.up.get() {
            let timeout = self.settings.request_timeout;
            let _ = self.connection(Instant::now() + timeout, timeout).await;
        }
    }

    fn note_features(&self, features: u64) {
        let before = self.features.replace(Some(features));
        let missing = FEATURES_SUPPORTED & !features;
        if before != Some(features) && missing != 0 {
            tracing::warn!(
                node = %self.label,
                missing = %feature_names(missing),
                "node runs an older release: requests that need these features are refused \
                 while it is up"
            );
        }
    }

    /// Sends one request (`opcode` + encoded `body`) and waits for its response, at most the
    /// request timeout. `needs` are the feature bits the request needs
    /// ([`corevec_proto::Request::features_needed`]); it is not sent to a node without them.
    /// `force` (health checks) sends even when the node is marked down, and waits at most the
    /// ping timeout instead (longer or shorter than the request timeout, as configured).
    pub(crate) async fn call(
        &self,
        opcode: Opcode,
        body: &[u8],
        needs: u64,
        force: bool,
    ) -> Result<Reply, LinkError> {
        let node = || self.label.to_string();
        if !force && !self.up.get() {
            return Err(LinkError::Down {
                node: node(),
                reason: self.down_reason(),
            });
        }
        if body.len() > FRAME_BODY_BYTES_MAX as usize {
            return Err(LinkError::Encode {
                node: node(),
                detail: format!("body of {} bytes exceeds the frame limit", body.len()),
            });
        }
        let timeout = if force {
            self.settings.ping_timeout
        } else {
            self.settings.request_timeout
        };
        let started = Instant::now();
        let deadline = started + timeout;
        self.in_flight.set(self.in_flight.get() + 1);
        let _in_flight = InFlight(&self.in_flight);
        let conn = self.connection(deadline, timeout).await?;
        // Checked after connecting: a node restarted on another release is known only now.
        let missing = self.lacks(needs);
        if missing != 0 {
            return Err(LinkError::Unsupported {
                node: node(),
                missing: feature_names(missing),
            });
        }
        match conn.request(opcode.as_u8(), body, deadline).await {
            Ok(frame) => {
                if opcode == Opcode::Search {
                    self.record_latency(started.elapsed());
                }
                Ok(Reply::new(frame, Rc::clone(&self.label)))
            }
            Err(ConnFailure::Timeout) => Err(LinkError::Timeout {
                node: node(),
                after: timeout,
            }),
            Err(ConnFailure::Closed(reason)) => {
                if self.mark_down(&reason) {
                    tracing::warn!(node = %self.label, %reason, "node marked down");
                }
                Err(LinkError::Closed {
                    node: node(),
                    reason,
                })
            }
        }
    }

    /// An open connection, connecting one if its slot is empty, by `deadline` (`timeout` after
    /// the request started, for the error).
    async fn connection(
        &self,
        deadline: Instant,
        timeout: Duration,
    ) -> Result<Rc<Conn>, LinkError> {
        let slots = self.connecting.len();
        let slot = self.next_connection.get() % slots;
        self.next_connection.set(slot + 1);
        let open = |slot: usize| {
            self.connections.borrow()[slot]
                .as_ref()
                .filter(|c| !c.closed.get())
                .cloned()
        };
        if let Some(conn) = open(slot) {
            return Ok(conn);
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        let _guard = match rt::timeout(remaining, self.connecting[slot].acquire_permit(1)).await {
            Some(Ok(permit)) => permit,
            _ => {
                return Err(LinkError::Timeout {
                    node: self.label.to_string(),
                    after: timeout,
                })
            }
        };
        if let Some(conn) = open(slot) {
            return Ok(conn);
        }
        match self.connect().await {
            Ok(conn) => {
                self.connections.borrow_mut()[slot] = Some(Rc::clone(&conn));
                Ok(conn)
            }
            Err(reason) => {
                if self.mark_down(&reason) {
                    tracing::warn!(node = %self.label, %reason, "node marked down");
                }
                Err(LinkError::Connect {
                    node: self.label.to_string(),
                    reason,
                })
            }
        }
    }

    /// TCP connect and HELLO, within the connect timeout; spawns the reader and writer.
    async fn connect(&self) -> Result<Rc<Conn>, String> {
        let timeout = self.settings.connect_timeout;
        let handshake = async {
            let mut stream = TcpStream::connect(self.addr)
                .await
                .map_err(|e| e.to_string())?;
            let _ = stream.set_nodelay(true);
            let _ = stream.set_write_timeout(Some(self.settings.request_timeout));
            let mut hello = Vec::new();
            Request::Hello(Hello {
                version_min: VERSION_MIN,
                version_max: VERSION_MAX,
                features: FEATURES_SUPPORTED,
                token: self.settings.token.as_deref().unwrap_or_default(),
            })
            .encode(RequestId(1), &mut hello)
            .map_err(|e| e.to_string())?;
            stream.write_all(&hello).await.map_err(|e| e.to_string())?;
            let mut frames = FrameReader::new(FRAME_BODY_BYTES_MAX);
            let frame = match frames.next(&mut stream).await {
                ReadResult::Frame(frame) => frame,
                ReadResult::Eof | ReadResult::Truncated => {
                    return Err("closed during HELLO".to_owned())
                }
                ReadResult::Fatal(e) => return Err(format!("HELLO answer: {e}")),
                ReadResult::Io(e) => return Err(e.to_string()),
            };
            let frame = Frame::parse(&frame).map_err(|e| e.to_string())?;
            let ack = match Response::decode_frame(&frame).map_err(|e| e.to_string())? {
                Response::Hello(ack) => ack,
                Response::Error(e) => {
                    return Err(format!("HELLO refused: {}: {}", e.code, e.message))
                }
                other => return Err(format!("unexpected HELLO answer {other:?}")),
            };
            Ok((stream, frames, ack))
        };
        let (stream, frames, ack) = rt::timeout(timeout, handshake)
            .await
            .unwrap_or_else(|| Err(format!("no connection within {} ms", timeout.as_millis())))?;
        let in_flight_max = ack.in_flight_max;
        self.note_features(ack.features);
        let conn = Rc::new(Conn {
            outbox: RefCell::new(Vec::new()),
            pending: RefCell::new(HashMap::new()),
            next_id: Cell::new(2),
            closed: Cell::new(false),
            permits: Semaphore::new(u64::from(in_flight_max.max(1))),
            abandoned: RefCell::new(HashSet::new()),
            output: Notify::default(),
            stop: Notify::default(),
        });
        let (reader, writer) = futures_lite::io::split(stream);
        rt::spawn_into(
            self.settings.queue,
            read_loop(Rc::clone(&conn), reader, frames),
        );
        rt::spawn_into(self.settings.queue, write_loop(Rc::clone(&conn), writer));
        tracing::debug!(node = %self.label, in_flight_max, "connected");
        Ok(conn)
    }
}

/// `FEATURE_*` names of `bits`, for messages: `FEATURE_LABELS, FEATURE_FILTER_GROUPS`.
pub(crate) fn feature_names(bits: u64) -> String {
    const NAMES: [(u64, &str); 5] = [
        (FEATURE_PAYLOADS, "FEATURE_PAYLOADS"),
        (FEATURE_LABELS, "FEATURE_LABELS"),
        (FEATURE_FILTER_GROUPS, "FEATURE_FILTER_GROUPS"),
        (FEATURE_MAX_DISTANCE, "FEATURE_MAX_DISTANCE"),
        (FEATURE_READ_REPLICAS, "FEATURE_READ_REPLICAS"),
    ];
    let known: u64 = NAMES.iter().map(|(bit, _)| bit).sum();
    let mut names: Vec<String> = NAMES
        .iter()
        .filter(|(bit, _)| bits & bit != 0)
        .map(|(_, name)| (*name).to_owned())
        .collect();
    if bits & !known != 0 {
        names.push(format!("feature bits {:#x}", bits & !known));
    }
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_names_list_every_bit() {
        assert_eq!(
            feature_names(FEATURE_LABELS | FEATURE_FILTER_GROUPS),
            "FEATURE_LABELS, FEATURE_FILTER_GROUPS"
        );
        assert_eq!(
            feature_names(FEATURE_PAYLOADS | 64),
            "FEATURE_PAYLOADS, feature bits 0x40"
        );
        assert_eq!(feature_names(0), "");
        assert_eq!(feature_names(FEATURE_MAX_DISTANCE), "FEATURE_MAX_DISTANCE");
        assert_eq!(
            feature_names(FEATURE_READ_REPLICAS),
            "FEATURE_READ_REPLICAS"
        );
        assert!(
            !feature_names(FEATURES_SUPPORTED).contains("feature bits"),
            "every feature this build has is named: {}",
            feature_names(FEATURES_SUPPORTED)
        );
    }

    #[test]
    fn latency_window_p95_and_ewma() {
        let mut latency = Latency::new();
        for i in 1..=100u64 {
            latency.record(Duration::from_micros(i * 10));
        }
        let p95 = latency.p95.unwrap();
        assert!(
            (Duration::from_micros(900)..=Duration::from_micros(960)).contains(&p95),
            "{p95:?}"
        );
        assert!(latency.ewma_us > 500.0);
    }
}
