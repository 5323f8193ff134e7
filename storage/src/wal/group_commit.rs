//! Group-commit plumbing: a broadcast signal for waiters and the leader's flush guard.
//!
//! One appender at a time is the *write leader*: it takes every record queued so far and
//! writes them with one `write_at`. Appends that arrive meanwhile queue up and go out together
//! in the next write. `fdatasync`s are led the same way but may overlap the next write (see
//! `Wal::commit`).

use std::{
    cell::{Cell, RefCell},
    future::poll_fn,
    task::{Poll, Waker},
};

/// Wakes every waiter when the flush state changes. Single-threaded.
#[derive(Debug, Default)]
pub(crate) struct Signal {
    generation: Cell<u64>,
    wakers: RefCell<Vec<Waker>>,
}

impl Signal {
    pub(crate) fn generation(&self) -> u64 {
        self.generation.get()
    }

    pub(crate) fn notify_all(&self) {
        self.generation.set(self.generation.get() + 1);
        let wakers = std::mem::take(&mut *self.wakers.borrow_mut());
        for waker in wakers {
            waker.wake();
        }
    }

    /// Resolves once `notify_all` has run after `seen` was read from `generation()`.
    pub(crate) async fn changed(&self, seen: u64) {
        poll_fn(|cx| {
            if self.generation.get() != seen {
                Poll::Ready(())
            } else {
                self.wakers.borrow_mut().push(cx.waker().clone());
                Poll::Pending
            }
        })
        .await;
    }
}

/// Held by the leader of one pipeline step (a group write, or one `fdatasync`) while it is in
/// flight; `in_flight` counts the leaders of that step. If the leader's future is dropped
/// midway, the step's effect on disk is unknown, so the guard moves the WAL to the failed
/// state (via `on_abandon`); it always decrements the count and wakes the waiters so one of
/// them sees the outcome.
pub(crate) struct StepGuard<'a> {
    in_flight: &'a Cell<usize>,
    signal: &'a Signal,
    on_abandon: &'a dyn Fn(),
    finished: bool,
}

impl<'a> StepGuard<'a> {
    /// Starts a step; at most `limit` of this step may be in flight.
    pub(crate) fn begin(
        in_flight: &'a Cell<usize>,
        limit: usize,
        signal: &'a Signal,
        on_abandon: &'a dyn Fn(),
    ) -> Self {
        assert!(
            in_flight.get() < limit,
            "group commit: more than {limit} leaders of one step"
        );
        in_flight.set(in_flight.get() + 1);
        StepGuard {
            in_flight,
            signal,
            on_abandon,
            finished: false,
        }
    }

    pub(crate) fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for StepGuard<'_> {
    fn drop(&mut self) {
        if !self.finished {
            (self.on_abandon)();
        }
        self.in_flight.set(self.in_flight.get() - 1);
        self.signal.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::{future::Future, pin::pin, task::Context};

    #[test]
    fn signal_wakes_waiters_registered_before_notify() {
        let signal = Signal::default();
        let seen = signal.generation();
        let mut wait = pin!(signal.changed(seen));
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        assert!(wait.as_mut().poll(&mut cx).is_pending());
        signal.notify_all();
        assert!(wait.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn abandoned_flush_runs_the_abandon_hook() {
        let writing = Cell::new(0);
        let signal = Signal::default();
        let abandoned = Cell::new(false);
        let hook = || abandoned.set(true);
        drop(StepGuard::begin(&writing, 1, &signal, &hook));
        assert!(abandoned.get() && writing.get() == 0);
        StepGuard::begin(&writing, 1, &signal, &hook).finish();
        assert!(writing.get() == 0 && signal.generation() == 2);
    }
}
