"""The scaling model of docs/SCALING.md: time per epoch of the IMDB autoencoder job at P ranks.

Usage: scaling_model.py STEP_THROUGHPUT.csv [--eta 0.9]  -> markdown tables on stdout.
STEP_THROUGHPUT.csv is Scripts/bench/results/step-throughput.csv (step-throughput.sh): the dense step's
GFLOP/s on one core at per-rank batches 4..256, and the triad's GB/s. Every other input is a flag
with the value docs/SCALING.md derives. Standard library only.

One rank = one core (one BLAS thread). Per step, at global batch B and per-rank batch b = B/P:
  compute  C(b) = b * F_dense / g(b) + b * sparse_bytes / M     (g: measured GFLOP/s at batch b;
           the sparse first layer streams one 4 KB weight row per non-zero, twice, at bandwidth M)
  optimizer O = 28 bytes * params / M (Adam reads w, m, v, g and writes w, m, v), on every rank
           (replicated) or on 1/P of the parameters (sharded: reduce-scatter, update, allgather)
  network  T_ar = 2 (P-1) alpha + 2 (P-1)/P * G / (eta R)   (segmented ring, the algorithm that reached
           eta ~ 0.9 of the link in allreduce-algorithms.sh; G = 4 bytes * params; with ranks placed in
           per-host blocks the NIC is one link of the ring whatever the ranks per host)
  overlap  bucketed allreduce hides up to the backward pass (2/3 of C(b)) of the network time
Efficiency E = (C(B) + O) / (P * T_step): the one-core step over P times the P-rank step.
"""
import argparse
import csv
import math
import statistics
from collections import defaultdict

LAYERS = [5000, 1024, 512, 256, 10, 256, 512, 1024, 5000]
PARAMS = sum(i * o + o for i, o in zip(LAYERS, LAYERS[1:]))
DENSE_FLOPS = 6 * sum(i * o for i, o in zip(LAYERS[1:], LAYERS[2:]))  # per sample, layers 2..8
NNZ_PER_ROW = 69.5
SPARSE_BYTES = 2 * NNZ_PER_ROW * LAYERS[1] * 4  # forward + weight gradient, per sample
GATHER_FLOATS = sum(i + o for i, o in zip(LAYERS[1:], LAYERS[2:])) + LAYERS[1] + 2 * NNZ_PER_ROW


def throughput_curve(path):
    rows = defaultdict(list)
    for p, what, batch, seconds, rate in csv.reader(open(path)):
        rows[(what, int(batch))].append(float(rate))
    curve = {b: statistics.median(v) for (w, b), v in rows.items() if w == "dense step"}
    triad = statistics.median(rows[("triad GB/s", 0)]) * 1e9
    return curve, triad


def gflops(curve, b):
    """GFLOP/s at per-rank batch b, interpolated in log(b) between measured batches."""
    keys = sorted(curve)
    if b <= keys[0]:
        return curve[keys[0]] * b / keys[0]  # below the smallest batch: time per step stays flat
    if b >= keys[-1]:
        return curve[keys[-1]]
    for lo, hi in zip(keys, keys[1:]):
        if lo <= b <= hi:
            t = (math.log(b) - math.log(lo)) / (math.log(hi) - math.log(lo))
            return curve[lo] + t * (curve[hi] - curve[lo])


class Model:
    def __init__(self, curve, memory, eta):
        self.curve, self.memory, self.eta = curve, memory, eta

    def compute(self, b):
        return b * DENSE_FLOPS / (gflops(self.curve, b) * 1e9) + b * SPARSE_BYTES / self.memory

    def optimizer(self):
        return 28 * PARAMS / self.memory

    def allreduce(self, p, alpha, gbit):
        if p == 1:
            return 0.0
        return 2 * (p - 1) * alpha + 2 * (p - 1) / p * 4 * PARAMS / (self.eta * gbit * 1e9 / 8)

    def step(self, batch, p, alpha, gbit, sharded, overlap):
        b = batch / p
        c = self.compute(b)
        net = self.allreduce(p, alpha, gbit)
        hidden = min(net, 2 / 3 * c) if overlap else 0.0
        opt = self.optimizer() / p if sharded else self.optimizer()
        return c + opt + net - hidden

    def efficiency(self, batch, p, alpha, gbit, sharded, overlap):
        one = self.compute(batch) + self.optimizer()
        return one / (p * self.step(batch, p, alpha, gbit, sharded, overlap))


NETWORKS = [("10 Gbit/s TCP", 10, 25e-6), ("100 Gbit/s RDMA", 100, 3e-6)]
SETTINGS = [("replicated Adam, no overlap", False, False), ("sharded Adam, no overlap", True, False),
            ("sharded Adam + overlap", True, True)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("throughput")
    parser.add_argument("--eta", type=float, default=0.9, help="share of the link rate MPI achieves")
    parser.add_argument("--memory-gbs", type=float, help="memory bandwidth per core (default: the measured triad)")
    args = parser.parse_args()
    curve, memory = throughput_curve(args.throughput)
    if args.memory_gbs:
        memory = args.memory_gbs * 1e9
    model = Model(curve, memory, args.eta)

    print(f"Inputs: {PARAMS / 1e6:.2f} M parameters ({4 * PARAMS / 1e6:.1f} MB gradient); "
          f"{DENSE_FLOPS / 1e6:.1f} MFLOP dense + {SPARSE_BYTES / 1e3:.0f} KB sparse traffic per sample; "
          f"one-core dense GFLOP/s by batch {', '.join(f'{b}: {g:.1f}' for b, g in sorted(curve.items()))}; "
          f"memory {memory / 1e9:.1f} GB/s per core (Adam step {model.optimizer() * 1e3:.1f} ms); "
          f"eta {args.eta}.\n")
    print(f"One core, global batch 32: step {1e3 * (model.compute(32) + model.optimizer()):.1f} ms "
          f"(compute {1e3 * model.compute(32):.1f}, Adam {1e3 * model.optimizer():.1f}); "
          f"epoch of 25,000 rows {25000 / 32 * (model.compute(32) + model.optimizer()):.0f} s.\n")

    for rows, label in [(25_000, "IMDB, 25,000 rows"), (2_500_000, "100x corpus, 2.5 M rows")]:
        print(f"\n#### {label}: seconds per epoch (efficiency)\n")
        print("| network | setting | global batch | " + " | ".join(f"{p} ranks" for p in (8, 64, 512)) + " |")
        print("|---|---|---|---|---|---|")
        for net, gbit, alpha in NETWORKS:
            for setting, sharded, overlap in SETTINGS:
                for batch in (32, 1024, 8192, 65536):
                    cells = []
                    for p in (8, 64, 512):
                        if batch < p or batch > rows:
                            cells.append("—")
                            continue
                        t = rows / batch * model.step(batch, p, alpha, gbit, sharded, overlap)
                        e = model.efficiency(batch, p, alpha, gbit, sharded, overlap)
                        cells.append(f"{t:.3g} ({e:.0%})")
                    print(f"| {net} | {setting} | {batch} | " + " | ".join(cells) + " |")

    print("\n#### Smallest global batch with efficiency >= 80% (per-rank batch in brackets)\n")
    print("| network | setting | " + " | ".join(f"{p} ranks" for p in (8, 64, 512)) + " |")
    print("|---|---|---|---|---|")
    for net, gbit, alpha in NETWORKS:
        for setting, sharded, overlap in SETTINGS:
            cells = []
            for p in (8, 64, 512):
                found = next((b for b in (2 ** k for k in range(3, 22))
                              if b >= p and model.efficiency(b, p, alpha, gbit, sharded, overlap) >= 0.8), None)
                cells.append(f"{found} ({found // p})" if found else "none")
            print(f"| {net} | {setting} | " + " | ".join(cells) + " |")

    print("\n#### Gathered layer inputs and errors instead of the gradient (issue 8's path), global batch 32\n")
    print("Every rank forms the full-batch weight gradient itself (1/3 of the step's FLOPs, at batch B) and")
    print(f"runs Adam; the allgather moves B x {GATHER_FLOATS:.0f} floats ({32 * GATHER_FLOATS * 4 / 1e6:.2f} MB at B = 32).\n")
    print("| network | " + " | ".join(f"{p} ranks" for p in (8, 64, 512)) + " |")
    print("|---|---|---|---|")
    for net, gbit, alpha in NETWORKS:
        cells = []
        for p in (8, 64, 512):
            if p > 32:
                cells.append("— (B < P)")
                continue
            b = 32 / p
            c = model.compute(b) * 2 / 3 + model.compute(32) / 3
            gather = (p - 1) * alpha + (p - 1) / p * 32 * GATHER_FLOATS * 4 / (args.eta * gbit * 1e9 / 8)
            t = c + model.optimizer() + gather
            e = (model.compute(32) + model.optimizer()) / (p * t)
            cells.append(f"{25000 / 32 * t:.3g} s ({e:.0%})")
        print(f"| {net} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
