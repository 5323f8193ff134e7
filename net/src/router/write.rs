//! The write paths: UPSERT (batch split per node, every replica of each id's partition) and
//! DELETE, SET_PAYLOAD and SET_LABELS (split per partition group, so the acknowledged count is
//! exact).
//!
//! Acknowledgement: a write succeeds when every partition group it touches was acknowledged
//! by at least W of its R replicas (W from `write_quorum`: all = R, quorum = ⌈R/2⌉, one = 1). Before
//! sending, the router checks that enough replicas are *up*; if not, the write is refused
//! with UNAVAILABLE and nothing is sent. If replicas fail during the write and W is missed,
//! the answer is UNAVAILABLE naming the missing nodes and the nodes that did apply it (the
//! write is idempotent: retry it once the nodes are back). Errors every replica gives for the
//! same request (unknown collection, wrong dimension, NaN, ...) are passed through as they are.

use std::borrow::Cow;
use std::collections::BTreeSet;

use corevec_proto::{
    IdsRef, IdsRequest, LabelsRef, PayloadsRef, Request, Response, SetLabels, SetPayload, Upsert,
    VectorsRef, WriteAck,
};

use crate::handler::{Answer, Failure};
use crate::router::config::WriteQuorum;
use crate::router::core::{describe_failures, encode_body, join_all, NodeRequest, RouterCore};
use crate::router::error::LinkError;
use crate::router::link::Reply;
use crate::router::map::Placement;
use crate::router::stats::RouterCounters;

/// Refuses a write up front when a touched group has fewer than W replicas up.
fn precheck(
    core: &RouterCore,
    placement: &Placement,
    quorum: WriteQuorum,
    touched: &[bool],
) -> Result<(), Failure> {
    let need = quorum.required(placement.replication);
    let mut down = BTreeSet::new();
    for (g, _) in touched.iter().enumerate().filter(|(_, t)| **t) {
        let holders = &placement.groups[g];
        let up = holders.iter().filter(|&&n| core.links[n].is_up()).count();
        if up < need {
            down.extend(holders.iter().copied().filter(|&n| !core.links[n].is_up()));
        }
    }
    if down.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = down
        .iter()
        .map(|&n| {
            format!(
                "{}: marked down ({})",
                core.links[n].label,
                core.links[n].down_reason()
            )
        })
        .collect();
    Err(core.unavailable(format!(
        "write not executed: write_quorum={quorum} needs {need} of {} replicas per partition; \
         missing nodes: {}",
        placement.replication,
        names.join("; ")
    )))
}

/// Outcome per node: acknowledged, or its error.
type NodeOutcome = Result<u32, LinkError>;

fn decode_ack(core: &RouterCore, node: usize, result: Result<Reply, LinkError>) -> NodeOutcome {
    let reply = result?;
    match reply.response()? {
        Response::Upsert(ack)
        | Response::Delete(ack)
        | Response::SetPayload(ack)
        | Response::SetLabels(ack) => Ok(ack.count),
        other => Err(LinkError::Protocol {
            node: core.links[node].label.to_string(),
            detail: format!("unexpected answer to a write: {other:?}"),
        }),
    }
}

/// A write without ids changes nothing, but a node still checks the collection (and an
/// UPSERT's dimension): one node that is up answers it, as a single node would.
async fn empty_write(core: &RouterCore, body: &NodeRequest) -> Result<u32, Failure> {
    let nodes: Vec<usize> = (0..core.links.len()).collect();
    let mut failed = vec![false; nodes.len()];
    let mut reasons = Vec::new();
    let mut refused = None;
    while let Some(node) = core.pick(&nodes, |n| !failed[n]) {
        match decode_ack(core, node, core.send(node, body).await) {
            Ok(count) => return Ok(count),
            Err(e) => {
                failed[node] = true;
                reasons.push(e.to_string());
                // A refusal (unknown collection, ...) is the answer unless a node accepts it.
                if !e.is_node_failure() && refused.is_none() {
                    refused = Some(Failure::new(e.code(), e.node_message()));
                }
            }
        }
    }
    if let Some(refused) = refused {
        return Err(refused);
    }
    if reasons.is_empty() {
        reasons.push("no node is up".into());
    }
    Err(core.unavailable(format!("write failed: {}", reasons.join("; "))))
}

/// Checks W for every touched group given which (group, node) writes succeeded.
fn evaluate(
    core: &RouterCore,
    placement: &Placement,
    quorum: WriteQuorum,
    acked: impl Fn(usize, usize) -> bool,
    touched: &[bool],
    errors: &[(usize, LinkError)],
) -> Result<(), Failure> {
    if let Some((node, e)) = errors.iter().find(|(_, e)| !e.is_node_failure()) {
        let applied_somewhere = touched
            .iter()
            .enumerate()
            .any(|(g, &t)| t && placement.groups[g].iter().any(|&n| acked(g, n)));
        if !applied_somewhere {
            // Refused for the request itself (unknown collection, wrong dim, ...), as a single
            // node would: nothing was written anywhere.
            return Err(Failure::new(e.code(), e.node_message()));
        }
        // Replicas disagree: the ones that refused missed the write, as a failed one would.
        tracing::warn!(node = %core.links[*node].label, error = %e,
            "a replica refused a write that others applied (did it miss a CREATE or lose its \
             disk? `corevec repair` makes it equal to another replica)");
    }
    let need = quorum.required(placement.replication);
    let mut short = Vec::new();
    for (g, _) in touched.iter().enumerate().filter(|(_, t)| **t) {
        let acks = placement.groups[g].iter().filter(|&&n| acked(g, n)).count();
        if acks < need {
            short.push(g);
        }
    }
    if short.is_empty() {
        if !errors.is_empty() {
            RouterCounters::add(&core.counters().under_replicated_writes, 1);
            // One count per node per write (a DELETE sends a node one batch per group).
            let missed: BTreeSet<usize> = errors.iter().map(|(node, _)| *node).collect();
            for node in missed {
                RouterCounters::add(&core.counters().missed_writes[node], 1);
                core.links[node].note_missed_write();
            }
            tracing::warn!(
                failures = %describe_failures(errors.iter().map(|(_, e)| e)),
                "write acknowledged with write_quorum={quorum} but not on every replica"
            );
        }
        return Ok(());
    }
    let mut missing = BTreeSet::new();
    for &g in &short {
        missing.extend(
            placement.groups[g]
                .iter()
                .copied()
                .filter(|&n| !acked(g, n)),
        );
    }
    // One error per missing node (DELETE sends a node one batch per group).
    let mut named = BTreeSet::new();
    let missing_text = describe_failures(
        errors
            .iter()
            .filter(|(n, _)| missing.contains(n) && named.insert(*n))
            .map(|(_, e)| e),
    );
    let mut applied = BTreeSet::new();
    for (g, _) in touched.iter().enumerate().filter(|(_, t)| **t) {
        applied.extend(placement.groups[g].iter().copied().filter(|&n| acked(g, n)));
    }
    let applied: Vec<&str> = applied
        .iter()
        .map(|&n| core.shared.map.nodes[n].name.as_str())
        .collect();
    Err(core.unavailable(format!(
        "write_quorum={quorum} not met ({need} of {} replicas) for {} partition group(s); \
         missing nodes: {missing_text}; applied on: [{}]; the write is idempotent: retry it",
        placement.replication,
        short.len(),
        applied.join(", ")
    )))
}

/// UPSERT through the router.
pub(crate) async fn upsert(core: &RouterCore, u: Upsert<'_>) -> Result<Answer, Failure> {
    let (placement, quorum) = core.policy(u.collection);
    let ids = u.ids.to_vec();
    if ids.is_empty() {
        let count = empty_write(core, &encode_body(&Request::Upsert(u))?).await?;
        return Ok(Answer::Response(Response::Upsert(WriteAck {
            count,
            lsn: None,
        })));
    }
    let dim = u.vectors.dim();
    let floats: Cow<'_, [f32]> = match u.vectors.as_f32_slice() {
        Some(floats) => Cow::Borrowed(floats),
        None => Cow::Owned(u.vectors.to_vec()),
    };
    let payloads: Option<Vec<&[u8]>> = u.payloads.map(|p| p.iter().collect());
    let labels: Option<Vec<Vec<u64>>> = u
        .labels
        .map(|l| l.iter().map(|list| list.to_vec()).collect());
    let groups = placement.groups.len();
    let id_groups: Vec<usize> = ids.iter().map(|&id| placement.group_of(id)).collect();
    let mut touched = vec![false; groups];
    for &g in &id_groups {
        touched[g] = true;
    }
    precheck(core, placement, quorum, &touched)?;

    let nodes = core.links.len();
    let mut per_node: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    for (i, &g) in id_groups.iter().enumerate() {
        for &n in &placement.groups[g] {
            per_node[n].push(i);
        }
    }
    let mut whole: Option<NodeRequest> = None;
    let mut sent = Vec::new();
    let mut futures = Vec::new();
    let d = dim as usize;
    for (node, indices) in per_node.iter().enumerate() {
        if indices.is_empty() {
            continue;
        }
        let body = if indices.len() == ids.len() {
            match &whole {
                Some(body) => body.clone(),
                None => {
                    let body = encode_body(&Request::Upsert(u))?;
                    whole = Some(body.clone());
                    body
                }
            }
        } else {
            let sub_ids: Vec<u64> = indices.iter().map(|&i| ids[i]).collect();
            let mut sub_vectors = Vec::with_capacity(indices.len() * d);
            for &i in indices {
                sub_vectors.extend_from_slice(&floats[i * d..(i + 1) * d]);
            }
            let sub_payloads: Option<Vec<&[u8]>> = payloads
                .as_ref()
                .map(|all| indices.iter().map(|&i| all[i]).collect());
            let sub_labels: Option<Vec<&[u64]>> = labels
                .as_ref()
                .map(|all| indices.iter().map(|&i| all[i].as_slice()).collect());
            encode_body(&Request::Upsert(Upsert {
                collection: u.collection,
                ids: IdsRef::new(&sub_ids),
                vectors: VectorsRef::new(&sub_vectors, dim),
                payloads: sub_payloads.as_deref().map(PayloadsRef::new),
                labels: sub_labels.as_deref().map(LabelsRef::new),
            }))?
        };
        futures.push(core.send(node, &body));
        sent.push(node);
    }
    let results = join_all(futures).await;
    let mut ok = vec![false; nodes];
    let mut errors = Vec::new();
    for (node, result) in sent.into_iter().zip(results) {
        match decode_ack(core, node, result) {
            Ok(_) => ok[node] = true,
            Err(e) => errors.push((node, e)),
        }
    }
    evaluate(core, placement, quorum, |_, n| ok[n], &touched, &errors)?;
    Ok(Answer::Response(Response::Upsert(WriteAck {
        count: u32::try_from(ids.len()).unwrap_or(u32::MAX),
        lsn: None,
    })))
}

/// DELETE through the router: one batch per partition group, sent to each of its replicas;
/// the count of a group is the largest any replica reports (replicas agree unless one missed
/// writes while it was down).
pub(crate) async fn delete(core: &RouterCore, d: IdsRequest<'_>) -> Result<Answer, Failure> {
    let ids = d.ids.to_vec();
    let count = write_by_group(core, d.collection, &ids, |group| {
        let group_ids: Vec<u64> = group.iter().map(|&i| ids[i]).collect();
        encode_body(&Request::Delete(IdsRequest {
            collection: d.collection,
            ids: IdsRef::new(&group_ids),
            with_payloads: false,
            with_labels: false,
        }))
    })
    .await?;
    Ok(Answer::Response(Response::Delete(WriteAck {
        count,
        lsn: None,
    })))
}

/// SET_PAYLOAD through the router: as DELETE, each group's ids with their payloads.
pub(crate) async fn set_payload(core: &RouterCore, p: SetPayload<'_>) -> Result<Answer, Failure> {
    let ids = p.ids.to_vec();
    let payloads: Vec<&[u8]> = p.payloads.iter().collect();
    let count = write_by_group(core, p.collection, &ids, |group| {
        let group_ids: Vec<u64> = group.iter().map(|&i| ids[i]).collect();
        let group_payloads: Vec<&[u8]> = group.iter().map(|&i| payloads[i]).collect();
        encode_body(&Request::SetPayload(SetPayload {
            collection: p.collection,
            ids: IdsRef::new(&group_ids),
            payloads: PayloadsRef::new(&group_payloads),
        }))
    })
    .await?;
    Ok(Answer::Response(Response::SetPayload(WriteAck {
        count,
        lsn: None,
    })))
}

/// SET_LABELS through the router: as SET_PAYLOAD, each group's ids with their label lists.
pub(crate) async fn set_labels(core: &RouterCore, l: SetLabels<'_>) -> Result<Answer, Failure> {
    let ids = l.ids.to_vec();
    let lists: Vec<Vec<u64>> = l.labels.iter().map(|list| list.to_vec()).collect();
    let count = write_by_group(core, l.collection, &ids, |group| {
        let group_ids: Vec<u64> = group.iter().map(|&i| ids[i]).collect();
        let group_lists: Vec<&[u64]> = group.iter().map(|&i| lists[i].as_slice()).collect();
        encode_body(&Request::SetLabels(SetLabels {
            collection: l.collection,
            ids: IdsRef::new(&group_ids),
            labels: LabelsRef::new(&group_lists),
        }))
    })
    .await?;
    Ok(Answer::Response(Response::SetLabels(WriteAck {
        count,
        lsn: None,
    })))
}

/// A write of `ids` split by partition group: `body(indices)` encodes one group's request
/// (indices into `ids`), sent to each of the group's replicas. Returns the sum over groups of
/// the largest count any replica of the group acknowledged.
async fn write_by_group(
    core: &RouterCore,
    collection: &str,
    ids: &[u64],
    body: impl Fn(&[usize]) -> Result<NodeRequest, Failure>,
) -> Result<u32, Failure> {
    if ids.is_empty() {
        return empty_write(core, &body(&[])?).await;
    }
    let (placement, quorum) = core.policy(collection);
    let groups = placement.groups.len();
    let mut per_group: Vec<Vec<usize>> = vec![Vec::new(); groups];
    for (i, &id) in ids.iter().enumerate() {
        per_group[placement.group_of(id)].push(i);
    }
    let touched: Vec<bool> = per_group.iter().map(|g| !g.is_empty()).collect();
    precheck(core, placement, quorum, &touched)?;

    let mut sent = Vec::new();
    let mut futures = Vec::new();
    for (g, group) in per_group.iter().enumerate() {
        if group.is_empty() {
            continue;
        }
        let body = body(group)?;
        for &node in &placement.groups[g] {
            futures.push(core.send(node, &body));
            sent.push((g, node));
        }
    }
    let results = join_all(futures).await;
    let nodes = core.links.len();
    let mut acked = vec![vec![false; nodes]; groups];
    let mut counts = vec![0u32; groups];
    let mut errors = Vec::new();
    for ((g, node), result) in sent.into_iter().zip(results) {
        match decode_ack(core, node, result) {
            Ok(count) => {
                acked[g][node] = true;
                counts[g] = counts[g].max(count);
            }
            Err(e) => errors.push((node, e)),
        }
    }
    evaluate(
        core,
        placement,
        quorum,
        |g, n| acked[g][n],
        &touched,
        &errors,
    )?;
    Ok(counts.iter().fold(0u32, |a, &c| a.saturating_add(c)))
}
