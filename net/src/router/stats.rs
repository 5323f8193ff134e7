//! Router counters behind STATS: one cache-line-aligned block of relaxed atomics per core,
//! written only by its core and summed by whoever answers STATS (as the node's `NodeStats`).

use std::sync::atomic::{AtomicU64, Ordering};

/// One core's router counters.
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct RouterCounters {
    /// Requests sent to nodes (every sub-request, hedges and retries included).
    pub node_requests: AtomicU64,
    /// Node requests that failed (down, unreachable, timeout, node error).
    pub node_failures: AtomicU64,
    /// Reads sent to a second replica because the first was slow.
    pub hedges: AtomicU64,
    /// Reads re-sent to another replica because the first failed.
    pub failovers: AtomicU64,
    /// Requests answered UNAVAILABLE because a partition group had no reachable replica or a
    /// write missed its quorum.
    pub unavailable: AtomicU64,
    /// Searches answered with the `partial` flag (the client allowed it).
    pub partial: AtomicU64,
    /// Writes acknowledged with W met but not every replica written.
    pub under_replicated_writes: AtomicU64,
    /// Node up → down transitions seen by this core's health checker or requests.
    pub node_down_events: AtomicU64,
    /// Per node (in configuration order): writes acknowledged to the client that the node
    /// did not acknowledge (down, unreachable, timed out): its replicas lack them until
    /// `corevec repair`.
    pub missed_writes: Box<[AtomicU64]>,
}

impl RouterCounters {
    /// Counters for a router with `nodes` nodes.
    pub(crate) fn with_nodes(nodes: usize) -> RouterCounters {
        RouterCounters {
            missed_writes: (0..nodes).map(|_| AtomicU64::new(0)).collect(),
            ..RouterCounters::default()
        }
    }

    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }
}

/// Summed router counters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouterTotals {
    /// See [`RouterCounters::node_requests`].
    pub node_requests: u64,
    /// See [`RouterCounters::node_failures`].
    pub node_failures: u64,
    /// See [`RouterCounters::hedges`].
    pub hedges: u64,
    /// See [`RouterCounters::failovers`].
    pub failovers: u64,
    /// See [`RouterCounters::unavailable`].
    pub unavailable: u64,
    /// See [`RouterCounters::partial`].
    pub partial: u64,
    /// See [`RouterCounters::under_replicated_writes`].
    pub under_replicated_writes: u64,
    /// See [`RouterCounters::node_down_events`].
    pub node_down_events: u64,
    /// See [`RouterCounters::missed_writes`].
    pub missed_writes: Vec<u64>,
}

/// Sums `cores`.
pub fn totals(cores: &[RouterCounters]) -> RouterTotals {
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let mut t = RouterTotals::default();
    for c in cores {
        t.node_requests += load(&c.node_requests);
        t.node_failures += load(&c.node_failures);
        t.hedges += load(&c.hedges);
        t.failovers += load(&c.failovers);
        t.unavailable += load(&c.unavailable);
        t.partial += load(&c.partial);
        t.under_replicated_writes += load(&c.under_replicated_writes);
        t.node_down_events += load(&c.node_down_events);
        if t.missed_writes.len() < c.missed_writes.len() {
            t.missed_writes.resize(c.missed_writes.len(), 0);
        }
        for (sum, missed) in t.missed_writes.iter_mut().zip(c.missed_writes.iter()) {
            *sum += load(missed);
        }
    }
    t
}
