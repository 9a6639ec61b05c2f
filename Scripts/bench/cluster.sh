#!/usr/bin/env bash
# Benchmark: n2d-mpi cluster (DBSCAN, KMeans, GMM) against scikit-learn on the same embedding, in one
# run, REPEATS times each, medians and ratios. By default on two generated stand-ins for a UMAP
# output (25,000 x 5 with 5 groups and 70,000 x 10 with 10 groups, see make_embedding.py); pass
# --embedding FILE.npy (repeatable) to use real UMAP outputs instead.
#
#   Scripts/bench/cluster.sh [--embedding FILE.npy]... [--eps 1] [--min-samples 50]
#                            [--kmeans-n-init 10] [--gmm-components N] [--repeats 3] [--ranks 1]
#
# Python: ${N2D_BENCH_PYTHON:-python3} with numpy and scikit-learn (Scripts/bench/setup-python.sh
# makes such a venv). KMeans clusters and GMM components default to the embedding's group count for
# the stand-ins (5 and 10) and to 5 / 0 for given files. The machine is shared and noisy: read the
# medians, not single runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${N2D_BENCH_PYTHON:-python3}
EMBEDDINGS=() EPS=1 MIN_SAMPLES=50 N_INIT=10 GMM="" CLUSTERS="" REPEATS=3 RANKS=1
while [[ $# -gt 0 ]]; do
    case $1 in
        --embedding) EMBEDDINGS+=("$2"); shift 2 ;;
        --eps) EPS=$2; shift 2 ;;
        --min-samples) MIN_SAMPLES=$2; shift 2 ;;
        --kmeans-clusters) CLUSTERS=$2; shift 2 ;;
        --kmeans-n-init) N_INIT=$2; shift 2 ;;
        --gmm-components) GMM=$2; shift 2 ;;
        --repeats) REPEATS=$2; shift 2 ;;
        --ranks) RANKS=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

swift build -c release --product n2d-mpi >/dev/null
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
if [[ ${#EMBEDDINGS[@]} -eq 0 ]]; then
    "$PYTHON" Scripts/bench/make_embedding.py --rows 25000 --dims 5 --groups 5 --seed 0 --out "$WORK/standin-25k-5d" >/dev/null
    "$PYTHON" Scripts/bench/make_embedding.py --rows 70000 --dims 10 --groups 10 --seed 1 --out "$WORK/standin-70k-10d" >/dev/null
    EMBEDDINGS=("$WORK/standin-25k-5d.npy" "$WORK/standin-70k-10d.npy")
fi

for embedding in "${EMBEDDINGS[@]}"; do
    groups=5
    [[ $embedding == *standin-70k-10d* ]] && groups=10
    clusters=${CLUSTERS:-$groups}
    components=${GMM:-$([[ $embedding == "$WORK"/* ]] && echo "$groups" || echo 0)}
    dirs=()
    for run in $(seq "$REPEATS"); do
        dir="$WORK/ours-$(basename "$embedding" .npy)-$run"
        OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np "$RANKS" --oversubscribe --bind-to none \
            .build/release/n2d-mpi cluster --embedding "$embedding" --output-dir "$dir" --dbscan-eps "$EPS" \
            --dbscan-min-samples "$MIN_SAMPLES" --kmeans-clusters "$clusters" --kmeans-n-init "$N_INIT" \
            --gmm-components "$components" --silhouette-sample 1000 >/dev/null
        dirs+=("$dir")
    done
    "$PYTHON" Scripts/bench/cluster_reference.py --embedding "$embedding" --eps "$EPS" --min-samples "$MIN_SAMPLES" \
        --kmeans-clusters "$clusters" --kmeans-n-init "$N_INIT" --gmm-components "$components" \
        --repeats "$REPEATS" --ours "${dirs[@]}"
    echo
done
