#!/usr/bin/env bash
# Sets up the machine and runs the main job: the IMDB preset on 8 ranks (oversubscribed when the
# machine has fewer cores), printing the summary table and leaving the artifacts in runs/imdb.
#   Scripts/run-main-job.sh [extra n2d-mpi run flags...]      (N2D_RANKS=4 to change the rank count)
# The IMDB CSV is looked for at data/IMDB Dataset.csv, then ../shared/data/IMDB Dataset.csv. Without
# it, the script says where to get it and runs the Fashion-MNIST preset (Debian's
# dataset-fashion-mnist package, installed by setup) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
ranks="${N2D_RANKS:-8}"
csv=""
for candidate in "data/IMDB Dataset.csv" "../shared/data/IMDB Dataset.csv"; do
    [ -f "$candidate" ] && { csv="$candidate"; break; }
done
if [ -z "$csv" ]; then
    echo "run-main-job: the IMDB CSV is not at data/IMDB Dataset.csv." >&2
    echo "run-main-job: get it with Scripts/get-imdb.sh (downloads the Large Movie Review Dataset from" >&2
    echo "run-main-job: ai.stanford.edu and converts it), or copy the 50K-review CSV there." >&2
    if Scripts/get-imdb.sh data >/dev/null 2>&1 && [ -f "data/IMDB Dataset.csv" ]; then
        csv="data/IMDB Dataset.csv"
    else
        echo "run-main-job: no download possible; running the Fashion-MNIST preset instead." >&2
        exec Scripts/n2d-mpirun -np "$ranks" run --preset fashion-mnist --output-dir runs/fashion-mnist "$@"
    fi
fi
exec Scripts/n2d-mpirun -np "$ranks" run --preset imdb --input "$csv" --output-dir runs/imdb "$@"
