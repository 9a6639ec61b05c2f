#!/usr/bin/env bash
# Shared-memory path against the gather path on one machine: median step time of `ae-bench steps`
# (synthetic IMDB-shaped data, 5000-1024-512-256-10 network) at np 1 (1 and 2 BLAS threads), np 2
# and np 4 (1 thread per rank), the two paths alternated in every repeat so machine load hits both.
# Usage: Scripts/bench/train-shared.sh     (env: REPEATS=3 STEPS=40 BATCH=32 RANKS="2 4")
set -euo pipefail
cd "$(dirname "$0")/../.."
REPEATS=${REPEATS:-3}; STEPS=${STEPS:-40}; BATCH=${BATCH:-32}; RANKS=${RANKS:-"2 4"}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
swift build -c release --product ae-bench >/dev/null
B=.build/release/ae-bench
LOG=$(mktemp)
step_ms() { sed -n 's/.*: step \([0-9.]*\) ms.*/\1/p'; }
run() {  # label np threads comm
  local ms
  if [ "$2" = 1 ]; then ms=$($B steps --threads "$3" --steps "$STEPS" --batch-size "$BATCH" --comm "$4" | step_ms)
  else ms=$(mpirun -np "$2" --oversubscribe --bind-to none $B steps --threads "$3" --steps "$STEPS" --batch-size "$BATCH" --comm "$4" | step_ms); fi
  echo "$1 $ms" | tee -a "$LOG"
}
echo "== $REPEATS repeats, $STEPS timed steps, global batch $BATCH; load: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$REPEATS"); do
  run "np1-thr1-gather" 1 1 gather
  run "np1-thr2-gather" 1 2 gather
  for np in $RANKS; do
    for comm in gather shared; do run "np$np-$comm" "$np" 1 "$comm"; done
  done
done
echo "== medians (ms per step; epoch = step × ⌈25000 / $BATCH⌉)"
for label in $(cut -d' ' -f1 "$LOG" | awk '!seen[$0]++'); do
  grep "^$label " "$LOG" | cut -d' ' -f2 | sort -n | awk -v l="$label" -v b="$BATCH" \
    '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%-18s %8.1f ms  epoch %6.1f s  (runs:", l, m, m*int((25000+b-1)/b)/1000; for(i=1;i<=NR;i++) printf " %s", v[i]; print ")"}'
done
rm -f "$LOG"
