//! One TCP connection: HELLO at connect, a writer shared by callers, and a reader thread that
//! routes response frames to waiting [`Ticket`]s by request id (responses may arrive in any
//! order).

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use corevec_proto::{
    Error as ProtoError, ErrorCode, Frame, FrameHeader, Hello, HelloAck, Opcode, Request,
    RequestId, Response, FEATURES_SUPPORTED, FRAME_HEADER_SIZE, VERSION_MAX, VERSION_MIN,
};

use crate::error::ClientError;
use crate::ClientConfig;

type Reply = Result<ResponseFrame, ClientError>;

/// Why the connection stopped, copied into an error for every request still waiting.
#[derive(Clone, Debug)]
enum Closed {
    Io(io::ErrorKind, String),
    Server(ErrorCode, String),
    Protocol(String),
}

impl Closed {
    fn to_error(&self) -> ClientError {
        match self {
            Closed::Io(kind, message) => ClientError::Io(io::Error::new(*kind, message.clone())),
            Closed::Server(code, message) => ClientError::Server {
                code: *code,
                message: message.clone(),
            },
            Closed::Protocol(message) => ClientError::Protocol(message.clone()),
        }
    }
}

#[derive(Default)]
struct Pending {
    waiters: HashMap<u64, SyncSender<Reply>>,
    closed: Option<Closed>,
}

struct Shared {
    pending: Mutex<Pending>,
    broken: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Mark the connection dead and fail every waiter with `why`.
    fn close(&self, why: Closed) {
        self.broken.store(true, Ordering::Release);
        let mut pending = self.lock();
        for (_, waiter) in pending.waiters.drain() {
            let _ = waiter.try_send(Err(why.to_error()));
        }
        pending.closed.get_or_insert(why);
    }
}

/// A submitted request. [`Ticket::wait`] blocks until its response arrives or its deadline
/// passes.
#[must_use = "a ticket does nothing unless waited on"]
pub struct Ticket {
    request_id: RequestId,
    opcode: Opcode,
    deadline: Instant,
    receiver: Receiver<Reply>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Ticket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ticket")
            .field("request_id", &self.request_id)
            .field("opcode", &self.opcode)
            .finish_non_exhaustive()
    }
}

impl Ticket {
    /// The request id chosen for this request.
    #[must_use]
    pub fn request_id(&self) -> RequestId {
        self.request_id
    }

    /// The request's opcode.
    #[must_use]
    pub fn opcode(&self) -> Opcode {
        self.opcode
    }

    /// Wait for the response. An ERROR response becomes [`ClientError::Server`].
    pub fn wait(self) -> Result<ResponseFrame, ClientError> {
        let timeout = self.deadline.saturating_duration_since(Instant::now());
        let reply = match self.receiver.recv_timeout(timeout) {
            Ok(reply) => reply,
            Err(RecvTimeoutError::Timeout) => {
                self.shared.lock().waiters.remove(&self.request_id.0);
                // The response may have raced in between; prefer it.
                return match self.receiver.try_recv() {
                    Ok(reply) => finish(reply, self.opcode),
                    Err(_) => Err(ClientError::Timeout),
                };
            }
            Err(RecvTimeoutError::Disconnected) => Err(self
                .shared
                .lock()
                .closed
                .as_ref()
                .map_or_else(|| io_error("connection closed").into(), Closed::to_error)),
        };
        finish(reply, self.opcode)
    }
}

fn finish(reply: Reply, opcode: Opcode) -> Result<ResponseFrame, ClientError> {
    let frame = reply?;
    let response = frame.response()?;
    match response {
        Response::Error(e) => Err(ClientError::Server {
            code: e.code,
            message: e.message,
        }),
        r if r.opcode() == Some(opcode) => Ok(frame),
        r => Err(ClientError::Protocol(format!(
            "response {:?} does not answer {}",
            r.opcode(),
            opcode.name()
        ))),
    }
}

/// The bytes of one response frame, owned. Decode with [`ResponseFrame::response`]; GET
/// vectors in the result borrow from this frame.
#[derive(Clone, Debug)]
pub struct ResponseFrame {
    bytes: Vec<u8>,
    received: Instant,
}

impl ResponseFrame {
    /// When the frame was read off the socket: the request's own completion time, even if
    /// [`Ticket::wait`] is called later (e.g. after waiting for an earlier request).
    #[must_use]
    pub fn received_at(&self) -> Instant {
        self.received
    }

    /// Decode the frame (header, CRCs, body).
    pub fn response(&self) -> Result<Response<'_>, ClientError> {
        let frame = Frame::parse(&self.bytes).map_err(protocol)?;
        Response::decode_frame(&frame).map_err(protocol)
    }

    /// The frame header.
    pub fn header(&self) -> Result<FrameHeader, ClientError> {
        Ok(Frame::parse(&self.bytes).map_err(protocol)?.header)
    }

    /// The whole frame, header included.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

fn protocol(e: ProtoError) -> ClientError {
    ClientError::Protocol(e.to_string())
}

fn io_error(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, message.to_owned())
}

/// One pipelined connection. Thread-safe: many threads may submit concurrently; every request
/// gets its own request id and waits on its own channel.
pub struct Connection {
    writer: Mutex<TcpStream>,
    shared: Arc<Shared>,
    next_request_id: AtomicU64,
    hello: HelloAck,
    request_timeout: Duration,
    reader: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("hello", &self.hello)
            .finish_non_exhaustive()
    }
}

impl Connection {
    /// Connect to one address, send HELLO and wait for its answer.
    pub fn connect(addr: SocketAddr, config: &ClientConfig) -> Result<Connection, ClientError> {
        let mut stream = TcpStream::connect_timeout(&addr, config.connect_timeout)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(config.connect_timeout))?;
        stream.set_write_timeout(Some(config.request_timeout))?;

        let token = config.auth_token.as_deref().unwrap_or_default();
        // Ask for every feature this build understands (FEATURES_SUPPORTED); the server enables
        // the ones it knows too (see `HelloAck::features`).
        let hello = Request::Hello(Hello {
            version_min: VERSION_MIN,
            version_max: VERSION_MAX,
            features: FEATURES_SUPPORTED,
            token,
        });
        let mut out = Vec::new();
        hello
            .encode(RequestId(1), &mut out)
            .map_err(ClientError::InvalidRequest)?;
        stream.write_all(&out)?;

        let mut buffer = Vec::new();
        let frame_bytes = read_frame(&mut stream, &mut buffer).map_err(|e| match e {
            ReadError::Io(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                ClientError::Timeout
            }
            ReadError::Io(e) => ClientError::Io(e),
            ReadError::Protocol(e) => protocol(e),
        })?;
        buffer.truncate(frame_bytes);
        let ack = {
            let reply = finish(
                Ok(ResponseFrame {
                    bytes: buffer,
                    received: Instant::now(),
                }),
                Opcode::Hello,
            )?;
            match reply.response()? {
                Response::Hello(ack) => ack,
                other => {
                    return Err(ClientError::Protocol(format!(
                        "HELLO answered with {other:?}"
                    )))
                }
            }
        };
        if !(VERSION_MIN..=VERSION_MAX).contains(&ack.version) {
            return Err(ClientError::Protocol(format!(
                "server chose version {}",
                ack.version
            )));
        }
        stream.set_read_timeout(None)?;

        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending::default()),
            broken: AtomicBool::new(false),
        });
        let reader_stream = stream.try_clone()?;
        let reader_shared = Arc::clone(&shared);
        let reader = std::thread::Builder::new()
            .name("corevec-client-reader".into())
            .spawn(move || read_loop(reader_stream, &reader_shared))?;
        Ok(Connection {
            writer: Mutex::new(stream),
            shared,
            next_request_id: AtomicU64::new(2),
            hello: ack,
            request_timeout: config.request_timeout,
            reader: Some(reader),
        })
    }

    /// What the server agreed to in HELLO.
    #[must_use]
    pub fn hello(&self) -> &HelloAck {
        &self.hello
    }

    /// False once the connection has failed; a new one must be made.
    #[must_use]
    pub fn is_open(&self) -> bool {
        !self.shared.broken.load(Ordering::Acquire)
    }

    /// Send `request` with the default request timeout; returns at once.
    pub fn submit(&self, request: &Request<'_>) -> Result<Ticket, ClientError> {
        self.submit_with_timeout(request, self.request_timeout)
    }

    /// Send `request`; its [`Ticket`] times out `timeout` from now.
    pub fn submit_with_timeout(
        &self,
        request: &Request<'_>,
        timeout: Duration,
    ) -> Result<Ticket, ClientError> {
        if matches!(request, Request::Hello(_)) {
            return Err(ClientError::InvalidRequest(ProtoError::InvalidArgument(
                "HELLO is sent by Connection::connect",
            )));
        }
        let request_id = RequestId(self.next_request_id.fetch_add(1, Ordering::Relaxed));
        let mut out = Vec::new();
        request
            .encode(request_id, &mut out)
            .map_err(ClientError::InvalidRequest)?;
        let body_bytes = out.len() - FRAME_HEADER_SIZE;
        if body_bytes
            > corevec_proto::limits::FRAME_BODY_BYTES_MAX.min(self.hello.frame_body_bytes_max)
                as usize
        {
            return Err(ClientError::InvalidRequest(ProtoError::FrameTooLarge {
                len: u32::try_from(body_bytes).unwrap_or(u32::MAX),
                max: self.hello.frame_body_bytes_max,
            }));
        }

        let (sender, receiver) = mpsc::sync_channel(1);
        {
            let mut pending = self.shared.lock();
            if let Some(why) = &pending.closed {
                return Err(why.to_error());
            }
            pending.waiters.insert(request_id.0, sender);
        }
        let written = {
            let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
            writer.write_all(&out)
        };
        if let Err(e) = written {
            // A partial frame may be on the wire: the stream is unusable from here on.
            let why = Closed::Io(e.kind(), format!("write failed: {e}"));
            self.shutdown();
            self.shared.close(why);
            self.shared.lock().waiters.remove(&request_id.0);
            return Err(ClientError::Io(e));
        }
        Ok(Ticket {
            request_id,
            opcode: request.opcode(),
            deadline: Instant::now() + timeout,
            receiver,
            shared: Arc::clone(&self.shared),
        })
    }

    fn shutdown(&self) {
        let writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = writer.shutdown(Shutdown::Both);
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.shutdown();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

enum ReadError {
    Io(io::Error),
    Protocol(ProtoError),
}

const READ_CHUNK: usize = 64 * 1024;

/// Read until `buffer` starts with a whole frame; returns its length. Bytes past it stay in
/// `buffer`. The buffer never grows past one maximal frame plus one read chunk, because
/// `Frame::check` rejects oversized headers before their bodies are read.
fn read_frame(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<usize, ReadError> {
    loop {
        match Frame::check(buffer) {
            Ok(n) => return Ok(n),
            Err(ProtoError::Incomplete) => {}
            Err(e) => return Err(ReadError::Protocol(e)),
        }
        let start = buffer.len();
        buffer.resize(start + READ_CHUNK, 0);
        let read = stream.read(&mut buffer[start..]);
        buffer.truncate(start + *read.as_ref().unwrap_or(&0));
        match read {
            Ok(0) => return Err(ReadError::Io(io_error("connection closed by server"))),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
}

fn read_loop(mut stream: TcpStream, shared: &Shared) {
    let mut buffer = Vec::with_capacity(READ_CHUNK);
    let why = loop {
        let frame_bytes = match read_frame(&mut stream, &mut buffer) {
            Ok(n) => n,
            Err(ReadError::Io(e)) => break Closed::Io(e.kind(), e.to_string()),
            Err(ReadError::Protocol(e)) => break Closed::Protocol(e.to_string()),
        };
        let frame: Vec<u8> = buffer.drain(..frame_bytes).collect();
        let Ok(parsed) = Frame::parse(&frame) else {
            break Closed::Protocol("frame failed to parse after check".into());
        };
        let request_id = parsed.header.request_id;
        if request_id == RequestId::CONNECTION {
            // Connection-level error: the server closes after this frame.
            break match Response::decode_frame(&parsed) {
                Ok(Response::Error(e)) => Closed::Server(e.code, e.message),
                _ => Closed::Protocol("unexpected frame with request id 0".into()),
            };
        }
        let received = Instant::now();
        let waiter = shared.lock().waiters.remove(&request_id.0);
        if let Some(waiter) = waiter {
            let _ = waiter.try_send(Ok(ResponseFrame {
                bytes: frame,
                received,
            }));
        }
        // No waiter: the request timed out and its ticket is gone; drop the late response.
    };
    let _ = stream.shutdown(Shutdown::Both);
    shared.close(why);
}
