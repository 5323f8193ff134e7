//! WAL segment header decoder: never panics on arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = corevec_storage::wal::segment::decode_header(data);
});
