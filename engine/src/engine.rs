//! `Engine`: starts one pinned executor per selected core and is the handle ordinary threads
//! (tests, benchmarks, the CLI) use to reach them.
//!
//! Calls cross into the cores through bounded `flume` channels (the only way a non-glommio
//! thread can wake an executor); each call is served by one core, round-robin, which then
//! coordinates the other cores over the mesh. The handle is `Send + Sync`; everything it
//! reaches stays on its core.

use std::future::Future;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use std::path::{Path, PathBuf};

use corevec_storage::WalConfig;

use crate::collection::CollectionSpec;
use crate::error::{Error, Result};
use crate::local::{
    CollectionInfo, Durable, LocalEngine, Point, ScrollPage, ScrollRequest, SearchRequest,
    SearchResults,
};
use crate::mesh::{MeshMessage, MeshPort, MESH_CREDITS_DEFAULT};
use crate::rt::{self, MeshBuilder};
use crate::shard::CompactionPolicy;
use crate::topk::Neighbor;
use crate::topology::{CoreSelection, MachineTopology, PhysicalCore};

/// Calls queued per core from ordinary threads before callers block.
const INBOX_CAPACITY: usize = 4096;
/// How long executors may take to start and join the mesh.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// How to start the engine.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Which physical cores to run on.
    pub cores: CoreSelection,
    /// Shards of a new collection when its spec says 0; `None` means one per core.
    pub default_shards: Option<u32>,
    /// Requests a core may have outstanding towards each peer (see `mesh.rs`).
    pub mesh_credits: usize,
    /// Executor threads are named `{thread_prefix}-{ordinal}` (Linux keeps 15 bytes).
    pub thread_prefix: String,
    /// Where shards keep their WAL and snapshots; `None` runs in memory (nothing survives
    /// a restart).
    pub data_dir: Option<PathBuf>,
    /// WAL segment size and durability mode (used with `data_dir`).
    pub wal: WalConfig,
    /// A shard snapshots itself after this many WAL bytes (used with `data_dir`).
    pub snapshot_wal_bytes: u64,
    /// Refuse writes that add data ([`Error::DiskLow`]) while the data directory's file
    /// system has fewer free bytes than this; 0 = never (used with `data_dir`).
    pub min_free_bytes: u64,
    /// Refuse writes that add data ([`Error::MemoryHigh`]) while the process holds more
    /// anonymous resident memory than this; 0 = never.
    pub max_memory_bytes: u64,
    /// When a shard is rebuilt from its live vectors.
    pub compaction: CompactionPolicy,
}

/// Default automatic-snapshot threshold: 256 MiB of WAL per shard.
pub const SNAPSHOT_WAL_BYTES_DEFAULT: u64 = 256 << 20;

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            cores: CoreSelection::All,
            default_shards: None,
            mesh_credits: MESH_CREDITS_DEFAULT,
            thread_prefix: "corevec-core".into(),
            data_dir: None,
            wal: WalConfig::default(),
            snapshot_wal_bytes: SNAPSHOT_WAL_BYTES_DEFAULT,
            min_free_bytes: 0,
            max_memory_bytes: 0,
            compaction: CompactionPolicy::default(),
        }
    }
}

/// Where one executor runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorePlacement {
    /// The executor's ordinal (shard `s` of a collection lives on ordinal `s % cores`).
    pub ordinal: usize,
    /// The physical core.
    pub core: PhysicalCore,
}

/// Work shipped to a core: given the core's engine, it spawns what it needs there.
type CoreJob = Box<dyn FnOnce(&Rc<LocalEngine>) + Send>;

enum Command {
    Run(CoreJob),
    /// Reject new requests, drain, sync every WAL; acknowledge with the outcome.
    Quiesce(flume::Sender<Result<()>>),
    /// Leave the executor.
    Exit,
}

/// The running engine.
pub struct Engine {
    inboxes: Vec<flume::Sender<Command>>,
    threads: Vec<rt::ExecutorJoinHandle<()>>,
    placement: Vec<CorePlacement>,
    next_core: AtomicUsize,
    /// Released once every core has recovered (the start barrier); empty afterwards.
    go: Vec<flume::Sender<()>>,
    /// [`EngineConfig::data_dir`].
    data_dir: Option<PathBuf>,
}

impl Engine {
    /// Starts the engine.
    ///
    /// # Errors
    /// Fails when topology discovery, core selection or executor start fails.
    pub fn start(config: EngineConfig) -> Result<Self> {
        Self::start_with(config, |_| {})
    }

    /// Starts the engine and runs `on_core` on every core once every core has recovered its
    /// shards (the server uses it to open its listener on each core).
    ///
    /// # Errors
    /// Fails when topology discovery, core selection or executor start fails.
    pub fn start_with(
        config: EngineConfig,
        on_core: impl Fn(&Rc<LocalEngine>) + Send + Sync + 'static,
    ) -> Result<Self> {
        let topology = MachineTopology::discover()?;
        let selected = topology.select(&config.cores)?;
        let cores = selected.len();
        let default_shards = config.default_shards.unwrap_or(cores as u32);
        if config.mesh_credits == 0 {
            return Err(Error::InvalidArgument(
                "mesh_credits must be at least 1".into(),
            ));
        }
        if config.compaction.tombstone_percent > 100 {
            return Err(Error::InvalidArgument(
                "compaction tombstone_percent must be at most 100".into(),
            ));
        }
        let compaction = config.compaction;
        let max_memory_bytes = config.max_memory_bytes;
        let mesh = MeshBuilder::<MeshMessage, _>::full(cores, 2 * config.mesh_credits);
        let on_core = Arc::new(on_core);
        let durable = config.data_dir.as_ref().map(|data_dir| Durable {
            data_dir: data_dir.clone(),
            wal: config.wal,
            snapshot_wal_bytes: config.snapshot_wal_bytes,
            min_free_bytes: config.min_free_bytes,
        });
        if let Some(durable) = &durable {
            std::fs::create_dir_all(&durable.data_dir).map_err(|e| {
                Error::system(
                    format!("creating data directory {}", durable.data_dir.display()),
                    e,
                )
            })?;
            crate::persist::finish_drops(&durable.data_dir)?;
            if durable.wal.durability == corevec_storage::Durability::None {
                tracing::warn!(
                    "durability=none: acknowledged writes are NOT durable (benchmarks only)"
                );
            }
        }
        let (started_tx, started_rx) = flume::unbounded::<Result<(usize, usize)>>();
        let mut engine = Self {
            inboxes: Vec::with_capacity(cores),
            threads: Vec::with_capacity(cores),
            placement: Vec::new(),
            next_core: AtomicUsize::new(0),
            go: Vec::with_capacity(cores),
            data_dir: config.data_dir.clone(),
        };
        for (i, core) in selected.iter().enumerate() {
            let (inbox_tx, inbox_rx) = flume::bounded::<Command>(INBOX_CAPACITY);
            let (go_tx, go_rx) = flume::bounded::<()>(1);
            let (mesh, on_core, started_tx) =
                (mesh.clone(), Arc::clone(&on_core), started_tx.clone());
            let credits = config.mesh_credits;
            let durable = durable.clone();
            let cpu = core.pinned_cpu();
            let thread = rt::start_pinned(
                &format!("{}-{i}", config.thread_prefix),
                cpu,
                move || async move {
                    let start = async {
                        let Some((senders, mut receivers)) =
                            rt::join_mesh(mesh, START_TIMEOUT).await
                        else {
                            return Err(Error::Placement(format!(
                                "executor on cpu {cpu} could not join the core mesh"
                            )));
                        };
                        if let Some(durable) = &durable {
                            // Before any other O_DIRECT file on this executor: see storage's
                            // prime_device.
                            corevec_storage::prime_device(&durable.data_dir).await?;
                        }
                        let port = MeshPort::new(senders, credits);
                        LocalEngine::start(
                            port,
                            &mut receivers,
                            default_shards,
                            durable,
                            compaction,
                            max_memory_bytes,
                        )
                        .await
                    };
                    // The engine gives up on a start (another core failed, or the wait
                    // timed out) by dropping `go` unsent: a core still starting, perhaps
                    // waiting for a core that has already exited, stops where it is.
                    let local = match rt::unless_closed(&go_rx, start).await {
                        Some(Ok(local)) => local,
                        Some(Err(e)) => {
                            let _ = started_tx.send(Err(e));
                            return;
                        }
                        None => return,
                    };
                    let _ = started_tx.send(Ok((local.core(), i)));
                    // Start barrier: serve nothing until every core has recovered its shards,
                    // or a request fanned out to a core still recovering would miss
                    // collections.
                    if rt::recv_or_closed(&go_rx).await.is_none() {
                        local.close_mesh();
                        return;
                    }
                    on_core(&local);
                    serve_inbox(&local, &inbox_rx).await;
                    local.close_mesh();
                },
            )?;
            engine.inboxes.push(inbox_tx);
            engine.go.push(go_tx);
            engine.threads.push(thread);
        }
        drop(started_tx);
        let mut placement = Vec::with_capacity(cores);
        for _ in 0..cores {
            match started_rx.recv_timeout(START_TIMEOUT * 4) {
                Ok(Ok((ordinal, i))) => placement.push(CorePlacement {
                    ordinal,
                    core: selected[i].clone(),
                }),
                Ok(Err(e)) => {
                    engine.abort_start();
                    return Err(e);
                }
                Err(_) => {
                    engine.abort_start();
                    return Err(Error::Placement(
                        "an executor failed to start in time; see the log".into(),
                    ));
                }
            }
        }
        placement.sort_by_key(|p| p.ordinal);
        for go in engine.go.drain(..) {
            let _ = go.send(());
        }
        for p in &placement {
            tracing::info!(
                ordinal = p.ordinal,
                physical_core = p.core.core_index,
                cpu = p.core.pinned_cpu(),
                smt_siblings = ?p.core.cpus,
                numa_node = p.core.numa_node,
                "executor pinned"
            );
        }
        tracing::info!(
            cores,
            numa_nodes = topology.numa_nodes,
            default_shards,
            "engine started"
        );
        engine.placement = placement;
        Ok(engine)
    }

    /// The data directory (`None`: the engine runs in memory).
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    /// Where each executor runs, by ordinal.
    pub fn placement(&self) -> &[CorePlacement] {
        &self.placement
    }

    /// Number of cores (executors).
    pub fn cores(&self) -> usize {
        self.inboxes.len()
    }

    /// Runs `call` on one core (round-robin) and waits for its result.
    ///
    /// # Errors
    /// `ShuttingDown` when the engine is stopping, or the call's own error.
    pub fn call<T, F, Fut>(&self, call: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(Rc<LocalEngine>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T>> + 'static,
    {
        let core = self.next_core.fetch_add(1, Ordering::Relaxed) % self.inboxes.len();
        self.call_on(core, call)
    }

    /// Runs `call` on the executor with inbox index `core` and waits for its result.
    ///
    /// # Errors
    /// `ShuttingDown` when the engine is stopping, or the call's own error.
    pub fn call_on<T, F, Fut>(&self, core: usize, call: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(Rc<LocalEngine>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T>> + 'static,
    {
        let (reply_tx, reply_rx) = flume::bounded(1);
        let job: CoreJob = Box::new(move |local: &Rc<LocalEngine>| {
            let local = Rc::clone(local);
            rt::spawn_into(local.queues().foreground, async move {
                let _ = reply_tx.send(call(local).await);
            });
        });
        self.inboxes[core]
            .send(Command::Run(job))
            .map_err(|_| Error::ShuttingDown)?;
        reply_rx.recv().map_err(|_| Error::ShuttingDown)?
    }

    /// Creates a collection; returns its spec with defaults filled in.
    ///
    /// # Errors
    /// See [`LocalEngine::create_collection`].
    pub fn create_collection(&self, spec: CollectionSpec) -> Result<CollectionSpec> {
        self.call(move |local| async move { local.create_collection(spec).await })
    }

    /// Drops a collection.
    ///
    /// # Errors
    /// See [`LocalEngine::drop_collection`].
    pub fn drop_collection(&self, name: &str) -> Result<()> {
        let name = name.to_owned();
        self.call(move |local| async move { local.drop_collection(&name).await })
    }

    /// Lists collections.
    ///
    /// # Errors
    /// `ShuttingDown`.
    pub fn list_collections(&self) -> Result<Vec<CollectionSpec>> {
        self.call(|local| async move { Ok(local.list_collections()) })
    }

    /// Describes a collection.
    ///
    /// # Errors
    /// See [`LocalEngine::describe`].
    pub fn describe(&self, name: &str) -> Result<CollectionInfo> {
        let name = name.to_owned();
        self.call(move |local| async move { local.describe(&name).await })
    }

    /// Upserts a batch.
    ///
    /// # Errors
    /// See [`LocalEngine::upsert`].
    pub fn upsert(&self, name: &str, ids: &[u64], vectors: &[f32]) -> Result<u64> {
        let (name, ids, vectors) = (name.to_owned(), ids.to_vec(), vectors.to_vec());
        self.call(move |local| async move { local.upsert(&name, &ids, &vectors).await })
    }

    /// Upserts a batch with one payload per id.
    ///
    /// # Errors
    /// See [`LocalEngine::upsert_with_payloads`].
    pub fn upsert_with_payloads(
        &self,
        name: &str,
        ids: &[u64],
        vectors: &[f32],
        payloads: &[&[u8]],
    ) -> Result<u64> {
        self.upsert_points(name, ids, vectors, Some(payloads), None)
    }

    /// Upserts whole points, with payloads and labels when given.
    ///
    /// # Errors
    /// See [`LocalEngine::upsert_points`].
    pub fn upsert_points(
        &self,
        name: &str,
        ids: &[u64],
        vectors: &[f32],
        payloads: Option<&[&[u8]]>,
        labels: Option<&[&[u64]]>,
    ) -> Result<u64> {
        let (name, ids, vectors) = (name.to_owned(), ids.to_vec(), vectors.to_vec());
        let payloads: Option<Vec<Vec<u8>>> =
            payloads.map(|payloads| payloads.iter().map(|p| p.to_vec()).collect());
        let labels: Option<Vec<Vec<u64>>> =
            labels.map(|labels| labels.iter().map(|l| l.to_vec()).collect());
        self.call(move |local| async move {
            let payloads: Option<Vec<&[u8]>> = payloads
                .as_ref()
                .map(|payloads| payloads.iter().map(Vec::as_slice).collect());
            let labels: Option<Vec<&[u64]>> = labels
                .as_ref()
                .map(|labels| labels.iter().map(Vec::as_slice).collect());
            local
                .upsert_points(
                    &name,
                    &ids,
                    &vectors,
                    payloads.as_deref(),
                    labels.as_deref(),
                )
                .await
        })
    }

    /// Replaces the payloads of existing points.
    ///
    /// # Errors
    /// See [`LocalEngine::set_payloads`].
    pub fn set_payloads(&self, name: &str, ids: &[u64], payloads: &[&[u8]]) -> Result<u64> {
        let (name, ids) = (name.to_owned(), ids.to_vec());
        let payloads: Vec<Vec<u8>> = payloads.iter().map(|p| p.to_vec()).collect();
        self.call(move |local| async move {
            let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
            local.set_payloads(&name, &ids, &payloads).await
        })
    }

    /// Replaces the labels of existing points.
    ///
    /// # Errors
    /// See [`LocalEngine::set_labels`].
    pub fn set_labels(&self, name: &str, ids: &[u64], labels: &[&[u64]]) -> Result<u64> {
        let (name, ids) = (name.to_owned(), ids.to_vec());
        let labels: Vec<Vec<u64>> = labels.iter().map(|l| l.to_vec()).collect();
        self.call(move |local| async move {
            let labels: Vec<&[u64]> = labels.iter().map(Vec::as_slice).collect();
            local.set_labels(&name, &ids, &labels).await
        })
    }

    /// Deletes ids.
    ///
    /// # Errors
    /// See [`LocalEngine::delete`].
    pub fn delete(&self, name: &str, ids: &[u64]) -> Result<u64> {
        let (name, ids) = (name.to_owned(), ids.to_vec());
        self.call(move |local| async move { local.delete(&name, &ids).await })
    }

    /// Fetches vectors by id.
    ///
    /// # Errors
    /// See [`LocalEngine::get`].
    pub fn get(&self, name: &str, ids: &[u64]) -> Result<Vec<Option<Vec<f32>>>> {
        let (name, ids) = (name.to_owned(), ids.to_vec());
        self.call(move |local| async move { local.get(&name, &ids).await })
    }

    /// Fetches vectors and payloads by id.
    ///
    /// # Errors
    /// See [`LocalEngine::get_with_payloads`].
    pub fn get_with_payloads(&self, name: &str, ids: &[u64]) -> Result<Vec<Option<Point>>> {
        let (name, ids) = (name.to_owned(), ids.to_vec());
        self.call(move |local| async move { local.get_with_payloads(&name, &ids).await })
    }

    /// Searches, returning each hit's payload too.
    ///
    /// # Errors
    /// See [`LocalEngine::search_with_payloads`].
    pub fn search_with_payloads(
        &self,
        name: &str,
        request: SearchRequest,
    ) -> Result<SearchResults> {
        let name = name.to_owned();
        self.call(move |local| async move { local.search_with_payloads(&name, request).await })
    }

    /// Searches (one or more queries).
    ///
    /// # Errors
    /// See [`LocalEngine::search`].
    pub fn search(&self, name: &str, request: SearchRequest) -> Result<Vec<Vec<Neighbor>>> {
        let name = name.to_owned();
        self.call(move |local| async move { local.search(&name, request).await })
    }

    /// Lists a page of the collection's points in ascending id order.
    ///
    /// # Errors
    /// See [`LocalEngine::scroll`].
    pub fn scroll(&self, name: &str, request: ScrollRequest) -> Result<ScrollPage> {
        let name = name.to_owned();
        self.call(move |local| async move { local.scroll(&name, request).await })
    }

    /// Snapshots one collection (or all) on every core.
    ///
    /// # Errors
    /// See [`LocalEngine::snapshot`].
    pub fn snapshot(&self, name: Option<&str>) -> Result<()> {
        let name = name.map(str::to_owned);
        self.call(move |local| async move { local.snapshot(name.as_deref()).await })
    }

    /// Waits until every shard of the collection has indexed all it holds.
    ///
    /// # Errors
    /// See [`LocalEngine::wait_indexed`].
    pub fn wait_indexed(&self, name: &str) -> Result<()> {
        let name = name.to_owned();
        self.call(move |local| async move { local.wait_indexed(&name).await })
    }

    /// Stops every core: new requests are refused, requests in flight finish, every WAL is
    /// made durable, then executors exit and are joined.
    ///
    /// # Errors
    /// The first core whose WAL could not be synced (its acknowledged writes were already
    /// durable in `sync` mode; in `interval` mode the last window may be lost).
    pub fn shutdown(mut self) -> Result<()> {
        self.stop()
    }

    /// Undoes a start that failed: no core has served anything yet, so there is nothing to
    /// drain. Dropping the barrier unsent stops every core, wherever it is in its start;
    /// dropping the inboxes drops any command queued for a core that will never read it.
    fn abort_start(&mut self) {
        self.go.clear();
        self.inboxes.clear();
        for thread in self.threads.drain(..) {
            if thread.join().is_err() {
                tracing::error!("an executor thread panicked while starting");
            }
        }
    }

    fn stop(&mut self) -> Result<()> {
        // Cores still waiting at the start barrier exit when it is dropped.
        self.go.clear();
        let acks: Vec<_> = self
            .inboxes
            .iter()
            .filter_map(|inbox| {
                let (tx, rx) = flume::bounded(1);
                inbox.send(Command::Quiesce(tx)).ok().map(|()| rx)
            })
            .collect();
        let mut outcome = Ok(());
        for ack in acks {
            if let Ok(Err(e)) = ack.recv() {
                tracing::error!(error = %e, "a core failed to make its WAL durable at shutdown");
                if outcome.is_ok() {
                    outcome = Err(e);
                }
            }
        }
        for inbox in &self.inboxes {
            let _ = inbox.send(Command::Exit);
        }
        self.inboxes.clear();
        for thread in self.threads.drain(..) {
            if thread.join().is_err() {
                tracing::error!("an executor thread panicked");
            }
        }
        outcome
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        if !self.threads.is_empty() {
            let _ = self.stop();
        }
    }
}

async fn serve_inbox(local: &Rc<LocalEngine>, inbox: &flume::Receiver<Command>) {
    while let Ok(command) = inbox.recv_async().await {
        match command {
            Command::Run(job) => job(local),
            Command::Quiesce(ack) => {
                local.begin_shutdown();
                local.drained().await;
                let _ = ack.send(local.sync_all().await);
            }
            Command::Exit => break,
        }
    }
}
