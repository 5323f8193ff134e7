//! `corevec export` and `corevec list`: page through a collection's points with SCROLL
//! (ascending id order, optionally filtered on labels).
//!
//! `export` writes the points as open-format files that `corevec import` reads back
//! (`vectors.fvecs`, `ids.txt`, `payloads.txt`, `labels.txt`) plus a human-readable
//! `collection.txt` with the commands that recreate the collection; that is the supported way
//! to move a collection to another shard count, node, metric or HNSW setting, and to back up its
//! contents. The files are written as `*.tmp` and renamed at the end, so a failed export leaves
//! nothing under the final names. `list` prints one line per point (id, and optionally labels
//! and payload) for audits and pipes.
//!
//! Neither is a point-in-time snapshot: SCROLL keeps no cursor, so a point written or deleted
//! during the export may or may not be in it; every point that exists for the whole export (and
//! keeps its id) is in it exactly once.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Args;
use corevec_client::{Client, Filter, Point, ScrollOptions};
use corevec_proto::{CollectionInfo, SCROLL_LIMIT_MAX};

use crate::cmd::client::{metric_name, payload_text, ClientArgs, FilterArgs, RangeArg};
use crate::{Context, Failure};

/// The vectors, TEXMEX `.fvecs`, in ascending id order.
pub const VECTORS_FILE: &str = "vectors.fvecs";
/// Line `i`: the decimal id of row `i`.
pub const IDS_FILE: &str = "ids.txt";
/// Line `i`: the payload of row `i`, raw bytes (empty: none).
pub const PAYLOADS_FILE: &str = "payloads.txt";
/// Line `i`: the labels of row `i`, comma-separated (empty: none).
pub const LABELS_FILE: &str = "labels.txt";
/// The collection's settings and the commands that recreate it.
pub const COLLECTION_FILE: &str = "collection.txt";

/// Every file an export may write (an export refuses to overwrite any of them without
/// `--force`).
const EXPORT_FILES: [&str; 5] = [
    VECTORS_FILE,
    IDS_FILE,
    PAYLOADS_FILE,
    LABELS_FILE,
    COLLECTION_FILE,
];

const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Points per SCROLL request: 1..=`SCROLL_LIMIT_MAX`.
pub(crate) fn parse_page(text: &str) -> Result<u32, String> {
    let page: u32 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if (1..=SCROLL_LIMIT_MAX).contains(&page) {
        Ok(page)
    } else {
        Err(format!("must be 1..={SCROLL_LIMIT_MAX}"))
    }
}

/// `corevec export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
    /// Collection to export.
    pub collection: String,
    /// Directory to write the files into (created if missing).
    pub dir: PathBuf,
    /// Label filter: export only the matching points.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Do not export payloads (no payloads.txt).
    #[arg(long)]
    pub no_payloads: bool,
    /// Do not export labels (no labels.txt).
    #[arg(long)]
    pub no_labels: bool,
    /// Points per SCROLL request (1..=4096). Larger pages mean fewer round trips; the server
    /// cuts a page short when it would not fit one frame.
    #[arg(long, default_value = "4096", value_parser = parse_page, value_name = "N")]
    pub page: u32,
    /// Overwrite the files of an earlier export in DIR (and remove its payloads.txt or
    /// labels.txt if this export does not write them).
    #[arg(long)]
    pub force: bool,
}

/// Why a payload cannot be one line of `payloads.txt`, or `Ok`: `corevec import --payloads`
/// reads a line up to `\n` and strips a `\r` before it.
///
/// # Errors
/// A payload that contains `\n`, or ends with `\r`.
pub fn check_payload_line(payload: &[u8]) -> Result<(), &'static str> {
    if payload.contains(&b'\n') {
        Err("contains a line break (\\n)")
    } else if payload.last() == Some(&b'\r') {
        Err("ends with a carriage return (\\r), which import strips")
    } else {
        Ok(())
    }
}

/// One output file, written as `NAME.tmp` and renamed to `NAME` at the end.
struct Part {
    path: PathBuf,
    tmp: PathBuf,
    out: Option<BufWriter<File>>,
}

impl Part {
    fn create(dir: &Path, name: &str) -> Result<Part, Failure> {
        let path = dir.join(name);
        let tmp = dir.join(format!("{name}.tmp"));
        let file = File::create(&tmp).context(format!("creating {}", tmp.display()))?;
        Ok(Part {
            path,
            tmp,
            out: Some(BufWriter::with_capacity(1 << 20, file)),
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        match &mut self.out {
            Some(out) => out
                .write_all(bytes)
                .context(format!("writing {}", self.tmp.display())),
            None => Err(Failure::runtime(format!(
                "{} is already closed",
                self.tmp.display()
            ))),
        }
    }

    /// Flushes and syncs the tmp file (the rename comes later, for all parts together).
    fn close(&mut self) -> Result<(), Failure> {
        if let Some(out) = self.out.take() {
            let file = out.into_inner().map_err(|e| {
                Failure::runtime(format!("writing {}: {}", self.tmp.display(), e.error()))
            })?;
            file.sync_all()
                .context(format!("syncing {}", self.tmp.display()))?;
        }
        Ok(())
    }
}

/// The files of one export. Dropped before [`ExportFiles::commit`] (an error on the way), it
/// removes its tmp files, so nothing half-written stays behind.
struct ExportFiles {
    dir: PathBuf,
    vectors: Part,
    ids: Part,
    payloads: Option<Part>,
    labels: Option<Part>,
    committed: bool,
    /// Reused for one vector record.
    record: Vec<u8>,
}

impl ExportFiles {
    fn create(dir: &Path, payloads: bool, labels: bool) -> Result<ExportFiles, Failure> {
        let mut files = ExportFiles {
            dir: dir.to_path_buf(),
            vectors: Part::create(dir, VECTORS_FILE)?,
            ids: Part::create(dir, IDS_FILE)?,
            payloads: None,
            labels: None,
            committed: false,
            record: Vec::new(),
        };
        // Assigned one by one so that a failure removes what was already created (Drop).
        if payloads {
            files.payloads = Some(Part::create(dir, PAYLOADS_FILE)?);
        }
        if labels {
            files.labels = Some(Part::create(dir, LABELS_FILE)?);
        }
        Ok(files)
    }

    fn parts(&mut self) -> impl Iterator<Item = &mut Part> {
        [&mut self.vectors, &mut self.ids]
            .into_iter()
            .chain(self.payloads.as_mut())
            .chain(self.labels.as_mut())
    }

    /// Appends one point as the next row of every file.
    fn push(&mut self, id: u64, point: &Point, dim: u32) -> Result<(), Failure> {
        if point.vector.len() != dim as usize {
            return Err(Failure::runtime(format!(
                "point {id}: the server sent a vector of {} dimensions; the collection has {dim}",
                point.vector.len()
            )));
        }
        if self.payloads.is_some() {
            check_payload_line(&point.payload).map_err(|why| {
                Failure::runtime(format!(
                    "cannot export point {id}: its payload {why}, and {PAYLOADS_FILE} holds one \
                     payload per line; export with --no-payloads (or a filter that leaves the \
                     point out), and read such payloads with a client library's scroll"
                ))
            })?;
        }
        let dim_field = i32::try_from(dim)
            .map_err(|_| Failure::runtime(format!("dimension {dim} does not fit .fvecs")))?;
        self.record.clear();
        self.record.extend_from_slice(&dim_field.to_le_bytes());
        for x in &point.vector {
            self.record.extend_from_slice(&x.to_le_bytes());
        }
        self.vectors.write(&self.record)?;
        self.ids.write(format!("{id}\n").as_bytes())?;
        if let Some(part) = &mut self.payloads {
            part.write(&point.payload)?;
            part.write(b"\n")?;
        }
        if let Some(part) = &mut self.labels {
            part.write(join_labels(&point.labels).as_bytes())?;
            part.write(b"\n")?;
        }
        Ok(())
    }

    /// Writes `collection.txt`, syncs everything, renames every tmp file to its final name
    /// and, with `remove_stale`, removes a `payloads.txt`/`labels.txt` this export did not write.
    fn commit(mut self, description: &str, remove_stale: bool) -> Result<(), Failure> {
        let mut collection = Part::create(&self.dir, COLLECTION_FILE)?;
        let collection_tmp = collection.tmp.clone();
        let written = collection
            .write(description.as_bytes())
            .and_then(|()| collection.close());
        if let Err(e) = written {
            let _ = std::fs::remove_file(&collection_tmp);
            return Err(e);
        }
        let mut parts: Vec<&mut Part> = self.parts().collect();
        for part in &mut parts {
            if let Err(e) = part.close() {
                let _ = std::fs::remove_file(&collection_tmp);
                return Err(e);
            }
        }
        parts.push(&mut collection);
        for part in &parts {
            let renamed = std::fs::rename(&part.tmp, &part.path).context(format!(
                "renaming {} to {}",
                part.tmp.display(),
                part.path.display()
            ));
            if renamed.is_err() {
                // Drop removes the other parts' tmp files, not this one's.
                let _ = std::fs::remove_file(&collection_tmp);
                return renamed;
            }
        }
        self.committed = true;
        if remove_stale {
            let stale = [
                (self.payloads.is_none(), PAYLOADS_FILE),
                (self.labels.is_none(), LABELS_FILE),
            ];
            for (absent, name) in stale {
                let path = self.dir.join(name);
                if absent && path.exists() {
                    std::fs::remove_file(&path)
                        .context(format!("removing the stale {}", path.display()))?;
                }
            }
        }
        // Make the renames durable (best effort: not every file system lets a directory be
        // synced).
        if let Ok(dir) = File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

impl Drop for ExportFiles {
    fn drop(&mut self) {
        if !self.committed {
            for part in self.parts() {
                drop(part.out.take());
                let _ = std::fs::remove_file(&part.tmp);
            }
        }
    }
}

fn join_labels(labels: &[u64]) -> String {
    let labels: Vec<String> = labels.iter().map(u64::to_string).collect();
    labels.join(",")
}

/// A word for a POSIX shell: as is when it is made of safe characters, else single-quoted.
fn shell_word(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// The content of `collection.txt`. The filter's last `any_of` groups are the covers of
/// `ranges` (as [`FilterArgs::filter`] builds it), shown as their flags instead of lists of
/// labels.
fn describe_export(
    info: &CollectionInfo,
    dir: &Path,
    count: u64,
    filter: Option<&Filter>,
    ranges: &[&RangeArg],
    payloads: bool,
    labels: bool,
) -> String {
    let file = |name: &str| shell_word(&dir.join(name).to_string_lossy());
    let mut files = vec![VECTORS_FILE, IDS_FILE];
    let mut import = format!(
        "corevec import {} {} --ids {}",
        info.name,
        file(VECTORS_FILE),
        file(IDS_FILE)
    );
    if payloads {
        files.push(PAYLOADS_FILE);
        import.push_str(&format!(" --payloads {}", file(PAYLOADS_FILE)));
    }
    if labels {
        files.push(LABELS_FILE);
        import.push_str(&format!(" --labels {}", file(LABELS_FILE)));
    }
    let mut create = format!(
        "corevec collection create {} --dim {} --metric {} --shards {} --m {} --ef-construction {}",
        info.name,
        info.dim,
        metric_name(info.metric),
        info.shards,
        info.connectivity,
        info.expansion_add
    );
    if info.read_replicas {
        create.push_str(" --read-replicas");
    }
    let mut text = format!(
        "# corevec export of collection {}\n\
         name:             {}\n\
         dim:              {}\n\
         metric:           {}\n\
         shards:           {}\n\
         m:                {}\n\
         ef_construction:  {}\n\
         points exported:  {count}\n",
        info.name,
        info.name,
        info.dim,
        metric_name(info.metric),
        info.shards,
        info.connectivity,
        info.expansion_add
    );
    if let Some(filter) = filter {
        let list = |labels: &[u64]| {
            if labels.is_empty() {
                "-".to_owned()
            } else {
                join_labels(labels)
            }
        };
        let listed = filter.any_of.len().saturating_sub(ranges.len());
        let mut groups: Vec<String> = filter.any_of[..listed]
            .iter()
            .map(|group| format!("any_of {}", list(group)))
            .chain(
                ranges
                    .iter()
                    .map(|range| format!("range {}", range.describe())),
            )
            .collect();
        if groups.is_empty() {
            groups.push("any_of -".into());
        }
        let any_of = groups.join(" ");
        text.push_str(&format!(
            "filter:           all_of {} {any_of} none_of {}\n",
            list(&filter.all_of),
            list(&filter.none_of)
        ));
    }
    text.push_str(&format!("files:            {}\n", files.join(" ")));
    text.push_str(
        "\n# To recreate it (add --addr HOST:PORT for another node; change --shards, --metric, --m\n\
         # or --ef-construction in the first command to move it to other settings):\n",
    );
    text.push_str(&create);
    text.push('\n');
    if count == 0 {
        text.push_str("# nothing to import: the export holds no points\n");
    } else {
        text.push_str(&import);
        text.push('\n');
    }
    text
}

fn progress(text: &str) {
    let mut stderr = std::io::stderr();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// Runs `corevec export`.
///
/// # Errors
/// Files of an earlier export in DIR without `--force` (exit 2); connection, server or I/O
/// errors, or a payload that cannot be one line of `payloads.txt` (exit 1). Nothing is left
/// under the final names on an error.
pub fn export(args: &ExportArgs) -> Result<(), Failure> {
    let dir = &args.dir;
    if !args.force {
        let existing: Vec<&str> = EXPORT_FILES
            .iter()
            .copied()
            .filter(|name| dir.join(name).symlink_metadata().is_ok())
            .collect();
        if !existing.is_empty() {
            return Err(Failure::usage(format!(
                "{}: {} already there; pass --force to overwrite",
                dir.display(),
                existing.join(", ")
            )));
        }
    }
    let filter = args.filter.filter()?;
    let client = args.client.connect()?;
    let info = client
        .describe_collection(&args.collection)
        .context(format!("describing {}", args.collection))?;
    let with_payloads = !args.no_payloads && client.supports_payloads().context("HELLO")?;
    let with_labels = !args.no_labels && client.supports_labels().context("HELLO")?;
    std::fs::create_dir_all(dir).context(format!("creating {}", dir.display()))?;
    let mut files = ExportFiles::create(dir, with_payloads, with_labels)?;
    let options = ScrollOptions {
        with_vectors: true,
        with_payloads,
        with_labels,
        filter: filter.as_ref(),
    };
    let reading = format!("reading {}", args.collection);
    let started = Instant::now();
    let mut last_progress = Instant::now();
    let mut count = 0u64;
    let mut last_id: Option<u64> = None;
    for point in client.scroll_all(&args.collection, args.page, options) {
        let (id, point) = point.context(&reading)?;
        if last_id.is_some_and(|last| id <= last) {
            return Err(Failure::runtime(format!(
                "{reading}: the server sent id {id} after {}; ids must ascend",
                last_id.unwrap_or_default()
            )));
        }
        last_id = Some(id);
        files.push(id, &point, info.dim)?;
        count += 1;
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            let rate = count as f64 / started.elapsed().as_secs_f64().max(1e-3);
            progress(&format!("\rexported {count} points ({rate:.0}/s)"));
        }
    }
    // The commands in collection.txt name the files by absolute path when it is known.
    let shown_dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone());
    let description = describe_export(
        &info,
        &shown_dir,
        count,
        filter.as_ref(),
        &args.filter.ranges().collect::<Vec<_>>(),
        with_payloads,
        with_labels,
    );
    files.commit(&description, args.force)?;
    let secs = started.elapsed().as_secs_f64().max(1e-3);
    crate::print_stderr(&format!(
        "\rexported {count} points in {secs:.1} s ({:.0}/s)",
        count as f64 / secs
    ));
    println!(
        "exported {count} points of {} to {}",
        args.collection,
        dir.display()
    );
    Ok(())
}

/// `corevec list`.
#[derive(Debug, Args)]
pub struct ListPointsArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
    /// Collection to list.
    pub collection: String,
    /// Also print each point's labels (comma-separated), after a tab.
    #[arg(long)]
    pub with_labels: bool,
    /// Also print each point's payload (UTF-8 text as is, other bytes as `hex:...`), after a
    /// tab.
    #[arg(long)]
    pub with_payloads: bool,
    /// Smallest id to list.
    #[arg(long, default_value_t = 0, value_name = "ID")]
    pub start: u64,
    /// List at most this many points (default: all).
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Label filter: list only the matching points.
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Points per SCROLL request (1..=4096). Larger pages mean fewer round trips; the server
    /// cuts a page short when it would not fit one frame.
    #[arg(long, default_value = "4096", value_parser = parse_page, value_name = "N")]
    pub page: u32,
}

/// One line of `corevec list`: the id, then the labels and the payload when asked for.
fn list_line(id: u64, point: &Point, with_labels: bool, with_payloads: bool) -> String {
    let mut line = id.to_string();
    if with_labels {
        line.push('\t');
        line.push_str(&join_labels(&point.labels));
    }
    if with_payloads {
        line.push('\t');
        line.push_str(&payload_text(&point.payload));
    }
    line.push('\n');
    line
}

/// Runs `corevec list`: one line per point in ascending id order (see `list_line`). Stops
/// quietly when stdout is closed (`corevec list ... | head`).
///
/// # Errors
/// Connection or server errors, or asking for payloads or labels (or filtering) on a server
/// without them (exit 1).
pub fn list(args: &ListPointsArgs) -> Result<(), Failure> {
    let filter = args.filter.filter()?;
    let client = args.client.connect()?;
    let options = ScrollOptions {
        with_vectors: false,
        with_payloads: args.with_payloads,
        with_labels: args.with_labels,
        filter: filter.as_ref(),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    match list_points(&client, args, options, &mut out) {
        Err(Listing::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(Listing::Output(e)) => Err(Failure::runtime(format!("writing to stdout: {e}"))),
        Err(Listing::Failed(failure)) => {
            let _ = out.flush();
            Err(failure)
        }
        Ok(()) => match out.flush() {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(Failure::runtime(format!("writing to stdout: {e}")))
            }
            _ => Ok(()),
        },
    }
}

/// How listing can end early.
enum Listing {
    /// Writing to stdout failed.
    Output(std::io::Error),
    /// The server or the connection failed.
    Failed(Failure),
}

fn list_points(
    client: &Client,
    args: &ListPointsArgs,
    options: ScrollOptions<'_>,
    out: &mut impl Write,
) -> Result<(), Listing> {
    let mut next = Some(args.start);
    let mut left = args.limit.unwrap_or(u64::MAX);
    while let Some(start) = next {
        if left == 0 {
            break;
        }
        let limit = u32::try_from(left).map_or(args.page, |left| left.min(args.page));
        let page = client
            .scroll(&args.collection, start, limit, options)
            .context(format!("listing {}", args.collection))
            .map_err(Listing::Failed)?;
        for (id, point) in &page.points {
            let line = list_line(*id, point, args.with_labels, args.with_payloads);
            out.write_all(line.as_bytes()).map_err(Listing::Output)?;
        }
        left = left.saturating_sub(page.points.len() as u64);
        next = page.next;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::client::RangeType;
    use corevec_proto::Metric;

    #[test]
    fn payloads_that_are_not_one_line_are_refused() {
        assert_eq!(check_payload_line(b""), Ok(()));
        assert_eq!(check_payload_line(b"{\"a\":1}"), Ok(()));
        assert_eq!(check_payload_line(b"tab\there"), Ok(()));
        assert_eq!(check_payload_line(b"cr\rinside"), Ok(()));
        assert_eq!(check_payload_line(&[0xff, 0x00, 0x01]), Ok(()));
        assert!(check_payload_line(b"a\nb").unwrap_err().contains("\\n"));
        assert!(check_payload_line(b"\n").unwrap_err().contains("\\n"));
        assert!(check_payload_line(b"end\r").unwrap_err().contains("\\r"));
        assert!(check_payload_line(b"\r").unwrap_err().contains("\\r"));
    }

    #[test]
    fn page_sizes_are_bounded() {
        assert_eq!(parse_page("1"), Ok(1));
        assert_eq!(parse_page("4096"), Ok(SCROLL_LIMIT_MAX));
        assert!(parse_page("0").is_err());
        assert!(parse_page("4097").is_err());
        assert!(parse_page("x").is_err());
    }

    #[test]
    fn list_lines_follow_the_options() {
        let point = Point {
            vector: Vec::new(),
            payload: b"a\tb".to_vec(),
            labels: vec![3, 7],
        };
        assert_eq!(list_line(5, &point, false, false), "5\n");
        assert_eq!(list_line(5, &point, true, false), "5\t3,7\n");
        assert_eq!(list_line(5, &point, true, true), "5\t3,7\thex:610962\n");
        let bare = Point {
            vector: Vec::new(),
            payload: Vec::new(),
            labels: Vec::new(),
        };
        assert_eq!(list_line(9, &bare, true, true), "9\t\t\n");
    }

    #[test]
    fn shell_words_are_quoted_when_needed() {
        assert_eq!(shell_word("/tmp/exp-1/ids.txt"), "/tmp/exp-1/ids.txt");
        assert_eq!(shell_word("/tmp/my dir/x"), "'/tmp/my dir/x'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn collection_txt_holds_the_settings_and_the_two_commands() {
        let info = CollectionInfo {
            name: "docs".into(),
            dim: 4,
            metric: Metric::Cosine,
            shards: 3,
            connectivity: 16,
            expansion_add: 128,
            read_replicas: false,
            vectors_count: 10,
            bytes: 0,
            shard_infos: Vec::new(),
        };
        let text = describe_export(&info, Path::new("/x/exp"), 10, None, &[], true, false);
        assert!(text.contains("points exported:  10\n"), "{text}");
        assert!(text.contains(
            "\ncorevec collection create docs --dim 4 --metric cosine --shards 3 --m 16 \
             --ef-construction 128\n"
        ));
        assert!(text.contains(
            "\ncorevec import docs /x/exp/vectors.fvecs --ids /x/exp/ids.txt \
             --payloads /x/exp/payloads.txt\n"
        ));
        let replicated = CollectionInfo {
            read_replicas: true,
            ..info.clone()
        };
        let text = describe_export(&replicated, Path::new("/x/exp"), 10, None, &[], true, false);
        assert!(
            text.contains("--ef-construction 128 --read-replicas\n"),
            "{text}"
        );
        assert!(!text.contains("filter"));
        let filter = Filter {
            all_of: vec![1, 2],
            ..Filter::default()
        };
        let text = describe_export(&info, Path::new("/x"), 0, Some(&filter), &[], false, false);
        assert!(text.contains("filter:           all_of 1,2 any_of - none_of -\n"));
        assert!(text.contains("nothing to import"));
        assert!(!text.contains("corevec import"));
        // A range is shown as its flag, not as the labels of its cover.
        let range = RangeArg::parse(RangeType::F32, "4:-2.5..=1e3").unwrap();
        let filter = Filter {
            none_of: vec![9],
            ..Filter::default()
        }
        .with_range(range.field, range.lo, range.hi)
        .unwrap();
        let text = describe_export(
            &info,
            Path::new("/x"),
            3,
            Some(&filter),
            &[&range],
            false,
            true,
        );
        assert!(
            text.contains("filter:           all_of - range --range-f32 4:-2.5..=1e3 none_of 9\n"),
            "{text}"
        );
        // Groups of --any-of first, then the ranges.
        let year = RangeArg::parse(RangeType::I32, "5:2020..=2024").unwrap();
        let filter = Filter {
            any_of: vec![vec![1, 2], vec![3]],
            ..Filter::default()
        }
        .with_range(range.field, range.lo, range.hi)
        .and_then(|f| f.with_range(year.field, year.lo, year.hi))
        .unwrap();
        let text = describe_export(
            &info,
            Path::new("/x"),
            3,
            Some(&filter),
            &[&range, &year],
            false,
            false,
        );
        assert!(
            text.contains(
                "filter:           all_of - any_of 1,2 any_of 3 range --range-f32 4:-2.5..=1e3 \
                 range --range-i32 5:2020..=2024 none_of -\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_failed_export_leaves_no_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut files = ExportFiles::create(dir.path(), true, true).unwrap();
        let good = Point {
            vector: vec![1.0, 2.0],
            payload: b"ok".to_vec(),
            labels: vec![1],
        };
        files.push(3, &good, 2).unwrap();
        let bad = Point {
            payload: b"two\nlines".to_vec(),
            ..good.clone()
        };
        let error = files.push(4, &bad, 2).unwrap_err();
        assert!(error.message.contains("point 4"), "{}", error.message);
        drop(files);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

        let mut files = ExportFiles::create(dir.path(), true, false).unwrap();
        files.push(3, &good, 2).unwrap();
        files.commit("text\n", false).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [COLLECTION_FILE, IDS_FILE, PAYLOADS_FILE, VECTORS_FILE]
        );
        let vectors = std::fs::read(dir.path().join(VECTORS_FILE)).unwrap();
        let mut expected = 2i32.to_le_bytes().to_vec();
        expected.extend_from_slice(&1f32.to_le_bytes());
        expected.extend_from_slice(&2f32.to_le_bytes());
        assert_eq!(vectors, expected);
        assert_eq!(std::fs::read(dir.path().join(IDS_FILE)).unwrap(), b"3\n");
        assert_eq!(
            std::fs::read(dir.path().join(PAYLOADS_FILE)).unwrap(),
            b"ok\n"
        );
    }
}
