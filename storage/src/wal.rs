//! The write-ahead log of one shard: record framing, segment files, group commit.
//!
//! Writes go out as whole 4 KiB blocks. The last, partially filled block is kept in memory and
//! rewritten by the next flush together with the new records; the bytes already on disk are
//! rewritten with identical values, so a torn rewrite can only damage records that were not
//! yet acknowledged (see FORMAT.md, "Why rewriting the tail block is safe").
//!
//! After a restart the WAL never appends to a segment it did not create in this process: the
//! first flush starts a new segment whose first LSN follows the last recovered record. That
//! way bytes beyond a torn tail are never mistaken for new records.

pub(crate) mod group_commit;
pub mod record;
pub mod segment;

use std::{
    cell::{Cell, RefCell},
    fmt,
    rc::Rc,
    str::FromStr,
    time::{Duration, Instant},
};

use self::{
    group_commit::{FlushGuard, Signal},
    record::{Lsn, WalRecord},
    segment::{encode_header, segment_name, SEGMENT_HEADER_BYTES},
};
use crate::{
    disk::{align_down, align_up, Directory, File, BLOCK_BYTES},
    error::{Error, Result},
};

/// Default segment size: 64 MiB.
pub const WAL_SEGMENT_BYTES_DEFAULT: u64 = 64 << 20;
/// Smallest allowed segment: the header block plus one record block.
pub const WAL_SEGMENT_BYTES_MIN: u64 = 2 * BLOCK_BYTES as u64;

/// When an append is acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `append` resolves after the records are written *and* `fdatasync` returned: an
    /// acknowledged record survives power loss. Concurrent appends share one write + sync
    /// (group commit).
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
#[error("invalid durability {0:?}: expected \"sync\", \"interval=MS\" (MS > 0) or \"none\"")]
pub struct ParseDurabilityError(String);

impl FromStr for Durability {
    type Err = ParseDurabilityError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "sync" => Ok(Durability::Sync),
            "none" => Ok(Durability::None),
            _ => text
                .strip_prefix("interval=")
                .and_then(|ms| ms.parse::<u64>().ok())
                .filter(|ms| *ms > 0)
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
}

impl Default for WalConfig {
    fn default() -> Self {
        WalConfig {
            segment_bytes: WAL_SEGMENT_BYTES_DEFAULT,
            durability: Durability::Sync,
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
    /// `fdatasync` calls that make records durable (group syncs, explicit syncs, the seal of a
    /// full segment); the sync of a freshly created, empty segment is not counted.
    pub fsyncs_count: u64,
    /// Flushes that wrote records (one write each).
    pub groups_count: u64,
    /// Appends written by those flushes; mean group size = `group_appends_sum / groups_count`.
    pub group_appends_sum: u64,
    /// Records written by those flushes.
    pub group_records_sum: u64,
    /// Segments created.
    pub segments_created: u64,
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
    pending_appends: u64,
    pending_records: u64,
    written_lsn: u64,
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
    flushing: Cell<bool>,
    signal: Signal,
}

impl<F: File> Wal<F> {
    /// A WAL whose recovered segments are `segments` and whose next record gets `next_lsn`.
    pub(crate) fn new(config: WalConfig, segments: Vec<SegmentInfo>, next_lsn: Lsn) -> Self {
        assert!(
            config.segment_bytes >= WAL_SEGMENT_BYTES_MIN && config.segment_bytes % BLOCK_BYTES as u64 == 0,
            "segment_bytes must be a multiple of {BLOCK_BYTES} and at least {WAL_SEGMENT_BYTES_MIN}"
        );
        assert!(next_lsn.0 >= 1);
        let state = WalState {
            next_lsn: next_lsn.0,
            pending: Vec::new(),
            pending_first_lsn: next_lsn.0,
            pending_appends: 0,
            pending_records: 0,
            written_lsn: next_lsn.0 - 1,
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
            flushing: Cell::new(false),
            signal: Signal::default(),
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

    fn fail(&self, error: Error) {
        if let Ok(mut state) = self.state.try_borrow_mut() {
            if state.failed.is_none() {
                tracing::error!(%error, "write-ahead log failed; appends are rejected until reopen");
                state.failed = Some(error);
            }
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
                return Err(Error::Failed {
                    cause: error.to_string(),
                });
            }
            if state.pending.is_empty() {
                state.pending_first_lsn = state.next_lsn;
            }
            let before = state.pending.len();
            for record in records {
                record.encode_into(Lsn(state.next_lsn), &mut state.pending);
                state.next_lsn += 1;
            }
            if !records.is_empty() {
                state.pending_appends += 1;
                state.pending_records += records.len() as u64;
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
                return Err(Error::Failed {
                    cause: error.to_string(),
                });
            }
            state.next_lsn - 1
        };
        self.commit(dir, target, true).await?;
        Ok(Lsn(target))
    }

    /// Waits until `target` is acknowledged (`durable`: synced, else written), leading flushes
    /// when no one else is.
    async fn commit<D: Directory<File = F>>(
        &self,
        dir: &D,
        target: u64,
        durable: bool,
    ) -> Result<()> {
        loop {
            {
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
            }
            if self.flushing.get() {
                let seen = self.signal.generation();
                self.signal.changed(seen).await;
                continue;
            }
            let abandon = || {
                self.fail(Error::Failed {
                    cause: "a flush was cancelled before it finished".into(),
                })
            };
            let guard = FlushGuard::begin(&self.flushing, &self.signal, &abandon);
            let result = self.flush(dir, durable).await;
            if let Err(error) = &result {
                self.fail(error.duplicate());
            }
            guard.finish();
            result?;
        }
    }

    /// One group: write everything queued with one `write_at`, then `fdatasync` if the mode
    /// (or `force_sync`) asks for it.
    async fn flush<D: Directory<File = F>>(&self, dir: &D, force_sync: bool) -> Result<()> {
        let (bytes, first_lsn, last_lsn, appends, records) = {
            let mut state = self.state.borrow_mut();
            let bytes = std::mem::take(&mut state.pending);
            let appends = std::mem::take(&mut state.pending_appends);
            let records = std::mem::take(&mut state.pending_records);
            (
                bytes,
                state.pending_first_lsn,
                state.next_lsn - 1,
                appends,
                records,
            )
        };
        if !bytes.is_empty() {
            let file = self
                .segment_for(dir, Lsn(first_lsn), bytes.len() as u64)
                .await?;
            let (offset, buffer, used) = {
                let state = self.state.borrow();
                assert_eq!(
                    state.tail.len() as u64,
                    state.write_offset % BLOCK_BYTES as u64
                );
                let used = state.tail.len() + bytes.len();
                let mut buffer = Vec::with_capacity(align_up(used as u64) as usize);
                buffer.extend_from_slice(&state.tail);
                buffer.extend_from_slice(&bytes);
                buffer.resize(align_up(used as u64) as usize, 0);
                (align_down(state.write_offset), buffer, used)
            };
            file.write_at(offset, &buffer).await?;
            let mut state = self.state.borrow_mut();
            state.write_offset += bytes.len() as u64;
            let tail_len = (state.write_offset % BLOCK_BYTES as u64) as usize;
            state.tail = buffer[used - tail_len..used].to_vec();
            state.written_lsn = last_lsn;
            state.stats.bytes_written += buffer.len() as u64;
            state.stats.groups_count += 1;
            state.stats.group_appends_sum += appends;
            state.stats.group_records_sum += records;
        }
        let sync_to = {
            let state = self.state.borrow();
            let wanted = force_sync
                || match self.config.durability {
                    Durability::Sync => true,
                    Durability::Interval(every) => state.last_sync.elapsed() >= every,
                    Durability::None => false,
                };
            (wanted && state.synced_lsn < state.written_lsn).then_some(state.written_lsn)
        };
        if let Some(sync_to) = sync_to {
            let active = self.active.borrow().clone();
            let file = active.expect("unsynced records imply an active segment");
            file.sync().await?;
            let mut state = self.state.borrow_mut();
            state.synced_lsn = sync_to;
            state.last_sync = Instant::now();
            state.stats.fsyncs_count += 1;
        }
        Ok(())
    }

    /// The segment the next `len` bytes go to: the active one if they fit, else a new one
    /// (after syncing the old one, so that every non-last segment is complete on disk).
    async fn segment_for<D: Directory<File = F>>(
        &self,
        dir: &D,
        first_lsn: Lsn,
        len: u64,
    ) -> Result<Rc<F>> {
        let active = self.active.borrow().clone();
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
                return Ok(file);
            }
            if empty {
                // A record group larger than the segment: grow this (empty) segment to fit.
                file.allocate(align_up(end)).await?;
                self.state.borrow_mut().capacity = align_up(end);
                return Ok(file);
            }
            self.active.borrow_mut().take();
            let sync_to = {
                let state = self.state.borrow();
                (state.synced_lsn < state.written_lsn).then_some(state.written_lsn)
            };
            if let Some(sync_to) = sync_to {
                file.sync().await?;
                let mut state = self.state.borrow_mut();
                state.synced_lsn = sync_to;
                state.last_sync = Instant::now();
                state.stats.fsyncs_count += 1;
            }
            if let Ok(file) = Rc::try_unwrap(file) {
                file.close().await?;
            }
        }
        let capacity = self
            .config
            .segment_bytes
            .max(align_up(SEGMENT_HEADER_BYTES + len));
        let name = segment_name(first_lsn);
        let file = dir.create_file(&name).await?;
        file.allocate_zeroed(capacity).await?;
        file.write_at(0, &encode_header(first_lsn, capacity))
            .await?;
        file.sync().await?;
        dir.sync_dir("").await?;
        tracing::debug!(segment = %name, capacity, "created WAL segment");
        {
            let mut state = self.state.borrow_mut();
            // After a torn tail the replacement segment may reuse the name of the last one.
            if state.segments.last().is_none_or(|last| last.name != name) {
                state.segments.push(SegmentInfo { name, first_lsn });
            }
            state.write_offset = SEGMENT_HEADER_BYTES;
            state.tail.clear();
            state.capacity = capacity;
            state.stats.segments_created += 1;
        }
        let file = Rc::new(file);
        *self.active.borrow_mut() = Some(file.clone());
        Ok(file)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{block_on, disk::MemDirectory};

    #[test]
    fn small_groups_rewrite_the_tail_block_with_an_identical_prefix() {
        block_on(async {
            let dir = MemDirectory::new();
            let config = WalConfig {
                segment_bytes: 16384,
                durability: Durability::Sync,
            };
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
            "interval=x",
            "always",
        ] {
            assert!(bad.parse::<Durability>().is_err(), "{bad}");
        }
        assert_eq!(WalConfig::default().segment_bytes, 64 << 20);
        assert_eq!(WalConfig::default().durability, Durability::Sync);
    }
}
