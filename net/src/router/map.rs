//! The shard map: which nodes hold which ids.
//!
//! The id space is split into `partitions` partitions by [`partition_of`], a stable hash that
//! is deliberately *different* from the node's own id → shard hash (a salted splitmix64): with
//! the same hash, a node holding only even partitions would put every vector in its even
//! shards. Partition `p` is placed on the `R` consecutive nodes `p, p+1, ..., p+R-1 (mod N)` of
//! the configured node list ([`Placement`]). Partitions with the same replica set form a
//! *group*; a node stores all its partitions in one collection, so the router reasons in
//! groups: a read must reach one replica of every group, a write every replica of the groups
//! its ids fall in.
//!
//! The map is a pure function of `(map_version, partitions, nodes, R)`: static configuration.
//! Changing it (adding a node, changing R or the partition count) moves ids between nodes and
//! needs a data migration, which the router does not do (see docs/ROUTER.md).

use std::fmt::Write as _;

use crate::router::config::{NodeSpec, RouterConfig};

/// Salt that makes [`partition_of`] independent of the node's `shard_of` (plain splitmix64).
pub const PARTITION_HASH_SALT: u64 = 0x6a09_e667_f3bc_c909;

/// The partition of `id` among `partitions`. Part of the data layout across nodes: it must
/// never change for a running cluster.
#[inline]
#[must_use]
pub fn partition_of(id: u64, partitions: u32) -> u32 {
    let mut z = (id ^ PARTITION_HASH_SALT).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % u64::from(partitions.max(1))) as u32
}

/// Where the partitions of a collection with replication `R` live.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// Replicas per partition.
    pub replication: usize,
    /// Partition count.
    pub partitions: u32,
    /// Node count.
    pub nodes: usize,
    /// Each group's replica nodes (indexes into the node list), primary first.
    pub groups: Vec<Vec<usize>>,
    /// Partition → group.
    pub partition_group: Vec<u32>,
    /// Node → groups it holds.
    pub node_groups: Vec<Vec<usize>>,
}

impl Placement {
    /// Partition `p` on nodes `p % N, (p+1) % N, ..., (p+R-1) % N`.
    #[must_use]
    pub fn new(nodes: usize, partitions: u32, replication: usize) -> Placement {
        let nodes = nodes.max(1);
        let replication = replication.clamp(1, nodes);
        let group_count = nodes.min(partitions as usize).max(1);
        let groups: Vec<Vec<usize>> = (0..group_count)
            .map(|g| (0..replication).map(|i| (g + i) % nodes).collect())
            .collect();
        let partition_group = (0..partitions)
            .map(|p| (p as usize % nodes) as u32)
            .collect();
        let mut node_groups = vec![Vec::new(); nodes];
        for (g, replicas) in groups.iter().enumerate() {
            for &n in replicas {
                node_groups[n].push(g);
            }
        }
        Placement {
            replication,
            partitions,
            nodes,
            groups,
            partition_group,
            node_groups,
        }
    }

    /// The group of `id`.
    #[inline]
    #[must_use]
    pub fn group_of(&self, id: u64) -> usize {
        let p = partition_of(id, self.partitions) as usize;
        self.partition_group.get(p).copied().unwrap_or(0) as usize
    }

    /// The replica nodes of `partition`.
    #[must_use]
    pub fn replicas_of_partition(&self, partition: u32) -> &[usize] {
        let g = self
            .partition_group
            .get(partition as usize)
            .copied()
            .unwrap_or(0) as usize;
        &self.groups[g]
    }
}

/// The versioned map: nodes, partition count, and one [`Placement`] per replication factor in
/// use (the default and every per-collection override).
#[derive(Clone, Debug)]
pub struct ShardMap {
    /// Bumped by the operator with every change.
    pub version: u64,
    /// Partition count.
    pub partitions: u32,
    /// Nodes in map order.
    pub nodes: Vec<NodeSpec>,
    placements: Vec<Placement>,
}

impl ShardMap {
    /// The map a (validated) configuration describes.
    #[must_use]
    pub fn from_config(config: &RouterConfig) -> ShardMap {
        let mut factors: Vec<usize> = std::iter::once(config.replication)
            .chain(config.collections.values().filter_map(|c| c.replication))
            .collect();
        factors.sort_unstable();
        factors.dedup();
        ShardMap {
            version: config.map_version,
            partitions: config.partitions,
            nodes: config.nodes.clone(),
            placements: factors
                .into_iter()
                .map(|r| Placement::new(config.nodes.len(), config.partitions, r))
                .collect(),
        }
    }

    /// The placement for replication `r` (built at start for every factor in the config).
    #[must_use]
    pub fn placement(&self, replication: usize) -> &Placement {
        self.placements
            .iter()
            .find(|p| p.replication == replication)
            .unwrap_or(&self.placements[0])
    }

    /// A 64-bit FNV-1a fingerprint of everything the placement depends on: two routers in
    /// front of the same nodes must print the same version and fingerprint.
    #[must_use]
    pub fn fingerprint(&self) -> u64 {
        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        let mut eat = |bytes: &[u8]| {
            for &b in bytes {
                hash ^= u64::from(b);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        };
        eat(&self.version.to_le_bytes());
        eat(&self.partitions.to_le_bytes());
        eat(&PARTITION_HASH_SALT.to_le_bytes());
        for node in &self.nodes {
            eat(node.name.as_bytes());
            eat(b"\0");
            eat(node.addr.to_string().as_bytes());
            eat(b"\0");
        }
        for p in &self.placements {
            eat(&(p.replication as u64).to_le_bytes());
        }
        hash
    }

    /// The map as text: header, then one line per partition with its replica nodes, for
    /// every replication factor in use (`corevec route --print-map`).
    #[must_use]
    pub fn render(&self, config: &RouterConfig) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# corevec shard map");
        let _ = writeln!(out, "map_version = {}", self.version);
        let _ = writeln!(out, "fingerprint = {:016x}", self.fingerprint());
        let _ = writeln!(out, "partitions = {}", self.partitions);
        let _ = writeln!(
            out,
            "partition_hash = splitmix64(id ^ {PARTITION_HASH_SALT:#018x}) % partitions"
        );
        let _ = writeln!(out, "nodes:");
        for (i, node) in self.nodes.iter().enumerate() {
            let _ = writeln!(out, "  {i}: {node}");
        }
        for placement in &self.placements {
            let users: Vec<&str> = config
                .collections
                .iter()
                .filter(|(_, c)| c.replication == Some(placement.replication))
                .map(|(name, _)| name.as_str())
                .collect();
            let default = placement.replication == config.replication;
            let _ = writeln!(
                out,
                "\nreplication = {}{}{}",
                placement.replication,
                if default { " (default)" } else { "" },
                if users.is_empty() {
                    String::new()
                } else {
                    format!(" (collections: {})", users.join(", "))
                }
            );
            let _ = writeln!(out, "partition  replicas");
            for p in 0..placement.partitions {
                let names: Vec<&str> = placement
                    .replicas_of_partition(p)
                    .iter()
                    .map(|&n| self.nodes[n].name.as_str())
                    .collect();
                let _ = writeln!(out, "{p:<9}  {}", names.join(" "));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_hash_is_pinned() {
        // Part of the cross-node data layout: these values must never change.
        let got: Vec<u32> = [0u64, 1, 2, 42, u64::MAX]
            .iter()
            .map(|&id| partition_of(id, 256))
            .collect();
        assert_eq!(got, [146, 42, 224, 197, 186]);
    }

    #[test]
    fn placement_round_robin_and_groups() {
        let p = Placement::new(3, 256, 2);
        assert_eq!(p.groups, vec![vec![0, 1], vec![1, 2], vec![2, 0]]);
        assert_eq!(p.node_groups, vec![vec![0, 2], vec![0, 1], vec![1, 2]]);
        assert_eq!(p.replicas_of_partition(4), &[1, 2]);
        let one = Placement::new(3, 256, 1);
        assert_eq!(one.groups, vec![vec![0], vec![1], vec![2]]);
    }

    #[test]
    fn partitions_spread_and_are_independent_of_the_node_shard_hash() {
        // Two nodes, R = 1: node 0 holds even partitions. Its ids must still spread over the
        // node's own 2 shards (plain splitmix64 % 2), which a shared hash would break.
        let placement = Placement::new(2, 256, 1);
        let mut node0_shards = [0usize; 2];
        let mut per_node = [0usize; 2];
        for id in 0..20_000u64 {
            let g = placement.group_of(id);
            per_node[g] += 1;
            if g == 0 {
                let mut z = id.wrapping_add(0x9E37_79B9_7F4A_7C15);
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^= z >> 31;
                node0_shards[(z % 2) as usize] += 1;
            }
        }
        for count in per_node {
            assert!((9_000..11_000).contains(&count), "{per_node:?}");
        }
        let ratio = node0_shards[0] as f64 / per_node[0] as f64;
        assert!((0.45..0.55).contains(&ratio), "{node0_shards:?}");
    }
}
