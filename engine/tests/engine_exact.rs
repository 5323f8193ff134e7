//! The engine on real pinned executors: exact search across shards and cores equals a
//! brute-force reference, writes behave, bad input gets typed errors, and a flooded mesh
//! answers `Busy` instead of hanging.

#![allow(clippy::disallowed_methods)] // client threads flood the engine from outside

use std::sync::Arc;
use std::time::{Duration, Instant};

use corevec_engine::{
    CollectionSpec, CoreSelection, Engine, EngineConfig, Error, Filter, Metric, Neighbor,
    ScrollRequest, SearchRequest,
};
use rand::{Rng, SeedableRng};

fn engine(cores: usize) -> Engine {
    let available = corevec_engine::topology::MachineTopology::discover()
        .unwrap()
        .cores
        .len();
    Engine::start(EngineConfig {
        cores: CoreSelection::Count(cores.min(available)),
        ..Default::default()
    })
    .unwrap()
}

fn random_vectors(rng: &mut impl Rng, n: usize, dim: usize) -> Vec<f32> {
    (0..n * dim).map(|_| rng.gen_range(-1.0f32..1.0)).collect()
}

/// Brute force over `(id, vector)` with the same (distance, id) order.
fn reference(metric: Metric, data: &[(u64, Vec<f32>)], query: &[f32], k: usize) -> Vec<Neighbor> {
    let mut all: Vec<Neighbor> = data
        .iter()
        .map(|(id, v)| Neighbor {
            id: *id,
            distance: metric.distance(query, v),
        })
        .collect();
    all.sort_by(Neighbor::cmp_rank);
    all.truncate(k);
    all
}

#[test]
fn exact_search_equals_brute_force_for_every_metric_and_shard_count() {
    let engine = engine(2);
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let (n, dim, k) = (600usize, 24usize, 10usize);
    for metric in Metric::ALL {
        for shards in [1u32, 2, 3] {
            let name = format!("c-{metric}-{shards}");
            engine
                .create_collection(CollectionSpec::new(&name, dim, metric).with_shards(shards))
                .unwrap();
            let flat = random_vectors(&mut rng, n, dim);
            // Sparse, unordered ids so that placement is exercised.
            let ids: Vec<u64> = (0..n as u64).map(|i| i * 7919 + 13).collect();
            for (chunk_ids, chunk) in ids.chunks(128).zip(flat.chunks(128 * dim)) {
                engine.upsert(&name, chunk_ids, chunk).unwrap();
            }
            let data: Vec<(u64, Vec<f32>)> = ids
                .iter()
                .zip(flat.chunks(dim))
                .map(|(id, v)| (*id, v.to_vec()))
                .collect();
            let queries = random_vectors(&mut rng, 20, dim);
            let results = engine
                .search(
                    &name,
                    SearchRequest {
                        queries: queries.clone(),
                        k,
                        ef: 0,
                        exact: true,
                        filter: None,
                        max_distance: None,
                    },
                )
                .unwrap();
            assert_eq!(results.len(), 20);
            for (query, got) in queries.chunks(dim).zip(&results) {
                let want = reference(metric, &data, query, k);
                let got_ids: Vec<u64> = got.iter().map(|n| n.id).collect();
                let want_ids: Vec<u64> = want.iter().map(|n| n.id).collect();
                assert_eq!(got_ids, want_ids, "{metric} shards={shards}");
            }
            // A distance bound at the 5th neighbour of each query: exactly the brute-force
            // neighbours within it (exact), and never one beyond it (HNSW).
            for (q, query) in queries.chunks(dim).enumerate().take(5) {
                let want = reference(metric, &data, query, k);
                // At the 5th distance itself (a bound keeps what it equals), except for
                // cosine, whose shards compute it on unit vectors with the dot kernel: a
                // rounding away from the reference's, so the bound sits between the 5th and 6th.
                let max = if metric == Metric::Cosine {
                    (want[4].distance + want[5].distance) / 2.0
                } else {
                    want[4].distance
                };
                for exact in [true, false] {
                    let got = engine
                        .search(
                            &name,
                            SearchRequest {
                                queries: query.to_vec(),
                                k,
                                ef: 200,
                                exact,
                                filter: None,
                                max_distance: Some(max),
                            },
                        )
                        .unwrap()
                        .remove(0);
                    assert!(got.iter().all(|n| n.distance <= max), "{metric} q{q}");
                    if exact {
                        let within: Vec<u64> = want
                            .iter()
                            .filter(|n| n.distance <= max)
                            .map(|n| n.id)
                            .collect();
                        let got_ids: Vec<u64> = got.iter().map(|n| n.id).collect();
                        assert_eq!(got_ids, within, "{metric} shards={shards} q{q}");
                    }
                }
            }
            let nan = engine.search(
                &name,
                SearchRequest {
                    queries: queries[..dim].to_vec(),
                    k,
                    ef: 0,
                    exact: true,
                    filter: None,
                    max_distance: Some(f32::NAN),
                },
            );
            assert!(matches!(nan, Err(Error::InvalidArgument(_))), "{nan:?}");
            let info = engine.describe(&name).unwrap();
            assert_eq!(info.vectors(), n as u64);
            assert_eq!(info.shards.len(), shards as usize);
        }
    }
    engine.shutdown().unwrap();
}

#[test]
fn ties_break_by_id_whatever_the_shard_layout() {
    let engine = engine(2);
    engine
        .create_collection(CollectionSpec::new("ties", 2, Metric::L2).with_shards(3))
        .unwrap();
    let ids: Vec<u64> = (0..50).rev().collect();
    engine.upsert("ties", &ids, &vec![1.0; 100]).unwrap();
    let hits = engine
        .search(
            "ties",
            SearchRequest {
                queries: vec![0.0, 0.0],
                k: 5,
                ef: 0,
                exact: true,
                filter: None,
                max_distance: None,
            },
        )
        .unwrap();
    assert_eq!(
        hits[0].iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![0, 1, 2, 3, 4]
    );
}

#[test]
fn upsert_replaces_and_deleted_ids_never_come_back() {
    let engine = engine(2);
    engine
        .create_collection(CollectionSpec::new("w", 3, Metric::L2).with_shards(2))
        .unwrap();
    let ids: Vec<u64> = (1..=100).collect();
    let vectors: Vec<f32> = ids.iter().flat_map(|&id| [id as f32, 0.0, 0.0]).collect();
    engine.upsert("w", &ids, &vectors).unwrap();
    engine.upsert("w", &[5], &[1000.0, 0.0, 0.0]).unwrap();
    assert_eq!(
        engine.get("w", &[5, 6, 9999]).unwrap(),
        vec![
            Some(vec![1000.0, 0.0, 0.0]),
            Some(vec![6.0, 0.0, 0.0]),
            None
        ]
    );
    let deleted: Vec<u64> = (1..=100).filter(|id| id % 3 == 0).collect();
    assert_eq!(engine.delete("w", &deleted).unwrap(), deleted.len() as u64);
    assert_eq!(engine.delete("w", &deleted).unwrap(), 0);
    let hits = engine
        .search(
            "w",
            SearchRequest {
                queries: vec![0.0, 0.0, 0.0],
                k: 100,
                ef: 0,
                exact: true,
                filter: None,
                max_distance: None,
            },
        )
        .unwrap();
    let returned: Vec<u64> = hits[0].iter().map(|n| n.id).collect();
    assert_eq!(returned.len(), 100 - deleted.len());
    assert!(
        returned.iter().all(|id| id % 3 != 0),
        "a deleted id came back"
    );
    assert_eq!(
        returned.last(),
        Some(&5),
        "the replaced vector is the farthest"
    );
    assert_eq!(
        engine.describe("w").unwrap().vectors(),
        (100 - deleted.len()) as u64
    );
}

#[test]
fn payloads_are_replaced_with_their_points_and_bad_ones_are_refused() {
    let engine = engine(2);
    engine
        .create_collection(CollectionSpec::new("p", 2, Metric::L2).with_shards(2))
        .unwrap();
    let ids: Vec<u64> = (0..20).collect();
    let vectors: Vec<f32> = ids.iter().flat_map(|&id| [id as f32, 0.0]).collect();
    let payloads: Vec<Vec<u8>> = ids.iter().map(|id| format!("p{id}").into_bytes()).collect();
    let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    engine
        .upsert_with_payloads("p", &ids, &vectors, &payloads)
        .unwrap();
    // An upsert without payloads replaces the whole point: no payload afterwards.
    engine.upsert("p", &[3], &[3.0, 1.0]).unwrap();
    let points = |ids: &[u64]| -> Vec<Option<(Vec<f32>, Vec<u8>)>> {
        let points = engine.get_with_payloads("p", ids).unwrap();
        points
            .into_iter()
            .map(|p| p.map(|p| (p.vector, p.payload)))
            .collect()
    };
    assert_eq!(
        points(&[2, 3, 99]),
        vec![
            Some((vec![2.0, 0.0], b"p2".to_vec())),
            Some((vec![3.0, 1.0], Vec::new())),
            None
        ]
    );
    let results = engine
        .search_with_payloads(
            "p",
            SearchRequest {
                queries: vec![10.2, 0.0, 4.9, 0.0],
                k: 2,
                ef: 0,
                exact: false,
                filter: None,
                max_distance: None,
            },
        )
        .unwrap();
    let ids_of = |q: usize| -> Vec<u64> { results.neighbors[q].iter().map(|n| n.id).collect() };
    assert_eq!((ids_of(0), ids_of(1)), (vec![10, 11], vec![5, 4]));
    assert_eq!(
        results.payloads,
        Some(vec![
            vec![b"p10".to_vec(), b"p11".to_vec()],
            vec![b"p5".to_vec(), b"p4".to_vec()]
        ])
    );
    // SET_PAYLOAD replaces payloads of live points and keeps their vectors; absent ids are
    // skipped, and the last of duplicate ids wins.
    let set = engine
        .set_payloads("p", &[2, 3, 99, 2], &[b"two", b"three", b"none", b"two!"])
        .unwrap();
    assert_eq!(set, 3, "2 (twice) and 3 existed");
    assert_eq!(
        points(&[2, 3, 99]),
        vec![
            Some((vec![2.0, 0.0], b"two!".to_vec())),
            Some((vec![3.0, 1.0], b"three".to_vec())),
            None
        ]
    );
    assert_eq!(engine.describe("p").unwrap().vectors(), 20);
    // Refused before anything is written: a payload too many, or one too large.
    let too_large = vec![0u8; corevec_engine::PAYLOAD_BYTES_MAX + 1];
    for (ids, payloads) in [
        (&[50u64][..], vec![&b"a"[..], &b"b"[..]]),
        (&[50, 51][..], vec![&b"a"[..], too_large.as_slice()]),
    ] {
        let vectors = vec![50.0; ids.len() * 2];
        let err = engine
            .upsert_with_payloads("p", ids, &vectors, &payloads)
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    }
    assert_eq!(engine.get("p", &[50, 51]).unwrap(), vec![None, None]);
    let err = engine
        .set_payloads("p", &[4], &[too_large.as_slice()])
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    assert_eq!(
        engine.get_with_payloads("p", &[4]).unwrap()[0]
            .as_ref()
            .map(|p| p.payload.clone()),
        Some(b"p4".to_vec())
    );
}

/// Pages through a collection from `start`, `limit` points at a time.
fn scroll_all(
    engine: &Engine,
    name: &str,
    start: u64,
    limit: usize,
    template: &ScrollRequest,
) -> Vec<(u64, corevec_engine::Point)> {
    let mut all = Vec::new();
    let mut start_id = start;
    loop {
        let page = engine
            .scroll(
                name,
                ScrollRequest {
                    start_id,
                    limit,
                    ..template.clone()
                },
            )
            .unwrap();
        assert!(page.points.len() <= limit);
        assert!(
            !page.more || page.points.len() == limit,
            "a short page with more"
        );
        all.extend(page.points);
        match all.last() {
            Some((last, _)) if page.more => start_id = last + 1,
            _ => return all,
        }
    }
}

#[test]
fn scroll_lists_every_live_point_once_across_shards_and_cores() {
    let engine = engine(2);
    engine
        .create_collection(CollectionSpec::new("s", 3, Metric::L2).with_shards(5))
        .unwrap();
    // Sparse ids spread over five shards on two cores, with payloads and labels.
    let ids: Vec<u64> = (0..3000u64).map(|i| i * 7919 % 100_003).collect();
    let vectors: Vec<f32> = ids.iter().flat_map(|&id| [id as f32, 1.0, -1.0]).collect();
    let payloads: Vec<Vec<u8>> = ids.iter().map(|id| format!("p{id}").into_bytes()).collect();
    let payloads: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
    let labels: Vec<Vec<u64>> = ids.iter().map(|id| vec![id % 3, 10 + id % 2]).collect();
    let labels: Vec<&[u64]> = labels.iter().map(Vec::as_slice).collect();
    engine
        .upsert_points("s", &ids, &vectors, Some(&payloads), Some(&labels))
        .unwrap();
    let deleted: Vec<u64> = ids.iter().copied().filter(|id| id % 5 == 0).collect();
    engine.delete("s", &deleted).unwrap();
    let mut live: Vec<u64> = ids.iter().copied().filter(|id| id % 5 != 0).collect();
    live.sort_unstable();

    let everything = ScrollRequest {
        start_id: 0,
        limit: 1,
        filter: None,
        with_vectors: true,
        with_payloads: true,
        with_labels: true,
    };
    let listed = scroll_all(&engine, "s", 0, 97, &everything);
    assert_eq!(listed.iter().map(|(id, _)| *id).collect::<Vec<_>>(), live);
    for (id, point) in &listed {
        assert_eq!(point.vector, [*id as f32, 1.0, -1.0]);
        assert_eq!(point.payload, format!("p{id}").into_bytes());
        let mut want = vec![id % 3, 10 + id % 2];
        want.sort_unstable();
        assert_eq!(point.labels, want);
    }
    // Ids only, from the middle, one big page: parts not asked for stay empty.
    let ids_only = ScrollRequest {
        with_vectors: false,
        with_payloads: false,
        with_labels: false,
        ..everything.clone()
    };
    let tail = scroll_all(
        &engine,
        "s",
        50_000,
        corevec_engine::SCROLL_LIMIT_MAX,
        &ids_only,
    );
    let want: Vec<u64> = live.iter().copied().filter(|&id| id >= 50_000).collect();
    assert_eq!(tail.iter().map(|(id, _)| *id).collect::<Vec<_>>(), want);
    assert!(tail
        .iter()
        .all(|(_, p)| p.vector.is_empty() && p.payload.is_empty() && p.labels.is_empty()));
    // A filter: label 1 and not label 11.
    let filtered = ScrollRequest {
        filter: Some(Filter {
            all_of: vec![1],
            none_of: vec![11],
            ..Filter::default()
        }),
        ..ids_only.clone()
    };
    let got: Vec<u64> = scroll_all(&engine, "s", 0, 64, &filtered)
        .iter()
        .map(|(id, _)| *id)
        .collect();
    let want: Vec<u64> = live
        .iter()
        .copied()
        .filter(|id| id % 3 == 1 && id % 2 == 0)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    // Past the last id: an empty page without more.
    let page = engine
        .scroll(
            "s",
            ScrollRequest {
                start_id: 200_000,
                limit: 10,
                ..ids_only.clone()
            },
        )
        .unwrap();
    assert_eq!((page.points.len(), page.more), (0, false));
    // Bad requests get typed errors.
    for limit in [0, corevec_engine::SCROLL_LIMIT_MAX + 1] {
        let err = engine
            .scroll(
                "s",
                ScrollRequest {
                    limit,
                    ..ids_only.clone()
                },
            )
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    }
    let err = engine
        .scroll(
            "nope",
            ScrollRequest {
                limit: 1,
                ..ids_only.clone()
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::CollectionNotFound(_)), "{err}");
    let too_many = Filter {
        any_of: vec![(0..1025).collect()],
        ..Filter::default()
    };
    let err = engine
        .scroll(
            "s",
            ScrollRequest {
                limit: 1,
                filter: Some(too_many),
                ..ids_only
            },
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
}

#[test]
fn bad_input_gets_typed_errors() {
    let engine = engine(2);
    engine
        .create_collection(CollectionSpec::new("e", 4, Metric::Cosine))
        .unwrap();
    assert!(matches!(
        engine.create_collection(CollectionSpec::new("e", 4, Metric::Cosine)),
        Err(Error::CollectionExists(_))
    ));
    assert!(matches!(
        engine.upsert("e", &[1], &[0.0; 3]),
        Err(Error::DimensionMismatch {
            expected: 4,
            received: 3
        })
    ));
    assert!(matches!(
        engine.upsert("e", &[1], &[0.0, f32::NAN, 0.0, 0.0]),
        Err(Error::InvalidVector { id: 1, index: 1 })
    ));
    assert!(matches!(
        engine.upsert("e", &[1], &[0.0, 0.0, f32::INFINITY, 0.0]),
        Err(Error::InvalidVector { .. })
    ));
    assert!(matches!(
        engine.upsert("nope", &[1], &[0.0; 4]),
        Err(Error::CollectionNotFound(_))
    ));
    assert!(matches!(
        engine.search(
            "nope",
            SearchRequest {
                queries: vec![0.0; 4],
                k: 1,
                ef: 0,
                exact: true,
                filter: None,
                max_distance: None,
            }
        ),
        Err(Error::CollectionNotFound(_))
    ));
    assert!(matches!(
        engine.search(
            "e",
            SearchRequest {
                queries: vec![0.0; 5],
                k: 1,
                ef: 0,
                exact: true,
                filter: None,
                max_distance: None,
            }
        ),
        Err(Error::DimensionMismatch { .. })
    ));
    assert!(matches!(
        engine.search(
            "e",
            SearchRequest {
                queries: vec![f32::NAN; 4],
                k: 1,
                ef: 0,
                exact: true,
                filter: None,
                max_distance: None,
            }
        ),
        Err(Error::InvalidVector { .. })
    ));
    assert!(matches!(
        engine.search(
            "e",
            SearchRequest {
                queries: vec![0.0; 4],
                k: 0,
                ef: 0,
                exact: true,
                filter: None,
                max_distance: None,
            }
        ),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        engine.create_collection(CollectionSpec::new("bad name", 4, Metric::L2)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        engine.create_collection(CollectionSpec::new("big", 5000, Metric::L2)),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        engine.drop_collection("nope"),
        Err(Error::CollectionNotFound(_))
    ));
    engine.drop_collection("e").unwrap();
    assert!(matches!(
        engine.upsert("e", &[1], &[0.0; 4]),
        Err(Error::CollectionNotFound(_))
    ));
    // The name is free again.
    engine
        .create_collection(CollectionSpec::new("e", 8, Metric::L2))
        .unwrap();
    assert_eq!(engine.list_collections().unwrap().len(), 1);
}

/// Many threads fire far more concurrent fan-outs than there are mesh credits. Every call
/// must finish (Ok or Busy) well within the deadline: a blocked mesh would hang here.
#[test]
fn a_flooded_mesh_answers_busy_instead_of_hanging() {
    let engine = Arc::new(
        Engine::start(EngineConfig {
            cores: CoreSelection::All,
            mesh_credits: 2,
            ..Default::default()
        })
        .unwrap(),
    );
    let multi_core = engine.cores() > 1;
    engine
        .create_collection(CollectionSpec::new("flood", 64, Metric::Dot))
        .unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let ids: Vec<u64> = (0..2000).collect();
    engine
        .upsert("flood", &ids, &random_vectors(&mut rng, 2000, 64))
        .unwrap();

    let deadline = Instant::now() + Duration::from_secs(120);
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                let (mut ok, mut busy) = (0usize, 0usize);
                // Each call ships a closure that starts 16 concurrent fan-outs on one core.
                for _ in 0..25 {
                    let results = engine
                        .call(move |local| async move {
                            let tasks: Vec<_> = (0..16)
                                .map(|i| {
                                    let local = local.clone();
                                    corevec_engine::rt::spawn(async move {
                                        let q = vec![(t * 16 + i) as f32 / 100.0; 64];
                                        local
                                            .search(
                                                "flood",
                                                SearchRequest {
                                                    queries: q,
                                                    k: 10,
                                                    ef: 0,
                                                    exact: true,
                                                    filter: None,
                                                    max_distance: None,
                                                },
                                            )
                                            .await
                                    })
                                })
                                .collect();
                            let mut out = Vec::new();
                            for task in tasks {
                                out.push(task.await.map(|_| ()));
                            }
                            Ok(out)
                        })
                        .unwrap();
                    for r in results {
                        match r {
                            Ok(()) => ok += 1,
                            Err(Error::Busy(_)) => busy += 1,
                            Err(e) => panic!("unexpected error {e}"),
                        }
                    }
                }
                (ok, busy)
            })
        })
        .collect();
    let (mut ok, mut busy) = (0, 0);
    for t in threads {
        let (o, b) = t.join().unwrap();
        ok += o;
        busy += b;
    }
    assert!(
        Instant::now() < deadline,
        "the flood took too long: the mesh stalled"
    );
    assert_eq!(ok + busy, 8 * 25 * 16);
    assert!(ok > 0);
    if multi_core {
        assert!(
            busy > 0,
            "with 2 credits per peer, 16 concurrent fan-outs must see Busy"
        );
    }
    // After the flood the engine still answers.
    engine
        .search(
            "flood",
            SearchRequest {
                queries: vec![0.5; 64],
                k: 3,
                ef: 0,
                exact: true,
                filter: None,
                max_distance: None,
            },
        )
        .unwrap();
}

#[test]
fn shutdown_joins_every_executor() {
    let engine = Engine::start(EngineConfig {
        thread_prefix: "shutdown-t".into(),
        ..Default::default()
    })
    .unwrap();
    engine
        .create_collection(CollectionSpec::new("s", 2, Metric::L2))
        .unwrap();
    engine.shutdown().unwrap();
    // Its executor threads are gone. A joined thread can stay listed in /proc for a moment
    // (the kernel wakes the joiner before it unlinks the task), so allow a short grace period;
    // a thread that was never joined stays and fails the test.
    let leftover = || {
        std::fs::read_dir("/proc/self/task")
            .unwrap()
            .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
            .filter(|name| name.starts_with("shutdown-t"))
            .count()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while leftover() > 0 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(leftover(), 0);
}

#[test]
fn an_id_repeated_in_a_delete_is_deleted_and_counted_once() {
    let engine = engine(2);
    engine
        .create_collection(CollectionSpec::new("d", 4, Metric::L2).with_shards(2))
        .unwrap();
    let ids: Vec<u64> = (0..10).collect();
    let flat: Vec<f32> = (0..40).map(|i| i as f32).collect();
    engine.upsert("d", &ids, &flat).unwrap();
    assert_eq!(engine.delete("d", &[7, 7, 3, 7, 99]).unwrap(), 2);
    assert_eq!(engine.delete("d", &[7, 7]).unwrap(), 0);
    assert_eq!(engine.describe("d").unwrap().vectors(), 8);
    engine.shutdown().unwrap();
}

#[test]
fn answers_too_large_for_one_response_are_refused() {
    let engine = engine(2);
    engine
        .create_collection(CollectionSpec::new("big", 1, Metric::L2).with_shards(2))
        .unwrap();
    // 1,100 points of 60,000-byte payloads: 66 MB in all, just over RESULT_BYTES_MAX.
    let payload = vec![7u8; 60_000];
    for chunk in (0..1100u64).collect::<Vec<_>>().chunks(100) {
        let vectors: Vec<f32> = chunk.iter().map(|&id| id as f32).collect();
        let payloads = vec![payload.as_slice(); chunk.len()];
        engine
            .upsert_with_payloads("big", chunk, &vectors, &payloads)
            .unwrap();
    }
    let request = |nq: usize, k: usize| SearchRequest {
        queries: (0..nq).map(|q| q as f32).collect(),
        k,
        ef: 0,
        // Both paths: an even count of queries scans, an odd one uses the index.
        exact: nq % 2 == 0,
        filter: None,
        max_distance: None,
    };
    // 64 queries x 1,024 hits x 60 kB would be 3.9 GB of payloads, exact or not.
    for nq in [63, 64] {
        let err = engine.search_with_payloads("big", request(nq, 1024));
        assert!(
            matches!(err, Err(Error::ResultTooLarge { .. })),
            "{nq} queries: {:?}",
            err.map(|r| r.neighbors.len())
        );
        // Without payloads the same search is small.
        assert_eq!(engine.search("big", request(nq, 1024)).unwrap().len(), nq);
    }
    // 1,000 hits of one query (60 MB) fit, each with its payload, merged over both shards.
    let results = engine
        .search_with_payloads("big", request(1, 1000))
        .unwrap();
    let payloads = results.payloads.unwrap();
    assert_eq!(results.neighbors[0].len(), 1000);
    assert!(payloads[0].iter().all(|p| *p == payload));
    // GET: one id named 65,536 times would be copied 65,536 times (3.9 GB).
    let err = engine.get_with_payloads("big", &[5; 65_536]);
    assert!(matches!(err, Err(Error::ResultTooLarge { .. })), "{err:?}");
    let ids: Vec<u64> = (0..1000).collect();
    assert!(engine
        .get_with_payloads("big", &ids)
        .unwrap()
        .iter()
        .all(|p| p.as_ref().is_some_and(|p| p.payload == payload)));
}
