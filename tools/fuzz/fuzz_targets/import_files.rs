//! `corevec import`'s own readers of the files users hand it (`tools/src/cmd/import.rs`):
//! the streaming vector reader (`.fvecs`, `.npy` `<f4`/`<f8`) and the line files (`--ids`,
//! `--payloads`, `--labels`, `--range-u32/i32/f32`, and the labels of each row that
//! `--labels` and the range files make together). Never panic, and what they accept is
//! consistent with the bytes.
//!
//! Byte 0 picks the reader (modulo 11) and the batch size (`1 + byte 0 / 11 % 4` rows per
//! read); the rest is the input:
//! - 0 `.fvecs`, 1 `.npy`; 2 and 3: a valid `.npy` 1.0 preamble for a `<f4` (2) or `<f8` (3)
//!   C-order array of shape `(rows, dim)` (bytes 1 and 2) is put before the rest, so
//!   mutations reach the data behind the header parser;
//! - 4 ids, 5 payloads, 6 labels, 7 u32, 8 i32, 9 f32 range values: the rest is the file,
//!   read for as many rows as it has lines;
//! - 10 label columns: byte 1 holds whether there is a `--labels` file (bit 0) and the number
//!   of range files (`byte 1 >> 1 % 10`), then one byte per range file (type `b % 3`: u32,
//!   i32, f32; field `b / 3`); the rest, split at NUL bytes, is the labels file (if any) then
//!   the range files (missing ones empty), read for as many rows as the longest has lines.
//!
//! Oracles: no panic; the answer does not depend on the batch size (for label columns, only
//! whether they are accepted and what: the files are read in step, a batch at a time, so which
//! file's refusal comes first can); a refused file is a usage error (exit 2) that names it. An accepted vector file has a dimension in `1..=4096`, whole
//! vectors, and the values where its bytes hold them: `.fvecs` is exactly whole records each
//! declaring the dimension; `.npy` values follow the header its preamble delimits (`<f8`
//! converted to f32). The readers do not check values (`corevec import` does, in a pass
//! of its own before sending), so none is checked. An accepted line file has one entry per line, and
//! refuses a row more ("ends after N lines"); each entry is the line's: an id, a payload of
//! at most `PAYLOAD_BYTES_MAX` bytes, at most `LABELS_PER_POINT_MAX` labels, a value of the
//! range type (not NaN) as its key, `None` for a blank line. Label columns are accepted
//! exactly when every file is, no `--labels` line holds range labels of a field for another
//! value than the range file's, and no row has more than `LABELS_PER_POINT_MAX` labels; each
//! row is then the sorted, deduplicated union of its `--labels` line and the range labels
//! of each range value (without range files: the `--labels` line as it is).
#![no_main]

use corevec_proto::range::{field_of, key_f32, key_i32, point_labels};
use corevec_proto::{LABELS_PER_POINT_MAX, PAYLOAD_BYTES_MAX};
use corevec_tools::cmd::client::RangeType;
use corevec_tools::exit::USAGE;
use corevec_tools::fuzzing::{
    parse_id_lines, parse_label_columns, parse_label_lines, parse_payload_lines, parse_range_lines,
    parse_vector_file, VECTOR_FILE,
};
use corevec_tools::Failure;
use libfuzzer_sys::fuzz_target;

const DIM_MAX: usize = 4096;

/// A refusal as the command would print it; checks that it is a usage error naming `name`.
fn refusal(failure: Failure, name: &str) -> String {
    assert_eq!(failure.exit_code, USAGE, "{}", failure.message);
    assert!(
        failure.message.starts_with(&format!("{name}: ")),
        "{:?} does not name {name}",
        failure.message
    );
    failure.message
}

/// The lines of a file as `corevec import` splits them: at `\n`, without the `\n` and one
/// `\r` before it; a last line without `\n` counts (a `\r` at its end is not a line break).
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let last = lines.pop().unwrap_or_default();
    for line in &mut lines {
        *line = line.strip_suffix(b"\r").unwrap_or(line);
    }
    if !last.is_empty() {
        lines.push(last);
    }
    lines
}

fn le4(b: &[u8]) -> [u8; 4] {
    [b[0], b[1], b[2], b[3]]
}

fn same_value(got: f32, want: f32) -> bool {
    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan())
}

fn vectors(npy: bool, file: &[u8], batch: usize) {
    let answer = parse_vector_file(npy, file, batch).map_err(|f| refusal(f, VECTOR_FILE));
    let again = parse_vector_file(npy, file, 1000).map_err(|f| refusal(f, VECTOR_FILE));
    match (&answer, &again) {
        (Ok((d1, b1, v1)), Ok((d2, b2, v2))) => {
            assert_eq!(
                (d1, b1, v1.len()),
                (d2, b2, v2.len()),
                "batch {batch} vs 1000"
            );
            assert!(v1.iter().zip(v2).all(|(&a, &b)| same_value(a, b)));
        }
        (Err(e1), Err(e2)) => assert_eq!(e1, e2, "batch {batch} vs 1000"),
        _ => panic!("batch {batch}: {answer:?}, batch 1000: {again:?}"),
    }
    let Ok((dim, value_bytes, values)) = answer else {
        return;
    };
    assert!((1..=DIM_MAX).contains(&dim), "dimension {dim}");
    assert_eq!(values.len() % dim, 0, "a partial vector");
    let rows = values.len() / dim;
    if npy {
        // The preamble: magic, version, header length (u16 in 1.0, u32 after), header.
        let data = match file[6] {
            1 => 10 + usize::from(u16::from_le_bytes([file[8], file[9]])),
            _ => 12 + u32::from_le_bytes(le4(&file[8..])) as usize,
        };
        assert!(value_bytes == 4 || value_bytes == 8);
        assert!(
            file.len() >= data + values.len() * value_bytes,
            "values past the end"
        );
        for (i, &value) in values.iter().enumerate() {
            let at = data + i * value_bytes;
            let want = if value_bytes == 4 {
                f32::from_le_bytes(le4(&file[at..]))
            } else {
                let mut b = [0u8; 8];
                b.copy_from_slice(&file[at..at + 8]);
                f64::from_le_bytes(b) as f32
            };
            assert!(same_value(value, want), "value {i}: {value} for {want}");
        }
    } else {
        assert_eq!(value_bytes, 4);
        let record = 4 + 4 * dim;
        assert_eq!(file.len(), rows * record, "not exactly whole records");
        for (r, rec) in file.chunks_exact(record).enumerate() {
            assert_eq!(
                i32::from_le_bytes(le4(rec)),
                dim as i32,
                "record {r}'s dimension"
            );
            for (c, component) in rec[4..].chunks_exact(4).enumerate() {
                let want = f32::from_le_bytes(le4(component));
                assert!(
                    same_value(values[r * dim + c], want),
                    "record {r} component {c}"
                );
            }
        }
    }
}

/// A `.npy` 1.0 file: the preamble of a C-order `descr` array of shape `(rows, dim)`, then
/// `data`.
fn npy_file(descr: &str, rows: u8, dim: u8, data: &[u8]) -> Vec<u8> {
    let dict =
        format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, {dim}), }}");
    let mut header = dict.into_bytes();
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(b' ');
    }
    header.push(b'\n');
    let mut file = b"\x93NUMPY\x01\x00".to_vec();
    file.extend_from_slice(&(header.len() as u16).to_le_bytes());
    file.extend_from_slice(&header);
    file.extend_from_slice(data);
    file
}

/// Reads a line file with `parse` for as many rows as it has lines, at `batch` rows and at
/// 1000; checks the refusal of one row more and each entry against its line with `check`.
fn line_file<T: PartialEq + std::fmt::Debug>(
    name: &str,
    file: &[u8],
    batch: usize,
    parse: impl Fn(&[u8], usize, usize) -> Result<Vec<T>, Failure>,
    check: impl Fn(&[u8], &T),
) {
    let lines = lines(file);
    let rows = lines.len();
    let answer = parse(file, rows, batch).map_err(|f| refusal(f, name));
    assert_eq!(
        answer,
        parse(file, rows, 1000).map_err(|f| refusal(f, name)),
        "batch {batch} vs 1000"
    );
    let Ok(entries) = answer else {
        return;
    };
    assert_eq!(entries.len(), rows);
    for (line, entry) in lines.iter().zip(&entries) {
        check(line, entry);
    }
    let more = parse(file, rows + 1, batch)
        .map(drop)
        .map_err(|f| refusal(f, name));
    let ends = format!("{name}: ends after {rows} lines");
    assert!(
        more.as_ref().is_err_and(|e| e.starts_with(&ends)),
        "{more:?}"
    );
}

fn text(line: &[u8]) -> &str {
    std::str::from_utf8(line).expect("accepted a line that is not UTF-8")
}

/// The labels of a `--labels` line, restated: integers separated by commas or whitespace.
fn label_tokens(line: &[u8]) -> Vec<u64> {
    text(line)
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().expect("accepted a label that is not a u64"))
        .collect()
}

fn check_key(kind: RangeType, line: &[u8], key: &Option<u32>) {
    let value = text(line).trim();
    let Some(key) = *key else {
        assert!(value.is_empty(), "no key for {value:?}");
        return;
    };
    let want = match kind {
        RangeType::U32 => value
            .parse::<u32>()
            .expect("accepted a value that is not a u32"),
        RangeType::I32 => key_i32(value.parse().expect("accepted a value that is not an i32")),
        RangeType::F32 => {
            let v: f32 = value.parse().expect("accepted a value that is not an f32");
            assert!(!v.is_nan(), "accepted NaN: {value:?}");
            assert!(
                v.is_finite() || value.to_ascii_lowercase().contains("inf"),
                "{value:?} overflowed to {v}"
            );
            key_f32(v).expect("NaN")
        }
    };
    assert_eq!(key, want, "{kind:?} {value:?}");
}

fn range_type(b: u8) -> RangeType {
    [RangeType::U32, RangeType::I32, RangeType::F32][usize::from(b % 3)]
}

fn label_columns(rest: &[u8], batch: usize) {
    let Some((&spec, rest)) = rest.split_first() else {
        return;
    };
    let with_labels = spec & 1 == 1;
    let n = usize::from(spec >> 1) % 10;
    if rest.len() < n {
        return;
    }
    let (specs, rest) = rest.split_at(n);
    let mut files = rest.split(|&b| b == 0);
    let labels = with_labels.then(|| files.next().unwrap_or_default());
    let ranges: Vec<(RangeType, u8, &[u8])> = specs
        .iter()
        .map(|&b| (range_type(b), b / 3, files.next().unwrap_or_default()))
        .collect();
    let rows = labels
        .iter()
        .copied()
        .chain(ranges.iter().map(|r| r.2))
        .map(|f| lines(f).len())
        .max()
        .unwrap_or(0);
    let answer = parse_label_columns(labels, &ranges, rows, batch).map_err(|f| {
        assert_eq!(f.exit_code, USAGE, "{}", f.message);
        f.message
    });
    // The files are read in step a batch at a time, so which refusal comes first can depend
    // on the batch size; whether they are refused cannot.
    let again = parse_label_columns(labels, &ranges, rows, 1000).map_err(|f| f.message);
    assert_eq!(
        answer.as_ref().ok(),
        again.as_ref().ok(),
        "batch {batch} vs 1000: {answer:?}, {again:?}"
    );

    // The model: each file alone, then the union row by row.
    let model = (|| {
        for (i, r) in ranges.iter().enumerate() {
            if ranges[..i].iter().any(|o| o.1 == r.1) {
                return None;
            }
        }
        let from_labels = match labels {
            Some(file) => parse_label_lines(file, rows, batch).ok()?,
            None => vec![Vec::new(); rows],
        };
        let mut keys = Vec::new();
        for &(kind, field, file) in &ranges {
            keys.push((field, parse_range_lines(kind, file, rows, batch).ok()?));
        }
        if ranges.is_empty() {
            // As the `--labels` file has them (the server sorts and deduplicates).
            return Some(from_labels);
        }
        let mut out = Vec::new();
        for (row, own) in from_labels.into_iter().enumerate() {
            let mut all = own.clone();
            for (field, keys) in &keys {
                let Some(key) = keys[row] else {
                    continue;
                };
                let new = point_labels(*field, key);
                if own
                    .iter()
                    .any(|&l| field_of(l) == Some(*field) && !new.contains(&l))
                {
                    return None;
                }
                all.extend_from_slice(&new);
            }
            all.sort_unstable();
            all.dedup();
            if all.len() > LABELS_PER_POINT_MAX as usize {
                return None;
            }
            out.push(all);
        }
        Some(out)
    })();
    match (answer, model) {
        (Ok(got), Some(want)) => assert_eq!(got, want),
        (Err(_), None) => {}
        (got, want) => panic!("read {got:?}, the model {want:?}"),
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&selector, rest)) = input.split_first() else {
        return;
    };
    let batch = 1 + usize::from(selector / 11 % 4);
    match selector % 11 {
        0 => vectors(false, rest, batch),
        1 => vectors(true, rest, batch),
        kind @ (2 | 3) => {
            if rest.len() >= 2 {
                let descr = if kind == 2 { "<f4" } else { "<f8" };
                vectors(true, &npy_file(descr, rest[0], rest[1], &rest[2..]), batch);
            }
        }
        4 => line_file("ids.txt", rest, batch, parse_id_lines, |line, &id| {
            assert_eq!(text(line).trim().parse::<u64>(), Ok(id));
        }),
        5 => line_file(
            "payloads.txt",
            rest,
            batch,
            parse_payload_lines,
            |line, payload| {
                assert!(
                    payload.len() <= PAYLOAD_BYTES_MAX as usize,
                    "{} bytes",
                    payload.len()
                );
                assert_eq!(line, &payload[..]);
            },
        ),
        6 => line_file(
            "labels.txt",
            rest,
            batch,
            parse_label_lines,
            |line, labels| {
                assert!(
                    labels.len() <= LABELS_PER_POINT_MAX as usize,
                    "{} labels",
                    labels.len()
                );
                assert_eq!(labels, &label_tokens(line));
            },
        ),
        kind @ 7..=9 => {
            let kind = range_type(kind - 7);
            let parse = |file: &[u8], rows, batch| parse_range_lines(kind, file, rows, batch);
            line_file("range.txt", rest, batch, parse, |line, key| {
                check_key(kind, line, key)
            });
        }
        _ => label_columns(rest, batch),
    }
});
