#!/usr/bin/env bash
# The predict benchmark (issue 15): place the 25,000 IMDB test reviews (`--split test`) into the model
# of an IMDB run, our whole `n2d-mpi predict` (vectorize with the stored vocabulary, encode, UMAP
# transform, assign) against the Python side doing the same work (CountVectorizer.transform, the
# Keras encoder, umap-learn's transform, KMeans.predict, DBSCAN's nearest core sample), same machine,
# same run; and a small request (the first 100 test reviews), the latency a service would see. Our
# figures are whole-process wall times (model loading included); the Python ones are in-process
# (its fitted objects already in memory), which favours Python.
#
# Usage: Scripts/bench/predict.sh [--ranks 2] [--repeats 3] [--epochs 1] [--input CSV] [--no-python]
#   --epochs  epochs of the fit both sides make first (the weights do not change the cost of predict)
# Env: N2D_BENCH_PYTHON (default .venv-bench/bin/python, made by Scripts/bench/setup-python.sh)
# Writes Scripts/bench/results/predict-<time>.md. Run it alone (load average under 1.5 on 2 cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ranks=2 repeats=3 epochs=1 with_python=1
input=$root/../shared/data/IMDB\ Dataset.csv
[ -f "$root/data/IMDB Dataset.csv" ] && input=$root/data/IMDB\ Dataset.csv
while [ $# -gt 0 ]; do
    case $1 in
        --ranks) ranks=$2; shift 2 ;;
        --repeats) repeats=$2; shift 2 ;;
        --epochs) epochs=$2; shift 2 ;;
        --input) input=$2; shift 2 ;;
        --no-python) with_python=0; shift ;;
        *) echo "predict: unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done
[ -f "$input" ] || { echo "predict: the IMDB CSV is not at $input (pass --input)" >&2; exit 1; }
PY=${N2D_BENCH_PYTHON:-$root/.venv-bench/bin/python}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 KERAS_BACKEND=jax
swift build -c release >/dev/null
out=$root/Scripts/bench/results/predict-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
{
    echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(.build/release/n2d-mpi doctor | grep 'BLAS kernel')"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"

echo "== n2d-mpi: fit (run --preset imdb --epochs $epochs) at np $ranks" >&2
Scripts/n2d-mpirun -np "$ranks" run --preset imdb --input "$input" --epochs "$epochs" --no-plots --quiet \
    --output-dir "$out/model" > "$out/fit.log" 2>&1
# The first 100 test reviews as their own CSV (the small request).
python3 - "$input" "$out/model/split_test.txt" "$out/small.csv" <<'PYEOF'
import csv, sys
csv.field_size_limit(sys.maxsize)
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
test = [int(line) for line in open(sys.argv[2])][:100]
with open(sys.argv[3], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(rows[0])
    for i in test: w.writerow(rows[1 + i])
PYEOF
wall() { /usr/bin/time -f %e -o "$out/time.txt" "$@" > /dev/null 2>>"$out/predict.log"; cat "$out/time.txt"; }
: > "$out/ours.txt"
for r in $(seq "$repeats"); do
    echo "== n2d-mpi predict, repeat $r" >&2
    t=$(wall Scripts/n2d-mpirun -np "$ranks" predict --model "$out/model" --input "$input" --split test --quiet --output-dir "$out/test")
    s=$(wall .build/release/n2d-mpi predict --model "$out/model" --input "$out/small.csv" --quiet --output-dir "$out/small")
    echo "$t $s" >> "$out/ours.txt"
done
cp "$out/test/metrics.json" "$out/ours-metrics.json"
if [ "$with_python" = 1 ]; then
    echo "== Python: fit, then place the test half and the small request" >&2
    "$PY" Scripts/bench/pipeline_reference.py predict --input "$input" --epochs "$epochs" > "$out/python.json" 2> "$out/python.log"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"

python3 - "$out" "$ranks" <<'PYEOF' | tee "$out.md"
import json, os, statistics, sys
out, ranks = sys.argv[1], sys.argv[2]
ours = [tuple(map(float, line.split())) for line in open(os.path.join(out, "ours.txt")) if line.strip()]
test, small = statistics.median(t for t, _ in ours), statistics.median(s for _, s in ours)
phases = json.load(open(os.path.join(out, "ours-metrics.json")))["predict"]["seconds"]
print(f"# Predict benchmark {os.path.basename(out)}\n")
print("```\n" + open(os.path.join(out, "machine.txt")).read().rstrip() + "\n```\n")
print(f"n2d-mpi predict at np {ranks}, whole process (median of {len(ours)}): test half {test:.2f} s "
      f"(phases of the last run: " + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()) + f"); 100 reviews {small:.2f} s\n")
path = os.path.join(out, "python.json")
if os.path.exists(path) and os.path.getsize(path) > 0:
    py = json.load(open(path))
    t, s = py["test"], py["small"]
    print("Python, in-process: test half " + f"{t['total']:.2f} s (" + ", ".join(f"{k} {v:.2f}" for k, v in t.items() if k != "total")
          + f"); 100 reviews {s['total']:.2f} s\n")
    print(f"| request | n2d-mpi (s) | Python (s) | × |\n|---|---|---|---|\n"
          f"| {py['test_rows']} test reviews | {test:.2f} | {t['total']:.2f} | {t['total'] / test:.1f}× |\n"
          f"| {py['small_rows']} reviews | {small:.2f} | {s['total']:.2f} | {s['total'] / small:.1f}× |")
PYEOF
echo "predict: results in $out.md" >&2
