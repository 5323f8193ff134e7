//! The hot path: worker threads, each owning one raw `io_uring` and N pipelined TCP
//! connections.
//!
//! Per connection there is at most one SEND and one RECV in flight:
//!
//! * requests are encoded into `out_pending`; when no SEND is in flight it is swapped into
//!   `out_inflight` and one SEND SQE covers every request queued since (pipelining; partial
//!   sends are resubmitted from `out_off`);
//! * one RECV SQE always targets the free tail of the connection's fixed receive buffer
//!   (`rbuf[rlen..]`); completed frames are split with `Frame::check`, matched to their request by
//!   id (answers may come in any order) and checked with `Response::decode_frame`.
//!
//! **Buffer lifetime invariant** (what makes the `unsafe` SQE pushes sound): while
//! `send_busy` is set, `out_inflight` is neither written, resized nor dropped; while
//! `recv_busy` is set, `rbuf` is neither resized nor dropped, and nothing reads or writes
//! `rbuf[rlen..]`. Connections live in a `Vec` that is never resized after the worker starts
//! (a `Vec<u8>`'s heap block does not move when its owner moves). A worker is only dropped after
//! `Worker::drain` has seen the completion of every op it submitted; if that ever times out,
//! the connections (and so the buffers) are leaked rather than freed.
//!
//! **Load models.** Closed loop: each connection keeps `depth` requests in flight; latency is
//! measured from the moment a request is queued for sending. Open loop (`rate`): each
//! connection owns `rate / connections` req/s of a fixed-interval schedule (phases staggered
//! across connections); request *i* has an intended send time, is sent as soon as it is due and
//! the connection has fewer than `depth` in flight, and its latency is measured from the
//! intended time, so a stalled server or a backlog in this client shows up in the histogram
//! (no coordinated omission). Requests whose intended (closed loop: actual) send time falls in
//! the warm-up are not recorded.
//!
//! **Throughput** is the number of successful answers received inside the measured window
//! divided by its length. Requests due in the window but still queued or in flight at its end
//! are sent and answered during the drain: they count in `ops` and in the latencies, not in
//! throughput, so an open loop faster than the server reports the server's rate (and the
//! report its shortfall against the offered rate) rather than the offered one.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use corevec_proto::{
    Error as ProtoError, Frame, FrameHeader, HelloAck, Request, RequestId, Response,
    FEATURES_SUPPORTED, FRAME_HEADER_SIZE, VERSION_MAX, VERSION_MIN,
};
use hdrhistogram::Histogram;
use io_uring::{opcode, types, IoUring};

use crate::stats::{self, cpu_seconds, micros, Live, WorkerStats};
use crate::workload::{Cursor, Kind, Outcome, Sent, Workload};
use crate::LoadError;

/// Settings of one load run (ping, query or mixed).
#[derive(Clone, Debug)]
pub struct LoadConfig {
    /// `HOST:PORT` of a node or a router.
    pub addr: String,
    /// HELLO auth token.
    pub auth_token: Option<Vec<u8>>,
    /// TCP connections.
    pub connections: usize,
    /// Worker threads (one io_uring each); 0 = min(connections, CPUs).
    pub threads: usize,
    /// Requests in flight per connection (closed loop), or the cap on them (open loop).
    pub depth: usize,
    /// Excluded from the results.
    pub warmup: Duration,
    /// Measured time after the warm-up (ignored with `ops`).
    pub duration: Duration,
    /// Open loop: total requests per second over all connections.
    pub rate: Option<f64>,
    /// Closed loop only: stop after this many measured requests instead of after `duration`.
    pub ops: Option<u64>,
    /// After the measured window, how long to wait for outstanding answers. With `ops`, also
    /// how long the run waits without any answer while requests are in flight: a server that
    /// stops answering ends the run, its requests counted as `UNFINISHED`.
    pub drain_timeout: Duration,
    /// Print the per-second progress line on stderr.
    pub progress: bool,
    /// Initial receive buffer per connection (grows only for a frame larger than it).
    pub recv_buffer: usize,
    /// TCP connect + HELLO timeout.
    pub connect_timeout: Duration,
    /// Also measure this process's CPU time (e.g. the server's).
    pub server_pid: Option<u32>,
}

impl LoadConfig {
    /// Worker threads (one io_uring ring each): `threads`, or one per CPU when 0, never more
    /// than there are connections.
    pub fn worker_threads(&self) -> usize {
        let threads = if self.threads == 0 {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        } else {
            self.threads
        };
        threads.min(self.connections)
    }
}

impl Default for LoadConfig {
    fn default() -> Self {
        LoadConfig {
            addr: "127.0.0.1:7717".into(),
            auth_token: None,
            connections: 1,
            threads: 0,
            depth: 1,
            warmup: Duration::from_secs(2),
            duration: Duration::from_secs(10),
            rate: None,
            ops: None,
            drain_timeout: Duration::from_secs(10),
            progress: false,
            recv_buffer: 64 * 1024,
            connect_timeout: Duration::from_secs(5),
            server_pid: None,
        }
    }
}

/// What a run measured.
#[derive(Debug)]
pub struct RunResult {
    /// Merged counters and histograms.
    pub stats: WorkerStats,
    /// Length of the measured window: `duration`, or with `ops` from the end of the warm-up
    /// to the last measured answer.
    pub measured: Duration,
    /// Successful answers received inside the measured window, whichever request they answer
    /// (with `ops`: the measured ones). Throughput is this over `measured`: answers that
    /// arrive during the drain (after the window) are in `stats.ops` and the latencies, not in
    /// throughput.
    pub answered_in_window: u64,
    /// Worker threads used.
    pub threads: usize,
    /// Effective in-flight cap per connection (`depth`, lowered to the server's limit).
    pub depth: usize,
    /// Smallest `in_flight_max` the server announced.
    pub server_in_flight_max: u32,
    /// CPU seconds this process used during the measured window.
    pub client_cpu_s: Option<f64>,
    /// CPU seconds `server_pid` used during the measured window.
    pub server_cpu_s: Option<f64>,
}

impl RunResult {
    /// Throughput: successful answers received inside the measured window per second of it
    /// (0 for an empty window).
    #[must_use]
    pub fn qps(&self) -> f64 {
        let secs = self.measured.as_secs_f64();
        if secs > 0.0 {
            self.answered_in_window as f64 / secs
        } else {
            0.0
        }
    }
}

/// A connected, HELLO'd socket.
#[derive(Debug)]
pub struct Handshake {
    /// The socket (blocking mode, no timeouts left set).
    pub stream: TcpStream,
    /// The server's HELLO answer.
    pub ack: HelloAck,
    /// Bytes the server sent after the HELLO answer (normally none).
    pub leftover: Vec<u8>,
}

fn io_ctx(context: &str) -> impl FnOnce(std::io::Error) -> LoadError + '_ {
    move |source| LoadError::Io {
        context: context.to_owned(),
        source,
    }
}

/// Resolve `addr`.
pub fn resolve(addr: &str) -> Result<Vec<SocketAddr>, LoadError> {
    let addrs: Vec<SocketAddr> = addr
        .to_socket_addrs()
        .map_err(io_ctx(&format!("resolve {addr}")))?
        .collect();
    if addrs.is_empty() {
        return Err(LoadError::Config(format!("{addr} resolved to no address")));
    }
    Ok(addrs)
}

/// Connect, send HELLO (with `token`), wait for the answer.
pub fn handshake(
    addrs: &[SocketAddr],
    token: &[u8],
    timeout: Duration,
) -> Result<Handshake, LoadError> {
    let mut last = None;
    let mut stream = None;
    for addr in addrs {
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some((addr, e)),
        }
    }
    let mut stream = match (stream, last) {
        (Some(s), _) => s,
        (None, Some((addr, e))) => return Err(io_ctx(&format!("connect {addr}"))(e)),
        (None, None) => return Err(LoadError::Config("no address to connect to".into())),
    };
    let setup = io_ctx("socket setup");
    stream
        .set_nodelay(true)
        .and_then(|()| stream.set_read_timeout(Some(timeout)))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(setup)?;
    let mut out = Vec::new();
    Request::Hello(corevec_proto::Hello {
        version_min: VERSION_MIN,
        version_max: VERSION_MAX,
        features: FEATURES_SUPPORTED,
        token,
    })
    .encode(RequestId(1), &mut out)
    .map_err(|e| LoadError::Config(format!("HELLO: {e}")))?;
    stream.write_all(&out).map_err(io_ctx("send HELLO"))?;
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let n = loop {
        match Frame::check(&buf) {
            Ok(n) => break n,
            Err(ProtoError::Incomplete) => {
                let r = stream
                    .read(&mut chunk)
                    .map_err(io_ctx("read HELLO answer"))?;
                if r == 0 {
                    return Err(LoadError::Protocol(
                        "server closed the connection during HELLO".into(),
                    ));
                }
                buf.extend_from_slice(&chunk[..r]);
            }
            Err(e) => return Err(LoadError::Protocol(format!("HELLO answer: {e}"))),
        }
    };
    let frame = Frame::parse(&buf[..n]).map_err(|e| LoadError::Protocol(e.to_string()))?;
    let ack = match Response::decode_frame(&frame) {
        Ok(Response::Hello(ack)) => ack,
        Ok(Response::Error(e)) => {
            return Err(LoadError::Server {
                code: e.code,
                message: e.message,
            })
        }
        Ok(other) => {
            return Err(LoadError::Protocol(format!(
                "HELLO answered with {:?}",
                other.opcode()
            )))
        }
        Err(e) => return Err(LoadError::Protocol(format!("HELLO answer: {e}"))),
    };
    if !(VERSION_MIN..=VERSION_MAX).contains(&ack.version) {
        return Err(LoadError::Protocol(format!(
            "server chose protocol version {}",
            ack.version
        )));
    }
    stream
        .set_read_timeout(None)
        .and_then(|()| stream.set_write_timeout(None))
        .map_err(io_ctx("socket setup"))?;
    Ok(Handshake {
        stream,
        ack,
        leftover: buf[n..].to_vec(),
    })
}

/// Identity-style hasher for request ids (small sequential integers).
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type PendingMap = HashMap<u64, Pending, BuildHasherDefault<IdHasher>>;

#[derive(Clone, Copy, Debug)]
struct Pending {
    sent: Sent,
    intended: Instant,
    measured: bool,
}

struct Conn {
    stream: TcpStream,
    /// Global connection index (0..connections).
    index: usize,
    cap: usize,
    alive: bool,
    send_busy: bool,
    recv_busy: bool,
    out_inflight: Vec<u8>,
    out_off: usize,
    out_pending: Vec<u8>,
    rbuf: Vec<u8>,
    rlen: usize,
    pending: PendingMap,
    next_id: u64,
    cursor: Cursor,
    /// Open loop: index of the next scheduled request.
    next_k: u64,
}

#[derive(Clone, Copy, Debug)]
struct Timing {
    t0: Instant,
    warmup_end: Instant,
    /// `None` in `ops` mode.
    end: Option<Instant>,
}

const OP_SEND: u64 = 0;
const OP_RECV: u64 = 1;
const CANCEL_USER_DATA: u64 = u64::MAX;
const DRAIN_LIMIT: Duration = Duration::from_secs(5);

fn user_data(conn: usize, op: u64) -> u64 {
    ((conn as u64) << 1) | op
}

struct Worker<'a> {
    ring: IoUring,
    conns: Vec<Conn>,
    workload: &'a Workload,
    total_conns: usize,
    timing: Timing,
    /// Open loop: nanoseconds between two requests of one connection.
    interval_ns: Option<f64>,
    budget: Option<&'a AtomicI64>,
    issuing: bool,
    drain_deadline: Option<Instant>,
    drain_timeout: Duration,
    /// When the last answer (or the start) was seen: `ops` mode stops after `drain_timeout`
    /// without one while requests are in flight.
    last_answer: Instant,
    /// `ops` mode ended because the server stopped answering.
    stalled: bool,
    stopping: bool,
    stats: WorkerStats,
    live: &'a Live,
    live_completed: u64,
    live_errors: u64,
    live_hist: Histogram<u64>,
    next_flush: Instant,
    cqes: Vec<(u64, i32)>,
}

impl<'a> Worker<'a> {
    fn intended(&self, conn_index: usize, k: u64) -> Instant {
        let interval = self.interval_ns.unwrap_or(0.0);
        let phase = interval * conn_index as f64 / self.total_conns as f64;
        self.timing.t0 + Duration::from_nanos((phase + k as f64 * interval) as u64)
    }

    fn open_loop_done(&self, conn: &Conn) -> bool {
        match self.timing.end {
            Some(end) => self.intended(conn.index, conn.next_k) >= end,
            None => true,
        }
    }

    fn run(&mut self) -> Result<(), LoadError> {
        loop {
            let now = Instant::now();
            self.issue(now);
            self.push_ops()?;
            if now >= self.next_flush {
                self.flush_live();
                self.next_flush = now + Live::FLUSH_EVERY;
            }
            if self.finished(now) {
                break;
            }
            let wake = self.next_wakeup(now);
            self.submit_and_wait(wake.checked_duration_since(now))?;
            self.reap();
        }
        if self.stalled {
            let in_flight: usize = self.conns.iter().map(|c| c.pending.len()).sum();
            let message = format!(
                "no answer for {:.1} s (--drain-timeout) with {in_flight} requests in flight: \
                 stopped",
                self.drain_timeout.as_secs_f64()
            );
            self.stats.first_error.get_or_insert(message);
        }
        self.count_unfinished();
        self.flush_live();
        Ok(())
    }

    /// Queue every request that is due.
    fn issue(&mut self, now: Instant) {
        if let Some(interval) = self.interval_ns {
            for ci in 0..self.conns.len() {
                loop {
                    let conn = &self.conns[ci];
                    let (index, k, alive) = (conn.index, conn.next_k, conn.alive);
                    let full = conn.pending.len() >= conn.cap;
                    let intended = self.intended(index, k);
                    if intended > now || self.timing.end.is_some_and(|e| intended >= e) {
                        break;
                    }
                    let measured = intended >= self.timing.warmup_end;
                    if !alive {
                        self.stats.error("CONNECTION", u64::from(measured), || {
                            "connection lost".into()
                        });
                        self.conns[ci].next_k += 1;
                        continue;
                    }
                    if full {
                        // Due but not sendable: the wait counts as latency when it is sent.
                        let phase = interval * index as f64 / self.total_conns as f64;
                        let due = ((now.duration_since(self.timing.t0).as_nanos() as f64 - phase)
                            / interval)
                            .floor() as u64
                            + 1;
                        self.stats.max_backlog = self.stats.max_backlog.max(due.saturating_sub(k));
                        break;
                    }
                    self.send_one(ci, intended, measured);
                    self.conns[ci].next_k += 1;
                }
            }
            return;
        }
        if !self.issuing {
            return;
        }
        if self.timing.end.is_some_and(|e| now >= e) {
            self.stop_issuing(now);
            return;
        }
        let measured = now >= self.timing.warmup_end;
        for ci in 0..self.conns.len() {
            while self.conns[ci].alive && self.conns[ci].pending.len() < self.conns[ci].cap {
                if measured {
                    if let Some(budget) = self.budget {
                        if budget.fetch_sub(1, Ordering::Relaxed) <= 0 {
                            self.stop_issuing(now);
                            return;
                        }
                    }
                }
                self.send_one(ci, now, measured);
            }
        }
    }

    fn stop_issuing(&mut self, now: Instant) {
        self.issuing = false;
        let base = self.timing.end.unwrap_or(now).min(now);
        self.drain_deadline = Some(base + self.drain_timeout);
    }

    fn send_one(&mut self, ci: usize, intended: Instant, measured: bool) {
        let conn = &mut self.conns[ci];
        let id = conn.next_id;
        conn.next_id += 1;
        let encoded = self.workload.encode(
            conn.index,
            self.total_conns,
            &mut conn.cursor,
            RequestId(id),
            &mut conn.out_pending,
        );
        match encoded {
            Ok(sent) => {
                conn.pending.insert(
                    id,
                    Pending {
                        sent,
                        intended,
                        measured,
                    },
                );
                self.stats.sent += 1;
            }
            // Unreachable in practice: `run` encodes one request of each kind before starting.
            Err(e) => self
                .stats
                .error("ENCODE", u64::from(measured), || e.to_string()),
        }
    }

    /// Submit a SEND for every connection with bytes to send and no SEND in flight, and a RECV
    /// for every live connection without one.
    fn push_ops(&mut self) -> Result<(), LoadError> {
        if self.stopping {
            return Ok(());
        }
        for ci in 0..self.conns.len() {
            let conn = &mut self.conns[ci];
            if !conn.alive {
                continue;
            }
            let fd = types::Fd(conn.stream.as_raw_fd());
            if !conn.send_busy {
                if conn.out_off >= conn.out_inflight.len() && !conn.out_pending.is_empty() {
                    std::mem::swap(&mut conn.out_inflight, &mut conn.out_pending);
                    conn.out_pending.clear();
                    conn.out_off = 0;
                }
                if conn.out_off < conn.out_inflight.len() {
                    let rest = &conn.out_inflight[conn.out_off..];
                    let len = u32::try_from(rest.len()).unwrap_or(1 << 30).min(1 << 30);
                    let sqe = opcode::Send::new(fd, rest.as_ptr(), len)
                        .flags(libc::MSG_NOSIGNAL)
                        .build()
                        .user_data(user_data(ci, OP_SEND));
                    // SAFETY: `rest` points into `out_inflight`, which by the module invariant is
                    // not touched, resized or dropped until this SEND's completion clears
                    // `send_busy` (set right below); the fd stays open as long as `conn`.
                    unsafe { push(&mut self.ring, &sqe)? };
                    conn.send_busy = true;
                }
            }
            if !conn.recv_busy {
                // `process_frames` grows a full buffer, so the spare tail is never empty.
                let spare = &mut conn.rbuf[conn.rlen..];
                let len = u32::try_from(spare.len()).unwrap_or(1 << 30).min(1 << 30);
                let sqe = opcode::Recv::new(fd, spare.as_mut_ptr(), len)
                    .build()
                    .user_data(user_data(ci, OP_RECV));
                // SAFETY: the kernel writes at most `len` bytes into `rbuf[rlen..]`, which by the
                // module invariant nobody reads, writes, resizes or frees until this RECV's
                // completion clears `recv_busy` (set right below).
                unsafe { push(&mut self.ring, &sqe)? };
                conn.recv_busy = true;
            }
        }
        Ok(())
    }

    /// `ops` mode with requests in flight: when to give up waiting for the next answer.
    fn stall_deadline(&self) -> Option<Instant> {
        let waiting = self.conns.iter().any(|c| c.alive && !c.pending.is_empty());
        (self.timing.end.is_none() && waiting).then(|| self.last_answer + self.drain_timeout)
    }

    fn finished(&mut self, now: Instant) -> bool {
        if self.conns.iter().all(|c| !c.alive) {
            return true;
        }
        if self.drain_deadline.is_some_and(|d| now >= d) {
            return true;
        }
        if self.stall_deadline().is_some_and(|d| now >= d) {
            self.stalled = true;
            return true;
        }
        let issuing_done = if self.interval_ns.is_some() {
            self.conns.iter().all(|c| self.open_loop_done(c))
        } else {
            !self.issuing
        };
        issuing_done && self.conns.iter().all(|c| !c.alive || c.pending.is_empty())
    }

    fn next_wakeup(&self, now: Instant) -> Instant {
        let mut wake = self.next_flush;
        if let Some(d) = self.drain_deadline {
            wake = wake.min(d);
        }
        if let Some(d) = self.stall_deadline() {
            wake = wake.min(d);
        }
        if let Some(end) = self.timing.end {
            if end > now {
                wake = wake.min(end);
            }
        }
        if self.interval_ns.is_some() {
            for conn in &self.conns {
                if conn.alive && conn.pending.len() < conn.cap && !self.open_loop_done(conn) {
                    wake = wake.min(self.intended(conn.index, conn.next_k));
                }
            }
        }
        wake
    }

    /// One `io_uring_enter`: submit queued SQEs and wait for a completion or `timeout`.
    fn submit_and_wait(&mut self, timeout: Option<Duration>) -> Result<(), LoadError> {
        let result = match timeout {
            Some(t) if !t.is_zero() => {
                let ts = types::Timespec::from(t);
                let args = types::SubmitArgs::new().timespec(&ts);
                self.ring.submitter().submit_with_args(1, &args)
            }
            _ => self.ring.submit(),
        };
        match result {
            Ok(_) => Ok(()),
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::ETIME | libc::EINTR | libc::EBUSY | libc::EAGAIN)
                ) =>
            {
                Ok(())
            }
            Err(e) => Err(io_ctx("io_uring_enter")(e)),
        }
    }

    fn reap(&mut self) {
        let mut cqes = std::mem::take(&mut self.cqes);
        cqes.clear();
        cqes.extend(self.ring.completion().map(|c| (c.user_data(), c.result())));
        for &(ud, res) in &cqes {
            if ud == CANCEL_USER_DATA {
                continue;
            }
            let ci = (ud >> 1) as usize;
            if ud & 1 == OP_SEND {
                self.on_send(ci, res);
            } else {
                self.on_recv(ci, res);
            }
        }
        self.cqes = cqes;
    }

    fn on_send(&mut self, ci: usize, res: i32) {
        let conn = &mut self.conns[ci];
        conn.send_busy = false;
        if self.stopping || !conn.alive {
            return;
        }
        if res < 0 {
            if matches!(-res, libc::EINTR | libc::EAGAIN) {
                return; // push_ops resubmits the same bytes
            }
            let e = std::io::Error::from_raw_os_error(-res);
            self.fail(ci, format!("send: {e}"));
            return;
        }
        conn.out_off += res as usize;
        if conn.out_off >= conn.out_inflight.len() {
            conn.out_inflight.clear();
            conn.out_off = 0;
        }
    }

    fn on_recv(&mut self, ci: usize, res: i32) {
        let conn = &mut self.conns[ci];
        conn.recv_busy = false;
        if self.stopping || !conn.alive {
            return;
        }
        if res == 0 {
            self.fail(ci, "server closed the connection".into());
            return;
        }
        if res < 0 {
            if matches!(-res, libc::EINTR | libc::EAGAIN) {
                return;
            }
            let e = std::io::Error::from_raw_os_error(-res);
            self.fail(ci, format!("recv: {e}"));
            return;
        }
        conn.rlen += res as usize;
        self.process_frames(ci);
    }

    /// Handle every complete frame in `rbuf[..rlen]`, then compact (and, for a frame larger
    /// than the buffer, grow it). Only called while no RECV is in flight on this connection.
    fn process_frames(&mut self, ci: usize) {
        let now = Instant::now();
        let Worker {
            conns,
            workload,
            stats,
            live_completed,
            live_errors,
            live_hist,
            timing,
            last_answer,
            ..
        } = self;
        let in_window = now >= timing.warmup_end && timing.end.is_none_or(|e| now < e);
        let after_window = timing.end.is_some_and(|e| now >= e);
        let conn = &mut conns[ci];
        let mut at = 0;
        let mut failure = None;
        while at < conn.rlen {
            let n = match Frame::check(&conn.rbuf[at..conn.rlen]) {
                Ok(n) => n,
                Err(ProtoError::Incomplete) => break,
                Err(e) => {
                    failure = Some(format!("unparseable byte stream from server: {e}"));
                    break;
                }
            };
            let frame = match Frame::parse(&conn.rbuf[at..at + n]) {
                Ok(f) => f,
                Err(e) => {
                    failure = Some(format!("frame: {e}"));
                    break;
                }
            };
            at += n;
            let id = frame.header.request_id;
            if id == RequestId::CONNECTION {
                let why = match Response::decode_frame(&frame) {
                    Ok(Response::Error(e)) => format!("server error {}: {}", e.code, e.message),
                    _ => "server sent a connection-level frame".into(),
                };
                failure = Some(why);
                break;
            }
            let Some(p) = conn.pending.remove(&id.0) else {
                failure = Some(format!("response for unknown request id {}", id.0));
                break;
            };
            let latency = micros(now.saturating_duration_since(p.intended));
            *live_completed += 1;
            *last_answer = now;
            match workload.check(&p.sent, &frame) {
                Outcome::Ok {
                    recall,
                    recall_skipped,
                } => {
                    if let Some(r) = recall {
                        stats.recall_sum += r;
                        stats.recall_n += 1;
                    }
                    stats.recall_skipped += u64::from(recall_skipped);
                    live_hist.saturating_record(latency);
                    stats.window_ops += u64::from(in_window);
                    if p.measured {
                        stats.ops += 1;
                        stats.ops_after_window += u64::from(after_window);
                        stats.all.saturating_record(latency);
                        match p.sent.kind {
                            Kind::Read => stats.read.saturating_record(latency),
                            Kind::Write => stats.write.saturating_record(latency),
                        }
                        stats.last_completion = stats.last_completion.max(Some(now));
                    }
                }
                Outcome::ServerError(code) => {
                    *live_errors += 1;
                    stats.error(code.name(), u64::from(p.measured), || {
                        format!("server answered {}", code.name())
                    });
                }
                Outcome::Bad(why) => {
                    *live_errors += 1;
                    stats.error("BAD_RESPONSE", u64::from(p.measured), || why);
                }
            }
        }
        conn.rbuf.copy_within(at..conn.rlen, 0);
        conn.rlen -= at;
        if failure.is_none() && conn.rlen == conn.rbuf.len() {
            // A frame larger than the buffer: grow to hold it (bounded by the protocol's frame
            // limit, which `Frame::check` enforces on the header).
            let need = conn
                .rbuf
                .first_chunk::<FRAME_HEADER_SIZE>()
                .and_then(|h| FrameHeader::decode(h).ok())
                .map_or(conn.rbuf.len() * 2, |h| h.frame_bytes());
            let new_len = need.max(conn.rbuf.len() * 2);
            conn.rbuf.resize(new_len, 0);
        }
        if let Some(why) = failure {
            self.fail(ci, why);
        }
    }

    /// Mark a connection dead: its requests in flight count as errors, its socket is shut down
    /// so that any op still in flight completes promptly. Buffers stay alive until drained.
    fn fail(&mut self, ci: usize, why: String) {
        let conn = &mut self.conns[ci];
        if !conn.alive {
            return;
        }
        conn.alive = false;
        let measured = conn.pending.values().filter(|p| p.measured).count() as u64;
        self.live_errors += conn.pending.len() as u64;
        conn.pending.clear();
        conn.out_pending.clear();
        // SAFETY: shutdown(2) on a socket this connection owns; no memory is involved.
        unsafe { libc::shutdown(conn.stream.as_raw_fd(), libc::SHUT_RDWR) };
        self.stats.connections_failed += 1;
        let message = format!("connection {}: {why}", conn.index);
        if self.stats.first_error.is_none() {
            self.stats.first_error = Some(message.clone());
        }
        self.stats.error("CONNECTION", measured, || message);
    }

    fn count_unfinished(&mut self) {
        let mut unfinished = 0u64;
        for ci in 0..self.conns.len() {
            let conn = &self.conns[ci];
            unfinished += conn.pending.values().filter(|p| p.measured).count() as u64;
            if self.interval_ns.is_some() {
                let mut k = conn.next_k;
                loop {
                    let t = self.intended(conn.index, k);
                    if self.timing.end.is_none_or(|e| t >= e) {
                        break;
                    }
                    unfinished += u64::from(t >= self.timing.warmup_end);
                    k += 1;
                }
            }
        }
        for conn in &mut self.conns {
            conn.pending.clear();
        }
        self.stats.unfinished += unfinished;
        self.stats.error("UNFINISHED", unfinished, || {
            format!("{unfinished} requests unanswered at the drain deadline")
        });
    }

    fn flush_live(&mut self) {
        self.live.flush(
            &mut self.live_completed,
            &mut self.live_errors,
            &mut self.live_hist,
        );
    }

    /// Shut every socket down, cancel and reap every op still in flight. Returns false if some
    /// op did not complete within [`DRAIN_LIMIT`].
    fn drain(&mut self) -> bool {
        self.stopping = true;
        for ci in 0..self.conns.len() {
            let conn = &self.conns[ci];
            for (busy, op) in [(conn.send_busy, OP_SEND), (conn.recv_busy, OP_RECV)] {
                if busy {
                    let sqe = opcode::AsyncCancel::new(user_data(ci, op))
                        .build()
                        .user_data(CANCEL_USER_DATA);
                    // SAFETY: a cancel SQE references no user memory.
                    let _ = unsafe { push(&mut self.ring, &sqe) };
                }
            }
            // SAFETY: shutdown(2) on a socket this connection owns; no memory is involved.
            unsafe { libc::shutdown(conn.stream.as_raw_fd(), libc::SHUT_RDWR) };
        }
        let deadline = Instant::now() + DRAIN_LIMIT;
        while self.conns.iter().any(|c| c.send_busy || c.recv_busy) {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            if self
                .submit_and_wait(Some((deadline - now).min(Duration::from_millis(100))))
                .is_err()
            {
                return false;
            }
            self.reap();
        }
        true
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        if !self.drain() {
            // Some op may still write into a buffer: leak the buffers rather than free them.
            eprintln!("corevec-load: io_uring ops outlived socket shutdown; leaking their buffers");
            std::mem::forget(std::mem::take(&mut self.conns));
        }
    }
}

/// Push one SQE, submitting first if the queue is full.
///
/// # Safety
///
/// Every buffer the entry references must stay valid (and unaliased, for buffers the kernel
/// writes) until its completion has been reaped.
unsafe fn push(ring: &mut IoUring, sqe: &io_uring::squeue::Entry) -> Result<(), LoadError> {
    for _ in 0..2 {
        // SAFETY: forwarded from the caller's contract.
        if unsafe { ring.submission().push(sqe) }.is_ok() {
            return Ok(());
        }
        ring.submit().map_err(io_ctx("io_uring_enter"))?;
    }
    Err(LoadError::Protocol(
        "io_uring submission queue stays full".into(),
    ))
}

fn sleep_until(t: Instant, live: &Live) {
    loop {
        let now = Instant::now();
        if now >= t || live.done.load(Ordering::Acquire) {
            return;
        }
        std::thread::sleep((t - now).min(Duration::from_millis(20)));
    }
}

/// Run a ping / query / mixed load against `config.addr`.
pub fn run(config: &LoadConfig, workload: &Workload) -> Result<RunResult, LoadError> {
    if config.connections == 0 || config.depth == 0 {
        return Err(LoadError::Config(
            "connections and depth must be >= 1".into(),
        ));
    }
    workload.validate().map_err(LoadError::Config)?;
    if let Some(rate) = config.rate {
        if !(rate.is_finite() && rate > 0.0) {
            return Err(LoadError::Config("--rate must be a positive number".into()));
        }
        if config.ops.is_some() {
            return Err(LoadError::Config(
                "--ops applies to the closed loop only".into(),
            ));
        }
    }
    // Encode one request of each kind up front, so bad arguments fail here, not per request.
    let mut scratch = Vec::new();
    let mut probe = Cursor::default();
    for _ in 0..64 {
        workload
            .encode(0, 1, &mut probe, RequestId(1), &mut scratch)
            .map_err(|e| LoadError::Config(format!("cannot encode a request: {e}")))?;
        scratch.clear();
    }

    let addrs = resolve(&config.addr)?;
    let token = config.auth_token.as_deref().unwrap_or_default();
    let mut handshakes = Vec::with_capacity(config.connections);
    for _ in 0..config.connections {
        handshakes.push(handshake(&addrs, token, config.connect_timeout)?);
    }
    let server_in_flight_max = handshakes
        .iter()
        .map(|h| h.ack.in_flight_max)
        .min()
        .unwrap_or(0);
    let depth = config
        .depth
        .min(usize::try_from(server_in_flight_max.max(1)).unwrap_or(usize::MAX));
    let threads = config.worker_threads();

    let mut per_thread: Vec<Vec<Conn>> = (0..threads).map(|_| Vec::new()).collect();
    for (index, h) in handshakes.into_iter().enumerate() {
        let mut rbuf = vec![0u8; config.recv_buffer.max(4096).max(h.leftover.len() * 2)];
        rbuf[..h.leftover.len()].copy_from_slice(&h.leftover);
        per_thread[index % threads].push(Conn {
            stream: h.stream,
            index,
            cap: depth,
            alive: true,
            send_busy: false,
            recv_busy: false,
            out_inflight: Vec::with_capacity(64 * 1024),
            out_off: 0,
            out_pending: Vec::with_capacity(64 * 1024),
            rlen: h.leftover.len(),
            rbuf,
            pending: PendingMap::default(),
            next_id: 2,
            cursor: Cursor::default(),
            next_k: 0,
        });
    }

    let t0 = Instant::now() + Duration::from_millis(50);
    let warmup_end = t0 + config.warmup;
    let timing = Timing {
        t0,
        warmup_end,
        end: if config.ops.is_some() {
            None
        } else {
            Some(warmup_end + config.duration)
        },
    };
    let budget = config
        .ops
        .map(|n| AtomicI64::new(i64::try_from(n).unwrap_or(i64::MAX)));
    let interval_ns = config
        .rate
        .map(|rate| 1e9 * config.connections as f64 / rate);
    let live = Live::default();
    let remaining = AtomicUsize::new(threads);

    let mut merged = WorkerStats::default();
    let mut first_err = None;
    let (mut client_cpu, mut server_cpu) = (None, None);
    std::thread::scope(|s| {
        let mut handles = Vec::new();
        for conns in per_thread {
            let (live, remaining, budget) = (&live, &remaining, budget.as_ref());
            let handle = std::thread::Builder::new()
                .name("corevec-load".into())
                .spawn_scoped(s, move || {
                    let result =
                        worker_main(conns, workload, config, timing, interval_ns, budget, live);
                    if remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
                        live.done.store(true, Ordering::Release);
                    }
                    result
                });
            match handle {
                Ok(h) => handles.push(h),
                Err(e) => {
                    first_err = Some(io_ctx("spawn worker")(e));
                    if remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
                        live.done.store(true, Ordering::Release);
                    }
                }
            }
        }
        let progress =
            s.spawn(|| stats::progress_loop(&live, t0, warmup_end, config.progress, "ops/s"));
        sleep_until(warmup_end, &live);
        let cpu0 = (
            cpu_seconds(None),
            config.server_pid.and_then(|p| cpu_seconds(Some(p))),
        );
        if let Some(end) = timing.end {
            sleep_until(end, &live);
        }
        let mut cpu1 = None;
        if timing.end.is_some() {
            cpu1 = Some((
                cpu_seconds(None),
                config.server_pid.and_then(|p| cpu_seconds(Some(p))),
            ));
        }
        for h in handles {
            match h.join() {
                Ok(Ok(stats)) => merged.merge(stats),
                Ok(Err(e)) => first_err = first_err.take().or(Some(e)),
                Err(_) => {
                    first_err = first_err
                        .take()
                        .or(Some(LoadError::Protocol("a worker thread panicked".into())));
                }
            }
        }
        let cpu1 = cpu1.unwrap_or_else(|| {
            (
                cpu_seconds(None),
                config.server_pid.and_then(|p| cpu_seconds(Some(p))),
            )
        });
        live.done.store(true, Ordering::Release);
        let _ = progress.join();
        client_cpu = cpu0.0.zip(cpu1.0).map(|(a, b)| b - a);
        server_cpu = cpu0.1.zip(cpu1.1).map(|(a, b)| b - a);
    });
    if let Some(e) = first_err {
        return Err(e);
    }
    // `ops` mode cut short (server stopped answering, connections lost): the requests never
    // sent are unfinished too, so that ops + errors adds up to what was asked for.
    if let Some(left) = budget
        .as_ref()
        .map(|b| b.load(Ordering::Relaxed))
        .filter(|n| *n > 0)
    {
        let left = left as u64;
        merged.unfinished += left;
        merged.error("UNFINISHED", left, || {
            format!("{left} requests never sent: the run stopped early")
        });
    }
    let (measured, answered_in_window) = match timing.end {
        Some(_) => (config.duration, merged.window_ops),
        None => (
            merged
                .last_completion
                .map_or(Duration::ZERO, |t| t.saturating_duration_since(warmup_end)),
            merged.ops,
        ),
    };
    Ok(RunResult {
        stats: merged,
        measured,
        answered_in_window,
        threads,
        depth,
        server_in_flight_max,
        client_cpu_s: client_cpu,
        server_cpu_s: server_cpu,
    })
}

fn worker_main(
    conns: Vec<Conn>,
    workload: &Workload,
    config: &LoadConfig,
    timing: Timing,
    interval_ns: Option<f64>,
    budget: Option<&AtomicI64>,
    live: &Live,
) -> Result<WorkerStats, LoadError> {
    // SAFETY: prctl(PR_SET_TIMERSLACK) only changes this thread's timer slack (1 ns instead of
    // 50 µs) so that open-loop wake-ups land on time; it touches no memory.
    unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, 1 as libc::c_ulong) };
    let entries = (conns.len() * 2 + 2).next_power_of_two().max(8);
    let ring = IoUring::new(u32::try_from(entries).unwrap_or(4096)).map_err(|e| LoadError::Io {
        context: "io_uring_setup (is io_uring disabled? see /proc/sys/kernel/io_uring_disabled)"
            .into(),
        source: e,
    })?;
    if !ring.params().is_feature_ext_arg() {
        return Err(LoadError::Config(
            "kernel io_uring lacks IORING_FEAT_EXT_ARG (needs Linux >= 5.11)".into(),
        ));
    }
    if let Some(wait) = timing.t0.checked_duration_since(Instant::now()) {
        std::thread::sleep(wait);
    }
    let mut worker = Worker {
        ring,
        conns,
        workload,
        total_conns: config.connections,
        timing,
        interval_ns,
        budget,
        issuing: true,
        drain_deadline: timing.end.map(|e| e + config.drain_timeout),
        drain_timeout: config.drain_timeout,
        last_answer: Instant::now(),
        stalled: false,
        stopping: false,
        stats: WorkerStats::default(),
        live,
        live_completed: 0,
        live_errors: 0,
        live_hist: stats::new_histogram(),
        next_flush: Instant::now() + Live::FLUSH_EVERY,
        cqes: Vec::with_capacity(entries * 2),
    };
    // Process bytes that arrived together with the HELLO answer.
    for ci in 0..worker.conns.len() {
        if worker.conns[ci].rlen > 0 {
            worker.process_frames(ci);
        }
    }
    // On error, dropping `worker` drains (or leaks) the ops in flight.
    worker.run()?;
    let stats = std::mem::take(&mut worker.stats);
    drop(worker);
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_data_round_trips() {
        for ci in [0usize, 1, 7, 1 << 20] {
            for op in [OP_SEND, OP_RECV] {
                let ud = user_data(ci, op);
                assert_eq!((ud >> 1) as usize, ci);
                assert_eq!(ud & 1, op);
                assert_ne!(ud, CANCEL_USER_DATA);
            }
        }
    }
}
