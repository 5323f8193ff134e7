//! Distances between f32 vectors, computed by simsimd (SIMD kernels chosen at run time for
//! the CPU we run on), plus a scalar reference implementation that tests use as the oracle.
//!
//! Convention: a distance is "smaller is closer" for every metric, so one top-k code path
//! serves all of them:
//! - `L2`: squared Euclidean distance.
//! - `Cosine`: `1 - cos(a, b)` (0 for parallel vectors, 2 for opposite ones).
//! - `Dot`: `1 - a·b`, as hnswlib's inner-product space; for normalised vectors it equals
//!   the cosine distance.

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

    /// The wire/config name.
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::L2 => "l2",
            Metric::Cosine => "cosine",
            Metric::Dot => "dot",
        }
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
    fn metric_names_round_trip() {
        for m in Metric::ALL {
            assert_eq!(m.as_str().parse::<Metric>().ok(), Some(m));
        }
        assert!("hamming".parse::<Metric>().is_err());
    }
}
