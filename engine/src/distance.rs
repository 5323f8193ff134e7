//! Distances between f32 vectors, computed by simsimd (SIMD kernels chosen at run time for
//! the CPU we run on), plus a scalar reference implementation that tests use as the oracle.
//!
//! Convention: a distance is "smaller is closer" for every metric, so one top-k code path
//! serves all of them:
//! - `L2`: squared Euclidean distance.
//! - `Cosine`: `1 - cos(a, b)` (0 for parallel vectors, 2 for opposite ones).
//! - `Dot`: `1 - a·b`, as hnswlib's inner-product space; for normalised vectors it equals
//!   the cosine distance.
//!
//! Shards of a cosine collection store their vectors scaled to unit length
//! ([`to_unit_length`]) and compare them with the dot-product kernel ([`Metric::kernel`]), as
//! hnswlib's and Qdrant's cosine spaces do: the same distances for less work per pair.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use simsimd::SpatialSimilarity;

/// How two vectors are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Squared Euclidean distance.
    L2,
    /// Cosine distance `1 - cos`.
    Cosine,
    /// Inner-product distance `1 - dot`.
    Dot,
}

impl Metric {
    /// All metrics, for tests and CLIs.
    pub const ALL: [Metric; 3] = [Metric::L2, Metric::Cosine, Metric::Dot];

    /// Distance between `a` and `b` through simsimd. Both must have the same length.
    #[inline]
    pub fn distance(self, a: &[f32], b: &[f32]) -> f32 {
        debug_assert_eq!(a.len(), b.len());
        let d = match self {
            Metric::L2 => <f32 as SpatialSimilarity>::l2sq(a, b),
            Metric::Cosine => <f32 as SpatialSimilarity>::cos(a, b),
            Metric::Dot => <f32 as SpatialSimilarity>::dot(a, b).map(|p| 1.0 - p),
        };
        // simsimd only returns None for mismatched lengths, which callers rule out.
        d.unwrap_or(f64::INFINITY) as f32
    }

    /// The scalar reference: plain loops in f64, used by tests to check simsimd.
    pub fn distance_scalar(self, a: &[f32], b: &[f32]) -> f32 {
        assert_eq!(a.len(), b.len());
        match self {
            Metric::L2 => a
                .iter()
                .zip(b)
                .map(|(x, y)| {
                    let d = f64::from(*x) - f64::from(*y);
                    d * d
                })
                .sum::<f64>() as f32,
            Metric::Dot => (1.0 - dot_f64(a, b)) as f32,
            Metric::Cosine => {
                let (ab, aa, bb) = (dot_f64(a, b), dot_f64(a, a), dot_f64(b, b));
                if aa == 0.0 && bb == 0.0 {
                    0.0
                } else if aa == 0.0 || bb == 0.0 {
                    1.0
                } else {
                    (1.0 - ab / (aa.sqrt() * bb.sqrt())) as f32
                }
            }
        }
    }

    /// The metric a shard computes on its stored vectors: `Dot` for `Cosine` (a cosine
    /// shard's vectors and queries are scaled to unit length, on which `1 - a·b` is the
    /// cosine distance, and the dot kernel reads one product per component instead of
    /// three), itself otherwise.
    pub fn kernel(self) -> Metric {
        match self {
            Metric::Cosine => Metric::Dot,
            metric => metric,
        }
    }

    /// `v` as a shard of this metric stores it and searches with it: scaled to unit length
    /// ([`to_unit_length`]) for cosine, as it is otherwise.
    pub fn stored(self, v: &[f32]) -> Cow<'_, [f32]> {
        match self {
            Metric::Cosine => to_unit_length(v),
            _ => Cow::Borrowed(v),
        }
    }

    /// [`Self::stored`] for every `dim`-component vector of a flat batch.
    pub fn stored_each(self, vectors: &[f32], dim: usize) -> Cow<'_, [f32]> {
        debug_assert_eq!(vectors.len() % dim.max(1), 0);
        if self != Metric::Cosine || vectors.chunks_exact(dim).all(|v| unit_scale(v).is_none()) {
            return Cow::Borrowed(vectors);
        }
        let mut scaled = vectors.to_vec();
        scaled.chunks_exact_mut(dim).for_each(scale_to_unit_length);
        Cow::Owned(scaled)
    }

    /// The wire/config name.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::L2 => "l2",
            Metric::Cosine => "cosine",
            Metric::Dot => "dot",
        }
    }
}

/// Largest `|‖v‖² - 1|` of a vector that [`to_unit_length`] keeps as it is. Vectors
/// normalised in f32 by a client land within ~1e-7 of 1, so they are stored bit for bit;
/// leaving a norm this close to 1 changes a distance by at most 5e-6, far below the
/// kernels' own error (1e-3, see the tests).
pub const UNIT_NORM_SQUARED_TOLERANCE: f64 = 1e-5;

/// The factor that scales `v` to unit length, or `None` when it is unit length already
/// (within [`UNIT_NORM_SQUARED_TOLERANCE`]) or zero.
fn unit_scale(v: &[f32]) -> Option<f64> {
    let norm_squared = dot_f64(v, v);
    if norm_squared == 0.0 || (norm_squared - 1.0).abs() <= UNIT_NORM_SQUARED_TOLERANCE {
        return None;
    }
    Some(1.0 / norm_squared.sqrt())
}

/// `v` scaled to unit length: how a cosine shard stores a vector and searches with a query.
/// Borrowed when `v` already is unit length (within [`UNIT_NORM_SQUARED_TOLERANCE`]) or is
/// zero; a zero vector stays zero, at distance 1 from every non-zero one, as the cosine
/// kernel puts it.
pub fn to_unit_length(v: &[f32]) -> Cow<'_, [f32]> {
    match unit_scale(v) {
        None => Cow::Borrowed(v),
        Some(scale) => Cow::Owned(v.iter().map(|&x| (f64::from(x) * scale) as f32).collect()),
    }
}

/// [`to_unit_length`] in place.
pub fn scale_to_unit_length(v: &mut [f32]) {
    if let Some(scale) = unit_scale(v) {
        v.iter_mut()
            .for_each(|x| *x = (f64::from(*x) * scale) as f32);
    }
}

fn dot_f64(a: &[f32], b: &[f32]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum()
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A metric name that is none of `l2`, `cosine`, `dot`.
#[derive(Debug, thiserror::Error)]
#[error("unknown metric {0:?}: expected l2, cosine or dot")]
pub struct UnknownMetric(pub String);

impl FromStr for Metric {
    type Err = UnknownMetric;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "l2" | "euclidean" => Ok(Metric::L2),
            "cosine" | "cos" => Ok(Metric::Cosine),
            "dot" | "ip" | "inner" => Ok(Metric::Dot),
            _ => Err(UnknownMetric(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// simsimd may use reduced-precision accumulation and approximate reciprocal square roots
    /// (cosine); we accept an absolute error of 1e-3 plus a relative error of 1e-3 of the
    /// magnitude involved. Ranking ties closer than that are not meaningful for f32 data.
    fn close(simd: f32, scalar: f32, magnitude: f32) -> bool {
        (simd - scalar).abs() <= 1e-3 + 1e-3 * magnitude
    }

    #[test]
    fn simsimd_matches_scalar_reference_on_random_inputs() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        // Every path of the kernels: blocks of 32 (16 for cosine), of 8, and the scalar tail
        // (third_party/simsimd/PATCHES.md), alone and combined.
        for dim in [
            1usize, 2, 3, 7, 8, 15, 16, 24, 31, 32, 33, 40, 47, 57, 64, 100, 128, 384, 768, 1536,
            4096,
        ] {
            for _ in 0..20 {
                let a: Vec<f32> = (0..dim).map(|_| rng.gen_range(-1.0..1.0)).collect();
                let b: Vec<f32> = (0..dim).map(|_| rng.gen_range(-1.0..1.0)).collect();
                let magnitude = dot_f64(&a, &a).max(dot_f64(&b, &b)) as f32;
                for metric in Metric::ALL {
                    let (simd, scalar) = (metric.distance(&a, &b), metric.distance_scalar(&a, &b));
                    assert!(
                        close(simd, scalar, magnitude),
                        "{metric} dim={dim}: simsimd {simd} vs scalar {scalar}"
                    );
                }
            }
        }
    }

    #[test]
    fn identical_vectors_are_at_distance_zero_for_l2_and_cosine() {
        let a = [0.5f32, -1.0, 2.0, 0.25];
        assert!(Metric::L2.distance(&a, &a).abs() < 1e-6);
        assert!(Metric::Cosine.distance(&a, &a).abs() < 1e-3);
    }

    #[test]
    fn the_dot_kernel_on_unit_vectors_is_the_cosine_distance() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        for dim in [1usize, 3, 16, 33, 384] {
            for _ in 0..20 {
                let a: Vec<f32> = (0..dim).map(|_| rng.gen_range(-9.0..9.0)).collect();
                let b: Vec<f32> = (0..dim).map(|_| rng.gen_range(-0.1..0.1)).collect();
                let (ua, ub) = (to_unit_length(&a), to_unit_length(&b));
                assert!((dot_f64(&ua, &ua) - 1.0).abs() < 1e-6);
                let kernel = Metric::Cosine.kernel().distance(&ua, &ub);
                let cosine = Metric::Cosine.distance_scalar(&a, &b);
                assert!(
                    close(kernel, cosine, 1.0),
                    "dim={dim}: {kernel} vs {cosine}"
                );
            }
        }
        // A zero vector stays zero: distance 1 from any other, as the cosine kernel says.
        let (zero, q) = ([0f32; 4], [3f32, 0.0, 4.0, 0.0]);
        assert!(matches!(to_unit_length(&zero), Cow::Borrowed(_)));
        let kernel = Metric::Cosine.kernel().distance(&zero, &to_unit_length(&q));
        assert_eq!(kernel, 1.0);
        assert_eq!(Metric::Cosine.distance_scalar(&zero, &q), 1.0);
        assert_eq!(Metric::L2.kernel(), Metric::L2);
        assert_eq!(Metric::Dot.kernel(), Metric::Dot);
    }

    #[test]
    fn unit_vectors_are_kept_bit_for_bit() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(12);
        let v: Vec<f32> = (0..384).map(|_| rng.gen_range(-1.0..1.0)).collect();
        let norm = dot_f64(&v, &v).sqrt() as f32;
        // Normalised in f32, as a client would.
        let unit: Vec<f32> = v.iter().map(|x| x / norm).collect();
        assert!(matches!(to_unit_length(&unit), Cow::Borrowed(_)));
        let mut in_place = unit.clone();
        scale_to_unit_length(&mut in_place);
        assert_eq!(in_place, unit);
        // Scaling twice changes nothing: the first result is unit length.
        let once = to_unit_length(&v).into_owned();
        assert_ne!(once, v);
        assert_eq!(to_unit_length(&once), once.as_slice());
        let cosine = Metric::Cosine;
        let mut batch = [v.clone(), unit.clone()].concat();
        assert_eq!(
            cosine.stored_each(&batch, 384),
            [once.clone(), unit.clone()].concat()
        );
        let units = [unit.clone(), unit].concat();
        assert!(matches!(cosine.stored_each(&units, 384), Cow::Borrowed(_)));
        batch[..384].iter_mut().for_each(|x| *x *= 2.0);
        assert_eq!(cosine.stored_each(&batch, 384)[..384], once[..]);
        for metric in [Metric::L2, Metric::Dot] {
            assert!(matches!(metric.stored(&v), Cow::Borrowed(_)));
            assert!(matches!(metric.stored_each(&batch, 384), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn metric_names_round_trip() {
        for m in Metric::ALL {
            assert_eq!(m.as_str().parse::<Metric>().ok(), Some(m));
        }
        assert!("hamming".parse::<Metric>().is_err());
    }
}
