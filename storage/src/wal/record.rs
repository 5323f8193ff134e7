//! WAL record framing.
//!
//! A record is a 24-byte header, a body, and zero padding to a multiple of 8 bytes.
//! All integers little-endian.
//!
//! | offset | size | field                                                      |
//! |--------|------|------------------------------------------------------------|
//! | 0      | 4    | `crc32c` of bytes 4..24 of the header followed by the body |
//! | 4      | 4    | `body_bytes`                                               |
//! | 8      | 8    | `lsn`                                                      |
//! | 16     | 1    | `kind`: 1 = Upsert, 2 = Delete, 3 = labelled Upsert, 4 = SetPayload, 5 = SetLabels |
//! | 17     | 3    | reserved, zero                                             |
//! | 20     | 4    | `durable_gap`: 0 (no claim), or `lsn - d` where every record up to LSN `d` (0: none) was durable when this one was appended |
//! | 24     | n    | body                                                       |
//! | 24 + n | p    | zero padding, `p < 8`                                      |
//!
//! Upsert body: `id u64 | dims u32 | payload_bytes u32 | dims × f32 | payload`, where the
//! payload is the point's opaque bytes (`payload_bytes` may be 0; records written before
//! payloads existed had a reserved zero there, so they read as points without one).
//! Labelled upsert body (an upsert with at least one label; one without is kind 1, so logs
//! written before labels existed read unchanged): `id u64 | dims u32 | payload_bytes u32 |
//! label_count u32 | reserved u32 (zero) | dims × f32 | label_count × u64 | payload`.
//! Delete body: `id u64`.
//! SetPayload body: `id u64 | payload_bytes u32 | reserved u32 (zero) | payload`.
//! SetLabels body: `id u64 | label_count u32 | reserved u32 (zero) | label_count × u64`
//! (`label_count` may be 0: the point's labels are cleared).
//!
//! A header of 24 zero bytes marks the end of the log (preallocated space is zeros).
//!
//! `durable_gap` lets recovery tell damage from a crash: a whole record whose claim covers an
//! LSN proves that record was durable (and so possibly acknowledged) before it was written, so
//! if that record is unreadable the disk damaged it; a crash can only tear records no later
//! record vouches for. Records written before the field existed carry 0 (no claim).

use crate::error::{Error, Result};

/// Log sequence number: the position of a record in the shard's history. The first record is
/// `Lsn(1)`; `Lsn(0)` means "before everything".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Lsn(pub u64);

impl std::fmt::Display for Lsn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One logged operation.
#[derive(Debug, Clone, PartialEq)]
pub enum WalRecord {
    /// Insert or replace vector `id`.
    Upsert {
        /// Vector id.
        id: u64,
        /// The vector.
        vector: Vec<f32>,
        /// The point's opaque payload (empty: none).
        payload: Vec<u8>,
        /// The point's labels (empty: none), as the engine keeps them.
        labels: Vec<u64>,
    },
    /// Delete vector `id`.
    Delete {
        /// Vector id.
        id: u64,
    },
    /// Replace the payload of point `id`, keeping its vector and labels. Logged only for a
    /// point that exists, so a replay finds it (a replay that does not is a no-op).
    SetPayload {
        /// Point id.
        id: u64,
        /// The new payload (empty: none).
        payload: Vec<u8>,
    },
    /// Replace the labels of point `id`, keeping its vector and payload. Logged only for a
    /// point that exists, like `SetPayload`.
    SetLabels {
        /// Point id.
        id: u64,
        /// The new labels (empty: none), as the engine keeps them.
        labels: Vec<u64>,
    },
}

/// Bytes of a record header.
pub const RECORD_HEADER_BYTES: usize = 24;
/// Records start at multiples of this.
pub const RECORD_ALIGN_BYTES: usize = 8;
/// Largest record body accepted (a 4-million-dimension vector); keeps a damaged length field
/// from asking for gigabytes.
pub const RECORD_BODY_BYTES_MAX: usize = 16 << 20;
const _: () = assert!(RECORD_HEADER_BYTES % RECORD_ALIGN_BYTES == 0);
const _: () = assert!(RECORD_BODY_BYTES_MAX < u32::MAX as usize);

const KIND_UPSERT: u8 = 1;
const KIND_DELETE: u8 = 2;
const KIND_UPSERT_LABELLED: u8 = 3;
const KIND_SET_PAYLOAD: u8 = 4;
const KIND_SET_LABELS: u8 = 5;
/// `id u64 | length or count u32 | reserved u32` before a SetPayload's or SetLabels' items.
const SET_FIXED_BYTES: usize = 16;
const UPSERT_FIXED_BYTES: usize = 16;
const LABELLED_UPSERT_FIXED_BYTES: usize = 24;

impl WalRecord {
    fn body_bytes(&self) -> usize {
        match self {
            WalRecord::Upsert {
                vector,
                payload,
                labels,
                ..
            } => {
                let fixed = if labels.is_empty() {
                    UPSERT_FIXED_BYTES
                } else {
                    LABELLED_UPSERT_FIXED_BYTES
                };
                fixed + 4 * vector.len() + 8 * labels.len() + payload.len()
            }
            WalRecord::Delete { .. } => 8,
            WalRecord::SetPayload { payload, .. } => SET_FIXED_BYTES + payload.len(),
            WalRecord::SetLabels { labels, .. } => SET_FIXED_BYTES + 8 * labels.len(),
        }
    }

    /// Bytes this record occupies in the log, padding included.
    pub fn encoded_bytes(&self) -> usize {
        (RECORD_HEADER_BYTES + self.body_bytes()).next_multiple_of(RECORD_ALIGN_BYTES)
    }

    /// Checks the size limit before anything is encoded.
    pub(crate) fn check_size(&self) -> Result<()> {
        let bytes = self.body_bytes();
        if bytes > RECORD_BODY_BYTES_MAX {
            return Err(Error::RecordTooLarge {
                bytes,
                max: RECORD_BODY_BYTES_MAX,
            });
        }
        Ok(())
    }

    /// Appends the framed record to `out` (which must end on a record boundary).
    /// `durable_through` is the LSN up to which every record of the log is durable at this
    /// moment (`Lsn(0)`: none), below `lsn`; `None` claims nothing (the layout of records
    /// from before the claim existed).
    pub fn encode_into(&self, lsn: Lsn, durable_through: Option<Lsn>, out: &mut Vec<u8>) {
        assert!(
            out.len() % RECORD_ALIGN_BYTES == 0,
            "record must start 8-aligned"
        );
        let body_bytes = self.body_bytes();
        assert!(body_bytes <= RECORD_BODY_BYTES_MAX, "check_size first");
        let start = out.len();
        out.reserve(self.encoded_bytes());
        out.extend_from_slice(&[0; 4]);
        out.extend_from_slice(&(body_bytes as u32).to_le_bytes());
        out.extend_from_slice(&lsn.0.to_le_bytes());
        let kind = match self {
            WalRecord::Upsert { labels, .. } if !labels.is_empty() => KIND_UPSERT_LABELLED,
            WalRecord::Upsert { .. } => KIND_UPSERT,
            WalRecord::Delete { .. } => KIND_DELETE,
            WalRecord::SetPayload { .. } => KIND_SET_PAYLOAD,
            WalRecord::SetLabels { .. } => KIND_SET_LABELS,
        };
        out.push(kind);
        out.extend_from_slice(&[0; 3]);
        out.extend_from_slice(&durable_gap(lsn, durable_through).to_le_bytes());
        match self {
            WalRecord::Upsert {
                id,
                vector,
                payload,
                labels,
            } => {
                out.extend_from_slice(&id.to_le_bytes());
                out.extend_from_slice(&(vector.len() as u32).to_le_bytes());
                out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
                if !labels.is_empty() {
                    out.extend_from_slice(&(labels.len() as u32).to_le_bytes());
                    out.extend_from_slice(&[0; 4]);
                }
                // One resize and a fixed-width copy loop (a plain memcpy on little-endian
                // machines) instead of one `extend_from_slice` per float.
                let at = out.len();
                out.resize(at + vector.len() * 4, 0);
                for (bytes, value) in out[at..].chunks_exact_mut(4).zip(vector) {
                    bytes.copy_from_slice(&value.to_le_bytes());
                }
                for label in labels {
                    out.extend_from_slice(&label.to_le_bytes());
                }
                out.extend_from_slice(payload);
            }
            WalRecord::Delete { id } => out.extend_from_slice(&id.to_le_bytes()),
            WalRecord::SetPayload { id, payload } => {
                out.extend_from_slice(&id.to_le_bytes());
                out.extend_from_slice(&(payload.len() as u32).to_le_bytes());
                out.extend_from_slice(&[0; 4]);
                out.extend_from_slice(payload);
            }
            WalRecord::SetLabels { id, labels } => {
                out.extend_from_slice(&id.to_le_bytes());
                out.extend_from_slice(&(labels.len() as u32).to_le_bytes());
                out.extend_from_slice(&[0; 4]);
                for label in labels {
                    out.extend_from_slice(&label.to_le_bytes());
                }
            }
        }
        let crc = crc32c::crc32c(&out[start + 4..]);
        out[start..start + 4].copy_from_slice(&crc.to_le_bytes());
        out.resize(start + self.encoded_bytes(), 0);
        debug_assert!(
            matches!(decode_record(&out[start..]), Decoded::Record(l, ref r, _) if l == lsn && r.same_bits(self))
        );
    }

    /// Equality with floats compared bit for bit (a decoded NaN equals the NaN encoded).
    fn same_bits(&self, other: &WalRecord) -> bool {
        match (self, other) {
            (
                WalRecord::Upsert {
                    id: x,
                    vector: v,
                    payload: p,
                    labels: l,
                },
                WalRecord::Upsert {
                    id: y,
                    vector: w,
                    payload: q,
                    labels: m,
                },
            ) => {
                x == y
                    && p == q
                    && l == m
                    && v.len() == w.len()
                    && v.iter().zip(w).all(|(a, b)| a.to_bits() == b.to_bits())
            }
            _ => self == other,
        }
    }
}

/// Result of decoding the bytes at a record boundary.
#[derive(Debug, PartialEq)]
pub enum Decoded {
    /// A valid record and its encoded length.
    Record(Lsn, WalRecord, usize),
    /// A zero header: the clean end of the log.
    End,
    /// The header says the record is `needed` bytes long but fewer are available.
    Truncated {
        /// Total bytes the record needs.
        needed: usize,
    },
    /// The bytes are not a valid record.
    Invalid(String),
    /// A whole record (its CRC matches) of a kind this version does not know: written by a
    /// newer version, not torn. Recovery must stop rather than truncate it.
    UnknownKind {
        /// Its LSN (the header layout, and so the LSN's place, is the same for every kind).
        lsn: Lsn,
        /// Its kind byte.
        kind: u8,
    },
}

/// The header's `durable_gap` for a record at `lsn` appended while every record through
/// `durable_through` was durable (`lsn` itself when none was): 0 (no claim) for `None`, or
/// when the gap does not fit.
fn durable_gap(lsn: Lsn, durable_through: Option<Lsn>) -> u32 {
    let Some(durable) = durable_through else {
        return 0;
    };
    assert!(
        durable < lsn,
        "a record cannot be durable before it is written"
    );
    u32::try_from(lsn.0 - durable.0).unwrap_or(0)
}

/// What the header of a whole record (one [`decode_record`] accepted) says was durable when it
/// was appended: every record through the returned LSN (`Lsn(0)`: none yet). `None`: it
/// claims nothing (its `durable_gap` is 0, as in every record written before the field
/// existed), or the claim is impossible (reaches before LSN 0; `decode_record` refuses such
/// a record).
pub fn durable_through(header: &[u8]) -> Option<Lsn> {
    let gap = u32_at(header, 20);
    if gap == 0 {
        return None;
    }
    u64_at(header, 8).checked_sub(u64::from(gap)).map(Lsn)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut raw = [0; 4];
    raw.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(raw)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut raw = [0; 8];
    raw.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(raw)
}

/// Decodes an upsert body of record kind `kind` (plain or labelled).
fn decode_upsert(body: &[u8], kind: u8) -> std::result::Result<WalRecord, String> {
    let labelled = kind == KIND_UPSERT_LABELLED;
    let fixed = if labelled {
        LABELLED_UPSERT_FIXED_BYTES
    } else {
        UPSERT_FIXED_BYTES
    };
    if body.len() < fixed {
        return Err("upsert body too short".into());
    }
    // All three lengths are u32, so the sum cannot overflow a u64-sized usize.
    let dims = u32_at(body, 8) as usize;
    let payload_bytes = u32_at(body, 12) as usize;
    let label_count = if labelled {
        if u32_at(body, 20) != 0 {
            return Err("non-zero reserved bytes in a labelled upsert".into());
        }
        match u32_at(body, 16) as usize {
            0 => return Err("labelled upsert without labels".into()),
            count => count,
        }
    } else {
        0
    };
    let vector_end = fixed + 4 * dims;
    let labels_end = vector_end + 8 * label_count;
    if labels_end + payload_bytes != body.len() {
        return Err(format!(
            "upsert of {dims} dims, {label_count} labels and a {payload_bytes}-byte payload in {} \
             body bytes",
            body.len()
        ));
    }
    let vector = body[fixed..vector_end]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let labels = (vector_end..labels_end)
        .step_by(8)
        .map(|at| u64_at(body, at))
        .collect();
    Ok(WalRecord::Upsert {
        id: u64_at(body, 0),
        vector,
        payload: body[labels_end..].to_vec(),
        labels,
    })
}

/// Decodes a SetPayload (`kind` 4) or SetLabels (`kind` 5) body.
fn decode_set(body: &[u8], kind: u8) -> std::result::Result<WalRecord, String> {
    let what = if kind == KIND_SET_PAYLOAD {
        "set-payload"
    } else {
        "set-labels"
    };
    if body.len() < SET_FIXED_BYTES {
        return Err(format!("{what} body too short"));
    }
    if u32_at(body, 12) != 0 {
        return Err(format!("non-zero reserved bytes in a {what} record"));
    }
    let id = u64_at(body, 0);
    let count = u32_at(body, 8) as usize;
    let items = &body[SET_FIXED_BYTES..];
    let item_bytes = if kind == KIND_SET_PAYLOAD { 1 } else { 8 };
    if items.len() != count * item_bytes {
        return Err(format!(
            "{what} record of {count} items in {} body bytes",
            body.len()
        ));
    }
    Ok(if kind == KIND_SET_PAYLOAD {
        WalRecord::SetPayload {
            id,
            payload: items.to_vec(),
        }
    } else {
        WalRecord::SetLabels {
            id,
            labels: items.chunks_exact(8).map(|c| u64_at(c, 0)).collect(),
        }
    })
}

/// Decodes the record at the start of `bytes` (everything up to the end of the segment, or
/// at least enough for the record; `Truncated` asks for more).
pub fn decode_record(bytes: &[u8]) -> Decoded {
    if bytes.len() < RECORD_HEADER_BYTES {
        if bytes.iter().all(|b| *b == 0) {
            return Decoded::End;
        }
        return Decoded::Truncated {
            needed: RECORD_HEADER_BYTES,
        };
    }
    let header = &bytes[..RECORD_HEADER_BYTES];
    if header.iter().all(|b| *b == 0) {
        return Decoded::End;
    }
    let body_bytes = u32_at(header, 4) as usize;
    if body_bytes > RECORD_BODY_BYTES_MAX {
        return Decoded::Invalid(format!("body length {body_bytes} exceeds maximum"));
    }
    let total = (RECORD_HEADER_BYTES + body_bytes).next_multiple_of(RECORD_ALIGN_BYTES);
    if bytes.len() < total {
        return Decoded::Truncated { needed: total };
    }
    let body_end = RECORD_HEADER_BYTES + body_bytes;
    let stored_crc = u32_at(header, 0);
    let crc = crc32c::crc32c(&bytes[4..body_end]);
    if crc != stored_crc {
        return Decoded::Invalid(format!(
            "CRC mismatch: stored {stored_crc:#010x}, computed {crc:#010x}"
        ));
    }
    if header[17..20].iter().any(|b| *b != 0) || bytes[body_end..total].iter().any(|b| *b != 0) {
        return Decoded::Invalid("non-zero reserved or padding bytes".into());
    }
    let lsn = Lsn(u64_at(header, 8));
    let gap = u32_at(header, 20);
    if u64::from(gap) > lsn.0 {
        return Decoded::Invalid(format!(
            "durability claim {gap} records before LSN {lsn}, before the first LSN"
        ));
    }
    let body = &bytes[RECORD_HEADER_BYTES..body_end];
    let record = match header[16] {
        kind @ (KIND_UPSERT | KIND_UPSERT_LABELLED) => match decode_upsert(body, kind) {
            Ok(record) => record,
            Err(message) => return Decoded::Invalid(message),
        },
        KIND_DELETE => {
            if body.len() != 8 {
                return Decoded::Invalid("delete body is not 8 bytes".into());
            }
            WalRecord::Delete {
                id: u64_at(body, 0),
            }
        }
        kind @ (KIND_SET_PAYLOAD | KIND_SET_LABELS) => match decode_set(body, kind) {
            Ok(record) => record,
            Err(message) => return Decoded::Invalid(message),
        },
        kind => return Decoded::UnknownKind { lsn, kind },
    };
    Decoded::Record(lsn, record, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn record_strategy() -> impl Strategy<Value = WalRecord> {
        prop_oneof![
            (
                any::<u64>(),
                proptest::collection::vec(any::<f32>(), 0..40),
                proptest::collection::vec(any::<u8>(), 0..3),
                proptest::collection::vec(any::<u8>(), 0..100),
                proptest::collection::vec(any::<u64>(), 0..3),
                proptest::collection::vec(any::<u64>(), 0..70),
            )
                .prop_map(|(id, vector, has_payload, payload, has_labels, labels)| {
                    WalRecord::Upsert {
                        id,
                        vector,
                        // Most points carry no payload; some a short or long one. Likewise labels.
                        payload: if has_payload.is_empty() {
                            Vec::new()
                        } else {
                            payload
                        },
                        labels: if has_labels.is_empty() {
                            Vec::new()
                        } else {
                            labels
                        },
                    }
                }),
            any::<u64>().prop_map(|id| WalRecord::Delete { id }),
            (any::<u64>(), proptest::collection::vec(any::<u8>(), 0..100))
                .prop_map(|(id, payload)| WalRecord::SetPayload { id, payload }),
            (any::<u64>(), proptest::collection::vec(any::<u64>(), 0..70))
                .prop_map(|(id, labels)| WalRecord::SetLabels { id, labels }),
        ]
    }

    proptest! {
        #[test]
        fn encode_decode_roundtrip(
            records in proptest::collection::vec(record_strategy(), 1..20),
            first in 1u64..1 << 40,
            behind in proptest::collection::vec(0u64..1 << 34, 20),
        ) {
            // Record i claims every record up to `lsn - behind[i]` durable (none when that is
            // before the first LSN); a claim more than u32::MAX back is dropped.
            let claim = |i: usize| Lsn((first + i as u64).saturating_sub(behind[i].max(1)));
            let mut bytes = Vec::new();
            for (i, record) in records.iter().enumerate() {
                record.encode_into(Lsn(first + i as u64), Some(claim(i)), &mut bytes);
                prop_assert_eq!(bytes.len() % RECORD_ALIGN_BYTES, 0);
            }
            bytes.extend_from_slice(&[0; 64]);
            let mut at = 0;
            for (i, record) in records.iter().enumerate() {
                match decode_record(&bytes[at..]) {
                    Decoded::Record(lsn, decoded, len) => {
                        prop_assert_eq!(lsn, Lsn(first + i as u64));
                        prop_assert!(decoded.same_bits(record));
                        prop_assert_eq!(len, record.encoded_bytes());
                        let gap = lsn.0 - claim(i).0;
                        // A claim of "none durable" (LSN 0) is a claim too.
                        let expected = (gap <= u64::from(u32::MAX)).then_some(claim(i));
                        prop_assert_eq!(durable_through(&bytes[at..]), expected);
                        at += len;
                    }
                    other => prop_assert!(false, "unexpected {:?}", other),
                }
            }
            prop_assert_eq!(decode_record(&bytes[at..]), Decoded::End);
        }

        #[test]
        fn any_single_byte_flip_is_detected(record in record_strategy(), index in any::<prop::sample::Index>(), flip in 1u8..=255) {
            let mut bytes = Vec::new();
            record.encode_into(Lsn(7), None, &mut bytes);
            let at = index.index(bytes.len());
            bytes[at] ^= flip;
            let decoded = decode_record(&bytes);
            let detected = matches!(decoded, Decoded::Invalid(_) | Decoded::Truncated { .. });
            prop_assert!(detected, "flip at {} undetected: {:?}", at, decoded);
        }

        #[test]
        fn every_prefix_is_truncated_or_end(record in record_strategy(), cut in any::<prop::sample::Index>()) {
            let mut bytes = Vec::new();
            record.encode_into(Lsn(3), None, &mut bytes);
            let cut = cut.index(bytes.len());
            let decoded = decode_record(&bytes[..cut]);
            let ok = matches!(decoded, Decoded::Truncated { .. } | Decoded::End);
            prop_assert!(ok, "prefix of {} bytes decoded as {:?}", cut, decoded);
        }
    }

    #[test]
    fn a_durability_claim_is_checked() {
        let record = WalRecord::Delete { id: 9 };
        let mut bytes = Vec::new();
        record.encode_into(Lsn(10), Some(Lsn(7)), &mut bytes);
        assert_eq!(durable_through(&bytes), Some(Lsn(7)));
        assert!(matches!(
            decode_record(&bytes),
            Decoded::Record(Lsn(10), _, _)
        ));
        let reseal = |bytes: &mut Vec<u8>| {
            let crc = crc32c::crc32c(&bytes[4..RECORD_HEADER_BYTES + 8]);
            bytes[0..4].copy_from_slice(&crc.to_le_bytes());
        };
        // "Nothing was durable yet", and no claim at all (a version 1 record).
        for (gap, claim) in [(10u32, Some(Lsn(0))), (0, None)] {
            bytes[20..24].copy_from_slice(&gap.to_le_bytes());
            reseal(&mut bytes);
            assert!(matches!(
                decode_record(&bytes),
                Decoded::Record(Lsn(10), _, _)
            ));
            assert_eq!(durable_through(&bytes), claim);
        }
        // A claim reaching back before LSN 0, with a valid CRC: invalid.
        for gap in [11u32, u32::MAX] {
            bytes[20..24].copy_from_slice(&gap.to_le_bytes());
            reseal(&mut bytes);
            assert!(
                matches!(&decode_record(&bytes), Decoded::Invalid(m) if m.contains("durability claim")),
                "gap {gap}"
            );
        }
        // The three reserved bytes before it stay reserved.
        bytes[20..24].copy_from_slice(&3u32.to_le_bytes());
        bytes[18] = 1;
        reseal(&mut bytes);
        assert!(matches!(&decode_record(&bytes), Decoded::Invalid(m) if m.contains("reserved")));
    }

    #[test]
    fn oversized_record_is_rejected_before_encoding() {
        let record = WalRecord::Upsert {
            id: 1,
            vector: vec![0.0; RECORD_BODY_BYTES_MAX / 4],
            payload: Vec::new(),
            labels: Vec::new(),
        };
        assert!(matches!(
            record.check_size(),
            Err(Error::RecordTooLarge { .. })
        ));
        let mut header = [0u8; RECORD_HEADER_BYTES];
        header[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(decode_record(&header), Decoded::Invalid(_)));
    }

    /// Decoding arbitrary bytes can yield a NaN component (the engine never logs one); it must
    /// re-encode without tripping the encoder's self-check (found by the `wal_record` fuzzer).
    #[test]
    fn a_decoded_nan_re_encodes() {
        let record = WalRecord::Upsert {
            id: 1,
            vector: vec![f32::NAN, f32::from_bits(0x7fc0_0001)],
            payload: vec![1],
            labels: vec![u64::MAX],
        };
        let mut bytes = Vec::new();
        record.encode_into(Lsn(2), None, &mut bytes);
        let Decoded::Record(_, decoded, _) = decode_record(&bytes) else {
            panic!("not decoded");
        };
        assert!(decoded.same_bits(&record));
    }

    /// A record written before payloads existed (zero in the payload length field) is a point
    /// without a payload; the bytes below are such a record, frozen.
    #[test]
    fn a_record_from_before_payloads_reads_as_a_point_without_one() {
        let mut bytes = Vec::new();
        WalRecord::Upsert {
            id: 9,
            vector: vec![1.5, -2.0],
            payload: Vec::new(),
            labels: Vec::new(),
        }
        .encode_into(Lsn(4), None, &mut bytes);
        let frozen: [u8; 48] = [
            0, 0, 0, 0, 24, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, //
            9, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 63, 0, 0, 0, 192,
        ];
        assert_eq!(
            bytes[4..],
            frozen[4..],
            "the layout of a payload-less upsert changed"
        );
        let with_payload = WalRecord::Upsert {
            id: 9,
            vector: vec![1.5, -2.0],
            payload: b"{\"k\":1}".to_vec(),
            labels: Vec::new(),
        };
        bytes.clear();
        with_payload.encode_into(Lsn(5), None, &mut bytes);
        assert!(
            matches!(decode_record(&bytes), Decoded::Record(Lsn(5), ref r, 56) if *r == with_payload)
        );
    }

    /// A labelled upsert is kind 3 with the labels between the vector and the payload; the
    /// bytes are frozen so the layout cannot drift, and a zero label count is refused (kind 1
    /// is the label-less form).
    #[test]
    fn a_labelled_upsert_has_a_frozen_layout() {
        let record = WalRecord::Upsert {
            id: 9,
            vector: vec![1.5],
            payload: b"p".to_vec(),
            labels: vec![3, 1 << 40],
        };
        let mut bytes = Vec::new();
        record.encode_into(Lsn(4), None, &mut bytes);
        let frozen: [u8; 72] = [
            0, 0, 0, 0, 45, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, //
            9, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, //
            0, 0, 192, 63, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, b'p', 0, 0, 0,
        ];
        assert_eq!(
            bytes[4..],
            frozen[4..],
            "the layout of a labelled upsert changed"
        );
        assert!(
            matches!(decode_record(&bytes), Decoded::Record(Lsn(4), ref r, 72) if *r == record)
        );
        // The same bytes with a label count of zero (and a CRC to match) are refused.
        let mut zero = bytes.clone();
        zero[24 + 16..24 + 20].copy_from_slice(&0u32.to_le_bytes());
        let crc = crc32c::crc32c(&zero[4..24 + 45]);
        zero[..4].copy_from_slice(&crc.to_le_bytes());
        assert!(
            matches!(decode_record(&zero), Decoded::Invalid(m) if m.contains("without labels"))
        );
    }

    /// Bytes from hex digits; whitespace (grouping) is ignored.
    fn hex(digits: &str) -> Vec<u8> {
        let digits: Vec<u8> = digits
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        digits
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect()
    }

    /// A framed record of `kind` around an arbitrary `body`, CRC and padding made by hand
    /// (not by the encoder), so a damaged body reaches the body decoder.
    fn frame(kind: u8, lsn: u64, body: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0; 4];
        bytes.extend_from_slice(&(body.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&lsn.to_le_bytes());
        bytes.push(kind);
        bytes.extend_from_slice(&[0; 7]);
        bytes.extend_from_slice(body);
        let crc = crc32c::crc32c(&bytes[4..]);
        bytes[..4].copy_from_slice(&crc.to_le_bytes());
        bytes.resize(bytes.len().next_multiple_of(8), 0);
        bytes
    }

    /// Encodes `record` at `lsn`, checks the bytes (CRC included) against `frozen`, and that
    /// they decode back to the record.
    fn assert_frozen(record: &WalRecord, lsn: u64, frozen: &str) {
        let mut bytes = Vec::new();
        record.encode_into(Lsn(lsn), None, &mut bytes);
        let frozen = hex(frozen);
        assert_eq!(bytes, frozen, "the layout of {record:?} changed");
        assert_eq!(
            decode_record(&frozen),
            Decoded::Record(Lsn(lsn), record.clone(), frozen.len())
        );
    }

    /// SetPayload is kind 4: `id | payload_bytes | reserved zero | payload`, padded to 8. The
    /// bytes (CRC included, computed independently) are frozen so the layout cannot drift.
    #[test]
    fn a_set_payload_has_a_frozen_layout() {
        let record = WalRecord::SetPayload {
            id: 9,
            payload: b"pq".to_vec(),
        };
        assert_frozen(
            &record,
            4,
            "1c5832d0 12000000 0400000000000000 04 00000000000000
             0900000000000000 02000000 00000000 7071 000000000000",
        );
        // An empty payload (the point's payload is removed) is a 16-byte body.
        let empty = WalRecord::SetPayload {
            id: u64::MAX,
            payload: Vec::new(),
        };
        assert_frozen(
            &empty,
            5,
            "8b5d1388 10000000 0500000000000000 04 00000000000000
             ffffffffffffffff 00000000 00000000",
        );
    }

    /// SetLabels is kind 5: `id | label_count | reserved zero | label_count × u64`; a count of
    /// zero (the point's labels are cleared) is valid, unlike in a labelled upsert.
    #[test]
    fn a_set_labels_has_a_frozen_layout() {
        let record = WalRecord::SetLabels {
            id: 9,
            labels: vec![3, 1 << 40],
        };
        assert_frozen(
            &record,
            4,
            "d8242869 20000000 0400000000000000 05 00000000000000
             0900000000000000 02000000 00000000 0300000000000000 0000000000010000",
        );
        let none = WalRecord::SetLabels {
            id: 7,
            labels: Vec::new(),
        };
        assert_frozen(
            &none,
            6,
            "f70d5bc8 10000000 0600000000000000 05 00000000000000
             0700000000000000 00000000 00000000",
        );
    }

    fn invalid_reason(bytes: &[u8]) -> String {
        match decode_record(bytes) {
            Decoded::Invalid(reason) => reason,
            other => panic!("decoded as {other:?}"),
        }
    }

    /// Damaged SetPayload and SetLabels bodies (with a matching CRC, as a bug rather than a
    /// torn write would leave them) are refused, each naming what is wrong.
    #[test]
    fn damaged_set_bodies_are_refused_with_a_reason() {
        let set = |id: u64, count: u32, reserved: u32, items: &[u8]| {
            let mut body = id.to_le_bytes().to_vec();
            body.extend_from_slice(&count.to_le_bytes());
            body.extend_from_slice(&reserved.to_le_bytes());
            body.extend_from_slice(items);
            body
        };
        let label = 5u64.to_le_bytes();
        let cases: Vec<(u8, Vec<u8>, &str)> = vec![
            // Non-zero reserved u32.
            (
                4,
                set(1, 2, 1, b"pq"),
                "non-zero reserved bytes in a set-payload record",
            ),
            (
                5,
                set(1, 1, 1 << 31, &label),
                "non-zero reserved bytes in a set-labels record",
            ),
            (
                5,
                set(1, 0, 7, &[]),
                "non-zero reserved bytes in a set-labels record",
            ),
            // The count does not match the body length (short, long, or not whole labels).
            (
                4,
                set(1, 3, 0, b"pq"),
                "set-payload record of 3 items in 18 body bytes",
            ),
            (
                4,
                set(1, 1, 0, b"pq"),
                "set-payload record of 1 items in 18 body bytes",
            ),
            (
                4,
                set(1, 0, 0, b"p"),
                "set-payload record of 0 items in 17 body bytes",
            ),
            (
                4,
                set(1, u32::MAX, 0, b"pq"),
                "set-payload record of 4294967295 items in 18 body bytes",
            ),
            (
                5,
                set(1, 2, 0, &label),
                "set-labels record of 2 items in 24 body bytes",
            ),
            (
                5,
                set(1, 0, 0, &label),
                "set-labels record of 0 items in 24 body bytes",
            ),
            (
                5,
                set(1, 1, 0, &label[..7]),
                "set-labels record of 1 items in 23 body bytes",
            ),
            (
                5,
                set(1, u32::MAX, 0, &label),
                "set-labels record of 4294967295 items in 24 body bytes",
            ),
            // Bodies shorter than the 16 fixed bytes (none, a bare id like a delete's, 15).
            (4, Vec::new(), "set-payload body too short"),
            (4, 9u64.to_le_bytes().to_vec(), "set-payload body too short"),
            (
                4,
                set(1, 0, 0, &[])[..15].to_vec(),
                "set-payload body too short",
            ),
            (5, Vec::new(), "set-labels body too short"),
            (5, 9u64.to_le_bytes().to_vec(), "set-labels body too short"),
            (
                5,
                set(1, 0, 0, &[])[..15].to_vec(),
                "set-labels body too short",
            ),
        ];
        for (kind, body, reason) in cases {
            let bytes = frame(kind, 3, &body);
            assert_eq!(invalid_reason(&bytes), reason, "kind {kind}, body {body:?}");
        }
        // The frame itself is right: the same frames with consistent bodies decode.
        assert_eq!(
            decode_record(&frame(4, 3, &set(1, 2, 0, b"pq"))),
            Decoded::Record(
                Lsn(3),
                WalRecord::SetPayload {
                    id: 1,
                    payload: b"pq".to_vec()
                },
                48
            )
        );
        assert_eq!(
            decode_record(&frame(5, 3, &set(1, 1, 0, &label))),
            Decoded::Record(
                Lsn(3),
                WalRecord::SetLabels {
                    id: 1,
                    labels: vec![5]
                },
                48
            )
        );
        // Kind 6 is not a record (yet): a whole record of it is told apart from damage.
        assert_eq!(
            decode_record(&frame(6, 3, &set(1, 0, 0, &[]))),
            Decoded::UnknownKind {
                lsn: Lsn(3),
                kind: 6
            }
        );
        // Damaged, it is damage like any other record.
        let mut damaged = frame(6, 3, &set(1, 0, 0, &[]));
        damaged[30] ^= 1;
        assert!(invalid_reason(&damaged).starts_with("CRC mismatch"));
    }
}
