//! [`Notify`]: a wake-up for one waiting task on the same core (no `Send`, no locks).
//!
//! The runtime seam offers no single-core notification primitive, and cross-thread channels
//! would be overkill for tasks that share a core; this is the few lines it takes.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::task::{Poll, Waker};

/// An edge-triggered flag with at most one waiter. `notify` before `notified` is remembered
/// (the next `notified` returns at once), so a notification is never lost. A second waiter
/// replaces the first: use one `Notify` per waiting task.
#[derive(Default)]
pub(crate) struct Notify {
    notified: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Notify {
    /// Wakes the waiter, or the next one to wait.
    pub(crate) fn notify(&self) {
        self.notified.set(true);
        let waker = self.waker.borrow_mut().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Resolves at the next (or a pending) notification, consuming it.
    pub(crate) async fn notified(&self) {
        poll_fn(|cx| {
            if self.notified.replace(false) {
                return Poll::Ready(());
            }
            let mut slot = self.waker.borrow_mut();
            match slot.as_ref() {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
            Poll::Pending
        })
        .await;
    }
}
