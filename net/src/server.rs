//! The per-core server: one SO_REUSEPORT listener per core, an accept loop, the per-core
//! limits, and graceful shutdown. Also [`Server`], the handle an ordinary thread (the
//! `corevec serve` main thread, tests) uses to start and stop it through the engine.
//!
//! ```text
//!  main thread                          each core (glommio executor)
//!  ───────────                          ───────────────────────────
//!  Server::new(config)
//!  Engine::start_with(cfg, server.on_core())  ──► serve_on_core: spawn the server task
//!  server.listen(cores)  ── one start message per core ──► bind, accept loop
//!                                    ◄── CoreEvent::Listening / Failed
//!  server.shutdown(cores)  ── drop the trigger ──► stop task: stop accepting, tell every
//!                                                  connection to drain, wait (bounded)
//!                                    ◄── CoreEvent::Stopped
//!  engine.shutdown()
//! ```
//!
//! Only `Send` things cross between threads here: the shutdown signal (a flume channel whose
//! sender is dropped to broadcast "stop"), the events channel, and `Arc<ServerState>` (the
//! immutable config and the atomic counters). Everything else is per core and `!Send`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use corevec_engine::rt::{self, TcpListener, TcpStream};
use corevec_engine::LocalEngine;
use corevec_proto::{encode_error, ErrorCode, RequestId, FEATURES_SUPPORTED};
use futures_lite::{future, AsyncWriteExt};

use crate::config::ServerConfig;
use crate::connection::{self, Connection};
use crate::error::NetError;
use crate::handler::Backend;
use crate::notify::Notify;
use crate::stats::{CoreCounters, NodeStats};

/// Connections rejected at the per-core limit that may still be getting their BUSY frame;
/// past this, further ones are closed without a word (a connect flood must not pile up tasks).
const REJECTIONS_PENDING_MAX: usize = 64;
/// How long a rejected connection may take to accept its BUSY frame.
const REJECTION_WRITE_TIMEOUT: Duration = Duration::from_secs(1);
/// Pause after a failed `accept` (EMFILE and friends) so the loop does not spin.
const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(50);

/// What every core shares: the configuration and the node's counters. Immutable apart from
/// the atomics, so `Send + Sync` and read without locks.
#[derive(Debug, Default)]
pub struct ServerState {
    /// The validated configuration.
    pub config: ServerConfig,
    /// Node-level counters (STATS).
    pub stats: NodeStats,
}

/// Receiving end of the shutdown broadcast; clone one per core. Resolves when the matching
/// [`ShutdownTrigger`] is triggered or dropped.
#[derive(Clone, Debug)]
pub struct ShutdownSignal {
    receiver: flume::Receiver<()>,
}

/// Sending end of the shutdown broadcast.
#[derive(Debug)]
pub struct ShutdownTrigger {
    _sender: flume::Sender<()>,
}

impl ShutdownTrigger {
    /// Tells every core to stop (dropping the only sender disconnects every receiver).
    pub fn trigger(self) {}
}

/// A connected trigger/signal pair.
#[must_use]
pub fn shutdown_channel() -> (ShutdownTrigger, ShutdownSignal) {
    let (sender, receiver) = flume::bounded(1);
    (
        ShutdownTrigger { _sender: sender },
        ShutdownSignal { receiver },
    )
}

impl ShutdownSignal {
    async fn wait(&self) {
        // Nothing is ever sent: the only way out is the disconnect.
        while self.receiver.recv_async().await.is_ok() {}
    }
}

/// What a core reports to the thread that started the server.
#[derive(Debug)]
pub enum CoreEvent {
    /// The core's listener is bound and accepting.
    Listening {
        /// Core ordinal.
        core: usize,
        /// Bound address.
        addr: SocketAddr,
    },
    /// The core could not start serving.
    Failed {
        /// Core ordinal.
        core: usize,
        /// Why.
        error: NetError,
    },
    /// The core stopped accepting and its connections are closed (or were abandoned after
    /// the shutdown timeout).
    Stopped {
        /// Core ordinal.
        core: usize,
        /// Connections still open when the core gave up waiting.
        abandoned: usize,
    },
}

/// One core's server. Lives in an `Rc` on its core.
pub(crate) struct Core {
    pub(crate) local: Rc<LocalEngine>,
    pub(crate) state: Arc<ServerState>,
    /// Requests executing on this core, over all connections.
    pub(crate) in_flight: Cell<usize>,
    stopping: Cell<bool>,
    connections: RefCell<HashMap<u64, Rc<Connection>>>,
    /// Connections accepted and not yet closed: counted at accept, before their task first
    /// runs, so a burst of connects cannot overshoot the limit.
    open: Cell<usize>,
    next_connection_id: Cell<u64>,
    rejections_pending: Cell<usize>,
    /// Wakes the accept loop when stopping.
    accept_stop: Notify,
    /// Wakes the draining accept loop when a connection closes.
    connection_closed: Notify,
    /// Executes requests instead of `local` (the router); `None` for a node.
    pub(crate) backend: Option<Rc<dyn Backend>>,
}

impl Core {
    pub(crate) fn config(&self) -> &ServerConfig {
        &self.state.config
    }

    pub(crate) fn counters(&self) -> &CoreCounters {
        self.state.stats.core(self.local.core(), self.local.cores())
    }

    /// Feature bits HELLO may enable: this build's, or what the router's nodes all have.
    pub(crate) fn features(&self) -> u64 {
        self.backend
            .as_ref()
            .map_or(FEATURES_SUPPORTED, |backend| backend.features())
    }

    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.get()
    }

    pub(crate) fn connection_opened(&self, connection: &Rc<Connection>) {
        self.connections
            .borrow_mut()
            .insert(connection.id(), Rc::clone(connection));
        CoreCounters::add(&self.counters().connections, 1);
    }

    pub(crate) fn connection_closed(&self, id: u64) {
        if self.connections.borrow_mut().remove(&id).is_some() {
            CoreCounters::sub(&self.counters().connections, 1);
        }
        self.open.set(self.open.get().saturating_sub(1));
        self.connection_closed.notify();
    }

    fn begin_stop(&self) {
        if !self.stopping.replace(true) {
            tracing::info!(
                core = self.local.core(),
                "server stopping: no new connections"
            );
        }
        self.accept_stop.notify();
    }
}

/// The channels one core's server is driven by.
#[derive(Clone, Debug)]
pub struct CoreSignals {
    /// One message per core means "every core is up: bind and accept". The listener is not
    /// bound before it, so no connection reaches a core while a peer core is still
    /// recovering (a request fanned out to it would see a partial catalog).
    pub start: flume::Receiver<()>,
    /// Stop accepting and drain.
    pub stop: ShutdownSignal,
    /// Where the core reports [`CoreEvent`]s.
    pub events: flume::Sender<CoreEvent>,
}

/// Prepares serving on the current core and spawns its server task into the core's
/// foreground queue. The task waits for `signals.start`, then binds `state.config.listen`
/// (SO_REUSEPORT, so every core can bind it), reports [`CoreEvent::Listening`] (or
/// [`CoreEvent::Failed`]) and accepts until `signals.stop`; then it drains and reports
/// [`CoreEvent::Stopped`]. Must run on the core's executor (it is what `Engine::start_with`
/// calls on each core).
pub fn serve_on_core(local: &Rc<LocalEngine>, state: Arc<ServerState>, signals: CoreSignals) {
    serve_on_core_with(local, state, signals, None);
}

/// [`serve_on_core`] with requests executed by `backend` instead of the local engine (the
/// router); the engine then only provides the core's executor and task queues.
pub(crate) fn serve_on_core_with(
    local: &Rc<LocalEngine>,
    state: Arc<ServerState>,
    signals: CoreSignals,
    backend: Option<Rc<dyn Backend>>,
) {
    let core = Rc::new(Core {
        local: Rc::clone(local),
        state,
        in_flight: Cell::new(0),
        stopping: Cell::new(false),
        connections: RefCell::new(HashMap::new()),
        open: Cell::new(0),
        next_connection_id: Cell::new(1),
        rejections_pending: Cell::new(0),
        accept_stop: Notify::default(),
        connection_closed: Notify::default(),
        backend,
    });
    // Touch the counters so the node's table exists before the first STATS.
    let _ = core.counters();
    let queue = local.queues().foreground;
    {
        let core = Rc::clone(&core);
        let stop = signals.stop.clone();
        rt::spawn_into(queue, async move {
            stop.wait().await;
            core.begin_stop();
        });
    }
    rt::spawn_into(queue, async move {
        let started = future::or(async { signals.start.recv_async().await.is_ok() }, async {
            signals.stop.wait().await;
            false
        })
        .await;
        if !started {
            return;
        }
        let core_ordinal = core.local.core();
        let addr = core.config().listen;
        let listener = match TcpListener::bind(addr) {
            Ok(listener) => listener,
            Err(e) => {
                let source = std::io::Error::other(e.to_string());
                tracing::error!(core = core_ordinal, %addr, error = %source, "cannot listen");
                let _ = signals.events.send(CoreEvent::Failed {
                    core: core_ordinal,
                    error: NetError::Bind {
                        core: core_ordinal,
                        addr,
                        source,
                    },
                });
                return;
            }
        };
        let bound = listener.local_addr().unwrap_or(addr);
        tracing::debug!(core = core_ordinal, addr = %bound, "listening");
        let _ = signals.events.send(CoreEvent::Listening {
            core: core_ordinal,
            addr: bound,
        });
        accept_loop(core, listener, signals.events).await;
    });
}

async fn accept_loop(core: Rc<Core>, listener: TcpListener, events: flume::Sender<CoreEvent>) {
    let queue = core.local.queues().foreground;
    loop {
        if core.is_stopping() {
            break;
        }
        let accepted = future::or(async { Some(listener.accept().await) }, async {
            core.accept_stop.notified().await;
            None
        })
        .await;
        let stream = match accepted {
            None => continue, // re-checks `stopping`
            Some(Ok(stream)) => stream,
            Some(Err(e)) => {
                tracing::warn!(core = core.local.core(), error = %e, "accept failed");
                rt::sleep(ACCEPT_ERROR_BACKOFF).await;
                continue;
            }
        };
        CoreCounters::add(&core.counters().connections_accepted, 1);
        if core.open.get() >= core.config().max_connections_per_core {
            reject(&core, stream);
            continue;
        }
        core.open.set(core.open.get() + 1);
        let id = core.next_connection_id.get();
        core.next_connection_id.set(id + 1);
        rt::spawn_into(queue, connection::serve(Rc::clone(&core), id, stream));
    }
    drop(listener);
    let abandoned = drain(&core).await;
    let _ = events.send(CoreEvent::Stopped {
        core: core.local.core(),
        abandoned,
    });
}

/// Tells every connection to finish and waits until they are all closed, or until the
/// shutdown timeout plus the write timeout passed. Returns how many are still open.
async fn drain(core: &Rc<Core>) -> usize {
    let connections: Vec<Rc<Connection>> = core.connections.borrow().values().cloned().collect();
    for connection in &connections {
        connection.request_stop();
    }
    drop(connections);
    let config = core.config();
    let deadline = Instant::now() + config.shutdown_timeout + config.write_timeout;
    loop {
        let open = core.open.get();
        if open == 0 {
            return 0;
        }
        let remaining = deadline.saturating_duration_since(Instant::now());
        if remaining.is_zero()
            || rt::timeout(remaining, core.connection_closed.notified())
                .await
                .is_none()
        {
            tracing::warn!(
                core = core.local.core(),
                open,
                "connections did not close within the shutdown timeout; abandoning them"
            );
            return open;
        }
    }
}

/// Over the per-core connection limit: one BUSY frame (request id 0), then close.
fn reject(core: &Rc<Core>, stream: TcpStream) {
    CoreCounters::add(&core.counters().connections_rejected, 1);
    if core.rejections_pending.get() >= REJECTIONS_PENDING_MAX {
        return; // dropping the stream closes it
    }
    core.rejections_pending
        .set(core.rejections_pending.get() + 1);
    let max = core.config().max_connections_per_core;
    let core = Rc::clone(core);
    rt::spawn_into(core.local.queues().foreground, async move {
        let mut stream = stream;
        let mut frame = Vec::new();
        let message = format!("too many connections on this core (at most {max}); retry later");
        if encode_error(
            &mut frame,
            RequestId::CONNECTION,
            0,
            ErrorCode::Busy,
            &message,
        )
        .is_ok()
        {
            let _ = stream.set_write_timeout(Some(REJECTION_WRITE_TIMEOUT));
            let _ = rt::timeout(REJECTION_WRITE_TIMEOUT, stream.write_all(&frame)).await;
            // FIN, then drain what the client sends (its HELLO) so the close is not an RST
            // that could destroy the BUSY frame before the client reads it.
            let _ = stream.close().await;
            connection::linger_close(&mut stream).await;
        }
        core.rejections_pending
            .set(core.rejections_pending.get().saturating_sub(1));
    });
}

/// The handle a non-executor thread uses to run the server on every core of an engine.
///
/// ```no_run
/// # use std::time::Duration;
/// # use corevec_net::{Server, ServerConfig};
/// # use corevec_engine::{Engine, EngineConfig};
/// let mut server = Server::new(ServerConfig::default())?;
/// let engine = Engine::start_with(EngineConfig::default(), server.on_core())?;
/// server.listen(engine.cores(), Duration::from_secs(10))?;
/// // ... until a signal arrives ...
/// server.shutdown(engine.cores(), Duration::from_secs(30))?;
/// engine.shutdown()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Server {
    state: Arc<ServerState>,
    trigger: Option<ShutdownTrigger>,
    signal: ShutdownSignal,
    start_sender: flume::Sender<()>,
    start: flume::Receiver<()>,
    events_sender: flume::Sender<CoreEvent>,
    events: flume::Receiver<CoreEvent>,
    listening: Vec<SocketAddr>,
}

impl Server {
    /// Validates `config` and prepares the shared state.
    ///
    /// # Errors
    /// [`NetError::Config`] naming the bad field.
    pub fn new(config: ServerConfig) -> Result<Server, NetError> {
        config.validate()?;
        let (trigger, signal) = shutdown_channel();
        let (events_sender, events) = flume::unbounded();
        let (start_sender, start) = flume::unbounded();
        Ok(Server {
            state: Arc::new(ServerState {
                config,
                stats: NodeStats::default(),
            }),
            trigger: Some(trigger),
            signal,
            start_sender,
            start,
            events_sender,
            events,
            listening: Vec::new(),
        })
    }

    /// The shared configuration and counters.
    #[must_use]
    pub fn state(&self) -> &Arc<ServerState> {
        &self.state
    }

    /// The closure to hand to `Engine::start_with`: runs [`serve_on_core`] on each core.
    pub fn on_core(&self) -> impl Fn(&Rc<LocalEngine>) + Send + Sync + 'static {
        let state = Arc::clone(&self.state);
        let signals = CoreSignals {
            start: self.start.clone(),
            stop: self.signal.clone(),
            events: self.events_sender.clone(),
        };
        move |local: &Rc<LocalEngine>| {
            serve_on_core(local, Arc::clone(&state), signals.clone());
        }
    }

    /// Like [`Server::on_core`], with requests executed by the backend `make_backend` builds
    /// on each core (the router).
    pub(crate) fn on_core_with_backend(
        &self,
        make_backend: impl Fn(&Rc<LocalEngine>, &Arc<ServerState>) -> Rc<dyn Backend>
            + Send
            + Sync
            + 'static,
    ) -> impl Fn(&Rc<LocalEngine>) + Send + Sync + 'static {
        let state = Arc::clone(&self.state);
        let signals = CoreSignals {
            start: self.start.clone(),
            stop: self.signal.clone(),
            events: self.events_sender.clone(),
        };
        move |local: &Rc<LocalEngine>| {
            let backend = make_backend(local, &state);
            serve_on_core_with(local, Arc::clone(&state), signals.clone(), Some(backend));
        }
    }

    /// Tells the `cores` cores to bind and accept (call it once `Engine::start_with` returned,
    /// so that every core is up), and waits until they all listen. Returns the first core's
    /// failure if any fails.
    ///
    /// # Errors
    /// The core's [`NetError::Bind`], [`NetError::StartTimeout`] or [`NetError::CoresGone`].
    pub fn listen(&mut self, cores: usize, timeout: Duration) -> Result<(), NetError> {
        for _ in self.listening.len()..cores {
            self.start_sender
                .send(())
                .map_err(|_| NetError::CoresGone)?;
        }
        let started = Instant::now();
        while self.listening.len() < cores {
            let remaining = timeout.saturating_sub(started.elapsed());
            match self.events.recv_timeout(remaining) {
                Ok(CoreEvent::Listening { addr, .. }) => self.listening.push(addr),
                Ok(CoreEvent::Failed { error, .. }) => return Err(error),
                Ok(CoreEvent::Stopped { .. }) => return Err(NetError::CoresGone),
                Err(flume::RecvTimeoutError::Timeout) => {
                    return Err(NetError::StartTimeout {
                        listening: self.listening.len(),
                        cores,
                        waited_ms: started.elapsed().as_millis(),
                    })
                }
                Err(flume::RecvTimeoutError::Disconnected) => return Err(NetError::CoresGone),
            }
        }
        Ok(())
    }

    /// Stops every core's server: no new connections, in-flight requests finish (bounded by
    /// `shutdown_timeout`), clients get a SHUTTING_DOWN frame, connections close. Waits at most
    /// `timeout` for `cores` cores to report that they stopped. Idempotent.
    ///
    /// # Errors
    /// [`NetError::StopTimeout`] if some cores did not finish in time.
    pub fn shutdown(&mut self, cores: usize, timeout: Duration) -> Result<(), NetError> {
        if let Some(trigger) = self.trigger.take() {
            trigger.trigger();
        }
        let started = Instant::now();
        let listening = self.listening.len().min(cores);
        let mut stopped = 0;
        while stopped < listening {
            let remaining = timeout.saturating_sub(started.elapsed());
            match self.events.recv_timeout(remaining) {
                Ok(CoreEvent::Stopped { core, abandoned }) => {
                    stopped += 1;
                    if abandoned > 0 {
                        tracing::warn!(core, abandoned, "connections abandoned at shutdown");
                    }
                }
                Ok(_) => {}
                Err(_) => {
                    return Err(NetError::StopTimeout {
                        stopped,
                        cores: listening,
                        waited_ms: started.elapsed().as_millis(),
                    })
                }
            }
        }
        Ok(())
    }
}
