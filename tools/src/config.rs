//! `corevec serve` configuration: defaults < TOML file < `COREVEC_*` environment < flags.
//!
//! Every key of the file (`tools/corevec.example.toml` documents them) has a flag `--key-name`
//! and an environment variable `COREVEC_KEY_NAME`. Unknown keys and invalid values are refused
//! at start with the key named; `--print-config` prints the effective configuration as TOML
//! (which is itself a valid config file).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use clap::{Args, ValueEnum};
use corevec_engine::engine::SNAPSHOT_WAL_BYTES_DEFAULT;
use corevec_engine::shard::{CompactionPolicy, COMPACT_TOMBSTONES_MIN, COMPACT_TOMBSTONE_PERCENT};
use corevec_engine::CoreSelection;
use corevec_net::ServerConfig;
use corevec_storage::Durability;
use serde::Deserialize;

use crate::Failure;

/// Default data directory (relative to the working directory).
pub const DATA_DIR_DEFAULT: &str = "./corevec-data";
/// Default metrics listen address.
pub const METRICS_LISTEN_DEFAULT: &str = "127.0.0.1:9717";
/// Default idle timeout.
pub const IDLE_TIMEOUT_S_DEFAULT: u64 = 300;
/// Default bound on a graceful shutdown's drain.
pub const SHUTDOWN_TIMEOUT_S_DEFAULT: u64 = 30;

/// Log line format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl LogFormat {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        }
    }
}

fn parse_cores(text: &str) -> Result<CoreSelection, String> {
    CoreSelection::from_str(text)
}

fn parse_durability(text: &str) -> Result<Durability, String> {
    Durability::from_str(text).map_err(|e| e.to_string())
}

/// The filter of a log level (`info`, `warn,corevec_net=debug`): tracing-subscriber's
/// directives, ASCII only (its 0.3 parser panics on some non-ASCII text), with span field
/// values matched literally (as regular expressions, a field value compiles to a DFA that
/// can take minutes and gigabytes to build). The fuzz target of the configuration files found
/// both.
///
/// # Errors
/// Why `text` is not a filter.
pub(crate) fn log_filter(text: &str) -> Result<tracing_subscriber::EnvFilter, String> {
    let example = "e.g. info, debug, warn,corevec_net=debug";
    if !text.is_ascii() {
        return Err(format!("invalid log level {text:?}: not ASCII; {example}"));
    }
    tracing_subscriber::EnvFilter::builder()
        .with_regex(false)
        .parse(text)
        .map_err(|e| format!("invalid log level {text:?} ({e}); {example}"))
}

/// `text` if it is a valid log level ([`log_filter`]).
pub(crate) fn parse_log_level(text: &str) -> Result<String, String> {
    log_filter(text).map(|_| text.to_owned())
}

/// Flags of `corevec serve`; each also reads its `COREVEC_*` environment variable.
#[derive(Clone, Debug, Default, Args)]
pub struct ServeFlags {
    /// TOML configuration file (see tools/corevec.example.toml).
    #[arg(long, env = "COREVEC_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address every core listens on [default: 127.0.0.1:7717].
    #[arg(long, env = "COREVEC_LISTEN", value_name = "HOST:PORT")]
    pub listen: Option<SocketAddr>,
    /// Data directory (WAL, snapshots, LOCK) [default: ./corevec-data].
    #[arg(long, env = "COREVEC_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Cores to run on: `all`, a count `N`, or a list `0,2,3` (one core alone: `[3]`)
    /// [default: all].
    #[arg(long, env = "COREVEC_CORES", value_name = "all|N|LIST", value_parser = parse_cores)]
    pub cores: Option<CoreSelection>,
    /// Metrics endpoint address: Prometheus `/metrics`, `/healthz`, `/readyz` over HTTP
    /// [default: 127.0.0.1:9717].
    #[arg(long, env = "COREVEC_METRICS_LISTEN", value_name = "HOST:PORT")]
    pub metrics_listen: Option<SocketAddr>,
    /// When writes are acknowledged: `sync`, `interval=MS` or `none` [default: sync].
    #[arg(long, env = "COREVEC_DURABILITY", value_name = "MODE", value_parser = parse_durability)]
    pub durability: Option<Durability>,
    /// File holding the auth token clients must send in HELLO (trailing newline ignored).
    #[arg(long, env = "COREVEC_AUTH_TOKEN_FILE", value_name = "FILE")]
    pub auth_token_file: Option<PathBuf>,
    /// Log level or tracing filter, e.g. `info`, `debug`, `warn,corevec_net=debug` [default: info].
    #[arg(long, env = "COREVEC_LOG_LEVEL", value_name = "LEVEL", value_parser = parse_log_level)]
    pub log_level: Option<String>,
    /// Log format [default: text].
    #[arg(long, env = "COREVEC_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Connections one core serves at once [default: 1024].
    #[arg(long, env = "COREVEC_MAX_CONNECTIONS_PER_CORE", value_name = "N")]
    pub max_connections_per_core: Option<usize>,
    /// Requests one connection may have in flight [default: 256].
    #[arg(long, env = "COREVEC_MAX_IN_FLIGHT_PER_CONNECTION", value_name = "N")]
    pub max_in_flight_per_connection: Option<u32>,
    /// Requests executing at once on one core [default: 4096].
    #[arg(long, env = "COREVEC_MAX_IN_FLIGHT_PER_CORE", value_name = "N")]
    pub max_in_flight_per_core: Option<usize>,
    /// Close connections idle this long, in seconds; 0 = never [default: 300].
    #[arg(long, env = "COREVEC_IDLE_TIMEOUT_S", value_name = "SECONDS")]
    pub idle_timeout_s: Option<u64>,
    /// Bound on draining requests at shutdown, in seconds [default: 30].
    #[arg(long, env = "COREVEC_SHUTDOWN_TIMEOUT_S", value_name = "SECONDS")]
    pub shutdown_timeout_s: Option<u64>,
    /// On SIGTERM/SIGINT, after draining, snapshot every collection before stopping the
    /// engine, so the next start replays no WAL (`--snapshot-on-shutdown` alone means true)
    /// [default: false].
    #[arg(
        long,
        env = "COREVEC_SNAPSHOT_ON_SHUTDOWN",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub snapshot_on_shutdown: Option<bool>,
    /// With `sync` durability, open WAL segments with O_DSYNC so each group's write is durable
    /// when it completes; `false` uses a separate fdatasync per group [default: true].
    #[arg(
        long,
        env = "COREVEC_WAL_WRITE_THROUGH",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub wal_write_through: Option<bool>,
    /// Group writes each shard's WAL keeps in flight: 1 writes groups strictly one after
    /// another; 2 lets the next group go out while the previous one is still being written
    /// (more records/s and a lower p99 with many concurrent writers) [default: 2].
    #[arg(long, env = "COREVEC_WAL_WRITES_IN_FLIGHT", value_name = "N")]
    pub wal_writes_in_flight: Option<usize>,
    /// Compact a shard once at least this many of its slots hold replaced or deleted
    /// vectors... [default: 1000].
    #[arg(long, env = "COREVEC_COMPACTION_MIN_TOMBSTONES", value_name = "N")]
    pub compaction_min_tombstones: Option<u64>,
    /// ...and they are at least this percent of its slots; 0 = never compact [default: 20].
    #[arg(
        long,
        env = "COREVEC_COMPACTION_TOMBSTONE_PERCENT",
        value_name = "PERCENT"
    )]
    pub compaction_tombstone_percent: Option<u32>,
    /// Snapshot a shard automatically once this many MiB were appended to its WAL since its
    /// last snapshot: smaller means faster restarts (less WAL to replay) and more snapshot
    /// writes [default: 256].
    #[arg(long, env = "COREVEC_SNAPSHOT_WAL_MIB", value_name = "MIB")]
    pub snapshot_wal_mib: Option<u64>,
    /// Refuse writes that add data (NO_SPACE; deletes are taken) while the data directory's
    /// file system has less free space than this, so the WAL never hits a full disk (which
    /// stops it until a restart); 0 = never [default: 256].
    #[arg(long, env = "COREVEC_MIN_FREE_MIB", value_name = "MIB")]
    pub min_free_mib: Option<u64>,
    /// Refuse writes that add data (NO_SPACE; deletes are taken) while the node holds more
    /// anonymous resident memory than this percentage of the machine's memory (or of its
    /// cgroup's limit, if lower), so that it is not killed for memory; 0 = never [default: 90].
    #[arg(long, env = "COREVEC_MAX_MEMORY_PERCENT", value_name = "PERCENT")]
    pub max_memory_percent: Option<u32>,
    /// Log a warning with the request's shape (opcode, collection, sizes, outcome) for every
    /// request that takes at least this many milliseconds; 0 = never [default: 1000].
    #[arg(long, env = "COREVEC_SLOW_REQUEST_MS", value_name = "MS")]
    pub slow_request_ms: Option<u64>,
}

/// `cores` in a file: `"all"`, `4`, `"0,2"` or `[0, 2]` (an array is always core ids).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum CoresValue {
    Count(usize),
    Text(String),
    List(Vec<usize>),
}

/// The configuration file. Every key optional; unknown keys are an error.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    cores: Option<CoresValue>,
    metrics_listen: Option<String>,
    durability: Option<String>,
    auth_token_file: Option<PathBuf>,
    log_level: Option<String>,
    log_format: Option<LogFormat>,
    max_connections_per_core: Option<usize>,
    max_in_flight_per_connection: Option<u32>,
    max_in_flight_per_core: Option<usize>,
    idle_timeout_s: Option<u64>,
    shutdown_timeout_s: Option<u64>,
    snapshot_on_shutdown: Option<bool>,
    wal_write_through: Option<bool>,
    wal_writes_in_flight: Option<usize>,
    compaction_min_tombstones: Option<u64>,
    compaction_tombstone_percent: Option<u32>,
    snapshot_wal_mib: Option<u64>,
    min_free_mib: Option<u64>,
    max_memory_percent: Option<u32>,
    slow_request_ms: Option<u64>,
}

/// The effective configuration of `corevec serve`.
#[derive(Clone, Debug, PartialEq)]
pub struct ServeConfig {
    /// Address every core listens on.
    pub listen: SocketAddr,
    /// Data directory.
    pub data_dir: PathBuf,
    /// Cores to run on.
    pub cores: CoreSelection,
    /// Metrics endpoint address (`/metrics`, `/healthz`, `/readyz`).
    pub metrics_listen: SocketAddr,
    /// WAL durability.
    pub durability: Durability,
    /// Auth token file, if auth is on.
    pub auth_token_file: Option<PathBuf>,
    /// Tracing filter.
    pub log_level: String,
    /// Log format.
    pub log_format: LogFormat,
    /// See [`ServerConfig::max_connections_per_core`].
    pub max_connections_per_core: usize,
    /// See [`ServerConfig::max_in_flight_per_connection`].
    pub max_in_flight_per_connection: u32,
    /// See [`ServerConfig::max_in_flight_per_core`].
    pub max_in_flight_per_core: usize,
    /// Idle timeout in seconds (0 = never).
    pub idle_timeout_s: u64,
    /// Shutdown drain bound in seconds.
    pub shutdown_timeout_s: u64,
    /// Snapshot every collection at graceful shutdown, before the engine stops.
    pub snapshot_on_shutdown: bool,
    /// `sync` writes through (O_DSYNC) instead of a separate fdatasync per group.
    pub wal_write_through: bool,
    /// Group writes in flight per WAL (`WalConfig::writes_in_flight`).
    pub wal_writes_in_flight: usize,
    /// When a shard is compacted (`compaction_min_tombstones`, `compaction_tombstone_percent`).
    pub compaction: CompactionPolicy,
    /// WAL MiB since a shard's last snapshot that trigger an automatic snapshot.
    pub snapshot_wal_mib: u64,
    /// Free MiB below which writes that add data are refused (0 = never).
    pub min_free_mib: u64,
    /// Percent of the machine's (or cgroup's) memory above which writes that add data are
    /// refused (0 = never).
    pub max_memory_percent: u32,
    /// Requests at least this slow are logged (0 = never).
    pub slow_request_ms: u64,
}

/// Default `slow_request_ms`.
pub const SLOW_REQUEST_MS_DEFAULT: u64 = 1000;

/// Default `max_memory_percent`: room above it for a snapshot's or a compaction's second
/// copy of a shard, and for the rest of the machine.
pub const MAX_MEMORY_PERCENT_DEFAULT: u32 = 90;

/// Default `min_free_mib`: room for a few new WAL segments (64 MiB each) and small snapshots.
pub const MIN_FREE_MIB_DEFAULT: u64 = 256;

fn key_error(origin: &str, key: &str, reason: impl std::fmt::Display) -> Failure {
    Failure::usage(format!("{origin}: invalid value for key `{key}`: {reason}"))
}

fn read_file(path: &Path) -> Result<FileConfig, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::usage(format!("cannot read config file {}: {e}", path.display())))?;
    parse_file(&text, &format!("config file {}", path.display()))
}

/// The keys of a configuration file's `text` (`origin` names it in errors), not yet checked.
fn parse_file(text: &str, origin: &str) -> Result<FileConfig, Failure> {
    toml::from_str(text).map_err(|e| Failure::usage(format!("{origin}: {e}")))
}

/// `cores` from a configuration file (`origin`): a string is read as the `--cores` flag is;
/// a TOML array is always core ids, never a count (`[3]` is core 3 alone, `[0]` core 0),
/// built directly: going through the `0,2` text form would read a one-element list `3` as
/// the count 3.
pub(crate) fn cores_from_file(origin: &str, value: CoresValue) -> Result<CoreSelection, Failure> {
    let selection = match value {
        CoresValue::Count(n) => CoreSelection::Count(n),
        CoresValue::Text(text) => parse_cores(&text).map_err(|e| key_error(origin, "cores", e))?,
        CoresValue::List(list) => CoreSelection::List(list),
    };
    selection
        .validate()
        .map_err(|e| key_error(origin, "cores", e))?;
    Ok(selection)
}

/// `cores` as a TOML value that reads back as the same selection: `"all"`, a count, or an
/// array of core ids (a one-core list stays an array: `[3]`).
pub(crate) fn cores_to_toml(cores: &CoreSelection) -> toml::Value {
    let int = |v: usize| toml::Value::Integer(i64::try_from(v).unwrap_or(i64::MAX));
    match cores {
        CoreSelection::All => toml::Value::String("all".into()),
        CoreSelection::Count(n) => int(*n),
        CoreSelection::List(list) => toml::Value::Array(list.iter().map(|c| int(*c)).collect()),
    }
}

fn addr_from_file(origin: &str, key: &str, text: &str) -> Result<SocketAddr, Failure> {
    text.parse().map_err(|e| {
        key_error(
            origin,
            key,
            format!("{text:?} is not an IP:PORT address ({e})"),
        )
    })
}

impl ServeConfig {
    /// Merges flags (which already hold their environment variables) over the file named by
    /// `--config` over the defaults, and validates the result.
    ///
    /// # Errors
    /// A usage failure (exit 2) naming the file and key.
    pub fn resolve(flags: &ServeFlags) -> Result<ServeConfig, Failure> {
        match &flags.config {
            Some(path) => {
                let file = read_file(path)?;
                Self::merge(flags, file, &format!("config file {}", path.display()))
            }
            None => Self::merge(flags, FileConfig::default(), "configuration"),
        }
    }

    /// The configuration a file of `text` gives with no flags and no environment (`origin`
    /// names the file in errors): what `corevec serve --config FILE` would run with.
    ///
    /// # Errors
    /// A usage failure (exit 2) naming `origin` and the key.
    pub fn from_file_text(text: &str, origin: &str) -> Result<ServeConfig, Failure> {
        Self::merge(&ServeFlags::default(), parse_file(text, origin)?, origin)
    }

    /// `flags` over `file` (read from `origin`) over the defaults, validated.
    fn merge(flags: &ServeFlags, file: FileConfig, origin: &str) -> Result<ServeConfig, Failure> {
        let listen = match (flags.listen, &file.listen) {
            (Some(addr), _) => addr,
            (None, Some(text)) => addr_from_file(origin, "listen", text)?,
            (None, None) => {
                addr_from_file("default", "listen", corevec_net::config::LISTEN_DEFAULT)?
            }
        };
        let metrics_listen = match (flags.metrics_listen, &file.metrics_listen) {
            (Some(addr), _) => addr,
            (None, Some(text)) => addr_from_file(origin, "metrics_listen", text)?,
            (None, None) => addr_from_file("default", "metrics_listen", METRICS_LISTEN_DEFAULT)?,
        };
        let cores = match (&flags.cores, file.cores) {
            (Some(cores), _) => cores.clone(),
            (None, Some(value)) => cores_from_file(origin, value)?,
            (None, None) => CoreSelection::All,
        };
        let durability = match (flags.durability, &file.durability) {
            (Some(d), _) => d,
            (None, Some(text)) => {
                parse_durability(text).map_err(|e| key_error(origin, "durability", e))?
            }
            (None, None) => Durability::Sync,
        };
        let log_level = match (&flags.log_level, &file.log_level) {
            (Some(level), _) => level.clone(),
            (None, Some(text)) => {
                parse_log_level(text).map_err(|e| key_error(origin, "log_level", e))?
            }
            (None, None) => "info".to_owned(),
        };
        let defaults = ServerConfig::default();
        let config = ServeConfig {
            listen,
            data_dir: flags
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from(DATA_DIR_DEFAULT)),
            cores,
            metrics_listen,
            durability,
            auth_token_file: flags.auth_token_file.clone().or(file.auth_token_file),
            log_level,
            log_format: flags.log_format.or(file.log_format).unwrap_or_default(),
            max_connections_per_core: flags
                .max_connections_per_core
                .or(file.max_connections_per_core)
                .unwrap_or(defaults.max_connections_per_core),
            max_in_flight_per_connection: flags
                .max_in_flight_per_connection
                .or(file.max_in_flight_per_connection)
                .unwrap_or(defaults.max_in_flight_per_connection),
            max_in_flight_per_core: flags
                .max_in_flight_per_core
                .or(file.max_in_flight_per_core)
                .unwrap_or(defaults.max_in_flight_per_core),
            idle_timeout_s: flags
                .idle_timeout_s
                .or(file.idle_timeout_s)
                .unwrap_or(IDLE_TIMEOUT_S_DEFAULT),
            shutdown_timeout_s: flags
                .shutdown_timeout_s
                .or(file.shutdown_timeout_s)
                .unwrap_or(SHUTDOWN_TIMEOUT_S_DEFAULT),
            snapshot_on_shutdown: flags
                .snapshot_on_shutdown
                .or(file.snapshot_on_shutdown)
                .unwrap_or(false),
            wal_write_through: flags
                .wal_write_through
                .or(file.wal_write_through)
                .unwrap_or(true),
            wal_writes_in_flight: flags
                .wal_writes_in_flight
                .or(file.wal_writes_in_flight)
                .unwrap_or(corevec_storage::WAL_WRITES_IN_FLIGHT_DEFAULT),
            compaction: CompactionPolicy {
                min_tombstones: flags
                    .compaction_min_tombstones
                    .or(file.compaction_min_tombstones)
                    .unwrap_or(COMPACT_TOMBSTONES_MIN),
                tombstone_percent: flags
                    .compaction_tombstone_percent
                    .or(file.compaction_tombstone_percent)
                    .unwrap_or(COMPACT_TOMBSTONE_PERCENT),
            },
            snapshot_wal_mib: flags
                .snapshot_wal_mib
                .or(file.snapshot_wal_mib)
                .unwrap_or(SNAPSHOT_WAL_BYTES_DEFAULT >> 20),
            min_free_mib: flags
                .min_free_mib
                .or(file.min_free_mib)
                .unwrap_or(MIN_FREE_MIB_DEFAULT),
            max_memory_percent: flags
                .max_memory_percent
                .or(file.max_memory_percent)
                .unwrap_or(MAX_MEMORY_PERCENT_DEFAULT),
            slow_request_ms: flags
                .slow_request_ms
                .or(file.slow_request_ms)
                .unwrap_or(SLOW_REQUEST_MS_DEFAULT),
        };
        if config.min_free_mib > 1 << 30 {
            return Err(key_error(
                origin,
                "min_free_mib",
                "must be at most 1073741824 (MiB; 0 turns the check off)",
            ));
        }
        if config.max_memory_percent > 100 {
            return Err(key_error(
                origin,
                "max_memory_percent",
                "must be at most 100 (percent of the machine's memory; 0 turns the check off)",
            ));
        }
        if !(1..=16).contains(&config.wal_writes_in_flight) {
            return Err(key_error(
                origin,
                "wal_writes_in_flight",
                "must be 1..=16 (group writes each WAL keeps in flight)",
            ));
        }
        if config.snapshot_wal_mib == 0 || config.snapshot_wal_mib > 1 << 20 {
            return Err(key_error(
                origin,
                "snapshot_wal_mib",
                "must be 1..=1048576 (MiB of WAL between automatic snapshots)",
            ));
        }
        if config.compaction.tombstone_percent > 100 {
            return Err(key_error(
                origin,
                "compaction_tombstone_percent",
                "must be at most 100 (0 turns compaction off)",
            ));
        }
        if config.data_dir.as_os_str().is_empty() {
            return Err(key_error(origin, "data_dir", "must not be empty"));
        }
        if config.shutdown_timeout_s == 0 {
            return Err(key_error(
                origin,
                "shutdown_timeout_s",
                "must be at least 1",
            ));
        }
        if config.metrics_listen == config.listen {
            return Err(key_error(
                origin,
                "metrics_listen",
                "must differ from `listen`",
            ));
        }
        // The server's own checks name the same keys.
        config
            .server_config(None)
            .validate()
            .map_err(|e| Failure::usage(format!("{origin}: {e}")))?;
        Ok(config)
    }

    /// The server part of the configuration, with the token read from `auth_token_file`.
    #[must_use]
    pub fn server_config(&self, auth_token: Option<Vec<u8>>) -> ServerConfig {
        ServerConfig {
            listen: self.listen,
            auth_token,
            max_connections_per_core: self.max_connections_per_core,
            max_in_flight_per_connection: self.max_in_flight_per_connection,
            max_in_flight_per_core: self.max_in_flight_per_core,
            idle_timeout: Duration::from_secs(self.idle_timeout_s),
            shutdown_timeout: Duration::from_secs(self.shutdown_timeout_s),
            slow_request: Duration::from_millis(self.slow_request_ms),
            ..ServerConfig::default()
        }
    }

    /// The effective configuration as a TOML document (a valid `--config` file).
    #[must_use]
    pub fn to_toml(&self) -> String {
        let mut table = toml::Table::new();
        let mut put = |key: &str, value: toml::Value| {
            table.insert(key.to_owned(), value);
        };
        let int = |v: u64| toml::Value::Integer(i64::try_from(v).unwrap_or(i64::MAX));
        put("listen", toml::Value::String(self.listen.to_string()));
        put(
            "data_dir",
            toml::Value::String(self.data_dir.display().to_string()),
        );
        put("cores", cores_to_toml(&self.cores));
        put(
            "metrics_listen",
            toml::Value::String(self.metrics_listen.to_string()),
        );
        put(
            "durability",
            toml::Value::String(self.durability.to_string()),
        );
        if let Some(path) = &self.auth_token_file {
            put(
                "auth_token_file",
                toml::Value::String(path.display().to_string()),
            );
        }
        put("log_level", toml::Value::String(self.log_level.clone()));
        put(
            "log_format",
            toml::Value::String(self.log_format.as_str().into()),
        );
        put(
            "max_connections_per_core",
            int(self.max_connections_per_core as u64),
        );
        put(
            "max_in_flight_per_connection",
            int(u64::from(self.max_in_flight_per_connection)),
        );
        put(
            "max_in_flight_per_core",
            int(self.max_in_flight_per_core as u64),
        );
        put("idle_timeout_s", int(self.idle_timeout_s));
        put("shutdown_timeout_s", int(self.shutdown_timeout_s));
        put(
            "snapshot_on_shutdown",
            toml::Value::Boolean(self.snapshot_on_shutdown),
        );
        put(
            "wal_write_through",
            toml::Value::Boolean(self.wal_write_through),
        );
        put(
            "wal_writes_in_flight",
            int(self.wal_writes_in_flight as u64),
        );
        put(
            "compaction_min_tombstones",
            int(self.compaction.min_tombstones),
        );
        put(
            "compaction_tombstone_percent",
            int(u64::from(self.compaction.tombstone_percent)),
        );
        put("snapshot_wal_mib", int(self.snapshot_wal_mib));
        put("min_free_mib", int(self.min_free_mib));
        put(
            "max_memory_percent",
            int(u64::from(self.max_memory_percent)),
        );
        put("slow_request_ms", int(self.slow_request_ms));
        toml::to_string(&table).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn defaults() {
        let config = ServeConfig::resolve(&ServeFlags::default()).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:7717");
        assert_eq!(config.metrics_listen.to_string(), "127.0.0.1:9717");
        assert_eq!(config.data_dir, PathBuf::from("./corevec-data"));
        assert_eq!(config.cores, CoreSelection::All);
        assert_eq!(config.durability, Durability::Sync);
        assert!(!config.snapshot_on_shutdown);
    }

    #[test]
    fn the_example_file_is_valid_and_shows_the_defaults() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("corevec.example.toml");
        let from_example = ServeConfig::resolve(&ServeFlags {
            config: Some(example),
            ..ServeFlags::default()
        })
        .unwrap();
        assert_eq!(
            from_example,
            ServeConfig::resolve(&ServeFlags::default()).unwrap()
        );
    }

    #[test]
    fn snapshot_on_shutdown_from_flag_env_and_file() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            flags: ServeFlags,
        }
        let parse = |args: &[&str]| Cli::try_parse_from(args).map(|c| c.flags.snapshot_on_shutdown);
        assert_eq!(parse(&["x"]).unwrap(), None);
        assert_eq!(parse(&["x", "--snapshot-on-shutdown"]).unwrap(), Some(true));
        assert_eq!(
            parse(&["x", "--snapshot-on-shutdown=false"]).unwrap(),
            Some(false)
        );
        assert!(parse(&["x", "--snapshot-on-shutdown=maybe"]).is_err());

        let f = file("snapshot_on_shutdown = true\n");
        let from_file = ServeConfig::resolve(&ServeFlags {
            config: Some(f.path().to_owned()),
            ..ServeFlags::default()
        })
        .unwrap();
        assert!(from_file.snapshot_on_shutdown);
        assert!(from_file.to_toml().contains("snapshot_on_shutdown = true"));
        let flag_wins = ServeConfig::resolve(&ServeFlags {
            config: Some(f.path().to_owned()),
            snapshot_on_shutdown: Some(false),
            ..ServeFlags::default()
        })
        .unwrap();
        assert!(!flag_wins.snapshot_on_shutdown);
        let bad = file("snapshot_on_shutdown = \"yes\"\n");
        let err = ServeConfig::resolve(&ServeFlags {
            config: Some(bad.path().to_owned()),
            ..ServeFlags::default()
        })
        .unwrap_err();
        assert!(
            err.message.contains("snapshot_on_shutdown"),
            "{}",
            err.message
        );
    }

    #[test]
    fn flags_override_the_file_and_print_config_round_trips() {
        let f = file(
            "listen = \"127.0.0.1:1000\"\ncores = 2\ndurability = \"interval=50\"\n\
             compaction_tombstone_percent = 0\ncompaction_min_tombstones = 50\n\
             wal_write_through = false\n",
        );
        let flags = ServeFlags {
            config: Some(f.path().to_owned()),
            listen: Some("127.0.0.1:2000".parse().unwrap()),
            ..ServeFlags::default()
        };
        let config = ServeConfig::resolve(&flags).unwrap();
        assert_eq!(config.listen.port(), 2000);
        assert_eq!(config.cores, CoreSelection::Count(2));
        assert_eq!(
            config.durability,
            Durability::Interval(Duration::from_millis(50))
        );
        assert_eq!(
            config.compaction,
            CompactionPolicy {
                min_tombstones: 50,
                tombstone_percent: 0
            }
        );
        assert!(!config.wal_write_through);
        let printed = file(&config.to_toml());
        let again = ServeConfig::resolve(&ServeFlags {
            config: Some(printed.path().to_owned()),
            ..ServeFlags::default()
        })
        .unwrap();
        assert_eq!(again, config);
    }

    fn cores_of(text: &str) -> Result<CoreSelection, Failure> {
        let f = file(text);
        ServeConfig::resolve(&ServeFlags {
            config: Some(f.path().to_owned()),
            ..ServeFlags::default()
        })
        .map(|config| config.cores)
    }

    #[test]
    fn a_cores_array_is_core_ids_and_print_config_round_trips_it() {
        for (text, expected) in [
            ("cores = [3]\n", CoreSelection::List(vec![3])),
            ("cores = [0]\n", CoreSelection::List(vec![0])),
            ("cores = [0, 2]\n", CoreSelection::List(vec![0, 2])),
            ("cores = [2, 0]\n", CoreSelection::List(vec![2, 0])),
            ("cores = 3\n", CoreSelection::Count(3)),
            ("cores = \"3\"\n", CoreSelection::Count(3)),
            ("cores = \"0,2\"\n", CoreSelection::List(vec![0, 2])),
            ("cores = \"all\"\n", CoreSelection::All),
        ] {
            let cores = cores_of(text).unwrap_or_else(|e| panic!("{text}: {}", e.message));
            assert_eq!(cores, expected, "{text}");
            let config = ServeConfig {
                cores,
                ..ServeConfig::resolve(&ServeFlags::default()).unwrap()
            };
            let printed = config.to_toml();
            let again = file(&printed);
            let reloaded = ServeConfig::resolve(&ServeFlags {
                config: Some(again.path().to_owned()),
                ..ServeFlags::default()
            })
            .unwrap();
            assert_eq!(reloaded.cores, expected, "{text} printed as:\n{printed}");
        }
        assert!(ServeConfig::resolve(&ServeFlags::default())
            .map(|c| c.to_toml().contains("cores = \"all\""))
            .unwrap());
        for bad in [
            "cores = []\n",
            "cores = [1, 1]\n",
            "cores = 0\n",
            "cores = [-1]\n",
        ] {
            let err = cores_of(bad).unwrap_err();
            assert_eq!(err.exit_code, crate::exit::USAGE, "{bad}");
            assert!(err.message.contains("cores"), "{bad}: {}", err.message);
        }
    }

    #[test]
    fn span_field_values_in_a_log_filter_are_literal() {
        // As a regular expression this value needs a DFA of about 2^20 states; read literally
        // it is one string to compare.
        let level = format!("corevec[span{{f=(.*)a{}}}]=debug", ".".repeat(20));
        assert_eq!(parse_log_level(&level).unwrap(), level);
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key() {
        for (text, key) in [
            ("listn = \"1.2.3.4:5\"\n", "listn"),
            ("durability = \"fast\"\n", "durability"),
            ("cores = \"many\"\n", "cores"),
            ("listen = \"nowhere\"\n", "listen"),
            (
                "max_in_flight_per_connection = 0\n",
                "max_in_flight_per_connection",
            ),
            ("idle_timeout_s = \"soon\"\n", "idle_timeout_s"),
            (
                "compaction_tombstone_percent = 101\n",
                "compaction_tombstone_percent",
            ),
            (
                "compaction_min_tombstones = -1\n",
                "compaction_min_tombstones",
            ),
            ("wal_writes_in_flight = 0\n", "wal_writes_in_flight"),
            ("wal_writes_in_flight = 17\n", "wal_writes_in_flight"),
            // Found by the fuzz target: a core id printed back as i64::MAX, and a filter
            // that made tracing-subscriber's parser panic.
            ("cores = \"10000000000000000000,0\"\n", "cores"),
            ("cores = [70000]\n", "cores"),
            ("log_level = \"iknw\u{4d58}=~\u{4635} ,\"\n", "log_level"),
        ] {
            let f = file(text);
            let err = ServeConfig::resolve(&ServeFlags {
                config: Some(f.path().to_owned()),
                ..ServeFlags::default()
            })
            .unwrap_err();
            assert_eq!(err.exit_code, crate::exit::USAGE);
            assert!(err.message.contains(key), "{text}: {}", err.message);
        }
    }
}
