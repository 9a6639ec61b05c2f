#!/usr/bin/env bash
# Fashion-MNIST with the N2D paper's configuration (`n2d-mpi run --preset fashion-mnist`: all 70,000
# images, 784-500-500-2000-10, batch 256, UMAP 20 neighbours to 10 dimensions, min_dist 0, GMM with 10
# full-covariance components, plus KMeans): ACC, NMI and ARI of GMM and KMeans against the paper's N2D
# (ACC 0.672, NMI 0.684, from an autoencoder trained 1,000 epochs), over several seeds.
#
# Usage: Scripts/bench/fashion.sh [--epochs 10,25,50] [--seeds 1,2,3,4,5] [--budget MINUTES] [--ranks 2]
#                                 [--python] [--max-rows N] [--no-build]
#   --epochs LIST  the epoch counts to measure (default: the preset's 50). For each seed one training
#                  runs through the counts in order, continued with --resume (equal, bit for bit, to a
#                  fresh run of that many epochs at the same rank count), and each count is embedded,
#                  clustered and measured.
#   --budget M     instead of --epochs: one `run --budget M` per seed (training stops when the rest of
#                  the run still fits in M minutes; the epochs it chose are in the table).
#   --python       also run the Python pipeline (fashion_reference.py: Keras, umap-learn, scikit-learn)
#                  at each epoch count and seed, from scratch (for the equal-epochs comparison).
#   defaults: 1 seed (13, the preset's), 2 ranks, all 70,000 images.
# Env: N2D_BENCH_PYTHON  Python with numpy, scipy, scikit-learn (and Keras, umap-learn for --python)
#                        (default .venv-bench/bin/python, made by Scripts/bench/setup-python.sh)
#      OPENBLAS_CORETYPE as for any n2d-mpi run (the table names the kernel that ran).
# Quality is computed by pipeline_reference.py measure from each run's labels.csv, codes.npy and
# umap.npy, for both sides. Writes Scripts/bench/results/fashion-<time>.md (+ -medians.csv, -runs.csv).
set -euo pipefail

epochs="" seeds=13 budget="" ranks=2 python_side=0 max_rows="" build=1
root=$(cd "$(dirname "$0")/../.." && pwd)
while [ $# -gt 0 ]; do
    case $1 in
        --epochs) epochs=$2; shift 2 ;;
        --seeds) seeds=$2; shift 2 ;;
        --budget) budget=$2; shift 2 ;;
        --ranks) ranks=$2; shift 2 ;;
        --python) python_side=1; shift ;;
        --max-rows) max_rows=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "fashion.sh: unknown option $1 (see the comment at the top of this script)" >&2; exit 2 ;;
    esac
done
[ -n "$epochs" ] && [ -n "$budget" ] && { echo "fashion.sh: --epochs and --budget exclude each other" >&2; exit 2; }
[ -n "$budget" ] && [ "$python_side" = 1 ] && { echo "fashion.sh: --python compares at equal epochs; pass --epochs" >&2; exit 2; }
python=${N2D_BENCH_PYTHON:-$root/.venv-bench/bin/python}
bench=$root/Scripts/bench
[ -x "$python" ] || { echo "fashion.sh: no Python at $python; run Scripts/bench/setup-python.sh or set N2D_BENCH_PYTHON" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "fashion.sh: needs GNU time (apt-get install time)" >&2; exit 2; }
[ "$build" = 1 ] && (cd "$root" && swift build -c release >&2)
n2d=$root/.build/release/n2d-mpi
[ -z "$epochs" ] && [ -z "$budget" ] && epochs=$("$n2d" run --help | grep -o 'fashion-mnist [0-9]*' | head -1 | cut -d' ' -f2)
flags=(--no-plots)
[ -n "$max_rows" ] && flags+=(--max-rows "$max_rows")
stamp=$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$bench/results"
runs_csv=$bench/results/fashion-$stamp-runs.csv
work=${FASHION_WORK:-$(mktemp -d)}
mkdir -p "$work"
kernel=$("$n2d" doctor 2>&1 | grep -o 'BLAS kernel [^,;]*' | head -1 || true)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# measure DIR LABEL SEED: quality of a finished run, recorded with the run's seconds and GNU time.
measure() {
    "$python" "$bench/pipeline_reference.py" measure --dir "$1" >"$work/quality.json"
    "$python" "$bench/bench_tables.py" record --csv "$runs_csv" --label "$2" --kind fashion --ranks "$ranks" --repeat "$3" \
        --time "$work/time.txt" --seconds "$4" --quality "$work/quality.json" --history "$1/history.csv"
}

for seed in ${seeds//,/ }; do
    out=$work/n2d-seed$seed
    rm -rf "$out"
    if [ -n "$budget" ]; then
        steps=(budget)
    else
        steps=(${epochs//,/ })
    fi
    for step in "${steps[@]}"; do
        if [ "$step" = budget ]; then run_flags=(--budget "$budget"); else run_flags=(--epochs "$step" --resume); fi
        /usr/bin/time -v -o "$work/time.txt" "$root/Scripts/n2d-mpirun" -np "$ranks" run --preset fashion-mnist --seed "$seed" \
            --output-dir "$out" "${run_flags[@]}" "${flags[@]}" >"$work/run.log" 2>&1 \
            || { echo "fashion.sh: seed $seed, $step failed; the end of its output:" >&2; tail -20 "$work/run.log" >&2; exit 1; }
        trained=$(($(wc -l <"$out/history.csv") - 1))
        label="n2d-mpi np $ranks, $trained epochs"
        [ "$step" = budget ] && label="n2d-mpi np $ranks, --budget $budget"
        measure "$out" "$label" "$seed" "$out/metrics.json"
    done
    if [ "$python_side" = 1 ]; then
        for e in ${epochs//,/ }; do
            py=$work/python-seed$seed-e$e
            /usr/bin/time -v -o "$work/time.txt" "$python" "$bench/fashion_reference.py" run --output-dir "$py" --epochs "$e" \
                --seed "$seed" ${max_rows:+--max-rows $max_rows} >"$work/python.json" 2>"$work/python.log" \
                || { echo "fashion.sh: the Python pipeline failed:" >&2; tail -20 "$work/python.log" >&2; exit 1; }
            measure "$py" "python (Keras, umap-learn, scikit-learn), $e epochs" "$seed" "$work/python.json"
        done
    fi
done

"$python" "$bench/bench_tables.py" fashion --csv "$runs_csv" --md "$bench/results/fashion-$stamp.md" \
    --meta "command=Scripts/bench/fashion.sh${epochs:+ --epochs $epochs}${budget:+ --budget $budget} --seeds $seeds --ranks $ranks$([ "$python_side" = 1 ] && echo ' --python')${max_rows:+ --max-rows $max_rows}" \
    --meta "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
    --meta "machine=$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; $kernel" \
    --meta "load average (1, 5, 15 min)=$load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after" \
    --meta "rows=${max_rows:-all 70000 images}; the paper's autoencoder: 1000 epochs"
