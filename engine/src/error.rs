//! The engine's error type, grouped by how a caller reacts.

use std::path::PathBuf;

/// Result with the engine's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything the engine can refuse or fail at.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    // --- The request is wrong: fix it and retry. ---
    /// A vector's length differs from the collection's dimension.
    #[error("dimension mismatch: collection has {expected} dimensions, vector has {received}")]
    DimensionMismatch {
        /// The collection's dimension.
        expected: usize,
        /// The vector's length.
        received: usize,
    },
    /// A vector holds NaN, an infinity, or a component beyond
    /// [`crate::collection::COMPONENT_ABS_MAX`].
    #[error(
        "vector for id {id} has a non-finite or out-of-range component at index {index} \
         (components must be finite, at most {} in absolute value)",
        crate::collection::COMPONENT_ABS_MAX
    )]
    InvalidVector {
        /// The id whose vector is invalid (0 for queries).
        id: u64,
        /// The first offending component.
        index: usize,
    },
    /// An argument is out of range or inconsistent (the message says which).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// No collection has this name.
    #[error("collection {0:?} not found")]
    CollectionNotFound(String),
    /// A collection with this name already exists.
    #[error("collection {0:?} already exists")]
    CollectionExists(String),
    /// The answer would hold more vectors and payloads than one response may carry
    /// ([`crate::local::RESULT_BYTES_MAX`]); refused before it is copied together.
    #[error(
        "the answer would hold more than {max} bytes of vectors and payloads: ask for fewer \
         ids or queries, a smaller k, or leave out the payloads"
    )]
    ResultTooLarge {
        /// The limit.
        max: usize,
    },

    // --- The engine is saturated or stopping: back off and retry later. ---
    /// Too much work in flight between cores; nothing was done.
    #[error("busy: {0}")]
    Busy(&'static str),
    /// The engine is shutting down.
    #[error("engine is shutting down")]
    ShuttingDown,
    /// A core did not answer in time.
    #[error("timed out waiting for core {core}")]
    Timeout {
        /// The core that did not answer.
        core: usize,
    },

    // --- The machine or its files failed: operator attention. ---
    /// The data directory's file system has less free space than the configured minimum:
    /// writes that add data are refused (nothing was applied) until space is freed, so the
    /// WAL never runs into a full disk; deletes are still taken.
    #[error(
        "the data directory's file system has {} MiB free, below the minimum of {} MiB \
         (min_free_mib): writes are refused until space is freed (deletes are taken); \
         nothing was written",
        available_bytes >> 20,
        min_free_bytes >> 20
    )]
    DiskLow {
        /// Free bytes at the last check.
        available_bytes: u64,
        /// The configured minimum.
        min_free_bytes: u64,
    },
    /// The node's anonymous resident memory is above the configured limit: writes that add
    /// data are refused (nothing was applied) until memory is freed, so the node is not
    /// killed for memory (and then killed again by the replay of what it acknowledged); deletes
    /// are still taken.
    #[error(
        "the node holds {} MiB of memory, above its limit of {} MiB (max_memory_percent): \
         writes that add data are refused until memory is freed (deletes are taken, and a \
         compaction returns their memory); nothing was written",
        resident_bytes >> 20,
        max_memory_bytes >> 20
    )]
    MemoryHigh {
        /// Anonymous resident bytes at the last check.
        resident_bytes: u64,
        /// The configured limit.
        max_memory_bytes: u64,
    },
    /// Durable storage failed (I/O error, full disk, corruption).
    #[error(transparent)]
    Storage(#[from] corevec_storage::Error),
    /// Topology discovery or core placement failed.
    #[error("placement: {0}")]
    Placement(String),
    /// Memory or an executor could not be obtained, or a file outside storage failed.
    #[error("{context}: {source}")]
    System {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A collection's catalog file is unreadable.
    #[error("catalog file {path}: {reason}")]
    Catalog {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

impl Error {
    pub(crate) fn system(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::System {
            context: context.into(),
            source,
        }
    }
}
