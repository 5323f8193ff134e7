#!/usr/bin/env bash
# Runs every corevec test: installs build dependencies, checks formatting, lints and the API
# docs' links, then runs the whole workspace's tests (unit, property, integration with real
# processes on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
# glommio registers io_uring buffers; give the tests locked memory where we are allowed to.
ulimit -l unlimited 2>/dev/null || ulimit -l 65536 2>/dev/null || true
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
# The fuzz targets live in workspaces of their own (cargo-fuzz builds them with nightly flags):
# check that they still compile against the crates they fuzz.
for fuzz in net/proto/fuzz net/fuzz storage/fuzz engine/fuzz bench/datasets/fuzz tools/fuzz; do
    cargo check --locked --manifest-path "$fuzz/Cargo.toml" --target-dir target/fuzz-check
done
cargo test --workspace --locked
