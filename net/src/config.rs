//! [`ServerConfig`]: everything the server needs to know, fixed at start.

use std::net::SocketAddr;
use std::time::Duration;

use corevec_proto::{AUTH_TOKEN_BYTES_MAX, FRAME_BODY_BYTES_MAX};

use crate::error::NetError;

/// Default listen address: loopback only, so a fresh install is not reachable from the network.
pub const LISTEN_DEFAULT: &str = "127.0.0.1:7717";
/// Default cap on connections per core (`max_connections_per_core`).
pub const CONNECTIONS_PER_CORE_DEFAULT: usize = 1024;
/// Default per-connection in-flight limit, announced in HELLO (`in_flight_max`).
pub const IN_FLIGHT_PER_CONNECTION_DEFAULT: u32 = 256;
/// Default cap on requests executing at once on one core, over all its connections.
pub const IN_FLIGHT_PER_CORE_DEFAULT: usize = 4096;
/// Longest accepted timeout of any kind. Timers add their duration to the clock: a value near
/// `u64::MAX` seconds would overflow it and panic a core at its first connection.
pub const TIMEOUT_MAX: Duration = Duration::from_secs(7 * 24 * 3600);

/// Server settings. Build with [`ServerConfig::default`] and override fields, then pass it to
/// [`crate::Server::new`] (which calls [`ServerConfig::validate`]).
///
/// `Debug` never prints the auth token.
#[derive(Clone)]
pub struct ServerConfig {
    /// Address every core listens on (SO_REUSEPORT spreads connections across cores). Port 0
    /// is refused: each core would get a different port.
    pub listen: SocketAddr,
    /// When set, HELLO must carry exactly this token (compared in constant time).
    pub auth_token: Option<Vec<u8>>,
    /// Connections one core serves at once; the next one gets a BUSY error frame and is closed.
    pub max_connections_per_core: usize,
    /// Requests one connection may have in flight; beyond it requests are answered BUSY.
    /// Announced to clients in HELLO.
    pub max_in_flight_per_connection: u32,
    /// Requests executing at once on one core over all its connections; beyond it BUSY.
    pub max_in_flight_per_core: usize,
    /// Largest frame body accepted (at most the protocol's `FRAME_BODY_BYTES_MAX`); a larger
    /// header is a fatal FRAME_TOO_LARGE. Announced in HELLO.
    pub frame_body_bytes_max: u32,
    /// A connection with nothing in flight that sends nothing for this long is closed.
    /// `Duration::ZERO` disables the idle timeout.
    pub idle_timeout: Duration,
    /// The first frame (HELLO) must arrive within this time after accept.
    pub hello_timeout: Duration,
    /// A write that makes no progress for this long (client not reading) closes the connection.
    pub write_timeout: Duration,
    /// On shutdown, how long in-flight requests may take to finish before their connections
    /// are closed regardless.
    pub shutdown_timeout: Duration,
    /// A request that takes at least this long (from its admission to its answer) is logged as a
    /// warning with its shape (`slow request`). `Duration::ZERO` disables the log.
    pub slow_request: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: LISTEN_DEFAULT
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 7717))),
            auth_token: None,
            max_connections_per_core: CONNECTIONS_PER_CORE_DEFAULT,
            max_in_flight_per_connection: IN_FLIGHT_PER_CONNECTION_DEFAULT,
            max_in_flight_per_core: IN_FLIGHT_PER_CORE_DEFAULT,
            frame_body_bytes_max: FRAME_BODY_BYTES_MAX,
            idle_timeout: Duration::from_secs(300),
            hello_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(30),
            slow_request: Duration::from_secs(1),
        }
    }
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("listen", &self.listen)
            .field(
                "auth_token",
                &self.auth_token.as_ref().map(|_| "<redacted>"),
            )
            .field("max_connections_per_core", &self.max_connections_per_core)
            .field(
                "max_in_flight_per_connection",
                &self.max_in_flight_per_connection,
            )
            .field("max_in_flight_per_core", &self.max_in_flight_per_core)
            .field("frame_body_bytes_max", &self.frame_body_bytes_max)
            .field("idle_timeout", &self.idle_timeout)
            .field("hello_timeout", &self.hello_timeout)
            .field("write_timeout", &self.write_timeout)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("slow_request", &self.slow_request)
            .finish()
    }
}

impl ServerConfig {
    /// Checks every field; the error names the field.
    ///
    /// # Errors
    /// [`NetError::Config`] for a value out of range.
    pub fn validate(&self) -> Result<(), NetError> {
        let bad = |field: &'static str, reason: String| Err(NetError::Config { field, reason });
        if self.listen.port() == 0 {
            return bad(
                "listen",
                "port 0 is not supported: every core binds the same port".into(),
            );
        }
        if let Some(token) = &self.auth_token {
            if token.is_empty() || token.len() > AUTH_TOKEN_BYTES_MAX {
                return bad(
                    "auth_token",
                    format!("{} bytes; must be 1..={AUTH_TOKEN_BYTES_MAX}", token.len()),
                );
            }
        }
        if self.max_connections_per_core == 0 {
            return bad("max_connections_per_core", "must be at least 1".into());
        }
        if self.max_in_flight_per_connection == 0 {
            return bad("max_in_flight_per_connection", "must be at least 1".into());
        }
        if self.max_in_flight_per_core == 0 {
            return bad("max_in_flight_per_core", "must be at least 1".into());
        }
        if self.frame_body_bytes_max < 1024 || self.frame_body_bytes_max > FRAME_BODY_BYTES_MAX {
            return bad(
                "frame_body_bytes_max",
                format!(
                    "{} out of range 1024..={FRAME_BODY_BYTES_MAX}",
                    self.frame_body_bytes_max
                ),
            );
        }
        for (field, value) in [
            ("hello_timeout", self.hello_timeout),
            ("write_timeout", self.write_timeout),
            ("shutdown_timeout", self.shutdown_timeout),
        ] {
            if value.is_zero() {
                return bad(field, "must be greater than zero".into());
            }
        }
        for (field, value) in [
            ("hello_timeout", self.hello_timeout),
            ("write_timeout", self.write_timeout),
            ("shutdown_timeout", self.shutdown_timeout),
            ("idle_timeout", self.idle_timeout),
            ("slow_request", self.slow_request),
        ] {
            if value > TIMEOUT_MAX {
                return bad(
                    field,
                    format!(
                        "{} s is over the maximum of {} s (7 days)",
                        value.as_secs(),
                        TIMEOUT_MAX.as_secs()
                    ),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_debug_redacts_the_token() {
        let mut config = ServerConfig::default();
        assert!(config.validate().is_ok());
        config.auth_token = Some(b"hunter2".to_vec());
        assert!(!format!("{config:?}").contains("hunter2"));
    }

    #[test]
    fn validation_names_the_field() {
        let config = ServerConfig {
            max_in_flight_per_connection: 0,
            ..ServerConfig::default()
        };
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("max_in_flight_per_connection"), "{err}");
        let config = ServerConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            ..ServerConfig::default()
        };
        assert!(config
            .validate()
            .unwrap_err()
            .to_string()
            .contains("listen"));
    }

    /// A timer adds its duration to the clock: a huge timeout would overflow it on a core.
    #[test]
    fn timeouts_over_a_week_are_refused() {
        let config = ServerConfig {
            idle_timeout: TIMEOUT_MAX,
            shutdown_timeout: TIMEOUT_MAX,
            ..ServerConfig::default()
        };
        assert!(config.validate().is_ok());
        for config in [
            ServerConfig {
                idle_timeout: Duration::from_secs(u64::MAX),
                ..ServerConfig::default()
            },
            ServerConfig {
                shutdown_timeout: TIMEOUT_MAX + Duration::from_secs(1),
                ..ServerConfig::default()
            },
        ] {
            let err = config.validate().unwrap_err().to_string();
            assert!(err.contains("maximum"), "{err}");
        }
    }
}
