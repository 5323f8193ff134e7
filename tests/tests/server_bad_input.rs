//! Bad input over raw TCP against the real server (PROTOCOL.md section 8): each case gets its
//! exact error code; fatal cases close only that connection; a bystander connection and a new
//! connection keep working; the server never crashes.

use std::net::Shutdown;

use corevec_proto::{
    CreateCollection, ErrorCode, Hello, IdsRef, Metric, Request, RequestId, Response, Search,
    SearchFlags, Upsert, VectorsRef, FEATURE_FILTER_GROUPS, FEATURE_LABELS, FRAME_HEADER_SIZE,
};
use corevec_tests::{encode, frame, node, reseal, Node, RawConn};

fn ping_works(conn: &mut RawConn, id: u64) {
    conn.send(&encode(&Request::Ping, id));
    match conn.read_response() {
        Ok((header, Response::Ping)) => assert_eq!(header.request_id, RequestId(id)),
        other => panic!("PING {id} failed: {other:?}"),
    }
}

fn with_collection(node: &Node) {
    node.client()
        .create_collection(&CreateCollection {
            name: "c",
            dim: 3,
            metric: Metric::L2,
            shards: 0,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .unwrap();
}

#[test]
fn fatal_stream_errors_close_only_that_connection() {
    let mut node = node!().start();
    let mut bystander = node.raw();
    let ping = encode(&Request::Ping, 7);

    // Bad magic (an HTTP client), after HELLO and as the very first bytes.
    let mut conn = node.raw();
    conn.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    conn.expect_error(0, ErrorCode::MalformedFrame);
    conn.expect_closed();
    let mut conn = RawConn::connect(node.addr).unwrap();
    conn.send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"); // a TLS ClientHello
    conn.expect_error(0, ErrorCode::MalformedFrame);
    conn.expect_closed();

    // Header CRC mismatch: the length cannot be trusted.
    let mut conn = node.raw();
    let mut bad = ping.clone();
    bad[8] ^= 0xFF; // request id changed, header CRC not updated
    conn.send(&bad);
    conn.expect_error(0, ErrorCode::ChecksumMismatch);
    conn.expect_closed();

    // Absurd length: refused from the header alone, without reading (or allocating) a body.
    let mut conn = node.raw();
    let mut huge = ping.clone();
    huge[16..20].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    reseal(&mut huge);
    conn.send(&huge);
    conn.send(&[0u8; 4096]); // some of the "body", which the server must not wait for
    conn.expect_error(0, ErrorCode::FrameTooLarge);
    conn.expect_closed();

    // A header version this server does not speak.
    let mut conn = node.raw();
    let mut v7 = ping.clone();
    v7[4..6].copy_from_slice(&7u16.to_le_bytes());
    reseal(&mut v7);
    conn.send(&v7);
    conn.expect_error(0, ErrorCode::UnsupportedVersion);
    conn.expect_closed();

    // Request id 0 is the server's, for connection-level errors: after HELLO and in it.
    let mut conn = node.raw();
    conn.send(&encode(&Request::Ping, 0));
    conn.expect_error(0, ErrorCode::MalformedFrame);
    conn.expect_closed();
    let mut conn = RawConn::connect(node.addr).unwrap();
    let hello = Hello {
        version_min: 1,
        version_max: 1,
        features: 0,
        token: b"",
    };
    conn.send(&encode(&Request::Hello(hello), 0));
    conn.expect_error(0, ErrorCode::MalformedFrame);
    conn.expect_closed();

    ping_works(&mut bystander, 100);
    node.assert_alive();
}

#[test]
fn truncated_frame_then_close_is_dropped_quietly() {
    let mut node = node!().start();
    let mut bystander = node.raw();
    let mut conn = node.raw();
    let ping = encode(&Request::Ping, 3);
    conn.send(&ping[..FRAME_HEADER_SIZE - 5]);
    conn.stream.shutdown(Shutdown::Write).unwrap();
    conn.expect_closed();

    // A frame whose header promises more body than arrives before the close.
    let mut conn = node.raw();
    let create = encode(
        &Request::CreateCollection(CreateCollection {
            name: "never",
            dim: 3,
            metric: Metric::L2,
            shards: 0,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        }),
        4,
    );
    conn.send(&create[..create.len() - 3]);
    conn.stream.shutdown(Shutdown::Write).unwrap();
    conn.expect_closed();

    ping_works(&mut bystander, 5);
    node.assert_alive();
    let names: Vec<String> = node
        .client()
        .list_collections()
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert!(
        names.is_empty(),
        "the truncated CREATE must not run: {names:?}"
    );
}

#[test]
fn per_request_errors_keep_the_connection_open() {
    let mut node = node!().start();
    with_collection(&node);
    let mut conn = node.raw();

    // Unknown opcode.
    conn.send(&frame(0x7F, 10, &[]));
    conn.expect_error(10, ErrorCode::UnknownOpcode);

    // Wrong dimension (UPSERT and SEARCH).
    let ids = [1u64, 2];
    let two_d = [1.0f32, 2.0, 3.0, 4.0];
    conn.send(&encode(
        &Request::Upsert(Upsert {
            collection: "c",
            ids: IdsRef::new(&ids),
            vectors: VectorsRef::new(&two_d, 2),
            payloads: None,
            labels: None,
        }),
        11,
    ));
    conn.expect_error(11, ErrorCode::DimensionMismatch);
    let query = [1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0]; // two queries of 3 or three of 2
    conn.send(&encode(
        &Request::Search(Search {
            collection: "c",
            k: 1,
            expansion_search: 0,
            flags: SearchFlags::default(),
            queries: VectorsRef::new(&query, 2),
            filter: None,
            max_distance: None,
        }),
        12,
    ));
    conn.expect_error(12, ErrorCode::DimensionMismatch);

    // NaN and infinity (UPSERT and SEARCH).
    let nan = [1.0f32, f32::NAN, 3.0];
    conn.send(&encode(
        &Request::Upsert(Upsert {
            collection: "c",
            ids: IdsRef::new(&[1]),
            vectors: VectorsRef::new(&nan, 3),
            payloads: None,
            labels: None,
        }),
        13,
    ));
    conn.expect_error(13, ErrorCode::InvalidVector);
    let inf = [1.0f32, f32::INFINITY, 3.0];
    conn.send(&encode(
        &Request::Search(Search {
            collection: "c",
            k: 1,
            expansion_search: 0,
            flags: SearchFlags::default(),
            queries: VectorsRef::new(&inf, 3),
            filter: None,
            max_distance: None,
        }),
        14,
    ));
    conn.expect_error(14, ErrorCode::InvalidVector);

    // Oversized batch: GET announcing more ids than BATCH_IDS_MAX.
    let mut body = Vec::new();
    body.extend_from_slice(&65_537u32.to_le_bytes());
    body.extend_from_slice(&0u32.to_le_bytes());
    body.push(1);
    body.push(b'c');
    body.resize(16, 0);
    conn.send(&frame(0x21, 15, &body));
    conn.expect_error(15, ErrorCode::BatchTooLarge);

    // Body CRC mismatch (the header is intact, so the stream is too).
    let mut bad_body = encode(&Request::DescribeCollection { name: "c" }, 16);
    let last = bad_body.len() - 8;
    bad_body[last] ^= 0x01; // inside the name field, body CRC not updated
    conn.send(&bad_body);
    conn.expect_error(16, ErrorCode::ChecksumMismatch);

    // Reserved header flag bits; RESPONSE flag on a request.
    let mut reserved = encode(&Request::Ping, 17);
    reserved[7] = 0x80;
    reseal(&mut reserved);
    conn.send(&reserved);
    conn.expect_error(17, ErrorCode::MalformedFrame);
    let mut response_flag = encode(&Request::Ping, 18);
    response_flag[7] = 0x01;
    reseal(&mut response_flag);
    conn.send(&response_flag);
    conn.expect_error(18, ErrorCode::MalformedFrame);

    // A body that does not parse (truncated CREATE body, CRCs correct).
    conn.send(&frame(0x10, 19, &[3, 0, 0, 0]));
    conn.expect_error(19, ErrorCode::MalformedFrame);

    // Out-of-range values: k = 0, bad collection name, bad metric.
    let q = [1.0f32, 2.0, 3.0];
    conn.send(&encode(
        &Request::Search(Search {
            collection: "c",
            k: 1,
            expansion_search: 0,
            flags: SearchFlags::default(),
            queries: VectorsRef::new(&q, 3),
            filter: None,
            max_distance: None,
        }),
        20,
    ));
    assert_eq!(conn.read_response().unwrap().0.request_id, RequestId(20));
    let mut k0 = encode(
        &Request::Search(Search {
            collection: "c",
            k: 1,
            expansion_search: 0,
            flags: SearchFlags::default(),
            queries: VectorsRef::new(&q, 3),
            filter: None,
            max_distance: None,
        }),
        21,
    );
    k0[FRAME_HEADER_SIZE..FRAME_HEADER_SIZE + 4].copy_from_slice(&0u32.to_le_bytes());
    reseal(&mut k0);
    conn.send(&k0);
    conn.expect_error(21, ErrorCode::InvalidArgument);
    let mut bad_name = encode(&Request::DescribeCollection { name: "c" }, 22);
    bad_name[FRAME_HEADER_SIZE + 1] = b'/';
    reseal(&mut bad_name);
    conn.send(&bad_name);
    conn.expect_error(22, ErrorCode::InvalidArgument);

    // A second HELLO.
    conn.send(&encode(
        &Request::Hello(Hello {
            version_min: 1,
            version_max: 1,
            features: 0,
            token: b"",
        }),
        23,
    ));
    conn.expect_error(23, ErrorCode::InvalidArgument);

    // After all that, the same connection still works, and so does the server.
    ping_works(&mut conn, 24);
    node.assert_alive();
}

#[test]
fn handshake_errors_close_the_connection() {
    let mut node = node!().start();
    let mut bystander = node.raw();

    // First frame not HELLO.
    let mut conn = RawConn::connect(node.addr).unwrap();
    conn.send(&encode(&Request::Ping, 5));
    conn.expect_error(5, ErrorCode::NotHello);
    conn.expect_closed();

    // No common version.
    let mut conn = RawConn::connect(node.addr).unwrap();
    conn.send(&encode(
        &Request::Hello(Hello {
            version_min: 5,
            version_max: 9,
            features: 0,
            token: b"",
        }),
        6,
    ));
    conn.expect_error(6, ErrorCode::UnsupportedVersion);
    conn.expect_closed();

    // A malformed HELLO body.
    let mut conn = RawConn::connect(node.addr).unwrap();
    conn.send(&frame(0x01, 7, &[1, 0]));
    conn.expect_error(7, ErrorCode::MalformedFrame);
    conn.expect_closed();

    // FEATURE_FILTER_GROUPS needs FEATURE_LABELS: asked for alone, it is not enabled.
    for (asked, enabled) in [
        (FEATURE_FILTER_GROUPS, 0),
        (
            FEATURE_LABELS | FEATURE_FILTER_GROUPS,
            FEATURE_LABELS | FEATURE_FILTER_GROUPS,
        ),
    ] {
        let mut conn = RawConn::connect(node.addr).unwrap();
        let hello = Hello {
            version_min: 1,
            version_max: 1,
            features: asked,
            token: b"",
        };
        conn.send(&encode(&Request::Hello(hello), 9));
        match conn.read_response() {
            Ok((_, Response::Hello(ack))) => assert_eq!(ack.features, enabled),
            other => panic!("HELLO asking for {asked:#x}: {other:?}"),
        }
    }

    ping_works(&mut bystander, 8);
    node.assert_alive();
}
