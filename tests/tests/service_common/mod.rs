//! Shared by the `service_*` tests: the node's metrics address, a tiny HTTP/1.1 client, a
//! strict parser for the Prometheus text format (0.0.4), byte flipping and `corevec check`.

#![allow(dead_code)] // each test binary uses a different subset

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use corevec_tests::{Node, NodeBuilder};

/// The `--metrics-listen` address the test harness gave `node` (read from its command line,
/// so the shared harness needs no change).
pub fn metrics_addr(node: &Node) -> SocketAddr {
    let cmdline = std::fs::read(format!("/proc/{}/cmdline", node.pid())).expect("cmdline");
    let args: Vec<String> = cmdline
        .split(|b| *b == 0)
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let at = args
        .iter()
        .rposition(|a| a == "--metrics-listen")
        .expect("node started with --metrics-listen");
    args[at + 1].parse().expect("metrics address")
}

/// An HTTP response.
#[derive(Debug)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Header lines, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
}

impl HttpResponse {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `method path` and reads the whole response (the server closes after one).
pub fn http(addr: SocketAddr, method: &str, path: &str) -> std::io::Result<HttpResponse> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: corevec-tests\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8(raw).expect("UTF-8 response");
    let (head, body) = text.split_once("\r\n\r\n").expect("header/body separator");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').expect("header line");
            (name.to_ascii_lowercase(), value.trim().to_owned())
        })
        .collect();
    let response = HttpResponse {
        status,
        headers,
        body: body.to_owned(),
    };
    if method != "HEAD" {
        let length: usize = response
            .header("content-length")
            .expect("Content-Length")
            .parse()
            .expect("numeric Content-Length");
        assert_eq!(
            length,
            response.body.len(),
            "Content-Length matches the body"
        );
    }
    Ok(response)
}

/// GETs `path`, retrying connection failures for up to 10 s.
pub fn get(addr: SocketAddr, path: &str) -> HttpResponse {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match http(addr, "GET", path) {
            Ok(response) => return response,
            Err(e) if Instant::now() < deadline => {
                eprintln!("GET {path}: {e}; retrying");
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => panic!("GET http://{addr}{path}: {e}"),
        }
    }
}

/// Polls `/readyz` until it answers 200 (at most 10 s).
pub fn wait_ready(addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let response = get(addr, "/readyz");
        if response.status == 200 {
            assert_eq!(response.body, "ready\n");
            return;
        }
        assert!(Instant::now() < deadline, "/readyz stayed {response:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ----- Prometheus text format 0.0.4, strictly -----

/// One sample line.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Metric name (for histograms: with `_bucket`, `_sum` or `_count`).
    pub name: String,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Value.
    pub value: f64,
}

/// One metric family.
#[derive(Clone, Debug, PartialEq)]
pub struct Family {
    /// Family name.
    pub name: String,
    /// `counter`, `gauge`, `histogram`, `summary` or `untyped`.
    pub kind: String,
    /// HELP text, unescaped.
    pub help: Option<String>,
    /// Samples in order.
    pub samples: Vec<Sample>,
}

/// A parsed exposition.
#[derive(Clone, Debug, Default)]
pub struct Exposition {
    /// Families in order.
    pub families: Vec<Family>,
}

fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with("__")
}

fn parse_value(text: &str) -> Result<f64, String> {
    match text {
        "+Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        _ => text.parse().map_err(|_| format!("bad value {text:?}")),
    }
}

fn unescape(text: &str, allow_quote: bool) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('"') if allow_quote => out.push('"'),
            other => return Err(format!("bad escape \\{other:?} in {text:?}")),
        }
    }
    Ok(out)
}

/// Parses `name{a="b",...} value [timestamp]`.
fn parse_sample(line: &str) -> Result<Sample, String> {
    let name_end = line.find(['{', ' ']).ok_or("sample without value")?;
    let name = &line[..name_end];
    if !is_metric_name(name) {
        return Err(format!("bad metric name {name:?}"));
    }
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(inner) = rest.strip_prefix('{') {
        let mut at = inner;
        loop {
            if let Some(after) = at.strip_prefix('}') {
                rest = after;
                break;
            }
            let eq = at.find('=').ok_or("label without =")?;
            let label = &at[..eq];
            if !is_label_name(label) {
                return Err(format!("bad label name {label:?}"));
            }
            let value_and_rest = at[eq + 1..]
                .strip_prefix('"')
                .ok_or("unquoted label value")?;
            // Find the closing quote, skipping escaped characters.
            let mut end = None;
            let mut escaped = false;
            for (i, c) in value_and_rest.char_indices() {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        end = Some(i);
                        break;
                    }
                    (false, '\n') => return Err("raw newline in label value".into()),
                    _ => {}
                }
            }
            let end = end.ok_or("unterminated label value")?;
            let value = unescape(&value_and_rest[..end], true)?;
            if labels.insert(label.to_owned(), value).is_some() {
                return Err(format!("duplicate label {label:?}"));
            }
            at = &value_and_rest[end + 1..];
            if let Some(after) = at.strip_prefix(',') {
                at = after;
            } else if !at.starts_with('}') {
                return Err("expected , or } after a label".into());
            }
        }
    }
    let rest = rest
        .strip_prefix(' ')
        .ok_or("expected one space before the value")?;
    let mut fields = rest.split(' ');
    let value = parse_value(fields.next().ok_or("missing value")?)?;
    if let Some(timestamp) = fields.next() {
        timestamp
            .parse::<i64>()
            .map_err(|_| format!("bad timestamp {timestamp:?}"))?;
    }
    if fields.next().is_some() {
        return Err("trailing fields".into());
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// The family a sample named `name` belongs to, given the current family.
fn belongs(family: &Family, name: &str) -> bool {
    match family.kind.as_str() {
        "histogram" => [
            format!("{}_bucket", family.name),
            format!("{}_sum", family.name),
            format!("{}_count", family.name),
        ]
        .iter()
        .any(|n| n == name),
        "summary" => {
            name == family.name
                || name == format!("{}_sum", family.name)
                || name == format!("{}_count", family.name)
        }
        _ => name == family.name,
    }
}

/// Parses a whole exposition and checks its consistency: HELP/TYPE before samples, one
/// family per name and contiguous, no duplicate series, counters non-negative, histograms
/// with cumulative buckets ending in `+Inf` equal to `_count`, and a `_sum`.
pub fn parse(text: &str) -> Result<Exposition, String> {
    if !text.is_empty() && !text.ends_with('\n') {
        return Err("the last line does not end with a newline".into());
    }
    let mut exposition = Exposition::default();
    let mut seen_families = HashSet::new();
    let mut seen_series = HashSet::new();
    for (number, line) in text.lines().enumerate() {
        let fail = |reason: String| format!("line {}: {reason}: {line:?}", number + 1);
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.strip_prefix(' ').unwrap_or(comment);
            let (keyword, rest) = comment.split_once(' ').unwrap_or((comment, ""));
            if keyword != "HELP" && keyword != "TYPE" {
                continue; // plain comment
            }
            let (name, arg) = rest.split_once(' ').unwrap_or((rest, ""));
            if !is_metric_name(name) {
                return Err(fail(format!("bad metric name {name:?}")));
            }
            let current = exposition.families.last_mut().filter(|f| f.name == name);
            let family = match current {
                Some(family) => family,
                None => {
                    if !seen_families.insert(name.to_owned()) {
                        return Err(fail(format!("family {name} appears twice")));
                    }
                    exposition.families.push(Family {
                        name: name.to_owned(),
                        kind: "untyped".into(),
                        help: None,
                        samples: Vec::new(),
                    });
                    exposition.families.last_mut().expect("just pushed")
                }
            };
            if !family.samples.is_empty() {
                return Err(fail(format!("{keyword} after samples of {name}")));
            }
            if keyword == "HELP" {
                if family.help.is_some() {
                    return Err(fail("second HELP".into()));
                }
                family.help = Some(unescape(arg, false).map_err(fail)?);
            } else {
                if !["counter", "gauge", "histogram", "summary", "untyped"].contains(&arg) {
                    return Err(fail(format!("unknown type {arg:?}")));
                }
                family.kind = arg.to_owned();
            }
            continue;
        }
        let sample = parse_sample(line).map_err(fail)?;
        let series = format!("{}{:?}", sample.name, sample.labels);
        if !seen_series.insert(series) {
            return Err(fail("duplicate series".into()));
        }
        let family = match exposition.families.last_mut() {
            Some(family) if belongs(family, &sample.name) => family,
            _ => {
                // An untyped family without HELP/TYPE lines.
                if !seen_families.insert(sample.name.clone()) {
                    return Err(fail(format!(
                        "samples of {} are not contiguous",
                        sample.name
                    )));
                }
                exposition.families.push(Family {
                    name: sample.name.clone(),
                    kind: "untyped".into(),
                    help: None,
                    samples: Vec::new(),
                });
                exposition.families.last_mut().expect("just pushed")
            }
        };
        if family.kind == "counter" && (sample.value.is_nan() || sample.value < 0.0) {
            return Err(fail("negative or NaN counter".into()));
        }
        family.samples.push(sample);
    }
    for family in &exposition.families {
        if family.kind == "histogram" {
            check_histogram(family)?;
        }
    }
    Ok(exposition)
}

fn check_histogram(family: &Family) -> Result<(), String> {
    let without_le = |s: &Sample| {
        let mut labels = s.labels.clone();
        labels.remove("le");
        labels
    };
    let bucket_name = format!("{}_bucket", family.name);
    /// Per label set: (le, cumulative count) buckets, `_sum`, `_count`.
    type Group = (Vec<(f64, f64)>, Option<f64>, Option<f64>);
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for sample in &family.samples {
        let key = format!("{:?}", without_le(sample));
        let group = groups.entry(key).or_default();
        if sample.name == bucket_name {
            let le = sample
                .labels
                .get("le")
                .ok_or_else(|| format!("{}: bucket without le", family.name))?;
            group.0.push((parse_value(le)?, sample.value));
        } else if sample.name.ends_with("_sum") {
            group.1 = Some(sample.value);
        } else {
            group.2 = Some(sample.value);
        }
    }
    for (labels, (buckets, sum, count)) in groups {
        let name = &family.name;
        if buckets.is_empty() {
            return Err(format!("{name}{labels}: no buckets"));
        }
        for pair in buckets.windows(2) {
            if pair[0].0 >= pair[1].0 || pair[0].1 > pair[1].1 {
                return Err(format!("{name}{labels}: buckets not cumulative: {pair:?}"));
            }
        }
        let (last_le, last_count) = buckets[buckets.len() - 1];
        if last_le != f64::INFINITY {
            return Err(format!("{name}{labels}: last bucket is not +Inf"));
        }
        if count != Some(last_count) {
            return Err(format!(
                "{name}{labels}: _count {count:?} != +Inf bucket {last_count}"
            ));
        }
        if sum.is_none() {
            return Err(format!("{name}{labels}: no _sum"));
        }
    }
    Ok(())
}

impl Exposition {
    /// The family `name`.
    ///
    /// # Panics
    /// If absent.
    pub fn family(&self, name: &str) -> &Family {
        self.families
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("no family {name}"))
    }

    /// The value of the sample `name` whose labels include `labels` (exactly one must match).
    ///
    /// # Panics
    /// If none or several match.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let matching: Vec<&Sample> = self
            .families
            .iter()
            .flat_map(|f| &f.samples)
            .filter(|s| {
                s.name == name
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
            })
            .collect();
        assert_eq!(matching.len(), 1, "{name} {labels:?}: {matching:?}");
        matching[0].value
    }

    /// The sum of every sample `name` whose labels include `labels`.
    pub fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.families
            .iter()
            .flat_map(|f| &f.samples)
            .filter(|s| {
                s.name == name
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|s| s.value)
            .sum()
    }

    /// How many samples `name` carry labels including `labels`.
    pub fn count(&self, name: &str, labels: &[(&str, &str)]) -> usize {
        self.families
            .iter()
            .flat_map(|f| &f.samples)
            .filter(|s| {
                s.name == name
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
            })
            .count()
    }
}

/// Scrapes `/metrics` and parses it strictly.
pub fn scrape(addr: SocketAddr) -> Exposition {
    let response = get(addr, "/metrics");
    assert_eq!(response.status, 200, "{response:?}");
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    parse(&response.body).unwrap_or_else(|e| panic!("invalid exposition: {e}\n{}", response.body))
}

// ----- Files and `corevec check` -----

/// XORs one byte of `path` at `offset` with 0x5A (calling it twice restores the file).
pub fn flip_byte(path: &Path, offset: u64) {
    use std::io::{Seek, SeekFrom};
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .expect("open for flipping");
    let mut byte = [0u8];
    file.seek(SeekFrom::Start(offset)).expect("seek");
    file.read_exact(&mut byte).expect("read byte");
    byte[0] ^= 0x5A;
    file.seek(SeekFrom::Start(offset)).expect("seek");
    file.write_all(&byte).expect("write byte");
    file.sync_all().expect("sync");
}

/// Files under `dir` whose name satisfies `keep`, sorted.
pub fn files_in(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    out.sort();
    out
}

/// Runs `corevec check --data-dir DIR`.
pub fn check(builder: &NodeBuilder, data_dir: &Path) -> Output {
    let mut command = builder.command(&["check", "--data-dir"]);
    command.arg(data_dir);
    command.output().expect("run corevec check")
}

/// Exit status, stdout and stderr, for assertion messages.
pub fn describe(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
