"""Summarises Scripts/bench/allreduce-netem.sh: median times per cell and an alpha-beta fit.

Usage: alpha_beta_fit.py RESULTS.csv [SHAPING_NOTE_FILE]  -> markdown on stdout.

For every (profile, op, ranks) the time T(n) of an n-byte collective is fitted as T = A + B*n:
B is the least-squares slope over the messages of at least 2 MB, A = T(4 KB) - B * 4 KB. With a
ring algorithm (2(p-1) steps for allreduce, p-1 for allgather, each moving n/p bytes), the fit gives
the per-step latency alpha = A / steps and the bus bandwidth = steps * (n/p) / (B * n), which is
what the link delivers to MPI. Standard library only.
"""
import csv
import statistics
import sys
from collections import defaultdict


def link_gbit(profile):
    word = profile.split()[0]
    for suffix, scale in (("gbit", 1.0), ("mbit", 1e-3)):
        if word.endswith(suffix):
            return float(word[: -len(suffix)]) * scale
    return None


def main():
    rows = list(csv.DictReader(open(sys.argv[1])))
    cells = defaultdict(list)
    for r in rows:
        cells[(r["profile"], r["op"], int(r["ranks"]), int(r["bytes"]))].append(float(r["median_ms"]))
    medians = {k: statistics.median(v) for k, v in cells.items()}
    passes = len({r["pass"] for r in rows})
    sizes = sorted({k[3] for k in medians}, reverse=True)
    groups = sorted({k[:3] for k in medians}, key=lambda g: (g[0] != "one host (shared memory)", g[0], g[1], g[2]))

    print(f"Median over {passes} passes of the median of 7 repeats (ms; slowest rank per repeat).\n")
    if len(sys.argv) > 2:
        for note in open(sys.argv[2]).read().split("\n"):
            if note.strip():
                print(f"- shaping {note.strip()}")
        print()
    print("| link | op | ranks (hosts) | " + " | ".join(human(s) for s in sizes) + " |")
    print("|---|---|---|" + "---|" * len(sizes))
    for g in groups:
        hosts = "1 host" if g[0].startswith("one host") else f"{g[2]} hosts"
        values = " | ".join(f"{medians[g + (s,)]:.2f}" if g + (s,) in medians else "" for s in sizes)
        print(f"| {g[0]} | {g[1]} | {g[2]} ({hosts}) | {values} |")

    print("\nAlpha-beta fit (ring model): T(n) = steps*alpha + steps*(n/p)/bw\n")
    print("| link | op | ranks | A = T(0) (µs) | alpha per step (µs) | bus bandwidth (Gbit/s) | share of link rate |")
    print("|---|---|---|---|---|---|---|")
    for g in groups:
        profile, op, p = g
        big = [(s, medians[g + (s,)] / 1e3) for s in sizes if s >= 2_000_000 and g + (s,) in medians]
        if len(big) < 2 or g + (4096,) not in medians:
            continue
        mean_n = statistics.mean(n for n, _ in big)
        mean_t = statistics.mean(t for _, t in big)
        slope = sum((n - mean_n) * (t - mean_t) for n, t in big) / sum((n - mean_n) ** 2 for n, _ in big)
        intercept = medians[g + (4096,)] / 1e3 - slope * 4096
        steps = 2 * (p - 1) if op == "allreduce" else p - 1
        bus_gbit = steps / p / slope * 8 / 1e9 if slope > 0 else float("nan")
        rate = link_gbit(profile)
        share = f"{bus_gbit / rate:.0%}" if rate else "—"
        print(f"| {profile} | {op} | {p} | {intercept * 1e6:.0f} | {intercept / steps * 1e6:.0f} | {bus_gbit:.2f} | {share} |")


def human(n):
    if n >= 1_000_000:
        return f"{n / 1e6:g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KiB"
    return f"{n} B"


if __name__ == "__main__":
    main()
