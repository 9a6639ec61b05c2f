#!/usr/bin/env bash
# Allreduce and allgather time vs message size, host count and link speed on the namespace cluster
# (Scripts/cluster), for the scaling model of docs/SCALING.md. Needs root.
#   Scripts/bench/allreduce-netem.sh [PASSES]      (default 3 passes over the whole grid)
# Grid: link profiles (unshaped bridge, 1 Gbit/s, 500 Mbit/s, 250 Mbit/s; 50 µs one-way where netem
# exists; this VM's TCP path tops out near 1 Gbit/s, so faster links cannot be emulated) × 2 and 4 hosts (one rank each) × messages of 46 MB (the IMDB gradient), 8 MB, 2 MB (the
# gathered layer inputs and errors), 256 KB and 4 KB; plus 2 and 4 ranks on one host (shared memory).
# Each cell is the median of 7 timed repeats (allreduce-bench); the table reports the median over the
# passes. Writes Scripts/bench/results/allreduce-netem.csv (every pass) and allreduce-netem.md (the
# table and the alpha-beta fit of Scripts/bench/alpha_beta_fit.py). The machine is shared and noisy:
# compare medians, not single runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
passes=${1:-3}
python=${N2D_BENCH_PYTHON:-python3}
results=Scripts/bench/results
mkdir -p "$results"
csv=$results/allreduce-netem.csv
sizes=46000000,8000000,2000000,262144,4096
profiles=("unshaped" "1gbit 50us" "500mbit 50us" "250mbit 50us")

swift build -c release --product allreduce-bench >/dev/null
bench=$root/.build/release/allreduce-bench
trap 'Scripts/cluster/down.sh >/dev/null' EXIT
Scripts/cluster/up.sh 4 1 >/dev/null

: > "$results/allreduce-netem.shaping"
echo "pass,profile,$($bench --bytes 4 --repeats 1 --warmup 1 | head -1)" > "$csv"
for pass in $(seq 1 "$passes"); do
    for ranks in 2 4; do
        OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np "$ranks" --oversubscribe --bind-to none \
            "$bench" --bytes "$sizes" --repeats 7 --warmup 2 | tail -n +2 | sed "s/^/$pass,one host (shared memory),/" >> "$csv"
    done
    for profile in "${profiles[@]}"; do
        if [ "$profile" = unshaped ]; then Scripts/cluster/shape.sh off >/dev/null
        else
            shaping=$(Scripts/cluster/shape.sh $profile)
            if [ "$pass" = 1 ]; then echo "$profile: $shaping" >> "$results/allreduce-netem.shaping"; fi
        fi
        for hosts in 2 4; do
            Scripts/cluster/mpirun-netns --hosts "$hosts" "$bench" --bytes "$sizes" --repeats 7 --warmup 2 \
                | tail -n +2 | sed "s/^/$pass,$profile,/" >> "$csv"
        done
        echo "pass $pass: $profile done" >&2
    done
done
Scripts/cluster/shape.sh off >/dev/null
"$python" Scripts/bench/alpha_beta_fit.py "$csv" "$results/allreduce-netem.shaping" | tee "$results/allreduce-netem.md"
