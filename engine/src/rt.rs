//! The runtime seam: every use of glommio's executors, channels, task queues and timers by
//! the engine and the server goes through here (files go through `corevec_storage`'s
//! `DmaDirectory`). Keeping it in one place makes the runtime replaceable and puts its
//! known quirks next to their workarounds:
//!
//! - glommio #555: the bounded `channel_mesh` can deadlock under heavy contention when
//!   senders block on full queues. We never block on the mesh: senders hold a credit per
//!   message and use `try_send_to` (see `mesh.rs`), so a full queue is impossible by
//!   construction and "no credit" is answered with `Busy`.
//! - A listener and a client on the same executor deadlock if one task does both; the server
//!   tests spawn clients as separate tasks or processes.
//! - Joining a mesh can hang: a shared channel's `connect` waits for its peer, but the peer
//!   connecting does not wake a sleeping executor (glommio only checks connection wakers when
//!   its reactor turns). Seen as ~1 start in 150 hanging for good. [`join_mesh`] keeps the
//!   reactor turning with a 1 ms ticker until the join completes.
//! - An executor could park for good with runnable tasks when a pass over its task queues
//!   started with the preemption flag already up (seen as rare stalls under CPU contention).
//!   Fixed in the vendored copy, `third_party/glommio` (see its PATCHES.md); the test below
//!   fails against the released crate.

use std::future::Future;
use std::time::Duration;

pub use glommio::channels::channel_mesh::{Full, MeshBuilder, Receivers, Senders};

/// Keeps the current executor's reactor turning at least every `period`, forever.
///
/// glommio wakes a sleeping executor from other threads (mesh messages, `flume` sends from
/// ordinary threads) through an eventfd guarded by a "should notify" flag. We have seen
/// executors sleep in `io_uring_enter` with work waiting for them (a whole engine idle while
/// callers waited, a few times in hundreds of thousands of calls), i.e. a lost notification.
/// Every reactor turn drains shared channels and foreign wakes, so a heartbeat timer bounds
/// the damage of any lost notification to one period instead of forever.
pub fn spawn_reactor_heartbeat(queue: TaskQueueHandle, period: Duration) {
    spawn_into(queue, async move {
        loop {
            sleep(period).await;
        }
    });
}

/// How often a start-up wait on a channel from an ordinary thread looks at it again.
const START_POLL: Duration = Duration::from_millis(5);

/// Runs `work` unless every sender of `rx` is dropped (with nothing left to receive) first:
/// `None` then, with `work` dropped where it stood. The channel is polled on a timer
/// rather than trusted to wake this executor (see [`spawn_reactor_heartbeat`]): used while
/// a core starts, before its heartbeat runs.
pub async fn unless_closed<T, F: Future>(rx: &flume::Receiver<T>, work: F) -> Option<F::Output> {
    futures_lite::future::or(async { Some(work.await) }, async {
        while !(rx.is_disconnected() && rx.is_empty()) {
            sleep(START_POLL).await;
        }
        None
    })
    .await
}

/// The next message of `rx`, or `None` once every sender is dropped; polled on a timer
/// like [`unless_closed`].
pub async fn recv_or_closed<T>(rx: &flume::Receiver<T>) -> Option<T> {
    loop {
        match rx.try_recv() {
            Ok(message) => return Some(message),
            Err(flume::TryRecvError::Disconnected) => return None,
            Err(flume::TryRecvError::Empty) => sleep(START_POLL).await,
        }
    }
}

/// Joins a full mesh, or gives up after `limit`. See the module notes for why it ticks.
pub async fn join_mesh<T: Send + 'static>(
    mesh: MeshBuilder<T, Full>,
    limit: Duration,
) -> Option<(Senders<T>, Receivers<T>)> {
    let ticker = async {
        loop {
            sleep(Duration::from_millis(1)).await;
        }
    };
    let joined = futures_lite::future::or(async { mesh.join().await.ok() }, async {
        futures_lite::future::or(ticker, sleep(limit)).await;
        None
    });
    joined.await
}
pub use glommio::net::{TcpListener, TcpStream};
pub use glommio::sync::{Permit, Semaphore};
pub use glommio::{ExecutorJoinHandle, Latency, Shares, Task, TaskQueueHandle};

use crate::error::{Error, Result};

/// Starts an executor thread pinned to `cpu` running `body`; returns its join handle.
///
/// # Errors
/// Fails when the thread or the io_uring rings cannot be created (often `RLIMIT_MEMLOCK`).
pub fn start_pinned<G, F, T>(name: &str, cpu: usize, body: G) -> Result<ExecutorJoinHandle<T>>
where
    G: FnOnce() -> F + Send + 'static,
    F: Future<Output = T> + 'static,
    T: Send + 'static,
{
    let handle = glommio::LocalExecutorBuilder::new(glommio::Placement::Fixed(cpu))
        .name(name)
        // Latency-sensitive queues ask for preemption at this period at most.
        .preempt_timer(Duration::from_millis(5))
        .spawn(body)
        .map_err(|e| {
            Error::system(
                format!("starting executor {name} on cpu {cpu} (check `ulimit -l` for io_uring)"),
                std::io::Error::other(e.to_string()),
            )
        })?;
    Ok(handle)
}

/// The task queues of one core.
#[derive(Clone, Copy, Debug)]
pub struct TaskQueues {
    /// Requests: searches, upserts, control messages. Latency matters.
    pub foreground: TaskQueueHandle,
    /// Index building: yields often, gets a small share when the core is busy.
    pub background: TaskQueueHandle,
}

impl TaskQueues {
    /// Creates the queues on the current executor.
    pub fn create() -> Self {
        let ex = glommio::executor();
        Self {
            foreground: ex.create_task_queue(
                Shares::Static(1000),
                Latency::Matters(Duration::from_millis(2)),
                "foreground",
            ),
            // Latency matters here too, not for the queue's own sake: glommio only turns its
            // reactor (and so notices a readable socket) when the running queue is preempted
            // or idle, and it arms the preemption timer from the running queue's latency.
            // With `Latency::NotImportant` a busy index builder held sockets unread for
            // ~80 ms at a time; 2 ms bounds that stall.
            background: ex.create_task_queue(
                Shares::Static(100),
                Latency::Matters(Duration::from_millis(2)),
                "background",
            ),
        }
    }
}

/// Spawns a detached task on the current executor's `queue`.
pub fn spawn_into(queue: TaskQueueHandle, future: impl Future<Output = ()> + 'static) {
    spawn_task_into(queue, future).detach();
}

/// Spawns a task on the current executor's `queue`, returning its handle.
///
/// # Panics
/// On an unknown queue handle (the only way it fails; a programming error).
pub fn spawn_task_into<T: 'static>(
    queue: TaskQueueHandle,
    future: impl Future<Output = T> + 'static,
) -> Task<T> {
    match glommio::spawn_local_into(future, queue) {
        Ok(task) => task,
        Err(e) => panic!("spawning into task queue: {e}"),
    }
}

/// Spawns a task on the current executor's default queue.
pub fn spawn<T: 'static>(future: impl Future<Output = T> + 'static) -> Task<T> {
    glommio::spawn_local(future)
}

/// Sleeps on the current executor.
pub async fn sleep(duration: Duration) {
    glommio::timer::sleep(duration).await;
}

/// Yields to other tasks if the scheduler wants the CPU back.
pub async fn yield_if_needed() {
    glommio::yield_if_needed().await;
}

/// Hands the core back from a background task so that foreground work is noticed and runs
/// first; for loops doing bounded CPU work, called between pieces of it.
///
/// `yield_if_needed` is not enough for a background task that always has work: glommio
/// learns of mesh messages and cross-thread wakes only when its reactor turns, which happens
/// when the running queue is preempted (timer, socket) or when no queue is runnable; and a
/// foreground queue woken by that turn is re-activated with the smallest active vruntime
/// plus one, so the still-runnable background queue is picked first for another full slice.
/// Each cross-core hop of a search then waited up to two background slices.
///
/// So: first sleep for a microsecond. The background queue becomes idle, `run_task_queues`
/// returns (unless foreground work is running, which is what we want), the reactor polls
/// sockets, timers and the shared channels, and wakes whatever arrived. Then yield the task
/// queue: the background queue's vruntime grows ten times faster than the foreground's (its
/// shares are a tenth), so after any work at all it sorts after a freshly woken foreground
/// queue, which therefore runs before the next piece of background work.
pub async fn yield_to_foreground() {
    sleep(Duration::from_micros(1)).await;
    glommio::executor().yield_task_queue_now().await;
}

/// Runs `call` on this executor's blocking thread pool and waits for it, for system calls
/// that would hold the core: freeing a buffer of hundreds of MiB unmaps it page by page
/// (25–45 ms for 256 MiB on this machine).
pub async fn off_core<T: Send + 'static>(call: impl FnOnce() -> T + Send + 'static) -> T {
    glommio::executor().spawn_blocking(call).await
}

/// Frees `value` on the blocking thread pool, from a detached task in `queue`: dropping a
/// large shard's arena or graph unmaps hundreds of MiB page by page, which would hold the core.
pub fn free_off_core<T: Send + 'static>(queue: TaskQueueHandle, value: T) {
    spawn_into(queue, off_core(move || drop(value)));
}

/// Yields unconditionally.
pub async fn yield_now() {
    futures_lite::future::yield_now().await;
}

/// Runs `future` for at most `duration`; `None` on timeout.
pub async fn timeout<T>(duration: Duration, future: impl Future<Output = T>) -> Option<T> {
    futures_lite::future::or(async { Some(future.await) }, async {
        sleep(duration).await;
        None
    })
    .await
}

/// The process's anonymous resident memory in bytes (`RssAnon` of `/proc/self/status`): the
/// heap and anonymous mappings, what the kernel's out-of-memory killer weighs, without the
/// file pages of mapped snapshots, which it can drop.
///
/// # Errors
/// The file cannot be read or has no `RssAnon` line.
pub fn anonymous_resident_bytes() -> std::io::Result<u64> {
    kib_line("/proc/self/status", "RssAnon:")
}

/// The machine's memory in bytes (`MemTotal` of `/proc/meminfo`).
///
/// # Errors
/// The file cannot be read or has no `MemTotal` line.
pub fn machine_memory_bytes() -> std::io::Result<u64> {
    kib_line("/proc/meminfo", "MemTotal:")
}

/// The value of the line `key  N kB` of the proc file `path`, in bytes.
fn kib_line(path: &str, key: &str) -> std::io::Result<u64> {
    std::fs::read_to_string(path)?
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse::<u64>().ok())
        .map(|kib| kib << 10)
        .ok_or_else(|| std::io::Error::other(format!("no {key} line in {path}")))
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::anonymous_resident_bytes;

    /// The vendored glommio's scheduler fix (third_party/glommio/PATCHES.md): an executor
    /// whose preemption flag is up before it runs anything must still run its task queues
    /// instead of parking for good. With a 1 ns preemption timer every pass starts
    /// preempted; glommio 0.9.0 as released hangs in the first `run`.
    #[test]
    #[allow(clippy::disallowed_methods)] // a bare glommio executor: tests glommio, not start_pinned
    fn an_executor_preempted_before_it_runs_anything_still_runs() {
        let (progress_tx, progress) = mpsc::channel();
        let worker = std::thread::spawn(move || {
            let executor = glommio::LocalExecutorBuilder::default()
                .preempt_timer(Duration::from_nanos(1))
                .make()
                .expect("an executor");
            for run in 0..1_000 {
                executor.run(async {});
                let _ = progress_tx.send(run);
            }
        });
        let mut runs = 0;
        while runs < 1_000 {
            // Only to fail instead of hanging: a run takes microseconds.
            match progress.recv_timeout(Duration::from_secs(60)) {
                Ok(_) => runs += 1,
                Err(e) => panic!("the executor stopped after {runs} runs: {e}"),
            }
        }
        worker.join().expect("the executor thread");
    }

    #[test]
    fn anonymous_resident_memory_grows_with_a_touched_allocation() {
        let before = anonymous_resident_bytes().unwrap();
        assert!(before > 0);
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        let during = anonymous_resident_bytes().unwrap();
        assert!(during >= before + (48 << 20), "{before} -> {during}");
        drop(block);
    }
}
