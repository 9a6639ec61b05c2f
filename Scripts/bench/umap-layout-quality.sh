#!/usr/bin/env bash
# How good our UMAP layout is against umap-learn's on the same Fashion-MNIST codes, with the
# clusterers' own seed spread taken out (fashion_reference.py layout-quality: the full-covariance
# mixture's median over 8 seeds, KMeans with 10 initialisations).
#
# Usage: Scripts/bench/umap-layout-quality.sh CODES.npy [--seeds 1,2,3] [--ranks 1,2] [--no-learn]
#   CODES.npy  70,000 codes in the preset's order: a `fashion_reference.py run` directory's codes.npy
#              (Keras's) or an `n2d-mpi run --preset fashion-mnist` directory's (ours).
#   --seeds    UMAP seeds (both sides; default 1,2,3)
#   --ranks    rank counts of `n2d-mpi embed` (default 1,2)
#   --no-learn skip umap-learn (about 2 minutes per seed on 2 cores)
# Env: N2D_BIN (default .build/release/n2d-mpi: another build, e.g. an older commit's, to compare
#      layouts), N2D_BENCH_PYTHON (default .venv-bench/bin/python).
# Prints one JSON line per embedding; the embeddings stay in $LAYOUT_WORK (default a temporary directory).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
codes=${1:?usage: umap-layout-quality.sh CODES.npy [--seeds 1,2,3] [--ranks 1,2] [--no-learn]}
shift
seeds=1,2,3 ranks=1,2 learn=1
while [ $# -gt 0 ]; do
    case $1 in
        --seeds) seeds=$2; shift 2 ;;
        --ranks) ranks=$2; shift 2 ;;
        --no-learn) learn=0; shift ;;
        *) echo "umap-layout-quality.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
n2d=${N2D_BIN:-$root/.build/release/n2d-mpi}
python=${N2D_BENCH_PYTHON:-$root/.venv-bench/bin/python}
[ -x "$n2d" ] || { echo "umap-layout-quality.sh: no n2d-mpi at $n2d (swift build -c release)" >&2; exit 2; }
[ -x "$python" ] || { echo "umap-layout-quality.sh: no Python at $python (Scripts/bench/setup-python.sh)" >&2; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
work=${LAYOUT_WORK:-$(mktemp -d)}
embeddings=()
for seed in ${seeds//,/ }; do
    for np in ${ranks//,/ }; do
        out=$work/ours-np$np-seed$seed
        mpirun -np "$np" --oversubscribe --bind-to none "$n2d" embed --codes "$codes" --output-dir "$out" \
            --preset fashion-mnist --seed "$seed" >"$out.log" 2>&1
        embeddings+=("$out/umap.npy")
    done
    if [ "$learn" = 1 ]; then
        "$python" "$root/Scripts/bench/fashion_reference.py" umap --codes "$codes" --seed "$seed" \
            --out "$work/learn-seed$seed.npy" >/dev/null
        embeddings+=("$work/learn-seed$seed.npy")
    fi
done
"$python" "$root/Scripts/bench/fashion_reference.py" layout-quality "${embeddings[@]}"
