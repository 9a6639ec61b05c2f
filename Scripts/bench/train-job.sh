#!/usr/bin/env bash
# The training benchmark at the job's real length: the IMDB preset's whole 25-epoch training
# (`n2d-mpi train --preset imdb` on the real CSV) at each rank count, against Keras 3 on JAX training
# the same network on the same bag of words with the same batch, on the same machine in the same run
# (Keras's epochs are flat: a few are enough). Reports every epoch's seconds, the median and the
# slowest epoch (target: slowest ≤ 1.15 × median), the lazy catch-up's share of the step time at
# epochs 1, 10 and 25 (target < 10%), and the 25-epoch training against Keras's median epoch × 25
# (Keras's first epoch, with its compilation, plus the median of the others for each further epoch;
# target ≥ 2.5×), with the CPU model, the BLAS kernel, the ceilings and the load average.
#
# Usage: Scripts/bench/train-job.sh [--epochs 25] [--ranks "1 8"] [--keras-epochs 3] [--input CSV]
#                                   [--max-rows N] [--no-python]
#   --max-rows  only the first N rows of the CSV on both sides (a quick check of the script)
# Env: N2D_BENCH_PYTHON  Python with the reference stack (default .venv-bench/bin/python, made by
#                        Scripts/bench/setup-python.sh)
# Writes Scripts/bench/results/train-job-<time>.md (and each run's history.csv beside it); prints the
# markdown. Run it alone: the machine must be quiet (load average under 1.5 on 2 cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
epochs=25 ranks="1 8" keras_epochs=3 with_python=1 limit=()
input=$root/../shared/data/IMDB\ Dataset.csv
[ -f "$root/data/IMDB Dataset.csv" ] && input=$root/data/IMDB\ Dataset.csv
while [ $# -gt 0 ]; do
    case $1 in
        --epochs) epochs=$2; shift 2 ;;
        --ranks) ranks=$2; shift 2 ;;
        --keras-epochs) keras_epochs=$2; shift 2 ;;
        --input) input=$2; shift 2 ;;
        --max-rows) limit=(--max-rows "$2"); shift 2 ;;
        --no-python) with_python=0; shift ;;
        *) echo "train-job: unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done
[ -f "$input" ] || { echo "train-job: the IMDB CSV is not at $input (pass --input)" >&2; exit 1; }
PY=${N2D_BENCH_PYTHON:-$root/.venv-bench/bin/python}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 KERAS_BACKEND=jax
swift build -c release >/dev/null
stamp=$(date +%Y%m%d-%H%M%S)
out=$root/Scripts/bench/results/train-job-$stamp
mkdir -p "$out"

{
    echo "machine: $(lscpu | sed -n 's/^Model name: *//p') (family $(sed -n 's/^cpu family\t: //p' /proc/cpuinfo | head -1), model $(sed -n 's/^model\t\t: //p' /proc/cpuinfo | head -1)), $(nproc) cores"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    .build/release/n2d-mpi doctor | sed -n '3,$p'
    for t in 1 "$(nproc)"; do .build/release/ae-bench peak --threads "$t"; done
} | tee "$out/machine.txt"

if [ "$with_python" = 1 ]; then
    echo "== Keras 3 / JAX, $keras_epochs epochs" >&2
    "$PY" Scripts/bench/pipeline_reference.py train --input "$input" --epochs "$keras_epochs" "${limit[@]}" 2>"$out/keras.log" > "$out/keras.json"
fi
for np in $ranks; do
    echo "== n2d-mpi train --preset imdb, np $np, $epochs epochs" >&2
    dir=$out/np$np
    if [ "$np" = 1 ]; then
        .build/release/n2d-mpi train --preset imdb --input "$input" --output-dir "$dir" --epochs "$epochs" "${limit[@]}" --quiet > "$out/np$np.log" 2>&1
    else
        Scripts/n2d-mpirun -np "$np" train --preset imdb --input "$input" --output-dir "$dir" --epochs "$epochs" "${limit[@]}" --quiet > "$out/np$np.log" 2>&1
    fi
    echo "load average after np $np: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
done

python3 - "$out" "$epochs" $ranks <<'PYEOF' | tee "$out.md"
import csv, json, os, statistics, sys
out, epochs, ranks = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
print(f"# Training benchmark {os.path.basename(out)}\n")
print("```\n" + open(os.path.join(out, "machine.txt")).read().rstrip() + "\n```\n")
keras = None
path = os.path.join(out, "keras.json")
if os.path.exists(path) and os.path.getsize(path) > 0:
    keras = json.load(open(path))
    k = keras["epoch_seconds"]
    # The first epoch includes JAX's compilation: a whole training is that epoch plus the median of
    # the others for each further epoch.
    keras_median = statistics.median(k[1:] if len(k) > 1 else k)
    keras_total = lambda n: k[0] + (n - 1) * keras_median
    print(f"Keras {keras['versions']['keras']} on JAX {keras['versions']['jax']}: epochs "
          + ", ".join(f"{s:.1f}" for s in k) + f" s; median after the first {keras_median:.1f} s; "
          + f"{epochs} epochs ≈ {keras_total(epochs):.0f} s (first + {epochs - 1} × median)\n")
print("| ranks | epochs (s) | median | slowest | slowest / median | catch-up share at 1 / 10 / 25 | training s | × Keras |")
print("|---|---|---|---|---|---|---|---|")
for np in ranks:
    rows = list(csv.DictReader(open(os.path.join(out, f"np{np}", "history.csv"))))
    seconds = [float(r["seconds"]) for r in rows]
    med, slow = statistics.median(seconds), max(seconds)
    shares = []
    for e in (1, 10, 25):
        if e <= len(rows) and rows[e - 1].get("catch_up_s"):
            r = rows[e - 1]
            step = sum(float(r[c]) for c in ("forward_backward_s", "communication_s", "update_s", "catch_up_s"))
            shares.append(f"{100 * float(r['catch_up_s']) / step:.1f}%")
    total = sum(seconds)
    ratio = f"{keras_total(len(seconds)) / total:.2f}×" if keras else "–"
    print(f"| {np} | " + " ".join(f"{s:.1f}" for s in seconds) + f" | {med:.1f} | {slow:.1f} | {slow / med:.2f} | "
          + " / ".join(shares) + f" | {total:.0f} | {ratio} |")
PYEOF
echo "train-job: results in $out.md" >&2
