#!/usr/bin/env bash
# Per-core compute throughput of the IMDB autoencoder step on this machine (docs/SCALING.md):
# builds step-throughput.c against the system OpenBLAS and runs it PASSES times (default 3),
# printing the median per row. Times are CPU time of the measuring thread, so that a machine shared
# with other jobs still gives one core's throughput; medians, not minima.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
passes=${1:-3}
out=$here/results
mkdir -p "$out"
cc -O2 -march=native -o "$out/step-throughput" "$here/step-throughput.c" $(pkg-config --cflags --libs openblas)
for pass in $(seq 1 "$passes"); do "$out/step-throughput" | tail -n +2 | sed "s/^/$pass,/"; done > "$out/step-throughput.csv"
"${N2D_BENCH_PYTHON:-python3}" - "$out/step-throughput.csv" "$passes" <<'PY'
import csv, statistics, sys
rows = {}
for p, what, batch, seconds, rate in csv.reader(open(sys.argv[1])):
    rows.setdefault((what, int(batch)), []).append((float(seconds), float(rate)))
print(f"what,batch,median_seconds,median_rate  (GFLOP/s; GB/s for the triad; median of {sys.argv[2]} passes)")
for (what, batch), v in sorted(rows.items()):
    print(f"{what},{batch},{statistics.median(s for s, _ in v):.6f},{statistics.median(r for _, r in v):.2f}")
PY
