//! `corevec repair`: make one node's replicas of a collection equal to another replica's.
//!
//! The router has no hinted handoff or read repair (docs/ROUTER.md): a node that was down while
//! writes were acknowledged by its peers (`write_quorum` below `all`) misses them, and a node
//! whose disk was replaced holds nothing. This command heals such a node from the router's
//! configuration file, talking to the nodes directly over the client protocol:
//!
//! 1. From the shard map it lists the partition groups the node holds and, for each, the replica
//!    to copy from (`--from`, or the group's first other replica in map order).
//! 2. For every source node it lists both nodes' points in ascending id order with SCROLL
//!    (vector, payload, labels), keeps the ids of the groups being repaired, and merge-joins the
//!    two listings into the ids that differ (missing on the target, held differently, or
//!    only on the target). Nothing is held in memory but one page of each listing and one
//!    batch of ids.
//! 3. Each batch is read again from the source (GET) just before it is written, and the
//!    target gets the source's state of that moment: the point, or its deletion.
//!
//! Without `--yes` it only counts the differences (a dry run that exits 5 when there are
//! some), so an operator can check replicas after an incident. A replica cannot tell which
//! copy is newer (points carry no versions): the operator names the node that is behind.
//! Because each batch is read again, a write that reached both nodes while they were listed is
//! not set back; one that races the batch's GET and UPSERT can be. Repair with writes to the
//! collection stopped where possible; a second dry run that finds nothing proves the copies
//! agree.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;
use corevec_client::{Client, ClientConfig, Point, ScrollOptions};
use corevec_net::router::{NodeSpec, ShardMap};
use corevec_proto::{CollectionInfo, CreateCollection, ErrorCode, FRAME_BODY_BYTES_MAX};

use crate::cmd::export::parse_page;
use crate::cmd::route::{RouteArgs, RouteSettings};
use crate::{Context, Failure};

/// Exit code of a dry run that found differences.
pub const EXIT_DIFFERENT: u8 = 5;

/// Points per batch (one GET from the source, then one UPSERT and one DELETE to the target),
/// at most.
const UPSERT_POINTS_MAX: usize = 1024;
/// Encoded bytes per batch, at most (a quarter of a frame).
const UPSERT_BYTES_MAX: usize = FRAME_BODY_BYTES_MAX as usize / 4;

/// Arguments of `corevec repair`.
#[derive(Debug, Args)]
pub struct RepairArgs {
    /// Router configuration file (the node list, the map and per-collection replication), as
    /// given to `corevec route --config`.
    #[arg(long, env = "COREVEC_ROUTER_CONFIG", value_name = "FILE")]
    pub config: PathBuf,
    /// Collection to repair.
    pub collection: String,
    /// The node to repair: its name in the configuration's node list.
    #[arg(long, value_name = "NAME")]
    pub node: String,
    /// The node to copy from [default: for each partition group of --node, its first other
    /// replica in map order]. Only the groups both nodes hold are repaired.
    #[arg(long, value_name = "NAME")]
    pub from: Option<String>,
    /// Write the changes to the node; without it, only count them (exit 5 if there are some).
    #[arg(long)]
    pub yes: bool,
    /// Points per SCROLL request (1..=4096).
    #[arg(long, default_value = "4096", value_parser = parse_page, value_name = "N")]
    pub page: u32,
}

/// How the target's copy of one id differs from the source's.
#[derive(Clone, Debug, PartialEq)]
pub enum Difference {
    /// The source has the point, the target does not.
    Missing(u64, Point),
    /// Both have it, with a different vector, payload or labels (the source's point).
    Different(u64, Point),
    /// Only the target has it.
    Extra(u64),
}

/// Whether two copies of a point are the same: the vectors bit for bit, payloads and labels.
fn same_point(a: &Point, b: &Point) -> bool {
    a.payload == b.payload
        && a.labels == b.labels
        && a.vector.len() == b.vector.len()
        && a.vector
            .iter()
            .zip(&b.vector)
            .all(|(x, y)| x.to_bits() == y.to_bits())
}

/// A listing of `(id, point)` in ascending id order.
type Listing<'a> = Box<dyn Iterator<Item = Result<(u64, Point), Failure>> + 'a>;

/// Merge-joins two id-ascending listings into the [`Difference`]s that turn the target's into
/// the source's. An id out of order in either listing is an error (the merge would be wrong).
pub struct Differences<'a> {
    source: std::iter::Peekable<Checked<'a>>,
    target: std::iter::Peekable<Checked<'a>>,
}

/// A listing that fails on an id not above the previous one.
struct Checked<'a> {
    inner: Listing<'a>,
    last: Option<u64>,
    side: &'static str,
}

impl Iterator for Checked<'_> {
    type Item = Result<(u64, Point), Failure>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.inner.next()?;
        if let Ok((id, _)) = &item {
            if let Some(last) = self.last.filter(|&last| *id <= last) {
                return Some(Err(Failure::runtime(format!(
                    "the {} listed id {id} after {last}; ids must ascend",
                    self.side
                ))));
            }
            self.last = Some(*id);
        }
        Some(item)
    }
}

impl<'a> Differences<'a> {
    /// The differences between `source` and `target`.
    pub fn new(source: Listing<'a>, target: Listing<'a>) -> Differences<'a> {
        let checked = |inner, side| Checked {
            inner,
            last: None,
            side,
        };
        Differences {
            source: checked(source, "source").peekable(),
            target: checked(target, "target").peekable(),
        }
    }
}

impl Iterator for Differences<'_> {
    type Item = Result<Difference, Failure>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            // Errors first, so that a failed listing is never taken for an exhausted one.
            for listing in [&mut self.source, &mut self.target] {
                if matches!(listing.peek(), Some(Err(_))) {
                    return listing.next().and_then(Result::err).map(Err);
                }
            }
            let source_id = self
                .source
                .peek()
                .and_then(|r| r.as_ref().ok())
                .map(|p| p.0);
            let target_id = self
                .target
                .peek()
                .and_then(|r| r.as_ref().ok())
                .map(|p| p.0);
            match (source_id, target_id) {
                (None, None) => return None,
                (Some(s), t) if t.is_none_or(|t| s < t) => {
                    let (id, point) = self.source.next()?.ok()?;
                    return Some(Ok(Difference::Missing(id, point)));
                }
                (s, Some(t)) if s.is_none_or(|s| t < s) => {
                    self.target.next();
                    return Some(Ok(Difference::Extra(t)));
                }
                _ => {
                    let (id, source) = self.source.next()?.ok()?;
                    let (_, target) = self.target.next()?.ok()?;
                    if !same_point(&source, &target) {
                        return Some(Ok(Difference::Different(id, source)));
                    }
                }
            }
        }
    }
}

/// Counts of differences.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Counts {
    missing: u64,
    different: u64,
    extra: u64,
    /// Points written to the target, and deleted from it (with `--yes`; the source's state at
    /// write time decides, so these may differ from the listing's counts).
    upserted: u64,
    deleted: u64,
}

impl Counts {
    fn add(&mut self, difference: &Difference) {
        match difference {
            Difference::Missing(..) => self.missing += 1,
            Difference::Different(..) => self.different += 1,
            Difference::Extra(_) => self.extra += 1,
        }
    }

    fn total(self) -> u64 {
        self.missing + self.different + self.extra
    }

    fn add_counts(&mut self, other: Counts) {
        self.missing += other.missing;
        self.different += other.different;
        self.extra += other.extra;
        self.upserted += other.upserted;
        self.deleted += other.deleted;
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} missing, {} different, {} extra",
            self.missing, self.different, self.extra
        )?;
        if self.upserted + self.deleted > 0 {
            write!(
                f,
                " (wrote {} points, deleted {})",
                self.upserted, self.deleted
            )?;
        }
        Ok(())
    }
}

/// The target's pending changes, sent in bounded batches. Each batch is read again from the
/// source just before it is written (one GET), so what lands on the target is the source's
/// state of that moment, not of when the listing passed the id: a write that reached both
/// nodes during the listing is not set back, and a point the source deleted or wrote
/// meanwhile is deleted or written. Only a write racing that last GET can still be missed.
struct Writes<'a> {
    source: &'a Client,
    target: &'a Client,
    collection: &'a str,
    with_payloads: bool,
    with_labels: bool,
    /// Ids that differ, in listing order.
    ids: Vec<u64>,
    /// Bytes the source's copies of `ids` are expected to take (from the listing).
    bytes: usize,
    /// What was written.
    upserted: u64,
    deleted: u64,
}

impl Writes<'_> {
    fn push(&mut self, difference: &Difference) -> Result<(), Failure> {
        let (id, bytes) = match difference {
            Difference::Missing(id, point) | Difference::Different(id, point) => (
                *id,
                16 + 4 * point.vector.len() + point.payload.len() + 8 * point.labels.len(),
            ),
            Difference::Extra(id) => (*id, 16),
        };
        self.ids.push(id);
        self.bytes += bytes;
        if self.ids.len() >= UPSERT_POINTS_MAX || self.bytes >= UPSERT_BYTES_MAX {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Failure> {
        if self.ids.is_empty() {
            return Ok(());
        }
        let range = format!("ids {}..={}", self.ids[0], self.ids[self.ids.len() - 1]);
        let fresh = self
            .source
            .get_points(
                self.collection,
                &self.ids,
                self.with_payloads,
                self.with_labels,
            )
            .context(format!(
                "reading {} points ({range}) again from the source",
                self.ids.len()
            ))?;
        let (mut ids, mut vectors, mut payloads, mut labels) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut deletes = Vec::new();
        for (&id, point) in self.ids.iter().zip(fresh) {
            match point {
                Some(point) => {
                    ids.push(id);
                    vectors.extend_from_slice(&point.vector);
                    payloads.push(point.payload);
                    labels.push(point.labels);
                }
                None => deletes.push(id),
            }
        }
        if !ids.is_empty() {
            let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
            let labels: Vec<&[u64]> = labels.iter().map(Vec::as_slice).collect();
            self.target
                .upsert_points(
                    self.collection,
                    &ids,
                    &vectors,
                    self.with_payloads.then_some(payloads.as_slice()),
                    self.with_labels.then_some(labels.as_slice()),
                )
                .context(format!(
                    "upserting {} points ({range}) to the target",
                    ids.len()
                ))?;
            self.upserted += ids.len() as u64;
        }
        if !deletes.is_empty() {
            self.target
                .delete(self.collection, &deletes)
                .context(format!(
                    "deleting {} points ({range}) from the target",
                    deletes.len()
                ))?;
            self.deleted += deletes.len() as u64;
        }
        self.ids.clear();
        self.bytes = 0;
        Ok(())
    }
}

/// One node of the map, connected.
struct NodeClient {
    name: String,
    client: Client,
}

impl NodeClient {
    fn connect(spec: &NodeSpec, config: &ClientConfig) -> Result<Self, Failure> {
        let client = Client::connect(spec.addr, config.clone())
            .context(format!("connecting to node {spec}"))?;
        Ok(NodeClient {
            name: spec.name.clone(),
            client,
        })
    }

    fn supports(&self) -> Result<(bool, bool), Failure> {
        let what = format!("HELLO to node {}", self.name);
        Ok((
            self.client.supports_payloads().context(&what)?,
            self.client.supports_labels().context(&what)?,
        ))
    }

    /// The collection's description, or `None` if the node does not have it.
    fn describe(&self, collection: &str) -> Result<Option<CollectionInfo>, Failure> {
        match self.client.describe_collection(collection) {
            Ok(info) => Ok(Some(info)),
            Err(e) if e.code() == Some(ErrorCode::CollectionNotFound) => Ok(None),
            Err(e) => Err(Failure::runtime(format!(
                "describing {collection} on node {}: {e}",
                self.name
            ))),
        }
    }
}

/// `corevec repair`.
///
/// # Errors
/// A bad configuration, an unknown node or a collection without replicas (exit 2);
/// connection, server or protocol errors (exit 1, after the changes sent so far); differences
/// found in a dry run (exit 5).
pub fn run(args: &RepairArgs) -> Result<(), Failure> {
    let settings = RouteSettings::resolve(&RouteArgs::with_config(args.config.clone()))?;
    let config = settings.router;
    let map = ShardMap::from_config(&config);
    let (replication, _) = config.policy(&args.collection);
    let placement = map.placement(replication);
    let node_names = || {
        map.nodes
            .iter()
            .map(|n| n.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let index_of = |flag: &str, name: &str| {
        map.nodes
            .iter()
            .position(|n| n.name == name)
            .ok_or_else(|| {
                Failure::usage(format!(
                    "{flag} {name:?}: no such node in {} (nodes: {})",
                    args.config.display(),
                    node_names()
                ))
            })
    };
    let target = index_of("--node", &args.node)?;
    if placement.replication < 2 {
        return Err(Failure::usage(format!(
            "{} has replication {}: node {} holds the only copy of its partitions, so there is \
             nothing to repair from (use `corevec export` / `import` to move data)",
            args.collection, placement.replication, args.node
        )));
    }
    let from = args
        .from
        .as_deref()
        .map(|name| index_of("--from", name))
        .transpose()?;
    if from == Some(target) {
        return Err(Failure::usage("--from and --node name the same node"));
    }
    // Source node → the target's groups it repairs.
    let mut plan: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut skipped = Vec::new();
    for &group in &placement.node_groups[target] {
        let replicas = &placement.groups[group];
        let source = match from {
            Some(from) if replicas.contains(&from) => Some(from),
            Some(_) => None,
            None => replicas.iter().copied().find(|&n| n != target),
        };
        match source {
            Some(source) => plan.entry(source).or_default().push(group),
            None => skipped.push(group),
        }
    }
    if plan.is_empty() {
        return Err(Failure::usage(format!(
            "--from {:?} holds none of the partition groups of {} (replication {})",
            args.from.as_deref().unwrap_or_default(),
            args.node,
            placement.replication
        )));
    }

    if !skipped.is_empty() {
        println!(
            "{} groups {skipped:?} are not held by --from {}: not compared (run again with \
             another --from, or without it)",
            args.node,
            args.from.as_deref().unwrap_or_default()
        );
    }
    let client_config = ClientConfig {
        auth_token: config.node_auth_token.clone(),
        connect_timeout: config.connect_timeout,
        request_timeout: config.request_timeout.max(Duration::from_secs(30)),
        ..ClientConfig::default()
    };
    let target_node = NodeClient::connect(&map.nodes[target], &client_config)?;
    let started = Instant::now();
    let mut totals = Counts::default();
    for (&source, groups) in &plan {
        let source_node = NodeClient::connect(&map.nodes[source], &client_config)?;
        let counts = repair_from(args, &source_node, &target_node, &|id| {
            groups.contains(&placement.group_of(id))
        })?;
        println!(
            "{} groups {:?} from {}: {counts}{}",
            args.node,
            groups,
            source_node.name,
            if args.yes && counts.total() > 0 {
                ", repaired"
            } else {
                ""
            }
        );
        totals.add_counts(counts);
    }
    let secs = started.elapsed().as_secs_f64();
    if totals.total() == 0 {
        println!(
            "{} on {} agrees with its replicas ({secs:.1} s)",
            args.collection, args.node
        );
        Ok(())
    } else if args.yes {
        println!(
            "repaired {} on {}: {totals} ({secs:.1} s); run again without --yes to verify",
            args.collection, args.node
        );
        Ok(())
    } else {
        Err(Failure {
            exit_code: EXIT_DIFFERENT,
            message: format!(
                "{} on {} differs from its replicas: {totals}; run again with --yes to repair",
                args.collection, args.node
            ),
        })
    }
}

/// Compares (and with `--yes` repairs) the target's points for which `in_groups` holds
/// against the source's.
fn repair_from(
    args: &RepairArgs,
    source: &NodeClient,
    target: &NodeClient,
    in_groups: &dyn Fn(u64) -> bool,
) -> Result<Counts, Failure> {
    let collection = args.collection.as_str();
    let Some(info) = source.describe(collection)? else {
        return Err(Failure::runtime(format!(
            "node {} has no collection {collection} to copy from (create it through the router)",
            source.name
        )));
    };
    let target_info = target.describe(collection)?;
    match &target_info {
        Some(t) if t.dim != info.dim || t.metric != info.metric => {
            return Err(Failure::runtime(format!(
                "{collection} is {}-d {:?} on {} but {}-d {:?} on {}: drop it on {} first",
                t.dim, t.metric, target.name, info.dim, info.metric, source.name, target.name
            )));
        }
        Some(_) => {}
        None if args.yes => {
            target
                .client
                .create_collection(&CreateCollection {
                    name: collection,
                    dim: info.dim,
                    metric: info.metric,
                    shards: 0,
                    connectivity: info.connectivity,
                    expansion_add: info.expansion_add,
                    read_replicas: info.read_replicas,
                })
                .context(format!("creating {collection} on node {}", target.name))?;
            println!(
                "created {collection} on {} ({}-d, as on {}; the node's default shard count)",
                target.name, info.dim, source.name
            );
        }
        None => println!(
            "{collection} does not exist on {}: every point is missing",
            target.name
        ),
    }
    let (source_payloads, source_labels) = source.supports()?;
    let (target_payloads, target_labels) = target.supports()?;
    if (source_payloads && !target_payloads) || (source_labels && !target_labels) {
        return Err(Failure::runtime(format!(
            "node {} stores payloads or labels that node {} does not support",
            source.name, target.name
        )));
    }
    let options = ScrollOptions {
        with_vectors: true,
        with_payloads: source_payloads,
        with_labels: source_labels,
        filter: None,
    };
    let target_listing: Listing<'_> = if target_info.is_some() || args.yes {
        listing(target, collection, args.page, options, in_groups)
    } else {
        Box::new(std::iter::empty())
    };
    let mut writes = Writes {
        source: &source.client,
        target: &target.client,
        collection,
        with_payloads: source_payloads,
        with_labels: source_labels,
        ids: Vec::new(),
        bytes: 0,
        upserted: 0,
        deleted: 0,
    };
    let mut counts = Counts::default();
    for difference in Differences::new(
        listing(source, collection, args.page, options, in_groups),
        target_listing,
    ) {
        let difference = difference?;
        counts.add(&difference);
        if args.yes {
            writes.push(&difference)?;
        }
    }
    writes.flush()?;
    counts.upserted = writes.upserted;
    counts.deleted = writes.deleted;
    Ok(counts)
}

/// `node`'s points of `collection` for which `in_groups` holds, in id order.
fn listing<'a>(
    node: &'a NodeClient,
    collection: &'a str,
    page: u32,
    options: ScrollOptions<'a>,
    in_groups: &'a dyn Fn(u64) -> bool,
) -> Listing<'a> {
    let what = format!("listing {collection} on node {}", node.name);
    Box::new(
        node.client
            .scroll_all(collection, page, options)
            .filter(move |item| item.as_ref().map_or(true, |(id, _)| in_groups(*id)))
            .map(move |item| item.context(&what)),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

    fn point(vector: &[f32], payload: &[u8], labels: &[u64]) -> Point {
        Point {
            vector: vector.to_vec(),
            payload: payload.to_vec(),
            labels: labels.to_vec(),
        }
    }

    fn listing(points: &BTreeMap<u64, Point>) -> Listing<'_> {
        Box::new(points.iter().map(|(&id, p)| Ok((id, p.clone()))))
    }

    fn differences(
        source: &BTreeMap<u64, Point>,
        target: &BTreeMap<u64, Point>,
    ) -> Vec<Difference> {
        Differences::new(listing(source), listing(target))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|f| panic!("{}", f.message))
    }

    #[test]
    fn every_kind_of_difference_is_found_in_id_order() {
        let a = point(&[1.0, 2.0], b"x", &[1]);
        let source = BTreeMap::from([
            (1, a.clone()),
            (2, a.clone()),
            (3, point(&[1.0, 2.0], b"y", &[1])),
            (4, point(&[1.0, 2.0], b"x", &[2])),
            (5, point(&[1.0, -0.0], b"x", &[1])),
            (u64::MAX, a.clone()),
        ]);
        let target = BTreeMap::from([
            (0, a.clone()),
            (2, a.clone()),
            (3, a.clone()),
            (4, a.clone()),
            (5, point(&[1.0, 0.0], b"x", &[1])),
            (6, a.clone()),
        ]);
        assert_eq!(
            differences(&source, &target),
            vec![
                Difference::Extra(0),
                Difference::Missing(1, a.clone()),
                Difference::Different(3, source[&3].clone()),
                Difference::Different(4, source[&4].clone()),
                // -0.0 == 0.0 as floats, but the copies are not bit-identical.
                Difference::Different(5, source[&5].clone()),
                Difference::Extra(6),
                Difference::Missing(u64::MAX, a),
            ]
        );
        assert!(differences(&source, &source).is_empty());
    }

    #[test]
    fn a_listing_out_of_order_or_failing_is_an_error() {
        let a = point(&[1.0], b"", &[]);
        let unordered: Listing<'static> =
            Box::new(vec![Ok((2, a.clone())), Ok((1, a.clone()))].into_iter());
        let result: Result<Vec<_>, _> =
            Differences::new(unordered, Box::new(std::iter::empty())).collect();
        let failure = result.expect_err("ids must ascend");
        assert!(
            failure.message.contains("id 1 after 2"),
            "{}",
            failure.message
        );

        let failing: Listing<'static> = Box::new(
            vec![
                Ok((1, a.clone())),
                Err(Failure::runtime("connection reset")),
            ]
            .into_iter(),
        );
        let target: Listing<'static> = Box::new(vec![Ok((5, a))].into_iter());
        let result: Result<Vec<_>, _> = Differences::new(failing, target).collect();
        // The target's id 5 is not taken for an extra point while the source's listing broke.
        let failure = result.expect_err("the source's error ends the merge");
        assert!(failure.message.contains("connection reset"));
    }

    fn points() -> impl Strategy<Value = BTreeMap<u64, Point>> {
        prop::collection::btree_map(
            0u64..64,
            (0u8..3, 0u8..2, 0u8..2)
                .prop_map(|(v, p, l)| point(&[f32::from(v)], &[p], &[u64::from(l)])),
            0..40,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Applying the differences to the target yields the source, and nothing is reported
        /// for ids both hold alike.
        #[test]
        fn applying_the_differences_makes_the_target_equal_the_source(
            source in points(),
            target in points(),
        ) {
            let found = differences(&source, &target);
            let mut repaired = target.clone();
            for difference in &found {
                match difference {
                    Difference::Missing(id, p) => {
                        prop_assert!(!target.contains_key(id));
                        repaired.insert(*id, p.clone());
                    }
                    Difference::Different(id, p) => {
                        prop_assert!(target.get(id).is_some_and(|t| t != p));
                        repaired.insert(*id, p.clone());
                    }
                    Difference::Extra(id) => {
                        prop_assert!(!source.contains_key(id));
                        repaired.remove(id);
                    }
                }
            }
            prop_assert_eq!(&repaired, &source);
            let ids: std::collections::BTreeSet<u64> =
                source.keys().chain(target.keys()).copied().collect();
            let unequal = ids.iter().filter(|id| source.get(id) != target.get(id)).count();
            prop_assert_eq!(found.len(), unequal);
        }
    }
}
