#!/usr/bin/env python3
"""Peer HNSW libraries on a TEXMEX directory, in corevec-bench's JSON line format.

    python3 bench/peers/ann_peers.py DIR [--m 16 --ef-construction 200 \
        --ef 16,32,64,128,256 --k 10 --metric dot --engines hnswlib,usearch,faiss --reps 3]

For each library: build on one thread (timed, vectors/s), then for each ef one warm-up pass
and --reps timed passes over the queries, ONE query per call on one thread (as
`corevec-bench index` measures shards=1); the median pass by QPS is printed. Recall@k is
against groundtruth.ivecs (first k ids) when present, else brute force with numpy.
index_bytes: hnswlib's saved index file, usearch's serialized length, faiss's serialized
index: graph plus vectors as each stores them.

Install: pip install -r bench/peers/requirements.txt
"""

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np


def version_of(package):
    try:
        from importlib.metadata import version

        return version(package)
    except Exception:  # noqa: BLE001 - a missing version is only cosmetic
        return "?"


def read_vecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    if raw.size == 0:
        raise SystemExit(f"{path}: empty")
    dim = int(raw[0])
    if dim <= 0 or raw.size % (dim + 1) != 0:
        raise SystemExit(f"{path}: truncated or inconsistent dimension {dim}")
    rows = raw.reshape(-1, dim + 1)
    if not np.all(rows[:, 0] == dim):
        raise SystemExit(f"{path}: inconsistent dimensions")
    return np.ascontiguousarray(rows[:, 1:]).view(dtype) if dtype == np.float32 else rows[:, 1:].copy()


def load(directory, k, metric):
    base = read_vecs(os.path.join(directory, "base.fvecs"), np.float32)
    queries = read_vecs(os.path.join(directory, "query.fvecs"), np.float32)
    gt_path = os.path.join(directory, "groundtruth.ivecs")
    if os.path.exists(gt_path):
        truth = read_vecs(gt_path, np.int32)[:, :k]
    else:
        if metric == "l2":
            scores = -((queries**2).sum(1)[:, None] - 2 * queries @ base.T + (base**2).sum(1)[None, :])
        else:
            b = base / np.linalg.norm(base, axis=1, keepdims=True) if metric == "cosine" else base
            scores = queries @ b.T
        truth = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return base, queries, truth


def recall(found, truth):
    hits = sum(len(set(f) & set(t)) for f, t in zip(found, truth))
    return hits / float(truth.size)


def timed_passes(queries, reps, one):
    passes = []
    for _ in range(max(1, reps)):
        latencies = np.empty(len(queries), dtype=np.int64)
        started = time.perf_counter()
        for i, q in enumerate(queries):
            t = time.perf_counter_ns()
            one(q)
            latencies[i] = time.perf_counter_ns() - t
        elapsed = time.perf_counter() - started
        passes.append((len(queries) / elapsed, latencies))
    passes.sort(key=lambda p: p[0])
    qps, latencies = passes[len(passes) // 2]
    return qps, float(np.percentile(latencies, 50)) / 1e3, float(np.percentile(latencies, 99)) / 1e3


class Hnswlib:
    name = "hnswlib"

    def __init__(self, dim, metric, m, efc, n):
        import hnswlib

        self.version = version_of("hnswlib")
        space = {"dot": "ip", "l2": "l2", "cosine": "cosine"}[metric]
        self.index = hnswlib.Index(space=space, dim=dim)
        self.index.init_index(max_elements=n, ef_construction=efc, M=m, random_seed=100)
        self.index.set_num_threads(1)

    def build(self, base):
        self.index.add_items(base, np.arange(len(base)), num_threads=1)

    def set_ef(self, ef):
        self.index.set_ef(ef)

    def search(self, q, k):
        labels, _ = self.index.knn_query(q, k=k, num_threads=1)
        return labels[0]

    def index_bytes(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "index.bin")
            self.index.save_index(path)
            return os.path.getsize(path)


class Usearch:
    name = "usearch"

    def __init__(self, dim, metric, m, efc, n):
        import usearch
        from usearch.index import Index

        self.version = getattr(usearch, "__version__", None) or version_of("usearch")
        kind = {"dot": "ip", "l2": "l2sq", "cosine": "cos"}[metric]
        self.index = Index(ndim=dim, metric=kind, dtype="f32", connectivity=m, expansion_add=efc)

    def build(self, base):
        self.index.add(np.arange(len(base), dtype=np.uint64), base, threads=1)

    def set_ef(self, ef):
        self.index.expansion_search = ef

    def search(self, q, k):
        return self.index.search(q, k, threads=1).keys

    def index_bytes(self):
        return int(self.index.serialized_length)


class Faiss:
    name = "faiss"

    def __init__(self, dim, metric, m, efc, n):
        import faiss

        self.faiss = faiss
        self.version = faiss.__version__
        faiss.omp_set_num_threads(1)
        self.normalize = metric == "cosine"
        kind = faiss.METRIC_L2 if metric == "l2" else faiss.METRIC_INNER_PRODUCT
        self.index = faiss.IndexHNSWFlat(dim, m, kind)
        self.index.hnsw.efConstruction = efc

    def build(self, base):
        if self.normalize:
            base = base / np.linalg.norm(base, axis=1, keepdims=True)
        self.index.add(base)

    def set_ef(self, ef):
        self.index.hnsw.efSearch = ef

    def search(self, q, k):
        _, labels = self.index.search(q.reshape(1, -1), k)
        return labels[0]

    def index_bytes(self):
        return int(self.faiss.serialize_index(self.index).nbytes)


PEERS = {"hnswlib": Hnswlib, "usearch": Usearch, "faiss": Faiss}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=200)
    parser.add_argument("--ef", default="16,32,64,128,256")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--metric", default="dot", choices=["dot", "l2", "cosine"])
    parser.add_argument("--engines", default="hnswlib,usearch,faiss")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()

    base, queries, truth = load(args.data, args.k, args.metric)
    if args.metric == "cosine":
        queries = queries / np.linalg.norm(queries, axis=1, keepdims=True)
    queries = [np.ascontiguousarray(q, dtype=np.float32) for q in queries]
    dataset = os.path.basename(os.path.normpath(args.data))
    efs = [int(x) for x in args.ef.split(",") if x]
    for name in [e for e in args.engines.split(",") if e]:
        try:
            peer = PEERS[name](base.shape[1], args.metric, args.m, args.ef_construction, len(base))
        except ImportError as e:
            print(f"{name}: not installed ({e}); pip install -r bench/peers/requirements.txt", file=sys.stderr)
            continue
        started = time.perf_counter()
        peer.build(base)
        build_s = time.perf_counter() - started
        index_bytes = peer.index_bytes()
        print(f"{name} {peer.version}: built {len(base)} in {build_s:.2f}s", file=sys.stderr)
        for ef in efs:
            peer.set_ef(ef)
            found = [None] * len(queries)
            # The untimed first pass is the warm-up and gives the results for recall.
            for i, q in enumerate(queries):
                found[i] = [int(x) for x in peer.search(q, args.k)]
            qps, p50, p99 = timed_passes(queries, args.reps, lambda q: peer.search(q, args.k))
            print(
                json.dumps(
                    {
                        "bench": "index",
                        "engine": name,
                        "version": peer.version,
                        "mode": "library",
                        "dataset": dataset,
                        "n": len(base),
                        "dim": base.shape[1],
                        "queries": len(queries),
                        "metric": args.metric,
                        "m": args.m,
                        "ef_construction": args.ef_construction,
                        "k": args.k,
                        "threads": 1,
                        "shards": 1,
                        "ef": ef,
                        "deleted_fraction": 0.0,
                        "build_s": round(build_s, 3),
                        "build_vps": round(len(base) / build_s, 1),
                        f"recall_at_{args.k}": round(recall(found, truth), 4),
                        "qps": round(qps, 1),
                        "p50_us": round(p50, 1),
                        "p99_us": round(p99, 1),
                        "index_bytes": index_bytes,
                    }
                ),
                flush=True,
            )
        del peer


if __name__ == "__main__":
    main()
