//! WAL segment scan (recovery's reader): never panics on arbitrary segment contents, and what
//! it returns is a run of consecutive LSNs from the segment's first. The image is a valid
//! header, one valid record (LSN 1) and zero padding to the next block, then the input: every
//! run goes through the "reading across the padding" rule before the arbitrary bytes. Where
//! the scan ends, recovery's look at the rest of the segment (`look_past_end`) must not panic
//! either, and only returns a whole record after the end with an LSN from the expected one.
#![no_main]

use corevec_storage::{
    block_on,
    wal::segment::{encode_header, look_past_end, scan_segment, ScanEnd},
    Directory, File, Lsn, MemDirectory, WalRecord,
};
use libfuzzer_sys::fuzz_target;

const BLOCK: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let mut image = encode_header(Lsn(1), 1 << 20);
    WalRecord::Delete { id: 1 }.encode_into(Lsn(1), None, &mut image);
    image.resize(image.len().next_multiple_of(BLOCK), 0);
    image.extend_from_slice(data);
    image.resize(image.len().next_multiple_of(BLOCK), 0);
    let len = image.len() as u64;
    let dir = MemDirectory::new();
    block_on(async {
        let file = dir.create_file("wal").await.expect("create");
        file.write_at(0, &image).await.expect("write");
        let scan = scan_segment(&file, Lsn(1), None, Some(Lsn(0)))
            .await
            .expect("in-memory reads do not fail");
        assert!(scan.records_count >= 1, "the valid first record is read");
        for (i, (lsn, _)) in scan.records.iter().enumerate() {
            assert_eq!(lsn.0, i as u64 + 1, "LSNs are consecutive from the first");
        }
        assert_eq!(scan.last_lsn, Some(Lsn(scan.records_count)));
        if let ScanEnd::Clean { offset } | ScanEnd::Invalid { offset, .. } = scan.end {
            assert!(offset <= len);
            let expected = Lsn(scan.records_count + 1);
            let later = look_past_end(&file, offset, expected)
                .await
                .expect("in-memory reads do not fail");
            if let Some(later) = later {
                assert!(later.offset > offset && later.offset < len);
                assert!(later.lsn >= expected);
            }
        }
    });
});
