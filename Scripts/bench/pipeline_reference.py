#!/usr/bin/env python3
"""Reference side of Scripts/bench/pipeline.sh: the Python N2D pipeline of the IMDB tutorials, and the
quality measures applied identically to its output and to n2d-mpi's.

Stages are timed as n2d-mpi's metrics.json "run.seconds": vectorize (read, clean, split, count), train
(fit, then encode the training rows), embed (UMAP), cluster (DBSCAN and KMeans), total.

Subcommands (each prints one JSON object on stdout):
  run      --input CSV --output-dir DIR [--epochs 25] [--umap-parallel] [--max-rows N]
           The whole job, timed per stage: read the CSV; clean each review (remove <.*?> tags, split on
           whitespace, drop scikit-learn's English stop words case-sensitively, join);
           train_test_split(test_size=0.5, random_state=13); CountVectorizer(stop_words='english',
           max_features=5000) fitted on the train half; Keras 3 (JAX backend) autoencoder
           5000-1024-512-256-10 (ReLU hidden, linear bottleneck and output, MSE, Adam 1e-3, batch 32,
           validation on the first 2000 test rows); encoder -> codes; umap-learn UMAP(n_neighbors=50,
           n_components=5, min_dist=0), seeded (random_state=13, single thread) unless --umap-parallel;
           DBSCAN(eps=1, min_samples=50); KMeans(5, random_state=13); the t-SNE of the codes the
           tutorial draws its pictures on (TSNE(n_components=2, random_state=13); --no-maps skips it,
           as n2d-mpi's --no-plots). Writes codes.npy, umap.npy and
           labels.csv (the columns n2d-mpi writes) into DIR, then measures them as `measure` does.
  train    --input CSV [--epochs 3] [--max-rows N]
           Only the vectorize and Keras stages of `run` (same data, network, batch and seed), printing
           each epoch's seconds as Keras's fit saw them: the training benchmark's reference
           (Scripts/bench/train-job.sh).
  predict  --input CSV [--epochs 1] [--max-rows N] [--small 100]
           The predict benchmark's reference (Scripts/bench/predict.sh): fits as `run` does (seeded
           umap-learn; the epoch count only changes the weights, not the cost of placing rows), then
           times placing the test half: CountVectorizer.transform of the cleaned reviews, the Keras
           encoder, umap-learn's transform, KMeans.predict, and DBSCAN's nearest core sample within eps
           (scikit-learn's DBSCAN has no predict; this is n2d-mpi's rule). Then the same for the first
           --small test reviews, a request a service would see. Prints the seconds of each phase.
  measure  --dir DIR
           Quality of a finished run (n2d-mpi's or this script's) from DIR's codes.npy, umap.npy and
           labels.csv: trustworthiness (scikit-learn, k=10, 5,000 rows drawn with seed 13), silhouette of
           each clustering on the UMAP output (noise left out, 5,000 rows drawn with seed 13, as
           n2d-mpi's Evaluation), and ACC (Hungarian), NMI and ARI against the sentiment labels.
"""
import argparse
import csv
import json
import os
import re
import resource
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np

SEED = 13
SAMPLE = 5000
TAG = re.compile(r"<.*?>")


def stop_words():
    """scikit-learn's English stop words, from the golden copy when it is there."""
    golden = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/golden/sklearn_english_stop_words.txt")
    if os.path.exists(golden):
        with open(golden, encoding="utf-8") as handle:
            return frozenset(line.strip() for line in handle if line.strip())
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    return ENGLISH_STOP_WORDS


def clean(text, words):
    return " ".join(word for word in TAG.sub("", text).split() if word not in words)


def read_reviews(path, max_rows):
    csv.field_size_limit(sys.maxsize)
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        review, sentiment = header.index("review"), header.index("sentiment")
        rows = [(row[review], row[sentiment]) for row in reader]
    return rows[:max_rows] if max_rows else rows


def autoencoder(dims):
    import keras
    inputs = keras.Input(shape=(dims[0],))
    x = inputs
    for width in dims[1:-1]:
        x = keras.layers.Dense(width, activation="relu")(x)
    code = keras.layers.Dense(dims[-1], name="bottleneck")(x)
    x = code
    for width in reversed(dims[1:-1]):
        x = keras.layers.Dense(width, activation="relu")(x)
    outputs = keras.layers.Dense(dims[0])(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")
    return model, keras.Model(inputs, code)


def vectorized(a):
    """The reviews, the train half's row ids, and its dense count matrix and the validation rows'."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.model_selection import train_test_split
    words = stop_words()
    rows = read_reviews(a.input, a.max_rows)
    train, test = train_test_split(range(len(rows)), test_size=0.5, random_state=SEED)
    validation = test[: a.validation_rows]
    vectorizer = CountVectorizer(stop_words="english", max_features=a.max_features)
    x_train = vectorizer.fit_transform([clean(rows[i][0], words) for i in train])
    x_val = vectorizer.transform([clean(rows[i][0], words) for i in validation])
    return rows, train, x_train.astype(np.float32).toarray(), x_val.astype(np.float32).toarray()


def fit(x_train, x_val, epochs, verbose):
    """The seeded Keras autoencoder trained as the tutorial does; returns the encoder, the history and
    each epoch's wall seconds."""
    import keras
    keras.utils.set_random_seed(SEED)
    model, encoder = autoencoder([x_train.shape[1], 1024, 512, 256, 10])
    epoch_seconds = []

    class EpochClock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.started = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            epoch_seconds.append(time.perf_counter() - self.started)

    history = model.fit(x_train, x_train, batch_size=32, epochs=epochs, validation_data=(x_val, x_val),
                        verbose=2 if verbose else 0, callbacks=[EpochClock()])
    return encoder, history, epoch_seconds


def train_only(a):
    start = time.perf_counter()
    _, _, x_train, x_val = vectorized(a)
    vectorize = time.perf_counter() - start
    _, history, epoch_seconds = fit(x_train, x_val, a.epochs, a.verbose)
    return {"vectorize_seconds": vectorize, "epoch_seconds": epoch_seconds, "loss": history.history["loss"],
            "val_loss": history.history["val_loss"], "versions": versions()}


class Laps:
    """Seconds per stage, each from the end of the one before."""

    def __init__(self):
        self.seconds, self.start = {}, time.perf_counter()
        self.mark = self.start

    def __call__(self, stage):
        now = time.perf_counter()
        self.seconds[stage] = now - self.mark
        self.mark = now

    def total(self):
        self.seconds["total"] = time.perf_counter() - self.start
        return self.seconds


def run(a):
    from sklearn.cluster import DBSCAN, KMeans

    lap = Laps()

    rows, train, x_train, x_val = vectorized(a)
    lap("vectorize")

    encoder, history, epoch_seconds = fit(x_train, x_val, a.epochs, a.verbose)
    codes = encoder.predict(x_train, batch_size=1024, verbose=0)
    lap("train")  # as n2d-mpi's train stage, which ends with the codes

    import umap
    reducer = umap.UMAP(n_neighbors=50, n_components=5, min_dist=0.0, metric="euclidean",
                        random_state=None if a.umap_parallel else SEED)
    embedding = reducer.fit_transform(codes)
    lap("embed")

    dbscan = DBSCAN(eps=1.0, min_samples=50).fit_predict(embedding)
    kmeans = KMeans(n_clusters=5, random_state=SEED).fit_predict(embedding)
    lap("cluster")
    if not a.no_maps:
        # The tutorial draws its pictures on a t-SNE of the codes, as n2d-mpi's imdb preset does
        # (--map tsne): the same work on both sides (the drawing itself is negligible beside it).
        from sklearn.manifold import TSNE
        TSNE(n_components=2, random_state=SEED).fit_transform(codes)
        lap("plots")
    seconds = lap.total()

    save_run(a.output_dir, codes, embedding, [rows[source][1] for source in train], {"dbscan": dbscan, "kmeans": kmeans},
             source_ids=train)

    report = {
        "seconds": seconds,
        "rows": int(x_train.shape[0]), "features": int(x_train.shape[1]), "epochs": a.epochs,
        "final_loss": float(history.history["loss"][-1]),
        "final_val_loss": float(history.history["val_loss"][-1]),
        "epoch_seconds": epoch_seconds,
        "umap_seeded": not a.umap_parallel,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "versions": versions(),
    }
    report.update(measure_dir(a.output_dir))
    return report


def save_run(directory, codes, embedding, truth, clusterings, source_ids):
    """codes.npy, umap.npy and labels.csv (n2d-mpi's columns: row, source_id, true_label, then one
    column per clustering) in DIRECTORY, as `measure` reads them."""
    os.makedirs(directory, exist_ok=True)
    np.save(os.path.join(directory, "codes.npy"), codes.astype(np.float32))
    np.save(os.path.join(directory, "umap.npy"), embedding.astype(np.float32))
    with open(os.path.join(directory, "labels.csv"), "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["row", "source_id", "true_label"] + list(clusterings))
        for row, source in enumerate(source_ids):
            out.writerow([row, source, truth[row]] + [int(labels[row]) for labels in clusterings.values()])


def versions():
    import jax, keras, sklearn, umap
    return {"python": sys.version.split()[0], "keras": keras.__version__, "jax": jax.__version__,
            "scikit-learn": sklearn.__version__, "umap-learn": umap.__version__, "numpy": np.__version__}


def accuracy(truth, predicted):
    """Best one-to-one matching of clusters to classes (Hungarian); unmatched clusters count as wrong."""
    from scipy.optimize import linear_sum_assignment
    classes, t = np.unique(truth, return_inverse=True)
    clusters, p = np.unique(predicted, return_inverse=True)
    table = np.zeros((len(clusters), len(classes)), dtype=np.int64)
    np.add.at(table, (p, t), 1)
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / len(truth))


def silhouette(embedding, labels):
    """Mean silhouette over the non-noise rows, on a seeded sample of SAMPLE rows; None under 2 clusters."""
    from sklearn.metrics import silhouette_score
    keep = labels >= 0
    x, y = embedding[keep], labels[keep]
    if len(np.unique(y)) < 2 or len(np.unique(y)) >= len(y):
        return None
    if len(y) > SAMPLE:
        chosen = np.random.default_rng(SEED).choice(len(y), SAMPLE, replace=False)
        x, y = x[chosen], y[chosen]
        if len(np.unique(y)) < 2:
            return None
    return float(silhouette_score(x, y))


def measure_dir(directory):
    from sklearn.manifold import trustworthiness
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
    codes = np.load(os.path.join(directory, "codes.npy"))
    embedding = np.load(os.path.join(directory, "umap.npy"))
    with open(os.path.join(directory, "labels.csv"), newline="") as handle:
        table = list(csv.DictReader(handle))
    sample = np.random.default_rng(SEED).choice(len(codes), min(SAMPLE, len(codes)), replace=False)
    out = {"trustworthiness": float(trustworthiness(codes[sample], embedding[sample], n_neighbors=10))}
    truth = [row.get("true_label", "") for row in table]
    for name in ("dbscan", "kmeans", "gmm"):
        if name not in table[0] or table[0][name] == "":
            continue
        labels = np.array([int(row[name]) for row in table])
        scores = {"clusters": int(len(set(labels[labels >= 0]))),
                  "noise_share": float(np.mean(labels < 0)),
                  "silhouette": silhouette(embedding, labels)}
        if all(truth):
            scores.update(acc=accuracy(truth, labels), nmi=float(normalized_mutual_info_score(truth, labels)),
                          ari=float(adjusted_rand_score(truth, labels)))
        out[name] = scores
    return out


def predict(a):
    from sklearn.cluster import DBSCAN, KMeans
    from sklearn.neighbors import NearestNeighbors
    import umap
    words = stop_words()
    rows, train, x_train, x_val = vectorized(a)
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.model_selection import train_test_split
    vectorizer = CountVectorizer(stop_words="english", max_features=a.max_features)
    vectorizer.fit([clean(rows[i][0], words) for i in train])
    _, test = train_test_split(range(len(rows)), test_size=0.5, random_state=SEED)
    encoder, _, _ = fit(x_train, x_val, a.epochs, a.verbose)
    codes = encoder.predict(x_train, batch_size=1024, verbose=0)
    reducer = umap.UMAP(n_neighbors=50, n_components=5, min_dist=0.0, metric="euclidean", random_state=SEED)
    embedding = reducer.fit_transform(codes)
    dbscan = DBSCAN(eps=1.0, min_samples=50).fit(embedding)
    kmeans = KMeans(n_clusters=5, random_state=SEED).fit(embedding)
    cores = embedding[dbscan.core_sample_indices_]
    core_labels = dbscan.labels_[dbscan.core_sample_indices_]
    nearest_core = NearestNeighbors(n_neighbors=1).fit(cores) if len(cores) else None

    def place(ids):
        lap = Laps()
        x = vectorizer.transform([clean(rows[i][0], words) for i in ids]).astype(np.float32).toarray()
        lap("vectorize")
        new_codes = encoder.predict(x, batch_size=1024, verbose=0)
        lap("encode")
        new_embedding = reducer.transform(new_codes)
        lap("transform")
        kmeans.predict(new_embedding)
        if nearest_core is not None:
            distance, index = nearest_core.kneighbors(new_embedding)
            np.where(distance[:, 0] <= 1.0, core_labels[index[:, 0]], -1)
        lap("assign")
        return lap.total()

    return {"test_rows": len(test), "test": place(test), "small_rows": a.small, "small": place(test[: a.small]),
            "versions": versions()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser("run")
    r.add_argument("--input", required=True)
    r.add_argument("--output-dir", required=True)
    r.add_argument("--epochs", type=int, default=25)
    r.add_argument("--max-rows", type=int, default=0, help="use only the first N rows of the CSV (0: all)")
    r.add_argument("--max-features", type=int, default=5000)
    r.add_argument("--validation-rows", type=int, default=2000)
    r.add_argument("--umap-parallel", action="store_true",
                   help="unseeded umap-learn on all cores (faster, not reproducible)")
    r.add_argument("--verbose", action="store_true", help="Keras per-epoch lines on stderr")
    r.add_argument("--no-maps", action="store_true", help="skip the t-SNE of the codes the pictures are drawn on")
    t = commands.add_parser("train")
    t.add_argument("--input", required=True)
    t.add_argument("--epochs", type=int, default=3)
    t.add_argument("--max-rows", type=int, default=0)
    t.add_argument("--max-features", type=int, default=5000)
    t.add_argument("--validation-rows", type=int, default=2000)
    t.add_argument("--verbose", action="store_true")
    p = commands.add_parser("predict")
    p.add_argument("--input", required=True)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--max-rows", type=int, default=0)
    p.add_argument("--max-features", type=int, default=5000)
    p.add_argument("--validation-rows", type=int, default=2000)
    p.add_argument("--small", type=int, default=100)
    p.add_argument("--verbose", action="store_true")
    m = commands.add_parser("measure")
    m.add_argument("--dir", required=True)
    a = parser.parse_args()
    if a.command in ("run", "train", "predict"):
        sys.stdout = sys.stderr  # keep stdout for the JSON: libraries print progress
        report = {"run": run, "train": train_only, "predict": predict}[a.command](a)
        sys.stdout = sys.__stdout__
    else:
        report = measure_dir(a.dir)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
