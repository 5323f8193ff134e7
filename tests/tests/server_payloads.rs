//! Payloads through the real `corevec serve`: stored with their points, returned by GET and
//! SEARCH when asked, replaced by upserts and SET_PAYLOAD, refused when too large, and still
//! there after a `kill -9` and restart (from the snapshot and from the WAL).

use corevec_client::{ClientError, SearchOptions};
use corevec_proto::{
    CreateCollection, ErrorCode, IdsRef, Metric, PayloadsRef, Request, Upsert, VectorsRef,
    FRAME_HEADER_SIZE, PAYLOAD_BYTES_MAX,
};
use corevec_tests::{encode, frame, node};

const DIM: usize = 4;

fn vector(id: u64) -> Vec<f32> {
    let x = id as f32;
    vec![x, (x * 0.37).sin(), (x * 0.11).cos(), 1.0]
}

/// Every fifth point has no payload; point 7 has the largest allowed one.
fn payload(id: u64, version: u64) -> Vec<u8> {
    match id {
        7 => vec![b'x'; PAYLOAD_BYTES_MAX as usize],
        _ if id % 5 == 0 => Vec::new(),
        _ => format!("{{\"id\":{id},\"v\":{version}}}").into_bytes(),
    }
}

fn upsert(client: &corevec_client::Client, ids: &[u64], version: u64) {
    let flat: Vec<f32> = ids.iter().flat_map(|&id| vector(id)).collect();
    let payloads: Vec<Vec<u8>> = ids.iter().map(|&id| payload(id, version)).collect();
    let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let ack = client
        .upsert_with_payloads("p", ids, &flat, &payloads)
        .unwrap();
    assert_eq!(ack.count as usize, ids.len());
}

/// `expected[id]`: the version whose payload `id` holds, `None` for "no payload" (cleared).
fn verify(client: &corevec_client::Client, expected: &[Option<u64>]) {
    let ids: Vec<u64> = (0..expected.len() as u64).collect();
    let points = client.get_with_payloads("p", &ids).unwrap();
    for ((id, point), want) in ids.iter().zip(points).zip(expected) {
        let point = point.unwrap_or_else(|| panic!("id {id} missing"));
        assert_eq!(point.vector, vector(*id), "vector of {id}");
        let want = want.map(|v| payload(*id, v)).unwrap_or_default();
        assert_eq!(point.payload, want, "payload of {id}");
    }
    for id in [3u64, 7, 10, 299] {
        for exact in [false, true] {
            let options = SearchOptions {
                exact,
                ..SearchOptions::default()
            };
            let result = client
                .search_with_payloads("p", &vector(id), 5, options)
                .unwrap();
            assert_eq!(result.hits[0].id, id);
            for hit in &result.hits {
                let want = expected[hit.id as usize]
                    .map(|v| payload(hit.id, v))
                    .unwrap_or_default();
                assert_eq!(hit.payload, want, "payload of hit {}", hit.id);
            }
        }
    }
}

#[test]
fn payloads_are_stored_returned_replaced_and_survive_kill_9() {
    let work = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let data_dir = work.path().join("data");
    let mut node = node!().data_dir(&data_dir).start();
    let client = node.client();
    assert!(client.supports_payloads().unwrap());
    client
        .create_collection(&CreateCollection {
            name: "p",
            dim: DIM as u32,
            metric: Metric::L2,
            shards: 0,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .unwrap();
    let ids: Vec<u64> = (0..300).collect();
    upsert(&client, &ids[..200], 1);
    client.snapshot(Some("p")).unwrap();
    // After the snapshot: WAL only.
    upsert(&client, &ids[200..], 1);
    upsert(&client, &ids[..50], 2);
    let mut expected: Vec<Option<u64>> = (0..300)
        .map(|id| Some(if id < 50 { 2 } else { 1 }))
        .collect();
    // An upsert without payloads replaces the whole point: its payload is gone.
    client.upsert("p", &[11], &vector(11)).unwrap();
    expected[11] = None;
    // SET_PAYLOAD replaces payloads and keeps vectors; an absent id is skipped.
    let new_payloads = [payload(20, 3), payload(21, 3), payload(5000, 3)];
    let new_payloads: Vec<&[u8]> = new_payloads.iter().map(Vec::as_slice).collect();
    let ack = client
        .set_payloads("p", &[20, 21, 5000], &new_payloads)
        .unwrap();
    assert_eq!(ack.count, 2);
    expected[20] = Some(3);
    expected[21] = Some(3);
    verify(&client, &expected);

    // Searches and GETs that do not ask for payloads get none.
    let plain = client
        .search("p", &vector(12), 3, SearchOptions::default())
        .unwrap();
    assert_eq!(plain.hits[0].id, 12);
    assert_eq!(client.get("p", &[12]).unwrap()[0], Some(vector(12)));

    // One byte over the limit is refused by the server and nothing is written.
    let big = vec![b'y'; PAYLOAD_BYTES_MAX as usize];
    let vectors = vector(12);
    let mut body = encode(
        &Request::Upsert(Upsert {
            collection: "p",
            ids: IdsRef::new(&[12]),
            vectors: VectorsRef::new(&vectors, DIM as u32),
            payloads: Some(PayloadsRef::new(&[&big])),
            labels: None,
        }),
        9,
    )
    .split_off(FRAME_HEADER_SIZE);
    let length_at = body.len() - big.len() - 8; // u32 length, then 4 bytes of padding
    body[length_at..length_at + 4].copy_from_slice(&(PAYLOAD_BYTES_MAX + 1).to_le_bytes());
    body.push(b'y');
    let mut raw = node.raw();
    raw.hello(b"").unwrap();
    raw.send(&frame(0x20, 9, &body));
    raw.expect_error(9, ErrorCode::InvalidArgument);
    // The client refuses it before sending.
    let err = client
        .upsert_with_payloads(
            "p",
            &[12],
            &vectors,
            &[&[0u8; PAYLOAD_BYTES_MAX as usize + 1]],
        )
        .unwrap_err();
    assert!(matches!(err, ClientError::InvalidRequest(_)), "{err:?}");
    verify(&client, &expected);

    // kill -9, restart: the snapshot plus the WAL give back every payload.
    node.signal(libc::SIGKILL);
    drop(client);
    let _ = node.wait_exit(std::time::Duration::from_secs(10));
    let node = node!().data_dir(&data_dir).start();
    let client = node.client();
    verify(&client, &expected);
}
