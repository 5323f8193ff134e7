//! `corevec import`: stream vectors from an `.fvecs` or `.npy` file into a collection, with
//! payloads from a text file when given (`--payloads`: line `i` is row `i`'s payload), and
//! labels likewise (`--labels`: line `i` holds row `i`'s labels). Range fields
//! (`--range-u32/--range-i32/--range-f32 FIELD:FILE`: line `i` is row `i`'s number) add the
//! range labels of each value (PROTOCOL.md section 11) to the row's labels.
//!
//! Batches are pipelined (a few UPSERTs in flight on one connection); ids are consecutive from
//! `--start-id`, row `i` of the file getting id `start_id + i`, unless `--ids FILE` gives them
//! (line `i` is row `i`'s id, as `corevec export` writes them). A progress line goes to stderr.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use corevec_client::Ticket;
use corevec_engine::collection::COMPONENT_ABS_MAX;
use corevec_proto::range::{field_of, point_labels};
use corevec_proto::{
    CreateCollection, ErrorCode, IdsRef, LabelsRef, Metric, PayloadsRef, Request, Upsert,
    VectorsRef, LABELS_PER_POINT_MAX, PAYLOAD_BYTES_MAX,
};

use crate::cmd::client::{ClientArgs, RangeType};
use crate::{Context, Failure};

/// UPSERT batches in flight at once.
const BATCHES_IN_FLIGHT: usize = 4;
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// File format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// From the file extension.
    Auto,
    /// TEXMEX `.fvecs`: per vector, `dim: i32` then `dim` f32, little-endian.
    Fvecs,
    /// NumPy `.npy`: a C-order 2-D array of `<f4` (or `<f8`, converted).
    Npy,
}

/// `corevec import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Server connection.
    #[command(flatten)]
    pub client: ClientArgs,
    /// Target collection.
    pub collection: String,
    /// Input file.
    pub file: PathBuf,
    /// Input format.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    pub format: Format,
    /// Vectors per UPSERT.
    #[arg(long, default_value_t = 1000)]
    pub batch: usize,
    /// Id of the first vector; the others follow consecutively.
    #[arg(long, default_value_t = 0)]
    pub start_id: u64,
    /// Text file of ids, one decimal unsigned 64-bit integer per line: line `i` is the id of
    /// row `i` of the vector file (instead of consecutive ids from `--start-id`), e.g. the
    /// `ids.txt` of `corevec export`. An id given twice is upserted twice: the last row wins.
    #[arg(long, value_name = "FILE", conflicts_with = "start_id")]
    pub ids: Option<PathBuf>,
    /// Import at most this many vectors.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Create the collection (with the file's dimension) if it does not exist.
    #[arg(long)]
    pub create: bool,
    /// Metric for `--create`: l2, cosine or dot.
    #[arg(long, default_value = "l2")]
    pub metric: String,
    /// With `--create`: create the collection with read replicas (every core keeps a copy of
    /// every shard to search; see `corevec collection create --read-replicas`).
    #[arg(long, requires = "create")]
    pub read_replicas: bool,
    /// Text file of payloads, one per line: line `i` (without its line break) is stored
    /// with row `i` of the vector file, e.g. a JSON object per line. An empty line: no
    /// payload. At most 65,536 bytes per line.
    #[arg(long, value_name = "FILE")]
    pub payloads: Option<PathBuf>,
    /// Text file of labels, one line per vector: line `i` holds row `i`'s labels as
    /// unsigned integers separated by commas or spaces (at most 64; an empty line: none).
    /// Searches can then filter on them (`corevec search --all-of/--any-of/--none-of`).
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// Range field FIELD (0..=255) from a text file of u32 values, one per line: line `i` is
    /// row `i`'s value (decimal; an empty line: no value). Repeatable, one file per field.
    ///
    /// A range field is a number stored as 8 labels of the point (added to those of --labels;
    /// a point holds at most 64 labels, so at most 8 fields with a value, fewer with other
    /// labels) that `corevec search/list/export/delete --range-u32 FIELD:LO..=HI` filter on,
    /// bounds inclusive. A --labels line that already holds labels of the field (an export's
    /// labels.txt does) must hold those of the same value. See net/proto/PROTOCOL.md, section 11.
    #[arg(long, value_name = "FIELD:FILE", value_parser = parse_range_column)]
    pub range_u32: Vec<RangeColumn>,
    /// Range field FIELD from a text file of i32 values (decimal, may be negative), one per
    /// line; as --range-u32, filtered with `--range-i32 FIELD:LO..=HI`.
    #[arg(long, value_name = "FIELD:FILE", value_parser = parse_range_column)]
    pub range_i32: Vec<RangeColumn>,
    /// Range field FIELD from a text file of f32 values (e.g. `-2.5`, `1e3`, `inf`; not NaN),
    /// one per line; as --range-u32, filtered with `--range-f32 FIELD:LO..=HI`.
    #[arg(long, value_name = "FIELD:FILE", value_parser = parse_range_column)]
    pub range_f32: Vec<RangeColumn>,
}

/// `--range-u32/--range-i32/--range-f32 FIELD:FILE` of `corevec import`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeColumn {
    /// The range field, 0..=255.
    pub field: u8,
    /// One value per line.
    pub path: PathBuf,
}

fn parse_range_column(text: &str) -> Result<RangeColumn, String> {
    let (field, path) = text
        .split_once(':')
        .ok_or("expected FIELD:FILE (e.g. 0:prices.txt)")?;
    if path.is_empty() {
        return Err("expected FIELD:FILE (e.g. 0:prices.txt); no file given".into());
    }
    Ok(RangeColumn {
        field: super::client::parse_field(field)?,
        path: PathBuf::from(path),
    })
}

impl ImportArgs {
    /// Every range column with its type, u32 first.
    fn range_columns(&self) -> impl Iterator<Item = (RangeType, &RangeColumn)> {
        let u32s = self.range_u32.iter().map(|c| (RangeType::U32, c));
        let i32s = self.range_i32.iter().map(|c| (RangeType::I32, c));
        let f32s = self.range_f32.iter().map(|c| (RangeType::F32, c));
        u32s.chain(i32s).chain(f32s)
    }
}

/// A text file with one entry per vector row (`--payloads`, `--labels`, `--range-*`), read a
/// batch of lines at a time; `parse` turns a line (without its line break) into the entry.
/// `R` is the file's buffered reader (bytes in memory for the fuzz targets).
pub(crate) struct LineFile<T, R = BufReader<File>> {
    reader: R,
    path: PathBuf,
    line: usize,
    parse: fn(Vec<u8>) -> Result<T, String>,
}

impl<T> LineFile<T> {
    fn open(path: &Path, parse: fn(Vec<u8>) -> Result<T, String>) -> Result<Self, Failure> {
        let file = File::open(path).map_err(|e| bad(path, e))?;
        let reader = BufReader::with_capacity(1 << 20, file);
        Ok(LineFile::from_reader(path, reader, parse))
    }

    /// Checks up front that the file has a valid entry for each of the first `rows` rows,
    /// so a bad file fails before anything is written.
    fn check(
        path: &Path,
        rows: usize,
        parse: fn(Vec<u8>) -> Result<T, String>,
    ) -> Result<(), Failure> {
        let mut lines = LineFile::open(path, parse)?;
        let mut batch = Vec::new();
        let mut left = rows;
        while left > 0 {
            let n = left.min(1024);
            lines.read(n, &mut batch)?;
            left -= n;
        }
        Ok(())
    }
}

impl<T, R: BufRead> LineFile<T, R> {
    /// The lines of `reader`, the contents of the file at `path` (which errors name).
    pub(crate) fn from_reader(
        path: &Path,
        reader: R,
        parse: fn(Vec<u8>) -> Result<T, String>,
    ) -> Self {
        LineFile {
            reader,
            path: path.to_path_buf(),
            line: 0,
            parse,
        }
    }

    /// Replaces `out` with the next `n` entries.
    pub(crate) fn read(&mut self, n: usize, out: &mut Vec<T>) -> Result<(), Failure> {
        out.clear();
        for _ in 0..n {
            let mut line = Vec::new();
            let read = self
                .reader
                .read_until(b'\n', &mut line)
                .map_err(|e| bad(&self.path, e))?;
            self.line += 1;
            if read == 0 {
                return Err(bad(
                    &self.path,
                    format!("ends after {} lines, before the vectors do", self.line - 1),
                ));
            }
            if line.last() == Some(&b'\n') {
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
            }
            let entry = (self.parse)(line)
                .map_err(|e| bad(&self.path, format!("line {}: {e}", self.line)))?;
            out.push(entry);
        }
        Ok(())
    }
}

/// An `--ids` line: one decimal unsigned 64-bit integer, surrounding whitespace allowed.
pub(crate) fn id_line(line: Vec<u8>) -> Result<u64, String> {
    let text = String::from_utf8(line).map_err(|_| "not UTF-8 text".to_owned())?;
    let id = text.trim();
    if id.is_empty() {
        return Err("empty line; expected an id".into());
    }
    id.parse::<u64>()
        .map_err(|_| format!("{id:?} is not an id (an unsigned 64-bit integer)"))
}

/// A `--payloads` line: its bytes, at most `PAYLOAD_BYTES_MAX`.
pub(crate) fn payload_line(line: Vec<u8>) -> Result<Vec<u8>, String> {
    if line.len() > PAYLOAD_BYTES_MAX as usize {
        return Err(format!(
            "a payload of {} bytes; at most {PAYLOAD_BYTES_MAX}",
            line.len()
        ));
    }
    Ok(line)
}

/// A `--labels` line: unsigned integers separated by commas or whitespace, at most
/// `LABELS_PER_POINT_MAX` (as `corevec set-labels` parses them).
pub(crate) fn labels_line(line: Vec<u8>) -> Result<Vec<u64>, String> {
    let text = String::from_utf8(line).map_err(|_| "not UTF-8 text".to_owned())?;
    super::client::parse_labels(&text)
}

/// A range file's line: the key of its value (surrounding whitespace ignored), or `None` for
/// an empty line.
fn range_line(kind: RangeType, line: Vec<u8>) -> Result<Option<u32>, String> {
    let text = String::from_utf8(line).map_err(|_| "not UTF-8 text".to_owned())?;
    match text.trim() {
        "" => Ok(None),
        value => kind.key(value).map(Some),
    }
}

pub(crate) fn range_line_parser(kind: RangeType) -> fn(Vec<u8>) -> Result<Option<u32>, String> {
    match kind {
        RangeType::U32 => |line| range_line(RangeType::U32, line),
        RangeType::I32 => |line| range_line(RangeType::I32, line),
        RangeType::F32 => |line| range_line(RangeType::F32, line),
    }
}

/// One range field's file.
pub(crate) struct RangeLines<R = BufReader<File>> {
    pub(crate) field: u8,
    pub(crate) lines: LineFile<Option<u32>, R>,
    /// The keys of the current batch.
    pub(crate) keys: Vec<Option<u32>>,
}

/// The labels of each row: those of `--labels` and the range labels of each `--range-*` file's
/// value, read in step a batch at a time.
pub(crate) struct LabelColumns<R = BufReader<File>> {
    pub(crate) labels: Option<LineFile<Vec<u64>, R>>,
    /// Of distinct fields (`open` refuses a field given twice).
    pub(crate) ranges: Vec<RangeLines<R>>,
    /// Rows read so far.
    pub(crate) row: usize,
}

impl LabelColumns {
    /// `None` when there is neither `--labels` nor a range file.
    ///
    /// # Errors
    /// A field given twice, or a file that cannot be opened (exit 2).
    fn open(args: &ImportArgs) -> Result<Option<LabelColumns>, Failure> {
        let mut seen: Vec<(u8, String)> = Vec::new();
        let mut ranges = Vec::new();
        for (kind, column) in args.range_columns() {
            let this = format!("{} {}:{}", kind.flag(), column.field, column.path.display());
            if let Some((_, first)) = seen.iter().find(|(field, _)| *field == column.field) {
                return Err(Failure::usage(format!(
                    "range field {} is given twice ({first}, {this}); one file per field",
                    column.field
                )));
            }
            seen.push((column.field, this));
            ranges.push(RangeLines {
                field: column.field,
                lines: LineFile::open(&column.path, range_line_parser(kind))?,
                keys: Vec::new(),
            });
        }
        let labels = args
            .labels
            .as_deref()
            .map(|path| LineFile::open(path, labels_line))
            .transpose()?;
        Ok(
            (labels.is_some() || !ranges.is_empty()).then_some(LabelColumns {
                labels,
                ranges,
                row: 0,
            }),
        )
    }

    /// Checks up front that every file has a valid entry for each of the first `rows` rows and
    /// that no row gets too many labels, so that a bad file fails before anything is written.
    fn check(args: &ImportArgs, rows: usize) -> Result<(), Failure> {
        if let Some(mut columns) = LabelColumns::open(args)? {
            let mut batch = Vec::new();
            let mut left = rows;
            while left > 0 {
                let n = left.min(1024);
                columns.read(n, &mut batch)?;
                left -= n;
            }
        }
        Ok(())
    }
}

impl<R: BufRead> LabelColumns<R> {
    /// Replaces `out` with the labels of the next `n` rows.
    pub(crate) fn read(&mut self, n: usize, out: &mut Vec<Vec<u64>>) -> Result<(), Failure> {
        match &mut self.labels {
            Some(lines) => lines.read(n, out)?,
            None => {
                out.clear();
                out.resize_with(n, Vec::new);
            }
        }
        for range in &mut self.ranges {
            range.lines.read(n, &mut range.keys)?;
        }
        if self.ranges.is_empty() {
            self.row += n;
            return Ok(());
        }
        for (i, labels) in out.iter_mut().enumerate() {
            let line = self.row + i + 1;
            let from_file = labels.len();
            let mut fields = 0;
            for range in &self.ranges {
                let Some(key) = range.keys[i] else {
                    continue;
                };
                fields += 1;
                let new = point_labels(range.field, key);
                // A `--labels` line may hold range labels already (an export's labels.txt
                // does): of this field, they must be this value's.
                let clash = labels[..from_file]
                    .iter()
                    .any(|&l| field_of(l) == Some(range.field) && !new.contains(&l));
                if clash {
                    return Err(self.line_error(
                        line,
                        format!(
                            "holds range labels of field {} for another value than the range \
                             file's line {line}",
                            range.field
                        ),
                    ));
                }
                labels.extend_from_slice(&new);
            }
            labels.sort_unstable();
            labels.dedup();
            if labels.len() > LABELS_PER_POINT_MAX as usize {
                return Err(self.line_error(
                    line,
                    format!(
                        "{} labels ({from_file} from --labels, 8 for each of {fields} range \
                         fields with a value); a point holds at most {LABELS_PER_POINT_MAX}",
                        labels.len()
                    ),
                ));
            }
        }
        self.row += n;
        Ok(())
    }

    /// An error about line `line` of every file (`--labels` first).
    fn line_error(&self, line: usize, what: String) -> Failure {
        let files: Vec<String> = self
            .labels
            .iter()
            .map(|l| l.path.display().to_string())
            .chain(
                self.ranges
                    .iter()
                    .map(|r| r.lines.path.display().to_string()),
            )
            .collect();
        Failure::usage(format!("{}: line {line}: {what}", files.join(", ")))
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Layout {
    Fvecs,
    NpyF32,
    NpyF64,
}

/// An open vector file, read a batch at a time. `R` is the file (bytes in memory for the
/// fuzz targets).
pub(crate) struct VectorFile<R = File> {
    reader: BufReader<R>,
    pub(crate) layout: Layout,
    pub(crate) dim: usize,
    pub(crate) count: usize,
    read: usize,
}

pub(crate) fn bad(path: &Path, what: impl std::fmt::Display) -> Failure {
    Failure::usage(format!("{}: {what}", path.display()))
}

impl VectorFile {
    fn open(path: &Path, format: Format) -> Result<VectorFile, Failure> {
        let format = match format {
            Format::Auto => match path.extension().and_then(|e| e.to_str()) {
                Some("fvecs") => Format::Fvecs,
                Some("npy") => Format::Npy,
                _ => return Err(bad(path, "cannot tell the format; pass --format fvecs|npy")),
            },
            other => other,
        };
        let file = File::open(path).map_err(|e| bad(path, e))?;
        let file_bytes = file.metadata().map_err(|e| bad(path, e))?.len();
        VectorFile::from_reader(path, format, file, file_bytes)
    }

    /// Reads the first `total` vectors of the file at `path` once before anything is sent,
    /// so that a bad record or value fails the import with nothing written: records that
    /// [`VectorFile::read_batch`] refuses, and values no collection accepts ([`check_values`]).
    fn check(path: &Path, format: Format, total: usize) -> Result<(), Failure> {
        let mut file = VectorFile::open(path, format)?;
        let mut values = Vec::new();
        let mut done = 0;
        let mut last_progress = Instant::now();
        while done < total {
            if last_progress.elapsed() >= PROGRESS_EVERY {
                last_progress = Instant::now();
                progress(&format!("\rchecked {done}/{total} vectors"));
            }
            values.clear();
            let n = file
                .read_batch(CHECK_BATCH.min(total - done), &mut values)
                .map_err(|e| bad(path, e))?;
            if n == 0 {
                break;
            }
            check_values(done, &values, file.dim).map_err(|e| bad(path, e))?;
            done += n;
        }
        Ok(())
    }
}

/// Vectors read at a time by [`VectorFile::check`].
const CHECK_BATCH: usize = 4096;

/// The first value of `values` (rows `first_row..`, `dim` values each) that no collection
/// accepts: not finite, or beyond the engine's [`COMPONENT_ABS_MAX`] in absolute value.
fn check_values(first_row: usize, values: &[f32], dim: usize) -> Result<(), String> {
    match values
        .iter()
        .position(|x| !x.is_finite() || x.abs() > COMPONENT_ABS_MAX)
    {
        None => Ok(()),
        Some(at) => Err(format!(
            "vector {} component {} is {}: components must be finite and at most {:e} in \
             absolute value; nothing was imported",
            first_row + at / dim,
            at % dim,
            values[at],
            COMPONENT_ABS_MAX
        )),
    }
}

impl<R: Read + Seek> VectorFile<R> {
    /// Reads the header of `file`, `file_bytes` long, the contents of the file at `path`
    /// (which errors name), in `format` (`Auto` reads as `.npy`: `open` resolves it first).
    pub(crate) fn from_reader(
        path: &Path,
        format: Format,
        file: R,
        file_bytes: u64,
    ) -> Result<VectorFile<R>, Failure> {
        let mut reader = BufReader::with_capacity(1 << 20, file);
        match format {
            Format::Fvecs => {
                let mut head = [0u8; 4];
                reader.read_exact(&mut head).map_err(|e| bad(path, e))?;
                let dim = i32::from_le_bytes(head);
                let dim = usize::try_from(dim)
                    .ok()
                    .filter(|d| (1..=4096).contains(d))
                    .ok_or_else(|| bad(path, format!("bad fvecs dimension {dim}")))?;
                let record = 4 + 4 * dim as u64;
                if file_bytes % record != 0 {
                    return Err(bad(
                        path,
                        format!("size {file_bytes} is not a multiple of the {record}-byte record"),
                    ));
                }
                let count = usize::try_from(file_bytes / record).unwrap_or(usize::MAX);
                // Back to the first record (its dim is re-read and checked).
                reader.rewind().map_err(|e| bad(path, e))?;
                Ok(VectorFile {
                    reader,
                    layout: Layout::Fvecs,
                    dim,
                    count,
                    read: 0,
                })
            }
            Format::Npy | Format::Auto => {
                let mut counted = CountingReader {
                    inner: &mut reader,
                    bytes: 0,
                };
                let (layout, count, dim) =
                    read_npy_header(&mut counted).map_err(|e| bad(path, e))?;
                // As for fvecs: a file that is not exactly its header plus the data it declares
                // is refused before anything is written.
                let value_bytes: u64 = match layout {
                    Layout::NpyF64 => 8,
                    _ => 4,
                };
                let expected = (count as u64)
                    .checked_mul(dim as u64)
                    .and_then(|values| values.checked_mul(value_bytes))
                    .and_then(|data| data.checked_add(counted.bytes));
                if expected != Some(file_bytes) {
                    return Err(bad(
                        path,
                        format!(
                            "size {file_bytes} is not its {}-byte header plus the {count} x {dim} \
                             values of {value_bytes} bytes it declares",
                            counted.bytes
                        ),
                    ));
                }
                Ok(VectorFile {
                    reader,
                    layout,
                    dim,
                    count,
                    read: 0,
                })
            }
        }
    }

    /// Appends up to `max` vectors to `out`; returns how many.
    pub(crate) fn read_batch(&mut self, max: usize, out: &mut Vec<f32>) -> std::io::Result<usize> {
        let n = max.min(self.count - self.read);
        let mut buf = [0u8; 8];
        for _ in 0..n {
            match self.layout {
                Layout::Fvecs => {
                    self.reader.read_exact(&mut buf[..4])?;
                    let dim = i32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]);
                    if usize::try_from(dim).ok() != Some(self.dim) {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!(
                                "vector {} has dimension {dim}, expected {}",
                                self.read, self.dim
                            ),
                        ));
                    }
                    for _ in 0..self.dim {
                        self.reader.read_exact(&mut buf[..4])?;
                        out.push(f32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]));
                    }
                }
                Layout::NpyF32 => {
                    for _ in 0..self.dim {
                        self.reader.read_exact(&mut buf[..4])?;
                        out.push(f32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]));
                    }
                }
                Layout::NpyF64 => {
                    for component in 0..self.dim {
                        self.reader.read_exact(&mut buf)?;
                        let value = f64::from_le_bytes(buf);
                        #[expect(
                            clippy::cast_possible_truncation,
                            reason = "f64 input stored as f32"
                        )]
                        let stored = value as f32;
                        if value.is_finite() && !stored.is_finite() {
                            return Err(std::io::Error::new(
                                std::io::ErrorKind::InvalidData,
                                format!(
                                    "vector {} component {component}: {value:e} does not fit in f32",
                                    self.read
                                ),
                            ));
                        }
                        out.push(stored);
                    }
                }
            }
            self.read += 1;
        }
        Ok(n)
    }
}

/// A reader that counts the bytes read through it.
struct CountingReader<'a, R> {
    inner: &'a mut R,
    bytes: u64,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Parses a `.npy` header (format versions 1–3): dtype `<f4`/`<f8`, C order, 2-D shape.
fn read_npy_header(reader: &mut impl Read) -> Result<(Layout, usize, usize), String> {
    let mut magic = [0u8; 8];
    reader.read_exact(&mut magic).map_err(|e| e.to_string())?;
    if &magic[..6] != b"\x93NUMPY" {
        return Err("not a .npy file (bad magic)".into());
    }
    let header_len = match magic[6] {
        1 => {
            let mut len = [0u8; 2];
            reader.read_exact(&mut len).map_err(|e| e.to_string())?;
            usize::from(u16::from_le_bytes(len))
        }
        2 | 3 => {
            let mut len = [0u8; 4];
            reader.read_exact(&mut len).map_err(|e| e.to_string())?;
            usize::try_from(u32::from_le_bytes(len)).unwrap_or(usize::MAX)
        }
        v => return Err(format!("unsupported .npy version {v}")),
    };
    if header_len > 1 << 16 {
        return Err("unreasonably long .npy header".into());
    }
    let mut header = vec![0u8; header_len];
    reader.read_exact(&mut header).map_err(|e| e.to_string())?;
    let header = String::from_utf8_lossy(&header);
    let field = |name: &str| -> Option<String> {
        let at = header.find(&format!("'{name}'"))?;
        let rest = header[at + name.len() + 2..]
            .trim_start()
            .strip_prefix(':')?
            .trim_start();
        Some(rest.to_owned())
    };
    let descr = field("descr").ok_or("no descr in .npy header")?;
    let layout = if descr.starts_with("'<f4'") {
        Layout::NpyF32
    } else if descr.starts_with("'<f8'") {
        Layout::NpyF64
    } else {
        return Err(format!(
            "unsupported dtype {}; need <f4 or <f8",
            descr.split(',').next().unwrap_or("")
        ));
    };
    if field("fortran_order").is_some_and(|v| v.starts_with("True")) {
        return Err(
            "Fortran-order arrays are not supported; save with np.ascontiguousarray".into(),
        );
    }
    let shape = field("shape").ok_or("no shape in .npy header")?;
    let inner = shape
        .strip_prefix('(')
        .and_then(|s| s.split(')').next())
        .ok_or("bad shape in .npy header")?;
    let dims: Vec<usize> = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<usize>()
                .map_err(|_| format!("bad shape entry {s:?}"))
        })
        .collect::<Result<_, _>>()?;
    match dims[..] {
        [count, dim] if (1..=4096).contains(&dim) => Ok((layout, count, dim)),
        _ => Err(format!(
            "need a 2-D array with 1..=4096 columns, got shape {dims:?}"
        )),
    }
}

fn progress(text: &str) {
    use std::io::Write;
    let mut stderr = std::io::stderr();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// The UPSERTs sent and not yet answered, oldest first, each with its number of vectors, and
/// how many vectors the answered ones hold.
struct Pipeline {
    in_flight: VecDeque<(Ticket, usize)>,
    acknowledged: usize,
    total: usize,
}

impl Pipeline {
    /// Waits for the oldest UPSERT. A failure says how far the import got: batches are
    /// answered in order, so every row before `acknowledged` is in, and running the same
    /// import again (it upserts) completes it.
    fn wait_oldest(&mut self) -> Result<(), Failure> {
        let Some((ticket, n)) = self.in_flight.pop_front() else {
            return Ok(());
        };
        if let Err(e) = ticket.wait() {
            return Err(Failure::runtime(format!(
                "upsert of rows {}..{} of {}: {e} (the first {} rows were acknowledged, later \
                 ones may have been; an import upserts, so running it again once the cause is \
                 fixed completes it)",
                self.acknowledged,
                self.acknowledged + n,
                self.total,
                self.acknowledged
            )));
        }
        self.acknowledged += n;
        Ok(())
    }
}

/// Runs `corevec import`.
///
/// # Errors
/// Bad file (exit 2), connection or server errors (exit 1).
pub fn run(args: &ImportArgs) -> Result<(), Failure> {
    if args.batch == 0 {
        return Err(Failure::usage("--batch must be at least 1"));
    }
    let mut file = VectorFile::open(&args.file, args.format)?;
    let total = args.limit.map_or(file.count, |l| l.min(file.count));
    VectorFile::check(&args.file, args.format, total)?;
    if let Some(path) = &args.ids {
        LineFile::check(path, total, id_line)?;
    } else if total > 0 && args.start_id.checked_add(total as u64 - 1).is_none() {
        return Err(Failure::usage(format!(
            "--start-id {}: the ids of {total} vectors would go past {}",
            args.start_id,
            u64::MAX
        )));
    }
    if let Some(path) = &args.payloads {
        LineFile::check(path, total, payload_line)?;
    }
    LabelColumns::check(args, total)?;
    let mut id_lines = args
        .ids
        .as_deref()
        .map(|path| LineFile::open(path, id_line))
        .transpose()?;
    let mut payload_lines = args
        .payloads
        .as_deref()
        .map(|path| LineFile::open(path, payload_line))
        .transpose()?;
    let mut label_lines = LabelColumns::open(args)?;
    let client = args.client.connect()?;
    if payload_lines.is_some() && !client.supports_payloads().context("HELLO")? {
        return Err(Failure::runtime(format!(
            "{} does not support payloads (an older server); import without --payloads",
            args.client.addr
        )));
    }
    if label_lines.is_some() && !client.supports_labels().context("HELLO")? {
        return Err(Failure::runtime(format!(
            "{} does not support labels (an older server); import without --labels and \
             --range-*",
            args.client.addr
        )));
    }
    let dim = u32::try_from(file.dim).map_err(|_| Failure::usage("dimension too large"))?;
    if args.create {
        let metric = match args.metric.to_ascii_lowercase().as_str() {
            "l2" => Metric::L2,
            "cosine" => Metric::Cosine,
            "dot" => Metric::Dot,
            other => return Err(Failure::usage(format!("unknown metric {other:?}"))),
        };
        let created = client.create_collection(&CreateCollection {
            name: &args.collection,
            dim,
            metric,
            shards: 0,
            connectivity: 0,
            expansion_add: 0,
            read_replicas: args.read_replicas,
        });
        match created {
            Ok(()) => crate::print_stderr(&format!(
                "created collection {} (dim {dim})",
                args.collection
            )),
            Err(e) if e.code() == Some(ErrorCode::CollectionExists) => {}
            Err(e) => {
                return Err(Failure::runtime(format!(
                    "creating {}: {e}",
                    args.collection
                )))
            }
        }
    }
    // Keep each request under the frame limit whatever the dimension (and payload sizes).
    let point_bytes_max = 4 * file.dim
        + 8
        + if payload_lines.is_some() {
            4 + PAYLOAD_BYTES_MAX as usize
        } else {
            0
        }
        + if label_lines.is_some() {
            4 + 8 * LABELS_PER_POINT_MAX as usize
        } else {
            0
        };
    let batch = args
        .batch
        .min((corevec_proto::FRAME_BODY_BYTES_MAX as usize / 2) / point_bytes_max)
        .max(1);
    let mut ids: Vec<u64> = Vec::new();
    let mut payloads: Vec<Vec<u8>> = Vec::new();
    let mut labels: Vec<Vec<u64>> = Vec::new();
    let started = Instant::now();
    let mut last_progress = Instant::now();
    let mut pipeline = Pipeline {
        in_flight: VecDeque::new(),
        acknowledged: 0,
        total,
    };
    let mut done = 0usize;
    let mut floats = Vec::with_capacity(batch * file.dim);
    while done < total {
        floats.clear();
        let n = file
            .read_batch(batch.min(total - done), &mut floats)
            .map_err(|e| bad(&args.file, e))?;
        if n == 0 {
            break;
        }
        match &mut id_lines {
            Some(lines) => lines.read(n, &mut ids)?,
            None => {
                // Checked up front: start_id + total - 1 fits in u64.
                let first = args.start_id + done as u64;
                ids.clear();
                ids.extend((0..n as u64).map(|i| first + i));
            }
        }
        if let Some(lines) = &mut payload_lines {
            lines.read(n, &mut payloads)?;
        }
        if let Some(lines) = &mut label_lines {
            lines.read(n, &mut labels)?;
        }
        let slices: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
        let label_slices: Vec<&[u64]> = labels.iter().map(Vec::as_slice).collect();
        let request = Request::Upsert(Upsert {
            collection: &args.collection,
            ids: IdsRef::new(&ids),
            vectors: VectorsRef::new(&floats, dim),
            payloads: payload_lines.is_some().then(|| PayloadsRef::new(&slices)),
            labels: label_lines.is_some().then(|| LabelsRef::new(&label_slices)),
        });
        if pipeline.in_flight.len() >= BATCHES_IN_FLIGHT {
            pipeline.wait_oldest()?;
        }
        let ticket = client.submit(&request).map_err(|e| {
            Failure::runtime(format!(
                "sending the upsert of rows {done}..{} of {total}: {e} (the first {} rows were \
                 acknowledged, later ones may have been; running the import again completes \
                 it)",
                done + n,
                pipeline.acknowledged
            ))
        })?;
        pipeline.in_flight.push_back((ticket, n));
        done += n;
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-3);
            progress(&format!("\rimported {done}/{total} vectors ({rate:.0}/s)"));
        }
    }
    while !pipeline.in_flight.is_empty() {
        pipeline.wait_oldest()?;
    }
    let secs = started.elapsed().as_secs_f64().max(1e-3);
    crate::print_stderr(&format!(
        "\rimported {done}/{total} vectors in {secs:.1} s ({:.0}/s)",
        done as f64 / secs
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn npy_header_parses() {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        let (layout, count, dim) = read_npy_header(&mut bytes.as_slice()).unwrap();
        assert!(matches!(layout, Layout::NpyF32));
        assert_eq!((count, dim), (3, 2));
    }

    /// A `.npy` file of `rows` x 2 values of dtype `descr` with `data` after its header.
    fn npy(descr: &str, rows: usize, data: &[u8]) -> Vec<u8> {
        let header =
            format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': ({rows}, 2), }}");
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        bytes.extend_from_slice(data);
        bytes
    }

    fn open_npy(bytes: &[u8]) -> Result<VectorFile<std::io::Cursor<&[u8]>>, Failure> {
        VectorFile::from_reader(
            Path::new("v.npy"),
            Format::Npy,
            std::io::Cursor::new(bytes),
            bytes.len() as u64,
        )
    }

    /// A truncated or overlong `.npy` file is refused at open, before any batch is sent; an
    /// f8 value beyond f32 is refused with its vector and component, not sent as infinity.
    #[test]
    fn npy_files_are_checked_before_anything_is_sent() {
        let values: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let whole = npy("<f4", 2, &values);
        let mut file = open_npy(&whole).ok().unwrap();
        let mut out = Vec::new();
        assert_eq!(file.read_batch(10, &mut out).unwrap(), 2);
        assert_eq!(out, [1.0, 2.0, 3.0, 4.0]);
        for data in [&values[..12], &[values.as_slice(), &[0u8; 4]].concat()[..]] {
            let err = open_npy(&npy("<f4", 2, data)).err().unwrap();
            assert_eq!(err.exit_code, 2);
            assert!(
                err.message.contains("values of 4 bytes it declares"),
                "{}",
                err.message
            );
        }
        let wide: Vec<u8> = [1.0f64, 1e300]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let wide = npy("<f8", 1, &wide);
        let mut file = open_npy(&wide).ok().unwrap();
        let err = file.read_batch(10, &mut out).unwrap_err().to_string();
        assert!(
            err.contains("vector 0 component 1") && err.contains("f32"),
            "{err}"
        );
    }

    #[test]
    fn id_lines_parse_with_surrounding_whitespace() {
        assert_eq!(id_line(b"42".to_vec()), Ok(42));
        assert_eq!(id_line(b" \t7  ".to_vec()), Ok(7));
        assert_eq!(id_line(b"18446744073709551615".to_vec()), Ok(u64::MAX));
        assert!(id_line(b"".to_vec()).unwrap_err().contains("empty line"));
        assert!(id_line(b"  ".to_vec()).unwrap_err().contains("empty line"));
        assert!(id_line(b"18446744073709551616".to_vec())
            .unwrap_err()
            .contains("\"18446744073709551616\" is not an id"));
        assert!(id_line(b"-1".to_vec()).is_err());
        assert!(id_line(b"1 2".to_vec()).is_err());
        assert!(id_line(b"1,2".to_vec()).is_err());
        assert!(id_line(b"0x10".to_vec()).is_err());
        assert!(id_line(vec![b'1', 0xff]).unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn an_ids_file_is_checked_line_by_line() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"10\r\n 2 \n3").unwrap();
        f.flush().unwrap();
        LineFile::check(f.path(), 3, id_line).unwrap();
        let mut lines = LineFile::open(f.path(), id_line).unwrap();
        let mut ids = Vec::new();
        lines.read(3, &mut ids).unwrap();
        assert_eq!(ids, [10, 2, 3]);
        let short = LineFile::check(f.path(), 4, id_line).unwrap_err();
        assert_eq!(short.exit_code, crate::exit::USAGE);
        assert!(
            short.message.contains("ends after 3 lines"),
            "{}",
            short.message
        );
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(b"1\n2\nx3\n4\n").unwrap();
        f.flush().unwrap();
        let bad = LineFile::check(f.path(), 4, id_line).unwrap_err();
        let expected = format!("{}: line 3: \"x3\" is not an id", f.path().display());
        assert!(bad.message.contains(&expected), "{}", bad.message);
    }

    fn import_args(args: &[&str]) -> ImportArgs {
        use clap::Parser;
        let all = ["corevec", "import", "c", "v.fvecs"].iter().chain(args);
        match crate::Cli::try_parse_from(all).unwrap().command {
            crate::Command::Import(args) => args,
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn read_replicas_need_create() {
        assert!(!import_args(&[]).read_replicas);
        assert!(import_args(&["--create", "--read-replicas"]).read_replicas);
        let all = ["corevec", "import", "c", "v.fvecs", "--read-replicas"];
        let refused = <crate::Cli as clap::Parser>::try_parse_from(all).unwrap_err();
        assert!(refused.to_string().contains("--create"), "{refused}");
    }

    fn text_file(dir: &Path, name: &str, text: &str) -> String {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }

    #[test]
    fn range_lines_parse_to_keys() {
        use corevec_proto::range::{key_f32, key_i32};
        assert_eq!(range_line(RangeType::U32, b" 42 ".to_vec()), Ok(Some(42)));
        assert_eq!(range_line(RangeType::U32, b"".to_vec()), Ok(None));
        assert_eq!(range_line(RangeType::U32, b" \t".to_vec()), Ok(None));
        assert_eq!(
            range_line(RangeType::U32, b"4294967295".to_vec()),
            Ok(Some(u32::MAX))
        );
        assert!(range_line(RangeType::U32, b"4294967296".to_vec())
            .unwrap_err()
            .contains("out of the u32 range"));
        assert_eq!(
            range_line(RangeType::I32, b"-7".to_vec()),
            Ok(Some(key_i32(-7)))
        );
        assert_eq!(
            range_line(RangeType::F32, b"-2.5e-3".to_vec()),
            key_f32(-2.5e-3).map(Some).ok_or_else(String::new)
        );
        assert!(range_line(RangeType::F32, b"nan".to_vec())
            .unwrap_err()
            .contains("NaN"));
        assert!(range_line(RangeType::I32, b"1,2".to_vec())
            .unwrap_err()
            .contains("not an i32"));
        assert!(range_line(RangeType::U32, vec![0xff])
            .unwrap_err()
            .contains("UTF-8"));
    }

    #[test]
    fn range_files_add_their_labels_to_each_row() {
        use corevec_proto::range::{key_f32, key_i32};
        let dir = tempfile::tempdir().unwrap();
        let labels = text_file(dir.path(), "l.txt", "1,2\n\n3\n");
        let u = text_file(dir.path(), "u.txt", "7\n\r\n4294967295\n");
        let i = text_file(dir.path(), "i.txt", "-1\n5\n\n");
        let f = text_file(dir.path(), "f.txt", "\n-0.5\n1e3\n");
        let args = import_args(&[
            "--labels",
            &labels,
            "--range-u32",
            &format!("0:{u}"),
            "--range-i32",
            &format!("1:{i}"),
            "--range-f32",
            &format!("9:{f}"),
        ]);
        LabelColumns::check(&args, 3).unwrap();
        let mut columns = LabelColumns::open(&args).unwrap().unwrap();
        let mut rows = Vec::new();
        columns.read(2, &mut rows).unwrap();
        let sorted = |mut labels: Vec<u64>| {
            labels.sort_unstable();
            labels
        };
        let mut want = vec![1, 2];
        want.extend(point_labels(0, 7));
        want.extend(point_labels(1, key_i32(-1)));
        assert_eq!(rows[0], sorted(want));
        let mut want = point_labels(1, key_i32(5)).to_vec();
        want.extend(point_labels(9, key_f32(-0.5).unwrap()));
        assert_eq!(rows[1], sorted(want));
        columns.read(1, &mut rows).unwrap();
        let mut want = vec![3];
        want.extend(point_labels(0, u32::MAX));
        want.extend(point_labels(9, key_f32(1000.0).unwrap()));
        assert_eq!(rows, [sorted(want)]);

        // A short range file, a bad value: named with the file and the line.
        let short = LabelColumns::check(&args, 4).unwrap_err();
        assert_eq!(short.exit_code, crate::exit::USAGE);
        assert!(
            short.message.contains("ends after 3 lines"),
            "{}",
            short.message
        );
        let bad = text_file(dir.path(), "bad.txt", "1\n2\n-3\n");
        let args = import_args(&["--range-u32", &format!("0:{bad}")]);
        let error = LabelColumns::check(&args, 3).unwrap_err();
        let expected = format!("{bad}: line 3: \"-3\" is out of the u32 range");
        assert!(error.message.contains(&expected), "{}", error.message);
        let nan = text_file(dir.path(), "nan.txt", "1\nNaN\n");
        let args = import_args(&["--range-f32", &format!("0:{nan}")]);
        let error = LabelColumns::check(&args, 2).unwrap_err();
        assert!(
            error.message.contains(&format!("{nan}: line 2: ")),
            "{}",
            error.message
        );
        assert!(error.message.contains("NaN"), "{}", error.message);
        // Only the range files: no --labels needed.
        let args = import_args(&["--range-u32", &format!("0:{u}")]);
        let mut columns = LabelColumns::open(&args).unwrap().unwrap();
        columns.read(3, &mut rows).unwrap();
        assert_eq!(rows[1], Vec::<u64>::new());
        assert!(LabelColumns::open(&import_args(&[])).unwrap().is_none());
    }

    #[test]
    fn range_fields_are_distinct_and_rows_keep_to_the_label_limit() {
        let dir = tempfile::tempdir().unwrap();
        let a = text_file(dir.path(), "a.txt", "1\n");
        let b = text_file(dir.path(), "b.txt", "1.5\n");
        let args = import_args(&[
            "--range-u32",
            &format!("3:{a}"),
            "--range-f32",
            &format!("3:{b}"),
        ]);
        let error = LabelColumns::check(&args, 1).err().unwrap();
        assert_eq!(error.exit_code, crate::exit::USAGE);
        assert!(
            error.message.contains("range field 3 is given twice"),
            "{}",
            error.message
        );
        // 57 labels and one range field: 65.
        let many: Vec<String> = (0..57).map(|l| l.to_string()).collect();
        let labels = text_file(dir.path(), "l.txt", &format!("1\n{}\n", many.join(",")));
        let values = text_file(dir.path(), "v.txt", "5\n6\n");
        let args = import_args(&["--labels", &labels, "--range-u32", &format!("0:{values}")]);
        let error = LabelColumns::check(&args, 2).unwrap_err();
        assert!(
            error
                .message
                .contains(&format!("{labels}, {values}: line 2: 65 labels")),
            "{}",
            error.message
        );
        LabelColumns::check(&args, 1).unwrap();
        // Eight range fields fill a point; a ninth does not fit.
        let mut flags = Vec::new();
        for field in 0..9 {
            flags.push("--range-u32".to_owned());
            flags.push(format!("{field}:{values}"));
        }
        let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
        LabelColumns::check(&import_args(&flags[..16]), 2).unwrap();
        let error = LabelColumns::check(&import_args(&flags), 2).unwrap_err();
        assert!(
            error.message.contains("line 1: 72 labels"),
            "{}",
            error.message
        );
        // A --labels line may repeat the range labels of the same value (an export's
        // labels.txt), not carry another value of the field.
        let same: Vec<String> = point_labels(0, 5).iter().map(u64::to_string).collect();
        let other: Vec<String> = point_labels(0, 9).iter().map(u64::to_string).collect();
        let labels = text_file(
            dir.path(),
            "r.txt",
            &format!("{}\n{}\n", same.join(","), other.join(",")),
        );
        let args = import_args(&["--labels", &labels, "--range-u32", &format!("0:{values}")]);
        let mut columns = LabelColumns::open(&args).unwrap().unwrap();
        let mut rows = Vec::new();
        columns.read(1, &mut rows).unwrap();
        assert_eq!(rows[0], point_labels(0, 5));
        let error = columns.read(1, &mut rows).unwrap_err();
        assert!(
            error
                .message
                .contains("line 2: holds range labels of field 0"),
            "{}",
            error.message
        );
        // Bad FIELD:FILE values.
        assert!(parse_range_column("x.txt").is_err());
        assert!(parse_range_column("256:x.txt")
            .unwrap_err()
            .contains("\"256\""));
        assert!(parse_range_column("1:").is_err());
        assert_eq!(
            parse_range_column("1:a:b.txt"),
            Ok(RangeColumn {
                field: 1,
                path: PathBuf::from("a:b.txt")
            })
        );
    }

    #[test]
    fn fvecs_reads_back() {
        let mut f = tempfile::Builder::new()
            .suffix(".fvecs")
            .tempfile()
            .unwrap();
        for i in 0..5 {
            f.write_all(&2i32.to_le_bytes()).unwrap();
            f.write_all(&(i as f32).to_le_bytes()).unwrap();
            f.write_all(&1.5f32.to_le_bytes()).unwrap();
        }
        f.flush().unwrap();
        let mut file = VectorFile::open(f.path(), Format::Auto).unwrap();
        assert_eq!((file.count, file.dim), (5, 2));
        let mut out = Vec::new();
        assert_eq!(file.read_batch(3, &mut out).unwrap(), 3);
        assert_eq!(file.read_batch(3, &mut out).unwrap(), 2);
        assert_eq!(out[8], 4.0);
    }
}
