//! The read paths: SEARCH (scatter to one replica of every partition group, hedge, fail over,
//! gather and merge), GET (routed by partition, fail over per group) and SCROLL (one replica
//! of every partition group, fail over per group, pages merged by id).
//!
//! A node answers over *all* its data, and a node holds several groups, so a search asks a
//! set of nodes that together cover every group (preferring nodes already asked, so with
//! R = 2 of 3 nodes two nodes usually suffice), then merges their top-k lists by
//! `(distance, id)` exactly as a node merges its shards, dropping duplicate ids (replicas
//! return the same vector at the same distance).
//!
//! Never silently partial: a group whose every replica failed makes the search fail with
//! UNAVAILABLE naming the nodes, unless the client set `allow_partial`, in which case the
//! answer from the other groups carries the `partial` flag.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::poll_fn;
use std::task::Poll;
use std::time::Instant;

use corevec_engine::rt;
use corevec_engine::{Point, ScrollPage};
use corevec_proto::{
    ErrorCode, Hit, IdsRef, IdsRequest, LabelsBuf, PayloadsBuf, Request, Response, Scroll, Search,
    SearchFlags, SearchResponse,
};

use crate::handler::{scroll_answer, Answer, Failure, ScrollParts};
use crate::router::config::HedgeDelay;
use crate::router::core::{encode_body, join_all, LocalFuture, RouterCore};
use crate::router::error::LinkError;
use crate::router::link::Reply;
use crate::router::map::Placement;
use crate::router::stats::RouterCounters;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    NotAsked,
    InFlight,
    Done,
    Failed,
}

struct Outstanding {
    node: usize,
    hedge_at: Option<Instant>,
    future: LocalFuture<'static, Result<Reply, LinkError>>,
}

enum Event {
    Reply(usize, Result<Reply, LinkError>),
    Hedge,
}

/// Sorts by `(distance, id)`, drops repeated ids (keeping the closest), keeps `k`.
pub(crate) fn merge_hits(mut hits: Vec<Hit>, k: usize) -> Vec<Hit> {
    hits.sort_unstable_by(|a, b| a.distance.total_cmp(&b.distance).then(a.id.cmp(&b.id)));
    let mut seen = HashSet::with_capacity(k.min(hits.len()) * 2);
    let mut out = Vec::with_capacity(k.min(hits.len()));
    for hit in hits {
        if out.len() == k {
            break;
        }
        if seen.insert(hit.id) {
            out.push(hit);
        }
    }
    out
}

/// Why each holder of the uncovered groups could not answer.
fn lost_message(
    core: &RouterCore,
    placement: &Placement,
    uncovered: &[usize],
    errors: &BTreeMap<usize, LinkError>,
) -> String {
    let mut nodes: Vec<usize> = uncovered
        .iter()
        .flat_map(|&g| placement.groups[g].iter().copied())
        .collect();
    nodes.sort_unstable();
    nodes.dedup();
    let reasons: Vec<String> = nodes
        .iter()
        .map(|&n| match errors.get(&n) {
            Some(e) => e.to_string(),
            None if !core.links[n].is_up() => format!(
                "{}: marked down ({})",
                core.links[n].label,
                core.links[n].down_reason()
            ),
            None => format!("{}: not asked", core.links[n].label),
        })
        .collect();
    let partitions: usize = placement
        .partition_group
        .iter()
        .filter(|g| uncovered.contains(&(**g as usize)))
        .count();
    format!(
        "{partitions} of {} partitions have no reachable replica: {}",
        placement.partitions,
        reasons.join("; ")
    )
}

/// A node's answer to a SEARCH forwarded for `s`: per query its hits, and their payloads when
/// `s` asked for them.
pub(crate) type SearchPart = (Vec<Vec<Hit>>, Option<Vec<Vec<Vec<u8>>>>);

/// `node` answered what the request does not allow.
fn protocol_error(node: &str, detail: impl Into<String>) -> LinkError {
    LinkError::Protocol {
        node: node.to_owned(),
        detail: detail.into(),
    }
}

/// Checks a node's answer (`response`, from `node`) to the SEARCH forwarded for `s`: a
/// search answer for as many queries, with payloads when asked for.
pub(crate) fn search_part(
    response: Response<'_>,
    s: &Search<'_>,
    node: &str,
) -> Result<SearchPart, LinkError> {
    let protocol = |detail: String| protocol_error(node, detail);
    match response {
        Response::Search(r) if s.flags.with_payloads && r.payloads.is_none() => Err(protocol(
            "answered without the payloads asked for (an older version?)".into(),
        )),
        Response::Search(r) if r.results.len() == s.queries.count() => Ok((r.results, r.payloads)),
        Response::Search(_) => Err(protocol("answered a different number of queries".into())),
        other => Err(protocol(format!("unexpected answer to SEARCH: {other:?}"))),
    }
}

/// The answers gathered for one SEARCH: per query every node's hits, and the payloads they
/// came with.
pub(crate) struct SearchMerge {
    hits: Vec<Vec<Hit>>,
    /// Per query, id → payload (replicas agree; the first answer's is kept).
    payloads_of: Vec<HashMap<u64, Vec<u8>>>,
    /// Nodes whose answers were added.
    pub(crate) answered: usize,
}

impl SearchMerge {
    pub(crate) fn new(queries: usize) -> SearchMerge {
        SearchMerge {
            hits: vec![Vec::new(); queries],
            payloads_of: vec![HashMap::new(); queries],
            answered: 0,
        }
    }

    /// Adds one node's checked answer ([`search_part`]).
    pub(crate) fn add(&mut self, (results, payloads): SearchPart) {
        self.answered += 1;
        if let Some(payloads) = payloads {
            for ((of, mine), payloads) in self.payloads_of.iter_mut().zip(&results).zip(payloads) {
                for (hit, payload) in mine.iter().zip(payloads) {
                    of.entry(hit.id).or_insert(payload);
                }
            }
        }
        for (all, mine) in self.hits.iter_mut().zip(results) {
            all.extend(mine);
        }
    }

    /// The merged top `k` per query ([`merge_hits`]), with each hit's payload when
    /// `with_payloads`; `partial` when some group had no answer.
    pub(crate) fn finish(self, k: usize, with_payloads: bool, partial: bool) -> Answer {
        let results: Vec<Vec<Hit>> = self.hits.into_iter().map(|h| merge_hits(h, k)).collect();
        let payloads = with_payloads.then(|| {
            results
                .iter()
                .zip(self.payloads_of)
                .map(|(list, mut of)| {
                    list.iter()
                        .map(|hit| of.remove(&hit.id).unwrap_or_default())
                        .collect()
                })
                .collect()
        });
        Answer::Response(Response::Search(SearchResponse {
            partial,
            results,
            payloads,
        }))
    }
}

/// Why a read failed when two nodes answered with different dimensions for `collection`:
/// their vectors cannot share one answer, and they are not the same collection's (replicas
/// that disagree need repairing, not merging).
fn dimensions_disagree(collection: &str, known: u32, other: u32, node: &str) -> Failure {
    Failure::new(
        ErrorCode::Internal,
        format!(
            "nodes disagree on the dimension of collection {collection:?}: {known}, and {other} \
             from {node}; check the replicas (corevec repair)"
        ),
    )
}

/// SEARCH through the router.
pub(crate) async fn search(core: &RouterCore, s: Search<'_>) -> Result<Answer, Failure> {
    let (placement, _) = core.policy(s.collection);
    let queries = s.queries.count();
    let k = s.k as usize;
    let forwarded = Request::Search(Search {
        flags: SearchFlags {
            exact: s.flags.exact,
            allow_partial: false,
            with_payloads: s.flags.with_payloads,
        },
        ..s
    });
    let body = encode_body(&forwarded)?;
    let nodes = core.links.len();
    let groups = placement.groups.len();
    let hedge = core.config().hedge_delay;

    let mut status = vec![Status::NotAsked; nodes];
    let mut errors: BTreeMap<usize, LinkError> = BTreeMap::new();
    let mut covered = vec![false; groups];
    let mut merge = SearchMerge::new(queries);
    let mut outstanding: Vec<Outstanding> = Vec::new();

    let launch = |node: usize, status: &mut Vec<Status>, outstanding: &mut Vec<Outstanding>| {
        status[node] = Status::InFlight;
        let hedge_at = match hedge {
            HedgeDelay::Off => None,
            HedgeDelay::Auto => Some(Instant::now() + core.links[node].observed_p95()),
            HedgeDelay::Fixed(delay) => Some(Instant::now() + delay),
        };
        outstanding.push(Outstanding {
            node,
            hedge_at,
            future: core.send(node, &body),
        });
    };

    loop {
        // Every uncovered group without a request in flight gets its best untried replica.
        let mut uncovered = Vec::new();
        for (g, _) in covered.iter().enumerate().filter(|(_, c)| !**c) {
            uncovered.push(g);
            let holders = &placement.groups[g];
            if holders.iter().any(|&n| status[n] == Status::InFlight) {
                continue;
            }
            if let Some(node) = core.pick(holders, |n| status[n] == Status::NotAsked) {
                launch(node, &mut status, &mut outstanding);
            }
        }
        if uncovered.is_empty() {
            break;
        }
        let waiting = uncovered.iter().any(|&g| {
            placement.groups[g]
                .iter()
                .any(|&n| status[n] == Status::InFlight)
        });
        if !waiting {
            if let Some(refusal) = refusal(&errors, merge.answered > 0) {
                return Err(refusal);
            }
            // Some group has no replica left: never answer silently short.
            let message = lost_message(core, placement, &uncovered, &errors);
            if s.flags.allow_partial && merge.answered > 0 {
                RouterCounters::add(&core.counters().partial, 1);
                tracing::debug!(%message, "partial search answer (client allowed it)");
                return Ok(merge.finish(k, s.flags.with_payloads, true));
            }
            return Err(core.unavailable(format!("search failed: {message}")));
        }

        let next_hedge = outstanding.iter().filter_map(|o| o.hedge_at).min();
        let mut timer: Option<LocalFuture<'static, ()>> = next_hedge.map(|at| {
            let delay = at.saturating_duration_since(Instant::now());
            Box::pin(rt::sleep(delay)) as LocalFuture<'static, ()>
        });
        let event = poll_fn(|cx| {
            for (i, o) in outstanding.iter_mut().enumerate() {
                if let Poll::Ready(result) = o.future.as_mut().poll(cx) {
                    return Poll::Ready(Event::Reply(i, result));
                }
            }
            if let Some(timer) = timer.as_mut() {
                if timer.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Event::Hedge);
                }
            }
            Poll::Pending
        })
        .await;
        drop(timer);

        match event {
            Event::Hedge => {
                let now = Instant::now();
                let due: Vec<usize> = outstanding
                    .iter_mut()
                    .filter(|o| o.hedge_at.is_some_and(|at| at <= now))
                    .map(|o| {
                        o.hedge_at = None;
                        o.node
                    })
                    .collect();
                for slow in due {
                    for &g in &placement.node_groups[slow] {
                        if covered[g] {
                            continue;
                        }
                        // Another replica, unless one not yet due is already on it.
                        let busy = placement.groups[g].iter().any(|&n| {
                            n != slow
                                && status[n] == Status::InFlight
                                && outstanding
                                    .iter()
                                    .any(|o| o.node == n && o.hedge_at.is_some())
                        });
                        if busy {
                            continue;
                        }
                        if let Some(node) =
                            core.pick(&placement.groups[g], |n| status[n] == Status::NotAsked)
                        {
                            RouterCounters::add(&core.counters().hedges, 1);
                            launch(node, &mut status, &mut outstanding);
                        }
                    }
                }
            }
            Event::Reply(i, result) => {
                let node = outstanding.swap_remove(i).node;
                let decoded = result
                    .and_then(|reply| search_part(reply.response()?, &s, &core.links[node].label));
                match decoded {
                    Ok(part) => {
                        status[node] = Status::Done;
                        merge.add(part);
                        for &g in &placement.node_groups[node] {
                            covered[g] = true;
                        }
                    }
                    Err(e) => {
                        // A refusal (unknown collection, wrong dim, ...) is tried on the other
                        // replicas too: one that missed a CREATE or lost its disk says so
                        // while the others hold the data ([`refusal`]).
                        status[node] = Status::Failed;
                        if e.is_node_failure()
                            && placement.node_groups[node].iter().any(|&g| !covered[g])
                        {
                            RouterCounters::add(&core.counters().failovers, 1);
                        }
                        errors.insert(node, e);
                    }
                }
            }
        }
    }
    Ok(merge.finish(k, s.flags.with_payloads, false))
}

/// A node's answer to a GET of some of the ids of a request: per id asked, its vector if
/// found, and its payload and labels (empty when not found or not asked for).
pub(crate) struct GetPart {
    dim: u32,
    vectors: Vec<Option<Vec<f32>>>,
    payloads: Vec<Vec<u8>>,
    labels: Vec<Vec<u64>>,
}

/// Checks a node's answer (`response`, from `node`) to a GET of `asked` of the ids of `g`:
/// a GET answer with a flag per id, and payloads and labels when asked for (a node sends
/// none when it found no id).
pub(crate) fn get_part(
    response: Response<'_>,
    g: &IdsRequest<'_>,
    asked: usize,
    node: &str,
) -> Result<GetPart, LinkError> {
    let protocol = |detail: String| protocol_error(node, detail);
    match response {
        Response::Get(r) if r.found.len() == asked => {
            let any_found = r.found.contains(&true);
            if g.with_payloads && r.payloads.is_none() && any_found {
                return Err(protocol(
                    "GET with WITH_PAYLOADS answered without payloads".into(),
                ));
            }
            if g.with_labels && r.labels.is_none() && any_found {
                return Err(protocol(
                    "GET with WITH_LABELS answered without labels".into(),
                ));
            }
            Ok(GetPart {
                dim: r.vectors.dim(),
                vectors: r.iter().map(|v| v.map(|v| v.to_vec())).collect(),
                payloads: r
                    .iter_payloads()
                    .map(|p| p.unwrap_or_default().to_vec())
                    .collect(),
                labels: r
                    .iter_labels()
                    .map(|l| l.map(|l| l.to_vec()).unwrap_or_default())
                    .collect(),
            })
        }
        other => Err(protocol(format!("unexpected answer to GET: {other:?}"))),
    }
}

/// The answers gathered for one GET, per id of the request.
pub(crate) struct GetMerge<'a> {
    collection: &'a str,
    with_payloads: bool,
    with_labels: bool,
    vectors: Vec<Option<Vec<f32>>>,
    payloads: Vec<Vec<u8>>,
    labels: Vec<Vec<u64>>,
    /// The collection's dimension, once a node answered.
    dim: Option<u32>,
}

impl<'a> GetMerge<'a> {
    pub(crate) fn new(g: &IdsRequest<'a>) -> GetMerge<'a> {
        let n = g.ids.len();
        GetMerge {
            collection: g.collection,
            with_payloads: g.with_payloads,
            with_labels: g.with_labels,
            vectors: vec![None; n],
            payloads: vec![Vec::new(); if g.with_payloads { n } else { 0 }],
            labels: vec![Vec::new(); if g.with_labels { n } else { 0 }],
            dim: None,
        }
    }

    /// Some node answered.
    pub(crate) fn answered(&self) -> bool {
        self.dim.is_some()
    }

    /// Adds `node`'s checked answer ([`get_part`]) for the request's ids at `indices`.
    ///
    /// # Errors
    /// INTERNAL when its dimension is not the one an earlier node answered with.
    pub(crate) fn add(
        &mut self,
        indices: &[usize],
        part: GetPart,
        node: &str,
    ) -> Result<(), Failure> {
        if let Some(known) = self.dim.filter(|&known| known != part.dim) {
            return Err(dimensions_disagree(self.collection, known, part.dim, node));
        }
        self.dim = Some(part.dim);
        if self.with_payloads {
            for (&i, payload) in indices.iter().zip(part.payloads) {
                self.payloads[i] = payload;
            }
        }
        if self.with_labels {
            for (&i, list) in indices.iter().zip(part.labels) {
                self.labels[i] = list;
            }
        }
        for (&i, v) in indices.iter().zip(part.vectors) {
            self.vectors[i] = v;
        }
        Ok(())
    }

    /// The answer: a flag per id, the found vectors packed, their payloads and labels.
    ///
    /// # Errors
    /// INTERNAL when the nodes' payloads or labels do not fit one answer.
    pub(crate) fn finish(self) -> Result<Answer, Failure> {
        let found: Vec<bool> = self.vectors.iter().map(Option::is_some).collect();
        let payloads =
            if self.with_payloads {
                let found_payloads: Vec<&[u8]> = self
                    .payloads
                    .iter()
                    .zip(&found)
                    .filter(|(_, found)| **found)
                    .map(|(payload, _)| payload.as_slice())
                    .collect();
                Some(PayloadsBuf::from_slices(&found_payloads).map_err(|e| {
                    Failure::new(ErrorCode::Internal, format!("a node's payload: {e}"))
                })?)
            } else {
                None
            };
        let labels = if self.with_labels {
            let mut buf = LabelsBuf::new();
            for (list, _) in self.labels.iter().zip(&found).filter(|(_, found)| **found) {
                buf.push(list).map_err(|e| {
                    Failure::new(ErrorCode::Internal, format!("a node's labels: {e}"))
                })?;
            }
            Some(buf)
        } else {
            None
        };
        Ok(Answer::Get {
            found,
            flat: self.vectors.into_iter().flatten().flatten().collect(),
            dim: self.dim.unwrap_or(0),
            payloads,
            labels,
        })
    }
}

/// GET through the router: each id from one replica of its group; a failed replica's groups
/// are retried on the next replica; a group with none left fails the request (UNAVAILABLE).
pub(crate) async fn get(core: &RouterCore, g: IdsRequest<'_>) -> Result<Answer, Failure> {
    let (placement, _) = core.policy(g.collection);
    let ids = g.ids.to_vec();
    let id_groups: Vec<usize> = ids.iter().map(|&id| placement.group_of(id)).collect();
    let mut pending: Vec<usize> = id_groups.clone();
    pending.sort_unstable();
    pending.dedup();
    if pending.is_empty() {
        // Nothing to look up, but the answer carries the collection's dim: ask any replica.
        pending.push(0);
    }
    let mut errors: BTreeMap<usize, LinkError> = BTreeMap::new();
    let mut merge = GetMerge::new(&g);

    while !pending.is_empty() {
        let assignment = assign_groups(core, placement, &pending, &errors, "get")
            .map_err(|unavailable| refusal(&errors, merge.answered()).unwrap_or(unavailable))?;
        let mut batches = Vec::new();
        let mut futures = Vec::new();
        for (&node, groups) in &assignment {
            let indices: Vec<usize> = (0..ids.len())
                .filter(|&i| groups.contains(&id_groups[i]))
                .collect();
            let sub: Vec<u64> = indices.iter().map(|&i| ids[i]).collect();
            let body = encode_body(&Request::Get(IdsRequest {
                collection: g.collection,
                ids: IdsRef::new(&sub),
                with_payloads: g.with_payloads,
                with_labels: g.with_labels,
            }))?;
            futures.push(core.send(node, &body));
            batches.push((node, groups.clone(), indices));
        }
        let results = join_all(futures).await;
        pending.clear();
        for ((node, groups, indices), result) in batches.into_iter().zip(results) {
            let label = &core.links[node].label;
            match result.and_then(|reply| get_part(reply.response()?, &g, indices.len(), label)) {
                Ok(part) => merge.add(&indices, part, label)?,
                Err(e) => fail_over(core, node, e, groups, &mut errors, &mut pending),
            }
        }
    }
    merge.finish()
}

/// Assigns every group of `pending` to one replica that is up and has not failed during this
/// request (`errors`; a replica that answered for other groups may be asked again), preferring
/// nodes already chosen (a node answers for all its groups at once). Returns the groups per
/// node, or, when some group has no replica left, UNAVAILABLE saying why (`what` names the
/// request).
fn assign_groups(
    core: &RouterCore,
    placement: &Placement,
    pending: &[usize],
    errors: &BTreeMap<usize, LinkError>,
    what: &str,
) -> Result<BTreeMap<usize, Vec<usize>>, Failure> {
    let mut assignment: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut lost = Vec::new();
    for &group in pending {
        let holders = &placement.groups[group];
        let node = holders
            .iter()
            .copied()
            .find(|n| assignment.contains_key(n) && core.links[*n].is_up())
            .or_else(|| core.pick(holders, |n| !errors.contains_key(&n)));
        match node {
            Some(n) => assignment.entry(n).or_default().push(group),
            None => lost.push(group),
        }
    }
    if lost.is_empty() {
        Ok(assignment)
    } else {
        let message = lost_message(core, placement, &lost, errors);
        Err(core.unavailable(format!("{what} failed: {message}")))
    }
}

/// A replica's failed answer to a per-group read (GET, SCROLL): the error is kept (for the
/// message, or as the answer: [`refusal`]) and the node's groups go back to `pending` for
/// their next replica; a node failure counts as a failover.
fn fail_over(
    core: &RouterCore,
    node: usize,
    error: LinkError,
    groups: Vec<usize>,
    errors: &mut BTreeMap<usize, LinkError>,
    pending: &mut Vec<usize>,
) {
    if error.is_node_failure() {
        RouterCounters::add(&core.counters().failovers, 1);
    }
    errors.insert(node, error);
    pending.extend(groups);
}

/// A read that no replica answered, refused by one for the request itself (unknown
/// collection, wrong dimension, bad argument: what a single node would answer), gets that
/// refusal rather than UNAVAILABLE. A refusal while other replicas answered means the
/// replicas disagree (one missed a CREATE or lost its disk: `corevec repair`); the request
/// was served from the others, or fails UNAVAILABLE naming the refusal.
fn refusal(errors: &BTreeMap<usize, LinkError>, answered: bool) -> Option<Failure> {
    if answered {
        return None;
    }
    errors
        .values()
        .find(|e| !e.is_node_failure())
        .map(|e| Failure::new(e.code(), e.node_message()))
}

/// Checks a node's answer (`response`, from `node`) to the SCROLL `s`: a page inside the one
/// asked for, with the parts asked for. Returns the collection's dimension and the page.
pub(crate) fn scroll_part(
    response: Response<'_>,
    s: &Scroll<'_>,
    node: &str,
) -> Result<(u32, ScrollPage), LinkError> {
    let protocol = |detail: &str| protocol_error(node, detail);
    let r = match response {
        Response::Scroll(r) => r,
        other => return Err(protocol(&format!("unexpected answer to SCROLL: {other:?}"))),
    };
    if r.ids.len() > s.limit as usize || r.ids.get(0).is_some_and(|id| id < s.start_id) {
        return Err(protocol("answered a SCROLL page outside the one asked for"));
    }
    if s.with_vectors != r.vectors.is_some()
        || s.with_payloads != r.payloads.is_some()
        || s.with_labels != r.labels.is_some()
    {
        return Err(protocol(
            "answered a SCROLL page without the parts asked for",
        ));
    }
    let points = r
        .ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let point = Point {
                vector: r
                    .vectors
                    .and_then(|v| v.vector(i))
                    .map(|v| v.to_vec())
                    .unwrap_or_default(),
                payload: r
                    .payloads
                    .and_then(|p| p.get(i))
                    .unwrap_or_default()
                    .to_vec(),
                labels: r
                    .labels
                    .and_then(|l| l.get(i))
                    .map(|l| l.to_vec())
                    .unwrap_or_default(),
            };
            (id, point)
        })
        .collect();
    Ok((
        r.dim,
        ScrollPage {
            points,
            more: r.more,
        },
    ))
}

/// The pages gathered for one SCROLL.
pub(crate) struct ScrollMerge<'a> {
    collection: &'a str,
    pages: Vec<ScrollPage>,
    /// The collection's dimension, once a node answered.
    dim: Option<u32>,
}

impl<'a> ScrollMerge<'a> {
    pub(crate) fn new(collection: &'a str) -> ScrollMerge<'a> {
        ScrollMerge {
            collection,
            pages: Vec::new(),
            dim: None,
        }
    }

    /// Some node answered.
    pub(crate) fn answered(&self) -> bool {
        self.dim.is_some()
    }

    /// Adds `node`'s checked page ([`scroll_part`]) of a collection of dimension `dim`.
    ///
    /// # Errors
    /// INTERNAL when `dim` is not the one an earlier node answered with.
    pub(crate) fn add(&mut self, dim: u32, page: ScrollPage, node: &str) -> Result<(), Failure> {
        if let Some(known) = self.dim.filter(|&known| known != dim) {
            return Err(dimensions_disagree(self.collection, known, dim, node));
        }
        self.dim = Some(dim);
        self.pages.push(page);
        Ok(())
    }

    /// The merged page ([`ScrollPage::merge`]) as the answer to `s`.
    ///
    /// # Errors
    /// INTERNAL when the nodes' points do not fit one answer.
    pub(crate) fn finish(self, s: &Scroll<'_>) -> Result<Answer, Failure> {
        let page = ScrollPage::merge(self.pages, s.limit as usize);
        let parts = ScrollParts {
            vectors: s.with_vectors,
            payloads: s.with_payloads,
            labels: s.with_labels,
        };
        scroll_answer(
            page.points,
            page.more,
            self.dim.unwrap_or(0) as usize,
            parts,
        )
    }
}

/// SCROLL through the router: the same page from one replica of every partition group (a
/// node answers over all the groups it holds; a failed replica's groups go to the next
/// replica, and a group with none left fails the request with UNAVAILABLE), merged by id
/// with replicas' duplicates dropped. A node's page that was cut short (`more` set) is
/// complete only up to its last id, so the merged page stops at the smallest such id.
pub(crate) async fn scroll(core: &RouterCore, s: Scroll<'_>) -> Result<Answer, Failure> {
    let (placement, _) = core.policy(s.collection);
    let body = encode_body(&Request::Scroll(s))?;
    let mut pending: Vec<usize> = (0..placement.groups.len()).collect();
    // A node's page covers every group it holds, whichever it was asked for.
    let mut covered = vec![false; placement.groups.len()];
    let mut errors: BTreeMap<usize, LinkError> = BTreeMap::new();
    let mut merge = ScrollMerge::new(s.collection);
    while !pending.is_empty() {
        let assignment = assign_groups(core, placement, &pending, &errors, "scroll")
            .map_err(|unavailable| refusal(&errors, merge.answered()).unwrap_or(unavailable))?;
        let futures = assignment
            .keys()
            .map(|&node| core.send(node, &body))
            .collect();
        let results = join_all(futures).await;
        pending.clear();
        for ((node, groups), result) in assignment.into_iter().zip(results) {
            let label = &core.links[node].label;
            match result.and_then(|reply| scroll_part(reply.response()?, &s, label)) {
                Ok((node_dim, page)) => {
                    merge.add(node_dim, page, label)?;
                    for &g in &placement.node_groups[node] {
                        covered[g] = true;
                    }
                }
                Err(e) => fail_over(core, node, e, groups, &mut errors, &mut pending),
            }
        }
        pending.retain(|&g| !covered[g]);
    }
    merge.finish(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: u64, distance: f32) -> Hit {
        Hit { id, distance }
    }

    #[test]
    fn merge_orders_by_distance_then_id_and_dedups() {
        let hits = vec![
            hit(5, 1.0),
            hit(3, 0.5),
            hit(3, 0.5), // the same vector from a second replica
            hit(4, 1.0),
            hit(9, 0.1),
            hit(9, 0.1),
        ];
        let merged = merge_hits(hits, 3);
        let ids: Vec<u64> = merged.iter().map(|h| h.id).collect();
        assert_eq!(ids, vec![9, 3, 4]);
        assert!(merge_hits(vec![hit(1, 0.0), hit(1, 0.0)], 5).len() == 1);
    }
}
