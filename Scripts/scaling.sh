#!/usr/bin/env bash
# Strong and weak scaling of the whole job (`n2d-mpi run`, IMDB preset) and of each of its stages.
#   strong: fixed data (--rows CSV rows), np 1, 2, 4, 8     efficiency = T(1) / (p · T(p))
#   weak:   --rows-per-rank CSV rows per rank (--max-rows = rows per rank × p)   efficiency = T(1) / T(p)
# Stage seconds come from each run's metrics.json ("run.seconds"), wall seconds from GNU time.
#
# Usage: Scripts/scaling.sh [--mode strong|weak|both] [--ranks "1 2 4 8"] [--epochs N] [--rows N]
#                           [--rows-per-rank N] [--repeats N] [--input CSV] [--no-build]
#   defaults: both, "1 2 4 8", 25 epochs, all 50,000 rows, 6,250 rows per rank, 1 repeat (median of
#   repeats otherwise). Half of the rows are the training set (the preset's test_size 0.5).
#   Quick version (a few minutes on 2 cores):
#     Scripts/scaling.sh --epochs 1 --rows 4000 --rows-per-rank 1000 --ranks "1 2"
# Env: N2D_BENCH_PYTHON  Python 3 for the tables (standard library only; default python3)
#      N2D_MPIRUN_ARGS   extra mpirun options, e.g. "--hostfile hostfiles/cluster" (Scripts/n2d-mpirun)
# Writes Scripts/bench/results/scaling-<time>.md, -medians.csv and -runs.csv, and prints the markdown.
# With more ranks than cores the ranks share cores (oversubscribed): efficiency past the core count
# measures that sharing, not the method.
set -euo pipefail

mode=both ranks="1 2 4 8" epochs=25 rows=50000 per_rank=6250 repeats=1 build=1
root=$(cd "$(dirname "$0")/.." && pwd)
input=$root/../shared/data/IMDB\ Dataset.csv
[ -f "$root/data/IMDB Dataset.csv" ] && input=$root/data/IMDB\ Dataset.csv
while [ $# -gt 0 ]; do
    case $1 in
        --mode) mode=$2; shift 2 ;;
        --ranks) ranks=$2; shift 2 ;;
        --epochs) epochs=$2; shift 2 ;;
        --rows) rows=$2; shift 2 ;;
        --rows-per-rank) per_rank=$2; shift 2 ;;
        --repeats) repeats=$2; shift 2 ;;
        --input) input=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        *) echo "scaling.sh: unknown option $1 (see the comment at the top of this script)" >&2; exit 2 ;;
    esac
done
case $mode in strong) kinds=strong ;; weak) kinds=weak ;; both) kinds="strong weak" ;;
    *) echo "scaling.sh: --mode is strong, weak or both, not $mode" >&2; exit 2 ;; esac
python=${N2D_BENCH_PYTHON:-python3}
[ -f "$input" ] || { echo "scaling.sh: no IMDB CSV at $input; get it with Scripts/get-imdb.sh or pass --input" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "scaling.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

[ "$build" = 1 ] && (cd "$root" && swift build -c release >&2)
quiet=()  # progress lines off when this build of `run` has --quiet
case $("$root/.build/release/n2d-mpi" run --help 2>&1 || true) in *--quiet*) quiet=(--quiet) ;; esac
stamp=$(date -u +%Y%m%d-%H%M%S)
results=$root/Scripts/bench/results
mkdir -p "$results"
runs_csv=$results/scaling-$stamp-runs.csv
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for ((i = 1; i <= repeats; i++)); do
    for kind in $kinds; do
        for np in $ranks; do
            csv_rows=$rows
            [ "$kind" = weak ] && csv_rows=$((per_rank * np))
            out=$work/$kind-np$np
            rm -rf "$out"
            /usr/bin/time -v -o "$work/time.txt" "$root/Scripts/n2d-mpirun" -np "$np" run --preset imdb \
                --input "$input" --output-dir "$out" --epochs "$epochs" --max-rows "$csv_rows" --force "${quiet[@]}" \
                >"$work/run.log" 2>&1 || { echo "scaling.sh: $kind np $np failed; the end of its output:" >&2; tail -20 "$work/run.log" >&2; exit 1; }
            "$python" "$root/Scripts/bench/bench_tables.py" record --csv "$runs_csv" --label "$kind-np$np" \
                --kind "$kind" --ranks "$np" --repeat "$i" --time "$work/time.txt" \
                --seconds "$out/metrics.json"
        done
    done
done

"$python" "$root/Scripts/bench/bench_tables.py" scaling --csv "$runs_csv" --md "$results/scaling-$stamp.md" \
    --meta "command=Scripts/scaling.sh --mode $mode --ranks \"$ranks\" --epochs $epochs --rows $rows --rows-per-rank $per_rank --repeats $repeats" \
    --meta "date=$(date -u '+%Y-%m-%d %H:%M UTC')" \
    --meta "machine=$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; every rank count launched with Scripts/n2d-mpirun (oversubscribed past $(nproc) ranks)" \
    --meta "load average (1, 5, 15 min)=$load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after" \
    --meta "epochs=$epochs; training rows = half the CSV rows used"
