//! Node-level counters for STATS (and, later, the metrics endpoint).
//!
//! Each core writes only its own [`CoreCounters`] (relaxed atomics on a cache line of their
//! own, so cores never contend); a reader sums them. Atomics rather than a message to every
//! core because STATS must answer even when a core is saturated, and a slightly torn sum is
//! fine for monitoring.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

/// One core's counters.
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct CoreCounters {
    /// Connections open now.
    pub connections: AtomicU64,
    /// Connections accepted since start (including rejected ones).
    pub connections_accepted: AtomicU64,
    /// Connections refused because the core was at `max_connections_per_core`.
    pub connections_rejected: AtomicU64,
    /// Requests admitted for execution since start.
    pub requests: AtomicU64,
    /// Requests executing now.
    pub in_flight: AtomicU64,
    /// Requests answered BUSY by the in-flight limits.
    pub busy: AtomicU64,
    /// Requests answered with an ERROR frame (BUSY included).
    pub errors: AtomicU64,
}

impl CoreCounters {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn sub(counter: &AtomicU64, n: u64) {
        counter.fetch_sub(n, Ordering::Relaxed);
    }
}

/// Counters of the whole node: one [`CoreCounters`] per core, created when the first core
/// starts serving.
#[derive(Debug)]
pub struct NodeStats {
    started: Instant,
    cores: OnceLock<Box<[CoreCounters]>>,
}

impl Default for NodeStats {
    fn default() -> Self {
        NodeStats {
            started: Instant::now(),
            cores: OnceLock::new(),
        }
    }
}

/// A summed snapshot of the node's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NodeTotals {
    /// Seconds since the server started.
    pub uptime_s: u64,
    /// Connections open now.
    pub connections: u64,
    /// Connections accepted since start.
    pub connections_accepted: u64,
    /// Connections refused at the per-core limit.
    pub connections_rejected: u64,
    /// Requests admitted since start.
    pub requests: u64,
    /// Requests executing now.
    pub in_flight: u64,
    /// Requests answered BUSY.
    pub busy: u64,
    /// Requests answered with an ERROR frame.
    pub errors: u64,
}

impl NodeStats {
    /// The counters of core `core` out of `cores`.
    ///
    /// # Panics
    /// If `core >= cores`, or `cores` differs from the first call's (programmer errors).
    pub fn core(&self, core: usize, cores: usize) -> &CoreCounters {
        let all = self
            .cores
            .get_or_init(|| (0..cores).map(|_| CoreCounters::default()).collect());
        assert_eq!(all.len(), cores, "NodeStats used with two core counts");
        &all[core]
    }

    /// Sums every core's counters.
    pub fn totals(&self) -> NodeTotals {
        let mut totals = NodeTotals {
            uptime_s: self.started.elapsed().as_secs(),
            ..NodeTotals::default()
        };
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        for core in self.cores.get().map(|c| &c[..]).unwrap_or_default() {
            totals.connections += load(&core.connections);
            totals.connections_accepted += load(&core.connections_accepted);
            totals.connections_rejected += load(&core.connections_rejected);
            totals.requests += load(&core.requests);
            totals.in_flight += load(&core.in_flight);
            totals.busy += load(&core.busy);
            totals.errors += load(&core.errors);
        }
        totals
    }
}
