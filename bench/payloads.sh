#!/bin/bash
# Payload cost on ingest and query (bench/RESULTS.md, "Payloads"): one server, three
# collections of the same 50k vectors with 0, 256 and 2,048 payload bytes per point, ingests
# and queries alternated. JSON lines (corevec-load --json) on stdout.
# Usage: bash bench/payloads.sh [DATA_DIR]   (after cargo build --release -p corevec-tools -p corevec-load)
set -u
cd "$(dirname "$0")/.."
D=${1:-../shared/data/pypi-minilm-50k}
A=127.0.0.1:17861
rm -rf /var/tmp/plbench; mkdir -p /var/tmp/plbench
target/release/corevec serve --listen $A --data-dir /var/tmp/plbench/data --cores 2 --metrics-listen 127.0.0.1:19861 > /var/tmp/plbench/serve.log 2>&1 &
SP=$!
sleep 2
for round in 1 2; do
  for pb in 0 256 2048; do
    target/release/corevec-load ingest --addr $A --collection p$pb --data $D/base.fvecs --create --drop-existing --metric dot \
      --m 16 --ef-construction 200 --batch 256 --connections 4 --payload-bytes $pb --json --no-progress 2>/dev/null
    # let the background index build finish before the next run
    while [ "$(curl -s 127.0.0.1:19861/metrics | awk '/^corevec_shard_unindexed_vectors/ {s+=$2} END {print s+0}')" != "0" ]; do sleep 1; done
  done
done
for round in 1 2 3; do
  for wp in "" "--with-payloads"; do
    for c in p0 p2048; do
    target/release/corevec-load query --addr $A --collection $c --queries $D/query.fvecs --truth $D/groundtruth.ivecs \
      --k 10 --ef 64 --connections 8 --depth 4 --duration 8 --server-pid $SP $wp --json --no-progress 2>/dev/null
    done
  done
done
kill $SP; wait $SP
