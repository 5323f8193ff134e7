#!/usr/bin/env bash
# The main job on built-in defaults: build corevec, start a node with no configuration at all
# (data in ./corevec-data, listening on 127.0.0.1:7717, every physical core), load a dataset
# through the wire protocol (every point labelled `row % 10` and given a number 0..=999999 in
# range field 0), run a short query load with recall against exact ground truth, then two
# filtered ones against the exact filtered truth (only points with label 3; only points whose
# number is at most 99999, a numeric range filter), print the results, and stop the node
# gracefully.
#
# Dataset: the real sentence embeddings in ../shared/data/pypi-minilm-50k when present
# (50k x 384, normalised, exact top-100 ground truth); otherwise a seeded synthetic set of
# 50k x 128 clustered unit vectors whose ground truth corevec-load computes first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
ulimit -l unlimited 2>/dev/null || ulimit -l 65536 2>/dev/null || true

echo "== building (release)" >&2
cargo build --release --locked -p corevec-tools -p corevec-load
bin=target/release
addr=127.0.0.1:7717
collection=demo
work=$(mktemp -d)

shared=../shared/data/pypi-minilm-50k
if [ -f "$shared/base.fvecs" ] && [ -f "$shared/groundtruth.ivecs" ]; then
    base=$shared/base.fvecs
    queries=$shared/query.fvecs
    truth=$shared/groundtruth.ivecs
    echo "== dataset: real embeddings $shared" >&2
else
    base=synthetic:clusters:50000:128:100:0.1:42:norm
    queries=synthetic:clusters:1000:128:100:0.1:42:norm:skip=50000
    truth=$work/groundtruth.ivecs
    echo "== dataset: $base (no shared data found); computing exact ground truth" >&2
    "$bin/corevec-load" truth --base "$base" --queries "$queries" --k 100 --metric dot --out "$truth"
fi

echo "== starting corevec serve on defaults (data in ./corevec-data)" >&2
"$bin/corevec" serve > "$work/serve.log" 2>&1 &
server=$!
stop_server() {
    if kill -0 "$server" 2>/dev/null; then
        kill -TERM "$server"
        wait "$server" || true
    fi
}
trap 'stop_server; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
    if "$bin/corevec" stats --addr "$addr" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$server" 2>/dev/null; then cat "$work/serve.log" >&2; exit 1; fi
    sleep 0.2
done

echo "== ingest" >&2
"$bin/corevec-load" ingest --addr "$addr" --collection "$collection" --data "$base" \
    --create --drop-existing --metric dot --m 16 --ef-construction 200 --batch 256 --connections 4 \
    --label-modulus 10 --range-key-max 999999

echo "== waiting for the background index build to finish" >&2
# Searches are exact over not-yet-indexed vectors meanwhile, so this only affects speed.
# The build is done when the node's CPU time stops growing.
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
for _ in $(seq 1 300); do
    before=$(ticks); sleep 1; after=$(ticks)
    if [ $((after - before)) -lt $((hz / 10)) ]; then break; fi
done

echo "== query load: 4 connections x depth 4, 10 s, k=10, ef=64" >&2
"$bin/corevec-load" query --addr "$addr" --collection "$collection" --queries "$queries" \
    --truth "$truth" --k 10 --ef 64 --connections 4 --depth 4 --duration 10 --warmup 2 \
    --server-pid "$server"

echo "== filtered query load: only points with label 3 (a tenth of them), 5 s" >&2
"$bin/corevec-load" truth --base "$base" --queries "$queries" --k 10 --metric dot \
    --label-modulus 10 --all-of 3 --out "$work/truth-label3.ivecs"
"$bin/corevec-load" query --addr "$addr" --collection "$collection" --queries "$queries" \
    --truth "$work/truth-label3.ivecs" --all-of 3 --k 10 --ef 64 --connections 4 --depth 4 \
    --duration 5 --warmup 1 --server-pid "$server"
echo "== range-filtered query load: only points whose number is in 0..=99999 (a tenth), 5 s" >&2
"$bin/corevec-load" truth --base "$base" --queries "$queries" --k 10 --metric dot \
    --label-modulus 10 --range-key-max 999999 --range-u32 0..=99999 --out "$work/truth-range.ivecs"
"$bin/corevec-load" query --addr "$addr" --collection "$collection" --queries "$queries" \
    --truth "$work/truth-range.ivecs" --range-u32 0..=99999 --k 10 --ef 64 --connections 4 \
    --depth 4 --duration 5 --warmup 1 --server-pid "$server"
"$bin/corevec" collection describe "$collection" --addr "$addr" || true
echo "== stopping the node (SIGTERM: drain, sync the WAL, exit 0)" >&2
stop_server
echo "== done; the data stays in ./corevec-data (remove it to start fresh)" >&2
