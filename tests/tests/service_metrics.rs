//! The metrics endpoint of a real `corevec serve`: `/healthz`, `/readyz`, and a `/metrics`
//! document that parses strictly as Prometheus text and whose counters follow the traffic.

mod service_common;

use corevec_client::SearchOptions;
use corevec_proto::{CreateCollection, ErrorCode, Metric};
use corevec_tests::node;
use service_common::{get, http, metrics_addr, parse, scrape, wait_ready};

fn vectors(ids: &[u64]) -> Vec<f32> {
    ids.iter()
        .flat_map(|&id| [id as f32, 1.0, -1.0, 0.5])
        .collect()
}

#[test]
fn metrics_parse_and_follow_traffic() {
    let node = node!().start();
    let addr = metrics_addr(&node);

    let health = get(addr, "/healthz");
    assert_eq!((health.status, health.body.as_str()), (200, "ok\n"));
    wait_ready(addr);

    let before = scrape(addr);
    assert_eq!(before.value("corevec_ready", &[]), 1.0);
    assert_eq!(before.value("corevec_cores", &[]), 2.0);
    for (name, kind) in [
        ("corevec_requests_total", "counter"),
        ("corevec_errors_total", "counter"),
        ("corevec_request_duration_seconds", "histogram"),
        ("corevec_connections", "gauge"),
        ("corevec_requests_in_flight", "gauge"),
        ("corevec_requests_rejected_busy_total", "counter"),
        ("corevec_collections", "gauge"),
        ("corevec_shard_vectors", "gauge"),
    ] {
        let family = before.family(name);
        assert_eq!(family.kind, kind, "{name}");
        assert!(family.help.is_some(), "{name} has HELP");
    }
    assert_eq!(before.value("corevec_collections", &[]), 0.0);

    // Traffic: create, upsert, searches, one failing request.
    let client = node.client();
    client
        .create_collection(&CreateCollection {
            name: "m",
            dim: 4,
            metric: Metric::L2,
            shards: 2,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .unwrap();
    let ids: Vec<u64> = (0..100).collect();
    client.upsert("m", &ids, &vectors(&ids)).unwrap();
    for _ in 0..5 {
        let found = client
            .search("m", &[3.0, 1.0, -1.0, 0.5], 3, SearchOptions::default())
            .unwrap();
        assert_eq!(found.hits[0].id, 3);
    }
    let err = client.describe_collection("nope").unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::CollectionNotFound));

    let after = scrape(addr);
    let delta = |name: &str, labels: &[(&str, &str)]| {
        after.value(name, labels) - before.value(name, labels)
    };
    assert_eq!(
        delta("corevec_requests_total", &[("opcode", "CREATE_COLLECTION")]),
        1.0
    );
    assert_eq!(
        delta("corevec_requests_total", &[("opcode", "UPSERT")]),
        1.0
    );
    assert_eq!(
        delta("corevec_requests_total", &[("opcode", "SEARCH")]),
        5.0
    );
    assert_eq!(
        delta(
            "corevec_requests_total",
            &[("opcode", "DESCRIBE_COLLECTION")]
        ),
        1.0
    );
    assert_eq!(
        delta("corevec_errors_total", &[("code", "COLLECTION_NOT_FOUND")]),
        1.0
    );
    // Every answered request is in its opcode's histogram.
    for opcode in ["UPSERT", "SEARCH", "DESCRIBE_COLLECTION"] {
        assert_eq!(
            after.value(
                "corevec_request_duration_seconds_count",
                &[("opcode", opcode)]
            ),
            after.value("corevec_requests_total", &[("opcode", opcode)]),
            "{opcode}"
        );
    }
    assert!(
        after.value(
            "corevec_request_duration_seconds_sum",
            &[("opcode", "SEARCH")]
        ) > 0.0
    );
    // Per-core totals add up to the per-opcode ones.
    assert_eq!(
        after.sum("corevec_core_requests_total", &[]),
        after.sum("corevec_requests_total", &[])
    );
    assert!(
        after.sum("corevec_connections", &[]) >= 1.0,
        "our client is connected"
    );
    assert_eq!(after.sum("corevec_requests_in_flight", &[]), 0.0);
    assert_eq!(after.value("corevec_collections", &[]), 1.0);
    assert_eq!(
        after.count("corevec_shard_vectors", &[("collection", "m")]),
        2,
        "one series per shard"
    );
    assert_eq!(
        after.sum("corevec_shard_vectors", &[("collection", "m")]),
        100.0
    );
    assert!(after.sum("corevec_shard_vector_bytes", &[("collection", "m")]) >= 1600.0);
    // The data directory's file system: sized, and no more free than its size.
    let size = after.value("corevec_data_dir_size_bytes", &[]);
    let available = after.value("corevec_data_dir_available_bytes", &[]);
    assert!(
        size > 0.0 && (0.0..=size).contains(&available),
        "{available} of {size}"
    );

    // The gauge follows further writes: 50 new ids, and 10 replaced ones leave tombstones.
    let more: Vec<u64> = (90..150).collect();
    client.upsert("m", &more, &vectors(&more)).unwrap();
    let later = scrape(addr);
    assert_eq!(
        later.sum("corevec_shard_vectors", &[("collection", "m")]),
        150.0
    );
    assert_eq!(
        later.sum("corevec_shard_tombstones", &[("collection", "m")]),
        10.0
    );
    assert_eq!(
        later.value("corevec_requests_total", &[("opcode", "UPSERT")]),
        2.0
    );

    // Only the three paths, only GET and HEAD.
    assert_eq!(get(addr, "/").status, 404);
    assert_eq!(http(addr, "POST", "/metrics").unwrap().status, 405);
    let head = http(addr, "HEAD", "/metrics").unwrap();
    assert_eq!((head.status, head.body.as_str()), (200, ""));
}

#[test]
fn read_replicas_are_reported_per_core() {
    let node = node!().start();
    let addr = metrics_addr(&node);
    wait_ready(addr);
    let client = node.client();
    client
        .create_collection(&CreateCollection {
            name: "r",
            dim: 4,
            metric: Metric::L2,
            shards: 1,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: true,
        })
        .unwrap();
    let ids: Vec<u64> = (0..100).collect();
    client.upsert("r", &ids, &vectors(&ids)).unwrap();
    // Shard 0 is owned by core 0; core 1 holds the copy, which every acknowledged write
    // reached.
    let copy = [("collection", "r"), ("shard", "0"), ("core", "1")];
    let metrics = scrape(addr);
    assert_eq!(metrics.value("corevec_read_replica_ready", &copy), 1.0);
    assert_eq!(metrics.value("corevec_read_replica_vectors", &copy), 100.0);
    assert_eq!(
        metrics.value(
            "corevec_shard_vectors",
            &[("collection", "r"), ("shard", "0")]
        ),
        100.0
    );
    assert_eq!(metrics.family("corevec_read_replica_ready").kind, "gauge");
}

#[test]
fn the_strict_parser_rejects_what_prometheus_would() {
    let good = "# HELP a_total Things.\n# TYPE a_total counter\na_total{x=\"1\\\"q\"} 3\n\
                # TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 0.7\nh_count 2\n";
    let parsed = parse(good).unwrap();
    assert_eq!(parsed.value("a_total", &[("x", "1\"q")]), 3.0);
    for bad in [
        "a 1",                                             // no final newline
        "a{x=1} 1\n",                                      // unquoted value
        "a{x=\"1\",x=\"2\"} 1\n",                          // duplicate label
        "# TYPE a counter\na -1\n",                        // negative counter
        "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n", // not contiguous
        "# TYPE a gauge\na 1\na 1\n",                      // duplicate series
        "# TYPE a gauge\na 1\n# HELP a late\n",            // HELP after samples
        "# TYPE a thing\n",                                // unknown type
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", // no +Inf
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 2\n", // count != +Inf
        "a{x=\"\\t\"} 1\n",                                               // bad escape
        "1a 1\n",                                                         // bad name
    ] {
        assert!(parse(bad).is_err(), "accepted {bad:?}");
    }
}

/// `slow_request_ms`: a request at least that slow is logged with its shape (opcode,
/// collection, sizes, outcome), never with its vectors.
#[test]
fn slow_requests_are_logged_with_their_shape() {
    const DIM: usize = 64;
    let node = node!().args(["--slow-request-ms", "1"]).start();
    let client = node.client();
    corevec_tests::create_l2(&client, "slow", DIM, 0);
    let value = |i: usize| ((i * 7919) % 1000) as f32 / 1000.0 + 0.123_456;
    for first in (0..20_000u64).step_by(2_000) {
        let ids: Vec<u64> = (first..first + 2_000).collect();
        let flat: Vec<f32> = (0..ids.len() * DIM)
            .map(|i| value(i + first as usize))
            .collect();
        client.upsert("slow", &ids, &flat).unwrap();
    }
    // 500 exact queries over 20,000 vectors: far above 1 ms on any machine.
    let queries: Vec<f32> = (0..500 * DIM).map(value).collect();
    let options = SearchOptions {
        exact: true,
        ..SearchOptions::default()
    };
    client
        .search_batch("slow", &queries, DIM as u32, 10, options)
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let line = loop {
        let log = node.log();
        if let Some(line) = log
            .lines()
            .find(|l| l.contains("slow request") && l.contains("SEARCH"))
        {
            break line.to_owned();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no slow SEARCH logged:\n{log}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    for part in [
        "collection=slow queries=500 k=10",
        "exact=true",
        "elapsed_ms=",
        "OK",
    ] {
        assert!(line.contains(part), "{part:?} not in {line}");
    }
    assert!(!line.contains("0.123"), "vector values in the log: {line}");
}
