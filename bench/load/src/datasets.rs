//! Datasets: TEXMEX `.fvecs` / `.ivecs` / `.bvecs`, NumPy `.npy` and seeded synthetic sets.
//!
//! Every reader parses the whole file in memory and checks every length and dimension against
//! the bytes actually present before using them: a truncated, inconsistent or foreign file is a
//! [`DatasetError`] naming the path and the problem, never a panic.
//!
//! A *dataset spec* (what `--data`, `--queries`, `--base` take) is either a path, whose
//! extension picks the format, or a synthetic spec (see [`SPEC_HELP`]).
//!
//! This module duplicates part of `bench/src/dataset.rs` (owned by the bench crate) so that
//! `corevec-load` links neither the engine nor the bench crate; the two can be merged into a
//! shared crate later.

use std::fmt;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

/// Largest dimension (or ground-truth width) a file may declare. Protocol vectors stop at 4,096;
/// ground truth rarely exceeds 1,000. The bound only protects against garbage headers.
pub const DIM_LIMIT: usize = 1 << 16;

/// Help text for dataset specs, shown by `--help`.
pub const SPEC_HELP: &str = "\
DATASET SPECS (--data, --queries, --base):
  PATH.fvecs | PATH.bvecs | PATH.npy     TEXMEX float32 / uint8 vectors, or a NumPy 2-D
                                         float32 little-endian C-order array ('<f4').
  synthetic:uniform:N:DIM:SEED[:norm][:skip=S]
      N rows, components uniform in [-1, 1).
  synthetic:clusters:N:DIM:CLUSTERS:SPREAD:SEED[:norm][:skip=S]
      N rows around CLUSTERS centres (centres uniform in [-1, 1), per-component gaussian
      noise with standard deviation SPREAD).
  Options: 'norm' L2-normalises every row; 'skip=S' yields rows S..S+N of the same infinite
  seeded stream (row i depends only on SEED and i), so a query set that shares the base's
  distribution but not its points is the base spec with the query count and skip=N_BASE:
      --data    synthetic:clusters:100000:128:64:0.1:42
      --queries synthetic:clusters:1000:128:64:0.1:42:skip=100000
  Ground truth files (--truth) are TEXMEX .ivecs of 0-based base row ids (= vector ids).";

/// A failure to read, write or understand a dataset.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file's contents do not match its format.
    #[error("{path}: {what}")]
    Format {
        /// The file.
        path: String,
        /// What is wrong.
        what: String,
    },
    /// A dataset spec does not parse.
    #[error("bad dataset spec {spec:?}: {what}")]
    Spec {
        /// The spec as given.
        spec: String,
        /// What is wrong, and the expected syntax.
        what: String,
    },
}

fn format_err(path: &Path, what: impl Into<String>) -> DatasetError {
    DatasetError::Format {
        path: path.display().to_string(),
        what: what.into(),
    }
}

fn io_err(path: &Path, source: std::io::Error) -> DatasetError {
    DatasetError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// A dense row-major matrix (`rows × dim`).
#[derive(Clone, PartialEq)]
pub struct Matrix<T> {
    dim: usize,
    data: Vec<T>,
}

/// Float vectors, one per row.
pub type Vectors = Matrix<f32>;
/// Integer rows, e.g. ground-truth ids (`.ivecs`).
pub type IdMatrix = Matrix<i32>;

impl<T> fmt::Debug for Matrix<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Matrix")
            .field("rows", &(self.data.len() / self.dim.max(1)))
            .field("dim", &self.dim)
            .finish_non_exhaustive()
    }
}

impl<T: Copy> Matrix<T> {
    /// `data.len()` must be a multiple of `dim` (and `dim >= 1`).
    pub fn new(dim: usize, data: Vec<T>) -> Result<Self, String> {
        if dim == 0 || data.len() % dim != 0 {
            return Err(format!(
                "{} values do not form rows of dimension {dim}",
                data.len()
            ));
        }
        Ok(Matrix { dim, data })
    }

    /// Values per row.
    #[must_use]
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of rows.
    #[must_use]
    pub fn rows(&self) -> usize {
        self.data.len() / self.dim
    }

    /// Row `i` (panics if out of range: callers index with `i < rows()`).
    #[must_use]
    pub fn row(&self, i: usize) -> &[T] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }

    /// Rows `start..end`, contiguous.
    #[must_use]
    pub fn rows_slice(&self, start: usize, end: usize) -> &[T] {
        &self.data[start * self.dim..end * self.dim]
    }

    /// All values, row-major.
    #[must_use]
    pub fn as_slice(&self) -> &[T] {
        &self.data
    }

    /// Keep the first `rows` rows.
    pub fn truncate(&mut self, rows: usize) {
        self.data.truncate(rows.saturating_mul(self.dim));
    }
}

/// The file formats this module reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// TEXMEX float32.
    Fvecs,
    /// TEXMEX int32.
    Ivecs,
    /// TEXMEX uint8.
    Bvecs,
    /// NumPy `.npy`, float32 little-endian, C order, 2-D.
    Npy,
}

impl Format {
    /// The format a path's extension names.
    pub fn from_path(path: &Path) -> Result<Format, DatasetError> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("fvecs") => Ok(Format::Fvecs),
            Some("ivecs") => Ok(Format::Ivecs),
            Some("bvecs") => Ok(Format::Bvecs),
            Some("npy") => Ok(Format::Npy),
            _ => Err(format_err(
                path,
                "unknown extension: expected .fvecs, .bvecs, .npy (vectors) or .ivecs (ids), \
                 or a synthetic:... spec",
            )),
        }
    }
}

// ---------------------------------------------------------------- TEXMEX

fn le_i32(b: &[u8]) -> i32 {
    i32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn le_f32(b: &[u8]) -> f32 {
    f32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// Parse TEXMEX records `i32 dim | dim × elem_size bytes`, all with the same `dim`.
fn parse_texmex<T>(
    path: &Path,
    bytes: &[u8],
    elem_size: usize,
    convert: impl Fn(&[u8]) -> T,
) -> Result<Matrix<T>, DatasetError> {
    let Some(first) = bytes.get(..4) else {
        return Err(format_err(path, "empty or shorter than one record header"));
    };
    let dim = le_i32(first);
    let dim = usize::try_from(dim)
        .ok()
        .filter(|d| (1..=DIM_LIMIT).contains(d))
        .ok_or_else(|| {
            format_err(
                path,
                format!("record 0 declares dimension {dim}, expected 1..={DIM_LIMIT}"),
            )
        })?;
    let record = 4 + dim * elem_size;
    if bytes.len() % record != 0 {
        return Err(format_err(
            path,
            format!(
                "truncated or not this format: {} bytes is not a multiple of the record size {record} \
                 (dimension {dim}, {elem_size}-byte components)",
                bytes.len()
            ),
        ));
    }
    let rows = bytes.len() / record;
    let mut data = Vec::with_capacity(rows * dim);
    for (i, rec) in bytes.chunks_exact(record).enumerate() {
        let d = le_i32(&rec[..4]);
        if usize::try_from(d).ok() != Some(dim) {
            return Err(format_err(
                path,
                format!("record {i} declares dimension {d}, record 0 declared {dim}"),
            ));
        }
        data.extend(rec[4..].chunks_exact(elem_size).map(&convert));
    }
    Ok(Matrix { dim, data })
}

fn read_file(path: &Path) -> Result<Vec<u8>, DatasetError> {
    fs::read(path).map_err(|e| io_err(path, e))
}

/// Read a `.fvecs` file.
pub fn read_fvecs(path: &Path) -> Result<Vectors, DatasetError> {
    parse_texmex(path, &read_file(path)?, 4, le_f32)
}

/// Read an `.ivecs` file.
pub fn read_ivecs(path: &Path) -> Result<IdMatrix, DatasetError> {
    parse_texmex(path, &read_file(path)?, 4, le_i32)
}

/// Read a `.bvecs` file as raw bytes.
pub fn read_bvecs(path: &Path) -> Result<Matrix<u8>, DatasetError> {
    parse_texmex(path, &read_file(path)?, 1, |b| b[0])
}

fn write_texmex<T: Copy>(
    path: &Path,
    m: &Matrix<T>,
    put: impl Fn(&mut Vec<u8>, T),
) -> Result<(), DatasetError> {
    let file = fs::File::create(path).map_err(|e| io_err(path, e))?;
    let mut w = BufWriter::new(file);
    let dim = i32::try_from(m.dim()).map_err(|_| format_err(path, "dimension exceeds i32"))?;
    let mut rec = Vec::new();
    for i in 0..m.rows() {
        rec.clear();
        rec.extend_from_slice(&dim.to_le_bytes());
        for &v in m.row(i) {
            put(&mut rec, v);
        }
        w.write_all(&rec).map_err(|e| io_err(path, e))?;
    }
    w.flush().map_err(|e| io_err(path, e))
}

/// Write a `.fvecs` file.
pub fn write_fvecs(path: &Path, m: &Vectors) -> Result<(), DatasetError> {
    write_texmex(path, m, |out, v| out.extend_from_slice(&v.to_le_bytes()))
}

/// Write an `.ivecs` file.
pub fn write_ivecs(path: &Path, m: &IdMatrix) -> Result<(), DatasetError> {
    write_texmex(path, m, |out, v| out.extend_from_slice(&v.to_le_bytes()))
}

/// Write a `.bvecs` file.
pub fn write_bvecs(path: &Path, m: &Matrix<u8>) -> Result<(), DatasetError> {
    write_texmex(path, m, |out, v| out.push(v))
}

// ---------------------------------------------------------------- NumPy

const NPY_MAGIC: &[u8] = b"\x93NUMPY";

/// Find `'key':` in a .npy header dict and return the text after the colon.
fn npy_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    for quote in ['\'', '"'] {
        let needle = format!("{quote}{key}{quote}");
        if let Some(at) = header.find(&needle) {
            let rest = header[at + needle.len()..].trim_start();
            return rest.strip_prefix(':').map(str::trim_start);
        }
    }
    None
}

fn parse_npy(path: &Path, bytes: &[u8]) -> Result<Vectors, DatasetError> {
    if bytes.get(..6) != Some(NPY_MAGIC) {
        return Err(format_err(
            path,
            "not a .npy file (missing \\x93NUMPY magic)",
        ));
    }
    let (major, minor) = match bytes.get(6..8) {
        Some(v) => (v[0], v[1]),
        None => return Err(format_err(path, "truncated .npy preamble")),
    };
    let (header_len, header_start): (usize, usize) = match major {
        1 => match bytes.get(8..10) {
            Some(b) => (usize::from(u16::from_le_bytes([b[0], b[1]])), 10),
            None => return Err(format_err(path, "truncated .npy preamble")),
        },
        2 | 3 => match bytes.get(8..12) {
            Some(b) => (
                usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(usize::MAX),
                12,
            ),
            None => return Err(format_err(path, "truncated .npy preamble")),
        },
        _ => {
            return Err(format_err(
                path,
                format!(".npy format version {major}.{minor} is not supported (1.x, 2.x, 3.x)"),
            ))
        }
    };
    let header = header_start
        .checked_add(header_len)
        .and_then(|end| bytes.get(header_start..end))
        .ok_or_else(|| format_err(path, "truncated .npy header"))?;
    let header =
        std::str::from_utf8(header).map_err(|_| format_err(path, ".npy header is not UTF-8"))?;
    let data = &bytes[header_start + header_len..];

    let descr = npy_value(header, "descr")
        .and_then(|v| {
            let q = v.chars().next()?;
            let v = v.strip_prefix(q)?;
            Some(&v[..v.find(q)?])
        })
        .ok_or_else(|| format_err(path, ".npy header has no 'descr'"))?;
    let little_native = cfg!(target_endian = "little") && descr == "=f4";
    if descr != "<f4" && !little_native {
        return Err(format_err(
            path,
            format!(
                ".npy dtype {descr:?} is not supported: need float32 little-endian ('<f4'); \
                 convert with arr.astype('<f4')"
            ),
        ));
    }
    match npy_value(header, "fortran_order") {
        Some(v) if v.starts_with("False") => {}
        Some(v) if v.starts_with("True") => {
            return Err(format_err(
                path,
                ".npy array is in Fortran order; save np.ascontiguousarray(arr) instead",
            ))
        }
        _ => return Err(format_err(path, ".npy header has no valid 'fortran_order'")),
    }
    let shape = npy_value(header, "shape")
        .and_then(|v| v.strip_prefix('('))
        .and_then(|v| v.find(')').map(|end| &v[..end]))
        .ok_or_else(|| format_err(path, ".npy header has no 'shape' tuple"))?;
    let dims: Vec<usize> = shape
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('L').parse::<usize>())
        .collect::<Result<_, _>>()
        .map_err(|_| format_err(path, format!(".npy shape ({shape}) does not parse")))?;
    let [rows, dim] = dims[..] else {
        return Err(format_err(
            path,
            format!(
                ".npy array has shape ({shape}): need a 2-D array (rows, dim); reshape it first"
            ),
        ));
    };
    if !(1..=DIM_LIMIT).contains(&dim) {
        return Err(format_err(
            path,
            format!(".npy dimension {dim} outside 1..={DIM_LIMIT}"),
        ));
    }
    let expected = rows
        .checked_mul(dim)
        .and_then(|n| n.checked_mul(4))
        .ok_or_else(|| format_err(path, ".npy shape overflows"))?;
    if data.len() != expected {
        return Err(format_err(
            path,
            format!(
                ".npy data is {} bytes, shape ({rows}, {dim}) float32 needs {expected} \
                 (truncated or trailing bytes)",
                data.len()
            ),
        ));
    }
    Ok(Matrix {
        dim,
        data: data.chunks_exact(4).map(le_f32).collect(),
    })
}

/// Read a NumPy `.npy` file: float32 little-endian, C order, 2-D.
pub fn read_npy(path: &Path) -> Result<Vectors, DatasetError> {
    parse_npy(path, &read_file(path)?)
}

/// Write a NumPy `.npy` file (format 1.0, `<f4`, C order, 2-D).
pub fn write_npy(path: &Path, m: &Vectors) -> Result<(), DatasetError> {
    let mut header = format!(
        "{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, {}), }}",
        m.rows(),
        m.dim()
    );
    // Pad with spaces so that the data starts 64-byte aligned; the header ends in '\n'.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let header_len =
        u16::try_from(header.len()).map_err(|_| format_err(path, ".npy header too long"))?;
    let mut out = Vec::with_capacity(10 + header.len() + m.as_slice().len() * 4);
    out.extend_from_slice(NPY_MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&header_len.to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    for v in m.as_slice() {
        out.extend_from_slice(&v.to_le_bytes());
    }
    fs::write(path, out).map_err(|e| io_err(path, e))
}

// ---------------------------------------------------------------- synthetic

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

/// A parsed `synthetic:...` spec.
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

/// A stateless uniform draw in `[0, 1)` from `(seed, a, b)`; used to pick reads vs writes.
#[must_use]
pub fn unit_hash(seed: u64, a: u64, b: u64) -> f64 {
    let h = splitmix64(seed ^ splitmix64(a ^ splitmix64(b)));
    // 53 random bits -> [0, 1).
    (h >> 11) as f64 / (1u64 << 53) as f64
}

impl Synthetic {
    /// Parse `synthetic:uniform:N:DIM:SEED[:norm][:skip=S]` or
    /// `synthetic:clusters:N:DIM:CLUSTERS:SPREAD:SEED[:norm][:skip=S]`.
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
                if clusters == 0 {
                    return Err(bad("CLUSTERS must be at least 1"));
                }
                if !spread.is_finite() || spread < 0.0 {
                    return Err(bad("SPREAD must be a finite number >= 0"));
                }
                (Shape::Clusters { clusters, spread }, 7)
            }
            _ => return Err(bad("unknown distribution")),
        };
        let rows = as_usize(num(2, "N")?, "N")?;
        let dim = as_usize(num(3, "DIM")?, "DIM")?;
        let seed = num(fixed - 1, "SEED")?;
        if rows == 0 {
            return Err(bad("N must be at least 1"));
        }
        if !(1..=DIM_LIMIT).contains(&dim) {
            return Err(bad(&format!("DIM must be 1..={DIM_LIMIT}")));
        }
        let mut normalize = false;
        let mut skip = 0;
        for opt in &parts[fixed.min(parts.len())..] {
            if *opt == "norm" {
                normalize = true;
            } else if let Some(s) = opt.strip_prefix("skip=") {
                skip = s
                    .parse()
                    .map_err(|_| bad("skip=S needs a non-negative integer"))?;
            } else {
                return Err(bad(&format!("unknown option {opt:?}")));
            }
        }
        Ok(Synthetic {
            shape,
            rows,
            dim,
            seed,
            normalize,
            skip,
        })
    }

    /// Generate the rows (in parallel; the result does not depend on the thread count).
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
                        self.fill_row(index, centres, row);
                    }
                });
            }
        });
        Matrix { dim, data }
    }

    fn fill_row(&self, index: u64, centres: &[f32], row: &mut [f32]) {
        let mut rng = StdRng::seed_from_u64(splitmix64(self.seed ^ splitmix64(index)));
        match self.shape {
            Shape::Uniform => row.iter_mut().for_each(|v| *v = rng.gen_range(-1.0..1.0)),
            Shape::Clusters { clusters, spread } => {
                let c = rng.gen_range(0..clusters);
                let centre = &centres[c * row.len()..(c + 1) * row.len()];
                match Normal::new(0.0f32, spread) {
                    Ok(noise) => {
                        for (v, m) in row.iter_mut().zip(centre) {
                            *v = m + noise.sample(&mut rng);
                        }
                    }
                    // Unreachable: spread is checked finite and >= 0 when parsed.
                    Err(_) => row.copy_from_slice(centre),
                }
            }
        }
        if self.normalize {
            normalize_row(row);
        }
    }
}

/// Scale `row` to unit L2 norm (a zero row stays zero).
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

// ---------------------------------------------------------------- specs

/// Load float vectors from a dataset spec: a `.fvecs` / `.bvecs` / `.npy` path or a
/// `synthetic:...` spec. `.bvecs` components are converted to `f32`.
pub fn load_vectors(spec: &str) -> Result<Vectors, DatasetError> {
    if spec.starts_with("synthetic:") {
        return Ok(Synthetic::parse(spec)?.generate());
    }
    let path = Path::new(spec);
    match Format::from_path(path)? {
        Format::Fvecs => read_fvecs(path),
        Format::Npy => read_npy(path),
        Format::Bvecs => {
            let b = read_bvecs(path)?;
            Ok(Matrix {
                dim: b.dim,
                data: b.data.iter().map(|&v| f32::from(v)).collect(),
            })
        }
        Format::Ivecs => Err(format_err(
            path,
            ".ivecs holds integer ids (ground truth), not vectors; pass it as --truth",
        )),
    }
}

/// Load a ground-truth file (`.ivecs`).
pub fn load_truth(path: &str) -> Result<IdMatrix, DatasetError> {
    let p = Path::new(path);
    match Format::from_path(p)? {
        Format::Ivecs => read_ivecs(p),
        _ => Err(format_err(p, "ground truth must be an .ivecs file")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("corevec-load-ds-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("tmp dir");
        dir.join(name)
    }

    fn sample() -> Vectors {
        Matrix::new(3, vec![1.0, -2.5, 3.25, 0.0, f32::MIN_POSITIVE, 7.0]).expect("2x3")
    }

    #[test]
    fn fvecs_round_trip() {
        let p = tmp("a.fvecs");
        write_fvecs(&p, &sample()).expect("write");
        assert_eq!(read_fvecs(&p).expect("read"), sample());
        assert_eq!(
            load_vectors(p.to_str().expect("utf8")).expect("load"),
            sample()
        );
    }

    #[test]
    fn ivecs_round_trip() {
        let p = tmp("a.ivecs");
        let m = Matrix::new(2, vec![1, -1, i32::MAX, 0]).expect("2x2");
        write_ivecs(&p, &m).expect("write");
        assert_eq!(read_ivecs(&p).expect("read"), m);
        assert_eq!(load_truth(p.to_str().expect("utf8")).expect("load"), m);
        assert!(load_vectors(p.to_str().expect("utf8")).is_err());
    }

    #[test]
    fn bvecs_round_trip() {
        let p = tmp("a.bvecs");
        let m = Matrix::new(4, vec![0u8, 1, 128, 255, 9, 8, 7, 6]).expect("2x4");
        write_bvecs(&p, &m).expect("write");
        assert_eq!(read_bvecs(&p).expect("read"), m);
        let v = load_vectors(p.to_str().expect("utf8")).expect("as f32");
        assert_eq!(v.row(0), &[0.0, 1.0, 128.0, 255.0]);
    }

    #[test]
    fn npy_round_trip() {
        let p = tmp("a.npy");
        write_npy(&p, &sample()).expect("write");
        let bytes = fs::read(&p).expect("bytes");
        let header_len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
        assert_eq!((10 + header_len) % 64, 0, "data 64-byte aligned");
        assert_eq!(read_npy(&p).expect("read"), sample());
    }

    #[test]
    fn npy_rejections_are_clear() {
        let p = tmp("bad.npy");
        write_npy(&p, &sample()).expect("write");
        let good = fs::read(&p).expect("bytes");
        let header_end = 10 + usize::from(u16::from_le_bytes([good[8], good[9]]));
        let header = std::str::from_utf8(&good[10..header_end]).expect("ascii");
        let patch = |from: &str, to: &str| {
            let h = header.replacen(from, to, 1);
            let mut out = good[..8].to_vec();
            out.extend_from_slice(&u16::try_from(h.len()).expect("len").to_le_bytes());
            out.extend_from_slice(h.as_bytes());
            out.extend_from_slice(&good[header_end..]);
            out
        };
        let cases = [
            (patch("<f4", "<f8"), "float32"),
            (patch("<f4", ">f4"), "float32"),
            (patch("False", "True"), "Fortran"),
            (patch("(2, 3)", "(6,)"), "2-D"),
            (patch("(2, 3)", "(1, 2, 3)"), "2-D"),
            (patch("(2, 3)", "(3, 3)"), "truncated"),
            (good[..good.len() - 1].to_vec(), "truncated"),
            (b"PK\x03\x04 not numpy".to_vec(), "magic"),
            (good[..9].to_vec(), "truncated"),
        ];
        for (bytes, want) in cases {
            let e = parse_npy(&p, &bytes).expect_err(want).to_string();
            assert!(e.contains(want), "{e:?} should mention {want:?}");
        }
    }

    #[test]
    fn texmex_rejections() {
        let p = tmp("x.fvecs");
        let mut bytes = Vec::new();
        write_fvecs(&p, &sample()).expect("write");
        bytes.extend(fs::read(&p).expect("read"));
        assert!(parse_texmex(&p, &bytes[..bytes.len() - 2], 4, le_f32).is_err());
        let mut other_dim = bytes.clone();
        other_dim[16] = 2; // second record's dim: 3 -> 2
        let e = parse_texmex(&p, &other_dim, 4, le_f32).expect_err("dim");
        assert!(e.to_string().contains("record 1"), "{e}");
        let neg = (-5i32).to_le_bytes();
        assert!(parse_texmex(&p, &neg, 4, le_f32).is_err());
        assert!(parse_texmex(&p, &[], 4, le_f32).is_err());
    }

    #[test]
    fn synthetic_is_seeded_skippable_and_normalised() {
        let a = load_vectors("synthetic:clusters:100:8:4:0.05:7").expect("a");
        let b = load_vectors("synthetic:clusters:100:8:4:0.05:7").expect("b");
        assert_eq!(a, b);
        let tail = load_vectors("synthetic:clusters:40:8:4:0.05:7:skip=60").expect("tail");
        assert_eq!(tail.as_slice(), a.rows_slice(60, 100));
        let other = load_vectors("synthetic:clusters:100:8:4:0.05:8").expect("seed 8");
        assert_ne!(a, other);
        let n = load_vectors("synthetic:uniform:50:16:1:norm").expect("norm");
        for i in 0..n.rows() {
            let norm: f32 = n.row(i).iter().map(|v| v * v).sum();
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
        ] {
            assert!(load_vectors(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unit_hash_is_uniformish() {
        let n = 100_000;
        let below = (0..n).filter(|&i| unit_hash(1, 2, i) < 0.1).count();
        assert!((9_000..11_000).contains(&below), "{below}");
    }
}
