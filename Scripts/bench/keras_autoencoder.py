"""Keras 3 reference for the autoencoder step time: the same network, data, batch and optimizer as
n2d-mpi's trainer, trained with model.fit on the rows written by `ae-bench synth` (densified, as the
N2D reference does). Times a fixed number of steps (after warm-up and compilation) and prints the
median step in milliseconds.

Run with KERAS_BACKEND=jax (set by Scripts/bench/train.sh)."""
import argparse
import os
import time

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True, help="directory with indptr.npy, indices.npy, data.npy")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--hidden", default="1024,512,256")
    parser.add_argument("--bottleneck", type=int, default=10)
    args = parser.parse_args()

    indptr = np.load(os.path.join(args.data, "indptr.npy"))
    indices = np.load(os.path.join(args.data, "indices.npy"))
    values = np.load(os.path.join(args.data, "data.npy")).ravel()
    cols = int(indices.max()) + 1
    rows = min(len(indptr) - 1, (args.warmup + args.steps) * args.batch_size)
    x = np.zeros((rows, max(cols, 5000)), dtype=np.float32)
    for i in range(rows):
        lo, hi = indptr[i], indptr[i + 1]
        x[i, indices[lo:hi]] = values[lo:hi]

    hidden = [int(h) for h in args.hidden.split(",")]
    inputs = keras.Input(shape=(x.shape[1],))
    h = inputs
    for width in hidden:
        h = keras.layers.Dense(width, activation="relu")(h)
    h = keras.layers.Dense(args.bottleneck)(h)
    for width in reversed(hidden):
        h = keras.layers.Dense(width, activation="relu")(h)
    outputs = keras.layers.Dense(x.shape[1])(h)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3), loss="mse")

    stamps = []

    class Timer(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            stamps.append(time.perf_counter())

    model.fit(x, x, batch_size=args.batch_size, epochs=1, shuffle=True, verbose=0, callbacks=[Timer()])
    steps = np.diff(np.array(stamps[args.warmup - 1:]))
    print(f"keras step {np.median(steps) * 1e3:.2f} ms (median of {len(steps)}), backend {keras.backend.backend()}")


if __name__ == "__main__":
    main()
