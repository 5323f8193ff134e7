//! Messages between cores, and the credit scheme that keeps the glommio mesh from blocking.
//!
//! This is the only module whose types cross cores: owned, `Send` messages. Each core sends
//! requests to peers and answers theirs over one full `channel_mesh` of capacity
//! `2 * credits`. A core may have at most `credits` requests outstanding towards each peer
//! (a credit is taken when a request is sent and given back when its reply arrives), so a
//! channel holds at most `credits` requests plus `credits` replies and `try_send_to` can
//! never find it full. No task ever awaits a mesh send: glommio #555 (a deadlock of the
//! bounded mesh under contention) cannot happen to us, and a core without credit answers
//! `Busy` at once instead of queueing without bound.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use corevec_storage::WalRecord;

use crate::collection::CollectionSpec;
use crate::error::{Error, Result};
use crate::filter::Filter;
use crate::local::{Point, ReplicaInfo, ScrollPage, ScrollRequest};
use crate::persist::SnapshotBlobs;
use crate::rt::{self, Senders};
use crate::shard::ShardStats;
use crate::topk::Neighbor;

/// Default outstanding requests per (core, peer) pair.
pub const MESH_CREDITS_DEFAULT: usize = 256;
/// How long a core waits for a peer's reply before answering `Timeout`.
pub const PEER_REPLY_TIMEOUT: Duration = Duration::from_secs(60);
/// How often [`MeshPort::send_when_credit`] looks for a credit.
const CREDIT_POLL: Duration = Duration::from_micros(100);

/// One incarnation of a collection, as the cores address it: a request sent to a collection
/// that has been dropped since (and perhaps re-created under the same name, with another
/// shape) finds nothing instead of acting on the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionKey {
    /// The collection's name.
    pub name: String,
    /// Tells the collections that had this name apart during this process's life: 0 for the
    /// ones recovered at start, then a new number at every create.
    pub incarnation: u64,
}

/// A query batch shared read-only by every core it is fanned out to.
#[derive(Debug)]
pub struct QueryBatch {
    /// Collection to search.
    pub collection: CollectionKey,
    /// `nq * dim` components.
    pub queries: Vec<f32>,
    /// Results per query.
    pub k: usize,
    /// Search breadth (0 = default).
    pub ef: usize,
    /// Scan exhaustively instead of using the index.
    pub exact: bool,
    /// Return each hit's payload.
    pub with_payloads: bool,
    /// Only points matching it (normalized) are results; `None`: every point.
    pub filter: Option<Filter>,
    /// Also search the receiving core's read replicas (the coordinator searches alone, its
    /// replicas standing for the other cores' shards); else only the shards it owns.
    pub with_replicas: bool,
}

/// Work one core asks of another. Every variant acts on the receiving core's own shards.
#[derive(Debug)]
pub enum ShardRequest {
    /// Create the collection's local shards (sent by core 0 after it persisted the spec).
    CreateLocal {
        /// The collection.
        spec: CollectionSpec,
        /// Its incarnation, chosen by core 0.
        incarnation: u64,
    },
    /// Drop the collection's local shards.
    DropLocal(String),
    /// Ask core 0 to create a collection (catalog changes are serialised there).
    CreateCoordinated(CollectionSpec),
    /// Ask core 0 to drop a collection.
    DropCoordinated(String),
    /// Upsert these vectors; every id belongs to a shard of the receiving core.
    Upsert {
        /// Collection.
        collection: CollectionKey,
        /// Ids.
        ids: Vec<u64>,
        /// `ids.len() * dim` components.
        vectors: Vec<f32>,
        /// One payload per id, or `None` when the batch carries none (all empty).
        payloads: Option<Vec<Vec<u8>>>,
        /// One normalized label list per id, or `None` when the batch carries none.
        labels: Option<Vec<Vec<u64>>>,
    },
    /// Replace the payload or the labels of these live points (all owned by the receiving
    /// core) in place, keeping their vector, slot and whatever is not given.
    SetInPlace {
        /// Collection.
        collection: CollectionKey,
        /// Ids.
        ids: Vec<u64>,
        /// One payload per id, or `None` to keep each point's payload.
        payloads: Option<Vec<Vec<u8>>>,
        /// One normalized label list per id, or `None` to keep each point's labels.
        labels: Option<Vec<Vec<u64>>>,
    },
    /// Delete these ids (all owned by the receiving core).
    Delete {
        /// Collection.
        collection: CollectionKey,
        /// Ids.
        ids: Vec<u64>,
    },
    /// Fetch these ids (all owned by the receiving core).
    Get {
        /// Collection.
        collection: CollectionKey,
        /// Ids.
        ids: Vec<u64>,
        /// Also return each found id's payload.
        with_payloads: bool,
    },
    /// Search every local shard of the collection.
    Search(Arc<QueryBatch>),
    /// List a page of every local shard of the collection (filter normalized).
    Scroll {
        /// Collection.
        collection: CollectionKey,
        /// Where the page starts, its size and what each point carries.
        request: ScrollRequest,
    },
    /// Report the local shards of a collection.
    Stats(String),
    /// Snapshot the local shards of one collection, or of all when `None`.
    Snapshot(Option<String>),
    /// Report the read replicas of a collection held here.
    Replicas(String),
    /// Slots not indexed yet in the local shards and read replicas of a collection (a
    /// replica still waiting for its copy counts as one).
    Unindexed(String),
    /// Send a copy of this owned shard, for a read replica on the sending core.
    Seed {
        /// Collection.
        collection: CollectionKey,
        /// The shard, owned by the receiving core.
        shard: u32,
    },
    /// Records the owner of `shard` applied, for the receiving core's read replica of it.
    Replicate {
        /// Collection.
        collection: CollectionKey,
        /// The shard.
        shard: u32,
        /// The owner numbers its batches 0, 1, 2, ... per shard; a replica applies them in
        /// that order, whatever order they arrive in.
        seq: u64,
        /// The records, exactly as the owner applied them (shared by every replica).
        records: Arc<Vec<WalRecord>>,
    },
}

/// A core's answer.
#[derive(Debug)]
pub enum ShardResponse {
    /// Done, nothing to report.
    Done,
    /// Number of ids affected.
    Count(u64),
    /// `(id, point)` for each requested id, `None` when absent (the payload is empty unless
    /// asked for).
    Points(Vec<(u64, Option<Point>)>),
    /// Per query, the local top-k, and when asked for, each hit's payload (same order).
    Neighbors(Vec<Vec<Neighbor>>, Option<Vec<Vec<Vec<u8>>>>),
    /// Per local shard.
    Stats(Vec<ShardStats>),
    /// The local shards' points of a scroll page, merged.
    Page(ScrollPage),
    /// The read replicas held here.
    Replicas(Vec<ReplicaInfo>),
    /// A copy of an owned shard: its snapshot blobs, and the sequence number of the first
    /// forwarded batch they do not include.
    Seed {
        /// Next batch sequence number.
        seq: u64,
        /// The shard, encoded as a snapshot.
        blobs: SnapshotBlobs,
    },
}

/// What travels on the mesh.
#[derive(Debug)]
pub enum MeshMessage {
    /// A request, answered by a `Reply` with the same token.
    Request {
        /// Chosen by the sender, unique per sender.
        token: u64,
        /// The work.
        request: ShardRequest,
    },
    /// The answer to a request.
    Reply {
        /// The request's token.
        token: u64,
        /// Its outcome.
        result: Result<ShardResponse>,
    },
}

/// A reply that has not arrived yet.
pub type PendingReply = flume::Receiver<Result<ShardResponse>>;

/// One core's end of the mesh: senders, credits, and the replies it waits for.
pub struct MeshPort {
    core: usize,
    senders: Senders<MeshMessage>,
    credits: Vec<Cell<usize>>,
    credits_per_peer: usize,
    pending: RefCell<HashMap<u64, flume::Sender<Result<ShardResponse>>>>,
    next_token: Cell<u64>,
}

impl MeshPort {
    /// Wraps the senders of a joined mesh with `credits` per peer.
    pub fn new(senders: Senders<MeshMessage>, credits: usize) -> Self {
        let peers = senders.nr_consumers();
        Self {
            core: senders.peer_id(),
            senders,
            credits: (0..peers).map(|_| Cell::new(credits)).collect(),
            credits_per_peer: credits,
            pending: RefCell::new(HashMap::new()),
            next_token: Cell::new(1),
        }
    }

    /// This core's index in the mesh (its ordinal).
    pub fn core(&self) -> usize {
        self.core
    }

    /// Number of cores.
    pub fn cores(&self) -> usize {
        self.credits.len()
    }

    /// Most requests this core may have outstanding towards one peer.
    pub fn credits_per_peer(&self) -> usize {
        self.credits_per_peer
    }

    /// Sends `request` to `peer` if a credit is free.
    ///
    /// # Errors
    /// `Busy` when all credits towards `peer` are in use.
    pub fn send(&self, peer: usize, request: ShardRequest) -> Result<PendingReply> {
        assert_ne!(
            peer, self.core,
            "local work is done directly, not through the mesh"
        );
        let credit = &self.credits[peer];
        if credit.get() == 0 {
            return Err(Error::Busy("too many requests in flight between cores"));
        }
        let token = self.next_token.get();
        self.next_token.set(token + 1);
        let (tx, rx) = flume::bounded(1);
        match self
            .senders
            .try_send_to(peer, MeshMessage::Request { token, request })
        {
            Ok(()) => {
                credit.set(credit.get() - 1);
                self.pending.borrow_mut().insert(token, tx);
                Ok(rx)
            }
            // Impossible while the credit invariant holds; fail the request, not the core.
            Err(e) => {
                tracing::error!(peer, error = %e, "mesh send failed despite a free credit");
                Err(Error::Busy("mesh channel unavailable"))
            }
        }
    }

    /// [`Self::send`], waiting (up to [`PEER_REPLY_TIMEOUT`]) for a credit instead of
    /// answering `Busy`: for messages that must not be dropped, such as the writes a read
    /// replica follows.
    ///
    /// # Errors
    /// `Timeout` when no credit came back in time (the peer is stuck or gone).
    pub async fn send_when_credit(
        &self,
        peer: usize,
        request: ShardRequest,
    ) -> Result<PendingReply> {
        let started = std::time::Instant::now();
        while self.credits[peer].get() == 0 {
            if started.elapsed() > PEER_REPLY_TIMEOUT {
                return Err(Error::Timeout { core: peer });
            }
            rt::sleep(CREDIT_POLL).await;
        }
        self.send(peer, request)
    }

    /// Waits for the reply to a request sent to `peer`.
    ///
    /// # Errors
    /// The peer's error, or `Timeout` when it does not answer in time (the credit stays
    /// taken until the late reply arrives, so the invariant holds).
    pub async fn wait(peer: usize, pending: PendingReply) -> Result<ShardResponse> {
        match rt::timeout(PEER_REPLY_TIMEOUT, pending.recv_async()).await {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(Error::ShuttingDown),
            None => Err(Error::Timeout { core: peer }),
        }
    }

    /// Answers a peer's request. Never blocks: the peer holds a credit for this reply.
    pub fn reply(&self, peer: usize, token: u64, result: Result<ShardResponse>) {
        if let Err(e) = self
            .senders
            .try_send_to(peer, MeshMessage::Reply { token, result })
        {
            tracing::error!(peer, token, error = %e, "dropping a reply: the mesh is closed or over capacity");
        }
    }

    /// Delivers a reply that arrived from `peer` and returns its credit.
    pub fn complete(&self, peer: usize, token: u64, result: Result<ShardResponse>) {
        let credit = &self.credits[peer];
        credit.set(credit.get() + 1);
        if let Some(tx) = self.pending.borrow_mut().remove(&token) {
            // The waiter may have timed out and gone; that is fine.
            let _ = tx.try_send(result);
        } else {
            tracing::warn!(peer, token, "reply for an unknown request");
        }
    }

    /// Closes this core's senders so peers' receive loops end.
    pub fn close(&self) {
        self.senders.close();
    }
}
