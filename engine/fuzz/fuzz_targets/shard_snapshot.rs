//! Shard snapshot decoder (`persist::decode_shard` over its blobs): never panics or hangs on
//! damaged blobs, and a shard it accepts works and snapshots again.
//!
//! A small valid shard is built and encoded once: 40 points with payloads and labels, some
//! deleted, some replaced, a payload and labels replaced in place, all indexed; then three
//! more points not indexed yet (a snapshot taken while the index lags). The input edits those
//! blobs directly, rkyv archives included (so its mutations meet the archive validation and
//! then the structural checks behind it):
//! - byte 0 picks the blob to edit first (modulo 10: `BLOB_NAMES` order, as `encode_shard`
//!   lists them) and the collection's metric (byte 0 / 10 modulo 3: l2, cosine, dot; one base
//!   shard per metric, built alike);
//! - every following 4 bytes `[op, lo, hi, value]` are one edit at `at = u16(lo, hi)`, taken
//!   modulo the blob's size so every edit lands: 0 set a byte, 1 XOR a byte, 2 truncate,
//!   3 set an aligned u32 to `value` sign-extended, 4 the same for an aligned u64 (ids,
//!   offsets, labels, rkyv lengths and counts), 5 switch to blob `value`, 6 keep only the
//!   first `value` slots in every per-slot blob and in `ShardMeta.slots` (so the size checks
//!   still agree and the graph may cover more slots than remain), 7 append `at % 17` bytes
//!   of `value`.
//!
//! When decoding succeeds, the restored shard must hold `len() <= slots()` live points, each
//! with a vector of the collection's dimension and sorted labels; scroll, exact, graph and
//! filtered searches return only live points; new writes, indexing the remaining slots and a
//! compaction finish; and its own snapshot decodes again.
#![no_main]

use std::sync::OnceLock;

use corevec_engine::fuzzing::decode_blobs;
use corevec_engine::persist::encode_shard;
use corevec_engine::shard::{FilterPath, Shard};
use corevec_engine::{CollectionSpec, Filter, IndexParams, Metric};
use libfuzzer_sys::fuzz_target;

const DIM: usize = 3;
const SHARD: u32 = 0;
/// Points written before indexing (some then deleted or replaced).
const POINTS: usize = 40;
/// A label a quarter of the points carry, for the filtered searches.
const LABEL: u64 = 11;
/// The order of `encode_shard`'s blobs (checked when the base is built).
const BLOB_NAMES: [&str; 10] = [
    "shard.rkyv",
    "ids.u64",
    "tombstones.u64",
    "vectors.f32",
    "graph.rkyv",
    "graph_level0.u32",
    "payload_ends.u64",
    "payloads.bin",
    "label_ends.u64",
    "labels.u64",
];
const META: usize = 0;
const IDS: usize = 1;
const TOMBSTONES: usize = 2;
const VECTORS: usize = 3;
const PAYLOAD_ENDS: usize = 6;
const PAYLOADS: usize = 7;
const LABEL_ENDS: usize = 8;
const LABELS: usize = 9;

fn spec(metric: Metric) -> CollectionSpec {
    CollectionSpec::new("fuzz", DIM, metric)
        .with_shards(2)
        .with_index(IndexParams {
            connectivity: 4,
            expansion_add: 16,
        })
}

/// The ids of shard `SHARD`, in increasing order.
fn own_ids(spec: &CollectionSpec) -> impl Iterator<Item = u64> + '_ {
    (0u64..).filter(move |&id| spec.shard_of(id) == SHARD)
}

fn labels_of(i: usize) -> Vec<u64> {
    let mut labels: Vec<u64> = (0..(i % 4) as u64)
        .map(|l| l * 10 + (i % 2) as u64)
        .collect();
    labels.sort_unstable();
    labels.dedup();
    labels
}

struct Base {
    blobs: Vec<Vec<u8>>,
    slots: usize,
    /// Where `ShardMeta.slots` lies in `shard.rkyv`.
    meta_slots_at: usize,
    /// Larger than every id in the base shard.
    next_id: u64,
}

fn base(metric: Metric) -> &'static Base {
    static BASES: [OnceLock<Base>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let at = Metric::ALL.iter().position(|&m| m == metric).expect("a metric");
    BASES[at].get_or_init(|| {
        let spec = spec(metric);
        let mut shard = Shard::new(&spec, SHARD).expect("shard");
        let ids: Vec<u64> = own_ids(&spec).take(POINTS + 3).collect();
        for (i, &id) in ids[..POINTS].iter().enumerate() {
            // Never the zero vector, which has no cosine direction.
            let vector = [i as f32 + 1.0, (i % 7) as f32, -(i as f32) / 3.0];
            let payload = if i % 3 == 0 {
                Vec::new()
            } else {
                vec![i as u8; i % 11 + 1]
            };
            shard
                .upsert_point(id, &vector, &payload, &labels_of(i))
                .expect("upsert");
        }
        shard.delete(ids[4]);
        shard.delete(ids[17]);
        shard
            .upsert_point(ids[5], &[0.5, 0.5, 0.5], b"again", &[LABEL])
            .expect("replace");
        shard.upsert(ids[9], &[9.5, 2.0, -3.0]).expect("replace");
        shard.set_payload(ids[10], b"in place");
        shard.set_labels(ids[12], &[1, LABEL, 99]);
        while shard.index_next() {}
        for (i, &id) in ids[POINTS..].iter().enumerate() {
            shard
                .upsert_point(id, &[-1.0, i as f32, 2.0], b"late", &[LABEL])
                .expect("upsert");
        }
        let encoded = encode_shard(&shard, &spec).expect("encode");
        let files = encoded.files();
        let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, BLOB_NAMES, "encode_shard's blobs");
        let blobs: Vec<Vec<u8>> = files.iter().map(|(_, bytes)| bytes.to_vec()).collect();
        let slots = shard.slots() as usize;
        let needle = (slots as u64).to_le_bytes();
        let found: Vec<usize> = blobs[META]
            .windows(8)
            .enumerate()
            .filter(|(_, w)| *w == needle)
            .map(|(at, _)| at)
            .collect();
        assert_eq!(found.len(), 1, "ShardMeta.slots located");
        Base {
            blobs,
            slots,
            meta_slots_at: found[0],
            next_id: ids[POINTS + 2] + 1,
        }
    })
}

fn read_u64(bytes: &[u8], at: usize) -> Option<u64> {
    let word = bytes.get(at..at + 8)?;
    Some(u64::from_le_bytes(word.try_into().ok()?))
}

/// Keeps the first `n` slots: per-slot blobs cut to `n` entries, the items after the last
/// kept end dropped, tombstones past `n` cleared, and `ShardMeta.slots` set to `n`.
fn keep_slots(blobs: &mut [Vec<u8>], base: &Base, n: usize) {
    blobs[IDS].truncate(n * 8);
    blobs[VECTORS].truncate(n * DIM * 4);
    let words = n.div_ceil(64);
    blobs[TOMBSTONES].truncate(words * 8);
    if n % 64 != 0 && blobs[TOMBSTONES].len() == words * 8 {
        let at = (words - 1) * 8;
        let bits = read_u64(&blobs[TOMBSTONES], at).unwrap_or(0) & ((1u64 << (n % 64)) - 1);
        blobs[TOMBSTONES][at..at + 8].copy_from_slice(&bits.to_le_bytes());
    }
    for (ends, items, item) in [(PAYLOAD_ENDS, PAYLOADS, 1), (LABEL_ENDS, LABELS, 8)] {
        if blobs[ends].is_empty() {
            continue;
        }
        blobs[ends].truncate(n * 8);
        let end = match n {
            0 => 0,
            _ => read_u64(&blobs[ends], (n - 1) * 8).unwrap_or(0),
        };
        let keep = usize::try_from(end)
            .unwrap_or(usize::MAX)
            .saturating_mul(item);
        blobs[items].truncate(keep);
    }
    if let Some(field) = blobs[META].get_mut(base.meta_slots_at..base.meta_slots_at + 8) {
        field.copy_from_slice(&(n as u64).to_le_bytes());
    }
}

fn edit(first: u8, ops: &[u8], base: &Base) -> Vec<Vec<u8>> {
    let mut blobs = base.blobs.clone();
    let mut current = usize::from(first) % blobs.len();
    for op in ops.chunks(4) {
        let mut word = [0u8; 4];
        word[..op.len()].copy_from_slice(op);
        let [kind, lo, hi, value] = word;
        let at = usize::from(u16::from_le_bytes([lo, hi]));
        let blob = &mut blobs[current];
        let len = blob.len();
        match kind % 8 {
            0 if len > 0 => blob[at % len] = value,
            1 if len > 0 => blob[at % len] ^= value,
            2 => blob.truncate(at % (len + 1)),
            3 if len >= 4 => {
                let i = at % (len / 4) * 4;
                let v = i32::from(value as i8) as u32;
                blob[i..i + 4].copy_from_slice(&v.to_le_bytes());
            }
            4 if len >= 8 => {
                let i = at % (len / 8) * 8;
                let v = i64::from(value as i8) as u64;
                blob[i..i + 8].copy_from_slice(&v.to_le_bytes());
            }
            5 => current = usize::from(value) % BLOB_NAMES.len(),
            6 => keep_slots(&mut blobs, base, usize::from(value) % (base.slots + 1)),
            7 => blob.extend(std::iter::repeat(value).take(at % 17)),
            _ => {}
        }
    }
    blobs
}

fn files(blobs: &[Vec<u8>]) -> Vec<(&str, &[u8])> {
    BLOB_NAMES
        .iter()
        .zip(blobs)
        .map(|(name, bytes)| (*name, bytes.as_slice()))
        .collect()
}

/// Results are live, distinct, at most `k`, and (with `filter`) match it.
fn check_hits(shard: &Shard, hits: &[corevec_engine::Neighbor], k: usize, filter: Option<&Filter>) {
    assert!(hits.len() <= k, "{} hits for k = {k}", hits.len());
    let mut ids: Vec<u64> = hits.iter().map(|hit| hit.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), hits.len(), "a point returned twice");
    for hit in hits {
        let labels = shard.labels(hit.id).expect("a hit is live");
        if let Some(filter) = filter {
            assert!(filter.matches(labels), "hit {} does not match", hit.id);
        }
    }
}

fn searches(shard: &mut Shard) {
    let query = [1.0, 2.0, -0.5];
    let hits = shard.search(&query, 10, 32);
    check_hits(shard, &hits, 10, None);
    let hits = shard.search_indexed(&query, 10, 32);
    check_hits(shard, &hits, 10, None);
    let filters = [
        Filter {
            all_of: vec![LABEL],
            ..Filter::default()
        },
        Filter {
            any_of: vec![vec![1, 20]],
            none_of: vec![LABEL],
            ..Filter::default()
        },
    ];
    for filter in filters {
        let filter = filter.normalized().expect("filter");
        for path in [
            FilterPath::Auto,
            FilterPath::Scan,
            FilterPath::FullScan,
            FilterPath::Graph,
        ] {
            let hits = shard.search_filtered_by(&query, 10, 32, &filter, path);
            check_hits(shard, &hits, 10, Some(&filter));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, ops)) = data.split_first() else {
        return;
    };
    let metric = Metric::ALL[usize::from(first) / BLOB_NAMES.len() % Metric::ALL.len()];
    let base = base(metric);
    let spec = spec(metric);
    let blobs = edit(first, ops, base);
    let Ok(mut shard) = decode_blobs(&files(&blobs), &spec, SHARD) else {
        return;
    };
    let slots = shard.slots() as usize;
    assert!(
        shard.len() <= slots,
        "{} live in {slots} slots",
        shard.len()
    );
    let (live, more) = shard.scroll(0, slots + 1, None);
    assert!(!more);
    assert_eq!(live.len(), shard.len(), "scroll lists every live point");
    assert!(
        live.windows(2).all(|pair| pair[0] < pair[1]),
        "scroll order"
    );
    for &id in &live {
        assert_eq!(shard.get(id).expect("listed").len(), DIM);
        assert!(shard.payload(id).is_some());
        let labels = shard.labels(id).expect("listed");
        assert!(
            labels.windows(2).all(|pair| pair[0] < pair[1]),
            "labels of {id}"
        );
    }
    searches(&mut shard);

    // The restored shard takes writes and indexes its remaining slots.
    let new: Vec<u64> = own_ids(&spec)
        .skip_while(|&id| id < base.next_id)
        .take(3)
        .collect();
    for (i, &id) in new.iter().enumerate() {
        shard
            .upsert_point(id, &[i as f32, 1.0, 0.25], b"new", &[1, LABEL])
            .expect("upsert");
    }
    if let Some(&id) = live.first() {
        assert!(shard.delete(id));
    }
    if let Some(&id) = live.get(1) {
        assert!(shard.set_payload(id, b"set"));
        assert!(shard.set_labels(id, &[LABEL]));
    }
    let slots = shard.slots() as usize;
    let mut steps = 0;
    while shard.index_next() {
        steps += 1;
        assert!(steps <= slots, "index_next never finishes");
    }
    searches(&mut shard);

    // ... is compacted ...
    let len = shard.len();
    let mut compaction = shard.begin_compaction(&spec).expect("begin compaction");
    let mut steps = 0;
    while compaction.step(&shard).expect("compaction step") {
        steps += 1;
        assert!(steps <= slots, "compaction never finishes");
    }
    shard
        .finish_compaction(compaction)
        .expect("finish compaction");
    assert_eq!(shard.len(), len, "compaction keeps every live point");
    searches(&mut shard);

    // ... and its own snapshot loads again.
    let encoded = encode_shard(&shard, &spec).expect("encode");
    let again =
        decode_blobs(&encoded.files(), &spec, SHARD).expect("a restored shard's snapshot loads");
    assert_eq!(again.len(), len);
});
