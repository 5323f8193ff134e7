//! The `corevec` binary's entry point, built inside this package for the integration tests
//! (see `tests/Cargo.toml`). Identical behaviour to `target/*/corevec`.

fn main() -> std::process::ExitCode {
    corevec_tools::main()
}
