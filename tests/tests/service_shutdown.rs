//! Graceful shutdown under load: SIGTERM while clients upsert continuously loses no
//! acknowledged write, exits 0, and (with `--snapshot-on-shutdown`) leaves a snapshot and a
//! directory `corevec check` finds clean.

mod service_common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use corevec_proto::{CreateCollection, Metric};
use corevec_tests::node;
use service_common::{check, describe, files_in, get, metrics_addr};

const DIM: usize = 4;
const BATCH: u64 = 16;
const WRITERS: u64 = 3;

fn vector_of(id: u64) -> [f32; DIM] {
    [id as f32, (id % 7) as f32, 1.0, -2.0]
}

#[test]
fn sigterm_under_load_loses_no_acknowledged_write() {
    let work = tempfile::tempdir().unwrap();
    let data_dir = work.path().join("data");
    let builder = node!().args(["--snapshot-on-shutdown"]);
    let mut node = builder.clone().data_dir(&data_dir).start();
    let metrics = metrics_addr(&node);
    node.client()
        .create_collection(&CreateCollection {
            name: "load",
            dim: DIM as u32,
            metric: Metric::L2,
            shards: 2,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .unwrap();

    let acked = Arc::new(Mutex::new(Vec::<u64>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let client = node.client();
            let (acked, stop) = (Arc::clone(&acked), Arc::clone(&stop));
            std::thread::spawn(move || {
                // Disjoint id ranges per writer; each batch is recorded once acknowledged.
                let mut next = writer << 40;
                let mut failure = None;
                while !stop.load(Ordering::Relaxed) {
                    let ids: Vec<u64> = (next..next + BATCH).collect();
                    let vectors: Vec<f32> = ids.iter().flat_map(|&id| vector_of(id)).collect();
                    match client.upsert("load", &ids, &vectors) {
                        Ok(ack) => {
                            assert_eq!(u64::from(ack.count), BATCH);
                            acked.lock().unwrap().extend_from_slice(&ids);
                            next += BATCH;
                        }
                        Err(e) => {
                            failure = Some(e.to_string());
                            break;
                        }
                    }
                }
                failure
            })
        })
        .collect();

    // Let the load run (at least 1 s and 2,000 acknowledged ids), then SIGTERM in the middle.
    let started = Instant::now();
    while (acked.lock().unwrap().len() < 2_000 || started.elapsed() < Duration::from_secs(1))
        && started.elapsed() < Duration::from_secs(10)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    node.signal(libc::SIGTERM);
    let status = node
        .wait_exit(Duration::from_secs(45))
        .unwrap_or_else(|| panic!("no exit after SIGTERM:\n{}", node.log()));
    stop.store(true, Ordering::Relaxed);
    let failures: Vec<Option<String>> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    assert_eq!(status.code(), Some(0), "{}", node.log());
    let log = node.log();
    assert!(log.contains("shutdown snapshot written"), "{log}");
    assert!(
        failures.iter().all(Option::is_some),
        "every writer was cut off by the shutdown: {failures:?}"
    );
    assert!(
        std::net::TcpStream::connect_timeout(&metrics, Duration::from_secs(1)).is_err(),
        "the metrics endpoint is gone with the process"
    );
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    assert!(acked.len() >= 2_000, "load ran: {} acked", acked.len());
    eprintln!("{} ids acknowledged before the shutdown", acked.len());

    // The shutdown snapshot exists and the directory is clean.
    let shard = data_dir.join("collections/load/shard-0");
    assert!(
        !files_in(&shard, |n| n.starts_with("snap-") && !n.ends_with(".tmp")).is_empty(),
        "snapshot_on_shutdown wrote a snapshot"
    );
    let output = check(&builder, &data_dir);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));

    // Every acknowledged id is there after a restart, with its vector.
    let node = builder.data_dir(&data_dir).start();
    assert_eq!(get(metrics_addr(&node), "/healthz").status, 200);
    let client = node.client();
    for chunk in acked.chunks(4096) {
        let found = client.get("load", chunk).unwrap();
        for (id, vector) in chunk.iter().zip(found) {
            let vector = vector.unwrap_or_else(|| panic!("acknowledged id {id} lost"));
            assert_eq!(vector, vector_of(*id), "id {id}");
        }
    }
}
