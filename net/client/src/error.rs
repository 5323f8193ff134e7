//! [`ClientError`]: what a client call can fail with, grouped by how the caller reacts.

use corevec_proto::ErrorCode;

/// A failed client call.
///
/// * [`ClientError::Server`]: the server answered with an ERROR frame. Look at `code`
///   ([`ErrorCode::is_retryable`], [`ErrorCode::closes_connection`]).
/// * [`ClientError::Io`] and [`ClientError::Timeout`]: the outcome is unknown. A read that fails
///   with a connection error ([`ClientError::is_connection_error`]: `Io`, or a server code that
///   closes the connection and may be retried, such as SHUTTING_DOWN) is retried on a new
///   connection (see `ClientConfig::retries`); a `Timeout` is not (the request may still be
///   running), nor is a write.
/// * [`ClientError::Protocol`]: the server sent bytes this client cannot decode, or a response
///   that does not fit the request. The connection is closed; this is a bug on one side.
/// * [`ClientError::InvalidRequest`]: refused locally before sending (a limit or a name rule);
///   nothing was sent.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an ERROR body.
    #[error("server error {code}: {message}")]
    Server {
        /// Stable error code.
        code: ErrorCode,
        /// Detail from the server.
        message: String,
    },
    /// Connecting, reading or writing failed, or the connection was lost while the request was
    /// in flight.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// No response within the request timeout. The request may still execute on the server.
    #[error("request timed out")]
    Timeout,
    /// The peer violated the protocol.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// The request breaks a protocol rule or limit; it was not sent.
    #[error("invalid request: {0}")]
    InvalidRequest(#[source] corevec_proto::Error),
}

impl ClientError {
    /// The server's error code, if this is a server error.
    #[must_use]
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ClientError::Server { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// True for failures of the connection itself, after which an idempotent request may be
    /// retried on a new connection.
    #[must_use]
    pub fn is_connection_error(&self) -> bool {
        match self {
            ClientError::Io(_) => true,
            ClientError::Server { code, .. } => code.closes_connection() && code.is_retryable(),
            _ => false,
        }
    }
}
