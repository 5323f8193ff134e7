//! [`RouterConfig`]: everything the router needs, fixed at start. Parsing a file into it is
//! the CLI's business (`corevec route`); this type validates values and names the bad one.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use corevec_proto::{is_valid_collection_name, AUTH_TOKEN_BYTES_MAX};

use crate::config::{ServerConfig, TIMEOUT_MAX};
use crate::router::error::RouterError;

/// Default number of partitions the id space is split into.
pub const PARTITIONS_DEFAULT: u32 = 256;
/// Most partitions a map may have.
pub const PARTITIONS_MAX: u32 = 65_536;
/// Default listen address of a router.
pub const ROUTER_LISTEN_DEFAULT: &str = "127.0.0.1:7718";
/// Default per-request timeout towards a node.
pub const REQUEST_TIMEOUT_DEFAULT: Duration = Duration::from_secs(10);
/// Default TCP connect + HELLO timeout towards a node.
pub const CONNECT_TIMEOUT_DEFAULT: Duration = Duration::from_secs(2);
/// Default health-check period.
pub const PING_INTERVAL_DEFAULT: Duration = Duration::from_millis(500);
/// Default health-check timeout.
pub const PING_TIMEOUT_DEFAULT: Duration = Duration::from_secs(1);
/// Default connections each router core keeps to each node.
pub const NODE_CONNECTIONS_DEFAULT: usize = 2;

/// One storage node (a `corevec serve`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeSpec {
    /// Short operator-facing name, used in maps and error messages (`[A-Za-z0-9_.-]`, 1..=64).
    pub name: String,
    /// Where the node listens.
    pub addr: SocketAddr,
}

impl fmt::Display for NodeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.addr)
    }
}

/// How many replicas of a partition must acknowledge a write before the client is answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum WriteQuorum {
    /// Every replica (the default): an acknowledged write is on all R replicas.
    #[default]
    All,
    /// Half the replicas rounded up, `⌈R/2⌉`: a majority for odd R (2 of 3), one of two for
    /// R = 2 (so R = 2 survives a dead replica). Reads use one replica, so a strict majority
    /// would buy no read-your-writes overlap here anyway (docs/ROUTER.md).
    Quorum,
    /// Any single replica.
    One,
}

impl WriteQuorum {
    /// Replicas required out of `replicas`.
    #[must_use]
    pub fn required(self, replicas: usize) -> usize {
        match self {
            WriteQuorum::All => replicas,
            WriteQuorum::Quorum => replicas.div_ceil(2).max(1),
            WriteQuorum::One => 1.min(replicas),
        }
    }

    /// The config spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            WriteQuorum::All => "all",
            WriteQuorum::Quorum => "quorum",
            WriteQuorum::One => "one",
        }
    }
}

impl fmt::Display for WriteQuorum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WriteQuorum {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "all" => Ok(WriteQuorum::All),
            "quorum" => Ok(WriteQuorum::Quorum),
            "one" => Ok(WriteQuorum::One),
            other => Err(format!("{other:?}: expected all, quorum or one")),
        }
    }
}

/// When a read is sent to a second replica because the first has not answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HedgeDelay {
    /// Never hedge (failover on error still happens).
    Off,
    /// After the observed p95 latency of the slow node (the default).
    #[default]
    Auto,
    /// After a fixed delay.
    Fixed(Duration),
}

impl fmt::Display for HedgeDelay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HedgeDelay::Off => f.write_str("off"),
            HedgeDelay::Auto => f.write_str("auto"),
            HedgeDelay::Fixed(d) => write!(f, "{}", d.as_millis()),
        }
    }
}

impl FromStr for HedgeDelay {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "off" => Ok(HedgeDelay::Off),
            "auto" => Ok(HedgeDelay::Auto),
            ms => ms
                .parse::<u64>()
                .map(|ms| HedgeDelay::Fixed(Duration::from_millis(ms)))
                .map_err(|_| format!("{ms:?}: expected auto, off or milliseconds")),
        }
    }
}

/// Per-collection overrides of the router-wide replication settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CollectionPolicy {
    /// Replicas of each partition of this collection.
    pub replication: Option<usize>,
    /// Write acknowledgement rule for this collection.
    pub write_quorum: Option<WriteQuorum>,
}

/// Router settings. Build with [`RouterConfig::new`] and override fields; [`RouterConfig::validate`]
/// (called by `Router::start`) checks them.
#[derive(Clone, Debug)]
pub struct RouterConfig {
    /// The client-facing server: listen address, the token clients must send, limits.
    pub server: ServerConfig,
    /// The storage nodes, in map order (their position is part of the map).
    pub nodes: Vec<NodeSpec>,
    /// Token the router sends in HELLO to the nodes (`None`: nodes without auth).
    pub node_auth_token: Option<Vec<u8>>,
    /// Version of the shard map, printed and reported in STATS; bump it with every map change.
    pub map_version: u64,
    /// Partitions the id space is split into (fixed for the life of the data).
    pub partitions: u32,
    /// Replicas of each partition, for collections without an override.
    pub replication: usize,
    /// Write acknowledgement rule, for collections without an override.
    pub write_quorum: WriteQuorum,
    /// Per-collection overrides, by collection name.
    pub collections: BTreeMap<String, CollectionPolicy>,
    /// Bound on one request to one node.
    pub request_timeout: Duration,
    /// Bound on connecting to a node and its HELLO.
    pub connect_timeout: Duration,
    /// Health-check period.
    pub ping_interval: Duration,
    /// A PING slower than this marks the node down.
    pub ping_timeout: Duration,
    /// When to hedge a read to another replica.
    pub hedge_delay: HedgeDelay,
    /// Pipelined connections each router core keeps to each node.
    pub node_connections: usize,
    /// Router cores (executors); the CLI maps `cores` to this.
    pub cores: corevec_engine::CoreSelection,
}

impl RouterConfig {
    /// Defaults around `nodes`.
    #[must_use]
    pub fn new(nodes: Vec<NodeSpec>) -> RouterConfig {
        let mut server = ServerConfig::default();
        if let Ok(listen) = ROUTER_LISTEN_DEFAULT.parse() {
            server.listen = listen;
        }
        RouterConfig {
            server,
            nodes,
            node_auth_token: None,
            map_version: 1,
            partitions: PARTITIONS_DEFAULT,
            replication: 1,
            write_quorum: WriteQuorum::All,
            collections: BTreeMap::new(),
            request_timeout: REQUEST_TIMEOUT_DEFAULT,
            connect_timeout: CONNECT_TIMEOUT_DEFAULT,
            ping_interval: PING_INTERVAL_DEFAULT,
            ping_timeout: PING_TIMEOUT_DEFAULT,
            hedge_delay: HedgeDelay::Auto,
            node_connections: NODE_CONNECTIONS_DEFAULT,
            cores: corevec_engine::CoreSelection::All,
        }
    }

    /// Replication and write rule in effect for `collection`.
    #[must_use]
    pub fn policy(&self, collection: &str) -> (usize, WriteQuorum) {
        let policy = self
            .collections
            .get(collection)
            .copied()
            .unwrap_or_default();
        (
            policy.replication.unwrap_or(self.replication),
            policy.write_quorum.unwrap_or(self.write_quorum),
        )
    }

    /// Checks every value; the error names the key.
    ///
    /// # Errors
    /// [`RouterError::Config`].
    pub fn validate(&self) -> Result<(), RouterError> {
        let bad = |key: String, reason: String| Err(RouterError::Config { key, reason });
        self.server.validate().map_err(|e| RouterError::Config {
            key: "server".into(),
            reason: e.to_string(),
        })?;
        if self.nodes.is_empty() {
            return bad("nodes".into(), "at least one node is needed".into());
        }
        for (i, node) in self.nodes.iter().enumerate() {
            let valid_name = !node.name.is_empty()
                && node.name.len() <= 64
                && node
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
            if !valid_name {
                return bad(
                    format!("nodes[{i}].name"),
                    format!("{:?}: 1..=64 bytes of [A-Za-z0-9_.-]", node.name),
                );
            }
            if node.addr.port() == 0 {
                return bad(format!("nodes[{i}].addr"), "port 0".into());
            }
            if let Some(other) = self.nodes[..i]
                .iter()
                .find(|o| o.name == node.name || o.addr == node.addr)
            {
                return bad(
                    format!("nodes[{i}]"),
                    format!("{node} duplicates {other} (names and addresses must be unique)"),
                );
            }
            if node.addr == self.server.listen {
                return bad(
                    format!("nodes[{i}].addr"),
                    "is the router's own listen address".into(),
                );
            }
        }
        if !(1..=PARTITIONS_MAX).contains(&self.partitions) {
            return bad(
                "partitions".into(),
                format!("{} out of range 1..={PARTITIONS_MAX}", self.partitions),
            );
        }
        let nodes = self.nodes.len();
        let check_replication = |key: String, r: usize| {
            if r == 0 || r > nodes {
                bad(
                    key,
                    format!("{r} out of range 1..={nodes} (the node count)"),
                )
            } else {
                Ok(())
            }
        };
        check_replication("replication".into(), self.replication)?;
        for (name, policy) in &self.collections {
            if !is_valid_collection_name(name) {
                return bad(
                    format!("collections.{name}"),
                    "not a valid collection name (1..=64 bytes of [A-Za-z0-9_-])".into(),
                );
            }
            if let Some(r) = policy.replication {
                check_replication(format!("collections.{name}.replication"), r)?;
            }
        }
        if let Some(token) = &self.node_auth_token {
            if token.is_empty() || token.len() > AUTH_TOKEN_BYTES_MAX {
                return bad(
                    "node_auth_token_file".into(),
                    format!("{} bytes; must be 1..={AUTH_TOKEN_BYTES_MAX}", token.len()),
                );
            }
        }
        let timings = [
            ("request_timeout_ms", self.request_timeout),
            ("connect_timeout_ms", self.connect_timeout),
            ("ping_interval_ms", self.ping_interval),
            ("ping_timeout_ms", self.ping_timeout),
        ];
        for (key, value) in timings {
            if value.is_zero() {
                return bad(key.into(), "must be at least 1 ms".into());
            }
        }
        let hedge = match self.hedge_delay {
            HedgeDelay::Fixed(delay) => Some(("hedge_delay_ms", delay)),
            HedgeDelay::Auto | HedgeDelay::Off => None,
        };
        // A timer adds its duration to the clock: past its range, the core panics.
        for (key, value) in timings.into_iter().chain(hedge) {
            if value > TIMEOUT_MAX {
                return bad(
                    key.into(),
                    format!(
                        "{} ms is over the maximum of {} ms (7 days)",
                        value.as_millis(),
                        TIMEOUT_MAX.as_millis()
                    ),
                );
            }
        }
        if self.hedge_delay == HedgeDelay::Fixed(Duration::ZERO) {
            return bad(
                "hedge_delay_ms".into(),
                "0 would send every read twice; use \"off\" or a positive delay".into(),
            );
        }
        if !(1..=64).contains(&self.node_connections) {
            return bad(
                "node_connections".into(),
                format!("{} out of range 1..=64", self.node_connections),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(n: usize) -> Vec<NodeSpec> {
        (0..n)
            .map(|i| NodeSpec {
                name: format!("n{i}"),
                addr: SocketAddr::from(([127, 0, 0, 2 + i as u8], 7717)),
            })
            .collect()
    }

    #[test]
    fn quorum_sizes() {
        assert_eq!(WriteQuorum::All.required(3), 3);
        assert_eq!(WriteQuorum::Quorum.required(3), 2);
        assert_eq!(WriteQuorum::Quorum.required(2), 1);
        assert_eq!(WriteQuorum::Quorum.required(5), 3);
        assert_eq!(WriteQuorum::Quorum.required(1), 1);
        assert_eq!(WriteQuorum::One.required(3), 1);
    }

    #[test]
    fn validation_names_the_key() {
        assert!(RouterConfig::new(nodes(3)).validate().is_ok());
        let mut config = RouterConfig::new(nodes(3));
        config.request_timeout = Duration::from_millis(u64::MAX);
        let err = config.validate().unwrap_err().to_string();
        assert!(
            err.contains("request_timeout_ms") && err.contains("maximum"),
            "{err}"
        );
        let mut config = RouterConfig::new(nodes(3));
        config.hedge_delay = HedgeDelay::Fixed(TIMEOUT_MAX + Duration::from_millis(1));
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("hedge_delay_ms"), "{err}");
        let mut config = RouterConfig::new(nodes(2));
        config.replication = 3;
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("replication"), "{err}");
        let mut config = RouterConfig::new(nodes(2));
        config.nodes[1].addr = config.nodes[0].addr;
        assert!(config
            .validate()
            .unwrap_err()
            .to_string()
            .contains("nodes[1]"));
        let config = RouterConfig::new(Vec::new());
        assert!(config.validate().unwrap_err().to_string().contains("nodes"));
        let mut config = RouterConfig::new(nodes(2));
        config.collections.insert(
            "big".into(),
            CollectionPolicy {
                replication: Some(5),
                write_quorum: None,
            },
        );
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("collections.big.replication"), "{err}");
    }

    #[test]
    fn parse_spellings() {
        assert_eq!("quorum".parse::<WriteQuorum>(), Ok(WriteQuorum::Quorum));
        assert!("most".parse::<WriteQuorum>().is_err());
        assert_eq!("off".parse::<HedgeDelay>(), Ok(HedgeDelay::Off));
        assert_eq!(
            "15".parse::<HedgeDelay>(),
            Ok(HedgeDelay::Fixed(Duration::from_millis(15)))
        );
    }
}
