//! # corevec-datasets: the datasets benchmarks feed on
//!
//! **Owns:** reading and writing TEXMEX `.fvecs` / `.ivecs` / `.bvecs` files and TEXMEX
//! directories ([`load_texmex`]), NumPy `.npy` files, the dense row-major [`Matrix`] they load
//! into, *dataset specs* (a path whose extension picks the format, or a `synthetic:...` spec:
//! [`load_vectors`]) and the seeded synthetic generators ([`Synthetic`]). `corevec-bench` and
//! `corevec-load` both use it.
//!
//! **Must never:** depend on the engine, storage, the server, glommio or the wire protocol
//! (`corevec-load` links it and must stay engine-free); compute distances or ground truth (each
//! benchmark keeps its own, so the load generator's reference stays independent of the engine);
//! panic on file contents (every length and dimension is checked against the bytes present, a
//! bad file is a [`DatasetError`] naming the path); change what an existing seed generates
//! (`bench/RESULTS.md` cites seeded synthetic sets: a new distribution is a new variant).

#[doc(hidden)]
pub mod fuzzing;
mod npy;
mod synthetic;
mod texmex;

use std::fmt;
use std::path::Path;

pub use npy::{read_npy, write_npy};
pub use synthetic::{normalize_row, unit_hash, Shape, Synthetic};
pub use texmex::{
    load_texmex, read_bvecs, read_fvecs, read_ivecs, write_bvecs, write_fvecs, write_ivecs, Texmex,
};

/// Largest dimension (or ground-truth width) a file or spec may declare. Protocol vectors stop
/// at 4,096; ground truth rarely exceeds 1,000. The bound only protects against garbage headers.
pub const DIM_LIMIT: usize = 1 << 16;

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
    /// The file's contents do not match its format (or do not agree with the other files of a
    /// dataset).
    #[error("{path}: {what}")]
    Format {
        /// The file or directory.
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

pub(crate) fn format_err(path: &Path, what: impl Into<String>) -> DatasetError {
    DatasetError::Format {
        path: path.display().to_string(),
        what: what.into(),
    }
}

pub(crate) fn io_err(path: &Path, source: std::io::Error) -> DatasetError {
    DatasetError::Io {
        path: path.display().to_string(),
        source,
    }
}

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, DatasetError> {
    std::fs::read(path).map_err(|e| io_err(path, e))
}

pub(crate) fn le_i32(b: &[u8]) -> i32 {
    i32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

pub(crate) fn le_f32(b: &[u8]) -> f32 {
    f32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// A dense row-major matrix (`rows × dim`, `dim >= 1`).
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

    /// The rows, in order.
    pub fn iter(&self) -> std::slice::ChunksExact<'_, T> {
        self.data.chunks_exact(self.dim)
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

/// The file formats this crate reads and writes.
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

/// Load float vectors from a dataset spec: a `.fvecs` / `.bvecs` / `.npy` path or a
/// `synthetic:...` spec (see [`Synthetic::parse`]; generated with [`Synthetic::generate`]).
/// `.bvecs` components are converted to `f32`.
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
pub(crate) mod test_util {
    use std::path::PathBuf;

    use super::{Matrix, Vectors};

    /// A fresh path in this process's scratch directory.
    pub fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("corevec-datasets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("tmp dir");
        dir.join(name)
    }

    pub fn sample() -> Vectors {
        Matrix::new(3, vec![1.0, -2.5, 3.25, 0.0, f32::MIN_POSITIVE, 7.0]).expect("2x3")
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::{sample, tmp};
    use super::*;

    #[test]
    fn matrix_rejects_ragged_data() {
        assert!(Matrix::new(0, Vec::<f32>::new()).is_err());
        assert!(Matrix::new(3, vec![1.0f32; 4]).is_err());
        let m = Matrix::new(2, vec![1, 2, 3, 4, 5, 6]).expect("3x2");
        assert_eq!((m.rows(), m.dim()), (3, 2));
        assert_eq!(m.iter().collect::<Vec<_>>(), [&[1, 2], &[3, 4], &[5, 6]]);
        assert_eq!(m.rows_slice(1, 3), &[3, 4, 5, 6]);
    }

    #[test]
    fn specs_pick_the_reader_by_extension() {
        let f = tmp("spec.fvecs");
        write_fvecs(&f, &sample()).expect("write");
        assert_eq!(
            load_vectors(f.to_str().expect("utf8")).expect("load"),
            sample()
        );

        let i = tmp("spec.ivecs");
        let ids = Matrix::new(2, vec![1, -1, i32::MAX, 0]).expect("2x2");
        write_ivecs(&i, &ids).expect("write");
        assert_eq!(load_truth(i.to_str().expect("utf8")).expect("load"), ids);
        assert!(load_vectors(i.to_str().expect("utf8")).is_err());
        assert!(load_truth(f.to_str().expect("utf8")).is_err());

        let b = tmp("spec.bvecs");
        let bytes = Matrix::new(4, vec![0u8, 1, 128, 255, 9, 8, 7, 6]).expect("2x4");
        write_bvecs(&b, &bytes).expect("write");
        let v = load_vectors(b.to_str().expect("utf8")).expect("as f32");
        assert_eq!(v.row(0), &[0.0, 1.0, 128.0, 255.0]);

        let e = load_vectors("data.csv").expect_err("unknown extension");
        assert!(e.to_string().contains("unknown extension"), "{e}");
    }
}
