//! The end-of-run summary: one JSON line (`--json`), a human summary, an optional `.hgrm`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::stats::{fmt_us, Hardware, WorkerStats};

/// One run, as printed by `--json` (one line). Field names are a contract for scripts.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// `ping`, `query`, `mixed` or `ingest`.
    pub mode: String,
    /// Server address.
    pub addr: String,
    /// Collection searched or written (`null` for ping).
    pub collection: Option<String>,
    /// `closed` or `open`.
    pub load_model: String,
    /// TCP connections.
    pub connections: usize,
    /// In-flight cap per connection.
    pub depth: usize,
    /// Worker threads of corevec-load.
    pub threads: usize,
    /// Open loop: offered req/s; `null` for the closed loop.
    pub target_rate: Option<f64>,
    /// Warm-up excluded, seconds.
    pub warmup_s: f64,
    /// Measured window, seconds.
    pub duration_s: f64,
    /// Successful measured requests (ingest: UPSERT batches), answers that arrived during the
    /// drain after the measured window included.
    pub ops: u64,
    /// Of `ops`, the answers that arrived after the measured window, during the drain.
    pub ops_after_window: u64,
    /// Successful answers received inside the measured window, whichever request they answer
    /// (closed loop with `--ops`, and ingest: `ops`).
    pub answered_in_window: u64,
    /// Throughput: `answered_in_window / duration_s`. Answers that arrive after the window
    /// (during the drain) do not count, so an open loop against a slower server reports what
    /// the server achieved, not the offered rate.
    pub qps: f64,
    /// Open loop: how far `qps` fell short of `target_rate`, in percent (0 when it kept up);
    /// `null` for the closed loop.
    pub shortfall_pct: Option<f64>,
    /// Latency percentiles in µs (open loop: from intended send time).
    pub p50_us: u64,
    /// p90.
    pub p90_us: u64,
    /// p99.
    pub p99_us: u64,
    /// p99.9.
    pub p999_us: u64,
    /// Max.
    pub max_us: u64,
    /// Mean.
    pub mean_us: f64,
    /// Failed measured requests (all causes, `unfinished` included).
    pub errors: u64,
    /// Measured requests unanswered when the run ended.
    pub unfinished: u64,
    /// Errors by wire code name, or `CONNECTION` / `BAD_RESPONSE` / `UNFINISHED`.
    pub error_codes: BTreeMap<String, u64>,
    /// First error message, if any.
    pub first_error: Option<String>,
    /// Connections lost during the run.
    pub connections_failed: u64,
    /// Mean recall@k over checked answers (those with an empty truth row left out, see
    /// `recall_skipped`); `null` without `--truth`.
    pub recall_at_k: Option<f64>,
    /// Answers that recall was averaged over.
    pub recall_answers: u64,
    /// Answers left out of `recall_at_k` because their ground-truth row holds no id (only
    /// padding): recall is undefined for them.
    pub recall_skipped: u64,
    /// `k` of searches.
    pub k: Option<u32>,
    /// `ef` of searches (0 = server default).
    pub ef: Option<u32>,
    /// Mixed: fraction of writes.
    pub write_ratio: Option<f64>,
    /// Mixed: read latency p50/p99 (µs).
    pub read_p50_us: Option<u64>,
    /// Mixed: read p99.
    pub read_p99_us: Option<u64>,
    /// Mixed: write p50.
    pub write_p50_us: Option<u64>,
    /// Mixed: write p99.
    pub write_p99_us: Option<u64>,
    /// Ingest: vectors written.
    pub vectors: Option<u64>,
    /// Ingest: vectors per second.
    pub vectors_per_s: Option<f64>,
    /// Ingest: payload bytes per point (0: none).
    pub payload_bytes: Option<usize>,
    /// Searches asked for payloads (WITH_PAYLOADS).
    pub with_payloads: Option<bool>,
    /// The label filter sent with every query, if any.
    pub filter: Option<String>,
    /// Open loop: most due-but-unsent requests on one connection (client-side queueing).
    pub max_backlog: Option<u64>,
    /// CPU of corevec-load during the measured window, % of one core.
    pub client_cpu_pct: Option<f64>,
    /// CPU of `--server-pid` during the measured window, % of one core.
    pub server_cpu_pct: Option<f64>,
    /// Smallest per-connection in-flight limit the server announced in HELLO.
    pub server_in_flight_max: Option<u32>,
    /// Where it ran.
    pub hardware: Hardware,
}

fn q(h: &Histogram<u64>, quantile: f64) -> u64 {
    if h.is_empty() {
        0
    } else {
        h.value_at_quantile(quantile)
    }
}

impl Report {
    /// Fill latency and error fields from `stats`, and throughput from `answered` successful
    /// answers inside a measured window of `duration_s`.
    #[must_use]
    pub fn new(
        mode: &str,
        addr: &str,
        stats: &WorkerStats,
        duration_s: f64,
        answered: u64,
    ) -> Report {
        let h = &stats.all;
        Report {
            mode: mode.to_owned(),
            addr: addr.to_owned(),
            collection: None,
            load_model: "closed".into(),
            connections: 0,
            depth: 0,
            threads: 0,
            target_rate: None,
            warmup_s: 0.0,
            duration_s,
            ops: stats.ops,
            ops_after_window: stats.ops_after_window,
            answered_in_window: answered,
            qps: if duration_s > 0.0 {
                answered as f64 / duration_s
            } else {
                0.0
            },
            shortfall_pct: None,
            p50_us: q(h, 0.5),
            p90_us: q(h, 0.9),
            p99_us: q(h, 0.99),
            p999_us: q(h, 0.999),
            max_us: if h.is_empty() { 0 } else { h.max() },
            mean_us: if h.is_empty() { 0.0 } else { h.mean() },
            errors: stats.errors,
            unfinished: stats.unfinished,
            error_codes: stats.error_codes.clone(),
            first_error: stats.first_error.clone(),
            connections_failed: stats.connections_failed,
            recall_at_k: (stats.recall_n > 0).then(|| stats.recall_sum / stats.recall_n as f64),
            recall_answers: stats.recall_n,
            recall_skipped: stats.recall_skipped,
            k: None,
            ef: None,
            write_ratio: None,
            read_p50_us: None,
            read_p99_us: None,
            write_p50_us: None,
            write_p99_us: None,
            vectors: None,
            vectors_per_s: None,
            payload_bytes: None,
            with_payloads: None,
            filter: None,
            max_backlog: None,
            client_cpu_pct: None,
            server_cpu_pct: None,
            server_in_flight_max: None,
            hardware: Hardware::detect(),
        }
    }

    /// Open loop: record the offered rate and how far throughput fell short of it.
    pub fn set_target_rate(&mut self, rate: Option<f64>) {
        self.target_rate = rate;
        self.shortfall_pct = rate
            .filter(|r| *r > 0.0)
            .map(|r| (100.0 * (r - self.qps) / r).max(0.0));
    }

    /// Add the per-kind percentiles of a mixed run.
    pub fn set_mixed(&mut self, stats: &WorkerStats, write_ratio: f64) {
        self.write_ratio = Some(write_ratio);
        self.read_p50_us = Some(q(&stats.read, 0.5));
        self.read_p99_us = Some(q(&stats.read, 0.99));
        self.write_p50_us = Some(q(&stats.write, 0.5));
        self.write_p99_us = Some(q(&stats.write, 0.99));
    }

    /// One JSON line.
    #[must_use]
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }

    /// A few human-readable lines.
    #[must_use]
    pub fn human(&self) -> String {
        let mut s = String::new();
        let model = match self.target_rate {
            Some(rate) => format!("open loop at {rate:.0} req/s"),
            None => "closed loop".into(),
        };
        let _ = writeln!(
            s,
            "corevec-load {} against {}: {model}, {} connections x depth {}, {} threads; \
             {:.1} s measured after {:.1} s warm-up",
            self.mode,
            self.addr,
            self.connections,
            self.depth,
            self.threads,
            self.duration_s,
            self.warmup_s
        );
        let offered = match (self.target_rate, self.shortfall_pct) {
            // Below 1% is schedule granularity, not a server that cannot keep up.
            (Some(r), Some(short)) if short >= 1.0 => {
                format!(" (offered {r:.0}/s: {short:.1}% short)")
            }
            (Some(r), _) => format!(" (offered {r:.0}/s)"),
            (None, _) => String::new(),
        };
        let _ = writeln!(
            s,
            "  throughput  {:.1} ops/s{offered}   ops {}   errors {} (unfinished {})",
            self.qps, self.ops, self.errors, self.unfinished
        );
        // A closed loop always has its last requests in flight at the end: name it only when
        // it matters (over 1% of ops, e.g. an open loop the server could not keep up with).
        if self.ops_after_window.saturating_mul(100) > self.ops {
            let _ = writeln!(
                s,
                "  late        {} of the {} ops were answered after the measured window, during \
                 the drain (in ops and latency, not in throughput)",
                self.ops_after_window, self.ops
            );
        }
        if let (Some(v), Some(vps)) = (self.vectors, self.vectors_per_s) {
            let _ = writeln!(s, "  vectors     {v} written, {vps:.0} vectors/s");
        }
        let _ = writeln!(
            s,
            "  latency     p50 {}  p90 {}  p99 {}  p99.9 {}  max {}  mean {}{}",
            fmt_us(self.p50_us),
            fmt_us(self.p90_us),
            fmt_us(self.p99_us),
            fmt_us(self.p999_us),
            fmt_us(self.max_us),
            fmt_us(self.mean_us.round() as u64),
            if self.target_rate.is_some() {
                "  (from intended send time)"
            } else {
                ""
            }
        );
        if let (Some(r50), Some(r99), Some(w50), Some(w99)) = (
            self.read_p50_us,
            self.read_p99_us,
            self.write_p50_us,
            self.write_p99_us,
        ) {
            let _ = writeln!(
                s,
                "  reads       p50 {}  p99 {};  writes p50 {}  p99 {}",
                fmt_us(r50),
                fmt_us(r99),
                fmt_us(w50),
                fmt_us(w99)
            );
        }
        if let Some(r) = self.recall_at_k {
            let _ = writeln!(
                s,
                "  recall@{}   {r:.4} over {} answers (ef {})",
                self.k.unwrap_or(0),
                self.recall_answers,
                self.ef.unwrap_or(0)
            );
        }
        if self.recall_skipped > 0 {
            let _ = writeln!(
                s,
                "  recall      {} answers skipped: their ground-truth row is empty (recall \
                 undefined)",
                self.recall_skipped
            );
        }
        if let Some(b) = self.max_backlog.filter(|b| *b > 0) {
            let _ = writeln!(
                s,
                "  backlog     up to {b} due requests waited for a free slot on one connection \
                 (raise --depth or --connections if the server is not saturated)"
            );
        }
        if self.client_cpu_pct.is_some() || self.server_cpu_pct.is_some() {
            let pct = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.0}%"));
            let _ = writeln!(
                s,
                "  cpu         corevec-load {} of one core, server {}",
                pct(self.client_cpu_pct),
                pct(self.server_cpu_pct)
            );
        }
        if !self.error_codes.is_empty() {
            let _ = writeln!(s, "  error codes {:?}", self.error_codes);
        }
        if let Some(e) = &self.first_error {
            let _ = writeln!(s, "  first error {e}");
        }
        s
    }
}

/// Write the percentile distribution of `h` (µs) in HdrHistogram's `.hgrm` text format.
pub fn write_hgrm(path: &Path, h: &Histogram<u64>) -> std::io::Result<()> {
    let mut s = String::from("       Value     Percentile TotalCount 1/(1-Percentile)\n\n");
    let mut total = 0u64;
    for v in h.iter_quantiles(5) {
        total += v.count_since_last_iteration();
        let p = v.quantile_iterated_to();
        let inv = if p < 1.0 {
            format!("{:14.2}", 1.0 / (1.0 - p))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "{:12.3} {:14.12} {:10} {inv}",
            v.value_iterated_to() as f64,
            p,
            total
        );
    }
    let _ = writeln!(
        s,
        "#[Mean    = {:12.3}, StdDeviation   = {:12.3}]\n#[Max     = {:12.3}, Total count    = {:12}]\n#[Unit    = microseconds]",
        h.mean(),
        h.stdev(),
        h.max() as f64,
        h.len()
    );
    std::fs::write(path, s)
}
