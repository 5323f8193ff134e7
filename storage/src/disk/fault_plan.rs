//! Process-wide fault injection for the production file layer ([`super::DmaDirectory`]).
//!
//! Compiled only with the cargo feature `fault-injection` of `corevec-storage` (and in this
//! crate's own unit tests); without it the module does not exist and `DmaFileHandle` has no
//! hook, so release builds pay nothing. With it and no plan installed, each hooked call costs
//! one `OnceLock::get` (an atomic load).
//!
//! A [`FaultPlan`] names an operation ([`FaultOp`]: `write_at`, `sync` = `fdatasync`,
//! `allocate` = `fallocate`, which `allocate_zeroed` also calls), a substring of the file's
//! full path (`"wal-0"` for the numbered WAL segments, `"snap-"` for snapshot files, `""` for
//! every file), how many matching calls to let through first (`skip`), how many to fail after
//! that (`count`, `u64::MAX` = forever) and the error ([`FaultKind::Eio`] or
//! [`FaultKind::NoSpace`]). A failing call returns before any real I/O, with exactly the error
//! a real EIO / ENOSPC from the kernel produces (`Error::io(op, path,
//! io::Error::from_raw_os_error(..))`, so ENOSPC becomes
//! [`Error::NoSpace`]). The zero-fill writes inside `allocate_zeroed`
//! are not hooked: a `write` plan counts `write_at` calls only (segment headers, record groups,
//! snapshot blobs and manifests).
//!
//! Plans are installed once per process with [`install`], typically from the environment
//! variable [`ENV_VAR`] via [`install_from_env`]: the `corevec-test-node` binary of
//! `corevec-tests` does that before starting the server; the `corevec` binary never calls
//! either, so even a build where cargo's feature unification switched the feature on (a
//! `cargo build --workspace`) cannot be made to fail I/O by an environment variable.
//!
//! Text form, one or more rules separated by `,`:
//! `OP:PATH_SUBSTRING[:skip=N][:count=N|forever]:KIND`, with `OP` one of `write`, `sync`,
//! `allocate` and `KIND` one of `eio`, `enospc` (the optional fields may come in any order
//! before or after `KIND`). Example: `write:wal-0:skip=200:count=1:eio` fails the 201st
//! `write_at` to a WAL segment in the process with EIO, once. The path substring cannot
//! contain `:` or `,`. Counting is across all executor threads of the process, in the order
//! the calls reach the hook.

use std::{
    fmt, io,
    path::Path,
    str::FromStr,
    sync::{
        atomic::{AtomicU64, Ordering},
        OnceLock,
    },
};

use super::FaultKind;
use crate::error::{Error, Result};

/// Environment variable read by [`install_from_env`].
pub const ENV_VAR: &str = "COREVEC_FAULTS";

/// A hooked file operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultOp {
    /// `File::write_at`.
    Write,
    /// `File::sync` (`fdatasync`).
    Sync,
    /// `File::allocate` (`fallocate`; also the first step of `allocate_zeroed`).
    Allocate,
}

impl FaultOp {
    fn as_str(self) -> &'static str {
        match self {
            FaultOp::Write => "write",
            FaultOp::Sync => "sync",
            FaultOp::Allocate => "allocate",
        }
    }
}

/// One fault rule. See the module docs for the text form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultPlan {
    /// The operation to fail.
    pub op: FaultOp,
    /// Only files whose full path contains this (empty: every file).
    pub path_contains: String,
    /// Let this many matching calls succeed first.
    pub skip: u64,
    /// Then fail this many (`u64::MAX`: every later matching call).
    pub count: u64,
    /// The error returned.
    pub kind: FaultKind,
}

impl fmt::Display for FaultPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FaultKind::Eio => "eio",
            FaultKind::NoSpace => "enospc",
        };
        write!(
            f,
            "{}:{}:skip={}:count=",
            self.op.as_str(),
            self.path_contains,
            self.skip
        )?;
        if self.count == u64::MAX {
            f.write_str("forever")?;
        } else {
            write!(f, "{}", self.count)?;
        }
        write!(f, ":{kind}")
    }
}

/// A fault plan text that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid fault plan {text:?}: {reason} (expected OP:PATH_SUBSTRING[:skip=N][:count=N|forever]:KIND, \
     OP = write|sync|allocate, KIND = eio|enospc, rules separated by ',')"
)]
pub struct ParseFaultPlanError {
    text: String,
    reason: String,
}

impl FaultPlan {
    /// Parses one or more rules separated by `,` (empty text: no rules).
    ///
    /// # Errors
    /// If any rule does not parse.
    pub fn parse_list(text: &str) -> Result<Vec<FaultPlan>, ParseFaultPlanError> {
        text.split(',')
            .map(str::trim)
            .filter(|rule| !rule.is_empty())
            .map(str::parse)
            .collect()
    }

    /// Whether this rule looks at `op` on `path`.
    fn matches(&self, op: FaultOp, path: &Path) -> bool {
        op == self.op
            && (self.path_contains.is_empty()
                || path.to_string_lossy().contains(&self.path_contains))
    }

    /// Whether the matching call with 0-based index `seen` fails.
    fn fails_at(&self, seen: u64) -> bool {
        seen >= self.skip && seen - self.skip < self.count
    }

    fn error(&self) -> io::Error {
        io::Error::from_raw_os_error(match self.kind {
            FaultKind::Eio => libc::EIO,
            FaultKind::NoSpace => libc::ENOSPC,
        })
    }
}

impl FromStr for FaultPlan {
    type Err = ParseFaultPlanError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let fail = |reason: &str| ParseFaultPlanError {
            text: text.to_owned(),
            reason: reason.to_owned(),
        };
        let mut fields = text.split(':');
        let op = match fields.next().map(str::trim) {
            Some("write") => FaultOp::Write,
            Some("sync") => FaultOp::Sync,
            Some("allocate") => FaultOp::Allocate,
            _ => return Err(fail("unknown operation")),
        };
        let path_contains = fields
            .next()
            .ok_or_else(|| fail("missing path substring"))?
            .to_owned();
        let (mut skip, mut count, mut kind) = (None, None, None);
        for field in fields {
            let number = |value: &str| {
                value
                    .parse::<u64>()
                    .map_err(|_| fail(&format!("{value:?} is not a number")))
            };
            let previous = match field.split_once('=') {
                Some(("skip", value)) => skip.replace(number(value)?).map(drop),
                Some(("count", "forever")) => count.replace(u64::MAX).map(drop),
                Some(("count", value)) => count.replace(number(value)?).map(drop),
                None if field == "eio" => kind.replace(FaultKind::Eio).map(drop),
                None if field == "enospc" => kind.replace(FaultKind::NoSpace).map(drop),
                _ => return Err(fail(&format!("unknown field {field:?}"))),
            };
            if previous.is_some() {
                return Err(fail(&format!("field {field:?} given twice")));
            }
        }
        let count = count.unwrap_or(1);
        if count == 0 {
            return Err(fail("count=0 never fails anything"));
        }
        Ok(FaultPlan {
            op,
            path_contains,
            skip: skip.unwrap_or(0),
            count,
            kind: kind.ok_or_else(|| fail("missing error kind"))?,
        })
    }
}

/// A rule and its count of matching calls so far.
#[derive(Debug)]
struct Armed {
    plan: FaultPlan,
    seen: AtomicU64,
}

impl Armed {
    fn new(plan: FaultPlan) -> Self {
        Armed {
            plan,
            seen: AtomicU64::new(0),
        }
    }

    /// Counts the call if it matches; the error to return if it is to fail.
    fn check(&self, op: FaultOp, path: &Path) -> Option<io::Error> {
        if !self.plan.matches(op, path) {
            return None;
        }
        let seen = self.seen.fetch_add(1, Ordering::Relaxed);
        self.plan.fails_at(seen).then(|| self.plan.error())
    }
}

static PLANS: OnceLock<Box<[Armed]>> = OnceLock::new();
static INJECTED: AtomicU64 = AtomicU64::new(0);

/// Installs `plans` for the rest of the process. Returns them back if plans were already
/// installed (they cannot be replaced: counters are process-wide).
///
/// # Errors
/// The plans, if some were installed before.
pub fn install(plans: Vec<FaultPlan>) -> Result<(), Vec<FaultPlan>> {
    let mut fresh = Some(plans);
    PLANS.get_or_init(|| {
        let plans = fresh.take().unwrap_or_default();
        plans.into_iter().map(Armed::new).collect()
    });
    match fresh {
        None => Ok(()),
        Some(plans) => Err(plans),
    }
}

/// Parses [`ENV_VAR`] and installs its rules; returns them (empty when the variable is unset
/// or empty, and then nothing is installed).
///
/// # Errors
/// If the variable does not parse or is not UTF-8 (nothing installed), or plans were installed
/// before.
pub fn install_from_env() -> Result<Vec<FaultPlan>, String> {
    let text = match std::env::var(ENV_VAR) {
        Ok(text) => text,
        Err(std::env::VarError::NotPresent) => return Ok(Vec::new()),
        Err(e) => return Err(format!("{ENV_VAR}: {e}")),
    };
    let plans = FaultPlan::parse_list(&text).map_err(|e| format!("{ENV_VAR}: {e}"))?;
    if plans.is_empty() {
        return Ok(plans);
    }
    install(plans.clone()).map_err(|_| format!("{ENV_VAR}: fault plans were already installed"))?;
    Ok(plans)
}

/// Faults injected so far in this process.
pub fn injected_count() -> u64 {
    INJECTED.load(Ordering::Relaxed)
}

/// The hook: `Err` with the injected error if an installed rule fails this call. `name` is
/// the operation name the real call would report (`"write"`, `"fdatasync"`, `"fallocate"`).
#[cfg_attr(not(feature = "fault-injection"), allow(dead_code))]
pub(crate) fn check(op: FaultOp, name: &'static str, path: &Path) -> Result<()> {
    let Some(plans) = PLANS.get() else {
        return Ok(());
    };
    // Every rule counts the call, even when an earlier one already fails it.
    let mut failure = None;
    for armed in plans.iter() {
        if let Some(error) = armed.check(op, path) {
            failure.get_or_insert((error, &armed.plan));
        }
    }
    match failure {
        None => Ok(()),
        Some((source, plan)) => {
            INJECTED.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(path = %path.display(), op = name, rule = %plan, error = %source, "fault injection: failing a file operation");
            Err(Error::io(name, path, source))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &str) -> FaultPlan {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(
            plan("write:wal-:skip=200:count=1:eio"),
            FaultPlan {
                op: FaultOp::Write,
                path_contains: "wal-".into(),
                skip: 200,
                count: 1,
                kind: FaultKind::Eio,
            }
        );
        let p = plan("sync::enospc:count=forever");
        assert_eq!(
            (p.op, p.path_contains.as_str(), p.skip, p.count, p.kind),
            (FaultOp::Sync, "", 0, u64::MAX, FaultKind::NoSpace)
        );
        assert_eq!(plan("allocate:snap-:eio").count, 1, "count defaults to 1");
        for text in [
            "write:wal-:skip=3:count=2:eio",
            "sync::skip=0:count=forever:enospc",
        ] {
            assert_eq!(plan(&plan(text).to_string()), plan(text), "{text}");
        }
        let list = FaultPlan::parse_list(" write:wal-:eio , sync:snap-:enospc ,").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].op, FaultOp::Sync);
        assert!(FaultPlan::parse_list("").unwrap().is_empty());
    }

    #[test]
    fn rejects_bad_text_with_a_reason() {
        for (text, reason) in [
            ("", "unknown operation"),
            ("read:wal-:eio", "unknown operation"),
            ("write", "missing path substring"),
            ("write:wal-", "missing error kind"),
            ("write:wal-:skip=x:eio", "not a number"),
            ("write:wal-:skip=1:skip=2:eio", "given twice"),
            ("write:wal-:eio:enospc", "given twice"),
            ("write:wal-:count=0:eio", "never fails"),
            ("write:wal-:eio:often", "unknown field"),
        ] {
            let error = text.parse::<FaultPlan>().unwrap_err().to_string();
            assert!(error.contains(reason), "{text:?}: {error}");
        }
        assert!(FaultPlan::parse_list("write:wal-:eio,bogus").is_err());
    }

    #[test]
    fn skips_then_fails_count_matching_calls_only() {
        let armed = Armed::new(plan("write:wal-:skip=2:count=3:enospc"));
        let wal = Path::new("/data/c/shard-0/wal-00000000000000000001.log");
        let snap = Path::new("/data/c/shard-0/snap-00000000000000000009.tmp/MANIFEST");
        let mut outcomes = Vec::new();
        for _ in 0..7 {
            assert!(armed.check(FaultOp::Write, snap).is_none());
            assert!(armed.check(FaultOp::Sync, wal).is_none());
            outcomes.push(armed.check(FaultOp::Write, wal).map(|e| e.raw_os_error()));
        }
        let enospc = Some(Some(libc::ENOSPC));
        assert_eq!(
            outcomes,
            [None, None, enospc, enospc, enospc, None, None],
            "two pass, three fail, the rest pass again"
        );
        let forever = Armed::new(plan("allocate::count=forever:eio"));
        for _ in 0..100 {
            let error = forever.check(FaultOp::Allocate, Path::new("/any")).unwrap();
            assert_eq!(error.raw_os_error(), Some(libc::EIO));
        }
    }

    #[test]
    fn injected_errors_map_like_real_ones() {
        let path = Path::new("/d/wal-1.log");
        let nospace = Error::io("write", path, plan("write::enospc").error());
        assert!(matches!(nospace, Error::NoSpace { op: "write", .. }));
        let eio = Error::io("fdatasync", path, plan("sync::eio").error());
        assert!(
            eio.to_string()
                .contains("I/O error during fdatasync on /d/wal-1.log"),
            "{eio}"
        );
        assert!(
            matches!(eio, Error::Io { ref source, .. } if source.raw_os_error() == Some(libc::EIO))
        );
    }
}

/// The hook in the real file layer: the only test in this binary that installs a plan (its
/// rules only match files under its own directory).
#[cfg(all(test, feature = "fault-injection"))]
mod dma_tests {
    use super::*;
    use crate::disk::{Directory, DmaDirectory, File, BLOCK_BYTES};

    #[test]
    fn dma_files_fail_as_planned_and_work_again_after() {
        let root = std::env::temp_dir().join(format!("corevec-fault-plan-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let under = |name: &str| format!("{}/{name}", root.display());
        let plans = FaultPlan::parse_list(&format!(
            "write:{}:skip=1:count=1:eio,sync:{}:enospc,allocate:{}:count=forever:enospc",
            under("x"),
            under("x"),
            under("y")
        ))
        .unwrap();
        install(plans).unwrap();
        assert!(install(Vec::new()).is_err(), "plans are installed once");
        let dir_root = root.clone();
        glommio::LocalExecutorBuilder::default()
            .spawn(move || async move {
                let dir = DmaDirectory::open(&dir_root).await.unwrap();
                let x = dir.create_file("x").await.unwrap();
                let block = vec![7u8; BLOCK_BYTES];
                x.write_at(0, &block).await.unwrap();
                match x.write_at(BLOCK_BYTES as u64, &block).await {
                    Err(Error::Io {
                        op: "write",
                        path,
                        source,
                    }) => {
                        assert_eq!(path, dir_root.join("x"));
                        assert_eq!(source.raw_os_error(), Some(libc::EIO));
                    }
                    other => panic!("expected EIO, got {other:?}"),
                }
                assert!(
                    x.read_at(BLOCK_BYTES as u64, BLOCK_BYTES)
                        .await
                        .unwrap()
                        .is_empty(),
                    "the failed write never reached the file"
                );
                x.write_at(BLOCK_BYTES as u64, &block).await.unwrap();
                assert!(matches!(
                    x.sync().await,
                    Err(Error::NoSpace {
                        op: "fdatasync",
                        ..
                    })
                ));
                x.sync().await.unwrap();
                x.allocate(1 << 20).await.unwrap();
                let y = dir.create_file("y").await.unwrap();
                for _ in 0..3 {
                    assert!(matches!(
                        y.allocate_zeroed(1 << 20).await,
                        Err(Error::NoSpace {
                            op: "fallocate",
                            ..
                        })
                    ));
                }
                assert_eq!(y.size().await.unwrap(), 0);
                x.close().await.unwrap();
                y.close().await.unwrap();
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(injected_count(), 5);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
