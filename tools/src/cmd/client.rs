//! Thin client commands over `corevec-client`: collections, search, get, set-payload,
//! set-labels, stats, snapshot.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};
use corevec_client::{Client, ClientConfig, Filter, SearchOptions};
use corevec_proto::range::{key_f32, key_i32};
use corevec_proto::{CreateCollection, Metric, LABELS_PER_POINT_MAX, PAYLOAD_BYTES_MAX};

use crate::{Context, Failure};

/// Where the server is and how to talk to it (shared by every client command).
#[derive(Clone, Debug, Args)]
pub struct ClientArgs {
    /// Server address.
    #[arg(
        long,
        env = "COREVEC_ADDR",
        default_value = "127.0.0.1:7717",
        value_name = "HOST:PORT"
    )]
    pub addr: String,
    /// File holding the auth token (trailing newline ignored).
    #[arg(long, env = "COREVEC_AUTH_TOKEN_FILE", value_name = "FILE")]
    pub auth_token_file: Option<PathBuf>,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub timeout_s: u64,
}

impl ClientArgs {
    /// Connects (TCP + HELLO).
    ///
    /// # Errors
    /// Unreadable token file (exit 2) or connection failure (exit 1).
    pub fn connect(&self) -> Result<Client, Failure> {
        let auth_token = match &self.auth_token_file {
            Some(path) => Some(super::serve::read_token(path, "--auth-token-file")?),
            None => None,
        };
        let config = ClientConfig {
            auth_token,
            request_timeout: Duration::from_secs(self.timeout_s.max(1)),
            ..ClientConfig::default()
        };
        Client::connect(self.addr.as_str(), config).context(format!("connecting to {}", self.addr))
    }
}

fn parse_metric(text: &str) -> Result<Metric, String> {
    match text.to_ascii_lowercase().as_str() {
        "l2" | "euclidean" => Ok(Metric::L2),
        "cosine" | "cos" => Ok(Metric::Cosine),
        "dot" | "ip" => Ok(Metric::Dot),
        _ => Err(format!(
            "unknown metric {text:?}: expected l2, cosine or dot"
        )),
    }
}

pub(crate) fn metric_name(metric: Metric) -> &'static str {
    match metric {
        Metric::L2 => "l2",
        Metric::Cosine => "cosine",
        Metric::Dot => "dot",
    }
}

/// `corevec collection ...`.
#[derive(Debug, Subcommand)]
pub enum CollectionCommand {
    /// Create a collection.
    Create(CreateArgs),
    /// List collections.
    List(ListArgs),
    /// Describe one collection, shard by shard.
    Describe(NameArgs),
    /// Drop a collection and its data.
    Drop(NameArgs),
}

/// `corevec collection create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
    /// Collection name: 1..=64 bytes of [A-Za-z0-9_-].
    pub name: String,
    /// Vector dimension.
    #[arg(long)]
    pub dim: u32,
    /// Distance metric: l2, cosine or dot.
    #[arg(long, default_value = "l2", value_parser = parse_metric)]
    pub metric: Metric,
    /// Shards; 0 = one per core.
    #[arg(long, default_value_t = 0)]
    pub shards: u16,
    /// HNSW connectivity (m); 0 = server default.
    #[arg(long, default_value_t = 0)]
    pub m: u16,
    /// HNSW build expansion (ef_construction); 0 = server default.
    #[arg(long, default_value_t = 0)]
    pub ef_construction: u32,
    /// Every core keeps an in-memory copy of every shard it does not own and answers searches
    /// from it: more search throughput per node, for one copy of the collection's memory and
    /// index building per core (writes still go to the owning core; docs/OPERATIONS.md).
    #[arg(long)]
    pub read_replicas: bool,
}

/// How LIST and DESCRIBE show `read_replicas`: a server that did not enable
/// `FEATURE_READ_REPLICAS` does not report it.
fn read_replicas_shown(reported: bool, read_replicas: bool) -> &'static str {
    match (reported, read_replicas) {
        (false, _) => "-",
        (true, false) => "no",
        (true, true) => "yes",
    }
}

/// A command that needs only the connection.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// A command on one named collection.
#[derive(Debug, Args)]
pub struct NameArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
    /// Collection name.
    pub name: String,
}

/// Runs a `collection` subcommand.
///
/// # Errors
/// Connection or server errors (exit 1).
pub fn collection(command: CollectionCommand) -> Result<(), Failure> {
    match command {
        CollectionCommand::Create(args) => {
            let client = args.client.connect()?;
            client
                .create_collection(&CreateCollection {
                    name: &args.name,
                    dim: args.dim,
                    metric: args.metric,
                    shards: args.shards,
                    connectivity: args.m,
                    expansion_add: args.ef_construction,
                    read_replicas: args.read_replicas,
                })
                .context(format!("creating collection {}", args.name))?;
            println!("created {}", args.name);
        }
        CollectionCommand::List(args) => {
            let client = args.client.connect()?;
            let infos = client.list_collections().context("listing collections")?;
            let reported = client
                .supports_read_replicas()
                .context("listing collections")?;
            println!(
                "{:<32} {:>6} {:<7} {:>6} {:>13} {:>12} {:>14}",
                "name", "dim", "metric", "shards", "read_replicas", "vectors", "bytes"
            );
            for info in infos {
                println!(
                    "{:<32} {:>6} {:<7} {:>6} {:>13} {:>12} {:>14}",
                    info.name,
                    info.dim,
                    metric_name(info.metric),
                    info.shards,
                    read_replicas_shown(reported, info.read_replicas),
                    info.vectors_count,
                    info.bytes
                );
            }
        }
        CollectionCommand::Describe(args) => {
            let client = args.client.connect()?;
            let info = client
                .describe_collection(&args.name)
                .context(format!("describing {}", args.name))?;
            println!("name:          {}", info.name);
            println!("dim:           {}", info.dim);
            println!("metric:        {}", metric_name(info.metric));
            println!("shards:        {}", info.shards);
            println!("m:             {}", info.connectivity);
            println!("ef_construct:  {}", info.expansion_add);
            let reported = client
                .supports_read_replicas()
                .context(format!("describing {}", args.name))?;
            println!(
                "read_replicas: {}",
                read_replicas_shown(reported, info.read_replicas)
            );
            println!("vectors:       {}", info.vectors_count);
            println!("bytes:         {}", info.bytes);
            println!(
                "{:>6} {:>12} {:>10} {:>14}",
                "shard", "vectors", "deleted", "bytes"
            );
            for shard in &info.shard_infos {
                println!(
                    "{:>6} {:>12} {:>10} {:>14}",
                    shard.shard, shard.vectors_count, shard.deleted_count, shard.bytes
                );
            }
        }
        CollectionCommand::Drop(args) => {
            let client = args.client.connect()?;
            client
                .drop_collection(&args.name)
                .context(format!("dropping {}", args.name))?;
            println!("dropped {}", args.name);
        }
    }
    Ok(())
}

/// `corevec search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
    /// Collection to search.
    pub collection: String,
    /// File with one query vector: numbers separated by spaces, commas or newlines
    /// (brackets allowed, so a JSON array works). `-` or absent: standard input.
    #[arg(long, short = 'q', value_name = "FILE")]
    pub query: Option<PathBuf>,
    /// Number of neighbours.
    #[arg(long, short = 'k', default_value_t = 10)]
    pub k: u32,
    /// HNSW search expansion (ef); 0 = server default.
    #[arg(long, default_value_t = 0)]
    pub ef: u32,
    /// Exact (brute-force) search.
    #[arg(long)]
    pub exact: bool,
    /// Also print each hit's payload (UTF-8 text as is, other bytes as `hex:...`).
    #[arg(long)]
    pub with_payloads: bool,
    /// Only hits at most this distance from the query (in the printed distance's unit: squared
    /// L2, 1 - cos, or 1 - a·b); fewer than -k when fewer are that close.
    #[arg(long, value_name = "DISTANCE", allow_negative_numbers = true)]
    pub max_distance: Option<f32>,
    /// Label filter.
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// `--all-of/--any-of/--none-of` and `--range-u32/--range-i32/--range-f32`: a label filter
/// (`search`, `list`, `export`, `delete`). Every `--any-of` and every range is one `any_of`
/// group of the filter (net/proto/PROTOCOL.md, sections 5.9 and 11).
#[derive(Clone, Debug, Default, Args)]
pub struct FilterArgs {
    /// Only points that have all of these labels (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LABELS")]
    pub all_of: Vec<u64>,
    /// Only points that have at least one of these labels (comma-separated).
    ///
    /// Repeat the flag for more groups: a point must have one label of each group, so
    /// `--any-of 1,2 --any-of 5,6` means (1 or 2) and (5 or 6). Each range flag is a group too;
    /// at most 8 groups in all (a server from before filter groups takes one).
    #[arg(long, value_name = "LABELS", value_parser = parse_label_group)]
    pub any_of: Vec<LabelGroup>,
    /// Only points that have none of these labels (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LABELS")]
    pub none_of: Vec<u64>,
    /// Only points whose u32 value in range field FIELD lies in LO..=HI.
    ///
    /// A range field (0..=255) is a number a point carries as labels (written by `corevec
    /// import --range-u32 FIELD:FILE`, or by a client with `point_labels`; see
    /// net/proto/PROTOCOL.md, section 11). Both bounds are inclusive; leave one out for no
    /// bound on that side: `3:10..=20`, `3:10..` (10 or more), `3:..=20` (at most 20), `3:..`
    /// (any value). Points without a value in the field never match. Repeat range flags to
    /// filter on several fields (all must hold); each range is one of the filter's at most 8
    /// any_of groups and takes up to 224 of its 1,024 labels.
    #[arg(
        long,
        value_name = "FIELD:LO..=HI",
        value_parser = parse_range_u32,
        allow_hyphen_values = true
    )]
    pub range_u32: Vec<RangeArg>,
    /// Only points whose i32 value in range field FIELD lies in LO..=HI.
    ///
    /// As --range-u32, for signed 32-bit values (written by `corevec import --range-i32`):
    /// `0:-10..=10`, `0:..=-1` (negative values).
    #[arg(
        long,
        value_name = "FIELD:LO..=HI",
        value_parser = parse_range_i32,
        allow_hyphen_values = true
    )]
    pub range_i32: Vec<RangeArg>,
    /// Only points whose f32 value in range field FIELD lies in LO..=HI.
    ///
    /// As --range-u32, for 32-bit floats (written by `corevec import --range-f32`):
    /// `1:-2.5..=1e3`, `1:0..` (zero or more; -0 and 0 are the same value). NaN cannot be a
    /// bound; `inf` and `-inf` can.
    #[arg(
        long,
        value_name = "FIELD:LO..=HI",
        value_parser = parse_range_f32,
        allow_hyphen_values = true
    )]
    pub range_f32: Vec<RangeArg>,
}

/// The labels of one `--any-of` flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelGroup(pub Vec<u64>);

/// `--any-of LABELS`: comma- or space-separated labels, at least one.
fn parse_label_group(text: &str) -> Result<LabelGroup, String> {
    let labels = parse_label_list(text)?;
    if labels.is_empty() {
        return Err("no labels: an empty group would match no point".into());
    }
    Ok(LabelGroup(labels))
}

impl FilterArgs {
    /// The range flags given: `--range-u32`, then `--range-i32`, then `--range-f32`, each in
    /// the order given (the order of their groups in [`FilterArgs::filter`]).
    pub fn ranges(&self) -> impl Iterator<Item = &RangeArg> {
        self.range_u32
            .iter()
            .chain(&self.range_i32)
            .chain(&self.range_f32)
    }

    /// The filter, or `None` when no label or range was given (every point matches, and a
    /// server without labels can still answer): the `--any-of` groups, then one group per
    /// range ([`Filter::with_range`]).
    ///
    /// # Errors
    /// More than `FILTER_GROUPS_MAX` groups or `FILTER_LABELS_MAX` labels (exit 2).
    pub fn filter(&self) -> Result<Option<Filter>, Failure> {
        let mut filter = Filter {
            all_of: self.all_of.clone(),
            any_of: self.any_of.iter().map(|g| g.0.clone()).collect(),
            none_of: self.none_of.clone(),
        };
        let groups = filter.any_of.len() + self.ranges().count();
        if groups > corevec_proto::FILTER_GROUPS_MAX as usize {
            return Err(Failure::usage(format!(
                "{groups} groups (--any-of flags and ranges); a filter holds at most {}",
                corevec_proto::FILTER_GROUPS_MAX
            )));
        }
        for range in self.ranges() {
            let others = filter.label_count();
            filter = filter
                .with_range(range.field, range.lo, range.hi)
                .map_err(|e| {
                    let labels = corevec_proto::range::cover(range.field, range.lo, range.hi);
                    Failure::usage(format!(
                        "{}: its {} labels and the {others} before it exceed the {} a filter \
                         holds ({e})",
                        range.describe(),
                        labels.len(),
                        corevec_proto::FILTER_LABELS_MAX
                    ))
                })?;
        }
        if filter.label_count() > corevec_proto::FILTER_LABELS_MAX as usize {
            return Err(Failure::usage(format!(
                "the filter names {} labels; at most {}",
                filter.label_count(),
                corevec_proto::FILTER_LABELS_MAX
            )));
        }
        Ok((filter != Filter::default()).then_some(filter))
    }
}

/// The value type of a range field: how its values map to the field's 32-bit keys
/// (`corevec_proto::range`, PROTOCOL.md section 11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeType {
    /// Unsigned 32-bit integers: the key is the value.
    U32,
    /// Signed 32-bit integers (`key_i32`).
    I32,
    /// 32-bit floats (`key_f32`; NaN has no key).
    F32,
}

impl RangeType {
    /// `u32`, `i32` or `f32`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            RangeType::U32 => "u32",
            RangeType::I32 => "i32",
            RangeType::F32 => "f32",
        }
    }

    /// The command-line flag of this type (the same name in `search`/`list`/... and `import`).
    #[must_use]
    pub fn flag(self) -> &'static str {
        match self {
            RangeType::U32 => "--range-u32",
            RangeType::I32 => "--range-i32",
            RangeType::F32 => "--range-f32",
        }
    }

    /// The key of one decimal value (surrounding whitespace ignored).
    ///
    /// # Errors
    /// Not a number of this type, out of its range, or NaN.
    pub fn key(self, text: &str) -> Result<u32, String> {
        use std::num::IntErrorKind;
        let text = text.trim();
        let int_error = |kind: &IntErrorKind, range: &str| match kind {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
                format!("{text:?} is out of the {} range {range}", self.name())
            }
            _ if self == RangeType::U32
                && text.starts_with('-')
                && text[1..].bytes().all(|b| b.is_ascii_digit())
                && text.len() > 1 =>
            {
                format!("{text:?} is out of the u32 range {range}")
            }
            _ => format!(
                "{text:?} is not {} {} (a decimal integer in {range})",
                if self == RangeType::U32 { "a" } else { "an" },
                self.name()
            ),
        };
        match self {
            RangeType::U32 => text
                .parse::<u32>()
                .map_err(|e| int_error(e.kind(), "0..=4294967295")),
            RangeType::I32 => text
                .parse::<i32>()
                .map(key_i32)
                .map_err(|e| int_error(e.kind(), "-2147483648..=2147483647")),
            RangeType::F32 => {
                let value = text
                    .parse::<f32>()
                    .map_err(|_| format!("{text:?} is not an f32 (a decimal number)"))?;
                if value.is_infinite() && !text.to_ascii_lowercase().contains("inf") {
                    return Err(format!(
                        "{text:?} is out of the f32 range (write inf or -inf for infinity)"
                    ));
                }
                key_f32(value).ok_or_else(|| {
                    format!("{text:?}: NaN is not a value a range can hold (it has no order)")
                })
            }
        }
    }
}

/// A parsed `--range-u32/--range-i32/--range-f32 FIELD:LO..=HI`: the field and the inclusive
/// range of keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeArg {
    /// The value type (which flag).
    pub kind: RangeType,
    /// The range field, 0..=255.
    pub field: u8,
    /// The smallest key that matches (0 for an open lower bound).
    pub lo: u32,
    /// The largest key that matches (`u32::MAX` for an open upper bound).
    pub hi: u32,
    /// `FIELD:LO..=HI` as given.
    text: String,
}

impl RangeArg {
    /// Parses `FIELD:LO..=HI`, `FIELD:LO..`, `FIELD:..=HI` or `FIELD:..`.
    ///
    /// # Errors
    /// Bad syntax, a field outside 0..=255, a bad value, NaN, or `LO > HI`.
    pub fn parse(kind: RangeType, text: &str) -> Result<RangeArg, String> {
        const FORM: &str =
            "expected FIELD:LO..=HI (e.g. 3:10..=20; 3:10.. or 3:..=20 for one bound)";
        let (field, range) = text.split_once(':').ok_or_else(|| FORM.to_owned())?;
        let field = parse_field(field)?;
        // The last `..`, so that a lower bound such as `1.` keeps its dot.
        let (lo, hi) = range.rsplit_once("..").ok_or_else(|| FORM.to_owned())?;
        let hi = if hi.trim().is_empty() {
            None
        } else if let Some(hi) = hi.strip_prefix('=') {
            if hi.trim().is_empty() {
                return Err(format!(
                    "{range:?}: no upper bound after ..=; write LO.. for none"
                ));
            }
            Some(hi)
        } else {
            return Err(format!(
                "{range:?}: bounds are inclusive; write LO..=HI (or LO.. for no upper bound)"
            ));
        };
        let lo = match lo.trim() {
            "" => 0,
            lo => kind.key(lo)?,
        };
        let hi = match hi {
            None => u32::MAX,
            Some(hi) => kind.key(hi)?,
        };
        if lo > hi {
            return Err(format!(
                "{range:?} is empty (the lower bound is above the upper one)"
            ));
        }
        Ok(RangeArg {
            kind,
            field,
            lo,
            hi,
            text: text.trim().to_owned(),
        })
    }

    /// The flag and its value, e.g. `--range-f32 1:-2.5..=10`.
    #[must_use]
    pub fn describe(&self) -> String {
        format!("{} {}", self.kind.flag(), self.text)
    }
}

/// A range field: a decimal 0..=255.
///
/// # Errors
/// Anything else.
pub(crate) fn parse_field(text: &str) -> Result<u8, String> {
    let text = text.trim();
    text.parse::<u8>().map_err(|_| {
        format!("range field {text:?} is not a field number (a decimal integer in 0..=255)")
    })
}

fn parse_range_u32(text: &str) -> Result<RangeArg, String> {
    RangeArg::parse(RangeType::U32, text)
}

fn parse_range_i32(text: &str) -> Result<RangeArg, String> {
    RangeArg::parse(RangeType::I32, text)
}

fn parse_range_f32(text: &str) -> Result<RangeArg, String> {
    RangeArg::parse(RangeType::F32, text)
}

/// A payload for a one-line, tab-separated listing: printable UTF-8 as is, anything else
/// (binary, line breaks, tabs) as `hex:` and its bytes.
pub(crate) fn payload_text(payload: &[u8]) -> String {
    match std::str::from_utf8(payload) {
        Ok(text) if !text.chars().any(char::is_control) => text.to_owned(),
        _ => {
            let hex: String = payload.iter().map(|b| format!("{b:02x}")).collect();
            format!("hex:{hex}")
        }
    }
}

/// Parses numbers separated by whitespace or commas, ignoring `[` and `]`.
///
/// # Errors
/// The first token that is not a number, or no numbers at all.
pub fn parse_vector(text: &str) -> Result<Vec<f32>, String> {
    let vector = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '[' | ']'))
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<f32>()
                .map_err(|_| format!("{t:?} is not a number"))
        })
        .collect::<Result<Vec<f32>, String>>()?;
    if vector.is_empty() {
        return Err("no numbers in the query".into());
    }
    Ok(vector)
}

/// Runs `corevec search`.
///
/// # Errors
/// Unreadable or unparsable query, a bad filter (exit 2), connection or server errors (exit 1).
pub fn search(args: &SearchArgs) -> Result<(), Failure> {
    let filter = args.filter.filter()?;
    let text = match args.query.as_deref() {
        Some(path) if path != Path::new("-") => std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?,
        _ => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::usage(format!("cannot read the query from stdin: {e}")))?;
            text
        }
    };
    let query = parse_vector(&text).map_err(|e| Failure::usage(format!("query: {e}")))?;
    let client = args.client.connect()?;
    let options = SearchOptions {
        expansion_search: args.ef,
        exact: args.exact,
        allow_partial: false,
        filter: filter.as_ref(),
        max_distance: args.max_distance,
    };
    let searching = format!("searching {}", args.collection);
    if args.with_payloads {
        let result = client
            .search_with_payloads(&args.collection, &query, args.k, options)
            .context(searching)?;
        println!("{:>20}\tdistance\tpayload", "id");
        for hit in result.hits {
            let payload = payload_text(&hit.payload);
            println!("{:>20}\t{}\t{payload}", hit.id, hit.distance);
        }
    } else {
        let result = client
            .search(&args.collection, &query, args.k, options)
            .context(searching)?;
        println!("{:>20}\tdistance", "id");
        for hit in result.hits {
            println!("{:>20}\t{}", hit.id, hit.distance);
        }
    }
    Ok(())
}

/// `corevec get`.
#[derive(Debug, Args)]
pub struct GetArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
    /// Collection.
    pub collection: String,
    /// Ids to print.
    #[arg(required = true)]
    pub ids: Vec<u64>,
}

/// Runs `corevec get`: per id, one tab-separated line `id  vector  payload  labels` (the
/// vector as a JSON array, the payload as in `search --with-payloads`, the labels
/// comma-separated), or `id  not found`. What the server does not support is left empty.
///
/// # Errors
/// Connection or server errors (exit 1).
pub fn get(args: &GetArgs) -> Result<(), Failure> {
    let client = args.client.connect()?;
    let reading = format!("reading from {}", args.collection);
    let with_payloads = client.supports_payloads().context("HELLO")?;
    let with_labels = client.supports_labels().context("HELLO")?;
    let points = client
        .get_points(&args.collection, &args.ids, with_payloads, with_labels)
        .context(reading)?;
    for (id, point) in args.ids.iter().zip(points) {
        match point {
            Some(point) => {
                let vector: Vec<String> = point.vector.iter().map(f32::to_string).collect();
                let labels: Vec<String> = point.labels.iter().map(u64::to_string).collect();
                println!(
                    "{id}\t[{}]\t{}\t{}",
                    vector.join(","),
                    payload_text(&point.payload),
                    labels.join(",")
                );
            }
            None => println!("{id}\tnot found"),
        }
    }
    Ok(())
}

/// `corevec set-payload`.
#[derive(Debug, Args)]
pub struct SetPayloadArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
    /// Collection.
    pub collection: String,
    /// Id of the point.
    pub id: u64,
    /// The new payload, stored as its UTF-8 bytes (at most 65,536); an empty string clears it.
    #[arg(value_name = "TEXT")]
    pub payload: String,
}

/// Runs `corevec set-payload`: replaces the payload of one existing point (SET_PAYLOAD), keeping
/// its vector and labels, and prints how many points were updated (0 if the id does not exist).
///
/// # Errors
/// A payload over `PAYLOAD_BYTES_MAX` (exit 2), connection or server errors, or a server without
/// payloads (exit 1).
pub fn set_payload(args: &SetPayloadArgs) -> Result<(), Failure> {
    let payload = args.payload.as_bytes();
    if payload.len() > PAYLOAD_BYTES_MAX as usize {
        return Err(Failure::usage(format!(
            "payload: {} bytes; at most {PAYLOAD_BYTES_MAX}",
            payload.len()
        )));
    }
    let client = args.client.connect()?;
    let ack = client
        .set_payloads(&args.collection, &[args.id], &[payload])
        .context(format!(
            "setting the payload of {} in {}",
            args.id, args.collection
        ))?;
    print_updated(ack.count, args.id, &args.collection);
    Ok(())
}

/// `corevec set-labels`.
#[derive(Debug, Args)]
pub struct SetLabelsArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
    /// Collection.
    pub collection: String,
    /// Id of the point.
    pub id: u64,
    /// The new labels: unsigned integers separated by commas (e.g. `3,7`), at most 64; an empty
    /// string clears them.
    #[arg(value_name = "LABELS")]
    pub labels: String,
}

/// Parses a label list: unsigned 64-bit integers separated by commas or whitespace (empty: no
/// labels), at most `LABELS_PER_POINT_MAX`.
///
/// # Errors
/// The first token that is not a label, or too many labels.
pub fn parse_labels(text: &str) -> Result<Vec<u64>, String> {
    let labels = parse_label_list(text)?;
    if labels.len() > LABELS_PER_POINT_MAX as usize {
        return Err(format!(
            "{} labels; at most {LABELS_PER_POINT_MAX}",
            labels.len()
        ));
    }
    Ok(labels)
}

/// Labels separated by commas or whitespace, any number.
fn parse_label_list(text: &str) -> Result<Vec<u64>, String> {
    text.split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<u64>()
                .map_err(|_| format!("{t:?} is not a label (an unsigned 64-bit integer)"))
        })
        .collect()
}

/// Runs `corevec set-labels`: replaces the labels of one existing point (SET_LABELS), keeping
/// its vector and payload, and prints how many points were updated (0 if the id does not exist).
///
/// # Errors
/// Unparsable labels or more than `LABELS_PER_POINT_MAX` (exit 2), connection or server errors,
/// or a server without labels (exit 1).
pub fn set_labels(args: &SetLabelsArgs) -> Result<(), Failure> {
    let labels = parse_labels(&args.labels).map_err(|e| Failure::usage(format!("labels: {e}")))?;
    let client = args.client.connect()?;
    let ack = client
        .set_labels(&args.collection, &[args.id], &[&labels])
        .context(format!(
            "setting the labels of {} in {}",
            args.id, args.collection
        ))?;
    print_updated(ack.count, args.id, &args.collection);
    Ok(())
}

/// The outcome of a one-point write: `1 point updated`, or `0 points updated` naming the id
/// that does not exist (not an error: the server skips absent ids).
fn print_updated(count: u32, id: u64, collection: &str) {
    if count == 1 {
        println!("1 point updated");
    } else {
        println!("{count} points updated (no point {id} in {collection})");
    }
}

/// `corevec delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
    /// Collection.
    pub collection: String,
    /// Ids to delete (absent ids are skipped); give ids or a label filter, not both.
    pub ids: Vec<u64>,
    /// Delete every point matching this label filter instead (listed with SCROLL, deleted a
    /// page at a time).
    #[command(flatten)]
    pub filter: FilterArgs,
    /// With a filter: really delete. Without it the matching points are only counted.
    #[arg(long)]
    pub yes: bool,
}

/// Ids per DELETE when deleting by filter: one SCROLL page.
const DELETE_PAGE: u32 = corevec_proto::SCROLL_LIMIT_MAX;

/// Runs `corevec delete`: by id (`N points deleted`), or every point matching a label filter,
/// page by page (with `--yes`; without it, only the count of matching points is printed). A
/// point written meanwhile that matches may or may not be deleted (the listing is not a
/// snapshot).
///
/// # Errors
/// Ids together with a filter, neither of them (exit 2); connection or server errors (exit 1;
/// the pages deleted before stay deleted, and the message says how many points that was).
pub fn delete(args: &DeleteArgs) -> Result<(), Failure> {
    let filter = args.filter.filter()?;
    match (&filter, args.ids.is_empty()) {
        (Some(_), false) => {
            return Err(Failure::usage(
                "give ids or a label filter (--all-of/--any-of/--none-of/--range-*), not both",
            ))
        }
        (None, true) => {
            return Err(Failure::usage(
                "give the ids to delete, or a label filter (--all-of/--any-of/--none-of/\
                 --range-*); to delete every point, drop the collection",
            ))
        }
        _ => {}
    }
    let client = args.client.connect()?;
    let Some(filter) = filter else {
        let ack = client
            .delete(&args.collection, &args.ids)
            .context(format!("deleting from {}", args.collection))?;
        println!(
            "{} deleted ({} given)",
            points(u64::from(ack.count)),
            count_of(args.ids.len() as u64, "id", "ids")
        );
        return Ok(());
    };
    let options = corevec_client::ScrollOptions {
        filter: Some(&filter),
        ..corevec_client::ScrollOptions::default()
    };
    let (mut matched, mut deleted) = (0u64, 0u64);
    let mut start = Some(0);
    while let Some(start_id) = start {
        let page = client
            .scroll(&args.collection, start_id, DELETE_PAGE, options)
            .context(format!(
                "listing {} (after {} deleted)",
                args.collection,
                points(deleted)
            ))?;
        start = page.next;
        let ids: Vec<u64> = page.points.iter().map(|(id, _)| *id).collect();
        matched += ids.len() as u64;
        if args.yes && !ids.is_empty() {
            let ack = client.delete(&args.collection, &ids).context(format!(
                "deleting from {} (after {} deleted)",
                args.collection,
                points(deleted)
            ))?;
            deleted += u64::from(ack.count);
        }
    }
    if args.yes {
        println!("{} deleted", points(deleted));
    } else {
        println!(
            "{} {}; pass --yes to delete them",
            points(matched),
            if matched == 1 { "matches" } else { "match" }
        );
    }
    Ok(())
}

/// `1 point`, `2 points`.
fn points(count: u64) -> String {
    count_of(count, "point", "points")
}

fn count_of(count: u64, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// `corevec stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
}

/// Runs `corevec stats`: one `name value` line per counter.
///
/// # Errors
/// Connection or server errors (exit 1).
pub fn stats(args: &StatsArgs) -> Result<(), Failure> {
    let client = args.client.connect()?;
    for stat in client.stats().context("reading stats")? {
        println!("{:<24} {}", stat.name, stat.value);
    }
    Ok(())
}

/// `corevec snapshot`.
#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
    /// Collection to snapshot; all when absent.
    pub collection: Option<String>,
}

/// Runs `corevec snapshot`.
///
/// # Errors
/// Connection or server errors (exit 1).
pub fn snapshot(args: &SnapshotArgs) -> Result<(), Failure> {
    let client = args.client.connect()?;
    client
        .snapshot(args.collection.as_deref())
        .context("taking a snapshot")?;
    println!(
        "snapshot of {} done",
        args.collection.as_deref().unwrap_or("all collections")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use corevec_proto::range::point_labels;

    /// The filter flags of `corevec list c ARGS`.
    fn filter_args(args: &[&str]) -> Result<FilterArgs, clap::Error> {
        let cli = crate::Cli::try_parse_from(["corevec", "list", "c"].iter().chain(args))?;
        match cli.command {
            crate::Command::List(list) => Ok(list.filter),
            other => panic!("parsed as {other:?}"),
        }
    }

    fn range(kind: RangeType, text: &str) -> (u8, u32, u32) {
        let r = RangeArg::parse(kind, text).unwrap_or_else(|e| panic!("{text}: {e}"));
        (r.field, r.lo, r.hi)
    }

    #[test]
    fn create_takes_read_replicas_and_lists_show_them() {
        let create = |args: &[&str]| {
            let all = ["corevec", "collection", "create", "c", "--dim", "3"];
            match crate::Cli::try_parse_from(all.iter().chain(args))
                .unwrap()
                .command
            {
                crate::Command::Collection(CollectionCommand::Create(create)) => create,
                other => panic!("parsed as {other:?}"),
            }
        };
        assert!(!create(&[]).read_replicas);
        assert!(create(&["--read-replicas", "--shards", "1"]).read_replicas);
        assert_eq!(read_replicas_shown(true, true), "yes");
        assert_eq!(read_replicas_shown(true, false), "no");
        assert_eq!(read_replicas_shown(false, false), "-");
    }

    #[test]
    fn ranges_parse_with_inclusive_and_open_bounds() {
        use RangeType::{F32, I32, U32};
        assert_eq!(range(U32, "3:10..=20"), (3, 10, 20));
        assert_eq!(range(U32, " 3 : 10 ..= 20 "), (3, 10, 20));
        assert_eq!(range(U32, "0:7..=7"), (0, 7, 7));
        assert_eq!(range(U32, "255:10.."), (255, 10, u32::MAX));
        assert_eq!(range(U32, "1:..=20"), (1, 0, 20));
        assert_eq!(range(U32, "1:.."), (1, 0, u32::MAX));
        assert_eq!(range(U32, "1:0..=4294967295"), (1, 0, u32::MAX));
        assert_eq!(range(I32, "2:-5..=-1"), (2, key_i32(-5), key_i32(-1)));
        assert_eq!(range(I32, "2:-2147483648..=2147483647"), (2, 0, u32::MAX));
        assert_eq!(range(I32, "2:..=-1"), (2, 0, key_i32(-1)));
        let key = |v: f32| key_f32(v).unwrap();
        assert_eq!(range(F32, "4:-2.5..=1e3"), (4, key(-2.5), key(1000.0)));
        assert_eq!(range(F32, "4:1...=2"), (4, key(1.0), key(2.0)));
        assert_eq!(range(F32, "4:.5..=.75"), (4, key(0.5), key(0.75)));
        assert_eq!(range(F32, "4:-0..=0"), (4, key(0.0), key(0.0)));
        assert_eq!(
            range(F32, "4:-inf..=inf"),
            (4, key(f32::NEG_INFINITY), key(f32::INFINITY))
        );
        assert_eq!(range(F32, "4:0.."), (4, key(0.0), u32::MAX));
        assert_eq!(
            RangeArg::parse(F32, " 4:-2.5..=1e3 ").unwrap().describe(),
            "--range-f32 4:-2.5..=1e3"
        );
    }

    #[test]
    fn bad_ranges_are_refused_saying_why() {
        use RangeType::{F32, I32, U32};
        let error = |kind, text: &str| RangeArg::parse(kind, text).unwrap_err();
        for text in ["3", "10..=20", "3:10", "3:10-20"] {
            assert!(
                error(U32, text).contains("expected FIELD:LO..=HI"),
                "{text}"
            );
        }
        assert!(error(U32, "3:10..20").contains("bounds are inclusive"));
        assert!(error(U32, "3:..20").contains("bounds are inclusive"));
        assert!(error(U32, "3:1..=").contains("no upper bound"));
        assert!(error(U32, "256:1..=2").contains("\"256\" is not a field number"));
        assert!(error(U32, "x:1..=2").contains("not a field number"));
        assert!(error(U32, "3:x..=2").contains("\"x\" is not a u32"));
        assert!(error(U32, "3:-1..=2").contains("\"-1\" is out of the u32 range"));
        assert!(error(U32, "3:..=4294967296").contains("out of the u32 range"));
        assert!(error(U32, "3:1.5..=2").contains("not a u32"));
        assert!(error(I32, "3:-2147483649..").contains("out of the i32 range"));
        assert!(error(I32, "3:..=2147483648").contains("out of the i32 range"));
        assert!(error(F32, "3:NaN..=1").contains("NaN"));
        assert!(error(F32, "3:0..=nan").contains("NaN"));
        assert!(error(F32, "3:1e39..").contains("out of the f32 range"));
        assert!(error(F32, "3:abc..").contains("not an f32"));
        assert!(error(U32, "3:5..=4").contains("is empty"));
        assert!(error(I32, "3:-1..=-2").contains("is empty"));
        assert!(error(F32, "3:0.5..=-0.5").contains("is empty"));
    }

    /// `LO..=HI` matches both bounds and nothing outside, for every type.
    #[test]
    fn a_range_flag_becomes_an_inclusive_range_filter() {
        let filter = filter_args(&["--range-u32", "3:10..=20", "--all-of", "7"])
            .unwrap()
            .filter()
            .unwrap()
            .unwrap();
        assert_eq!(
            filter,
            Filter {
                all_of: vec![7],
                ..Filter::default()
            }
            .with_range(3, 10, 20)
            .unwrap()
        );
        let with = |key: u32| {
            let mut labels = point_labels(3, key).to_vec();
            labels.push(7);
            labels
        };
        for (key, inside) in [(9, false), (10, true), (15, true), (20, true), (21, false)] {
            assert_eq!(filter.matches(&with(key)), inside, "key {key}");
        }
        assert!(
            !filter.matches(&point_labels(3, 15)),
            "all_of still applies"
        );
        assert!(!filter.matches(&point_labels(4, 15)), "another field");

        let filter = filter_args(&["--range-i32", "0:-3..=-1"])
            .unwrap()
            .filter()
            .unwrap()
            .unwrap();
        for (value, inside) in [
            (-4, false),
            (-3, true),
            (-1, true),
            (0, false),
            (i32::MIN, false),
        ] {
            assert_eq!(
                filter.matches(&point_labels(0, key_i32(value))),
                inside,
                "{value}"
            );
        }
        let filter = filter_args(&["--range-f32", "1:-1.5..=2.5"])
            .unwrap()
            .filter()
            .unwrap()
            .unwrap();
        for (value, inside) in [
            (-1.6f32, false),
            (-1.5, true),
            (-0.0, true),
            (2.5, true),
            (2.5001, false),
            (f32::INFINITY, false),
        ] {
            let key = key_f32(value).unwrap();
            assert_eq!(filter.matches(&point_labels(1, key)), inside, "{value}");
        }
        // Open bounds reach the type's extremes.
        let filter = filter_args(&["--range-u32", "2:.."])
            .unwrap()
            .filter()
            .unwrap()
            .unwrap();
        for key in [0, 1, u32::MAX] {
            assert!(filter.matches(&point_labels(2, key)));
        }
        assert!(!filter.matches(&[]));
        // No flag at all: no filter.
        assert_eq!(filter_args(&[]).unwrap().filter().unwrap(), None);
    }

    #[test]
    fn any_of_flags_and_ranges_are_groups() {
        let filter = filter_args(&[
            "--any-of",
            "1,2",
            "--range-i32",
            "1:-5..=5",
            "--any-of",
            "9",
            "--range-u32",
            "0:10..=20",
            "--range-u32",
            "0:15..",
        ])
        .unwrap()
        .filter()
        .unwrap()
        .unwrap();
        // --any-of groups in order, then --range-u32s, then --range-i32.
        let want = Filter {
            any_of: vec![vec![1, 2], vec![9]],
            ..Filter::default()
        }
        .with_range(0, 10, 20)
        .and_then(|f| f.with_range(0, 15, u32::MAX))
        .and_then(|f| f.with_range(1, key_i32(-5), key_i32(5)))
        .unwrap();
        assert_eq!(filter, want);
        let point = |labels: &[u64], u: u32, i: i32| {
            let mut all = labels.to_vec();
            all.extend(point_labels(0, u));
            all.extend(point_labels(1, key_i32(i)));
            all
        };
        assert!(filter.matches(&point(&[2, 9], 17, -5)));
        assert!(!filter.matches(&point(&[2], 17, -5)), "--any-of 9");
        assert!(
            !filter.matches(&point(&[2, 9], 12, 0)),
            "two ranges on field 0"
        );
        assert!(!filter.matches(&point(&[2, 9], 17, 6)), "the i32 range");
    }

    #[test]
    fn too_many_groups_or_labels_are_usage_errors() {
        let usage = |args: &[&str]| {
            let failure = filter_args(args).unwrap().filter().unwrap_err();
            assert_eq!(failure.exit_code, crate::exit::USAGE);
            failure.message
        };
        let nine: Vec<&str> = ["--any-of", "1"].repeat(5);
        let nine = [nine, ["--range-u32", "0:1..=2"].repeat(4)].concat();
        let message = usage(&nine);
        assert!(message.contains("9 groups"), "{message}");
        assert!(filter_args(&nine[2..]).unwrap().filter().is_ok());
        // Four 224-label covers and 200 all_of labels exceed FILTER_LABELS_MAX: the fifth
        // range is named.
        let all_of: Vec<String> = (0..200).map(|l| l.to_string()).collect();
        let all_of = all_of.join(",");
        let mut args = vec!["--all-of", &all_of];
        for _ in 0..4 {
            args.extend(["--range-u32", "0:1..=4294967294"]);
        }
        let message = usage(&args);
        assert!(
            message.contains("--range-u32 0:1..=4294967294: its 224 labels and the 872"),
            "{message}"
        );
        // An empty --any-of and parse errors are clap's (exit 2), naming the flag and value.
        for (args, flag, value) in [
            (&["--any-of", " , "][..], "--any-of", " , "),
            (&["--any-of", "1,x"], "--any-of", "1,x"),
            (&["--range-f32", "1:nan..=2"], "--range-f32", "1:nan..=2"),
        ] {
            let error = filter_args(args).unwrap_err();
            assert!(error.use_stderr());
            let text = error.to_string();
            assert!(text.contains(flag) && text.contains(value), "{text}");
        }
    }

    #[test]
    fn vectors_parse_from_text_and_json() {
        assert_eq!(parse_vector("1 2\n3").unwrap(), [1.0, 2.0, 3.0]);
        assert_eq!(parse_vector("[0.5, -1e3]").unwrap(), [0.5, -1000.0]);
        assert!(parse_vector("1 x").is_err());
        assert!(parse_vector(" \n").is_err());
    }

    #[test]
    fn labels_parse_from_commas_and_spaces() {
        assert_eq!(parse_labels("3,7").unwrap(), [3, 7]);
        assert_eq!(parse_labels(" 1, 2 ,3 ").unwrap(), [1, 2, 3]);
        assert_eq!(parse_labels("18446744073709551615").unwrap(), [u64::MAX]);
        assert_eq!(parse_labels("").unwrap(), Vec::<u64>::new());
        assert_eq!(parse_labels(" , ").unwrap(), Vec::<u64>::new());
        assert!(parse_labels("1,x").unwrap_err().contains("\"x\""));
        assert!(parse_labels("-1").is_err());
        let many: Vec<String> = (0..=LABELS_PER_POINT_MAX).map(|l| l.to_string()).collect();
        assert!(parse_labels(&many.join(","))
            .unwrap_err()
            .contains("65 labels"));
        assert_eq!(parse_labels(&many[1..].join(",")).unwrap().len(), 64);
    }
}
