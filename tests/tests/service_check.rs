//! `corevec check` against real data directories written by a real `corevec serve`: refused
//! while the node runs, clean after a graceful stop, and a flipped byte in a WAL segment or in
//! a snapshot blob is reported with its file (non-zero exit); a node refuses to start on
//! damaged acknowledged WAL records.

mod service_common;

use std::time::Duration;

use corevec_proto::{CreateCollection, Metric};
use corevec_tests::node;
use service_common::{check, describe, files_in, flip_byte};

#[test]
fn check_finds_flipped_bytes_in_wal_and_snapshot() {
    let work = tempfile::tempdir().unwrap();
    let data_dir = work.path().join("data");
    let builder = node!();
    let mut node = builder.clone().data_dir(&data_dir).start();
    let client = node.client();
    client
        .create_collection(&CreateCollection {
            name: "c",
            dim: 8,
            metric: Metric::L2,
            shards: 2,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .unwrap();
    let upsert = |range: std::ops::Range<u64>| {
        let ids: Vec<u64> = range.collect();
        let vectors: Vec<f32> = ids
            .iter()
            .flat_map(|&id| (0..8).map(move |j| (id * 8 + j) as f32))
            .collect();
        for (ids, vectors) in ids.chunks(100).zip(vectors.chunks(800)) {
            client.upsert("c", ids, vectors).unwrap();
        }
    };
    upsert(0..300);
    client.snapshot(None).unwrap();
    upsert(300..600);

    // A live node's directory is refused.
    let output = check(&builder, &data_dir);
    assert_eq!(output.status.code(), Some(3), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("in use by a running corevec serve"),
        "{}",
        describe(&output)
    );

    node.signal(libc::SIGTERM);
    let status = node.wait_exit(Duration::from_secs(30)).expect("exit");
    assert_eq!(status.code(), Some(0), "{}", node.log());
    drop(client);

    let output = check(&builder, &data_dir);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("2 shard(s)"), "{stdout}");
    assert!(stdout.trim_end().ends_with(": clean"), "{stdout}");

    let shard = data_dir.join("collections/c/shard-0");
    // WAL: flip a byte in the middle of the written records of the last segment. Whole
    // records follow the damaged one, appended after it was acknowledged, and they say so:
    // `check` reports damage (exit 5) naming the record that vouches, and the node refuses to
    // start rather than truncate acknowledged writes as a torn tail.
    let segment = files_in(&shard, |n| n.starts_with("wal-") && n.ends_with(".log"))
        .pop()
        .expect("a WAL segment");
    let bytes = std::fs::read(&segment).unwrap();
    let end = bytes.iter().rposition(|b| *b != 0).expect("records") as u64;
    assert!(end > 8192, "records were written");
    let flipped = 4096 + (end - 4096) / 2;
    // Runs `check`, which must exit 5 with a DAMAGE line for `segment`: that line, and the
    // offset it names.
    let damage_in_segment = || -> (String, u64) {
        let output = check(&builder, &data_dir);
        assert_eq!(output.status.code(), Some(5), "{}", describe(&output));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout
            .lines()
            .find(|l| l.starts_with("DAMAGE "))
            .unwrap_or_else(|| panic!("no DAMAGE line:\n{stdout}"))
            .to_owned();
        assert!(line.contains(&segment.display().to_string()), "{line}");
        let offset = line
            .split(" at offset ")
            .nth(1)
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no offset in {line}"));
        (line, offset)
    };
    flip_byte(&segment, flipped);
    let (line, offset) = damage_in_segment();
    assert!(
        line.contains("appended later, says every record through LSN"),
        "{line}"
    );
    // It names the way to accept the loss, at that offset of that file.
    assert!(
        line.ends_with(&format!("truncate -s {offset} {}", segment.display())),
        "{line}"
    );
    assert!(
        offset <= flipped && flipped - offset < 4096,
        "record offset {offset} for flipped byte {flipped}"
    );
    let mut serve = builder.command(&["serve", "--cores", "1", "--listen"]);
    serve
        .arg(format!("127.0.0.1:{}", corevec_tests::free_port()))
        .arg("--metrics-listen")
        .arg(format!("127.0.0.1:{}", corevec_tests::free_port()))
        .arg("--data-dir")
        .arg(&data_dir);
    let output = serve.output().expect("run corevec serve");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success()
            && stderr.contains(&segment.display().to_string())
            && stderr.contains("appended later"),
        "{}",
        describe(&output)
    );

    // The operator's way to accept the loss (named above, and in docs/OPERATIONS.md): cut the
    // segment at that offset. Tried on a copy: the node starts with the writes before it.
    let copy = work.path().join("copy");
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(&data_dir)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    let copied_segment = copy.join(segment.strip_prefix(&data_dir).unwrap());
    std::fs::OpenOptions::new()
        .write(true)
        .open(&copied_segment)
        .unwrap()
        .set_len(offset)
        .unwrap();
    let output = check(&builder, &copy);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    {
        let node = builder.clone().data_dir(&copy).start();
        let ids: Vec<u64> = (0..600).collect();
        let found = node.client().get("c", &ids).unwrap();
        let kept = found.iter().filter(|p| p.is_some()).count();
        // Shard 1 and the snapshot of shard 0 are whole; shard 0 lost its writes from the
        // damaged record on.
        assert!((300..600).contains(&kept), "{kept} of 600 points kept");
    }
    flip_byte(&segment, flipped); // restore

    // The segment's header (checksummed): damage at offset 0, whatever follows.
    flip_byte(&segment, 9);
    assert_eq!(damage_in_segment().1, 0);
    flip_byte(&segment, 9); // restore
    let output = check(&builder, &data_dir);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));

    // Snapshot: flip a byte in a blob.
    let snapshot = files_in(&shard, |n| n.starts_with("snap-") && !n.ends_with(".tmp"))
        .pop()
        .expect("a snapshot");
    let blob = files_in(&snapshot, |n| n.starts_with("vectors"))
        .pop()
        .expect("the vectors blob");
    flip_byte(&blob, 10);
    let output = check(&builder, &data_dir);
    assert_eq!(output.status.code(), Some(5), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("DAMAGE ") && l.contains(&blob.display().to_string())),
        "{stdout}"
    );
    flip_byte(&blob, 10);

    // The catalog: one flipped byte in collection.conf.
    let conf = data_dir.join("collections/c/collection.conf");
    flip_byte(&conf, 12);
    let output = check(&builder, &data_dir);
    assert_eq!(output.status.code(), Some(5), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains(&conf.display().to_string()),
        "{}",
        describe(&output)
    );
    flip_byte(&conf, 12);

    // A definition with a valid checksum that the snapshots do not fit (another dimension):
    // the checksums all pass, the contents do not.
    let original = std::fs::read_to_string(&conf).unwrap();
    let body = original
        .rsplit_once("crc32c=")
        .unwrap()
        .0
        .replace("dim=8\n", "dim=16\n");
    std::fs::write(
        &conf,
        format!("{body}crc32c={:08x}\n", crc32c::crc32c(body.as_bytes())),
    )
    .unwrap();
    let output = check(&builder, &data_dir);
    assert_eq!(output.status.code(), Some(5), "{}", describe(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.lines().any(|l| l.starts_with("DAMAGE ")
            && l.contains(&shard.display().to_string())
            && l.contains("dim 8")),
        "{stdout}"
    );
    std::fs::write(&conf, original).unwrap();

    // Restored: clean again, and the node starts and serves every vector.
    let output = check(&builder, &data_dir);
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
    let node = builder.data_dir(&data_dir).start();
    let ids: Vec<u64> = (0..600).collect();
    let found = node.client().get("c", &ids).unwrap();
    assert!(found.iter().all(Option::is_some));
}

#[test]
fn check_refuses_a_missing_directory() {
    let work = tempfile::tempdir().unwrap();
    let output = check(&node!(), &work.path().join("absent"));
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    // An empty (never used) directory is clean.
    let output = check(&node!(), work.path());
    assert_eq!(output.status.code(), Some(0), "{}", describe(&output));
}
