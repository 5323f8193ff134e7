//! Dataset readers and generators.
//!
//! - TEXMEX formats (little-endian): every record is an `i32` dimension `d` followed by `d`
//!   components: `f32` (`.fvecs`), `i32` (`.ivecs`) or `u8` (`.bvecs`). All records of a
//!   file must have the same dimension. Readers return [`DatasetError`] on truncated files,
//!   inconsistent or invalid dimensions; they never panic on file data.
//! - Writers for `.fvecs` and `.ivecs`.
//! - A seeded synthetic generator: uniform in `[-1, 1]^dim`, or gaussian clusters (centres
//!   uniform in `[-1, 1]^dim`, per-component standard deviation `spread`), optionally
//!   L2-normalised.
//! - Exact ground truth by brute force, multi-threaded.

#![allow(dead_code)] // Shared by several subcommands; not all use every helper.

use std::fmt;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use corevec_engine::distance::Metric;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

/// A dataset file that cannot be used.
#[derive(Debug)]
pub enum DatasetError {
    /// Reading or writing failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file ends inside a record.
    Truncated {
        path: PathBuf,
        record: usize,
        offset: usize,
    },
    /// A record's dimension differs from the first record's.
    InconsistentDim {
        path: PathBuf,
        record: usize,
        expected: usize,
        found: i64,
    },
    /// A dimension that is zero or negative.
    InvalidDim {
        path: PathBuf,
        record: usize,
        found: i64,
    },
    /// Anything else (wrong combination of files, bad parameters).
    Invalid(String),
}

impl fmt::Display for DatasetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Self::Truncated {
                path,
                record,
                offset,
            } => write!(
                f,
                "{}: truncated: record {record} at byte {offset} ends past the end of the file",
                path.display()
            ),
            Self::InconsistentDim {
                path,
                record,
                expected,
                found,
            } => write!(
                f,
                "{}: record {record} has dimension {found}, the first record has {expected}",
                path.display()
            ),
            Self::InvalidDim {
                path,
                record,
                found,
            } => {
                write!(
                    f,
                    "{}: record {record} has invalid dimension {found}",
                    path.display()
                )
            }
            Self::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for DatasetError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Rows of equal length, stored flat.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix<T> {
    /// Components per row.
    pub dim: usize,
    /// `rows * dim` values, row-major.
    pub data: Vec<T>,
}

impl<T> Matrix<T> {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.data.len().checked_div(self.dim).unwrap_or(0)
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[T] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// Iterates over the rows.
    pub fn iter(&self) -> impl Iterator<Item = &[T]> {
        self.data.chunks_exact(self.dim.max(1))
    }

    /// Keeps the first `rows` rows.
    pub fn truncate(&mut self, rows: usize) {
        self.data.truncate(rows * self.dim);
    }
}

/// A TEXMEX component type.
trait Component: Copy {
    const SIZE: usize;
    fn read_le(bytes: &[u8]) -> Self;
}

impl Component for f32 {
    const SIZE: usize = 4;
    fn read_le(bytes: &[u8]) -> Self {
        f32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    }
}

impl Component for i32 {
    const SIZE: usize = 4;
    fn read_le(bytes: &[u8]) -> Self {
        i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    }
}

impl Component for u8 {
    const SIZE: usize = 1;
    fn read_le(bytes: &[u8]) -> Self {
        bytes[0]
    }
}

/// Parses TEXMEX records from `bytes` (`path` only names the source in errors).
fn parse<T: Component>(bytes: &[u8], path: &Path) -> Result<Matrix<T>, DatasetError> {
    let mut dim = 0usize;
    let mut data = Vec::new();
    let mut offset = 0usize;
    let mut record = 0usize;
    while offset < bytes.len() {
        let truncated = || DatasetError::Truncated {
            path: path.to_owned(),
            record,
            offset,
        };
        let header = bytes.get(offset..offset + 4).ok_or_else(truncated)?;
        let found = i64::from(<i32 as Component>::read_le(header));
        if found <= 0 {
            return Err(DatasetError::InvalidDim {
                path: path.to_owned(),
                record,
                found,
            });
        }
        let found_dim = found as usize;
        if record == 0 {
            dim = found_dim;
            let records = bytes.len() / (4 + dim * T::SIZE);
            data.reserve_exact(records * dim);
        } else if found_dim != dim {
            return Err(DatasetError::InconsistentDim {
                path: path.to_owned(),
                record,
                expected: dim,
                found,
            });
        }
        let body = bytes
            .get(offset + 4..offset + 4 + dim * T::SIZE)
            .ok_or_else(truncated)?;
        data.extend(body.chunks_exact(T::SIZE).map(T::read_le));
        offset += 4 + dim * T::SIZE;
        record += 1;
    }
    Ok(Matrix { dim, data })
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, DatasetError> {
    std::fs::read(path).map_err(|source| DatasetError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Reads an `.fvecs` file.
pub fn read_fvecs(path: &Path) -> Result<Matrix<f32>, DatasetError> {
    parse(&read_bytes(path)?, path)
}

/// Reads an `.ivecs` file.
pub fn read_ivecs(path: &Path) -> Result<Matrix<i32>, DatasetError> {
    parse(&read_bytes(path)?, path)
}

/// Reads a `.bvecs` file.
pub fn read_bvecs(path: &Path) -> Result<Matrix<u8>, DatasetError> {
    parse(&read_bytes(path)?, path)
}

fn write_records<T: Copy>(
    path: &Path,
    matrix: &Matrix<T>,
    to_le: impl Fn(T) -> [u8; 4],
) -> Result<(), DatasetError> {
    let io = |source| DatasetError::Io {
        path: path.to_owned(),
        source,
    };
    let dim = i32::try_from(matrix.dim)
        .ok()
        .filter(|&d| d > 0)
        .ok_or_else(|| DatasetError::Invalid(format!("cannot write dimension {}", matrix.dim)))?;
    let mut out = BufWriter::new(std::fs::File::create(path).map_err(io)?);
    for row in matrix.iter() {
        out.write_all(&dim.to_le_bytes()).map_err(io)?;
        for &x in row {
            out.write_all(&to_le(x)).map_err(io)?;
        }
    }
    out.flush().map_err(io)
}

/// Writes an `.fvecs` file.
pub fn write_fvecs(path: &Path, matrix: &Matrix<f32>) -> Result<(), DatasetError> {
    write_records(path, matrix, f32::to_le_bytes)
}

/// Writes an `.ivecs` file.
pub fn write_ivecs(path: &Path, matrix: &Matrix<i32>) -> Result<(), DatasetError> {
    write_records(path, matrix, i32::to_le_bytes)
}

/// A TEXMEX benchmark directory: `base.fvecs`, `query.fvecs` and, if present,
/// `groundtruth.ivecs` (best first).
pub struct Texmex {
    pub base: Matrix<f32>,
    pub queries: Matrix<f32>,
    pub groundtruth: Option<Matrix<i32>>,
}

/// Loads a TEXMEX directory and checks that the files agree.
pub fn load_texmex(dir: &Path) -> Result<Texmex, DatasetError> {
    let base = read_fvecs(&dir.join("base.fvecs"))?;
    let queries = read_fvecs(&dir.join("query.fvecs"))?;
    if base.dim != queries.dim {
        return Err(DatasetError::Invalid(format!(
            "{}: base dimension {} differs from query dimension {}",
            dir.display(),
            base.dim,
            queries.dim
        )));
    }
    let gt_path = dir.join("groundtruth.ivecs");
    let groundtruth = if gt_path.exists() {
        let gt = read_ivecs(&gt_path)?;
        if gt.rows() != queries.rows() {
            return Err(DatasetError::Invalid(format!(
                "{}: {} ground-truth rows for {} queries",
                gt_path.display(),
                gt.rows(),
                queries.rows()
            )));
        }
        if let Some(bad) = gt
            .data
            .iter()
            .find(|&&id| id < 0 || id as usize >= base.rows())
        {
            return Err(DatasetError::Invalid(format!(
                "{}: id {bad} is not a base row (0..{})",
                gt_path.display(),
                base.rows()
            )));
        }
        Some(gt)
    } else {
        None
    };
    Ok(Texmex {
        base,
        queries,
        groundtruth,
    })
}

/// Parameters of a synthetic dataset.
#[derive(Clone, Copy, Debug)]
pub struct Synthetic {
    pub count: usize,
    pub dim: usize,
    /// 0 = uniform in `[-1, 1]^dim`; otherwise gaussian clusters.
    pub clusters: usize,
    /// Per-component standard deviation around a cluster centre.
    pub spread: f32,
    /// Scale every vector to unit length.
    pub normalize: bool,
    pub seed: u64,
}

impl Synthetic {
    /// The vectors (the same for the same parameters).
    pub fn generate(&self) -> Matrix<f32> {
        let mut rng = StdRng::seed_from_u64(self.seed);
        let mut data = Vec::with_capacity(self.count * self.dim);
        if self.clusters == 0 {
            for _ in 0..self.count * self.dim {
                data.push(rng.gen_range(-1.0f32..1.0));
            }
        } else {
            let centres: Vec<f32> = (0..self.clusters * self.dim)
                .map(|_| rng.gen_range(-1.0f32..1.0))
                .collect();
            let noise = Normal::new(0.0f32, self.spread.max(0.0)).unwrap_or_else(|_| {
                Normal::new(0.0, 0.0).expect("a zero standard deviation is valid")
            });
            for _ in 0..self.count {
                let c = rng.gen_range(0..self.clusters);
                let centre = &centres[c * self.dim..(c + 1) * self.dim];
                data.extend(centre.iter().map(|&x| x + noise.sample(&mut rng)));
            }
        }
        let mut matrix = Matrix {
            dim: self.dim,
            data,
        };
        if self.normalize {
            normalize(&mut matrix);
        }
        matrix
    }
}

/// Scales every row to unit length (zero rows stay zero).
pub fn normalize(matrix: &mut Matrix<f32>) {
    let dim = matrix.dim.max(1);
    for row in matrix.data.chunks_exact_mut(dim) {
        let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            row.iter_mut().for_each(|x| *x /= norm);
        }
    }
}

/// Exact top-`k` base rows for every query under `metric`, skipping rows `skip` rejects,
/// ties by the smaller row; computed on `threads` threads.
pub fn ground_truth(
    base: &Matrix<f32>,
    queries: &Matrix<f32>,
    metric: Metric,
    k: usize,
    skip: &(dyn Fn(u32) -> bool + Sync),
    threads: usize,
) -> Vec<Vec<u32>> {
    let mut out = vec![Vec::new(); queries.rows()];
    let chunk = queries.rows().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        for (c, slots) in out.chunks_mut(chunk).enumerate() {
            scope.spawn(move || {
                let mut top: Vec<(f32, u32)> = Vec::with_capacity(k + 1);
                for (i, slot) in slots.iter_mut().enumerate() {
                    let query = queries.row(c * chunk + i);
                    top.clear();
                    for (row, vector) in base.iter().enumerate() {
                        let row = row as u32;
                        if skip(row) {
                            continue;
                        }
                        let d = metric.distance(query, vector);
                        if top.len() == k && d >= top[k - 1].0 {
                            continue;
                        }
                        let at = top.partition_point(|&(e, r)| (e, r) < (d, row));
                        top.insert(at, (d, row));
                        top.truncate(k);
                    }
                    *slot = top.iter().map(|&(_, r)| r).collect();
                }
            });
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("corevec-dataset-{}-{name}", std::process::id()))
    }

    #[test]
    fn fvecs_and_ivecs_round_trip() {
        let f = Matrix {
            dim: 3,
            data: vec![1.0f32, -2.5, 3.25, 0.0, 1e-7, f32::MAX],
        };
        let i = Matrix {
            dim: 2,
            data: vec![0i32, -1, i32::MAX, 7],
        };
        let (fp, ip) = (temp("a.fvecs"), temp("a.ivecs"));
        write_fvecs(&fp, &f).unwrap();
        write_ivecs(&ip, &i).unwrap();
        assert_eq!(read_fvecs(&fp).unwrap(), f);
        assert_eq!(read_ivecs(&ip).unwrap(), i);
        assert_eq!(std::fs::metadata(&fp).unwrap().len(), 2 * (4 + 12));
        std::fs::remove_file(fp).unwrap();
        std::fs::remove_file(ip).unwrap();
    }

    #[test]
    fn bvecs_parse() {
        let bytes = [2u8, 0, 0, 0, 10, 20, 2, 0, 0, 0, 30, 40];
        let m: Matrix<u8> = parse(&bytes, Path::new("x.bvecs")).unwrap();
        assert_eq!(
            m,
            Matrix {
                dim: 2,
                data: vec![10, 20, 30, 40]
            }
        );
    }

    #[test]
    fn empty_file_is_an_empty_matrix() {
        let m: Matrix<f32> = parse(&[], Path::new("e.fvecs")).unwrap();
        assert_eq!(m.rows(), 0);
    }

    #[test]
    fn malformed_files_are_errors() {
        let p = Path::new("bad.fvecs");
        // Truncated body.
        let mut bytes = 2i32.to_le_bytes().to_vec();
        bytes.extend(1.0f32.to_le_bytes());
        let err = parse::<f32>(&bytes, p).unwrap_err();
        assert!(
            matches!(err, DatasetError::Truncated { record: 0, .. }),
            "{err}"
        );
        // Truncated header.
        let err = parse::<f32>(&[1, 0], p).unwrap_err();
        assert!(matches!(err, DatasetError::Truncated { .. }), "{err}");
        // Inconsistent dimension.
        let mut bytes = 1i32.to_le_bytes().to_vec();
        bytes.extend(1.0f32.to_le_bytes());
        bytes.extend(2i32.to_le_bytes());
        bytes.extend([0u8; 8]);
        let err = parse::<f32>(&bytes, p).unwrap_err();
        assert!(matches!(
            err,
            DatasetError::InconsistentDim {
                record: 1,
                expected: 1,
                found: 2,
                ..
            }
        ));
        // Negative dimension.
        let err = parse::<i32>(&(-3i32).to_le_bytes(), p).unwrap_err();
        assert!(matches!(err, DatasetError::InvalidDim { found: -3, .. }));
        assert!(err.to_string().contains("bad.fvecs"));
        // Missing file.
        assert!(matches!(
            read_fvecs(Path::new("/nonexistent/x.fvecs")),
            Err(DatasetError::Io { .. })
        ));
    }

    #[test]
    fn synthetic_is_seeded_and_normalised() {
        let params = Synthetic {
            count: 100,
            dim: 8,
            clusters: 4,
            spread: 0.1,
            normalize: true,
            seed: 3,
        };
        let a = params.generate();
        assert_eq!(a, params.generate());
        assert_eq!(a.rows(), 100);
        assert_ne!(a, Synthetic { seed: 4, ..params }.generate());
        for row in a.iter() {
            let norm: f32 = row.iter().map(|x| x * x).sum();
            assert!((norm - 1.0).abs() < 1e-4);
        }
        let uniform = Synthetic {
            clusters: 0,
            normalize: false,
            ..params
        }
        .generate();
        assert!(uniform.data.iter().all(|x| (-1.0..1.0).contains(x)));
    }

    #[test]
    fn ground_truth_matches_a_sort() {
        let params = Synthetic {
            count: 300,
            dim: 4,
            clusters: 0,
            spread: 0.0,
            normalize: false,
            seed: 1,
        };
        let base = params.generate();
        let queries = Synthetic {
            count: 7,
            seed: 2,
            ..params
        }
        .generate();
        let skip = |row: u32| row % 3 == 0;
        let gt = ground_truth(&base, &queries, Metric::L2, 5, &skip, 3);
        for (q, found) in queries.iter().zip(&gt) {
            let mut all: Vec<(f32, u32)> = base
                .iter()
                .enumerate()
                .filter(|(r, _)| !skip(*r as u32))
                .map(|(r, v)| (Metric::L2.distance(q, v), r as u32))
                .collect();
            all.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let expected: Vec<u32> = all.iter().take(5).map(|&(_, r)| r).collect();
            assert_eq!(found, &expected);
        }
    }
}
