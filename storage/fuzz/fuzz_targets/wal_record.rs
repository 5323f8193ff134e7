//! WAL record decoder: never panics on arbitrary bytes, and a decoded record re-encodes to
//! the same bytes (its durability claim included). When the first byte is odd the CRC is fixed up first, so mutations reach
//! the body decoder instead of stopping at the checksum.
#![no_main]

use corevec_storage::wal::record::{decode_record, durable_through, Decoded};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    if bytes.first().is_some_and(|b| b % 2 == 1) && bytes.len() >= 24 {
        let body = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        let end = (24 + body).min(bytes.len());
        let crc = crc32c::crc32c(&bytes[4..end]);
        bytes[..4].copy_from_slice(&crc.to_le_bytes());
    }
    if let Decoded::Record(lsn, record, len) = decode_record(&bytes) {
        let mut again = Vec::new();
        let claim = durable_through(&bytes);
        assert!(
            claim.is_none_or(|claim| claim < lsn),
            "a record claims only records before it"
        );
        record.encode_into(lsn, claim, &mut again);
        assert_eq!(&again[..], &bytes[..len]);
    }
});
