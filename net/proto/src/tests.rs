//! Cross-module tests: golden frames shared with the Python client, malformed-input cases,
//! and property tests (round trip of every body; decoders never panic).

use crate::*;
use proptest::prelude::*;

/// The error table of PROTOCOL.md and `ErrorCode` agree on every code's name, on which codes
/// close the connection, and on which are retryable.
#[test]
fn error_codes_match_the_protocol_table() {
    let spec = include_str!("../PROTOCOL.md");
    let mut rows = 0;
    for line in spec.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // "| code | name | closes | retry | meaning |" -> ["", code, name, closes, retry, meaning, ""]
        let [_, code, name, closes, retry, _, _] = cells[..] else {
            continue;
        };
        let Ok(value) = code.parse::<u16>() else {
            continue;
        };
        if name == "OK" {
            continue;
        }
        let code = ErrorCode::from_u16(value);
        assert_eq!(code.name(), name, "code {value}");
        assert_eq!(
            code.is_retryable(),
            retry.starts_with("yes"),
            "{name}: retry column '{retry}'"
        );
        if closes == "yes" || closes == "no" {
            assert_eq!(
                code.closes_connection(),
                closes == "yes",
                "{name}: closes column"
            );
        }
        rows += 1;
    }
    assert_eq!(
        rows,
        ErrorCode::ALL.len() - 1,
        "every code but OK has a row"
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn request_frame(request_id: u64, request: &Request<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    request
        .encode(RequestId(request_id), &mut out)
        .expect("valid request");
    out
}

fn response_frame(request_id: u64, response: &Response<'_>, opcode: Opcode) -> Vec<u8> {
    let mut out = Vec::new();
    response
        .encode(RequestId(request_id), opcode.as_u8(), &mut out)
        .expect("valid response");
    out
}

fn decode_request(bytes: &[u8]) -> Result<Request<'_>, Error> {
    let n = Frame::check(bytes)?;
    assert_eq!(n, bytes.len());
    Request::decode_frame(&Frame::parse(bytes)?)
}

fn decode_response(bytes: &[u8]) -> Result<Response<'_>, Error> {
    let n = Frame::check(bytes)?;
    assert_eq!(n, bytes.len());
    Response::decode_frame(&Frame::parse(bytes)?)
}

const QUERY: [f32; 3] = [0.5, -1.0, 2.0];
const UPSERT_VECTORS: [f32; 6] = [0.5, -1.0, 2.0, 3.0, 4.0, 5.0];
const GOLDEN_PAYLOADS: [&[u8]; 3] = [br#"{"a":1}"#, b"", b"xyz"];
const GOLDEN_LABELS: [&[u64]; 3] = [&[1, 5], &[], &[7]];
const GOLDEN_FILTER: FilterRef<'static> = FilterRef {
    all_of: IdsRef::new(&[1]),
    any_of: IdsRef::new(&[2, 3]),
    any_groups: IdsRef::new(&[]),
    none_of: IdsRef::new(&[]),
};
/// The golden filtered searches: `k` 2, `EXACT`, the golden query, `filter`.
fn exact_filtered_search(filter: FilterRef<'static>) -> Request<'static> {
    exact_search(Some(filter), None)
}

/// `k` 2, `EXACT`, the golden query, with `filter` and `max_distance`.
fn exact_search(filter: Option<FilterRef<'static>>, max_distance: Option<f32>) -> Request<'static> {
    Request::Search(Search {
        collection: "docs",
        k: 2,
        expansion_search: 0,
        flags: SearchFlags {
            exact: true,
            allow_partial: false,
            with_payloads: false,
        },
        queries: VectorsRef::new(&QUERY, 3),
        filter,
        max_distance,
    })
}

/// `all_of [1]`, `any_of` groups `[2, 3]` and `[4]`, `none_of [5]`.
const GOLDEN_GROUPS_FILTER: FilterRef<'static> = FilterRef {
    all_of: IdsRef::new(&[1]),
    any_of: IdsRef::new(&[2, 3, 4]),
    any_groups: IdsRef::new(&[2, 1]),
    none_of: IdsRef::new(&[5]),
};
const GOLDEN_SCROLL_FILTER: FilterRef<'static> = FilterRef {
    all_of: IdsRef::new(&[1]),
    any_of: IdsRef::new(&[]),
    any_groups: IdsRef::new(&[]),
    none_of: IdsRef::new(&[9]),
};

/// The golden frames. The same names and hex strings are pasted into
/// `net/clients/python/tests/test_protocol.py`; both suites must agree byte for byte.
fn golden_frames() -> Vec<(&'static str, Vec<u8>)> {
    let collection_info = CollectionInfo {
        name: "docs".into(),
        dim: 3,
        metric: Metric::Cosine,
        shards: 1,
        connectivity: 16,
        expansion_add: 200,
        read_replicas: false,
        vectors_count: 2,
        bytes: 4096,
        shard_infos: vec![ShardInfo {
            shard: 0,
            vectors_count: 2,
            deleted_count: 1,
            bytes: 4096,
        }],
    };
    vec![
        (
            "hello_request",
            request_frame(
                1,
                &Request::Hello(Hello {
                    version_min: 1,
                    version_max: 1,
                    features: 0,
                    token: b"secret",
                }),
            ),
        ),
        (
            "hello_response",
            response_frame(
                1,
                &Response::Hello(HelloAck {
                    version: 1,
                    in_flight_max: 128,
                    features: 0,
                    frame_body_bytes_max: FRAME_BODY_BYTES_MAX,
                }),
                Opcode::Hello,
            ),
        ),
        ("ping_request", request_frame(2, &Request::Ping)),
        (
            "ping_response",
            response_frame(2, &Response::Ping, Opcode::Ping),
        ),
        (
            "create_request",
            request_frame(
                3,
                &Request::CreateCollection(CreateCollection {
                    name: "docs",
                    dim: 3,
                    metric: Metric::Cosine,
                    shards: 0,
                    connectivity: 16,
                    expansion_add: 200,
                    read_replicas: false,
                }),
            ),
        ),
        (
            "upsert_request",
            request_frame(
                4,
                &Request::Upsert(Upsert {
                    collection: "docs",
                    ids: IdsRef::new(&[1, 2]),
                    vectors: VectorsRef::new(&UPSERT_VECTORS, 3),
                    payloads: None,
                    labels: None,
                }),
            ),
        ),
        (
            "upsert_response",
            response_frame(
                4,
                &Response::Upsert(WriteAck {
                    count: 2,
                    lsn: Some(99),
                }),
                Opcode::Upsert,
            ),
        ),
        (
            "get_request",
            request_frame(
                5,
                &Request::Get(IdsRequest {
                    collection: "docs",
                    ids: IdsRef::new(&[1, 7]),
                    with_payloads: false,
                    with_labels: false,
                }),
            ),
        ),
        (
            "get_response",
            response_frame(
                5,
                &Response::Get(GetResponse {
                    found: vec![true, false],
                    vectors: VectorsRef::new(&QUERY, 3),
                    payloads: None,
                    labels: None,
                }),
                Opcode::Get,
            ),
        ),
        (
            "search_request",
            request_frame(
                6,
                &Request::Search(Search {
                    collection: "docs",
                    k: 2,
                    expansion_search: 64,
                    flags: SearchFlags {
                        exact: false,
                        allow_partial: true,
                        with_payloads: false,
                    },
                    queries: VectorsRef::new(&QUERY, 3),
                    filter: None,
                    max_distance: None,
                }),
            ),
        ),
        (
            "search_response",
            response_frame(
                6,
                &Response::Search(SearchResponse {
                    partial: false,
                    results: vec![vec![
                        Hit {
                            id: 1,
                            distance: 0.0,
                        },
                        Hit {
                            id: 2,
                            distance: 27.25,
                        },
                    ]],
                    payloads: None,
                }),
                Opcode::Search,
            ),
        ),
        (
            "delete_request",
            request_frame(
                7,
                &Request::Delete(IdsRequest {
                    collection: "docs",
                    ids: IdsRef::new(&[2]),
                    with_payloads: false,
                    with_labels: false,
                }),
            ),
        ),
        (
            "delete_response",
            response_frame(
                7,
                &Response::Delete(WriteAck {
                    count: 1,
                    lsn: None,
                }),
                Opcode::Delete,
            ),
        ),
        (
            "describe_request",
            request_frame(8, &Request::DescribeCollection { name: "docs" }),
        ),
        (
            "describe_response",
            response_frame(
                8,
                &Response::DescribeCollection(collection_info.clone()),
                Opcode::DescribeCollection,
            ),
        ),
        ("list_request", request_frame(9, &Request::ListCollections)),
        (
            "list_response",
            response_frame(
                9,
                &Response::ListCollections(vec![collection_info.clone()]),
                Opcode::ListCollections,
            ),
        ),
        ("stats_request", request_frame(10, &Request::Stats)),
        (
            "stats_response",
            response_frame(
                10,
                &Response::Stats(vec![
                    Stat {
                        name: "vectors".into(),
                        value: 2,
                    },
                    Stat {
                        name: "uptime_s".into(),
                        value: 5,
                    },
                ]),
                Opcode::Stats,
            ),
        ),
        (
            "snapshot_request",
            request_frame(11, &Request::Snapshot { name: "" }),
        ),
        (
            "drop_request",
            request_frame(12, &Request::DropCollection { name: "docs" }),
        ),
        (
            "error_response",
            response_frame(
                13,
                &Response::Error(ErrorResponse {
                    code: ErrorCode::CollectionNotFound,
                    message: "no collection docs".into(),
                }),
                Opcode::DescribeCollection,
            ),
        ),
        (
            // Three points of dim 2: the lengths end at a body offset of 4 mod 8, so the
            // section has 4 bytes of padding; the middle point has an empty payload.
            "upsert_payloads_request",
            request_frame(
                14,
                &Request::Upsert(Upsert {
                    collection: "docs",
                    ids: IdsRef::new(&[1, 2, 3]),
                    vectors: VectorsRef::new(&UPSERT_VECTORS, 2),
                    payloads: Some(PayloadsRef::new(&GOLDEN_PAYLOADS)),
                    labels: None,
                }),
            ),
        ),
        (
            "get_payloads_request",
            request_frame(
                15,
                &Request::Get(IdsRequest {
                    collection: "docs",
                    ids: IdsRef::new(&[1, 7]),
                    with_payloads: true,
                    with_labels: false,
                }),
            ),
        ),
        (
            "get_payloads_response",
            response_frame(
                15,
                &Response::Get(GetResponse {
                    found: vec![true, false],
                    vectors: VectorsRef::new(&QUERY, 3),
                    payloads: Some(PayloadsRef::new(&GOLDEN_PAYLOADS[..1])),
                    labels: None,
                }),
                Opcode::Get,
            ),
        ),
        (
            "search_payloads_request",
            request_frame(
                16,
                &Request::Search(Search {
                    collection: "docs",
                    k: 2,
                    expansion_search: 0,
                    flags: SearchFlags {
                        exact: false,
                        allow_partial: false,
                        with_payloads: true,
                    },
                    queries: VectorsRef::new(&UPSERT_VECTORS, 3),
                    filter: None,
                    max_distance: None,
                }),
            ),
        ),
        (
            "search_payloads_response",
            response_frame(
                16,
                &Response::Search(SearchResponse {
                    partial: false,
                    results: vec![
                        vec![
                            Hit {
                                id: 1,
                                distance: 0.0,
                            },
                            Hit {
                                id: 2,
                                distance: 27.25,
                            },
                        ],
                        vec![Hit {
                            id: 3,
                            distance: 1.5,
                        }],
                    ],
                    payloads: Some(vec![
                        vec![GOLDEN_PAYLOADS[0].to_vec(), GOLDEN_PAYLOADS[1].to_vec()],
                        vec![GOLDEN_PAYLOADS[2].to_vec()],
                    ]),
                }),
                Opcode::Search,
            ),
        ),
        (
            // Two ids: the ids end at body offset 32, the lengths at 40 (no padding), then the
            // 7 bytes of the first payload; the second payload is empty.
            "set_payload_request",
            request_frame(
                17,
                &Request::SetPayload(SetPayload {
                    collection: "docs",
                    ids: IdsRef::new(&[1, 7]),
                    payloads: PayloadsRef::new(&GOLDEN_PAYLOADS[..2]),
                }),
            ),
        ),
        (
            "set_payload_response",
            response_frame(
                17,
                &Response::SetPayload(WriteAck {
                    count: 1,
                    lsn: None,
                }),
                Opcode::SetPayload,
            ),
        ),
        (
            // The golden upsert with payloads, plus labels: the payloads end at body offset 90,
            // 6 bytes of padding to 96, 3 counts end at 108, 4 bytes of padding to 112, then
            // the 3 labels end the body at 136.
            "upsert_labels_request",
            request_frame(
                18,
                &Request::Upsert(Upsert {
                    collection: "docs",
                    ids: IdsRef::new(&[1, 2, 3]),
                    vectors: VectorsRef::new(&UPSERT_VECTORS, 2),
                    payloads: Some(PayloadsRef::new(&GOLDEN_PAYLOADS)),
                    labels: Some(LabelsRef::new(&GOLDEN_LABELS)),
                }),
            ),
        ),
        (
            // Labels without payloads: an all-empty payload section (2 zero lengths, ending at
            // 64) comes first; the counts end at 72 (no padding), the 2 labels at 88.
            "upsert_labels_only_request",
            request_frame(
                19,
                &Request::Upsert(Upsert {
                    collection: "docs",
                    ids: IdsRef::new(&[1, 2]),
                    vectors: VectorsRef::new(&UPSERT_VECTORS, 3),
                    payloads: None,
                    labels: Some(LabelsRef::new(&GOLDEN_LABELS[..2])),
                }),
            ),
        ),
        (
            "get_labels_request",
            request_frame(
                20,
                &Request::Get(IdsRequest {
                    collection: "docs",
                    ids: IdsRef::new(&[1, 7]),
                    with_payloads: false,
                    with_labels: true,
                }),
            ),
        ),
        (
            // WITH_LABELS alone: one found id, an all-empty payload section (its length ends at
            // 32), the count at 36, 4 bytes of padding, 2 labels.
            "get_labels_response",
            response_frame(
                20,
                &Response::Get(GetResponse {
                    found: vec![true, false],
                    vectors: VectorsRef::new(&QUERY, 3),
                    payloads: None,
                    labels: Some(LabelsRef::new(&GOLDEN_LABELS[..1])),
                }),
                Opcode::Get,
            ),
        ),
        (
            "get_payloads_labels_request",
            request_frame(
                21,
                &Request::Get(IdsRequest {
                    collection: "docs",
                    ids: IdsRef::new(&[1, 7]),
                    with_payloads: true,
                    with_labels: true,
                }),
            ),
        ),
        (
            // Both sections: the payload ends at 39, 1 byte of padding, the count at 44, 4
            // bytes of padding, 2 labels.
            "get_payloads_labels_response",
            response_frame(
                21,
                &Response::Get(GetResponse {
                    found: vec![true, false],
                    vectors: VectorsRef::new(&QUERY, 3),
                    payloads: Some(PayloadsRef::new(&GOLDEN_PAYLOADS[..1])),
                    labels: Some(LabelsRef::new(&GOLDEN_LABELS[..1])),
                }),
                Opcode::Get,
            ),
        ),
        (
            // EXACT | HAS_FILTER: the query ends at 44, 4 bytes of padding, the filter header
            // (1, 2, 0, reserved) ends at 64, then all_of [1] and any_of [2, 3].
            "search_filter_request",
            request_frame(22, &exact_filtered_search(GOLDEN_FILTER)),
        ),
        (
            // EXACT | HAS_FILTER with two any_of groups: the query ends at 44, 4 bytes of
            // padding, the header (1, 3, 1, any_groups 2) ends at 64, the group sizes 2 and 1
            // at 80, then all_of [1], any_of [2, 3, 4] and none_of [5] end the body at 120.
            "search_filter_groups_request",
            request_frame(27, &exact_filtered_search(GOLDEN_GROUPS_FILTER)),
        ),
        (
            // HAS_MAX_DISTANCE (16) with EXACT: max_distance 0.5 (0x3f000000) in the field
            // after `dim` (offset 20), which is zero without the flag.
            "search_max_distance_request",
            request_frame(28, &exact_search(None, Some(0.5))),
        ),
        (
            // Three ids: the ids end at body offset 40 (so the label section needs no leading
            // padding), the counts 2, 0, 1 end at 52, 4 bytes of padding to 56, then the labels
            // 1, 5, 7 end the body at 80.
            "set_labels_request",
            request_frame(
                23,
                &Request::SetLabels(SetLabels {
                    collection: "docs",
                    ids: IdsRef::new(&[1, 7, 9]),
                    labels: LabelsRef::new(&GOLDEN_LABELS),
                }),
            ),
        ),
        (
            "set_labels_response",
            response_frame(
                23,
                &Response::SetLabels(WriteAck {
                    count: 2,
                    lsn: None,
                }),
                Opcode::SetLabels,
            ),
        ),
        (
            // limit 2, WITH_VECTORS | WITH_LABELS, start_id 5: the NAME ends the body at 24.
            "scroll_request",
            request_frame(
                24,
                &Request::Scroll(Scroll {
                    collection: "docs",
                    start_id: 5,
                    limit: 2,
                    with_vectors: true,
                    with_payloads: false,
                    with_labels: true,
                    filter: None,
                }),
            ),
        ),
        (
            // HAS_FILTER alone (ids only): the NAME ends at 24 (no filter padding), the filter
            // header (1, 0, 1, reserved) at 40, then all_of [1] and none_of [9].
            "scroll_filter_request",
            request_frame(
                25,
                &Request::Scroll(Scroll {
                    collection: "docs",
                    start_id: 0,
                    limit: 100,
                    with_vectors: false,
                    with_payloads: false,
                    with_labels: false,
                    filter: Some(GOLDEN_SCROLL_FILTER),
                }),
            ),
        ),
        (
            // MORE | HAS_VECTORS | HAS_LABELS, dim 2: the ids 5 and 8 end at 32, the vectors at
            // 48, the counts 2, 0 at 56 (no padding before or after them), the labels 1, 5 at 72.
            "scroll_response",
            response_frame(
                24,
                &Response::Scroll(ScrollResponse {
                    ids: IdsRef::new(&[5, 8]),
                    more: true,
                    dim: 2,
                    vectors: Some(VectorsRef::new(&UPSERT_VECTORS[..4], 2)),
                    payloads: None,
                    labels: Some(LabelsRef::new(&GOLDEN_LABELS[..2])),
                }),
                Opcode::Scroll,
            ),
        ),
        (
            // HAS_PAYLOADS alone, dim 2: the ids 5, 8, 11 end at 40, the lengths at 52, four
            // bytes of padding to 56, the 10 payload bytes end the body at 66.
            "scroll_payloads_response",
            response_frame(
                26,
                &Response::Scroll(ScrollResponse {
                    ids: IdsRef::new(&[5, 8, 11]),
                    more: false,
                    dim: 2,
                    vectors: None,
                    payloads: Some(PayloadsRef::new(&GOLDEN_PAYLOADS)),
                    labels: None,
                }),
                Opcode::Scroll,
            ),
        ),
        (
            // `create_request` with the flags byte (offset 7) set to READ_REPLICAS.
            "create_read_replicas_request",
            request_frame(
                29,
                &Request::CreateCollection(CreateCollection {
                    name: "docs",
                    dim: 3,
                    metric: Metric::Cosine,
                    shards: 1,
                    connectivity: 0,
                    expansion_add: 0,
                    read_replicas: true,
                }),
            ),
        ),
        (
            // `describe_response` with the COLLECTION_INFO flags byte (offset 7) set to
            // READ_REPLICAS, as a server sends it once FEATURE_READ_REPLICAS is enabled.
            "describe_read_replicas_response",
            response_frame(
                30,
                &Response::DescribeCollection(CollectionInfo {
                    read_replicas: true,
                    ..collection_info
                }),
                Opcode::DescribeCollection,
            ),
        ),
    ]
}

include!("golden_hex.rs");

#[test]
fn golden_frames_match() {
    let frames = golden_frames();
    let mut mismatches = Vec::new();
    for (name, bytes) in &frames {
        let expected = GOLDEN_HEX.iter().find(|(n, _)| n == name).map(|(_, h)| *h);
        if expected != Some(hex(bytes).as_str()) {
            mismatches.push(format!("    (\"{name}\", \"{}\"),", hex(bytes)));
        }
        // Every golden frame decodes back to what produced it.
        let header = Frame::parse(bytes).expect("golden frame parses").header;
        if header.is_response() {
            let response = decode_response(bytes).expect("golden response decodes");
            let mut again = Vec::new();
            response
                .encode(header.request_id, header.opcode, &mut again)
                .expect("re-encode");
            assert_eq!(&again, bytes, "{name}");
        } else {
            let request = decode_request(bytes).expect("golden request decodes");
            assert_eq!(
                request_frame(header.request_id.0, &request),
                *bytes,
                "{name}"
            );
        }
    }
    assert!(
        mismatches.is_empty(),
        "golden frames changed; new values:\n{}",
        mismatches.join("\n")
    );
    assert_eq!(GOLDEN_HEX.len(), frames.len());
}

#[test]
fn features_needed_by_each_golden_request() {
    const P: u64 = FEATURE_PAYLOADS;
    const L: u64 = FEATURE_LABELS;
    const G: u64 = FEATURE_FILTER_GROUPS;
    let expected = [
        ("upsert_payloads_request", P),
        ("get_payloads_request", P),
        ("search_payloads_request", P),
        ("set_payload_request", P),
        ("upsert_labels_request", P | L),
        ("upsert_labels_only_request", P | L),
        ("get_labels_request", L),
        ("get_payloads_labels_request", P | L),
        ("search_filter_request", L),
        ("search_filter_groups_request", L | G),
        ("search_max_distance_request", FEATURE_MAX_DISTANCE),
        ("create_read_replicas_request", FEATURE_READ_REPLICAS),
        ("set_labels_request", L),
        ("scroll_request", L),
        ("scroll_filter_request", L),
    ];
    let mut requests = 0;
    for (name, bytes) in golden_frames() {
        if Frame::parse(&bytes)
            .expect("golden frame parses")
            .header
            .is_response()
        {
            continue;
        }
        requests += 1;
        let request = decode_request(&bytes).expect("golden request decodes");
        let want = expected.iter().find(|(n, _)| *n == name).map_or(0, |e| e.1);
        assert_eq!(request.features_needed(), want, "{name}");
    }
    assert_eq!(requests, 27);
}

#[test]
fn read_replicas_flags_layout_and_errors() {
    let golden = |wanted: &str| {
        golden_frames()
            .into_iter()
            .find(|(name, _)| *name == wanted)
            .map(|(_, bytes)| bytes)
            .unwrap()
    };
    // `body` with its flags byte (offset 7 in both layouts) set to `bits`.
    let flags_set = |body: &[u8], bits: u8| {
        let mut body = body.to_vec();
        body[7] = bits;
        body
    };
    // The flags byte is at body offset 7 of CREATE and of COLLECTION_INFO; bit 0 in both.
    let create = golden("create_read_replicas_request");
    let describe = golden("describe_read_replicas_response");
    for frame in [&create, &describe] {
        assert_eq!(frame[FRAME_HEADER_SIZE + 7], 1);
    }
    let (Ok(Request::CreateCollection(c)), Ok(Response::DescribeCollection(info))) =
        (decode_request(&create), decode_response(&describe))
    else {
        panic!("golden frames decode");
    };
    assert!(c.read_replicas && info.read_replicas);

    let body = &create[FRAME_HEADER_SIZE..];
    let plain = CreateCollection {
        read_replicas: false,
        ..c
    };
    assert_eq!(Request::CreateCollection(plain).features_needed(), 0);
    for bits in [2u8, 4, 0x80, 0xff] {
        assert_eq!(
            Request::decode(Opcode::CreateCollection, &flags_set(body, bits)),
            Err(Error::InvalidArgument("reserved create flag bits set")),
            "{bits:#x}"
        );
    }
    let body = &describe[FRAME_HEADER_SIZE..];
    for bits in [2u8, 0x80] {
        assert_eq!(
            Response::decode(Opcode::DescribeCollection, &flags_set(body, bits)),
            Err(Error::Malformed("reserved collection info flag bits set")),
            "{bits:#x}"
        );
    }
    // A connection without the feature gets the byte as it was: reserved, zero.
    assert!(!info.clone().for_features(0).read_replicas);
    assert!(
        !info
            .clone()
            .for_features(FEATURES_SUPPORTED & !FEATURE_READ_REPLICAS)
            .read_replicas
    );
    assert!(
        info.clone()
            .for_features(FEATURE_READ_REPLICAS)
            .read_replicas
    );
    let mut old = Vec::new();
    Response::DescribeCollection(info.for_features(0))
        .encode(RequestId(30), Opcode::DescribeCollection.as_u8(), &mut old)
        .unwrap();
    assert_eq!(old[FRAME_HEADER_SIZE + 7], 0);
}

#[test]
fn search_max_distance_layout_and_errors() {
    let golden = golden_frames()
        .into_iter()
        .find(|(name, _)| *name == "search_max_distance_request")
        .map(|(_, bytes)| bytes)
        .unwrap();
    let body = &golden[FRAME_HEADER_SIZE..];
    assert_eq!(
        &body[8..12],
        &(SearchFlags::EXACT | SearchFlags::HAS_MAX_DISTANCE).to_le_bytes()
    );
    assert_eq!(&body[20..24], &0.5f32.to_bits().to_le_bytes());
    let Ok(Request::Search(search)) = decode_request(&golden) else {
        panic!("golden search decodes");
    };
    assert_eq!(search.max_distance, Some(0.5));
    // 0.0 and negative bounds are bounds (dot products are negative distances).
    for max in [0.0f32, -0.0, -3.5] {
        let request = Request::Search(Search {
            max_distance: Some(max),
            ..search
        });
        let frame = request_frame(3, &request);
        let Ok(Request::Search(back)) = decode_request(&frame) else {
            panic!("{max} round-trips");
        };
        assert_eq!(back.max_distance.map(f32::to_bits), Some(max.to_bits()));
    }
    // Not finite: refused by the encoder, and by the decoder.
    for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
        let request = Request::Search(Search {
            max_distance: Some(bad),
            ..search
        });
        let mut out = Vec::new();
        assert_eq!(
            request.encode(RequestId(1), &mut out),
            Err(Error::InvalidArgument("max_distance must be finite"))
        );
        let mut body = body.to_vec();
        body[20..24].copy_from_slice(&bad.to_bits().to_le_bytes());
        assert_eq!(
            Request::decode(Opcode::Search, &body),
            Err(Error::InvalidArgument("max_distance must be finite"))
        );
    }
    // Without the flag the field must be zero.
    let mut body = body.to_vec();
    body[8..12].copy_from_slice(&SearchFlags::EXACT.to_le_bytes());
    assert_eq!(
        Request::decode(Opcode::Search, &body),
        Err(Error::Malformed("search reserved"))
    );
}

#[test]
fn filter_over_the_old_label_limit_needs_groups() {
    let labels: Vec<u64> = (0..=u64::from(FILTER_LABELS_MAX_WITHOUT_GROUPS)).collect();
    let filter = |n: usize| FilterRef {
        all_of: IdsRef::new(&[]),
        any_of: IdsRef::new(&labels[..n]),
        any_groups: IdsRef::new(&[]),
        none_of: IdsRef::new(&[]),
    };
    let at_limit = FILTER_LABELS_MAX_WITHOUT_GROUPS as usize;
    assert_eq!(filter(at_limit).features_needed(), FEATURE_LABELS);
    assert_eq!(
        filter(at_limit + 1).features_needed(),
        FEATURE_LABELS | FEATURE_FILTER_GROUPS
    );
    // One group written with an explicit size is the new form: an old peer refuses it.
    let sized = FilterRef {
        any_groups: IdsRef::new(&[2]),
        ..filter(2)
    };
    assert_eq!(
        sized.features_needed(),
        FEATURE_LABELS | FEATURE_FILTER_GROUPS
    );
}

#[test]
fn error_frame_for_unknown_opcode_round_trips() {
    let mut out = Vec::new();
    encode_error(
        &mut out,
        RequestId(5),
        0xEE,
        ErrorCode::UnknownOpcode,
        "unknown opcode 0xee",
    )
    .expect("encode");
    let frame = Frame::parse(&out).expect("parse");
    assert_eq!(frame.header.opcode, 0xEE);
    assert_eq!(
        Response::decode_frame(&frame),
        Ok(Response::Error(ErrorResponse {
            code: ErrorCode::UnknownOpcode,
            message: "unknown opcode 0xee".into()
        }))
    );
}

#[test]
fn long_error_messages_are_truncated_on_a_char_boundary() {
    let message = "é".repeat(ERROR_MESSAGE_BYTES_MAX); // 2 bytes each
    let mut out = Vec::new();
    encode_error(&mut out, RequestId(1), 1, ErrorCode::Internal, &message).expect("encode");
    let Ok(Response::Error(e)) = decode_response(&out) else {
        panic!("not an error")
    };
    assert_eq!(e.message.len(), ERROR_MESSAGE_BYTES_MAX);
    assert!(encode_error(&mut out, RequestId(1), 1, ErrorCode::Ok, "").is_err());
}

#[test]
fn error_codes_are_stable() {
    for (value, code) in ErrorCode::ALL.iter().enumerate() {
        assert_eq!(usize::from(code.as_u16()), value);
        assert_eq!(ErrorCode::from_u16(code.as_u16()), *code);
    }
    assert_eq!(ErrorCode::Busy.as_u16(), 9);
    assert_eq!(ErrorCode::Internal.as_u16(), 22);
    assert_eq!(ErrorCode::from_u16(999), ErrorCode::Unknown);
}

/// Build a request frame with an arbitrary body (valid CRCs).
fn raw_frame(opcode: u8, flags: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    Frame::encode_into(&mut out, opcode, flags, RequestId(1), body).expect("small");
    out
}

fn upsert_body(count: u32, dim: u32, name: &str, tail: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&count.to_le_bytes());
    b.extend_from_slice(&dim.to_le_bytes());
    b.push(u8::try_from(name.len()).expect("short"));
    b.extend_from_slice(name.as_bytes());
    while b.len() % 8 != 0 {
        b.push(0);
    }
    b.extend_from_slice(tail);
    b
}

#[test]
fn malformed_bodies_are_typed_errors() {
    let op = Opcode::Upsert;
    let one = [0u8; 8 + 4]; // id + one f32 (dim 1)
    assert!(matches!(
        Request::decode(op, &upsert_body(1, 1, "docs", &one)),
        Ok(Request::Upsert(_))
    ));
    // Bytes after the vectors start a payload section; one byte is a truncated one.
    let mut long = one.to_vec();
    long.push(0);
    assert_eq!(
        Request::decode(op, &upsert_body(1, 1, "docs", &long)),
        Err(Error::Malformed("payload lengths"))
    );
    // Count does not match length (truncated).
    assert!(matches!(
        Request::decode(op, &upsert_body(2, 1, "docs", &one)),
        Err(Error::Malformed(_))
    ));
    // Absurd count: rejected before any slicing or allocation.
    assert_eq!(
        Request::decode(op, &upsert_body(u32::MAX, 1, "docs", &one)),
        Err(Error::BatchTooLarge {
            count: u32::MAX,
            max: BATCH_VECTORS_MAX
        })
    );
    // Absurd dim.
    assert!(matches!(
        Request::decode(op, &upsert_body(1, 5000, "docs", &one)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        Request::decode(op, &upsert_body(1, 0, "docs", &one)),
        Err(Error::InvalidArgument(_))
    ));
    // Bad names.
    assert!(matches!(
        Request::decode(op, &upsert_body(1, 1, "a b", &one)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        Request::decode(op, &upsert_body(1, 1, "", &one)),
        Err(Error::InvalidArgument(_))
    ));
    // Non-zero padding after the name.
    let mut bad_pad = upsert_body(1, 1, "docs", &one);
    bad_pad[14] = 1;
    assert!(matches!(
        Request::decode(op, &bad_pad),
        Err(Error::Malformed(_))
    ));
    // NaN.
    let mut nan = [0u8; 12];
    nan[8..].copy_from_slice(&f32::NAN.to_le_bytes());
    assert_eq!(
        Request::decode(op, &upsert_body(1, 1, "docs", &nan)),
        Err(Error::InvalidVector { vector_index: 0 })
    );
    // Empty bodies where fields are expected, and bytes where none are.
    for op in Opcode::ALL {
        let r = Request::decode(op, &[]);
        let empty_ok = matches!(op, Opcode::Ping | Opcode::ListCollections | Opcode::Stats);
        assert_eq!(r.is_ok(), empty_ok, "{op:?}");
        if empty_ok {
            assert_eq!(
                Request::decode(op, &[0]),
                Err(Error::Malformed("trailing bytes after body"))
            );
        }
    }
}

#[test]
fn search_limits() {
    let mut buf = Vec::new();
    let search = |k: u32, count: usize| Search {
        collection: "c",
        k,
        expansion_search: 0,
        flags: SearchFlags::default(),
        queries: VectorsRef::new(&[0.0f32; 8][..count], 1),
        filter: None,
        max_distance: None,
    };
    assert_eq!(
        Request::Search(search(0, 1)).encode(RequestId(1), &mut buf),
        Err(Error::InvalidArgument("k must be 1..=1024"))
    );
    assert!(buf.is_empty(), "failed encode leaves the buffer unchanged");
    assert!(Request::Search(search(K_MAX + 1, 1))
        .encode(RequestId(1), &mut buf)
        .is_err());
    assert!(Request::Search(search(1, 0))
        .encode(RequestId(1), &mut buf)
        .is_err());
    assert!(Request::Search(search(K_MAX, 8))
        .encode(RequestId(1), &mut buf)
        .is_ok());
    // Reserved search flags.
    let mut frame = buf.clone();
    frame[32 + 8] = 0x80;
    let body = frame[32..].to_vec();
    assert_eq!(
        Request::decode(Opcode::Search, &body),
        Err(Error::InvalidArgument("reserved search flag bits set"))
    );
}

#[test]
fn frame_level_request_errors_are_not_fatal() {
    let unknown = raw_frame(0xEE, 0, b"");
    let e = decode_request(&unknown).expect_err("unknown opcode");
    assert_eq!(e, Error::UnknownOpcode(0xEE));
    assert!(!e.is_fatal());
    assert_eq!(e.code(), ErrorCode::UnknownOpcode);

    let response_flag = raw_frame(Opcode::Ping.as_u8(), FLAG_RESPONSE, b"");
    assert!(matches!(
        decode_request(&response_flag),
        Err(Error::Malformed(_))
    ));
    let reserved = raw_frame(Opcode::Ping.as_u8(), 0x10, b"");
    assert_eq!(decode_request(&reserved), Err(Error::ReservedBits));
    assert!(matches!(
        decode_response(&raw_frame(Opcode::Ping.as_u8(), 0, b"")),
        Err(Error::Malformed(_))
    ));
}

#[test]
fn response_decoders_bound_allocation() {
    // LIST announcing 65,536 collections in a 16-byte body: refused before Vec::with_capacity.
    let mut body = 65_536u32.to_le_bytes().to_vec();
    body.extend_from_slice(&[0; 12]);
    assert!(matches!(
        Response::decode(Opcode::ListCollections, &body),
        Err(Error::Malformed(_))
    ));
    let mut body = u32::MAX.to_le_bytes().to_vec();
    body.extend_from_slice(&[0; 4]);
    assert!(matches!(
        Response::decode(Opcode::Stats, &body),
        Err(Error::Malformed(_))
    ));
    // SEARCH counts that disagree with the hit bytes.
    let mut body = Vec::new();
    body.extend_from_slice(&1u32.to_le_bytes());
    body.extend_from_slice(&0u32.to_le_bytes());
    body.extend_from_slice(&3u32.to_le_bytes());
    body.extend_from_slice(&[0; 4]);
    body.extend_from_slice(&[0; 24]); // 2 hits, not 3
    assert!(matches!(
        Response::decode(Opcode::Search, &body),
        Err(Error::Malformed(_))
    ));
}

#[test]
fn get_response_iterates_in_request_order() {
    let floats = [1.0f32, 2.0, 3.0, 4.0];
    let g = GetResponse {
        found: vec![false, true, false, true],
        vectors: VectorsRef::new(&floats, 2),
        payloads: None,
        labels: None,
    };
    let got: Vec<Option<Vec<f32>>> = g.iter().map(|v| v.map(|v| v.to_vec())).collect();
    assert_eq!(
        got,
        vec![None, Some(vec![1.0, 2.0]), None, Some(vec![3.0, 4.0])]
    );
}

// ---------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------

fn upsert_with<'a>(
    ids: &'a [u64],
    vectors: &'a [f32],
    payloads: Option<&'a [&'a [u8]]>,
) -> Request<'a> {
    Request::Upsert(Upsert {
        collection: "docs",
        ids: IdsRef::new(ids),
        vectors: VectorsRef::new(vectors, 1),
        payloads: payloads.map(PayloadsRef::new),
        labels: None,
    })
}

fn body_of(request: &Request<'_>) -> Vec<u8> {
    let mut body = Vec::new();
    request.encode_body(&mut body).expect("valid request");
    body
}

#[test]
fn upsert_payload_section_present_absent_and_empty() {
    let ids = [1u64, 2, 3];
    let vectors = [1.0f32, 2.0, 3.0];
    let without = upsert_with(&ids, &vectors, None);
    let without_body = body_of(&without);
    assert_eq!(Request::decode(Opcode::Upsert, &without_body), Ok(without));

    // All payloads empty: still a section (three zero lengths), decoded as Some.
    let empty: [&[u8]; 3] = [b"", b"", b""];
    let all_empty = upsert_with(&ids, &vectors, Some(&empty));
    let body = body_of(&all_empty);
    // vectors end at 24 + 24 + 12 = 60; 12 bytes of lengths, 0 of padding, 0 of payload bytes.
    assert_eq!(body.len(), without_body.len() + 12);
    let Ok(Request::Upsert(decoded)) = Request::decode(Opcode::Upsert, &body) else {
        panic!("decode")
    };
    assert_eq!(decoded.payloads.map(|p| p.to_vec()), Some(vec![vec![]; 3]));
    assert_eq!(Request::Upsert(decoded), all_empty);

    // A maximal payload next to small ones.
    let max = vec![0x5Au8; PAYLOAD_BYTES_MAX as usize];
    let mixed: [&[u8]; 3] = [b"a", &max, b""];
    let request = upsert_with(&ids, &vectors, Some(&mixed));
    let frame = request_frame(9, &request);
    assert_eq!(decode_request(&frame), Ok(request));
}

#[test]
fn oversized_payloads_are_invalid_argument() {
    let ids = [1u64, 2];
    let vectors = [1.0f32, 2.0];
    let over = vec![0u8; PAYLOAD_BYTES_MAX as usize + 1];
    let payloads: [&[u8]; 2] = [b"ok", &over];
    let mut out = Vec::new();
    let e = upsert_with(&ids, &vectors, Some(&payloads))
        .encode(RequestId(1), &mut out)
        .expect_err("too large");
    assert_eq!(
        e,
        Error::PayloadTooLarge {
            point_index: 1,
            bytes: PAYLOAD_BYTES_MAX + 1,
            max: PAYLOAD_BYTES_MAX
        }
    );
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert!(!e.is_fatal());
    assert!(e.to_string().contains("point 1") && e.to_string().contains("65536"));
    assert!(out.is_empty(), "failed encode leaves the buffer unchanged");

    // The same on the decode side: a hand-made section whose second length is one too many.
    let small: [&[u8]; 2] = [b"ok", b""];
    let mut body = body_of(&upsert_with(&ids, &vectors, Some(&small)));
    // Vectors end at 8 + 8 + 16 + 8 = 40: 2 lengths, no padding, 2 payload bytes.
    let lengths_at = body.len() - 2 - 8;
    assert_eq!(lengths_at, 40);
    body[lengths_at + 4..lengths_at + 8].copy_from_slice(&(PAYLOAD_BYTES_MAX + 1).to_le_bytes());
    let e = Request::decode(Opcode::Upsert, &body).expect_err("too large");
    assert!(matches!(e, Error::PayloadTooLarge { point_index: 1, .. }));
    assert_eq!(e.code(), ErrorCode::InvalidArgument);

    // Payload count must match the ids.
    let one: [&[u8]; 1] = [b"x"];
    assert_eq!(
        upsert_with(&ids, &vectors, Some(&one)).encode(RequestId(1), &mut out),
        Err(Error::InvalidArgument(
            "upsert needs exactly one payload per id"
        ))
    );
}

#[test]
fn malformed_payload_sections_are_rejected() {
    let ids = [1u64];
    let vectors = [1.0f32];
    let payloads: [&[u8]; 1] = [b"abc"];
    let body = body_of(&upsert_with(&ids, &vectors, Some(&payloads)));
    let vectors_end = body_of(&upsert_with(&ids, &vectors, None)).len();
    // vectors end at 4 mod 8: 4 bytes of lengths, then the bytes (already 8-aligned).
    assert_eq!(body.len(), vectors_end + 4 + 3);
    // Truncated anywhere inside the section.
    for cut in vectors_end + 1..body.len() {
        assert!(
            matches!(
                Request::decode(Opcode::Upsert, &body[..cut]),
                Err(Error::Malformed(_))
            ),
            "cut {cut}"
        );
    }
    // Bytes after the last payload start a label section (no trailing padding allowed): one
    // byte is a truncated one.
    let mut long = body.clone();
    long.push(0);
    assert_eq!(
        Request::decode(Opcode::Upsert, &long),
        Err(Error::Malformed("label padding"))
    );

    // Two points of dim 1 end at 8 + 8 + 16 + 8 = 40; lengths end at 48: no padding. One
    // point of dim 2: 8 + 8 + 8 + 8 = 32, lengths end at 36, 4 bytes of padding.
    let request = Request::Upsert(Upsert {
        collection: "docs",
        ids: IdsRef::new(&[7]),
        vectors: VectorsRef::new(&[1.0, 2.0], 2),
        payloads: Some(PayloadsRef::new(&payloads)),
        labels: None,
    });
    let body = body_of(&request);
    assert_eq!(body.len(), 36 + 4 + 3);
    assert_eq!(&body[36..40], &[0; 4]);
    for at in 36..40 {
        let mut bad = body.clone();
        bad[at] = 1;
        assert_eq!(
            Request::decode(Opcode::Upsert, &bad),
            Err(Error::Malformed("payload padding")),
            "padding byte {at}"
        );
    }
    // A section truncated inside its padding.
    assert!(matches!(
        Request::decode(Opcode::Upsert, &body[..38]),
        Err(Error::Malformed(_))
    ));
}

#[test]
fn get_and_delete_flags() {
    let get = Request::Get(IdsRequest {
        collection: "docs",
        ids: IdsRef::new(&[1, 2]),
        with_payloads: true,
        with_labels: false,
    });
    let body = body_of(&get);
    assert_eq!(&body[4..8], &IdsRequest::WITH_PAYLOADS.to_le_bytes());
    assert_eq!(Request::decode(Opcode::Get, &body), Ok(get));
    // The same body as a DELETE: no flags allowed.
    assert_eq!(
        Request::decode(Opcode::Delete, &body),
        Err(Error::InvalidArgument("DELETE takes no flags"))
    );
    // Reserved bits, GET or DELETE (bit 1 is WITH_LABELS, GET only).
    for (bits, op) in [
        (4u32, Opcode::Get),
        (0x8000_0000, Opcode::Get),
        (2, Opcode::Delete),
        (4, Opcode::Delete),
    ] {
        let mut bad = body.clone();
        bad[4..8].copy_from_slice(&bits.to_le_bytes());
        let e = Request::decode(op, &bad).expect_err("reserved bits");
        assert_eq!(e.code(), ErrorCode::InvalidArgument, "{bits:#x} {op:?}");
    }
    // Encoding a DELETE with the flag is refused before anything is written.
    let mut out = Vec::new();
    let delete = Request::Delete(IdsRequest {
        collection: "docs",
        ids: IdsRef::new(&[1]),
        with_payloads: true,
        with_labels: false,
    });
    assert_eq!(
        delete.encode(RequestId(1), &mut out),
        Err(Error::InvalidArgument("DELETE takes no flags"))
    );
    assert!(out.is_empty());
}

#[test]
fn search_with_payloads_flag() {
    let flags = SearchFlags {
        exact: true,
        allow_partial: false,
        with_payloads: true,
    };
    assert_eq!(
        flags.bits(),
        SearchFlags::EXACT | SearchFlags::WITH_PAYLOADS
    );
    assert_eq!(SearchFlags::from_bits(flags.bits()), Ok(flags));
    assert_eq!(SearchFlags::WITH_PAYLOADS, 4);
    assert!(SearchFlags::from_bits(8).is_err());
}

#[test]
fn get_response_payloads() {
    let floats = [1.0f32, 2.0, 3.0, 4.0];
    let payloads: [&[u8]; 2] = [b"first", b""];
    let response = GetResponse {
        found: vec![false, true, false, true],
        vectors: VectorsRef::new(&floats, 2),
        payloads: Some(PayloadsRef::new(&payloads)),
        labels: None,
    };
    assert_eq!(
        response.iter_payloads().collect::<Vec<_>>(),
        vec![None, Some(&b"first"[..]), None, Some(&b""[..])]
    );
    let mut body = Vec::new();
    Response::Get(response.clone())
        .encode_body(&mut body)
        .expect("encode");
    assert_eq!(
        Response::decode(Opcode::Get, &body),
        Ok(Response::Get(response.clone()))
    );
    // Without the section.
    let plain = GetResponse {
        payloads: None,
        ..response.clone()
    };
    let mut plain_body = Vec::new();
    Response::Get(plain.clone())
        .encode_body(&mut plain_body)
        .expect("encode");
    assert_eq!(
        Response::decode(Opcode::Get, &plain_body),
        Ok(Response::Get(plain.clone()))
    );
    assert!(plain.iter_payloads().all(|p| p.is_none()));
    // Truncated sections.
    for cut in plain_body.len() + 1..body.len() {
        assert!(
            matches!(
                Response::decode(Opcode::Get, &body[..cut]),
                Err(Error::Malformed(_))
            ),
            "cut {cut}"
        );
    }
    // Wrong payload count on encode.
    let wrong = GetResponse {
        payloads: Some(PayloadsRef::new(&payloads[..1])),
        ..response
    };
    assert_eq!(
        Response::Get(wrong).encode_body(&mut Vec::new()),
        Err(Error::InvalidArgument("get: one payload per found id"))
    );
    // No id found: the section is empty on the wire and decodes as None.
    let none_found = GetResponse {
        found: vec![false, false],
        vectors: VectorsRef::empty(2),
        payloads: Some(PayloadsRef::new(&[])),
        labels: None,
    };
    let mut body = Vec::new();
    Response::Get(none_found.clone())
        .encode_body(&mut body)
        .expect("encode");
    assert_eq!(
        Response::decode(Opcode::Get, &body),
        Ok(Response::Get(GetResponse {
            payloads: None,
            ..none_found
        }))
    );
}

fn search_response_body(response: &SearchResponse) -> Vec<u8> {
    let mut body = Vec::new();
    Response::Search(response.clone())
        .encode_body(&mut body)
        .expect("encode");
    body
}

#[test]
fn search_response_payloads() {
    let hit = |id| Hit { id, distance: 1.0 };
    let response = SearchResponse {
        partial: true,
        results: vec![vec![hit(1), hit(2)], vec![], vec![hit(3)]],
        payloads: Some(vec![
            vec![b"one".to_vec(), Vec::new()],
            vec![],
            vec![vec![3; PAYLOAD_BYTES_MAX as usize]],
        ]),
    };
    let body = search_response_body(&response);
    assert_eq!(
        &body[4..8],
        &(SearchResponse::PARTIAL | SearchResponse::HAS_PAYLOADS).to_le_bytes()
    );
    assert_eq!(
        Response::decode(Opcode::Search, &body),
        Ok(Response::Search(response.clone()))
    );
    let plain = SearchResponse {
        payloads: None,
        ..response.clone()
    };
    let plain_body = search_response_body(&plain);
    assert_eq!(
        Response::decode(Opcode::Search, &plain_body),
        Ok(Response::Search(plain.clone()))
    );

    // HAS_PAYLOADS set but no section (or a truncated one): Malformed.
    let mut flag_only = plain_body.clone();
    flag_only[4..8]
        .copy_from_slice(&(SearchResponse::PARTIAL | SearchResponse::HAS_PAYLOADS).to_le_bytes());
    assert!(matches!(
        Response::decode(Opcode::Search, &flag_only),
        Err(Error::Malformed(_))
    ));
    for cut in plain_body.len()..body.len() {
        assert!(
            matches!(
                Response::decode(Opcode::Search, &body[..cut]),
                Err(Error::Malformed(_))
            ),
            "cut {cut}"
        );
    }
    // A section without HAS_PAYLOADS: Malformed (the body must end after the distances).
    let mut section_only = body.clone();
    section_only[4..8].copy_from_slice(&SearchResponse::PARTIAL.to_le_bytes());
    assert!(matches!(
        Response::decode(Opcode::Search, &section_only),
        Err(Error::Malformed(_))
    ));
    // Reserved response flags.
    let mut reserved = plain_body.clone();
    reserved[4] |= 4;
    assert!(matches!(
        Response::decode(Opcode::Search, &reserved),
        Err(Error::Malformed(_))
    ));
    // An oversized payload, by hit index over all queries.
    let mut big = body.clone();
    let lengths_at = plain_body.len();
    big[lengths_at + 8..lengths_at + 12].copy_from_slice(&(PAYLOAD_BYTES_MAX + 1).to_le_bytes());
    let e = Response::decode(Opcode::Search, &big).expect_err("too large");
    assert!(matches!(e, Error::PayloadTooLarge { point_index: 2, .. }));
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    let too_big = SearchResponse {
        payloads: Some(vec![
            vec![Vec::new(), Vec::new()],
            vec![],
            vec![vec![0; PAYLOAD_BYTES_MAX as usize + 1]],
        ]),
        ..response.clone()
    };
    assert!(matches!(
        Response::Search(too_big).encode_body(&mut Vec::new()),
        Err(Error::PayloadTooLarge { point_index: 2, .. })
    ));
    // Shape must match the results.
    let misshapen = SearchResponse {
        payloads: Some(vec![vec![Vec::new(), Vec::new()], vec![]]),
        ..response
    };
    assert_eq!(
        Response::Search(misshapen).encode_body(&mut Vec::new()),
        Err(Error::InvalidArgument("search: one payload per hit"))
    );
    // No hits at all: HAS_PAYLOADS with an empty section round-trips as Some.
    let no_hits = SearchResponse {
        partial: false,
        results: vec![vec![], vec![]],
        payloads: Some(vec![vec![], vec![]]),
    };
    assert_eq!(
        Response::decode(Opcode::Search, &search_response_body(&no_hits)),
        Ok(Response::Search(no_hits))
    );
}

// ---------------------------------------------------------------------------------------------
// SET_PAYLOAD
// ---------------------------------------------------------------------------------------------

fn set_payload<'a>(ids: &'a [u64], payloads: &'a [&'a [u8]]) -> Request<'a> {
    Request::SetPayload(SetPayload {
        collection: "docs",
        ids: IdsRef::new(ids),
        payloads: PayloadsRef::new(payloads),
    })
}

/// Every prefix of the `op` request `body` from `from` bytes on (the whole body excluded) is
/// refused as malformed, never a panic.
fn assert_request_prefixes_malformed(op: Opcode, body: &[u8], from: usize) {
    for cut in from..body.len() {
        let e = Request::decode(op, &body[..cut]).expect_err("truncated");
        assert!(matches!(e, Error::Malformed(_)), "cut {cut}: {e:?}");
    }
}

/// `op`'s byte, name, place in `Opcode::ALL`, decoding from its byte and retry class.
fn assert_opcode(op: Opcode, byte: u8, name: &str, idempotent_read: bool) {
    assert_eq!(op.as_u8(), byte);
    assert_eq!(op.name(), name);
    assert!(Opcode::ALL.contains(&op));
    assert_eq!(Opcode::try_from(byte), Ok(op));
    assert_eq!(
        op.is_idempotent_read(),
        idempotent_read,
        "reads are retried after connection errors, writes never automatically"
    );
}

/// A response variant must match the opcode it answers: `response` is refused as `other`'s.
fn assert_answers_only_its_opcode(response: &Response<'_>, other: Opcode) {
    assert_eq!(
        response.encode(RequestId(1), other.as_u8(), &mut Vec::new()),
        Err(Error::InvalidArgument(
            "response variant does not match the opcode"
        ))
    );
}

/// `op`'s WRITE_ACK has the same 16-byte body as `other`'s and decodes back as `op`'s answer.
fn assert_write_ack_like(op: Opcode, ack: &Response<'_>, other: &Response<'_>) {
    assert_eq!(ack.opcode(), Some(op));
    let mut body = Vec::new();
    ack.encode_body(&mut body).expect("encode");
    let mut other_body = Vec::new();
    other.encode_body(&mut other_body).expect("encode");
    assert_eq!(body, other_body);
    assert_eq!(Response::decode(op, &body).as_ref(), Ok(ack));
}

#[test]
fn set_payload_opcode() {
    assert_opcode(Opcode::SetPayload, 0x23, "SET_PAYLOAD", false);
    let payloads: [&[u8]; 1] = [b"x"];
    assert_eq!(set_payload(&[1], &payloads).opcode(), Opcode::SetPayload);
    let ack = Response::SetPayload(WriteAck {
        count: 0,
        lsn: None,
    });
    // The same 16-byte body as DELETE's ack.
    let delete = Response::Delete(WriteAck {
        count: 0,
        lsn: None,
    });
    assert_write_ack_like(Opcode::SetPayload, &ack, &delete);
    assert_answers_only_its_opcode(&ack, Opcode::Delete);
}

#[test]
fn set_payload_layout() {
    // One id: the ids end at 24, the length at 28, then 4 bytes of padding to 32.
    let payloads: [&[u8]; 1] = [b"abc"];
    let body = body_of(&set_payload(&[9], &payloads));
    assert_eq!(
        &body[0..8],
        &[1, 0, 0, 0, 0, 0, 0, 0],
        "count 1, reserved 0"
    );
    assert_eq!(&body[16..24], &9u64.to_le_bytes());
    assert_eq!(&body[24..28], &3u32.to_le_bytes());
    assert_eq!(&body[28..32], &[0; 4]);
    assert_eq!(&body[32..], b"abc");
    assert_eq!(
        Request::decode(Opcode::SetPayload, &body),
        Ok(set_payload(&[9], &payloads))
    );
    // Zero ids: the (empty) section is still there and the body ends after the NAME.
    let none = set_payload(&[], &[]);
    let body = body_of(&none);
    assert_eq!(body.len(), 16);
    assert_eq!(Request::decode(Opcode::SetPayload, &body), Ok(none));
    // All payloads empty (= clear them): lengths and padding, no bytes.
    let empty: [&[u8]; 3] = [b"", b"", b""];
    let request = set_payload(&[1, 2, 3], &empty);
    let body = body_of(&request);
    assert_eq!(body.len(), 16 + 24 + 12 + 4);
    let Ok(Request::SetPayload(decoded)) = Request::decode(Opcode::SetPayload, &body) else {
        panic!("decode")
    };
    assert_eq!(decoded.payloads.to_vec(), vec![Vec::<u8>::new(); 3]);
    assert_eq!(decoded.ids.to_vec(), vec![1, 2, 3]);
    // A maximal payload round-trips through a whole frame.
    let max = vec![0x5Au8; PAYLOAD_BYTES_MAX as usize];
    let mixed: [&[u8]; 2] = [&max, b"z"];
    let request = set_payload(&[4, 4], &mixed);
    assert_eq!(decode_request(&request_frame(3, &request)), Ok(request));
}

#[test]
fn set_payload_encoder_refuses_bad_requests() {
    let mut out = Vec::new();
    let one: [&[u8]; 1] = [b"x"];
    assert_eq!(
        set_payload(&[1, 2], &one).encode(RequestId(1), &mut out),
        Err(Error::InvalidArgument(
            "set_payload needs exactly one payload per id"
        ))
    );
    let over = vec![0u8; PAYLOAD_BYTES_MAX as usize + 1];
    let payloads: [&[u8]; 2] = [b"ok", &over];
    let e = set_payload(&[1, 2], &payloads)
        .encode(RequestId(1), &mut out)
        .expect_err("too large");
    assert_eq!(
        e,
        Error::PayloadTooLarge {
            point_index: 1,
            bytes: PAYLOAD_BYTES_MAX + 1,
            max: PAYLOAD_BYTES_MAX
        }
    );
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    let bad_name = Request::SetPayload(SetPayload {
        collection: "a b",
        ids: IdsRef::new(&[1]),
        payloads: PayloadsRef::new(&one),
    });
    assert!(matches!(
        bad_name.encode(RequestId(1), &mut out),
        Err(Error::InvalidArgument(_))
    ));
    let ids = vec![0u64; BATCH_IDS_MAX as usize + 1];
    let empties: Vec<&[u8]> = vec![b""; ids.len()];
    assert_eq!(
        set_payload(&ids, &empties).encode(RequestId(1), &mut out),
        Err(Error::BatchTooLarge {
            count: BATCH_IDS_MAX + 1,
            max: BATCH_IDS_MAX
        })
    );
    assert!(out.is_empty(), "failed encodes leave the buffer unchanged");
}

/// The checks SET_PAYLOAD and SET_LABELS share (`count | reserved | NAME | ids | section`,
/// answered by a WRITE_ACK): on a valid two-id `body`, a non-zero reserved field, an absurd
/// or disagreeing count, a bad name, and the acknowledgement's layout (built by `ack`).
fn ids_write_header_and_ack_checks(
    op: Opcode,
    body: &[u8],
    reserved: &'static str,
    ack: fn(WriteAck) -> Response<'static>,
) {
    let body = body.to_vec();
    // Reserved field non-zero: Malformed, whichever byte.
    for at in 4..8 {
        let mut bad = body.clone();
        bad[at] = 1;
        assert_eq!(
            Request::decode(op, &bad),
            Err(Error::Malformed(reserved)),
            "byte {at}"
        );
    }
    // Absurd count: refused before slicing or allocating.
    let mut absurd = body.clone();
    absurd[0..4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        Request::decode(op, &absurd),
        Err(Error::BatchTooLarge {
            count: u32::MAX,
            max: BATCH_IDS_MAX
        })
    );
    // A count that disagrees with the bytes present.
    let mut more = body.clone();
    more[0..4].copy_from_slice(&3u32.to_le_bytes());
    assert!(matches!(
        Request::decode(op, &more),
        Err(Error::Malformed(_))
    ));
    // Bad collection name.
    let mut bad_name = body.clone();
    bad_name[9] = b' ';
    assert!(matches!(
        Request::decode(op, &bad_name),
        Err(Error::InvalidArgument(_))
    ));
    // The response is a WRITE_ACK: 16 bytes exactly, flags checked.
    let expected = ack(WriteAck {
        count: 2,
        lsn: Some(5),
    });
    let mut ack = Vec::new();
    expected.encode_body(&mut ack).expect("encode");
    assert_eq!(Response::decode(op, &ack), Ok(expected));
    assert!(matches!(
        Response::decode(op, &ack[..15]),
        Err(Error::Malformed(_))
    ));
    let mut long_ack = ack.clone();
    long_ack.push(0);
    assert_eq!(
        Response::decode(op, &long_ack),
        Err(Error::Malformed("trailing bytes after body"))
    );
    let mut bad_flags = ack.clone();
    bad_flags[4] = 2;
    assert_eq!(
        Response::decode(op, &bad_flags),
        Err(Error::Malformed("write ack flags"))
    );
}

#[test]
fn set_payload_decode_errors() {
    let op = Opcode::SetPayload;
    let payloads: [&[u8]; 2] = [br#"{"a":1}"#, b""];
    let body = body_of(&set_payload(&[1, 7], &payloads));
    assert!(Request::decode(op, &body).is_ok());
    ids_write_header_and_ack_checks(op, &body, "set_payload reserved", Response::SetPayload);
    // The payload section is mandatory: a body that ends after the ids is refused.
    let ids_end = 16 + 16;
    assert_eq!(
        Request::decode(op, &body[..ids_end]),
        Err(Error::Malformed("payload lengths"))
    );
    // Every strict prefix is refused, never a panic.
    assert_request_prefixes_malformed(op, &body, 0);
    // An oversized payload length: InvalidArgument naming the point index.
    let mut big = body.clone();
    big[ids_end + 4..ids_end + 8].copy_from_slice(&(PAYLOAD_BYTES_MAX + 1).to_le_bytes());
    let e = Request::decode(op, &big).expect_err("too large");
    assert_eq!(
        e,
        Error::PayloadTooLarge {
            point_index: 1,
            bytes: PAYLOAD_BYTES_MAX + 1,
            max: PAYLOAD_BYTES_MAX
        }
    );
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert!(e.to_string().contains("point 1"), "{e}");
    // Trailing bytes after the last payload byte.
    let mut long = body.clone();
    long.push(0);
    assert_eq!(
        Request::decode(op, &long),
        Err(Error::Malformed("trailing bytes after body"))
    );
    // Non-zero padding (one id: 4 bytes of padding after its length).
    let one: [&[u8]; 1] = [b"abc"];
    let padded = body_of(&set_payload(&[1], &one));
    for at in 28..32 {
        let mut bad = padded.clone();
        bad[at] = 1;
        assert_eq!(
            Request::decode(op, &bad),
            Err(Error::Malformed("payload padding")),
            "byte {at}"
        );
    }
}

#[test]
fn zero_copy_vectors_when_aligned() {
    let floats: Vec<f32> = (0..64u16).map(f32::from).collect();
    let frame = request_frame(
        1,
        &Request::Search(Search {
            collection: "c",
            k: 1,
            expansion_search: 0,
            flags: SearchFlags::default(),
            queries: VectorsRef::new(&floats, 64),
            filter: None,
            max_distance: None,
        }),
    );
    // Copy into an 8-aligned buffer (a Vec<u64>'s allocation, viewed through to_ne_bytes).
    let words: Vec<u64> = frame
        .chunks(8)
        .map(|c| {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            u64::from_ne_bytes(w)
        })
        .collect();
    let mut aligned: Vec<u8> = Vec::with_capacity(words.len() * 8);
    for w in &words {
        aligned.extend_from_slice(&w.to_ne_bytes());
    }
    aligned.truncate(frame.len());
    let Ok(Request::Search(s)) = decode_request(&aligned) else {
        panic!("decode")
    };
    assert_eq!(s.queries.to_vec(), floats);
    if (aligned.as_ptr() as usize) % 4 == 0 {
        assert_eq!(s.queries.as_f32_slice(), Some(floats.as_slice()));
    }
}

// ---------------------------------------------------------------------------------------------
// Labels and filters
// ---------------------------------------------------------------------------------------------

fn labelled_upsert<'a>(
    ids: &'a [u64],
    vectors: &'a [f32],
    dim: u32,
    payloads: Option<&'a [&'a [u8]]>,
    labels: Option<&'a [&'a [u64]]>,
) -> Request<'a> {
    Request::Upsert(Upsert {
        collection: "docs",
        ids: IdsRef::new(ids),
        vectors: VectorsRef::new(vectors, dim),
        payloads: payloads.map(PayloadsRef::new),
        labels: labels.map(LabelsRef::new),
    })
}

#[test]
fn feature_and_limit_constants() {
    assert_eq!(FEATURE_LABELS, 2);
    assert_eq!(FEATURE_FILTER_GROUPS, 4);
    assert_eq!(FEATURE_MAX_DISTANCE, 8);
    assert_eq!(FEATURE_READ_REPLICAS, 16);
    assert_eq!(
        FEATURES_SUPPORTED,
        FEATURE_PAYLOADS
            | FEATURE_LABELS
            | FEATURE_FILTER_GROUPS
            | FEATURE_MAX_DISTANCE
            | FEATURE_READ_REPLICAS
    );
    assert_eq!(CreateCollection::READ_REPLICAS, 1);
    assert_eq!(CollectionInfo::READ_REPLICAS, 1);
    assert_eq!(LABELS_PER_POINT_MAX, 64);
    assert_eq!(FILTER_LABELS_MAX, 1024);
    assert_eq!(FILTER_GROUPS_MAX, 8);
    assert_eq!(IdsRequest::WITH_LABELS, 2);
    assert_eq!(SearchFlags::HAS_FILTER, 8);
}

#[test]
fn upsert_label_section_layout() {
    let ids = [1u64, 2, 3];
    let vectors = [1.0f32, 2.0, 3.0];
    let labels: [&[u64]; 3] = [&[4], &[], &[5, 6]];
    let payloads: [&[u8]; 3] = [b"a", b"", b"bc"];
    // Payloads and labels: vectors end at 52, lengths at 64, no padding, 3 payload bytes end at
    // 67, 5 bytes of padding to 72, counts end at 84, 4 bytes of padding to 88, 3 labels.
    let request = labelled_upsert(&ids, &vectors, 1, Some(&payloads), Some(&labels));
    let body = body_of(&request);
    assert_eq!(body.len(), 88 + 24);
    assert_eq!(&body[64..67], b"abc");
    assert_eq!(&body[67..72], &[0; 5]);
    assert_eq!(&body[72..84], &[1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0]);
    assert_eq!(&body[84..88], &[0; 4]);
    assert_eq!(&body[88..96], &4u64.to_le_bytes());
    assert_eq!(Request::decode(Opcode::Upsert, &body), Ok(request));

    // Labels without payloads: an all-empty payload section first (12 zero bytes of lengths),
    // which decodes as three empty payloads.
    let labels_only = labelled_upsert(&ids, &vectors, 1, None, Some(&labels));
    let body = body_of(&labels_only);
    assert_eq!(&body[52..64], &[0; 12]);
    assert_eq!(body.len(), 64 + 12 + 4 + 24);
    let Ok(Request::Upsert(decoded)) = Request::decode(Opcode::Upsert, &body) else {
        panic!("decode")
    };
    assert_eq!(decoded.payloads.map(|p| p.to_vec()), Some(vec![vec![]; 3]));
    assert_eq!(
        decoded.labels.map(|l| l.to_vec()),
        Some(vec![vec![4], vec![], vec![5, 6]])
    );
    let empties: [&[u8]; 3] = [b"", b"", b""];
    assert_eq!(
        Request::Upsert(decoded),
        labelled_upsert(&ids, &vectors, 1, Some(&empties), Some(&labels))
    );
    // ... which is byte for byte what an explicit all-empty payload section gives.
    assert_eq!(
        body_of(&labelled_upsert(
            &ids,
            &vectors,
            1,
            Some(&empties),
            Some(&labels)
        )),
        body
    );

    // All lists empty: still a section (zero counts), decoded as Some.
    let none: [&[u64]; 3] = [&[], &[], &[]];
    let request = labelled_upsert(&ids, &vectors, 1, Some(&payloads), Some(&none));
    let body = body_of(&request);
    let Ok(Request::Upsert(decoded)) = Request::decode(Opcode::Upsert, &body) else {
        panic!("decode")
    };
    assert_eq!(decoded.labels.map(|l| l.to_vec()), Some(vec![vec![]; 3]));

    // Maximal lists next to empty ones, through a whole frame.
    let max: Vec<u64> = (0..u64::from(LABELS_PER_POINT_MAX)).collect();
    let mixed: [&[u64]; 3] = [&max, &[], &max];
    let request = labelled_upsert(&ids, &vectors, 1, None, Some(&mixed));
    assert!(matches!(
        decode_request(&request_frame(9, &request)),
        Ok(Request::Upsert(Upsert { labels: Some(l), .. })) if l.to_vec() == [max.clone(), vec![], max.clone()]
    ));

    // Zero points: both sections are empty, so the request decodes without either.
    let empty = Request::Upsert(Upsert {
        collection: "docs",
        ids: IdsRef::new(&[]),
        vectors: VectorsRef::empty(1),
        payloads: None,
        labels: Some(LabelsRef::new(&[])),
    });
    let body = body_of(&empty);
    assert_eq!(body.len(), 16);
    assert!(matches!(
        Request::decode(Opcode::Upsert, &body),
        Ok(Request::Upsert(Upsert {
            payloads: None,
            labels: None,
            ..
        }))
    ));
}

#[test]
fn upsert_label_encoder_refuses_bad_requests() {
    let ids = [1u64, 2];
    let vectors = [1.0f32, 2.0];
    let mut out = Vec::new();
    let one: [&[u64]; 1] = [&[1]];
    assert_eq!(
        labelled_upsert(&ids, &vectors, 1, None, Some(&one)).encode(RequestId(1), &mut out),
        Err(Error::InvalidArgument(
            "upsert needs exactly one label list per id"
        ))
    );
    let over: Vec<u64> = (0..=u64::from(LABELS_PER_POINT_MAX)).collect();
    let lists: [&[u64]; 2] = [&[1], &over];
    let e = labelled_upsert(&ids, &vectors, 1, None, Some(&lists))
        .encode(RequestId(1), &mut out)
        .expect_err("too many");
    assert_eq!(
        e,
        Error::TooManyLabels {
            point_index: 1,
            count: LABELS_PER_POINT_MAX + 1,
            max: LABELS_PER_POINT_MAX
        }
    );
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert!(!e.is_fatal());
    assert!(e.to_string().contains("point 1"), "{e}");
    assert!(out.is_empty(), "failed encodes leave the buffer unchanged");
}

#[test]
fn upsert_label_section_decode_errors() {
    let op = Opcode::Upsert;
    let ids = [1u64, 2];
    let vectors = [1.0f32, 2.0, 3.0, 4.0];
    let payloads: [&[u8]; 2] = [b"abc", b""];
    let labels: [&[u64]; 2] = [&[9], &[]];
    // dim 2: vectors end at 48, lengths at 56, 3 payload bytes at 59, 5 bytes of padding to 64,
    // counts end at 72, no second padding, 1 label ends the body at 80.
    let body = body_of(&labelled_upsert(
        &ids,
        &vectors,
        2,
        Some(&payloads),
        Some(&labels),
    ));
    assert_eq!(body.len(), 80);
    let payloads_end = 59;
    assert!(Request::decode(op, &body).is_ok());
    // Cut exactly after the payload section: the same upsert without labels.
    assert!(matches!(
        Request::decode(op, &body[..payloads_end]),
        Ok(Request::Upsert(Upsert {
            labels: None,
            payloads: Some(_),
            ..
        }))
    ));
    // Truncated anywhere inside the label section: Malformed.
    for cut in payloads_end + 1..body.len() {
        let e = Request::decode(op, &body[..cut]).expect_err("truncated");
        assert!(matches!(e, Error::Malformed(_)), "cut {cut}: {e:?}");
    }
    // Non-zero padding before the counts.
    for at in payloads_end..64 {
        let mut bad = body.clone();
        bad[at] = 1;
        assert_eq!(
            Request::decode(op, &bad),
            Err(Error::Malformed("label padding")),
            "byte {at}"
        );
    }
    // A count over the limit: InvalidArgument naming the point index.
    let mut big = body.clone();
    big[68..72].copy_from_slice(&(LABELS_PER_POINT_MAX + 1).to_le_bytes());
    let e = Request::decode(op, &big).expect_err("too many");
    assert_eq!(
        e,
        Error::TooManyLabels {
            point_index: 1,
            count: LABELS_PER_POINT_MAX + 1,
            max: LABELS_PER_POINT_MAX
        }
    );
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    // Counts that disagree with the labels present (more, or fewer: trailing bytes).
    let mut more = body.clone();
    more[64..68].copy_from_slice(&2u32.to_le_bytes());
    assert_eq!(Request::decode(op, &more), Err(Error::Malformed("labels")));
    let mut fewer = body.clone();
    fewer[64..68].copy_from_slice(&0u32.to_le_bytes());
    assert_eq!(
        Request::decode(op, &fewer),
        Err(Error::Malformed("trailing bytes after body"))
    );
    let mut long = body.clone();
    long.extend_from_slice(&[0; 8]);
    assert_eq!(
        Request::decode(op, &long),
        Err(Error::Malformed("trailing bytes after body"))
    );
    // One point of dim 1: the counts end at 4 mod 8, so 4 bytes of padding before the labels.
    let one: [&[u64]; 1] = [&[3]];
    let body = body_of(&labelled_upsert(
        &ids[..1],
        &vectors[..1],
        1,
        None,
        Some(&one),
    ));
    // vectors end at 28, the length at 32, the count at 36, padding to 40, the label.
    assert_eq!(body.len(), 48);
    assert_eq!(&body[32..36], &1u32.to_le_bytes());
    for at in 36..40 {
        let mut bad = body.clone();
        bad[at] = 1;
        assert_eq!(
            Request::decode(op, &bad),
            Err(Error::Malformed("label padding")),
            "byte {at}"
        );
    }
}

#[test]
fn get_with_labels_flag() {
    let request = |with_payloads, with_labels| {
        Request::Get(IdsRequest {
            collection: "docs",
            ids: IdsRef::new(&[1, 2]),
            with_payloads,
            with_labels,
        })
    };
    for (with_payloads, with_labels, bits) in [
        (false, true, IdsRequest::WITH_LABELS),
        (
            true,
            true,
            IdsRequest::WITH_PAYLOADS | IdsRequest::WITH_LABELS,
        ),
    ] {
        let get = request(with_payloads, with_labels);
        let body = body_of(&get);
        assert_eq!(&body[4..8], &bits.to_le_bytes());
        assert_eq!(Request::decode(Opcode::Get, &body), Ok(get));
        // The same body as a DELETE: no flags allowed.
        assert_eq!(
            Request::decode(Opcode::Delete, &body),
            Err(Error::InvalidArgument("DELETE takes no flags"))
        );
    }
    let mut out = Vec::new();
    let delete = Request::Delete(IdsRequest {
        collection: "docs",
        ids: IdsRef::new(&[1]),
        with_payloads: false,
        with_labels: true,
    });
    assert_eq!(
        delete.encode(RequestId(1), &mut out),
        Err(Error::InvalidArgument("DELETE takes no flags"))
    );
    assert!(out.is_empty());
}

fn get_response_body(response: &GetResponse<'_>) -> Vec<u8> {
    let mut body = Vec::new();
    Response::Get(response.clone())
        .encode_body(&mut body)
        .expect("encode");
    body
}

#[test]
fn get_response_labels() {
    let floats = [1.0f32, 2.0, 3.0, 4.0];
    let payloads: [&[u8]; 2] = [b"first", b""];
    let labels: [&[u64]; 2] = [&[2, 3], &[]];
    let response = GetResponse {
        found: vec![false, true, false, true],
        vectors: VectorsRef::new(&floats, 2),
        payloads: Some(PayloadsRef::new(&payloads)),
        labels: Some(LabelsRef::new(&labels)),
    };
    assert_eq!(
        response
            .iter_labels()
            .map(|l| l.map(|l| l.to_vec()))
            .collect::<Vec<_>>(),
        vec![None, Some(vec![2, 3]), None, Some(vec![])]
    );
    let body = get_response_body(&response);
    assert_eq!(
        Response::decode(Opcode::Get, &body),
        Ok(Response::Get(response.clone()))
    );
    // Labels alone: the all-empty payload section comes first and decodes as empty payloads.
    let labels_only = GetResponse {
        payloads: None,
        ..response.clone()
    };
    let body = get_response_body(&labels_only);
    // found flags padded to 16, vectors end at 32, lengths at 40, counts at 48, 2 labels.
    assert_eq!(body.len(), 48 + 16);
    assert_eq!(&body[32..40], &[0; 8]);
    let Ok(Response::Get(decoded)) = Response::decode(Opcode::Get, &body) else {
        panic!("decode")
    };
    assert_eq!(decoded.payloads.map(|p| p.to_vec()), Some(vec![vec![]; 2]));
    assert_eq!(decoded.labels, labels_only.labels);
    assert!(decoded.iter_payloads().flatten().all(<[u8]>::is_empty));
    // Without labels, iter_labels yields None everywhere.
    let plain = GetResponse {
        labels: None,
        ..response.clone()
    };
    assert!(plain.iter_labels().all(|l| l.is_none()));
    // No id found: both sections are empty, the body ends after the vectors as before.
    let nothing = GetResponse {
        found: vec![false, false],
        vectors: VectorsRef::empty(2),
        payloads: None,
        labels: Some(LabelsRef::new(&[])),
    };
    let body = get_response_body(&nothing);
    assert_eq!(body.len(), 16);
    assert_eq!(
        Response::decode(Opcode::Get, &body),
        Ok(Response::Get(GetResponse {
            labels: None,
            ..nothing
        }))
    );
    // Wrong label count, or a list over the limit, on encode.
    let wrong = GetResponse {
        labels: Some(LabelsRef::new(&labels[..1])),
        ..response.clone()
    };
    assert_eq!(
        Response::Get(wrong).encode_body(&mut Vec::new()),
        Err(Error::InvalidArgument("get: one label list per found id"))
    );
    let over: Vec<u64> = (0..=u64::from(LABELS_PER_POINT_MAX)).collect();
    let too_many: [&[u64]; 2] = [&[], &over];
    let bad = GetResponse {
        labels: Some(LabelsRef::new(&too_many)),
        ..response.clone()
    };
    assert!(matches!(
        Response::Get(bad).encode(RequestId(1), Opcode::Get.as_u8(), &mut Vec::new()),
        Err(Error::TooManyLabels { point_index: 1, .. })
    ));
    // Decode errors: truncated, trailing, padding, count over the limit.
    let body = get_response_body(&response);
    let payload_end = get_response_body(&GetResponse {
        labels: None,
        ..response.clone()
    })
    .len();
    assert_eq!(payload_end, 45);
    for cut in payload_end + 1..body.len() {
        assert!(
            matches!(
                Response::decode(Opcode::Get, &body[..cut]),
                Err(Error::Malformed(_))
            ),
            "cut {cut}"
        );
    }
    let mut long = body.clone();
    long.push(0);
    assert_eq!(
        Response::decode(Opcode::Get, &long),
        Err(Error::Malformed("trailing bytes after body"))
    );
    for at in payload_end..48 {
        let mut bad = body.clone();
        bad[at] = 1;
        assert_eq!(
            Response::decode(Opcode::Get, &bad),
            Err(Error::Malformed("label padding")),
            "byte {at}"
        );
    }
    let mut big = body.clone();
    big[48..52].copy_from_slice(&(LABELS_PER_POINT_MAX + 1).to_le_bytes());
    assert!(matches!(
        Response::decode(Opcode::Get, &big),
        Err(Error::TooManyLabels { point_index: 0, .. })
    ));
}

fn filtered_search<'a>(queries: &'a [f32], dim: u32, filter: Option<FilterRef<'a>>) -> Request<'a> {
    Request::Search(Search {
        collection: "docs",
        k: 3,
        expansion_search: 0,
        flags: SearchFlags::default(),
        queries: VectorsRef::new(queries, dim),
        filter,
        max_distance: None,
    })
}

#[test]
fn search_filter_layout() {
    let filter = FilterRef {
        all_of: IdsRef::new(&[1, 2]),
        any_of: IdsRef::new(&[]),
        any_groups: IdsRef::new(&[]),
        none_of: IdsRef::new(&[u64::MAX]),
    };
    // One query of dim 2: the queries end at 40 (8-aligned), no padding.
    let queries = [1.0f32, 2.0, 3.0];
    let request = filtered_search(&queries[..2], 2, Some(filter));
    let body = body_of(&request);
    assert_eq!(&body[8..12], &SearchFlags::HAS_FILTER.to_le_bytes());
    assert_eq!(
        &body[40..56],
        &[2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        &body[56..72],
        &[1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(&body[72..], &u64::MAX.to_le_bytes());
    assert_eq!(Request::decode(Opcode::Search, &body), Ok(request));
    // One query of dim 3: the queries end at 44, 4 bytes of padding.
    let request = filtered_search(&queries, 3, Some(filter));
    let body = body_of(&request);
    assert_eq!(body.len(), 48 + 16 + 24);
    assert_eq!(&body[44..48], &[0; 4]);
    assert_eq!(Request::decode(Opcode::Search, &body), Ok(request));
    // No filter: no flag, the body ends after the queries as before.
    let plain = body_of(&filtered_search(&queries, 3, None));
    assert_eq!(plain.len(), 44);
    assert_eq!(&plain[8..12], &[0; 4]);
    // An empty filter (matches every point) is still sent: the flag and a bare header.
    let request = filtered_search(&queries, 3, Some(FilterRef::default()));
    let body = body_of(&request);
    assert_eq!(body.len(), 64);
    assert_eq!(Request::decode(Opcode::Search, &body), Ok(request));
    // The flag combines with the others; SearchFlags itself never carries it.
    let flags = SearchFlags {
        exact: true,
        allow_partial: true,
        with_payloads: true,
    };
    assert_eq!(flags.bits() & SearchFlags::HAS_FILTER, 0);
    assert_eq!(
        SearchFlags::from_bits(SearchFlags::HAS_FILTER),
        Err(Error::InvalidArgument("reserved search flag bits set"))
    );
    let request = Request::Search(Search {
        flags,
        ..match filtered_search(&queries, 3, Some(filter)) {
            Request::Search(s) => s,
            _ => unreachable!(),
        }
    });
    let body = body_of(&request);
    assert_eq!(&body[8..12], &15u32.to_le_bytes());
    assert_eq!(Request::decode(Opcode::Search, &body), Ok(request));
    // A maximal filter fits.
    let many: Vec<u64> = (0..u64::from(FILTER_LABELS_MAX)).collect();
    let max = FilterRef {
        all_of: IdsRef::new(&many[..100]),
        any_of: IdsRef::new(&many[100..200]),
        any_groups: IdsRef::new(&[]),
        none_of: IdsRef::new(&many[200..]),
    };
    assert_eq!(max.label_count(), FILTER_LABELS_MAX as usize);
    let request = filtered_search(&queries, 3, Some(max));
    assert_eq!(decode_request(&request_frame(4, &request)), Ok(request));
}

#[test]
fn search_filter_errors() {
    let op = Opcode::Search;
    let queries = [1.0f32, 2.0, 3.0];
    let filter = FilterRef {
        all_of: IdsRef::new(&[1]),
        any_of: IdsRef::new(&[2, 3]),
        any_groups: IdsRef::new(&[]),
        none_of: IdsRef::new(&[4]),
    };
    // Over the limit on encode: refused before anything is written.
    let many: Vec<u64> = (0..=u64::from(FILTER_LABELS_MAX)).collect();
    let over = FilterRef {
        all_of: IdsRef::new(&many[..1]),
        any_of: IdsRef::new(&many[1..]),
        any_groups: IdsRef::new(&[]),
        none_of: IdsRef::new(&[]),
    };
    let mut out = Vec::new();
    let e = filtered_search(&queries, 3, Some(over))
        .encode(RequestId(1), &mut out)
        .expect_err("too large");
    assert_eq!(
        e,
        Error::FilterTooLarge {
            count: FILTER_LABELS_MAX + 1,
            max: FILTER_LABELS_MAX
        }
    );
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert_eq!(
        e.to_string(),
        "filter has 1025 labels, over the limit of 1024"
    );
    assert!(out.is_empty());

    // dim 3: queries end at 44, padding to 48, header to 64, 4 labels to 96.
    let body = body_of(&filtered_search(&queries, 3, Some(filter)));
    assert_eq!(body.len(), 96);
    assert!(Request::decode(op, &body).is_ok());
    // Every strict prefix is refused (the flag promises a filter).
    assert_request_prefixes_malformed(op, &body, 44);
    // Trailing bytes.
    let mut long = body.clone();
    long.extend_from_slice(&[0; 8]);
    assert_eq!(
        Request::decode(op, &long),
        Err(Error::Malformed("trailing bytes after body"))
    );
    // Non-zero padding.
    for at in 44..48 {
        let mut bad = body.clone();
        bad[at] = 1;
        assert_eq!(
            Request::decode(op, &bad),
            Err(Error::Malformed("filter padding")),
            "byte {at}"
        );
    }
    // `any_groups` over the limit; one group whose size (read from the first label, 1) is not
    // `any_count` (2). `filter_groups` covers the groups' own layout and errors.
    for at in 61..64 {
        let mut bad = body.clone();
        bad[at] = 1;
        let e = Request::decode(op, &bad).expect_err("too many groups");
        assert_eq!(e.code(), ErrorCode::InvalidArgument, "byte {at}");
    }
    let mut bad = body.clone();
    bad[60] = 1;
    assert_eq!(
        Request::decode(op, &bad),
        Err(Error::Malformed(
            "filter group sizes must be at least 1 and sum to any_count"
        ))
    );
    // Counts over the limit, alone or summed (without overflowing u32), before the labels are
    // looked at.
    for counts in [
        [FILTER_LABELS_MAX + 1, 0, 0],
        [0, 0, FILTER_LABELS_MAX + 1],
        [400, 400, 225],
        [u32::MAX; 3],
    ] {
        let mut bad = body.clone();
        for (i, c) in counts.iter().enumerate() {
            bad[48 + 4 * i..52 + 4 * i].copy_from_slice(&c.to_le_bytes());
        }
        let e = Request::decode(op, &bad).expect_err("too large");
        assert!(
            matches!(
                e,
                Error::FilterTooLarge {
                    max: FILTER_LABELS_MAX,
                    ..
                }
            ),
            "{counts:?}: {e:?}"
        );
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
    }
    // Counts that disagree with the labels present.
    let mut more = body.clone();
    more[48..52].copy_from_slice(&2u32.to_le_bytes());
    assert_eq!(
        Request::decode(op, &more),
        Err(Error::Malformed("filter labels"))
    );
    let mut fewer = body.clone();
    fewer[48..52].copy_from_slice(&0u32.to_le_bytes());
    assert_eq!(
        Request::decode(op, &fewer),
        Err(Error::Malformed("trailing bytes after body"))
    );
    // A filter without the flag is trailing bytes; the flag without a filter is truncated.
    let mut no_flag = body.clone();
    no_flag[8..12].copy_from_slice(&0u32.to_le_bytes());
    assert_eq!(
        Request::decode(op, &no_flag),
        Err(Error::Malformed("trailing bytes after body"))
    );
    let mut flag_only = body_of(&filtered_search(&queries, 3, None));
    flag_only[8..12].copy_from_slice(&SearchFlags::HAS_FILTER.to_le_bytes());
    assert!(matches!(
        Request::decode(op, &flag_only),
        Err(Error::Malformed(_))
    ));
}

// ---------------------------------------------------------------------------------------------
// SET_LABELS
// ---------------------------------------------------------------------------------------------

fn set_labels<'a>(ids: &'a [u64], labels: &'a [&'a [u64]]) -> Request<'a> {
    Request::SetLabels(SetLabels {
        collection: "docs",
        ids: IdsRef::new(ids),
        labels: LabelsRef::new(labels),
    })
}

#[test]
fn set_labels_opcode() {
    assert_opcode(Opcode::SetLabels, 0x24, "SET_LABELS", false);
    let labels: [&[u64]; 1] = [&[1]];
    assert_eq!(set_labels(&[1], &labels).opcode(), Opcode::SetLabels);
    let ack = Response::SetLabels(WriteAck {
        count: 0,
        lsn: None,
    });
    // The same 16-byte body as SET_PAYLOAD's (and DELETE's) ack.
    let set_payload = Response::SetPayload(WriteAck {
        count: 0,
        lsn: None,
    });
    assert_write_ack_like(Opcode::SetLabels, &ack, &set_payload);
    assert_answers_only_its_opcode(&ack, Opcode::SetPayload);
}

#[test]
fn set_labels_layout() {
    // One id: the ids end at 24 (8-aligned, so no padding before the counts), the count at 28,
    // then 4 bytes of padding to 32 and the labels.
    let labels: [&[u64]; 1] = [&[4, 5]];
    let body = body_of(&set_labels(&[9], &labels));
    assert_eq!(
        &body[0..8],
        &[1, 0, 0, 0, 0, 0, 0, 0],
        "count 1, reserved 0"
    );
    assert_eq!(&body[16..24], &9u64.to_le_bytes());
    assert_eq!(&body[24..28], &2u32.to_le_bytes());
    assert_eq!(&body[28..32], &[0; 4]);
    assert_eq!(&body[32..40], &4u64.to_le_bytes());
    assert_eq!(&body[40..], &5u64.to_le_bytes());
    assert_eq!(
        Request::decode(Opcode::SetLabels, &body),
        Ok(set_labels(&[9], &labels))
    );
    // Zero ids: the (empty) section is still there and the body ends after the NAME.
    let none = set_labels(&[], &[]);
    let body = body_of(&none);
    assert_eq!(body.len(), 16);
    assert_eq!(Request::decode(Opcode::SetLabels, &body), Ok(none));
    // All lists empty (= clear the labels): counts and padding, no labels.
    let empty: [&[u64]; 3] = [&[], &[], &[]];
    let request = set_labels(&[1, 2, 3], &empty);
    let body = body_of(&request);
    assert_eq!(body.len(), 16 + 24 + 12 + 4);
    let Ok(Request::SetLabels(decoded)) = Request::decode(Opcode::SetLabels, &body) else {
        panic!("decode")
    };
    assert_eq!(decoded.labels.to_vec(), vec![Vec::<u64>::new(); 3]);
    assert_eq!(decoded.ids.to_vec(), vec![1, 2, 3]);
    // Lists travel as sent: neither sorted nor deduplicated by the codec.
    let unsorted: [&[u64]; 2] = [&[9, 3, 9], &[u64::MAX]];
    let body = body_of(&set_labels(&[4, 4], &unsorted));
    let Ok(Request::SetLabels(decoded)) = Request::decode(Opcode::SetLabels, &body) else {
        panic!("decode")
    };
    assert_eq!(decoded.labels.to_vec(), vec![vec![9, 3, 9], vec![u64::MAX]]);
    // A maximal batch (BATCH_IDS_MAX ids with LABELS_PER_POINT_MAX labels each) fits one frame.
    let max: Vec<u64> = (0..u64::from(LABELS_PER_POINT_MAX)).collect();
    let lists: Vec<&[u64]> = vec![&max; BATCH_IDS_MAX as usize];
    let ids: Vec<u64> = (0..u64::from(BATCH_IDS_MAX)).collect();
    let request = set_labels(&ids, &lists);
    assert_eq!(decode_request(&request_frame(3, &request)), Ok(request));
}

#[test]
fn set_labels_encoder_refuses_bad_requests() {
    let mut out = Vec::new();
    let one: [&[u64]; 1] = [&[1]];
    assert_eq!(
        set_labels(&[1, 2], &one).encode(RequestId(1), &mut out),
        Err(Error::InvalidArgument(
            "set_labels needs exactly one label list per id"
        ))
    );
    // 65 labels, even all the same: the count as sent is checked.
    let over = vec![7u64; LABELS_PER_POINT_MAX as usize + 1];
    let lists: [&[u64]; 2] = [&[1], &over];
    let e = set_labels(&[1, 2], &lists)
        .encode(RequestId(1), &mut out)
        .expect_err("too many");
    assert_eq!(
        e,
        Error::TooManyLabels {
            point_index: 1,
            count: LABELS_PER_POINT_MAX + 1,
            max: LABELS_PER_POINT_MAX
        }
    );
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert!(e.to_string().contains("point 1"), "{e}");
    let bad_name = Request::SetLabels(SetLabels {
        collection: "a b",
        ids: IdsRef::new(&[1]),
        labels: LabelsRef::new(&one),
    });
    assert!(matches!(
        bad_name.encode(RequestId(1), &mut out),
        Err(Error::InvalidArgument(_))
    ));
    let ids = vec![0u64; BATCH_IDS_MAX as usize + 1];
    let empties: Vec<&[u64]> = vec![&[]; ids.len()];
    assert_eq!(
        set_labels(&ids, &empties).encode(RequestId(1), &mut out),
        Err(Error::BatchTooLarge {
            count: BATCH_IDS_MAX + 1,
            max: BATCH_IDS_MAX
        })
    );
    assert!(out.is_empty(), "failed encodes leave the buffer unchanged");
}

#[test]
fn set_labels_decode_errors() {
    let op = Opcode::SetLabels;
    // Two ids: the ids end at 32, the counts at 40 (no padding), the labels at 56.
    let labels: [&[u64]; 2] = [&[1, 5], &[]];
    let body = body_of(&set_labels(&[1, 7], &labels));
    assert_eq!(body.len(), 56);
    assert!(Request::decode(op, &body).is_ok());
    ids_write_header_and_ack_checks(op, &body, "set_labels reserved", Response::SetLabels);
    // The label section is mandatory: a body that ends after the ids is refused.
    let ids_end = 16 + 16;
    assert_eq!(
        Request::decode(op, &body[..ids_end]),
        Err(Error::Malformed("label counts"))
    );
    // Every strict prefix is refused, never a panic.
    assert_request_prefixes_malformed(op, &body, 0);
    // A count over the limit: InvalidArgument naming the point index.
    let mut big = body.clone();
    big[ids_end + 4..ids_end + 8].copy_from_slice(&(LABELS_PER_POINT_MAX + 1).to_le_bytes());
    let e = Request::decode(op, &big).expect_err("too many");
    assert_eq!(
        e,
        Error::TooManyLabels {
            point_index: 1,
            count: LABELS_PER_POINT_MAX + 1,
            max: LABELS_PER_POINT_MAX
        }
    );
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert!(e.to_string().contains("point 1"), "{e}");
    // Counts that disagree with the labels present (more, or fewer: trailing bytes).
    let mut more = body.clone();
    more[ids_end + 4..ids_end + 8].copy_from_slice(&1u32.to_le_bytes());
    assert_eq!(Request::decode(op, &more), Err(Error::Malformed("labels")));
    let mut fewer = body.clone();
    fewer[ids_end..ids_end + 4].copy_from_slice(&1u32.to_le_bytes());
    assert_eq!(
        Request::decode(op, &fewer),
        Err(Error::Malformed("trailing bytes after body"))
    );
    // Trailing bytes after the last label.
    let mut long = body.clone();
    long.extend_from_slice(&[0; 8]);
    assert_eq!(
        Request::decode(op, &long),
        Err(Error::Malformed("trailing bytes after body"))
    );
    // Non-zero padding (one id: 4 bytes of padding after its count).
    let one: [&[u64]; 1] = [&[3]];
    let padded = body_of(&set_labels(&[1], &one));
    assert_eq!(padded.len(), 40);
    for at in 28..32 {
        let mut bad = padded.clone();
        bad[at] = 1;
        assert_eq!(
            Request::decode(op, &bad),
            Err(Error::Malformed("label padding")),
            "byte {at}"
        );
    }
}

#[test]
fn filter_groups() {
    let op = Opcode::Search;
    let queries = [0.5f32, -1.0, 2.0];
    let filter = GOLDEN_GROUPS_FILTER;
    let groups: Vec<Vec<u64>> = filter.any_of_groups().map(|g| g.to_vec()).collect();
    assert_eq!(groups, [vec![2, 3], vec![4]]);
    assert!(filter.matches(&[1, 3, 4]));
    assert!(filter.matches(&[4, 2, 1]));
    assert!(!filter.matches(&[1, 2, 3]), "the second group needs 4");
    assert!(!filter.matches(&[1, 4]), "the first group needs 2 or 3");
    assert!(!filter.matches(&[1, 2, 4, 5]), "none_of excludes");
    assert!(!filter.matches(&[2, 4]), "all_of needs 1");

    // Layout: header (all 1, any 3, none 1, any_groups 2) at 48..64, sizes, labels.
    let body = body_of(&filtered_search(&queries, 3, Some(filter)));
    assert_eq!(body.len(), 120);
    assert_eq!(body[60..64], 2u32.to_le_bytes());
    assert_eq!(body[64..72], 2u64.to_le_bytes());
    assert_eq!(body[72..80], 1u64.to_le_bytes());
    match Request::decode(op, &body) {
        Ok(Request::Search(s)) => assert_eq!(s.filter, Some(filter)),
        other => panic!("{other:?}"),
    }
    assert_request_prefixes_malformed(op, &body, 44);

    // One group: as one size (only for servers with FEATURE_FILTER_GROUPS) or in the original
    // form (for every server); the encoder keeps what it is given, so decode and encode are
    // inverse.
    let one = FilterRef {
        any_groups: IdsRef::new(&[3]),
        ..filter
    };
    let original = FilterRef {
        any_groups: IdsRef::default(),
        ..filter
    };
    let (one_body, original_body) = (
        body_of(&filtered_search(&queries, 3, Some(one))),
        body_of(&filtered_search(&queries, 3, Some(original))),
    );
    assert_eq!((one_body.len(), original_body.len()), (120 - 8, 120 - 16));
    assert_eq!(one_body[60..64], 1u32.to_le_bytes());
    assert_eq!(original_body[60..64], 0u32.to_le_bytes());
    for (body, sent) in [(one_body, one), (original_body, original)] {
        match Request::decode(op, &body) {
            Ok(Request::Search(s)) => assert_eq!(s.filter, Some(sent)),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(one.any_of_groups().count(), 1);
    assert!(one.matches(&[1, 4]) && original.matches(&[1, 4]));

    // The encoder refuses empty groups, sizes that do not add up and too many groups.
    let eight: Vec<u64> = (0..=u64::from(FILTER_GROUPS_MAX)).collect();
    let ones = vec![1u64; eight.len()];
    for (sizes, any) in [
        (&[2u64, 0, 1][..], &[2u64, 3, 4][..]),
        (&[2, 2], &[2, 3, 4]),
        (&[1, 1], &[2, 3, 4]),
        (&ones, &eight),
    ] {
        let bad = FilterRef {
            any_of: IdsRef::new(any),
            any_groups: IdsRef::new(sizes),
            ..filter
        };
        let mut out = Vec::new();
        let e = filtered_search(&queries, 3, Some(bad))
            .encode(RequestId(1), &mut out)
            .expect_err("bad groups");
        assert_eq!(e.code(), ErrorCode::InvalidArgument, "{sizes:?}");
        assert!(out.is_empty());
    }
    let most = FilterRef {
        any_of: IdsRef::new(&eight[1..]),
        any_groups: IdsRef::new(&ones[1..]),
        ..filter
    };
    assert!(filtered_search(&queries, 3, Some(most))
        .encode(RequestId(1), &mut Vec::new())
        .is_ok());

    // The decoder: a zero size, sizes that do not add up, more groups than FILTER_GROUPS_MAX.
    let sizes_error = Err(Error::Malformed(
        "filter group sizes must be at least 1 and sum to any_count",
    ));
    for (at, size) in [(64, 0u64), (64, 1), (72, 2), (72, u64::MAX)] {
        let mut bad = body.clone();
        bad[at..at + 8].copy_from_slice(&size.to_le_bytes());
        assert_eq!(Request::decode(op, &bad), sizes_error, "{at}: {size}");
    }
    let mut bad = body.clone();
    bad[60..64].copy_from_slice(&(FILTER_GROUPS_MAX + 1).to_le_bytes());
    assert!(matches!(
        Request::decode(op, &bad),
        Err(Error::InvalidArgument(_))
    ));
    // any_count 0 with groups: no sizes can add up.
    let mut bad = body.clone();
    bad[52..56].copy_from_slice(&0u32.to_le_bytes());
    assert_eq!(Request::decode(op, &bad), sizes_error);
}

#[test]
fn filter_matching() {
    let filter = FilterRef {
        all_of: IdsRef::new(&[1, 2]),
        any_of: IdsRef::new(&[3, 4]),
        any_groups: IdsRef::new(&[]),
        none_of: IdsRef::new(&[5]),
    };
    assert!(filter.matches(&[1, 2, 3]));
    assert!(filter.matches(&[4, 2, 1, 1]));
    assert!(!filter.matches(&[1, 2]), "any_of needs one");
    assert!(!filter.matches(&[1, 3]), "all_of needs all");
    assert!(!filter.matches(&[1, 2, 3, 5]), "none_of excludes");
    assert!(!filter.matches(&[]));
    let empty = FilterRef::default();
    assert!(empty.matches(&[]) && empty.matches(&[9]));
    assert_eq!(empty.label_count(), 0);
    let no_any = FilterRef {
        any_of: IdsRef::new(&[]),
        any_groups: IdsRef::new(&[]),
        ..filter
    };
    assert!(no_any.matches(&[1, 2]));
    assert!(!no_any.matches(&[1, 2, 5]));
    assert_eq!(filter.label_count(), 5);
}

// ---------------------------------------------------------------------------------------------
// SCROLL
// ---------------------------------------------------------------------------------------------

fn scroll(start_id: u64, limit: u32, filter: Option<FilterRef<'_>>) -> Scroll<'_> {
    Scroll {
        collection: "docs",
        start_id,
        limit,
        with_vectors: false,
        with_payloads: false,
        with_labels: false,
        filter,
    }
}

fn scroll_body(request: Scroll<'_>) -> Vec<u8> {
    body_of(&Request::Scroll(request))
}

fn scroll_page<'a>(ids: &'a [u64], more: bool) -> ScrollResponse<'a> {
    ScrollResponse {
        ids: IdsRef::new(ids),
        more,
        dim: 2,
        vectors: None,
        payloads: None,
        labels: None,
    }
}

fn scroll_response_body(page: ScrollResponse<'_>) -> Vec<u8> {
    let mut body = Vec::new();
    Response::Scroll(page)
        .encode_body(&mut body)
        .expect("valid page");
    body
}

#[test]
fn scroll_opcode() {
    assert_opcode(Opcode::Scroll, 0x25, "SCROLL", true);
    assert!(
        Opcode::ALL.windows(2).all(|w| w[0].as_u8() < w[1].as_u8()),
        "Opcode::ALL is in numeric order"
    );
    assert_eq!(Request::Scroll(scroll(0, 1, None)).opcode(), Opcode::Scroll);
    let page = Response::Scroll(scroll_page(&[], false));
    assert_eq!(page.opcode(), Some(Opcode::Scroll));
    assert_answers_only_its_opcode(&page, Opcode::Get);
    assert_eq!(SCROLL_LIMIT_MAX, 4096);
}

#[test]
fn scroll_request_layout() {
    // The golden: limit, flags, start_id, then the NAME ends the body at 24.
    let request = Scroll {
        with_vectors: true,
        with_labels: true,
        ..scroll(5, 2, None)
    };
    let body = scroll_body(request);
    assert_eq!(&body[0..4], &2u32.to_le_bytes());
    assert_eq!(
        &body[4..8],
        &(Scroll::WITH_VECTORS | Scroll::WITH_LABELS).to_le_bytes()
    );
    assert_eq!(&body[8..16], &5u64.to_le_bytes());
    assert_eq!(&body[16..], b"\x04docs\0\0\0");
    assert_eq!(
        Request::decode(Opcode::Scroll, &body),
        Ok(Request::Scroll(request))
    );
    // Each flag on its own, and all of them together.
    for (request, bits) in [
        (scroll(0, 1, None), 0),
        (
            Scroll {
                with_vectors: true,
                ..scroll(0, 1, None)
            },
            1,
        ),
        (
            Scroll {
                with_payloads: true,
                ..scroll(0, 1, None)
            },
            2,
        ),
        (
            Scroll {
                with_labels: true,
                ..scroll(0, 1, None)
            },
            4,
        ),
        (scroll(0, 1, Some(FilterRef::default())), 8),
        (
            Scroll {
                with_vectors: true,
                with_payloads: true,
                with_labels: true,
                ..scroll(u64::MAX, SCROLL_LIMIT_MAX, Some(GOLDEN_SCROLL_FILTER))
            },
            15,
        ),
    ] {
        let body = scroll_body(request);
        assert_eq!(&body[4..8], &u32::to_le_bytes(bits), "{request:?}");
        assert_eq!(
            Request::decode(Opcode::Scroll, &body),
            Ok(Request::Scroll(request))
        );
    }
    // The filter follows the NAME without padding (the NAME ends 8-aligned): header, labels.
    let body = scroll_body(scroll(0, 100, Some(GOLDEN_SCROLL_FILTER)));
    assert_eq!(body.len(), 24 + 16 + 16);
    assert_eq!(
        &body[24..40],
        &[1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(&body[40..48], &1u64.to_le_bytes());
    assert_eq!(&body[48..], &9u64.to_le_bytes());
    // A longer NAME: still 8-aligned, still no padding before the filter.
    let long = Scroll {
        collection: "a_collection_name_of_23",
        ..scroll(0, 1, Some(FilterRef::default()))
    };
    let body = scroll_body(long);
    assert_eq!(body.len(), 16 + 24 + 16);
    assert_eq!(
        Request::decode(Opcode::Scroll, &body),
        Ok(Request::Scroll(long))
    );
    // An empty filter (matches every point) is still sent: the flag and a bare header.
    let body = scroll_body(scroll(0, 1, Some(FilterRef::default())));
    assert_eq!(&body[24..], &[0; 16]);
    // A maximal filter fits.
    let many: Vec<u64> = (0..u64::from(FILTER_LABELS_MAX)).collect();
    let max = FilterRef {
        all_of: IdsRef::new(&many[..10]),
        any_of: IdsRef::new(&many[10..]),
        any_groups: IdsRef::new(&[]),
        none_of: IdsRef::new(&[]),
    };
    let request = Request::Scroll(scroll(7, 1, Some(max)));
    assert_eq!(decode_request(&request_frame(3, &request)), Ok(request));
}

#[test]
fn scroll_request_encoder_refuses_bad_requests() {
    let mut out = Vec::new();
    for limit in [0, SCROLL_LIMIT_MAX + 1, u32::MAX] {
        assert_eq!(
            Request::Scroll(scroll(0, limit, None)).encode(RequestId(1), &mut out),
            Err(Error::InvalidArgument("scroll limit must be 1..=4096"))
        );
    }
    let bad_name = Scroll {
        collection: "a b",
        ..scroll(0, 1, None)
    };
    assert!(matches!(
        Request::Scroll(bad_name).encode(RequestId(1), &mut out),
        Err(Error::InvalidArgument(_))
    ));
    let many: Vec<u64> = (0..=u64::from(FILTER_LABELS_MAX)).collect();
    let over = FilterRef {
        all_of: IdsRef::new(&many),
        ..FilterRef::default()
    };
    let e = Request::Scroll(scroll(0, 1, Some(over)))
        .encode(RequestId(1), &mut out)
        .expect_err("too large");
    assert_eq!(
        e,
        Error::FilterTooLarge {
            count: FILTER_LABELS_MAX + 1,
            max: FILTER_LABELS_MAX
        }
    );
    assert_eq!(e.code(), ErrorCode::InvalidArgument);
    assert!(out.is_empty(), "failed encodes leave the buffer unchanged");
}

#[test]
fn scroll_request_decode_errors() {
    let op = Opcode::Scroll;
    let body = scroll_body(Scroll {
        with_vectors: true,
        ..scroll(5, 2, Some(GOLDEN_SCROLL_FILTER))
    });
    assert_eq!(body.len(), 56);
    assert!(Request::decode(op, &body).is_ok());
    // Every strict prefix is refused: the fixed fields, the NAME, the filter the flag promises.
    assert_request_prefixes_malformed(op, &body, 0);
    // The fixed fields come first: a body of 15 bytes is malformed whatever they hold.
    let mut short = body[..15].to_vec();
    short[4] = 0xFF;
    assert_eq!(Request::decode(op, &short), Err(Error::Malformed("scroll")));
    // A reserved flag bit is INVALID_ARGUMENT, checked before the limit and the NAME.
    for bit in [16u32, 1 << 8, 1 << 31] {
        let mut bad = body.clone();
        bad[4..8].copy_from_slice(&(Scroll::WITH_VECTORS | Scroll::HAS_FILTER | bit).to_le_bytes());
        bad[0..4].copy_from_slice(&0u32.to_le_bytes());
        bad[17] = b' ';
        assert_eq!(
            Request::decode(op, &bad),
            Err(Error::InvalidArgument("reserved scroll flag bits set")),
            "bit {bit}"
        );
    }
    // The limit: 1..=SCROLL_LIMIT_MAX, checked before the NAME.
    for limit in [0, SCROLL_LIMIT_MAX + 1, u32::MAX] {
        let mut bad = body.clone();
        bad[0..4].copy_from_slice(&limit.to_le_bytes());
        bad[17] = b' ';
        let e = Request::decode(op, &bad).expect_err("limit");
        assert_eq!(e, Error::InvalidArgument("scroll limit must be 1..=4096"));
        assert_eq!(e.code(), ErrorCode::InvalidArgument);
    }
    let mut max = body.clone();
    max[0..4].copy_from_slice(&SCROLL_LIMIT_MAX.to_le_bytes());
    assert!(Request::decode(op, &max).is_ok());
    // A bad NAME.
    let mut bad = body.clone();
    bad[17] = b' ';
    assert!(matches!(
        Request::decode(op, &bad),
        Err(Error::InvalidArgument(_))
    ));
    let mut bad = body.clone();
    bad[22] = 1;
    assert!(matches!(
        Request::decode(op, &bad),
        Err(Error::Malformed(_))
    ));
    // The filter as SEARCH checks it: the groups field, counts over the limit, counts that
    // disagree with the labels present.
    for at in 37..40 {
        let mut bad = body.clone();
        bad[at] = 1;
        let e = Request::decode(op, &bad).expect_err("too many groups");
        assert_eq!(e.code(), ErrorCode::InvalidArgument, "byte {at}");
    }
    let mut big = body.clone();
    big[28..32].copy_from_slice(&FILTER_LABELS_MAX.to_le_bytes());
    assert_eq!(
        Request::decode(op, &big),
        Err(Error::FilterTooLarge {
            count: FILTER_LABELS_MAX + 2,
            max: FILTER_LABELS_MAX
        })
    );
    let mut more = body.clone();
    more[28..32].copy_from_slice(&1u32.to_le_bytes());
    assert_eq!(
        Request::decode(op, &more),
        Err(Error::Malformed("filter labels"))
    );
    // The body ends exactly after the filter, or after the NAME without one.
    let mut long = body.clone();
    long.extend_from_slice(&[0; 8]);
    assert_eq!(
        Request::decode(op, &long),
        Err(Error::Malformed("trailing bytes after body"))
    );
    let mut no_flag = body.clone();
    no_flag[4..8].copy_from_slice(&Scroll::WITH_VECTORS.to_le_bytes());
    assert_eq!(
        Request::decode(op, &no_flag),
        Err(Error::Malformed("trailing bytes after body"))
    );
    let mut flag_only = scroll_body(scroll(5, 2, None));
    flag_only[4..8].copy_from_slice(&Scroll::HAS_FILTER.to_le_bytes());
    assert_eq!(
        Request::decode(op, &flag_only),
        Err(Error::Malformed("filter header"))
    );
}

#[test]
fn scroll_response_layout() {
    // The golden: count 2, MORE | HAS_VECTORS | HAS_LABELS, dim 2, reserved; the ids end at 32,
    // the vectors at 48, the counts 2, 0 at 56 (8-aligned: no padding), the labels at 72.
    let labels: [&[u64]; 2] = [&[1, 5], &[]];
    let page = ScrollResponse {
        vectors: Some(VectorsRef::new(&UPSERT_VECTORS[..4], 2)),
        labels: Some(LabelsRef::new(&labels)),
        ..scroll_page(&[5, 8], true)
    };
    let body = scroll_response_body(page);
    assert_eq!(body.len(), 72);
    assert_eq!(&body[0..4], &2u32.to_le_bytes());
    assert_eq!(&body[4..8], &11u32.to_le_bytes());
    assert_eq!(&body[8..16], &[2, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(&body[16..24], &5u64.to_le_bytes());
    assert_eq!(&body[32..36], &0.5f32.to_le_bytes());
    assert_eq!(&body[48..56], &[2, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(&body[56..64], &1u64.to_le_bytes());
    assert_eq!(
        Response::decode(Opcode::Scroll, &body),
        Ok(Response::Scroll(page))
    );
    assert_eq!(page.next_start_id(), Some(9));
    // Every section: the payloads follow the vectors, the labels the payloads (padded to 8).
    let payloads: [&[u8]; 2] = [b"abc", b""];
    let full = ScrollResponse {
        payloads: Some(PayloadsRef::new(&payloads)),
        ..page
    };
    let body = scroll_response_body(full);
    // Lengths end at 56, no padding, 3 payload bytes to 59, 5 bytes of padding to 64, the
    // counts to 72, the labels to 88.
    assert_eq!(body.len(), 88);
    assert_eq!(&body[48..59], b"\x03\0\0\0\0\0\0\0abc");
    assert_eq!(&body[59..64], &[0; 5]);
    assert_eq!(&body[4..8], &15u32.to_le_bytes());
    assert_eq!(
        Response::decode(Opcode::Scroll, &body),
        Ok(Response::Scroll(full))
    );
    // An empty page with every section asked for: each section is empty (a PAYLOAD_SECTION of
    // 0 points is 0 bytes, and so is a LABEL_SECTION at the 8-aligned offset 16), so the body
    // is the 16-byte header alone, and the flags still say which sections (empty) are there.
    let empty = ScrollResponse {
        vectors: Some(VectorsRef::empty(2)),
        payloads: Some(PayloadsRef::new(&[])),
        labels: Some(LabelsRef::new(&[])),
        ..scroll_page(&[], false)
    };
    let body = scroll_response_body(empty);
    assert_eq!(body, [0, 0, 0, 0, 14, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        Response::decode(Opcode::Scroll, &body),
        Ok(Response::Scroll(empty))
    );
    assert_eq!(empty.next_start_id(), None);
    // The last page may end at u64::MAX (without MORE); a page with MORE names the next start.
    let last = scroll_page(&[0, u64::MAX], false);
    let body = scroll_response_body(last);
    assert_eq!(
        Response::decode(Opcode::Scroll, &body),
        Ok(Response::Scroll(last))
    );
    assert_eq!(last.next_start_id(), None);
    assert_eq!(
        scroll_page(&[u64::MAX - 1], true).next_start_id(),
        Some(u64::MAX)
    );
    // A maximal page of ids with maximal labels fits one frame.
    let ids: Vec<u64> = (0..u64::from(SCROLL_LIMIT_MAX)).map(|i| i * 3).collect();
    let max: Vec<u64> = (0..u64::from(LABELS_PER_POINT_MAX)).collect();
    let lists: Vec<&[u64]> = vec![&max; ids.len()];
    let page = ScrollResponse {
        labels: Some(LabelsRef::new(&lists)),
        ..scroll_page(&ids, true)
    };
    let frame = response_frame(9, &Response::Scroll(page), Opcode::Scroll);
    assert_eq!(decode_response(&frame), Ok(Response::Scroll(page)));
}

#[test]
fn scroll_response_encoder_refuses_bad_pages() {
    let floats = [1.0f32; 6];
    let payloads: [&[u8]; 1] = [b"x"];
    let labels: [&[u64]; 1] = [&[1]];
    let over: Vec<u64> = (0..=u64::from(LABELS_PER_POINT_MAX)).collect();
    let too_many: [&[u64]; 2] = [&[], &over];
    let big = vec![0u8; PAYLOAD_BYTES_MAX as usize + 1];
    let too_large: [&[u8]; 2] = [b"", &big];
    let ids: Vec<u64> = (0..=u64::from(SCROLL_LIMIT_MAX)).collect();
    let cases: Vec<(ScrollResponse<'_>, Error)> = vec![
        (
            scroll_page(&[5, 5], false),
            Error::InvalidArgument("scroll: ids must be strictly ascending"),
        ),
        (
            scroll_page(&[8, 5], false),
            Error::InvalidArgument("scroll: ids must be strictly ascending"),
        ),
        (
            scroll_page(&[], true),
            Error::InvalidArgument(
                "scroll: MORE needs a last id below u64::MAX (and at least one point)",
            ),
        ),
        (
            scroll_page(&[1, u64::MAX], true),
            Error::InvalidArgument(
                "scroll: MORE needs a last id below u64::MAX (and at least one point)",
            ),
        ),
        (
            scroll_page(&ids, false),
            Error::BatchTooLarge {
                count: SCROLL_LIMIT_MAX + 1,
                max: SCROLL_LIMIT_MAX,
            },
        ),
        (
            ScrollResponse {
                dim: 0,
                ..scroll_page(&[], false)
            },
            Error::InvalidArgument("scroll: dim must be 1..=4096"),
        ),
        (
            ScrollResponse {
                dim: DIMENSIONS_MAX + 1,
                ..scroll_page(&[], false)
            },
            Error::InvalidArgument("scroll: dim must be 1..=4096"),
        ),
        (
            ScrollResponse {
                vectors: Some(VectorsRef::new(&floats, 2)),
                ..scroll_page(&[1, 2], false)
            },
            Error::InvalidArgument("scroll: one vector of the page's dim per id"),
        ),
        (
            ScrollResponse {
                vectors: Some(VectorsRef::new(&floats[..2], 1)),
                ..scroll_page(&[1, 2], false)
            },
            Error::InvalidArgument("scroll: one vector of the page's dim per id"),
        ),
        (
            ScrollResponse {
                payloads: Some(PayloadsRef::new(&payloads)),
                ..scroll_page(&[1, 2], false)
            },
            Error::InvalidArgument("scroll: one payload per id"),
        ),
        (
            ScrollResponse {
                labels: Some(LabelsRef::new(&labels)),
                ..scroll_page(&[1, 2], false)
            },
            Error::InvalidArgument("scroll: one label list per id"),
        ),
        (
            ScrollResponse {
                labels: Some(LabelsRef::new(&too_many)),
                ..scroll_page(&[1, 2], false)
            },
            Error::TooManyLabels {
                point_index: 1,
                count: LABELS_PER_POINT_MAX + 1,
                max: LABELS_PER_POINT_MAX,
            },
        ),
        (
            ScrollResponse {
                payloads: Some(PayloadsRef::new(&too_large)),
                ..scroll_page(&[1, 2], false)
            },
            Error::PayloadTooLarge {
                point_index: 1,
                bytes: PAYLOAD_BYTES_MAX + 1,
                max: PAYLOAD_BYTES_MAX,
            },
        ),
    ];
    let mut out = Vec::new();
    for (page, expected) in cases {
        assert_eq!(
            Response::Scroll(page).encode(RequestId(1), Opcode::Scroll.as_u8(), &mut out),
            Err(expected)
        );
        assert!(out.is_empty(), "failed encodes leave the buffer unchanged");
    }
}

#[test]
fn scroll_response_decode_errors() {
    let op = Opcode::Scroll;
    let payloads: [&[u8]; 2] = [b"abc", b""];
    let labels: [&[u64]; 2] = [&[1, 5], &[]];
    let page = ScrollResponse {
        vectors: Some(VectorsRef::new(&UPSERT_VECTORS[..4], 2)),
        payloads: Some(PayloadsRef::new(&payloads)),
        labels: Some(LabelsRef::new(&labels)),
        ..scroll_page(&[5, 8], true)
    };
    let body = scroll_response_body(page);
    assert_eq!(body.len(), 88);
    // Every strict prefix is refused, and so is a byte more.
    for cut in 0..body.len() {
        let e = Response::decode(op, &body[..cut]).expect_err("truncated");
        assert!(matches!(e, Error::Malformed(_)), "cut {cut}: {e:?}");
    }
    let mut long = body.clone();
    long.push(0);
    assert_eq!(
        Response::decode(op, &long),
        Err(Error::Malformed("trailing bytes after body"))
    );
    let set = |at: usize, value: u32| {
        let mut bad = body.clone();
        bad[at..at + 4].copy_from_slice(&value.to_le_bytes());
        Response::decode(op, &bad).map(drop)
    };
    // Header: reserved flags, reserved field, count and dim out of range.
    for bit in [16u32, 1 << 31] {
        assert_eq!(
            set(4, 15 | bit),
            Err(Error::Malformed("reserved scroll response flags"))
        );
    }
    assert_eq!(set(12, 1), Err(Error::Malformed("scroll reserved")));
    assert_eq!(
        set(0, SCROLL_LIMIT_MAX + 1),
        Err(Error::Malformed("scroll count exceeds SCROLL_LIMIT_MAX"))
    );
    for dim in [0, DIMENSIONS_MAX + 1] {
        assert_eq!(
            set(8, dim),
            Err(Error::Malformed("scroll dim is not 1..=4096"))
        );
    }
    // Ids not strictly ascending (equal, or descending).
    for second in [5u64, 4, 0] {
        let mut bad = body.clone();
        bad[24..32].copy_from_slice(&second.to_le_bytes());
        assert_eq!(
            Response::decode(op, &bad),
            Err(Error::Malformed("scroll ids are not strictly ascending")),
            "{second}"
        );
    }
    // MORE on an empty page, or after id u64::MAX.
    let empty = scroll_response_body(scroll_page(&[], false));
    let mut bad = empty.clone();
    bad[4] = 1;
    assert_eq!(
        Response::decode(op, &bad),
        Err(Error::Malformed(
            "scroll MORE set on an empty page or after id u64::MAX"
        ))
    );
    let last = scroll_response_body(scroll_page(&[3, u64::MAX], false));
    assert!(Response::decode(op, &last).is_ok());
    let mut bad = last.clone();
    bad[4] = 1;
    assert_eq!(
        Response::decode(op, &bad),
        Err(Error::Malformed(
            "scroll MORE set on an empty page or after id u64::MAX"
        ))
    );
    // Sections present iff flagged: a flag without its section is truncated, a section without
    // its flag is trailing bytes (or misread as the next section).
    let plain = scroll_response_body(scroll_page(&[5, 8], false));
    for flag in [
        ScrollResponse::HAS_VECTORS,
        ScrollResponse::HAS_PAYLOADS,
        ScrollResponse::HAS_LABELS,
    ] {
        let mut bad = plain.clone();
        bad[4..8].copy_from_slice(&flag.to_le_bytes());
        assert!(
            matches!(Response::decode(op, &bad), Err(Error::Malformed(_))),
            "{flag}"
        );
    }
    // (Read as payload lengths, the first vector floats are over PAYLOAD_BYTES_MAX.)
    for flags in [0u32, 1, 3, 5, 9, 13] {
        assert!(set(4, flags).is_err(), "flags {flags}");
    }
    assert!(matches!(
        set(4, 5),
        Err(Error::PayloadTooLarge { point_index: 0, .. })
    ));
    // The sections' own checks: a payload over the limit, a label count over the limit.
    assert!(matches!(
        set(48, PAYLOAD_BYTES_MAX + 1),
        Err(Error::PayloadTooLarge { point_index: 0, .. })
    ));
    assert!(matches!(
        set(68, LABELS_PER_POINT_MAX + 1),
        Err(Error::TooManyLabels { point_index: 1, .. })
    ));
    // Non-zero padding between the payloads and the label counts.
    let mut bad = body.clone();
    bad[60] = 1;
    assert_eq!(
        Response::decode(op, &bad),
        Err(Error::Malformed("label padding"))
    );
}

// ---------------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum OwnedRequest {
    Hello(u16, u16, u64, Vec<u8>),
    Ping,
    /// name, dim, metric, shards, connectivity, expansion_add, read_replicas.
    Create(String, u32, Metric, u16, u16, u32, bool),
    Drop(String),
    List,
    Describe(String),
    Upsert(
        String,
        Vec<u64>,
        Vec<f32>,
        u32,
        Option<PayloadsBuf>,
        Option<LabelsBuf>,
    ),
    Get(String, Vec<u64>, bool, bool),
    Delete(String, Vec<u64>),
    SetPayload(String, Vec<u64>, PayloadsBuf),
    SetLabels(String, Vec<u64>, LabelsBuf),
    Search(
        String,
        u32,
        u32,
        SearchFlags,
        Vec<f32>,
        u32,
        Option<OwnedFilter>,
    ),
    /// collection, start_id, limit, (with_vectors, with_payloads, with_labels), filter.
    Scroll(String, u64, u32, [bool; 3], Option<OwnedFilter>),
    Stats,
    Snapshot(String),
}

impl OwnedRequest {
    fn as_request(&self) -> Request<'_> {
        match self {
            OwnedRequest::Hello(a, b, f, t) => Request::Hello(Hello {
                version_min: *a,
                version_max: *b,
                features: *f,
                token: t,
            }),
            OwnedRequest::Ping => Request::Ping,
            OwnedRequest::Create(name, dim, metric, shards, m, ef, read_replicas) => {
                Request::CreateCollection(CreateCollection {
                    name,
                    dim: *dim,
                    metric: *metric,
                    shards: *shards,
                    connectivity: *m,
                    expansion_add: *ef,
                    read_replicas: *read_replicas,
                })
            }
            OwnedRequest::Drop(name) => Request::DropCollection { name },
            OwnedRequest::List => Request::ListCollections,
            OwnedRequest::Describe(name) => Request::DescribeCollection { name },
            OwnedRequest::Upsert(name, ids, vectors, dim, payloads, labels) => {
                Request::Upsert(Upsert {
                    collection: name,
                    ids: IdsRef::new(ids),
                    vectors: VectorsRef::new(vectors, *dim),
                    payloads: payloads.as_ref().map(PayloadsBuf::as_ref),
                    labels: labels.as_ref().map(LabelsBuf::as_ref),
                })
            }
            OwnedRequest::Get(name, ids, with_payloads, with_labels) => Request::Get(IdsRequest {
                collection: name,
                ids: IdsRef::new(ids),
                with_payloads: *with_payloads,
                with_labels: *with_labels,
            }),
            OwnedRequest::Delete(name, ids) => Request::Delete(IdsRequest {
                collection: name,
                ids: IdsRef::new(ids),
                with_payloads: false,
                with_labels: false,
            }),
            OwnedRequest::SetPayload(name, ids, payloads) => Request::SetPayload(SetPayload {
                collection: name,
                ids: IdsRef::new(ids),
                payloads: payloads.as_ref(),
            }),
            OwnedRequest::SetLabels(name, ids, labels) => Request::SetLabels(SetLabels {
                collection: name,
                ids: IdsRef::new(ids),
                labels: labels.as_ref(),
            }),
            OwnedRequest::Search(name, k, ef, flags, queries, dim, filter) => {
                Request::Search(Search {
                    collection: name,
                    k: *k,
                    expansion_search: *ef,
                    flags: *flags,
                    queries: VectorsRef::new(queries, *dim),
                    filter: filter.as_ref().map(owned_filter_ref),
                    // Derived from the generated k and ef: both forms, and negative bounds.
                    max_distance: (*k % 3 == 0).then(|| *ef as f32 / 7.0 - 50.25),
                })
            }
            OwnedRequest::Scroll(name, start_id, limit, [vectors, payloads, labels], filter) => {
                Request::Scroll(Scroll {
                    collection: name,
                    start_id: *start_id,
                    limit: *limit,
                    with_vectors: *vectors,
                    with_payloads: *payloads,
                    with_labels: *labels,
                    filter: filter.as_ref().map(owned_filter_ref),
                })
            }
            OwnedRequest::Stats => Request::Stats,
            OwnedRequest::Snapshot(name) => Request::Snapshot { name },
        }
    }
}

fn name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,64}"
}

fn metric() -> impl Strategy<Value = Metric> {
    prop_oneof![Just(Metric::L2), Just(Metric::Cosine), Just(Metric::Dot)]
}

/// One point's payload: usually short, often empty, sometimes exactly `PAYLOAD_BYTES_MAX`.
fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..24),
        1 => Just(Vec::new()),
        1 => Just(vec![0xA5; PAYLOAD_BYTES_MAX as usize]),
    ]
}

/// `None`, or one payload per point (a section for zero points is empty on the wire and
/// decodes as `None`, so zero points never get `Some`).
fn payloads(count: usize) -> impl Strategy<Value = Option<PayloadsBuf>> {
    let section = proptest::collection::vec(payload(), count)
        .prop_map(|p| PayloadsBuf::from_slices(&p).expect("payloads within the limit"));
    if count == 0 {
        Just(None).boxed()
    } else {
        proptest::option::of(section).boxed()
    }
}

/// One point's labels: usually a few, often none, sometimes exactly `LABELS_PER_POINT_MAX`.
fn label_list() -> impl Strategy<Value = Vec<u64>> {
    prop_oneof![
        4 => proptest::collection::vec(any::<u64>(), 0..8),
        1 => Just(Vec::new()),
        1 => Just((0..u64::from(LABELS_PER_POINT_MAX)).collect()),
    ]
}

/// `None`, or one label list per point (zero points never get `Some`, as for payloads).
fn labels(count: usize) -> impl Strategy<Value = Option<LabelsBuf>> {
    let section = proptest::collection::vec(label_list(), count)
        .prop_map(|l| LabelsBuf::from_slices(&l).expect("labels within the limit"));
    if count == 0 {
        Just(None).boxed()
    } else {
        proptest::option::of(section).boxed()
    }
}

/// `all_of`, `any_of`, `none_of`, and the `any_of` group sizes (empty: the original form).
type OwnedFilter = ([Vec<u64>; 3], Vec<u64>);

fn owned_filter_ref(([all, any, none], groups): &OwnedFilter) -> FilterRef<'_> {
    FilterRef {
        all_of: IdsRef::new(all),
        any_of: IdsRef::new(any),
        any_groups: IdsRef::new(groups),
        none_of: IdsRef::new(none),
    }
}

/// A filter of `all_of`, `any_of` groups (each not empty) and `none_of`, in wire form with
/// the group sizes (even for one group: the other strategies send the original form).
fn grouped([all, groups, none]: [Vec<Vec<u64>>; 3]) -> OwnedFilter {
    let sizes = groups.iter().map(|g| g.len() as u64).collect();
    ([all.concat(), groups.concat(), none.concat()], sizes)
}

/// `None`, or a filter: usually small, sometimes empty, sometimes exactly `FILTER_LABELS_MAX`.
fn filter() -> impl Strategy<Value = Option<OwnedFilter>> {
    let small = || proptest::collection::vec(any::<u64>(), 0..6);
    let group = || proptest::collection::vec(any::<u64>(), 1..6);
    let groups = proptest::collection::vec(group(), 0..=FILTER_GROUPS_MAX as usize);
    proptest::option::of(prop_oneof![
        4 => (small(), small(), small()).prop_map(|(a, b, c)| ([a, b, c], Vec::new())),
        2 => (small(), groups, small()).prop_map(|(a, g, c)| grouped([vec![a], g, vec![c]])),
        1 => Just(([Vec::new(), Vec::new(), Vec::new()], Vec::new())),
        1 => (0..=FILTER_LABELS_MAX, 0..=FILTER_LABELS_MAX).prop_map(|(x, y)| {
            let (x, y) = (u64::from(x.min(y)), u64::from(x.max(y)));
            let any: Vec<u64> = (x..y).collect();
            // As many groups as fit, of about equal size.
            let chunk = any.len().div_ceil(FILTER_GROUPS_MAX as usize).max(1);
            grouped([
                vec![(0..x).collect()],
                any.chunks(chunk).map(<[u64]>::to_vec).collect(),
                vec![(y..u64::from(FILTER_LABELS_MAX)).collect()],
            ])
        }),
    ])
}

/// Labels need a payload section before them, so an encoder given labels but no payloads sends
/// an all-empty one, which decodes as `Some` empty payloads. Both mean "no payloads": map them
/// to `None` so that round trips compare equal.
fn comparable_payloads<'a>(
    payloads: Option<PayloadsRef<'a>>,
    has_labels: bool,
) -> Option<PayloadsRef<'a>> {
    payloads.filter(|p| !(has_labels && p.total_bytes() == 0))
}

fn comparable_request(request: Request<'_>) -> Request<'_> {
    match request {
        Request::Upsert(u) => Request::Upsert(Upsert {
            payloads: comparable_payloads(u.payloads, u.labels.is_some()),
            ..u
        }),
        other => other,
    }
}

fn comparable_response(response: Response<'_>) -> Response<'_> {
    match response {
        Response::Get(g) => Response::Get(GetResponse {
            payloads: comparable_payloads(g.payloads, g.labels.is_some()),
            ..g
        }),
        other => other,
    }
}

fn finite() -> impl Strategy<Value = f32> {
    any::<f32>().prop_filter("finite", |v| v.is_finite())
}

/// `(flat floats, dim)` with `count` vectors, count in `counts`.
fn vectors(counts: std::ops::Range<usize>) -> impl Strategy<Value = (Vec<f32>, u32)> {
    (1u32..=16, counts).prop_flat_map(|(dim, count)| {
        (
            proptest::collection::vec(finite(), count * dim as usize),
            Just(dim),
        )
    })
}

fn owned_request() -> impl Strategy<Value = OwnedRequest> {
    prop_oneof![
        (
            0u16..4,
            0u16..4,
            any::<u64>(),
            proptest::collection::vec(any::<u8>(), 0..64)
        )
            .prop_map(|(a, b, f, t)| OwnedRequest::Hello(a.min(b), a.max(b), f, t)),
        Just(OwnedRequest::Ping),
        (
            name(),
            1u32..=DIMENSIONS_MAX,
            metric(),
            0u16..=64,
            prop_oneof![Just(0u16), 2u16..=256],
            0u32..=EXPANSION_MAX,
            any::<bool>()
        )
            .prop_map(|(n, d, m, s, c, e, r)| OwnedRequest::Create(n, d, m, s, c, e, r)),
        name().prop_map(OwnedRequest::Drop),
        Just(OwnedRequest::List),
        name().prop_map(OwnedRequest::Describe),
        (name(), vectors(0..20)).prop_flat_map(|(n, (v, dim))| {
            let count = v.len() / dim as usize;
            (
                Just(n),
                proptest::collection::vec(any::<u64>(), count),
                Just(v),
                Just(dim),
                payloads(count),
                labels(count),
            )
                .prop_map(|(n, ids, v, dim, p, l)| OwnedRequest::Upsert(n, ids, v, dim, p, l))
        }),
        (
            name(),
            proptest::collection::vec(any::<u64>(), 0..50),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(n, i, p, l)| OwnedRequest::Get(n, i, p, l)),
        (name(), proptest::collection::vec(any::<u64>(), 0..50))
            .prop_map(|(n, i)| OwnedRequest::Delete(n, i)),
        // SET_PAYLOAD: the section is mandatory, so zero ids carry an empty one.
        (
            name(),
            proptest::collection::vec((any::<u64>(), payload()), 0..20)
        )
            .prop_map(|(n, points)| {
                let (ids, payloads): (Vec<u64>, Vec<Vec<u8>>) = points.into_iter().unzip();
                let payloads =
                    PayloadsBuf::from_slices(&payloads).expect("payloads within the limit");
                OwnedRequest::SetPayload(n, ids, payloads)
            }),
        // SET_LABELS: the section is mandatory too, so zero ids carry an empty one.
        (
            name(),
            proptest::collection::vec((any::<u64>(), label_list()), 0..20)
        )
            .prop_map(|(n, points)| {
                let (ids, labels): (Vec<u64>, Vec<Vec<u64>>) = points.into_iter().unzip();
                let labels = LabelsBuf::from_slices(&labels).expect("labels within the limit");
                OwnedRequest::SetLabels(n, ids, labels)
            }),
        (
            name(),
            1u32..=K_MAX,
            0u32..=EXPANSION_MAX,
            (any::<bool>(), any::<bool>(), any::<bool>()),
            vectors(1..10),
            filter()
        )
            .prop_map(
                |(n, k, ef, (exact, allow_partial, with_payloads), (q, dim), f)| {
                    OwnedRequest::Search(
                        n,
                        k,
                        ef,
                        SearchFlags {
                            exact,
                            allow_partial,
                            with_payloads,
                        },
                        q,
                        dim,
                        f,
                    )
                }
            ),
        (
            name(),
            prop_oneof![Just(0u64), Just(u64::MAX), any::<u64>()],
            prop_oneof![Just(1u32), Just(SCROLL_LIMIT_MAX), 1u32..=SCROLL_LIMIT_MAX],
            any::<[bool; 3]>(),
            filter()
        )
            .prop_map(|(n, start, limit, with, f)| OwnedRequest::Scroll(n, start, limit, with, f)),
        Just(OwnedRequest::Stats),
        prop_oneof![Just(String::new()), name()].prop_map(OwnedRequest::Snapshot),
    ]
}

#[derive(Clone, Debug)]
enum OwnedResponse {
    Plain(Response<'static>),
    Get(
        Vec<bool>,
        Vec<f32>,
        u32,
        Option<PayloadsBuf>,
        Option<LabelsBuf>,
    ),
    /// ids (ascending), more, dim, and the optional sections.
    Scroll(
        Vec<u64>,
        bool,
        u32,
        Option<Vec<f32>>,
        Option<PayloadsBuf>,
        Option<LabelsBuf>,
    ),
}

impl OwnedResponse {
    fn as_response(&self) -> Response<'_> {
        match self {
            OwnedResponse::Plain(r) => r.clone(),
            OwnedResponse::Get(found, floats, dim, payloads, labels) => {
                Response::Get(GetResponse {
                    found: found.clone(),
                    vectors: if floats.is_empty() {
                        VectorsRef::empty(*dim)
                    } else {
                        VectorsRef::new(floats, *dim)
                    },
                    payloads: payloads.as_ref().map(PayloadsBuf::as_ref),
                    labels: labels.as_ref().map(LabelsBuf::as_ref),
                })
            }
            OwnedResponse::Scroll(ids, more, dim, vectors, payloads, labels) => {
                Response::Scroll(ScrollResponse {
                    ids: IdsRef::new(ids),
                    more: *more,
                    dim: *dim,
                    vectors: vectors.as_ref().map(|v| {
                        if v.is_empty() {
                            VectorsRef::empty(*dim)
                        } else {
                            VectorsRef::new(v, *dim)
                        }
                    }),
                    payloads: payloads.as_ref().map(PayloadsBuf::as_ref),
                    labels: labels.as_ref().map(LabelsBuf::as_ref),
                })
            }
        }
    }
}

fn collection_info() -> impl Strategy<Value = CollectionInfo> {
    (
        name(),
        (
            1u32..=DIMENSIONS_MAX,
            metric(),
            any::<u16>(),
            any::<u16>(),
            any::<u32>(),
            any::<bool>(),
        ),
        (any::<u64>(), any::<u64>()),
        proptest::collection::vec(
            (any::<u32>(), any::<u64>(), any::<u64>(), any::<u64>()).prop_map(
                |(shard, v, d, b)| ShardInfo {
                    shard,
                    vectors_count: v,
                    deleted_count: d,
                    bytes: b,
                },
            ),
            0..5,
        ),
    )
        .prop_map(
            |(
                name,
                (dim, metric, shards, connectivity, expansion_add, read_replicas),
                (v, b),
                shard_infos,
            )| {
                CollectionInfo {
                    name,
                    dim,
                    metric,
                    shards,
                    connectivity,
                    expansion_add,
                    read_replicas,
                    vectors_count: v,
                    bytes: b,
                    shard_infos,
                }
            },
        )
}

fn owned_response() -> impl Strategy<Value = (Opcode, OwnedResponse)> {
    let plain = |op: Opcode, r: Response<'static>| (op, OwnedResponse::Plain(r));
    let code = proptest::sample::select(ErrorCode::ALL[1..].to_vec());
    prop_oneof![
        (any::<u16>(), any::<u32>(), any::<u64>(), any::<u32>()).prop_map(move |(v, i, f, m)| {
            plain(
                Opcode::Hello,
                Response::Hello(HelloAck {
                    version: v,
                    in_flight_max: i,
                    features: f,
                    frame_body_bytes_max: m,
                }),
            )
        }),
        Just(plain(Opcode::Ping, Response::Ping)),
        Just(plain(Opcode::CreateCollection, Response::CreateCollection)),
        Just(plain(Opcode::DropCollection, Response::DropCollection)),
        Just(plain(Opcode::Snapshot, Response::Snapshot)),
        proptest::collection::vec(collection_info(), 0..4)
            .prop_map(move |v| plain(Opcode::ListCollections, Response::ListCollections(v))),
        collection_info()
            .prop_map(move |c| plain(Opcode::DescribeCollection, Response::DescribeCollection(c))),
        (any::<u32>(), proptest::option::of(any::<u64>()), 0u8..4).prop_map(
            move |(count, lsn, which)| {
                let ack = WriteAck { count, lsn };
                match which {
                    0 => plain(Opcode::Upsert, Response::Upsert(ack)),
                    1 => plain(Opcode::Delete, Response::Delete(ack)),
                    2 => plain(Opcode::SetPayload, Response::SetPayload(ack)),
                    _ => plain(Opcode::SetLabels, Response::SetLabels(ack)),
                }
            }
        ),
        (proptest::collection::vec(any::<bool>(), 0..30), 1u32..=16).prop_flat_map(
            |(found, dim)| {
                let found_count = found.iter().filter(|f| **f).count();
                (
                    Just(found),
                    proptest::collection::vec(any::<f32>(), found_count * dim as usize),
                    Just(dim),
                    payloads(found_count),
                    labels(found_count),
                )
                    .prop_map(|(f, v, d, p, l)| (Opcode::Get, OwnedResponse::Get(f, v, d, p, l)))
            }
        ),
        (
            any::<bool>(),
            proptest::collection::vec(
                proptest::collection::vec(
                    (any::<u64>(), finite()).prop_map(|(id, distance)| Hit { id, distance }),
                    0..20
                ),
                0..10
            )
        )
            .prop_flat_map(|(partial, results)| {
                let shaped: Vec<_> = results
                    .iter()
                    .map(|hits| proptest::collection::vec(payload(), hits.len()))
                    .collect();
                (Just(partial), Just(results), proptest::option::of(shaped))
            })
            .prop_map(move |(partial, results, payloads)| plain(
                Opcode::Search,
                Response::Search(SearchResponse {
                    partial,
                    results,
                    payloads
                })
            )),
        // SCROLL: ascending ids (sometimes ending at u64::MAX), MORE only where it is allowed,
        // each section present or not independently (empty ones too, on an empty page).
        (
            proptest::collection::btree_set(any::<u64>(), 0..20),
            any::<bool>(),
            any::<bool>(),
            prop_oneof![1u32..=16, Just(DIMENSIONS_MAX)],
        )
            .prop_flat_map(|(ids, with_max, more, dim)| {
                let mut ids: Vec<u64> = ids.into_iter().collect();
                if with_max && ids.last() != Some(&u64::MAX) {
                    ids.push(u64::MAX);
                }
                let more = more && ids.last().is_some_and(|&last| last < u64::MAX);
                let count = ids.len();
                let dim = if count > 4 { dim.min(16) } else { dim };
                let floats = count * dim as usize;
                (
                    Just(ids),
                    Just(more),
                    Just(dim),
                    proptest::option::of(proptest::collection::vec(any::<f32>(), floats)),
                    proptest::option::of(proptest::collection::vec(payload(), count).prop_map(
                        |p| PayloadsBuf::from_slices(&p).expect("payloads within the limit"),
                    )),
                    proptest::option::of(proptest::collection::vec(label_list(), count).prop_map(
                        |l| LabelsBuf::from_slices(&l).expect("labels within the limit"),
                    )),
                )
                    .prop_map(|(ids, more, dim, v, p, l)| {
                        (
                            Opcode::Scroll,
                            OwnedResponse::Scroll(ids, more, dim, v, p, l),
                        )
                    })
            }),
        proptest::collection::vec(
            ("[a-z_.]{1,64}", any::<u64>()).prop_map(|(name, value)| Stat { name, value }),
            0..10
        )
        .prop_map(move |s| plain(Opcode::Stats, Response::Stats(s))),
        (code, "\\PC{0,100}").prop_map(move |(code, message)| plain(
            Opcode::Search,
            Response::Error(ErrorResponse { code, message })
        )),
    ]
}

fn flip_and_fix(frame: &mut [u8], positions: &[(usize, u8)]) {
    // Mutate body bytes, then fix both CRCs so the mutation reaches the body decoders.
    if frame.len() <= FRAME_HEADER_SIZE {
        return;
    }
    let body_len = frame.len() - FRAME_HEADER_SIZE;
    for &(at, xor) in positions {
        frame[FRAME_HEADER_SIZE + at % body_len] ^= xor;
    }
    let body_crc = crc32c::crc32c(&frame[FRAME_HEADER_SIZE..]);
    frame[20..24].copy_from_slice(&body_crc.to_le_bytes());
    let header_crc = crc32c::crc32c(&frame[..28]);
    frame[28..32].copy_from_slice(&header_crc.to_le_bytes());
}

fn decode_everything(bytes: &[u8]) {
    let _ = Frame::check(bytes);
    if let Ok(frame) = Frame::parse(bytes) {
        let _ = frame.verify_body();
        let _ = Request::decode_frame(&frame);
        let _ = Response::decode_frame(&frame);
    }
    for op in Opcode::ALL {
        let _ = Request::decode(op, bytes);
        let _ = Response::decode(op, bytes);
    }
    let _ = Response::decode_error(bytes);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn request_round_trip(owned in owned_request(), id in any::<u64>()) {
        let request = owned.as_request();
        let mut frame = Vec::new();
        request.encode(RequestId(id), &mut frame).expect("strategy builds valid requests");
        prop_assert_eq!(Frame::check(&frame), Ok(frame.len()));
        let parsed = Frame::parse(&frame).expect("parse");
        prop_assert_eq!(parsed.header.request_id, RequestId(id));
        let decoded = Request::decode_frame(&parsed).expect("decode");
        prop_assert_eq!(comparable_request(decoded), comparable_request(request));
        let mut body = Vec::new();
        request.encode_body(&mut body).expect("body");
        prop_assert_eq!(&body[..], parsed.body);
    }

    #[test]
    fn response_round_trip((opcode, owned) in owned_response(), id in any::<u64>()) {
        let response = owned.as_response();
        let mut frame = Vec::new();
        response.encode(RequestId(id), opcode.as_u8(), &mut frame).expect("strategy builds valid responses");
        prop_assert_eq!(Frame::check(&frame), Ok(frame.len()));
        let parsed = Frame::parse(&frame).expect("parse");
        let decoded = Response::decode_frame(&parsed).expect("decode");
        prop_assert_eq!(comparable_response(decoded), comparable_response(response));
        // Decoding is canonical: the decoded response re-encodes to the same frame.
        let mut again = Vec::new();
        Response::decode_frame(&parsed).expect("decode").encode(RequestId(id), opcode.as_u8(), &mut again).expect("re-encode");
        prop_assert_eq!(again, frame);
    }

    #[test]
    fn truncated_request_bodies_never_decode(owned in owned_request()) {
        // Every strict prefix of a request body is refused, except an UPSERT cut exactly where
        // its payload section starts (the same upsert without payloads or labels) or where its
        // label section starts (the same upsert without labels).
        let request = owned.as_request();
        let body = body_of(&request);
        for cut in 0..body.len() {
            match (Request::decode(request.opcode(), &body[..cut]), request) {
                (Err(e), _) => prop_assert!(!e.is_fatal()),
                (Ok(Request::Upsert(prefix)), Request::Upsert(full)) => {
                    prop_assert!(prefix.labels.is_none());
                    let bare = Upsert { payloads: None, labels: None, ..full };
                    if prefix.payloads.is_none() {
                        prop_assert!(full.payloads.is_some() || full.labels.is_some());
                    } else {
                        prop_assert!(full.labels.is_some());
                        let expected = full.payloads.map_or_else(
                            || vec![Vec::new(); full.ids.len()],
                            |p| p.to_vec(),
                        );
                        prop_assert_eq!(prefix.payloads.map(|p| p.to_vec()), Some(expected));
                    }
                    prop_assert_eq!(Upsert { payloads: None, ..prefix }, bare);
                }
                (Ok(other), _) => prop_assert!(false, "prefix of {} bytes decoded: {:?}", cut, other),
            }
        }
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_everything(&bytes);
        // The same bytes behind a valid header reach the body decoders through decode_frame.
        for op in Opcode::ALL {
            for flags in [0, FLAG_RESPONSE, FLAG_RESPONSE | FLAG_ERROR] {
                decode_everything(&raw_frame(op.as_u8(), flags, &bytes));
            }
        }
    }

    #[test]
    fn decoders_never_panic_on_mutated_frames(
        owned in owned_request(),
        positions in proptest::collection::vec((any::<usize>(), 1u8..), 1..4),
    ) {
        let mut frame = Vec::new();
        owned.as_request().encode(RequestId(1), &mut frame).expect("valid");
        flip_and_fix(&mut frame, &positions);
        decode_everything(&frame);
        // Truncations at every length are Incomplete, never a panic.
        for cut in [0, 3, 4, 31, 32, frame.len().saturating_sub(1)] {
            let cut = cut.min(frame.len());
            let r = Frame::check(&frame[..cut]);
            prop_assert!(cut == frame.len() || r == Err(Error::Incomplete), "cut {} gave {:?}", cut, r);
        }
    }

    #[test]
    fn decoders_never_panic_on_mutated_responses(
        (opcode, owned) in owned_response(),
        positions in proptest::collection::vec((any::<usize>(), 1u8..), 1..4),
    ) {
        let response = owned.as_response();
        let mut frame = Vec::new();
        response.encode(RequestId(1), opcode.as_u8(), &mut frame).expect("valid");
        flip_and_fix(&mut frame, &positions);
        decode_everything(&frame);
    }
}
