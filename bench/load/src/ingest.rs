//! `ingest`: bulk UPSERT of a dataset over `corevec-client` connections (not the hot path).
//!
//! Batches of `batch` consecutive rows (ids `id_offset + row`) are handed out from a shared
//! cursor to `connections` threads; each keeps `depth` batches in flight on its own pipelined
//! connection. Latency is per batch, from submit to the moment its acknowledgement was read off
//! the socket: batches are waited for in submission order, but one answered before an earlier
//! one does not take on the earlier one's wait.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use corevec_client::{Client, ClientConfig, ClientError, Ticket};
use corevec_proto::{
    CreateCollection, ErrorCode, IdsRef, LabelsRef, Metric, PayloadsRef, Request, Response, Upsert,
    VectorsRef,
};

use crate::rows::RowLabels;
use crate::stats::{self, cpu_seconds, micros, Live, WorkerStats};
use crate::LoadError;
use corevec_datasets::Vectors;

/// Collection to create before ingesting.
#[derive(Clone, Copy, Debug)]
pub struct CreateSpec {
    /// Distance.
    pub metric: Metric,
    /// HNSW `m` (0 = server default).
    pub m: u16,
    /// HNSW `ef_construction` (0 = server default).
    pub ef_construction: u32,
    /// Shards (0 = server default).
    pub shards: u16,
    /// Every core of the server keeps a copy of every shard to search (needs
    /// `FEATURE_READ_REPLICAS`).
    pub read_replicas: bool,
    /// Drop an existing collection of that name first.
    pub drop_existing: bool,
}

/// Settings of an ingest run.
#[derive(Clone, Debug)]
pub struct IngestConfig {
    /// `HOST:PORT`.
    pub addr: String,
    /// HELLO token.
    pub auth_token: Option<Vec<u8>>,
    /// Collection name.
    pub collection: String,
    /// Create the collection first.
    pub create: Option<CreateSpec>,
    /// Vectors per UPSERT.
    pub batch: usize,
    /// Connections (one thread each).
    pub connections: usize,
    /// Batches in flight per connection.
    pub depth: usize,
    /// Added to row indices to form ids.
    pub id_offset: u64,
    /// Bytes of payload sent with every point (0: none, no payload section).
    pub payload_bytes: usize,
    /// Row `r` gets the label `r % label_modulus` (0: no such label).
    pub label_modulus: u64,
    /// Row `r` also gets the range labels of [`range_key`](crate::rows::range_key)`(r,
    /// range_key_max)` in field 0 (0: none). With neither, no label section is sent.
    pub range_key_max: u32,
    /// Progress line on stderr.
    pub progress: bool,
    /// Per-request timeout.
    pub request_timeout: Duration,
}

/// What an ingest measured.
#[derive(Debug)]
pub struct IngestResult {
    /// Batch latencies; `ops` = acknowledged batches.
    pub stats: WorkerStats,
    /// Vectors acknowledged.
    pub vectors: u64,
    /// First submit to last acknowledgement.
    pub elapsed: Duration,
    /// CPU seconds of this process during the ingest.
    pub client_cpu_s: Option<f64>,
}

fn client_config(config: &IngestConfig) -> ClientConfig {
    ClientConfig {
        auth_token: config.auth_token.clone(),
        request_timeout: config.request_timeout,
        ..ClientConfig::default()
    }
}

/// Create the collection (optionally dropping it first).
pub fn create_collection(
    config: &IngestConfig,
    spec: &CreateSpec,
    dim: usize,
) -> Result<(), LoadError> {
    let client = Client::connect(config.addr.as_str(), client_config(config))?;
    if spec.drop_existing {
        match client.drop_collection(&config.collection) {
            Ok(()) => {}
            Err(e) if e.code() == Some(ErrorCode::CollectionNotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    client.create_collection(&CreateCollection {
        name: &config.collection,
        dim: u32::try_from(dim).map_err(|_| LoadError::Config("dimension too large".into()))?,
        metric: spec.metric,
        shards: spec.shards,
        connectivity: spec.m,
        expansion_add: spec.ef_construction,
        read_replicas: spec.read_replicas,
    })?;
    Ok(())
}

struct InFlight {
    ticket: Ticket,
    sent: Instant,
    count: usize,
}

/// UPSERT every row of `data`.
pub fn ingest(config: &IngestConfig, data: &Arc<Vectors>) -> Result<IngestResult, LoadError> {
    if config.batch == 0 || config.connections == 0 || config.depth == 0 {
        return Err(LoadError::Config(
            "batch, connections and depth must be >= 1".into(),
        ));
    }
    if data.rows() == 0 {
        return Err(LoadError::Config(
            "the dataset is empty (0 rows): nothing to ingest".into(),
        ));
    }
    if let Some(spec) = &config.create {
        create_collection(config, spec, data.dim())?;
    }
    let dim = u32::try_from(data.dim()).map_err(|_| LoadError::Config("dim too large".into()))?;
    let clients = (0..config.connections)
        .map(|_| Client::connect(config.addr.as_str(), client_config(config)))
        .collect::<Result<Vec<_>, _>>()?;
    let next_batch = AtomicUsize::new(0);
    let live = Live::default();
    let remaining = AtomicUsize::new(clients.len());
    let start = Instant::now();
    let cpu0 = cpu_seconds(None);
    let mut merged = WorkerStats::default();
    std::thread::scope(|s| {
        let progress =
            s.spawn(|| stats::progress_loop(&live, start, start, config.progress, "vec/s"));
        let handles: Vec<_> = clients
            .iter()
            .map(|client| {
                let (live, next_batch, remaining) = (&live, &next_batch, &remaining);
                s.spawn(move || {
                    let stats = ingest_worker(client, config, data, dim, next_batch, live);
                    if remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
                        live.done.store(true, Ordering::Release);
                    }
                    stats
                })
            })
            .collect();
        for h in handles {
            match h.join() {
                Ok(stats) => merged.merge(stats),
                Err(_) => merged.error("PANIC", 1, || "an ingest thread panicked".into()),
            }
        }
        live.done.store(true, Ordering::Release);
        let _ = progress.join();
    });
    let elapsed = merged
        .last_completion
        .map_or(Duration::ZERO, |t| t.saturating_duration_since(start));
    let vectors = merged.sent;
    Ok(IngestResult {
        stats: merged,
        vectors,
        elapsed,
        client_cpu_s: cpu0.zip(cpu_seconds(None)).map(|(a, b)| b - a),
    })
}

/// One connection's loop. `stats.sent` counts acknowledged vectors.
fn ingest_worker(
    client: &Client,
    config: &IngestConfig,
    data: &Vectors,
    dim: u32,
    next_batch: &AtomicUsize,
    live: &Live,
) -> WorkerStats {
    let mut stats = WorkerStats::default();
    let mut queue: VecDeque<InFlight> = VecDeque::new();
    let (mut live_done, mut live_err, mut live_hist) = (0u64, 0u64, stats::new_histogram());
    let mut next_flush = Instant::now() + Live::FLUSH_EVERY;
    let rows = data.rows();
    let mut exhausted = false;
    // The same bytes for every point: the server stores them as they come.
    let payload: Vec<u8> = (0..config.payload_bytes)
        .map(|i| b'a' + (i % 26) as u8)
        .collect();
    let payloads: Vec<&[u8]> = vec![&payload; config.batch];
    let row_labels = RowLabels {
        label_modulus: config.label_modulus,
        range_key_max: config.range_key_max,
    };
    loop {
        while !exhausted && queue.len() < config.depth {
            let b = next_batch.fetch_add(1, Ordering::Relaxed);
            let start = b.saturating_mul(config.batch);
            if start >= rows {
                exhausted = true;
                break;
            }
            let end = (start + config.batch).min(rows);
            let ids: Vec<u64> = (start..end).map(|r| config.id_offset + r as u64).collect();
            let per_row = row_labels.per_row();
            let mut flat = Vec::with_capacity((end - start) * per_row);
            for r in start..end {
                row_labels.extend(r as u64, &mut flat);
            }
            // One slice per row (unused when there are no labels).
            let labels: Vec<&[u64]> = flat.chunks(per_row.max(1)).collect();
            let request = Request::Upsert(Upsert {
                collection: &config.collection,
                ids: IdsRef::new(&ids),
                vectors: VectorsRef::new(data.rows_slice(start, end), dim),
                payloads: (config.payload_bytes > 0)
                    .then(|| PayloadsRef::new(&payloads[..end - start])),
                labels: (per_row > 0).then(|| LabelsRef::new(&labels)),
            });
            let submitted = Instant::now();
            match client.submit(&request) {
                Ok(ticket) => queue.push_back(InFlight {
                    ticket,
                    sent: submitted,
                    count: end - start,
                }),
                Err(e) => {
                    live_err += 1;
                    stats.error(&error_name(&e), 1, || format!("rows {start}..{end}: {e}"));
                }
            }
        }
        let Some(front) = queue.pop_front() else {
            break;
        };
        let result = front.ticket.wait();
        let now = Instant::now();
        // The batch's own completion, not when the batches ahead of it let us look.
        let done = result
            .as_ref()
            .map_or(now, corevec_client::ResponseFrame::received_at);
        let outcome = result.and_then(|frame| match frame.response()? {
            Response::Upsert(ack) if ack.count as usize == front.count => Ok(()),
            Response::Upsert(ack) => Err(ClientError::Protocol(format!(
                "UPSERT of {} vectors acknowledged {}",
                front.count, ack.count
            ))),
            other => Err(ClientError::Protocol(format!(
                "UPSERT answered {:?}",
                other.opcode()
            ))),
        });
        match outcome {
            Ok(()) => {
                let latency = micros(done.saturating_duration_since(front.sent));
                stats.ops += 1;
                stats.sent += front.count as u64;
                stats.all.saturating_record(latency);
                live_hist.saturating_record(latency);
                live_done += front.count as u64;
                stats.last_completion = stats.last_completion.max(Some(done));
            }
            Err(e) => {
                live_err += 1;
                stats.error(&error_name(&e), 1, || e.to_string());
            }
        }
        if now >= next_flush {
            live.flush(&mut live_done, &mut live_err, &mut live_hist);
            next_flush = now + Live::FLUSH_EVERY;
        }
    }
    live.flush(&mut live_done, &mut live_err, &mut live_hist);
    stats
}

fn error_name(e: &ClientError) -> String {
    match e {
        ClientError::Server { code, .. } => code.name().to_owned(),
        ClientError::Io(_) => "CONNECTION".into(),
        ClientError::Timeout => "TIMEOUT".into(),
        ClientError::Protocol(_) => "BAD_RESPONSE".into(),
        ClientError::InvalidRequest(_) => "INVALID_REQUEST".into(),
    }
}
