#!/usr/bin/env bash
# Autoencoder training benchmarks on synthetic counts shaped like IMDB (25,000 × 5,000, mean 69.5
# non-zeros per row, Zipf-like columns, small integer counts; written to disk so Keras trains on the
# same data), network 5000-1024-512-256-10-256-512-1024-5000, Adam, batch 32:
#   1. the ceilings (Scripts/bench/blas-peak);
#   2. ours against Keras 3 on JAX (CPU, same cores), alternating, REPEATS times: one process with all
#      cores as BLAS threads, and one rank per core on the shared path (what `mpirun -np <cores>`
#      runs); median step time, the epoch time it implies, and the ratios; the one-process step split
#      by phase against the ceilings measured in the same run;
#   3. scaling: step and epoch time at np 1 (1 and all threads), 2, 4, 8 (oversubscribed) for each
#      communication path, global batch 32 and per-rank batch 32, bytes moved per step, peak memory.
# Steps, not whole epochs, are timed (STEPS after 5 warm-up steps); epoch = median step × 782.
# Usage: Scripts/bench/train.sh                 (env: REPEATS=3 STEPS=60 SCALING=1 RANKS="2 4 8" COMMS="gather shared allreduce auto")
# Python: ${N2D_BENCH_PYTHON:-python3} with keras and jax (Scripts/bench/setup-python.sh makes one).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${N2D_BENCH_PYTHON:-python3}
REPEATS=${REPEATS:-3}
STEPS=${STEPS:-60}
SCALING=${SCALING:-1}
RANKS=${RANKS:-"2 4 8"}
COMMS=${COMMS:-"gather shared allreduce auto"}
CORES=$(nproc)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 KERAS_BACKEND=jax
swift build -c release --product ae-bench >/dev/null
B=.build/release/ae-bench
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
$B synth --out "$DATA"
echo "== ceilings"; Scripts/bench/blas-peak
echo "== ours vs Keras/JAX, $CORES cores, batch 32, $STEPS steps, $REPEATS alternating repeats (the machine is shared: medians)"
step_of() { sed -n 's/.*: step \([0-9.]*\) ms.*/\1/p' | head -1; }
ours=(); shared=(); keras=()
for r in $(seq "$REPEATS"); do
  line=$($B steps --threads "$CORES" --steps "$STEPS" --ceilings); echo "$line"
  ours+=("$(echo "$line" | step_of)")
  line=$(mpirun -np "$CORES" --bind-to none $B steps --threads 1 --steps "$STEPS" --comm shared); echo "$line"
  shared+=("$(echo "$line" | step_of)")
  line=$("$PY" Scripts/bench/keras_autoencoder.py --data "$DATA" --steps "$STEPS" 2>/dev/null | tail -1); echo "$line"
  keras+=("$(echo "$line" | sed -n 's/keras step \([0-9.]*\) ms.*/\1/p')")
done
[ "$REPEATS" -gt 0 ] && "$PY" - "${ours[*]}" "${shared[*]}" "${keras[*]}" "$CORES" <<'PYEOF'
import statistics, sys
ours, shared, keras = ([float(v) for v in a.split()] for a in sys.argv[1:4])
o, s, k = statistics.median(ours), statistics.median(shared), statistics.median(keras)
print(f"median step: ours, 1 process × {sys.argv[4]} threads {o:.1f} ms (epoch ≈ {o * 782 / 1e3:.1f} s); "
      f"ours, {sys.argv[4]} ranks shared {s:.1f} ms (≈ {s * 782 / 1e3:.1f} s); keras {k:.1f} ms (≈ {k * 782 / 1e3:.1f} s)")
print(f"keras/ours = {k / o:.2f}× (1 process), {k / s:.2f}× ({sys.argv[4]} ranks); per-repeat ratios "
      + " ".join(f"{kk / oo:.2f}/{kk / ss:.2f}" for oo, ss, kk in zip(ours, shared, keras)))
PYEOF
[ "$SCALING" = 1 ] || exit 0
echo "== scaling ($STEPS steps each; np > $CORES is oversubscribed)"
for mode in global per-rank; do
  for comm in $COMMS; do
    $B steps --threads 1 --steps "$STEPS" --comm "$comm" --batch-mode "$mode"
    [ "$CORES" -gt 1 ] && $B steps --threads "$CORES" --steps "$STEPS" --comm "$comm" --batch-mode "$mode"
    for np in $RANKS; do
      mpirun -np "$np" --oversubscribe --bind-to none $B steps --threads 1 --steps "$STEPS" --comm "$comm" --batch-mode "$mode"
    done
  done
done
