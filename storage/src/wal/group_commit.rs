//! Group-commit plumbing: a broadcast signal for waiters and the leader's flush guard.
//!
//! One appender at a time is the *leader*: it takes every record queued so far, writes them
//! with one `write_at` and one `fdatasync`, then wakes everyone. Appends that arrive while the
//! leader is flushing queue up and go out together in the next flush.

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

/// Held by the leader while it flushes. If the leader's future is dropped mid-flush, the
/// flush's effect on disk is unknown, so the guard moves the WAL to the failed state (via
/// `on_abandon`), then always clears the flushing flag and wakes the waiters so one of them
/// sees the outcome.
pub(crate) struct FlushGuard<'a> {
    flushing: &'a Cell<bool>,
    signal: &'a Signal,
    on_abandon: &'a dyn Fn(),
    finished: bool,
}

impl<'a> FlushGuard<'a> {
    pub(crate) fn begin(
        flushing: &'a Cell<bool>,
        signal: &'a Signal,
        on_abandon: &'a dyn Fn(),
    ) -> Self {
        assert!(!flushing.get(), "two group-commit leaders");
        flushing.set(true);
        FlushGuard {
            flushing,
            signal,
            on_abandon,
            finished: false,
        }
    }

    pub(crate) fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for FlushGuard<'_> {
    fn drop(&mut self) {
        if !self.finished {
            (self.on_abandon)();
        }
        self.flushing.set(false);
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
        let flushing = Cell::new(false);
        let signal = Signal::default();
        let abandoned = Cell::new(false);
        let hook = || abandoned.set(true);
        drop(FlushGuard::begin(&flushing, &signal, &hook));
        assert!(abandoned.get() && !flushing.get());
        FlushGuard::begin(&flushing, &signal, &hook).finish();
        assert!(!flushing.get() && signal.generation() == 2);
    }
}
