//! Collection definitions, argument validation, and the id → shard placement.

use crate::distance::Metric;
use crate::error::{Error, Result};

/// Largest dimension a collection may have.
pub const DIMENSIONS_MAX: usize = 4096;
/// Longest collection name, in bytes.
pub const COLLECTION_NAME_BYTES_MAX: usize = 64;
/// Most shards a collection may be split into.
pub const SHARDS_MAX: u32 = 1024;
/// Largest `k` a search may ask for.
pub const K_MAX: usize = 1024;
/// Largest `ef` a search may ask for.
pub const EF_MAX: usize = 16_384;
/// HNSW connectivity bounds (`m`).
pub const CONNECTIVITY_RANGE: std::ops::RangeInclusive<usize> = 2..=128;
/// HNSW construction expansion bounds (`ef_construction`).
pub const EXPANSION_ADD_RANGE: std::ops::RangeInclusive<usize> = 1..=4096;

const _: () = assert!(K_MAX <= EF_MAX);

/// HNSW parameters of a collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexParams {
    /// Neighbours per node on upper layers; layer 0 keeps twice as many.
    #[doc(alias = "m")]
    pub connectivity: usize,
    /// Candidate list size while inserting.
    #[doc(alias = "ef_construction")]
    pub expansion_add: usize,
}

impl Default for IndexParams {
    fn default() -> Self {
        Self {
            connectivity: 16,
            expansion_add: 200,
        }
    }
}

/// Everything that defines a collection; fixed at creation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionSpec {
    /// Unique name: 1..=64 bytes of `[A-Za-z0-9_-]`.
    pub name: String,
    /// Vector dimension, 1..=4096.
    pub dim: usize,
    /// Distance metric.
    pub metric: Metric,
    /// Number of shards (placed on cores round-robin: shard s on core s mod cores).
    pub shards: u32,
    /// HNSW parameters.
    pub index: IndexParams,
    /// Every core keeps an in-memory copy of every shard it does not own, fed by the owner,
    /// and answers searches from its own copies: a query visits one graph per shard on one
    /// core instead of fanning out (docs/DECISIONS.md, "Read replicas"). Costs one copy of
    /// the collection's memory and index building per core; writes, durability and
    /// snapshots stay with the owner.
    pub read_replicas: bool,
}

impl CollectionSpec {
    /// A spec with default shards (to be filled by the engine) and default index params.
    pub fn new(name: impl Into<String>, dim: usize, metric: Metric) -> Self {
        Self {
            name: name.into(),
            dim,
            metric,
            shards: 0,
            index: IndexParams::default(),
            read_replicas: false,
        }
    }

    /// Sets the shard count.
    #[must_use]
    pub fn with_shards(mut self, shards: u32) -> Self {
        self.shards = shards;
        self
    }

    /// Asks for read replicas on every core (see [`Self::read_replicas`]).
    #[must_use]
    pub fn with_read_replicas(mut self, read_replicas: bool) -> Self {
        self.read_replicas = read_replicas;
        self
    }

    /// Sets the index parameters.
    #[must_use]
    pub fn with_index(mut self, index: IndexParams) -> Self {
        self.index = index;
        self
    }

    /// Checks every field; `shards` must already be resolved (non-zero).
    ///
    /// # Errors
    /// `InvalidArgument` naming the bad field.
    pub fn validate(&self) -> Result<()> {
        validate_name(&self.name)?;
        if self.dim == 0 || self.dim > DIMENSIONS_MAX {
            return Err(Error::InvalidArgument(format!(
                "dimension {} out of range 1..={DIMENSIONS_MAX}",
                self.dim
            )));
        }
        if self.shards == 0 || self.shards > SHARDS_MAX {
            return Err(Error::InvalidArgument(format!(
                "shards {} out of range 1..={SHARDS_MAX}",
                self.shards
            )));
        }
        if !CONNECTIVITY_RANGE.contains(&self.index.connectivity) {
            return Err(Error::InvalidArgument(format!(
                "m {} out of range {CONNECTIVITY_RANGE:?}",
                self.index.connectivity
            )));
        }
        if !EXPANSION_ADD_RANGE.contains(&self.index.expansion_add) {
            return Err(Error::InvalidArgument(format!(
                "ef_construction {} out of range {EXPANSION_ADD_RANGE:?}",
                self.index.expansion_add
            )));
        }
        Ok(())
    }

    /// The shard that owns `id`.
    #[inline]
    pub fn shard_of(&self, id: u64) -> u32 {
        shard_of(id, self.shards)
    }
}

/// Checks a collection name.
///
/// # Errors
/// `InvalidArgument` when empty, too long or holding other characters than `[A-Za-z0-9_-]`.
pub fn validate_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > COLLECTION_NAME_BYTES_MAX {
        return Err(Error::InvalidArgument(format!(
            "collection name must be 1..={COLLECTION_NAME_BYTES_MAX} bytes"
        )));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Error::InvalidArgument(format!(
            "collection name {name:?} may only contain A-Z a-z 0-9 _ -"
        )));
    }
    Ok(())
}

/// Stable id → shard placement: the splitmix64 finaliser of the id, modulo the shard count.
///
/// This function is part of the on-disk format: shard directories hold the ids it assigned,
/// so it must never change for existing collections.
#[inline]
pub fn shard_of(id: u64, shards: u32) -> u32 {
    debug_assert!(shards > 0);
    let mut z = id.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % u64::from(shards)) as u32
}

/// Largest absolute value of a vector component (1e16). Distances are summed in f32 by the
/// SIMD kernels: beyond this, a sum over 4,096 dimensions can overflow to infinity, and a
/// cosine norm to infinity, which the kernel turns into distance 0 (a perfect match with
/// every query).
pub const COMPONENT_ABS_MAX: f32 = 1e16;
/// Smallest squared norm of a non-zero vector of a cosine collection (a norm of 1e-15):
/// below it the f32 norm underflows and the kernel returns distance 0 for every pair.
pub const COSINE_NORM_SQUARED_MIN: f64 = 1e-30;

/// The first problem of one vector (`id` 0 for queries): a component that is not finite or
/// beyond [`COMPONENT_ABS_MAX`], or for cosine a non-zero norm too small to normalise.
fn check_vector(id: u64, v: &[f32], metric: Metric) -> Result<()> {
    if let Some(index) = v
        .iter()
        .position(|x| !x.is_finite() || x.abs() > COMPONENT_ABS_MAX)
    {
        return Err(Error::InvalidVector { id, index });
    }
    if metric == Metric::Cosine {
        let norm_squared: f64 = v.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
        if norm_squared > 0.0 && norm_squared < COSINE_NORM_SQUARED_MIN {
            return Err(Error::InvalidArgument(format!(
                "vector for id {id} has a norm of {:e}: a cosine vector must be zero or have a \
                 norm of at least 1e-15 (scale it up; cosine ignores the scale)",
                norm_squared.sqrt()
            )));
        }
    }
    Ok(())
}

/// Checks that `vectors` holds `count` vectors of `dim` usable components: finite, within
/// [`COMPONENT_ABS_MAX`], and for cosine zero or of a norm of at least 1e-15.
///
/// # Errors
/// `DimensionMismatch` when the flat length is not `count * dim`; `InvalidVector` on a
/// non-finite or out-of-range component; `InvalidArgument` for a cosine vector with a tiny
/// norm.
pub fn validate_vectors(ids: &[u64], vectors: &[f32], dim: usize, metric: Metric) -> Result<()> {
    if vectors.len() != ids.len() * dim {
        let received = if ids.is_empty() {
            vectors.len()
        } else {
            vectors.len() / ids.len()
        };
        return Err(Error::DimensionMismatch {
            expected: dim,
            received,
        });
    }
    for (&id, v) in ids.iter().zip(vectors.chunks_exact(dim)) {
        check_vector(id, v, metric)?;
    }
    Ok(())
}

/// Checks a flat batch of query vectors.
///
/// # Errors
/// `DimensionMismatch` when the length is not a positive multiple of `dim`; otherwise as
/// [`validate_vectors`], with id 0.
pub fn validate_queries(queries: &[f32], dim: usize, metric: Metric) -> Result<usize> {
    if queries.is_empty() || queries.len() % dim != 0 {
        return Err(Error::DimensionMismatch {
            expected: dim,
            received: queries.len(),
        });
    }
    for query in queries.chunks_exact(dim) {
        check_vector(0, query, metric)?;
    }
    Ok(queries.len() / dim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_of_is_stable_and_spreads() {
        // Pinned values: placement is part of the on-disk format, so they must never change.
        let pinned: Vec<u32> = (0..8).map(|id| shard_of(id, 4)).collect();
        assert_eq!(pinned, PINNED_SHARDS_OF_0_TO_7_IN_4);
        let mut counts = [0usize; 4];
        for id in 0..40_000u64 {
            counts[shard_of(id, 4) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_000..11_000).contains(&c)),
            "{counts:?}"
        );
    }

    const PINNED_SHARDS_OF_0_TO_7_IN_4: [u32; 8] = [3, 1, 2, 1, 2, 2, 0, 3];

    #[test]
    fn validation_rejects_bad_specs() {
        let ok = CollectionSpec::new("a-b_1", 4, Metric::L2).with_shards(2);
        ok.validate().unwrap();
        for bad in [
            CollectionSpec {
                name: String::new(),
                ..ok.clone()
            },
            CollectionSpec {
                name: "a b".into(),
                ..ok.clone()
            },
            CollectionSpec {
                name: "x".repeat(65),
                ..ok.clone()
            },
            CollectionSpec {
                dim: 0,
                ..ok.clone()
            },
            CollectionSpec {
                dim: 4097,
                ..ok.clone()
            },
            CollectionSpec {
                shards: 0,
                ..ok.clone()
            },
            CollectionSpec {
                index: IndexParams {
                    connectivity: 1,
                    expansion_add: 10,
                },
                ..ok.clone()
            },
        ] {
            assert!(
                matches!(bad.validate(), Err(Error::InvalidArgument(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn vectors_must_match_dimension_and_be_finite() {
        let l2 = Metric::L2;
        assert!(validate_vectors(&[1, 2], &[0.0; 8], 4, l2).is_ok());
        assert!(matches!(
            validate_vectors(&[1, 2], &[0.0; 7], 4, l2),
            Err(Error::DimensionMismatch { expected: 4, .. })
        ));
        let mut v = vec![0.0; 8];
        v[6] = f32::NAN;
        assert!(matches!(
            validate_vectors(&[1, 2], &v, 4, l2),
            Err(Error::InvalidVector { id: 2, index: 2 })
        ));
        v[6] = f32::INFINITY;
        assert!(validate_vectors(&[1, 2], &v, 4, l2).is_err());
        assert!(validate_queries(&[], 4, l2).is_err());
        assert_eq!(validate_queries(&[0.0; 8], 4, l2).unwrap(), 2);
    }

    #[test]
    fn components_that_would_break_the_f32_kernels_are_refused() {
        // Both would be at cosine distance 0 (a perfect match) from [1, 0] in simsimd's
        // f32 kernels, instead of 2.
        for metric in Metric::ALL {
            assert!(matches!(
                validate_vectors(&[7], &[-2e19, 0.0], 2, metric),
                Err(Error::InvalidVector { id: 7, index: 0 })
            ));
            assert!(validate_queries(&[0.0, -2e19], 2, metric).is_err());
            assert!(validate_vectors(&[7], &[-1e16, 1e-30], 2, metric).is_ok());
        }
        let tiny = [-1e-20, 0.0];
        assert!(matches!(
            validate_vectors(&[7], &tiny, 2, Metric::Cosine),
            Err(Error::InvalidArgument(message)) if message.contains("norm")
        ));
        assert!(validate_queries(&tiny, 2, Metric::Cosine).is_err());
        // The kernels handle these: only cosine normalises.
        assert!(validate_vectors(&[7], &tiny, 2, Metric::Dot).is_ok());
        assert!(validate_vectors(&[7], &[0.0, 0.0], 2, Metric::Cosine).is_ok());
        assert!(validate_vectors(&[7], &[-1e-15, 0.0], 2, Metric::Cosine).is_ok());
        assert_eq!(Metric::Cosine.distance(&[1.0, 0.0], &[-1e-15, 0.0]), 2.0);
    }
}
