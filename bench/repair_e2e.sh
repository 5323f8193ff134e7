#!/bin/bash
# `corevec repair` end to end (bench/RESULTS.md, "Repairing a replica"): three `corevec serve`
# nodes (127.0.0.2-4, one core each) behind `corevec route` with replication 2 and W = quorum;
# the 50k vectors ingested through the router with 64-byte payloads and labels; then
#   1. a dry run while the replicas agree (the cost of a full comparison),
#   2. node b killed, 5k new points written, 1k replaced (ids 0..999 get the query vectors) and
#      the ~5.5k points with label 3 deleted through the router,
#      b restarted: dry run, repair, verify,
#   3. b's data directory wiped: repair from nothing (b holds 2/3 of the points), verify.
# One JSON line per repair run on stdout: {"bench":"repair","step":..,"seconds":..,"exit":..}.
# Usage: bash bench/repair_e2e.sh [DATA_DIR]   (after cargo build --release -p corevec-tools -p corevec-load)
set -u
cd "$(dirname "$0")/.."
D=${1:-../shared/data/pypi-minilm-50k}
W=/var/tmp/repairbench
rm -rf $W; mkdir -p $W
C=target/release/corevec
L=target/release/corevec-load
R=127.0.0.1:17930
cat > $W/router.toml <<TOML
listen = "$R"
cores = 1
partitions = 64
replication = 2
write_quorum = "quorum"
ping_interval_ms = 200
TOML
declare -A PID
start() { # name ip
  $C serve --listen $2:17931 --data-dir $W/$1 --cores 1 --metrics-listen $2:17932 >> $W/$1.log 2>&1 &
  PID[$1]=$!
  for _ in $(seq 100); do curl -sf $2:17932/readyz > /dev/null && return; sleep 0.1; done
  echo "node $1 did not start" >&2; exit 1
}
start a 127.0.0.2; start b 127.0.0.3; start c 127.0.0.4
for n in a:127.0.0.2 b:127.0.0.3 c:127.0.0.4; do
  printf '\n[[nodes]]\nname = "%s"\naddr = "%s:17931"\n' ${n%%:*} ${n#*:} >> $W/router.toml
done
$C route --config $W/router.toml > $W/router.log 2>&1 &
RP=$!
sleep 1
$L ingest --addr $R --collection docs --data $D/base.fvecs --create --metric dot --batch 256 \
  --connections 2 --payload-bytes 64 --label-modulus 10 --json --no-progress 2>/dev/null
repair() { # step, then repair arguments
  local step=$1; shift
  local t0=$(date +%s.%N)
  local out; out=$($C repair --config $W/router.toml docs --node b "$@" 2>&1)
  local code=$?
  local t1=$(date +%s.%N)
  local last; last=$(echo "$out" | tail -1 | sed 's/"/\\"/g')
  printf '{"bench":"repair","step":"%s","seconds":%.2f,"exit":%d,"summary":"%s"}\n' \
    "$step" "$(echo "$t1 - $t0" | bc)" $code "$last"
}
repair agree-dry-run
kill -9 ${PID[b]}; wait ${PID[b]} 2>/dev/null
$L ingest --addr $R --collection docs --data $D/base.fvecs --limit 5000 --id-offset 50000 \
  --batch 256 --connections 2 --payload-bytes 64 --label-modulus 10 --json --no-progress 2>/dev/null
$L ingest --addr $R --collection docs --data $D/query.fvecs --batch 256 --connections 2 \
  --payload-bytes 64 --label-modulus 10 --json --no-progress 2>/dev/null
$C delete --addr $R docs --all-of 3 --yes
start b 127.0.0.3
repair missed-dry-run
repair missed-repair --yes
repair missed-verify
kill -9 ${PID[b]}; wait ${PID[b]} 2>/dev/null; rm -rf $W/b
start b 127.0.0.3
repair wiped-dry-run
repair wiped-repair --yes
repair wiped-verify
kill $RP ${PID[a]} ${PID[b]} ${PID[c]}; wait
