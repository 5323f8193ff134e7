//! The write-ahead log of one shard: record framing, segment files, group commit.
//!
//! Writes go out as whole 4 KiB blocks. The last, partially filled block is kept in memory and
//! rewritten by the next flush together with the new records; the bytes already on disk are
//! rewritten with identical values, so a torn rewrite can only damage records that were not
//! yet acknowledged (see FORMAT.md, "Why rewriting the tail block is safe"). A group cut while
//! another group's write is still in flight starts on the next block instead (zero padding
//! between them), and acknowledgements wait for every earlier group (FORMAT.md, "Writing").
//!
//! After a restart the WAL never appends to a segment it did not create in this process: the
//! first flush starts a new segment whose first LSN follows the last recovered record. That
//! way bytes beyond a torn tail are never mistaken for new records.

pub(crate) mod group_commit;
pub mod record;
pub mod segment;

use std::{
    cell::{Cell, RefCell},
    collections::{BTreeMap, VecDeque},
    fmt,
    rc::Rc,
    str::FromStr,
    time::{Duration, Instant},
};

use self::{
    group_commit::{StepGuard, Until, Waiters},
    record::{Lsn, WalRecord},
    segment::{encode_header, segment_name, SEGMENT_HEADER_BYTES},
};
use crate::{
    disk::{align_down, align_up, Directory, File, BLOCK_BYTES},
    error::{Error, Result},
};

/// Default segment size: 64 MiB.
pub const WAL_SEGMENT_BYTES_DEFAULT: u64 = 64 << 20;
/// Name of the prepared next segment while it has no first LSN yet. A leftover one (crash
/// while preparing or before it was used) holds no records and is removed at open.
pub const SPARE_SEGMENT_NAME: &str = "next-segment.tmp";
/// After a failed [`Wal::prepare_spare`] (e.g. a full disk), how long before it is tried
/// again; doubled after each further failure up to [`SPARE_RETRY_MAX`], so a full disk costs
/// one attempt (and one warning) per minute, not a stream of them.
const SPARE_RETRY_FIRST: Duration = Duration::from_secs(1);
const SPARE_RETRY_MAX: Duration = Duration::from_secs(60);
/// How many `fdatasync`s may be in flight at once while later groups are written.
pub const SYNCS_IN_FLIGHT_MAX: usize = 2;
/// Default of [`WalConfig::writes_in_flight`].
pub const WAL_WRITES_IN_FLIGHT_DEFAULT: usize = 2;
/// Default of [`WalConfig::group_split_bytes`]. Measured with 64 one-record writers of 1,536
/// bytes (bench/RESULTS.md): 48 KiB beat 32 and 64 KiB.
pub const WAL_GROUP_SPLIT_BYTES_DEFAULT: usize = 48 << 10;
/// The spare segment is zero-filled (every block written once ahead of time) when the active
/// segment's groups average fewer bytes than this, and only `fallocate`d otherwise. Writing
/// into `fallocate`d (unwritten) blocks makes every durable write also commit an extent
/// change, a cost per write; zero-filling costs a second write of every byte. Measured
/// (bench/RESULTS.md): zero-filled is better with ~12 KiB groups (8 one-record writers), only
/// allocated is better with ~46 KiB groups (64 writers: +20% records/s, p99 1 ms → 0.2 ms).
pub const SPARE_ZERO_FILL_BELOW_GROUP_BYTES: u64 = 32 << 10;
/// Smallest allowed segment: the header block plus one record block.
pub const WAL_SEGMENT_BYTES_MIN: u64 = 2 * BLOCK_BYTES as u64;

/// When an append is acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `append` resolves once the records are on stable storage: their group's O_DSYNC write
    /// completed ([`WalConfig::write_through`], the default), or the write and then an
    /// `fdatasync` did. An acknowledged record survives power loss. Concurrent appends share
    /// one group write (group commit).
    #[default]
    Sync,
    /// `append` resolves once the records are written (O_DIRECT, so they left the process but
    /// may sit in the device cache); `fdatasync` runs at most every `N` ms: inline in a flush
    /// that finds the last sync older than `N`, and whenever the owner calls
    /// `ShardStore::sync` (call it at `ShardStore::sync_deadline`). A power loss can lose
    /// acknowledged records from the last `N` ms (plus the owner's timer slack); a process
    /// crash alone loses nothing that was acknowledged. Recovery still yields a prefix.
    Interval(Duration),
    /// `append` resolves once written; no `fdatasync` except at segment rotation, snapshot and
    /// close. For benchmarks only: a power loss can lose any amount of acknowledged data.
    None,
}

impl fmt::Display for Durability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Durability::Sync => f.write_str("sync"),
            Durability::Interval(every) => write!(f, "interval={}", every.as_millis()),
            Durability::None => f.write_str("none"),
        }
    }
}

/// Error parsing a [`Durability`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid durability {0:?}: expected \"sync\", \"interval=MS\" (0 < MS <= 3600000) or \"none\""
)]
pub struct ParseDurabilityError(String);

/// Longest `interval=MS` accepted: an hour.
pub const DURABILITY_INTERVAL_MS_MAX: u64 = 3_600_000;

impl FromStr for Durability {
    type Err = ParseDurabilityError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "sync" => Ok(Durability::Sync),
            "none" => Ok(Durability::None),
            _ => text
                .strip_prefix("interval=")
                .and_then(|ms| ms.parse::<u64>().ok())
                .filter(|ms| (1..=DURABILITY_INTERVAL_MS_MAX).contains(ms))
                .map(|ms| Durability::Interval(Duration::from_millis(ms)))
                .ok_or_else(|| ParseDurabilityError(text.to_owned())),
        }
    }
}

/// WAL settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalConfig {
    /// Preallocated size of each segment; a new segment starts when the next flush does not
    /// fit. A multiple of 4096, at least [`WAL_SEGMENT_BYTES_MIN`] (asserted at open). A
    /// flush larger than a segment gets a segment of its own, sized to fit.
    pub segment_bytes: u64,
    /// When appends are acknowledged.
    pub durability: Durability,
    /// With [`Durability::Sync`]: open segments write-through (`O_DSYNC`), so a group's write
    /// is durable when it completes and needs no `fdatasync` of its own (one I/O per group
    /// instead of two). Measured on the project's disk: +16–30% records/s at 1, 8 and 64
    /// writers and lower p50 and p99 latency (bench/RESULTS.md). `false` acks after
    /// a separate `fdatasync`, overlapped with the next group's write. Ignored in the other
    /// modes.
    pub write_through: bool,
    /// How many group writes may be in flight at once (at least 1). With 1 the log is written
    /// strictly one group after another. With more, a group cut while an earlier one is still
    /// being written starts on a fresh 4 KiB block, after zero padding, so that the two
    /// writes never share a block; acknowledgements stay in LSN order (a group completing
    /// early waits for the ones before it), so a crash can only lose unacknowledged groups,
    /// and recovery stops at the first group that is not whole. Measured with 64 one-record
    /// writers, 2 against 1: +13% median records/s and a p99 a quarter as high (+30% while
    /// spares were always zero-filled); 1 and 8 writers unchanged (bench/RESULTS.md).
    pub writes_in_flight: usize,
    /// With more than one write in flight, a leader takes at most `1 / writes_in_flight` of
    /// what is queued (split at an append boundary), and never less than this many bytes: the appenders one
    /// completion acknowledged re-append together, and splitting them is what lets the next
    /// write go out while the rest are still being encoded.
    pub group_split_bytes: usize,
}

impl Default for WalConfig {
    fn default() -> Self {
        WalConfig {
            segment_bytes: WAL_SEGMENT_BYTES_DEFAULT,
            durability: Durability::Sync,
            write_through: true,
            writes_in_flight: WAL_WRITES_IN_FLIGHT_DEFAULT,
            group_split_bytes: WAL_GROUP_SPLIT_BYTES_DEFAULT,
        }
    }
}

/// Counters since open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WalStats {
    /// Calls to `append` that queued records.
    pub appends_count: u64,
    /// Records queued.
    pub records_count: u64,
    /// Encoded record bytes queued.
    pub record_bytes: u64,
    /// Bytes handed to `write_at` (includes rewritten tail blocks and zero padding).
    pub bytes_written: u64,
    /// Points where records became durable: `fdatasync` calls (group syncs, explicit syncs,
    /// the seal of a full segment) and, with [`WalConfig::write_through`], group writes; the
    /// sync of a freshly created, empty segment is not counted.
    pub fsyncs_count: u64,
    /// Flushes that wrote records (one write each).
    pub groups_count: u64,
    /// Appends written by those flushes; mean group size = `group_appends_sum / groups_count`.
    pub group_appends_sum: u64,
    /// Records written by those flushes.
    pub group_records_sum: u64,
    /// Groups written while an earlier group's write was still in flight.
    pub groups_overlapped: u64,
    /// Groups whose write completed before an earlier group's did.
    pub groups_completed_early: u64,
    /// Segments created.
    pub segments_created: u64,
    /// Spare segments prepared by zero-filling them.
    pub spares_zero_filled: u64,
    /// Spare segments prepared by only allocating their blocks.
    pub spares_allocated: u64,
}

#[derive(Debug, Clone)]
pub(crate) struct SegmentInfo {
    pub(crate) name: String,
    pub(crate) first_lsn: Lsn,
}

#[derive(Debug)]
struct WalState {
    next_lsn: u64,
    pending: Vec<u8>,
    pending_first_lsn: u64,
    /// For each queued append: (its last LSN, end offset in `pending`, records): where a
    /// group may be cut.
    pending_ends: VecDeque<(u64, usize, u64)>,
    written_lsn: u64,
    /// Groups whose write completed while an earlier group's had not: first LSN → last LSN.
    written_early: BTreeMap<u64, u64>,
    /// Groups cut into the active segment, and their record bytes.
    segment_groups: u64,
    segment_group_bytes: u64,
    synced_lsn: u64,
    last_sync: Instant,
    segments: Vec<SegmentInfo>,
    write_offset: u64,
    tail: Vec<u8>,
    capacity: u64,
    failed: Option<Error>,
    stats: WalStats,
    snapshot_baseline_bytes: u64,
}

/// The WAL engine. Methods take `&self`: many tasks on one core append concurrently.
#[derive(Debug)]
pub(crate) struct Wal<F> {
    config: WalConfig,
    state: RefCell<WalState>,
    active: RefCell<Option<Rc<F>>>,
    /// Write leaders (from taking the role to their write's completion; at most
    /// `writes_in_flight`).
    writing: Cell<usize>,
    /// Group writes cut and not yet completed (their offsets are reserved).
    writes_on_disk: Cell<usize>,
    /// A leader is switching to a new segment: no group may be cut meanwhile.
    switching_segment: Cell<bool>,
    /// `fdatasync`s issued and not yet finished.
    syncs_in_flight: Cell<usize>,
    /// Highest LSN covered by a sync issued so far (finished or not).
    sync_issued_lsn: Cell<u64>,
    waiters: Waiters,
    /// A zero-filled, synced segment file waiting to become the next segment
    /// ([`SPARE_SEGMENT_NAME`]), so that rotation does not stall every writer while 64 MiB
    /// are zeroed.
    spare: RefCell<Option<F>>,
    spare_preparing: Cell<bool>,
    spare_retry_at: Cell<Option<Instant>>,
    spare_retry_after: Cell<Duration>,
    /// A rotation is between taking the spare and installing the new segment: no new spare
    /// may be created meanwhile (it would reuse [`SPARE_SEGMENT_NAME`] under the rename).
    rotating: Cell<bool>,
}

impl<F: File> Wal<F> {
    /// A WAL whose recovered segments are `segments` and whose next record gets `next_lsn`.
    pub(crate) fn new(config: WalConfig, segments: Vec<SegmentInfo>, next_lsn: Lsn) -> Self {
        assert!(
            config.segment_bytes >= WAL_SEGMENT_BYTES_MIN && config.segment_bytes % BLOCK_BYTES as u64 == 0,
            "segment_bytes must be a multiple of {BLOCK_BYTES} and at least {WAL_SEGMENT_BYTES_MIN}"
        );
        assert!(next_lsn.0 >= 1);
        assert!(
            config.writes_in_flight >= 1,
            "writes_in_flight must be at least 1"
        );
        let state = WalState {
            next_lsn: next_lsn.0,
            pending: Vec::new(),
            pending_first_lsn: next_lsn.0,
            pending_ends: VecDeque::new(),
            written_lsn: next_lsn.0 - 1,
            written_early: BTreeMap::new(),
            segment_groups: 0,
            segment_group_bytes: 0,
            synced_lsn: next_lsn.0 - 1,
            last_sync: Instant::now(),
            segments,
            write_offset: 0,
            tail: Vec::new(),
            capacity: 0,
            failed: None,
            stats: WalStats::default(),
            snapshot_baseline_bytes: 0,
        };
        Wal {
            config,
            state: RefCell::new(state),
            active: RefCell::new(None),
            writing: Cell::new(0),
            writes_on_disk: Cell::new(0),
            switching_segment: Cell::new(false),
            syncs_in_flight: Cell::new(0),
            sync_issued_lsn: Cell::new(next_lsn.0 - 1),
            waiters: Waiters::default(),
            spare: RefCell::new(None),
            spare_preparing: Cell::new(false),
            spare_retry_at: Cell::new(None),
            spare_retry_after: Cell::new(SPARE_RETRY_FIRST),
            rotating: Cell::new(false),
        }
    }

    pub(crate) fn stats(&self) -> WalStats {
        self.state.borrow().stats
    }

    /// LSN of the last record handed to `append`.
    pub(crate) fn last_lsn(&self) -> Lsn {
        Lsn(self.state.borrow().next_lsn - 1)
    }

    pub(crate) fn bytes_since_snapshot(&self) -> u64 {
        let state = self.state.borrow();
        state.stats.record_bytes - state.snapshot_baseline_bytes
    }

    pub(crate) fn mark_snapshot_baseline(&self, record_bytes: u64) {
        self.state.borrow_mut().snapshot_baseline_bytes = record_bytes;
    }

    /// When `Durability::Interval` wants the next `fdatasync`, if anything is unsynced.
    pub(crate) fn sync_deadline(&self) -> Option<Instant> {
        let state = self.state.borrow();
        match self.config.durability {
            Durability::Interval(every) if state.synced_lsn < state.next_lsn - 1 => {
                Some(state.last_sync + every)
            }
            _ => None,
        }
    }

    /// `Err(Error::Failed)` once the WAL has failed: appends would be rejected.
    pub(crate) fn check_writable(&self) -> Result<()> {
        match &self.state.borrow().failed {
            Some(error) => Err(error.rejection()),
            None => Ok(()),
        }
    }

    fn fail(&self, error: Error) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            if state.failed.is_none() {
                tracing::error!(%error, "write-ahead log failed; appends are rejected until reopen");
                state.failed = Some(error);
            }
        }
    }

    /// `Err` with the error the WAL failed with (what its waiting appenders get), if it did.
    fn check_not_failed(&self) -> Result<()> {
        match &self.state.borrow().failed {
            Some(error) => Err(error.duplicate()),
            None => Ok(()),
        }
    }

    /// Queues `records` and resolves when they are acknowledged per the durability mode.
    pub(crate) async fn append<D: Directory<File = F>>(
        &self,
        dir: &D,
        records: &[WalRecord],
    ) -> Result<Lsn> {
        for record in records {
            record.check_size()?;
        }
        let target = {
            let mut guard = self.state.borrow_mut();
            let state = &mut *guard;
            if let Some(error) = &state.failed {
                return Err(error.rejection());
            }
            // LSN u64::MAX is never assigned, so that `next_lsn` always exists. Only a damaged
            // or crafted segment or snapshot name gets here (2^64 records are never written).
            if state.next_lsn.checked_add(records.len() as u64).is_none() {
                let reason = format!(
                    "the log continues at LSN {}, which leaves no LSN for {} more records",
                    state.next_lsn,
                    records.len()
                );
                return Err(Error::corrupted(dir.full_path(""), 0, reason));
            }
            if state.pending.is_empty() {
                state.pending_first_lsn = state.next_lsn;
            }
            let before = state.pending.len();
            // Every record vouches for what is durable now: recovery uses it to tell a record
            // the disk damaged from one a crash tore (segment::look_past_end).
            let durable = Some(Lsn(state.synced_lsn));
            for record in records {
                record.encode_into(Lsn(state.next_lsn), durable, &mut state.pending);
                state.next_lsn += 1;
            }
            if !records.is_empty() {
                let (last, end) = (state.next_lsn - 1, state.pending.len());
                state
                    .pending_ends
                    .push_back((last, end, records.len() as u64));
                state.stats.appends_count += 1;
                state.stats.records_count += records.len() as u64;
                state.stats.record_bytes += (state.pending.len() - before) as u64;
            }
            state.next_lsn - 1
        };
        self.commit(dir, target, self.config.durability == Durability::Sync)
            .await?;
        Ok(Lsn(target))
    }

    /// Flushes everything queued and `fdatasync`s it, whatever the durability mode.
    pub(crate) async fn sync<D: Directory<File = F>>(&self, dir: &D) -> Result<Lsn> {
        let target = {
            let state = self.state.borrow();
            if let Some(error) = &state.failed {
                return Err(error.rejection());
            }
            state.next_lsn - 1
        };
        self.commit(dir, target, true).await?;
        Ok(Lsn(target))
    }

    /// Waits until `target` is acknowledged (`durable`: synced, else written), doing the
    /// pipeline's work itself when no one else is.
    ///
    /// The pipeline has two stages. Writes: a *write leader* cuts a group from the queue and
    /// writes it with one `write_at`; up to [`WalConfig::writes_in_flight`] groups are in
    /// flight, at increasing offsets in LSN order, and a group counts as written only once
    /// every group before it is (`written_lsn` is the end of a contiguous prefix), so a torn
    /// write can only cost groups that were never acknowledged. Syncs overlap
    /// with the next write: a sync covers the records written before it was issued, and up
    /// to [`SYNCS_IN_FLIGHT_MAX`] may be in flight while the next group is being written.
    /// Records become acknowledged in LSN order (`synced_lsn` only grows).
    async fn commit<D: Directory<File = F>>(
        &self,
        dir: &D,
        target: u64,
        durable: bool,
    ) -> Result<()> {
        loop {
            let written = {
                let state = self.state.borrow();
                let acked = if durable {
                    state.synced_lsn
                } else {
                    state.written_lsn
                };
                if acked >= target {
                    return Ok(());
                }
                if let Some(error) = &state.failed {
                    return Err(error.duplicate());
                }
                state.written_lsn
            };
            if written < target {
                let lead = {
                    let state = self.state.borrow();
                    target >= state.pending_first_lsn && self.may_lead(&state)
                };
                if !lead {
                    self.wait(durable, target).await;
                    continue;
                }
                self.lead_write(dir, durable).await?;
                continue;
            }
            // Written but not yet durable: issue a sync unless one covering `target` is
            // already in flight or the pipeline is full.
            if self.sync_issued_lsn.get() >= target
                || self.syncs_in_flight.get() >= SYNCS_IN_FLIGHT_MAX
            {
                self.wait(durable, target).await;
                continue;
            }
            self.lead_sync().await?;
        }
    }

    /// Sleeps until [`Self::wake_after_change`] picks this waiter (the caller re-checks).
    fn wait(&self, durable: bool, lsn: u64) -> Wait<'_, F> {
        let until = if durable {
            Until::Synced
        } else {
            Until::Written
        };
        Wait {
            wal: self,
            until,
            lsn,
            key: None,
        }
    }

    /// After any change of the commit state: wakes the waiters it acknowledged (all of them
    /// once the WAL failed), one candidate write leader (among the appenders still queued) if
    /// [`Self::may_lead`], and one candidate sync leader if written records have no sync
    /// covering them and a sync slot is free.
    fn wake_after_change(&self) {
        let mut wake = Vec::new();
        {
            let state = self.state.borrow();
            if state.failed.is_some() {
                self.waiters.take_all(&mut wake);
            } else {
                self.waiters
                    .take_up_to(Until::Synced, state.synced_lsn, &mut wake);
                self.waiters
                    .take_up_to(Until::Written, state.written_lsn, &mut wake);
                if self.may_lead(&state) {
                    let cut = state.pending_first_lsn - 1;
                    let _ = self
                        .waiters
                        .take_first_in(Until::Synced, cut, u64::MAX, &mut wake)
                        || self
                            .waiters
                            .take_first_in(Until::Written, cut, u64::MAX, &mut wake);
                }
                let issued = self.sync_issued_lsn.get();
                if self.syncs_in_flight.get() < SYNCS_IN_FLIGHT_MAX && issued < state.written_lsn {
                    self.waiters
                        .take_first_in(Until::Synced, issued, state.written_lsn, &mut wake);
                }
            }
        }
        for waker in wake {
            waker.wake();
        }
    }

    /// Writes everything queued (one group). In `interval` mode the leader also syncs when
    /// the interval has passed.
    async fn lead_write<D: Directory<File = F>>(&self, dir: &D, durable: bool) -> Result<()> {
        let abandon = || {
            self.fail(Error::Failed {
                cause: "a WAL write was cancelled before it finished".into(),
                no_space: false,
            })
        };
        let done = || self.wake_after_change();
        let guard = StepGuard::begin(&self.writing, self.config.writes_in_flight, &done, &abandon);
        // One scheduling round before taking the queue: appenders woken together with this
        // leader (those the last sync acknowledged) re-append first and join this group.
        // Measured: +25% records/s at 8 writers, p50 -25% at 8 and 64 writers, ~5% fewer
        // records/s at 64 with one write in flight (bench/RESULTS.md).
        futures_lite::future::yield_now().await;
        let result = self.write_group(dir).await;
        if let Err(error) = &result {
            self.fail(error.duplicate());
        }
        guard.finish();
        result?;
        let interval_due = {
            let state = self.state.borrow();
            match self.config.durability {
                Durability::Interval(every) => {
                    !durable
                        && state.last_sync.elapsed() >= every
                        && self.sync_issued_lsn.get() < state.written_lsn
                        && self.syncs_in_flight.get() < SYNCS_IN_FLIGHT_MAX
                }
                Durability::Sync | Durability::None => false,
            }
        };
        if interval_due {
            self.lead_sync().await?;
        }
        Ok(())
    }

    /// One `fdatasync` of the active segment, covering every record written so far.
    async fn lead_sync(&self) -> Result<()> {
        let (file, covers) = {
            let state = self.state.borrow();
            let file = self.active.borrow().clone();
            let file = file.expect("written but unsynced records imply an active segment");
            (file, state.written_lsn)
        };
        debug_assert!(covers > self.sync_issued_lsn.get());
        self.sync_issued_lsn.set(covers);
        let abandon = || {
            self.fail(Error::Failed {
                cause: "a WAL sync was cancelled before it finished".into(),
                no_space: false,
            })
        };
        let done = || self.wake_after_change();
        let guard = StepGuard::begin(&self.syncs_in_flight, SYNCS_IN_FLIGHT_MAX, &done, &abandon);
        let result = file.sync().await;
        match &result {
            Ok(()) => self.note_synced(covers),
            Err(error) => self.fail(error.duplicate()),
        }
        guard.finish();
        result
    }

    /// Records a finished `fdatasync` (or write-through write) that covered every record up
    /// to `covers`. Nothing once the WAL failed: a failed `fdatasync` may have consumed the
    /// error of data it covered, so a later one that succeeds does not prove that data
    /// durable (fsyncgate); records not synced before the failure get the error.
    fn note_synced(&self, covers: u64) {
        let mut state = self.state.borrow_mut();
        if state.failed.is_some() {
            return;
        }
        state.synced_lsn = state.synced_lsn.max(covers);
        state.last_sync = Instant::now();
        state.stats.fsyncs_count += 1;
    }

    /// Whether a waiter may take the write leader role now: records are queued, a leader
    /// slot is free, no segment switch is under way, and the next group fits in the active
    /// segment unless nothing is in flight (only a lone leader switches segments: every
    /// segment is complete before the next one exists).
    fn may_lead(&self, state: &WalState) -> bool {
        !state.pending.is_empty()
            && self.writing.get() < self.config.writes_in_flight
            && !self.switching_segment.get()
            && (self.writes_on_disk.get() == 0 || self.next_group_fits(state))
    }

    /// Where the next group ends in `pending`: (end offset, last LSN, appends, records).
    /// With one write in flight at most, everything queued; with more, at most
    /// `1 / writes_in_flight` of the queue but never less than
    /// [`WalConfig::group_split_bytes`], and at least one whole append.
    fn next_cut(&self, state: &WalState) -> (usize, u64, u64, u64) {
        let limit = if self.config.writes_in_flight > 1 {
            self.config
                .group_split_bytes
                .max(state.pending.len() / self.config.writes_in_flight)
        } else {
            usize::MAX
        };
        let (mut cut, mut appends, mut records) = ((0, 0), 0, 0);
        for &(last, end, count) in &state.pending_ends {
            if appends > 0 && end > limit {
                break;
            }
            cut = (end, last);
            appends += 1;
            records += count;
        }
        debug_assert!(appends > 0 || state.pending.is_empty());
        (cut.0, cut.1, appends, records)
    }

    /// Whether the next group can be cut into the active segment now.
    fn next_group_fits(&self, state: &WalState) -> bool {
        if self.active.borrow().is_none() {
            return false;
        }
        // Everything queued fits (the common case), so any cut does; else find the cut.
        let fits = |len: usize| self.group_start(state) + len as u64 <= state.capacity;
        fits(state.pending.len()) || fits(self.next_cut(state).0)
    }

    /// Where the next group's records start: right after the log's end when nothing is in
    /// flight (the tail block is rewritten), else on the next block.
    fn group_start(&self, state: &WalState) -> u64 {
        if self.writes_on_disk.get() > 0 {
            align_up(state.write_offset)
        } else {
            state.write_offset
        }
    }

    /// Cuts the next group and reserves its place in the active segment (no `await`: groups
    /// are cut, and their offsets reserved, in LSN order). Nothing once the WAL failed.
    fn cut_group(&self) -> Cut<F> {
        let mut guard = self.state.borrow_mut();
        let state = &mut *guard;
        // A leader may have taken its slot before an earlier write failed. Writing after the
        // failure could start a segment that recovery refuses (the failed group's LSNs would
        // be missing before it) or rewrite a block the failed write may still be writing.
        if let Some(error) = &state.failed {
            return Cut::Failed(error.duplicate());
        }
        if state.pending.is_empty() {
            return Cut::Nothing;
        }
        if self.switching_segment.get() {
            return Cut::NotNow;
        }
        let in_flight = self.writes_on_disk.get() > 0;
        let (end, last_lsn, appends, records) = self.next_cut(state);
        let start = self.group_start(state);
        let active = self.active.borrow().clone();
        let Some(file) = active.filter(|_| start + end as u64 <= state.capacity) else {
            if in_flight {
                return Cut::NotNow;
            }
            return Cut::NeedSegment {
                first_lsn: Lsn(state.pending_first_lsn),
                len: end as u64,
            };
        };
        let rest = state.pending.split_off(end);
        let bytes = std::mem::replace(&mut state.pending, rest);
        while state.pending_ends.front().is_some_and(|e| e.0 <= last_lsn) {
            state.pending_ends.pop_front();
        }
        for queued in &mut state.pending_ends {
            queued.1 -= end;
        }
        let first_lsn = state.pending_first_lsn;
        state.pending_first_lsn = last_lsn + 1;
        state.segment_groups += 1;
        state.segment_group_bytes += bytes.len() as u64;
        // Alone, rewrite the partial last block (identical bytes for what is already there);
        // behind a write in flight, start on the next block so that the writes are disjoint.
        let (offset, mut buffer) = if in_flight {
            (start, Vec::new())
        } else {
            assert_eq!(
                state.tail.len() as u64,
                state.write_offset % BLOCK_BYTES as u64
            );
            (
                align_down(state.write_offset),
                std::mem::take(&mut state.tail),
            )
        };
        let used = buffer.len() + bytes.len();
        buffer.reserve_exact(align_up(used as u64) as usize - buffer.len());
        buffer.extend_from_slice(&bytes);
        buffer.resize(align_up(used as u64) as usize, 0);
        state.write_offset = offset + used as u64;
        debug_assert!(state.write_offset <= state.capacity);
        let tail_len = (state.write_offset % BLOCK_BYTES as u64) as usize;
        state.tail = buffer[used - tail_len..used].to_vec();
        self.writes_on_disk.set(self.writes_on_disk.get() + 1);
        Cut::Group(Group {
            file,
            offset,
            buffer,
            first_lsn,
            last_lsn,
            appends,
            records,
        })
    }

    /// One group: cuts it (switching segments first if it does not fit and nothing is in
    /// flight) and writes it with one `write_at`. Returns without writing when someone else
    /// must go first (a write in flight that the group cannot follow in this segment), and
    /// with the failure once the WAL failed.
    async fn write_group<D: Directory<File = F>>(&self, dir: &D) -> Result<()> {
        let group = loop {
            match self.cut_group() {
                Cut::Nothing | Cut::NotNow => return Ok(()),
                Cut::Failed(error) => return Err(error),
                Cut::NeedSegment { first_lsn, len } => {
                    let _switching = FlagGuard::raise(&self.switching_segment);
                    self.segment_for(dir, first_lsn, len).await?;
                }
                Cut::Group(group) => break group,
            }
        };
        let overlapped = self.writes_on_disk.get() > 1;
        let on_disk = OnDisk(&self.writes_on_disk);
        group.file.write_at(group.offset, &group.buffer).await?;
        drop(on_disk);
        let mut state = self.state.borrow_mut();
        state.stats.bytes_written += group.buffer.len() as u64;
        state.stats.groups_count += 1;
        state.stats.group_appends_sum += group.appends;
        state.stats.group_records_sum += group.records;
        state.stats.groups_overlapped += u64::from(overlapped);
        if group.first_lsn == state.written_lsn + 1 {
            state.written_lsn = group.last_lsn;
            loop {
                let next = state.written_lsn + 1;
                let Some(last) = state.written_early.remove(&next) else {
                    break;
                };
                state.written_lsn = last;
            }
        } else {
            debug_assert!(group.first_lsn > state.written_lsn + 1);
            state.stats.groups_completed_early += 1;
            state.written_early.insert(group.first_lsn, group.last_lsn);
        }
        debug_assert!(state
            .written_early
            .keys()
            .all(|first| *first > state.written_lsn + 1));
        let written = state.written_lsn;
        drop(state);
        if self.write_through() {
            // Every group up to `written` completed, so it is durable: no sync of its own.
            self.sync_issued_lsn
                .set(self.sync_issued_lsn.get().max(written));
            self.note_synced(written);
        }
        Ok(())
    }

    /// Whether segments are written through (`O_DSYNC`; see [`WalConfig::write_through`]).
    fn write_through(&self) -> bool {
        self.config.write_through && self.config.durability == Durability::Sync
    }

    /// Makes the active segment one the next `len` bytes fit: the current one if they do
    /// (grown if it is empty), else a new one (after syncing the old one, so that every
    /// non-last segment is complete on disk). Refuses once the WAL failed: a new segment
    /// must only follow one that holds every record before its first LSN.
    async fn segment_for<D: Directory<File = F>>(
        &self,
        dir: &D,
        first_lsn: Lsn,
        len: u64,
    ) -> Result<()> {
        self.check_not_failed()?;
        let active = self.active.borrow().clone();
        let mut retired = None;
        if let Some(file) = active {
            let (end, capacity, empty) = {
                let state = self.state.borrow();
                (
                    state.write_offset + len,
                    state.capacity,
                    state.write_offset == SEGMENT_HEADER_BYTES,
                )
            };
            if end <= capacity {
                return Ok(());
            }
            if empty {
                // A record group larger than the segment: grow this (empty) segment to fit.
                file.allocate(align_up(end)).await?;
                self.state.borrow_mut().capacity = align_up(end);
                return Ok(());
            }
            // The old segment stays active until the new one is ready: a sync issued
            // meanwhile must reach the file that holds the records it covers.
            let sync_to = {
                let state = self.state.borrow();
                (state.synced_lsn < state.written_lsn).then_some(state.written_lsn)
            };
            if let Some(sync_to) = sync_to {
                file.sync().await?;
                self.sync_issued_lsn
                    .set(self.sync_issued_lsn.get().max(sync_to));
                self.note_synced(sync_to);
            }
            retired = Some(file);
        }
        // A sync in flight may have failed while the old segment was synced.
        self.check_not_failed()?;
        let capacity = self
            .config
            .segment_bytes
            .max(align_up(SEGMENT_HEADER_BYTES + len));
        let name = segment_name(first_lsn);
        let _rotating = FlagGuard::raise(&self.rotating);
        let spare = if capacity == self.config.segment_bytes {
            self.spare.borrow_mut().take()
        } else {
            None
        };
        let write_through = self.write_through();
        let (mut file, reopen) = match spare {
            Some(spare) => {
                // Renamed, then reopened so errors name the segment, not the spare.
                spare.close().await?;
                dir.rename(SPARE_SEGMENT_NAME, &name).await?;
                let file = if write_through {
                    dir.open_file_write_through(&name).await?
                } else {
                    dir.open_file(&name).await?
                };
                (file, false)
            }
            None => {
                // Writers are waiting: only reserve the blocks (unwritten extents, so each
                // fdatasync in this segment also commits extent metadata) instead of
                // zero-filling 64 MiB in their way. Prepared spares are zero-filled.
                let file = dir.create_file(&name).await?;
                file.allocate(capacity).await?;
                (file, write_through)
            }
        };
        file.write_at(0, &encode_header(first_lsn, capacity))
            .await?;
        file.sync().await?;
        dir.sync_dir("").await?;
        if reopen {
            file.close().await?;
            file = dir.open_file_write_through(&name).await?;
        }
        tracing::debug!(segment = %name, capacity, "created WAL segment");
        {
            let mut state = self.state.borrow_mut();
            // After a torn tail the replacement segment may reuse the name of the last one.
            if state.segments.last().is_none_or(|last| last.name != name) {
                state.segments.push(SegmentInfo { name, first_lsn });
            }
            state.write_offset = SEGMENT_HEADER_BYTES;
            state.segment_groups = 0;
            state.segment_group_bytes = 0;
            state.tail.clear();
            state.capacity = capacity;
            state.stats.segments_created += 1;
        }
        *self.active.borrow_mut() = Some(Rc::new(file));
        // Closed here unless a sync still in flight holds it (then it closes on drop).
        if let Some(old) = retired.and_then(|old| Rc::try_unwrap(old).ok()) {
            old.close().await?;
        }
        Ok(())
    }

    /// Whether the active segment is at least half full and no spare is ready or being
    /// prepared: the owner should call [`Wal::prepare_spare`] from a background task.
    pub(crate) fn wants_spare(&self) -> bool {
        let state = self.state.borrow();
        self.active.borrow().is_some()
            && state.failed.is_none()
            && state.write_offset >= state.capacity / 2
            && self.spare.borrow().is_none()
            && !self.spare_preparing.get()
            && !self.rotating.get()
            && self
                .spare_retry_at
                .get()
                .is_none_or(|at| Instant::now() >= at)
    }

    /// Creates, prepares (zero-filled or only allocated, see
    /// [`SPARE_ZERO_FILL_BELOW_GROUP_BYTES`]) and syncs the next segment under
    /// [`SPARE_SEGMENT_NAME`] when
    /// [`Wal::wants_spare`]; `Ok(false)` when there was nothing to do. A failure here does
    /// not affect the log: rotation then creates the segment itself.
    pub(crate) async fn prepare_spare<D: Directory<File = F>>(&self, dir: &D) -> Result<bool> {
        if !self.wants_spare() {
            return Ok(false);
        }
        let _preparing = FlagGuard::raise(&self.spare_preparing);
        let zero_fill = {
            let state = self.state.borrow();
            state.segment_group_bytes < SPARE_ZERO_FILL_BELOW_GROUP_BYTES * state.segment_groups
        };
        let prepared = async {
            let file = dir.create_file(SPARE_SEGMENT_NAME).await?;
            if zero_fill {
                file.allocate_zeroed(self.config.segment_bytes).await?;
            } else {
                file.allocate(self.config.segment_bytes).await?;
            }
            file.sync().await?;
            Ok(file)
        };
        match prepared.await {
            Ok(file) => {
                let mut state = self.state.borrow_mut();
                if zero_fill {
                    state.stats.spares_zero_filled += 1;
                } else {
                    state.stats.spares_allocated += 1;
                }
                drop(state);
                *self.spare.borrow_mut() = Some(file);
                self.spare_retry_at.set(None);
                self.spare_retry_after.set(SPARE_RETRY_FIRST);
                Ok(true)
            }
            Err(error) => {
                let after = self.spare_retry_after.get();
                self.spare_retry_at.set(Some(Instant::now() + after));
                self.spare_retry_after.set((after * 2).min(SPARE_RETRY_MAX));
                Err(error)
            }
        }
    }

    /// Forgets (and returns the names of) segments whose records are all `<= lsn`. The last
    /// segment is always kept.
    pub(crate) fn take_obsolete_segments(&self, lsn: Lsn) -> Vec<String> {
        let mut state = self.state.borrow_mut();
        let keep_from = state
            .segments
            .windows(2)
            .take_while(|pair| pair[1].first_lsn.0 - 1 <= lsn.0)
            .count();
        state
            .segments
            .drain(..keep_from)
            .map(|segment| segment.name)
            .collect()
    }

    /// Syncs everything and closes the active segment.
    pub(crate) async fn close<D: Directory<File = F>>(self, dir: &D) -> Result<()> {
        self.sync(dir).await?;
        let active = self.active.borrow_mut().take();
        if let Some(file) = active.and_then(|file| Rc::try_unwrap(file).ok()) {
            file.close().await?;
        }
        Ok(())
    }
}

/// A registered waiter of [`Wal::commit`]; see [`Wal::wait`].
struct Wait<'a, F: File> {
    wal: &'a Wal<F>,
    until: Until,
    lsn: u64,
    key: Option<(u64, u64)>,
}

impl<F: File> std::future::Future for Wait<'_, F> {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        let (until, lsn) = (self.until, self.lsn);
        match self.key {
            None => {
                self.key = Some(self.wal.waiters.register(until, lsn, cx.waker().clone()));
                std::task::Poll::Pending
            }
            Some(key) if self.wal.waiters.refresh(until, key, cx.waker()) => {
                std::task::Poll::Pending
            }
            Some(_) => {
                self.key = None;
                std::task::Poll::Ready(())
            }
        }
    }
}

impl<F: File> Drop for Wait<'_, F> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            if !self.wal.waiters.remove(self.until, key) {
                // Woken (maybe as the next leader) but dropped before acting on it: hand the
                // wake-up on.
                self.wal.wake_after_change();
            }
        }
    }
}

/// What [`Wal::cut_group`] found.
enum Cut<F> {
    /// Nothing queued.
    Nothing,
    /// The WAL failed: nothing more is written (the error it failed with).
    Failed(Error),
    /// Not now: a segment switch is under way, or the group does not fit behind the write in
    /// flight (its completion wakes the next leader).
    NotNow,
    /// The group does not fit the active segment (or there is none) and nothing is in flight.
    NeedSegment { first_lsn: Lsn, len: u64 },
    /// A group, its offset reserved.
    Group(Group<F>),
}

/// A group cut from the queue, ready to be written.
struct Group<F> {
    file: Rc<F>,
    offset: u64,
    /// Whole blocks: the rewritten tail (if any), the records, zero padding.
    buffer: Vec<u8>,
    first_lsn: u64,
    last_lsn: u64,
    appends: u64,
    records: u64,
}

/// Counts a group write on disk for as long as it lives.
struct OnDisk<'a>(&'a Cell<usize>);

impl Drop for OnDisk<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

/// Raises a flag for as long as it lives (also when the future holding it is dropped).
struct FlagGuard<'a>(&'a Cell<bool>);

impl<'a> FlagGuard<'a> {
    fn raise(flag: &'a Cell<bool>) -> Self {
        assert!(!flag.replace(true), "flag already raised");
        FlagGuard(flag)
    }
}

impl Drop for FlagGuard<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        block_on,
        disk::{mem::yield_now, FaultConfig, FaultKind, FaultyDirectory, MemDirectory},
    };
    use std::{
        future::Future,
        pin::Pin,
        task::{Context, Poll, Waker},
    };

    /// Polls `future` (with a waker that does nothing) until it is ready.
    fn poll_until_ready<T>(mut future: Pin<&mut impl Future<Output = T>>) -> T {
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..1000 {
            if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
                return value;
            }
        }
        panic!("not ready after 1000 polls");
    }

    /// Sync mode with a separate `fdatasync` per group (not write-through): the pipeline of
    /// overlapped syncs that these tests exercise.
    fn fdatasync_pipeline_config() -> WalConfig {
        WalConfig {
            write_through: false,
            ..WalConfig::default()
        }
    }

    /// [`fdatasync_pipeline_config`] with small segments.
    fn small_sync_config() -> WalConfig {
        WalConfig {
            segment_bytes: 16384,
            ..fdatasync_pipeline_config()
        }
    }

    #[test]
    fn small_groups_rewrite_the_tail_block_with_an_identical_prefix() {
        block_on(async {
            let (dir, config) = (MemDirectory::new(), small_sync_config());
            let wal = Wal::new(config, Vec::new(), Lsn(1));
            let name = segment_name(Lsn(1));
            let mut previous = vec![0u8; SEGMENT_HEADER_BYTES as usize];
            // Delete records are 32 bytes: 128 per block; 200 cross into the second block.
            for id in 0..200u64 {
                assert_eq!(
                    wal.append(&dir, &[WalRecord::Delete { id }]).await.unwrap(),
                    Lsn(id + 1)
                );
                let live = dir.read_live(&name).unwrap();
                let used = SEGMENT_HEADER_BYTES as usize + 32 * id as usize;
                if id > 0 {
                    let same = live[..used] == previous[..used];
                    assert!(same, "acknowledged bytes changed at {id}");
                }
                let end = used + 32;
                assert!(
                    live[end..].iter().all(|b| *b == 0),
                    "padding after the end must be zero"
                );
                previous = live;
            }
            let stats = wal.stats();
            assert_eq!((stats.groups_count, stats.fsyncs_count), (200, 200));
            assert_eq!(
                stats.bytes_written,
                200 * 4096,
                "each group writes only its tail block"
            );
            assert_eq!(stats.segments_created, 1);
        });
    }

    #[test]
    fn the_spare_is_zero_filled_for_small_groups_and_only_allocated_for_large_ones() {
        block_on(async {
            for (record_floats, zero_filled) in [(8, true), (12 << 10, false)] {
                let dir = MemDirectory::new();
                let config = WalConfig {
                    segment_bytes: 1 << 20,
                    ..WalConfig::default()
                };
                let wal = Wal::new(config, Vec::new(), Lsn(1));
                let mut id = 0;
                while !wal.wants_spare() {
                    let record = WalRecord::Upsert {
                        id,
                        vector: vec![1.0; record_floats],
                        payload: Vec::new(),
                        labels: Vec::new(),
                    };
                    wal.append(&dir, &[record]).await.unwrap();
                    id += 1;
                }
                assert!(wal.prepare_spare(&dir).await.unwrap());
                let stats = wal.stats();
                assert_eq!(
                    (stats.spares_zero_filled, stats.spares_allocated),
                    (u64::from(zero_filled), u64::from(!zero_filled)),
                    "{record_floats}-float records"
                );
            }
        });
    }

    #[test]
    fn rotation_takes_the_prepared_spare_segment() {
        block_on(async {
            let (dir, config) = (MemDirectory::new(), small_sync_config());
            let wal = Wal::new(config, Vec::new(), Lsn(1));
            assert!(!wal.wants_spare(), "no active segment yet");
            assert!(!wal.prepare_spare(&dir).await.unwrap());
            let mut id = 0;
            while !wal.wants_spare() {
                wal.append(&dir, &[WalRecord::Delete { id }]).await.unwrap();
                id += 1;
            }
            assert!(wal.prepare_spare(&dir).await.unwrap());
            assert!(!wal.wants_spare(), "one spare at a time");
            assert!(dir.read_live(SPARE_SEGMENT_NAME).is_some());
            let segments = wal.stats().segments_created;
            while wal.stats().segments_created == segments {
                wal.append(&dir, &[WalRecord::Delete { id }]).await.unwrap();
                id += 1;
            }
            assert!(dir.read_live(SPARE_SEGMENT_NAME).is_none(), "spare renamed");
            let first_of_second = wal.state.borrow().segments[1].first_lsn;
            let live = dir.read_live(&segment_name(first_of_second)).unwrap();
            assert_eq!(live.len() as u64, config.segment_bytes);
            assert_eq!(
                live[..SEGMENT_HEADER_BYTES as usize],
                encode_header(first_of_second, config.segment_bytes)
                    [..SEGMENT_HEADER_BYTES as usize]
            );
            assert_eq!(wal.last_lsn(), Lsn(id));
        });
    }

    #[test]
    fn no_spare_is_prepared_while_a_rotation_renames_the_last_one() {
        block_on(async {
            let (dir, config) = (MemDirectory::new(), small_sync_config());
            let wal = Wal::new(config, Vec::new(), Lsn(1));
            let mut id = 0;
            while !wal.wants_spare() {
                wal.append(&dir, &[WalRecord::Delete { id }]).await.unwrap();
                id += 1;
            }
            assert!(wal.prepare_spare(&dir).await.unwrap());
            // Fill the segment until no record fits, then rotate while the preparer runs.
            let segments = wal.stats().segments_created;
            let room = || {
                let state = wal.state.borrow();
                state.write_offset + 32 <= state.capacity
            };
            while room() {
                wal.append(&dir, &[WalRecord::Delete { id }]).await.unwrap();
                id += 1;
            }
            let record = [WalRecord::Delete { id }];
            let rotate = Box::pin(async { wal.append(&dir, &record).await.map(|_| false) });
            let prepare = Box::pin(async {
                let mut prepared = false;
                for _ in 0..8 {
                    prepared |= wal.prepare_spare(&dir).await.unwrap();
                    yield_now().await;
                }
                Ok(prepared)
            });
            for result in join(
                vec![rotate as Pin<Box<dyn Future<Output = _>>>, prepare],
                || {},
            )
            .await
            {
                result.unwrap();
            }
            assert_eq!(wal.stats().segments_created, segments + 1);
            let newest = wal.state.borrow().segments.last().unwrap().first_lsn;
            let live = dir.read_live(&segment_name(newest)).unwrap();
            assert_eq!(
                live.len() as u64,
                config.segment_bytes,
                "the renamed spare is intact"
            );
            // A spare created during the rename would be the new segment itself under a
            // second name; the next rotations must still find a real spare or create one.
            id += 1;
            while wal.stats().segments_created < segments + 3 {
                if wal.wants_spare() {
                    wal.prepare_spare(&dir).await.unwrap();
                }
                wal.append(&dir, &[WalRecord::Delete { id }]).await.unwrap();
                id += 1;
            }
            let (_, recovered) = crate::ShardStore::open(dir.clone(), config).await.unwrap();
            assert_eq!(recovered.records.len() as u64, id, "every record recovered");
        });
    }

    #[test]
    fn a_woken_waiter_that_is_dropped_hands_the_wake_up_on() {
        block_on(async {
            let dir = MemDirectory::new();
            // One write slot, so that b and c must wait for it.
            let config = WalConfig {
                writes_in_flight: 1,
                ..fdatasync_pipeline_config()
            };
            let wal = Wal::new(config, Vec::new(), Lsn(1));
            let records: Vec<[WalRecord; 1]> =
                (0..3).map(|id| [WalRecord::Delete { id }]).collect();
            let mut a = Box::pin(wal.append(&dir, &records[0]));
            let mut b = Box::pin(wal.append(&dir, &records[1]));
            let mut c = Box::pin(wal.append(&dir, &records[2]));
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            // a leads the first write; b and c arrive once a has taken the queue.
            while !wal.state.borrow().pending.is_empty() || wal.writing.get() == 0 {
                assert!(a.as_mut().poll(&mut cx).is_pending());
            }
            assert!(b.as_mut().poll(&mut cx).is_pending());
            assert!(c.as_mut().poll(&mut cx).is_pending());
            assert_eq!(wal.waiters.len(), 2, "b and c wait for the write slot");
            while wal.state.borrow().written_lsn < 1 {
                assert!(a.as_mut().poll(&mut cx).is_pending());
            }
            assert_eq!(wal.waiters.len(), 1, "b was woken to lead the next write");
            drop(b); // ... and vanishes before acting on it: c must be woken instead.
            assert_eq!(wal.waiters.len(), 0, "the wake-up went to c");
            let (mut a_done, mut c_done) = (false, false);
            for _ in 0..100 {
                a_done = a_done || a.as_mut().poll(&mut cx).is_ready();
                c_done = c_done || c.as_mut().poll(&mut cx).is_ready();
            }
            assert!(a_done && c_done, "no appender is left waiting");
            assert_eq!(
                wal.state.borrow().synced_lsn,
                3,
                "b's queued record went out too"
            );
        });
    }

    #[test]
    fn interval_mode_acks_concurrent_appends_within_the_sync_slots() {
        block_on(async {
            let dir = MemDirectory::new();
            let config = WalConfig {
                durability: Durability::Interval(Duration::from_nanos(1)),
                ..WalConfig::default()
            };
            let wal = Wal::new(config, Vec::new(), Lsn(1));
            for round in 0..4u64 {
                let records: Vec<[WalRecord; 1]> = (0..64)
                    .map(|id| {
                        [WalRecord::Delete {
                            id: round * 64 + id,
                        }]
                    })
                    .collect();
                let appends: Vec<_> = records
                    .iter()
                    .map(|record| Box::pin(wal.append(&dir, record)))
                    .collect();
                for result in join(appends, || {
                    assert!(wal.syncs_in_flight.get() <= SYNCS_IN_FLIGHT_MAX);
                })
                .await
                {
                    result.unwrap();
                }
            }
            assert_eq!(wal.sync(&dir).await.unwrap(), Lsn(256));
            assert_eq!(wal.state.borrow().synced_lsn, 256);
        });
    }

    #[test]
    fn concurrent_appenders_are_grouped_and_acked_in_order() {
        block_on(async {
            let dir = MemDirectory::new();
            let wal = Wal::new(fdatasync_pipeline_config(), Vec::new(), Lsn(1));
            // 16 writers, 4 appends each (one at a time, as in the WAL bench), spending
            // different amounts of time between appends so that arrivals spread out.
            let appends: Vec<_> = (0..16u64)
                .map(|writer| {
                    let wal = &wal;
                    let dir = &dir;
                    Box::pin(async move {
                        let mut lsns = Vec::new();
                        for id in writer * 4..writer * 4 + 4 {
                            for _ in 0..(writer + id) % 5 {
                                yield_now().await;
                            }
                            lsns.push(wal.append(dir, &[WalRecord::Delete { id }]).await?);
                        }
                        Ok::<_, Error>(lsns)
                    })
                })
                .collect();
            let mut lsns = Vec::new();
            let most_syncs = Cell::new(0);
            let observe = || most_syncs.set(most_syncs.get().max(wal.syncs_in_flight.get()));
            for result in join(appends, observe).await {
                lsns.extend(result.unwrap().into_iter().map(|lsn| lsn.0));
            }
            lsns.sort_unstable();
            assert_eq!(lsns, (1..=64).collect::<Vec<_>>());
            let state = wal.state.borrow();
            assert_eq!((state.written_lsn, state.synced_lsn), (64, 64));
            let stats = wal.stats();
            assert!(stats.groups_count < 64, "appends were grouped: {stats:?}");
            assert!(wal.syncs_in_flight.get() == 0 && wal.writing.get() == 0);
            assert!((1..=SYNCS_IN_FLIGHT_MAX).contains(&most_syncs.get()));
        });
    }

    /// A leader that took its slot while an earlier group's write was still being cut must
    /// not write once that write failed. Here `b` leads behind `a` and yields; `a`'s write
    /// fails with EIO; `b`'s group no longer fits behind `a`'s reserved bytes. Before the fix
    /// `b` then created the next segment (named after its first LSN) and wrote into it, so the
    /// old segment ended before that LSN and reopening refused the directory as corrupted
    /// (in the same segment it would have rewritten the tail block the failed write may
    /// still be writing). Now `b` gets the failure and writes nothing; the directory reopens
    /// with every acknowledged record, whatever part of the failed write landed (seeds).
    #[test]
    fn a_leader_waiting_behind_a_failed_write_writes_nothing() {
        // A small split size, so that a's group leaves b's record queued for b.
        let config = WalConfig {
            segment_bytes: 16384,
            group_split_bytes: 32,
            ..WalConfig::default()
        };
        for seed in 0..8 {
            let mem = MemDirectory::new();
            let dir = FaultyDirectory::new(mem.clone(), FaultConfig::default());
            block_on(async {
                let wal = Wal::new(config, Vec::new(), Lsn(1));
                for id in 0..370 {
                    wal.append(&dir, &[WalRecord::Delete { id }]).await.unwrap();
                }
                let room = || {
                    let state = wal.state.borrow();
                    state.capacity - state.write_offset
                };
                assert_eq!(room(), 448, "370 deletes of 32 bytes after the header");
                let small = [WalRecord::Delete { id: 370 }];
                // 440 bytes: fits now, no longer after `small`.
                let large = [WalRecord::Upsert {
                    id: 371,
                    vector: vec![1.0; 100],
                    payload: Vec::new(),
                    labels: Vec::new(),
                }];
                let mut a = Box::pin(wal.append(&dir, &small));
                let mut b = Box::pin(wal.append(&dir, &large));
                let mut cx = Context::from_waker(Waker::noop());
                assert!(a.as_mut().poll(&mut cx).is_pending());
                assert_eq!(wal.writing.get(), 1, "a leads and yields");
                assert!(b.as_mut().poll(&mut cx).is_pending());
                assert_eq!(wal.writing.get(), 2, "b leads too and yields");
                // a's group write is the next operation: it fails (a seeded prefix lands).
                dir.set_config(FaultConfig {
                    seed,
                    fail_at: Some((dir.ops_count(), FaultKind::Eio)),
                    crash_at: None,
                });
                let a_result = poll_until_ready(a.as_mut());
                assert!(matches!(a_result, Err(Error::Io { .. })), "{a_result:?}");
                assert_eq!(wal.writes_on_disk.get(), 0, "a's write is over");
                assert!(room() < 440, "b's group does not fit behind a's");
                let ops = dir.ops_count();
                let b_result = poll_until_ready(b.as_mut());
                assert!(b_result.is_err(), "{b_result:?}");
                assert_eq!(dir.ops_count(), ops, "b did no I/O after the failure");
                assert_eq!(wal.stats().segments_created, 1);
                assert!(matches!(
                    wal.append(&dir, &small).await,
                    Err(Error::Failed { .. })
                ));
            });
            for image in [mem.clone(), mem.durable_image()] {
                let (_, recovered) = block_on(crate::ShardStore::open(image.clone(), config))
                    .unwrap_or_else(|e| panic!("seed {seed}: the directory must reopen: {e}"));
                let acknowledged: Vec<(Lsn, WalRecord)> = (0..370)
                    .map(|id| (Lsn(id + 1), WalRecord::Delete { id }))
                    .collect();
                assert!(
                    recovered.records.starts_with(&acknowledged) && recovered.records.len() <= 371,
                    "seed {seed}: {} records",
                    recovered.records.len()
                );
                let report = block_on(crate::check_directory(&image)).unwrap();
                assert!(report.is_clean(), "seed {seed}: {report}");
            }
        }
    }

    /// fsyncgate: an `fdatasync` that fails may have dropped the error state of the data it
    /// covered, so a later one that succeeds does not prove those records durable. With two
    /// syncs in flight, S1 (covering LSN 2) fails and then S2 (covering LSN 3) succeeds:
    /// neither record is acknowledged (before the fix S2's success acknowledged LSN 3 and
    /// moved `synced_lsn` past the failure).
    #[test]
    fn a_sync_that_succeeds_after_another_failed_acknowledges_nothing() {
        block_on(async {
            let dir = FaultyDirectory::new(MemDirectory::new(), FaultConfig::default());
            let wal = Wal::new(fdatasync_pipeline_config(), Vec::new(), Lsn(1));
            wal.append(&dir, &[WalRecord::Delete { id: 1 }])
                .await
                .unwrap();
            let (second, third) = ([WalRecord::Delete { id: 2 }], [WalRecord::Delete { id: 3 }]);
            // a's next operations: its group write, then its sync S1, which fails.
            dir.set_config(FaultConfig {
                seed: 1,
                fail_at: Some((dir.ops_count() + 1, FaultKind::Eio)),
                crash_at: None,
            });
            let mut a = Box::pin(wal.append(&dir, &second));
            let mut b = Box::pin(wal.append(&dir, &third));
            let mut cx = Context::from_waker(Waker::noop());
            while wal.syncs_in_flight.get() < 1 {
                assert!(a.as_mut().poll(&mut cx).is_pending());
            }
            // b writes LSN 3 behind it and issues S2 while S1 is still in flight.
            while wal.syncs_in_flight.get() < 2 {
                assert!(b.as_mut().poll(&mut cx).is_pending());
            }
            assert_eq!(wal.sync_issued_lsn.get(), 3);
            // S1 fails first, then S2 succeeds.
            let a_result = poll_until_ready(a.as_mut());
            assert!(matches!(a_result, Err(Error::Io { .. })), "{a_result:?}");
            let b_result = poll_until_ready(b.as_mut());
            assert!(
                b_result.is_err(),
                "LSN 3 acknowledged after a failed sync: {b_result:?}"
            );
            assert_eq!(
                wal.state.borrow().synced_lsn,
                1,
                "nothing synced after the failure"
            );
            assert!(matches!(wal.sync(&dir).await, Err(Error::Failed { .. })));
        });
    }

    #[test]
    fn a_write_starts_while_the_previous_sync_is_in_flight() {
        block_on(async {
            let dir = MemDirectory::new();
            let wal = Wal::new(fdatasync_pipeline_config(), Vec::new(), Lsn(1));
            let (first, second) = ([WalRecord::Delete { id: 1 }], [WalRecord::Delete { id: 2 }]);
            let mut a = Box::pin(wal.append(&dir, &first));
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            while wal.syncs_in_flight.get() == 0 {
                assert!(a.as_mut().poll(&mut cx).is_pending());
            }
            // a's sync is in flight (and a is not polled meanwhile); b arrives and writes
            // without waiting for it.
            let mut b = Box::pin(wal.append(&dir, &second));
            for _ in 0..10 {
                if wal.writing.get() > 0 {
                    break;
                }
                assert!(b.as_mut().poll(&mut cx).is_pending());
            }
            assert_eq!(wal.writing.get(), 1, "b's write started");
            assert_eq!(wal.syncs_in_flight.get(), 1, "the write overlaps the sync");
            assert_eq!(wal.state.borrow().synced_lsn, 0);
            let (mut a_lsn, mut b_lsn) = (None, None);
            for _ in 0..100 {
                if a_lsn.is_none() {
                    if let std::task::Poll::Ready(lsn) = a.as_mut().poll(&mut cx) {
                        a_lsn = Some(lsn.unwrap());
                    }
                }
                if b_lsn.is_none() {
                    if let std::task::Poll::Ready(lsn) = b.as_mut().poll(&mut cx) {
                        b_lsn = Some(lsn.unwrap());
                    }
                }
                if a_lsn.is_some() && b_lsn.is_some() {
                    break;
                }
            }
            assert_eq!((a_lsn, b_lsn), (Some(Lsn(1)), Some(Lsn(2))));
            assert_eq!(wal.state.borrow().synced_lsn, 2);
        });
    }

    /// Polls every future until all are ready, calling `observe` after each round.
    async fn join<F: std::future::Future + Unpin>(
        mut futures: Vec<F>,
        observe: impl Fn(),
    ) -> Vec<F::Output> {
        let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
                if output.is_none() {
                    match std::pin::Pin::new(&mut *future).poll(cx) {
                        std::task::Poll::Ready(value) => *output = Some(value),
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            observe();
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        outputs.into_iter().map(|o| o.expect("all ready")).collect()
    }

    #[test]
    fn durability_parses_and_displays() {
        for text in ["sync", "none", "interval=250"] {
            let parsed: Durability = text.parse().unwrap();
            assert_eq!(parsed.to_string(), text);
        }
        assert_eq!(
            "interval=5".parse(),
            Ok(Durability::Interval(Duration::from_millis(5)))
        );
        for bad in [
            "",
            "Sync",
            "interval=",
            "interval=0",
            "interval=3600001",
            "interval=18446744073709551615",
            "interval=x",
            "always",
        ] {
            assert!(bad.parse::<Durability>().is_err(), "{bad}");
        }
        assert_eq!(WalConfig::default().segment_bytes, 64 << 20);
        assert_eq!(WalConfig::default().durability, Durability::Sync);
    }
}
