//! One client connection: HELLO, then pipelined requests.
//!
//! Three kinds of task share an `Rc<Connection>` on the connection's core:
//!
//! * the **reader** (the connection task itself) splits the byte stream into frames
//!   ([`FrameReader`]), answers HELLO, applies the in-flight limits and spawns one task per
//!   admitted request;
//! * **request tasks** decode and execute their request, then encode the response straight
//!   into the connection's outbox (so responses leave in completion order, each tagged with
//!   its request id);
//! * the **writer** moves the outbox to the socket. It is the only task that writes, so
//!   frames never interleave; responses that completed while a write was in progress go out
//!   together in the next write.
//!
//! Bounded work: at most `max_in_flight_per_connection` requests (beyond: BUSY, not executed),
//! at most `max_in_flight_per_core` on the core, and the reader stops reading while the
//! outbox holds more than [`OUTBOX_HIGH_BYTES`] or the requests in flight hold more than
//! [`IN_FLIGHT_BYTES_MAX`] of frames: a client that does not read its responses, or floods
//! large frames, is slowed down, not buffered for.
//!
//! Closing (mini-redis style: a clean close between frames vs a torn one): EOF, a fatal frame
//! error (one ERROR frame with request id 0 first), a rejected HELLO, the idle timeout, a
//! failed write, or server shutdown (in-flight requests finish, then a SHUTTING_DOWN frame with
//! request id 0). A connection never affects another: its failures end its own tasks only.

use std::cell::{Cell, RefCell};
use std::io;
use std::rc::Rc;
use std::time::{Duration, Instant};

use corevec_engine::rt::{self, TcpStream};
use corevec_proto::{
    Error as ProtoError, ErrorCode, Frame, FrameHeader, HelloAck, Request, RequestId, Response,
    FEATURE_FILTER_GROUPS, FEATURE_LABELS, FRAME_HEADER_SIZE, VERSION_MAX, VERSION_MIN,
};
use futures_lite::io::{ReadHalf, WriteHalf};
use futures_lite::{future, AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::handler::{self, Context, Failure};
use crate::notify::Notify;
use crate::server::Core;
use crate::stats::CoreCounters;

/// The reader pauses while more response bytes than this wait for the socket.
pub(crate) const OUTBOX_HIGH_BYTES: usize = 4 * 1024 * 1024;
/// The reader pauses while the frames of requests in flight hold more than this. One frame
/// larger than this is still admitted when nothing else is in flight.
pub(crate) const IN_FLIGHT_BYTES_MAX: usize = 256 * 1024 * 1024;
/// Frames up to this size are read through a shared staging buffer; larger ones get a buffer
/// of their own, filled directly from the socket.
const STAGING_BYTES: usize = 64 * 1024;
/// Lingering close: at most this long and this many bytes are read and discarded after the
/// last frame (see [`linger_close`]).
const LINGER_TIME_MAX: Duration = Duration::from_secs(1);
const LINGER_BYTES_MAX: usize = 1024 * 1024;
/// A writer keeps its spare buffer between writes unless it grew beyond this.
const SPARE_KEEP_BYTES: usize = 1024 * 1024;

/// Why a connection ends.
#[derive(Debug)]
enum CloseReason {
    /// The client closed between frames.
    Eof,
    /// The client closed in the middle of a frame; the partial frame is dropped.
    Truncated,
    /// The stream cannot be split into frames any more.
    Fatal(ProtoError),
    /// HELLO failed (or the first frame was not HELLO); the error frame is queued.
    HelloRejected(ErrorCode),
    /// No HELLO within `hello_timeout`.
    HelloTimeout,
    /// Nothing in flight and nothing received for `idle_timeout`.
    Idle,
    /// The server is shutting down.
    Stop,
    /// Reading failed.
    Io(io::Error),
    /// Writing failed (the writer set `discard`).
    WriteFailed,
}

/// State shared by a connection's reader, writer and request tasks.
pub(crate) struct Connection {
    id: u64,
    core: Rc<Core>,
    /// Encoded response frames waiting for the writer.
    outbox: RefCell<Vec<u8>>,
    /// Feature bits HELLO enabled (0 until then): what this client can decode.
    features: Cell<u64>,
    /// Requests admitted and not yet answered.
    in_flight: Cell<u32>,
    /// Bytes of the frames of those requests.
    in_flight_bytes: Cell<usize>,
    /// Responses are no longer wanted (write failed, or a fatal error frame was the last).
    discard: Cell<bool>,
    /// The writer exits once the outbox is empty.
    closing: Cell<bool>,
    writer_finished: Cell<bool>,
    stop_requested: Cell<bool>,
    /// Writer waits for output.
    output: Notify,
    /// Reader waits for the outbox to drain or a request to finish (backpressure).
    progress: Notify,
    /// Reader waits for the last in-flight request while closing.
    idle: Notify,
    /// Reader waits for the writer to finish while closing.
    writer_done: Notify,
    /// Reader waits for a stop request while reading.
    stop: Notify,
}

impl Connection {
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Asks the reader to stop reading and drain (server shutdown, or the writer failed).
    pub(crate) fn request_stop(&self) {
        self.stop_requested.set(true);
        self.stop.notify();
        self.progress.notify();
    }

    async fn stopped(&self) {
        while !self.stop_requested.get() {
            self.stop.notified().await;
        }
    }

    fn outbox_bytes(&self) -> usize {
        self.outbox.borrow().len()
    }

    /// Queues a frame produced by `encode` unless responses are being discarded.
    fn enqueue(&self, encode: impl FnOnce(&mut Vec<u8>)) {
        if self.discard.get() {
            return;
        }
        encode(&mut self.outbox.borrow_mut());
        self.output.notify();
    }

    fn enqueue_error(&self, request_id: RequestId, opcode: u8, code: ErrorCode, message: &str) {
        self.core.counters().error_sent(code);
        self.enqueue(|out| {
            handler::encode_failure(out, request_id, opcode, &Failure::new(code, message));
        });
    }

    fn writer_failed(&self) {
        self.discard.set(true);
        self.outbox.borrow_mut().clear();
        self.request_stop();
    }
}

/// Serves one accepted connection until it closes. Spawned by the accept loop.
pub(crate) async fn serve(core: Rc<Core>, id: u64, stream: TcpStream) {
    let config = core.config();
    let peer = stream.peer_addr().ok();
    let _ = stream.set_nodelay(true);
    // A write that makes no progress for this long fails, and with it the connection.
    let _ = stream.set_write_timeout(Some(config.write_timeout));
    let connection = Rc::new(Connection {
        id,
        core: Rc::clone(&core),
        outbox: RefCell::new(Vec::new()),
        features: Cell::new(0),
        in_flight: Cell::new(0),
        in_flight_bytes: Cell::new(0),
        discard: Cell::new(false),
        closing: Cell::new(false),
        writer_finished: Cell::new(false),
        stop_requested: Cell::new(false),
        output: Notify::default(),
        progress: Notify::default(),
        idle: Notify::default(),
        writer_done: Notify::default(),
        stop: Notify::default(),
    });
    core.connection_opened(&connection);
    if core.is_stopping() {
        connection.request_stop();
    }
    tracing::debug!(
        core = core.local.core(),
        connection = id,
        ?peer,
        "connection opened"
    );

    let (reader, writer) = futures_lite::io::split(stream);
    rt::spawn_into(
        core.local.queues().foreground,
        write_loop(Rc::clone(&connection), writer),
    );
    let mut reader = reader;
    let reason = read_loop(&connection, &mut reader).await;
    let linger = !matches!(
        reason,
        CloseReason::Eof | CloseReason::Truncated | CloseReason::Io(_)
    );
    close(&connection, reason).await;
    if linger {
        linger_close(&mut reader).await;
    }
    core.connection_closed(id);
}

/// Outcome of waiting for the next frame.
enum Next {
    Frame(Vec<u8>),
    Closed(CloseReason),
    TimedOut,
}

impl Connection {
    async fn next_frame(
        &self,
        frames: &mut FrameReader,
        reader: &mut ReadHalf<TcpStream>,
        timeout: Option<Duration>,
    ) -> Next {
        let read = async {
            match frames.next(reader).await {
                ReadResult::Frame(frame) => Next::Frame(frame),
                ReadResult::Eof => Next::Closed(CloseReason::Eof),
                ReadResult::Truncated => Next::Closed(CloseReason::Truncated),
                ReadResult::Fatal(e) => Next::Closed(CloseReason::Fatal(e)),
                ReadResult::Io(e) => Next::Closed(CloseReason::Io(e)),
            }
        };
        let stop = async {
            self.stopped().await;
            Next::Closed(if self.discard.get() {
                CloseReason::WriteFailed
            } else {
                CloseReason::Stop
            })
        };
        let raced = future::or(read, stop);
        match timeout {
            Some(timeout) => rt::timeout(timeout, raced).await.unwrap_or(Next::TimedOut),
            None => raced.await,
        }
    }
}

async fn read_loop(connection: &Rc<Connection>, reader: &mut ReadHalf<TcpStream>) -> CloseReason {
    let config = connection.core.config();
    let mut frames = FrameReader::new(config.frame_body_bytes_max);

    // HELLO first, within `hello_timeout`.
    match connection
        .next_frame(&mut frames, reader, Some(config.hello_timeout))
        .await
    {
        Next::Frame(frame) => {
            if let Err(reason) = hello(connection, &frame) {
                return reason;
            }
        }
        Next::Closed(reason) => return reason,
        Next::TimedOut => return CloseReason::HelloTimeout,
    }

    let idle_timeout = (!config.idle_timeout.is_zero()).then_some(config.idle_timeout);
    loop {
        // Backpressure: stop reading while responses pile up unread or requests hold too much.
        while (connection.outbox_bytes() > OUTBOX_HIGH_BYTES
            || connection.in_flight_bytes.get() > IN_FLIGHT_BYTES_MAX)
            && !connection.stop_requested.get()
        {
            connection.progress.notified().await;
        }
        if connection.stop_requested.get() {
            return if connection.discard.get() {
                CloseReason::WriteFailed
            } else {
                CloseReason::Stop
            };
        }
        let read_before = frames.bytes_read();
        match connection
            .next_frame(&mut frames, reader, idle_timeout)
            .await
        {
            Next::Frame(frame) if uses_reserved_id(&frame) => return reserved_id_used(),
            Next::Frame(frame) => dispatch(connection, frame),
            Next::Closed(reason) => return reason,
            Next::TimedOut => {
                // Idle: nothing received for a whole timeout (a large frame still arriving,
                // however slowly, is not idle) and nothing to answer.
                if frames.bytes_read() == read_before
                    && connection.in_flight.get() == 0
                    && connection.outbox_bytes() == 0
                {
                    return CloseReason::Idle;
                }
            }
        }
    }
}

/// Constant-time equality for secrets of equal length (the length itself is not secret).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// Handles the first frame. On success HELLO's answer is queued; on failure the error frame is
/// queued and the connection must close.
fn hello(connection: &Connection, bytes: &[u8]) -> Result<(), CloseReason> {
    let frame = Frame::parse(bytes).map_err(CloseReason::Fatal)?;
    let (request_id, opcode) = (frame.header.request_id, frame.header.opcode);
    if request_id == RequestId::CONNECTION {
        return Err(reserved_id_used());
    }
    let config = connection.core.config();
    let (code, message) = match Request::decode_frame(&frame) {
        Err(e) => (e.code(), e.to_string()),
        Ok(Request::Hello(h)) => {
            if h.version_max < VERSION_MIN || h.version_min > VERSION_MAX {
                (
                    ErrorCode::UnsupportedVersion,
                    format!(
                        "client speaks versions {}..={}, server {VERSION_MIN}..={VERSION_MAX}",
                        h.version_min, h.version_max
                    ),
                )
            } else {
                match &config.auth_token {
                    Some(_) if h.token.is_empty() => (
                        ErrorCode::AuthRequired,
                        "this server requires an auth token".to_owned(),
                    ),
                    Some(token) if !constant_time_eq(token, h.token) => {
                        (ErrorCode::AuthFailed, "wrong auth token".to_owned())
                    }
                    _ => {
                        let mut features = h.features & connection.core.features();
                        if features & FEATURE_LABELS == 0 {
                            // Several `any_of` groups are a kind of label filter.
                            features &= !FEATURE_FILTER_GROUPS;
                        }
                        connection.features.set(features);
                        let ack = Response::Hello(HelloAck {
                            version: h.version_max.min(VERSION_MAX),
                            in_flight_max: config.max_in_flight_per_connection,
                            features,
                            frame_body_bytes_max: config.frame_body_bytes_max,
                        });
                        connection.enqueue(|out| {
                            if let Err(e) = ack.encode(request_id, opcode, out) {
                                tracing::error!(error = %e, "cannot encode the HELLO answer");
                            }
                        });
                        return Ok(());
                    }
                }
            }
        }
        Ok(_) => (
            ErrorCode::NotHello,
            "the first frame on a connection must be HELLO".to_owned(),
        ),
    };
    connection.enqueue_error(request_id, opcode, code, &message);
    Err(CloseReason::HelloRejected(code))
}

/// Whether a request frame carries request id 0, which is the server's for connection-level
/// errors: answering it would read as one (PROTOCOL.md section 4).
fn uses_reserved_id(frame: &[u8]) -> bool {
    frame
        .first_chunk::<FRAME_HEADER_SIZE>()
        .and_then(|header| FrameHeader::decode(header).ok())
        .is_some_and(|header| header.request_id == RequestId::CONNECTION)
}

/// How a connection whose client sent request id 0 closes: MALFORMED_FRAME with id 0.
fn reserved_id_used() -> CloseReason {
    CloseReason::Fatal(ProtoError::Malformed(
        "request id 0 is reserved for the server's connection-level errors",
    ))
}

/// Admits a request frame (or answers BUSY) and spawns its task.
fn dispatch(connection: &Rc<Connection>, frame: Vec<u8>) {
    let core = &connection.core;
    let config = core.config();
    let header = match frame
        .first_chunk::<FRAME_HEADER_SIZE>()
        .map(FrameHeader::decode)
    {
        Some(Ok(header)) => header,
        // FrameReader only returns frames whose header decoded; keep going regardless.
        _ => return,
    };
    let (request_id, opcode) = (header.request_id, header.opcode);
    let counters = core.counters();
    if connection.in_flight.get() >= config.max_in_flight_per_connection {
        CoreCounters::add(&counters.busy, 1);
        let message = format!(
            "{} requests in flight on this connection (at most {})",
            connection.in_flight.get(),
            config.max_in_flight_per_connection
        );
        connection.enqueue_error(request_id, opcode, ErrorCode::Busy, &message);
        return;
    }
    if core.in_flight.get() >= config.max_in_flight_per_core {
        CoreCounters::add(&counters.busy, 1);
        let message = format!(
            "{} requests in flight on this core (at most {})",
            core.in_flight.get(),
            config.max_in_flight_per_core
        );
        connection.enqueue_error(request_id, opcode, ErrorCode::Busy, &message);
        return;
    }
    let frame_bytes = frame.len();
    connection.in_flight.set(connection.in_flight.get() + 1);
    connection
        .in_flight_bytes
        .set(connection.in_flight_bytes.get() + frame_bytes);
    core.in_flight.set(core.in_flight.get() + 1);
    CoreCounters::add(&counters.in_flight, 1);
    counters.request_admitted(opcode);
    let admitted = Instant::now();

    let connection = Rc::clone(connection);
    rt::spawn_into(core.local.queues().foreground, async move {
        let answer = run(&connection.core, &frame, admitted)
            .await
            .map(|answer| answer.for_features(connection.features.get()));
        drop(frame);
        finish(
            &connection,
            request_id,
            opcode,
            frame_bytes,
            admitted,
            answer,
        );
    });
}

/// Decodes and executes one request admitted at `admitted`; logs it if it was slow.
async fn run(core: &Core, bytes: &[u8], admitted: Instant) -> Result<handler::Answer, Failure> {
    let frame = Frame::parse(bytes).map_err(|e| Failure::new(e.code(), e.to_string()))?;
    let request =
        Request::decode_frame(&frame).map_err(|e| Failure::new(e.code(), e.to_string()))?;
    let answer = if let Some(backend) = &core.backend {
        backend.execute(request).await
    } else {
        let context = Context {
            local: &core.local,
            stats: &core.state.stats,
        };
        handler::execute(&context, request).await
    };
    let slow = core.config().slow_request;
    let elapsed = admitted.elapsed();
    if !slow.is_zero() && elapsed >= slow {
        tracing::warn!(
            core = core.local.core(),
            opcode = request.opcode().name(),
            elapsed_ms = elapsed.as_millis() as u64,
            request = %RequestShape(&request),
            outcome = answer.as_ref().map_or_else(|f| f.code.name(), |_| "OK"),
            "slow request"
        );
    }
    answer
}

/// What a slow request was, for its log line: the collection and the sizes that decide its
/// cost (never vectors, payloads or label values).
struct RequestShape<'a, 'b>(&'a Request<'b>);

impl std::fmt::Display for RequestShape<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let filter = |f: &mut std::fmt::Formatter<'_>,
                      filter: &Option<corevec_proto::FilterRef<'_>>| {
            match filter {
                Some(filter) => write!(
                    f,
                    " filter_labels={} any_groups={}",
                    filter.label_count(),
                    filter.any_of_groups().count()
                ),
                None => Ok(()),
            }
        };
        match self.0 {
            Request::Search(s) => {
                write!(
                    f,
                    "collection={} queries={} k={} ef={} exact={} payloads={}",
                    s.collection,
                    s.queries.count(),
                    s.k,
                    s.expansion_search,
                    s.flags.exact,
                    s.flags.with_payloads
                )?;
                filter(f, &s.filter)
            }
            Request::Scroll(s) => {
                write!(
                    f,
                    "collection={} start_id={} limit={}",
                    s.collection, s.start_id, s.limit
                )?;
                filter(f, &s.filter)
            }
            Request::Upsert(u) => write!(
                f,
                "collection={} points={} dim={} payloads={} labels={}",
                u.collection,
                u.ids.len(),
                u.vectors.dim(),
                u.payloads.is_some(),
                u.labels.is_some()
            ),
            Request::Get(r) | Request::Delete(r) => {
                write!(f, "collection={} ids={}", r.collection, r.ids.len())
            }
            Request::SetPayload(p) => write!(f, "collection={} ids={}", p.collection, p.ids.len()),
            Request::SetLabels(l) => write!(f, "collection={} ids={}", l.collection, l.ids.len()),
            Request::CreateCollection(c) => write!(f, "collection={}", c.name),
            Request::DropCollection { name }
            | Request::DescribeCollection { name }
            | Request::Snapshot { name } => write!(f, "collection={name}"),
            Request::Hello(_) | Request::Ping | Request::ListCollections | Request::Stats => Ok(()),
        }
    }
}

fn finish(
    connection: &Connection,
    request_id: RequestId,
    opcode: u8,
    frame_bytes: usize,
    admitted: Instant,
    answer: Result<handler::Answer, Failure>,
) {
    let core = &connection.core;
    connection.in_flight.set(connection.in_flight.get() - 1);
    connection
        .in_flight_bytes
        .set(connection.in_flight_bytes.get() - frame_bytes);
    core.in_flight.set(core.in_flight.get() - 1);
    let counters = core.counters();
    CoreCounters::sub(&counters.in_flight, 1);
    let mut failed = None;
    connection.enqueue(|out| {
        failed = handler::encode_answer(out, request_id, opcode, answer);
    });
    counters.request_finished(opcode, admitted.elapsed());
    if let Some(code) = failed {
        counters.error_sent(code);
    }
    connection.progress.notify();
    if connection.in_flight.get() == 0 {
        connection.idle.notify();
    }
}

async fn close(connection: &Rc<Connection>, reason: CloseReason) {
    let core = &connection.core;
    let config = core.config();
    match &reason {
        CloseReason::Eof | CloseReason::Idle => {
            tracing::debug!(connection = connection.id, ?reason, "connection closing");
        }
        CloseReason::Io(e) => {
            tracing::debug!(connection = connection.id, error = %e, "read failed; closing");
        }
        CloseReason::HelloRejected(code) => {
            tracing::info!(connection = connection.id, %code, "HELLO rejected; closing");
        }
        _ => tracing::debug!(connection = connection.id, ?reason, "connection closing"),
    }
    match &reason {
        CloseReason::Fatal(e) => {
            // The stream cannot be split into frames: one ERROR frame with request id 0, then
            // nothing else (responses of requests still running are dropped).
            connection.enqueue_error(RequestId::CONNECTION, 0, e.code(), &e.to_string());
            connection.discard.set(true);
        }
        CloseReason::WriteFailed => {}
        _ => {
            // Let requests in flight finish so their answers go out (a client may have
            // half-closed after sending), but only for so long.
            let deadline = Instant::now() + config.shutdown_timeout;
            while connection.in_flight.get() > 0 && !connection.discard.get() {
                let remaining = deadline.saturating_duration_since(Instant::now());
                if remaining.is_zero()
                    || rt::timeout(remaining, connection.idle.notified())
                        .await
                        .is_none()
                {
                    tracing::warn!(
                        connection = connection.id,
                        in_flight = connection.in_flight.get(),
                        "requests still running at close; their answers are dropped"
                    );
                    connection.discard.set(true);
                }
            }
            if matches!(reason, CloseReason::Stop) {
                connection.enqueue_error(
                    RequestId::CONNECTION,
                    0,
                    ErrorCode::ShuttingDown,
                    "server shutting down; not executed: anything sent after the last answer",
                );
            }
            connection.discard.set(true);
        }
    }
    connection.closing.set(true);
    connection.output.notify();
    // The writer has a write timeout of its own; this bound only guards against a bug.
    let bound = config.write_timeout + Duration::from_secs(1);
    if !connection.writer_finished.get()
        && rt::timeout(bound, async {
            while !connection.writer_finished.get() {
                connection.writer_done.notified().await;
            }
        })
        .await
        .is_none()
    {
        tracing::warn!(connection = connection.id, "writer did not finish in time");
    }
    tracing::debug!(connection = connection.id, "connection closed");
}

/// After our last frame and FIN, read and discard what the client still sends (bounded in
/// bytes and time) before closing. Closing a socket with unread input makes the kernel send
/// an RST, which can destroy our final ERROR frame in the client's receive buffer before the
/// client reads it (nginx's "lingering close").
pub(crate) async fn linger_close<R: AsyncRead + Unpin>(reader: &mut R) {
    let deadline = Instant::now() + LINGER_TIME_MAX;
    let mut scratch = vec![0u8; 16 * 1024];
    let mut discarded = 0usize;
    while discarded < LINGER_BYTES_MAX {
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero() {
            return;
        }
        match rt::timeout(remaining, reader.read(&mut scratch)).await {
            Some(Ok(n)) if n > 0 => discarded += n,
            _ => return,
        }
    }
}

async fn write_loop(connection: Rc<Connection>, mut writer: WriteHalf<TcpStream>) {
    let mut batch = Vec::new();
    loop {
        std::mem::swap(&mut *connection.outbox.borrow_mut(), &mut batch);
        if batch.is_empty() {
            if connection.closing.get() {
                break;
            }
            connection.output.notified().await;
            continue;
        }
        if let Err(e) = writer.write_all(&batch).await {
            tracing::debug!(connection = connection.id, error = %e, "write failed; closing");
            connection.writer_failed();
            break;
        }
        batch.clear();
        if batch.capacity() > SPARE_KEEP_BYTES {
            batch = Vec::new();
        }
        connection.progress.notify();
    }
    let _ = writer.close().await;
    connection.writer_finished.set(true);
    connection.writer_done.notify();
}

/// Result of [`FrameReader::next`].
#[derive(Debug)]
pub(crate) enum ReadResult {
    /// One whole frame (header + body), in a buffer of its own.
    Frame(Vec<u8>),
    /// Clean close between frames.
    Eof,
    /// Close in the middle of a frame.
    Truncated,
    /// The stream cannot be split into frames.
    Fatal(ProtoError),
    /// The socket failed.
    Io(io::Error),
}

/// Splits a byte stream into frames. Every frame is returned in a buffer of its own that
/// starts at the beginning of an allocation: the allocator aligns those to at least 8 bytes on
/// the platforms we run on, so `VectorsRef::as_f32_slice` is zero-copy (and falls back to a
/// copy if not). Cancel-safe: all progress lives in `self`, so dropping a pending `next` (idle
/// timeout, shutdown) loses nothing.
pub(crate) struct FrameReader {
    staging: Vec<u8>,
    start: usize,
    end: usize,
    /// A frame larger than the staging buffer, and how many of its bytes are filled.
    large: Option<(Vec<u8>, usize)>,
    body_bytes_max: u32,
    /// Bytes read from the stream so far.
    bytes_read: u64,
}

impl FrameReader {
    pub(crate) fn new(body_bytes_max: u32) -> FrameReader {
        FrameReader {
            staging: vec![0; STAGING_BYTES],
            start: 0,
            end: 0,
            large: None,
            body_bytes_max,
            bytes_read: 0,
        }
    }

    /// Bytes read from the stream so far (a frame may be partly received).
    pub(crate) fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    pub(crate) async fn next<R: AsyncRead + Unpin>(&mut self, reader: &mut R) -> ReadResult {
        loop {
            if let Some((frame, filled)) = &mut self.large {
                if *filled == frame.len() {
                    let frame = std::mem::take(frame);
                    self.large = None;
                    return ReadResult::Frame(frame);
                }
                match reader.read(&mut frame[*filled..]).await {
                    Ok(0) => return ReadResult::Truncated,
                    Ok(n) => {
                        *filled += n;
                        self.bytes_read += n as u64;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return ReadResult::Io(e),
                }
                continue;
            }
            let buffered = &self.staging[self.start..self.end];
            let checked = Frame::check(buffered);
            if let Err(e) = &checked {
                if e.is_fatal() {
                    return ReadResult::Fatal(e.clone());
                }
            }
            if let Some(header) = buffered.first_chunk::<FRAME_HEADER_SIZE>() {
                // `check` validated the header; the server's own body limit may be lower.
                let header = match FrameHeader::decode(header) {
                    Ok(header) => header,
                    Err(e) => return ReadResult::Fatal(e),
                };
                if header.body_bytes > self.body_bytes_max {
                    return ReadResult::Fatal(ProtoError::FrameTooLarge {
                        len: header.body_bytes,
                        max: self.body_bytes_max,
                    });
                }
                if checked.is_err() && header.frame_bytes() > STAGING_BYTES {
                    let mut frame = vec![0u8; header.frame_bytes()];
                    frame[..buffered.len()].copy_from_slice(buffered);
                    self.large = Some((frame, buffered.len()));
                    self.start = 0;
                    self.end = 0;
                    continue;
                }
            }
            if let Ok(frame_bytes) = checked {
                let frame = buffered[..frame_bytes].to_vec();
                self.start += frame_bytes;
                if self.start == self.end {
                    self.start = 0;
                    self.end = 0;
                }
                return ReadResult::Frame(frame);
            }
            if self.end == self.staging.len() {
                self.staging.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            match reader.read(&mut self.staging[self.end..]).await {
                Ok(0) if self.start == self.end => return ReadResult::Eof,
                Ok(0) => return ReadResult::Truncated,
                Ok(n) => {
                    self.end += n;
                    self.bytes_read += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return ReadResult::Io(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds a reader `chunk` bytes at a time.
    struct Chunked {
        data: Vec<u8>,
        at: usize,
        chunk: usize,
    }

    impl AsyncRead for Chunked {
        fn poll_read(
            mut self: std::pin::Pin<&mut Self>,
            _cx: &mut std::task::Context<'_>,
            buf: &mut [u8],
        ) -> std::task::Poll<io::Result<usize>> {
            let n = self.chunk.min(buf.len()).min(self.data.len() - self.at);
            let at = self.at;
            buf[..n].copy_from_slice(&self.data[at..at + n]);
            self.at += n;
            std::task::Poll::Ready(Ok(n))
        }
    }

    fn frames_of(data: Vec<u8>, chunk: usize, body_max: u32) -> Vec<ReadResult> {
        let mut reader = Chunked { data, at: 0, chunk };
        let mut frames = FrameReader::new(body_max);
        let mut out = Vec::new();
        loop {
            let next = future::block_on(frames.next(&mut reader));
            let done = !matches!(next, ReadResult::Frame(_));
            out.push(next);
            if done {
                return out;
            }
        }
    }

    #[test]
    fn splits_small_and_large_frames_at_any_chunking() {
        let mut data = Vec::new();
        Request::Ping.encode(RequestId(1), &mut data).unwrap();
        let big = vec![0.5f32; 40_000]; // 160 kB body: takes the dedicated-buffer path
        let ids: Vec<u64> = (0..10).collect();
        Request::Upsert(corevec_proto::Upsert {
            collection: "c",
            ids: corevec_proto::IdsRef::new(&ids),
            vectors: corevec_proto::VectorsRef::new(&big, 4000),
            payloads: None,
            labels: None,
        })
        .encode(RequestId(2), &mut data)
        .unwrap();
        Request::Stats.encode(RequestId(3), &mut data).unwrap();
        for chunk in [1, 7, 32, 4096, 1 << 20] {
            let results = frames_of(data.clone(), chunk, corevec_proto::FRAME_BODY_BYTES_MAX);
            assert_eq!(results.len(), 4, "chunk {chunk}");
            let mut ids = Vec::new();
            for r in &results[..3] {
                let ReadResult::Frame(f) = r else {
                    panic!("{r:?}")
                };
                let frame = Frame::parse(f).unwrap();
                ids.push(frame.header.request_id.0);
                let request = Request::decode_frame(&frame).unwrap();
                if let Request::Upsert(u) = request {
                    assert!(u.vectors.as_f32_slice().is_some(), "zero-copy view");
                }
            }
            assert_eq!(ids, [1, 2, 3]);
            assert!(matches!(results[3], ReadResult::Eof));
        }
    }

    #[test]
    fn fatal_and_truncated_streams() {
        let results = frames_of(b"GET / HTTP/1.1\r\n\r\n".to_vec(), 3, 1 << 20);
        assert!(matches!(
            results[0],
            ReadResult::Fatal(ProtoError::BadMagic { .. })
        ));

        let mut data = Vec::new();
        Request::Ping.encode(RequestId(1), &mut data).unwrap();
        data.truncate(20);
        assert!(matches!(
            frames_of(data, 5, 1 << 20)[0],
            ReadResult::Truncated
        ));

        // A body over the server's own (lower) limit is fatal before the body is read.
        let mut data = Vec::new();
        let floats = vec![1.0f32; 1024];
        Request::Upsert(corevec_proto::Upsert {
            collection: "c",
            ids: corevec_proto::IdsRef::new(&[1]),
            vectors: corevec_proto::VectorsRef::new(&floats, 1024),
            payloads: None,
            labels: None,
        })
        .encode(RequestId(1), &mut data)
        .unwrap();
        data.truncate(FRAME_HEADER_SIZE);
        assert!(matches!(
            frames_of(data, 64, 2048)[0],
            ReadResult::Fatal(ProtoError::FrameTooLarge { max: 2048, .. })
        ));
    }

    #[test]
    fn constant_time_eq_matches_eq() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
