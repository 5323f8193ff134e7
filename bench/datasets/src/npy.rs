//! NumPy `.npy` files: float32 little-endian, C order, 2-D (format versions 1.x to 3.x read,
//! 1.0 written).

use std::fs;
use std::path::Path;

use crate::{format_err, io_err, le_f32, read_file, DatasetError, Matrix, Vectors, DIM_LIMIT};

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

pub(crate) fn parse_npy(path: &Path, bytes: &[u8]) -> Result<Vectors, DatasetError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{sample, tmp};

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
}
