//! `LocalEngine`: the engine as seen from one core.
//!
//! Each core owns a `LocalEngine` (behind an `Rc`, never shared with another thread) that
//! holds the core's shards and its end of the mesh. A request arriving on any core — from the
//! network server on that core or from an ordinary thread through [`crate::Engine`] — is
//! coordinated here: split by owning shard (writes) or fanned out to every core holding a
//! shard of the collection (searches), with the local part done directly and the remote parts
//! sent as messages, then merged.
//!
//! Catalog changes (create, drop) are serialised on core 0, which then tells every core to
//! create or drop its local shards.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use corevec_storage::{DmaDirectory, Durability, ShardStore, WalConfig, WalRecord};

use crate::collection::{self, CollectionSpec, EF_MAX, K_MAX};
use crate::error::{Error, Result};
use crate::filter::{normalize_labels, Filter};
use crate::mesh::{CollectionKey, MeshMessage, MeshPort, QueryBatch, ShardRequest, ShardResponse};
use crate::persist;
use crate::rt::{self, Receivers, Semaphore, TaskQueues};
use crate::shard::{
    Compaction, CompactionPolicy, ExactScan, RetiredLayout, Shard, ShardParts, ShardStats,
    EXACT_SEARCH_BYTES_MAX, PAYLOAD_BYTES_MAX,
};
use crate::topk::{self, Neighbor, TopK};

/// Most vectors in one upsert, get or delete call.
pub const BATCH_MAX: usize = 65_536;
/// Most query vectors in one search call.
pub const QUERIES_MAX: usize = 4096;
/// Most points in one scroll page.
pub const SCROLL_LIMIT_MAX: usize = 4096;
/// Most bytes of vectors and payloads one get or search answer may hold: more could not be
/// sent in one response frame anyway (64 MiB). Larger answers fail with
/// [`Error::ResultTooLarge`] before they are copied together, so one small request cannot
/// make a core copy gigabytes (4,096 queries x k 1,024 x 64 KiB payloads).
pub const RESULT_BYTES_MAX: usize = 64 << 20;
/// `ef` used when a search does not say (raised to `k` when smaller).
pub const EF_DEFAULT: usize = 64;
const CATALOG_CORE: usize = 0;
/// CPU time the index builder uses before handing the core back (it finishes the insert in
/// progress, so a slice is at least one insert).
const BUILD_SLICE: Duration = Duration::from_micros(200);
/// After a failed compaction, how long before the shard is tried again.
const COMPACT_RETRY_AFTER: Duration = Duration::from_secs(60);
/// How long a read replica waits before asking its owner for a copy again, after the owner
/// could not send one (it is still recovering the collection, or has no credit).
const SEED_RETRY_AFTER: Duration = Duration::from_millis(2);
/// How long a create waits for the new collection's read replicas (empty, so copied at once
/// once their owners have the collection) before it returns anyway.
const CREATE_REPLICAS_WAIT: Duration = Duration::from_secs(5);
/// How long a read replica that could not apply a forwarded write (no memory) waits before
/// asking for a fresh copy; meanwhile the owner answers for the shard.
const RESEED_AFTER: Duration = Duration::from_secs(60);

/// A collection and the counters of all its shards.
#[derive(Clone, Debug)]
pub struct CollectionInfo {
    /// Its definition.
    pub spec: CollectionSpec,
    /// One entry per shard, ordered by shard number.
    pub shards: Vec<ShardStats>,
    /// With read replicas: one entry per (core, shard it does not own), ordered by core
    /// then shard.
    pub replicas: Vec<ReplicaInfo>,
}

/// One read replica (a core's copy of a shard another core owns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaInfo {
    /// The core holding it.
    pub core: usize,
    /// The shard it copies.
    pub shard: u32,
    /// It holds its owner's copy and follows its writes: searches on its core use it.
    pub ready: bool,
    /// Live vectors in it.
    pub vectors: u64,
    /// Slots not yet in its index.
    pub unindexed: u64,
    /// Sequence number of the next batch of its owner's writes it will apply.
    pub next_batch: u64,
}

impl CollectionInfo {
    /// Live vectors over all shards.
    pub fn vectors(&self) -> u64 {
        self.shards.iter().map(|s| s.vectors).sum()
    }

    /// Vector, index, payload and label bytes over all shards.
    pub fn bytes(&self) -> u64 {
        self.shards
            .iter()
            .map(|s| s.vector_bytes + s.index_bytes + s.payload_bytes + s.label_bytes)
            .sum()
    }
}

/// A search over one collection.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    /// `nq * dim` components: one or more query vectors.
    pub queries: Vec<f32>,
    /// Results per query, 1..=1024.
    pub k: usize,
    /// Search breadth; 0 picks `max(k, 64)`.
    pub ef: usize,
    /// Scan exhaustively instead of using the index.
    pub exact: bool,
    /// Only points whose labels match it are results; `None`: every point.
    pub filter: Option<Filter>,
    /// Only hits at most this distance from their query are results (a query may then get
    /// fewer than `k`); finite. `None`: no bound.
    pub max_distance: Option<f32>,
}

/// A stored point as read back.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// Its vector.
    pub vector: Vec<f32>,
    /// Its payload (empty when it has none, or when it was not asked for).
    pub payload: Vec<u8>,
    /// Its labels, sorted (empty when it has none).
    pub labels: Vec<u64>,
}

impl Point {
    /// The bytes of its vector, payload and labels (what [`RESULT_BYTES_MAX`] counts).
    pub fn bytes(&self) -> usize {
        4 * self.vector.len() + self.payload.len() + 8 * self.labels.len()
    }
}

/// A page of a collection's points in ascending id order (see [`LocalEngine::scroll`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ScrollRequest {
    /// The smallest id the page may hold.
    pub start_id: u64,
    /// Most points in the page, 1..=[`SCROLL_LIMIT_MAX`].
    pub limit: usize,
    /// Only points whose labels match it; `None`: every point.
    pub filter: Option<Filter>,
    /// Fill each point's vector (else it is left empty).
    pub with_vectors: bool,
    /// Fill each point's payload (else it is left empty).
    pub with_payloads: bool,
    /// Fill each point's labels (else they are left empty).
    pub with_labels: bool,
}

/// The answer to a [`ScrollRequest`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScrollPage {
    /// Up to `limit` points, ids strictly ascending, all `>= start_id`.
    pub points: Vec<(u64, Point)>,
    /// More points may follow the last one: ask again from its id + 1. Never set on an
    /// empty page, nor when the last id is `u64::MAX`.
    pub more: bool,
}

impl ScrollPage {
    /// The page of the union of `pages` (shards' or nodes' answers to the same request): the
    /// smallest `limit` ids, an id listed twice (replicas) once with its first point, and
    /// `more` when anything was held back. A part that says `more` is complete only up to its
    /// last id (a server cuts pages short to fit a frame), so nothing above the smallest such
    /// id is kept; for parts holding a full `limit` each, that changes nothing.
    pub fn merge(pages: impl IntoIterator<Item = ScrollPage>, limit: usize) -> ScrollPage {
        let mut complete_to: Option<u64> = None;
        let mut points = Vec::new();
        for page in pages {
            if let (true, Some((last, _))) = (page.more, page.points.last()) {
                complete_to = Some(complete_to.map_or(*last, |c| c.min(*last)));
            }
            points.extend(page.points);
        }
        // Stable: among equal ids the first part's point stays first and is kept.
        points.sort_by_key(|(id, _)| *id);
        points.dedup_by_key(|(id, _)| *id);
        if let Some(last) = complete_to {
            points.truncate(points.partition_point(|(id, _)| *id <= last));
        }
        let mut more = complete_to.is_some() || points.len() > limit;
        points.truncate(limit);
        // Nothing can follow u64::MAX; an empty page has nothing to continue from.
        more &= points.last().is_some_and(|(id, _)| *id < u64::MAX);
        ScrollPage { points, more }
    }
}

/// The answer to a search: per query, the hits best first, and when asked for, each hit's
/// payload in the same order.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchResults {
    /// Per query, up to `k` hits.
    pub neighbors: Vec<Vec<Neighbor>>,
    /// Per query, per hit, the payload; `None` unless asked for.
    pub payloads: Option<Vec<Vec<Vec<u8>>>>,
}

/// Where and how shards keep their data; `None` in [`LocalEngine`] means in memory only.
#[derive(Clone, Debug)]
pub struct Durable {
    /// The node's data directory.
    pub data_dir: PathBuf,
    /// WAL segment size and durability mode.
    pub wal: WalConfig,
    /// A shard snapshots itself once this many WAL bytes were written since its last one.
    pub snapshot_wal_bytes: u64,
    /// Writes that add data are refused while the file system has less free space; 0 = off.
    pub min_free_bytes: u64,
}

/// How often each core reads the data directory's free space (`statvfs`, microseconds) when
/// `min_free_bytes` is set, and the process's resident memory (`/proc/self/status`, tens of
/// microseconds) when `max_memory_bytes` is. A 64 MiB WAL segment takes far longer to fill.
const ROOM_POLL: Duration = Duration::from_millis(100);

/// How often the WAL segment preparer looks for a half-full active segment. A 64 MiB segment
/// takes well over 50 ms to fill even at full disk bandwidth, so this is never late.
pub const WAL_SPARE_POLL: Duration = Duration::from_millis(5);

/// One shard on this core, with its store when the engine is durable.
struct LocalShard {
    number: u32,
    shard: RefCell<Shard>,
    store: Option<ShardStore<DmaDirectory>>,
    snapshotting: Cell<bool>,
    /// Snapshots of this shard being encoded in slices ([`encode_in_slices`]); the
    /// background builder leaves the shard alone (no indexing, no compaction) while any is.
    encoding: Cell<u32>,
    /// When this process wrote or loaded the newest snapshot.
    snapshot_at: Cell<Option<Instant>>,
    /// The compaction in progress, driven by the core's background builder.
    compaction: RefCell<Option<Compaction>>,
    /// After a failed compaction: not before this instant.
    compact_retry_at: Cell<Option<Instant>>,
    /// While compacting: whether the shard's next background slice may index the old
    /// layout's unindexed slots instead of stepping the compaction (the two take turns; see
    /// [`LocalEngine::background_slice`]).
    index_during_compaction: Cell<bool>,
    /// For an owned shard of a collection with read replicas: the sequence number the next
    /// batch of applied records gets when it is forwarded to the replicas.
    forwarded: Cell<u64>,
    /// `Some` for a read replica (a copy of a shard another core owns), `None` for an owned
    /// shard.
    feed: Option<ReplicaFeed>,
}

/// Where a read replica stands (docs/DECISIONS.md, "Read replicas").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ReplicaState {
    /// Waiting for the owner's copy; forwarded batches are held until it arrives.
    Seeding,
    /// Equal to the owner as of every batch applied; searched in place of the owner.
    Ready,
    /// Could not apply a forwarded batch (no memory): not searched, batches are dropped,
    /// and a fresh copy is asked for after [`RESEED_AFTER`].
    Failed,
}

/// A read replica's position in its owner's stream of forwarded batches.
struct ReplicaFeed {
    state: Cell<ReplicaState>,
    /// Sequence number of the next batch to apply.
    next: Cell<u64>,
    /// Batches that arrived before their turn or before the copy, by sequence number.
    pending: RefCell<BTreeMap<u64, Arc<Vec<WalRecord>>>>,
}

impl LocalShard {
    fn new(number: u32, shard: Shard, store: Option<ShardStore<DmaDirectory>>) -> Self {
        Self {
            number,
            shard: RefCell::new(shard),
            store,
            snapshotting: Cell::new(false),
            encoding: Cell::new(0),
            snapshot_at: Cell::new(None),
            compaction: RefCell::new(None),
            compact_retry_at: Cell::new(None),
            index_during_compaction: Cell::new(false),
            forwarded: Cell::new(0),
            feed: None,
        }
    }

    /// Whether searches may use this shard: an owned shard always, a read replica once it
    /// holds its owner's copy.
    fn searchable(&self) -> bool {
        self.feed
            .as_ref()
            .is_none_or(|feed| feed.state.get() == ReplicaState::Ready)
    }

    /// Logs a failed compaction (no memory for the new arena) and holds the next attempt
    /// back for [`COMPACT_RETRY_AFTER`].
    fn compaction_failed(&self, spec: &CollectionSpec, error: Error) {
        tracing::warn!(collection = %spec.name, shard = self.number, %error,
            "shard compaction failed; retrying later");
        self.compact_retry_at
            .set(Some(Instant::now() + COMPACT_RETRY_AFTER));
    }

    /// The shard's counters plus its store's.
    fn stats(&self) -> ShardStats {
        let mut stats = self.shard.borrow().stats();
        stats.compacting = u64::from(self.compaction.borrow().is_some());
        if let Some(store) = &self.store {
            let wal = store.stats();
            stats.wal_bytes_written = wal.bytes_written;
            stats.wal_fsyncs = wal.fsyncs_count;
            stats.wal_groups = wal.groups_count;
            stats.wal_group_records = wal.group_records_sum;
            stats.wal_groups_overlapped = wal.groups_overlapped;
            stats.wal_bytes_since_snapshot = store.wal_bytes_since_snapshot();
            stats.wal_failed = u64::from(store.check_writable().is_err());
        }
        stats.snapshot_age_s = self.snapshot_at.get().map(|at| at.elapsed().as_secs());
        stats
    }
}

/// The shards of one collection that live on this core.
struct LocalCollection {
    spec: CollectionSpec,
    /// See [`CollectionKey::incarnation`].
    incarnation: u64,
    /// Every shard `s` with `s % cores == core`, ascending.
    shards: Vec<LocalShard>,
    /// With `spec.read_replicas`: a read replica of every other shard, ascending.
    replicas: Vec<LocalShard>,
    /// Set when the collection is dropped: its stores take no new work from then on (a task
    /// still holding the collection must not write into a directory that a collection
    /// re-created under the same name now owns).
    dropped: Cell<bool>,
    /// Tasks using the stores now ([`Self::use_stores`]); a drop waits for them.
    store_users: Cell<usize>,
}

impl LocalCollection {
    fn key(&self) -> CollectionKey {
        CollectionKey {
            name: self.spec.name.clone(),
            incarnation: self.incarnation,
        }
    }

    /// Admits one task to the stores (append, sync, snapshot, segment preparation) until the
    /// guard drops; `CollectionNotFound` once the collection is dropped.
    fn use_stores(&self) -> Result<Held<'_>> {
        if self.dropped.get() {
            return Err(Error::CollectionNotFound(self.spec.name.clone()));
        }
        self.store_users.set(self.store_users.get() + 1);
        Ok(Held(&self.store_users))
    }

    /// Marks the collection dropped and waits until no task uses its stores: after this, no
    /// file of its directory is touched again, so the directory can be removed and the name
    /// reused.
    async fn retire(&self) {
        self.dropped.set(true);
        while self.store_users.get() > 0 {
            rt::sleep(STORE_USERS_POLL).await;
        }
    }

    /// Read replica `replica` and its feed.
    fn replica(&self, replica: usize) -> (&LocalShard, &ReplicaFeed) {
        let local = &self.replicas[replica];
        let feed = local.feed.as_ref().expect("read replicas have a feed");
        (local, feed)
    }

    /// Whether this core can answer a search alone: every shard is owned here or has a
    /// ready read replica here.
    fn searchable_here(&self) -> bool {
        self.spec.read_replicas && self.replicas.iter().all(LocalShard::searchable)
    }

    fn local_index(&self, shard: u32) -> usize {
        self.shards
            .iter()
            .position(|s| s.number == shard)
            .unwrap_or_else(|| panic!("shard {shard} of {} is not on this core", self.spec.name))
    }
}

type BoxedAppend<'a> =
    Pin<Box<dyn Future<Output = corevec_storage::Result<corevec_storage::Lsn>> + 'a>>;

/// The engine on one core.
pub struct LocalEngine {
    mesh: MeshPort,
    queues: TaskQueues,
    durable: Option<Durable>,
    /// When the background builder compacts a shard.
    compaction: CompactionPolicy,
    /// Wakes the index builder after writes.
    index_kick: (flume::Sender<()>, flume::Receiver<()>),
    default_shards: u32,
    collections: RefCell<HashMap<String, Rc<LocalCollection>>>,
    /// Serialises catalog changes; only used on core 0.
    catalog_gate: Semaphore,
    /// The last incarnation handed to a created collection; only used on core 0.
    incarnations: Cell<u64>,
    shutting_down: Cell<bool>,
    in_flight: Cell<usize>,
    /// Free bytes of the data directory's file system while below `min_free_bytes`.
    disk_low: Cell<Option<u64>>,
    /// Refuse writes that add data above this many anonymous resident bytes; 0 = never.
    max_memory_bytes: u64,
    /// Anonymous resident bytes while above `max_memory_bytes`.
    memory_high: Cell<Option<u64>>,
}

/// Counts one holder (an admitted client request, a task using a collection's stores) until
/// dropped.
struct Held<'a>(&'a Cell<usize>);

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

impl LocalEngine {
    /// Builds this core's engine around its mesh port: recovers the core's shards from the
    /// data directory (if durable), then starts serving peers' requests and building indexes.
    ///
    /// # Errors
    /// A shard that cannot be recovered (corruption, I/O) stops the start, naming the file.
    pub(crate) async fn start(
        mesh: MeshPort,
        receivers: &mut Receivers<MeshMessage>,
        default_shards: u32,
        durable: Option<Durable>,
        compaction: CompactionPolicy,
        max_memory_bytes: u64,
    ) -> Result<Rc<Self>> {
        let engine = Rc::new(Self {
            mesh,
            queues: TaskQueues::create(),
            durable,
            compaction,
            index_kick: flume::bounded(1),
            default_shards,
            collections: RefCell::new(HashMap::new()),
            catalog_gate: Semaphore::new(1),
            incarnations: Cell::new(0),
            shutting_down: Cell::new(false),
            in_flight: Cell::new(0),
            disk_low: Cell::new(None),
            max_memory_bytes,
            memory_high: Cell::new(None),
        });
        for (peer, receiver) in receivers.streams() {
            let engine = Rc::clone(&engine);
            rt::spawn_into(engine.queues.foreground, async move {
                while let Some(message) = receiver.recv().await {
                    match message {
                        MeshMessage::Request { token, request } => {
                            let worker = Rc::clone(&engine);
                            rt::spawn_into(engine.queues.foreground, async move {
                                let result = worker.serve_peer(request).await;
                                worker.mesh.reply(peer, token, result);
                            });
                        }
                        MeshMessage::Reply { token, result } => {
                            engine.mesh.complete(peer, token, result)
                        }
                    }
                }
            });
        }
        rt::spawn_reactor_heartbeat(engine.queues.foreground, Duration::from_millis(10));
        engine.recover().await?;
        let builder = Rc::clone(&engine);
        rt::spawn_into(engine.queues.background, async move {
            builder.build_indexes().await
        });
        if engine.durable.is_some() {
            let preparer = Rc::clone(&engine);
            rt::spawn_into(engine.queues.background, async move {
                preparer.prepare_wal_segments().await
            });
        }
        let watch_disk = engine
            .durable
            .as_ref()
            .is_some_and(|d| d.min_free_bytes > 0);
        let watch_memory = engine.max_memory_bytes > 0;
        if watch_disk || watch_memory {
            let check = move |engine: &LocalEngine| {
                if watch_disk {
                    engine.check_disk_space();
                }
                if watch_memory {
                    engine.check_memory();
                }
            };
            // Read once before serving, then every ROOM_POLL.
            check(&engine);
            let watcher = Rc::clone(&engine);
            rt::spawn_into(engine.queues.background, async move {
                while !watcher.shutting_down.get() {
                    rt::sleep(ROOM_POLL).await;
                    check(&watcher);
                }
            });
        }
        if let Some(Durability::Interval(period)) =
            engine.durable.as_ref().map(|d| d.wal.durability)
        {
            let syncer = Rc::clone(&engine);
            rt::spawn_into(engine.queues.background, async move {
                syncer.sync_periodically(period).await
            });
        }
        Ok(engine)
    }

    /// Opens every collection of the catalog and this core's shards of it.
    async fn recover(self: &Rc<Self>) -> Result<()> {
        let Some(durable) = &self.durable else {
            return Ok(());
        };
        for spec in persist::read_catalog(&durable.data_dir)? {
            let started = Instant::now();
            let collection = self.open_collection(spec, 0).await?;
            let vectors: usize = collection
                .shards
                .iter()
                .map(|s| s.shard.borrow().len())
                .sum();
            tracing::info!(
                core = self.core(),
                collection = %collection.spec.name,
                shards = collection.shards.len(),
                vectors,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "recovered"
            );
            self.install_collection(collection);
        }
        Ok(())
    }

    /// Creates (or recovers) this core's shards of `spec`.
    async fn open_collection(
        &self,
        spec: CollectionSpec,
        incarnation: u64,
    ) -> Result<Rc<LocalCollection>> {
        let mut shards = Vec::new();
        for number in (0..spec.shards).filter(|&s| self.core_of_shard(s) == self.core()) {
            let (shard, store, snapshot_at) = match &self.durable {
                None => (Shard::new(&spec, number)?, None, None),
                Some(durable) => {
                    let dir = persist::shard_dir(&durable.data_dir, &spec.name, number);
                    // `write_catalog` made it before the collection existed: gone now, the
                    // shard's data is lost, and starting it empty would hide that.
                    if !dir.is_dir() {
                        return Err(Error::Catalog {
                            path: dir,
                            reason: "the shard's directory is missing: restore it from a \
                                     backup, or create it empty to accept the loss of this \
                                     shard's points"
                                .into(),
                        });
                    }
                    let (store, recovered) = ShardStore::open_dir(&dir, durable.wal).await?;
                    if let Some(torn) = &recovered.report.torn_tail {
                        tracing::warn!(file = %torn.file.display(), offset = torn.offset, reason = %torn.reason,
                            "truncated a torn WAL tail (never acknowledged)");
                    }
                    for ignored in &recovered.report.ignored_snapshots {
                        tracing::warn!(path = %ignored.path.display(), reason = %ignored.reason, "ignored an incomplete snapshot");
                    }
                    let mut shard = match &recovered.snapshot {
                        Some(snapshot) => persist::decode_shard(snapshot, &spec, number, &dir)?,
                        None => Shard::new(&spec, number)?,
                    };
                    shard.apply_all(recovered.records.iter().map(|(_, record)| record))?;
                    let snapshot_at = recovered.snapshot.as_ref().map(|_| Instant::now());
                    (shard, Some(store), snapshot_at)
                }
            };
            let local = LocalShard::new(number, shard, store);
            local.snapshot_at.set(snapshot_at);
            shards.push(local);
        }
        // Empty until the owners' copies arrive ([`Self::follow_owner`]); never on disk.
        let mut replicas = Vec::new();
        if spec.read_replicas {
            for number in (0..spec.shards).filter(|&s| self.core_of_shard(s) != self.core()) {
                let mut local = LocalShard::new(number, Shard::new(&spec, number)?, None);
                local.feed = Some(ReplicaFeed {
                    state: Cell::new(ReplicaState::Seeding),
                    next: Cell::new(0),
                    pending: RefCell::new(BTreeMap::new()),
                });
                replicas.push(local);
            }
        }
        self.kick_indexer();
        Ok(Rc::new(LocalCollection {
            spec,
            incarnation,
            shards,
            replicas,
            dropped: Cell::new(false),
            store_users: Cell::new(0),
        }))
    }

    /// Makes `collection` this core's open collection of its name and starts its read
    /// replicas following their owners.
    fn install_collection(self: &Rc<Self>, collection: Rc<LocalCollection>) {
        self.collections
            .borrow_mut()
            .insert(collection.spec.name.clone(), Rc::clone(&collection));
        for replica in 0..collection.replicas.len() {
            self.spawn_follower(&collection, replica, Duration::ZERO);
        }
    }

    /// Starts (after `delay`) a task that asks the owner of read replica `replica` for a
    /// copy and installs it.
    fn spawn_follower(
        self: &Rc<Self>,
        collection: &Rc<LocalCollection>,
        replica: usize,
        delay: Duration,
    ) {
        let engine = Rc::clone(self);
        let collection = Rc::clone(collection);
        rt::spawn_into(self.queues.background, async move {
            if !delay.is_zero() {
                rt::sleep(delay).await;
            }
            engine.follow_owner(&collection, replica).await;
        });
    }

    /// Brings read replica `replica` level with its owner: asks the owner for a copy (again
    /// and again while the owner cannot send one), installs it, then applies the batches that
    /// arrived meanwhile. From then on [`Self::serve_local`] applies each forwarded batch.
    ///
    /// Batches are held from the moment this starts, and the owner's copy includes every
    /// batch numbered below the sequence number it comes with, so none is missed.
    async fn follow_owner(self: &Rc<Self>, collection: &Rc<LocalCollection>, replica: usize) {
        let (local, feed) = collection.replica(replica);
        feed.state.set(ReplicaState::Seeding);
        let owner = self.core_of_shard(local.number);
        let started = Instant::now();
        loop {
            if self.shutting_down.get() || !self.is_open(collection) {
                return;
            }
            let request = ShardRequest::Seed {
                collection: collection.key(),
                shard: local.number,
            };
            let reply = match self.mesh.send(owner, request) {
                Ok(pending) => MeshPort::wait(owner, pending).await,
                Err(e) => Err(e),
            };
            let error = match reply {
                Ok(ShardResponse::Seed { seq, blobs }) => {
                    // Decoding a large shard (copying its vectors, validating the graph,
                    // building the id map) takes hundreds of ms: not on this core, which is
                    // serving its own shards meanwhile.
                    let (spec, number) = (collection.spec.clone(), local.number);
                    let decoded = rt::off_core(move || {
                        persist::decode_parts(
                            &|name| blobs.get(name),
                            corevec_storage::Lsn(seq),
                            &spec,
                            number,
                            std::path::Path::new("(the owner core's copy)"),
                        )
                    })
                    .await;
                    if self.shutting_down.get() || !self.is_open(collection) {
                        return;
                    }
                    let installed =
                        decoded.map(|parts| self.install_copy(collection, replica, seq, parts));
                    match installed {
                        Ok(()) => {
                            tracing::info!(core = self.core(), collection = %collection.spec.name,
                                shard = local.number, vectors = local.shard.borrow().len(),
                                elapsed_ms = started.elapsed().as_millis() as u64,
                                "read replica ready");
                            return;
                        }
                        Err(e) => e,
                    }
                }
                Ok(other) => Error::InvalidArgument(format!(
                    "unexpected answer to a copy request: {other:?}"
                )),
                Err(e) => e,
            };
            match error {
                // The owner has not recovered or created the collection yet, or is busy.
                Error::CollectionNotFound(_) | Error::Busy(_) => rt::sleep(SEED_RETRY_AFTER).await,
                error => {
                    tracing::error!(core = self.core(), collection = %collection.spec.name,
                        shard = local.number, %error,
                        "read replica could not copy its owner; the owner answers for it, retrying later");
                    rt::sleep(RESEED_AFTER).await;
                }
            }
        }
    }

    /// Replaces read replica `replica` with the owner's copy, decoded into `parts` (it holds
    /// every batch numbered below `seq`), then applies the held batches from `seq` on.
    fn install_copy(
        self: &Rc<Self>,
        collection: &Rc<LocalCollection>,
        replica: usize,
        seq: u64,
        parts: ShardParts,
    ) {
        let (local, feed) = collection.replica(replica);
        let copy = Shard::from_parts(local.number, &collection.spec, parts);
        // A compaction of the old contents would swap them back in.
        local.compaction.borrow_mut().take();
        // A copy taken again replaces a full shard.
        let old = std::mem::replace(&mut *local.shard.borrow_mut(), copy);
        rt::free_off_core(self.queues.background, RetiredLayout::of_shard(old));
        feed.next.set(seq);
        feed.pending.borrow_mut().retain(|&batch, _| batch >= seq);
        feed.state.set(ReplicaState::Ready);
        self.apply_forwarded(collection, replica);
        self.kick_indexer();
    }

    /// Applies read replica `replica`'s held batches whose turn has come. A batch that
    /// cannot be applied (no memory) fails the replica: the owner answers for the shard until
    /// a fresh copy is installed.
    fn apply_forwarded(self: &Rc<Self>, collection: &Rc<LocalCollection>, replica: usize) {
        let (local, feed) = collection.replica(replica);
        if feed.state.get() != ReplicaState::Ready {
            return;
        }
        loop {
            let next = feed.next.get();
            let Some(records) = feed.pending.borrow_mut().remove(&next) else {
                return;
            };
            let (_, outcome) = local.shard.borrow_mut().apply_counted(records.iter());
            if let Err(error) = outcome {
                tracing::error!(core = self.core(), collection = %collection.spec.name,
                    shard = local.number, %error,
                    "read replica could not apply its owner's writes; the owner answers for it");
                self.fail_replica(collection, replica, RESEED_AFTER);
                return;
            }
            feed.next.set(next + 1);
        }
    }

    /// Stops searching read replica `replica` (the owner answers for its shard) and drops
    /// its held batches, then after `delay` asks the owner for a fresh copy.
    fn fail_replica(
        self: &Rc<Self>,
        collection: &Rc<LocalCollection>,
        replica: usize,
        delay: Duration,
    ) {
        let (_, feed) = collection.replica(replica);
        feed.state.set(ReplicaState::Failed);
        feed.pending.borrow_mut().clear();
        self.spawn_follower(collection, replica, delay);
    }

    /// This core's collections, detached from the map so that a loop over them may await.
    fn collection_list(&self) -> Vec<Rc<LocalCollection>> {
        self.collections.borrow().values().cloned().collect()
    }

    fn kick_indexer(&self) {
        let _ = self.index_kick.0.try_send(());
    }

    /// Background task: indexes new slots and compacts shards, one [`BUILD_SLICE`] of work at
    /// a time, round-robin over this core's shards, handing the core back after every slice
    /// so that requests keep their latency (see [`rt::yield_to_foreground`] and
    /// docs/DECISIONS.md, "Index building"). Round-robin keeps one shard's long job (a bulk
    /// load, a compaction) from holding up the others.
    async fn build_indexes(self: Rc<Self>) {
        loop {
            let mut worked = false;
            for collection in self.collection_list() {
                let owned = collection
                    .shards
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (l, Some(i)));
                let replicas = collection.replicas.iter().map(|l| (l, None));
                for (local, index) in owned.chain(replicas) {
                    if self.shutting_down.get() {
                        return;
                    }
                    if local.searchable() && self.background_slice(&collection, local, index) {
                        worked = true;
                        rt::yield_to_foreground().await;
                    }
                }
            }
            if !worked {
                let _ = self.index_kick.1.recv_async().await;
            }
        }
    }

    /// One slice of background work on one shard, if it has any: the compaction in progress
    /// (taking turns with indexing the old layout's unindexed slots), else starting a
    /// compaction when one is due, else indexing its unindexed slots. Returns whether it did
    /// anything.
    ///
    /// While a shard compacts, its old layout's unindexed slots (written meanwhile, or left
    /// over from before) are indexed there too once scanning them would cost more than a
    /// graph search (more than [`EXACT_SEARCH_BYTES_MAX`] of vectors), every other slice; the
    /// compaction's second round copies them and indexes them again in the new layout. That
    /// work is thrown away with the old layout, so it is done only when searches need it, and
    /// taking turns keeps the compaction going under any write rate.
    ///
    /// `index` is the shard's place among the owned shards, `None` for a read replica (which
    /// is never snapshotted).
    fn background_slice(
        &self,
        collection: &Rc<LocalCollection>,
        local: &LocalShard,
        index: Option<usize>,
    ) -> bool {
        if local.encoding.get() > 0 {
            // A snapshot is copying the vectors and the graph in pieces (`encode_in_slices`);
            // the encoding kicks this builder when it is done.
            return false;
        }
        let slice = Instant::now();
        let mut compaction = local.compaction.borrow_mut();
        if compaction.is_some() {
            let index_turn = !local.index_during_compaction.get();
            local.index_during_compaction.set(index_turn);
            let mut shard = local.shard.borrow_mut();
            if index_turn && shard.unindexed_bytes() > EXACT_SEARCH_BYTES_MAX {
                while shard.index_next() && slice.elapsed() < BUILD_SLICE {}
                return true;
            }
        }
        let Some(running) = compaction.as_mut() else {
            let mut shard = local.shard.borrow_mut();
            let retry_due = local
                .compact_retry_at
                .get()
                .is_none_or(|at| Instant::now() >= at);
            // Before indexing: the compaction indexes every live vector anyway, and under a
            // steady stream of writes the index may never catch up.
            if retry_due && shard.wants_compaction(&self.compaction) {
                match shard.begin_compaction(&collection.spec) {
                    Ok(begun) => *compaction = Some(begun),
                    Err(error) => local.compaction_failed(&collection.spec, error),
                }
                return true;
            }
            if shard.unindexed() == 0 {
                return false;
            }
            // At least one insert per slice (one 384-d insert with the default parameters is
            // a few hundred microseconds on its own).
            while shard.index_next() && slice.elapsed() < BUILD_SLICE {}
            return true;
        };
        let built = loop {
            match running.step(&local.shard.borrow()) {
                Ok(true) if slice.elapsed() < BUILD_SLICE => {}
                Ok(more) => break !more,
                Err(error) => {
                    *compaction = None;
                    local.compaction_failed(&collection.spec, error);
                    return true;
                }
            }
        };
        if !built {
            return true;
        }
        let Some(built) = compaction.take() else {
            unreachable!("a running compaction was just stepped");
        };
        let finished = local.shard.borrow_mut().finish_compaction_retiring(built);
        match finished {
            Ok((report, retired)) => {
                rt::free_off_core(self.queues.background, retired);
                tracing::info!(collection = %collection.spec.name, shard = local.number,
                    slots_before = report.slots_before, slots_after = report.slots_after,
                    live = report.live, elapsed_ms = report.elapsed.as_millis() as u64,
                    "compacted shard");
                // A snapshot, so a restart loads the compacted layout; not for a collection
                // dropped meanwhile (its directory is gone).
                if let (Some(index), true) = (index, self.is_open(collection)) {
                    self.spawn_snapshot(collection, index, "snapshot after compaction failed");
                }
            }
            Err(error) => local.compaction_failed(&collection.spec, error),
        }
        true
    }

    /// Snapshots one shard in a background task; a failure is logged as `failed`.
    fn spawn_snapshot(&self, collection: &Rc<LocalCollection>, index: usize, failed: &'static str) {
        let collection = Rc::clone(collection);
        let kick = self.index_kick.0.clone();
        rt::spawn_into(self.queues.background, async move {
            match snapshot_shard(&collection, index, &kick).await {
                // Dropped meanwhile: its directory is gone or belongs to a new collection.
                Err(_) if collection.dropped.get() => {}
                Err(error) => {
                    tracing::error!(collection = %collection.spec.name, %error, "{failed}")
                }
                Ok(()) => {}
            }
        });
    }

    /// Whether `collection` is still this core's open collection of that name (not dropped,
    /// nor dropped and re-created).
    fn is_open(&self, collection: &Rc<LocalCollection>) -> bool {
        self.collections
            .borrow()
            .get(&collection.spec.name)
            .is_some_and(|open| Rc::ptr_eq(open, collection))
    }

    /// Reads the data directory's free space and updates `disk_low` (logged on core 0 when it
    /// changes). A failed `statvfs` keeps the last state.
    fn check_disk_space(&self) {
        let Some(durable) = &self.durable else {
            return;
        };
        let space = match corevec_storage::file_system_space(&durable.data_dir) {
            Ok(space) => space,
            Err(error) => {
                tracing::debug!(%error, "cannot read the data directory's free space");
                return;
            }
        };
        let low = (space.available_bytes < durable.min_free_bytes).then_some(space.available_bytes);
        let was_low = self.disk_low.replace(low).is_some();
        if self.core() == CATALOG_CORE && was_low != low.is_some() {
            let (free_mib, min_mib) = (space.available_bytes >> 20, durable.min_free_bytes >> 20);
            if low.is_some() {
                tracing::warn!(free_mib, min_mib, "data directory low on space: refusing writes that add data until space is freed");
            } else {
                tracing::info!(
                    free_mib,
                    min_mib,
                    "data directory has space again: taking writes"
                );
            }
        }
    }

    /// Reads the process's anonymous resident memory and updates `memory_high` (logged on
    /// core 0 when it changes). A failed read keeps the last state.
    fn check_memory(&self) {
        let resident_bytes = match rt::anonymous_resident_bytes() {
            Ok(bytes) => bytes,
            Err(error) => {
                tracing::debug!(%error, "cannot read the process's resident memory");
                return;
            }
        };
        let high = (resident_bytes > self.max_memory_bytes).then_some(resident_bytes);
        let was_high = self.memory_high.replace(high).is_some();
        if self.core() == CATALOG_CORE && was_high != high.is_some() {
            let (resident_mib, max_mib) = (resident_bytes >> 20, self.max_memory_bytes >> 20);
            if high.is_some() {
                tracing::warn!(
                    resident_mib,
                    max_mib,
                    "memory above the limit: refusing writes that add data until memory is freed"
                );
            } else {
                tracing::info!(
                    resident_mib,
                    max_mib,
                    "memory below the limit again: taking writes"
                );
            }
        }
    }

    /// `Err(DiskLow)` while the data directory is below its free-space minimum, and
    /// `Err(MemoryHigh)` while the process is above its memory limit: the checks of a write
    /// that adds data.
    fn check_room(&self) -> Result<()> {
        if let (Some(available_bytes), Some(durable)) = (self.disk_low.get(), &self.durable) {
            return Err(Error::DiskLow {
                available_bytes,
                min_free_bytes: durable.min_free_bytes,
            });
        }
        match self.memory_high.get() {
            Some(resident_bytes) => Err(Error::MemoryHigh {
                resident_bytes,
                max_memory_bytes: self.max_memory_bytes,
            }),
            None => Ok(()),
        }
    }

    /// Background task: prepares each WAL's next segment (zero-filled for small groups) once
    /// the active one is half full, so rotation never makes writers wait for it.
    async fn prepare_wal_segments(self: Rc<Self>) {
        while !self.shutting_down.get() {
            rt::sleep(WAL_SPARE_POLL).await;
            let collections = self.collection_list();
            for collection in collections {
                let Ok(_stores) = collection.use_stores() else {
                    continue;
                };
                for store in collection.shards.iter().filter_map(|s| s.store.as_ref()) {
                    if !store.wants_next_segment() {
                        continue;
                    }
                    if let Err(e) = store.prepare_next_segment().await {
                        tracing::warn!(collection = %collection.spec.name, error = %e, "could not prepare the next WAL segment; rotation will create it");
                    }
                }
            }
        }
    }

    /// Background task for `Durability::Interval`: syncs stores whose deadline passed, and
    /// sleeps until the earliest deadline still ahead (at most `period`), so a record waits
    /// for its sync at most `period` after the last one plus the sync itself, also when that
    /// last sync was not this task's (a rotation's, a snapshot's); waking every `period`
    /// regardless would let it wait up to twice that.
    async fn sync_periodically(self: Rc<Self>, period: Duration) {
        const WAIT_MIN: Duration = Duration::from_millis(1);
        let mut wait = period;
        while !self.shutting_down.get() {
            rt::sleep(wait).await;
            let mut next = Instant::now() + period;
            let collections = self.collection_list();
            for collection in collections {
                let Ok(_stores) = collection.use_stores() else {
                    continue;
                };
                for store in collection.shards.iter().filter_map(|s| s.store.as_ref()) {
                    match store.sync_deadline() {
                        Some(deadline) if deadline <= Instant::now() => {
                            if let Err(e) = store.sync().await {
                                tracing::error!(collection = %collection.spec.name, error = %e, "periodic WAL sync failed");
                            }
                        }
                        Some(deadline) => next = next.min(deadline),
                        None => {}
                    }
                }
            }
            wait = next.saturating_duration_since(Instant::now()).max(WAIT_MIN);
        }
    }

    /// Makes every store durable (shutdown). Call after [`Self::drained`].
    ///
    /// # Errors
    /// The first store that fails to sync.
    pub async fn sync_all(&self) -> Result<()> {
        let collections = self.collection_list();
        let mut first_error = None;
        for collection in collections {
            for store in collection.shards.iter().filter_map(|s| s.store.as_ref()) {
                // Every healthy store is synced even when another one failed.
                if let Err(e) = store.sync().await {
                    tracing::error!(collection = %collection.spec.name, error = %e, "WAL sync at shutdown failed");
                    first_error.get_or_insert(e);
                }
            }
        }
        first_error.map_or(Ok(()), |e| Err(e.into()))
    }

    /// This core's ordinal (0-based).
    pub fn core(&self) -> usize {
        self.mesh.core()
    }

    /// Number of cores the engine runs on.
    pub fn cores(&self) -> usize {
        self.mesh.cores()
    }

    /// This core's task queues (the server spawns connection tasks into `foreground`).
    pub fn queues(&self) -> TaskQueues {
        self.queues
    }

    /// From now on new requests fail with `ShuttingDown`; peers' requests are still served.
    pub fn begin_shutdown(&self) {
        self.shutting_down.set(true);
    }

    /// Closes this core's mesh senders (last step of shutdown).
    pub(crate) fn close_mesh(&self) {
        self.mesh.close();
    }

    /// Admits a client request unless shutting down; the guard counts it as in flight.
    fn enter(&self) -> Result<Held<'_>> {
        if self.shutting_down.get() {
            return Err(Error::ShuttingDown);
        }
        self.in_flight.set(self.in_flight.get() + 1);
        Ok(Held(&self.in_flight))
    }

    /// Resolves once no client request admitted on this core is still running.
    pub async fn drained(&self) {
        while self.in_flight.get() > 0 {
            rt::sleep(std::time::Duration::from_millis(1)).await;
        }
    }

    fn collection(&self, name: &str) -> Result<Rc<LocalCollection>> {
        self.collections
            .borrow()
            .get(name)
            .cloned()
            .ok_or_else(|| Error::CollectionNotFound(name.to_owned()))
    }

    /// The open collection `key` names: `CollectionNotFound` once it has been dropped, even
    /// when a collection of the same name has been created since.
    fn collection_at(&self, key: &CollectionKey) -> Result<Rc<LocalCollection>> {
        let collection = self.collection(&key.name)?;
        if collection.incarnation != key.incarnation {
            return Err(Error::CollectionNotFound(key.name.clone()));
        }
        Ok(collection)
    }

    fn core_of_shard(&self, shard: u32) -> usize {
        shard as usize % self.cores()
    }

    /// Cores holding at least one shard of a collection with `shards` shards.
    fn cores_of(&self, shards: u32) -> std::ops::Range<usize> {
        0..self.cores().min(shards as usize)
    }

    // ----- Requests a client can make (on any core). -----

    /// Creates a collection on every core. `spec.shards == 0` picks the default.
    ///
    /// # Errors
    /// `InvalidArgument`, `CollectionExists`, or a core's failure.
    pub async fn create_collection(
        self: &Rc<Self>,
        mut spec: CollectionSpec,
    ) -> Result<CollectionSpec> {
        let _in_flight = self.enter()?;
        // A new collection creates a WAL segment per shard.
        self.check_room()?;
        if spec.shards == 0 {
            spec.shards = self.default_shards;
        }
        spec.validate()?;
        if self.core() == CATALOG_CORE {
            self.create_coordinated(spec.clone()).await?;
        } else {
            let pending = self
                .mesh
                .send(CATALOG_CORE, ShardRequest::CreateCoordinated(spec.clone()))?;
            MeshPort::wait(CATALOG_CORE, pending).await?;
        }
        Ok(spec)
    }

    /// Drops a collection on every core.
    ///
    /// # Errors
    /// `CollectionNotFound`, or a core's failure.
    pub async fn drop_collection(self: &Rc<Self>, name: &str) -> Result<()> {
        let _in_flight = self.enter()?;
        collection::validate_name(name)?;
        if self.core() == CATALOG_CORE {
            self.drop_coordinated(name.to_owned()).await
        } else {
            let pending = self
                .mesh
                .send(CATALOG_CORE, ShardRequest::DropCoordinated(name.to_owned()))?;
            MeshPort::wait(CATALOG_CORE, pending).await.map(|_| ())
        }
    }

    /// The definition of one collection, if this core knows it.
    pub fn spec(&self, name: &str) -> Option<CollectionSpec> {
        self.collections.borrow().get(name).map(|c| c.spec.clone())
    }

    /// The collections this core knows, sorted by name.
    pub fn list_collections(&self) -> Vec<CollectionSpec> {
        let mut specs: Vec<CollectionSpec> = self
            .collections
            .borrow()
            .values()
            .map(|c| c.spec.clone())
            .collect();
        specs.sort_by(|a, b| a.name.cmp(&b.name));
        specs
    }

    /// A collection's definition and the counters of every shard.
    ///
    /// # Errors
    /// `CollectionNotFound`, or a core's failure.
    pub async fn describe(self: &Rc<Self>, name: &str) -> Result<CollectionInfo> {
        let _in_flight = self.enter()?;
        let collection = self.collection(name)?;
        let requests = self
            .cores_of(collection.spec.shards)
            .map(|core| (core, ShardRequest::Stats(name.to_owned())));
        let mut shards = Vec::new();
        for response in self.fan_out(requests.collect()).await? {
            if let ShardResponse::Stats(stats) = response {
                shards.extend(stats);
            }
        }
        shards.sort_by_key(|s| s.shard);
        let mut replicas = Vec::new();
        if collection.spec.read_replicas {
            let requests = (0..self.cores())
                .map(|core| (core, ShardRequest::Replicas(name.to_owned())))
                .collect();
            for response in self.fan_out(requests).await? {
                if let ShardResponse::Replicas(infos) = response {
                    replicas.extend(infos);
                }
            }
        }
        Ok(CollectionInfo {
            spec: collection.spec.clone(),
            shards,
            replicas,
        })
    }

    /// Inserts or replaces vectors; `vectors` holds `ids.len() * dim` components.
    ///
    /// A batch is applied shard by shard; if a shard fails the call fails and the other
    /// shards' parts may already be applied (retrying is safe: upserts are idempotent).
    ///
    /// # Errors
    /// `DimensionMismatch`, `InvalidVector`, `InvalidArgument` (batch too large),
    /// `CollectionNotFound`, `Busy`, or a core's failure.
    pub async fn upsert(self: &Rc<Self>, name: &str, ids: &[u64], vectors: &[f32]) -> Result<u64> {
        self.upsert_points(name, ids, vectors, None, None).await
    }

    /// [`Self::upsert`] with one payload per id (opaque bytes, at most
    /// [`PAYLOAD_BYTES_MAX`] each; empty: none). A point's payload is replaced with it.
    ///
    /// # Errors
    /// As [`Self::upsert`], and `InvalidArgument` when the payload count differs from the
    /// id count or a payload is too large.
    pub async fn upsert_with_payloads(
        self: &Rc<Self>,
        name: &str,
        ids: &[u64],
        vectors: &[f32],
        payloads: &[&[u8]],
    ) -> Result<u64> {
        self.upsert_points(name, ids, vectors, Some(payloads), None)
            .await
    }

    /// Upserts whole points: [`Self::upsert`] with, optionally, one payload per id (as in
    /// [`Self::upsert_with_payloads`]) and one label list per id (at most
    /// [`LABELS_PER_POINT_MAX`](crate::LABELS_PER_POINT_MAX) each; stored sorted and deduplicated; empty: none). A point's
    /// payload and labels are replaced with these (`None`: it has none afterwards).
    ///
    /// # Errors
    /// As [`Self::upsert_with_payloads`], and `InvalidArgument` when the label list count
    /// differs from the id count or a point has too many labels.
    pub async fn upsert_points(
        self: &Rc<Self>,
        name: &str,
        ids: &[u64],
        vectors: &[f32],
        payloads: Option<&[&[u8]]>,
        labels: Option<&[&[u64]]>,
    ) -> Result<u64> {
        let _in_flight = self.enter()?;
        let collection = self.collection(name)?;
        check_batch(ids.len())?;
        // Checked here, on the core that received the write, and not again on the shards'
        // cores, so that a batch is refused whole or not at all. Cores poll the free space and
        // the memory independently, up to 100 ms apart: the minimum's margin absorbs that.
        self.check_room()?;
        collection::validate_vectors(ids, vectors, collection.spec.dim, collection.spec.metric)?;
        if let Some(payloads) = payloads {
            validate_payloads(ids.len(), payloads)?;
        }
        let labels = labels
            .map(|labels| normalize_label_lists(ids.len(), labels))
            .transpose()?;
        let dim = collection.spec.dim;
        let requests = self
            .split_rows(&collection.spec, ids)
            .map(|(core, rows)| {
                let vectors = rows
                    .iter()
                    .flat_map(|&row| &vectors[row * dim..(row + 1) * dim])
                    .copied()
                    .collect();
                (
                    core,
                    ShardRequest::Upsert {
                        collection: collection.key(),
                        ids: rows.iter().map(|&row| ids[row]).collect(),
                        vectors,
                        payloads: payloads.map(|payloads| {
                            rows.iter().map(|&row| payloads[row].to_vec()).collect()
                        }),
                        labels: labels
                            .as_ref()
                            .map(|labels| rows.iter().map(|&row| labels[row].clone()).collect()),
                    },
                )
            })
            .collect();
        self.fan_out(requests).await?;
        Ok(ids.len() as u64)
    }

    /// Replaces the payloads of `ids` (one each; empty: none), keeping their vectors and
    /// labels; returns how many of them were live (absent ids are skipped).
    ///
    /// Each live point's payload is replaced in place on its core (checked, applied and
    /// logged as a small SetPayload record in one synchronous step, so it cannot race another
    /// write to the same id): the vector is neither logged again nor re-indexed.
    ///
    /// # Errors
    /// `CollectionNotFound`, `InvalidArgument` (batch too large, payload count or size),
    /// `Busy`, or a core's failure.
    pub async fn set_payloads(
        self: &Rc<Self>,
        name: &str,
        ids: &[u64],
        payloads: &[&[u8]],
    ) -> Result<u64> {
        validate_payloads(ids.len(), payloads)?;
        let payloads: Vec<Vec<u8>> = payloads.iter().map(|p| p.to_vec()).collect();
        self.set_in_place(name, ids, Some(payloads), None).await
    }

    /// Replaces the labels of `ids` (one list each, as in [`Self::upsert_points`]; empty:
    /// none), keeping their vectors and payloads; returns how many of them were live (absent
    /// ids are skipped). Replaced in place like [`Self::set_payloads`] (a SetLabels record).
    ///
    /// # Errors
    /// `CollectionNotFound`, `InvalidArgument` (batch too large, label list count or size),
    /// `Busy`, or a core's failure.
    pub async fn set_labels(
        self: &Rc<Self>,
        name: &str,
        ids: &[u64],
        labels: &[&[u64]],
    ) -> Result<u64> {
        let labels = normalize_label_lists(ids.len(), labels)?;
        self.set_in_place(name, ids, None, Some(labels)).await
    }

    /// Sends each point of `ids` to its core to have the given payload or labels (one per id;
    /// `None`: kept) replaced in place when it is live.
    async fn set_in_place(
        self: &Rc<Self>,
        name: &str,
        ids: &[u64],
        payloads: Option<Vec<Vec<u8>>>,
        labels: Option<Vec<Vec<u64>>>,
    ) -> Result<u64> {
        let _in_flight = self.enter()?;
        let collection = self.collection(name)?;
        check_batch(ids.len())?;
        self.check_room()?;
        let requests = self
            .split_rows(&collection.spec, ids)
            .map(|(core, rows)| {
                (
                    core,
                    ShardRequest::SetInPlace {
                        collection: collection.key(),
                        ids: rows.iter().map(|&row| ids[row]).collect(),
                        payloads: payloads.as_ref().map(|payloads| {
                            rows.iter().map(|&row| payloads[row].clone()).collect()
                        }),
                        labels: labels
                            .as_ref()
                            .map(|labels| rows.iter().map(|&row| labels[row].clone()).collect()),
                    },
                )
            })
            .collect();
        self.fan_out_counted(requests).await
    }

    /// Deletes ids; returns how many were live (an id repeated in `ids` counts once).
    ///
    /// # Errors
    /// `CollectionNotFound`, `InvalidArgument` (batch too large), `Busy`, or a core's failure.
    pub async fn delete(self: &Rc<Self>, name: &str, ids: &[u64]) -> Result<u64> {
        let _in_flight = self.enter()?;
        let collection = self.collection(name)?;
        check_batch(ids.len())?;
        let requests = self
            .split_ids(&collection.spec, ids)
            .map(|(core, ids)| {
                (
                    core,
                    ShardRequest::Delete {
                        collection: collection.key(),
                        ids,
                    },
                )
            })
            .collect();
        self.fan_out_counted(requests).await
    }

    /// The vectors of `ids`, in order; `None` for absent ids.
    ///
    /// # Errors
    /// `CollectionNotFound`, `InvalidArgument` (batch too large), `Busy`, or a core's failure.
    pub async fn get(self: &Rc<Self>, name: &str, ids: &[u64]) -> Result<Vec<Option<Vec<f32>>>> {
        let points = self.get_points(name, ids, false).await?;
        Ok(points
            .into_iter()
            .map(|point| point.map(|p| p.vector))
            .collect())
    }

    /// The vectors and payloads of `ids`, in order; `None` for absent ids.
    ///
    /// # Errors
    /// As [`Self::get`].
    pub async fn get_with_payloads(
        self: &Rc<Self>,
        name: &str,
        ids: &[u64],
    ) -> Result<Vec<Option<Point>>> {
        self.get_points(name, ids, true).await
    }

    /// [`Self::get`] or [`Self::get_with_payloads`] as `with_payloads` says (payloads are left
    /// empty, and not copied, when it is false).
    ///
    /// # Errors
    /// As [`Self::get`].
    pub async fn get_points(
        self: &Rc<Self>,
        name: &str,
        ids: &[u64],
        with_payloads: bool,
    ) -> Result<Vec<Option<Point>>> {
        let _in_flight = self.enter()?;
        let collection = self.collection(name)?;
        check_batch(ids.len())?;
        let requests = self
            .split_ids(&collection.spec, ids)
            .map(|(core, ids)| {
                (
                    core,
                    ShardRequest::Get {
                        collection: collection.key(),
                        ids,
                        with_payloads,
                    },
                )
            })
            .collect();
        let mut found: HashMap<u64, Point> = HashMap::new();
        for response in self.fan_out(requests).await? {
            if let ShardResponse::Points(pairs) = response {
                found.extend(pairs.into_iter().filter_map(|(id, p)| p.map(|p| (id, p))));
            }
        }
        // An id named many times is copied as many times: count before copying.
        let bytes: usize = ids
            .iter()
            .filter_map(|id| found.get(id))
            .map(Point::bytes)
            .sum();
        check_result_bytes(bytes)?;
        Ok(ids.iter().map(|id| found.get(id).cloned()).collect())
    }

    /// A page of the collection's live points in ascending id order: the smallest
    /// `request.limit` ids `>= request.start_id` (matching the filter, when given) over every
    /// shard, and whether more follow. Paging is stateless: ask for the next page from the
    /// last id + 1. A point that exists for a whole scroll and keeps its id is listed exactly
    /// once; one written or deleted meanwhile may or may not be.
    ///
    /// Each shard walks its ids in order from `start_id` (see [`Shard::scroll`]).
    ///
    /// # Errors
    /// `CollectionNotFound`, `InvalidArgument` (limit out of range, a bad filter), `Busy`, or
    /// a core's failure.
    pub async fn scroll(self: &Rc<Self>, name: &str, request: ScrollRequest) -> Result<ScrollPage> {
        let _in_flight = self.enter()?;
        let collection = self.collection(name)?;
        if request.limit == 0 || request.limit > SCROLL_LIMIT_MAX {
            return Err(Error::InvalidArgument(format!(
                "scroll limit {} out of range 1..={SCROLL_LIMIT_MAX}",
                request.limit
            )));
        }
        let limit = request.limit;
        let request = ScrollRequest {
            filter: request.filter.map(Filter::normalized).transpose()?,
            ..request
        };
        let requests = self
            .cores_of(collection.spec.shards)
            .map(|core| {
                (
                    core,
                    ShardRequest::Scroll {
                        collection: collection.key(),
                        request: request.clone(),
                    },
                )
            })
            .collect();
        let pages = self
            .fan_out(requests)
            .await?
            .into_iter()
            .filter_map(|r| match r {
                ShardResponse::Page(page) => Some(page),
                _ => None,
            });
        Ok(ScrollPage::merge(pages, limit))
    }

    /// Searches every shard and merges: per query, the `k` nearest live vectors, best first,
    /// ties broken by id.
    ///
    /// # Errors
    /// `DimensionMismatch`, `InvalidVector`, `InvalidArgument`, `CollectionNotFound`, `Busy`.
    pub async fn search(
        self: &Rc<Self>,
        name: &str,
        request: SearchRequest,
    ) -> Result<Vec<Vec<Neighbor>>> {
        Ok(self.search_points(name, request, false).await?.neighbors)
    }

    /// [`Self::search`], also returning each hit's payload. A hit's payload is read from its
    /// shard right after that shard's search (an index search) or at the end of its scan
    /// (an exact search); a point deleted in between gets an empty payload.
    ///
    /// # Errors
    /// As [`Self::search`].
    pub async fn search_with_payloads(
        self: &Rc<Self>,
        name: &str,
        request: SearchRequest,
    ) -> Result<SearchResults> {
        self.search_points(name, request, true).await
    }

    /// [`Self::search`] or [`Self::search_with_payloads`] as `with_payloads` says.
    ///
    /// # Errors
    /// As [`Self::search`].
    pub async fn search_points(
        self: &Rc<Self>,
        name: &str,
        request: SearchRequest,
        with_payloads: bool,
    ) -> Result<SearchResults> {
        let _in_flight = self.enter()?;
        let collection = self.collection(name)?;
        let nq = collection::validate_queries(
            &request.queries,
            collection.spec.dim,
            collection.spec.metric,
        )?;
        if nq > QUERIES_MAX {
            return Err(Error::InvalidArgument(format!(
                "{nq} queries in one call; at most {QUERIES_MAX}"
            )));
        }
        if request.k == 0 || request.k > K_MAX {
            return Err(Error::InvalidArgument(format!(
                "k {} out of range 1..={K_MAX}",
                request.k
            )));
        }
        if request.ef > EF_MAX {
            return Err(Error::InvalidArgument(format!(
                "ef {} out of range 0..={EF_MAX}",
                request.ef
            )));
        }
        if request.max_distance.is_some_and(|d| !d.is_finite()) {
            return Err(Error::InvalidArgument(
                "max_distance must be a finite number".into(),
            ));
        }
        let filter = request.filter.map(Filter::normalized).transpose()?;
        let k = request.k;
        let max_distance = request.max_distance;
        let batch = Arc::new(QueryBatch {
            collection: collection.key(),
            queries: request.queries,
            k,
            ef: if request.ef == 0 {
                EF_DEFAULT.max(k)
            } else {
                request.ef.max(k)
            },
            exact: request.exact,
            with_payloads,
            filter,
            with_replicas: collection.searchable_here(),
        });
        // With ready read replicas this core holds every shard: no fan-out.
        let cores = if batch.with_replicas {
            self.core()..self.core() + 1
        } else {
            self.cores_of(collection.spec.shards)
        };
        let requests = cores.map(|core| (core, ShardRequest::Search(Arc::clone(&batch))));
        let mut per_query: Vec<Vec<Vec<Neighbor>>> = (0..nq).map(|_| Vec::new()).collect();
        let mut payloads_of: Vec<HashMap<u64, Vec<u8>>> = (0..nq).map(|_| HashMap::new()).collect();
        for response in self.fan_out(requests.collect()).await? {
            if let ShardResponse::Neighbors(lists, payloads) = response {
                if let Some(payloads) = payloads {
                    for ((list, payloads), of) in lists.iter().zip(payloads).zip(&mut payloads_of) {
                        of.extend(list.iter().map(|n| n.id).zip(payloads));
                    }
                }
                for (q, list) in lists.into_iter().enumerate() {
                    per_query[q].push(list);
                }
            }
        }
        // The k nearest within the bound are the k nearest, cut at the bound.
        let neighbors: Vec<Vec<Neighbor>> = per_query
            .into_iter()
            .map(|partials| {
                let mut nearest = topk::merge(partials, k);
                if let Some(max) = max_distance {
                    nearest.retain(|n| n.distance <= max);
                }
                nearest
            })
            .collect();
        let payloads = with_payloads.then(|| payloads_for(&neighbors, payloads_of));
        Ok(SearchResults {
            neighbors,
            payloads,
        })
    }

    /// Resolves once every shard of the collection has indexed everything it holds.
    ///
    /// # Errors
    /// `CollectionNotFound`, `Busy`, or a core's failure.
    pub async fn wait_indexed(self: &Rc<Self>, name: &str) -> Result<()> {
        let _in_flight = self.enter()?;
        let collection = self.collection(name)?;
        // Poll the shards' counters rather than park a request on each core: a large build
        // takes longer than any peer reply timeout should be.
        // Read replicas are searched too, so they are waited for: on every core.
        let cores = if collection.spec.read_replicas {
            0..self.cores()
        } else {
            self.cores_of(collection.spec.shards)
        };
        loop {
            let requests = cores
                .clone()
                .map(|core| (core, ShardRequest::Unindexed(name.to_owned())))
                .collect();
            let unindexed = self.fan_out_counted(requests).await?;
            if unindexed == 0 {
                return Ok(());
            }
            rt::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Snapshots every shard of `name` (or of every collection when `None`) on every core.
    ///
    /// # Errors
    /// `InvalidArgument` when the engine runs in memory, `CollectionNotFound`, or a storage
    /// failure.
    pub async fn snapshot(self: &Rc<Self>, name: Option<&str>) -> Result<()> {
        let _in_flight = self.enter()?;
        if self.durable.is_none() {
            return Err(Error::InvalidArgument(
                "snapshots need a data directory; this engine runs in memory".into(),
            ));
        }
        if let Some(name) = name {
            self.collection(name)?;
        }
        let requests =
            (0..self.cores()).map(|core| (core, ShardRequest::Snapshot(name.map(str::to_owned))));
        self.fan_out(requests.collect()).await.map(|_| ())
    }

    // ----- Coordination. -----

    /// Per core owning some of `ids`, the rows (indices into `ids`) it owns, in order.
    fn split_rows(
        &self,
        spec: &CollectionSpec,
        ids: &[u64],
    ) -> impl Iterator<Item = (usize, Vec<usize>)> {
        let mut per_core: Vec<Vec<usize>> = vec![Vec::new(); self.cores()];
        for (row, &id) in ids.iter().enumerate() {
            per_core[self.core_of_shard(spec.shard_of(id))].push(row);
        }
        per_core
            .into_iter()
            .enumerate()
            .filter(|(_, rows)| !rows.is_empty())
    }

    /// Per core owning some of `ids`, the ids it owns, in order.
    fn split_ids<'a>(
        &self,
        spec: &CollectionSpec,
        ids: &'a [u64],
    ) -> impl Iterator<Item = (usize, Vec<u64>)> + 'a {
        self.split_rows(spec, ids)
            .map(move |(core, rows)| (core, rows.iter().map(|&row| ids[row]).collect()))
    }

    /// [`Self::fan_out`] of write requests each answered with a count; their sum.
    async fn fan_out_counted(self: &Rc<Self>, requests: Vec<(usize, ShardRequest)>) -> Result<u64> {
        let mut total = 0;
        for response in self.fan_out(requests).await? {
            if let ShardResponse::Count(n) = response {
                total += n;
            }
        }
        Ok(total)
    }

    /// Sends each request to its core (the local one runs here), then gathers the answers in
    /// request order. Remote requests are all sent before the local work starts so that the
    /// cores work in parallel.
    async fn fan_out(
        self: &Rc<Self>,
        requests: Vec<(usize, ShardRequest)>,
    ) -> Result<Vec<ShardResponse>> {
        let mut pending = Vec::with_capacity(requests.len());
        let mut local = None;
        for (core, request) in requests {
            if core == self.core() {
                local = Some(request);
            } else {
                pending.push((core, self.mesh.send(core, request)?));
            }
        }
        let mut responses = Vec::with_capacity(pending.len() + 1);
        if let Some(request) = local {
            responses.push(self.serve_local(request).await?);
        }
        for (core, reply) in pending {
            responses.push(MeshPort::wait(core, reply).await?);
        }
        Ok(responses)
    }

    async fn create_coordinated(self: &Rc<Self>, spec: CollectionSpec) -> Result<()> {
        debug_assert_eq!(self.core(), CATALOG_CORE);
        let _permit = self
            .catalog_gate
            .acquire_permit(1)
            .await
            .map_err(|_| Error::ShuttingDown)?;
        if self.collections.borrow().contains_key(&spec.name) {
            return Err(Error::CollectionExists(spec.name));
        }
        if let Some(durable) = &self.durable {
            // Directory creation and three fsyncs: on the blocking pool, not on the core.
            let (data_dir, written) = (durable.data_dir.clone(), spec.clone());
            rt::off_core(move || persist::write_catalog(&data_dir, &written)).await?;
        }
        // Every core learns the collection, including cores that hold none of its shards.
        let incarnation = self.incarnations.get() + 1;
        self.incarnations.set(incarnation);
        let requests = (0..self.cores()).map(|core| {
            (
                core,
                ShardRequest::CreateLocal {
                    spec: spec.clone(),
                    incarnation,
                },
            )
        });
        self.fan_out(requests.collect()).await.map(|_| ())
    }

    async fn drop_coordinated(self: &Rc<Self>, name: String) -> Result<()> {
        debug_assert_eq!(self.core(), CATALOG_CORE);
        let _permit = self
            .catalog_gate
            .acquire_permit(1)
            .await
            .map_err(|_| Error::ShuttingDown)?;
        if !self.collections.borrow().contains_key(&name) {
            return Err(Error::CollectionNotFound(name));
        }
        let requests = (0..self.cores()).map(|core| (core, ShardRequest::DropLocal(name.clone())));
        self.fan_out(requests.collect()).await?;
        if let Some(durable) = &self.durable {
            // Deleting a large collection's files takes as long as the file system needs:
            // on the blocking pool, not on the core.
            let data_dir = durable.data_dir.clone();
            rt::off_core(move || persist::remove_collection(&data_dir, &name)).await?;
        }
        Ok(())
    }

    // ----- Work on this core's own shards. -----

    /// Serves a request from a peer core.
    async fn serve_peer(self: &Rc<Self>, request: ShardRequest) -> Result<ShardResponse> {
        match request {
            ShardRequest::CreateCoordinated(spec) => self
                .create_coordinated(spec)
                .await
                .map(|()| ShardResponse::Done),
            ShardRequest::DropCoordinated(name) => self
                .drop_coordinated(name)
                .await
                .map(|()| ShardResponse::Done),
            request => self.serve_local(request).await,
        }
    }

    /// Does `request` on this core's shards.
    async fn serve_local(self: &Rc<Self>, request: ShardRequest) -> Result<ShardResponse> {
        match request {
            ShardRequest::CreateCoordinated(_) | ShardRequest::DropCoordinated(_) => {
                unreachable!("coordination requests are served by serve_peer")
            }
            ShardRequest::CreateLocal { spec, incarnation } => {
                let collection = self.open_collection(spec, incarnation).await?;
                self.install_collection(Rc::clone(&collection));
                // The collection is new, so its copies are ready as soon as their owners
                // have created it too: the create returns with every core searching alone.
                let started = Instant::now();
                while !collection.replicas.iter().all(LocalShard::searchable)
                    && started.elapsed() < CREATE_REPLICAS_WAIT
                {
                    rt::sleep(SEED_RETRY_AFTER).await;
                }
                Ok(ShardResponse::Done)
            }
            ShardRequest::DropLocal(name) => {
                let dropped = self.collections.borrow_mut().remove(&name);
                if let Some(collection) = dropped {
                    collection.retire().await;
                }
                Ok(ShardResponse::Done)
            }
            ShardRequest::Upsert {
                collection,
                ids,
                vectors,
                payloads,
                labels,
            } => {
                let collection = self.collection_at(&collection)?;
                let dim = collection.spec.dim;
                let mut groups: Vec<Vec<WalRecord>> =
                    (0..collection.shards.len()).map(|_| Vec::new()).collect();
                let mut payloads = payloads.map(Vec::into_iter);
                let mut labels = labels.map(Vec::into_iter);
                for (id, vector) in ids.iter().zip(vectors.chunks_exact(dim)) {
                    let payload = payloads.as_mut().and_then(Iterator::next);
                    let labels = labels.as_mut().and_then(Iterator::next);
                    groups[collection.local_index(collection.spec.shard_of(*id))].push(
                        WalRecord::Upsert {
                            id: *id,
                            vector: vector.to_vec(),
                            payload: payload.unwrap_or_default(),
                            labels: labels.unwrap_or_default(),
                        },
                    );
                }
                self.apply_and_log(&collection, &groups).await?;
                self.kick_indexer();
                Ok(ShardResponse::Count(ids.len() as u64))
            }
            ShardRequest::Delete { collection, ids } => {
                let collection = self.collection_at(&collection)?;
                let mut groups: Vec<Vec<WalRecord>> =
                    (0..collection.shards.len()).map(|_| Vec::new()).collect();
                // An id repeated in the batch is deleted (and counted) once.
                let mut seen = HashSet::with_capacity(ids.len());
                for id in ids {
                    let index = collection.local_index(collection.spec.shard_of(id));
                    if seen.insert(id) && collection.shards[index].shard.borrow().get(id).is_some()
                    {
                        groups[index].push(WalRecord::Delete { id });
                    }
                }
                let deleted = groups.iter().map(Vec::len).sum::<usize>();
                self.apply_and_log(&collection, &groups).await?;
                if deleted > 0 {
                    // Tombstones may make a shard due for compaction.
                    self.kick_indexer();
                }
                Ok(ShardResponse::Count(deleted as u64))
            }
            ShardRequest::SetInPlace {
                collection,
                ids,
                payloads,
                labels,
            } => {
                let collection = self.collection_at(&collection)?;
                let mut groups: Vec<Vec<WalRecord>> =
                    (0..collection.shards.len()).map(|_| Vec::new()).collect();
                let mut payloads = payloads.map(Vec::into_iter);
                let mut labels = labels.map(Vec::into_iter);
                let mut updated = 0u64;
                for id in ids {
                    let new_payload = payloads.as_mut().and_then(Iterator::next);
                    let new_labels = labels.as_mut().and_then(Iterator::next);
                    let index = collection.local_index(collection.spec.shard_of(id));
                    // Only live points are updated (and logged): a replay then finds them.
                    if collection.shards[index].shard.borrow().get(id).is_none() {
                        continue;
                    }
                    updated += 1;
                    if let Some(payload) = new_payload {
                        groups[index].push(WalRecord::SetPayload { id, payload });
                    }
                    if let Some(labels) = new_labels {
                        groups[index].push(WalRecord::SetLabels { id, labels });
                    }
                }
                // No await between checking the ids above and applying the records here.
                self.apply_and_log(&collection, &groups).await?;
                Ok(ShardResponse::Count(updated))
            }
            ShardRequest::Snapshot(name) => {
                let collections: Vec<Rc<LocalCollection>> = match name {
                    Some(name) => vec![self.collection(&name)?],
                    None => self.collection_list(),
                };
                for collection in collections {
                    for index in 0..collection.shards.len() {
                        snapshot_shard_covering_now(&collection, index, &self.index_kick.0).await?;
                    }
                }
                Ok(ShardResponse::Done)
            }
            ShardRequest::Get {
                collection,
                ids,
                with_payloads,
            } => {
                let collection = self.collection_at(&collection)?;
                // Each id once, however often the request names it; the answer's bytes are
                // counted as it grows.
                let mut seen = HashSet::with_capacity(ids.len());
                let mut bytes = 0usize;
                let mut found = Vec::with_capacity(ids.len());
                for id in ids.into_iter().filter(|id| seen.insert(*id)) {
                    let local =
                        &collection.shards[collection.local_index(collection.spec.shard_of(id))];
                    let shard = local.shard.borrow();
                    let point = shard.get_with_payload(id).map(|(vector, payload)| Point {
                        vector: vector.to_vec(),
                        payload: if with_payloads {
                            payload.to_vec()
                        } else {
                            Vec::new()
                        },
                        labels: shard.labels(id).unwrap_or_default().to_vec(),
                    });
                    bytes += point.as_ref().map_or(0, Point::bytes);
                    check_result_bytes(bytes)?;
                    found.push((id, point));
                }
                Ok(ShardResponse::Points(found))
            }
            ShardRequest::Scroll {
                collection,
                request,
            } => {
                let collection = self.collection_at(&collection)?;
                let pages = collection
                    .shards
                    .iter()
                    .map(|local| scroll_shard(&local.shard.borrow(), &request));
                Ok(ShardResponse::Page(ScrollPage::merge(pages, request.limit)))
            }
            ShardRequest::Search(batch) => {
                let collection = self.collection_at(&batch.collection)?;
                let (lists, payloads) = search_local(&collection, &batch).await?;
                Ok(ShardResponse::Neighbors(lists, payloads))
            }
            ShardRequest::Stats(name) => {
                let collection = self.collection(&name)?;
                Ok(ShardResponse::Stats(
                    collection.shards.iter().map(LocalShard::stats).collect(),
                ))
            }
            ShardRequest::Replicas(name) => {
                let collection = self.collection(&name)?;
                let infos = collection.replicas.iter().map(|local| {
                    let shard = local.shard.borrow();
                    ReplicaInfo {
                        core: self.core(),
                        shard: local.number,
                        ready: local.searchable(),
                        vectors: shard.len() as u64,
                        unindexed: shard.unindexed() as u64,
                        next_batch: local.feed.as_ref().map_or(0, |feed| feed.next.get()),
                    }
                });
                Ok(ShardResponse::Replicas(infos.collect()))
            }
            ShardRequest::Unindexed(name) => {
                let collection = self.collection(&name)?;
                let unindexed = collection
                    .shards
                    .iter()
                    .chain(&collection.replicas)
                    .map(|local| match local.feed.as_ref().map(|f| f.state.get()) {
                        Some(ReplicaState::Seeding) => 1,
                        // Not searched, so not waited for.
                        Some(ReplicaState::Failed) => 0,
                        Some(ReplicaState::Ready) | None => local.shard.borrow().unindexed() as u64,
                    })
                    .sum();
                Ok(ShardResponse::Count(unindexed))
            }
            ShardRequest::Seed { collection, shard } => {
                let collection = self.collection_at(&collection)?;
                let Some(index) = collection.shards.iter().position(|l| l.number == shard) else {
                    return Err(Error::InvalidArgument(format!(
                        "shard {shard} of {} is not owned by core {}",
                        collection.spec.name,
                        self.core()
                    )));
                };
                // Encoded as background work, as snapshots are. The copy's sequence number is
                // taken with the encoding's start: the copy holds exactly the batches numbered
                // below it.
                let kick = self.index_kick.0.clone();
                let encoding = rt::spawn_task_into(self.queues.background, async move {
                    let local = &collection.shards[index];
                    encode_in_slices(local, &collection.spec, &kick, |l| l.forwarded.get()).await
                });
                let (seq, blobs) = encoding.await?;
                Ok(ShardResponse::Seed { seq, blobs })
            }
            ShardRequest::Replicate {
                collection,
                shard,
                seq,
                records,
            } => {
                let collection = self.collection_at(&collection)?;
                let Some(replica) = collection.replicas.iter().position(|l| l.number == shard)
                else {
                    return Err(Error::InvalidArgument(format!(
                        "core {} holds no read replica of shard {shard} of {}",
                        self.core(),
                        collection.spec.name
                    )));
                };
                let (_, feed) = collection.replica(replica);
                // Older than the copy installed: already in it. Failed: a fresh copy will
                // include it.
                if seq >= feed.next.get() && feed.state.get() != ReplicaState::Failed {
                    feed.pending.borrow_mut().insert(seq, records);
                    self.apply_forwarded(&collection, replica);
                    self.kick_indexer();
                }
                // Batches wait for a missing one only while concurrent writers' sends cross,
                // and the owner's credits towards this core bound those; four times as many
                // waiting means it was lost (see `forward_to_replicas`).
                if feed.state.get() == ReplicaState::Ready
                    && feed.pending.borrow().len() > 4 * self.mesh.credits_per_peer()
                {
                    tracing::error!(core = self.core(), collection = %collection.spec.name,
                        shard, next = feed.next.get(),
                        "read replica missed a write; copying its owner again");
                    self.fail_replica(&collection, replica, Duration::ZERO);
                }
                Ok(ShardResponse::Done)
            }
        }
    }
}

impl LocalEngine {
    /// Applies each shard's records to memory, then appends them to that shard's WAL and
    /// waits until they are durable (per the durability mode).
    ///
    /// Every append is started (and its LSNs assigned) in the same synchronous stretch as
    /// its application, so memory and log order agree even with concurrent writers. Readers
    /// may see a write before it is durable; a write whose append fails is reported to the
    /// client as failed (it may still be visible until restart, and may or may not be there
    /// after it: it was never acknowledged). Once a shard's WAL has failed, writes to it are
    /// rejected before they touch memory.
    ///
    /// With read replicas, what was applied is also forwarded to every other core (numbered
    /// in the same synchronous stretch), and the call returns once those cores hold it too.
    async fn apply_and_log(
        &self,
        collection: &Rc<LocalCollection>,
        groups: &[Vec<WalRecord>],
    ) -> Result<()> {
        // Held until the appends are done: a drop waits for them.
        let _stores = collection.use_stores()?;
        // The free-space minimum and the memory limit are not checked here: the core that
        // received the write checked them for the whole batch (`check_room`), and a check per
        // shard core could refuse one core's part of a batch after another core applied its
        // own (the engine_memory test found exactly that).
        // A shard whose WAL has failed rejects the whole request before anything is applied:
        // memory must not move ahead of a log that can no longer follow it.
        for (local, records) in collection.shards.iter().zip(groups) {
            if let (false, Some(store)) = (records.is_empty(), &local.store) {
                store.check_writable()?;
            }
        }
        let mut appends: Vec<BoxedAppend<'_>> = Vec::new();
        let mut forwards = Vec::new();
        let mut failure = None;
        for (local, records) in collection.shards.iter().zip(groups) {
            if records.is_empty() {
                continue;
            }
            // A record that cannot be applied (no memory to grow the arena) stops the request
            // there, but what was applied before it is logged all the same: memory never runs
            // ahead of the log (a later logged write could depend on it).
            let (applied, outcome) = local.shard.borrow_mut().apply_counted(records);
            // What was applied goes to the read replicas too, numbered in the same synchronous
            // stretch, so they apply it in this order whatever order it reaches them in.
            if applied > 0 && collection.spec.read_replicas && self.cores() > 1 {
                let seq = local.forwarded.get();
                local.forwarded.set(seq + 1);
                forwards.push((local.number, seq, Arc::new(records[..applied].to_vec())));
            }
            if let (true, Some(store)) = (applied > 0, &local.store) {
                let mut append: BoxedAppend<'_> = Box::pin(store.append(&records[..applied]));
                // First poll now: this assigns the LSNs before any other task can apply.
                match futures_lite::future::poll_once(&mut append).await {
                    Some(Ok(_)) => {}
                    Some(Err(e)) => {
                        failure.get_or_insert(Error::from(e));
                    }
                    None => appends.push(append),
                }
            }
            if let Err(e) = outcome {
                failure.get_or_insert(e);
            }
            if failure.is_some() {
                break;
            }
        }
        // The replicas hold the write before it is acknowledged, so a search on any core
        // finds it then. A write that may not have reached a replica (not sent, no answer)
        // fails; a replica that took it but could not apply it fails alone (the owner
        // answers for it).
        let (replicated, unsent) = self.forward_to_replicas(collection, forwards).await;
        if let Some(e) = unsent {
            failure.get_or_insert(e);
        }
        // Every append started is awaited, also after a failure.
        for append in appends {
            if let Err(e) = append.await {
                failure.get_or_insert(Error::from(e));
            }
        }
        for (core, reply) in replicated {
            match MeshPort::wait(core, reply).await {
                // Dropped meanwhile on that core: nothing to follow any more.
                Ok(_) | Err(Error::CollectionNotFound(_)) => {}
                // The replica may not hold the write: it is not acknowledged.
                Err(error @ (Error::Timeout { .. } | Error::ShuttingDown)) => {
                    failure.get_or_insert(error);
                }
                Err(error) => tracing::warn!(core, collection = %collection.spec.name, %error,
                    "a read replica did not answer a forwarded write"),
            }
        }
        if let Some(error) = failure {
            return Err(error);
        }
        if let Some(durable) = &self.durable {
            for (index, local) in collection.shards.iter().enumerate() {
                let due = local
                    .store
                    .as_ref()
                    .is_some_and(|s| s.wal_bytes_since_snapshot() >= durable.snapshot_wal_bytes);
                if due && !local.snapshotting.get() {
                    self.spawn_snapshot(collection, index, "automatic snapshot failed");
                }
            }
        }
        Ok(())
    }

    /// Sends each `(shard, seq, records)` batch to every other core (each holds a read
    /// replica of the shard), waiting for credits rather than dropping a batch; returns the
    /// replies to wait for, and the error of a batch that could not be sent at all (the peer
    /// took no request for [`crate::mesh::PEER_REPLY_TIMEOUT`]): the write then fails, and
    /// the replica, seeing a gap, copies its owner again.
    async fn forward_to_replicas(
        &self,
        collection: &LocalCollection,
        forwards: Vec<(u32, u64, Arc<Vec<WalRecord>>)>,
    ) -> (Vec<(usize, crate::mesh::PendingReply)>, Option<Error>) {
        let mut replies = Vec::new();
        let mut unsent = None;
        for (shard, seq, records) in forwards {
            for core in (0..self.cores()).filter(|&core| core != self.core()) {
                let request = ShardRequest::Replicate {
                    collection: collection.key(),
                    shard,
                    seq,
                    records: Arc::clone(&records),
                };
                match self.mesh.send_when_credit(core, request).await {
                    Ok(reply) => replies.push((core, reply)),
                    Err(error) => {
                        tracing::error!(core, collection = %collection.spec.name,
                            shard, seq, %error, "could not forward a write to a read replica");
                        unsent.get_or_insert(error);
                    }
                }
            }
        }
        (replies, unsent)
    }
}

/// How often a requested snapshot looks whether the automatic one it waits for is done.
const SNAPSHOT_WAIT_POLL: Duration = Duration::from_millis(2);
/// How often a drop looks whether the collection's stores are still in use.
const STORE_USERS_POLL: Duration = Duration::from_millis(2);

/// A requested snapshot (SNAPSHOT, `corevec backup`): when it returns, the shard's newest
/// snapshot reflects every record appended before the call. An automatic snapshot already
/// being written may have taken its LSN earlier, so it is waited for, then this one is taken
/// (a no-op when nothing was appended since).
async fn snapshot_shard_covering_now(
    collection: &Rc<LocalCollection>,
    index: usize,
    kick: &flume::Sender<()>,
) -> Result<()> {
    let local = &collection.shards[index];
    let appended = local.store.as_ref().map(ShardStore::last_lsn);
    while local.snapshotting.get() {
        rt::sleep(SNAPSHOT_WAIT_POLL).await;
    }
    snapshot_shard(collection, index, kick).await?;
    if let (Some(store), Some(appended)) = (&local.store, appended) {
        debug_assert!(
            store.snapshot_lsn().is_some_and(|lsn| lsn >= appended),
            "a requested snapshot of shard {} ends before LSN {appended}",
            local.number
        );
    }
    Ok(())
}

/// Writes a snapshot of one local shard (no-op when one is already being written or the
/// engine is in memory). `kick` wakes the core's background builder once the encoding is
/// done (see [`encode_in_slices`]).
async fn snapshot_shard(
    collection: &Rc<LocalCollection>,
    index: usize,
    kick: &flume::Sender<()>,
) -> Result<()> {
    let local = &collection.shards[index];
    let Some(store) = &local.store else {
        return Ok(());
    };
    let _stores = collection.use_stores()?;
    if local.snapshotting.replace(true) {
        return Ok(());
    }
    let started = Instant::now();
    // The LSN is taken with the encoding's start: the blobs reflect exactly the records up to
    // it.
    let encoded = encode_in_slices(local, &collection.spec, kick, |_| store.last_lsn()).await;
    let result = match encoded {
        Ok((lsn, blobs)) => {
            let written = store.write_snapshot(lsn, &blobs.files()).await;
            // Hundreds of MiB for a large shard: unmapping them would hold the core.
            rt::off_core(move || drop(blobs)).await;
            written.map_err(Error::from)
        }
        Err(e) => Err(e),
    };
    local.snapshotting.set(false);
    if result.is_ok() {
        local.snapshot_at.set(Some(Instant::now()));
        tracing::info!(collection = %collection.spec.name, shard = local.number,
            elapsed_ms = started.elapsed().as_millis() as u64, "snapshot written");
    }
    result
}

/// Slots (or graph nodes) an encoding copies between two looks at the clock: about 64 KiB
/// of vectors.
fn encode_step_slots(dim: usize) -> u32 {
    ((64 << 10) / (dim * 4)).clamp(1, 1 << 16) as u32
}

/// Encodes a snapshot of `local` ([`persist::ShardEncoder`]) without holding the core for
/// longer than a background slice at a time: the small blobs in one synchronous stretch,
/// together with `taken(local)` (what else the snapshot must agree with: the LSN, the number
/// of the next forwarded batch), then the vectors and the graph's level-0 rows
/// [`BUILD_SLICE`] by [`BUILD_SLICE`], handing the core back in between as index building
/// does. Writes and searches go on meanwhile; the background builder leaves the shard alone
/// (no indexing, no compaction) until the end, when `kick` wakes it.
async fn encode_in_slices<T>(
    local: &LocalShard,
    spec: &CollectionSpec,
    kick: &flume::Sender<()>,
    taken: impl FnOnce(&LocalShard) -> T,
) -> Result<(T, persist::SnapshotBlobs)> {
    /// Counts the encoding in `LocalShard::encoding` for as long as it lives (a dropped
    /// future included).
    struct Encoding<'a>(&'a LocalShard, &'a flume::Sender<()>);
    impl Drop for Encoding<'_> {
        fn drop(&mut self) {
            self.0.encoding.set(self.0.encoding.get() - 1);
            let _ = self.1.try_send(());
        }
    }
    local.encoding.set(local.encoding.get() + 1);
    let _encoding = Encoding(local, kick);
    let (taken, mut encoder) = {
        let shard = local.shard.borrow();
        (taken(local), persist::ShardEncoder::begin(&shard, spec)?)
    };
    let step = encode_step_slots(spec.dim);
    loop {
        let slice = Instant::now();
        let more = {
            let shard = local.shard.borrow();
            let mut more = true;
            while more && slice.elapsed() < BUILD_SLICE {
                more = encoder.copy_next(&shard, step);
            }
            more
        };
        if !more {
            return Ok((taken, encoder.finish()));
        }
        rt::yield_to_foreground().await;
    }
}

/// One shard's part of a scroll page, with the parts of each point `request` asks for.
fn scroll_shard(shard: &Shard, request: &ScrollRequest) -> ScrollPage {
    let (ids, more) = shard.scroll(request.start_id, request.limit, request.filter.as_ref());
    let points = ids
        .into_iter()
        .map(|id| {
            let (vector, payload) = shard
                .get_with_payload(id)
                .expect("an id Shard::scroll listed is live");
            let point = Point {
                vector: if request.with_vectors {
                    vector.to_vec()
                } else {
                    Vec::new()
                },
                payload: if request.with_payloads {
                    payload.to_vec()
                } else {
                    Vec::new()
                },
                labels: match (request.with_labels, shard.labels(id)) {
                    (true, Some(labels)) => labels.to_vec(),
                    _ => Vec::new(),
                },
            };
            (id, point)
        })
        .collect();
    ScrollPage { points, more }
}

/// Refuses an answer that has grown past [`RESULT_BYTES_MAX`].
fn check_result_bytes(bytes: usize) -> Result<()> {
    if bytes > RESULT_BYTES_MAX {
        return Err(Error::ResultTooLarge {
            max: RESULT_BYTES_MAX,
        });
    }
    Ok(())
}

fn check_batch(len: usize) -> Result<()> {
    if len > BATCH_MAX {
        return Err(Error::InvalidArgument(format!(
            "batch of {len} ids; at most {BATCH_MAX}"
        )));
    }
    Ok(())
}

/// One normalized label list per id (see [`crate::filter::normalize_labels`]); an error
/// names the point.
fn normalize_label_lists(ids: usize, labels: &[&[u64]]) -> Result<Vec<Vec<u64>>> {
    if labels.len() != ids {
        return Err(Error::InvalidArgument(format!(
            "{} label lists for {ids} ids",
            labels.len()
        )));
    }
    labels
        .iter()
        .enumerate()
        .map(|(index, labels)| {
            normalize_labels(labels).map_err(|e| match e {
                Error::InvalidArgument(reason) => {
                    Error::InvalidArgument(format!("point {index}: {reason}"))
                }
                other => other,
            })
        })
        .collect()
}

/// Checks one payload per id, none over [`PAYLOAD_BYTES_MAX`].
fn validate_payloads(ids: usize, payloads: &[&[u8]]) -> Result<()> {
    if payloads.len() != ids {
        return Err(Error::InvalidArgument(format!(
            "{} payloads for {ids} ids",
            payloads.len()
        )));
    }
    if let Some((index, payload)) = payloads
        .iter()
        .enumerate()
        .find(|(_, payload)| payload.len() > PAYLOAD_BYTES_MAX)
    {
        return Err(Error::InvalidArgument(format!(
            "payload of point {index} is {} bytes; at most {PAYLOAD_BYTES_MAX}",
            payload.len()
        )));
    }
    Ok(())
}

/// Per query, the payloads of `neighbors` taken from `payloads_of` (id → payload); a hit
/// whose payload is not there (deleted while the search ran) gets an empty one.
fn payloads_for(
    neighbors: &[Vec<Neighbor>],
    mut payloads_of: Vec<HashMap<u64, Vec<u8>>>,
) -> Vec<Vec<Vec<u8>>> {
    neighbors
        .iter()
        .zip(&mut payloads_of)
        .map(|(list, of)| {
            list.iter()
                .map(|n| of.remove(&n.id).unwrap_or_default())
                .collect()
        })
        .collect()
}

/// Per query, the top-k over this core's shards of the collection, and when the batch asks
/// for them, each hit's payload. Long searches yield to other tasks on the core between pieces of work (a block of slots for exact scans, one
/// query for index searches), so one big request cannot stall the core's other connections.
/// Each shard's lists are merged into the running top-k as soon as they are complete, and
/// only the payloads of hits still in it are kept, so memory stays O(queries x k).
///
/// # Errors
/// `ResultTooLarge` as soon as the payloads held pass [`RESULT_BYTES_MAX`].
async fn search_local(
    collection: &LocalCollection,
    batch: &QueryBatch,
) -> Result<(Vec<Vec<Neighbor>>, Option<Vec<Vec<Vec<u8>>>>)> {
    /// Query-vector distance computations between yields in an exact scan.
    const SCAN_WORK_PER_TURN: usize = 1 << 16;
    let dim = collection.spec.dim;
    let nq = batch.queries.len() / dim;
    let mut best: Vec<Vec<Neighbor>> = (0..nq).map(|_| Vec::new()).collect();
    let mut payloads_of: Vec<HashMap<u64, Vec<u8>>> = (0..nq).map(|_| HashMap::new()).collect();
    let payload_bytes = Cell::new(0usize);
    // Read in the same synchronous stretch as the hits, so a payload matches its vector.
    let note_payloads =
        |shard: &Shard, list: &[Neighbor], of: &mut HashMap<u64, Vec<u8>>| -> Result<()> {
            if batch.with_payloads {
                for n in list {
                    if let Some(payload) = shard.payload(n.id) {
                        payload_bytes.set(payload_bytes.get() + payload.len());
                        check_result_bytes(payload_bytes.get())?;
                        of.insert(n.id, payload.to_vec());
                    }
                }
            }
            Ok(())
        };
    let replicas = if batch.with_replicas {
        collection.replicas.as_slice()
    } else {
        &[]
    };
    for local in collection.shards.iter().chain(replicas) {
        let filter = batch.filter.as_ref();
        let lists = if batch.exact {
            let mut tops: Vec<TopK> = (0..nq).map(|_| TopK::new(batch.k)).collect();
            let mut scan = ExactScan::default();
            let step = (SCAN_WORK_PER_TURN / nq).max(1) as u32;
            while local.shard.borrow().scan_piece(
                &mut scan,
                &batch.queries,
                filter,
                step,
                &mut tops,
            ) {
                rt::yield_if_needed().await;
            }
            let lists: Vec<Vec<Neighbor>> = tops.into_iter().map(TopK::into_sorted_vec).collect();
            let shard = local.shard.borrow();
            for (list, of) in lists.iter().zip(&mut payloads_of) {
                note_payloads(&shard, list, of)?;
            }
            lists
        } else {
            let mut lists = Vec::with_capacity(nq);
            for (query, of) in batch.queries.chunks_exact(dim).zip(&mut payloads_of) {
                lists.push({
                    let mut shard = local.shard.borrow_mut();
                    let list = match filter {
                        Some(filter) => shard.search_filtered(query, batch.k, batch.ef, filter),
                        None => shard.search(query, batch.k, batch.ef),
                    };
                    note_payloads(&shard, &list, of)?;
                    list
                });
                rt::yield_if_needed().await;
            }
            lists
        };
        for ((list, best), of) in lists.into_iter().zip(&mut best).zip(&mut payloads_of) {
            *best = topk::merge(vec![std::mem::take(best), list], batch.k);
            if of.len() > best.len() {
                let kept: HashSet<u64> = best.iter().map(|n| n.id).collect();
                of.retain(|id, payload| {
                    let keep = kept.contains(id);
                    if !keep {
                        payload_bytes.set(payload_bytes.get() - payload.len());
                    }
                    keep
                });
            }
        }
    }
    let payloads = batch
        .with_payloads
        .then(|| payloads_for(&best, payloads_of));
    Ok((best, payloads))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: &[u64], more: bool) -> ScrollPage {
        let point = |id: u64| Point {
            vector: vec![id as f32],
            payload: Vec::new(),
            labels: Vec::new(),
        };
        ScrollPage {
            points: ids.iter().map(|&id| (id, point(id))).collect(),
            more,
        }
    }

    fn ids(merged: &ScrollPage) -> (Vec<u64>, bool) {
        (
            merged.points.iter().map(|(id, _)| *id).collect(),
            merged.more,
        )
    }

    #[test]
    fn scroll_pages_merge_by_id_and_stop_at_a_cut_short_page() {
        // Full pages (shards'): the smallest `limit` of the union; replicas' duplicates once.
        let merged = ScrollPage::merge(vec![page(&[1, 4, 7], true), page(&[2, 4, 5], true)], 3);
        assert_eq!(ids(&merged), (vec![1, 2, 4], true));
        // Everything fits and nobody has more: the last page.
        let merged = ScrollPage::merge(vec![page(&[1, 9], false), page(&[3], false)], 5);
        assert_eq!(ids(&merged), (vec![1, 3, 9], false));
        // A node cut its page short after 4 (frame limit): ids above 4 from other nodes
        // wait for the next page, which starts at 5, so nothing between is skipped.
        let merged = ScrollPage::merge(
            vec![
                page(&[2, 4], true),
                page(&[3, 5, 8], false),
                page(&[], false),
            ],
            10,
        );
        assert_eq!(ids(&merged), (vec![2, 3, 4], true));
        // Nothing anywhere.
        assert_eq!(
            ids(&ScrollPage::merge(vec![page(&[], false)], 4)),
            (vec![], false)
        );
    }
}
