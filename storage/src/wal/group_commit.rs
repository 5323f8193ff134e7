//! Group-commit plumbing: the appenders waiting for the log, and the guard of one pipeline step.
//!
//! One appender at a time is the *write leader*: it takes every record queued so far and
//! writes them with one `write_at`. Appends that arrive meanwhile queue up and go out together
//! in the next write. `fdatasync`s are led the same way but may overlap the next write (see
//! `Wal::commit`).
//!
//! Wake-ups are targeted: a waiter is registered under the LSN it waits for, and a change of
//! the commit state wakes only the waiters it acknowledged plus at most one candidate per
//! leader role that needs filling (see `Wal::wake_after_change`). Waking every waiter on every
//! change was measured to cost several passes through the commit loop per append.

use std::{
    cell::{Cell, RefCell},
    collections::BTreeMap,
    task::Waker,
};

/// What a waiter waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Until {
    /// `synced_lsn >= lsn`.
    Synced,
    /// `written_lsn >= lsn`.
    Written,
}

/// The registered waiters, by `(lsn, registration number)`. Single-threaded.
#[derive(Debug, Default)]
pub(crate) struct Waiters {
    next: Cell<u64>,
    synced: RefCell<BTreeMap<(u64, u64), Waker>>,
    written: RefCell<BTreeMap<(u64, u64), Waker>>,
}

impl Waiters {
    fn map(&self, until: Until) -> &RefCell<BTreeMap<(u64, u64), Waker>> {
        match until {
            Until::Synced => &self.synced,
            Until::Written => &self.written,
        }
    }

    /// Registers a waiter; returns its key.
    pub(crate) fn register(&self, until: Until, lsn: u64, waker: Waker) -> (u64, u64) {
        let key = (lsn, self.next.get());
        self.next.set(key.1 + 1);
        self.map(until).borrow_mut().insert(key, waker);
        key
    }

    /// Refreshes the waker of a registered waiter; `false` when it was woken (removed).
    pub(crate) fn refresh(&self, until: Until, key: (u64, u64), waker: &Waker) -> bool {
        match self.map(until).borrow_mut().get_mut(&key) {
            Some(registered) => {
                registered.clone_from(waker);
                true
            }
            None => false,
        }
    }

    /// Removes a waiter; `false` when it had already been woken.
    pub(crate) fn remove(&self, until: Until, key: (u64, u64)) -> bool {
        self.map(until).borrow_mut().remove(&key).is_some()
    }

    /// Takes every waiter of `until` with an LSN `<= lsn`.
    pub(crate) fn take_up_to(&self, until: Until, lsn: u64, out: &mut Vec<Waker>) {
        let mut map = self.map(until).borrow_mut();
        let rest = map.split_off(&(lsn.saturating_add(1), 0));
        out.extend(std::mem::replace(&mut *map, rest).into_values());
    }

    /// Takes the waiter of `until` with the smallest LSN in `(above, up_to]`, if any.
    pub(crate) fn take_first_in(
        &self,
        until: Until,
        above: u64,
        up_to: u64,
        out: &mut Vec<Waker>,
    ) -> bool {
        let mut map = self.map(until).borrow_mut();
        let first = map
            .range((above.saturating_add(1), 0)..)
            .next()
            .filter(|((lsn, _), _)| *lsn <= up_to)
            .map(|(key, _)| *key);
        match first.and_then(|key| map.remove(&key)) {
            Some(waker) => {
                out.push(waker);
                true
            }
            None => false,
        }
    }

    /// Takes every waiter.
    pub(crate) fn take_all(&self, out: &mut Vec<Waker>) {
        out.extend(std::mem::take(&mut *self.synced.borrow_mut()).into_values());
        out.extend(std::mem::take(&mut *self.written.borrow_mut()).into_values());
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.synced.borrow().len() + self.written.borrow().len()
    }
}

/// Held by the leader of one pipeline step (a group write, or one `fdatasync`) while it is in
/// flight; `in_flight` counts the leaders of that step. If the leader's future is dropped
/// midway, the step's effect on disk is unknown, so the guard moves the WAL to the failed
/// state (via `on_abandon`); it always decrements the count and then runs `on_done` (which
/// wakes whoever the change concerns).
pub(crate) struct StepGuard<'a> {
    in_flight: &'a Cell<usize>,
    on_done: &'a dyn Fn(),
    on_abandon: &'a dyn Fn(),
    finished: bool,
}

impl<'a> StepGuard<'a> {
    /// Starts a step; at most `limit` of this step may be in flight.
    pub(crate) fn begin(
        in_flight: &'a Cell<usize>,
        limit: usize,
        on_done: &'a dyn Fn(),
        on_abandon: &'a dyn Fn(),
    ) -> Self {
        assert!(
            in_flight.get() < limit,
            "group commit: more than {limit} leaders of one step"
        );
        in_flight.set(in_flight.get() + 1);
        StepGuard {
            in_flight,
            on_done,
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
        (self.on_done)();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiters_are_taken_by_lsn() {
        let waiters = Waiters::default();
        let noop = Waker::noop();
        let a = waiters.register(Until::Synced, 5, noop.clone());
        let b = waiters.register(Until::Synced, 7, noop.clone());
        let c = waiters.register(Until::Synced, 9, noop.clone());
        let mut out = Vec::new();
        assert!(!waiters.take_first_in(Until::Synced, 9, 20, &mut out));
        assert!(waiters.take_first_in(Until::Synced, 5, 8, &mut out));
        assert!(!waiters.refresh(Until::Synced, b, noop), "b was taken");
        assert!(waiters.refresh(Until::Synced, a, noop));
        waiters.take_up_to(Until::Synced, 5, &mut out);
        assert_eq!((out.len(), waiters.len()), (2, 1));
        assert!(waiters.remove(Until::Synced, c) && !waiters.remove(Until::Synced, c));
        assert!(!waiters.remove(Until::Written, a));
    }

    #[test]
    fn abandoned_step_runs_the_abandon_hook_then_wakes() {
        let writing = Cell::new(0);
        let (abandoned, woken) = (Cell::new(false), Cell::new(0));
        let hook = || abandoned.set(true);
        let done = || woken.set(woken.get() + 1);
        drop(StepGuard::begin(&writing, 1, &done, &hook));
        assert!(abandoned.get() && writing.get() == 0);
        StepGuard::begin(&writing, 1, &done, &hook).finish();
        assert!(writing.get() == 0 && woken.get() == 2);
    }
}
