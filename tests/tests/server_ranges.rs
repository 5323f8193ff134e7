//! Range labels (numeric range filters, PROTOCOL.md section 11) through the real `corevec
//! serve`: `corevec import --range-u32/--range-i32/--range-f32 FIELD:FILE` writes them,
//! `corevec search/list/export/delete --range-* FIELD:LO..=HI` filter on them (checked against a
//! brute-force answer over the values, bounds inclusive, extremes and open bounds included),
//! bad flags and bad value files are usage errors; and the Rust client's `point_labels` and
//! `Filter::with_range` give exact answers through the server, and only in-range points from an
//! HNSW search.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use corevec_client::{ClientError, Filter, SearchOptions};
use corevec_proto::range::{key_f32, key_i32, point_labels};
use corevec_tests::{node, output_text as text};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Rows of the CLI test.
const ROWS: usize = 240;
const DIM: usize = 4;
/// The range fields of the CLI test.
const U_FIELD: u8 = 0;
const I_FIELD: u8 = 1;
const F_FIELD: u8 = 200;

/// Row `i`'s vector: `i` on the first axis, so that the distance to a query `(q, 0.5, -1, 2)`
/// with a fractional `q` orders the rows without ties.
fn row_vector(i: usize) -> [f32; DIM] {
    [i as f32, 0.5, -1.0, 2.0]
}

/// A fixed pseudo-random 64-bit value of `i` (splitmix64).
fn mix(i: usize) -> u64 {
    let mut z = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Row `i`'s u32 value: the extremes and their neighbours on a few rows, none on every tenth
/// row from 3, else spread over the whole range.
fn u_value(i: usize) -> Option<u32> {
    match i {
        0 | 50 => Some(0),
        1 | 51 => Some(u32::MAX),
        2 => Some(1),
        4 => Some(u32::MAX - 1),
        _ if i % 10 == 3 => None,
        _ => Some(mix(i) as u32),
    }
}

/// Row `i`'s i32 value: `i32::MIN`, `i32::MAX`, -1 and 0 on a few rows, none on every tenth row
/// from 5, else spread over the whole range (half negative).
fn i_value(i: usize) -> Option<i32> {
    match i {
        0 => Some(i32::MIN),
        1 => Some(i32::MAX),
        2 => Some(-1),
        3 => Some(0),
        _ if i % 10 == 5 => None,
        _ => Some((mix(i + 1000) >> 32) as u32 as i32),
    }
}

/// Row `i`'s f32 value: the largest finite floats, infinities, both zeros and tiny values on a
/// few rows, none on every tenth row from 7, else two-decimal values in -100..=100.
fn f_value(i: usize) -> Option<f32> {
    match i {
        0 => Some(f32::MIN),
        1 => Some(f32::MAX),
        2 => Some(-0.0),
        3 => Some(0.0),
        4 => Some(f32::NEG_INFINITY),
        5 => Some(f32::INFINITY),
        6 => Some(-1e-30),
        8 => Some(1e-30),
        9 => Some(-1.5),
        10 => Some(2.25),
        _ if i % 10 == 7 => None,
        _ => Some(((mix(i + 2000) % 20_001) as f32 - 10_000.0) / 100.0),
    }
}

/// Row `i`'s own label: `100 + i % 3`.
fn row_label(i: usize) -> u64 {
    100 + (i % 3) as u64
}

/// One line per row: the value, or an empty line.
fn value_lines<T: ToString>(value: impl Fn(usize) -> Option<T>) -> String {
    (0..ROWS)
        .map(|i| value(i).map_or_else(String::new, |v| v.to_string()) + "\n")
        .collect()
}

/// The ids printed by `corevec list` (one per line) or `corevec search` (a header line, then
/// the id first on each line), in order.
fn printed_ids(output: &Output, header: bool) -> Vec<u64> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .skip(usize::from(header))
        .map(|line| {
            let id = line.split('\t').next().unwrap_or("").trim();
            id.parse()
                .unwrap_or_else(|_| panic!("{id:?} is not an id:\n{}", text(output)))
        })
        .collect()
}

/// The rows whose value lies in `lo..=hi` (a bound of `None`: open).
fn rows_in<T: PartialOrd + Copy>(
    value: impl Fn(usize) -> Option<T>,
    lo: Option<T>,
    hi: Option<T>,
) -> BTreeSet<u64> {
    (0..ROWS)
        .filter(|&i| {
            value(i).is_some_and(|v| lo.is_none_or(|lo| lo <= v) && hi.is_none_or(|hi| v <= hi))
        })
        .map(|i| i as u64)
        .collect()
}

/// The `k` rows among `rows` nearest to the query `(q, 0.5, -1, 2)`, nearest first.
fn nearest(rows: &BTreeSet<u64>, q: f32, k: usize) -> Vec<u64> {
    let mut by_distance: Vec<(f32, u64)> =
        rows.iter().map(|&id| ((id as f32 - q).abs(), id)).collect();
    by_distance.sort_by(|a, b| a.partial_cmp(b).expect("finite distances"));
    by_distance.into_iter().take(k).map(|(_, id)| id).collect()
}

#[test]
fn cli_imports_range_fields_and_filters_on_them() {
    let node = node!().start();
    let work = tempfile::tempdir().unwrap();
    let path = |name: &str| work.path().join(name).to_str().unwrap().to_owned();
    let cli = |args: &[&str]| node.cli(args);
    let client = node.client();

    let mut fvecs = Vec::new();
    for i in 0..ROWS {
        fvecs.extend_from_slice(&(DIM as i32).to_le_bytes());
        for x in row_vector(i) {
            fvecs.extend_from_slice(&x.to_le_bytes());
        }
    }
    std::fs::write(path("v.fvecs"), &fvecs).unwrap();
    let labels: String = (0..ROWS).map(|i| format!("{}\n", row_label(i))).collect();
    std::fs::write(path("l.txt"), labels).unwrap();
    std::fs::write(path("u.txt"), value_lines(u_value)).unwrap();
    std::fs::write(path("i.txt"), value_lines(i_value)).unwrap();
    std::fs::write(path("f.txt"), value_lines(f_value)).unwrap();
    let (u_arg, i_arg, f_arg) = (
        format!("{U_FIELD}:{}", path("u.txt")),
        format!("{I_FIELD}:{}", path("i.txt")),
        format!("{F_FIELD}:{}", path("f.txt")),
    );
    let import = |collection: &str, f_arg: &str| {
        cli(&[
            "import",
            "--create",
            collection,
            &path("v.fvecs"),
            "--labels",
            &path("l.txt"),
            "--range-u32",
            &u_arg,
            "--range-i32",
            &i_arg,
            "--range-f32",
            f_arg,
            "--batch",
            "37",
        ])
    };

    // Bad value files: refused before anything is written, naming the file and the line.
    let mut lines: Vec<String> = value_lines(f_value).lines().map(String::from).collect();
    lines[4] = "abc".into();
    std::fs::write(path("bad.txt"), lines.join("\n") + "\n").unwrap();
    let output = import("r", &format!("{F_FIELD}:{}", path("bad.txt")));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains(&format!(
            "{}: line 5: \"abc\" is not an f32",
            path("bad.txt")
        )),
        "{}",
        text(&output)
    );
    lines[4] = f_value(4).unwrap().to_string();
    lines[6] = "NaN".into();
    std::fs::write(path("bad.txt"), lines.join("\n") + "\n").unwrap();
    let output = import("r", &format!("{F_FIELD}:{}", path("bad.txt")));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains(&format!("{}: line 7: ", path("bad.txt")))
            && text(&output).contains("NaN"),
        "{}",
        text(&output)
    );
    lines[6] = String::new();
    std::fs::write(path("bad.txt"), lines[..ROWS - 1].join("\n") + "\n").unwrap();
    let output = import("r", &format!("{F_FIELD}:{}", path("bad.txt")));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains(&format!("{}: ends after 239 lines", path("bad.txt"))),
        "{}",
        text(&output)
    );
    // The same field twice.
    let output = import("r", &format!("{U_FIELD}:{}", path("f.txt")));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("range field 0 is given twice"),
        "{}",
        text(&output)
    );
    assert!(client.list_collections().unwrap().is_empty());

    let output = import("r", &f_arg);
    assert!(output.status.success(), "{}", text(&output));
    // Each point: its own label and 8 labels per range field it has a value in.
    let ids: Vec<u64> = (0..ROWS as u64).collect();
    let points = client.get_points("r", &ids, false, true).unwrap();
    for (i, point) in points.iter().enumerate() {
        let point = point.as_ref().unwrap_or_else(|| panic!("row {i} missing"));
        let mut want = vec![row_label(i)];
        want.extend(u_value(i).map_or(Vec::new(), |v| point_labels(U_FIELD, v).to_vec()));
        want.extend(i_value(i).map_or(Vec::new(), |v| point_labels(I_FIELD, key_i32(v)).to_vec()));
        let f_key = f_value(i).and_then(key_f32);
        want.extend(f_key.map_or(Vec::new(), |k| point_labels(F_FIELD, k).to_vec()));
        want.sort_unstable();
        assert_eq!(point.labels, want, "labels of row {i}");
    }

    // `corevec list --range-*`: exactly the rows in range.
    let list = |flag: &str, value: &str, expected: BTreeSet<u64>| {
        let output = cli(&["list", "r", flag, value, "--page", "50"]);
        assert!(output.status.success(), "{}", text(&output));
        let got = printed_ids(&output, false);
        assert!(got.windows(2).all(|w| w[0] < w[1]), "{got:?}");
        let got: BTreeSet<u64> = got.into_iter().collect();
        assert_eq!(got, expected, "{flag} {value}");
    };
    let u = |lo: Option<u32>, hi: Option<u32>| rows_in(u_value, lo, hi);
    list("--range-u32", "0:..=0", u(None, Some(0)));
    assert_eq!(u(None, Some(0)), BTreeSet::from([0, 50]));
    list("--range-u32", "0:4294967295..", u(Some(u32::MAX), None));
    assert_eq!(u(Some(u32::MAX), None), BTreeSet::from([1, 51]));
    list("--range-u32", "0:0..=4294967295", u(None, None));
    list("--range-u32", "0:..", u(None, None));
    list(
        "--range-u32",
        "0:1..=4294967294",
        u(Some(1), Some(u32::MAX - 1)),
    );
    list("--range-u32", "0:1..=1", BTreeSet::from([2]));
    list(
        "--range-u32",
        "0:1000000000..=3000000000",
        u(Some(1_000_000_000), Some(3_000_000_000)),
    );
    // Bounds that are values of rows: those rows are in (inclusive), their neighbours not.
    let (lo, hi) = (u_value(20).unwrap(), u_value(30).unwrap());
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    let expected = u(Some(lo), Some(hi));
    assert!(expected.contains(&20) && expected.contains(&30));
    list("--range-u32", &format!("0:{lo}..={hi}"), expected);
    list(
        "--range-u32",
        &format!("0:{}..={}", lo + 1, hi - 1),
        u(Some(lo + 1), Some(hi - 1)),
    );

    let i = |lo: Option<i32>, hi: Option<i32>| rows_in(i_value, lo, hi);
    list("--range-i32", "1:..=-1", i(None, Some(-1)));
    list("--range-i32", "1:0..", i(Some(0), None));
    list(
        "--range-i32",
        "1:-2147483648..=-2147483648",
        BTreeSet::from([0]),
    );
    list("--range-i32", "1:2147483647..", BTreeSet::from([1]));
    list("--range-i32", "1:-1..=0", BTreeSet::from([2, 3]));
    list("--range-i32", "1:..", i(None, None));
    let (lo, hi) = (i_value(40).unwrap(), i_value(60).unwrap());
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    let expected = i(Some(lo), Some(hi));
    assert!(expected.contains(&40) && expected.contains(&60));
    list("--range-i32", &format!("1:{lo}..={hi}"), expected);

    let f = |lo: Option<f32>, hi: Option<f32>| rows_in(f_value, lo, hi);
    list("--range-f32", "200:-1.5..=2.25", f(Some(-1.5), Some(2.25)));
    assert!(f(Some(-1.5), Some(2.25)).is_superset(&BTreeSet::from([2, 3, 6, 8, 9, 10])));
    // -0 and 0 are one value; the tiny values on either side are not it.
    let zeros = f(Some(0.0), Some(0.0));
    assert!(zeros.is_superset(&BTreeSet::from([2, 3])) && !zeros.contains(&6));
    list("--range-f32", "200:0..=0", zeros.clone());
    list("--range-f32", "200:-0..=-0", zeros.clone());
    list("--range-f32", "200:-1e-31..=1e-31", zeros);
    list("--range-f32", "200:..=-1e-31", f(None, Some(-1e-31)));
    list("--range-f32", "200:1e-31..", f(Some(1e-31), None));
    list("--range-f32", "200:..", f(None, None));
    list("--range-f32", "200:-inf..=inf", f(None, None));
    list("--range-f32", "200:inf..", BTreeSet::from([5]));
    list(
        "--range-f32",
        "200:..=-3.4028235e38",
        BTreeSet::from([0, 4]),
    );
    list(
        "--range-f32",
        "200:3.4028235e38..=3.4028235e38",
        BTreeSet::from([1]),
    );
    list(
        "--range-f32",
        "200:-50.5..=-0.01",
        f(Some(-50.5), Some(-0.01)),
    );

    // `corevec search --exact` with a range, and with a range and --all-of: the nearest rows
    // in range, in order.
    std::fs::write(path("q.txt"), "[100.3, 0.5, -1, 2]").unwrap();
    let q = path("q.txt");
    let search = |filter: &[&str]| {
        let mut args = vec!["search", "r", "-q", &q, "-k", "12", "--exact"];
        args.extend(filter);
        let output = cli(&args);
        assert!(output.status.success(), "{}", text(&output));
        printed_ids(&output, true)
    };
    let cases: Vec<(&[&str], BTreeSet<u64>)> = vec![
        (
            &["--range-u32", "0:..=2147483647"],
            u(None, Some(i32::MAX as u32)),
        ),
        (&["--range-i32", "1:..=-1"], i(None, Some(-1))),
        (
            &["--range-f32", "200:-20..=35.5"],
            f(Some(-20.0), Some(35.5)),
        ),
    ];
    for (filter, in_range) in cases {
        assert_eq!(search(filter), nearest(&in_range, 100.3, 12), "{filter:?}");
        let with_label: BTreeSet<u64> = in_range
            .iter()
            .copied()
            .filter(|&id| row_label(id as usize) == 101)
            .collect();
        let mut both = filter.to_vec();
        both.extend(["--all-of", "101"]);
        assert_eq!(search(&both), nearest(&with_label, 100.3, 12), "{both:?}");
        let without: BTreeSet<u64> = in_range
            .iter()
            .copied()
            .filter(|&id| row_label(id as usize) != 102)
            .collect();
        let mut both = filter.to_vec();
        both.extend(["--none-of", "102"]);
        assert_eq!(search(&both), nearest(&without, 100.3, 12), "{both:?}");
    }

    // Usage errors (exit 2) with a message, for every command that filters.
    let usage = |args: &[&str], message: &str| {
        let output = cli(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}\n{}", text(&output));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    };
    // Ranges on several fields, two on one field, and --any-of groups combine: all must hold.
    let listed = |args: &[&str]| -> BTreeSet<u64> {
        let output = cli(&[&["list", "r", "--page", "50"], args].concat());
        assert!(output.status.success(), "{args:?}: {}", text(&output));
        printed_ids(&output, false).into_iter().collect()
    };
    let u_mid = u(Some(1_000_000_000), Some(3_000_000_000));
    let i_neg = rows_in(i_value, None, Some(-1));
    let f_mid = rows_in(f_value, Some(-1.5), Some(2.25));
    let both: BTreeSet<u64> = u_mid.intersection(&i_neg).copied().collect();
    assert!(both.len() >= 5 && both.len() < u_mid.len().min(i_neg.len()));
    assert_eq!(
        listed(&[
            "--range-u32",
            "0:1000000000..=3000000000",
            "--range-i32",
            "1:..=-1"
        ]),
        both
    );
    let all_three: BTreeSet<u64> = both.intersection(&f_mid).copied().collect();
    assert_eq!(
        listed(&[
            "--range-f32",
            "200:-1.5..=2.25",
            "--range-u32",
            "0:1000000000..=3000000000",
            "--range-i32",
            "1:..=-1"
        ]),
        all_three
    );
    assert_eq!(
        listed(&[
            "--range-u32",
            "0:1000000000..",
            "--range-u32",
            "0:..=3000000000"
        ]),
        u_mid
    );
    let labelled: BTreeSet<u64> = both
        .iter()
        .copied()
        .filter(|&id| [100, 101].contains(&row_label(id as usize)))
        .collect();
    assert!(!labelled.is_empty() && labelled.len() < both.len());
    assert_eq!(
        listed(&[
            "--range-u32",
            "0:1000000000..=3000000000",
            "--any-of",
            "100,101",
            "--range-i32",
            "1:..=-1"
        ]),
        labelled
    );
    // More than FILTER_GROUPS_MAX groups.
    let nine: Vec<&str> = ["--any-of", "100", "--range-u32", "0:1.."].repeat(5)[2..].to_vec();
    usage(&[&["list", "r"], &nine[..]].concat(), "9 groups");
    for (flag, value, message) in [
        ("--range-u32", "0:1..5", "bounds are inclusive"),
        ("--range-u32", "0-1..=5", "expected FIELD:LO..=HI"),
        ("--range-u32", "256:1..=5", "\"256\" is not a field number"),
        ("--range-u32", "0:-1..=5", "\"-1\" is out of the u32 range"),
        ("--range-i32", "1:x..", "\"x\" is not an i32"),
        ("--range-f32", "200:NaN..=1", "NaN"),
        ("--range-f32", "200:0..=nan", "NaN"),
        ("--range-u32", "0:5..=4", "\"5..=4\" is empty"),
        ("--range-i32", "1:-1..=-2", "is empty"),
        ("--range-f32", "200:0.5..=-0.5", "is empty"),
    ] {
        // clap names the flag and the value.
        let named = format!("invalid value '{value}' for '{flag}");
        usage(&["list", "r", flag, value], &named);
        usage(&["list", "r", flag, value], message);
        usage(&["search", "r", "-q", &q, flag, value], message);
        usage(&["delete", "r", flag, value], message);
    }
    // Ranges with too many other labels for one filter.
    let all_of: Vec<String> = (0..400).map(|l| l.to_string()).collect();
    usage(
        &[
            "list",
            "r",
            "--all-of",
            &all_of.join(","),
            "--range-u32",
            "0:1..=4294967294",
            "--range-u32",
            "0:2..=4294967294",
            "--range-u32",
            "0:3..=4294967294",
        ],
        "exceed the 1024 a filter holds",
    );
    // Ids and a range together.
    usage(&["delete", "r", "3", "--range-u32", "0:1.."], "not both");

    // `corevec delete` with a range counts (and with --yes deletes) the points in range.
    let output = cli(&["delete", "r", "--range-u32", "0:..=0"]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "2 points match; pass --yes to delete them\n"
    );

    // Export with a range: collection.txt shows the range as its flag; labels.txt carries the
    // range labels, so the imported copy answers the same range filters.
    let exported = path("exp");
    let output = cli(&[
        "export",
        "r",
        &exported,
        "--range-i32",
        "1:..=-1",
        "--all-of",
        "100",
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let description = std::fs::read_to_string(Path::new(&exported).join("collection.txt")).unwrap();
    assert!(
        description.contains("filter:           all_of 100 range --range-i32 1:..=-1 none_of -\n"),
        "{description}"
    );
    let negative_100: BTreeSet<u64> = i(None, Some(-1))
        .into_iter()
        .filter(|&id| row_label(id as usize) == 100)
        .collect();
    assert!(description.contains(&format!("points exported:  {}\n", negative_100.len())));
    let exp = |name: &str| Path::new(&exported).join(name).to_str().unwrap().to_owned();
    let output = cli(&[
        "import",
        "--create",
        "copy",
        &exp("vectors.fvecs"),
        "--ids",
        &exp("ids.txt"),
        "--labels",
        &exp("labels.txt"),
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let output = cli(&["list", "copy", "--range-i32", "1:..=-1"]);
    assert!(output.status.success(), "{}", text(&output));
    let copied: BTreeSet<u64> = printed_ids(&output, false).into_iter().collect();
    assert_eq!(copied, negative_100);
    let output = cli(&["list", "copy", "--range-f32", "200:-1.5..=2.25"]);
    let copied: BTreeSet<u64> = printed_ids(&output, false).into_iter().collect();
    let want: BTreeSet<u64> = f(Some(-1.5), Some(2.25))
        .intersection(&negative_100)
        .copied()
        .collect();
    assert_eq!(copied, want);
    // Re-importing the export's labels with the same values is accepted (the same labels); a
    // different value for a field the labels already hold is refused, naming the line.
    let mut values: Vec<String> = numbers_in(&exp("ids.txt"))
        .iter()
        .map(|id| i_value(*id as usize).unwrap().to_string())
        .collect();
    std::fs::write(path("same.txt"), values.join("\n") + "\n").unwrap();
    let same_arg = format!("{I_FIELD}:{}", path("same.txt"));
    let reimport = |values: &str| {
        cli(&[
            "import",
            "copy",
            &exp("vectors.fvecs"),
            "--ids",
            &exp("ids.txt"),
            "--labels",
            &exp("labels.txt"),
            "--range-i32",
            values,
        ])
    };
    let output = reimport(&same_arg);
    assert!(output.status.success(), "{}", text(&output));
    assert_ne!(values[0], "-5");
    values[0] = "-5".into();
    std::fs::write(path("other.txt"), values.join("\n") + "\n").unwrap();
    let output = reimport(&format!("{I_FIELD}:{}", path("other.txt")));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("line 1: holds range labels of field 1"),
        "{}",
        text(&output)
    );
}

/// The numbers of a file with one per line.
fn numbers_in(path: &str) -> Vec<u64> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect()
}

/// The f32 field and the i32 field of the client test.
const PRICE: u8 = 5;
const DELTA: u8 = 6;

#[test]
fn client_range_filters_through_the_server_exact_and_hnsw() {
    const POINTS: usize = 3000;
    const DIM: usize = 8;
    let node = node!().start();
    let client = node.client();
    corevec_tests::create_l2(&client, "p", DIM, 0);
    let mut rng = StdRng::seed_from_u64(0x5eed_0001);
    let vectors: Vec<f32> = (0..POINTS * DIM)
        .map(|_| rng.gen_range(-1.0..1.0))
        .collect();
    // A price in 0..100 (~10% in 10..=20), a delta in -500..500 (none on every 11th point),
    // and label 1 on even ids.
    let prices: Vec<f32> = (0..POINTS)
        .map(|_| f32::from(rng.gen_range(0u16..10_000)) / 100.0)
        .collect();
    let deltas: Vec<Option<i32>> = (0..POINTS)
        .map(|i| (i % 11 != 0).then(|| rng.gen_range(-500..500)))
        .collect();
    let labels: Vec<Vec<u64>> = (0..POINTS)
        .map(|i| {
            let mut labels = point_labels(PRICE, key_f32(prices[i]).unwrap()).to_vec();
            if let Some(delta) = deltas[i] {
                labels.extend(point_labels(DELTA, key_i32(delta)));
            }
            if i % 2 == 0 {
                labels.push(1);
            }
            labels
        })
        .collect();
    let ids: Vec<u64> = (0..POINTS as u64).collect();
    for chunk in (0..POINTS).collect::<Vec<_>>().chunks(500) {
        let (a, b) = (chunk[0], chunk[chunk.len() - 1] + 1);
        let lists: Vec<&[u64]> = labels[a..b].iter().map(Vec::as_slice).collect();
        let ack = client
            .upsert_points(
                "p",
                &ids[a..b],
                &vectors[a * DIM..b * DIM],
                None,
                Some(&lists),
            )
            .unwrap();
        assert_eq!(ack.count as usize, b - a);
    }
    let price_key = |p: f32| key_f32(p).unwrap();
    let in_price = |i: usize, lo: f32, hi: f32| (lo..=hi).contains(&prices[i]);
    let in_delta = |i: usize, lo: i32, hi: i32| deltas[i].is_some_and(|d| (lo..=hi).contains(&d));
    type Case<'a> = (Filter, Box<dyn Fn(usize) -> bool + 'a>);
    let cases: Vec<Case<'_>> = vec![
        (
            Filter::default()
                .with_range(PRICE, price_key(10.0), price_key(20.0))
                .unwrap(),
            Box::new(|i| in_price(i, 10.0, 20.0)),
        ),
        (
            Filter {
                all_of: vec![1],
                ..Filter::default()
            }
            .with_range(PRICE, price_key(42.5), price_key(61.25))
            .unwrap(),
            Box::new(|i| i % 2 == 0 && in_price(i, 42.5, 61.25)),
        ),
        (
            Filter {
                none_of: vec![1],
                ..Filter::default()
            }
            .with_range(DELTA, key_i32(-450), key_i32(-350))
            .unwrap(),
            Box::new(|i| i % 2 == 1 && in_delta(i, -450, -350)),
        ),
        (
            Filter::default()
                .with_range(DELTA, key_i32(i32::MIN), key_i32(-1))
                .unwrap(),
            Box::new(|i| in_delta(i, i32::MIN, -1)),
        ),
        // Two ranges (two any_of groups): both must hold.
        (
            Filter::default()
                .with_range(PRICE, price_key(10.0), price_key(60.0))
                .and_then(|f| f.with_range(DELTA, key_i32(-200), key_i32(200)))
                .unwrap(),
            Box::new(|i| in_price(i, 10.0, 60.0) && in_delta(i, -200, 200)),
        ),
        // A group of labels and two ranges, one of them two bounds on the same field.
        (
            Filter {
                any_of: vec![vec![1, 77]],
                ..Filter::default()
            }
            .with_range(PRICE, price_key(30.0), price_key(90.0))
            .and_then(|f| f.with_range(PRICE, price_key(5.0), price_key(70.0)))
            .and_then(|f| f.with_range(DELTA, key_i32(-500), key_i32(0)))
            .unwrap(),
            Box::new(|i| i % 2 == 0 && in_price(i, 30.0, 70.0) && in_delta(i, -500, 0)),
        ),
    ];
    let distance = |i: usize, query: &[f32]| -> f32 {
        vectors[i * DIM..(i + 1) * DIM]
            .iter()
            .zip(query)
            .map(|(a, b)| (a - b) * (a - b))
            .sum()
    };
    let k = 10;
    for (filter, matches) in &cases {
        let in_range: Vec<usize> = (0..POINTS).filter(|&i| matches(i)).collect();
        assert!(in_range.len() >= 5 * k, "{} in range", in_range.len());
        // The filter matches exactly the points' labels in range.
        for (i, labels) in labels.iter().enumerate() {
            assert_eq!(filter.matches(labels), matches(i), "point {i}");
        }
        for _ in 0..5 {
            let query: Vec<f32> = (0..DIM).map(|_| rng.gen_range(-1.0..1.0)).collect();
            let mut truth: Vec<(f32, u64)> = in_range
                .iter()
                .map(|&i| (distance(i, &query), i as u64))
                .collect();
            truth.sort_by(|a, b| a.partial_cmp(b).unwrap());
            let options = |exact| SearchOptions {
                exact,
                expansion_search: 200,
                filter: Some(filter),
                ..SearchOptions::default()
            };
            let exact = client.search("p", &query, k as u32, options(true)).unwrap();
            let got: Vec<u64> = exact.hits.iter().map(|h| h.id).collect();
            let want: Vec<u64> = truth.iter().take(k).map(|&(_, id)| id).collect();
            assert_eq!(got, want, "exact, {filter:?}");
            // HNSW: every hit is in range, a full page of them.
            let k_hnsw = 30;
            let hnsw = client.search("p", &query, k_hnsw, options(false)).unwrap();
            assert_eq!(hnsw.hits.len(), k_hnsw as usize);
            for hit in &hnsw.hits {
                assert!(matches(hit.id as usize), "HNSW hit {} out of range", hit.id);
            }
        }
    }
    // The client refuses an empty range, and a range past FILTER_GROUPS_MAX groups.
    let err = Filter::default()
        .with_range(PRICE, price_key(2.0), price_key(1.0))
        .unwrap_err();
    assert!(matches!(err, ClientError::InvalidRequest(_)), "{err:?}");
    let err = Filter {
        any_of: vec![vec![1]; corevec_proto::FILTER_GROUPS_MAX as usize],
        ..Filter::default()
    }
    .with_range(PRICE, 0, u32::MAX)
    .unwrap_err();
    assert!(matches!(err, ClientError::InvalidRequest(_)), "{err:?}");
}
