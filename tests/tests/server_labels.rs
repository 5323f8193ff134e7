//! Labels and filtered search through the real `corevec serve`: labels stored with their
//! points and returned by GET, filters applied to exact and indexed searches, labels kept by
//! SET_PAYLOAD, replaced alone by SET_LABELS and cleared by a label-less upsert, oversized lists
//! refused, and everything still there after a `kill -9` and restart (from the snapshot and from
//! the WAL).

use corevec_client::{Client, ClientError, Filter, SearchOptions};
use corevec_proto::{
    CreateCollection, ErrorCode, IdsRef, LabelsRef, Metric, Request, SetLabels, Upsert, VectorsRef,
    FRAME_HEADER_SIZE, LABELS_PER_POINT_MAX,
};
use corevec_tests::{encode, frame, node};

const DIM: usize = 4;
const POINTS: u64 = 300;

fn vector(id: u64) -> Vec<f32> {
    let x = id as f32;
    vec![x, (x * 0.37).sin(), (x * 0.11).cos(), 1.0]
}

/// `id % 4` and `10 + id % 3` (listed unsorted, with a duplicate); none for multiples of 7.
fn labels(id: u64) -> Vec<u64> {
    if id % 7 == 0 {
        return Vec::new();
    }
    vec![10 + id % 3, id % 4, id % 4]
}

/// What the server returns: sorted and unique.
fn stored(labels: &[u64]) -> Vec<u64> {
    let mut labels = labels.to_vec();
    labels.sort_unstable();
    labels.dedup();
    labels
}

fn filters() -> Vec<Filter> {
    vec![
        Filter {
            all_of: vec![1],
            ..Filter::default()
        },
        Filter {
            all_of: vec![2, 11],
            ..Filter::default()
        },
        Filter {
            any_of: vec![vec![0, 3]],
            none_of: vec![12],
            ..Filter::default()
        },
        Filter {
            none_of: vec![10, 11, 12],
            ..Filter::default()
        },
        Filter {
            all_of: vec![999],
            ..Filter::default()
        },
    ]
}

/// `expected[id]`: the labels `id` holds now.
fn verify(client: &Client, expected: &[Vec<u64>]) {
    let ids: Vec<u64> = (0..expected.len() as u64).collect();
    let points = client.get_points("l", &ids, false, true).unwrap();
    for ((id, point), want) in ids.iter().zip(points).zip(expected) {
        let point = point.unwrap_or_else(|| panic!("id {id} missing"));
        assert_eq!(point.vector, vector(*id), "vector of {id}");
        assert_eq!(point.labels, *want, "labels of {id}");
    }
    for filter in filters() {
        for query_id in [3u64, 150, 299] {
            let query = vector(query_id);
            let mut truth: Vec<(f32, u64)> = ids
                .iter()
                .filter(|&&id| filter.matches(&expected[id as usize]))
                .map(|&id| {
                    let d: f32 = vector(id)
                        .iter()
                        .zip(&query)
                        .map(|(a, b)| (a - b) * (a - b))
                        .sum();
                    (d, id)
                })
                .collect();
            truth.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let want: Vec<u64> = truth.iter().take(10).map(|&(_, id)| id).collect();
            for exact in [true, false] {
                let options = SearchOptions {
                    exact,
                    expansion_search: 400,
                    filter: Some(&filter),
                    ..SearchOptions::default()
                };
                let got: Vec<u64> = client
                    .search("l", &query, 10, options)
                    .unwrap()
                    .hits
                    .iter()
                    .map(|h| h.id)
                    .collect();
                assert_eq!(got, want, "{filter:?} exact={exact} query {query_id}");
            }
        }
    }
}

#[test]
fn labels_are_stored_filtered_on_and_survive_kill_9() {
    let work = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let data_dir = work.path().join("data");
    let mut node = node!().data_dir(&data_dir).start();
    let client = node.client();
    assert!(client.supports_labels().unwrap());
    client
        .create_collection(&CreateCollection {
            name: "l",
            dim: DIM as u32,
            metric: Metric::L2,
            shards: 0,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .unwrap();
    let upsert = |ids: &[u64]| {
        let flat: Vec<f32> = ids.iter().flat_map(|&id| vector(id)).collect();
        let lists: Vec<Vec<u64>> = ids.iter().map(|&id| labels(id)).collect();
        let lists: Vec<&[u64]> = lists.iter().map(Vec::as_slice).collect();
        let ack = client
            .upsert_points("l", ids, &flat, None, Some(&lists))
            .unwrap();
        assert_eq!(ack.count as usize, ids.len());
    };
    let ids: Vec<u64> = (0..POINTS).collect();
    upsert(&ids[..200]);
    client.snapshot(Some("l")).unwrap();
    // After the snapshot: WAL only.
    upsert(&ids[200..]);
    let mut expected: Vec<Vec<u64>> = ids.iter().map(|&id| stored(&labels(id))).collect();
    // A label-less upsert replaces the whole point: its labels are gone.
    client.upsert("l", &[13], &vector(13)).unwrap();
    expected[13].clear();
    // SET_PAYLOAD keeps them.
    assert_eq!(client.set_payloads("l", &[22], &[b"p"]).unwrap().count, 1);
    verify(&client, &expected);
    // Point 22's payload and labels.
    let payload_and_labels_of_22 = || {
        let got = client.get_points("l", &[22], true, true).unwrap();
        got[0]
            .as_ref()
            .map(|p| (p.payload.clone(), p.labels.clone()))
    };
    assert_eq!(
        payload_and_labels_of_22(),
        Some((b"p".to_vec(), expected[22].clone()))
    );
    // SET_LABELS replaces them alone (vector and payload kept; stored sorted and unique): on
    // points first written before the snapshot (22, 50) and after it (250). The absent id is
    // skipped, not counted, and not created.
    let absent = POINTS + 5;
    let ack = client
        .set_labels(
            "l",
            &[22, 50, 250, absent],
            &[&[12, 1, 12], &[], &[999], &[1]],
        )
        .unwrap();
    assert_eq!(ack.count, 3);
    expected[22] = vec![1, 12];
    expected[50].clear();
    expected[250] = vec![999];
    assert_eq!(client.get("l", &[absent]).unwrap(), vec![None]);
    verify(&client, &expected);
    assert_eq!(
        payload_and_labels_of_22(),
        Some((b"p".to_vec(), vec![1, 12]))
    );

    // A point with one label too many: refused by the server, nothing written.
    let many: Vec<u64> = (0..LABELS_PER_POINT_MAX as u64).collect();
    let vectors = vector(13);
    let mut body = encode(
        &Request::Upsert(Upsert {
            collection: "l",
            ids: IdsRef::new(&[13]),
            vectors: VectorsRef::new(&vectors, DIM as u32),
            payloads: None,
            labels: Some(LabelsRef::new(&[&many])),
        }),
        9,
    )
    .split_off(FRAME_HEADER_SIZE);
    // The count, then 4 bytes of padding, then the labels end the body.
    let count_at = body.len() - many.len() * 8 - 8;
    body[count_at..count_at + 4].copy_from_slice(&(LABELS_PER_POINT_MAX + 1).to_le_bytes());
    body.extend_from_slice(&7u64.to_le_bytes());
    let mut raw = node.raw();
    raw.hello(b"").unwrap();
    raw.send(&frame(0x20, 9, &body));
    raw.expect_error(9, ErrorCode::InvalidArgument);
    // The same for SET_LABELS: one id, its count, 4 bytes of padding, the labels.
    let mut body = encode(
        &Request::SetLabels(SetLabels {
            collection: "l",
            ids: IdsRef::new(&[22]),
            labels: LabelsRef::new(&[&many]),
        }),
        10,
    )
    .split_off(FRAME_HEADER_SIZE);
    let count_at = body.len() - many.len() * 8 - 8;
    assert_eq!(count_at, 24);
    body[count_at..count_at + 4].copy_from_slice(&(LABELS_PER_POINT_MAX + 1).to_le_bytes());
    body.extend_from_slice(&7u64.to_le_bytes());
    raw.send(&frame(0x24, 10, &body));
    raw.expect_error(10, ErrorCode::InvalidArgument);
    // The client refuses that, and an oversized filter, before sending.
    let too_many: Vec<u64> = (0..=LABELS_PER_POINT_MAX as u64).collect();
    let err = client
        .upsert_points("l", &[13], &vectors, None, Some(&[&too_many]))
        .unwrap_err();
    assert!(matches!(err, ClientError::InvalidRequest(_)), "{err:?}");
    let err = client.set_labels("l", &[13], &[&too_many]).unwrap_err();
    assert!(matches!(err, ClientError::InvalidRequest(_)), "{err:?}");
    let wide = Filter {
        any_of: vec![(0..1025).collect()],
        ..Filter::default()
    };
    let options = SearchOptions {
        filter: Some(&wide),
        ..SearchOptions::default()
    };
    let err = client.search("l", &vectors, 1, options).unwrap_err();
    assert!(matches!(err, ClientError::InvalidRequest(_)), "{err:?}");
    verify(&client, &expected);

    // kill -9, restart: the snapshot plus the WAL give back every label.
    node.signal(libc::SIGKILL);
    drop(client);
    let _ = node.wait_exit(std::time::Duration::from_secs(10));
    let node = node!().data_dir(&data_dir).start();
    let client = node.client();
    verify(&client, &expected);
}
