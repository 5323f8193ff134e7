#!/usr/bin/env bash
# Installs what building and testing corevec needs on Debian, when it is missing:
# hwloc (topology, via hwlocality) and the libraries it links, pkg-config, a C toolchain, and
# Python with numpy for the Python client's tests (its numpy paths are tested too, and the
# end-to-end test refuses skipped tests). Safe to run repeatedly; needs root (or sudo) only
# when installing.
#
# The C toolchain: glommio's build.rs runs liburing's ./configure (a sh script that probes the
# compiler with `gcc`, its CC default) and compiles liburing and its C bindings with the cc
# crate (`cc`, which the gcc package provides, as it does the linker rustc calls); the C
# sources include the libc headers of libc6-dev. Nothing in the build runs make.
set -euo pipefail

packages=(gcc libc6-dev pkg-config libhwloc-dev libudev-dev python3 python3-venv python3-numpy)
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
# The `python3` on PATH may not be Debian's (pyenv, a venv): then the apt numpy is not its,
# and it gets numpy from PyPI.
if ! python3 -c 'import numpy' 2>/dev/null; then
    echo "setup: installing numpy for $(command -v python3) from PyPI" >&2
    python3 -m pip install --quiet numpy || {
        echo "setup: numpy is missing for $(command -v python3) and pip could not install it" >&2
        exit 1
    }
fi
