#!/usr/bin/env python3
"""scikit-learn side of Scripts/bench/cluster.sh: runs DBSCAN, KMeans and GaussianMixture on an
embedding `repeats` times, then compares with the n2d-mpi runs in the given output directories
(their metrics.json "cluster" section and labels.csv) and prints one table of medians and ratios.

Times are wall-clock seconds of each fit (n2d-mpi: the per-clusterer "seconds" in metrics.json,
which exclude reading the file and scoring). CPU seconds of the fit are shown for scikit-learn too.
"""
import argparse
import csv
import json
import statistics
import time

import numpy as np
from sklearn.cluster import DBSCAN, KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture


def timed(fit):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fit()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def ours(directories):
    runs = []
    for directory in directories:
        with open(f"{directory}/metrics.json") as f:
            section = json.load(f)["cluster"]
        with open(f"{directory}/labels.csv") as f:
            dbscan = np.array([int(row["dbscan"]) for row in csv.DictReader(f)])
        runs.append((section, dbscan))
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--embedding", required=True)
    parser.add_argument("--eps", type=float, default=1.0)
    parser.add_argument("--min-samples", type=int, default=50)
    parser.add_argument("--kmeans-clusters", type=int, default=5)
    parser.add_argument("--kmeans-n-init", type=int, default=10)
    parser.add_argument("--gmm-components", type=int, default=0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ours", nargs="+", required=True, help="n2d-mpi cluster output directories, one per run")
    args = parser.parse_args()
    X = np.load(args.embedding)
    runs = ours(args.ours)

    sk = {"dbscan": [], "kmeans": [], "gmm": []}
    for _ in range(args.repeats):
        labels, wall, cpu = timed(lambda: DBSCAN(eps=args.eps, min_samples=args.min_samples).fit_predict(X))
        sk["dbscan"].append((wall, cpu, labels))
        km, wall, cpu = timed(lambda: KMeans(args.kmeans_clusters, n_init=args.kmeans_n_init, random_state=args.seed).fit(X))
        sk["kmeans"].append((wall, cpu, km.inertia_))
        if args.gmm_components:
            gm, wall, cpu = timed(lambda: GaussianMixture(args.gmm_components, covariance_type="full",
                                                          random_state=args.seed).fit(X))
            sk["gmm"].append((wall, cpu, gm.score(X)))

    def median_ours(name):
        return statistics.median(run[0][name]["seconds"] for run in runs)

    def median_sk(name, field=0):
        return statistics.median(entry[field] for entry in sk[name])

    print(f"embedding {args.embedding}: {X.shape[0]} x {X.shape[1]}, {args.repeats} scikit-learn runs, "
          f"{len(runs)} n2d-mpi runs (medians, wall seconds)")
    print(f"{'':28}{'n2d-mpi':>10}{'sklearn':>10}{'sk cpu':>9}{'speed-up':>10}   agreement")
    sk_labels = sk["dbscan"][0][2]
    our_labels = runs[0][1]
    sk_clusters, our_clusters = int(sk_labels.max() + 1), runs[0][0]["dbscan"]["clusters"]
    ari = adjusted_rand_score(sk_labels, our_labels)
    row = f"dbscan eps {args.eps:g} ms {args.min_samples}"
    print(f"{row:28}{median_ours('dbscan'):10.3f}{median_sk('dbscan'):10.3f}{median_sk('dbscan', 1):9.3f}"
          f"{median_sk('dbscan') / median_ours('dbscan'):9.1f}x   clusters {our_clusters} vs {sk_clusters}, "
          f"noise {np.mean(our_labels < 0):.4f} vs {np.mean(sk_labels < 0):.4f}, ARI {ari:.6f}")
    our_inertia = runs[0][0]["kmeans"]["inertia"]
    sk_inertia = min(entry[2] for entry in sk["kmeans"])
    row = f"kmeans k {args.kmeans_clusters} n_init {args.kmeans_n_init}"
    print(f"{row:28}{median_ours('kmeans'):10.3f}{median_sk('kmeans'):10.3f}{median_sk('kmeans', 1):9.3f}"
          f"{median_sk('kmeans') / median_ours('kmeans'):9.1f}x   inertia {our_inertia:.6g} vs {sk_inertia:.6g} "
          f"({100 * (our_inertia / sk_inertia - 1):+.3f}%)")
    if args.gmm_components:
        our_ll = runs[0][0]["gmm"]["log_likelihood"]
        sk_ll = statistics.median(entry[2] for entry in sk["gmm"])
        row = f"gmm full, {args.gmm_components} components"
        print(f"{row:28}{median_ours('gmm'):10.3f}{median_sk('gmm'):10.3f}{median_sk('gmm', 1):9.3f}"
              f"{median_sk('gmm') / median_ours('gmm'):9.1f}x   mean log-likelihood {our_ll:.6f} vs {sk_ll:.6f}")


if __name__ == "__main__":
    main()
