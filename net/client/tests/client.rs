//! End-to-end tests of the Rust client against the in-memory reference server.

mod support;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use corevec_client::{
    Client, ClientConfig, ClientError, Filter, PayloadHit, Point, Pool, ScrollOptions,
    SearchOptions,
};
use corevec_proto::{CreateCollection, ErrorCode, Hit, Metric, Request, Response};
use support::mock_server::MockServer;

/// The query vector of [`slow_search`].
const SLOW_QUERY: [f32; 1] = [1.0];

/// A one-query search of the mock server's "slow" collection (answered after 1 s).
fn slow_search() -> Request<'static> {
    Request::Search(corevec_proto::Search {
        collection: "slow",
        k: 1,
        expansion_search: 0,
        flags: Default::default(),
        queries: corevec_proto::VectorsRef::new(&SLOW_QUERY, 1),
        filter: None,
        max_distance: None,
    })
}

/// Submits [`slow_search`].
fn submit_slow_search(client: &Client) -> corevec_client::Ticket {
    client.submit(&slow_search()).expect("submit slow")
}

fn create(client: &Client, name: &str, dim: u32) {
    client
        .create_collection(&CreateCollection {
            name,
            dim,
            metric: Metric::L2,
            shards: 0,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .expect("create");
}

#[test]
fn every_opcode_round_trips() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    assert_eq!(client.connection().expect("conn").hello().version, 1);
    client.ping().expect("ping");
    create(&client, "docs", 2);
    let e = client
        .create_collection(&CreateCollection {
            name: "docs",
            dim: 2,
            metric: Metric::L2,
            shards: 0,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .expect_err("exists");
    assert_eq!(e.code(), Some(ErrorCode::CollectionExists));

    let ack = client
        .upsert("docs", &[1, 2, 3], &[0.0, 0.0, 1.0, 0.0, 5.0, 5.0])
        .expect("upsert");
    assert_eq!(ack.count, 3);
    assert!(ack.lsn.is_some());
    assert_eq!(
        client.get("docs", &[2, 9, 1]).expect("get"),
        vec![Some(vec![1.0, 0.0]), None, Some(vec![0.0, 0.0])]
    );
    let result = client
        .search("docs", &[0.9, 0.0], 2, SearchOptions::default())
        .expect("search");
    assert_eq!(
        result.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![2, 1]
    );
    assert!(!result.partial);
    let batch = client
        .search_batch(
            "docs",
            &[0.0, 0.0, 5.0, 5.0],
            2,
            1,
            SearchOptions {
                exact: true,
                ..Default::default()
            },
        )
        .expect("batch");
    assert_eq!(batch.results.len(), 2);
    assert_eq!(batch.results[1][0].id, 3);

    let info = client.describe_collection("docs").expect("describe");
    assert_eq!(
        (info.dim, info.vectors_count, info.connectivity),
        (2, 3, 16)
    );
    assert_eq!(client.list_collections().expect("list").len(), 1);
    assert_eq!(client.delete("docs", &[1, 42]).expect("delete").count, 1);
    let stats = client.stats().expect("stats");
    assert!(stats.iter().any(|s| s.name == "vectors" && s.value == 2));
    client.snapshot(None).expect("snapshot all");
    client.snapshot(Some("docs")).expect("snapshot one");
    client.drop_collection("docs").expect("drop");
    let e = client.describe_collection("docs").expect_err("gone");
    assert_eq!(e.code(), Some(ErrorCode::CollectionNotFound));
    // Server-side per-request errors keep the connection usable.
    let e = client.upsert("nope", &[1], &[1.0]).expect_err("missing");
    assert!(matches!(
        e,
        ClientError::Server {
            code: ErrorCode::CollectionNotFound,
            ..
        }
    ));
    client.ping().expect("still open");
}

#[test]
fn local_validation_sends_nothing() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    let bad = client
        .search("bad name!", &[1.0], 1, SearchOptions::default())
        .expect_err("name");
    assert!(matches!(bad, ClientError::InvalidRequest(_)));
    let bad = client
        .search("ok", &[1.0], 0, SearchOptions::default())
        .expect_err("k");
    assert!(matches!(bad, ClientError::InvalidRequest(_)));
    let bad = client
        .upsert("ok", &[1, 2], &[1.0, 2.0, 3.0])
        .expect_err("shape");
    assert!(matches!(bad, ClientError::InvalidRequest(_)));
    client.ping().expect("still open");
}

/// Runs `attempt` until it returns true, at most for 60 s (a hang guard). The mock server
/// answers a "slow" request 1 s after reading it; on a correct client an answer to a request
/// sent after it is read first unless the machine stalls for about that second, so a retry
/// only hides such a stall, while a client that gets the order wrong never succeeds.
fn until_observed(what: &str, mut attempt: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !attempt() {
        assert!(Instant::now() < deadline, "never observed in 60 s: {what}");
    }
}

#[test]
fn pipelined_responses_arrive_out_of_order() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "slow", 1);
    create(&client, "fast", 1);
    client.upsert("slow", &[1], &[1.0]).expect("upsert");
    until_observed("a PING answered before the slow search sent first", || {
        let slow = submit_slow_search(&client);
        let pings: Vec<_> = (0..200)
            .map(|_| client.submit(&Request::Ping).expect("submit"))
            .collect();
        // Each ticket gets its own answer: 200 PINGs and the search, matched by request id.
        let mut pings_at = Vec::new();
        for ticket in pings {
            let frame = ticket.wait().expect("ping");
            assert_eq!(frame.response().expect("decode"), Response::Ping);
            pings_at.push(frame.received_at());
        }
        let frame = slow.wait().expect("slow search");
        let Response::Search(s) = frame.response().expect("decode") else {
            panic!("not a search")
        };
        assert_eq!(s.results[0][0].id, 1);
        // Frames are stamped by the one reader thread as it reads them: the stamps give the
        // order in which the answers arrived.
        let slow_at = frame.received_at();
        pings_at.iter().any(|&at| at < slow_at)
    });
}

#[test]
fn received_at_is_when_the_answer_arrived_not_when_it_was_waited_for() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "slow", 1);
    client.upsert("slow", &[1], &[1.0]).expect("upsert");
    until_observed(
        "the PING answered before the slow search sent first",
        || {
            let submitted = Instant::now();
            let slow = submit_slow_search(&client);
            let ping = client.submit(&Request::Ping).expect("submit ping");
            // Wait for the slow search first, then for the ping (normally answered long before).
            let slow = slow.wait().expect("slow search");
            let ping = ping.wait().expect("ping");
            let (ping_at, slow_at) = (ping.received_at(), slow.received_at());
            assert!(submitted < ping_at, "stamped before the request was sent");
            // A stamp taken when the ping is waited for, after the slow search's wait returned,
            // would come after the slow search's.
            ping_at < slow_at
        },
    );
}

#[test]
fn per_request_timeout_keeps_connection() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "slow", 1);
    let request = slow_search();
    let ticket = client
        .submit_with_timeout(&request, Duration::from_millis(50))
        .expect("submit");
    assert!(matches!(ticket.wait(), Err(ClientError::Timeout)));
    client
        .ping()
        .expect("connection still usable; the late response is dropped");
    std::thread::sleep(Duration::from_millis(1100));
    client.ping().expect("after the late response arrived");
}

#[test]
fn idempotent_reads_are_retried_writes_are_not() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "docs", 1);
    client.upsert("docs", &[7], &[3.0]).expect("upsert");

    server.state.drop_next.store(1, Ordering::SeqCst);
    assert_eq!(
        client.get("docs", &[7]).expect("retried get"),
        vec![Some(vec![3.0])]
    );

    server.state.drop_next.store(1, Ordering::SeqCst);
    let e = client
        .upsert("docs", &[8], &[4.0])
        .expect_err("write not retried");
    assert!(matches!(e, ClientError::Io(_)), "{e:?}");
    client
        .upsert("docs", &[8], &[4.0])
        .expect("reconnects on the next call");
}

#[test]
fn auth() {
    let server = MockServer::start(Some(b"secret"));
    let e = Client::connect(server.addr, ClientConfig::default()).expect_err("no token");
    assert_eq!(e.code(), Some(ErrorCode::AuthRequired));
    let config = ClientConfig {
        auth_token: Some(b"wrong".to_vec()),
        ..ClientConfig::default()
    };
    let e = Client::connect(server.addr, config).expect_err("bad token");
    assert_eq!(e.code(), Some(ErrorCode::AuthFailed));
    let config = ClientConfig {
        auth_token: Some(b"secret".to_vec()),
        ..ClientConfig::default()
    };
    Client::connect(server.addr, config)
        .expect("good token")
        .ping()
        .expect("ping");
}

#[test]
fn pool_spreads_over_connections_and_threads() {
    let server = MockServer::start(None);
    let pool = Pool::connect(server.addr, &ClientConfig::default(), 3).expect("pool");
    assert_eq!(pool.len(), 3);
    create(pool.get(), "docs", 4);
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let pool = &pool;
            s.spawn(move || {
                for i in 0..50u64 {
                    let id = t * 1000 + i;
                    let v = [id as f32, 0.0, 0.0, 1.0];
                    pool.get().upsert("docs", &[id], &v).expect("upsert");
                    assert_eq!(
                        pool.get().get("docs", &[id]).expect("get"),
                        vec![Some(v.to_vec())]
                    );
                }
            });
        }
    });
    assert_eq!(
        pool.get()
            .describe_collection("docs")
            .expect("describe")
            .vectors_count,
        200
    );
    assert!(server.state.connections.load(Ordering::Relaxed) >= 3);
}

#[test]
fn payloads_round_trip() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    assert!(client.supports_payloads().expect("hello"));
    create(&client, "docs", 2);
    let max = vec![0xEEu8; corevec_proto::PAYLOAD_BYTES_MAX as usize];
    let ack = client
        .upsert_with_payloads(
            "docs",
            &[1, 2, 3],
            &[0.0, 0.0, 1.0, 0.0, 5.0, 5.0],
            &[br#"{"n":1}"#, b"", &max],
        )
        .expect("upsert");
    assert_eq!(ack.count, 3);
    let points = client
        .get_with_payloads("docs", &[3, 9, 1, 2])
        .expect("get");
    assert_eq!(
        points,
        vec![
            Some(Point {
                vector: vec![5.0, 5.0],
                payload: max.clone(),
                labels: Vec::new(),
            }),
            None,
            Some(Point {
                vector: vec![0.0, 0.0],
                payload: br#"{"n":1}"#.to_vec(),
                labels: Vec::new(),
            }),
            Some(Point {
                vector: vec![1.0, 0.0],
                payload: Vec::new(),
                labels: Vec::new(),
            }),
        ]
    );
    // Nothing found: the (empty) payload section is fine.
    assert_eq!(
        client.get_with_payloads("docs", &[42]).expect("get"),
        vec![None]
    );
    // The plain methods are unchanged.
    assert_eq!(
        client.get("docs", &[1]).expect("get"),
        vec![Some(vec![0.0, 0.0])]
    );

    let result = client
        .search_with_payloads("docs", &[0.9, 0.0], 2, SearchOptions::default())
        .expect("search");
    assert!(!result.partial);
    assert_eq!(
        result
            .hits
            .iter()
            .map(|h| (h.id, h.payload.as_slice()))
            .collect::<Vec<_>>(),
        vec![(2, &b""[..]), (1, &br#"{"n":1}"#[..])]
    );
    let first: &PayloadHit = &result.hits[0];
    assert!((first.distance - 0.01).abs() < 1e-6);
    let plain = client
        .search("docs", &[0.9, 0.0], 2, SearchOptions::default())
        .expect("search");
    assert_eq!(
        plain.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![2, 1]
    );
    let batch = client
        .search_batch_with_payloads(
            "docs",
            &[0.0, 0.0, 5.0, 5.0],
            2,
            1,
            SearchOptions {
                exact: true,
                ..Default::default()
            },
        )
        .expect("batch");
    assert_eq!(
        batch.payloads,
        Some(vec![vec![br#"{"n":1}"#.to_vec()], vec![max]])
    );
    assert_eq!(
        client
            .search_batch("docs", &[0.0, 0.0], 2, 1, SearchOptions::default())
            .expect("batch")
            .payloads,
        None
    );

    // An upsert without payloads replaces the point, payload included.
    client.upsert("docs", &[1], &[0.0, 0.0]).expect("upsert");
    assert_eq!(
        client.get_with_payloads("docs", &[1]).expect("get"),
        vec![Some(Point {
            vector: vec![0.0, 0.0],
            payload: Vec::new(),
            labels: Vec::new(),
        })]
    );
}

#[test]
fn payload_validation_sends_nothing() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "docs", 1);
    let e = client
        .upsert_with_payloads("docs", &[1, 2], &[1.0, 2.0], &[b"only one"])
        .expect_err("count");
    assert!(
        matches!(&e, ClientError::InvalidRequest(_))
            && e.to_string().contains("one payload per id"),
        "{e}"
    );
    let over = vec![0u8; corevec_proto::PAYLOAD_BYTES_MAX as usize + 1];
    let e = client
        .upsert_with_payloads("docs", &[1, 2], &[1.0, 2.0], &[b"", &over])
        .expect_err("size");
    assert!(
        matches!(
            e,
            ClientError::InvalidRequest(corevec_proto::Error::PayloadTooLarge {
                point_index: 1,
                ..
            })
        ),
        "{e}"
    );
    assert_eq!(
        client
            .describe_collection("docs")
            .expect("describe")
            .vectors_count,
        0,
        "nothing was written"
    );
}

#[test]
fn servers_without_payloads_are_refused_locally() {
    let server = MockServer::start(None);
    server.state.legacy.store(true, Ordering::SeqCst);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    assert!(!client.supports_payloads().expect("hello"));
    create(&client, "docs", 1);
    for e in [
        client
            .upsert_with_payloads("docs", &[1], &[1.0], &[b"x"])
            .map(drop)
            .expect_err("upsert"),
        client
            .get_with_payloads("docs", &[1])
            .map(drop)
            .expect_err("get"),
        client
            .search_with_payloads("docs", &[1.0], 1, SearchOptions::default())
            .map(drop)
            .expect_err("search"),
        client
            .set_payloads("docs", &[1], &[b"x"])
            .map(drop)
            .expect_err("set_payloads"),
    ] {
        assert!(
            matches!(&e, ClientError::InvalidRequest(_))
                && e.to_string().contains("FEATURE_PAYLOADS"),
            "{e}"
        );
    }
    client
        .upsert("docs", &[1], &[1.0])
        .expect("plain upsert still works");
}

fn payload_of(client: &Client, collection: &str, id: u64) -> Option<Point> {
    client
        .get_with_payloads(collection, &[id])
        .expect("get")
        .pop()
        .flatten()
}

#[test]
fn set_payloads_replaces_payloads_and_keeps_vectors() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "docs", 2);
    client
        .upsert_with_payloads(
            "docs",
            &[1, 2, 3],
            &[0.0, 0.0, 1.0, 0.0, 5.0, 5.0],
            &[b"one", b"two", b""],
        )
        .expect("upsert");
    // Two existing ids (one of them twice: the last payload wins, both count) and one absent.
    let max = vec![0xABu8; corevec_proto::PAYLOAD_BYTES_MAX as usize];
    let ack = client
        .set_payloads("docs", &[2, 3, 99, 2], &[b"2a", &max, b"none", b"2b"])
        .expect("set_payloads");
    assert_eq!(ack.count, 3, "ids that existed: 2 (twice) and 3");
    assert_eq!(
        client
            .get_with_payloads("docs", &[1, 2, 3, 99])
            .expect("get"),
        vec![
            Some(Point {
                vector: vec![0.0, 0.0],
                payload: b"one".to_vec(),
                labels: Vec::new(),
            }),
            Some(Point {
                vector: vec![1.0, 0.0],
                payload: b"2b".to_vec(),
                labels: Vec::new(),
            }),
            Some(Point {
                vector: vec![5.0, 5.0],
                payload: max,
                labels: Vec::new(),
            }),
            None,
        ]
    );
    // SET_PAYLOAD never creates a point.
    assert_eq!(
        client
            .describe_collection("docs")
            .expect("describe")
            .vectors_count,
        3
    );
    // An empty payload clears it; the vector stays.
    assert_eq!(
        client
            .set_payloads("docs", &[1], &[b""])
            .expect("clear")
            .count,
        1
    );
    assert_eq!(
        payload_of(&client, "docs", 1),
        Some(Point {
            vector: vec![0.0, 0.0],
            payload: Vec::new(),
            labels: Vec::new(),
        })
    );
    // Zero ids: an empty section, nothing changes.
    assert_eq!(
        client.set_payloads("docs", &[], &[]).expect("empty").count,
        0
    );
    // Per-request server errors keep the connection usable.
    let e = client
        .set_payloads("missing", &[1], &[b"x"])
        .expect_err("no collection");
    assert_eq!(e.code(), Some(ErrorCode::CollectionNotFound));
    // Pipelined through the generic API, the response decodes as Response::SetPayload.
    let payloads: [&[u8]; 1] = [b"piped"];
    let ticket = client
        .submit(&Request::SetPayload(corevec_proto::SetPayload {
            collection: "docs",
            ids: corevec_proto::IdsRef::new(&[3]),
            payloads: corevec_proto::PayloadsRef::new(&payloads),
        }))
        .expect("submit");
    let frame = ticket.wait().expect("wait");
    assert!(matches!(
        frame.response().expect("decode"),
        Response::SetPayload(corevec_proto::WriteAck { count: 1, .. })
    ));
    assert_eq!(
        payload_of(&client, "docs", 3).map(|p| p.payload),
        Some(b"piped".to_vec())
    );
}

#[test]
fn set_payloads_validation_sends_nothing() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "docs", 1);
    client
        .upsert_with_payloads("docs", &[1, 2], &[1.0, 2.0], &[b"a", b"b"])
        .expect("upsert");
    let e = client
        .set_payloads("docs", &[1, 2], &[b"only one"])
        .expect_err("count");
    assert!(
        matches!(&e, ClientError::InvalidRequest(_))
            && e.to_string().contains("one payload per id"),
        "{e}"
    );
    let over = vec![0u8; corevec_proto::PAYLOAD_BYTES_MAX as usize + 1];
    let e = client
        .set_payloads("docs", &[1, 2], &[b"new", &over])
        .expect_err("size");
    assert!(
        matches!(
            e,
            ClientError::InvalidRequest(corevec_proto::Error::PayloadTooLarge {
                point_index: 1,
                ..
            })
        ),
        "{e}"
    );
    let e = client
        .set_payloads("bad name!", &[1], &[b"x"])
        .expect_err("name");
    assert!(matches!(e, ClientError::InvalidRequest(_)), "{e}");
    // Nothing was written: the first payload of the refused batch did not land either.
    assert_eq!(
        client.get_with_payloads("docs", &[1, 2]).expect("get"),
        vec![
            Some(Point {
                vector: vec![1.0],
                payload: b"a".to_vec(),
                labels: Vec::new(),
            }),
            Some(Point {
                vector: vec![2.0],
                payload: b"b".to_vec(),
                labels: Vec::new(),
            }),
        ]
    );
}

#[test]
fn set_payloads_is_never_retried() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "docs", 1);
    client
        .upsert_with_payloads("docs", &[7], &[3.0], &[b"old"])
        .expect("upsert");
    server.state.drop_next.store(1, Ordering::SeqCst);
    let e = client
        .set_payloads("docs", &[7], &[b"new"])
        .expect_err("write not retried");
    assert!(matches!(e, ClientError::Io(_)), "{e:?}");
    // The dropped request was not executed, and no retry executed it behind our back.
    assert_eq!(
        payload_of(&client, "docs", 7).map(|p| p.payload),
        Some(b"old".to_vec())
    );
    assert_eq!(
        client
            .set_payloads("docs", &[7], &[b"new"])
            .expect("reconnects on the next call")
            .count,
        1
    );
    assert_eq!(
        payload_of(&client, "docs", 7).map(|p| p.payload),
        Some(b"new".to_vec())
    );
}

#[test]
fn servers_without_payloads_do_not_know_set_payload() {
    let server = MockServer::start(None);
    server.state.legacy.store(true, Ordering::SeqCst);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "docs", 1);
    client.upsert("docs", &[1], &[1.0]).expect("upsert");
    // Bypassing the client's feature check: the old server answers UNKNOWN_OPCODE for this
    // request only, and the connection stays usable.
    let payloads: [&[u8]; 1] = [b"x"];
    let e = client
        .execute(&Request::SetPayload(corevec_proto::SetPayload {
            collection: "docs",
            ids: corevec_proto::IdsRef::new(&[1]),
            payloads: corevec_proto::PayloadsRef::new(&payloads),
        }))
        .expect_err("unknown opcode");
    assert_eq!(e.code(), Some(ErrorCode::UnknownOpcode), "{e}");
    client.ping().expect("still open");
    assert_eq!(
        client.get("docs", &[1]).expect("get"),
        vec![Some(vec![1.0])]
    );
}

// ---------------------------------------------------------------------------------------------
// Labels and filtered search
// ---------------------------------------------------------------------------------------------

fn point(vector: &[f32], payload: &[u8], labels: &[u64]) -> Option<Point> {
    Some(Point {
        vector: vector.to_vec(),
        payload: payload.to_vec(),
        labels: labels.to_vec(),
    })
}

#[test]
fn labels_round_trip() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    assert!(client.supports_labels().expect("hello"));
    create(&client, "docs", 2);
    let max: Vec<u64> = (0..u64::from(corevec_proto::LABELS_PER_POINT_MAX)).collect();
    // Unsorted, duplicated: stored sorted and deduplicated.
    let ack = client
        .upsert_points(
            "docs",
            &[1, 2, 3],
            &[0.0, 0.0, 1.0, 0.0, 5.0, 5.0],
            Some(&[b"one", b"", b"three"]),
            Some(&[&[9, 3, 9], &[], &max]),
        )
        .expect("upsert");
    assert_eq!(ack.count, 3);
    assert_eq!(
        client
            .get_points("docs", &[3, 9, 1, 2], true, true)
            .expect("get"),
        vec![
            point(&[5.0, 5.0], b"three", &max),
            None,
            point(&[0.0, 0.0], b"one", &[3, 9]),
            point(&[1.0, 0.0], b"", &[]),
        ]
    );
    // Labels alone: payloads stay empty in the result; payloads alone: labels stay empty.
    assert_eq!(
        client.get_points("docs", &[1], false, true).expect("get"),
        vec![point(&[0.0, 0.0], b"", &[3, 9])]
    );
    assert_eq!(
        client.get_points("docs", &[1], true, false).expect("get"),
        vec![point(&[0.0, 0.0], b"one", &[])]
    );
    assert_eq!(
        client.get_with_payloads("docs", &[1]).expect("get"),
        vec![point(&[0.0, 0.0], b"one", &[])]
    );
    assert_eq!(
        client.get_points("docs", &[1], false, false).expect("get"),
        vec![point(&[0.0, 0.0], b"", &[])]
    );
    // Nothing found: both (empty) sections are fine.
    assert_eq!(
        client.get_points("docs", &[42], false, true).expect("get"),
        vec![None]
    );
    // SET_PAYLOAD keeps the labels; an upsert without labels clears them.
    client
        .set_payloads("docs", &[1], &[b"uno"])
        .expect("set_payloads");
    assert_eq!(
        client.get_points("docs", &[1], true, true).expect("get"),
        vec![point(&[0.0, 0.0], b"uno", &[3, 9])]
    );
    client
        .upsert_with_payloads("docs", &[1], &[0.5, 0.5], &[b"again"])
        .expect("upsert");
    assert_eq!(
        client.get_points("docs", &[1], true, true).expect("get"),
        vec![point(&[0.5, 0.5], b"again", &[])]
    );
    // Labels without payloads: the points have no payload afterwards.
    client
        .upsert_points("docs", &[3], &[5.0, 5.0], None, Some(&[&[1]]))
        .expect("upsert");
    assert_eq!(
        client.get_points("docs", &[3], true, true).expect("get"),
        vec![point(&[5.0, 5.0], b"", &[1])]
    );
    // The general form without payloads or labels is a plain upsert.
    client
        .upsert_points("docs", &[3], &[6.0, 6.0], None, None)
        .expect("upsert");
    assert_eq!(
        client.get_points("docs", &[3], true, true).expect("get"),
        vec![point(&[6.0, 6.0], b"", &[])]
    );
}

#[test]
fn filtered_search() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "docs", 1);
    // Point i at distance i from the query 0.0; labels: 1 = even, 2 = odd, 3 = multiple of 3.
    let ids: Vec<u64> = (0..10).collect();
    let vectors: Vec<f32> = (0..10u8).map(f32::from).collect();
    let lists: Vec<Vec<u64>> = ids
        .iter()
        .map(|i| {
            let mut l = vec![if i % 2 == 0 { 1 } else { 2 }];
            if i % 3 == 0 {
                l.push(3);
            }
            l
        })
        .collect();
    let labels: Vec<&[u64]> = lists.iter().map(Vec::as_slice).collect();
    let payloads: Vec<Vec<u8>> = ids.iter().map(|i| i.to_string().into_bytes()).collect();
    let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    client
        .upsert_points("docs", &ids, &vectors, Some(&payloads), Some(&labels))
        .expect("upsert");
    let search = |filter: &Filter, k: u32, exact: bool| -> Vec<u64> {
        let options = SearchOptions {
            exact,
            filter: Some(filter),
            ..SearchOptions::default()
        };
        client
            .search("docs", &[0.0], k, options)
            .expect("search")
            .hits
            .iter()
            .map(|h| h.id)
            .collect()
    };
    let odd = Filter {
        all_of: vec![2],
        ..Filter::default()
    };
    assert_eq!(search(&odd, 3, false), vec![1, 3, 5]);
    assert_eq!(search(&odd, 3, true), vec![1, 3, 5]);
    let even_not_three = Filter {
        all_of: vec![1],
        none_of: vec![3],
        ..Filter::default()
    };
    assert_eq!(search(&even_not_three, 10, true), vec![2, 4, 8]);
    let odd_or_three = Filter {
        any_of: vec![vec![2, 3]],
        ..Filter::default()
    };
    assert_eq!(search(&odd_or_three, 4, false), vec![0, 1, 3, 5]);
    // An empty group would match no point: refused locally, never sent as "no condition".
    let empty_group = Filter {
        any_of: vec![vec![]],
        ..Filter::default()
    };
    let options = SearchOptions {
        filter: Some(&empty_group),
        ..SearchOptions::default()
    };
    let e = client.search("docs", &[0.0], 3, options).unwrap_err();
    assert!(
        matches!(&e, ClientError::InvalidRequest(_)) && e.to_string().contains("empty"),
        "{e}"
    );
    // Two groups: (odd or three) and (even).
    let three_or_odd_and_even = Filter {
        any_of: vec![vec![2, 3], vec![1]],
        ..Filter::default()
    };
    assert_eq!(search(&three_or_odd_and_even, 10, true), vec![0, 6]);
    // Fewer than k match; nothing matches; the empty filter matches everything.
    let six = Filter {
        all_of: vec![1, 3],
        ..Filter::default()
    };
    assert_eq!(search(&six, 10, false), vec![0, 6]);
    let none = Filter {
        all_of: vec![1, 2],
        ..Filter::default()
    };
    assert_eq!(search(&none, 10, false), Vec::<u64>::new());
    assert_eq!(search(&Filter::default(), 2, false), vec![0, 1]);
    // One filter for every query of a batch.
    let options = SearchOptions {
        filter: Some(&odd),
        ..SearchOptions::default()
    };
    let batch = client
        .search_batch("docs", &[0.0, 9.0], 1, 2, options)
        .expect("batch");
    let ids_of = |hits: &[Hit]| hits.iter().map(|h| h.id).collect::<Vec<_>>();
    assert_eq!(
        batch.results.iter().map(|h| ids_of(h)).collect::<Vec<_>>(),
        vec![vec![1, 3], vec![9, 7]]
    );
    // With payloads, too.
    let result = client
        .search_with_payloads("docs", &[0.0], 2, options)
        .expect("search");
    assert_eq!(
        result
            .hits
            .iter()
            .map(|h| (h.id, h.payload.clone()))
            .collect::<Vec<_>>(),
        vec![(1, b"1".to_vec()), (3, b"3".to_vec())]
    );
    let batch = client
        .search_batch_with_payloads("docs", &[9.0], 1, 1, options)
        .expect("batch");
    assert_eq!(batch.payloads, Some(vec![vec![b"9".to_vec()]]));
    // Filter helpers agree with the server.
    assert!(odd.matches(&[2, 3]) && !odd.matches(&[1]));
    assert_eq!(even_not_three.label_count(), 2);
    // Through the generic API: a hand-built filtered Search.
    let query = [0.0f32];
    let wire = odd.wire();
    let ticket = client
        .submit(&Request::Search(corevec_proto::Search {
            collection: "docs",
            k: 1,
            expansion_search: 0,
            flags: Default::default(),
            queries: corevec_proto::VectorsRef::new(&query, 1),
            filter: Some(wire.as_ref()),
            max_distance: None,
        }))
        .expect("submit");
    let frame = ticket.wait().expect("wait");
    let Response::Search(s) = frame.response().expect("decode") else {
        panic!("not a search")
    };
    assert_eq!(s.results[0][0].id, 1);
}

#[test]
fn label_validation_sends_nothing() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "docs", 1);
    let e = client
        .upsert_points("docs", &[1, 2], &[1.0, 2.0], None, Some(&[&[1]]))
        .expect_err("count");
    assert!(
        matches!(&e, ClientError::InvalidRequest(_))
            && e.to_string().contains("one label list per id"),
        "{e}"
    );
    let e = client
        .upsert_points("docs", &[1, 2], &[1.0, 2.0], Some(&[b"x"]), None)
        .expect_err("count");
    assert!(e.to_string().contains("one payload per id"), "{e}");
    // 65 labels, even if they are all the same one: the sent count is what is checked.
    let over = vec![7u64; corevec_proto::LABELS_PER_POINT_MAX as usize + 1];
    let e = client
        .upsert_points("docs", &[1, 2], &[1.0, 2.0], None, Some(&[&[], &over]))
        .expect_err("too many");
    assert!(
        matches!(
            e,
            ClientError::InvalidRequest(corevec_proto::Error::TooManyLabels {
                point_index: 1,
                count: 65,
                max: 64
            })
        ),
        "{e}"
    );
    let big = Filter {
        all_of: vec![1; 100],
        any_of: vec![vec![2; 868]],
        none_of: vec![3; 57],
    };
    let options = SearchOptions {
        filter: Some(&big),
        ..SearchOptions::default()
    };
    for e in [
        client
            .search("docs", &[1.0], 1, options)
            .map(drop)
            .expect_err("search"),
        client
            .search_batch("docs", &[1.0, 2.0], 1, 1, options)
            .map(drop)
            .expect_err("batch"),
    ] {
        assert!(
            matches!(
                e,
                ClientError::InvalidRequest(corevec_proto::Error::FilterTooLarge {
                    count: 1025,
                    max: 1024
                })
            ),
            "{e}"
        );
    }
    assert_eq!(
        client
            .describe_collection("docs")
            .expect("describe")
            .vectors_count,
        0,
        "nothing was written"
    );
    client.ping().expect("still open");
}

#[test]
fn servers_without_filter_groups_are_refused_locally() {
    let server = MockServer::start(None);
    server.state.legacy_groups.store(true, Ordering::SeqCst);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    assert!(client.supports_labels().expect("hello"));
    create(&client, "docs", 1);
    client
        .upsert_points("docs", &[1, 2], &[1.0, 2.0], None, Some(&[&[5, 7], &[5]]))
        .expect("upsert");
    let two_groups = Filter {
        any_of: vec![vec![5], vec![7]],
        ..Filter::default()
    };
    let wide = Filter {
        all_of: vec![5],
        any_of: vec![(0..256).collect()],
        ..Filter::default()
    };
    for filter in [&two_groups, &wide] {
        let options = SearchOptions {
            filter: Some(filter),
            ..SearchOptions::default()
        };
        let scroll = ScrollOptions {
            filter: Some(filter),
            ..ScrollOptions::default()
        };
        for e in [
            client
                .search("docs", &[1.0], 1, options)
                .map(drop)
                .expect_err("search"),
            client
                .scroll("docs", 0, 10, scroll)
                .map(drop)
                .expect_err("scroll"),
        ] {
            assert!(
                matches!(&e, ClientError::InvalidRequest(_))
                    && e.to_string().contains("FEATURE_FILTER_GROUPS"),
                "{e}"
            );
        }
    }
    // One group within 256 labels is the original form, which such a server takes.
    let one_group = Filter {
        any_of: vec![vec![7, 9]],
        ..Filter::default()
    };
    let options = SearchOptions {
        filter: Some(&one_group),
        ..SearchOptions::default()
    };
    let hits = client.search("docs", &[2.0], 2, options).expect("search");
    assert_eq!(hits.hits.iter().map(|h| h.id).collect::<Vec<_>>(), [1]);
    // Bypassing the client's check: the old server refuses it, the connection stays.
    let query = [1.0f32];
    let wire = two_groups.wire();
    let request = Request::Search(corevec_proto::Search {
        collection: "docs",
        k: 1,
        expansion_search: 0,
        flags: corevec_proto::SearchFlags::default(),
        queries: corevec_proto::VectorsRef::new(&query, 1),
        filter: Some(wire.as_ref()),
        max_distance: None,
    });
    let e = client.execute(&request).expect_err("refused");
    assert_eq!(e.code(), Some(ErrorCode::MalformedFrame), "{e}");
    client.ping().expect("still open");
}

#[test]
fn servers_without_labels_are_refused_locally() {
    let server = MockServer::start(None);
    server.state.legacy_labels.store(true, Ordering::SeqCst);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    assert!(client.supports_payloads().expect("hello"));
    assert!(!client.supports_labels().expect("hello"));
    create(&client, "docs", 1);
    let filter = Filter::default();
    let options = SearchOptions {
        filter: Some(&filter),
        ..SearchOptions::default()
    };
    for e in [
        client
            .upsert_points("docs", &[1], &[1.0], None, Some(&[&[1]]))
            .map(drop)
            .expect_err("upsert"),
        client
            .get_points("docs", &[1], false, true)
            .map(drop)
            .expect_err("get"),
        client
            .search("docs", &[1.0], 1, options)
            .map(drop)
            .expect_err("search"),
        client
            .search_batch("docs", &[1.0], 1, 1, options)
            .map(drop)
            .expect_err("search_batch"),
        client
            .search_with_payloads("docs", &[1.0], 1, options)
            .map(drop)
            .expect_err("search_with_payloads"),
    ] {
        assert!(
            matches!(&e, ClientError::InvalidRequest(_))
                && e.to_string().contains("FEATURE_LABELS"),
            "{e}"
        );
    }
    // Payloads still work.
    client
        .upsert_points("docs", &[1], &[1.0], Some(&[b"p"]), None)
        .expect("upsert with payloads");
    assert_eq!(
        client.get_points("docs", &[1], true, false).expect("get"),
        vec![point(&[1.0], b"p", &[])]
    );
    // Bypassing the client's check: the old server refuses each request, the connection stays.
    let labels: [&[u64]; 1] = [&[1]];
    let query = [1.0f32];
    for (request, code) in [
        (
            Request::Upsert(corevec_proto::Upsert {
                collection: "docs",
                ids: corevec_proto::IdsRef::new(&[1]),
                vectors: corevec_proto::VectorsRef::new(&query, 1),
                payloads: None,
                labels: Some(corevec_proto::LabelsRef::new(&labels)),
            }),
            ErrorCode::MalformedFrame,
        ),
        (
            Request::Get(corevec_proto::IdsRequest {
                collection: "docs",
                ids: corevec_proto::IdsRef::new(&[1]),
                with_payloads: false,
                with_labels: true,
            }),
            ErrorCode::InvalidArgument,
        ),
        (
            Request::Search(corevec_proto::Search {
                collection: "docs",
                k: 1,
                expansion_search: 0,
                flags: Default::default(),
                queries: corevec_proto::VectorsRef::new(&query, 1),
                filter: Some(filter.wire().as_ref()),
                max_distance: None,
            }),
            ErrorCode::InvalidArgument,
        ),
    ] {
        let e = client.execute(&request).expect_err("refused");
        assert_eq!(e.code(), Some(code), "{e}");
    }
    client.ping().expect("still open");
}

// ---------------------------------------------------------------------------------------------
// SET_LABELS
// ---------------------------------------------------------------------------------------------

#[test]
fn set_labels_replaces_labels_and_keeps_vectors_and_payloads() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "docs", 2);
    client
        .upsert_points(
            "docs",
            &[1, 2, 3],
            &[0.0, 0.0, 1.0, 0.0, 5.0, 5.0],
            Some(&[b"one", b"two", b""]),
            Some(&[&[1], &[2], &[3]]),
        )
        .expect("upsert");
    // Two existing ids (one of them twice: the last list wins, both count) and one absent; lists
    // unsorted with duplicates are stored sorted and deduplicated.
    let max: Vec<u64> = (0..u64::from(corevec_proto::LABELS_PER_POINT_MAX)).collect();
    let ack = client
        .set_labels("docs", &[2, 3, 99, 2], &[&[7], &max, &[5], &[100, 4, 100]])
        .expect("set_labels");
    assert_eq!(ack.count, 3, "ids that existed: 2 (twice) and 3");
    assert_eq!(
        client
            .get_points("docs", &[1, 2, 3, 99], true, true)
            .expect("get"),
        vec![
            point(&[0.0, 0.0], b"one", &[1]),
            point(&[1.0, 0.0], b"two", &[4, 100]),
            point(&[5.0, 5.0], b"", &max),
            None,
        ]
    );
    // SET_LABELS never creates a point.
    assert_eq!(
        client
            .describe_collection("docs")
            .expect("describe")
            .vectors_count,
        3
    );
    // Filters see the new labels.
    let hundred = Filter {
        all_of: vec![100],
        ..Filter::default()
    };
    let options = SearchOptions {
        filter: Some(&hundred),
        ..SearchOptions::default()
    };
    let hits = client
        .search("docs", &[0.0, 0.0], 3, options)
        .expect("search");
    assert_eq!(hits.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2]);
    // An empty list clears the labels; vector and payload stay.
    assert_eq!(
        client
            .set_labels("docs", &[1], &[&[]])
            .expect("clear")
            .count,
        1
    );
    assert_eq!(
        client.get_points("docs", &[1], true, true).expect("get"),
        vec![point(&[0.0, 0.0], b"one", &[])]
    );
    // Zero ids: an empty section, nothing changes.
    assert_eq!(client.set_labels("docs", &[], &[]).expect("empty").count, 0);
    // Per-request server errors keep the connection usable.
    let e = client
        .set_labels("missing", &[1], &[&[1]])
        .expect_err("no collection");
    assert_eq!(e.code(), Some(ErrorCode::CollectionNotFound));
    // Pipelined through the generic API, the response decodes as Response::SetLabels.
    let labels: [&[u64]; 1] = [&[42]];
    let ticket = client
        .submit(&Request::SetLabels(corevec_proto::SetLabels {
            collection: "docs",
            ids: corevec_proto::IdsRef::new(&[3]),
            labels: corevec_proto::LabelsRef::new(&labels),
        }))
        .expect("submit");
    let frame = ticket.wait().expect("wait");
    assert!(matches!(
        frame.response().expect("decode"),
        Response::SetLabels(corevec_proto::WriteAck { count: 1, .. })
    ));
    assert_eq!(
        client.get_points("docs", &[3], true, true).expect("get"),
        vec![point(&[5.0, 5.0], b"", &[42])]
    );
}

#[test]
fn set_labels_validation_sends_nothing() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "docs", 1);
    client
        .upsert_points("docs", &[1, 2], &[1.0, 2.0], None, Some(&[&[1], &[2]]))
        .expect("upsert");
    let e = client
        .set_labels("docs", &[1, 2], &[&[3]])
        .expect_err("count");
    assert!(
        matches!(&e, ClientError::InvalidRequest(_))
            && e.to_string().contains("one label list per id"),
        "{e}"
    );
    // 65 labels, even if they are all the same one: the sent count is what is checked.
    let over = vec![7u64; corevec_proto::LABELS_PER_POINT_MAX as usize + 1];
    let e = client
        .set_labels("docs", &[1, 2], &[&[3], &over])
        .expect_err("too many");
    assert!(
        matches!(
            e,
            ClientError::InvalidRequest(corevec_proto::Error::TooManyLabels {
                point_index: 1,
                count: 65,
                max: 64
            })
        ),
        "{e}"
    );
    let e = client
        .set_labels("bad name!", &[1], &[&[3]])
        .expect_err("name");
    assert!(matches!(e, ClientError::InvalidRequest(_)), "{e}");
    // Nothing was written: the first list of the refused batch did not land either.
    assert_eq!(
        client
            .get_points("docs", &[1, 2], false, true)
            .expect("get"),
        vec![point(&[1.0], b"", &[1]), point(&[2.0], b"", &[2])]
    );
    client.ping().expect("still open");
}

#[test]
fn set_labels_is_never_retried() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    create(&client, "docs", 1);
    client
        .upsert_points("docs", &[7], &[3.0], None, Some(&[&[1]]))
        .expect("upsert");
    let labels_of = |client: &Client| {
        client
            .get_points("docs", &[7], false, true)
            .expect("get")
            .pop()
            .flatten()
            .map(|p| p.labels)
    };
    server.state.drop_next.store(1, Ordering::SeqCst);
    let e = client
        .set_labels("docs", &[7], &[&[2]])
        .expect_err("write not retried");
    assert!(matches!(e, ClientError::Io(_)), "{e:?}");
    // The dropped request was not executed, and no retry executed it behind our back.
    assert_eq!(labels_of(&client), Some(vec![1]));
    assert_eq!(
        client
            .set_labels("docs", &[7], &[&[2]])
            .expect("reconnects on the next call")
            .count,
        1
    );
    assert_eq!(labels_of(&client), Some(vec![2]));
}

#[test]
fn servers_without_labels_refuse_set_labels() {
    for legacy_payloads in [false, true] {
        let server = MockServer::start(None);
        if legacy_payloads {
            server.state.legacy.store(true, Ordering::SeqCst);
        } else {
            server.state.legacy_labels.store(true, Ordering::SeqCst);
        }
        let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
        assert!(!client.supports_labels().expect("hello"));
        create(&client, "docs", 1);
        client.upsert("docs", &[1], &[1.0]).expect("upsert");
        // Refused locally, nothing sent.
        let e = client
            .set_labels("docs", &[1], &[&[1]])
            .expect_err("refused");
        assert!(
            matches!(&e, ClientError::InvalidRequest(_))
                && e.to_string().contains("FEATURE_LABELS"),
            "{e}"
        );
        // Bypassing the client's feature check: the old server answers UNKNOWN_OPCODE for this
        // request only, and the connection stays usable.
        let labels: [&[u64]; 1] = [&[1]];
        let e = client
            .execute(&Request::SetLabels(corevec_proto::SetLabels {
                collection: "docs",
                ids: corevec_proto::IdsRef::new(&[1]),
                labels: corevec_proto::LabelsRef::new(&labels),
            }))
            .expect_err("unknown opcode");
        assert_eq!(e.code(), Some(ErrorCode::UnknownOpcode), "{e}");
        client.ping().expect("still open");
        assert_eq!(
            client.get("docs", &[1]).expect("get"),
            vec![Some(vec![1.0])]
        );
    }
}

#[test]
fn max_distance_is_sent_and_refused_locally_when_it_cannot_be() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    assert!(client.supports_max_distance().expect("hello"));
    create(&client, "docs", 1);
    client
        .upsert("docs", &[1, 2, 3], &[0.0, 1.0, 3.0])
        .expect("upsert");
    let bounded = |max| SearchOptions {
        exact: true,
        max_distance: Some(max),
        ..SearchOptions::default()
    };
    // The mock answers by brute force; it must have received the bound (squared L2: 0, 1, 9).
    let hits = client
        .search("docs", &[0.0], 3, bounded(1.0))
        .expect("search");
    assert_eq!(
        hits.hits.iter().map(|h| h.id).collect::<Vec<_>>(),
        vec![1, 2]
    );
    let e = client
        .search("docs", &[0.0], 3, bounded(f32::NAN))
        .expect_err("NaN");
    assert!(e.to_string().contains("finite"), "{e}");
    // A server from before the feature: refused before anything is sent.
    server.state.legacy_groups.store(true, Ordering::SeqCst);
    let old = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    assert!(!old.supports_max_distance().expect("hello"));
    let e = old
        .search("docs", &[0.0], 3, bounded(1.0))
        .expect_err("refused locally");
    assert!(e.to_string().contains("FEATURE_MAX_DISTANCE"), "{e}");
}

#[test]
fn read_replicas_are_created_described_and_refused_locally_when_they_cannot_be() {
    let server = MockServer::start(None);
    let client = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    assert!(client.supports_read_replicas().expect("hello"));
    let spec = CreateCollection {
        name: "replicated",
        dim: 2,
        metric: Metric::L2,
        shards: 1,
        connectivity: 0,
        expansion_add: 0,
        read_replicas: true,
    };
    client.create_collection(&spec).expect("create");
    create(&client, "plain", 2);
    assert!(
        client
            .describe_collection("replicated")
            .expect("describe")
            .read_replicas
    );
    let listed: Vec<(String, bool)> = client
        .list_collections()
        .expect("list")
        .into_iter()
        .map(|info| (info.name, info.read_replicas))
        .collect();
    assert_eq!(
        listed,
        [("plain".to_owned(), false), ("replicated".to_owned(), true)]
    );
    // A server from before the feature: refused before anything is sent, and the flag is
    // never reported to such a connection (its COLLECTION_INFO byte was reserved).
    server.state.legacy_groups.store(true, Ordering::SeqCst);
    let old = Client::connect(server.addr, ClientConfig::default()).expect("connect");
    assert!(!old.supports_read_replicas().expect("hello"));
    let e = old
        .create_collection(&CreateCollection {
            name: "other",
            ..spec
        })
        .expect_err("refused locally");
    assert!(e.to_string().contains("FEATURE_READ_REPLICAS"), "{e}");
    assert!(matches!(e, ClientError::InvalidRequest(_)), "{e:?}");
    assert!(
        !old.describe_collection("replicated")
            .expect("describe")
            .read_replicas
    );
    // Sent anyway (bypassing the check), the old server refuses the reserved byte.
    let e = old
        .execute(&Request::CreateCollection(CreateCollection {
            name: "other",
            ..spec
        }))
        .expect_err("refused by the server");
    assert_eq!(e.code(), Some(ErrorCode::MalformedFrame), "{e}");
}
