//! Snapshot manifest decoder: never panics; with the first byte odd, the magic, length and
//! CRC are fixed up so mutations reach the entry decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    if bytes.first().is_some_and(|b| b % 2 == 1) && bytes.len() >= 36 {
        bytes[..8].copy_from_slice(&corevec_storage::snapshot::MANIFEST_MAGIC);
        let len = bytes.len() as u32;
        bytes[12..16].copy_from_slice(&len.to_le_bytes());
        let body = bytes.len() - 4;
        let crc = crc32c::crc32c(&bytes[..body]);
        bytes[body..].copy_from_slice(&crc.to_le_bytes());
    }
    let _ = corevec_storage::snapshot::decode_manifest(&bytes);
});
