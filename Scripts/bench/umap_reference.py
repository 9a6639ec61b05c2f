#!/usr/bin/env python3
"""Reference side of Scripts/bench/umap.sh: input matrices, umap-learn / pynndescent timings, and the
quality measures (scikit-learn trustworthiness, kNN recall) for both implementations.

Subcommands (all print one JSON object on stdout):
  mixture  --rows N --dims D --clusters C --seed S --out X.npy     Gaussian-mixture stand-in for codes
  fashion  --dims D --out X.npy                                     Fashion-MNIST (70,000 images) PCA-D
  umap     --codes X.npy --neighbors K --components C --min-dist M --out E.npy [--seeded]
           umap-learn fit twice in one process: 'cold' includes numba compilation, 'warm' does not
  umap-scale --codes X.npy --out E.npy [--threads 2]               umap-learn unseeded, 20 neighbours → 10,
           timed once after compiling numba on the first 2,000 rows (the scale run)
  trust    --codes X.npy --embedding E.npy [--sample 5000]          trustworthiness, k = 10
  knn      --codes X.npy --k K [--ours knn.npy] [--queries 2000]    pynndescent time; recall@k of both
  summarize RESULTS.jsonl                                           medians per (dataset, measure) and ratios
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


def run_umap_scale(a):
    import umap
    x = np.load(a.codes)
    settings = dict(n_neighbors=20, n_components=10, min_dist=0.0, n_jobs=a.threads)
    umap.UMAP(**settings).fit_transform(x[:2000])
    t0 = time.perf_counter()
    e = umap.UMAP(**settings).fit_transform(x)
    seconds = time.perf_counter() - t0
    np.save(a.out, e.astype(np.float32))
    return {"seconds": seconds, "rows": int(x.shape[0])}


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


def summarize(a):
    """Medians of every (dataset, measure) over the repeats in the JSON-lines file, and the speed-ups."""
    import collections, statistics
    values = collections.defaultdict(list)
    with open(a.results) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                values[(r["dataset"], r["measure"])].append(r["value"])
    medians = {f"{d}/{m}": statistics.median(v) for (d, m), v in sorted(values.items())}
    counts = {f"{d}/{m}": len(v) for (d, m), v in sorted(values.items())}
    ratios = {}
    for d in sorted({d for d, _ in values}):
        ours = medians.get(f"{d}/ours_knn_fit_s")
        for ref in ("umap_learn_cold_s", "umap_learn_warm_s", "umap_learn_seeded_warm_s"):
            if ours and f"{d}/{ref}" in medians:
                ratios[f"{d}/speedup_vs_{ref[:-2]}"] = medians[f"{d}/{ref}"] / ours
        if f"{d}/ours_np2_knn_fit_s" in medians and f"{d}/umap_learn_warm_s" in medians:
            ratios[f"{d}/speedup_np2_vs_umap_learn_warm"] = medians[f"{d}/umap_learn_warm_s"] / medians[f"{d}/ours_np2_knn_fit_s"]
    if "scale/umap_learn_s" in medians and "scale/wall_s" in medians:
        ratios["scale/speedup_vs_umap_learn"] = medians["scale/umap_learn_s"] / medians["scale/wall_s"]
    for name in sorted(medians):
        print(f"{name:55s} {medians[name]:12.4f}   (n={counts[name]})", file=sys.stderr)
    for name in sorted(ratios):
        print(f"{name:55s} {ratios[name]:12.2f}x", file=sys.stderr)
    return {"medians": medians, "repeats": counts, "ratios": ratios}


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
    s = sub.add_parser("umap-scale"); s.add_argument("--codes", required=True); s.add_argument("--out", required=True)
    s.add_argument("--threads", type=int, default=2)
    s = sub.add_parser("trust"); s.add_argument("--codes", required=True); s.add_argument("--embedding", required=True)
    s.add_argument("--sample", type=int, default=5000); s.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("knn"); s.add_argument("--codes", required=True); s.add_argument("--k", type=int, required=True)
    s.add_argument("--ours"); s.add_argument("--queries", type=int, default=2000); s.add_argument("--seed", type=int, default=1)
    s.add_argument("--threads", type=int, default=2)
    s = sub.add_parser("summarize"); s.add_argument("results")
    a = p.parse_args()
    result = {"mixture": mixture, "fashion": fashion, "umap": run_umap, "umap-scale": run_umap_scale, "trust": trust, "knn": knn,
              "summarize": summarize}[a.command](a)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
