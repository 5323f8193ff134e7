//! Collection administration and node-level requests through the router: CREATE, DROP and
//! SNAPSHOT go to every node; LIST and DESCRIBE aggregate every node's answer; STATS reports
//! the router's own counters.
//!
//! CREATE, DROP and SNAPSHOT need every node up (checked before sending: nothing is executed
//! otherwise). If a node fails while one runs, the answer is UNAVAILABLE naming it; repeating
//! the request completes it (nodes that already applied it answer COLLECTION_EXISTS /
//! COLLECTION_NOT_FOUND, which the router accepts when at least one node applied it now).
//!
//! LIST/DESCRIBE aggregation: `dim`, `metric`, the HNSW parameters and `read_replicas` are the
//! first answering node's (CREATE gave every node the same); `vectors_count` is the sum over
//! nodes divided by the collection's replication (exact while replicas agree), `bytes` the sum
//! over nodes (physical bytes in the cluster), `shards` the sum of the nodes' shard counts,
//! and `shard_infos` every node's shards in node order, renumbered consecutively. A node that cannot be reached contributes
//! nothing: the answer then lists fewer shard infos than `shards`, the protocol's signal for
//! an incomplete description (and its vectors are missing from `vectors_count`).

use std::collections::BTreeMap;

use corevec_proto::{
    CollectionInfo, CreateCollection, ErrorCode, Request, Response, ShardInfo, Stat, SHARDS_MAX,
    STAT_NAME_BYTES_MAX,
};

use crate::handler::Failure;
use crate::router::core::{describe_failures, RouterCore};
use crate::router::error::LinkError;
use crate::router::link::Reply;
use crate::router::stats;

/// Refuses an operation that must reach every node when one is marked down.
fn all_up(core: &RouterCore, what: &str) -> Result<(), Failure> {
    let down: Vec<String> = core
        .links
        .iter()
        .filter(|l| !l.is_up())
        .map(|l| format!("{}: marked down ({})", l.label, l.down_reason()))
        .collect();
    if down.is_empty() {
        Ok(())
    } else {
        Err(core.unavailable(format!(
            "{what} not executed: it must reach every node; missing nodes: {}",
            down.join("; ")
        )))
    }
}

/// Runs `request` on every node. `tolerated` is the code a node gives when the request was
/// already applied there (EXISTS for create, NOT_FOUND for drop).
async fn on_every_node(
    core: &RouterCore,
    request: &Request<'_>,
    what: &str,
    tolerated: Option<ErrorCode>,
) -> Result<(), Failure> {
    all_up(core, what)?;
    let results = core.broadcast(request).await;
    let mut applied = Vec::new();
    let mut already = Vec::new();
    let mut failed = Vec::new();
    for (node, result) in results.into_iter().enumerate() {
        match result.and_then(|r| r.response().map(|_| ())) {
            Ok(()) => applied.push(node),
            Err(LinkError::Node { code, .. }) if Some(code) == tolerated => already.push(node),
            Err(e) if !e.is_node_failure() => return Err(Failure::new(e.code(), e.node_message())),
            Err(e) => failed.push(e),
        }
    }
    if !failed.is_empty() {
        let names: Vec<&str> = applied
            .iter()
            .chain(&already)
            .map(|&n| core.shared.map.nodes[n].name.as_str())
            .collect();
        return Err(core.unavailable(format!(
            "{what} did not reach every node: missing nodes: {}; applied on: [{}]; repeat it \
             once they are back",
            describe_failures(&failed),
            names.join(", ")
        )));
    }
    if applied.is_empty() {
        if let Some(code) = tolerated {
            let message = match code {
                ErrorCode::CollectionExists => format!("{what}: collection exists"),
                _ => format!("{what}: collection not found"),
            };
            return Err(Failure::new(code, message));
        }
    } else if !already.is_empty() {
        tracing::info!(what, "completed on the nodes that had missed it");
    }
    Ok(())
}

pub(crate) async fn create(
    core: &RouterCore,
    c: &CreateCollection<'_>,
) -> Result<Response<'static>, Failure> {
    on_every_node(
        core,
        &Request::CreateCollection(*c),
        &format!("create collection {:?}", c.name),
        Some(ErrorCode::CollectionExists),
    )
    .await?;
    Ok(Response::CreateCollection)
}

pub(crate) async fn drop_collection(
    core: &RouterCore,
    name: &str,
) -> Result<Response<'static>, Failure> {
    on_every_node(
        core,
        &Request::DropCollection { name },
        &format!("drop collection {name:?}"),
        Some(ErrorCode::CollectionNotFound),
    )
    .await?;
    Ok(Response::DropCollection)
}

pub(crate) async fn snapshot(core: &RouterCore, name: &str) -> Result<Response<'static>, Failure> {
    on_every_node(core, &Request::Snapshot { name }, "snapshot", None).await?;
    Ok(Response::Snapshot)
}

/// Per-node infos of one collection, in node order; `None` for unreachable nodes.
fn aggregate(core: &RouterCore, name: &str, per_node: &[Option<CollectionInfo>]) -> CollectionInfo {
    let (replication, _) = core.config().policy(name);
    let present: Vec<&CollectionInfo> = per_node.iter().flatten().collect();
    let first = present[0];
    let (mut shards, mut vectors, mut bytes) = (0u32, 0u64, 0u64);
    let mut shard_infos = Vec::new();
    for info in per_node {
        match info {
            Some(info) => {
                for s in &info.shard_infos {
                    // Saturating: the numbers are the nodes', not checked against each other.
                    shard_infos.push(ShardInfo {
                        shard: shards.saturating_add(s.shard),
                        ..*s
                    });
                }
                shards = shards.saturating_add(u32::from(info.shards));
                vectors = vectors.saturating_add(info.vectors_count);
                bytes = bytes.saturating_add(info.bytes);
            }
            // Keep the numbering of later nodes stable: assume the same shard count.
            None => shards = shards.saturating_add(u32::from(first.shards)),
        }
    }
    // The protocol carries at most SHARDS_MAX shards per collection; a cluster can hold more.
    shard_infos.truncate(SHARDS_MAX as usize);
    CollectionInfo {
        name: name.to_owned(),
        dim: first.dim,
        metric: first.metric,
        shards: u16::try_from(shards.min(SHARDS_MAX)).unwrap_or(u16::MAX),
        connectivity: first.connectivity,
        expansion_add: first.expansion_add,
        read_replicas: first.read_replicas,
        vectors_count: vectors / replication.max(1) as u64,
        bytes,
        shard_infos,
    }
}

fn decode_infos(reply: &Reply) -> Result<Vec<CollectionInfo>, LinkError> {
    match reply.response()? {
        Response::ListCollections(list) => Ok(list),
        Response::DescribeCollection(info) => Ok(vec![info]),
        other => Err(LinkError::Protocol {
            node: String::new(),
            detail: format!("unexpected answer {other:?}"),
        }),
    }
}

pub(crate) async fn list(core: &RouterCore) -> Result<Vec<CollectionInfo>, Failure> {
    let results = core.broadcast(&Request::ListCollections).await;
    let nodes = core.links.len();
    let mut by_name: BTreeMap<String, Vec<Option<CollectionInfo>>> = BTreeMap::new();
    let mut failed = Vec::new();
    for (node, result) in results.into_iter().enumerate() {
        match result.and_then(|r| decode_infos(&r)) {
            Ok(infos) => {
                for info in infos {
                    let slots = by_name
                        .entry(info.name.clone())
                        .or_insert_with(|| vec![None; nodes]);
                    slots[node] = Some(info);
                }
            }
            Err(e) if !e.is_node_failure() => return Err(Failure::new(e.code(), e.node_message())),
            Err(e) => failed.push(e),
        }
    }
    if failed.len() == nodes {
        return Err(core.unavailable(format!(
            "list collections: no node answered: {}",
            describe_failures(&failed)
        )));
    }
    Ok(by_name
        .iter()
        .map(|(name, per_node)| aggregate(core, name, per_node))
        .collect())
}

pub(crate) async fn describe(core: &RouterCore, name: &str) -> Result<Response<'static>, Failure> {
    let results = core.broadcast(&Request::DescribeCollection { name }).await;
    let mut per_node = Vec::new();
    let mut failed = Vec::new();
    for result in results {
        match result.and_then(|r| decode_infos(&r)) {
            Ok(mut infos) if infos.len() == 1 => per_node.push(infos.pop()),
            Ok(_) => per_node.push(None),
            Err(LinkError::Node {
                code: ErrorCode::CollectionNotFound,
                ..
            }) => per_node.push(None),
            Err(e) if !e.is_node_failure() => return Err(Failure::new(e.code(), e.node_message())),
            Err(e) => {
                failed.push(e);
                per_node.push(None);
            }
        }
    }
    if per_node.iter().all(Option::is_none) {
        if !failed.is_empty() {
            return Err(
                core.unavailable(format!("describe {name:?}: {}", describe_failures(&failed)))
            );
        }
        return Err(Failure::new(
            ErrorCode::CollectionNotFound,
            format!("collection {name:?} not found"),
        ));
    }
    Ok(Response::DescribeCollection(aggregate(
        core, name, &per_node,
    )))
}

/// The router's STATS: the client-facing server's counters, the router's counters, this
/// core's view of the nodes, and (best effort, from LIST) the cluster's collections, vectors
/// and bytes.
pub(crate) async fn stats(core: &RouterCore) -> Vec<Stat> {
    let stat = |name: &str, value: u64| Stat {
        name: name.to_owned(),
        value,
    };
    let server = core.state.stats.totals();
    let router = core
        .shared
        .counters
        .get()
        .map(|c| stats::totals(c))
        .unwrap_or_default();
    let map = &core.shared.map;
    let mut out = vec![
        stat("connections", server.connections),
        stat("uptime_s", server.uptime_s),
        stat("requests", server.requests),
        stat("in_flight", server.in_flight),
        stat("busy", server.busy),
        stat("errors", server.errors),
        stat("connections_accepted", server.connections_accepted),
        stat("connections_rejected", server.connections_rejected),
        stat("cores", core.cores as u64),
        stat("router", 1),
        stat("map_version", map.version),
        stat("partitions", u64::from(map.partitions)),
        stat("replication", core.config().replication as u64),
        stat("nodes", core.links.len() as u64),
        stat(
            "nodes_up",
            core.links.iter().filter(|l| l.is_up()).count() as u64,
        ),
        // Feature bits HELLO enables now: those every node that is up has.
        stat("features", core.features()),
        stat(
            "node_in_flight",
            core.links.iter().map(|l| l.in_flight() as u64).sum(),
        ),
        stat("node_requests", router.node_requests),
        stat("node_failures", router.node_failures),
        stat("hedges", router.hedges),
        stat("failovers", router.failovers),
        stat("unavailable", router.unavailable),
        stat("partial", router.partial),
        stat("under_replicated_writes", router.under_replicated_writes),
        stat("node_down_events", router.node_down_events),
    ];
    // Per node, writes acknowledged without it (`missed_writes.NAME`, or `.#INDEX` for a name
    // too long for a stat name).
    for (index, node) in map.nodes.iter().enumerate() {
        let name = format!("missed_writes.{}", node.name);
        let name = if name.len() <= STAT_NAME_BYTES_MAX {
            name
        } else {
            format!("missed_writes.#{index}")
        };
        let missed = router.missed_writes.get(index).copied().unwrap_or(0);
        out.push(Stat {
            name,
            value: missed,
        });
    }
    if let Ok(infos) = list(core).await {
        out.push(stat("collections", infos.len() as u64));
        out.push(stat("vectors", infos.iter().map(|i| i.vectors_count).sum()));
        out.push(stat("bytes", infos.iter().map(|i| i.bytes).sum()));
    }
    out
}
