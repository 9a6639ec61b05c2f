#!/usr/bin/env bash
# Benchmark of the vectorize stage: parse + clean + bag of words of the 50,000 IMDB reviews (fit on
# the 25,000-review training half, transform the 2,000 validation rows), n2d-mpi on 1 and 2 ranks
# against scikit-learn's CountVectorizer with the same cleaning (vectorize_reference.py), in one run.
#
# Usage: Scripts/bench/vectorize.sh [repeats]        (default 3)
# Env:   N2D_BENCH_PYTHON  Python with scikit-learn (default python3; Scripts/bench/setup-python.sh
#                          creates such a venv)
#        N2D_BENCH_INPUT   the CSV (default ../shared/data/IMDB Dataset.csv)
# Prints per-run figures, then medians: stage seconds (timed inside each program: from opening the
# input to the finished matrices), process wall seconds, CPU seconds (user + system, all ranks) and
# peak resident memory of the largest process (/usr/bin/time -v), and the speed-up of n2d-mpi over
# Python. On a shared, busy machine wall times are noisy; CPU seconds are steadier.
set -euo pipefail

repeats=${1:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
python=${N2D_BENCH_PYTHON:-python3}
input=${N2D_BENCH_INPUT:-$root/../shared/data/IMDB Dataset.csv}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time for peak-memory figures" >&2
    apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
fi

(cd "$root" && swift build -c release >/dev/null)
binary=$root/.build/release/n2d-mpi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/results.tsv

# run NAME COMMAND... : runs once under /usr/bin/time -v, appends "name stage_s wall_s cpu_s peak_kb"
# (cpu_s: user + system seconds of the process and its children, i.e. all ranks).
run() {
    local name=$1; shift
    /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/out.txt"
    local wall peak stage cpu
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$work/time.txt")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/time.txt")
    peak=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")
    if [ "$name" = python ]; then
        stage=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$work/out.txt")
    else
        stage=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["vectorize"]["seconds"])' "$work/out/metrics.json")
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$stage" "$wall" "$cpu" "$peak" | tee -a "$results"
}

printf 'run\tstage_s\twall_s\tcpu_s\tpeak_kb\n'
for ((i = 1; i <= repeats; i++)); do
    run python "$python" "$root/Scripts/bench/vectorize_reference.py" --input "$input"
    run n2d-np1 "$binary" vectorize --input "$input" --output-dir "$work/out" --blas-threads 1
    # Under mpirun, GNU time reports the largest of mpirun and its rank processes (all its children).
    run n2d-np2 mpirun -np 2 --oversubscribe --bind-to none "$binary" vectorize --input "$input" --output-dir "$work/out" --blas-threads 1
done

"$python" - "$results" <<'PY'
import statistics, sys
rows = [line.split("\t") for line in open(sys.argv[1]).read().split("\n") if line]
by = {}
for name, stage, wall, cpu, peak in rows:
    by.setdefault(name, []).append((float(stage), float(wall), float(cpu), int(peak)))
print("\nmedians over %d runs (noisy shared machine)" % len(by["python"]))
print("%-8s %9s %9s %9s %10s" % ("run", "stage_s", "wall_s", "cpu_s", "peak_MiB"))
med = {}
for name in ("python", "n2d-np1", "n2d-np2"):
    runs = by[name]
    med[name] = [statistics.median(r[k] for r in runs) for k in range(4)]
    print("%-8s %9.2f %9.2f %9.2f %10.1f" % (name, med[name][0], med[name][1], med[name][2], med[name][3] / 1024))
for name in ("n2d-np1", "n2d-np2"):
    print("speed-up of %s over python: stage %.1fx, wall %.1fx, cpu %.1fx"
          % (name, med["python"][0] / med[name][0], med["python"][1] / med[name][1], med["python"][2] / med[name][2]))
PY
