//! Thin client commands over `corevec-client`: collections, search, get, set-payload,
//! set-labels, stats, snapshot.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};
use corevec_client::{Client, ClientConfig, Filter, SearchOptions};
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
            Some(path) => Some(super::serve::read_token(path)?),
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
                })
                .context(format!("creating collection {}", args.name))?;
            println!("created {}", args.name);
        }
        CollectionCommand::List(args) => {
            let client = args.client.connect()?;
            let infos = client.list_collections().context("listing collections")?;
            println!(
                "{:<32} {:>6} {:<7} {:>6} {:>12} {:>14}",
                "name", "dim", "metric", "shards", "vectors", "bytes"
            );
            for info in infos {
                println!(
                    "{:<32} {:>6} {:<7} {:>6} {:>12} {:>14}",
                    info.name,
                    info.dim,
                    metric_name(info.metric),
                    info.shards,
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
    /// Label filter.
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// `--all-of/--any-of/--none-of`: a label filter (`search`, `export`, `list`).
#[derive(Clone, Debug, Default, Args)]
pub struct FilterArgs {
    /// Only points that have all of these labels (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LABELS")]
    pub all_of: Vec<u64>,
    /// Only points that have at least one of these labels (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LABELS")]
    pub any_of: Vec<u64>,
    /// Only points that have none of these labels (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "LABELS")]
    pub none_of: Vec<u64>,
}

impl FilterArgs {
    /// The filter, or `None` when no label was given (every point matches, and a server
    /// without labels can still answer).
    #[must_use]
    pub fn filter(&self) -> Option<Filter> {
        let filter = Filter {
            all_of: self.all_of.clone(),
            any_of: self.any_of.clone(),
            none_of: self.none_of.clone(),
        };
        (filter != Filter::default()).then_some(filter)
    }
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
/// Unreadable or unparsable query (exit 2), connection or server errors (exit 1).
pub fn search(args: &SearchArgs) -> Result<(), Failure> {
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
    let filter = args.filter.filter();
    let options = SearchOptions {
        expansion_search: args.ef,
        exact: args.exact,
        allow_partial: false,
        filter: filter.as_ref(),
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
    let labels = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<u64>()
                .map_err(|_| format!("{t:?} is not a label (an unsigned 64-bit integer)"))
        })
        .collect::<Result<Vec<u64>, String>>()?;
    if labels.len() > LABELS_PER_POINT_MAX as usize {
        return Err(format!(
            "{} labels; at most {LABELS_PER_POINT_MAX}",
            labels.len()
        ));
    }
    Ok(labels)
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
    let filter = args.filter.filter();
    match (&filter, args.ids.is_empty()) {
        (Some(_), false) => {
            return Err(Failure::usage(
                "give ids or a label filter (--all-of/--any-of/--none-of), not both",
            ))
        }
        (None, true) => {
            return Err(Failure::usage(
                "give the ids to delete, or a label filter (--all-of/--any-of/--none-of); to \
                 delete every point, drop the collection",
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
