//! The `corevec` binary's entry point, built inside this package for the integration tests
//! (see `tests/Cargo.toml`). Identical behaviour to `target/*/corevec`, plus one test hook:
//! `COREVEC_FAULTS` installs a fault plan in the real file layer before anything starts
//! (syntax in `corevec_storage::disk::fault_plan`; e.g. `write:wal-0:skip=20:count=1:eio`).

fn main() -> std::process::ExitCode {
    match corevec_storage::disk::fault_plan::install_from_env() {
        Ok(plans) if plans.is_empty() => {}
        Ok(plans) => {
            let rules: Vec<String> = plans.iter().map(ToString::to_string).collect();
            eprintln!(
                "corevec-test-node: fault injection armed: {}",
                rules.join(", ")
            );
        }
        Err(e) => {
            eprintln!("corevec-test-node: {e}");
            return std::process::ExitCode::from(2);
        }
    }
    corevec_tools::main()
}
