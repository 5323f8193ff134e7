#!/usr/bin/env python3
"""Does a spatial split of a collection beat the hash split's bound for 2 shards on 2 cores?

    python3 bench/peers/spatial_split.py DIR [--m 16 --ef-construction 200 --k 10 \
        --ef 24,32,40,48,64,80,96 --near-ef 24,32,40,48,64 --far-ef 10,16,24,32 --reps 3]

A companion to partition_ceiling.py (issue #3: 2 shards >= 1.7x one shard's QPS at equal
recall). Instead of corevec's id hash, DIR/base.fvecs is split in two equal halves at the
median of its first principal component, so that near points tend to share a half. A query
searches the half on its side of the cut with `near_ef` and the other half with a smaller
`far_ef` (the other half holds fewer of its neighbours). hnswlib (the strongest peer), one
thread, one query per call, inner product. Two cores can at best run the two halves' work side
by side, so the 2-core time per query is the larger of the two halves' total work divided by
the number of queries (each half does the near searches of its own queries and the far
searches of the others'); the bound on the ratio is t(whole) / that. Prints one JSON line per
whole-index ef, per (near_ef, far_ef), and one summary line per whole-index ef with the best
split at equal recall. Also prints the share of true neighbours on the query's side.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ann_peers import load, recall, version_of  # noqa: E402
from partition_ceiling import build  # noqa: E402


def timed(index, ef, k, queries, reps):
    """Answers and the median over passes of each query's time (µs)."""
    index.set_ef(max(ef, k))
    if len(queries):
        index.knn_query(queries[0], k=k)
    passes = []
    answers = []
    for _ in range(max(1, reps)):
        answers = []
        times = np.empty(len(queries))
        for i, q in enumerate(queries):
            t = time.perf_counter_ns()
            answers.append(index.knn_query(q, k=k))
            times[i] = (time.perf_counter_ns() - t) / 1e3
        passes.append(times)
    return answers, np.median(np.stack(passes), axis=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--ef", default="24,32,40,48,64,80,96")
    parser.add_argument("--near-ef", default="24,32,40,48,64")
    parser.add_argument("--far-ef", default="10,16,24,32")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    import hnswlib

    k = args.k
    base, queries, truth = load(args.dir, k, "dot")
    ids = np.arange(len(base))
    whole = build(hnswlib, "ip", base, ids, args.m, args.ef_construction)
    mean = base.mean(0)
    _, _, vt = np.linalg.svd(base[::5] - mean, full_matrices=False)
    direction = vt[0]
    cut = np.median((base - mean) @ direction)
    side = (((base - mean) @ direction) > cut).astype(int)
    halves = [build(hnswlib, "ip", base[side == h], ids[side == h], args.m, args.ef_construction)
              for h in (0, 1)]
    query_side = (((queries - mean) @ direction) > cut).astype(int)
    near_share = float(np.mean([np.mean(side[t] == s) for t, s in zip(truth, query_side)]))
    print(json.dumps({"bench": "spatial_split", "engine": "hnswlib",
                      "version": version_of("hnswlib"), "base": len(base),
                      "queries_per_half": np.bincount(query_side, minlength=2).tolist(),
                      "true_neighbours_on_the_query_side": round(near_share, 4)}), flush=True)

    whole_rows = {}
    for ef in [int(e) for e in args.ef.split(",")]:
        answers, us = timed(whole, ef, k, queries, args.reps)
        r = recall([a[0][0] for a in answers], truth)
        whole_rows[ef] = (r, float(us.mean()))
        print(json.dumps({"bench": "spatial_split", "shards": 1, "ef": ef,
                          f"recall_at_{k}": round(r, 4),
                          "us_per_query_1_thread": round(float(us.mean()), 1)}), flush=True)
    split_rows = []
    for near_ef in [int(e) for e in args.near_ef.split(",")]:
        for far_ef in [int(e) for e in args.far_ef.split(",")]:
            if far_ef > near_ef:
                continue
            parts = {i: [] for i in range(len(queries))}
            load_us = [0.0, 0.0]
            for h in (0, 1):
                for ef, chosen in ((near_ef, query_side == h), (far_ef, query_side != h)):
                    rows = np.where(chosen)[0]
                    answers, us = timed(halves[h], ef, k, queries[rows], args.reps)
                    load_us[h] += float(us.sum())
                    for i, a in zip(rows, answers):
                        parts[i].append(a)
            merged = []
            for i in range(len(queries)):
                found = np.concatenate([a[0][0] for a in parts[i]])
                dist = np.concatenate([a[1][0] for a in parts[i]])
                merged.append(found[np.argsort(dist, kind="stable")[:k]])
            r = recall(merged, truth)
            us_2_cores = max(load_us) / len(queries)
            split_rows.append((near_ef, far_ef, r, us_2_cores))
            print(json.dumps({"bench": "spatial_split", "shards": 2, "near_ef": near_ef,
                              "far_ef": far_ef, f"recall_at_{k}": round(r, 4),
                              "us_per_query_2_cores": round(us_2_cores, 1)}), flush=True)
    for ef, (r1, t1) in sorted(whole_rows.items()):
        candidates = [(t2, n, f, r2) for n, f, r2, t2 in split_rows if r2 >= r1]
        if not candidates:
            continue
        t2, near_ef, far_ef, r2 = min(candidates)
        print(json.dumps({"bench": "spatial_split", "summary": True, "ef_1_shard": ef,
                          "recall_1_shard": round(r1, 4), "near_ef": near_ef, "far_ef": far_ef,
                          "recall_2_shards": round(r2, 4),
                          "ratio_bound_2_cores": round(t1 / t2, 3)}), flush=True)


if __name__ == "__main__":
    main()
