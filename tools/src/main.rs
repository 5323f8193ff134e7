//! # corevec: the composition root
//!
//! **Owns:** wiring the layers into one process an operator installs: configuration (TOML file,
//! `COREVEC_*` environment, flags), logging, the data-directory lock, signals and systemd
//! readiness, the engine on the selected cores (`corevec-engine`), the server on every core
//! (`corevec-net`), and the thin client commands (`corevec-client`). Exit codes are listed in
//! `corevec --help`.
//!
//! **Must never:** hold logic that belongs to a layer (protocol rules, engine behaviour,
//! storage formats); it only decides *which* parts run and with what settings. Errors are
//! rendered here once, with context, for a human.
//!
//! The code lives in the `corevec_tools` library (`src/lib.rs`, `src/cmd/*.rs`) so that the
//! integration tests can build this same entry point.

fn main() -> std::process::ExitCode {
    corevec_tools::main()
}
