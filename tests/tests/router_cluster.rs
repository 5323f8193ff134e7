//! The router (issue #8) with real processes: three `corevec serve` nodes on distinct loopback
//! addresses (127.0.0.2-4), a `corevec route` in front of them, and kill -9.
//!
//! * R = 2: after killing a node every exact search still returns the full, exact top-k;
//!   W = quorum writes succeed, W = all writes fail naming the dead node; the restarted node
//!   (same data directory) is marked up again and W = all writes succeed. SCROLL lists every
//!   point exactly once throughout.
//! * R = 1: results through the router equal a single node holding the same data (same ids,
//!   same order, same distances; SCROLL pages too); killing a node makes searches and scrolls
//!   fail with UNAVAILABLE naming it, or searches answer with `partial` set when the client
//!   allowed it; never silently short.
//! * `corevec repair`: a node that missed W = quorum writes (upserts, replacements, deletes,
//!   in-place labels and payloads) while down, and then one that lost its data directory, is
//!   made equal to its replicas; its dry runs exit 5 while it differs and 0 after.
//! * Mixed releases: a node that looks older (a proxy clears feature bits in its HELLO answer)
//!   narrows what the router enables in HELLO, and a request needing a missing feature is
//!   refused naming the node before anything is sent; upgraded, the node serves it again.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use corevec_client::{Client, ClientConfig, ClientError, Filter, ScrollOptions, SearchOptions};
use corevec_proto::{
    CreateCollection, ErrorCode, ErrorResponse, FilterRef, Frame, HelloAck, Hit, IdsRef, Metric,
    Request, Response, Search, SearchFlags, VectorsRef, FEATURES_SUPPORTED, FEATURE_FILTER_GROUPS,
    FEATURE_LABELS, FEATURE_READ_REPLICAS, FRAME_BODY_BYTES_MAX, VERSION_MAX,
};
use corevec_tests::{encode, free_port, node, stat, FeatureMaskProxy, RawConn};

mod service_common;
use rand::{Rng, SeedableRng};

const DIM: usize = 8;
const K: u32 = 10;
const PARTITIONS: u32 = 64;

/// The router's partition hash (pinned here on purpose: it is the cross-node data layout).
fn partition_of(id: u64, partitions: u32) -> u32 {
    let mut z = (id ^ 0x6a09_e667_f3bc_c909).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z % u64::from(partitions)) as u32
}

/// A process we start and kill ourselves (nodes on 127.0.0.x, the router).
struct Proc {
    child: Child,
    addr: SocketAddr,
    log: PathBuf,
    args: Vec<String>,
}

impl Proc {
    fn spawn(args: &[String], addr: SocketAddr, log: &Path) -> Proc {
        let mut last = String::new();
        for _ in 0..4 {
            let builder = node!();
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut command = builder.command(&argv);
            let log_file = std::fs::File::create(log).expect("log file");
            command
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log_file);
            let child = command.spawn().expect("spawn corevec");
            let mut proc = Proc {
                child,
                addr,
                log: log.to_owned(),
                args: args.to_vec(),
            };
            let deadline = Instant::now() + Duration::from_secs(15);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = proc.child.try_wait() {
                    break;
                }
                if let Ok(mut conn) = RawConn::connect(addr) {
                    if matches!(conn.hello(b""), Ok(Some(Response::Hello(_)))) {
                        return proc;
                    }
                }
                std::thread::sleep(Duration::from_millis(25));
            }
            last = proc.log_text();
            eprintln!("{args:?} did not come up; retrying. Log:\n{last}");
            proc.kill9();
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("{args:?} did not start; last log:\n{last}");
    }

    fn kill9(&mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }

    fn restart(&mut self) {
        self.kill9();
        let fresh = Proc::spawn(
            &self.args,
            self.addr,
            &self.log.with_extension("restart.log"),
        );
        *self = fresh;
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if std::env::var_os("COREVEC_TEST_TRACE").is_some() {
            eprintln!("{} log:\n{}", self.addr, self.log_text());
        }
        self.kill9();
    }
}

struct Cluster {
    nodes: Vec<Proc>,
    router: Proc,
    /// The router's configuration file (`corevec repair` reads it too).
    config: PathBuf,
    /// Node `i`'s data directory is `work/<name>` (`a`, `b`, `c`).
    work: tempfile::TempDir,
}

fn node_args(ip: [u8; 4], port: u16, data_dir: &Path) -> Vec<String> {
    let ip = std::net::Ipv4Addr::from(ip);
    vec![
        "serve".into(),
        "--listen".into(),
        format!("{ip}:{port}"),
        "--data-dir".into(),
        data_dir.display().to_string(),
        "--cores".into(),
        "1".into(),
        "--durability".into(),
        "interval=20".into(),
        "--metrics-listen".into(),
        format!("{ip}:{}", free_port()),
    ]
}

/// Three nodes on 127.0.0.2..=4 and a router with `router_toml` (keys besides the nodes).
fn cluster(router_toml: &str) -> Cluster {
    let work = tempfile::tempdir().expect("tempdir");
    let mut nodes = Vec::new();
    let mut toml = String::from(router_toml);
    for (i, name) in ["a", "b", "c"].iter().enumerate() {
        let ip = [127, 0, 0, 2 + i as u8];
        let port = free_port();
        let addr = SocketAddr::from((ip, port));
        let args = node_args(ip, port, &work.path().join(name));
        nodes.push(Proc::spawn(
            &args,
            addr,
            &work.path().join(format!("{name}.log")),
        ));
        toml.push_str(&format!(
            "\n[[nodes]]\nname = \"{name}\"\naddr = \"{addr}\"\n"
        ));
    }
    let (router, config) = start_router(work.path(), &toml);
    Cluster {
        nodes,
        router,
        config,
        work,
    }
}

/// `corevec route` on 127.0.0.1 with `toml` as its configuration (written under `work`).
fn start_router(work: &Path, toml: &str) -> (Proc, PathBuf) {
    let config = work.join("router.toml");
    std::fs::write(&config, toml).expect("router.toml");
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let args = vec![
        "route".to_owned(),
        "--config".into(),
        config.display().to_string(),
        "--listen".into(),
        addr.to_string(),
        "--log-level".into(),
        "info".into(),
    ];
    (Proc::spawn(&args, addr, &work.join("router.log")), config)
}

fn client(addr: SocketAddr) -> Client {
    Client::connect(
        addr,
        ClientConfig {
            request_timeout: Duration::from_secs(20),
            retries: 0,
            ..ClientConfig::default()
        },
    )
    .expect("client connects")
}

fn create(client: &Client, name: &str) {
    create_with_dim(client, name, DIM);
}

fn create_with_dim(client: &Client, name: &str, dim: usize) {
    client
        .create_collection(&CreateCollection {
            name,
            dim: dim as u32,
            metric: Metric::L2,
            shards: 0,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .unwrap_or_else(|e| panic!("create {name}: {e}"));
}

fn random_vectors(seed: u64, count: usize) -> Vec<f32> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    (0..count * DIM).map(|_| rng.gen_range(-1.0..1.0)).collect()
}

/// The data a test keeps as its reference: id → vector.
#[derive(Default)]
struct Reference {
    ids: Vec<u64>,
    vectors: Vec<f32>,
}

impl Reference {
    fn add(&mut self, ids: &[u64], vectors: &[f32]) {
        self.ids.extend_from_slice(ids);
        self.vectors.extend_from_slice(vectors);
    }

    /// Exact top-k by brute force (squared L2 in f64, ties by id).
    fn top_k(&self, query: &[f32], keep: impl Fn(u64) -> bool) -> Vec<(u64, f64)> {
        let mut all: Vec<(u64, f64)> = self
            .ids
            .iter()
            .enumerate()
            .filter(|(_, id)| keep(**id))
            .map(|(i, &id)| {
                let v = &self.vectors[i * DIM..(i + 1) * DIM];
                let d: f64 = v
                    .iter()
                    .zip(query)
                    .map(|(a, b)| f64::from(a - b).powi(2))
                    .sum();
                (id, d)
            })
            .collect();
        all.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        all.truncate(K as usize);
        all
    }
}

/// Every point listed by SCROLL, `limit` per page, with the parts `options` asks for.
fn scroll_everything(
    client: &Client,
    name: &str,
    limit: u32,
    options: ScrollOptions<'_>,
) -> Result<Vec<(u64, corevec_client::Point)>, ClientError> {
    client.scroll_all(name, limit, options).collect()
}

/// SCROLL lists exactly the reference's points (the last write of an id wins), in id order.
fn assert_scroll_lists(client: &Client, name: &str, reference: &Reference, context: &str) {
    let mut want: std::collections::BTreeMap<u64, &[f32]> = Default::default();
    for (i, &id) in reference.ids.iter().enumerate() {
        want.insert(id, &reference.vectors[i * DIM..(i + 1) * DIM]);
    }
    let options = ScrollOptions {
        with_vectors: true,
        ..ScrollOptions::default()
    };
    let listed = scroll_everything(client, name, 256, options)
        .unwrap_or_else(|e| panic!("{context}: scroll: {e}"));
    assert_eq!(listed.len(), want.len(), "{context}: points listed");
    for ((id, point), (want_id, want_vector)) in listed.iter().zip(&want) {
        assert_eq!(id, want_id, "{context}");
        assert_eq!(point.vector, *want_vector, "{context}: vector of {id}");
    }
}

/// Asserts `hits` is the exact top-k of `expected` (same length, same ids in order; distances
/// equal up to float rounding).
fn assert_exact(hits: &[Hit], expected: &[(u64, f64)], context: &str) {
    assert_eq!(
        hits.len(),
        expected.len(),
        "{context}: short answer {hits:?}"
    );
    for (hit, (id, d)) in hits.iter().zip(expected) {
        assert!(
            (f64::from(hit.distance) - d).abs() <= 1e-4 * d.max(1.0),
            "{context}: distance {} vs {d}",
            hit.distance
        );
        assert_eq!(hit.id, *id, "{context}: {hits:?} vs {expected:?}");
    }
}

fn exact() -> SearchOptions<'static> {
    SearchOptions {
        exact: true,
        ..SearchOptions::default()
    }
}

fn ingest(
    client: &Client,
    collection: &str,
    reference: &mut Reference,
    first: u64,
    count: usize,
    seed: u64,
) {
    let vectors = random_vectors(seed, count);
    let ids: Vec<u64> = (first..first + count as u64).collect();
    for (chunk_ids, chunk) in ids.chunks(500).zip(vectors.chunks(500 * DIM)) {
        client
            .upsert(collection, chunk_ids, chunk)
            .unwrap_or_else(|e| panic!("upsert into {collection}: {e}"));
    }
    reference.add(&ids, &vectors);
}

fn unavailable_naming(err: &ClientError, node: &str, addr: SocketAddr) {
    match err {
        ClientError::Server { code, message } => {
            assert_eq!(*code, ErrorCode::Unavailable, "{message}");
            assert!(
                message.contains(node) && message.contains(&addr.to_string()),
                "the error must name {node} ({addr}): {message}"
            );
        }
        other => panic!("expected UNAVAILABLE naming {node}, got {other}"),
    }
}

#[test]
fn router_r2_survives_kill_9_and_takes_the_node_back() {
    let metrics = SocketAddr::from(([127, 0, 0, 1], free_port()));
    let mut cluster = cluster(&format!(
        "cores = 2\npartitions = {PARTITIONS}\nreplication = 2\nwrite_quorum = \"all\"\n\
         ping_interval_ms = 100\nping_timeout_ms = 500\nconnect_timeout_ms = 500\n\
         request_timeout_ms = 3000\nmetrics_listen = \"{metrics}\"\n\n\
         [collections.docs]\nwrite_quorum = \"quorum\"\n"
    ));
    let router = client(cluster.router.addr);
    create(&router, "docs"); // W = quorum
    create(&router, "strict"); // W = all
    let mut docs = Reference::default();
    ingest(&router, "docs", &mut docs, 0, 3000, 1);
    let mut strict = Reference::default();
    ingest(&router, "strict", &mut strict, 0, 300, 2);
    let info = router.describe_collection("docs").unwrap();
    assert_eq!(info.vectors_count, 3000, "{info:?}");

    let queries = random_vectors(99, 20);
    let check_all = |client: &Client, reference: &Reference, context: &str| {
        for (q, query) in queries.chunks(DIM).enumerate() {
            let result = client
                .search("docs", query, K, exact())
                .unwrap_or_else(|e| panic!("{context}: query {q}: {e}"));
            assert!(!result.partial, "{context}");
            assert_exact(&result.hits, &reference.top_k(query, |_| true), context);
        }
        assert_scroll_lists(client, "docs", reference, context);
    };
    check_all(&router, &docs, "before the kill");

    // kill -9 node b; query at once (before any health check noticed): failover, full top-k.
    let (dead_name, dead_addr) = ("b", cluster.nodes[1].addr);
    cluster.nodes[1].kill9();
    check_all(&router, &docs, "right after kill -9");
    std::thread::sleep(Duration::from_millis(300)); // now it is marked down
    check_all(&router, &docs, "with the node marked down");
    let info = router.describe_collection("docs").unwrap();
    assert!(info.shard_infos.len() < info.shards as usize, "{info:?}");

    // W = quorum: succeeds with one replica of each partition gone.
    let missed_vectors = random_vectors(3, 200);
    let missed_ids: Vec<u64> = (10_000..10_200).collect();
    router
        .upsert("docs", &missed_ids, &missed_vectors)
        .expect("W=quorum write with one node dead");
    docs.add(&missed_ids, &missed_vectors);
    check_all(&router, &docs, "after a W=quorum write");
    // W = all: fails, naming the dead node.
    let err = router
        .upsert(
            "strict",
            &[5_000, 5_001, 5_002, 5_003],
            &random_vectors(4, 4),
        )
        .unwrap_err();
    unavailable_naming(&err, dead_name, dead_addr);
    let stats = router.stats().unwrap();
    assert!(corevec_tests::stat(&stats, "unavailable").unwrap() >= 1);
    // Counted although a failed request, not a PING, marked b down first.
    assert!(corevec_tests::stat(&stats, "node_down_events").unwrap() >= 1);
    // The acknowledged W=quorum write is counted against b, the node that lacks it (the
    // refused W=all write is not: the client knows it failed).
    // The router's /metrics says the same, next to its request counters.
    service_common::wait_ready(metrics);
    let scraped = service_common::scrape(metrics);
    for (node, missed) in [("a", 0u32), ("b", 1), ("c", 0)] {
        assert_eq!(
            corevec_tests::stat(&stats, &format!("missed_writes.{node}")),
            Some(u64::from(missed)),
            "{stats:?}"
        );
        assert_eq!(
            scraped.value("corevec_router_missed_writes_total", &[("node", node)]),
            f64::from(missed)
        );
    }
    assert_eq!(scraped.value("corevec_router_nodes", &[]), 3.0);
    assert_eq!(
        scraped.value("corevec_router_under_replicated_writes_total", &[]),
        1.0
    );
    assert!(scraped.value("corevec_requests_total", &[("opcode", "UPSERT")]) >= 3.0);

    // Restart b on the same data directory: marked up again, W = all succeeds again.
    cluster.nodes[1].restart();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // 50 ids: every partition group, so every replica, must acknowledge.
        let ids: Vec<u64> = (5_000..5_050).collect();
        match router.upsert("strict", &ids, &random_vectors(5, 50)) {
            Ok(_) => break,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("the restarted node was not taken back: {e}"),
        }
    }
    // b missed the W=quorum write while it was down (the router does no repair; see
    // docs/ROUTER.md): the client repeats it with every replica up (on this connection's
    // router core, which just proved it sees b up), then everything is exact again.
    router
        .upsert("docs", &missed_ids, &missed_vectors)
        .expect("repeat the write on every replica");
    let stats = router.stats().unwrap();
    assert_eq!(
        corevec_tests::stat(&stats, "nodes_up"),
        Some(3),
        "{stats:?}"
    );
    // Taking b back, the core that acknowledged the write without it says so.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cluster
        .router
        .log_text()
        .contains("node is up again, without writes this core acknowledged")
    {
        assert!(
            Instant::now() < deadline,
            "no missed-writes warning:\n{}",
            cluster.router.log_text()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    for _ in 0..3 {
        check_all(&router, &docs, "after the restart");
    }
    let strict_after = router.describe_collection("strict").unwrap();
    assert_eq!(
        strict_after.shard_infos.len(),
        strict_after.shards as usize,
        "{strict_after:?}\n{}",
        cluster.router.log_text()
    );
    assert_eq!(strict_after.vectors_count, strict.ids.len() as u64 + 50);
}

#[test]
fn router_r1_equals_a_single_node_and_fails_loudly_when_a_node_dies() {
    let mut cluster = cluster(&format!(
        "cores = 1\npartitions = {PARTITIONS}\nreplication = 1\n\
         ping_interval_ms = 100\nping_timeout_ms = 500\nconnect_timeout_ms = 500\n\
         request_timeout_ms = 3000\n"
    ));
    let work = tempfile::tempdir().unwrap();
    let single_port = free_port();
    let single = Proc::spawn(
        &node_args([127, 0, 0, 1], single_port, &work.path().join("single")),
        SocketAddr::from(([127, 0, 0, 1], single_port)),
        &work.path().join("single.log"),
    );
    let router = client(cluster.router.addr);
    let single = (client(single.addr), single);
    create(&router, "v");
    create(&single.0, "v");
    let mut reference = Reference::default();
    ingest(&router, "v", &mut reference, 0, 2000, 7);
    let mut same = Reference::default();
    ingest(&single.0, "v", &mut same, 0, 2000, 7);

    // Same ids, same order, same distances as one node holding the same data.
    let queries = random_vectors(42, 20);
    for (q, query) in queries.chunks(DIM).enumerate() {
        let routed = router.search("v", query, K, exact()).unwrap();
        let direct = single.0.search("v", query, K, exact()).unwrap();
        assert_eq!(routed.hits, direct.hits, "query {q}");
        assert_exact(&routed.hits, &reference.top_k(query, |_| true), "R=1");
        // With a distance bound at the 4th hit: the hits within it, through the router too.
        let max = routed.hits[3].distance;
        let bounded = SearchOptions {
            max_distance: Some(max),
            ..exact()
        };
        let routed_within = router.search("v", query, K, bounded).unwrap();
        let direct_within = single.0.search("v", query, K, bounded).unwrap();
        assert_eq!(routed_within.hits, direct_within.hits, "query {q}");
        let within: Vec<Hit> = routed
            .hits
            .iter()
            .filter(|h| h.distance <= max)
            .cloned()
            .collect();
        assert_eq!(routed_within.hits, within, "query {q}");
    }
    // A batch search too.
    let routed = router
        .search_batch("v", &queries, DIM as u32, K, exact())
        .unwrap();
    let direct = single
        .0
        .search_batch("v", &queries, DIM as u32, K, exact())
        .unwrap();
    assert_eq!(routed.results, direct.results);
    // Payloads go through the router: split with their points on the way in, merged with
    // their hits on the way out, exactly as one node answers.
    let with_payloads: Vec<u64> = (0..300).collect();
    let payloads: Vec<Vec<u8>> = with_payloads
        .iter()
        .map(|id| format!("point {id}").repeat(*id as usize % 7).into_bytes())
        .collect();
    let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let vectors = &reference.vectors[..300 * DIM];
    for c in [&router, &single.0] {
        c.upsert_with_payloads("v", &with_payloads, vectors, &payloads)
            .unwrap();
    }
    for query in queries.chunks(DIM).take(5) {
        let routed = router.search_with_payloads("v", query, K, exact()).unwrap();
        let direct = single
            .0
            .search_with_payloads("v", query, K, exact())
            .unwrap();
        assert_eq!(routed.hits, direct.hits);
    }
    let routed = router
        .search_batch_with_payloads("v", &queries, DIM as u32, K, exact())
        .unwrap();
    let direct = single
        .0
        .search_batch_with_payloads("v", &queries, DIM as u32, K, exact())
        .unwrap();
    assert_eq!(routed, direct);
    let got = router
        .get_with_payloads("v", &[4, 1500, 299, 123_456])
        .unwrap();
    assert_eq!(
        got,
        single
            .0
            .get_with_payloads("v", &[4, 1500, 299, 123_456])
            .unwrap()
    );
    assert_eq!(
        got[0].as_ref().map(|p| p.payload.as_slice()),
        Some(payloads[4])
    );
    assert_eq!(got[1].as_ref().map(|p| p.payload.len()), Some(0));
    // SET_PAYLOAD is split by partition too; absent ids are not counted.
    let set: [&[u8]; 4] = [b"four", b"fifteen hundred", b"none", b"two"];
    let set_ids = [4, 1500, 123_456, 2];
    assert_eq!(router.set_payloads("v", &set_ids, &set).unwrap().count, 3);
    assert_eq!(single.0.set_payloads("v", &set_ids, &set).unwrap().count, 3);
    let got = router.get_with_payloads("v", &set_ids).unwrap();
    assert_eq!(got, single.0.get_with_payloads("v", &set_ids).unwrap());
    assert_eq!(
        got[1].as_ref().map(|p| p.payload.as_slice()),
        Some(&b"fifteen hundred"[..])
    );
    assert_eq!(
        got[1].as_ref().map(|p| p.vector.as_slice()),
        Some(&reference.vectors[1500 * DIM..1501 * DIM])
    );
    // Labels go through the router too: split with their points, returned by GET, and
    // filters forwarded, so a filtered search answers as one node does.
    let labelled: Vec<u64> = (300..700).collect();
    let lists: Vec<Vec<u64>> = labelled
        .iter()
        .map(|id| vec![id % 5, 100 + id % 2])
        .collect();
    let lists: Vec<&[u64]> = lists.iter().map(Vec::as_slice).collect();
    let vectors = &reference.vectors[300 * DIM..700 * DIM];
    for c in [&router, &single.0] {
        c.upsert_points("v", &labelled, vectors, None, Some(&lists))
            .unwrap();
    }
    let filter = Filter {
        all_of: vec![3],
        none_of: vec![101],
        ..Filter::default()
    };
    // Two any_of groups: (label 1 or 3) and label 100.
    let groups = Filter {
        any_of: vec![vec![1, 3], vec![100]],
        ..Filter::default()
    };
    type Case<'a> = (&'a Filter, fn(u64) -> bool);
    let cases: [Case<'_>; 2] = [
        (&filter, |id| id % 5 == 3 && id % 2 == 0),
        (&groups, |id| [1, 3].contains(&(id % 5)) && id % 2 == 0),
    ];
    let filtered_queries = cases
        .iter()
        .flat_map(|case| queries.chunks(DIM).take(5).map(move |query| (case, query)));
    for ((filter, matches), query) in filtered_queries {
        for exact in [true, false] {
            let options = SearchOptions {
                exact,
                expansion_search: 200,
                filter: Some(filter),
                ..SearchOptions::default()
            };
            let routed = router.search("v", query, K, options).unwrap();
            assert_eq!(routed.hits.len(), K as usize);
            assert!(
                routed
                    .hits
                    .iter()
                    .all(|h| (300..700).contains(&h.id) && matches(h.id)),
                "{filter:?}: {:?}",
                routed.hits
            );
            if exact {
                let direct = single.0.search("v", query, K, options).unwrap();
                assert_eq!(routed.hits, direct.hits);
            }
        }
    }
    let ids = [303, 305, 1500, 123_456];
    let got = router.get_points("v", &ids, false, true).unwrap();
    assert_eq!(got, single.0.get_points("v", &ids, false, true).unwrap());
    assert_eq!(
        got[0].as_ref().map(|p| p.labels.clone()),
        Some(vec![3, 101])
    );
    assert_eq!(got[2].as_ref().map(|p| p.labels.len()), Some(0));
    // SET_LABELS is split by partition too; absent ids are not counted, vectors and payloads
    // stay.
    let set: [&[u64]; 4] = [&[7], &[], &[9, 8, 9], &[1]];
    let set_ids = [303, 305, 1500, 123_456];
    assert_eq!(router.set_labels("v", &set_ids, &set).unwrap().count, 3);
    assert_eq!(single.0.set_labels("v", &set_ids, &set).unwrap().count, 3);
    let got = router.get_points("v", &set_ids, true, true).unwrap();
    assert_eq!(got, single.0.get_points("v", &set_ids, true, true).unwrap());
    assert_eq!(got[0].as_ref().map(|p| p.labels.clone()), Some(vec![7]));
    assert_eq!(got[1].as_ref().map(|p| p.labels.len()), Some(0));
    assert_eq!(
        got[2]
            .as_ref()
            .map(|p| (p.labels.clone(), p.payload.as_slice())),
        Some((vec![8, 9], &b"fifteen hundred"[..]))
    );
    assert_eq!(
        got[0].as_ref().map(|p| p.vector.as_slice()),
        Some(&reference.vectors[303 * DIM..304 * DIM])
    );
    assert_eq!(got[3], None);
    // GET and DELETE are routed by partition.
    let got = router.get("v", &[3, 1999, 123_456]).unwrap();
    assert_eq!(
        got[0].as_deref(),
        Some(&reference.vectors[3 * DIM..4 * DIM])
    );
    assert_eq!(
        got[1].as_deref(),
        Some(&reference.vectors[1999 * DIM..2000 * DIM])
    );
    assert_eq!(got[2], None);
    assert_eq!(router.delete("v", &[1, 2, 123_456]).unwrap().count, 2);
    assert_eq!(single.0.delete("v", &[1, 2]).unwrap().count, 2);
    // Writes without ids: nothing changes, but the collection and the dimension are checked
    // through the router as on a node.
    let empty_write = |addr: SocketAddr, collection: &str, dim: u32| {
        let mut raw = RawConn::connect(addr).expect("connect");
        raw.hello(b"").expect("hello");
        let mut answers = Vec::new();
        for request in [
            Request::Upsert(corevec_proto::Upsert {
                collection,
                ids: IdsRef::new(&[]),
                vectors: VectorsRef::new(&[], dim),
                payloads: None,
                labels: None,
            }),
            Request::Delete(corevec_proto::IdsRequest {
                collection,
                ids: IdsRef::new(&[]),
                with_payloads: false,
                with_labels: false,
            }),
        ] {
            raw.send(&encode(&request, 9));
            answers.push(match raw.read_response().expect("answer") {
                (_, Response::Upsert(ack) | Response::Delete(ack)) => Ok(ack.count),
                (_, Response::Error(e)) => Err(e.code),
                (_, other) => panic!("unexpected {other:?}"),
            });
        }
        answers
    };
    for (collection, dim, expected) in [
        ("v", DIM as u32, Ok(0)),
        ("nope", DIM as u32, Err(ErrorCode::CollectionNotFound)),
    ] {
        let routed = empty_write(cluster.router.addr, collection, dim);
        assert_eq!(routed, vec![expected; 2], "{collection}");
        assert_eq!(
            routed,
            empty_write(single.1.addr, collection, dim),
            "{collection}"
        );
    }
    let wrong_dim = empty_write(cluster.router.addr, "v", DIM as u32 + 1);
    assert_eq!(wrong_dim, empty_write(single.1.addr, "v", DIM as u32 + 1));
    let keep = |id: u64| id != 1 && id != 2;
    assert_eq!(router.describe_collection("v").unwrap().vectors_count, 1998);
    // SCROLL pages through the router equal one node's, with every part and with a filter;
    // pages of 100 over 64 partitions on three nodes.
    let everything = ScrollOptions {
        with_vectors: true,
        with_payloads: true,
        with_labels: true,
        filter: None,
    };
    let filtered = ScrollOptions {
        filter: Some(&filter),
        ..everything
    };
    for options in [everything, filtered] {
        let routed = scroll_everything(&router, "v", 100, options).unwrap();
        assert_eq!(
            routed,
            scroll_everything(&single.0, "v", 100, options).unwrap()
        );
        if options.filter.is_none() {
            assert_eq!(routed.len(), 1998);
        }
    }
    let page = router.scroll("v", 1500, 3, everything).unwrap();
    assert_eq!(page, single.0.scroll("v", 1500, 3, everything).unwrap());
    assert_eq!(page.next, Some(1503));

    // kill -9 node c (index 2): partitions p with p % 3 == 2 are gone.
    let dead_addr = cluster.nodes[2].addr;
    cluster.nodes[2].kill9();
    let on_survivors = |id: u64| keep(id) && partition_of(id, PARTITIONS) % 3 != 2;
    for (q, query) in queries.chunks(DIM).enumerate() {
        let err = router.search("v", query, K, exact()).unwrap_err();
        unavailable_naming(&err, "c", dead_addr);
        let partial = router
            .search(
                "v",
                query,
                K,
                SearchOptions {
                    exact: true,
                    allow_partial: true,
                    ..SearchOptions::default()
                },
            )
            .unwrap();
        assert!(partial.partial, "query {q}: partial flag must be set");
        assert_exact(
            &partial.hits,
            &reference.top_k(query, on_survivors),
            "partial answer",
        );
    }
    let on_dead = (0..2000u64)
        .find(|&id| partition_of(id, PARTITIONS) % 3 == 2)
        .unwrap();
    unavailable_naming(&router.get("v", &[on_dead]).unwrap_err(), "c", dead_addr);
    let err = router
        .scroll("v", 0, 10, ScrollOptions::default())
        .unwrap_err();
    unavailable_naming(&err, "c", dead_addr);
    let err = router
        .upsert("v", &[on_dead], &random_vectors(8, 1))
        .unwrap_err();
    unavailable_naming(&err, "c", dead_addr);
    let stats = router.stats().unwrap();
    assert!(corevec_tests::stat(&stats, "partial").unwrap() >= 20);
    assert!(corevec_tests::stat(&stats, "nodes_up").unwrap() <= 2);
}

#[test]
fn router_hedges_reads_around_a_stalled_replica() {
    // Health checks slow enough not to interfere: only hedging can answer while a replica
    // is stalled without waiting for a request timeout.
    let cluster = cluster(&format!(
        "cores = 1\npartitions = {PARTITIONS}\nreplication = 2\nhedge_delay_ms = 30\n\
         ping_interval_ms = 5000\nping_timeout_ms = 20000\nrequest_timeout_ms = 20000\n"
    ));
    let router = client(cluster.router.addr);
    create(&router, "h");
    let mut reference = Reference::default();
    ingest(&router, "h", &mut reference, 0, 1000, 11);
    let before = router.stats().unwrap();
    let stalled = i32::try_from(cluster.nodes[0].child.id()).expect("pid");
    // SAFETY: kill(2) with plain integers on our own child process.
    assert_eq!(unsafe { libc::kill(stalled, libc::SIGSTOP) }, 0);
    let queries = random_vectors(5, 10);
    // Every search is answered, complete and exact, while the replica is still stopped (it
    // is resumed only below). A router that did not hedge would wait for the stalled
    // replica until a request timeout (20 s, router and client: only a hang guard here) and
    // then either fail the search or fail over, which the counters below rule out.
    for query in queries.chunks(DIM) {
        let result = router
            .search("h", query, K, exact())
            .expect("hedged search");
        assert!(!result.partial);
        assert_exact(&result.hits, &reference.top_k(query, |_| true), "hedged");
    }
    // SAFETY: as above.
    assert_eq!(unsafe { libc::kill(stalled, libc::SIGCONT) }, 0);
    // Only now: STATS also asks every node (LIST). No search runs after the resume, so the
    // counters are those of the stalled phase.
    let after = router.stats().unwrap();
    let delta = |name: &str| {
        corevec_tests::stat(&after, name).unwrap() - corevec_tests::stat(&before, name).unwrap()
    };
    let (hedges, failovers) = (delta("hedges"), delta("failovers"));
    assert!(hedges >= 1, "hedges = {hedges}");
    assert_eq!(
        failovers, 0,
        "a search waited for the stalled replica to fail instead of hedging around it"
    );
}

/// A point as the repair test models it: vector, payload, labels.
type ModelPoint = (Vec<f32>, Vec<u8>, Vec<u64>);

/// Runs `corevec repair` with `args` after the config and collection; returns (exit code,
/// stdout + stderr).
fn repair(config: &Path, collection: &str, args: &[&str]) -> (Option<i32>, String) {
    let config = config.display().to_string();
    let mut argv = vec!["repair", "--config", config.as_str(), collection];
    argv.extend_from_slice(args);
    let output = node!().command(&argv).output().expect("run corevec repair");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), text)
}

/// Node `node`'s points of `collection` in the partition groups it holds (3 nodes, R = 2:
/// group `p % 3` on nodes `g` and `g + 1`), each with vector, payload and labels.
fn node_points(addr: SocketAddr, collection: &str) -> BTreeMap<u64, ModelPoint> {
    let options = ScrollOptions {
        with_vectors: true,
        with_payloads: true,
        with_labels: true,
        filter: None,
    };
    scroll_everything(&client(addr), collection, 512, options)
        .unwrap_or_else(|e| panic!("scroll {addr}: {e}"))
        .into_iter()
        .map(|(id, p)| (id, (p.vector, p.payload, p.labels)))
        .collect()
}

/// Every node holds exactly the model's points of its partition groups.
fn assert_nodes_hold(cluster: &Cluster, model: &BTreeMap<u64, ModelPoint>, context: &str) {
    for (n, node) in cluster.nodes.iter().enumerate() {
        let holds = |id: u64| {
            let group = partition_of(id, PARTITIONS) as usize % 3;
            group == n || (group + 1) % 3 == n
        };
        let want: BTreeMap<u64, ModelPoint> = model
            .iter()
            .filter(|(id, _)| holds(**id))
            .map(|(id, p)| (*id, p.clone()))
            .collect();
        let have = node_points(node.addr, "docs");
        assert_eq!(have.len(), want.len(), "{context}: node {n}'s point count");
        assert!(have == want, "{context}: node {n}'s points differ");
    }
}

#[test]
fn repair_makes_a_node_that_missed_writes_equal_to_its_replicas() {
    let mut cluster = cluster(&format!(
        "cores = 1\npartitions = {PARTITIONS}\nreplication = 2\nwrite_quorum = \"quorum\"\n\
         ping_interval_ms = 100\nping_timeout_ms = 500\nconnect_timeout_ms = 500\n\
         request_timeout_ms = 3000\n\n[collections.single]\nreplication = 1\n"
    ));
    let router = client(cluster.router.addr);
    create(&router, "docs");
    let mut model: BTreeMap<u64, ModelPoint> = BTreeMap::new();
    let write = |ids: &[u64], seed: u64, model: &mut BTreeMap<u64, ModelPoint>| {
        let vectors = random_vectors(seed, ids.len());
        let payloads: Vec<Vec<u8>> = ids
            .iter()
            .map(|id| format!("p{id}.{seed}").into_bytes())
            .collect();
        let labels: Vec<Vec<u64>> = ids.iter().map(|id| vec![id % 7, 100 + seed]).collect();
        let payload_refs: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
        let label_refs: Vec<&[u64]> = labels.iter().map(Vec::as_slice).collect();
        router
            .upsert_points(
                "docs",
                ids,
                &vectors,
                Some(&payload_refs),
                Some(&label_refs),
            )
            .unwrap_or_else(|e| panic!("upsert: {e}"));
        for (i, &id) in ids.iter().enumerate() {
            model.insert(
                id,
                (
                    vectors[i * DIM..(i + 1) * DIM].to_vec(),
                    payloads[i].clone(),
                    labels[i].clone(),
                ),
            );
        }
    };
    let all: Vec<u64> = (0..1500).collect();
    write(&all, 1, &mut model);
    assert_nodes_hold(&cluster, &model, "before the kill");
    let (code, text) = repair(&cluster.config, "docs", &["--node", "b"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("agrees"), "{text}");

    // b is down while W = quorum writes of every kind are acknowledged by a and c.
    cluster.nodes[1].kill9();
    std::thread::sleep(Duration::from_millis(300));
    write(&(10_000..10_300).collect::<Vec<_>>(), 2, &mut model); // new points
    write(&(0..200).collect::<Vec<_>>(), 3, &mut model); // replaced points
    let deleted: Vec<u64> = (200..400).collect();
    router.delete("docs", &deleted).expect("delete with b down");
    for id in &deleted {
        model.remove(id);
    }
    let relabelled: Vec<u64> = (400..500).collect();
    let new_labels: Vec<Vec<u64>> = relabelled.iter().map(|id| vec![9_000 + id]).collect();
    let label_refs: Vec<&[u64]> = new_labels.iter().map(Vec::as_slice).collect();
    router
        .set_labels("docs", &relabelled, &label_refs)
        .expect("set_labels with b down");
    for (id, labels) in relabelled.iter().zip(&new_labels) {
        model.get_mut(id).expect("live").2 = labels.clone();
    }
    let repaid: Vec<u64> = (500..600).collect();
    let payload_refs: Vec<&[u8]> = repaid.iter().map(|_| b"new payload".as_slice()).collect();
    router
        .set_payloads("docs", &repaid, &payload_refs)
        .expect("set_payloads with b down");
    for id in &repaid {
        model.get_mut(id).expect("live").1 = b"new payload".to_vec();
    }
    cluster.nodes[1].restart();

    // The dry run finds every kind of difference and changes nothing.
    let (code, text) = repair(&cluster.config, "docs", &["--node", "b"]);
    assert_eq!(code, Some(5), "{text}");
    assert!(text.contains("differs from its replicas"), "{text}");
    for kind in ["missing", "different", "extra"] {
        let count: u64 = text
            .lines()
            .filter(|line| line.contains("differs"))
            .filter_map(|line| {
                let at = line.find(&format!(" {kind}"))?;
                line[..at].rsplit(' ').next()?.parse().ok()
            })
            .next()
            .unwrap_or(0);
        assert!(count > 0, "no {kind} points reported:\n{text}");
    }
    let b_before = node_points(cluster.nodes[1].addr, "docs");
    let (code, _) = repair(&cluster.config, "docs", &["--node", "b"]);
    assert_eq!(code, Some(5));
    assert!(
        node_points(cluster.nodes[1].addr, "docs") == b_before,
        "a dry run wrote"
    );

    let (code, text) = repair(&cluster.config, "docs", &["--node", "b", "--yes"]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("repaired docs on b"), "{text}");
    assert!(text.contains("(wrote "), "{text}");
    assert_nodes_hold(&cluster, &model, "after the repair");
    let (code, text) = repair(&cluster.config, "docs", &["--node", "b"]);
    assert_eq!(code, Some(0), "{text}");

    // b loses its data directory: the collection is recreated and refilled from a and c.
    cluster.nodes[1].kill9();
    std::fs::remove_dir_all(cluster.work.path().join("b")).expect("wipe b");
    cluster.nodes[1].restart();
    let (code, text) = repair(&cluster.config, "docs", &["--node", "b"]);
    assert_eq!(code, Some(5), "{text}");
    assert!(text.contains("does not exist on b"), "{text}");
    let (code, text) = repair(
        &cluster.config,
        "docs",
        &["--node", "b", "--from", "a", "--yes"],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("created docs on b"), "{text}");
    assert!(text.contains("not held by --from a"), "{text}");
    // --from a covers only the group b shares with a; the default covers the other from c.
    let (code, text) = repair(&cluster.config, "docs", &["--node", "b", "--yes"]);
    assert_eq!(code, Some(0), "{text}");
    assert_nodes_hold(&cluster, &model, "after refilling a wiped node");
    let hits = router
        .search("docs", &model[&7].0, K, exact())
        .expect("search after the repair");
    assert_eq!(hits.hits.first().map(|h| h.id), Some(7));

    // Refusals: an unknown node, a node as its own source, a collection with one replica.
    let (code, text) = repair(&cluster.config, "docs", &["--node", "zz"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("no such node") && text.contains("a, b, c"),
        "{text}"
    );
    let (code, text) = repair(&cluster.config, "docs", &["--node", "a", "--from", "a"]);
    assert_eq!(code, Some(2), "{text}");
    let (code, text) = repair(&cluster.config, "single", &["--node", "a"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("only copy"), "{text}");
}

/// A client of the router once the router's STATS report `features` (what HELLO enables).
///
/// Both nodes must be up (while one is down after a cut, the router serves what the other has),
/// and the client returned connects after that was seen, so its HELLO got those features.
fn client_when_features(router: SocketAddr, features: u64) -> Client {
    let deadline = Instant::now() + Duration::from_secs(20);
    let probe = client(router);
    loop {
        let stats = probe.stats().expect("router stats");
        let (now, up) = (stat(&stats, "features"), stat(&stats, "nodes_up"));
        if now == Some(features) && up == Some(2) {
            let c = client(router);
            let hello = c.connection().expect("connected").hello().features;
            assert_eq!(hello, features, "HELLO after the router settled");
            return c;
        }
        assert!(
            Instant::now() < deadline,
            "router features {now:?} with {up:?} nodes up, want {features:#x} with 2"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A replica that hangs (SIGSTOP: its connections stay open, nothing is answered; no health
/// check marks it down during the test) while it holds two of the three replica groups: GET
/// and SCROLL fail over to the other replica of each of its groups, even when that replica
/// already answered for another group of the same request.
#[test]
fn router_reads_fail_over_from_a_hung_replica() {
    // A request to the hung node gives up after 400 ms: a node failure, failed over from
    // (a timeout does not mark the node down). No PING in flight to it either (the next one
    // is a minute away), so it is as likely to be picked as the others.
    let cluster = cluster(&format!(
        "cores = 1\npartitions = {PARTITIONS}\nreplication = 2\n\
         ping_interval_ms = 60000\nping_timeout_ms = 60000\nconnect_timeout_ms = 500\n\
         request_timeout_ms = 400\n"
    ));
    let router = client(cluster.router.addr);
    create(&router, "docs");
    let mut docs = Reference::default();
    ingest(&router, "docs", &mut docs, 0, 600, 4);
    let hung = i32::try_from(cluster.nodes[1].child.id()).expect("pid");
    // SAFETY: kill(2) with plain integers on our own child process.
    assert_eq!(unsafe { libc::kill(hung, libc::SIGSTOP) }, 0);
    // Each request picks replicas in turn, so over a few rounds b is given two groups (the
    // case that failed: the other replica of its first group had answered for another).
    for round in 0..6 {
        let context = format!("round {round}, b hung");
        let found = router
            .get("docs", &docs.ids)
            .unwrap_or_else(|e| panic!("{context}: get: {e}"));
        for (i, vector) in found.iter().enumerate() {
            assert_eq!(
                vector.as_deref(),
                Some(&docs.vectors[i * DIM..(i + 1) * DIM]),
                "{context}: id {}",
                docs.ids[i]
            );
        }
        assert_scroll_lists(&router, "docs", &docs, &context);
    }
    let failovers = stat(&router.stats().unwrap(), "failovers").unwrap();
    assert!(failovers >= 1, "b was never asked: {failovers} failovers");
}

/// A health-check PING waits `ping_timeout_ms`, also when that is longer than
/// `request_timeout_ms` (it used to be cut at the request timeout): a node that answers
/// nothing for a second is still up with a one-minute ping timeout.
#[test]
fn router_waits_ping_timeout_for_a_ping() {
    let cluster = cluster(&format!(
        "cores = 1\npartitions = {PARTITIONS}\nreplication = 2\n\
         ping_interval_ms = 100\nping_timeout_ms = 60000\nconnect_timeout_ms = 500\n\
         request_timeout_ms = 300\nnode_connections = 1\n"
    ));
    let router = client(cluster.router.addr);
    // One connection per node, open already (the first PINGs): a new connection to a hung
    // node fails its HELLO within connect_timeout_ms, which rightly marks it down.
    std::thread::sleep(Duration::from_millis(300));
    let hung = i32::try_from(cluster.nodes[1].child.id()).expect("pid");
    // SAFETY: kill(2) with plain integers on our own child process.
    assert_eq!(unsafe { libc::kill(hung, libc::SIGSTOP) }, 0);
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        stat(&router.stats().unwrap(), "nodes_up"),
        Some(3),
        "b was marked down before its ping timeout"
    );
}

/// One replica lacks a collection the others hold (it missed the CREATE, or lost its disk and
/// was not repaired yet): reads are served by the replicas that have it, a write with W=one
/// succeeds (counting a missed write for that replica), and a collection no node has is
/// still COLLECTION_NOT_FOUND, as on a single node, not UNAVAILABLE.
#[test]
fn router_serves_a_collection_one_replica_lacks() {
    let cluster = cluster(&format!(
        "cores = 1\npartitions = {PARTITIONS}\nreplication = 2\n\
         ping_interval_ms = 100\nping_timeout_ms = 500\nconnect_timeout_ms = 500\n\
         request_timeout_ms = 3000\n\n[collections.partial]\nwrite_quorum = \"one\"\n"
    ));
    for i in [0, 2] {
        create(&client(cluster.nodes[i].addr), "partial"); // not on b
    }
    let router = client(cluster.router.addr);
    let mut partial = Reference::default();
    ingest(&router, "partial", &mut partial, 0, 600, 8);
    let stats = router.stats().unwrap();
    assert!(
        stat(&stats, "missed_writes.b").unwrap() >= 1,
        "b missed the writes it refused"
    );
    // Each request picks replicas anew: over a few rounds b is asked, refuses, and its
    // groups are read from the other replica.
    let queries = random_vectors(12, 5);
    for round in 0..4 {
        let context = format!("round {round}");
        let found = router
            .get("partial", &partial.ids)
            .unwrap_or_else(|e| panic!("{context}: get: {e}"));
        assert!(found.iter().all(Option::is_some), "{context}");
        assert_scroll_lists(&router, "partial", &partial, &context);
        for query in queries.chunks(DIM) {
            let result = router
                .search("partial", query, K, exact())
                .unwrap_or_else(|e| panic!("{context}: search: {e}"));
            assert_exact(&result.hits, &partial.top_k(query, |_| true), &context);
        }
    }
    let not_found = |e: ClientError| match e {
        ClientError::Server { code, .. } => assert_eq!(code, ErrorCode::CollectionNotFound),
        other => panic!("{other}"),
    };
    not_found(router.get("nowhere", &[1, 2, 3]).unwrap_err());
    not_found(
        router
            .search("nowhere", &queries[..DIM], K, exact())
            .unwrap_err(),
    );
    not_found(router.upsert("nowhere", &[1], &queries[..DIM]).unwrap_err());

    // Replicas that disagree on a collection's dimension (each node's was created apart, of
    // its own width): no node holds every partition, so a GET of ids in all of them merges
    // answers of at least two nodes, and is refused, naming the disagreement, every time;
    // the router core that merged it keeps serving.
    let ids: Vec<u64> = (0..300).collect();
    for (i, node) in cluster.nodes.iter().enumerate() {
        let dim = DIM + i;
        let node = client(node.addr);
        create_with_dim(&node, "mixed", dim);
        node.upsert("mixed", &ids, &vec![0.5; ids.len() * dim])
            .unwrap();
    }
    for round in 0..4 {
        match router.get("mixed", &ids) {
            Err(ClientError::Server { code, message }) => {
                assert_eq!(code, ErrorCode::Internal, "round {round}: {message}");
                assert!(message.contains("disagree on the dimension"), "{message}");
            }
            other => panic!("round {round}: {other:?}"),
        }
        assert_eq!(router.get("partial", &partial.ids[..5]).unwrap().len(), 5);
    }
}

/// A stand-in node that speaks just enough of the protocol to watch the router's flow
/// control: HELLO grants `in_flight_max` = 1, PING is answered at once, and every other
/// request is answered (BUSY) only after `delay`. It records the most requests it ever had
/// unanswered on one connection.
struct SlowNode {
    addr: SocketAddr,
    most_unanswered: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl SlowNode {
    fn start(delay: Duration) -> SlowNode {
        use std::io::{Read, Write};
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::{Arc, Mutex};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listen");
        let addr = listener.local_addr().expect("address");
        let most_unanswered = Arc::new(AtomicUsize::new(0));
        let most = Arc::clone(&most_unanswered);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut reader) = stream else { continue };
                let writer = Arc::new(Mutex::new(reader.try_clone().expect("clone")));
                let unanswered = Arc::new(AtomicUsize::new(0));
                let most = Arc::clone(&most);
                std::thread::spawn(move || {
                    let answer = |writer: &Mutex<std::net::TcpStream>, bytes: Vec<u8>| {
                        let _ = writer.lock().expect("lock").write_all(&bytes);
                    };
                    let mut buffer = Vec::new();
                    let mut chunk = [0u8; 64 * 1024];
                    loop {
                        let n = match Frame::check(&buffer) {
                            Ok(n) => n,
                            Err(corevec_proto::Error::Incomplete) => {
                                match reader.read(&mut chunk) {
                                    Ok(0) | Err(_) => return,
                                    Ok(read) => {
                                        buffer.extend_from_slice(&chunk[..read]);
                                        continue;
                                    }
                                }
                            }
                            Err(_) => return,
                        };
                        let frame_bytes: Vec<u8> = buffer.drain(..n).collect();
                        let frame = Frame::parse(&frame_bytes).expect("frame");
                        let (id, opcode) = (frame.header.request_id, frame.header.opcode);
                        let mut out = Vec::new();
                        match Request::decode_frame(&frame) {
                            Ok(Request::Hello(hello)) => {
                                Response::Hello(HelloAck {
                                    version: hello.version_max.min(VERSION_MAX),
                                    in_flight_max: 1,
                                    features: hello.features & FEATURES_SUPPORTED,
                                    frame_body_bytes_max: FRAME_BODY_BYTES_MAX,
                                })
                                .encode(id, opcode, &mut out)
                                .expect("hello answer");
                                answer(&writer, out);
                            }
                            Ok(Request::Ping) => {
                                Response::Ping.encode(id, opcode, &mut out).expect("pong");
                                answer(&writer, out);
                            }
                            _ => {
                                let now = unanswered.fetch_add(1, Ordering::SeqCst) + 1;
                                most.fetch_max(now, Ordering::SeqCst);
                                Response::Error(ErrorResponse {
                                    code: ErrorCode::Busy,
                                    message: "slow node".into(),
                                })
                                .encode(id, opcode, &mut out)
                                .expect("error answer");
                                let (writer, unanswered) =
                                    (Arc::clone(&writer), Arc::clone(&unanswered));
                                std::thread::spawn(move || {
                                    std::thread::sleep(delay);
                                    unanswered.fetch_sub(1, Ordering::SeqCst);
                                    answer(&writer, out);
                                });
                            }
                        }
                    }
                });
            }
        });
        SlowNode {
            addr,
            most_unanswered,
        }
    }
}

/// A request the router gave up on (its timeout) still counts against the node's
/// `in_flight_max` until the node answers it: the router never has more requests unanswered
/// on a connection than the node allows (which would be refused BUSY).
#[test]
fn router_holds_a_timed_out_request_against_the_node_limit_until_answered() {
    let work = tempfile::tempdir().expect("tempdir");
    let node = SlowNode::start(Duration::from_millis(1500));
    let (router, _) = start_router(
        work.path(),
        &format!(
            "cores = 1\npartitions = {PARTITIONS}\nreplication = 1\nnode_connections = 1\n\
             ping_interval_ms = 60000\nping_timeout_ms = 60000\nrequest_timeout_ms = 300\n\
             [[nodes]]\nname = \"slow\"\naddr = \"{}\"\n",
            node.addr
        ),
    );
    let c = client(router.addr);
    for attempt in 0..4 {
        // Each gives up after 300 ms; the first one's answer comes only after 1.5 s.
        let e = c.get("docs", &[1, 2, 3]).unwrap_err();
        assert!(
            matches!(e, ClientError::Server { .. }),
            "attempt {attempt}: {e}"
        );
    }
    std::thread::sleep(Duration::from_millis(1700));
    assert_eq!(
        node.most_unanswered
            .load(std::sync::atomic::Ordering::SeqCst),
        1,
        "requests unanswered at once on the node's one connection"
    );
}

/// Asserts an INVALID_ARGUMENT that names node `b` at `addr` and `feature`.
fn refused_for(code: ErrorCode, message: &str, addr: SocketAddr, feature: &str) {
    assert_eq!(code, ErrorCode::InvalidArgument, "{message}");
    assert!(
        message.contains(&format!("b ({addr})")) && message.contains(feature),
        "the error must name b ({addr}) and {feature}: {message}"
    );
}

#[test]
fn router_serves_only_the_features_every_node_has() {
    let work = tempfile::tempdir().expect("tempdir");
    let mut nodes = Vec::new();
    for (i, name) in ["a", "b"].iter().enumerate() {
        let ip = [127, 0, 0, 2 + i as u8];
        let port = free_port();
        nodes.push(Proc::spawn(
            &node_args(ip, port, &work.path().join(name)),
            SocketAddr::from((ip, port)),
            &work.path().join(format!("{name}.log")),
        ));
    }
    // b looks like the release before filter groups.
    let proxy = FeatureMaskProxy::start(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        nodes[1].addr,
        FEATURE_FILTER_GROUPS,
    );
    let b = proxy.addr();
    let (router, _) = start_router(
        work.path(),
        &format!(
            "cores = 1\npartitions = {PARTITIONS}\nreplication = 1\n\
             ping_interval_ms = 100\nping_timeout_ms = 500\nconnect_timeout_ms = 500\n\
             request_timeout_ms = 3000\n\
             [[nodes]]\nname = \"a\"\naddr = \"{}\"\n\
             [[nodes]]\nname = \"b\"\naddr = \"{b}\"\n",
            nodes[0].addr
        ),
    );
    let c = client_when_features(router.addr, FEATURES_SUPPORTED & !FEATURE_FILTER_GROUPS);
    assert!(c.supports_labels().unwrap());
    assert!(!c.supports_filter_groups().unwrap());
    create(&c, "v");
    // Read replicas: every node has them, so CREATE carries the flag to both and the merged
    // DESCRIBE and LIST keep it.
    assert!(c.supports_read_replicas().unwrap());
    let replicated = |name| CreateCollection {
        name,
        dim: DIM as u32,
        metric: Metric::L2,
        shards: 1,
        connectivity: 0,
        expansion_add: 0,
        read_replicas: true,
    };
    c.create_collection(&replicated("rr"))
        .expect("read replicas: every node has them");
    assert!(c.describe_collection("rr").unwrap().read_replicas);
    assert!(!c.describe_collection("v").unwrap().read_replicas);
    for addr in [nodes[0].addr, nodes[1].addr] {
        assert!(
            client(addr)
                .describe_collection("rr")
                .unwrap()
                .read_replicas
        );
    }
    let listed = c.list_collections().unwrap();
    assert!(
        listed
            .iter()
            .all(|info| info.read_replicas == (info.name == "rr")),
        "{listed:?}"
    );
    let ids: Vec<u64> = (0..400).collect();
    let vectors = random_vectors(5, ids.len());
    let lists: Vec<Vec<u64>> = ids.iter().map(|id| vec![id % 5, 100 + id % 2]).collect();
    let lists: Vec<&[u64]> = lists.iter().map(Vec::as_slice).collect();
    c.upsert_points("v", &ids, &vectors, None, Some(&lists))
        .expect("labels: every node has them");
    let query = &vectors[..DIM];
    let one_group = Filter {
        any_of: vec![vec![1, 3]],
        ..Filter::default()
    };
    let options = |filter| SearchOptions {
        filter: Some(filter),
        ..exact()
    };
    let hits = c.search("v", query, K, options(&one_group)).unwrap().hits;
    assert_eq!(hits.len(), K as usize);
    assert!(
        hits.iter().all(|h| [1, 3].contains(&(h.id % 5))),
        "{hits:?}"
    );
    // The client refuses two groups itself: the router did not enable them.
    let two_groups = Filter {
        any_of: vec![vec![1, 3], vec![100]],
        ..Filter::default()
    };
    let e = c.search("v", query, K, options(&two_groups)).unwrap_err();
    assert!(e.to_string().contains("FEATURE_FILTER_GROUPS"), "{e}");
    // A client that sends them anyway gets INVALID_ARGUMENT naming b, not b's MALFORMED_FRAME.
    let mut raw = RawConn::connect(router.addr).expect("connect");
    raw.hello(b"").expect("hello");
    let grouped = Request::Search(Search {
        collection: "v",
        k: K,
        expansion_search: 0,
        flags: SearchFlags {
            exact: true,
            ..SearchFlags::default()
        },
        queries: VectorsRef::new(query, DIM as u32),
        filter: Some(FilterRef {
            all_of: IdsRef::new(&[]),
            any_of: IdsRef::new(&[1, 3, 100]),
            any_groups: IdsRef::new(&[2, 1]),
            none_of: IdsRef::new(&[]),
        }),
        max_distance: None,
    });
    raw.send(&encode(&grouped, 7));
    match raw.read_response().expect("answer") {
        (_, Response::Error(e)) => refused_for(e.code, &e.message, b, "FEATURE_FILTER_GROUPS"),
        (_, other) => panic!("expected an error, got {other:?}"),
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !router.log_text().contains("older release") {
        assert!(Instant::now() < deadline, "the router logs the older node");
        std::thread::sleep(Duration::from_millis(20));
    }

    // b restarts as a release before labels: a write with labels is refused before anything
    // is sent, so no node holds it; writes without labels go on.
    proxy.set_mask(FEATURE_FILTER_GROUPS | FEATURE_LABELS | FEATURE_READ_REPLICAS);
    proxy.cut_connections();
    let plain = client_when_features(
        router.addr,
        FEATURES_SUPPORTED & !(FEATURE_FILTER_GROUPS | FEATURE_LABELS | FEATURE_READ_REPLICAS),
    );
    assert!(!plain.supports_labels().unwrap());
    // ... and before read replicas: the router does not enable them for new connections (which
    // then see the flag as zero), and refuses a CREATE with it, naming b, creating nothing.
    assert!(!plain.supports_read_replicas().unwrap());
    assert!(!plain.describe_collection("rr").unwrap().read_replicas);
    match c.create_collection(&replicated("rr2")) {
        Err(ClientError::Server { code, message }) => {
            refused_for(code, &message, b, "FEATURE_READ_REPLICAS");
        }
        other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
    }
    for addr in [router.addr, nodes[0].addr, nodes[1].addr] {
        let names: Vec<String> = client(addr)
            .list_collections()
            .unwrap()
            .into_iter()
            .map(|info| info.name)
            .collect();
        assert!(!names.contains(&"rr2".to_owned()), "{addr}: {names:?}");
    }
    let new_ids: Vec<u64> = (1000..1064).collect();
    let new_vectors = random_vectors(6, new_ids.len());
    let new_lists: Vec<&[u64]> = new_ids.iter().map(|_| &[7u64][..]).collect();
    // `c` negotiated labels before b went back a release.
    match c.upsert_points("v", &new_ids, &new_vectors, None, Some(&new_lists)) {
        Err(ClientError::Server { code, message }) => {
            refused_for(code, &message, b, "FEATURE_LABELS");
        }
        other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
    }
    for addr in [router.addr, nodes[0].addr, nodes[1].addr] {
        let got = client(addr)
            .get_points("v", &new_ids, false, false)
            .unwrap();
        assert!(
            got.iter().all(Option::is_none),
            "{addr} holds refused points"
        );
    }
    assert_eq!(plain.upsert("v", &new_ids, &new_vectors).unwrap().count, 64);
    let hits = plain
        .search("v", &new_vectors[..DIM], K, exact())
        .unwrap()
        .hits;
    assert_eq!(hits[0].id, 1000);

    // Upgraded: the router enables filter groups again and they work end to end.
    proxy.set_mask(0);
    proxy.cut_connections();
    let upgraded = client_when_features(router.addr, FEATURES_SUPPORTED);
    assert!(upgraded.supports_filter_groups().unwrap());
    let hits = upgraded
        .search("v", query, K, options(&two_groups))
        .unwrap()
        .hits;
    assert_eq!(hits.len(), K as usize);
    assert!(
        hits.iter()
            .all(|h| h.id < 400 && [1, 3].contains(&(h.id % 5)) && h.id % 2 == 0),
        "{hits:?}"
    );
}

/// A replica whose disk is low (here: a node whose `min_free_mib` no disk can meet) refuses
/// writes with NO_SPACE; to the router that is the node failing, like a dead one: W = quorum
/// writes are acknowledged by the other replica and counted as missed by the low node, W = all
/// writes fail naming it.
#[test]
fn router_writes_around_a_replica_whose_disk_is_low() {
    let work = tempfile::tempdir().expect("tempdir");
    let mut nodes = Vec::new();
    let mut toml = format!(
        "cores = 1\npartitions = {PARTITIONS}\nreplication = 2\nwrite_quorum = \"quorum\"\n\
         ping_interval_ms = 100\nping_timeout_ms = 500\nconnect_timeout_ms = 500\n\
         request_timeout_ms = 3000\n[collections.strict]\nwrite_quorum = \"all\"\n"
    );
    for (i, name) in ["a", "b", "c"].iter().enumerate() {
        let ip = [127, 0, 0, 2 + i as u8];
        let port = free_port();
        let addr = SocketAddr::from((ip, port));
        nodes.push(Proc::spawn(
            &node_args(ip, port, &work.path().join(name)),
            addr,
            &work.path().join(format!("{name}.log")),
        ));
        toml.push_str(&format!(
            "\n[[nodes]]\nname = \"{name}\"\naddr = \"{addr}\"\n"
        ));
    }
    let (router, _) = start_router(work.path(), &toml);
    let routed = client(router.addr);
    create(&routed, "docs");
    create(&routed, "strict");

    // c comes back with a free-space minimum of 1 PiB: always "low".
    let c_addr = nodes[2].addr;
    nodes[2].kill9();
    let mut args = node_args([127, 0, 0, 4], c_addr.port(), &work.path().join("c"));
    args.extend(["--min-free-mib".to_owned(), "1073741824".to_owned()]);
    nodes[2] = Proc::spawn(&args, c_addr, &work.path().join("c-low.log"));
    let ids: Vec<u64> = (0..300).collect();
    let vectors = random_vectors(8, ids.len());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        // Until the router has seen c up again (its connection broke with the kill).
        match routed.upsert("docs", &ids, &vectors) {
            Ok(ack) => {
                assert_eq!(ack.count, 300);
                break;
            }
            Err(e) => assert!(Instant::now() < deadline, "W=quorum write failed: {e}"),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let stats = routed.stats().unwrap();
    assert!(
        corevec_tests::stat(&stats, "missed_writes.c").is_some_and(|n| n >= 1),
        "{stats:?}"
    );
    assert_eq!(corevec_tests::stat(&stats, "missed_writes.a"), Some(0));
    // Every point is on its other replica; c holds none.
    let on = |i: usize| client(nodes[i].addr).get("docs", &ids).unwrap();
    let (a, b, c) = (on(0), on(1), on(2));
    for (i, id) in ids.iter().enumerate() {
        assert_eq!(
            u8::from(a[i].is_some()) + u8::from(b[i].is_some()),
            if partition_holders_include_c(*id) {
                1
            } else {
                2
            },
            "id {id}"
        );
        assert!(c[i].is_none(), "id {id} on the low node");
    }
    // W = all once the router sees c up again (while it is marked down, the write is refused
    // before it is sent, naming c as down rather than its NO_SPACE).
    let deadline = Instant::now() + Duration::from_secs(10);
    while corevec_tests::stat(&routed.stats().unwrap(), "nodes_up") != Some(3) {
        assert!(Instant::now() < deadline, "c is not marked up again");
        std::thread::sleep(Duration::from_millis(50));
    }
    match routed.upsert("strict", &ids, &vectors) {
        Err(ClientError::Server { code, message }) => {
            assert_eq!(code, ErrorCode::Unavailable, "{message}");
            assert!(
                message.contains(&format!("c ({c_addr})")) && message.contains("NO_SPACE"),
                "{message}"
            );
        }
        other => panic!("W=all with a low replica: {other:?}"),
    }
}

/// Whether partition group of `id` (3 nodes, R = 2: partition p on nodes p % 3 and
/// (p + 1) % 3) has node c (index 2) among its holders.
fn partition_holders_include_c(id: u64) -> bool {
    let p = partition_of(id, PARTITIONS) as usize;
    p % 3 == 2 || (p + 1) % 3 == 2
}
