#!/usr/bin/env python3
"""Write a realistic stand-in for a UMAP embedding (min_dist 0): tight clumps of different sizes and
densities, some Gaussian, some bent along arcs, plus 1% scattered points. Saves OUT.npy (float32,
rows x dims) and OUT.labels.txt (the generating group of each row, one per line).

usage: make_embedding.py --rows 25000 --dims 5 --groups 5 --seed 0 --out /tmp/emb25k
"""
import argparse

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--dims", type=int, required=True)
    parser.add_argument("--groups", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True, help="output path without extension")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    scattered = args.rows // 100
    weights = rng.dirichlet(np.full(args.groups, 4.0))
    sizes = np.floor(weights * (args.rows - scattered)).astype(int)
    sizes[0] += args.rows - scattered - sizes.sum()
    parts, labels = [], []
    for g, size in enumerate(sizes):
        centre = rng.uniform(-2, 12, args.dims)
        spread = rng.uniform(0.15, 0.45)
        if g % 2 == 0:  # a Gaussian clump with uneven axes
            points = centre + rng.normal(0, 1, (size, args.dims)) * spread * rng.uniform(0.5, 1.5, args.dims)
        else:  # a thick arc in a random plane
            t = rng.uniform(0, np.pi * rng.uniform(0.6, 1.4), size)
            radius = rng.uniform(1.5, 3.0)
            plane = np.linalg.qr(rng.normal(size=(args.dims, 2)))[0]
            arc = np.stack([np.cos(t), np.sin(t)], axis=1) * radius @ plane.T
            points = centre + arc + rng.normal(0, spread * 0.6, (size, args.dims))
        parts.append(points)
        labels += [g] * size
    low, high = np.min(np.vstack(parts), axis=0), np.max(np.vstack(parts), axis=0)
    parts.append(rng.uniform(low, high, (scattered, args.dims)))
    labels += [args.groups] * scattered
    order = rng.permutation(args.rows)
    data = np.vstack(parts)[order].astype(np.float32)
    np.save(args.out + ".npy", data)
    np.savetxt(args.out + ".labels.txt", np.array(labels)[order], fmt="%d")
    print(f"wrote {args.out}.npy ({data.shape[0]} x {data.shape[1]}) and {args.out}.labels.txt")


if __name__ == "__main__":
    main()
