#!/bin/bash
# Online backup (bench/RESULTS.md, "Online backup"): one `corevec serve --cores 2` holding the
# 50k real vectors (256-byte payloads) and 1M x 128 synthetic clustered vectors, both indexed.
# Then, alternated over 3 rounds:
#   linked   corevec backup into a directory on the data directory's file system (hard links)
#   copied   corevec backup into /dev/shm (another file system: every byte copied)
#   busy     as linked, while corevec-load ingests into a third collection
# and once: a node started on a linked backup, time until its first answered query.
# JSON lines on stdout: {"bench":"backup","variant":..,"seconds":..,"linked":..,"copied":..,
# "bytes_copied":..}, then {"bench":"backup_restore","seconds_to_first_query":..}.
# Usage: bash bench/backup.sh [DATA_DIR]   (after cargo build --release -p corevec-tools -p corevec-load)
set -u
cd "$(dirname "$0")/.."
D=${1:-../shared/data/pypi-minilm-50k}
A=127.0.0.1:17885
M=127.0.0.1:19885
W=/var/tmp/backupbench
S=/dev/shm/backupbench
rm -rf $W $S; mkdir -p $W/bin $S
# Copies, so that a concurrent build cannot replace the binaries during the run.
cp target/release/corevec target/release/corevec-load $W/bin/
C=$W/bin/corevec
L=$W/bin/corevec-load
$C serve --listen $A --data-dir $W/data --cores 2 --metrics-listen $M > $W/serve.log 2>&1 &
SP=$!
sleep 2
$L ingest --addr $A --collection pypi --data $D/base.fvecs --create --metric dot --m 16 \
  --ef-construction 200 --batch 256 --connections 4 --payload-bytes 256 --json --no-progress 2>/dev/null
$L ingest --addr $A --collection synth --data synthetic:clusters:1000000:128:64:0.1:42 --create \
  --metric l2 --m 16 --ef-construction 100 --batch 1024 --connections 4 --json --no-progress 2>/dev/null
while [ "$(curl -s $M/metrics | awk '/^corevec_shard_unindexed_vectors/ {s+=$2} END {print s+0}')" != "0" ]; do sleep 2; done
du -sh $W/data >&2

backup() { # variant target
  local start end out
  start=$(date +%s.%N)
  out=$($C backup "$2" --data-dir $W/data --addr $A | tail -1)
  end=$(date +%s.%N)
  echo "$out" | sed -E 's/.*: ([0-9]+) shard\(s\), ([0-9]+) file\(s\) hard-linked, ([0-9]+) copied \(([0-9]+) bytes\).*/\1 \2 \3 \4/' | {
    read -r shards linked copied bytes
    printf '{"bench":"backup","variant":"%s","seconds":%.3f,"shards":%s,"linked":%s,"copied":%s,"bytes_copied":%s}\n' \
      "$1" "$(awk "BEGIN {print $end - $start}")" "$shards" "$linked" "$copied" "$bytes"
  }
}
for round in 1 2 3; do
  backup linked $W/linked-$round
  backup copied $S/copied-$round
  rm -rf $S/copied-$round
  $L ingest --addr $A --collection busy-$round --data $D/base.fvecs --create --metric dot \
    --batch 256 --connections 4 --json --no-progress > $W/busy-$round.json 2>/dev/null &
  IP=$!
  sleep 1
  backup busy $W/busy-$round
  wait $IP
done
kill $SP; wait $SP

# A node on the first linked backup: time from start to the first answered query.
start=$(date +%s.%N)
$C serve --listen $A --data-dir $W/linked-1 --cores 2 --metrics-listen $M > $W/restore.log 2>&1 &
RP=$!
head -c $((4 + 384 * 4)) $D/query.fvecs | tail -c $((384 * 4)) | od -An -f -v | tr -s ' \n' ' ' > $W/q.txt
until $C search pypi -k 10 --addr $A < $W/q.txt > /dev/null 2>&1; do sleep 0.01; done
end=$(date +%s.%N)
printf '{"bench":"backup_restore","seconds_to_first_query":%.3f}\n' "$(awk "BEGIN {print $end - $start}")"
kill $RP; wait $RP
rm -rf $S
