//! Typed errors of the router: [`RouterError`] for starting and stopping it, [`LinkError`] for
//! one request to one node. A `LinkError` never reaches a client as such: the request paths
//! turn it into a wire error that names the node (`UNAVAILABLE`, `TIMEOUT`, or the node's own
//! code for errors every replica would give).

use std::time::Duration;

use corevec_proto::ErrorCode;

use crate::error::NetError;

/// Starting or stopping the router failed.
#[derive(Debug, thiserror::Error)]
pub enum RouterError {
    /// A configuration value is out of range; `key` is the config-file key.
    #[error("invalid router setting `{key}`: {reason}")]
    Config {
        /// The offending key.
        key: String,
        /// Why.
        reason: String,
    },
    /// The client-facing server failed (bind, start or stop timeout).
    #[error(transparent)]
    Server(#[from] NetError),
    /// The per-core executors could not be started.
    #[error("starting the router's cores: {0}")]
    Cores(#[from] corevec_engine::Error),
}

/// One request to one node failed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum LinkError {
    /// The node is marked down by the health checker; nothing was sent.
    #[error("{node}: marked down ({reason})")]
    Down {
        /// `name (addr)`.
        node: String,
        /// The failure that marked it down.
        reason: String,
    },
    /// Connecting or saying HELLO failed; nothing was sent.
    #[error("{node}: cannot connect: {reason}")]
    Connect {
        /// `name (addr)`.
        node: String,
        /// Why.
        reason: String,
    },
    /// The connection broke with the request in flight: its outcome is unknown.
    #[error("{node}: connection lost with the request in flight ({reason})")]
    Closed {
        /// `name (addr)`.
        node: String,
        /// Why.
        reason: String,
    },
    /// No answer within the request timeout: its outcome is unknown.
    #[error("{node}: no answer within {} ms", after.as_millis())]
    Timeout {
        /// `name (addr)`.
        node: String,
        /// The timeout.
        after: Duration,
    },
    /// The node answered with an ERROR frame.
    #[error("{node}: {code}: {message}")]
    Node {
        /// `name (addr)`.
        node: String,
        /// The node's code.
        code: ErrorCode,
        /// The node's message.
        message: String,
    },
    /// The node's answer does not decode or does not fit the request.
    #[error("{node}: bad answer: {detail}")]
    Protocol {
        /// `name (addr)`.
        node: String,
        /// What was wrong.
        detail: String,
    },
    /// The node runs an older release without a feature the request needs; not sent.
    #[error(
        "{node} runs an older release without {missing}: the router does not send it this \
         request (upgrade the node, or leave out what needs the feature)"
    )]
    Unsupported {
        /// `name (addr)`.
        node: String,
        /// The missing features' names.
        missing: String,
    },
    /// The request could not be encoded for the node (a limit); not sent.
    #[error("cannot encode the request for {node}: {detail}")]
    Encode {
        /// `name (addr)`.
        node: String,
        /// Why.
        detail: String,
    },
}

impl LinkError {
    /// True when the node itself could not answer (down, unreachable, timed out, busy, shutting
    /// down, its disk failed or is full): another replica may answer instead. False for errors every replica would give
    /// for the same request (unknown collection, wrong dimension, bad argument, ...), which are
    /// passed to the client as they are.
    #[must_use]
    pub fn is_node_failure(&self) -> bool {
        match self {
            LinkError::Node { code, .. } => matches!(
                code,
                ErrorCode::Busy
                    | ErrorCode::ShuttingDown
                    | ErrorCode::Timeout
                    | ErrorCode::Unavailable
                    | ErrorCode::Storage
                    | ErrorCode::NoSpace
                    | ErrorCode::Internal
                    | ErrorCode::ChecksumMismatch
            ),
            LinkError::Encode { .. } | LinkError::Unsupported { .. } => false,
            _ => true,
        }
    }

    /// The wire code a client sees for this error when it is the only cause.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        match self {
            LinkError::Node { code, .. } => *code,
            LinkError::Encode { .. } => ErrorCode::BatchTooLarge,
            LinkError::Unsupported { .. } => ErrorCode::InvalidArgument,
            LinkError::Timeout { .. } => ErrorCode::Timeout,
            _ => ErrorCode::Unavailable,
        }
    }

    /// What went wrong, without the node's name.
    #[must_use]
    pub fn reason(&self) -> String {
        match self {
            LinkError::Down { reason, .. }
            | LinkError::Connect { reason, .. }
            | LinkError::Closed { reason, .. } => reason.clone(),
            LinkError::Timeout { after, .. } => {
                format!("no answer within {} ms", after.as_millis())
            }
            LinkError::Node { code, message, .. } => format!("{code}: {message}"),
            LinkError::Protocol { detail, .. } | LinkError::Encode { detail, .. } => detail.clone(),
            LinkError::Unsupported { missing, .. } => format!("lacks {missing}"),
        }
    }

    /// The message without the node prefix (for node-level errors passed through).
    #[must_use]
    pub fn node_message(&self) -> String {
        match self {
            LinkError::Node { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }
}
