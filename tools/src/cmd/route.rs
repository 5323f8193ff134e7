//! `corevec route`: run a router in front of several `corevec serve` nodes (issue #8).
//!
//! Configuration precedence mirrors `corevec serve`: defaults < the TOML file named by
//! `--config` < `COREVEC_ROUTER_*` environment < flags, for the keys that have a flag; the
//! node list, the map and per-collection overrides come from the file only (the map is
//! configuration, not a flag). Unknown keys and invalid values exit 2 naming the key.
//! `--print-map` prints the partition → replica nodes map and exits; `--print-config` prints
//! the effective settings. See docs/ROUTER.md for every key and an example file.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::Args;
use corevec_engine::CoreSelection;
use corevec_net::router::{
    CollectionPolicy, HedgeDelay, NodeSpec, RouterConfig, RouterError, ShardMap, WriteQuorum,
};
use corevec_net::{NetError, Readiness, Router};
use serde::Deserialize;
use signal_hook::consts::SIGTERM;

use crate::config::{cores_from_file, cores_to_toml, parse_log_level, CoresValue, LogFormat};
use crate::{exit, systemd, Context, Failure};

/// How long every core may take to start listening.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(30);
/// Slack on top of the drain bound for the cores to report that they stopped.
const STOP_SLACK: Duration = Duration::from_secs(5);

/// Arguments of `corevec route`.
#[derive(Debug, Args)]
pub struct RouteArgs {
    /// Router configuration file (TOML; see docs/ROUTER.md). Holds the node list and the map.
    #[arg(long, env = "COREVEC_ROUTER_CONFIG", value_name = "FILE")]
    pub config: PathBuf,
    /// Address every router core listens on [default: 127.0.0.1:7718].
    #[arg(long, env = "COREVEC_ROUTER_LISTEN", value_name = "HOST:PORT")]
    pub listen: Option<SocketAddr>,
    /// Router cores: `all`, a count `N`, or a list `0,2` [default: all].
    #[arg(long, env = "COREVEC_ROUTER_CORES", value_name = "all|N|LIST", value_parser = CoreSelection::from_str)]
    pub cores: Option<CoreSelection>,
    /// Write acknowledgement for collections without an override: all, quorum, one [default: all].
    #[arg(long, env = "COREVEC_ROUTER_WRITE_QUORUM", value_name = "W", value_parser = WriteQuorum::from_str)]
    pub write_quorum: Option<WriteQuorum>,
    /// File holding the token clients must send to the router in HELLO.
    #[arg(long, env = "COREVEC_ROUTER_AUTH_TOKEN_FILE", value_name = "FILE")]
    pub auth_token_file: Option<PathBuf>,
    /// Log level or tracing filter [default: info].
    #[arg(long, env = "COREVEC_ROUTER_LOG_LEVEL", value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// Print the shard map (partition → replica nodes) and exit.
    #[arg(long)]
    pub print_map: bool,
    /// Print the effective settings and exit.
    #[arg(long)]
    pub print_config: bool,
}

impl RouteArgs {
    /// Only a configuration file, no flags (for commands that read a router's map).
    #[must_use]
    pub fn with_config(config: PathBuf) -> RouteArgs {
        RouteArgs {
            config,
            listen: None,
            cores: None,
            write_quorum: None,
            auth_token_file: None,
            log_level: None,
            print_map: false,
            print_config: false,
        }
    }
}

/// `hedge_delay_ms`: milliseconds, `"auto"` or `"off"`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum HedgeValue {
    Millis(u64),
    Text(String),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeEntry {
    name: String,
    addr: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CollectionEntry {
    replication: Option<usize>,
    write_quorum: Option<String>,
}

/// The router file. Unknown keys are an error.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    cores: Option<CoresValue>,
    auth_token_file: Option<PathBuf>,
    node_auth_token_file: Option<PathBuf>,
    log_level: Option<String>,
    log_format: Option<LogFormat>,
    map_version: Option<u64>,
    partitions: Option<u32>,
    replication: Option<usize>,
    write_quorum: Option<String>,
    request_timeout_ms: Option<u64>,
    connect_timeout_ms: Option<u64>,
    ping_interval_ms: Option<u64>,
    ping_timeout_ms: Option<u64>,
    hedge_delay_ms: Option<HedgeValue>,
    node_connections: Option<usize>,
    max_connections_per_core: Option<usize>,
    max_in_flight_per_connection: Option<u32>,
    max_in_flight_per_core: Option<usize>,
    idle_timeout_s: Option<u64>,
    shutdown_timeout_s: Option<u64>,
    slow_request_ms: Option<u64>,
    metrics_listen: Option<String>,
    #[serde(default)]
    nodes: Vec<NodeEntry>,
    #[serde(default)]
    collections: BTreeMap<String, CollectionEntry>,
}

/// Everything `corevec route` needs besides the router's own configuration.
#[derive(Debug)]
pub struct RouteSettings {
    /// The router configuration (tokens read).
    pub router: RouterConfig,
    /// Tracing filter.
    pub log_level: String,
    /// Log format.
    pub log_format: LogFormat,
    /// Where `/metrics`, `/healthz` and `/readyz` are served (`None`: not served).
    pub metrics_listen: Option<SocketAddr>,
    /// Where the client-facing token was read from (printed by `--print-config`).
    auth_token_file: Option<PathBuf>,
    /// Where the token sent to the nodes was read from.
    node_auth_token_file: Option<PathBuf>,
}

fn key_error(origin: &str, key: &str, reason: impl std::fmt::Display) -> Failure {
    Failure::usage(format!("{origin}: invalid value for key `{key}`: {reason}"))
}

impl RouteSettings {
    /// Merges flags over the file over the defaults and validates the result.
    ///
    /// # Errors
    /// A usage failure (exit 2) naming the file and key.
    pub fn resolve(args: &RouteArgs) -> Result<RouteSettings, Failure> {
        let text = std::fs::read_to_string(&args.config).map_err(|e| {
            Failure::usage(format!(
                "cannot read config file {}: {e}",
                args.config.display()
            ))
        })?;
        Self::merge(args, &text)
    }

    /// The settings a router configuration file of `text` gives with no flags (`name` is the
    /// file's name in errors): what `corevec route --config NAME` would run with.
    ///
    /// # Errors
    /// A usage failure (exit 2) naming the file and the key.
    pub fn from_file_text(text: &str, name: &str) -> Result<RouteSettings, Failure> {
        Self::merge(&RouteArgs::with_config(PathBuf::from(name)), text)
    }

    /// `args` over the file `args.config`, whose contents are `text`, over the defaults,
    /// validated.
    fn merge(args: &RouteArgs, text: &str) -> Result<RouteSettings, Failure> {
        let origin = format!("config file {}", args.config.display());
        let origin = origin.as_str();
        let file: FileConfig =
            toml::from_str(text).map_err(|e| Failure::usage(format!("{origin}: {e}")))?;

        let mut nodes = Vec::with_capacity(file.nodes.len());
        for (i, node) in file.nodes.iter().enumerate() {
            let addr = node.addr.parse().map_err(|e| {
                key_error(
                    origin,
                    &format!("nodes[{i}].addr"),
                    format!("{:?} is not an IP:PORT address ({e})", node.addr),
                )
            })?;
            nodes.push(NodeSpec {
                name: node.name.clone(),
                addr,
            });
        }
        let mut router = RouterConfig::new(nodes);
        if let Some(listen) = args.listen {
            router.server.listen = listen;
        } else if let Some(text) = &file.listen {
            router.server.listen = text
                .parse()
                .map_err(|e| key_error(origin, "listen", format!("{text:?}: {e}")))?;
        }
        router.cores = match (&args.cores, file.cores) {
            (Some(cores), _) => cores.clone(),
            (None, Some(value)) => cores_from_file(origin, value)?,
            (None, None) => CoreSelection::All,
        };
        if let Some(v) = file.map_version {
            router.map_version = v;
        }
        if let Some(v) = file.partitions {
            router.partitions = v;
        }
        if let Some(v) = file.replication {
            router.replication = v;
        }
        router.write_quorum = match (args.write_quorum, &file.write_quorum) {
            (Some(w), _) => w,
            (None, Some(text)) => text
                .parse()
                .map_err(|e| key_error(origin, "write_quorum", e))?,
            (None, None) => WriteQuorum::All,
        };
        for (key, value, slot) in [
            (
                "request_timeout_ms",
                file.request_timeout_ms,
                &mut router.request_timeout,
            ),
            (
                "connect_timeout_ms",
                file.connect_timeout_ms,
                &mut router.connect_timeout,
            ),
            (
                "ping_interval_ms",
                file.ping_interval_ms,
                &mut router.ping_interval,
            ),
            (
                "ping_timeout_ms",
                file.ping_timeout_ms,
                &mut router.ping_timeout,
            ),
        ] {
            if let Some(ms) = value {
                if ms == 0 {
                    return Err(key_error(origin, key, "must be at least 1"));
                }
                *slot = Duration::from_millis(ms);
            }
        }
        router.hedge_delay = match file.hedge_delay_ms {
            None => HedgeDelay::Auto,
            Some(HedgeValue::Millis(0)) => {
                return Err(key_error(
                    origin,
                    "hedge_delay_ms",
                    "0 would send every read twice; use \"off\" or a positive delay",
                ))
            }
            Some(HedgeValue::Millis(ms)) => HedgeDelay::Fixed(Duration::from_millis(ms)),
            Some(HedgeValue::Text(t)) => t
                .parse()
                .map_err(|e| key_error(origin, "hedge_delay_ms", e))?,
        };
        if let Some(v) = file.node_connections {
            router.node_connections = v;
        }
        for (name, entry) in &file.collections {
            let write_quorum = match &entry.write_quorum {
                Some(text) => Some(text.parse().map_err(|e| {
                    key_error(origin, &format!("collections.{name}.write_quorum"), e)
                })?),
                None => None,
            };
            router.collections.insert(
                name.clone(),
                CollectionPolicy {
                    replication: entry.replication,
                    write_quorum,
                },
            );
        }
        let server = &mut router.server;
        if let Some(v) = file.max_connections_per_core {
            server.max_connections_per_core = v;
        }
        if let Some(v) = file.max_in_flight_per_connection {
            server.max_in_flight_per_connection = v;
        }
        if let Some(v) = file.max_in_flight_per_core {
            server.max_in_flight_per_core = v;
        }
        if let Some(v) = file.idle_timeout_s {
            server.idle_timeout = Duration::from_secs(v);
        }
        if let Some(v) = file.shutdown_timeout_s {
            if v == 0 {
                return Err(key_error(
                    origin,
                    "shutdown_timeout_s",
                    "must be at least 1",
                ));
            }
            server.shutdown_timeout = Duration::from_secs(v);
        }
        if let Some(v) = file.slow_request_ms {
            server.slow_request = Duration::from_millis(v);
        }
        let metrics_listen = match &file.metrics_listen {
            Some(text) => Some(
                text.parse()
                    .map_err(|e| key_error(origin, "metrics_listen", format!("{text:?}: {e}")))?,
            ),
            None => None,
        };
        if metrics_listen == Some(router.server.listen) {
            return Err(key_error(
                origin,
                "metrics_listen",
                "must differ from `listen`",
            ));
        }
        let auth_token_file = args.auth_token_file.clone().or(file.auth_token_file);
        if let Some(path) = &auth_token_file {
            router.server.auth_token = Some(super::serve::read_token(path, "auth_token_file")?);
        }
        if let Some(path) = &file.node_auth_token_file {
            router.node_auth_token = Some(super::serve::read_token(path, "node_auth_token_file")?);
        }
        let log_level = match (&args.log_level, file.log_level) {
            (Some(flag), _) => parse_log_level(flag).map_err(|e| {
                Failure::usage(format!("--log-level (or COREVEC_ROUTER_LOG_LEVEL): {e}"))
            })?,
            (None, Some(level)) => {
                parse_log_level(&level).map_err(|e| key_error(origin, "log_level", e))?
            }
            (None, None) => "info".to_owned(),
        };
        router.validate().map_err(|e| match e {
            RouterError::Config { key, reason } => key_error(origin, &key, reason),
            other => Failure::usage(format!("{origin}: {other}")),
        })?;
        Ok(RouteSettings {
            router,
            log_level,
            log_format: file.log_format.unwrap_or_default(),
            metrics_listen,
            auth_token_file,
            node_auth_token_file: file.node_auth_token_file,
        })
    }

    /// The effective settings, for `--print-config`: a router configuration file that
    /// resolves to the same settings (token files by path; tokens are not printed).
    #[must_use]
    pub fn describe(&self) -> String {
        let r = &self.router;
        let mut out = String::new();
        out.push_str(&format!("listen = \"{}\"\n", r.server.listen));
        out.push_str(&format!("cores = {}\n", cores_to_toml(&r.cores)));
        out.push_str(&format!("map_version = {}\n", r.map_version));
        out.push_str(&format!("partitions = {}\n", r.partitions));
        out.push_str(&format!("replication = {}\n", r.replication));
        out.push_str(&format!("write_quorum = \"{}\"\n", r.write_quorum));
        out.push_str(&format!(
            "request_timeout_ms = {}\n",
            r.request_timeout.as_millis()
        ));
        out.push_str(&format!(
            "connect_timeout_ms = {}\n",
            r.connect_timeout.as_millis()
        ));
        out.push_str(&format!(
            "ping_interval_ms = {}\n",
            r.ping_interval.as_millis()
        ));
        out.push_str(&format!(
            "ping_timeout_ms = {}\n",
            r.ping_timeout.as_millis()
        ));
        out.push_str(&format!("hedge_delay_ms = \"{}\"\n", r.hedge_delay));
        out.push_str(&format!("node_connections = {}\n", r.node_connections));
        let server = &r.server;
        out.push_str(&format!(
            "max_connections_per_core = {}\nmax_in_flight_per_connection = {}\n\
             max_in_flight_per_core = {}\nidle_timeout_s = {}\nshutdown_timeout_s = {}\n\
             slow_request_ms = {}\n",
            server.max_connections_per_core,
            server.max_in_flight_per_connection,
            server.max_in_flight_per_core,
            server.idle_timeout.as_secs(),
            server.shutdown_timeout.as_secs(),
            server.slow_request.as_millis()
        ));
        if let Some(addr) = self.metrics_listen {
            out.push_str(&format!("metrics_listen = \"{addr}\"\n"));
        }
        for (key, path) in [
            ("auth_token_file", &self.auth_token_file),
            ("node_auth_token_file", &self.node_auth_token_file),
        ] {
            if let Some(path) = path {
                out.push_str(&format!(
                    "{key} = {}\n",
                    toml::Value::from(path.display().to_string())
                ));
            }
        }
        out.push_str(&format!(
            "log_level = {}\nlog_format = \"{}\"\n",
            toml::Value::from(self.log_level.as_str()),
            self.log_format.as_str()
        ));
        for node in &r.nodes {
            out.push_str(&format!(
                "\n[[nodes]]\nname = \"{}\"\naddr = \"{}\"\n",
                node.name, node.addr
            ));
        }
        for (name, policy) in &r.collections {
            out.push_str(&format!("\n[collections.{name}]\n"));
            if let Some(rep) = policy.replication {
                out.push_str(&format!("replication = {rep}\n"));
            }
            if let Some(w) = policy.write_quorum {
                out.push_str(&format!("write_quorum = \"{w}\"\n"));
            }
        }
        out
    }
}

fn init_logging(settings: &RouteSettings) {
    // Checked when the configuration was read.
    let filter = crate::config::log_filter(&settings.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_thread_names(true);
    let result = match settings.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    if let Err(e) = result {
        crate::print_stderr(&format!("corevec: logging already initialised: {e}"));
    }
}

/// Runs `corevec route`.
///
/// # Errors
/// A [`Failure`] with the exit code documented in `--help`.
pub fn run(args: &RouteArgs) -> Result<(), Failure> {
    let settings = RouteSettings::resolve(args)?;
    if args.print_map {
        print!(
            "{}",
            ShardMap::from_config(&settings.router).render(&settings.router)
        );
        return Ok(());
    }
    if args.print_config {
        print!("{}", settings.describe());
        return Ok(());
    }
    init_logging(&settings);
    let signals = super::serve::install_signal_handler()?;
    let listen = settings.router.server.listen;
    let settings_metrics = settings.metrics_listen;
    let drain_bound =
        settings.router.server.shutdown_timeout + settings.router.server.write_timeout + STOP_SLACK;
    // The router's cores bind with SO_REUSEPORT too: refuse a taken address as serve does.
    super::serve::probe_listen(listen, "listen")?;
    if let Some(addr) = settings_metrics {
        super::serve::probe_listen(addr, "metrics_listen")?;
    }
    let mut router = Router::start(settings.router).map_err(|e| match e {
        RouterError::Config { .. } => Failure::usage(e.to_string()),
        other => Failure::runtime(format!("starting the router: {other}")),
    })?;
    if let Err(e) = router.listen(LISTEN_TIMEOUT) {
        let _ = router.shutdown(STOP_SLACK);
        return Err(match e {
            RouterError::Server(NetError::Bind { .. }) => Failure {
                exit_code: exit::LISTEN,
                message: e.to_string(),
            },
            other => Failure::runtime(other.to_string()),
        });
    }
    let metrics = match settings_metrics {
        Some(addr) => match super::serve::start_metrics(addr, router.server_state()) {
            Ok(metrics) => {
                metrics.attach_router(router.metrics_source());
                metrics.set_readiness(Readiness::Ready);
                Some(metrics)
            }
            Err(failure) => {
                let _ = router.shutdown(STOP_SLACK);
                return Err(failure);
            }
        },
        None => None,
    };
    let map = router.map();
    tracing::info!(
        %listen,
        cores = router.cores(),
        nodes = map.nodes.len(),
        partitions = map.partitions,
        map_version = map.version,
        fingerprint = %format!("{:016x}", map.fingerprint()),
        "corevec routing"
    );
    systemd::notify("READY=1");
    let signal = signals.recv().unwrap_or(SIGTERM);
    tracing::info!(
        signal,
        "shutting down gracefully (a second signal forces exit)"
    );
    systemd::notify("STOPPING=1");
    if let Some(metrics) = &metrics {
        metrics.set_readiness(Readiness::ShuttingDown);
    }
    router
        .shutdown(drain_bound)
        .context("stopping the router")?;
    if let Some(metrics) = metrics {
        metrics.stop();
    }
    tracing::info!("stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn args(text: &str) -> (tempfile::NamedTempFile, RouteArgs) {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        let args = RouteArgs::with_config(f.path().to_owned());
        (f, args)
    }

    const NODES: &str = "[[nodes]]\nname = \"a\"\naddr = \"127.0.0.2:7717\"\n\
                         [[nodes]]\nname = \"b\"\naddr = \"127.0.0.3:7717\"\n\
                         [[nodes]]\nname = \"c\"\naddr = \"127.0.0.4:7717\"\n";

    #[test]
    fn file_flags_and_overrides() {
        let text = format!(
            "partitions = 16\nreplication = 2\nwrite_quorum = \"quorum\"\nhedge_delay_ms = 5\n{NODES}\
             [collections.big]\nreplication = 3\nwrite_quorum = \"all\"\n"
        );
        let (_f, mut a) = args(&text);
        a.write_quorum = Some(WriteQuorum::One);
        let s = RouteSettings::resolve(&a).unwrap();
        assert_eq!(s.router.partitions, 16);
        assert_eq!(s.router.write_quorum, WriteQuorum::One, "flag wins");
        assert_eq!(s.router.policy("big"), (3, WriteQuorum::All));
        assert_eq!(s.router.policy("other"), (2, WriteQuorum::One));
        assert_eq!(
            s.router.hedge_delay,
            HedgeDelay::Fixed(Duration::from_millis(5))
        );
        let map = ShardMap::from_config(&s.router).render(&s.router);
        assert!(map.contains("replication = 3 (collections: big)"), "{map}");
        assert!(map.contains("\n1          b c\n"), "{map}");
    }

    #[test]
    fn a_cores_array_is_core_ids_and_print_config_keeps_it_one() {
        for (cores, expected, printed) in [
            ("[3]", CoreSelection::List(vec![3]), "cores = [3]\n"),
            ("[0]", CoreSelection::List(vec![0]), "cores = [0]\n"),
            (
                "[0, 2]",
                CoreSelection::List(vec![0, 2]),
                "cores = [0, 2]\n",
            ),
            ("3", CoreSelection::Count(3), "cores = 3\n"),
            ("\"all\"", CoreSelection::All, "cores = \"all\"\n"),
        ] {
            let (_f, a) = args(&format!("cores = {cores}\n{NODES}"));
            let s = RouteSettings::resolve(&a).unwrap();
            assert_eq!(s.router.cores, expected, "cores = {cores}");
            assert!(s.describe().contains(printed), "{}", s.describe());
        }
        for bad in ["[]", "[1, 1]"] {
            let (_f, a) = args(&format!("cores = {bad}\n{NODES}"));
            let err = RouteSettings::resolve(&a).unwrap_err();
            assert!(err.message.contains("cores"), "{bad}: {}", err.message);
        }
    }

    /// `--print-config` prints a configuration file that resolves to the same settings.
    #[test]
    fn print_config_is_a_config_file_of_the_same_settings() {
        let mut token = tempfile::NamedTempFile::new().unwrap();
        token.write_all(b"secret\n").unwrap();
        let text = format!(
            "listen = \"127.0.0.1:17718\"\ncores = 1\nreplication = 2\nwrite_quorum = \"quorum\"\n\
             hedge_delay_ms = 7\nmax_in_flight_per_core = 99\nidle_timeout_s = 12\n\
             shutdown_timeout_s = 3\nmetrics_listen = \"127.0.0.1:19718\"\n\
             auth_token_file = {path:?}\nnode_auth_token_file = {path:?}\nlog_level = \"debug\"\n\
             log_format = \"json\"\n{NODES}[collections.big]\nreplication = 3\n",
            path = token.path().display().to_string(),
        );
        let (_f, a) = args(&text);
        let printed = RouteSettings::resolve(&a).unwrap().describe();
        assert!(!printed.contains("secret"), "{printed}");
        let (_g, again) = args(&printed);
        let reread = RouteSettings::resolve(&again).unwrap();
        assert_eq!(reread.describe(), printed);
        assert_eq!(
            reread.router.server.auth_token.as_deref(),
            Some(&b"secret"[..])
        );
        for key in [
            "max_in_flight_per_core = 99",
            "idle_timeout_s = 12",
            "shutdown_timeout_s = 3",
        ] {
            assert!(printed.contains(key), "{key}: {printed}");
        }
        // The defaults are printed too, and are serve's (shutdown_timeout_s 30).
        let (_h, plain) = args(NODES);
        let defaults = RouteSettings::resolve(&plain).unwrap().describe();
        assert!(defaults.contains("shutdown_timeout_s = 30\n"), "{defaults}");
        let (_i, again) = args(&defaults);
        assert_eq!(RouteSettings::resolve(&again).unwrap().describe(), defaults);
    }

    #[test]
    fn metrics_on_the_client_address_and_a_bad_log_level_flag_are_named() {
        let (_f, a) = args(&format!(
            "listen = \"127.0.0.1:7718\"\nmetrics_listen = \"127.0.0.1:7718\"\n{NODES}"
        ));
        let err = RouteSettings::resolve(&a).unwrap_err();
        assert!(err.message.contains("metrics_listen"), "{}", err.message);
        let (_g, mut a) = args(NODES);
        a.log_level = Some("info,[".to_owned());
        let err = RouteSettings::resolve(&a).unwrap_err();
        assert!(err.message.starts_with("--log-level"), "{}", err.message);
    }

    #[test]
    fn bad_keys_are_named() {
        for (text, key) in [
            (format!("replicaton = 2\n{NODES}"), "replicaton"),
            (format!("replication = 4\n{NODES}"), "replication"),
            (format!("write_quorum = \"most\"\n{NODES}"), "write_quorum"),
            ("partitions = 4\n".to_owned(), "nodes"),
            (
                format!("hedge_delay_ms = \"soon\"\n{NODES}"),
                "hedge_delay_ms",
            ),
        ] {
            let (_f, a) = args(&text);
            let err = RouteSettings::resolve(&a).unwrap_err();
            assert_eq!(err.exit_code, exit::USAGE);
            assert!(err.message.contains(key), "{text}: {}", err.message);
        }
    }
}
