#!/usr/bin/env python3
"""How much can splitting an HNSW collection into two partitions on two cores gain?

    python3 bench/peers/partition_ceiling.py DIR [--m 16 --ef-construction 200 --k 10 \
        --ef 16,24,32,40,48,56,64,80,96 --metric dot --reps 3]

Issue #3 asks 2 shards on 2 cores for >= 1.7x the QPS of 1 shard at equal recall. This
measures the best any partitioned HNSW can do, with hnswlib (the strongest peer) so that
nothing of corevec's engine is involved: one index over all of DIR/base.fvecs, and two
indexes over the halves (split like corevec's shards: splitmix64(id) mod 2), same M and
ef_construction. For each ef, one thread, one query per call: the time of a search in the
whole index (t1), and the times of a search in each half (t2 = their sum; the merge of the
two top-k lists, done for the recall, is not timed, and each call pays the same Python call
overhead as the whole-index one). Two cores can at best run the two halves of a query at the same time,
or two queries' halves side by side, so the 2-core QPS is at most 2 / t2 while one shard
gives 1 / t1 on one core: the bound on the ratio at equal recall is 2 * t1 / t2, with no
fan-out, messaging or merge cost counted against the two shards. Prints one JSON line per
(shards, ef) and one summary line per 1-shard ef with the bound at equal recall.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ann_peers import load, recall, version_of  # noqa: E402

MASK = (1 << 64) - 1


def splitmix64(x):
    """corevec's id -> shard hash (engine/src/collection.rs)."""
    z = (x + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def build(hnswlib, space, vectors, ids, m, ef_construction):
    index = hnswlib.Index(space=space, dim=vectors.shape[1])
    index.init_index(max_elements=len(ids), M=m, ef_construction=ef_construction, random_seed=100)
    index.set_num_threads(1)
    index.add_items(vectors, ids, num_threads=1)
    return index


def median_pass(queries, reps, one):
    """Median over passes of the mean time per query (µs), and the last pass's answers."""
    times = []
    answers = []
    for _ in range(max(1, reps)):
        answers = []
        started = time.perf_counter()
        for q in queries:
            answers.append(one(q))
        times.append((time.perf_counter() - started) / len(queries) * 1e6)
    return float(np.median(times)), answers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dir")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--ef", default="16,24,32,40,48,56,64,80,96")
    parser.add_argument("--metric", default="dot", choices=["dot", "cosine", "l2"])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    import hnswlib

    space = {"dot": "ip", "cosine": "cosine", "l2": "l2"}[args.metric]
    base, queries, truth = load(args.dir, args.k, args.metric)
    ids = np.arange(len(base))
    half = np.array([splitmix64(int(i)) % 2 for i in ids])
    whole = build(hnswlib, space, base, ids, args.m, args.ef_construction)
    halves = [
        build(hnswlib, space, base[half == h], ids[half == h], args.m, args.ef_construction)
        for h in (0, 1)
    ]
    k = args.k
    efs = [int(e) for e in args.ef.split(",")]
    rows = {1: {}, 2: {}}
    for ef in efs:
        whole.set_ef(max(ef, k))
        for h in halves:
            h.set_ef(max(ef, k))

        def search_in(index):
            return lambda q: index.knn_query(q, k=k)

        whole_search = search_in(whole)
        whole_search(queries[0])  # warm-up
        us_whole, answers = median_pass(queries, args.reps, whole_search)
        rows[1][ef] = (recall([a[0][0] for a in answers], truth), us_whole)
        us_halves = 0.0
        partial = []
        for h in halves:
            search = search_in(h)
            search(queries[0])
            us, answers = median_pass(queries, args.reps, search)
            us_halves += us
            partial.append(answers)
        merged = []
        for (a_ids, a_dist), (b_ids, b_dist) in zip(*partial):
            ids_both = np.concatenate([a_ids[0], b_ids[0]])
            dist_both = np.concatenate([a_dist[0], b_dist[0]])
            merged.append(ids_both[np.argsort(dist_both, kind="stable")[:k]])
        rows[2][ef] = (recall(merged, truth), us_halves)
        for shards in (1, 2):
            r, us = rows[shards][ef]
            print(json.dumps({
                "bench": "partition_ceiling", "engine": "hnswlib",
                "version": version_of("hnswlib"), "shards": shards, "ef": ef,
                f"recall_at_{k}": round(r, 4), "us_per_query_1_thread": round(us, 1),
            }), flush=True)
    # At equal recall: for each 1-shard ef, the cheapest 2-shard ef with at least its recall.
    for ef1, (r1, t1) in sorted(rows[1].items()):
        candidates = [(t2, ef2, r2) for ef2, (r2, t2) in rows[2].items() if r2 >= r1]
        if not candidates:
            continue
        t2, ef2, r2 = min(candidates)
        print(json.dumps({
            "bench": "partition_ceiling", "engine": "hnswlib", "summary": True,
            "ef_1_shard": ef1, "recall_1_shard": round(r1, 4),
            "ef_2_shards": ef2, "recall_2_shards": round(r2, 4),
            "ratio_bound_2_cores": round(2 * t1 / t2, 3),
        }), flush=True)


if __name__ == "__main__":
    main()
