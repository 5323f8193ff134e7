//! Node-level counters for STATS and the metrics endpoint (`metrics.rs`).
//!
//! Each core writes only its own [`CoreCounters`] (relaxed atomics on a cache line of their
//! own, so cores never contend); a reader sums them. Atomics rather than a message to every
//! core because STATS and `/metrics` must answer even when a core is saturated, and a slightly
//! torn sum is fine for monitoring.
//!
//! Besides the totals, each core counts requests per opcode, ERROR frames per wire code, and
//! request latency per opcode in fixed buckets ([`LATENCY_BOUNDS_US`]): one `fetch_add` on a
//! bucket and one on a sum per request, no allocation, no lock. Buckets hold their own count
//! (not cumulative); the exposition makes them cumulative when it reads them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use corevec_proto::{ErrorCode, Opcode};

/// Upper bounds of the latency buckets, in microseconds (a 1-2.5-5 series from 10 µs to
/// 10 s). A request slower than the last bound lands in the implicit `+Inf` bucket.
pub const LATENCY_BOUNDS_US: [u64; 19] = [
    10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000,
    500_000, 1_000_000, 2_500_000, 5_000_000, 10_000_000,
];
/// Buckets per histogram: one per bound plus `+Inf`.
pub const LATENCY_BUCKETS: usize = LATENCY_BOUNDS_US.len() + 1;
/// Opcode slots: one per [`Opcode::ALL`] entry plus one for opcodes this build does not know
/// (they are answered UNKNOWN_OPCODE but still admitted and timed).
pub const OPCODE_SLOTS: usize = Opcode::ALL.len() + 1;
/// Error-code slots: one per wire value of [`ErrorCode::ALL`] plus one for anything else.
pub const ERROR_SLOTS: usize = ErrorCode::ALL.len() + 1;

/// The slot of a raw opcode byte (the last slot for unknown opcodes).
#[must_use]
pub fn opcode_slot(opcode: u8) -> usize {
    Opcode::ALL
        .iter()
        .position(|op| op.as_u8() == opcode)
        .unwrap_or(OPCODE_SLOTS - 1)
}

/// The opcode of a slot; `None` for the "unknown opcode" slot.
#[must_use]
pub fn slot_opcode(slot: usize) -> Option<Opcode> {
    Opcode::ALL.get(slot).copied()
}

/// The slot of an error code (the last slot for codes outside [`ErrorCode::ALL`]).
#[must_use]
pub fn error_slot(code: ErrorCode) -> usize {
    let value = usize::from(code.as_u16());
    if value < ErrorCode::ALL.len() {
        value
    } else {
        ERROR_SLOTS - 1
    }
}

/// The error code of a slot; `None` for the "other" slot.
#[must_use]
pub fn slot_error(slot: usize) -> Option<ErrorCode> {
    ErrorCode::ALL.get(slot).copied()
}

/// The bucket a latency falls in.
#[must_use]
pub fn latency_bucket(elapsed: Duration) -> usize {
    let us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX);
    LATENCY_BOUNDS_US
        .iter()
        .position(|&bound| us <= bound)
        .unwrap_or(LATENCY_BUCKETS - 1)
}

/// One latency histogram: per-bucket counts (not cumulative) and the sum of observations.
#[derive(Debug, Default)]
pub struct LatencyHistogram {
    /// Observations per bucket; index [`LATENCY_BUCKETS`]` - 1` is `+Inf`.
    pub buckets: [AtomicU64; LATENCY_BUCKETS],
    /// Sum of all observations, in nanoseconds.
    pub sum_ns: AtomicU64,
}

impl LatencyHistogram {
    fn observe(&self, elapsed: Duration) {
        self.buckets[latency_bucket(elapsed)].fetch_add(1, Ordering::Relaxed);
        let ns = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.sum_ns.fetch_add(ns, Ordering::Relaxed);
    }
}

/// A summed latency histogram (over cores).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LatencyTotals {
    /// Observations per bucket (not cumulative).
    pub buckets: [u64; LATENCY_BUCKETS],
    /// Sum of observations, in nanoseconds.
    pub sum_ns: u64,
}

impl LatencyTotals {
    /// Observations in all buckets.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.buckets.iter().sum()
    }
}

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
    /// Requests admitted, per opcode slot ([`opcode_slot`]).
    pub requests_by_opcode: [AtomicU64; OPCODE_SLOTS],
    /// ERROR frames sent, per code slot ([`error_slot`]); includes connection-level errors
    /// (HELLO rejected, unparseable stream, SHUTTING_DOWN at close).
    pub errors_by_code: [AtomicU64; ERROR_SLOTS],
    /// Latency of admitted requests (admission to response queued), per opcode slot.
    pub latency: [LatencyHistogram; OPCODE_SLOTS],
}

impl CoreCounters {
    /// Counts one admitted request with this opcode byte.
    pub(crate) fn request_admitted(&self, opcode: u8) {
        Self::add(&self.requests, 1);
        Self::add(&self.requests_by_opcode[opcode_slot(opcode)], 1);
    }

    /// Counts one ERROR frame with `code`.
    pub(crate) fn error_sent(&self, code: ErrorCode) {
        Self::add(&self.errors, 1);
        Self::add(&self.errors_by_code[error_slot(code)], 1);
    }

    /// Records how long an admitted request took.
    pub(crate) fn request_finished(&self, opcode: u8, elapsed: Duration) {
        self.latency[opcode_slot(opcode)].observe(elapsed);
    }

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

    /// Every core's counters (empty before the first core started serving).
    #[must_use]
    pub fn cores(&self) -> &[CoreCounters] {
        self.cores.get().map(|c| &c[..]).unwrap_or_default()
    }

    /// Requests admitted per opcode slot, summed over cores.
    #[must_use]
    pub fn requests_by_opcode(&self) -> [u64; OPCODE_SLOTS] {
        let mut out = [0; OPCODE_SLOTS];
        for core in self.cores() {
            for (sum, counter) in out.iter_mut().zip(&core.requests_by_opcode) {
                *sum += counter.load(Ordering::Relaxed);
            }
        }
        out
    }

    /// ERROR frames per code slot, summed over cores.
    #[must_use]
    pub fn errors_by_code(&self) -> [u64; ERROR_SLOTS] {
        let mut out = [0; ERROR_SLOTS];
        for core in self.cores() {
            for (sum, counter) in out.iter_mut().zip(&core.errors_by_code) {
                *sum += counter.load(Ordering::Relaxed);
            }
        }
        out
    }

    /// The latency histogram of opcode slot `slot`, summed over cores.
    ///
    /// # Panics
    /// If `slot >= OPCODE_SLOTS`.
    #[must_use]
    pub fn latency(&self, slot: usize) -> LatencyTotals {
        let mut out = LatencyTotals::default();
        for core in self.cores() {
            let histogram = &core.latency[slot];
            for (sum, bucket) in out.buckets.iter_mut().zip(&histogram.buckets) {
                *sum += bucket.load(Ordering::Relaxed);
            }
            out.sum_ns = out
                .sum_ns
                .saturating_add(histogram.sum_ns.load(Ordering::Relaxed));
        }
        out
    }

    /// Sums every core's counters.
    pub fn totals(&self) -> NodeTotals {
        let mut totals = NodeTotals {
            uptime_s: self.started.elapsed().as_secs(),
            ..NodeTotals::default()
        };
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        for core in self.cores() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_cover_every_opcode_and_code() {
        for (i, op) in Opcode::ALL.iter().enumerate() {
            assert_eq!(opcode_slot(op.as_u8()), i);
            assert_eq!(slot_opcode(i), Some(*op));
        }
        assert_eq!(opcode_slot(0xEE), OPCODE_SLOTS - 1);
        assert_eq!(slot_opcode(OPCODE_SLOTS - 1), None);
        for code in ErrorCode::ALL {
            assert_eq!(slot_error(error_slot(code)), Some(code));
        }
        assert_eq!(error_slot(ErrorCode::Unknown), ERROR_SLOTS - 1);
    }

    #[test]
    fn latency_buckets_are_inclusive_upper_bounds() {
        assert_eq!(latency_bucket(Duration::ZERO), 0);
        assert_eq!(latency_bucket(Duration::from_micros(10)), 0);
        assert_eq!(latency_bucket(Duration::from_micros(11)), 1);
        assert_eq!(latency_bucket(Duration::from_millis(1)), 6);
        assert_eq!(latency_bucket(Duration::from_secs(10)), LATENCY_BUCKETS - 2);
        assert_eq!(latency_bucket(Duration::from_secs(11)), LATENCY_BUCKETS - 1);
        assert!(LATENCY_BOUNDS_US.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn per_core_counters_sum() {
        let stats = NodeStats::default();
        let op = Opcode::Search.as_u8();
        for core in 0..2 {
            let counters = stats.core(core, 2);
            counters.request_admitted(op);
            counters.request_finished(op, Duration::from_micros(300));
            counters.error_sent(ErrorCode::Busy);
        }
        let slot = opcode_slot(op);
        assert_eq!(stats.requests_by_opcode()[slot], 2);
        assert_eq!(stats.errors_by_code()[error_slot(ErrorCode::Busy)], 2);
        let latency = stats.latency(slot);
        assert_eq!(latency.count(), 2);
        assert_eq!(latency.buckets[5], 2);
        assert_eq!(latency.sum_ns, 600_000);
        let totals = stats.totals();
        assert_eq!((totals.requests, totals.errors), (2, 2));
    }
}
