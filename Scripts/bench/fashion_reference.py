#!/usr/bin/env python3
"""Reference side of Scripts/bench/fashion.sh: the N2D paper's Fashion-MNIST pipeline in Python, at a
given epoch count, for the equal-epochs comparison with `n2d-mpi run --preset fashion-mnist`.

  run --output-dir DIR [--epochs 25] [--seed 0] [--images-dir /usr/share/datasets/fashion-mnist]
      [--max-rows N] [--umap-parallel]
      All 70,000 images (train then t10k, as the preset reads them), scaled to [0, 1]; a Keras 3 (JAX)
      autoencoder 784-500-500-2000-10 (ReLU hidden, linear bottleneck and output, MSE, Adam 1e-3,
      batch 256, the paper's network); the encoder's codes; umap-learn UMAP(n_neighbors=20,
      n_components=10, min_dist=0), seeded unless --umap-parallel; scikit-learn's
      GaussianMixture(10, covariance_type="full") and KMeans(10). Writes codes.npy, umap.npy and
      labels.csv (n2d-mpi's columns) into DIR and prints one JSON object: seconds per stage, epochs,
      final loss, and the quality that pipeline_reference.py's `measure` gives for DIR.
  cross --codes CODES.npy [--embedding UMAP.npy] [--seed 0]
      The halves crossed, to find which half a quality gap comes from: umap-learn + the mixture and
      KMeans on either side's codes, and the mixture and KMeans alone on either side's embedding.
  layout-quality EMBEDDING.npy... [--mixture-seeds 8]
      The quality of embeddings with the clusterers' own seed spread taken out, to compare UMAP
      layouts: per embedding the full-covariance mixture's median (and range) of ACC and NMI over
      seeds 0..N-1, and KMeans' ACC and NMI with 10 initialisations. One JSON object per embedding.
  umap --codes CODES.npy --seed S --out UMAP.npy
      umap-learn, seeded, with the preset's settings (20 neighbours → 10, min_dist 0).
"""
import argparse
import gzip
import json
import os
import resource
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pipeline_reference import Laps, accuracy, measure_dir, save_run, versions  # noqa: E402

PARTS = ("train", "t10k")


def idx(path):
    """An IDX file's array (uint8 data, any rank)."""
    with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as handle:
        data = handle.read()
    rank = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(shape)


def images(directory, max_rows):
    x = np.concatenate([idx(os.path.join(directory, f"{p}-images-idx3-ubyte.gz")) for p in PARTS])
    y = np.concatenate([idx(os.path.join(directory, f"{p}-labels-idx1-ubyte.gz")) for p in PARTS])
    x = x.reshape(len(x), -1).astype(np.float32) / 255
    if max_rows:
        x, y = x[:max_rows], y[:max_rows]
    return x, y


def run(a):
    import keras
    from sklearn.cluster import KMeans
    from sklearn.mixture import GaussianMixture

    lap = Laps()
    x, y = images(a.images_dir, a.max_rows)
    lap("vectorize")

    keras.utils.set_random_seed(a.seed)
    inputs = keras.Input(shape=(x.shape[1],))
    h = inputs
    for width in (500, 500, 2000):
        h = keras.layers.Dense(width, activation="relu")(h)
    code = keras.layers.Dense(10)(h)
    h = code
    for width in (2000, 500, 500):
        h = keras.layers.Dense(width, activation="relu")(h)
    model = keras.Model(inputs, keras.layers.Dense(x.shape[1])(h))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
    history = model.fit(x, x, batch_size=256, epochs=a.epochs, verbose=2 if a.verbose else 0)
    codes = keras.Model(inputs, code).predict(x, batch_size=1024, verbose=0)
    lap("train")

    import umap
    embedding = umap.UMAP(n_neighbors=20, n_components=10, min_dist=0.0, metric="euclidean",
                          random_state=None if a.umap_parallel else a.seed).fit_transform(codes)
    lap("embed")
    gmm = GaussianMixture(n_components=10, covariance_type="full", random_state=a.seed).fit(embedding).predict(embedding)
    kmeans = KMeans(n_clusters=10, random_state=a.seed).fit_predict(embedding)
    lap("cluster")
    seconds = lap.total()

    save_run(a.output_dir, codes, embedding, [int(t) for t in y], {"kmeans": kmeans, "gmm": gmm}, source_ids=range(len(y)))
    report = {"seconds": seconds, "rows": int(len(x)), "epochs": a.epochs, "seed": a.seed,
              "final_loss": float(history.history["loss"][-1]),
              "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "versions": versions()}
    report.update(measure_dir(a.output_dir))
    return report


def cross(a):
    """The halves of the two pipelines crossed: umap-learn and scikit-learn's mixture and KMeans on
    the given codes (either side's codes.npy), and with --embedding, the mixture and KMeans alone on
    that embedding (either side's umap.npy). Scored against the images' labels."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score as nmi
    from sklearn.mixture import GaussianMixture

    _, y = images(a.images_dir, a.max_rows)

    def scores(embedding):
        gmm = GaussianMixture(n_components=10, covariance_type="full", random_state=a.seed).fit(embedding).predict(embedding)
        kmeans = KMeans(n_clusters=10, random_state=a.seed).fit_predict(embedding)
        return {name: {"acc": accuracy(y, labels), "nmi": float(nmi(y, labels))}
                for name, labels in (("gmm", gmm), ("kmeans", kmeans))}

    report = {}
    if a.embedding:
        report["sklearn on the embedding"] = scores(np.load(a.embedding))
    embedding = learn_umap(np.load(a.codes), a.seed)
    report["umap-learn + sklearn on the codes"] = scores(embedding)
    return report


def learn_umap(codes, seed):
    import umap
    return umap.UMAP(n_neighbors=20, n_components=10, min_dist=0.0, metric="euclidean",
                     random_state=seed).fit_transform(codes).astype(np.float32)


def layout_quality(a):
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score as nmi
    from sklearn.mixture import GaussianMixture

    _, y = images(a.images_dir, a.max_rows)
    for path in a.embeddings:
        embedding = np.load(path)
        acc, nmis = [], []
        for seed in range(a.mixture_seeds):
            labels = GaussianMixture(n_components=10, covariance_type="full", random_state=seed).fit(embedding).predict(embedding)
            acc.append(accuracy(y, labels))
            nmis.append(float(nmi(y, labels)))
        kmeans = KMeans(n_clusters=10, n_init=10, random_state=0).fit_predict(embedding)
        sys.__stdout__.write(json.dumps({
            "embedding": path, "gmm_acc_median": float(np.median(acc)), "gmm_acc_range": [min(acc), max(acc)],
            "gmm_nmi_median": float(np.median(nmis)), "gmm_nmi_range": [min(nmis), max(nmis)],
            "kmeans_acc": accuracy(y, kmeans), "kmeans_nmi": float(nmi(y, kmeans))}) + "\n")
        sys.__stdout__.flush()
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser("run")
    r.add_argument("--output-dir", required=True)
    r.add_argument("--epochs", type=int, default=25)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--images-dir", default="/usr/share/datasets/fashion-mnist")
    r.add_argument("--max-rows", type=int, default=0, help="only the first N of the 70,000 images (0: all)")
    r.add_argument("--umap-parallel", action="store_true", help="unseeded umap-learn on all cores")
    r.add_argument("--verbose", action="store_true", help="Keras per-epoch lines on stderr")
    c = commands.add_parser("cross", help="umap-learn + scikit-learn's clusterers on given codes (and embedding)")
    c.add_argument("--codes", required=True, help="a codes.npy of either side (70,000 rows in the preset's order)")
    c.add_argument("--embedding", help="a umap.npy of either side: also cluster it as it is")
    c.add_argument("--seed", type=int, default=0)
    c.add_argument("--images-dir", default="/usr/share/datasets/fashion-mnist")
    c.add_argument("--max-rows", type=int, default=0)
    q = commands.add_parser("layout-quality", help="mixture over seeds and KMeans on given embeddings")
    q.add_argument("embeddings", nargs="+")
    q.add_argument("--mixture-seeds", type=int, default=8)
    q.add_argument("--images-dir", default="/usr/share/datasets/fashion-mnist")
    q.add_argument("--max-rows", type=int, default=0)
    u = commands.add_parser("umap", help="umap-learn, seeded, with the preset's settings")
    u.add_argument("--codes", required=True)
    u.add_argument("--seed", type=int, required=True)
    u.add_argument("--out", required=True)
    a = parser.parse_args()
    sys.stdout = sys.stderr  # keep stdout for the JSON: libraries print progress
    if a.command == "umap":
        np.save(a.out, learn_umap(np.load(a.codes), a.seed))
        report = {"out": a.out, "seed": a.seed}
    else:
        report = {"run": run, "cross": cross, "layout-quality": layout_quality}[a.command](a)
    sys.stdout = sys.__stdout__
    if report is not None:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
