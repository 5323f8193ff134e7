//! Latency histograms, per-worker counters, the live progress line, and host facts (hardware
//! line, CPU time of this process and of a server process).

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;

/// Highest latency recorded exactly: one hour in microseconds. Larger values saturate.
pub const LATENCY_MAX_US: u64 = 3_600_000_000;

/// A latency histogram in microseconds, 1 µs .. 1 h, 3 significant figures.
#[must_use]
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, LATENCY_MAX_US, 3).expect("constant bounds are valid")
}

/// Microseconds, saturating.
#[must_use]
pub fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Everything one worker measured. Merged into the run's totals at the end.
#[derive(Debug)]
pub struct WorkerStats {
    /// Latency of every successful measured request (µs from intended send time).
    pub all: Histogram<u64>,
    /// Reads only (mixed runs).
    pub read: Histogram<u64>,
    /// Writes only (mixed runs).
    pub write: Histogram<u64>,
    /// Successful measured requests (answers that arrived during the drain included).
    pub ops: u64,
    /// Successful answers received inside the measured window (from the end of the warm-up to
    /// its end), whichever request they answer: the numerator of throughput.
    pub window_ops: u64,
    /// Of `ops`, the answers that arrived after the measured window (during the drain).
    pub ops_after_window: u64,
    /// Measured requests that failed (server ERROR, bad response, connection lost, unfinished).
    pub errors: u64,
    /// Measured requests that never completed before the drain deadline (included in errors).
    pub unfinished: u64,
    /// Error counts by name (`BUSY`, `CONNECTION`, `BAD_RESPONSE`, `UNFINISHED`, ...).
    pub error_codes: BTreeMap<String, u64>,
    /// The first error message seen, for the summary.
    pub first_error: Option<String>,
    /// Connections that failed during the run.
    pub connections_failed: u64,
    /// Sum and count of recall@k over all checked search answers (warm-up included).
    pub recall_sum: f64,
    /// Number of answers in `recall_sum`.
    pub recall_n: u64,
    /// Answers whose ground-truth row holds no id (recall undefined), left out of
    /// `recall_sum`.
    pub recall_skipped: u64,
    /// Open loop: most requests that were due but not yet sent at one time, per connection.
    pub max_backlog: u64,
    /// Requests sent (all phases).
    pub sent: u64,
    /// Last completion of a measured request.
    pub last_completion: Option<Instant>,
}

impl Default for WorkerStats {
    fn default() -> Self {
        WorkerStats {
            all: new_histogram(),
            read: new_histogram(),
            write: new_histogram(),
            ops: 0,
            window_ops: 0,
            ops_after_window: 0,
            errors: 0,
            unfinished: 0,
            error_codes: BTreeMap::new(),
            first_error: None,
            connections_failed: 0,
            recall_sum: 0.0,
            recall_n: 0,
            recall_skipped: 0,
            max_backlog: 0,
            sent: 0,
            last_completion: None,
        }
    }
}

impl WorkerStats {
    /// Count `n` measured errors under `name`.
    pub fn error(&mut self, name: &str, n: u64, message: impl FnOnce() -> String) {
        if n == 0 {
            return;
        }
        self.errors += n;
        *self.error_codes.entry(name.to_owned()).or_default() += n;
        if self.first_error.is_none() {
            self.first_error = Some(message());
        }
    }

    /// Fold `other` into `self`.
    pub fn merge(&mut self, other: WorkerStats) {
        // Same bounds everywhere, so `add` cannot fail.
        let _ = self.all.add(&other.all);
        let _ = self.read.add(&other.read);
        let _ = self.write.add(&other.write);
        self.ops += other.ops;
        self.window_ops += other.window_ops;
        self.ops_after_window += other.ops_after_window;
        self.errors += other.errors;
        self.unfinished += other.unfinished;
        for (k, v) in other.error_codes {
            *self.error_codes.entry(k).or_default() += v;
        }
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.connections_failed += other.connections_failed;
        self.recall_sum += other.recall_sum;
        self.recall_n += other.recall_n;
        self.recall_skipped += other.recall_skipped;
        self.max_backlog = self.max_backlog.max(other.max_backlog);
        self.sent += other.sent;
        self.last_completion = self.last_completion.max(other.last_completion);
    }
}

/// Shared between the workers and the progress thread. Workers flush into it every
/// [`Live::FLUSH_EVERY`], so the hot path touches no shared cache line per request.
#[derive(Debug)]
pub struct Live {
    /// Completed requests (all phases, successes and failures).
    pub completed: AtomicU64,
    /// Failed requests (all phases).
    pub errors: AtomicU64,
    /// Latencies completed since the progress thread last looked.
    pub interval: Mutex<Histogram<u64>>,
    /// Set when every worker has finished.
    pub done: AtomicBool,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            completed: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            interval: Mutex::new(new_histogram()),
            done: AtomicBool::new(false),
        }
    }
}

impl Live {
    /// How often workers publish their interval counters.
    pub const FLUSH_EVERY: Duration = Duration::from_millis(100);

    /// Publish a worker's interval counters and reset them.
    pub fn flush(&self, completed: &mut u64, errors: &mut u64, interval: &mut Histogram<u64>) {
        self.completed.fetch_add(*completed, Ordering::Relaxed);
        self.errors.fetch_add(*errors, Ordering::Relaxed);
        *completed = 0;
        *errors = 0;
        if !interval.is_empty() {
            let mut shared = self.interval.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = shared.add(&*interval);
            interval.reset();
        }
    }
}

/// Print one progress line per second to stderr until `live.done`. Returns when done.
pub fn progress_loop(live: &Live, start: Instant, warmup_end: Instant, enabled: bool, unit: &str) {
    let mut last_completed = 0;
    let mut last_errors = 0;
    let mut last = Instant::now();
    let mut next = start.max(last) + Duration::from_secs(1);
    while !live.done.load(Ordering::Acquire) {
        let now = Instant::now();
        if now < next {
            std::thread::sleep((next - now).min(Duration::from_millis(50)));
            continue;
        }
        next += Duration::from_secs(1);
        let completed = live.completed.load(Ordering::Relaxed);
        let errors = live.errors.load(Ordering::Relaxed);
        let hist = {
            let mut h = live.interval.lock().unwrap_or_else(PoisonError::into_inner);
            let copy = h.clone();
            h.reset();
            copy
        };
        let secs = now.duration_since(last).as_secs_f64().max(1e-9);
        // The line describes the interval that just ended; label it by where that began.
        let phase = if last < warmup_end {
            "warmup "
        } else {
            "measure"
        };
        last = now;
        if !enabled {
            continue;
        }
        let (p50, p99) = if hist.is_empty() {
            (0, 0)
        } else {
            (hist.value_at_quantile(0.5), hist.value_at_quantile(0.99))
        };
        let elapsed = now.saturating_duration_since(start).as_secs_f64();
        let mut err = std::io::stderr().lock();
        let _ = writeln!(
            err,
            "[{elapsed:6.1}s] {phase} {:>10.0} {unit}  p50 {:>9}  p99 {:>9}  errors {}",
            (completed - last_completed) as f64 / secs,
            fmt_us(p50),
            fmt_us(p99),
            errors - last_errors,
        );
        last_completed = completed;
        last_errors = errors;
    }
}

/// `123 µs`, `4.56 ms`, `7.89 s`.
#[must_use]
pub fn fmt_us(us: u64) -> String {
    if us < 1_000 {
        format!("{us} µs")
    } else if us < 1_000_000 {
        format!("{:.2} ms", us as f64 / 1e3)
    } else {
        format!("{:.2} s", us as f64 / 1e6)
    }
}

/// CPU model, cores and kernel, for the first output line.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Hardware {
    /// `model name` from /proc/cpuinfo.
    pub cpu: String,
    /// Online CPUs available to this process.
    pub cores: usize,
    /// Kernel release.
    pub kernel: String,
}

impl Hardware {
    /// Read from /proc (best effort: unknown fields are "unknown").
    #[must_use]
    pub fn detect() -> Hardware {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_else(|| "unknown".into());
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|s| s.trim().to_owned())
            .unwrap_or_else(|_| "unknown".into());
        Hardware {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            kernel,
        }
    }

    /// `hardware: <cpu>, <n> cores, kernel <k>; corevec-load uses <t> threads`.
    #[must_use]
    pub fn line(&self, threads: usize) -> String {
        format!(
            "hardware: {}, {} cores, kernel {}; corevec-load threads {threads}",
            self.cpu, self.cores, self.kernel
        )
    }
}

/// utime + stime of a process in seconds, from `/proc/<pid>/stat`; `None` if unreadable.
#[must_use]
pub fn cpu_seconds(pid: Option<u32>) -> Option<f64> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // SAFETY: sysconf has no memory-safety preconditions; it only reads a constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let ticks = if ticks > 0 { ticks as f64 } else { 100.0 };
    Some((utime + stime) / ticks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_seconds_of_self_grows() {
        // CPU time is counted in clock ticks (10 ms), so spin until the reading moves past
        // the first one. A parser that reads a constant (or the wrong field) never gets
        // there; the wall-clock deadline is only the failure condition, far above the few
        // ticks a busy loop needs even on a loaded 2-core machine.
        let a = cpu_seconds(None).expect("self stat");
        assert!(a >= 0.0, "{a}");
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut x = 0u64;
        loop {
            for _ in 0..100_000 {
                x = x.wrapping_add(std::hint::black_box(1));
            }
            let b = cpu_seconds(None).expect("self stat");
            if b > a {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "CPU time stuck at {b} s (first reading {a} s) after 20 s of busy loop"
            );
        }
        std::hint::black_box(x);
    }

    #[test]
    fn histogram_saturates_and_formats() {
        let mut h = new_histogram();
        h.saturating_record(u64::MAX);
        h.saturating_record(0);
        assert!(h.max() >= LATENCY_MAX_US / 2);
        assert_eq!(fmt_us(12), "12 µs");
        assert_eq!(fmt_us(1_500), "1.50 ms");
        assert_eq!(fmt_us(2_000_000), "2.00 s");
    }
}
