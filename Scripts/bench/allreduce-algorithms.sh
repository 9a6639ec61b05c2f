#!/usr/bin/env bash
# Which Open MPI algorithm moves the training step's messages fastest over a shaped link: allreduce
# (default choice, recursive doubling, ring, segmented ring, Rabenseifner) and allgatherv (default,
# Bruck, ring) at 2 and 4 namespace hosts on a 500 Mbit/s link (where the link, not this VM's CPU,
# is the bottleneck), for docs/SCALING.md. Needs root.
#   Scripts/bench/allreduce-algorithms.sh [PASSES]   (default 3)
# Writes Scripts/bench/results/allreduce-algorithms.csv and prints the median per cell (ms) and the
# share of the link rate the bus bandwidth reaches.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
passes=${1:-3}
rate=${N2D_BENCH_RATE:-500mbit}
results=Scripts/bench/results
mkdir -p "$results"
csv=$results/allreduce-algorithms.csv
swift build -c release --product allreduce-bench >/dev/null
bench=$root/.build/release/allreduce-bench
trap 'Scripts/cluster/down.sh >/dev/null' EXIT
Scripts/cluster/up.sh 4 1 >/dev/null
Scripts/cluster/shape.sh "$rate" 50us >&2

# name, then the MCA settings (empty: Open MPI's own decision)
variants=("default|" "recursive doubling|3" "ring|4" "segmented ring|5" "rabenseifner|6")
echo "pass,algorithm,$($bench --bytes 4 --repeats 1 --warmup 1 | head -1)" > "$csv"
for pass in $(seq 1 "$passes"); do
    for variant in "${variants[@]}"; do
        name=${variant%%|*}; id=${variant##*|}
        mca=()
        if [ -n "$id" ]; then
            # allgatherv: ring (3) beside the ring-like allreduces, Bruck (2) beside recursive doubling
            gather=3; [ "$id" = 3 ] && gather=2
            mca=(--mca coll_tuned_use_dynamic_rules 1 --mca coll_tuned_allreduce_algorithm "$id"
                 --mca coll_tuned_allgatherv_algorithm "$gather")
        fi
        for hosts in 2 4; do
            Scripts/cluster/mpirun-netns --hosts "$hosts" "${mca[@]}" "$bench" --bytes 46000000,2000000 \
                --repeats 5 --warmup 1 | tail -n +2 | sed "s/^/$pass,$name,/" >> "$csv"
        done
    done
    echo "pass $pass done" >&2
done
"${N2D_BENCH_PYTHON:-python3}" - "$csv" "$rate" <<'PY'
import csv, statistics, sys
rate = sys.argv[2]
gbit = float(rate[:-4]) * (1 if rate.endswith("gbit") else 1e-3)
cells = {}
for r in csv.DictReader(open(sys.argv[1])):
    key = (r["algorithm"], r["op"], int(r["ranks"]), int(r["bytes"]))
    cells.setdefault(key, []).append((float(r["median_ms"]), float(r["busbw_GBps"])))
print(f"Median over passes (ms) and bus bandwidth as a share of the {rate} link")
print("| algorithm | op | ranks | 46 MB (ms) | share | 2 MB (ms) | share |")
print("|---|---|---|---|---|---|---|")
for algo, op, p in sorted({k[:3] for k in cells}):
    row = []
    for n in (46000000, 2000000):
        v = cells.get((algo, op, p, n), [])
        if v:
            row += [f"{statistics.median(t for t, _ in v):.1f}", f"{statistics.median(b for _, b in v) * 8 / gbit:.0%}"]
        else:
            row += ["", ""]
    print(f"| {algo} | {op} | {p} | " + " | ".join(row) + " |")
PY
