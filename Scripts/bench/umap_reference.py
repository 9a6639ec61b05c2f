#!/usr/bin/env python3
"""Reference side of Scripts/bench/umap.sh: input matrices, umap-learn / pynndescent timings, and the
quality measures (scikit-learn trustworthiness, kNN recall) for both implementations.

Subcommands (all print one JSON object on stdout):
  mixture  --rows N --dims D --clusters C --seed S --out X.npy     Gaussian-mixture stand-in for codes
  fashion  --dims D --out X.npy                                     Fashion-MNIST (70,000 images) PCA-D
  umap     --codes X.npy --neighbors K --components C --min-dist M --out E.npy [--seeded]
           umap-learn fit twice in one process: 'cold' includes numba compilation, 'warm' does not
  trust    --codes X.npy --embedding E.npy [--sample 5000]          trustworthiness, k = 10
  knn      --codes X.npy --k K [--ours knn.npy] [--queries 2000]    pynndescent time; recall@k of both
"""
import argparse, gzip, json, os, sys, time
import numpy as np


def mixture(a):
    rng = np.random.default_rng(a.seed)
    centers = rng.normal(scale=4.0, size=(a.clusters, a.dims))
    labels = rng.integers(0, a.clusters, a.rows)
    scales = rng.uniform(0.5, 1.5, size=a.clusters)
    x = centers[labels] + rng.normal(size=(a.rows, a.dims)) * scales[labels, None]
    np.save(a.out, x.astype(np.float32))
    return {"rows": a.rows, "dims": a.dims, "clusters": a.clusters}


def fashion(a):
    from sklearn.decomposition import PCA
    root = "/usr/share/datasets/fashion-mnist"
    parts = []
    for name in ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"):
        with gzip.open(os.path.join(root, name)) as f:
            data = np.frombuffer(f.read(), dtype=np.uint8, offset=16)
        parts.append(data.reshape(-1, 784).astype(np.float32) / 255.0)
    x = np.concatenate(parts)
    codes = PCA(n_components=a.dims, random_state=0).fit_transform(x).astype(np.float32)
    np.save(a.out, codes)
    return {"rows": len(codes), "dims": a.dims}


def run_umap(a):
    import umap
    x = np.load(a.codes)
    out = {}
    for phase in ("cold", "warm"):
        model = umap.UMAP(n_neighbors=a.neighbors, n_components=a.components, min_dist=a.min_dist,
                          random_state=13 if a.seeded else None, n_jobs=1 if a.seeded else a.threads)
        t0 = time.perf_counter()
        e = model.fit_transform(x)
        out[phase] = time.perf_counter() - t0
    np.save(a.out, e.astype(np.float32))
    return out


def trust(a):
    from sklearn.manifold import trustworthiness
    x, e = np.load(a.codes), np.load(a.embedding)
    rows = np.random.default_rng(a.seed).choice(len(x), min(a.sample, len(x)), replace=False)
    return {"trustworthiness": float(trustworthiness(x[rows], e[rows], n_neighbors=10))}


def knn(a):
    from pynndescent import NNDescent
    from sklearn.neighbors import NearestNeighbors
    x = np.load(a.codes)
    t0 = time.perf_counter()
    NNDescent(x, n_neighbors=a.k, random_state=13, n_jobs=a.threads).neighbor_graph  # warm-up (compile)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = NNDescent(x, n_neighbors=a.k, random_state=13, n_jobs=a.threads)
    theirs = index.neighbor_graph[0]
    warm = time.perf_counter() - t0
    queries = np.random.default_rng(a.seed).choice(len(x), min(a.queries, len(x)), replace=False)
    exact = NearestNeighbors(n_neighbors=a.k).fit(x).kneighbors(x[queries], return_distance=False)

    def recall(found):
        return float(np.mean([len(set(f) & set(t)) / a.k for f, t in zip(found[queries], exact)]))

    out = {"pynndescent_cold": cold, "pynndescent_warm": warm, "pynndescent_recall": recall(theirs)}
    if a.ours:
        out["ours_recall"] = recall(np.load(a.ours))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("mixture"); s.add_argument("--rows", type=int, required=True)
    s.add_argument("--dims", type=int, default=10); s.add_argument("--clusters", type=int, default=10)
    s.add_argument("--seed", type=int, default=0); s.add_argument("--out", required=True)
    s = sub.add_parser("fashion"); s.add_argument("--dims", type=int, default=10); s.add_argument("--out", required=True)
    s = sub.add_parser("umap"); s.add_argument("--codes", required=True); s.add_argument("--out", required=True)
    s.add_argument("--neighbors", type=int, default=50); s.add_argument("--components", type=int, default=5)
    s.add_argument("--min-dist", type=float, default=0.0); s.add_argument("--seeded", action="store_true")
    s.add_argument("--threads", type=int, default=2)
    s = sub.add_parser("trust"); s.add_argument("--codes", required=True); s.add_argument("--embedding", required=True)
    s.add_argument("--sample", type=int, default=5000); s.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("knn"); s.add_argument("--codes", required=True); s.add_argument("--k", type=int, required=True)
    s.add_argument("--ours"); s.add_argument("--queries", type=int, default=2000); s.add_argument("--seed", type=int, default=1)
    s.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    result = {"mixture": mixture, "fashion": fashion, "umap": run_umap, "trust": trust, "knn": knn}[a.command](a)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
