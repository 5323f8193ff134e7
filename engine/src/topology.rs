//! Machine topology (hwlocality) and the choice of cores the engine runs on.
//!
//! We run one executor per *physical* core, pinned to the core's first hardware thread: SMT
//! siblings share execution units and caches, so a second shard on a sibling would slow both.

use std::fmt;
use std::str::FromStr;

use hwlocality::object::types::ObjectType;
use hwlocality::Topology;

use crate::error::{Error, Result};

/// One physical core as discovered by hwloc.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhysicalCore {
    /// hwloc's logical index of the core (0-based, dense).
    pub core_index: usize,
    /// OS CPU numbers of its hardware threads (SMT siblings), ascending.
    pub cpus: Vec<usize>,
    /// The NUMA node it belongs to (0 when the machine reports none).
    pub numa_node: usize,
}

impl PhysicalCore {
    /// The OS CPU an executor for this core is pinned to.
    pub fn pinned_cpu(&self) -> usize {
        self.cpus[0]
    }
}

/// What hwloc reports about the machine.
#[derive(Clone, Debug)]
pub struct MachineTopology {
    /// Physical cores, in hwloc order.
    pub cores: Vec<PhysicalCore>,
    /// Number of NUMA nodes.
    pub numa_nodes: usize,
}

impl MachineTopology {
    /// Discovers the topology of this machine.
    ///
    /// # Errors
    /// Fails when hwloc cannot load the topology or reports no core.
    pub fn discover() -> Result<Self> {
        let topology = Topology::new().map_err(|e| Error::Placement(format!("hwloc: {e}")))?;
        let numa: Vec<Vec<usize>> = topology
            .objects_with_type(ObjectType::NUMANode)
            .map(|node| {
                node.cpuset()
                    .map(|set| set.iter_set().map(usize::from).collect())
                    .unwrap_or_default()
            })
            .collect();
        let mut cores = Vec::new();
        for (core_index, core) in topology.objects_with_type(ObjectType::Core).enumerate() {
            let Some(cpuset) = core.cpuset() else {
                continue;
            };
            let cpus: Vec<usize> = cpuset.iter_set().map(usize::from).collect();
            if cpus.is_empty() {
                continue;
            }
            let numa_node = numa
                .iter()
                .position(|node| node.contains(&cpus[0]))
                .unwrap_or(0);
            cores.push(PhysicalCore {
                core_index,
                cpus,
                numa_node,
            });
        }
        if cores.is_empty() {
            return Err(Error::Placement("hwloc reported no physical core".into()));
        }
        Ok(Self {
            cores,
            numa_nodes: numa.len().max(1),
        })
    }

    /// The cores `selection` picks, in the order shards will be placed on them.
    ///
    /// # Errors
    /// Fails when the selection asks for more cores than exist or names an unknown core.
    pub fn select(&self, selection: &CoreSelection) -> Result<Vec<PhysicalCore>> {
        match selection {
            CoreSelection::All => Ok(self.cores.clone()),
            CoreSelection::Count(n) => {
                if *n == 0 || *n > self.cores.len() {
                    return Err(Error::Placement(format!(
                        "asked for {n} cores, machine has {} physical cores",
                        self.cores.len()
                    )));
                }
                Ok(self.cores[..*n].to_vec())
            }
            CoreSelection::List(list) => list
                .iter()
                .map(|&index| {
                    self.cores
                        .iter()
                        .find(|c| c.core_index == index)
                        .cloned()
                        .ok_or_else(|| {
                            Error::Placement(format!(
                                "core {index} does not exist (physical cores 0..{})",
                                self.cores.len()
                            ))
                        })
                })
                .collect(),
        }
    }
}

/// Which physical cores to run on: `all`, a count (`4`), or a list (`0,2,5`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CoreSelection {
    /// Every physical core.
    #[default]
    All,
    /// The first N physical cores.
    Count(usize),
    /// These physical cores (hwloc logical core indexes), in this order.
    List(Vec<usize>),
}

/// The largest core id, and core count, a [`CoreSelection`] may name: more than Linux runs on
/// (its `NR_CPUS` is at most 8192 on x86-64), and small enough to survive any integer format
/// a configuration is printed in.
pub const CORE_ID_MAX: usize = 65_535;

impl CoreSelection {
    /// Checks what no machine could satisfy: a count of 0 or above [`CORE_ID_MAX`] + 1, an
    /// empty list, a core id above [`CORE_ID_MAX`] or named twice. (Whether this machine has
    /// the cores is [`MachineTopology::select`]'s question.)
    ///
    /// # Errors
    /// What is wrong, for the operator.
    pub fn validate(&self) -> std::result::Result<(), String> {
        match self {
            CoreSelection::All => Ok(()),
            CoreSelection::Count(0) => Err("core count must be at least 1".into()),
            CoreSelection::Count(n) if *n > CORE_ID_MAX + 1 => Err(format!(
                "core count {n} is more than any machine has (at most {})",
                CORE_ID_MAX + 1
            )),
            CoreSelection::Count(_) => Ok(()),
            CoreSelection::List(list) => {
                if list.is_empty() {
                    return Err(
                        "an empty core list selects no core: use \"all\", a count, or core ids"
                            .into(),
                    );
                }
                if let Some(id) = list.iter().find(|&&id| id > CORE_ID_MAX) {
                    return Err(format!(
                        "core {id} is beyond any machine's cores (ids go to {CORE_ID_MAX})"
                    ));
                }
                let mut unique = list.clone();
                unique.sort_unstable();
                unique.dedup();
                if unique.len() != list.len() {
                    return Err(format!("core list {list:?} names a core twice"));
                }
                Ok(())
            }
        }
    }
}

impl FromStr for CoreSelection {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let selection = if s.eq_ignore_ascii_case("all") {
            CoreSelection::All
        } else if s.contains(',') || s.starts_with('[') {
            let list: Result<Vec<usize>, _> = s
                .trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .map(|p| p.trim().parse::<usize>())
                .collect();
            CoreSelection::List(
                list.map_err(|_| format!("invalid core list {s:?}: expected e.g. 0,2,3"))?,
            )
        } else {
            CoreSelection::Count(s.parse::<usize>().map_err(|_| {
                format!("invalid core selection {s:?}: expected all, a count, or a list")
            })?)
        };
        selection.validate()?;
        Ok(selection)
    }
}

impl fmt::Display for CoreSelection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreSelection::All => f.write_str("all"),
            CoreSelection::Count(n) => write!(f, "{n}"),
            CoreSelection::List(list) => {
                let parts: Vec<String> = list.iter().map(ToString::to_string).collect();
                f.write_str(&parts.join(","))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovers_at_least_one_core_with_threads() {
        let topo = MachineTopology::discover().unwrap();
        assert!(!topo.cores.is_empty());
        assert!(topo.cores.iter().all(|c| !c.cpus.is_empty()));
        assert!(topo.numa_nodes >= 1);
    }

    #[test]
    fn selection_parses_and_applies() {
        assert_eq!("all".parse::<CoreSelection>().unwrap(), CoreSelection::All);
        assert_eq!(
            "2".parse::<CoreSelection>().unwrap(),
            CoreSelection::Count(2)
        );
        assert_eq!(
            "0,1".parse::<CoreSelection>().unwrap(),
            CoreSelection::List(vec![0, 1])
        );
        assert!("0,0".parse::<CoreSelection>().is_err());
        assert!("0".parse::<CoreSelection>().is_err());
        assert!("x".parse::<CoreSelection>().is_err());
        // Ids and counts no machine has are refused (the fuzz target of the configuration
        // files found a 20-digit core id printed back as i64::MAX).
        assert!("65535,0".parse::<CoreSelection>().is_ok());
        assert!("65536,0".parse::<CoreSelection>().is_err());
        assert!("65536".parse::<CoreSelection>().is_ok());
        let too_many = "65537".parse::<CoreSelection>().unwrap_err();
        assert!(too_many.contains("more than any machine"), "{too_many}");
        assert!(CoreSelection::List(vec![]).validate().is_err());
        let topo = MachineTopology::discover().unwrap();
        assert_eq!(topo.select(&CoreSelection::Count(1)).unwrap().len(), 1);
        assert!(topo
            .select(&CoreSelection::Count(topo.cores.len() + 1))
            .is_err());
        assert!(topo.select(&CoreSelection::List(vec![10_000])).is_err());
    }
}
