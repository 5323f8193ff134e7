//! JSON line output and latency percentiles.

#![allow(dead_code)] // Shared by several subcommands; not all use every helper.

use std::io::Write;
use std::time::Duration;

use hdrhistogram::Histogram;

/// Prints one JSON object on its own line on stdout (flushed, so lines interleave cleanly
/// with other processes writing to the same pipe).
pub fn print_json(value: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    // A closed stdout (e.g. piped into `head`) is not worth a panic in a bench.
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}

/// Prints one JSON line (the name the other subcommands use).
pub fn emit(value: &serde_json::Value) {
    print_json(value);
}

/// Latencies in nanoseconds, 3 significant figures (1 ns .. 1 hour).
pub struct Latencies {
    histogram: Histogram<u64>,
}

impl Default for Latencies {
    fn default() -> Self {
        Self::new()
    }
}

impl Latencies {
    /// An empty recorder.
    pub fn new() -> Self {
        let histogram = Histogram::new_with_bounds(1, 3_600_000_000_000, 3)
            .expect("static histogram bounds are valid");
        Self { histogram }
    }

    /// Records one latency (clamped to the histogram's range).
    pub fn record(&mut self, latency: Duration) {
        let nanos = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
        self.histogram.saturating_record(nanos.max(1));
    }

    /// Merges another recorder into this one.
    pub fn merge(&mut self, other: &Latencies) {
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.histogram.add(&other.histogram);
    }

    /// Number of recorded latencies.
    pub fn count(&self) -> u64 {
        self.histogram.len()
    }

    /// The `quantile` (0..=1) in microseconds.
    pub fn quantile_us(&self, quantile: f64) -> f64 {
        self.histogram.value_at_quantile(quantile) as f64 / 1_000.0
    }

    /// Median in microseconds.
    pub fn p50_us(&self) -> f64 {
        self.quantile_us(0.50)
    }

    /// 99th percentile in microseconds.
    pub fn p99_us(&self) -> f64 {
        self.quantile_us(0.99)
    }
}

/// Whether the kernel groups the scheduling of each session's processes
/// (`/proc/sys/kernel/sched_autogroup_enabled`); `None` where the file is absent. Benches whose
/// client threads share the engine's cores report it: with it on, such threads can starve the
/// kernel's per-CPU I/O completion workers (bench/RESULTS.md, "Seconds-long stalls under
/// in-process probes").
pub fn sched_autogroup() -> Option<bool> {
    let text = std::fs::read_to_string("/proc/sys/kernel/sched_autogroup_enabled").ok()?;
    Some(text.trim() != "0")
}

/// Rounds to `digits` decimals, for readable JSON.
pub fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_distribution() {
        let mut latencies = Latencies::new();
        for us in 1..=100u64 {
            latencies.record(Duration::from_micros(us));
        }
        assert_eq!(latencies.count(), 100);
        assert!(
            (latencies.p50_us() - 50.0).abs() < 0.1,
            "{}",
            latencies.p50_us()
        );
        assert!(
            (latencies.p99_us() - 99.0).abs() < 0.1,
            "{}",
            latencies.p99_us()
        );
        let mut other = Latencies::new();
        other.record(Duration::from_secs(1));
        latencies.merge(&other);
        assert_eq!(latencies.count(), 101);
        assert_eq!(round(1.23456, 2), 1.23);
    }
}
