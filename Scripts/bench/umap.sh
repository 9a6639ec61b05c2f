#!/usr/bin/env bash
# n2d-mpi UMAP (kNN + fit) against umap-learn 0.5.12 / pynndescent on the same matrices and cores.
#
#   Scripts/bench/umap.sh [--codes IMDB_CODES.npy] [--repeats 3] [--work DIR] [--cores 2]
#                         [--skip-fashion] [--skip-scale] [--scale-rows 1000000]
#                         [--seeded] [--python-scale MINUTES]
#
# Datasets: "imdb" = --codes (e.g. <output-dir>/codes.npy from `n2d-mpi train`), or until real codes
# exist a 25,000 × 10 Gaussian-mixture stand-in (10 clusters); UMAP 50 neighbours → 5 dims, min_dist 0.
# "fashion" = Fashion-MNIST's 70,000 images reduced to 10 dims by PCA (a code-sized matrix, as N2D
# feeds UMAP); 20 neighbours → 10 dims. For each: wall time of kNN + fit (ours: sum of the stage
# timings in metrics.json, file reading excluded; umap-learn: fit_transform, cold = first call with
# numba compilation, warm = second call in the same process; unseeded so it may use every core),
# trustworthiness (scikit-learn, k = 10, 5,000-row sample), approximate-kNN recall@k and time against
# pynndescent (both on `--cores` threads). Scale: `n2d-mpi generate` 1,000,000 × 10 (10 curved clusters), 20 neighbours
# → 10 dims at np 2 (time, stages, peak RSS per rank).
# --seeded adds umap-learn seeded (random_state 13, so one thread: the issue's reference) to each
# repeat. --python-scale M also fits umap-learn (unseeded, all --cores) on the scale matrix after its
# numba compilation on 2,000 rows, stopped after M minutes (recorded as not finished).
# Medians over --repeats runs; the summary is printed and saved as $WORK/summary.json.
# Python: ${N2D_BENCH_PYTHON:-python3} with umap-learn, pynndescent, scikit-learn (Scripts/bench/setup-python.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${N2D_BENCH_PYTHON:-python3}
REF=Scripts/bench/umap_reference.py
CODES="" REPEATS=3 WORK=/tmp/n2d-bench-umap CORES=2 FASHION=1 SCALE=1 SCALE_ROWS=1000000 SEEDED=0 PYTHON_SCALE=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --codes) CODES=$2; shift 2 ;;
    --repeats) REPEATS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --cores) CORES=$2; shift 2 ;;
    --skip-fashion) FASHION=0; shift ;;
    --skip-scale) SCALE=0; shift ;;
    --scale-rows) SCALE_ROWS=$2; shift 2 ;;
    --seeded) SEEDED=1; shift ;;
    --python-scale) PYTHON_SCALE=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
mkdir -p "$WORK"
RESULTS=$WORK/results.jsonl
: > "$RESULTS"
BIN=.build/release/n2d-mpi
swift build -c release --product n2d-mpi >&2
CPUS=$(seq -s, 0 $((CORES - 1)))
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export NUMBA_NUM_THREADS=$CORES OMP_NUM_THREADS=$CORES

record() { echo "{\"dataset\": \"$1\", \"measure\": \"$2\", \"value\": $3}" >> "$RESULTS"; }
json() { "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {'d': d}))" "$@"; }

if [[ -z $CODES ]]; then
  CODES=$WORK/imdb_standin.npy
  [[ -f $CODES ]] || "$PY" $REF mixture --rows 25000 --dims 10 --clusters 10 --seed 0 --out "$CODES" >&2
fi
DATASETS=("imdb $CODES 50 5")
if [[ $FASHION == 1 ]]; then
  [[ -f $WORK/fashion_pca10.npy ]] || "$PY" $REF fashion --dims 10 --out "$WORK/fashion_pca10.npy" >&2
  DATASETS+=("fashion $WORK/fashion_pca10.npy 20 10")
fi

for entry in "${DATASETS[@]}"; do
  read -r name file k dims <<< "$entry"
  umapflags=(--umap-neighbors "$k" --umap-components "$dims" --umap-min-dist 0)
  for r in $(seq 1 "$REPEATS"); do
    echo "== $name repeat $r: n2d-mpi (1 rank × $CORES threads)" >&2
    out=$WORK/$name-ours-$r
    taskset -c "$CPUS" $BIN embed --codes "$file" --output-dir "$out" "${umapflags[@]}" --blas-threads "$CORES" --save-knn 2>/dev/null
    record "$name" ours_knn_fit_s "$(json "$out/metrics.json" "sum(v for s, v in d['embed']['seconds'].items() if s in ('knn','fuzzy_set','init','layout'))")"
    record "$name" ours_knn_s "$(json "$out/metrics.json" "d['embed']['seconds']['knn']")"
    record "$name" ours_trustworthiness "$(json <("$PY" $REF trust --codes "$file" --embedding "$out/umap.npy") "d['trustworthiness']")"

    echo "== $name repeat $r: n2d-mpi (2 ranks × 1 thread)" >&2
    out2=$WORK/$name-ours-np2-$r
    mpirun -np 2 --bind-to none taskset -c "$CPUS" $BIN embed --codes "$file" --output-dir "$out2" "${umapflags[@]}" --blas-threads 1 2>/dev/null
    record "$name" ours_np2_knn_fit_s "$(json "$out2/metrics.json" "sum(v for s, v in d['embed']['seconds'].items() if s in ('knn','fuzzy_set','init','layout'))")"
    record "$name" ours_np2_layout_sync_s "$(json "$out2/metrics.json" "d['embed']['seconds']['layout_sync']")"
    record "$name" ours_np2_trustworthiness "$(json <("$PY" $REF trust --codes "$file" --embedding "$out2/umap.npy") "d['trustworthiness']")"

    echo "== $name repeat $r: n2d-mpi approximate kNN" >&2
    outa=$WORK/$name-ours-approx-$r
    taskset -c "$CPUS" $BIN embed --codes "$file" --output-dir "$outa" "${umapflags[@]}" --knn approximate --umap-epochs 1 --save-knn --blas-threads "$CORES" 2>/dev/null
    record "$name" ours_approx_knn_s "$(json "$outa/metrics.json" "d['embed']['seconds']['knn']")"
    knnjson=$WORK/$name-knn-$r.json
    taskset -c "$CPUS" "$PY" $REF knn --codes "$file" --k "$k" --ours "$outa/knn.npy" --threads "$CORES" > "$knnjson"
    record "$name" ours_approx_recall "$(json "$knnjson" "d['ours_recall']")"
    record "$name" pynndescent_warm_s "$(json "$knnjson" "d['pynndescent_warm']")"
    record "$name" pynndescent_recall "$(json "$knnjson" "d['pynndescent_recall']")"

    echo "== $name repeat $r: umap-learn" >&2
    ref=$WORK/$name-umap-learn-$r
    taskset -c "$CPUS" "$PY" $REF umap --codes "$file" --out "$ref.npy" --neighbors "$k" --components "$dims" --min-dist 0 --threads "$CORES" > "$ref.json"
    record "$name" umap_learn_cold_s "$(json "$ref.json" "d['cold']")"
    record "$name" umap_learn_warm_s "$(json "$ref.json" "d['warm']")"
    record "$name" umap_learn_trustworthiness "$(json <("$PY" $REF trust --codes "$file" --embedding "$ref.npy") "d['trustworthiness']")"
    if [[ $SEEDED == 1 ]]; then
      echo "== $name repeat $r: umap-learn seeded" >&2
      taskset -c "$CPUS" "$PY" $REF umap --codes "$file" --out "$ref-seeded.npy" --neighbors "$k" --components "$dims" --min-dist 0 --seeded > "$ref-seeded.json"
      record "$name" umap_learn_seeded_warm_s "$(json "$ref-seeded.json" "d['warm']")"
      record "$name" umap_learn_seeded_trustworthiness "$(json <("$PY" $REF trust --codes "$file" --embedding "$ref-seeded.npy") "d['trustworthiness']")"
    fi
  done
done

if [[ $SCALE == 1 ]]; then
  big=$WORK/scale_${SCALE_ROWS}.npy
  [[ -f $big ]] || $BIN generate --rows "$SCALE_ROWS" --dims 10 --clusters 10 --seed 1 --output "$big" >&2
  echo "== scale: $SCALE_ROWS × 10 at np 2" >&2
  start=$(date +%s.%N)
  mpirun -np 2 --bind-to none /usr/bin/time -f "peak_rss_kb %M" taskset -c "$CPUS" $BIN embed --codes "$big" \
    --output-dir "$WORK/scale" --umap-components 10 --umap-neighbors 20 --blas-threads 1 2> "$WORK/scale.log"
  end=$(date +%s.%N)
  record scale wall_s "$(echo "$end - $start" | bc)"
  record scale knn_fit_s "$(json "$WORK/scale/metrics.json" "sum(v for s, v in d['embed']['seconds'].items() if s in ('knn','fuzzy_set','init','layout'))")"
  for s in knn fuzzy_set init layout layout_sync; do
    record scale "${s}_s" "$(json "$WORK/scale/metrics.json" "d['embed']['seconds']['$s']")"
  done
  grep peak_rss_kb "$WORK/scale.log" | awk '{print $2}' | while read -r kb; do record scale peak_rss_per_rank_mb "$((kb / 1024))"; done
  if [[ $PYTHON_SCALE != 0 ]]; then
    echo "== scale: umap-learn, at most $PYTHON_SCALE minutes" >&2
    if timeout "$((PYTHON_SCALE * 60))" /usr/bin/time -f "peak_rss_kb %M" -o "$WORK/scale-umap-learn.time" taskset -c "$CPUS" \
        "$PY" $REF umap-scale --codes "$big" --out "$WORK/scale-umap-learn.npy" --threads "$CORES" > "$WORK/scale-umap-learn.json"; then
      record scale umap_learn_s "$(json "$WORK/scale-umap-learn.json" "d['seconds']")"
      record scale umap_learn_peak_rss_mb "$(( $(awk '/peak_rss_kb/ {print $2}' "$WORK/scale-umap-learn.time") / 1024 ))"
    else
      echo "scale: umap-learn did not finish within $PYTHON_SCALE minutes" >&2
      record scale umap_learn_unfinished_after_s "$((PYTHON_SCALE * 60))"
    fi
  fi
fi

"$PY" $REF summarize "$RESULTS" > "$WORK/summary.json"
echo "summary: $WORK/summary.json (raw: $RESULTS); the machine may be shared, so read medians." >&2
