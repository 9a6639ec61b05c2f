#!/usr/bin/env bash
# Benchmark of the whole IMDB job: `n2d-mpi run --preset imdb` on 1 and 2 ranks against the Python
# reference pipeline (scikit-learn + Keras 3 on JAX + umap-learn, same parameters:
# Scripts/bench/pipeline_reference.py), alternating on the same machine in one run.
#
# Usage: Scripts/bench/pipeline.sh [--epochs N] [--repeats N] [--ranks "1 2"] [--max-rows N]
#                                  [--input CSV] [--no-build] [--no-python]
#   --epochs   autoencoder epochs on both sides (default 25, the real benchmark; 2 for a quick check)
#   --repeats  runs of each side (default 3); the table shows medians
#   --ranks    n2d-mpi rank counts (default "1 2"); np 1 runs the binary without mpirun
#   --max-rows use only the first N rows of the CSV on both sides (default: all 50,000)
# Env: N2D_BENCH_PYTHON  Python with the reference stack (default .venv-bench/bin/python, made by
#                        Scripts/bench/setup-python.sh)
#
# Reports per-stage seconds (timed inside each program), process wall seconds and peak resident
# memory (GNU time -v; under mpirun the largest process), the speed-up of n2d-mpi over Python (target:
# wall ≥ 2.5×), and trustworthiness, silhouettes and NMI/ACC/ARI, all computed by the same Python code
# (pipeline_reference.py measure) from each run's codes.npy, umap.npy and labels.csv. Writes
# Scripts/bench/results/pipeline-<time>.md, -medians.csv and -runs.csv, and prints the markdown.
# Time: the training dominates; one Python run at 25 epochs is tens of minutes on 2 cores (see
# docs/BENCHMARKS.md), so the default 3 × 3 runs take hours. The machine is shared: medians are noisy.
set -euo pipefail

epochs=25 repeats=3 ranks="1 2" max_rows="" build=1 with_python=1
root=$(cd "$(dirname "$0")/../.." && pwd)
input=$root/../shared/data/IMDB\ Dataset.csv
[ -f "$root/data/IMDB Dataset.csv" ] && input=$root/data/IMDB\ Dataset.csv
while [ $# -gt 0 ]; do
    case $1 in
        --epochs) epochs=$2; shift 2 ;;
        --repeats) repeats=$2; shift 2 ;;
        --ranks) ranks=$2; shift 2 ;;
        --max-rows) max_rows=$2; shift 2 ;;
        --input) input=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        --no-python) with_python=0; shift ;;
        *) echo "pipeline.sh: unknown option $1 (see the comment at the top of this script)" >&2; exit 2 ;;
    esac
done
python=${N2D_BENCH_PYTHON:-$root/.venv-bench/bin/python}
bench=$root/Scripts/bench
[ -x "$python" ] || { echo "pipeline.sh: no Python at $python; run Scripts/bench/setup-python.sh or set N2D_BENCH_PYTHON" >&2; exit 2; }
[ -f "$input" ] || { echo "pipeline.sh: no IMDB CSV at $input; get it with Scripts/get-imdb.sh or pass --input" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "pipeline.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

[ "$build" = 1 ] && (cd "$root" && swift build -c release >&2)
binary=$root/.build/release/n2d-mpi
quiet=()  # progress lines off when this build of `run` has --quiet
case $("$binary" run --help 2>&1 || true) in *--quiet*) quiet=(--quiet) ;; esac
stamp=$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$bench/results"
runs_csv=$bench/results/pipeline-$stamp-runs.csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows_flag=()
[ -n "$max_rows" ] && rows_flag=(--max-rows "$max_rows")

# measure LABEL RANKS REPEAT SECONDS_JSON OUTPUT_DIR: quality figures, then one row in the runs CSV.
measure() {
    "$python" "$bench/pipeline_reference.py" measure --dir "$5" >"$work/quality.json"
    "$python" "$bench/bench_tables.py" record --csv "$runs_csv" --label "$1" --kind imdb --ranks "$2" \
        --repeat "$3" --time "$work/time.txt" --seconds "$4" --quality "$work/quality.json"
}

for ((i = 1; i <= repeats; i++)); do
    if [ "$with_python" = 1 ]; then
        rm -rf "$work/python"
        /usr/bin/time -v -o "$work/time.txt" "$python" "$bench/pipeline_reference.py" run --input "$input" \
            --output-dir "$work/python" --epochs "$epochs" "${rows_flag[@]}" >"$work/python.json" 2>"$work/python.log" \
            || { echo "pipeline.sh: the Python reference failed; the end of its output:" >&2; tail -20 "$work/python.log" >&2; exit 1; }
        measure python 1 "$i" "$work/python.json" "$work/python"
    fi
    for np in $ranks; do
        out=$work/n2d-np$np
        rm -rf "$out"
        launcher=("$binary")
        [ "$np" != 1 ] && launcher=("$root/Scripts/n2d-mpirun" -np "$np")
        /usr/bin/time -v -o "$work/time.txt" "${launcher[@]}" run --preset imdb --input "$input" \
            --output-dir "$out" --epochs "$epochs" "${rows_flag[@]}" --force "${quiet[@]}" >"$work/n2d.log" 2>&1 \
            || { echo "pipeline.sh: n2d-mpi np $np failed; the end of its output:" >&2; tail -20 "$work/n2d.log" >&2; exit 1; }
        measure "n2d-np$np" "$np" "$i" "$out/metrics.json" "$out"
    done
done

"$python" "$bench/bench_tables.py" pipeline --csv "$runs_csv" --md "$bench/results/pipeline-$stamp.md" \
    --meta "command=Scripts/bench/pipeline.sh --epochs $epochs --repeats $repeats --ranks \"$ranks\"${max_rows:+ --max-rows $max_rows}" \
    --meta "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
    --meta "machine=$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB" \
    --meta "load average (1, 5, 15 min)=$load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after" \
    --meta "epochs=$epochs; rows=${max_rows:-all 50000} CSV rows (training half fitted)" \
    --meta "python=$("$python" -c 'import sys; print(sys.version.split()[0])'); UMAP seeded (random_state=13, one thread) as n2d-mpi's --seed"
