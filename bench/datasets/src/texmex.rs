//! TEXMEX `.fvecs` / `.ivecs` / `.bvecs` files and directories.
//!
//! Every record is a little-endian `i32` dimension `d` followed by `d` little-endian components:
//! `f32` (`.fvecs`), `i32` (`.ivecs`) or `u8` (`.bvecs`). All records of a file have the same
//! dimension, in `1..=`[`DIM_LIMIT`]. Readers parse the whole file in memory; a truncated,
//! inconsistent or foreign file is a [`DatasetError`], never a panic.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::{
    format_err, io_err, le_f32, le_i32, read_file, DatasetError, IdMatrix, Matrix, Vectors,
    DIM_LIMIT,
};

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

/// Read a `.fvecs` file.
pub fn read_fvecs(path: &Path) -> Result<Vectors, DatasetError> {
    parse_fvecs(path, &read_file(path)?)
}

/// Read an `.ivecs` file.
pub fn read_ivecs(path: &Path) -> Result<IdMatrix, DatasetError> {
    parse_ivecs(path, &read_file(path)?)
}

/// Read a `.bvecs` file as raw bytes.
pub fn read_bvecs(path: &Path) -> Result<Matrix<u8>, DatasetError> {
    parse_bvecs(path, &read_file(path)?)
}

/// The contents of an `.fvecs` file (`path` names it in errors).
pub(crate) fn parse_fvecs(path: &Path, bytes: &[u8]) -> Result<Vectors, DatasetError> {
    parse_texmex(path, bytes, 4, le_f32)
}

/// The contents of an `.ivecs` file (`path` names it in errors).
pub(crate) fn parse_ivecs(path: &Path, bytes: &[u8]) -> Result<IdMatrix, DatasetError> {
    parse_texmex(path, bytes, 4, le_i32)
}

/// The contents of a `.bvecs` file (`path` names it in errors).
pub(crate) fn parse_bvecs(path: &Path, bytes: &[u8]) -> Result<Matrix<u8>, DatasetError> {
    parse_texmex(path, bytes, 1, |b| b[0])
}

fn write_texmex<T: Copy>(
    path: &Path,
    m: &Matrix<T>,
    put: impl Fn(&mut Vec<u8>, T),
) -> Result<(), DatasetError> {
    let dim = i32::try_from(m.dim()).map_err(|_| format_err(path, "dimension exceeds i32"))?;
    let file = fs::File::create(path).map_err(|e| io_err(path, e))?;
    let mut w = BufWriter::new(file);
    let mut rec = Vec::new();
    for row in m.iter() {
        rec.clear();
        rec.extend_from_slice(&dim.to_le_bytes());
        for &v in row {
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

/// A TEXMEX benchmark directory: `base.fvecs`, `query.fvecs` and, if present,
/// `groundtruth.ivecs` (0-based base rows, best first).
#[derive(Debug)]
pub struct Texmex {
    /// `base.fvecs`.
    pub base: Vectors,
    /// `query.fvecs`, same dimension as the base.
    pub queries: Vectors,
    /// `groundtruth.ivecs`: one row per query, every id a base row.
    pub groundtruth: Option<IdMatrix>,
}

/// Load a TEXMEX directory and check that its files agree.
pub fn load_texmex(dir: &Path) -> Result<Texmex, DatasetError> {
    let base = read_fvecs(&dir.join("base.fvecs"))?;
    let queries = read_fvecs(&dir.join("query.fvecs"))?;
    if base.dim() != queries.dim() {
        return Err(format_err(
            dir,
            format!(
                "base dimension {} differs from query dimension {}",
                base.dim(),
                queries.dim()
            ),
        ));
    }
    let gt_path = dir.join("groundtruth.ivecs");
    let groundtruth = if gt_path.exists() {
        let gt = read_ivecs(&gt_path)?;
        if gt.rows() != queries.rows() {
            return Err(format_err(
                &gt_path,
                format!(
                    "{} ground-truth rows for {} queries",
                    gt.rows(),
                    queries.rows()
                ),
            ));
        }
        if let Some(bad) = gt
            .as_slice()
            .iter()
            .find(|&&id| usize::try_from(id).map_or(true, |id| id >= base.rows()))
        {
            return Err(format_err(
                &gt_path,
                format!("id {bad} is not a base row (0..{})", base.rows()),
            ));
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::test_util::{sample, tmp};

    #[test]
    fn fvecs_round_trip() {
        let p = tmp("a.fvecs");
        write_fvecs(&p, &sample()).expect("write");
        assert_eq!(fs::metadata(&p).expect("stat").len(), 2 * (4 + 3 * 4));
        assert_eq!(read_fvecs(&p).expect("read"), sample());
    }

    #[test]
    fn ivecs_round_trip() {
        let p = tmp("a.ivecs");
        let m = Matrix::new(2, vec![1, -1, i32::MAX, 0]).expect("2x2");
        write_ivecs(&p, &m).expect("write");
        assert_eq!(read_ivecs(&p).expect("read"), m);
    }

    #[test]
    fn bvecs_round_trip_and_layout() {
        let p = tmp("a.bvecs");
        let m = Matrix::new(2, vec![10u8, 20, 30, 40]).expect("2x2");
        write_bvecs(&p, &m).expect("write");
        assert_eq!(
            fs::read(&p).expect("bytes"),
            [2u8, 0, 0, 0, 10, 20, 2, 0, 0, 0, 30, 40]
        );
        assert_eq!(read_bvecs(&p).expect("read"), m);
    }

    #[test]
    fn malformed_files_are_errors() {
        let p = Path::new("bad.fvecs");
        let mut good = Vec::new();
        for row in sample().iter() {
            good.extend(3i32.to_le_bytes());
            row.iter().for_each(|v| good.extend(v.to_le_bytes()));
        }
        assert_eq!(
            parse_texmex(p, &good, 4, le_f32).expect("good"),
            sample(),
            "the hand-built bytes are valid"
        );
        let cases: [(&[u8], &str); 5] = [
            (&good[..good.len() - 2], "truncated"),
            (&good[..2], "shorter than one record header"),
            (&[], "empty"),
            (&(-5i32).to_le_bytes(), "dimension -5"),
            (&0i32.to_le_bytes(), "dimension 0"),
        ];
        for (bytes, want) in cases {
            let e = parse_texmex(p, bytes, 4, le_f32)
                .expect_err(want)
                .to_string();
            assert!(
                e.contains(want) && e.contains("bad.fvecs"),
                "{e:?} vs {want:?}"
            );
        }
        let mut other_dim = good.clone();
        other_dim[16] = 2; // second record's dim: 3 -> 2
        let e = parse_texmex(p, &other_dim, 4, le_f32).expect_err("dim");
        assert!(e.to_string().contains("record 1"), "{e}");
        let huge = i32::try_from(DIM_LIMIT + 1).expect("fits").to_le_bytes();
        assert!(parse_texmex(p, &huge, 4, le_f32).is_err());
        assert!(matches!(
            read_fvecs(Path::new("/nonexistent/x.fvecs")),
            Err(DatasetError::Io { .. })
        ));
    }

    #[test]
    fn texmex_directory_is_checked_for_agreement() {
        let dir = tmp("texmex-dir");
        fs::create_dir_all(&dir).expect("dir");
        let base = Matrix::new(2, vec![0.0, 0.0, 1.0, 1.0, 2.0, 2.0]).expect("3x2");
        let queries = Matrix::new(2, vec![0.5, 0.5]).expect("1x2");
        write_fvecs(&dir.join("base.fvecs"), &base).expect("base");
        write_fvecs(&dir.join("query.fvecs"), &queries).expect("queries");
        let t = load_texmex(&dir).expect("no ground truth");
        assert_eq!((t.base, t.queries, t.groundtruth), (base, queries, None));

        let gt = dir.join("groundtruth.ivecs");
        write_ivecs(&gt, &Matrix::new(2, vec![0, 1]).expect("1x2")).expect("gt");
        assert!(load_texmex(&dir).expect("with gt").groundtruth.is_some());
        for (bad, want) in [
            (vec![0, 3], "id 3 is not a base row"),
            (vec![-1, 0], "id -1 is not a base row"),
            (vec![0, 1, 1, 0], "2 ground-truth rows for 1 queries"),
        ] {
            write_ivecs(&gt, &Matrix::new(2, bad).expect("gt")).expect("gt");
            let e = load_texmex(&dir).expect_err(want).to_string();
            assert!(e.contains(want), "{e:?} vs {want:?}");
        }
        fs::remove_file(&gt).expect("rm gt");
        write_fvecs(&dir.join("query.fvecs"), &sample()).expect("3-d queries");
        let e = load_texmex(&dir).expect_err("dims differ").to_string();
        assert!(e.contains("differs from query dimension"), "{e}");
    }

    proptest! {
        #[test]
        fn fvecs_ivecs_writer_reader_round_trip(
            dim in 1usize..40,
            rows in 1usize..20,
            seed in proptest::collection::vec(any::<u32>(), 1..800),
        ) {
            let bits: Vec<u32> = (0..dim * rows).map(|i| seed[i % seed.len()].rotate_left(i as u32)).collect();
            // Bit patterns, NaNs included: the files must carry every f32 exactly.
            let floats = Matrix::new(dim, bits.iter().map(|&b| f32::from_bits(b)).collect()).expect("f");
            let ints = Matrix::new(dim, bits.iter().map(|&b| b as i32).collect()).expect("i");
            let (fp, ip) = (tmp(&format!("prop-{dim}-{rows}.fvecs")), tmp(&format!("prop-{dim}-{rows}.ivecs")));
            write_fvecs(&fp, &floats).expect("write f");
            write_ivecs(&ip, &ints).expect("write i");
            let back = read_fvecs(&fp).expect("read f");
            prop_assert_eq!((back.rows(), back.dim()), (rows, dim));
            let back_bits: Vec<u32> = back.as_slice().iter().map(|v| v.to_bits()).collect();
            prop_assert_eq!(back_bits, bits);
            prop_assert_eq!(read_ivecs(&ip).expect("read i"), ints);
        }
    }
}
