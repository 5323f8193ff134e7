//! [`NetError`]: what starting or stopping the server can fail with. Errors of a single
//! request or connection never surface here: they are answered on the wire (see
//! `handler.rs`) or logged, and never affect another connection.

use std::net::SocketAddr;

/// A server-level failure, grouped by how the caller reacts.
#[derive(Debug, thiserror::Error)]
pub enum NetError {
    // --- The operator must fix the configuration. ---
    /// A configuration value is out of range.
    #[error("invalid server setting `{field}`: {reason}")]
    Config {
        /// The offending field.
        field: &'static str,
        /// Why it is invalid.
        reason: String,
    },
    /// A core could not bind its listener (address in use, no permission, ...).
    #[error("core {core} cannot listen on {addr}: {source}")]
    Bind {
        /// Core ordinal.
        core: usize,
        /// The address.
        addr: SocketAddr,
        /// The operating-system error.
        source: std::io::Error,
    },

    // --- The node did not reach or leave a state in time. ---
    /// Not every core reported that it listens.
    #[error("only {listening} of {cores} cores were listening after {waited_ms} ms")]
    StartTimeout {
        /// Cores listening.
        listening: usize,
        /// Cores expected.
        cores: usize,
        /// How long we waited.
        waited_ms: u128,
    },
    /// Not every core finished draining its connections in time.
    #[error("only {stopped} of {cores} cores stopped serving within {waited_ms} ms")]
    StopTimeout {
        /// Cores that stopped.
        stopped: usize,
        /// Cores expected.
        cores: usize,
        /// How long we waited.
        waited_ms: u128,
    },
    /// The cores went away (engine stopped or an executor died).
    #[error("the engine's cores are gone")]
    CoresGone,
}
