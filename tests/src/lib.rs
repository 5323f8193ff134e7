//! Shared helpers for the integration tests in `tests/tests/`.
//!
//! [`Node`] runs the real `corevec serve` (the `corevec-test-node` binary of this package, the
//! same entry point as `corevec`; `COREVEC_BIN` overrides it) on a free loopback port with a
//! temporary data directory, waits until it answers HELLO, and kills it on drop. [`RawConn`]
//! speaks the protocol byte by byte for the bad-input tests. [`FeatureMaskProxy`] makes a
//! node look like an older release to a router.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use corevec_client::{Client, ClientConfig};
use corevec_proto::{
    ErrorCode, Frame, FrameHeader, Hello, Request, RequestId, Response, FEATURES_SUPPORTED,
    FRAME_HEADER_SIZE, VERSION_MAX, VERSION_MIN,
};

/// `node!()` builds a [`NodeBuilder`] for the binary of this package (only integration tests
/// see `CARGO_BIN_EXE_*`, so the path is taken where the macro expands).
#[macro_export]
macro_rules! node {
    () => {
        $crate::NodeBuilder::new(env!("CARGO_BIN_EXE_corevec-test-node"))
    };
}

/// The binary under test: `$COREVEC_BIN` if set, else `default`.
pub fn corevec_bin(default: &str) -> PathBuf {
    std::env::var_os("COREVEC_BIN").map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// A `Command` for `BIN ARGS` with the test environment cleaned of `COREVEC_*` (and of a
/// systemd notify socket).
fn clean_command(bin: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(bin);
    command.args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("COREVEC_") || key == "NOTIFY_SOCKET" {
            command.env_remove(key);
        }
    }
    command
}

/// A command's exit status, stdout and stderr, for assertion messages.
pub fn output_text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Ports handed out by this process, never reused (SO_REUSEPORT would let two test nodes
/// share one port silently).
static PORTS: Mutex<Option<HashSet<u16>>> = Mutex::new(None);

/// A loopback port that was free a moment ago and that this process never handed out.
pub fn free_port() -> u16 {
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("bind an ephemeral port");
        let mut ports = PORTS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if ports.get_or_insert_with(HashSet::new).insert(port) {
            return port;
        }
    }
}

/// A node normally answers HELLO within 100 ms; an attempt that takes longer than this is
/// killed and retried (the engine can rarely hang in its mesh join at start: see the net
/// report; a retry on a fresh process is the test-side workaround).
const START_ATTEMPT_TIME: Duration = Duration::from_secs(15);
const START_ATTEMPTS: usize = 4;

/// A `corevec serve` command being prepared.
#[derive(Debug, Clone)]
pub struct NodeBuilder {
    bin: PathBuf,
    args: Vec<String>,
    envs: Vec<(String, String)>,
    token: Option<Vec<u8>>,
    data_dir: Option<PathBuf>,
}

impl NodeBuilder {
    /// For the binary at `bin` (see [`corevec_bin`]).
    pub fn new(bin: &str) -> NodeBuilder {
        NodeBuilder {
            bin: corevec_bin(bin),
            args: Vec::new(),
            envs: Vec::new(),
            token: None,
            data_dir: None,
        }
    }

    /// The binary.
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// Adds command-line arguments after `serve`.
    #[must_use]
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable for the process.
    #[must_use]
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Requires this auth token (written to a file passed with `--auth-token-file`).
    #[must_use]
    pub fn token(mut self, token: &[u8]) -> Self {
        self.token = Some(token.to_vec());
        self
    }

    /// Uses this data directory instead of a fresh temporary one.
    #[must_use]
    pub fn data_dir(mut self, dir: &Path) -> Self {
        self.data_dir = Some(dir.to_owned());
        self
    }

    /// A `Command` for `corevec ARGS` with the test environment cleaned of `COREVEC_*`.
    pub fn command(&self, args: &[&str]) -> Command {
        clean_command(&self.bin, args)
    }

    /// Starts the node and waits until it answers HELLO. Retries (on another port) if the
    /// port was taken in the meantime or the node does not come up in time.
    ///
    /// # Panics
    /// If the node does not come up (the panic message carries its log).
    pub fn start(self) -> Node {
        let mut last_log = String::new();
        for _ in 0..START_ATTEMPTS {
            match self.try_start() {
                Ok(node) => return node,
                Err(log) => {
                    eprintln!("corevec serve did not come up; retrying. Its log:\n{log}");
                    last_log = log;
                }
            }
        }
        panic!("corevec serve did not start; last log:\n{last_log}");
    }

    fn try_start(&self) -> Result<Node, String> {
        let work = tempfile::tempdir().expect("tempdir");
        let data_dir = self
            .data_dir
            .clone()
            .unwrap_or_else(|| work.path().join("data"));
        let port = free_port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let log_path = work.path().join("serve.log");
        let log = std::fs::File::create(&log_path).expect("log file");
        let mut command = self.command(&["serve"]);
        command
            .args(["--listen", &addr.to_string()])
            .arg("--data-dir")
            .arg(&data_dir)
            .args(["--cores", "2", "--metrics-listen"])
            .arg(format!("127.0.0.1:{}", free_port()))
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        if let Some(token) = &self.token {
            let token_path = work.path().join("token");
            std::fs::write(&token_path, token).expect("token file");
            command.arg("--auth-token-file").arg(&token_path);
        }
        for (key, value) in &self.envs {
            command.env(key, value);
        }
        let child = command.spawn().expect("spawn corevec serve");
        let mut node = Node {
            child,
            bin: self.bin.clone(),
            addr,
            data_dir,
            log_path,
            token: self.token.clone(),
            _work: work,
        };
        let deadline = Instant::now() + START_ATTEMPT_TIME;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = node.child.try_wait() {
                return Err(node.log());
            }
            if node.hello_ok() {
                return Ok(node);
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err(node.log())
    }
}

/// A running `corevec serve`; killed (SIGKILL) on drop if still running. With
/// `COREVEC_TEST_TRACE` set, its log is printed when it is dropped.
#[derive(Debug)]
pub struct Node {
    child: Child,
    /// The binary it runs (client commands run the same one).
    bin: PathBuf,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its data directory.
    pub data_dir: PathBuf,
    log_path: PathBuf,
    token: Option<Vec<u8>>,
    _work: tempfile::TempDir,
}

impl Node {
    fn hello_ok(&self) -> bool {
        let Ok(mut conn) = RawConn::connect(self.addr) else {
            return false;
        };
        matches!(
            conn.hello(self.token.as_deref().unwrap_or_default()),
            Ok(Some(Response::Hello(_)))
        )
    }

    /// A client with the node's token (if any).
    ///
    /// # Panics
    /// If it cannot connect.
    pub fn client(&self) -> Client {
        self.client_with(ClientConfig {
            auth_token: self.token.clone(),
            request_timeout: Duration::from_secs(30),
            ..ClientConfig::default()
        })
    }

    /// A client with `config`.
    ///
    /// # Panics
    /// If it cannot connect.
    pub fn client_with(&self, config: ClientConfig) -> Client {
        Client::connect(self.addr, config).expect("client connects")
    }

    /// Runs the client command `corevec ARGS --addr ADDR` against this node (same binary,
    /// environment cleaned of `COREVEC_*`; no auth token) and returns its output.
    ///
    /// # Panics
    /// If the binary cannot be run.
    pub fn cli(&self, args: &[&str]) -> Output {
        clean_command(&self.bin, args)
            .args(["--addr", &self.addr.to_string()])
            .output()
            .expect("run corevec")
    }

    /// A raw connection that already did HELLO.
    ///
    /// # Panics
    /// If HELLO fails.
    pub fn raw(&self) -> RawConn {
        let mut conn = RawConn::connect(self.addr).expect("connect");
        match conn.hello(self.token.as_deref().unwrap_or_default()) {
            Ok(Some(Response::Hello(_))) => conn,
            other => panic!("HELLO failed: {other:?}"),
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal (e.g. `libc::SIGTERM`).
    pub fn signal(&self, signal: i32) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid fits pid_t");
        // SAFETY: kill(2) takes plain integers; the pid is our own child, not yet reaped.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(rc, 0, "kill({pid}, {signal})");
    }

    /// Waits up to `timeout` for the process to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// True while the process runs.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Asserts the process still runs and still answers PING on a new connection.
    ///
    /// # Panics
    /// If it crashed or does not answer.
    pub fn assert_alive(&mut self) {
        assert!(self.is_running(), "server died:\n{}", self.log());
        let mut conn = self.raw();
        conn.send(&encode(&Request::Ping, 9));
        match conn.read_response() {
            Ok((header, Response::Ping)) => assert_eq!(header.request_id, RequestId(9)),
            other => panic!(
                "PING on a fresh connection failed: {other:?}\n{}",
                self.log()
            ),
        }
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if std::env::var_os("COREVEC_TEST_TRACE").is_some() {
            eprintln!("node {} dropped; its log:\n{}", self.addr, self.log());
        }
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Encodes `request` with id `id`.
///
/// # Panics
/// If the request breaks a codec limit (build those by hand with [`frame`]).
pub fn encode(request: &Request<'_>, id: u64) -> Vec<u8> {
    let mut out = Vec::new();
    request.encode(RequestId(id), &mut out).expect("encode");
    out
}

/// A frame with a correct header (both CRCs) around an arbitrary `body`.
pub fn frame(opcode: u8, id: u64, body: &[u8]) -> Vec<u8> {
    let mut out = FrameHeader::new(opcode, 0, RequestId(id), body)
        .encode()
        .to_vec();
    out.extend_from_slice(body);
    out
}

/// Recomputes both CRCs of a frame after its bytes were edited.
pub fn reseal(frame: &mut [u8]) {
    let body_crc = crc32c(&frame[FRAME_HEADER_SIZE..]);
    frame[20..24].copy_from_slice(&body_crc.to_le_bytes());
    let header_crc = crc32c(&frame[..28]);
    frame[28..32].copy_from_slice(&header_crc.to_le_bytes());
}

/// CRC32C (Castagnoli), bitwise: test-only, no dependency.
pub fn crc32c(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0x82F6_3B78
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A blocking protocol connection for tests, one frame at a time.
#[derive(Debug)]
pub struct RawConn {
    /// The socket.
    pub stream: TcpStream,
    buffer: Vec<u8>,
}

/// What reading a response can end in, besides a frame.
#[derive(Debug)]
pub enum ReadEnd {
    /// Clean EOF.
    Closed,
    /// Read failed (reset, timeout).
    Io(std::io::Error),
    /// The server's bytes are not a valid frame.
    Protocol(corevec_proto::Error),
}

impl RawConn {
    /// Connects with a 10 s read timeout.
    ///
    /// # Errors
    /// If the connection fails.
    pub fn connect(addr: SocketAddr) -> std::io::Result<RawConn> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.set_nodelay(true)?;
        Ok(RawConn {
            stream,
            buffer: Vec::new(),
        })
    }

    /// Sends HELLO with `token` and reads the answer.
    ///
    /// # Errors
    /// If the answer cannot be read.
    pub fn hello(&mut self, token: &[u8]) -> Result<Option<Response<'static>>, ReadEnd> {
        let hello = Request::Hello(Hello {
            version_min: VERSION_MIN,
            version_max: VERSION_MAX,
            features: FEATURES_SUPPORTED,
            token,
        });
        self.send(&encode(&hello, 1));
        self.read_response().map(|(_, r)| Some(r))
    }

    /// Writes bytes (ignoring errors: the server may already have closed).
    pub fn send(&mut self, bytes: &[u8]) {
        let _ = self.stream.write_all(bytes);
    }

    /// Reads one whole frame's bytes.
    ///
    /// # Errors
    /// EOF, I/O or a malformed frame.
    pub fn read_frame(&mut self) -> Result<Vec<u8>, ReadEnd> {
        loop {
            match Frame::check(&self.buffer) {
                Ok(n) => return Ok(self.buffer.drain(..n).collect()),
                Err(corevec_proto::Error::Incomplete) => {}
                Err(e) => return Err(ReadEnd::Protocol(e)),
            }
            let mut chunk = [0u8; 64 * 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(ReadEnd::Closed),
                Ok(n) => self.buffer.extend_from_slice(&chunk[..n]),
                Err(e) => return Err(ReadEnd::Io(e)),
            }
        }
    }

    /// Reads one response frame, decoded into an owned [`Response`] (GET and SCROLL answers keep
    /// only their flags and counts).
    ///
    /// # Errors
    /// EOF, I/O or a malformed frame.
    pub fn read_response(&mut self) -> Result<(FrameHeader, Response<'static>), ReadEnd> {
        let bytes = self.read_frame()?;
        let frame = Frame::parse(&bytes).map_err(ReadEnd::Protocol)?;
        let response = Response::decode_frame(&frame).map_err(ReadEnd::Protocol)?;
        let owned = match response {
            Response::Get(g) => {
                // Leak-free owned copy: tests only look at `found`.
                Response::Get(corevec_proto::GetResponse {
                    found: g.found,
                    vectors: corevec_proto::VectorsRef::empty(g.vectors.dim()),
                    payloads: None,
                    labels: None,
                })
            }
            Response::Scroll(s) => {
                // Tests only look at `more` and `dim` of raw scroll answers.
                Response::Scroll(corevec_proto::ScrollResponse {
                    ids: corevec_proto::IdsRef::new(&[]),
                    more: s.more,
                    dim: s.dim,
                    vectors: None,
                    payloads: None,
                    labels: None,
                })
            }
            Response::Hello(a) => Response::Hello(a),
            Response::Ping => Response::Ping,
            Response::CreateCollection => Response::CreateCollection,
            Response::DropCollection => Response::DropCollection,
            Response::ListCollections(l) => Response::ListCollections(l),
            Response::DescribeCollection(d) => Response::DescribeCollection(d),
            Response::Upsert(a) => Response::Upsert(a),
            Response::Delete(a) => Response::Delete(a),
            Response::SetPayload(a) => Response::SetPayload(a),
            Response::SetLabels(a) => Response::SetLabels(a),
            Response::Search(s) => Response::Search(s),
            Response::Stats(s) => Response::Stats(s),
            Response::Snapshot => Response::Snapshot,
            Response::Error(e) => Response::Error(e),
        };
        Ok((frame.header, owned))
    }

    /// Reads one response and asserts it is an ERROR with `code` for request `id`.
    ///
    /// # Panics
    /// Otherwise.
    pub fn expect_error(&mut self, id: u64, code: ErrorCode) {
        match self.read_response() {
            Ok((header, Response::Error(e))) => {
                assert_eq!(
                    (header.request_id, e.code),
                    (RequestId(id), code),
                    "message: {}",
                    e.message
                );
            }
            other => panic!("expected ERROR {code} for id {id}, got {other:?}"),
        }
    }

    /// Asserts the server closes the connection (EOF or reset) without sending more frames.
    ///
    /// # Panics
    /// If a frame arrives or the connection stays open for 10 s.
    pub fn expect_closed(&mut self) {
        match self.read_frame() {
            Err(ReadEnd::Closed) => {}
            Err(ReadEnd::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe
                ) => {}
            other => panic!("expected the server to close the connection, got {other:?}"),
        }
    }
}

/// Creates an L2 collection with default HNSW parameters (`shards = 0`: the node's default).
///
/// # Panics
/// When the node refuses, naming the collection.
pub fn create_l2(client: &Client, name: &str, dim: usize, shards: u16) {
    client
        .create_collection(&corevec_proto::CreateCollection {
            name,
            dim: dim as u32,
            metric: corevec_proto::Metric::L2,
            shards,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .unwrap_or_else(|e| panic!("create {name}: {e}"));
}

/// The value of STATS entry `name`.
pub fn stat(stats: &[corevec_proto::Stat], name: &str) -> Option<u64> {
    stats.iter().find(|s| s.name == name).map(|s| s.value)
}

/// A TCP proxy in front of a real node that clears feature bits in the node's HELLO answer,
/// so that whoever connects through it (a router) sees the node as an older release that
/// lacks them. Every other byte passes unchanged both ways; the node does the real work.
pub struct FeatureMaskProxy {
    addr: SocketAddr,
    mask: Arc<AtomicU64>,
    /// Both sockets of every proxied connection, to cut them.
    streams: Arc<Mutex<Vec<TcpStream>>>,
}

impl FeatureMaskProxy {
    /// Listens on `listen` (port 0 = any) and forwards to `upstream`, clearing `mask` in HELLO
    /// answers.
    ///
    /// # Panics
    /// If it cannot listen.
    #[must_use]
    pub fn start(listen: SocketAddr, upstream: SocketAddr, mask: u64) -> FeatureMaskProxy {
        let listener = TcpListener::bind(listen).expect("proxy listens");
        let addr = listener.local_addr().expect("proxy address");
        let mask = Arc::new(AtomicU64::new(mask));
        let streams = Arc::new(Mutex::new(Vec::new()));
        let (accept_mask, accept_streams) = (Arc::clone(&mask), Arc::clone(&streams));
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let Ok(node) = TcpStream::connect(upstream) else {
                    continue; // dropping `client` refuses it, as a dead node would
                };
                let clones = [&client, &node].map(|s| s.try_clone().expect("clone socket"));
                accept_streams.lock().expect("proxy lock").extend(clones);
                let mask = accept_mask.load(Ordering::SeqCst);
                let (mut to_node, mut from_client) = (
                    node.try_clone().expect("clone"),
                    client.try_clone().expect("clone"),
                );
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from_client, &mut to_node);
                    let _ = to_node.shutdown(std::net::Shutdown::Write);
                });
                std::thread::spawn(move || forward_masking_hello(node, client, mask));
            }
        });
        FeatureMaskProxy {
            addr,
            mask,
            streams,
        }
    }

    /// Where the router should connect.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Clears `mask` in the HELLO answers of connections opened from now on.
    pub fn set_mask(&self, mask: u64) {
        self.mask.store(mask, Ordering::SeqCst);
    }

    /// Cuts every open connection (as a node restart would).
    ///
    /// # Panics
    /// If the lock is poisoned.
    pub fn cut_connections(&self) {
        for stream in self.streams.lock().expect("proxy lock").drain(..) {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    }
}

impl Drop for FeatureMaskProxy {
    fn drop(&mut self) {
        self.cut_connections();
    }
}

/// Node → client: the first frame (HELLO's answer) with `mask` cleared, then bytes as they are.
fn forward_masking_hello(mut node: TcpStream, mut client: TcpStream, mask: u64) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    let frame_len = loop {
        match Frame::check(&buffer) {
            Ok(n) => break Some(n),
            Err(corevec_proto::Error::Incomplete) => match node.read(&mut chunk) {
                Ok(0) | Err(_) => break None,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            },
            Err(_) => break None,
        }
    };
    if let Some(n) = frame_len {
        let rewritten = Frame::parse(&buffer[..n]).ok().and_then(|frame| {
            match Response::decode_frame(&frame) {
                Ok(Response::Hello(mut ack)) => {
                    ack.features &= !mask;
                    let mut out = Vec::new();
                    Response::Hello(ack)
                        .encode(frame.header.request_id, frame.header.opcode, &mut out)
                        .ok()
                        .map(|()| out)
                }
                _ => None,
            }
        });
        if let Some(out) = rewritten {
            buffer.splice(..n, out);
        }
    }
    if client.write_all(&buffer).is_ok() {
        let _ = std::io::copy(&mut node, &mut client);
    }
    let _ = client.shutdown(std::net::Shutdown::Write);
}
