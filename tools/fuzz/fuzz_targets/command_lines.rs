//! `corevec`'s command line: arbitrary argument lists through the real clap parser (`Cli`),
//! so every subcommand's flags and value parsers run on them (ranges, range columns, label
//! groups, metrics, durability, cores, log levels, pages, write quorums), and the text
//! parsers the commands apply after clap: a query vector (`corevec search` reads it from
//! standard input) and a label list (`corevec set-labels`).
//!
//! The input is the arguments after `corevec`, separated by NUL bytes (invalid UTF-8 replaced,
//! as the text would reach clap through `OsString` lossily); the whole input, as text, also
//! goes to the vector, label and range parsers.
//!
//! Oracles: no panic; a range that parses has `lo <= hi`, and the text it describes itself
//! with (`--range-f32 1:-2.5..=10`, shown in errors and listings) parses back to the same
//! range; a parsed vector is not empty and a parsed label list has at most 64 labels.

#![no_main]

use clap::Parser;
use corevec_tools::cmd::client::{parse_labels, parse_vector, RangeArg, RangeType};
use corevec_tools::Cli;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let args = std::iter::once("corevec").chain(text.split('\0'));
    // Parsing only: nothing runs, whatever the arguments say.
    let _ = Cli::try_parse_from(args);

    for kind in [RangeType::U32, RangeType::I32, RangeType::F32] {
        if let Ok(range) = RangeArg::parse(kind, &text) {
            assert!(range.lo <= range.hi, "{range:?}");
            let described = range.describe();
            let (_, value) = described.split_once(' ').expect("flag and value");
            let again = RangeArg::parse(kind, value)
                .unwrap_or_else(|e| panic!("{described:?} does not parse back: {e}"));
            assert_eq!(
                (again.field, again.lo, again.hi),
                (range.field, range.lo, range.hi)
            );
        }
    }
    if let Ok(vector) = parse_vector(&text) {
        assert!(!vector.is_empty());
    }
    if let Ok(labels) = parse_labels(&text) {
        assert!(labels.len() <= 64);
    }
});
