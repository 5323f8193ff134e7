#!/bin/bash
# Filtered search end to end (bench/RESULTS.md, "Filtered search"): one `corevec serve --cores
# 2`, the 50k vectors ingested with label `row % 10` (each label on 10% of the points), then
# closed-loop queries without a filter, with `all_of` one label (10% match) and with `none_of`
# nine labels (10% match, no label list to scan), alternated, each against its exact truth.
# JSON lines (corevec-load --json) on stdout.
# Usage: bash bench/filter_e2e.sh [DATA_DIR]   (after cargo build --release -p corevec-tools -p corevec-load)
set -u
cd "$(dirname "$0")/.."
D=${1:-../shared/data/pypi-minilm-50k}
A=127.0.0.1:17862
W=/var/tmp/filterbench
rm -rf $W; mkdir -p $W
L=target/release/corevec-load
$L truth --base $D/base.fvecs --queries $D/query.fvecs --k 10 --metric dot --out $W/all3.ivecs \
  --label-modulus 10 --all-of 3 2>/dev/null
$L truth --base $D/base.fvecs --queries $D/query.fvecs --k 10 --metric dot --out $W/none.ivecs \
  --label-modulus 10 --none-of 0,1,2,4,5,6,7,8,9 2>/dev/null
target/release/corevec serve --listen $A --data-dir $W/data --cores 2 --metrics-listen 127.0.0.1:19862 > $W/serve.log 2>&1 &
SP=$!
sleep 2
$L ingest --addr $A --collection f --data $D/base.fvecs --create --metric dot --m 16 --ef-construction 200 \
  --batch 256 --connections 4 --label-modulus 10 --json --no-progress 2>/dev/null
while [ "$(curl -s 127.0.0.1:19862/metrics | awk '/^corevec_shard_unindexed_vectors/ {s+=$2} END {print s+0}')" != "0" ]; do sleep 1; done
Q="$L query --addr $A --collection f --queries $D/query.fvecs --k 10 --ef 64 --connections 8 --depth 4 --duration 8 --server-pid $SP --json --no-progress"
for round in 1 2 3; do
  $Q --truth $D/groundtruth.ivecs 2>/dev/null
  $Q --truth $W/all3.ivecs --all-of 3 2>/dev/null
  $Q --truth $W/none.ivecs --none-of 0,1,2,4,5,6,7,8,9 2>/dev/null
done
kill $SP; wait $SP
