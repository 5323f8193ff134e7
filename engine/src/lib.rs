//! corevec-engine: the shards and the cores that own them.
//!
//! Owns: placement of one glommio executor per selected core (`topology`, `engine`),
//! collection definitions and placement of ids on shards (`collection`), each core's shards
//! and their vectors (`shard`, `vectors`; with read replicas also its copies of the shards
//! other cores own, fed by message), labels and filters (`filter`), distances (`distance`),
//! top-k selection (`topk`), the HNSW index (`hnsw`), the messages between cores (`mesh`),
//! the coordination of a request across cores (`local`), and what goes on disk besides the
//! log: the snapshot blobs' contents and the catalog files (`persist`). The WAL and the
//! snapshot files themselves (framing, checksums, atomic publication, recovery) are
//! `corevec_storage`'s; the runtime is reached only through `rt`.
//!
//! Must never: share mutable state between cores (no locks: cross-core data moves by
//! message), block an executor on another core, or know about the network protocol.

#![deny(
    unsafe_op_in_unsafe_fn,
    clippy::missing_safety_doc,
    clippy::undocumented_unsafe_blocks
)]

pub mod collection;
pub mod distance;
pub mod engine;
pub mod error;
pub mod filter;
#[doc(hidden)]
pub mod fuzzing;
pub mod hnsw;
pub mod local;
pub mod mesh;
pub mod persist;
pub mod rt;
pub mod shard;
pub mod topk;
pub mod topology;
pub mod vectors;

pub use collection::{CollectionSpec, IndexParams};
pub use distance::Metric;
pub use engine::{CorePlacement, Engine, EngineConfig};
pub use error::{Error, Result};
pub use filter::{Filter, FILTER_GROUPS_MAX, FILTER_LABELS_MAX, LABELS_PER_POINT_MAX};
pub use local::{
    CollectionInfo, LocalEngine, Point, ReplicaInfo, ScrollPage, ScrollRequest, SearchRequest,
    SearchResults, SCROLL_LIMIT_MAX,
};
pub use shard::PAYLOAD_BYTES_MAX;
pub use topk::Neighbor;
pub use topology::CoreSelection;
