#!/usr/bin/env bash
# Installs what building and testing corevec needs on Debian, when it is missing:
# hwloc (topology, via hwlocality) and the libraries it links, pkg-config, and Python for the
# Python client's tests. Safe to run repeatedly; needs root (or sudo) only when installing.
set -euo pipefail

packages=(pkg-config libhwloc-dev libudev-dev python3 python3-venv)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "setup: installing ${missing[*]}" >&2
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "setup: cargo not found; install the Rust toolchain (rustup)" >&2; exit 1; }
