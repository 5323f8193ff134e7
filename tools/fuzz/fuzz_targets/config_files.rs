//! The configuration files the binaries read: `corevec serve --config` (`ServeConfig`,
//! `tools/src/config.rs`) and `corevec route --config` (`RouteSettings`,
//! `tools/src/cmd/route.rs`), from TOML text through the checks of every key.
//!
//! Byte 0 picks the file (even: serve, odd: route); the rest, if UTF-8, is its text (the
//! binaries read the file as UTF-8 and refuse it otherwise).
//!
//! Oracles: no panic; a refused file is a usage error (exit 2) that names the file; an
//! accepted one prints (`--print-config`) as a configuration file that is itself accepted and
//! gives the same settings (for serve, an equal `ServeConfig`; for route, the same printed
//! text). A router file naming a token file (`auth_token_file`, `node_auth_token_file`) is
//! skipped: resolving it reads that path from the disk, which is not the fuzzer's input.

#![no_main]

use corevec_tools::cmd::route::RouteSettings;
use corevec_tools::config::ServeConfig;
use corevec_tools::{exit, Failure};
use libfuzzer_sys::fuzz_target;

const NAME: &str = "fuzz.toml";

fn check_refusal(failure: &Failure) {
    assert_eq!(failure.exit_code, exit::USAGE, "{}", failure.message);
    assert!(
        failure.message.contains(NAME) || failure.message.starts_with("--log-level"),
        "a refusal names the file: {}",
        failure.message
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let origin = format!("config file {NAME}");
    if pick % 2 == 0 {
        match ServeConfig::from_file_text(text, &origin) {
            Ok(config) => {
                let printed = config.to_toml();
                match ServeConfig::from_file_text(&printed, &origin) {
                    Ok(again) => assert_eq!(again, config, "printed as:\n{printed}"),
                    Err(e) => panic!(
                        "--print-config printed a refused file: {}\n{printed}",
                        e.message
                    ),
                }
            }
            Err(failure) => check_refusal(&failure),
        }
    } else {
        if let Ok(table) = text.parse::<toml::Table>() {
            if table.contains_key("auth_token_file") || table.contains_key("node_auth_token_file") {
                return;
            }
        }
        match RouteSettings::from_file_text(text, NAME) {
            Ok(settings) => {
                let printed = settings.describe();
                match RouteSettings::from_file_text(&printed, NAME) {
                    Ok(again) => assert_eq!(again.describe(), printed),
                    Err(e) => panic!(
                        "--print-config printed a refused file: {}\n{printed}",
                        e.message
                    ),
                }
            }
            Err(failure) => check_refusal(&failure),
        }
    }
});
