#!/usr/bin/env bash
# n2d-mpi t-SNE (`n2d-mpi map --method tsne`) against scikit-learn's TSNE (Barnes-Hut) and openTSNE
# (FFT) on the same codes and cores (issue 19's benchmark).
#
#   Scripts/bench/tsne.sh [--codes CODES.npy] [--rows N] [--repeats 3] [--cores 2] [--work DIR]
#                         [--skip-barnes-hut] [--skip-sklearn] [--skip-opentsne]
#
# --codes: a float32 .npy of codes, by default the 25,000 IMDB codes of a training run
# (<output-dir>/codes.npy; the newest Scripts/bench/results/train-job-*/np1/codes.npy when not given).
# --rows N: only the first N rows (a quick check, e.g. --rows 3000).
# Per repeat: ours at np 1 (--cores threads) with the FFT repulsion and with Barnes-Hut, ours at np 2
# (one thread per rank) with FFT; scikit-learn TSNE(n_components=2, random_state=13) (its Barnes-Hut
# gradient on OMP_NUM_THREADS = --cores); openTSNE TSNE(n_jobs=--cores, random_state=13) with its
# defaults. Each: wall seconds, its own final KL divergence, trustworthiness (scikit-learn, k = 10,
# on a 5,000-row sample seeded 13 when there are more rows) and peak RSS (per rank for ours at np 2).
# Everything runs under taskset on cores 0..cores-1.
# Writes Scripts/bench/results/tsne-<time>.md (medians, the machine, the load average) and the raw
# JSON lines beside it, and prints the markdown. Python: ${N2D_BENCH_PYTHON:-/work/pyref/bin/python}
# with scikit-learn and openTSNE (pip install openTSNE). The machine may be shared: read the load line.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${N2D_BENCH_PYTHON:-/work/pyref/bin/python}
REF=Scripts/bench/tsne_reference.py
CODES="" ROWS="" REPEATS=3 CORES=2 WORK=/tmp/n2d-bench-tsne BH=1 SKLEARN=1 OPENTSNE=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --codes) CODES=$2; shift 2 ;;
    --rows) ROWS=$2; shift 2 ;;
    --repeats) REPEATS=$2; shift 2 ;;
    --cores) CORES=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --skip-barnes-hut) BH=0; shift ;;
    --skip-sklearn) SKLEARN=0; shift ;;
    --skip-opentsne) OPENTSNE=0; shift ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
if [[ -z $CODES ]]; then
  CODES=$(ls -t Scripts/bench/results/train-job-*/np1/codes.npy 2>/dev/null | head -1 || true)
  [[ -n $CODES ]] || { echo "no --codes given and no Scripts/bench/results/train-job-*/np1/codes.npy" >&2; exit 2; }
fi
mkdir -p "$WORK" Scripts/bench/results
stamp=$(date -u +%Y%m%d-%H%M%S)
RESULTS=Scripts/bench/results/tsne-$stamp.jsonl
: > "$RESULTS"
DATA=$CODES
if [[ -n $ROWS ]]; then
  DATA=$WORK/codes_$ROWS.npy
  "$PY" $REF slice --codes "$CODES" --rows "$ROWS" --out "$DATA" >&2
fi
swift build -c release --product n2d-mpi >&2
BIN=$WORK/n2d-mpi
cp .build/release/n2d-mpi "$BIN" # a private copy: a rebuild during the run cannot touch it
CPUS=$(seq -s, 0 $((CORES - 1)))
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=$CORES
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

record() { echo "{\"tool\": \"$1\", \"measure\": \"$2\", \"value\": $3}" >> "$RESULTS"; }
field() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
trust() { "$PY" $REF trust --codes "$DATA" --embedding "$1" > "$WORK/trust.json"; field "$WORK/trust.json" trustworthiness; }
# ours TOOL RANKS THREADS METHOD: one run of n2d-mpi map; wall, KL, optimise seconds, trust, RSS.
ours() {
  local tool=$1 ranks=$2 threads=$3 method=$4 out=$WORK/ours-$2-$4
  rm -rf "$out"
  local start end
  start=$(date +%s.%N)
  if [[ $ranks == 1 ]]; then
    /usr/bin/time -o "$out.time" -f "%M" taskset -c "$CPUS" "$BIN" map --method tsne --tsne-method "$method" \
      --input "$DATA" --output-dir "$out" --blas-threads "$threads" --quiet > "$out.log"
  else
    mpirun -np "$ranks" --bind-to none /usr/bin/time -a -o "$out.time" -f "%M" taskset -c "$CPUS" "$BIN" map \
      --method tsne --tsne-method "$method" --input "$DATA" --output-dir "$out" --blas-threads "$threads" --quiet > "$out.log"
  fi
  end=$(date +%s.%N)
  record "$tool" wall_s "$(echo "$end - $start" | bc)"
  record "$tool" kl "$(sed -n 's/^KL divergence: //p' "$out.log")"
  record "$tool" optimise_s "$(sed -n 's/^seconds: .*optimise \([0-9.]*\).*/\1/p' "$out.log")"
  record "$tool" trustworthiness "$(trust "$out/map.npy")"
  record "$tool" peak_rss_mb "$(sort -n "$out.time" | tail -1 | awk '{printf "%d", $1 / 1024}')"
}
# reference TOOL SUBCOMMAND [ARGS]: one Python run; wall (fit only), KL, trust, RSS.
reference() {
  local tool=$1 sub=$2; shift 2
  local out=$WORK/$sub
  /usr/bin/time -o "$out.time" -f "%M" taskset -c "$CPUS" "$PY" $REF "$sub" --codes "$DATA" --out "$out.npy" "$@" > "$out.json"
  record "$tool" wall_s "$(field "$out.json" seconds)"
  record "$tool" kl "$(field "$out.json" kl)"
  record "$tool" trustworthiness "$(trust "$out.npy")"
  record "$tool" peak_rss_mb "$(awk '{printf "%d", $1 / 1024}' "$out.time")"
}

for r in $(seq 1 "$REPEATS"); do
  echo "== repeat $r/$REPEATS: n2d-mpi np 1 × $CORES threads, fft" >&2
  ours "n2d-mpi np 1 fft" 1 "$CORES" fft
  echo "== repeat $r/$REPEATS: n2d-mpi np 2 × 1 thread, fft" >&2
  ours "n2d-mpi np 2 fft" 2 1 fft
  if [[ $BH == 1 ]]; then
    echo "== repeat $r/$REPEATS: n2d-mpi np 1 × $CORES threads, barnes-hut" >&2
    ours "n2d-mpi np 1 barnes-hut" 1 "$CORES" barnes-hut
  fi
  if [[ $SKLEARN == 1 ]]; then
    echo "== repeat $r/$REPEATS: scikit-learn TSNE" >&2
    reference "scikit-learn TSNE (Barnes-Hut)" sklearn
  fi
  if [[ $OPENTSNE == 1 ]]; then
    echo "== repeat $r/$REPEATS: openTSNE" >&2
    reference "openTSNE (FFT)" opentsne --threads "$CORES"
  fi
done

rows=$("$PY" -c "import numpy as np,sys; print(np.load(sys.argv[1], mmap_mode='r').shape[0])" "$DATA")
"$PY" $REF summarize "$RESULTS" --md "Scripts/bench/results/tsne-$stamp.md" \
  --meta "data=$CODES${ROWS:+ (first $ROWS rows)}, $rows rows" \
  --meta "cores=$CORES (taskset $CPUS); ours np 1 with $CORES threads, np 2 with 1 thread per rank" \
  --meta "machine=$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB" \
  --meta "load average (1, 5, 15 min)=$load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after" \
  --meta "versions=scikit-learn $("$PY" -c 'import sklearn; print(sklearn.__version__)'), openTSNE $("$PY" -c 'import openTSNE; print(openTSNE.__version__)' 2>/dev/null || echo absent), n2d-mpi $(git rev-parse --short HEAD)" \
  --meta "repeats=$REPEATS"
echo "written: Scripts/bench/results/tsne-$stamp.md (raw: $RESULTS)" >&2
