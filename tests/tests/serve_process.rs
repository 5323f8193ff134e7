//! `corevec serve` as an operator sees it: data-directory lock, signals, configuration, and
//! the Python client against the real server.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use corevec_proto::{CreateCollection, ErrorCode, Metric};
use corevec_tests::{node, output_text as text, NodeBuilder};

fn run(mut command: Command) -> Output {
    command.output().expect("run corevec")
}

#[test]
fn second_serve_on_the_same_data_dir_is_refused() {
    let mut first = node!().start();
    let builder: NodeBuilder = node!();
    let mut command = builder.command(&["serve", "--cores", "1", "--listen"]);
    command
        .arg(format!("127.0.0.1:{}", corevec_tests::free_port()))
        .arg("--metrics-listen")
        .arg(format!("127.0.0.1:{}", corevec_tests::free_port()))
        .arg("--data-dir")
        .arg(&first.data_dir);
    let output = run(command);
    assert_eq!(output.status.code(), Some(3), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("in use by another corevec serve"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&first.pid().to_string()),
        "names the holder: {stderr}"
    );
    first.assert_alive();
}

/// Runs `command`, killing it if it still runs after `timeout` (a node that should have
/// refused to start but serves instead must not hang the test).
fn run_bounded(mut command: Command, timeout: Duration) -> Output {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run corevec");
    let deadline = Instant::now() + timeout;
    while child.try_wait().expect("wait").is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    child.wait_with_output().expect("output")
}

/// The cores bind the listen address with SO_REUSEPORT, which the kernel would also grant to
/// a second node: without the probe at start, both would run and share the connections. A
/// second `corevec serve` on a taken listen address (or metrics address) exits 4 instead,
/// before it locks (and creates) its data directory.
#[test]
fn second_serve_on_the_same_listen_address_is_refused() {
    let mut first = node!().start();
    let builder: NodeBuilder = node!();
    let work = tempfile::tempdir().unwrap();
    let data_dir = work.path().join("second");
    let serve = |listen: &str, metrics: &str| {
        let mut command = builder.command(&[
            "serve",
            "--cores",
            "1",
            "--listen",
            listen,
            "--metrics-listen",
            metrics,
        ]);
        command.arg("--data-dir").arg(&data_dir);
        run_bounded(command, Duration::from_secs(30))
    };
    let free = || format!("127.0.0.1:{}", corevec_tests::free_port());

    let output = serve(&first.addr.to_string(), &free());
    assert_eq!(output.status.code(), Some(4), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {} (listen)", first.addr)),
        "{stderr}"
    );
    assert!(stderr.contains("another process listens there"), "{stderr}");
    assert!(!data_dir.exists(), "nothing written before the refusal");
    first.assert_alive();

    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let metrics = held.local_addr().unwrap().to_string();
    let output = serve(&free(), &metrics);
    assert_eq!(output.status.code(), Some(4), "{}", text(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {metrics} (metrics_listen)")),
        "{stderr}"
    );
    assert!(!data_dir.exists(), "nothing written before the refusal");
}

#[test]
fn sigterm_drains_exits_zero_and_data_survives_a_restart() {
    let work = tempfile::tempdir().unwrap();
    let data_dir = work.path().join("data");
    let mut node = node!().data_dir(&data_dir).start();
    let client = node.client();
    client
        .create_collection(&CreateCollection {
            name: "kept",
            dim: 2,
            metric: Metric::L2,
            shards: 0,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: false,
        })
        .unwrap();
    let ids: Vec<u64> = (0..50).collect();
    let vectors: Vec<f32> = ids.iter().flat_map(|&i| [i as f32, 1.0]).collect();
    client.upsert("kept", &ids, &vectors).unwrap();

    node.signal(libc::SIGTERM);
    let status = node
        .wait_exit(Duration::from_secs(30))
        .unwrap_or_else(|| panic!("no exit after SIGTERM:\n{}", node.log()));
    assert_eq!(status.code(), Some(0), "{}", node.log());
    let log = node.log();
    assert!(log.contains("shutting down gracefully"), "{log}");
    // The open client connection was told why it is being closed.
    let err = client.ping().unwrap_err();
    assert!(
        err.code() == Some(ErrorCode::ShuttingDown) || err.is_connection_error(),
        "{err}"
    );
    drop(node);

    let restarted = node!().data_dir(&data_dir).start();
    let info = restarted.client().describe_collection("kept").unwrap();
    assert_eq!(info.vectors_count, 50);
}

fn print_config(builder: &NodeBuilder, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut all = vec!["serve", "--print-config"];
    all.extend_from_slice(args);
    let mut command = builder.command(&all);
    for (k, v) in env {
        command.env(k, v);
    }
    run(command)
}

fn value_of(output: &Output, key: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let table: toml::Table = toml::from_str(&stdout).expect("--print-config prints TOML");
    table
        .get(key)
        .map(|v| match v {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

#[test]
fn config_precedence_is_flag_over_env_over_file() {
    let builder: NodeBuilder = node!();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("corevec.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:1111\"\ncores = 1\ndurability = \"none\"\nidle_timeout_s = 9\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();

    let defaults = print_config(&builder, &[], &[]);
    assert!(defaults.status.success(), "{}", text(&defaults));
    assert_eq!(value_of(&defaults, "listen"), "127.0.0.1:7717");
    assert_eq!(value_of(&defaults, "metrics_listen"), "127.0.0.1:9717");
    assert_eq!(value_of(&defaults, "durability"), "sync");
    assert_eq!(value_of(&defaults, "cores"), "all");
    assert_eq!(value_of(&defaults, "data_dir"), "./corevec-data");

    let from_file = print_config(&builder, &["--config", file], &[]);
    assert!(from_file.status.success(), "{}", text(&from_file));
    assert_eq!(value_of(&from_file, "listen"), "127.0.0.1:1111");
    assert_eq!(value_of(&from_file, "cores"), "1");
    assert_eq!(value_of(&from_file, "durability"), "none");

    let env = [
        ("COREVEC_LISTEN", "127.0.0.1:2222"),
        ("COREVEC_DURABILITY", "interval=20"),
    ];
    let from_env = print_config(&builder, &["--config", file], &env);
    assert!(from_env.status.success(), "{}", text(&from_env));
    assert_eq!(value_of(&from_env, "listen"), "127.0.0.1:2222");
    assert_eq!(value_of(&from_env, "durability"), "interval=20");
    assert_eq!(
        value_of(&from_env, "idle_timeout_s"),
        "9",
        "file still applies"
    );

    // The config file itself can come from the environment too.
    let file_from_env = print_config(&builder, &[], &[("COREVEC_CONFIG", file)]);
    assert_eq!(value_of(&file_from_env, "listen"), "127.0.0.1:1111");

    let from_flag = print_config(
        &builder,
        &[
            "--config",
            file,
            "--listen",
            "127.0.0.1:3333",
            "--cores",
            "0,1",
        ],
        &env,
    );
    assert!(from_flag.status.success(), "{}", text(&from_flag));
    assert_eq!(value_of(&from_flag, "listen"), "127.0.0.1:3333");
    assert_eq!(value_of(&from_flag, "cores"), "[0, 1]");
    assert_eq!(value_of(&from_flag, "durability"), "interval=20");

    // What --print-config prints is itself a valid config file.
    let printed = work.path().join("printed.toml");
    std::fs::write(&printed, &from_flag.stdout).unwrap();
    let again = print_config(&builder, &["--config", printed.to_str().unwrap()], &[]);
    assert_eq!(again.stdout, from_flag.stdout, "{}", text(&again));
}

#[test]
fn config_rejects_unknown_keys_and_invalid_values_naming_the_key() {
    let builder: NodeBuilder = node!();
    let work = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str)] = &[
        (
            "listen = \"127.0.0.1:1\"\nmax_conections_per_core = 5\n",
            "max_conections_per_core",
        ),
        ("durability = \"sometimes\"\n", "durability"),
        ("cores = \"lots\"\n", "cores"),
        ("metrics_listen = \"localhost\"\n", "metrics_listen"),
        ("idle_timeout_s = -3\n", "idle_timeout_s"),
        ("max_in_flight_per_core = 0\n", "max_in_flight_per_core"),
        ("log_format = \"xml\"\n", "log_format"),
    ];
    for (i, (contents, key)) in cases.iter().enumerate() {
        let file = work.path().join(format!("bad{i}.toml"));
        std::fs::write(&file, contents).unwrap();
        let output = print_config(&builder, &["--config", file.to_str().unwrap()], &[]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{contents}: {}",
            text(&output)
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(key),
            "{contents}: stderr does not name `{key}`: {stderr}"
        );
        assert!(
            output.stdout.is_empty(),
            "nothing printed for an invalid config"
        );
    }
    // Invalid values from flags and the environment are refused too, naming the option.
    let output = print_config(&builder, &["--durability", "fast"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--durability"));
    let output = print_config(&builder, &[], &[("COREVEC_CORES", "zero")]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--cores"));
    let output = print_config(&builder, &["--no-such-flag"], &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
}

#[test]
fn python_client_end_to_end_against_the_real_server() {
    let python_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../net/clients/python");
    let Ok(version) = Command::new("python3").arg("--version").output() else {
        eprintln!("SKIPPED python_client_end_to_end_against_the_real_server: python3 not found");
        return;
    };
    assert!(version.status.success());
    let node = node!().start();
    let output = Command::new("python3")
        .args(["-m", "unittest", "discover", "-v", "-s", "tests"])
        .current_dir(&python_dir)
        .env("COREVEC_TEST_ADDR", node.addr.to_string())
        .output()
        .expect("run python3");
    let report = format!("{}\nserver log:\n{}", text(&output), node.log());
    assert!(output.status.success(), "{report}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("skipped"),
        "the e2e tests must not skip: {report}"
    );
    assert!(stderr.contains("OK"), "{report}");
}

#[test]
fn systemd_is_told_ready_and_stopping() {
    use std::os::unix::net::UnixDatagram;
    let work = tempfile::tempdir().unwrap();
    let socket_path = work.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut node = node!()
        .env("NOTIFY_SOCKET", socket_path.to_str().unwrap())
        .start();
    let mut buf = [0u8; 256];
    let n = socket.recv(&mut buf).expect("READY=1 datagram");
    assert_eq!(&buf[..n], b"READY=1");
    node.signal(libc::SIGTERM);
    let n = socket.recv(&mut buf).expect("STOPPING=1 datagram");
    assert_eq!(&buf[..n], b"STOPPING=1");
    let status = node.wait_exit(Duration::from_secs(30)).expect("exits");
    assert_eq!(status.code(), Some(0), "{}", node.log());
}

#[test]
fn import_get_and_search_with_payloads_and_labels_from_the_cli() {
    let node = node!().start();
    let builder: NodeBuilder = node!();
    let work = tempfile::tempdir().unwrap();
    let addr = node.addr.to_string();
    // 20 vectors (i, 0, 1) in .fvecs, and one payload line per vector.
    let fvecs = work.path().join("v.fvecs");
    let mut bytes = Vec::new();
    for i in 0..20 {
        bytes.extend_from_slice(&3i32.to_le_bytes());
        for x in [i as f32, 0.0, 1.0] {
            bytes.extend_from_slice(&x.to_le_bytes());
        }
    }
    std::fs::write(&fvecs, bytes).unwrap();
    let lines: Vec<String> = (0..20)
        .map(|i| match i {
            4 => String::new(),
            9 => "tab\there".to_owned(),
            _ => format!("{{\"title\":\"doc {i}\"}}"),
        })
        .collect();
    let payloads = work.path().join("p.jsonl");
    std::fs::write(&payloads, lines[..19].join("\n")).unwrap();
    // Labels: `i % 3`, plus 100 for even i; none for 4.
    let labels = work.path().join("l.txt");
    let label_lines: Vec<String> = (0..20)
        .map(|i| match i {
            4 => String::new(),
            _ if i % 2 == 0 => format!("{}, 100", i % 3),
            _ => format!("{}", i % 3),
        })
        .collect();
    std::fs::write(&labels, label_lines.join("\n") + "\n").unwrap();
    let import = |payloads: &Path| {
        let mut command = builder.command(&["import", "--addr", &addr, "--create", "docs"]);
        command
            .arg(&fvecs)
            .arg("--payloads")
            .arg(payloads)
            .arg("--labels")
            .arg(&labels)
            .args(["--batch", "7"]);
        run(command)
    };
    // One line short: refused before anything is written, naming the file.
    let output = import(&payloads);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("p.jsonl: ends after 19 lines"),
        "{}",
        text(&output)
    );
    assert!(node.client().list_collections().unwrap().is_empty());
    std::fs::write(&payloads, lines.join("\n") + "\n").unwrap();
    // A label that is not a number: refused up front, naming the file and line.
    let mut bad = label_lines.clone();
    bad[5] = "5,x".into();
    std::fs::write(&labels, bad.join("\n") + "\n").unwrap();
    let output = import(&payloads);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("l.txt: line 6"), "{}", text(&output));
    assert!(node.client().list_collections().unwrap().is_empty());
    std::fs::write(&labels, label_lines.join("\n") + "\n").unwrap();
    let output = import(&payloads);
    assert!(output.status.success(), "{}", text(&output));

    let query = work.path().join("q.txt");
    std::fs::write(&query, "[9, 0, 1]").unwrap();
    let mut command = builder.command(&["search", "--addr", &addr, "docs", "-k", "3", "--exact"]);
    command.arg("-q").arg(&query).arg("--with-payloads");
    let output = run(command);
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .skip(1)
        .map(|line| line.split('\t').map(str::trim).collect())
        .collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    assert_eq!(rows[0][0], "9");
    assert_eq!(
        rows[0][2], "hex:7461620968657265",
        "a tab is printed as hex"
    );
    let mut neighbours: Vec<(&str, &str)> = rows[1..].iter().map(|r| (r[0], r[2])).collect();
    neighbours.sort_unstable();
    assert_eq!(
        neighbours,
        [
            ("10", "{\"title\":\"doc 10\"}"),
            ("8", "{\"title\":\"doc 8\"}")
        ]
    );
    let got = node.client().get_with_payloads("docs", &[4, 19]).unwrap();
    assert_eq!(got[0].as_ref().unwrap().payload, b"");
    assert_eq!(got[1].as_ref().unwrap().payload, b"{\"title\":\"doc 19\"}");

    // `corevec get`: vector, payload and labels per id, in the order asked.
    let output = run(builder.command(&["get", "--addr", &addr, "docs", "19", "4", "8", "999"]));
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "19\t[19,0,1]\t{\"title\":\"doc 19\"}\t1\n4\t[4,0,1]\t\t\n8\t[8,0,1]\t{\"title\":\"doc 8\"}\t2,100\n999\tnot found\n"
    );

    // Filtered search: even ids (label 100) not divisible by 3 (label 0), nearest to 9.
    for exact in [true, false] {
        let mut command = builder.command(&["search", "--addr", &addr, "docs", "-k", "3"]);
        command
            .arg("-q")
            .arg(&query)
            .args(["--all-of", "100", "--none-of", "0"]);
        if exact {
            command.arg("--exact");
        }
        let output = run(command);
        assert!(output.status.success(), "{}", text(&output));
        // 8 and 10 at distance 1, then 14 (4 has no labels; 12 has label 0).
        assert_eq!(
            sorted_hit_ids(&output),
            ["10", "14", "8"],
            "{}",
            text(&output)
        );
    }

    // `--max-distance`: the same filtered search, only hits within squared distance 1.
    let mut command = builder.command(&["search", "--addr", &addr, "docs", "-k", "3", "--exact"]);
    command.arg("-q").arg(&query).args([
        "--all-of",
        "100",
        "--none-of",
        "0",
        "--max-distance",
        "1",
    ]);
    let output = run(command);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(sorted_hit_ids(&output), ["10", "8"], "{}", text(&output));

    // `corevec set-labels` and `corevec set-payload` replace one of them on one point, keeping
    // the vector and the other one; an absent id updates nothing and is not an error.
    let updated = |args: &[&str], stdout: &str| {
        let mut command = builder.command(&[args[0], "--addr", &addr]);
        command.args(&args[1..]);
        let output = run(command);
        assert!(output.status.success(), "{}", text(&output));
        assert_eq!(String::from_utf8_lossy(&output.stdout), stdout);
    };
    updated(&["set-labels", "docs", "8", "7, 3,7"], "1 point updated\n");
    updated(&["set-labels", "docs", "19", ""], "1 point updated\n");
    updated(
        &["set-labels", "docs", "999", "1"],
        "0 points updated (no point 999 in docs)\n",
    );
    updated(
        &["set-payload", "docs", "19", "new text"],
        "1 point updated\n",
    );
    updated(&["set-payload", "docs", "8", ""], "1 point updated\n");
    updated(
        &["set-payload", "docs", "999", "x"],
        "0 points updated (no point 999 in docs)\n",
    );
    // A label that is not a number: a usage error, nothing sent.
    let output = run(builder.command(&["set-labels", "--addr", &addr, "docs", "8", "1,x"]));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("labels: \"x\""), "{}", text(&output));
    let output = run(builder.command(&["get", "--addr", &addr, "docs", "19", "8", "10", "999"]));
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "19\t[19,0,1]\tnew text\t\n8\t[8,0,1]\t\t3,7\n10\t[10,0,1]\t{\"title\":\"doc 10\"}\t1,100\n999\tnot found\n"
    );
}

/// Row `i` of the export test: its vector (dimension 4, with inexact fractions so that a
/// byte-for-byte comparison means something).
fn export_row_vector(i: usize) -> [f32; 4] {
    let x = i as f32;
    [x, -x / 3.0, 0.1 * x, (i % 7) as f32]
}

/// Row `i`'s payload: none, JSON, raw non-UTF-8 bytes (with a tab and a NUL), or a `\r` inside.
fn export_row_payload(i: usize) -> Vec<u8> {
    match i % 10 {
        0 => Vec::new(),
        3 => [format!("bin{i}").as_bytes(), &[0xff, 0x00, b'\t', 0xfe]].concat(),
        7 => format!("cr\rinside {i}").into_bytes(),
        _ => format!("{{\"row\":{i}}}").into_bytes(),
    }
}

/// Row `i`'s labels, sorted: none, or `i % 3` and `100 + i % 4`.
fn export_row_labels(i: usize) -> Vec<u64> {
    if i % 5 == 0 {
        Vec::new()
    } else {
        vec![(i % 3) as u64, 100 + (i % 4) as u64]
    }
}

/// `corevec get`'s and `corevec list`'s rendering of a payload.
fn shown_payload(payload: &[u8]) -> String {
    match std::str::from_utf8(payload) {
        Ok(text) if !text.chars().any(char::is_control) => text.to_owned(),
        _ => format!(
            "hex:{}",
            payload
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        ),
    }
}

fn join_labels(labels: &[u64]) -> String {
    labels
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

const EXPORT_DATA_FILES: [&str; 4] = ["vectors.fvecs", "ids.txt", "payloads.txt", "labels.txt"];

#[test]
fn export_list_and_import_ids_move_a_collection_to_another_shard_count() {
    use std::collections::BTreeMap;

    let node = node!().start();
    let work = tempfile::tempdir().unwrap();
    let path = |name: &str| work.path().join(name).to_str().unwrap().to_owned();
    let cli = |args: &[&str]| node.cli(args);
    let read = |dir: &str, name: &str| std::fs::read(Path::new(dir).join(name)).unwrap();

    // 300 rows with sparse ids in no particular order (0 and u64::MAX among them); row 299
    // repeats row 210's id, in the same UPSERT batch: the last row wins.
    let rows = 300;
    let ids: Vec<u64> = (0..rows)
        .map(|i| match i {
            0 => u64::MAX,
            1 => 0,
            299 => ((210 * 7) % 300) as u64 * 1_000_003 + (1 << 40),
            _ => ((i * 7) % 300) as u64 * 1_000_003 + (1 << 40),
        })
        .collect();
    let mut fvecs = Vec::new();
    let mut payloads = Vec::new();
    let mut labels = String::new();
    for i in 0..rows {
        fvecs.extend_from_slice(&4i32.to_le_bytes());
        for x in export_row_vector(i) {
            fvecs.extend_from_slice(&x.to_le_bytes());
        }
        payloads.extend_from_slice(&export_row_payload(i));
        payloads.push(b'\n');
        labels.push_str(&format!("{}\n", join_labels(&export_row_labels(i))));
    }
    std::fs::write(path("v.fvecs"), &fvecs).unwrap();
    std::fs::write(path("p.txt"), &payloads).unwrap();
    std::fs::write(path("l.txt"), &labels).unwrap();
    // Whitespace around an id and CRLF line ends are fine.
    let id_lines: Vec<String> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| match i % 50 {
            1 => format!("  {id}\t\r"),
            _ => id.to_string(),
        })
        .collect();
    std::fs::write(path("ids.txt"), id_lines.join("\n") + "\n").unwrap();

    let output = cli(&[
        "collection",
        "create",
        "src",
        "--dim",
        "4",
        "--metric",
        "l2",
        "--shards",
        "3",
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let import = |ids_file: &str| {
        cli(&[
            "import",
            "src",
            &path("v.fvecs"),
            "--ids",
            ids_file,
            "--payloads",
            &path("p.txt"),
            "--labels",
            &path("l.txt"),
            "--batch",
            "100",
        ])
    };
    // A bad id line in the third batch: refused before anything is written, naming the file
    // and the line.
    let mut bad = id_lines.clone();
    bad[256] = "12x".into();
    std::fs::write(path("bad-ids.txt"), bad.join("\n") + "\n").unwrap();
    let output = import(&path("bad-ids.txt"));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("bad-ids.txt: line 257: \"12x\" is not an id"),
        "{}",
        text(&output)
    );
    // Too few lines: refused, naming the file.
    std::fs::write(path("short-ids.txt"), id_lines[..299].join("\n")).unwrap();
    let output = import(&path("short-ids.txt"));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("short-ids.txt: ends after 299 lines"),
        "{}",
        text(&output)
    );
    // A NaN in the third batch's vectors: refused before anything is written, naming the
    // row and the component.
    let mut nan = fvecs.clone();
    let at = 250 * (4 + 4 * 4) + 4 + 2 * 4;
    nan[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
    std::fs::write(path("nan.fvecs"), &nan).unwrap();
    let output = cli(&["import", "src", &path("nan.fvecs"), "--batch", "100"]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("nan.fvecs: vector 250 component 2 is NaN")
            && text(&output).contains("nothing was imported"),
        "{}",
        text(&output)
    );
    // A vector the server refuses (a cosine vector too short to normalise) in the third
    // batch: the error says which rows were acknowledged before it.
    let output = cli(&[
        "collection",
        "create",
        "cos",
        "--dim",
        "4",
        "--metric",
        "cosine",
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let mut tiny = fvecs.clone();
    let at = 250 * (4 + 4 * 4) + 4;
    for c in 0..4 {
        tiny[at + 4 * c..at + 4 * c + 4].copy_from_slice(&1e-20f32.to_le_bytes());
    }
    std::fs::write(path("tiny.fvecs"), &tiny).unwrap();
    let output = cli(&["import", "cos", &path("tiny.fvecs"), "--batch", "100"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("upsert of rows 200..300 of 300")
            && text(&output).contains("the first 200 rows were acknowledged"),
        "{}",
        text(&output)
    );
    let client = node.client();
    assert_eq!(
        client.describe_collection("cos").unwrap().vectors_count,
        200
    );
    // --ids and an explicit --start-id contradict each other.
    let output = cli(&[
        "import",
        "src",
        &path("v.fvecs"),
        "--ids",
        &path("ids.txt"),
        "--start-id",
        "5",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("--start-id"), "{}", text(&output));
    assert_eq!(client.describe_collection("src").unwrap().vectors_count, 0);

    let output = import(&path("ids.txt"));
    assert!(output.status.success(), "{}", text(&output));
    // Delete a few points.
    let deleted_rows = [5, 50, 51, 123, 211];
    let deleted: Vec<u64> = deleted_rows.iter().map(|&i| ids[i]).collect();
    assert_eq!(client.delete("src", &deleted).unwrap().count, 5);
    // What must be there: the live ids in ascending order, each with its last row.
    let mut live: BTreeMap<u64, usize> = BTreeMap::new();
    for (i, &id) in ids.iter().enumerate() {
        live.insert(id, i);
    }
    for id in &deleted {
        live.remove(id);
    }
    assert_eq!(live.len(), 294);
    assert_eq!(live[&ids[299]], 299, "the last row with an id wins");
    let expected_ids: String = live.keys().map(|id| format!("{id}\n")).collect();

    // Export in small pages; the files hold exactly the live points in id order.
    let first = path("export-1");
    let output = cli(&["export", "src", &first, "--page", "64"]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("exported 294 points of src to {first}\n")
    );
    assert_eq!(
        String::from_utf8_lossy(&read(&first, "ids.txt")),
        expected_ids
    );
    let mut expected_vectors = Vec::new();
    let mut expected_payloads = Vec::new();
    let mut expected_labels = String::new();
    for &row in live.values() {
        expected_vectors.extend_from_slice(&4i32.to_le_bytes());
        for x in export_row_vector(row) {
            expected_vectors.extend_from_slice(&x.to_le_bytes());
        }
        expected_payloads.extend_from_slice(&export_row_payload(row));
        expected_payloads.push(b'\n');
        expected_labels.push_str(&format!("{}\n", join_labels(&export_row_labels(row))));
    }
    assert!(read(&first, "vectors.fvecs") == expected_vectors);
    assert!(read(&first, "payloads.txt") == expected_payloads);
    assert_eq!(
        String::from_utf8_lossy(&read(&first, "labels.txt")),
        expected_labels
    );
    let description = String::from_utf8(read(&first, "collection.txt")).unwrap();
    assert!(
        description.contains("points exported:  294\n"),
        "{description}"
    );
    assert!(
        description.contains("shards:           3\n"),
        "{description}"
    );

    // Recreate it with 2 shards by running the two commands collection.txt gives (with the
    // new name and shard count), then export the copy: the same four files, byte for byte.
    let command_line = |prefix: &str| -> Vec<String> {
        let line = description
            .lines()
            .find(|line| line.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} line in {description}"));
        line.split_whitespace()
            .skip(1)
            .map(|word| {
                if word == "src" {
                    "dst".into()
                } else {
                    word.into()
                }
            })
            .collect()
    };
    let create = command_line("corevec collection create ");
    let create: Vec<&str> = create.iter().map(String::as_str).collect();
    assert_eq!(create[..4], ["collection", "create", "dst", "--dim"]);
    let shards = create.iter().position(|w| *w == "--shards").unwrap() + 1;
    let mut create = create.clone();
    create[shards] = "2";
    let output = cli(&create);
    assert!(output.status.success(), "{}", text(&output));
    let import_dst = command_line("corevec import ");
    let import_dst: Vec<&str> = import_dst.iter().map(String::as_str).collect();
    let shown = std::fs::canonicalize(&first).unwrap();
    let shown = shown.to_str().unwrap();
    assert_eq!(
        import_dst,
        [
            "import".to_owned(),
            "dst".into(),
            format!("{shown}/vectors.fvecs"),
            "--ids".into(),
            format!("{shown}/ids.txt"),
            "--payloads".into(),
            format!("{shown}/payloads.txt"),
            "--labels".into(),
            format!("{shown}/labels.txt"),
        ]
    );
    let output = cli(&import_dst);
    assert!(output.status.success(), "{}", text(&output));
    let info = client.describe_collection("dst").unwrap();
    assert_eq!((info.shards, info.vectors_count), (2, 294));
    let second = path("export-2");
    let output = cli(&["export", "dst", &second]);
    assert!(output.status.success(), "{}", text(&output));
    for name in EXPORT_DATA_FILES {
        assert!(read(&first, name) == read(&second, name), "{name} differs");
    }

    // An earlier export is not overwritten without --force.
    let before = read(&first, "ids.txt");
    std::fs::write(Path::new(&second).join("ids.txt"), "junk\n").unwrap();
    let output = cli(&["export", "dst", &second]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("--force"), "{}", text(&output));
    assert_eq!(read(&second, "ids.txt"), b"junk\n");
    let output = cli(&["export", "dst", &second, "--force", "--no-labels"]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(read(&second, "ids.txt"), before);
    assert!(
        !Path::new(&second).join("labels.txt").exists(),
        "--force removes the labels.txt of the earlier export"
    );

    // `export --all-of 101` and `list --with-labels --all-of 101`: exactly the matching points.
    let matching: Vec<(u64, usize)> = live
        .iter()
        .filter(|(_, &row)| export_row_labels(row).contains(&101))
        .map(|(&id, &row)| (id, row))
        .collect();
    assert!(matching.len() > 30, "{}", matching.len());
    let filtered = path("export-101");
    let output = cli(&[
        "export", "src", &filtered, "--all-of", "101", "--page", "10",
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let expected: String = matching.iter().map(|(id, _)| format!("{id}\n")).collect();
    assert_eq!(
        String::from_utf8_lossy(&read(&filtered, "ids.txt")),
        expected
    );
    let expected: String = matching
        .iter()
        .map(|(id, row)| format!("{id}\t{}\n", join_labels(&export_row_labels(*row))))
        .collect();
    let output = cli(&[
        "list",
        "src",
        "--with-labels",
        "--all-of",
        "101",
        "--page",
        "7",
    ]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    // `list --start --limit --with-payloads` (payloads as `corevec get` shows them).
    let (start, _) = live.iter().nth(100).unwrap();
    let expected: String = live
        .range(start..)
        .take(25)
        .map(|(id, &row)| format!("{id}\t{}\n", shown_payload(&export_row_payload(row))))
        .collect();
    assert!(expected.contains("hex:"), "{expected}");
    let start = start.to_string();
    let output = cli(&[
        "list",
        "src",
        "--start",
        &start,
        "--limit",
        "25",
        "--with-payloads",
        "--page",
        "4",
    ]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    let output = cli(&["list", "src", "--start", &u64::MAX.to_string()]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("{}\n", u64::MAX)
    );

    // A payload with a line break cannot be one line of payloads.txt: the export fails naming
    // the id and leaves no file behind (nor touches an earlier export under --force).
    client
        .upsert_with_payloads("src", &[5], &[1.0, 2.0, 3.0, 4.0], &[b"two\nlines"])
        .unwrap();
    let broken = path("export-broken");
    let output = cli(&["export", "src", &broken, "--page", "16"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(
        text(&output).contains("cannot export point 5: its payload contains a line break"),
        "{}",
        text(&output)
    );
    let left: Vec<_> = std::fs::read_dir(&broken).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    let output = cli(&["export", "src", &first, "--force"]);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert_eq!(read(&first, "ids.txt"), before);
    let mut names: Vec<String> = std::fs::read_dir(&first)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "collection.txt",
            "ids.txt",
            "labels.txt",
            "payloads.txt",
            "vectors.fvecs"
        ]
    );
    // Without payloads it exports.
    let output = cli(&["export", "src", &broken, "--no-payloads"]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(!Path::new(&broken).join("payloads.txt").exists());
    assert!(String::from_utf8_lossy(&read(&broken, "ids.txt")).starts_with("0\n5\n"));
}

/// `corevec delete`: by id, or every point matching a label filter (counted without --yes,
/// deleted with it, across several SCROLL pages); ids and a filter together, or neither, are
/// usage errors.
#[test]
fn delete_by_id_and_by_label_filter_from_the_cli() {
    let node = node!().start();
    let cli = |args: &[&str]| node.cli(args);
    let client = node.client();
    corevec_tests::create_l2(&client, "d", 2, 3);
    // 10,000 points (more than two SCROLL pages match): label `id % 4`, and 7 for the ids
    // ending in 1.
    let ids: Vec<u64> = (0..10_000).collect();
    let flat: Vec<f32> = ids.iter().flat_map(|&id| [id as f32, 1.0]).collect();
    let lists: Vec<Vec<u64>> = ids
        .iter()
        .map(|id| {
            if id % 10 == 1 {
                vec![id % 4, 7]
            } else {
                vec![id % 4]
            }
        })
        .collect();
    let lists: Vec<&[u64]> = lists.iter().map(Vec::as_slice).collect();
    client
        .upsert_points("d", &ids, &flat, None, Some(&lists))
        .unwrap();
    let stdout = |output: &Output| String::from_utf8_lossy(&output.stdout).into_owned();

    let output = cli(&["delete", "d", "5", "6", "123456"]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(stdout(&output), "2 points deleted (3 ids given)\n");
    let output = cli(&["delete", "d", "5"]);
    assert_eq!(stdout(&output), "0 points deleted (1 id given)\n");
    for args in [&["delete", "d"][..], &["delete", "d", "1", "--all-of", "1"]] {
        let output = cli(args);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    }
    // Without --yes only counted: label 1 is 2,500 points, 500 of them with 7 (ids 1 mod 20),
    // and 5 is gone.
    let output = cli(&["delete", "d", "--all-of", "1", "--none-of", "7"]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        stdout(&output),
        "1999 points match; pass --yes to delete them\n"
    );
    assert_eq!(client.describe_collection("d").unwrap().vectors_count, 9998);
    let output = cli(&["delete", "d", "--any-of", "1,2", "--none-of", "7", "--yes"]);
    assert!(output.status.success(), "{}", text(&output));
    // Labels 1 or 2: 5,000 points, minus the 500 with 7, minus 5 and 6 (gone already).
    assert_eq!(stdout(&output), "4498 points deleted\n");
    let left = client.get_points("d", &ids, false, true).unwrap();
    for (id, point) in ids.iter().zip(&left) {
        let deleted = *id == 5 || *id == 6 || id % 4 == 2 || (id % 4 == 1 && id % 20 != 1);
        assert_eq!(point.is_none(), deleted, "id {id}");
    }
}

/// The ids `corevec search` printed (first column after the header), sorted as text.
fn sorted_hit_ids(output: &std::process::Output) -> Vec<String> {
    let mut ids: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .skip(1)
        .map(|line| line.split('\t').next().unwrap_or("").trim().to_owned())
        .collect();
    ids.sort_unstable();
    ids
}
