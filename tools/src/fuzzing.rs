//! Entry points for the fuzz target in `tools/fuzz` only: `corevec import`'s readers of the
//! files users hand it (`cmd/import.rs`), over bytes already in memory (the command reads
//! files by path). Not part of the crate's API.
//!
//! Each wrapper reads the whole input the way `corevec import` reads its files, a batch at a
//! time, and fails as the command would: a [`Failure`] (exit 2) that names the file.

use std::io::Cursor;
use std::path::Path;

use crate::cmd::client::RangeType;
use crate::cmd::import::{
    bad, id_line, labels_line, payload_line, range_line_parser, Format, LabelColumns, Layout,
    LineFile, RangeLines, VectorFile,
};
use crate::Failure;

/// The name the vector file's errors give it.
pub const VECTOR_FILE: &str = "fuzz.vectors";

/// Reads `bytes` as a vector file, `.npy` if `npy` else `.fvecs`, `batch` vectors (at least 1)
/// at a time as `corevec import` does: `Ok((dim, bytes per value in the file, values))`, the
/// values of every vector the file declares (`.npy` `<f8` values converted to f32).
///
/// # Errors
/// What `corevec import` reports about the file.
pub fn parse_vector_file(
    npy: bool,
    bytes: &[u8],
    batch: usize,
) -> Result<(usize, usize, Vec<f32>), Failure> {
    let path = Path::new(VECTOR_FILE);
    let format = if npy { Format::Npy } else { Format::Fvecs };
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let mut file = VectorFile::from_reader(path, format, Cursor::new(bytes), len)?;
    let value_bytes = match file.layout {
        Layout::Fvecs | Layout::NpyF32 => 4,
        Layout::NpyF64 => 8,
    };
    let batch = batch.max(1);
    let mut values = Vec::new();
    let mut done = 0;
    while done < file.count {
        let n = file
            .read_batch(batch.min(file.count - done), &mut values)
            .map_err(|e| bad(path, e))?;
        if n == 0 {
            break;
        }
        done += n;
    }
    Ok((file.dim, value_bytes, values))
}

/// Reads the first `rows` lines of `bytes` (named `name` in errors), `batch` at a time.
fn read_lines<T>(
    name: &str,
    bytes: &[u8],
    rows: usize,
    batch: usize,
    parse: fn(Vec<u8>) -> Result<T, String>,
) -> Result<Vec<T>, Failure> {
    let mut lines = LineFile::from_reader(Path::new(name), bytes, parse);
    let batch = batch.max(1);
    let (mut all, mut some) = (Vec::new(), Vec::new());
    while all.len() < rows {
        lines.read(batch.min(rows - all.len()), &mut some)?;
        all.append(&mut some);
    }
    Ok(all)
}

/// The ids of the first `rows` lines of `bytes` as an `--ids` file, read `batch` at a time.
///
/// # Errors
/// What `corevec import` reports about the file (named `ids.txt`).
pub fn parse_id_lines(bytes: &[u8], rows: usize, batch: usize) -> Result<Vec<u64>, Failure> {
    read_lines("ids.txt", bytes, rows, batch, id_line)
}

/// The payloads of the first `rows` lines of `bytes` as a `--payloads` file.
///
/// # Errors
/// What `corevec import` reports about the file (named `payloads.txt`).
pub fn parse_payload_lines(
    bytes: &[u8],
    rows: usize,
    batch: usize,
) -> Result<Vec<Vec<u8>>, Failure> {
    read_lines("payloads.txt", bytes, rows, batch, payload_line)
}

/// The labels of the first `rows` lines of `bytes` as a `--labels` file (alone: no range
/// labels added).
///
/// # Errors
/// What `corevec import` reports about the file (named `labels.txt`).
pub fn parse_label_lines(
    bytes: &[u8],
    rows: usize,
    batch: usize,
) -> Result<Vec<Vec<u64>>, Failure> {
    read_lines("labels.txt", bytes, rows, batch, labels_line)
}

/// The keys of the first `rows` lines of `bytes` as a `--range-u32/i32/f32` file (`None`
/// for an empty line).
///
/// # Errors
/// What `corevec import` reports about the file (named `range.txt`).
pub fn parse_range_lines(
    kind: RangeType,
    bytes: &[u8],
    rows: usize,
    batch: usize,
) -> Result<Vec<Option<u32>>, Failure> {
    read_lines("range.txt", bytes, rows, batch, range_line_parser(kind))
}

/// The labels of each of the first `rows` rows as `corevec import` sends them: those of the
/// `--labels` file `labels` (if any) with the range labels of each range file's value added
/// (`ranges`: type, field and contents of each), all read in step, `batch` rows at a time.
///
/// # Errors
/// What `corevec import` reports about the files (`labels.txt`, `range-FIELD.txt`), a field
/// given twice included.
pub fn parse_label_columns(
    labels: Option<&[u8]>,
    ranges: &[(RangeType, u8, &[u8])],
    rows: usize,
    batch: usize,
) -> Result<Vec<Vec<u64>>, Failure> {
    let mut range_lines = Vec::new();
    for (i, &(kind, field, bytes)) in ranges.iter().enumerate() {
        if ranges[..i].iter().any(|&(_, f, _)| f == field) {
            return Err(Failure::usage(format!(
                "range field {field} is given twice; one file per field"
            )));
        }
        let name = format!("range-{field}.txt");
        range_lines.push(RangeLines {
            field,
            lines: LineFile::from_reader(Path::new(&name), bytes, range_line_parser(kind)),
            keys: Vec::new(),
        });
    }
    let mut columns = LabelColumns {
        labels: labels
            .map(|bytes| LineFile::from_reader(Path::new("labels.txt"), bytes, labels_line)),
        ranges: range_lines,
        row: 0,
    };
    let batch = batch.max(1);
    let (mut all, mut some) = (Vec::new(), Vec::new());
    while all.len() < rows {
        columns.read(batch.min(rows - all.len()), &mut some)?;
        all.append(&mut some);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrappers_read_files_from_bytes() {
        let mut fvecs = Vec::new();
        for v in [[1.0f32, 2.0], [3.0, -4.5]] {
            fvecs.extend_from_slice(&2i32.to_le_bytes());
            fvecs.extend(v.iter().flat_map(|x| x.to_le_bytes()));
        }
        let (dim, value_bytes, values) = parse_vector_file(false, &fvecs, 1).unwrap();
        assert_eq!(
            (dim, value_bytes, values),
            (2, 4, vec![1.0, 2.0, 3.0, -4.5])
        );
        let short = parse_vector_file(false, &fvecs[..fvecs.len() - 1], 1).unwrap_err();
        assert_eq!(short.exit_code, crate::exit::USAGE);
        assert!(short
            .message
            .starts_with("fuzz.vectors: size 23 is not a multiple"));

        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }\n";
        let mut npy = b"\x93NUMPY\x01\x00".to_vec();
        npy.extend_from_slice(&u16::try_from(header.len()).unwrap().to_le_bytes());
        npy.extend_from_slice(header.as_bytes());
        npy.extend(1.5f64.to_le_bytes().into_iter().chain(2.0f64.to_le_bytes()));
        assert_eq!(
            parse_vector_file(true, &npy, 5).unwrap(),
            (1, 8, vec![1.5, 2.0])
        );
        // A short .npy file fails when the missing rows are read.
        assert!(parse_vector_file(true, &npy[..npy.len() - 8], 5).is_err());

        assert_eq!(parse_id_lines(b"1\r\n 2\n3", 3, 2).unwrap(), [1, 2, 3]);
        let more = parse_id_lines(b"1\r\n 2\n3", 4, 2).unwrap_err();
        assert_eq!(
            more.message,
            "ids.txt: ends after 3 lines, before the vectors do"
        );
        let keys = parse_range_lines(RangeType::I32, b"-1\n\n", 2, 1).unwrap();
        assert_eq!(keys, [Some(corevec_proto::range::key_i32(-1)), None]);
        let rows = parse_label_columns(Some(b"5\n"), &[(RangeType::U32, 2, b"7\n")], 1, 1).unwrap();
        let mut want = corevec_proto::range::point_labels(2, 7).to_vec();
        want.insert(0, 5);
        assert_eq!(rows, [want]);
        let twice = [
            (RangeType::U32, 2, &b"7\n"[..]),
            (RangeType::F32, 2, b"1\n"),
        ];
        assert!(parse_label_columns(None, &twice, 1, 1).is_err());
    }

    #[test]
    fn payload_lines_keep_to_the_payload_limit() {
        let limit = corevec_proto::PAYLOAD_BYTES_MAX as usize;
        let mut file = vec![b'x'; limit];
        file.extend_from_slice(b"\r\n");
        assert_eq!(parse_payload_lines(&file, 1, 1).unwrap()[0].len(), limit);
        file.insert(0, b'x');
        let refused = parse_payload_lines(&file, 1, 1).unwrap_err();
        assert_eq!(
            refused.message,
            format!(
                "payloads.txt: line 1: a payload of {} bytes; at most {limit}",
                limit + 1
            )
        );
        // A `\r` not before a `\n` is the payload's.
        assert_eq!(parse_payload_lines(b"a\r", 1, 1).unwrap(), [b"a\r"]);
    }
}
