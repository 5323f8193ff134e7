#!/usr/bin/env bash
# Side-by-side HNSW comparison on a TEXMEX directory: corevec (library level, 1 thread),
# then hnswlib, usearch and faiss (bench/peers/ann_peers.py), one after the other, same
# parameters, one query per call. Prints every JSON line (stdout) and a summary table.
#
#   bench/compare_index.sh DIR [extra corevec-bench index args...]
#   env: M=16 EFC=200 EF=16,32,64,128,256 K=10 METRIC=dot REPS=3 ENGINES=hnswlib,usearch,faiss
#        BIN=path/to/corevec-bench (default: build target/release/corevec-bench)
set -euo pipefail
dir=${1:?usage: bench/compare_index.sh DIR [extra corevec-bench index args]}
shift
root=$(cd "$(dirname "$0")/.." && pwd)
M=${M:-16} EFC=${EFC:-200} EF=${EF:-16,32,64,128,256} K=${K:-10} METRIC=${METRIC:-dot} REPS=${REPS:-3}
ENGINES=${ENGINES:-hnswlib,usearch,faiss}
if [[ -z "${BIN:-}" ]]; then
    (cd "$root" && cargo build --release -q -p corevec-bench)
    BIN=$root/target/release/corevec-bench
fi
out=$(mktemp)
"$BIN" index --data "$dir" --m "$M" --ef-construction "$EFC" --ef "$EF" --k "$K" \
    --metric "$METRIC" --reps "$REPS" --json "$@" | tee -a "$out"
python3 "$root/bench/peers/ann_peers.py" "$dir" --m "$M" --ef-construction "$EFC" --ef "$EF" \
    --k "$K" --metric "$METRIC" --reps "$REPS" --engines "$ENGINES" | tee -a "$out"
python3 - "$out" "$K" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
key = f"recall_at_{sys.argv[2]}"
print(f"\n{'engine':10} {'mode':8} {'sh':>2} {'del':>4} {'ef':>4} {'recall':>7} {'qps':>9} {'p50us':>7} {'p99us':>8} {'build v/s':>9} {'index MB':>8}")
for r in rows:
    print(f"{r['engine']:10} {r.get('mode',''):8} {r['shards']:>2} {r.get('deleted_fraction',0):>4} {r['ef']:>4} {r[key]:>7.4f} {r['qps']:>9.1f} {r['p50_us']:>7.1f} {r['p99_us']:>8.1f} {r['build_vps']:>9.1f} {r['index_bytes']/1e6:>8.1f}")
PY
rm -f "$out"
