//! The dataset file decoders (`.fvecs`, `.ivecs`, `.bvecs`, `.npy`), which `corevec import`,
//! `corevec-load` and `corevec-bench` run on files users hand them: never panic, and what
//! they accept is consistent with the bytes.
//!
//! Byte 0 picks the format (modulo 4: fvecs, ivecs, bvecs, npy); the rest is the file. When
//! byte 0 is 3 modulo 8, a valid version 1.0 `.npy` preamble for a float32 C-order array of
//! shape `(rows, dim)` (from bytes 1 and 2) is put before the rest, so mutations reach the
//! data checks behind the header parser.
//!
//! Oracles: no panic; an accepted file has a dimension in `1..=DIM_LIMIT` and `rows × dim`
//! values; a TEXMEX file is accepted only when every record declares that dimension and the
//! file is exactly `rows` records long, with the values where the records hold them; an
//! `.npy` file's values are the last `rows × dim × 4` bytes.
#![no_main]

use corevec_datasets::fuzzing::{parse_bvecs, parse_fvecs, parse_ivecs, parse_npy};
use corevec_datasets::DIM_LIMIT;
use libfuzzer_sys::fuzz_target;

fn le32(b: &[u8]) -> [u8; 4] {
    [b[0], b[1], b[2], b[3]]
}

/// Checks an accepted TEXMEX file: `values` are the matrix's values, `elem` the component size.
fn check_texmex(bytes: &[u8], dim: usize, rows: usize, elem: usize, values: &[[u8; 4]]) {
    assert!((1..=DIM_LIMIT).contains(&dim), "dimension {dim}");
    let record = 4 + dim * elem;
    assert_eq!(bytes.len(), rows * record, "accepted a partial record");
    assert_eq!(values.len(), rows * dim);
    for (r, rec) in bytes.chunks_exact(record).enumerate() {
        assert_eq!(i32::from_le_bytes(le32(rec)), dim as i32, "record {r}'s dimension");
        for (c, component) in rec[4..].chunks_exact(elem).enumerate() {
            let mut want = [0u8; 4];
            want[..elem].copy_from_slice(component);
            assert_eq!(values[r * dim + c], want, "record {r} component {c}");
        }
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&selector, rest)) = input.split_first() else {
        return;
    };
    match selector % 4 {
        0 => {
            if let Ok(m) = parse_fvecs(rest) {
                let values: Vec<[u8; 4]> = m.as_slice().iter().map(|v| v.to_le_bytes()).collect();
                check_texmex(rest, m.dim(), m.rows(), 4, &values);
            }
        }
        1 => {
            if let Ok(m) = parse_ivecs(rest) {
                let values: Vec<[u8; 4]> = m.as_slice().iter().map(|v| v.to_le_bytes()).collect();
                check_texmex(rest, m.dim(), m.rows(), 4, &values);
            }
        }
        2 => {
            if let Ok(m) = parse_bvecs(rest) {
                let values: Vec<[u8; 4]> = m.as_slice().iter().map(|&v| [v, 0, 0, 0]).collect();
                check_texmex(rest, m.dim(), m.rows(), 1, &values);
            }
        }
        _ => {
            let file = if selector % 8 == 3 && rest.len() >= 2 {
                let (rows, dim) = (rest[0], rest[1]);
                let dict = format!(
                    "{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dim}), }}"
                );
                // Version 1.0: magic, version, u16 header length, header padded to 64 bytes.
                let mut header = dict.into_bytes();
                while (10 + header.len() + 1) % 64 != 0 {
                    header.push(b' ');
                }
                header.push(b'\n');
                let mut file = b"\x93NUMPY\x01\x00".to_vec();
                file.extend_from_slice(&(header.len() as u16).to_le_bytes());
                file.extend_from_slice(&header);
                file.extend_from_slice(&rest[2..]);
                file
            } else {
                rest.to_vec()
            };
            if let Ok(m) = parse_npy(&file) {
                assert!((1..=DIM_LIMIT).contains(&m.dim()), "dimension {}", m.dim());
                let n = m.rows() * m.dim();
                assert_eq!(m.as_slice().len(), n);
                let data = &file[file.len() - n * 4..];
                for (i, v) in m.as_slice().iter().enumerate() {
                    assert_eq!(v.to_le_bytes(), le32(&data[i * 4..]), "value {i}");
                }
            }
        }
    }
});
