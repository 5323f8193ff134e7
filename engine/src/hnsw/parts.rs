//! Export and import of the graph's flat arrays (for snapshots, so a restart does not
//! rebuild), and the structural invariant check.

use super::{Hnsw, HnswConfig, LEVEL_MAX, NONE};
use crate::distance::Metric;

/// The graph as plain integer arrays, ready to serialise (e.g. with rkyv).
///
/// Layout, with `m = connectivity`, `n = levels.len()`:
/// - `level0`: `n * (2m + 1)` words; node `i`'s row starts at `i * (2m + 1)`: a count
///   `c ≤ 2m`, then `c` neighbour ids, then unused words (zero).
/// - `levels[i]`: node `i`'s top level.
/// - `upper_offsets[i]`: `u32::MAX` when `levels[i] == 0`, else the start in `upper` of its
///   level-1 row; its level-`l` row starts `(l - 1) * (m + 1)` words later. A row is a count
///   `c ≤ m` then `c` neighbour ids (each a node whose level is ≥ `l`).
/// - `parents[i]`: node `i`'s level-0 spanning-tree parent (`u32::MAX` for node 0, else a
///   smaller id); both directions of a tree edge are in the level-0 rows.
/// - `entry_point`: a node of the highest level, `u32::MAX` when `n == 0`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HnswParts {
    /// `m` the graph was built with (must match the config it is imported with).
    pub connectivity: u32,
    /// Entry point, `u32::MAX` when empty.
    pub entry_point: u32,
    /// Level of every node.
    pub levels: Vec<u8>,
    /// Level-0 rows.
    pub level0: Vec<u32>,
    /// Per node, start of its upper rows or `u32::MAX`.
    pub upper_offsets: Vec<u32>,
    /// Upper-level rows.
    pub upper: Vec<u32>,
    /// Level-0 spanning-tree parents.
    pub parents: Vec<u32>,
}

impl Hnsw {
    /// The graph's arrays, for a snapshot.
    pub fn to_parts(&self) -> HnswParts {
        HnswParts {
            level0: self.level0.clone(),
            ..self.to_parts_without_level0()
        }
    }

    /// [`Self::to_parts`] with `level0` left empty: the bulk of the graph, which a snapshot
    /// copies piece by piece from [`Self::level0_rows`] instead.
    pub fn to_parts_without_level0(&self) -> HnswParts {
        HnswParts {
            connectivity: self.m as u32,
            entry_point: self.entry_point,
            levels: self.levels.clone(),
            level0: Vec::new(),
            upper_offsets: self.upper_offsets.clone(),
            upper: self.upper.clone(),
            parents: self.parents.clone(),
        }
    }

    /// The level-0 rows: `2 * m` neighbour slots per node, node after node.
    pub fn level0_rows(&self) -> &[u32] {
        &self.level0
    }

    /// Rebuilds an index from [`Hnsw::to_parts`] output, validating every array (so a
    /// corrupt snapshot is an error, never out-of-bounds ids in the search loop).
    ///
    /// # Errors
    /// A description of the first inconsistency found.
    pub fn from_parts(
        parts: HnswParts,
        config: HnswConfig,
        metric: Metric,
    ) -> Result<Self, String> {
        if parts.connectivity as usize != config.connectivity {
            return Err(format!(
                "graph built with connectivity {} but configured with {}",
                parts.connectivity, config.connectivity
            ));
        }
        let mut hnsw = Hnsw::new(config, metric);
        let n = parts.levels.len();
        if n >= NONE as usize {
            return Err(format!("{n} nodes exceed the id space"));
        }
        if parts.level0.len() != n * (hnsw.m0 + 1) {
            return Err(format!(
                "level-0 array has {} words, expected {n} x {}",
                parts.level0.len(),
                hnsw.m0 + 1
            ));
        }
        if parts.upper_offsets.len() != n {
            return Err(format!(
                "{} upper offsets for {n} nodes",
                parts.upper_offsets.len()
            ));
        }
        let max_level = if n == 0 {
            if parts.entry_point != NONE {
                return Err("empty graph with an entry point".into());
            }
            0
        } else {
            let entry = parts.entry_point as usize;
            if entry >= n {
                return Err(format!("entry point {entry} out of {n} nodes"));
            }
            let top = parts.levels.iter().copied().max().unwrap_or(0);
            if parts.levels[entry] != top {
                return Err(format!("entry point {entry} is not on the top level {top}"));
            }
            usize::from(top)
        };
        if max_level > LEVEL_MAX {
            return Err(format!("level {max_level} above the maximum {LEVEL_MAX}"));
        }
        // Upper rows: in bounds and disjoint (each node's block starts where the previous
        // node's ended, as `insert` lays them out).
        let mut expected_offset = 0usize;
        for (node, (&level, &offset)) in parts.levels.iter().zip(&parts.upper_offsets).enumerate() {
            if level == 0 {
                if offset != NONE {
                    return Err(format!("node {node} on level 0 has upper rows at {offset}"));
                }
                continue;
            }
            if offset as usize != expected_offset {
                return Err(format!(
                    "node {node}: upper rows at {offset}, expected {expected_offset}"
                ));
            }
            expected_offset += usize::from(level) * (hnsw.m + 1);
        }
        if expected_offset != parts.upper.len() {
            return Err(format!(
                "upper array has {} words, the levels need {expected_offset}",
                parts.upper.len()
            ));
        }
        if parts.parents.len() != n {
            return Err(format!("{} parents for {n} nodes", parts.parents.len()));
        }
        for (node, &parent) in parts.parents.iter().enumerate() {
            let valid = if node == 0 {
                parent == NONE
            } else {
                (parent as usize) < node
            };
            if !valid {
                return Err(format!("node {node} has parent {parent}"));
            }
        }
        hnsw.parents = parts.parents;
        hnsw.levels = parts.levels;
        hnsw.level0 = parts.level0;
        hnsw.upper_offsets = parts.upper_offsets;
        hnsw.upper = parts.upper;
        hnsw.entry_point = parts.entry_point;
        hnsw.max_level = max_level;
        hnsw.check_rows()?;
        Ok(hnsw)
    }

    /// Checks the structure: array sizes, degree caps, neighbour ids in range and on a high
    /// enough level, no self loops, no duplicate neighbours, and every node reachable on
    /// level 0 from the entry point (found by the greedy descent or not, a node nobody links
    /// to can never be returned).
    ///
    /// # Errors
    /// A description of the first violation.
    pub fn check_invariants(&self) -> Result<(), String> {
        let n = self.len();
        if self.level0.len() != n * (self.m0 + 1)
            || self.upper_offsets.len() != n
            || self.parents.len() != n
        {
            return Err("array sizes disagree with the node count".into());
        }
        if n == 0 {
            return if self.entry_point == NONE {
                Ok(())
            } else {
                Err("empty graph with an entry point".into())
            };
        }
        if self.entry_point as usize >= n
            || usize::from(self.levels[self.entry_point as usize]) != self.max_level
        {
            return Err(format!(
                "entry point {} is not on the top level {}",
                self.entry_point, self.max_level
            ));
        }
        if let Some(node) = self
            .levels
            .iter()
            .position(|&l| usize::from(l) > self.max_level)
        {
            return Err(format!("node {node} is above the entry point's level"));
        }
        self.check_rows()?;
        for node in 1..n as u32 {
            let parent = self.parents[node as usize];
            if parent >= node
                || !self.links(node, 0).contains(&parent)
                || !self.links(parent, 0).contains(&node)
            {
                return Err(format!("tree edge {node} - {parent} missing"));
            }
        }
        // Level-0 reachability from the entry point.
        let mut seen = vec![false; n];
        let mut stack = vec![self.entry_point];
        seen[self.entry_point as usize] = true;
        let mut reached = 1usize;
        while let Some(node) = stack.pop() {
            for &next in self.links(node, 0) {
                if !seen[next as usize] {
                    seen[next as usize] = true;
                    reached += 1;
                    stack.push(next);
                }
            }
        }
        if reached != n {
            let missing = seen.iter().position(|&s| !s).unwrap_or(0);
            return Err(format!(
                "{} of {n} nodes unreachable on level 0 (first: {missing})",
                n - reached
            ));
        }
        Ok(())
    }

    /// Row checks shared by import and `check_invariants`.
    fn check_rows(&self) -> Result<(), String> {
        let n = self.len();
        let mut seen = vec![u32::MAX; n];
        let mut stamp = 0u32;
        for node in 0..n as u32 {
            for level in 0..=usize::from(self.levels[node as usize]) {
                let (words, cap) = if level == 0 {
                    (&self.level0, self.m0)
                } else {
                    (&self.upper, self.m)
                };
                let row = self.row(node, level);
                let count = words[row] as usize;
                if count > cap {
                    return Err(format!(
                        "node {node} level {level}: {count} neighbours, cap {cap}"
                    ));
                }
                stamp += 1;
                for &next in &words[row + 1..row + 1 + count] {
                    if next as usize >= n {
                        return Err(format!(
                            "node {node} level {level}: neighbour {next} out of {n}"
                        ));
                    }
                    if next == node {
                        return Err(format!("node {node} level {level}: self loop"));
                    }
                    if usize::from(self.levels[next as usize]) < level {
                        return Err(format!(
                            "node {node} level {level}: neighbour {next} is not on that level"
                        ));
                    }
                    if seen[next as usize] == stamp {
                        return Err(format!(
                            "node {node} level {level}: duplicate neighbour {next}"
                        ));
                    }
                    seen[next as usize] = stamp;
                }
            }
        }
        Ok(())
    }
}
