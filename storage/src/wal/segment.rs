//! WAL segment files: naming, the header block, and the scanner used by recovery and by
//! `check_dir`.
//!
//! A segment is `wal-<first_lsn, 20 digits>.log`, preallocated to the configured size. Block
//! 0 (4096 bytes) is the header; records are packed back to back from offset 4096, spanning
//! 4 KiB blocks freely. Header layout (little-endian; rest of the block zero):
//!
//! | offset | size | field                                            |
//! |--------|------|--------------------------------------------------|
//! | 0      | 8    | magic `b"CVWALSEG"`                              |
//! | 8      | 4    | format version (2; 1 is read too)                |
//! | 12     | 4    | `crc32c` of bytes 0..12 followed by bytes 16..32 |
//! | 16     | 8    | `first_lsn`                                      |
//! | 24     | 8    | preallocated bytes when created                  |

use crate::{
    disk::{align_down, align_up, File, BLOCK_BYTES},
    error::Result,
    wal::record::{
        decode_record, durable_through, Decoded, Lsn, WalRecord, RECORD_ALIGN_BYTES,
        RECORD_BODY_BYTES_MAX, RECORD_HEADER_BYTES,
    },
};

/// Segment header magic.
pub const SEGMENT_MAGIC: [u8; 8] = *b"CVWALSEG";
/// Current segment format version. Version 2 segments hold records whose header carries a
/// durability claim (`record::durable_through`); version 1 records carry none and read the
/// same. A binary that knows only version 1 refuses a version 2 segment instead of taking its
/// records for a torn tail.
pub const SEGMENT_VERSION: u32 = 2;
/// Oldest segment format version this binary reads.
pub const SEGMENT_VERSION_OLDEST: u32 = 1;
/// Records start here.
pub const SEGMENT_HEADER_BYTES: u64 = BLOCK_BYTES as u64;
const HEADER_USED_BYTES: usize = 32;
/// Bytes read per I/O when scanning.
const SCAN_CHUNK_BYTES: usize = 1 << 20;

/// File name of the segment whose first record has `first_lsn`.
pub fn segment_name(first_lsn: Lsn) -> String {
    format!("wal-{:020}.log", first_lsn.0)
}

/// Parses a segment file name. `None` for LSN 0: LSNs start at 1, so no segment is ever named
/// that, and such a file is ignored like any other file corevec does not write (the callers
/// rely on a segment's first LSN being at least 1).
pub fn parse_segment_name(name: &str) -> Option<Lsn> {
    let digits = name.strip_prefix("wal-")?.strip_suffix(".log")?;
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|lsn| *lsn > 0).map(Lsn)
}

/// The header block of a new segment.
pub fn encode_header(first_lsn: Lsn, preallocated_bytes: u64) -> Vec<u8> {
    let mut block = vec![0u8; BLOCK_BYTES];
    block[0..8].copy_from_slice(&SEGMENT_MAGIC);
    block[8..12].copy_from_slice(&SEGMENT_VERSION.to_le_bytes());
    block[16..24].copy_from_slice(&first_lsn.0.to_le_bytes());
    block[24..32].copy_from_slice(&preallocated_bytes.to_le_bytes());
    let crc = header_crc(&block);
    block[12..16].copy_from_slice(&crc.to_le_bytes());
    block
}

fn header_crc(block: &[u8]) -> u32 {
    crc32c::crc32c_append(crc32c::crc32c(&block[0..12]), &block[16..HEADER_USED_BYTES])
}

/// Validates a header block and returns its first LSN.
pub fn decode_header(block: &[u8]) -> Result<Lsn, String> {
    if block.len() < BLOCK_BYTES {
        return Err(format!("header block is {} bytes", block.len()));
    }
    if block[0..8] != SEGMENT_MAGIC {
        return Err("bad segment magic".into());
    }
    let stored = u32::from_le_bytes([block[12], block[13], block[14], block[15]]);
    if stored != header_crc(block) {
        return Err("segment header CRC mismatch".into());
    }
    let version = u32::from_le_bytes([block[8], block[9], block[10], block[11]]);
    if !(SEGMENT_VERSION_OLDEST..=SEGMENT_VERSION).contains(&version) {
        return Err(format!("unsupported segment version {version}"));
    }
    let mut lsn = [0; 8];
    lsn.copy_from_slice(&block[16..24]);
    Ok(Lsn(u64::from_le_bytes(lsn)))
}

/// How a segment scan ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanEnd {
    /// The record with LSN `stop_after` was read (the next segment takes over).
    ReachedBound,
    /// A zero header or end of file at `offset`: the clean end of the log.
    Clean {
        /// Offset where the next record would go.
        offset: u64,
    },
    /// Bytes at `offset` are not the expected record.
    Invalid {
        /// Offset of the bad record.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// A whole record at `offset` of a kind this version does not know (a log written by a
    /// newer version): never a torn tail, wherever it is.
    UnknownKind {
        /// Offset of the record.
        offset: u64,
        /// Its kind byte.
        kind: u8,
    },
    /// The header block is bad.
    BadHeader {
        /// What is wrong.
        reason: String,
        /// Whether the first record block is all zeros, i.e. no record was ever written
        /// (a segment whose creation was interrupted).
        unused: bool,
    },
}

impl ScanEnd {
    /// Where the log ended without reaching a bound: the offset of the zero header or of the
    /// invalid record, and for the latter why it is invalid (`None`: zeros, a clean end).
    pub fn log_end(&self) -> Option<(u64, Option<&str>)> {
        match self {
            ScanEnd::Clean { offset } => Some((*offset, None)),
            ScanEnd::Invalid { offset, reason } => Some((*offset, Some(reason))),
            _ => None,
        }
    }
}

/// What a scan found.
#[derive(Debug)]
pub struct SegmentScan {
    /// Records with LSN greater than `keep_after`, if collecting.
    pub records: Vec<(Lsn, WalRecord)>,
    /// Number of valid records read.
    pub records_count: u64,
    /// LSN of the last valid record read, if any.
    pub last_lsn: Option<Lsn>,
    /// How the scan ended.
    pub end: ScanEnd,
}

/// Sequential aligned reader over a file.
struct Reader<'f, F> {
    file: &'f F,
    len: u64,
    start: u64,
    buffer: Vec<u8>,
    eof: bool,
}

impl<F: File> Reader<'_, F> {
    /// Makes `[pos, end)` available (clamped to the file length); returns the bytes from `pos`.
    async fn window(&mut self, pos: u64, end: u64) -> Result<&[u8]> {
        let end = end.min(self.len);
        if self.start + (self.buffer.len() as u64) < end && !self.eof {
            let keep_from = align_down(pos).max(self.start);
            if keep_from >= self.start + self.buffer.len() as u64 {
                self.buffer.clear();
            } else {
                self.buffer.drain(..(keep_from - self.start) as usize);
            }
            self.start = keep_from;
            while self.start + (self.buffer.len() as u64) < end && !self.eof {
                let at = self.start + self.buffer.len() as u64;
                let want = (align_up(end - at) as usize).max(SCAN_CHUNK_BYTES);
                let data = self.file.read_at(at, want).await?;
                self.eof = data.len() < want;
                self.buffer.extend_from_slice(&data);
            }
        }
        let from = (pos - self.start) as usize;
        let to = ((end - self.start) as usize).min(self.buffer.len());
        Ok(&self.buffer[from.min(to)..to])
    }
}

/// Why a record of kind `kind`, whole but unknown, stops recovery (and `corevec check`).
pub fn unknown_kind(kind: u8) -> String {
    format!(
        "record kind {kind} is not known to this version of corevec (a log written by a newer \
         version?); refusing it rather than dropping it and the records after it as a torn tail"
    )
}

/// What [`padding_before_group`] found after zero padding.
#[derive(Debug, PartialEq, Eq)]
enum AfterPadding {
    /// Nothing the log continues with: the ordinary end-of-log rules apply at `pos`.
    Nothing,
    /// The next group starts at this block boundary.
    Group(u64),
    /// A whole record with the expected LSN, of a kind this version does not know, starts at
    /// the block boundary `offset`: refused like one without padding before it.
    UnknownKind { offset: u64, kind: u8 },
}

/// Whether the log continues at the next block boundary after zero padding: a group written
/// while an earlier one was still in flight starts on its own block (see [`crate::WalConfig`]
/// `writes_in_flight`), leaving zeros after the earlier group's last record. Finds that
/// boundary when `pos` is inside a block, every byte from `pos` to the boundary is zero, and a
/// whole record with the `expected` LSN starts there: [`AfterPadding::Group`] if it is valid,
/// [`AfterPadding::UnknownKind`] if its kind is unknown (a newer version's record is never the
/// end of the log, wherever it is). LSNs are dense and unique, so a record with the expected
/// LSN at the boundary can only be the next record of the log, never a stray one; anything
/// else falls through to the ordinary end-of-log rules.
async fn padding_before_group<F: File>(
    reader: &mut Reader<'_, F>,
    pos: u64,
    expected: Lsn,
) -> Result<AfterPadding> {
    let boundary = align_up(pos);
    if boundary == pos || boundary >= reader.len {
        return Ok(AfterPadding::Nothing);
    }
    if !reader.window(pos, boundary).await?.iter().all(|b| *b == 0) {
        return Ok(AfterPadding::Nothing);
    }
    let mut want = SCAN_CHUNK_BYTES as u64;
    loop {
        // Read from `pos`, so the reader keeps the bytes the caller still needs.
        let window = reader.window(pos, boundary + want).await?;
        let Some(at_boundary) = window.get((boundary - pos) as usize..) else {
            return Ok(AfterPadding::Nothing);
        };
        match decode_record(at_boundary) {
            Decoded::Record(lsn, _, _) if lsn == expected => {
                return Ok(AfterPadding::Group(boundary))
            }
            Decoded::UnknownKind { lsn, kind } if lsn == expected => {
                return Ok(AfterPadding::UnknownKind {
                    offset: boundary,
                    kind,
                })
            }
            Decoded::Truncated { needed }
                if (needed as u64) > want && boundary + needed as u64 <= reader.len =>
            {
                want = needed as u64;
            }
            _ => return Ok(AfterPadding::Nothing),
        }
    }
}

/// Scans a segment: checks the header names `first_lsn`, then reads records in LSN order
/// starting at `first_lsn` until `stop_after` (inclusive), a clean end, or an invalid record.
/// Records with LSN `> keep_after` are collected when `keep_after` is `Some`.
pub async fn scan_segment<F: File>(
    file: &F,
    first_lsn: Lsn,
    stop_after: Option<Lsn>,
    keep_after: Option<Lsn>,
) -> Result<SegmentScan> {
    let len = file.size().await?;
    let mut reader = Reader {
        file,
        len,
        start: 0,
        buffer: Vec::new(),
        eof: false,
    };
    let mut scan = SegmentScan {
        records: Vec::new(),
        records_count: 0,
        last_lsn: None,
        end: ScanEnd::ReachedBound,
    };
    let header = reader.window(0, SEGMENT_HEADER_BYTES).await?.to_vec();
    let header_error = match decode_header(&header) {
        Ok(lsn) if lsn == first_lsn => None,
        Ok(lsn) => Some(format!(
            "header names first LSN {lsn}, file name says {first_lsn}"
        )),
        Err(reason) => Some(reason),
    };
    if let Some(reason) = header_error {
        let first_block = reader
            .window(SEGMENT_HEADER_BYTES, 2 * SEGMENT_HEADER_BYTES)
            .await?;
        let unused = first_block.iter().all(|b| *b == 0);
        scan.end = ScanEnd::BadHeader { reason, unused };
        return Ok(scan);
    }
    let mut pos = SEGMENT_HEADER_BYTES;
    let mut expected = first_lsn;
    let mut want = SCAN_CHUNK_BYTES as u64;
    scan.end = loop {
        if stop_after.is_some_and(|stop| expected > stop) {
            break ScanEnd::ReachedBound;
        }
        match padding_before_group(&mut reader, pos, expected).await? {
            AfterPadding::Nothing => {}
            AfterPadding::Group(next) => {
                pos = next;
                want = SCAN_CHUNK_BYTES as u64;
                continue;
            }
            AfterPadding::UnknownKind { offset, kind } => {
                break ScanEnd::UnknownKind { offset, kind }
            }
        }
        let window = reader.window(pos, pos + want).await?;
        match decode_record(window) {
            Decoded::End => break ScanEnd::Clean { offset: pos },
            Decoded::Truncated { needed } if pos + needed as u64 > len => {
                break ScanEnd::Invalid {
                    offset: pos,
                    reason: "record extends past the end of the file".into(),
                };
            }
            Decoded::Truncated { needed } if want >= needed as u64 => {
                break ScanEnd::Invalid {
                    offset: pos,
                    reason: "file ended early (short read)".into(),
                };
            }
            Decoded::Truncated { needed } => want = needed as u64,
            Decoded::Invalid(reason) => {
                break ScanEnd::Invalid {
                    offset: pos,
                    reason,
                }
            }
            Decoded::UnknownKind { kind, .. } => break ScanEnd::UnknownKind { offset: pos, kind },
            Decoded::Record(lsn, _, _) if lsn != expected => {
                break ScanEnd::Invalid {
                    offset: pos,
                    reason: format!("record has LSN {lsn}, expected {expected}"),
                };
            }
            // Never assigned (the next LSN after it would not exist): only a damaged or
            // crafted segment name leads a scan here.
            Decoded::Record(lsn, _, _) if lsn.0 == u64::MAX => {
                break ScanEnd::Invalid {
                    offset: pos,
                    reason: format!("record has LSN {lsn}, beyond the last LSN a log assigns"),
                };
            }
            Decoded::Record(lsn, record, bytes) => {
                if keep_after.is_some_and(|keep| lsn > keep) {
                    scan.records.push((lsn, record));
                }
                scan.records_count += 1;
                scan.last_lsn = Some(lsn);
                expected = Lsn(lsn.0 + 1);
                pos += bytes as u64;
                want = SCAN_CHUNK_BYTES as u64;
            }
        }
    };
    Ok(scan)
}

/// A whole record found after the point where a scan of the last segment ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LaterRecord {
    /// Its offset in the segment.
    pub offset: u64,
    /// Its LSN.
    pub lsn: Lsn,
    /// What it says was durable when it was appended (`None`: nothing; a version 1 record).
    pub durable_through: Option<Lsn>,
}

impl LaterRecord {
    /// Whether this record proves that the record with LSN `expected` was durable before it
    /// was written: then a scan that ended before `expected` ended at damage, not at a crash.
    pub fn vouches_for(&self, expected: Lsn) -> bool {
        self.durable_through.is_some_and(|d| d >= expected)
    }
}

/// Looks at the rest of the last segment after its scan ended at `end` (a zero header or an
/// invalid record where the record with LSN `expected` should be) for whole records with
/// LSN `>= expected`. A crash leaves none there that vouches for `expected` (a torn group, and
/// the later groups that were in flight with it, were never durable, so no record appended
/// after them claims them); the disk damaging durable records does. Returns the first record
/// found that vouches for `expected`, else the first whole record found (a later group of the
/// crash, or a version 1 record that claims nothing), else `None`.
///
/// Candidates are 8-aligned offsets after `end` whose header is plausible: LSN `expected + k`
/// with room for the `k` records before it between `end` and the offset (every record takes at
/// least 32 bytes), and a body length within the limit. All-zero blocks are skipped whole, so
/// the preallocated rest of a segment costs one read and a comparison.
pub async fn look_past_end<F: File>(
    file: &F,
    end: u64,
    expected: Lsn,
) -> Result<Option<LaterRecord>> {
    const RECORD_BYTES_MIN: u64 = (RECORD_HEADER_BYTES + 8) as u64;
    let len = file.size().await?;
    let mut reader = Reader {
        file,
        len,
        start: align_down(end),
        buffer: Vec::new(),
        eof: false,
    };
    let header_bytes = RECORD_HEADER_BYTES as u64;
    let plausible = |at: u64, header: &[u8]| {
        let lsn = u64::from_le_bytes(header[8..16].try_into().expect("8 bytes"));
        let body = u32::from_le_bytes(header[4..8].try_into().expect("4 bytes")) as usize;
        lsn >= expected.0
            && (lsn - expected.0).saturating_mul(RECORD_BYTES_MIN) <= at - end
            && body <= RECORD_BODY_BYTES_MAX
            && at + header_bytes + body as u64 <= len
    };
    let mut first = None;
    let mut at = end + RECORD_ALIGN_BYTES as u64;
    debug_assert_eq!(end % RECORD_ALIGN_BYTES as u64, 0);
    while at + header_bytes <= len {
        let chunk_end = (at + SCAN_CHUNK_BYTES as u64).min(len);
        let window = reader.window(at, chunk_end).await?;
        let mut candidate = None;
        let mut i = 0usize;
        while (i + RECORD_HEADER_BYTES) <= window.len() {
            let here = at + i as u64;
            if here % BLOCK_BYTES as u64 == 0
                && window.len() >= i + BLOCK_BYTES
                && window[i..i + BLOCK_BYTES].iter().all(|b| *b == 0)
            {
                i += BLOCK_BYTES;
                continue;
            }
            if plausible(here, &window[i..i + RECORD_HEADER_BYTES]) {
                candidate = Some(here);
                break;
            }
            i += RECORD_ALIGN_BYTES;
        }
        let Some(offset) = candidate else {
            // Nothing in this window; the last unchecked offsets are read again with the next.
            if chunk_end == len || (window.len() as u64) < chunk_end - at {
                break; // the end of the file (or a short read: the file ended early)
            }
            at += (i as u64).max(RECORD_ALIGN_BYTES as u64);
            continue;
        };
        let mut want = SCAN_CHUNK_BYTES as u64;
        at = loop {
            let window = reader.window(offset, offset + want).await?;
            match decode_record(window) {
                Decoded::Truncated { needed }
                    if (needed as u64) > want && offset + needed as u64 <= len =>
                {
                    want = needed as u64;
                }
                Decoded::Record(lsn, _, bytes) => {
                    let found = LaterRecord {
                        offset,
                        lsn,
                        durable_through: durable_through(window),
                    };
                    if found.vouches_for(expected) {
                        return Ok(Some(found));
                    }
                    first.get_or_insert(found);
                    break offset + bytes as u64;
                }
                _ => break offset + RECORD_ALIGN_BYTES as u64,
            }
        };
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        block_on,
        disk::{Directory, MemDirectory},
    };

    #[test]
    fn names_roundtrip_and_sort_by_lsn() {
        assert_eq!(parse_segment_name(&segment_name(Lsn(42))), Some(Lsn(42)));
        assert!(segment_name(Lsn(9)) < segment_name(Lsn(10)));
        assert_eq!(parse_segment_name("wal-12.log"), None);
        assert_eq!(parse_segment_name("wal-00000000000000000000.log"), None);
        assert_eq!(
            parse_segment_name(&segment_name(Lsn(u64::MAX))),
            Some(Lsn(u64::MAX))
        );
        assert_eq!(parse_segment_name("wal-99999999999999999999.log"), None);
        assert_eq!(parse_segment_name("snap-00000000000000000001"), None);
    }

    #[test]
    fn header_roundtrip_and_damage() {
        let mut block = encode_header(Lsn(5), 1 << 20);
        assert_eq!(decode_header(&block), Ok(Lsn(5)));
        block[20] ^= 1;
        assert!(decode_header(&block).is_err());
        assert!(decode_header(&[0; 4096]).is_err());
    }

    fn write_segment(records: &[WalRecord], first: u64, tail: &[u8]) -> (MemDirectory, Vec<u8>) {
        let mut bytes = encode_header(Lsn(first), 3 * 4096);
        for (i, r) in records.iter().enumerate() {
            r.encode_into(Lsn(first + i as u64), None, &mut bytes);
        }
        bytes.extend_from_slice(tail);
        bytes.resize(align_up(bytes.len() as u64) as usize, 0);
        let dir = MemDirectory::new();
        block_on(async {
            let f = dir.create_file("s").await.unwrap();
            f.write_at(0, &bytes).await.unwrap();
        });
        (dir, bytes)
    }

    /// Scans a segment image from LSN 1 (nothing skipped): its last LSN and how it ends.
    fn scan_image(bytes: &[u8]) -> (Option<Lsn>, ScanEnd) {
        let dir = MemDirectory::new();
        block_on(async {
            let f = dir.create_file("s").await.unwrap();
            f.write_at(0, bytes).await.unwrap();
            let scan = scan_segment(&f, Lsn(1), None, Some(Lsn(0))).await.unwrap();
            (scan.last_lsn, scan.end)
        })
    }

    #[test]
    fn scan_spans_blocks_and_stops_at_zero_or_bound() {
        // Records larger than a block must span block boundaries.
        let records: Vec<WalRecord> = (0..10)
            .map(|i| WalRecord::Upsert {
                id: i,
                vector: vec![i as f32; 700],
                payload: Vec::new(),
                labels: Vec::new(),
            })
            .collect();
        let (dir, _) = write_segment(&records, 100, &[]);
        block_on(async {
            let f = dir.open_file("s").await.unwrap();
            let scan = scan_segment(&f, Lsn(100), None, Some(Lsn(104)))
                .await
                .unwrap();
            assert!(matches!(scan.end, ScanEnd::Clean { .. }));
            assert_eq!(scan.records_count, 10);
            assert_eq!(scan.records.len(), 5);
            assert_eq!(scan.records[0].0, Lsn(105));
            let scan = scan_segment(&f, Lsn(100), Some(Lsn(102)), None)
                .await
                .unwrap();
            assert_eq!(
                (scan.end, scan.last_lsn),
                (ScanEnd::ReachedBound, Some(Lsn(102)))
            );
            let scan = scan_segment(&f, Lsn(99), None, None).await.unwrap();
            assert!(matches!(scan.end, ScanEnd::BadHeader { unused: false, .. }));
        });
    }

    #[test]
    fn scan_continues_after_block_padding_only_into_the_expected_lsn() {
        // Group 1 (LSNs 1-2) ends inside the first record block; group 2 (LSNs 3-4) was cut
        // while group 1 was in flight, so it starts on the next block after zero padding.
        let group = |first: u64| {
            let mut bytes = Vec::new();
            for lsn in first..first + 2 {
                WalRecord::Delete { id: lsn }.encode_into(Lsn(lsn), None, &mut bytes);
            }
            bytes
        };
        let image = |second_first: u64, padding_byte: u8| {
            let mut bytes = encode_header(Lsn(1), 4 * 4096);
            bytes.extend_from_slice(&group(1));
            let group_end = bytes.len();
            bytes.resize(2 * 4096, 0);
            bytes[group_end + 8] = padding_byte;
            bytes.extend_from_slice(&group(second_first));
            bytes.resize(3 * 4096, 0);
            let (last_lsn, end) = scan_image(&bytes);
            (last_lsn, end, group_end as u64)
        };
        let (last, end, _) = image(3, 0);
        assert_eq!(last, Some(Lsn(4)), "the scan crossed the padding");
        assert_eq!(
            end,
            ScanEnd::Clean {
                offset: 2 * 4096 + 64
            }
        );
        // A group that is not the next one (an earlier group torn or never written) ends
        // the log at the padding; non-zero bytes in the padding are an invalid record there.
        for second_first in [4, 2] {
            let (last, end, group_end) = image(second_first, 0);
            assert_eq!(last, Some(Lsn(2)));
            assert_eq!(end, ScanEnd::Clean { offset: group_end });
        }
        let (last, end, group_end) = image(3, 0xEE);
        assert_eq!(last, Some(Lsn(2)));
        assert!(
            matches!(end, ScanEnd::Invalid { offset, .. } if offset == group_end),
            "{end:?}"
        );
    }

    /// A whole record of an unknown kind (a newer version's) right after block padding is
    /// the next record of the log, not its end: the scan refuses it as it does without
    /// padding, instead of ending cleanly at the padding and dropping it and every record
    /// after it. One whose LSN is not the next one is not the log's next record, so the
    /// padding stays the end there, as for a known kind.
    #[test]
    fn an_unknown_kind_after_block_padding_is_refused() {
        let image = |lsn_at_boundary: u64| {
            let mut bytes = encode_header(Lsn(1), 4 * 4096);
            for lsn in 1..=2 {
                WalRecord::Delete { id: lsn }.encode_into(Lsn(lsn), None, &mut bytes);
            }
            let group_end = bytes.len() as u64;
            bytes.resize(2 * 4096, 0);
            // A whole record (matching CRC) of kind 6, which this version does not know.
            let at = bytes.len();
            WalRecord::Delete { id: 3 }.encode_into(Lsn(lsn_at_boundary), None, &mut bytes);
            bytes[at + 16] = 6;
            let crc = crc32c::crc32c(&bytes[at + 4..]);
            bytes[at..at + 4].copy_from_slice(&crc.to_le_bytes());
            bytes.resize(3 * 4096, 0);
            let (last_lsn, end) = scan_image(&bytes);
            (last_lsn, end, group_end)
        };
        let (last, end, _) = image(3);
        assert_eq!(last, Some(Lsn(2)));
        assert_eq!(
            end,
            ScanEnd::UnknownKind {
                offset: 2 * 4096,
                kind: 6
            }
        );
        let (last, end, group_end) = image(4);
        assert_eq!(last, Some(Lsn(2)));
        assert_eq!(end, ScanEnd::Clean { offset: group_end });
    }

    #[test]
    fn scan_reports_garbage_after_records() {
        let records = vec![WalRecord::Delete { id: 1 }, WalRecord::Delete { id: 2 }];
        let (dir, _) = write_segment(&records, 1, &[0xFF; 24]);
        block_on(async {
            let f = dir.open_file("s").await.unwrap();
            let scan = scan_segment(&f, Lsn(1), None, Some(Lsn(0))).await.unwrap();
            assert_eq!(scan.records.len(), 2);
            assert!(matches!(scan.end, ScanEnd::Invalid { offset, .. } if offset == 4096 + 64));
        });
    }

    /// `look_past_end` finds records across read windows and after zero blocks, skips
    /// headers whose LSN is too far ahead for the space before them, and prefers a record that
    /// vouches for the missing one over an earlier one that does not.
    #[test]
    fn look_past_end_finds_the_record_that_vouches() {
        let end = 4096u64;
        let place = |image: &mut Vec<u8>, at: usize, lsn: u64, durable: u64| {
            let mut record = Vec::new();
            WalRecord::Delete { id: lsn }.encode_into(Lsn(lsn), Some(Lsn(durable)), &mut record);
            image[at..at + record.len()].copy_from_slice(&record);
        };
        let look = |image: &[u8]| {
            let dir = MemDirectory::new();
            block_on(async {
                let f = dir.create_file("s").await.unwrap();
                f.write_at(0, image).await.unwrap();
                look_past_end(&f, end, Lsn(10)).await.unwrap()
            })
        };
        let mut image = encode_header(Lsn(1), 0);
        image.resize(3 << 20, 0);
        assert_eq!(look(&image), None, "zeros only");
        // LSN 10_000 at 8 KiB: 9,990 records cannot fit in 4 KiB, so it is not taken.
        place(&mut image, 8192, 10_000, 9);
        assert_eq!(look(&image), None);
        // A record of the torn group's successor that claims less, then (past the first
        // 1 MiB read window) one that vouches for LSN 10.
        place(&mut image, 12_288, 11, 9);
        let far = (1 << 20) + 4096 + 40;
        place(&mut image, far, 12, 10);
        let found = look(&image).unwrap();
        assert_eq!((found.offset, found.lsn), (far as u64, Lsn(12)));
        assert!(found.vouches_for(Lsn(10)) && !found.vouches_for(Lsn(11)));
        image[far..far + 32].fill(0);
        let found = look(&image).unwrap();
        assert_eq!((found.offset, found.lsn), (12_288, Lsn(11)));
        assert!(!found.vouches_for(Lsn(10)));
    }
}
