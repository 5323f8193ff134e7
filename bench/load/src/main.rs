//! `corevec-load`: the command line. See the library crate (`corevec_load`) for what it owns.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use corevec_client::Filter;
use corevec_datasets::{self as datasets, write_ivecs};
use corevec_load::engine::{self, LoadConfig, RunResult};
use corevec_load::ingest::{self, CreateSpec, IngestConfig};
use corevec_load::report::{write_hgrm, Report};
use corevec_load::rows::{matching_rows, KeyRange, RowLabels, RANGE_FIELD};
use corevec_load::stats::Hardware;
use corevec_load::truth::{ground_truth, parse_metric};
use corevec_load::workload::{SearchSpec, Workload, WriteSpec};
use corevec_load::{read_token_file, LoadError};
use corevec_proto::SearchFlags;

/// Help text for dataset specs (parsed by `corevec_datasets::load_vectors`), shown by `--help`.
const SPEC_HELP: &str = "\
DATASET SPECS (--data, --queries, --base):
  PATH.fvecs | PATH.bvecs | PATH.npy     TEXMEX float32 / uint8 vectors, or a NumPy 2-D
                                         float32 little-endian C-order array ('<f4').
  synthetic:uniform:N:DIM:SEED[:norm][:skip=S]
      N rows, components uniform in [-1, 1).
  synthetic:clusters:N:DIM:CLUSTERS:SPREAD:SEED[:norm][:skip=S]
      N rows around CLUSTERS centres (centres uniform in [-1, 1), per-component gaussian
      noise with standard deviation SPREAD).
  Options: 'norm' L2-normalises every row; 'skip=S' yields rows S..S+N of the same infinite
  seeded stream (row i depends only on SEED and i), so a query set that shares the base's
  distribution but not its points is the base spec with the query count and skip=N_BASE:
      --data    synthetic:clusters:100000:128:64:0.1:42
      --queries synthetic:clusters:1000:128:64:0.1:42:skip=100000
  Ground truth files (--truth) are TEXMEX .ivecs of 0-based base row ids (= vector ids).";

const LOAD_MODELS: &str = "\
LOAD MODELS:
  closed loop (default): every connection keeps --depth requests in flight; latency runs from
      the moment a request is queued for sending.
  open loop (--rate R): R requests/s in total on a fixed schedule spread over the connections;
      latency runs from each request's *intended* send time, so server stalls and client-side
      queueing are measured, not hidden (no coordinated omission). --depth caps requests in
      flight per connection; due requests beyond it wait, and that wait counts.
  Throughput (qps) counts the successful answers received inside the measured window. Answers
  that arrive after it, during the drain (--drain-timeout), count in ops and latency only, so
  an open loop the server cannot keep up with reports the rate the server achieved and how far
  short of --rate it fell (shortfall_pct), not the offered rate.
  Requests whose (intended) send time falls in --warmup are not recorded. Output: a progress
  line per second on stderr, a summary at the end (stdout; stderr with --json), and with
  --json exactly one JSON line on stdout.";

#[derive(Parser)]
#[command(
    name = "corevec-load",
    version,
    about = "corevec load generator: open/closed loop, coordinated-omission-correct, io_uring",
    after_help = SPEC_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Bulk UPSERT a dataset (ids = row index + --id-offset).
    #[command(after_help = SPEC_HELP)]
    Ingest(IngestArgs),
    /// SEARCH load, one query per request, with recall when --truth is given.
    #[command(after_help = format!("{LOAD_MODELS}\n\n{SPEC_HELP}"))]
    Query(QueryArgs),
    /// SEARCH load mixed with UPSERTs of --data rows (re-upserting their own ids).
    #[command(after_help = format!("{LOAD_MODELS}\n\n{SPEC_HELP}"))]
    Mixed(MixedArgs),
    /// PING load: protocol and transport overhead only.
    #[command(after_help = LOAD_MODELS)]
    Ping(PingArgs),
    /// Exact ground truth (brute force, multi-threaded); writes .ivecs of 0-based base row ids.
    #[command(after_help = SPEC_HELP)]
    Truth(TruthArgs),
}

#[derive(Args, Clone)]
struct Common {
    /// Server (node or router) address.
    #[arg(long, default_value = "127.0.0.1:7717")]
    addr: String,
    /// File holding the HELLO auth token (trailing newline ignored).
    #[arg(long)]
    auth_token_file: Option<PathBuf>,
    /// Print exactly one JSON line on stdout (the summary goes to stderr).
    #[arg(long)]
    json: bool,
    /// No per-second progress line.
    #[arg(long)]
    no_progress: bool,
}

#[derive(Args, Clone)]
struct LoadArgs {
    /// TCP connections [default: ping 1, query/mixed 8].
    #[arg(long)]
    connections: Option<usize>,
    /// Requests in flight per connection (closed loop), cap per connection (open loop)
    /// [default: ping 64, query/mixed 4; open loop 128]; lowered to the server's HELLO limit.
    #[arg(long)]
    depth: Option<usize>,
    /// Measured seconds after the warm-up [default: ping 10, query/mixed 20].
    #[arg(long)]
    duration: Option<f64>,
    /// Open loop: total requests per second (omit for the closed loop).
    #[arg(long)]
    rate: Option<f64>,
    /// Seconds of warm-up, excluded from the results.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Closed loop: stop after this many measured requests instead of after --duration.
    #[arg(long, conflicts_with = "rate")]
    ops: Option<u64>,
    /// Worker threads, one io_uring each [default: min(connections, CPUs)].
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Seconds to wait for outstanding answers after the measured window. With --ops, also
    /// the longest wait for any answer while requests are in flight: a server that stops
    /// answering ends the run, the requests in flight and those not yet sent counted as
    /// UNFINISHED errors.
    #[arg(long, default_value_t = 10.0)]
    drain_timeout: f64,
    /// Initial receive buffer per connection, KiB.
    #[arg(long, default_value_t = 64)]
    recv_buffer_kib: usize,
    /// Also report this process's CPU use over the measured window (e.g. the server).
    #[arg(long)]
    server_pid: Option<u32>,
    /// Write the latency distribution (µs) in HdrHistogram .hgrm text format.
    #[arg(long)]
    hgrm: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct SearchArgs {
    /// Collection to search.
    #[arg(long)]
    collection: String,
    /// Query vectors (dataset spec).
    #[arg(long)]
    queries: String,
    /// Ground truth .ivecs (row i = query i) for recall@k: per answer, the distinct ids it
    /// returned among the row's first k ids, over the number of those ids (negative ids are
    /// padding). Answers whose row holds only padding are left out (recall_skipped).
    #[arg(long)]
    truth: Option<PathBuf>,
    /// Neighbours per query.
    #[arg(long, default_value_t = 10)]
    k: u32,
    /// HNSW ef (0 = server default).
    #[arg(long, default_value_t = 0)]
    ef: u32,
    /// Brute-force search on the server (EXACT flag).
    #[arg(long)]
    exact: bool,
    /// Accept partial answers from a router (ALLOW_PARTIAL flag).
    #[arg(long)]
    allow_partial: bool,
    /// Ask for each hit's payload (WITH_PAYLOADS flag).
    #[arg(long)]
    with_payloads: bool,
    #[command(flatten)]
    filter: FilterArgs,
}

/// A label filter sent with every query (and applied by `truth`).
#[derive(Args, Clone)]
struct FilterArgs {
    /// Only points whose key in range field 0 lies in LO..=HI (inclusive, u32 keys as
    /// `ingest --range-key-max` gives them): the range's cover labels become one more any_of
    /// group of the filter (PROTOCOL.md sections 5.9 and 11).
    #[arg(long, value_name = "LO..=HI")]
    range_u32: Option<KeyRange>,
    /// Only points with all of these labels (comma-separated).
    #[arg(long, value_delimiter = ',')]
    all_of: Vec<u64>,
    /// Only points with at least one of these labels (comma-separated; one any_of group).
    #[arg(long, value_delimiter = ',')]
    any_of: Vec<u64>,
    /// Only points with none of these labels (comma-separated).
    #[arg(long, value_delimiter = ',')]
    none_of: Vec<u64>,
}

impl FilterArgs {
    /// The label lists only (no range).
    fn labels(&self) -> Filter {
        Filter {
            all_of: self.all_of.clone(),
            any_of: [self.any_of.clone()]
                .into_iter()
                .filter(|group| !group.is_empty())
                .collect(),
            none_of: self.none_of.clone(),
        }
    }

    /// The filter sent with every query: the label lists and, with --range-u32, the range's
    /// cover as one more any_of group. `None` when neither was given.
    fn filter(&self) -> Result<Option<Filter>, LoadError> {
        let labels = self.labels();
        match self.range_u32 {
            Some(range) => labels
                .with_range(RANGE_FIELD, range.lo, range.hi)
                .map(Some)
                .map_err(|e| LoadError::Config(format!("--range-u32 {range}: {e}"))),
            None => Ok((labels != Filter::default()).then_some(labels)),
        }
    }

    /// How the report names `filter`: with a range, the range instead of its cover labels.
    fn describe(&self, filter: &Filter) -> String {
        match self.range_u32 {
            Some(range) => format!(
                "Filter {{ all_of: {:?}, any_of: {:?} + range field {RANGE_FIELD} {range} ({} cover labels), none_of: {:?} }}",
                filter.all_of,
                &filter.any_of[..filter.any_of.len() - 1],
                filter.any_of.last().map_or(0, Vec::len),
                filter.none_of
            ),
            None => format!("{filter:?}"),
        }
    }
}

#[derive(Args)]
struct QueryArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    load: LoadArgs,
    #[command(flatten)]
    search: SearchArgs,
}

#[derive(Args)]
struct MixedArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    load: LoadArgs,
    #[command(flatten)]
    search: SearchArgs,
    /// Rows to UPSERT (dataset spec); each write re-upserts rows with id = row + --write-id-offset.
    #[arg(long)]
    data: String,
    /// Fraction of requests that are writes.
    #[arg(long, default_value_t = 0.1)]
    write_ratio: f64,
    /// Vectors per write.
    #[arg(long, default_value_t = 1)]
    write_batch: usize,
    /// Added to row indices to form write ids.
    #[arg(long, default_value_t = 0)]
    write_id_offset: u64,
}

#[derive(Args)]
struct PingArgs {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    load: LoadArgs,
}

#[derive(Args)]
struct IngestArgs {
    #[command(flatten)]
    common: Common,
    /// Collection to write.
    #[arg(long)]
    collection: String,
    /// Vectors to write (dataset spec).
    #[arg(long)]
    data: String,
    /// Create the collection first (dimension from the data).
    #[arg(long)]
    create: bool,
    /// With --create: drop an existing collection of that name first.
    #[arg(long, requires = "create")]
    drop_existing: bool,
    /// With --create: dot, cosine or l2.
    #[arg(long, default_value = "l2")]
    metric: String,
    /// With --create: HNSW m (0 = server default).
    #[arg(long, default_value_t = 16)]
    m: u16,
    /// With --create: HNSW ef_construction (0 = server default).
    #[arg(long, default_value_t = 200)]
    ef_construction: u32,
    /// With --create: shards (0 = server default).
    #[arg(long, default_value_t = 0)]
    shards: u16,
    /// With --create: read replicas (every server core keeps a copy of every shard to search).
    #[arg(long, requires = "create")]
    read_replicas: bool,
    /// Vectors per UPSERT.
    #[arg(long, default_value_t = 256)]
    batch: usize,
    /// Connections (one thread each).
    #[arg(long, default_value_t = 4)]
    connections: usize,
    /// Batches in flight per connection.
    #[arg(long, default_value_t = 2)]
    depth: usize,
    /// Only the first N rows.
    #[arg(long)]
    limit: Option<usize>,
    /// Added to row indices to form ids.
    #[arg(long, default_value_t = 0)]
    id_offset: u64,
    /// Bytes of payload to store with every point (0: none).
    #[arg(long, default_value_t = 0)]
    payload_bytes: usize,
    /// Give row `r` the label `r % N` (0: no labels), for filtered queries.
    #[arg(long, default_value_t = 0)]
    label_modulus: u64,
    /// Give row `r` the eight range labels (field 0) of the key `splitmix64(r) % (M + 1)`,
    /// uniform over 0..=M (0: none), for --range-u32 queries; combines with --label-modulus.
    #[arg(long, value_name = "M", default_value_t = 0)]
    range_key_max: u32,
    /// Per-request timeout, seconds.
    #[arg(long, default_value_t = 120.0)]
    timeout: f64,
}

#[derive(Args)]
struct TruthArgs {
    /// Base vectors (dataset spec).
    #[arg(long)]
    base: String,
    /// Query vectors (dataset spec).
    #[arg(long)]
    queries: String,
    /// Neighbours per query.
    #[arg(long, default_value_t = 100)]
    k: usize,
    /// dot, cosine or l2 (protocol conventions: smaller distance is closer).
    #[arg(long)]
    metric: String,
    /// Output .ivecs.
    #[arg(long)]
    out: PathBuf,
    /// Base row `r` carries the label `r % N`, as `ingest --label-modulus N` stores it; with
    /// a filter, the truth is over the matching rows only.
    #[arg(long, default_value_t = 0)]
    label_modulus: u64,
    /// Base row `r` carries the range labels of the key `splitmix64(r) % (M + 1)`, as
    /// `ingest --range-key-max M` stores them (needed by --range-u32; use the same M).
    #[arg(long, value_name = "M", default_value_t = 0)]
    range_key_max: u32,
    #[command(flatten)]
    filter: FilterArgs,
    /// Threads [default: CPUs].
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

fn secs(v: f64, name: &str) -> Result<Duration, LoadError> {
    Duration::try_from_secs_f64(v).map_err(|_| {
        LoadError::Config(format!("--{name} must be a non-negative number of seconds"))
    })
}

fn token(common: &Common) -> Result<Option<Vec<u8>>, LoadError> {
    common
        .auth_token_file
        .as_deref()
        .map(read_token_file)
        .transpose()
}

struct Defaults {
    connections: usize,
    depth: usize,
    duration: f64,
}

fn load_config(
    common: &Common,
    load: &LoadArgs,
    defaults: &Defaults,
) -> Result<LoadConfig, LoadError> {
    let depth = load.depth.unwrap_or(if load.rate.is_some() {
        128
    } else {
        defaults.depth
    });
    Ok(LoadConfig {
        addr: common.addr.clone(),
        auth_token: token(common)?,
        connections: load.connections.unwrap_or(defaults.connections),
        threads: load.threads,
        depth,
        warmup: secs(load.warmup, "warmup")?,
        duration: secs(load.duration.unwrap_or(defaults.duration), "duration")?,
        rate: load.rate,
        ops: load.ops,
        drain_timeout: secs(load.drain_timeout, "drain-timeout")?,
        progress: !common.no_progress,
        recv_buffer: load.recv_buffer_kib.saturating_mul(1024),
        connect_timeout: Duration::from_secs(5),
        server_pid: load.server_pid,
    })
}

fn search_spec(args: &SearchArgs) -> Result<SearchSpec, LoadError> {
    let queries = datasets::load_vectors(&args.queries)?;
    let truth = match &args.truth {
        Some(path) => {
            let t = datasets::load_truth(&path.to_string_lossy())?;
            if t.rows() < queries.rows() {
                return Err(LoadError::Config(format!(
                    "--truth has {} rows but there are {} queries",
                    t.rows(),
                    queries.rows()
                )));
            }
            if t.dim() < args.k as usize {
                return Err(LoadError::Config(format!(
                    "--truth has {} neighbours per query, fewer than --k {}",
                    t.dim(),
                    args.k
                )));
            }
            Some(Arc::new(t))
        }
        None => None,
    };
    Ok(SearchSpec {
        collection: args.collection.clone(),
        queries: Arc::new(queries),
        k: args.k,
        ef: args.ef,
        flags: SearchFlags {
            exact: args.exact,
            allow_partial: args.allow_partial,
            with_payloads: args.with_payloads,
        },
        filter: args.filter.filter()?,
        truth,
    })
}

fn emit(report: &Report, json: bool) {
    if json {
        eprint!("{}", report.human());
        println!("{}", report.json());
    } else {
        print!("{}", report.human());
    }
}

fn run_load(
    common: &Common,
    load: &LoadArgs,
    defaults: &Defaults,
    workload: &Workload,
) -> Result<Report, LoadError> {
    let config = load_config(common, load, defaults)?;
    let threads = config.worker_threads();
    eprintln!("{}", Hardware::detect().line(threads));
    let run: RunResult = engine::run(&config, workload)?;
    if run.depth < config.depth {
        eprintln!(
            "note: --depth {} lowered to the server's in-flight limit {}",
            config.depth, run.depth
        );
    }
    let measured = run.measured.as_secs_f64();
    let mut report = Report::new(
        workload.mode(),
        &config.addr,
        &run.stats,
        measured,
        run.answered_in_window,
    );
    report.load_model = if config.rate.is_some() {
        "open"
    } else {
        "closed"
    }
    .into();
    report.connections = config.connections;
    report.depth = run.depth;
    report.threads = run.threads;
    report.set_target_rate(config.rate);
    report.warmup_s = config.warmup.as_secs_f64();
    report.server_in_flight_max = Some(run.server_in_flight_max);
    report.max_backlog = config.rate.map(|_| run.stats.max_backlog);
    if measured > 0.0 {
        report.client_cpu_pct = run.client_cpu_s.map(|c| 100.0 * c / measured);
        report.server_cpu_pct = run.server_cpu_s.map(|c| 100.0 * c / measured);
    }
    if let Some(s) = workload.search() {
        report.collection = Some(s.collection.clone());
        report.k = Some(s.k);
        report.with_payloads = Some(s.flags.with_payloads);
        report.filter = s.filter.as_ref().map(|f| format!("{f:?}"));
        report.ef = Some(s.ef);
    }
    if let Workload::Mixed { write_ratio, .. } = workload {
        report.set_mixed(&run.stats, *write_ratio);
    }
    if let Some(path) = &load.hgrm {
        write_hgrm(path, &run.stats.all).map_err(|source| LoadError::Io {
            context: format!("write {}", path.display()),
            source,
        })?;
    }
    Ok(report)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("corevec-load: {e}");
            ExitCode::from(2)
        }
    }
}

/// Exit code 0 on success, 1 if the run completed with errors, 2 if it could not run.
fn dispatch(cli: Cli) -> Result<ExitCode, LoadError> {
    let (report, json) = match cli.command {
        Command::Ping(a) => {
            let d = Defaults {
                connections: 1,
                depth: 64,
                duration: 10.0,
            };
            (
                run_load(&a.common, &a.load, &d, &Workload::Ping)?,
                a.common.json,
            )
        }
        Command::Query(a) => {
            let d = Defaults {
                connections: 8,
                depth: 4,
                duration: 20.0,
            };
            let w = Workload::Query(search_spec(&a.search)?);
            let mut report = run_load(&a.common, &a.load, &d, &w)?;
            describe_filter(&mut report, &w, &a.search.filter);
            (report, a.common.json)
        }
        Command::Mixed(a) => {
            if !(0.0..=1.0).contains(&a.write_ratio) {
                return Err(LoadError::Config("--write-ratio must be in 0..=1".into()));
            }
            let d = Defaults {
                connections: 8,
                depth: 4,
                duration: 20.0,
            };
            let search = search_spec(&a.search)?;
            let data = datasets::load_vectors(&a.data)?;
            if data.dim() != search.queries.dim() {
                return Err(LoadError::Config(format!(
                    "--data has dimension {}, --queries {}",
                    data.dim(),
                    search.queries.dim()
                )));
            }
            let w = Workload::Mixed {
                write: WriteSpec {
                    collection: search.collection.clone(),
                    data: Arc::new(data),
                    batch: a.write_batch.max(1),
                    id_offset: a.write_id_offset,
                },
                search,
                write_ratio: a.write_ratio,
            };
            let mut report = run_load(&a.common, &a.load, &d, &w)?;
            describe_filter(&mut report, &w, &a.search.filter);
            (report, a.common.json)
        }
        Command::Ingest(a) => (run_ingest(&a)?, a.common.json),
        Command::Truth(a) => {
            run_truth(&a)?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    emit(&report, json);
    Ok(if report.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn describe_filter(report: &mut Report, workload: &Workload, args: &FilterArgs) {
    if let Some(filter) = workload.search().and_then(|s| s.filter.as_ref()) {
        report.filter = Some(args.describe(filter));
    }
}

fn run_ingest(a: &IngestArgs) -> Result<Report, LoadError> {
    let mut data = datasets::load_vectors(&a.data)?;
    if let Some(limit) = a.limit {
        data.truncate(limit);
    }
    let create = if a.create {
        Some(CreateSpec {
            metric: parse_metric(&a.metric).map_err(LoadError::Config)?,
            m: a.m,
            ef_construction: a.ef_construction,
            shards: a.shards,
            read_replicas: a.read_replicas,
            drop_existing: a.drop_existing,
        })
    } else {
        None
    };
    let config = IngestConfig {
        addr: a.common.addr.clone(),
        auth_token: token(&a.common)?,
        collection: a.collection.clone(),
        create,
        batch: a.batch,
        connections: a.connections,
        depth: a.depth,
        id_offset: a.id_offset,
        payload_bytes: a.payload_bytes,
        label_modulus: a.label_modulus,
        range_key_max: a.range_key_max,
        progress: !a.common.no_progress,
        request_timeout: secs(a.timeout, "timeout")?,
    };
    eprintln!("{}", Hardware::detect().line(a.connections));
    eprintln!(
        "ingest: {} vectors of dimension {} into {:?}, batches of {}",
        data.rows(),
        data.dim(),
        a.collection,
        a.batch
    );
    let result = ingest::ingest(&config, &Arc::new(data))?;
    let elapsed = result.elapsed.as_secs_f64();
    let mut report = Report::new(
        "ingest",
        &a.common.addr,
        &result.stats,
        elapsed,
        result.stats.ops,
    );
    report.connections = a.connections;
    report.depth = a.depth;
    report.threads = a.connections;
    report.collection = Some(a.collection.clone());
    report.vectors = Some(result.vectors);
    report.payload_bytes = Some(a.payload_bytes);
    report.vectors_per_s = Some(if elapsed > 0.0 {
        result.vectors as f64 / elapsed
    } else {
        0.0
    });
    if elapsed > 0.0 {
        report.client_cpu_pct = result.client_cpu_s.map(|c| 100.0 * c / elapsed);
    }
    Ok(report)
}

fn run_truth(a: &TruthArgs) -> Result<(), LoadError> {
    let metric = parse_metric(&a.metric).map_err(LoadError::Config)?;
    let threads = if a.threads == 0 {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    } else {
        a.threads
    };
    // The label lists, and the range apart: the rows are selected by their key.
    let filter = a.filter.labels();
    let range = a.filter.range_u32;
    let filtered = filter != Filter::default() || range.is_some();
    if filter != Filter::default() && a.label_modulus == 0 {
        return Err(LoadError::Config(
            "a filter needs --label-modulus (the labels ingest gave the rows)".into(),
        ));
    }
    if range.is_some() && a.range_key_max == 0 {
        return Err(LoadError::Config(
            "--range-u32 needs --range-key-max (the keys ingest gave the rows, same M)".into(),
        ));
    }
    // Refuse what a query would refuse (too many labels).
    a.filter.filter()?;
    eprintln!("{}", Hardware::detect().line(threads));
    let mut base = datasets::load_vectors(&a.base)?;
    let queries = datasets::load_vectors(&a.queries)?;
    let started = Instant::now();
    // With a filter: the truth over the matching rows, mapped back to row numbers.
    let rows: Option<Vec<i32>> = if filtered {
        let labels = RowLabels {
            label_modulus: a.label_modulus,
            range_key_max: a.range_key_max,
        };
        let rows = matching_rows(base.rows(), &labels, &filter, range);
        eprintln!(
            "truth: the filter keeps {} of {} base rows",
            rows.len(),
            base.rows()
        );
        if rows.len() < a.k {
            return Err(LoadError::Config(format!(
                "the filter keeps {} base rows, fewer than --k {}",
                rows.len(),
                a.k
            )));
        }
        let data: Vec<f32> = rows.iter().flat_map(|&r| base.row(r).to_vec()).collect();
        base = datasets::Matrix::new(base.dim(), data).map_err(LoadError::Config)?;
        Some(rows.into_iter().map(|r| r as i32).collect())
    } else {
        None
    };
    let mut truth =
        ground_truth(&base, &queries, a.k, metric, threads).map_err(LoadError::Config)?;
    if let Some(rows) = rows {
        let mapped: Vec<i32> = truth.as_slice().iter().map(|&i| rows[i as usize]).collect();
        truth = datasets::Matrix::new(a.k, mapped).map_err(LoadError::Config)?;
    }
    write_ivecs(&a.out, &truth)?;
    eprintln!(
        "truth: {} queries x top-{} over {} base vectors ({:?}) in {:.2} s -> {}",
        queries.rows(),
        a.k,
        base.rows(),
        metric,
        started.elapsed().as_secs_f64(),
        a.out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(extra: &[&str]) -> Result<Cli, clap::Error> {
        let base = [
            "corevec-load",
            "query",
            "--collection",
            "c",
            "--queries",
            "q.fvecs",
        ];
        Cli::try_parse_from(base.iter().chain(extra))
    }

    fn filter_of(cli: Cli) -> FilterArgs {
        match cli.command {
            Command::Query(a) => a.search.filter,
            _ => panic!("not a query"),
        }
    }

    #[test]
    fn a_range_becomes_the_cover_in_any_of() {
        let args =
            filter_of(query(&["--range-u32", "0..=429496729", "--all-of", "3"]).expect("parse"));
        assert_eq!(
            args.range_u32,
            Some(KeyRange {
                lo: 0,
                hi: 429_496_729
            })
        );
        let filter = args.filter().expect("filter").expect("some");
        assert_eq!(filter.all_of, vec![3]);
        assert_eq!(
            filter.any_of,
            [corevec_proto::range::cover(RANGE_FIELD, 0, 429_496_729)]
        );
        let described = args.describe(&filter);
        assert!(
            described.contains("range field 0 0..=429496729") && described.contains("all_of: [3]"),
            "{described}"
        );
        // Without a range nothing changes.
        let args = filter_of(query(&["--any-of", "1,2"]).expect("parse"));
        let filter = args.filter().expect("filter").expect("some");
        assert_eq!(filter.any_of, [vec![1, 2]]);
        assert_eq!(args.describe(&filter), format!("{filter:?}"));
        assert!(filter_of(query(&[]).expect("parse"))
            .filter()
            .expect("filter")
            .is_none());
    }

    #[test]
    fn bad_ranges_are_refused_with_clear_errors() {
        // With --any-of: two groups.
        let both = filter_of(query(&["--range-u32", "0..=9", "--any-of", "1"]).expect("parse"))
            .filter()
            .expect("filter")
            .expect("some");
        assert_eq!(
            both.any_of,
            [vec![1], corevec_proto::range::cover(RANGE_FIELD, 0, 9)]
        );
        let err = query(&["--range-u32", "9..=3"])
            .err()
            .expect("empty")
            .to_string();
        assert!(err.contains("empty"), "{err}");
        let err = query(&["--range-u32", "3..9"])
            .err()
            .expect("form")
            .to_string();
        assert!(err.contains("LO..=HI"), "{err}");
        let truth = |extra: &[&str]| {
            let base = [
                "corevec-load",
                "truth",
                "--base",
                "/nonexistent/b.fvecs",
                "--queries",
                "/nonexistent/q.fvecs",
                "--metric",
                "l2",
                "--out",
                "/nonexistent/t.ivecs",
            ];
            match Cli::try_parse_from(base.iter().chain(extra))
                .expect("parse")
                .command
            {
                Command::Truth(a) => run_truth(&a).expect_err("refused").to_string(),
                _ => panic!("not truth"),
            }
        };
        // Refused before reading any file.
        let err = truth(&["--range-u32", "0..=9"]);
        assert!(err.contains("--range-key-max"), "{err}");
        let err = truth(&["--all-of", "3", "--range-key-max", "99"]);
        assert!(err.contains("--label-modulus"), "{err}");
    }
}
