//! SCROLL through the real `corevec serve`: every live point listed once in id order whatever
//! the page size and start, with the parts asked for; filters; ids at the top of the u64
//! range; pages too large for one frame cut short and continued; bad requests refused with
//! the right codes; the same listing after a `kill -9` and restart; a shard large enough to
//! keep its ids in order listing exactly across writes made after the order was built.

use std::collections::BTreeMap;

use corevec_client::{Client, ClientError, Filter, ScrollOptions};
use corevec_proto::{
    ErrorCode, Request, Scroll, FRAME_BODY_BYTES_MAX, FRAME_HEADER_SIZE, SCROLL_LIMIT_MAX,
};
use corevec_tests::{create_l2, encode, frame, node};

const DIM: usize = 8;

/// A stored point as the test expects it back.
#[derive(Clone, Debug, PartialEq)]
struct Expected {
    vector: Vec<f32>,
    payload: Vec<u8>,
    labels: Vec<u64>,
}

/// Sparse ids over four shards, the two largest u64 among them; some points without payload
/// or labels.
fn model() -> BTreeMap<u64, Expected> {
    let mut ids: Vec<u64> = (0..1500u64).map(|i| i * 7919 % 1_000_003).collect();
    ids.extend([u64::MAX - 1, u64::MAX]);
    ids.into_iter()
        .map(|id| {
            let x = (id % 10_007) as f32;
            let point = Expected {
                vector: (0..DIM).map(|d| x + d as f32).collect(),
                payload: if id % 4 == 0 {
                    Vec::new()
                } else {
                    format!("point {id}").into_bytes()
                },
                labels: if id % 7 == 0 {
                    Vec::new()
                } else {
                    vec![id % 3, 10 + id % 2]
                },
            };
            (id, point)
        })
        .collect()
}

fn upsert(client: &Client, name: &str, points: &BTreeMap<u64, Expected>) {
    let all: Vec<(&u64, &Expected)> = points.iter().collect();
    for chunk in all.chunks(500) {
        let ids: Vec<u64> = chunk.iter().map(|(id, _)| **id).collect();
        let flat: Vec<f32> = chunk.iter().flat_map(|(_, p)| p.vector.clone()).collect();
        let payloads: Vec<&[u8]> = chunk.iter().map(|(_, p)| p.payload.as_slice()).collect();
        let labels: Vec<&[u64]> = chunk.iter().map(|(_, p)| p.labels.as_slice()).collect();
        client
            .upsert_points(name, &ids, &flat, Some(&payloads), Some(&labels))
            .unwrap();
    }
}

/// Every point from `start`, `limit` per page, checking each page on the way.
fn scroll_from(
    client: &Client,
    name: &str,
    start: u64,
    limit: u32,
    options: ScrollOptions<'_>,
) -> Vec<(u64, corevec_client::Point)> {
    let mut all = Vec::new();
    let mut start_id = start;
    loop {
        let page = client.scroll(name, start_id, limit, options).unwrap();
        assert!(page.points.len() <= limit as usize);
        assert!(page.points.first().is_none_or(|(id, _)| *id >= start_id));
        let next = page.next;
        all.extend(page.points);
        match next {
            Some(next) => {
                assert_eq!(Some(next - 1), all.last().map(|(id, _)| *id));
                start_id = next;
            }
            None => return all,
        }
    }
}

fn everything() -> ScrollOptions<'static> {
    ScrollOptions {
        with_vectors: true,
        with_payloads: true,
        with_labels: true,
        filter: None,
    }
}

/// The whole listing equals `expected`, for several page sizes and starts, with all parts,
/// and filtered listings hold exactly the matching points.
fn verify(client: &Client, expected: &BTreeMap<u64, Expected>) {
    for limit in [1u32, 97, SCROLL_LIMIT_MAX] {
        if limit == 1 && expected.len() > 200 {
            // One point per page: only the top of the range, to keep the test short.
            let tail = scroll_from(client, "s", 990_000, 1, everything());
            let want: Vec<u64> = expected.range(990_000..).map(|(id, _)| *id).collect();
            assert_eq!(tail.iter().map(|(id, _)| *id).collect::<Vec<_>>(), want);
            continue;
        }
        let listed = scroll_from(client, "s", 0, limit, everything());
        let got: BTreeMap<u64, Expected> = listed
            .into_iter()
            .map(|(id, p)| {
                let point = Expected {
                    vector: p.vector,
                    payload: p.payload,
                    labels: p.labels,
                };
                (id, point)
            })
            .collect();
        assert_eq!(
            got.len(),
            expected.len(),
            "limit {limit}: an id listed twice or missed"
        );
        assert!(
            got == *expected,
            "limit {limit}: listing differs from the model"
        );
    }
    // Ids only, from the middle: nothing else is sent.
    let tail = scroll_from(client, "s", 500_000, 200, ScrollOptions::default());
    let want: Vec<u64> = expected.range(500_000..).map(|(id, _)| *id).collect();
    assert_eq!(tail.iter().map(|(id, _)| *id).collect::<Vec<_>>(), want);
    assert!(tail
        .iter()
        .all(|(_, p)| p.vector.is_empty() && p.payload.is_empty() && p.labels.is_empty()));
    for filter in [
        Filter {
            all_of: vec![1],
            none_of: vec![11],
            ..Filter::default()
        },
        Filter {
            any_of: vec![vec![2, 11]],
            ..Filter::default()
        },
        Filter {
            all_of: vec![999],
            ..Filter::default()
        },
    ] {
        let options = ScrollOptions {
            with_labels: true,
            filter: Some(&filter),
            ..ScrollOptions::default()
        };
        let got: Vec<u64> = scroll_from(client, "s", 0, 64, options)
            .iter()
            .map(|(id, _)| *id)
            .collect();
        let want: Vec<u64> = expected
            .iter()
            .filter(|(_, p)| filter.matches(&p.labels))
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(got, want, "{filter:?}");
    }
}

#[test]
fn scroll_lists_every_point_once_and_survives_kill_9() {
    let work = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let data_dir = work.path().join("data");
    let mut node = node!().data_dir(&data_dir).start();
    let client = node.client();
    create_l2(&client, "s", DIM, 4);
    let mut expected = model();
    upsert(&client, "s", &expected);
    client.snapshot(Some("s")).unwrap();
    // After the snapshot (WAL only): deletions, a replaced point, a new one.
    let deleted: Vec<u64> = expected.keys().copied().filter(|id| id % 5 == 0).collect();
    client.delete("s", &deleted).unwrap();
    for id in &deleted {
        expected.remove(id);
    }
    let mut changed = BTreeMap::new();
    for id in [7919u64, 2_000_000] {
        let point = Expected {
            vector: vec![-1.0; DIM],
            payload: b"new".to_vec(),
            labels: vec![1],
        };
        changed.insert(id, point);
    }
    upsert(&client, "s", &changed);
    expected.extend(changed);
    verify(&client, &expected);

    // Unknown collection; and the client refuses what the server would.
    let err = client
        .scroll("nope", 0, 10, ScrollOptions::default())
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::CollectionNotFound), "{err:?}");
    for limit in [0, SCROLL_LIMIT_MAX + 1] {
        let err = client
            .scroll("s", 0, limit, ScrollOptions::default())
            .unwrap_err();
        assert!(matches!(err, ClientError::InvalidRequest(_)), "{err:?}");
    }
    // The server refuses them too: a limit of 0, a reserved flag bit, a truncated body.
    let body = encode(
        &Request::Scroll(Scroll {
            collection: "s",
            start_id: 0,
            limit: 10,
            with_vectors: false,
            with_payloads: false,
            with_labels: false,
            filter: None,
        }),
        3,
    )
    .split_off(FRAME_HEADER_SIZE);
    let mut raw = node.raw();
    raw.hello(b"").unwrap();
    let mut zero = body.clone();
    zero[0..4].copy_from_slice(&0u32.to_le_bytes());
    raw.send(&frame(0x25, 3, &zero));
    raw.expect_error(3, ErrorCode::InvalidArgument);
    let mut reserved = body.clone();
    reserved[4] = 0x80;
    raw.send(&frame(0x25, 4, &reserved));
    raw.expect_error(4, ErrorCode::InvalidArgument);
    raw.send(&frame(0x25, 5, &body[..12]));
    raw.expect_error(5, ErrorCode::MalformedFrame);

    // kill -9, restart: the snapshot plus the WAL list the same points.
    node.signal(libc::SIGKILL);
    drop(client);
    let _ = node.wait_exit(std::time::Duration::from_secs(10));
    let node = node!().data_dir(&data_dir).start();
    verify(&node.client(), &expected);
}

/// Pages whose points do not fit one frame: the server cuts them short (asking for more),
/// and paging on lists every point exactly once.
#[test]
fn pages_larger_than_a_frame_are_cut_short_and_continue() {
    const BIG_DIM: usize = 4096;
    const PAYLOAD: usize = 60_000;
    let node = node!().start();
    let client = node.client();
    create_l2(&client, "big", BIG_DIM, 2);
    // 1,100 points of 16 KiB vectors and 60 KB payloads: ~84 MB, more than one 64 MiB frame.
    let count = 1100u64;
    for first in (0..count).step_by(100) {
        let ids: Vec<u64> = (first..first + 100).map(|i| i * 3).collect();
        let flat: Vec<f32> = ids
            .iter()
            .flat_map(|&id| std::iter::repeat_n(id as f32, BIG_DIM))
            .collect();
        let payloads: Vec<Vec<u8>> = ids
            .iter()
            .map(|&id| vec![(id % 251) as u8; PAYLOAD])
            .collect();
        let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
        client
            .upsert_points("big", &ids, &flat, Some(&payloads), None)
            .unwrap();
    }
    let options = ScrollOptions {
        with_vectors: true,
        with_payloads: true,
        ..ScrollOptions::default()
    };
    let first = client.scroll("big", 0, SCROLL_LIMIT_MAX, options).unwrap();
    let kept = first.points.len() as u64;
    let per_point = (BIG_DIM * 4 + PAYLOAD + 12) as u64;
    assert!(
        kept > 0 && kept < count && kept * per_point <= u64::from(FRAME_BODY_BYTES_MAX),
        "{kept} points in the first page"
    );
    assert_eq!(first.next, Some((kept - 1) * 3 + 1));
    let mut seen = 0u64;
    for item in client.scroll_all("big", SCROLL_LIMIT_MAX, options) {
        let (id, point) = item.unwrap();
        assert_eq!(id, seen * 3);
        assert_eq!(point.vector.len(), BIG_DIM);
        assert_eq!(point.vector[BIG_DIM - 1], id as f32);
        assert_eq!(point.payload, vec![(id % 251) as u8; PAYLOAD]);
        seen += 1;
    }
    assert_eq!(seen, count);
}

/// One shard above `SCROLL_ORDER_MIN`: the first listing builds its id order; listings after
/// deletions, replacements and new ids (first a few, then more than a quarter of the order,
/// which drops and rebuilds it) hold exactly the live points, filtered or not.
#[test]
fn a_large_shard_lists_exactly_through_its_id_order_across_writes() {
    const N: u64 = 40_000;
    assert!(N as usize >= 2 * corevec_engine::shard::SCROLL_ORDER_MIN);
    let node = node!().start();
    let client = node.client();
    create_l2(&client, "big", 2, 1);
    let mut model: BTreeMap<u64, u64> = BTreeMap::new(); // id -> label
    let write = |model: &mut BTreeMap<u64, u64>, ids: &[u64]| {
        for chunk in ids.chunks(4096) {
            let vectors: Vec<f32> = chunk.iter().flat_map(|&id| [id as f32, 1.0]).collect();
            let labels: Vec<Vec<u64>> = chunk.iter().map(|id| vec![id % 2]).collect();
            let label_refs: Vec<&[u64]> = labels.iter().map(Vec::as_slice).collect();
            client
                .upsert_points("big", chunk, &vectors, None, Some(&label_refs))
                .unwrap();
            model.extend(chunk.iter().map(|&id| (id, id % 2)));
        }
    };
    let check = |model: &BTreeMap<u64, u64>, context: &str| {
        let ids_only = ScrollOptions::default();
        let got: Vec<u64> = scroll_from(&client, "big", 0, SCROLL_LIMIT_MAX, ids_only)
            .iter()
            .map(|(id, _)| *id)
            .collect();
        assert!(
            got.iter().copied().eq(model.keys().copied()),
            "{context}: listed {} of {} ids, or others",
            got.len(),
            model.len()
        );
        let odd = Filter {
            all_of: vec![1],
            ..Filter::default()
        };
        let options = ScrollOptions {
            filter: Some(&odd),
            ..ScrollOptions::default()
        };
        let got: Vec<u64> = scroll_from(&client, "big", N, 1000, options)
            .iter()
            .map(|(id, _)| *id)
            .collect();
        let want: Vec<u64> = model
            .range(N..)
            .filter(|(_, label)| **label == 1)
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(got, want, "{context}: filtered from {N}");
    };
    write(&mut model, &(0..N).map(|i| i * 3).collect::<Vec<_>>());
    check(&model, "first listing");
    // Deletions, replacements (same ids) and a few new ids after the order was built.
    let deleted: Vec<u64> = model.keys().copied().filter(|id| id % 5 == 0).collect();
    client.delete("big", &deleted).unwrap();
    for id in &deleted {
        model.remove(id);
    }
    write(
        &mut model,
        &(0..2_000).map(|i| i * 3 + 1).collect::<Vec<_>>(),
    );
    write(
        &mut model,
        &(0..2_000).map(|i| i * 6 + 3).collect::<Vec<_>>(),
    );
    check(&model, "after writes");
    // More new ids than a quarter of the order: it is dropped and sorted again.
    write(
        &mut model,
        &(0..15_000).map(|i| i * 3 + 2).collect::<Vec<_>>(),
    );
    check(&model, "after many new ids");
    // Deleted ids written again.
    write(&mut model, &deleted[..100]);
    check(&model, "after re-inserting deleted ids");
}
