//! Seeded synthetic vector sets.
//!
//! One parameter set ([`Synthetic`]: distribution, rows, dimension, seed, normalisation, first
//! row) and two generators, which draw different vectors from the same parameters:
//!
//! - [`Synthetic::generate`], the *per-row stream*: row `i` comes from its own RNG seeded by
//!   `(seed, i)`, so rows are generated in parallel and `skip` costs nothing. `synthetic:...`
//!   dataset specs ([`Synthetic::parse`], `corevec-load`) use it.
//! - [`Synthetic::generate_sequential`], the *sequential stream*: one RNG seeded with `seed`
//!   draws the cluster centres, then every row in order, on one thread. `corevec-bench
//!   --synthetic` uses it; it is kept bit-for-bit so that the synthetic results in
//!   `bench/RESULTS.md` stay reproducible.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

use crate::{DatasetError, Matrix, Vectors, DIM_LIMIT};

/// Synthetic distribution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// Components uniform in `[-1, 1)`.
    Uniform,
    /// Gaussian clusters around `clusters` centres uniform in `[-1, 1)^dim`.
    Clusters {
        /// Number of centres.
        clusters: usize,
        /// Per-component standard deviation.
        spread: f32,
    },
}

/// The parameters of a synthetic set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Synthetic {
    /// Distribution.
    pub shape: Shape,
    /// Rows to produce.
    pub rows: usize,
    /// Dimension.
    pub dim: usize,
    /// Seed of the stream.
    pub seed: u64,
    /// L2-normalise each row.
    pub normalize: bool,
    /// First row of the stream to produce.
    pub skip: u64,
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A stateless uniform draw in `[0, 1)` from `(seed, a, b)` (the load generator uses it to pick
/// reads vs writes).
#[must_use]
pub fn unit_hash(seed: u64, a: u64, b: u64) -> f64 {
    let h = splitmix64(seed ^ splitmix64(a ^ splitmix64(b)));
    // 53 random bits -> [0, 1).
    (h >> 11) as f64 / (1u64 << 53) as f64
}

impl Synthetic {
    /// `rows` rows of `dim` components from `shape` and `seed`, not normalised, from row 0.
    #[must_use]
    pub fn new(shape: Shape, rows: usize, dim: usize, seed: u64) -> Synthetic {
        Synthetic {
            shape,
            rows,
            dim,
            seed,
            normalize: false,
            skip: 0,
        }
    }

    /// Check the parameters: at least one row, dimension `1..=`[`DIM_LIMIT`], at least one
    /// cluster, a finite spread `>= 0`. The generators assume this holds.
    pub fn validate(&self) -> Result<(), String> {
        if self.rows == 0 {
            return Err("N must be at least 1".into());
        }
        if !(1..=DIM_LIMIT).contains(&self.dim) {
            return Err(format!("DIM must be 1..={DIM_LIMIT}"));
        }
        if let Shape::Clusters { clusters, spread } = self.shape {
            if clusters == 0 {
                return Err("CLUSTERS must be at least 1".into());
            }
            if !spread.is_finite() || spread < 0.0 {
                return Err("SPREAD must be a finite number >= 0".into());
            }
        }
        Ok(())
    }

    /// Parse `synthetic:uniform:N:DIM:SEED[:norm][:skip=S]` or
    /// `synthetic:clusters:N:DIM:CLUSTERS:SPREAD:SEED[:norm][:skip=S]`.
    ///
    /// `norm` L2-normalises every row; `skip=S` yields rows `S..S+N` of the same infinite
    /// stream, so a query set that shares the base's distribution but not its points is the base
    /// spec with the query count and `skip=N_BASE`.
    pub fn parse(spec: &str) -> Result<Synthetic, DatasetError> {
        let bad = |what: &str| DatasetError::Spec {
            spec: spec.to_owned(),
            what: format!(
                "{what}; expected synthetic:uniform:N:DIM:SEED[:norm][:skip=S] or \
                 synthetic:clusters:N:DIM:CLUSTERS:SPREAD:SEED[:norm][:skip=S]"
            ),
        };
        let parts: Vec<&str> = spec.split(':').collect();
        if parts.first() != Some(&"synthetic") {
            return Err(bad("does not start with synthetic:"));
        }
        let num = |i: usize, name: &str| -> Result<u64, DatasetError> {
            parts
                .get(i)
                .ok_or_else(|| bad(&format!("missing {name}")))?
                .parse::<u64>()
                .map_err(|_| bad(&format!("{name} is not a non-negative integer")))
        };
        let as_usize = |v: u64, name: &str| {
            usize::try_from(v).map_err(|_| bad(&format!("{name} is too large")))
        };
        let (shape, fixed) = match parts.get(1).copied() {
            Some("uniform") => (Shape::Uniform, 5),
            Some("clusters") => {
                let clusters = as_usize(num(4, "CLUSTERS")?, "CLUSTERS")?;
                let spread: f32 = parts
                    .get(5)
                    .ok_or_else(|| bad("missing SPREAD"))?
                    .parse()
                    .map_err(|_| bad("SPREAD is not a number"))?;
                (Shape::Clusters { clusters, spread }, 7)
            }
            _ => return Err(bad("unknown distribution")),
        };
        let rows = as_usize(num(2, "N")?, "N")?;
        let dim = as_usize(num(3, "DIM")?, "DIM")?;
        let seed = num(fixed - 1, "SEED")?;
        let mut synthetic = Synthetic::new(shape, rows, dim, seed);
        synthetic.validate().map_err(|what| bad(&what))?;
        for opt in &parts[fixed.min(parts.len())..] {
            if *opt == "norm" {
                synthetic.normalize = true;
            } else if let Some(s) = opt.strip_prefix("skip=") {
                synthetic.skip = s
                    .parse()
                    .map_err(|_| bad("skip=S needs a non-negative integer"))?;
            } else {
                return Err(bad(&format!("unknown option {opt:?}")));
            }
        }
        Ok(synthetic)
    }

    /// Generate the rows from the per-row stream (in parallel; the result does not depend on
    /// the thread count). Row `skip + i` depends only on the seed and `skip + i`; normalisation
    /// is [`normalize_row`]. The parameters must [`validate`](Self::validate).
    #[must_use]
    pub fn generate(&self) -> Vectors {
        let dim = self.dim;
        let centres: Vec<f32> = match self.shape {
            Shape::Uniform => Vec::new(),
            Shape::Clusters { clusters, .. } => {
                let mut rng = StdRng::seed_from_u64(splitmix64(self.seed ^ 0xC3A5_C85C_97CB_3127));
                (0..clusters * dim)
                    .map(|_| rng.gen_range(-1.0f32..1.0))
                    .collect()
            }
        };
        let mut data = vec![0f32; self.rows * dim];
        let threads = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .min(self.rows.div_ceil(4096))
            .max(1);
        let rows_per = self.rows.div_ceil(threads);
        std::thread::scope(|s| {
            for (chunk_index, chunk) in data.chunks_mut(rows_per * dim).enumerate() {
                let centres = &centres;
                s.spawn(move || {
                    for (r, row) in chunk.chunks_exact_mut(dim).enumerate() {
                        let index = self.skip + (chunk_index * rows_per + r) as u64;
                        let mut rng =
                            StdRng::seed_from_u64(splitmix64(self.seed ^ splitmix64(index)));
                        self.draw_row(&mut rng, centres, row);
                        if self.normalize {
                            normalize_row(row);
                        }
                    }
                });
            }
        });
        Matrix { dim, data }
    }

    /// Generate the rows from the sequential stream: one `StdRng` seeded with `seed` draws the
    /// centres (for clusters), then rows `0..skip + rows` in order; the first `skip` are
    /// dropped. One thread. Normalisation is in `f32` (`x / sqrt(Σ x²)`), unlike
    /// [`generate`](Self::generate), so that existing sets keep their exact bits. The parameters
    /// must [`validate`](Self::validate).
    #[must_use]
    pub fn generate_sequential(&self) -> Vectors {
        let dim = self.dim;
        let mut rng = StdRng::seed_from_u64(self.seed);
        let centres: Vec<f32> = match self.shape {
            Shape::Uniform => Vec::new(),
            Shape::Clusters { clusters, .. } => (0..clusters * dim)
                .map(|_| rng.gen_range(-1.0f32..1.0))
                .collect(),
        };
        let mut scratch = vec![0f32; dim];
        for _ in 0..self.skip {
            self.draw_row(&mut rng, &centres, &mut scratch);
        }
        let mut data = vec![0f32; self.rows * dim];
        for row in data.chunks_exact_mut(dim) {
            self.draw_row(&mut rng, &centres, row);
            if self.normalize {
                let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt();
                if norm > 0.0 {
                    row.iter_mut().for_each(|x| *x /= norm);
                }
            }
        }
        Matrix { dim, data }
    }

    /// Draw one row from `rng`: `dim` uniform components, or a centre index then `dim`
    /// gaussian offsets (the same draws, in the same order, for both streams).
    fn draw_row(&self, rng: &mut StdRng, centres: &[f32], row: &mut [f32]) {
        match self.shape {
            Shape::Uniform => row.iter_mut().for_each(|v| *v = rng.gen_range(-1.0..1.0)),
            Shape::Clusters { clusters, spread } => {
                let c = rng.gen_range(0..clusters);
                let centre = &centres[c * row.len()..(c + 1) * row.len()];
                match Normal::new(0.0f32, spread) {
                    Ok(noise) => {
                        for (v, m) in row.iter_mut().zip(centre) {
                            *v = m + noise.sample(rng);
                        }
                    }
                    // Unreachable for validated parameters (spread finite and >= 0).
                    Err(_) => row.copy_from_slice(centre),
                }
            }
        }
    }
}

/// Scale `row` to unit L2 norm, computed in `f64` (a zero row stays zero).
pub fn normalize_row(row: &mut [f32]) {
    let norm = row
        .iter()
        .map(|v| f64::from(*v) * f64::from(*v))
        .sum::<f64>()
        .sqrt();
    if norm > 0.0 {
        row.iter_mut()
            .for_each(|v| *v = (f64::from(*v) / norm) as f32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load_vectors;

    /// FNV-1a over the bits of every component.
    fn digest(m: &Vectors) -> u64 {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for b in m.as_slice().iter().flat_map(|v| v.to_bits().to_le_bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        h
    }

    /// The generators' outputs, pinned: digests taken from the two generators before they
    /// moved into this crate (`corevec-load`'s spec generator and `corevec-bench`'s sequential
    /// one). A change here changes seeded sets that results cite.
    #[test]
    fn seeded_sets_are_pinned() {
        for (spec, want) in [
            ("synthetic:clusters:1000:16:10:0.1:7", 0xe28b_7197_e719_c2d1),
            (
                "synthetic:clusters:1000:16:10:0.1:7:norm",
                0xba25_9926_2107_aca5,
            ),
            ("synthetic:uniform:500:8:3", 0xb5e1_56ac_ec30_5df0),
            (
                "synthetic:clusters:300:16:10:0.1:7:skip=700",
                0x36fe_9374_e8e8_d425,
            ),
        ] {
            assert_eq!(digest(&load_vectors(spec).expect(spec)), want, "{spec}");
        }
        let clusters = Synthetic::new(
            Shape::Clusters {
                clusters: 10,
                spread: 0.1,
            },
            1000,
            16,
            7,
        );
        let sequential = [
            (clusters, 0xa85b_88bc_87a2_c75d),
            (
                Synthetic {
                    normalize: true,
                    ..clusters
                },
                0x7159_8c1a_d62c_726c,
            ),
            (
                Synthetic::new(Shape::Uniform, 1000, 16, 3),
                0xf9bc_fe48_5090_4981,
            ),
        ];
        for (params, want) in sequential {
            assert_eq!(digest(&params.generate_sequential()), want, "{params:?}");
        }
        assert_eq!(unit_hash(1, 2, 3), 0.836_585_964_579_284_9);
    }

    #[test]
    fn spec_sets_are_seeded_skippable_and_normalised() {
        let a = load_vectors("synthetic:clusters:100:8:4:0.05:7").expect("a");
        let b = load_vectors("synthetic:clusters:100:8:4:0.05:7").expect("b");
        assert_eq!(a, b);
        let tail = load_vectors("synthetic:clusters:40:8:4:0.05:7:skip=60").expect("tail");
        assert_eq!(tail.as_slice(), a.rows_slice(60, 100));
        let other = load_vectors("synthetic:clusters:100:8:4:0.05:8").expect("seed 8");
        assert_ne!(a, other);
        let n = load_vectors("synthetic:uniform:50:16:1:norm").expect("norm");
        for row in n.iter() {
            let norm: f32 = row.iter().map(|v| v * v).sum();
            assert!((norm - 1.0).abs() < 1e-5);
        }
        let u = load_vectors("synthetic:uniform:1000:4:3").expect("uniform");
        assert!(u.as_slice().iter().all(|v| (-1.0..1.0).contains(v)));
        for bad in [
            "synthetic:uniform:10:4",
            "synthetic:gauss:10:4:1",
            "synthetic:uniform:0:4:1",
            "synthetic:uniform:10:0:1",
            "synthetic:uniform:10:4:1:bogus",
            "synthetic:clusters:10:4:0:0.1:1",
            "synthetic:clusters:10:4:2:nan:1",
            "synthetic:clusters:10:4:2:-0.5:1",
        ] {
            assert!(load_vectors(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sequential_sets_are_seeded_skippable_and_normalised() {
        let params = Synthetic {
            normalize: true,
            ..Synthetic::new(
                Shape::Clusters {
                    clusters: 4,
                    spread: 0.1,
                },
                100,
                8,
                3,
            )
        };
        let a = params.generate_sequential();
        assert_eq!(a, params.generate_sequential());
        assert_eq!(a.rows(), 100);
        assert_ne!(a, Synthetic { seed: 4, ..params }.generate_sequential());
        assert_ne!(a, params.generate(), "the two streams differ");
        for row in a.iter() {
            let norm: f32 = row.iter().map(|x| x * x).sum();
            assert!((norm - 1.0).abs() < 1e-4);
        }
        let tail = Synthetic {
            rows: 30,
            skip: 70,
            ..params
        }
        .generate_sequential();
        assert_eq!(tail.as_slice(), a.rows_slice(70, 100));
        let uniform = Synthetic::new(Shape::Uniform, 100, 8, 3).generate_sequential();
        assert!(uniform.as_slice().iter().all(|x| (-1.0..1.0).contains(x)));
    }

    #[test]
    fn unit_hash_is_uniformish() {
        let n = 100_000;
        let below = (0..n).filter(|&i| unit_hash(1, 2, i) < 0.1).count();
        assert!((9_000..11_000).contains(&below), "{below}");
    }
}
