//! The real `corevec serve` over TCP: every opcode, pipelining, auth and limits.

use std::time::Duration;

use corevec_client::{ClientConfig, ClientError, SearchOptions};
use corevec_proto::{
    CreateCollection, ErrorCode, IdsRef, Metric, Request, RequestId, Response, Search, SearchFlags,
    Upsert, VectorsRef,
};
use corevec_tests::{encode, node, stat, RawConn};

fn create(name: &str, dim: u32, metric: Metric) -> CreateCollection<'_> {
    CreateCollection {
        name,
        dim,
        metric,
        shards: 0,
        connectivity: 0,
        expansion_add: 0,
        read_replicas: false,
    }
}

fn code(e: &ClientError) -> Option<ErrorCode> {
    e.code()
}

#[test]
fn every_opcode_through_the_rust_client() {
    let node = node!().start();
    let client = node.client();

    client.ping().unwrap();
    assert_eq!(client.connection().unwrap().hello().version, 1);

    client
        .create_collection(&create("docs", 3, Metric::L2))
        .unwrap();
    let err = client
        .create_collection(&create("docs", 3, Metric::L2))
        .unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::CollectionExists));
    client
        .create_collection(&CreateCollection {
            shards: 3,
            connectivity: 8,
            expansion_add: 50,
            ..create("cos", 2, Metric::Cosine)
        })
        .unwrap();

    // UPSERT across both cores' shards.
    let ids: Vec<u64> = (0..100).collect();
    let vectors: Vec<f32> = ids.iter().flat_map(|&i| [i as f32, 0.0, 1.0]).collect();
    let ack = client.upsert("docs", &ids, &vectors).unwrap();
    assert_eq!(ack.count, 100);

    // GET: found and missing, in request order.
    let got = client.get("docs", &[5, 1000, 7]).unwrap();
    assert_eq!(
        got,
        vec![Some(vec![5.0, 0.0, 1.0]), None, Some(vec![7.0, 0.0, 1.0])]
    );

    // SEARCH: single (index or exact) and batch.
    let hits = client
        .search("docs", &[10.2, 0.0, 1.0], 3, SearchOptions::default())
        .unwrap()
        .hits;
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [10, 11, 9]);
    assert!((hits[0].distance - 0.04).abs() < 1e-4, "{hits:?}");
    let exact = client
        .search(
            "docs",
            &[10.2, 0.0, 1.0],
            3,
            SearchOptions {
                exact: true,
                ..SearchOptions::default()
            },
        )
        .unwrap();
    assert_eq!(exact.hits, hits);
    assert!(!exact.partial);
    let batch = client
        .search_batch(
            "docs",
            &[0.0, 0.0, 1.0, 99.0, 0.0, 1.0],
            3,
            1,
            SearchOptions::default(),
        )
        .unwrap();
    assert_eq!(batch.results.len(), 2);
    assert_eq!((batch.results[0][0].id, batch.results[1][0].id), (0, 99));

    // DESCRIBE with per-shard info, LIST.
    let info = client.describe_collection("docs").unwrap();
    assert_eq!(
        (info.dim, info.metric, info.vectors_count),
        (3, Metric::L2, 100)
    );
    assert_eq!(info.shards, 2, "default: one shard per core");
    assert_eq!(info.shard_infos.len(), 2);
    assert_eq!(
        info.shard_infos
            .iter()
            .map(|s| s.vectors_count)
            .sum::<u64>(),
        100
    );
    let cos = client.describe_collection("cos").unwrap();
    assert_eq!(
        (cos.shards, cos.connectivity, cos.expansion_add),
        (3, 8, 50)
    );
    let names: Vec<String> = client
        .list_collections()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["cos", "docs"]);

    // DELETE counts the ids that existed.
    let ack = client.delete("docs", &[1, 2, 5000]).unwrap();
    assert_eq!(ack.count, 2);
    assert_eq!(client.get("docs", &[1]).unwrap(), vec![None]);

    // STATS.
    let stats = client.stats().unwrap();
    assert_eq!(stat(&stats, "collections"), Some(2));
    assert_eq!(stat(&stats, "vectors"), Some(98));
    assert!(stat(&stats, "connections").unwrap() >= 1);
    assert!(stat(&stats, "requests").unwrap() >= 10);
    assert!(stat(&stats, "uptime_s").is_some());
    assert!(
        stat(&stats, "in_flight").unwrap() >= 1,
        "STATS itself is in flight"
    );

    // SNAPSHOT: all, one, missing.
    client.snapshot(None).unwrap();
    client.snapshot(Some("docs")).unwrap();
    let err = client.snapshot(Some("missing")).unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::CollectionNotFound));

    // Errors mapped from the engine.
    let err = client.upsert("docs", &[1], &[1.0, 2.0]).unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::DimensionMismatch));
    let err = client
        .search("docs", &[1.0, 2.0], 1, SearchOptions::default())
        .unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::DimensionMismatch));
    let err = client.describe_collection("missing").unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::CollectionNotFound));
    let err = client.get("missing", &[1]).unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::CollectionNotFound));

    // DROP.
    client.drop_collection("cos").unwrap();
    let err = client.drop_collection("cos").unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::CollectionNotFound));
    client.ping().unwrap();
}

#[test]
fn pipelined_responses_complete_out_of_order() {
    let node = node!().start();
    let client = node.client();
    let dim = 128u32;
    client
        .create_collection(&create("big", dim, Metric::L2))
        .unwrap();

    // A slow request first: a large UPSERT (it waits for the WAL's fdatasync), then a PING
    // and a LIST on the same connection, without waiting. The quick ones overtake it.
    let count = 16_384usize;
    let ids: Vec<u64> = (0..count as u64).collect();
    let vectors: Vec<f32> = (0..count * dim as usize).map(|i| (i % 97) as f32).collect();
    let mut raw = node.raw();
    let mut bytes = encode(
        &Request::Upsert(Upsert {
            collection: "big",
            ids: IdsRef::new(&ids),
            vectors: VectorsRef::new(&vectors, dim),
            payloads: None,
            labels: None,
        }),
        10,
    );
    bytes.extend(encode(&Request::Ping, 11));
    bytes.extend(encode(&Request::ListCollections, 12));
    raw.send(&bytes);
    let mut order = Vec::new();
    for _ in 0..3 {
        let (header, response) = raw.read_response().unwrap();
        assert!(!matches!(response, Response::Error(_)), "{response:?}");
        order.push(header.request_id.0);
    }
    assert_eq!(order.len(), 3);
    assert_eq!(
        *order.last().unwrap(),
        10,
        "the slow UPSERT should be answered last, got order {order:?}"
    );

    // Many requests in flight through the Rust client, answered by id.
    let tickets: Vec<_> = (0..200)
        .map(|i| {
            if i % 2 == 0 {
                client.submit(&Request::Ping).unwrap()
            } else {
                let query = [i as f32; 128];
                client
                    .submit(&Request::Search(Search {
                        collection: "big",
                        k: 2,
                        expansion_search: 0,
                        flags: SearchFlags::default(),
                        queries: VectorsRef::new(&query, dim),
                        filter: None,
                        max_distance: None,
                    }))
                    .unwrap()
            }
        })
        .collect();
    for ticket in tickets {
        ticket.wait().unwrap();
    }
}

#[test]
fn auth_missing_wrong_and_right_token() {
    let node = node!().token(b"s3cret-token").start();
    let connect = |token: Option<&[u8]>| {
        corevec_client::Client::connect(
            node.addr,
            ClientConfig {
                auth_token: token.map(<[u8]>::to_vec),
                retries: 0,
                ..ClientConfig::default()
            },
        )
    };
    let err = connect(None).unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::AuthRequired), "{err}");
    let err = connect(Some(b"s3cret-tokem")).unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::AuthFailed), "{err}");
    let err = connect(Some(b"s3cret")).unwrap_err();
    assert_eq!(code(&err), Some(ErrorCode::AuthFailed), "{err}");
    let client = connect(Some(b"s3cret-token")).unwrap();
    client.ping().unwrap();

    // The rejected connection is closed after the error frame.
    let mut raw = RawConn::connect(node.addr).unwrap();
    match raw.hello(b"nope") {
        Ok(Some(Response::Error(e))) => assert_eq!(e.code, ErrorCode::AuthFailed),
        other => panic!("{other:?}"),
    }
    raw.expect_closed();

    // Without auth configured, any token (or none) is accepted.
    let open = node!().start();
    open.client().ping().unwrap();
    corevec_client::Client::connect(
        open.addr,
        ClientConfig {
            auth_token: Some(b"whatever".to_vec()),
            ..ClientConfig::default()
        },
    )
    .unwrap()
    .ping()
    .unwrap();
}

#[test]
fn in_flight_limit_answers_busy() {
    let node = node!()
        .args(["--max-in-flight-per-connection", "2"])
        .start();
    let client = node.client();
    assert_eq!(client.connection().unwrap().hello().in_flight_max, 2);
    client
        .create_collection(&create("c", 64, Metric::L2))
        .unwrap();

    // 12 UPSERTs (each waits for a WAL sync) in one write: at most 2 may be in flight.
    let ids: Vec<u64> = (0..256).collect();
    let vectors = vec![0.5f32; 256 * 64];
    let mut raw = node.raw();
    let mut bytes = Vec::new();
    for id in 0..12u64 {
        bytes.extend(encode(
            &Request::Upsert(Upsert {
                collection: "c",
                ids: IdsRef::new(&ids),
                vectors: VectorsRef::new(&vectors, 64),
                payloads: None,
                labels: None,
            }),
            100 + id,
        ));
    }
    raw.send(&bytes);
    let (mut ok, mut busy) = (0, 0);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..12 {
        let (header, response) = raw.read_response().unwrap();
        assert!(seen.insert(header.request_id.0), "one answer per request");
        match response {
            Response::Upsert(_) => ok += 1,
            Response::Error(e) if e.code == ErrorCode::Busy => busy += 1,
            other => panic!("{other:?}"),
        }
    }
    assert!(ok >= 1 && busy >= 1, "ok {ok}, busy {busy}");
    // The connection stays usable.
    raw.send(&encode(&Request::Ping, 500));
    assert_eq!(raw.read_response().unwrap().0.request_id, RequestId(500));
    let stats = client.stats().unwrap();
    assert!(stat(&stats, "busy").unwrap() >= 1);
}

#[test]
fn oversized_batches_are_refused() {
    let node = node!().start();
    let client = node.client();
    client
        .create_collection(&create("wide", 4, Metric::L2))
        .unwrap();
    let mut raw = node.raw();

    // UPSERT announcing more vectors than BATCH_VECTORS_MAX (refused before the body is
    // looked at): body = count | dim | NAME.
    let mut body = Vec::new();
    body.extend_from_slice(&65_537u32.to_le_bytes());
    body.extend_from_slice(&4u32.to_le_bytes());
    body.push(4);
    body.extend_from_slice(b"wide");
    body.resize(16, 0);
    raw.send(&corevec_tests::frame(0x20, 2, &body));
    raw.expect_error(2, ErrorCode::BatchTooLarge);

    // SEARCH with more queries than BATCH_QUERIES_MAX.
    let mut body = Vec::new();
    for v in [1u32, 0, 0, 4097, 4, 0] {
        body.extend_from_slice(&v.to_le_bytes());
    }
    body.push(4);
    body.extend_from_slice(b"wide");
    body.resize(32, 0);
    raw.send(&corevec_tests::frame(0x30, 3, &body));
    raw.expect_error(3, ErrorCode::BatchTooLarge);

    // (A GET whose answer would exceed the frame limit is answered BATCH_TOO_LARGE too; that
    // needs > 64 MiB of vectors, so it is covered by the unit test in net/src/handler.rs.)
    client.ping().unwrap();
    raw.send(&encode(&Request::Ping, 4));
    assert_eq!(raw.read_response().unwrap().0.request_id, RequestId(4));
}

#[test]
fn too_many_connections_get_busy() {
    let mut node = node!().args(["--max-connections-per-core", "1"]).start();
    // Two cores, one connection each at most: of 6 connections at least 4 are refused.
    let mut held = Vec::new();
    let mut refused = 0;
    for _ in 0..6 {
        let mut conn = RawConn::connect(node.addr).unwrap();
        match conn.hello(b"") {
            Ok(Some(Response::Hello(_))) => held.push(conn),
            Ok(Some(Response::Error(e))) => {
                assert_eq!(e.code, ErrorCode::Busy, "{}", e.message);
                conn.expect_closed();
                refused += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(
        held.len() <= 2 && refused >= 4,
        "held {}, refused {refused}",
        held.len()
    );
    drop(held);
    // Once the held connections are gone, new ones are served again.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let mut conn = loop {
        let mut conn = RawConn::connect(node.addr).unwrap();
        if let Ok(Some(Response::Hello(_))) = conn.hello(b"") {
            break conn;
        }
        assert!(std::time::Instant::now() < deadline, "never served again");
        std::thread::sleep(Duration::from_millis(50));
    };
    conn.send(&encode(&Request::Ping, 2));
    assert_eq!(conn.read_response().unwrap().0.request_id, RequestId(2));
    assert!(node.is_running());
}

#[test]
fn idle_connections_are_closed() {
    let mut node = node!().args(["--idle-timeout-s", "1"]).start();
    let mut idle = node.raw();
    // Nothing sent for over a second: the server closes the connection.
    idle.expect_closed();
    // A frame still arriving is not idle, however slowly it comes: a PING sent a byte every
    // 100 ms (3 s in all) is answered.
    let mut slow = node.raw();
    let ping = encode(&Request::Ping, 5);
    for byte in ping.chunks(1) {
        slow.send(byte);
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(slow.read_response().unwrap().0.request_id, RequestId(5));
    node.assert_alive();
}

#[test]
fn read_replicas_are_created_and_reported_only_to_clients_that_know_them() {
    use corevec_proto::{Frame, Hello, FEATURES_SUPPORTED, FEATURE_READ_REPLICAS, VERSION_MAX};
    let node = node!().start();
    let client = node.client();
    assert!(client.supports_read_replicas().unwrap());
    client
        .create_collection(&CreateCollection {
            shards: 1,
            read_replicas: true,
            ..create("rr", 2, Metric::L2)
        })
        .unwrap();
    client
        .create_collection(&create("plain", 2, Metric::L2))
        .unwrap();
    assert!(client.describe_collection("rr").unwrap().read_replicas);
    assert!(!client.describe_collection("plain").unwrap().read_replicas);
    let listed: Vec<(String, bool)> = client
        .list_collections()
        .unwrap()
        .into_iter()
        .map(|info| (info.name, info.read_replicas))
        .collect();
    assert!(listed.contains(&("rr".to_owned(), true)), "{listed:?}");
    assert!(listed.contains(&("plain".to_owned(), false)), "{listed:?}");
    let ids: Vec<u64> = (0..20).collect();
    let vectors: Vec<f32> = ids.iter().flat_map(|&i| [i as f32, 0.0]).collect();
    client.upsert("rr", &ids, &vectors).unwrap();
    // From several connections (spread over the cores, so some searches are answered from a
    // core's read replica): each finds the acknowledged points.
    for _ in 0..8 {
        let hits = node
            .client()
            .search("rr", &[7.2, 0.0], 3, SearchOptions::default())
            .unwrap();
        let ids: Vec<u64> = hits.hits.iter().map(|h| h.id).collect();
        assert_eq!(ids, [7, 8, 6]);
    }

    // A client from before the feature: the COLLECTION_INFO flags byte stays zero for it.
    let mut old = RawConn::connect(node.addr).unwrap();
    old.send(&encode(
        &Request::Hello(Hello {
            version_min: 1,
            version_max: VERSION_MAX,
            features: FEATURES_SUPPORTED & !FEATURE_READ_REPLICAS,
            token: b"",
        }),
        1,
    ));
    match old.read_response().unwrap().1 {
        Response::Hello(ack) => assert_eq!(ack.features & FEATURE_READ_REPLICAS, 0),
        other => panic!("HELLO answered {other:?}"),
    }
    old.send(&encode(&Request::DescribeCollection { name: "rr" }, 2));
    let bytes = old.read_frame().unwrap();
    let frame = Frame::parse(&bytes).unwrap();
    assert_eq!(frame.body[7], 0, "flags byte sent to an older client");
    match Response::decode_frame(&frame).unwrap() {
        Response::DescribeCollection(info) => assert!(!info.read_replicas),
        other => panic!("DESCRIBE answered {other:?}"),
    }
    old.send(&encode(&Request::ListCollections, 3));
    match old.read_response().unwrap().1 {
        Response::ListCollections(infos) => {
            assert!(infos.iter().all(|info| !info.read_replicas), "{infos:?}");
        }
        other => panic!("LIST answered {other:?}"),
    }
}
