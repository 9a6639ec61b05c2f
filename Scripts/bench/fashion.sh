#!/usr/bin/env bash
# Fashion-MNIST with the N2D paper's configuration (`n2d-mpi run --preset fashion-mnist`:
# 784-500-500-2000-10, batch 256, UMAP 20 neighbours to 10 dimensions, min_dist 0, GMM with 10
# components, plus KMeans): ACC and NMI of GMM and KMeans against the paper's N2D (ACC 0.672,
# NMI 0.684), stating the epochs trained. The paper's figures come from an autoencoder trained for
# 1000 epochs (its run.sh loads fashion-1000-ae_weights.h5); fewer epochs give lower scores.
#
# Usage: Scripts/bench/fashion.sh [--epochs N] [--ranks N] [--repeats N] [--max-rows N] [--input PATH]
#                                 [--no-build]
#   defaults: the preset's epochs, 2 ranks, 1 repeat, all 70,000 images, the preset's input path
# Env: N2D_BENCH_PYTHON  Python with numpy, scipy and scikit-learn for the measures (default
#                        .venv-bench/bin/python, made by Scripts/bench/setup-python.sh)
# ACC (Hungarian), NMI and trustworthiness are computed by pipeline_reference.py measure from the run's
# labels.csv, codes.npy and umap.npy, as in pipeline.sh. Writes Scripts/bench/results/fashion-<time>.md
# (+ -medians.csv, -runs.csv) and prints it.
set -euo pipefail

epochs="" ranks=2 repeats=1 max_rows="" input="" build=1
root=$(cd "$(dirname "$0")/../.." && pwd)
while [ $# -gt 0 ]; do
    case $1 in
        --epochs) epochs=$2; shift 2 ;;
        --ranks) ranks=$2; shift 2 ;;
        --repeats) repeats=$2; shift 2 ;;
        --max-rows) max_rows=$2; shift 2 ;;
        --input) input=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "fashion.sh: unknown option $1 (see the comment at the top of this script)" >&2; exit 2 ;;
    esac
done
python=${N2D_BENCH_PYTHON:-$root/.venv-bench/bin/python}
bench=$root/Scripts/bench
[ -x "$python" ] || { echo "fashion.sh: no Python at $python; run Scripts/bench/setup-python.sh or set N2D_BENCH_PYTHON" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "fashion.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
flags=()
[ -n "$epochs" ] && flags+=(--epochs "$epochs")
[ -n "$max_rows" ] && flags+=(--max-rows "$max_rows")
[ -n "$input" ] && flags+=(--input "$input")

[ "$build" = 1 ] && (cd "$root" && swift build -c release >&2)
quiet=()  # progress lines off when this build of `run` has --quiet
case $("$root/.build/release/n2d-mpi" run --help 2>&1 || true) in *--quiet*) quiet=(--quiet) ;; esac
stamp=$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$bench/results"
runs_csv=$bench/results/fashion-$stamp-runs.csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for ((i = 1; i <= repeats; i++)); do
    out=$work/fashion
    rm -rf "$out"
    /usr/bin/time -v -o "$work/time.txt" "$root/Scripts/n2d-mpirun" -np "$ranks" run --preset fashion-mnist \
        --output-dir "$out" "${flags[@]}" --force "${quiet[@]}" >"$work/run.log" 2>&1 \
        || { echo "fashion.sh: run $i failed; the end of its output:" >&2; tail -20 "$work/run.log" >&2; exit 1; }
    trained=$("$python" -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1]))))' "$out/history.csv")
    "$python" "$bench/pipeline_reference.py" measure --dir "$out" >"$work/quality.json"
    "$python" "$bench/bench_tables.py" record --csv "$runs_csv" --label "n2d-mpi np $ranks, $trained epochs" \
        --kind fashion --ranks "$ranks" --repeat "$i" --time "$work/time.txt" --seconds "$out/metrics.json" \
        --quality "$work/quality.json"
done

"$python" "$bench/bench_tables.py" fashion --csv "$runs_csv" --md "$bench/results/fashion-$stamp.md" \
    --meta "command=Scripts/bench/fashion.sh${epochs:+ --epochs $epochs} --ranks $ranks --repeats $repeats${max_rows:+ --max-rows $max_rows}" \
    --meta "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
    --meta "machine=$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB" \
    --meta "load average (1, 5, 15 min)=$load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after" \
    --meta "epochs trained=$trained (rows of history.csv); the paper's autoencoder: 1000 epochs" \
    --meta "rows=${max_rows:-all 70000 images}"
