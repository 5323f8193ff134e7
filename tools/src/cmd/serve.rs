//! `corevec serve`: run a node.
//!
//! Order of events: resolve and validate the configuration (exit 2), start logging, read the
//! auth token, check that nothing listens on `listen` or `metrics_listen` yet (exit 4; see
//! `probe_listen`), lock the data directory (exit 3), install the signal handler, start the
//! metrics endpoint (exit 4 if it cannot listen; `/readyz` answers 503 from here on), start the engine
//! with the server on every core (recovery), wait until every core listens (exit 4 if one
//! cannot), mark `/readyz` ready, tell systemd `READY=1`, and wait for SIGTERM/SIGINT. Then:
//! `/readyz` 503, `STOPPING=1`, stop accepting, let requests in flight finish (bounded), close
//! connections, snapshot every collection if `snapshot_on_shutdown` is set, shut the engine
//! down (which makes every WAL durable), exit 0. A second signal exits 1 at once.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use clap::Args;
use corevec_engine::{Engine, EngineConfig};
use corevec_net::{MetricsError, MetricsServer, NetError, Readiness, Server};
use corevec_storage::WalConfig;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::config::{LogFormat, ServeConfig, ServeFlags};
use crate::lock::lock_data_dir;
use crate::{exit, systemd, Context, Failure};

/// How long every core may take to start listening (engine recovery happens before this).
const LISTEN_TIMEOUT: Duration = Duration::from_secs(30);
/// Slack on top of the configured drain bound for the cores to report that they stopped.
const STOP_SLACK: Duration = Duration::from_secs(5);
/// How long the engine may take to flush and stop after the server stopped.
const ENGINE_STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a metrics scrape in progress may keep the engine handle at shutdown.
const METRICS_DETACH_TIMEOUT: Duration = Duration::from_secs(10);

/// Arguments of `corevec serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Settings (each also from `COREVEC_*` and the `--config` file).
    #[command(flatten)]
    pub flags: ServeFlags,
    /// Print the effective configuration as TOML and exit (nothing is started).
    #[arg(long)]
    pub print_config: bool,
}

/// Runs `corevec serve`.
///
/// # Errors
/// A [`Failure`] with the exit code documented in `--help`.
pub fn run(args: ServeArgs) -> Result<(), Failure> {
    let config = ServeConfig::resolve(&args.flags)?;
    if args.print_config {
        print!("{}", config.to_toml());
        return Ok(());
    }
    init_logging(&config);
    let token = match &config.auth_token_file {
        Some(path) => Some(read_token(path, "auth_token_file")?),
        None => None,
    };
    // Before the lock: a node that cannot listen leaves no LOCK behind (in a backup, say).
    probe_listen(config.listen, "listen")?;
    probe_listen(config.metrics_listen, "metrics_listen")?;
    let lock = lock_data_dir(&config.data_dir)?;
    tracing::debug!(lock = %lock.path().display(), "data directory locked");
    let signals = install_signal_handler()?;

    let mut server =
        Server::new(config.server_config(token)).map_err(|e| Failure::usage(e.to_string()))?;
    // Up before recovery: `/healthz` answers and `/readyz` says 503 while shards load.
    let metrics = start_metrics(config.metrics_listen, server.state())?;
    let engine_config = EngineConfig {
        cores: config.cores.clone(),
        data_dir: Some(config.data_dir.clone()),
        wal: WalConfig {
            durability: config.durability,
            write_through: config.wal_write_through,
            writes_in_flight: config.wal_writes_in_flight,
            ..WalConfig::default()
        },
        compaction: config.compaction,
        snapshot_wal_bytes: config.snapshot_wal_mib << 20,
        min_free_bytes: config.min_free_mib << 20,
        max_memory_bytes: memory_limit(config.max_memory_percent),
        ..EngineConfig::default()
    };
    let engine = Engine::start_with(engine_config, server.on_core()).context(format!(
        "starting the engine on {}",
        config.data_dir.display()
    ))?;
    let engine = Arc::new(engine);
    metrics.attach_engine(Arc::clone(&engine));
    let cores = engine.cores();
    if let Err(e) = server.listen(cores, LISTEN_TIMEOUT) {
        let _ = server.shutdown(cores, STOP_SLACK);
        if let Ok(engine) = metrics.detach_engine(engine, METRICS_DETACH_TIMEOUT) {
            let _ = engine.shutdown();
        }
        return Err(match e {
            NetError::Bind { .. } => Failure {
                exit_code: exit::LISTEN,
                message: e.to_string(),
            },
            other => Failure::runtime(other.to_string()),
        });
    }
    tracing::info!(
        listen = %config.listen,
        cores,
        data_dir = %config.data_dir.display(),
        durability = %config.durability,
        auth = config.auth_token_file.is_some(),
        "corevec serving"
    );
    metrics.set_readiness(Readiness::Ready);
    systemd::notify("READY=1");

    let signal = signals.recv().unwrap_or(SIGTERM);
    tracing::info!(
        signal,
        "shutting down gracefully (a second signal forces exit)"
    );
    metrics.set_readiness(Readiness::ShuttingDown);
    systemd::notify("STOPPING=1");
    let server_config = server.state().config.clone();
    let drain_bound = server_config.shutdown_timeout + server_config.write_timeout + STOP_SLACK;
    if let Err(e) = server.shutdown(cores, drain_bound) {
        tracing::warn!(error = %e, "server did not stop cleanly; stopping the engine anyway");
    }
    let snapshot_failure = if config.snapshot_on_shutdown {
        snapshot_before_stop(&engine)
    } else {
        None
    };
    let engine = metrics
        .detach_engine(engine, METRICS_DETACH_TIMEOUT)
        .map_err(|_| {
            Failure::runtime(format!(
                "a metrics scrape held the engine for over {} s; exiting without a clean engine \
                 stop (the WAL holds every acknowledged write)",
                METRICS_DETACH_TIMEOUT.as_secs()
            ))
        })?;
    let (done_sender, done) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done_sender.send(engine.shutdown());
    });
    let stopped = match done.recv_timeout(ENGINE_STOP_TIMEOUT) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(Failure::runtime(format!("engine shutdown: {e}"))),
        Err(_) => Err(Failure::runtime(format!(
            "engine did not stop within {} s",
            ENGINE_STOP_TIMEOUT.as_secs()
        ))),
    };
    metrics.stop();
    stopped?;
    if let Some(e) = snapshot_failure {
        return Err(Failure::runtime(format!(
            "snapshot at shutdown failed: {e} (the WAL holds every acknowledged write; the next \
             start replays it)"
        )));
    }
    tracing::info!("stopped");
    Ok(())
}

/// `snapshot_on_shutdown`: snapshots every collection once the server has drained (no client
/// write can race it). Returns the error, if any, after logging it; the shutdown goes on.
fn snapshot_before_stop(engine: &Engine) -> Option<String> {
    let started = Instant::now();
    tracing::info!("snapshotting every collection before stopping (snapshot_on_shutdown)");
    match engine.snapshot(None) {
        Ok(()) => {
            tracing::info!(
                elapsed_ms = started.elapsed().as_millis() as u64,
                "shutdown snapshot written"
            );
            None
        }
        Err(e) => {
            tracing::error!(error = %e, "shutdown snapshot failed; stopping anyway");
            Some(e.to_string())
        }
    }
}

fn init_logging(config: &ServeConfig) {
    // Checked when the configuration was read.
    let filter = crate::config::log_filter(&config.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| StderrLossy)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_thread_names(true);
    let result = match config.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    if let Err(e) = result {
        crate::print_stderr(&format!("corevec: logging already initialised: {e}"));
    }
}

/// Stderr for logs, ignoring write errors: a closed stderr (a log pipe that went away) must
/// not take the server down, and tracing-subscriber reports writer errors with `eprintln!`,
/// which panics when stderr is gone.
struct StderrLossy;

impl std::io::Write for StderrLossy {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let _ = std::io::stderr().flush();
        Ok(())
    }
}

/// The metrics endpoint on `addr` (`metrics_listen`) for the server behind `state`.
///
/// # Errors
/// Exit 4 when the address cannot be bound, else 1.
pub(crate) fn start_metrics(
    addr: std::net::SocketAddr,
    state: &Arc<corevec_net::ServerState>,
) -> Result<MetricsServer, Failure> {
    MetricsServer::start(addr, Arc::clone(state)).map_err(|e| match e {
        MetricsError::Bind { .. } => Failure {
            exit_code: exit::LISTEN,
            message: format!("{e} (metrics_listen)"),
        },
        other => Failure::runtime(other.to_string()),
    })
}

/// Refuses an address some socket already listens on, before anything binds it for real:
/// exit 4. Needed because the cores bind `listen` with SO_REUSEPORT (so that every core can),
/// which the kernel also grants to a second `corevec serve` of the same user: the two would
/// share the connections silently. A plain bind without SO_REUSEPORT fails with EADDRINUSE
/// while any socket listens on the address, SO_REUSEPORT or not; the probe is closed at once.
///
/// The same bind also fails while connections of a node that just died (kill -9, a crash)
/// linger on the port (FIN_WAIT, TIME_WAIT: the cores' listener does not set SO_REUSEADDR, so
/// neither do its connections), although nothing listens and the cores' own SO_REUSEPORT
/// bind succeeds: a restart must not be refused then. So EADDRINUSE is only a refusal when a
/// socket in LISTEN state holds the address ([`listening_on`]). (A process that binds
/// between the probe and the cores is not caught.)
///
/// # Errors
/// Exit 4 naming the address and `key`.
pub(crate) fn probe_listen(addr: SocketAddr, key: &str) -> Result<(), Failure> {
    let e = match std::net::TcpListener::bind(addr) {
        Ok(probe) => {
            drop(probe);
            return Ok(());
        }
        Err(e) => e,
    };
    let refused = |hint: String| Failure {
        exit_code: exit::LISTEN,
        message: format!("cannot listen on {addr} ({key}): {e}{hint}"),
    };
    if e.kind() != std::io::ErrorKind::AddrInUse {
        return Err(refused(String::new()));
    }
    match listening_on(addr) {
        Ok(true) => Err(refused(
            "; another process listens there (another corevec serve?): stop it or choose \
             another address"
                .to_owned(),
        )),
        Ok(false) => {
            tracing::debug!(%addr, key, "address busy with connections only (a node that just \
                stopped?), no listener: going on");
            Ok(())
        }
        Err(proc_error) => Err(refused(format!(
            "; and whether a socket listens there cannot be read from /proc/net/tcp*: \
             {proc_error}"
        ))),
    }
}

/// Whether a TCP socket in LISTEN state (this network namespace, `/proc/net/tcp` and
/// `tcp6`) holds `addr`'s port on an address that a bind of `addr` conflicts with: the same
/// IP, or either one a wildcard.
fn listening_on(addr: SocketAddr) -> std::io::Result<bool> {
    const TCP_LISTEN: &str = "0A";
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = match std::fs::read_to_string(table) {
            Ok(text) => text,
            // No IPv6 in this kernel: nothing listens there.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        // `sl local_address rem_address st ...`, addresses as `HEXIP:HEXPORT`.
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().take(4).collect();
            let [_, local, _, state] = fields[..] else {
                continue;
            };
            if state != TCP_LISTEN {
                continue;
            }
            let Some((ip, port)) = local.split_once(':') else {
                continue;
            };
            if u16::from_str_radix(port, 16).ok() != Some(addr.port()) {
                continue;
            }
            let Some(ip) = proc_net_ip(ip) else {
                continue;
            };
            let same = ip == addr.ip() || ip.to_canonical() == addr.ip().to_canonical();
            if same || ip.is_unspecified() || addr.ip().is_unspecified() {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// An address as `/proc/net/tcp{,6}` prints it: the network-order bytes as one (IPv4) or
/// four (IPv6) 32-bit words in the host's byte order, each as 8 hex digits.
fn proc_net_ip(hex: &str) -> Option<std::net::IpAddr> {
    let words: Option<Vec<u32>> = (0..hex.len() / 8)
        .map(|i| hex.get(i * 8..i * 8 + 8))
        .map(|word| word.and_then(|w| u32::from_str_radix(w, 16).ok()))
        // The word holds the address bytes in memory order: from_be turns it into the
        // address's numeric value on either host byte order.
        .map(|word| word.map(u32::from_be))
        .collect();
    match (hex.len(), words?.as_slice()) {
        (8, &[v4]) => Some(std::net::Ipv4Addr::from(v4).into()),
        (32, &[a, b, c, d]) => Some(
            std::net::Ipv6Addr::from(
                u128::from(a) << 96 | u128::from(b) << 64 | u128::from(c) << 32 | u128::from(d),
            )
            .into(),
        ),
        _ => None,
    }
}

/// The memory limit `max_memory_percent` sets, in bytes (0: no limit), logged: `percent` of
/// the machine's memory (`MemTotal`) or of the node's cgroup limit (`memory.max`, cgroup v2),
/// whichever is lower. A machine whose memory cannot be read gets no limit, and a warning.
fn memory_limit(percent: u32) -> u64 {
    if percent == 0 {
        return 0;
    }
    let total = match corevec_engine::rt::machine_memory_bytes() {
        Ok(total) => total,
        Err(error) => {
            tracing::warn!(%error, "cannot read the machine's memory: no memory limit (max_memory_percent)");
            return 0;
        }
    };
    let (available, source) = match cgroup_memory_max() {
        Some(cgroup) if cgroup < total => (cgroup, "the cgroup's memory.max"),
        _ => (total, "MemTotal"),
    };
    let limit = available / 100 * u64::from(percent);
    tracing::info!(
        limit_mib = limit >> 20,
        of_mib = available >> 20,
        source,
        percent,
        "memory limit: writes that add data are refused above it"
    );
    limit
}

/// The cgroup v2 memory limit of this process (`memory.max` of the cgroup that
/// `/proc/self/cgroup` names), if it has one.
fn cgroup_memory_max() -> Option<u64> {
    let cgroups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let path = cgroups.lines().find_map(|line| line.strip_prefix("0::"))?;
    let max =
        std::fs::read_to_string(format!("/sys/fs/cgroup{}/memory.max", path.trim_end())).ok()?;
    max.trim().parse::<u64>().ok()
}

/// The most of an auth token file [`read_token`] reads: a token of the longest length with
/// room for trailing whitespace.
const TOKEN_FILE_BYTES_MAX: u64 = corevec_proto::AUTH_TOKEN_BYTES_MAX as u64 + 4096;

/// Reads the token of the auth token file `path` (`what` names it in errors: the key or flag
/// that gave it); trailing whitespace (the newline editors and `echo` write) is not part of
/// it. At most [`TOKEN_FILE_BYTES_MAX`] bytes are read, so a path to a device or a huge file
/// fails at once instead of filling memory.
pub(crate) fn read_token(path: &Path, what: &str) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let mut token = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(TOKEN_FILE_BYTES_MAX).read_to_end(&mut token))
        .map_err(|e| Failure::usage(format!("cannot read {what} {}: {e}", path.display())))?;
    let cut_short = token.len() as u64 == TOKEN_FILE_BYTES_MAX;
    while token.last().is_some_and(u8::is_ascii_whitespace) {
        token.pop();
    }
    let max = corevec_proto::AUTH_TOKEN_BYTES_MAX;
    if cut_short || token.len() > max {
        return Err(Failure::usage(format!(
            "{what} {}: the token is longer than {max} bytes",
            path.display()
        )));
    }
    if token.is_empty() {
        return Err(Failure::usage(format!(
            "{what} {} is empty",
            path.display()
        )));
    }
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(
                file = %path.display(),
                "auth token file is readable by group or others; chmod 600 it"
            );
        }
    }
    Ok(token)
}

/// First SIGTERM/SIGINT: reported on the returned channel (graceful shutdown). Second: exit 1
/// at once, from the signal thread.
pub(crate) fn install_signal_handler() -> Result<mpsc::Receiver<i32>, Failure> {
    let mut signals =
        Signals::new([SIGTERM, SIGINT]).context("installing the SIGTERM/SIGINT handler")?;
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("corevec-signals".into())
        .spawn(move || {
            let mut received = 0;
            for signal in signals.forever() {
                received += 1;
                if received == 1 {
                    let _ = sender.send(signal);
                } else {
                    crate::print_stderr(&format!("corevec: second signal ({signal}); exiting now"));
                    std::process::exit(i32::from(exit::RUNTIME));
                }
            }
        })
        .context("starting the signal thread")?;
    Ok(receiver)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_net_addresses_parse() {
        assert_eq!(proc_net_ip("0100007F"), Some("127.0.0.1".parse().unwrap()));
        assert_eq!(proc_net_ip("00000000"), Some("0.0.0.0".parse().unwrap()));
        assert_eq!(
            proc_net_ip("00000000000000000000000001000000"),
            Some("::1".parse().unwrap())
        );
        assert_eq!(
            proc_net_ip("0000000000000000FFFF00000100007F"),
            Some("::ffff:127.0.0.1".parse().unwrap())
        );
        assert_eq!(proc_net_ip("0100007"), None);
        assert_eq!(proc_net_ip("zz00007F"), None);
    }

    #[test]
    fn a_listener_is_found_and_a_closed_one_is_not() {
        let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = held.local_addr().unwrap();
        assert!(listening_on(addr).unwrap());
        let wildcard: SocketAddr = ([0, 0, 0, 0], addr.port()).into();
        assert!(
            listening_on(wildcard).unwrap(),
            "0.0.0.0 overlaps 127.0.0.1"
        );
        // A connection on the port is not a listener.
        let client = std::net::TcpStream::connect(addr).unwrap();
        let (served, _) = held.accept().unwrap();
        drop(held);
        assert!(!listening_on(addr).unwrap());
        drop((client, served));
    }

    #[test]
    fn connections_alone_on_the_port_do_not_refuse_it() {
        // What a node killed a moment ago leaves: connections on its port (here the client
        // end of one, whose ephemeral port was bound without SO_REUSEADDR) make the probe's
        // bind fail with EADDRINUSE, but nothing listens, so the node may start.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let port_of_client = client.local_addr().unwrap();
        let bind = std::net::TcpListener::bind(port_of_client).map(drop);
        assert_eq!(
            bind.unwrap_err().kind(),
            std::io::ErrorKind::AddrInUse,
            "the premise: a plain bind is refused"
        );
        probe_listen(port_of_client, "listen").unwrap();
    }

    #[test]
    fn an_address_in_use_is_refused_and_a_free_one_stays_free() {
        let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = held.local_addr().unwrap();
        let refused = probe_listen(addr, "metrics_listen").unwrap_err();
        assert_eq!(refused.exit_code, exit::LISTEN);
        for part in [
            &addr.to_string(),
            "metrics_listen",
            "another process listens",
        ] {
            assert!(refused.message.contains(part), "{}", refused.message);
        }
        drop(held);
        probe_listen(addr, "listen").unwrap();
        // The probe does not keep the address.
        std::net::TcpListener::bind(addr).unwrap();
    }

    #[test]
    fn token_files_are_read_bounded_and_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let max = corevec_proto::AUTH_TOKEN_BYTES_MAX;
        let mut longest = vec![b'k'; max];
        longest.extend_from_slice(b" \r\n\n");
        let read = read_token(&file("longest", &longest), "t").unwrap();
        assert_eq!(read, vec![b'k'; max]);
        let long = read_token(&file("long", &vec![b'k'; max + 1]), "auth_token_file").unwrap_err();
        assert!(
            long.message.contains("longer than 1024 bytes"),
            "{}",
            long.message
        );
        let empty = read_token(&file("empty", b" \n"), "t").unwrap_err();
        assert!(empty.message.ends_with("is empty"), "{}", empty.message);
        // A device that never ends is refused after a bounded read.
        let endless = read_token(Path::new("/dev/zero"), "t").unwrap_err();
        assert!(
            endless.message.contains("longer than"),
            "{}",
            endless.message
        );
        let missing = read_token(&dir.path().join("none"), "--auth-token-file").unwrap_err();
        assert!(missing.message.starts_with("cannot read --auth-token-file"));
    }
}
