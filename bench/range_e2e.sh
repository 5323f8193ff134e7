#!/bin/bash
# Range filters end to end (bench/RESULTS.md, "Range filters end to end"): one `corevec serve
# --cores 2`, the 50k vectors ingested with the label `row % 10` (10% each) and, in range field
# 0, the key `splitmix64(row) % 2^32` as its eight range labels (`corevec-load ingest
# --range-key-max 4294967295`, PROTOCOL.md section 11). Then closed-loop queries, alternated
# over 3 rounds, each against its exact truth from `corevec-load truth`:
#   none     no filter
#   all3     --all-of 3                      (a label on 10% of the points)
#   r10      --range-u32 0..=429496729       (10% of the key space, one edge)
#   r1       --range-u32 0..=42949672        (1%, one edge)
#   r10mid   --range-u32 2718281828..=3147778557  (10% at an arbitrary interior position:
#   r1mid    --range-u32 1618033988..=1660983660   two edges, the longest covers)
#   r10any   --range-u32 2718281828..=3147778557 --any-of 1,2  (two any_of groups: the range
#            and labels 1 or 2, about 2% of the points)
# JSON lines (corevec-load --json) on stdout, one per query run, in that order per round.
# Usage: bash bench/range_e2e.sh [DATA_DIR]   (after cargo build --release -p corevec-tools -p corevec-load)
set -u
cd "$(dirname "$0")/.."
D=${1:-../shared/data/pypi-minilm-50k}
A=127.0.0.1:17884
M=127.0.0.1:19884
W=/var/tmp/rangebench
rm -rf $W; mkdir -p $W/bin
# Copies, so that a concurrent build cannot replace the binaries during the run.
cp target/release/corevec target/release/corevec-load $W/bin/
L=$W/bin/corevec-load
KEYS="--label-modulus 10 --range-key-max 4294967295"
declare -A F=(
  [none]=""
  [all3]="--all-of 3"
  [r10]="--range-u32 0..=429496729"
  [r1]="--range-u32 0..=42949672"
  [r10mid]="--range-u32 2718281828..=3147778557"
  [r1mid]="--range-u32 1618033988..=1660983660"
  [r10any]="--range-u32 2718281828..=3147778557 --any-of 1,2"
)
ORDER="none all3 r10 r1 r10mid r1mid r10any"
for v in $ORDER; do
  # shellcheck disable=SC2086
  $L truth --base $D/base.fvecs --queries $D/query.fvecs --k 10 --metric dot --out $W/$v.ivecs \
    $KEYS ${F[$v]} 2>&1 >/dev/null | grep 'filter keeps' | sed "s/^/# $v: /" >&2
done
$W/bin/corevec serve --listen $A --data-dir $W/data --cores 2 --metrics-listen $M > $W/serve.log 2>&1 &
SP=$!
sleep 2
# shellcheck disable=SC2086
$L ingest --addr $A --collection r --data $D/base.fvecs --create --metric dot --m 16 --ef-construction 200 \
  --batch 256 --connections 4 $KEYS --json --no-progress 2>/dev/null
while [ "$(curl -s $M/metrics | awk '/^corevec_shard_unindexed_vectors/ {s+=$2} END {print s+0}')" != "0" ]; do sleep 1; done
Q="$L query --addr $A --collection r --queries $D/query.fvecs --k 10 --ef 64 --connections 8 --depth 4 --duration 8 --server-pid $SP --json --no-progress"
for round in 1 2 3; do
  for v in $ORDER; do
    # shellcheck disable=SC2086
    $Q --truth $W/$v.ivecs ${F[$v]} 2>/dev/null
  done
done
kill $SP; wait $SP
