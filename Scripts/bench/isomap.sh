#!/usr/bin/env bash
# Isomap on autoencoder codes (issue 19): `n2d-mpi embed --manifold isomap` at np 1 and np 2 against
# scikit-learn's Isomap(n_neighbors=50, n_components=5) on the same matrix and cores, same run:
# whole-process wall time, peak RSS, and trustworthiness (scikit-learn's, k = 10, on a 5,000-row
# sample seeded 13) of each embedding against the codes. Target: ≥ 10× faster, trustworthiness
# within 0.01.
#
# Usage: Scripts/bench/isomap.sh --codes CODES.npy [--rows N] [--neighbors 50] [--components 5]
#                                [--landmarks 0|N] [--ranks "1 2"] [--no-python]
#   --codes   e.g. runs/imdb/codes.npy (the 25,000 IMDB codes of a run)
#   --rows    the first N rows only (a quick check)
# Env: N2D_BENCH_PYTHON (default /work/pyref/bin/python or .venv-bench/bin/python).
# Writes Scripts/bench/results/isomap-<time>.md. Run it alone (load average under 1.5 on 2 cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
codes="" rows=0 neighbors=50 components=5 landmarks=0 ranks="1 2" with_python=1
while [ $# -gt 0 ]; do
    case $1 in
        --codes) codes=$2; shift 2 ;;
        --rows) rows=$2; shift 2 ;;
        --neighbors) neighbors=$2; shift 2 ;;
        --components) components=$2; shift 2 ;;
        --landmarks) landmarks=$2; shift 2 ;;
        --ranks) ranks=$2; shift 2 ;;
        --no-python) with_python=0; shift ;;
        *) echo "isomap: unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
    esac
done
[ -f "$codes" ] || { echo "isomap: pass --codes CODES.npy (a run's codes.npy)" >&2; exit 2; }
PY=${N2D_BENCH_PYTHON:-$root/.venv-bench/bin/python}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
swift build -c release >/dev/null
out=$root/Scripts/bench/results/isomap-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
python3 - "$codes" "$rows" "$out/codes.npy" <<'PYEOF'
import sys, numpy as np
x = np.load(sys.argv[1]).astype(np.float32)
n = int(sys.argv[2])
np.save(sys.argv[3], x[:n] if n else x)
PYEOF
{
    echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(.build/release/n2d-mpi doctor | grep 'BLAS kernel')"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/machine.txt"
for np in $ranks; do
    echo "== n2d-mpi embed --manifold isomap, np $np" >&2
    launcher=(.build/release/n2d-mpi)
    [ "$np" != 1 ] && launcher=(Scripts/n2d-mpirun -np "$np")
    /usr/bin/time -f "%e %M" -o "$out/time-np$np.txt" "${launcher[@]}" embed --manifold isomap --codes "$out/codes.npy" \
        --isomap-neighbors "$neighbors" --isomap-components "$components" --isomap-landmarks "$landmarks" \
        --quiet --output-dir "$out/np$np" > "$out/np$np.log" 2>&1
done
if [ "$with_python" = 1 ]; then
    echo "== scikit-learn Isomap" >&2
    /usr/bin/time -f "%e %M" -o "$out/time-sklearn.txt" "$PY" - "$out/codes.npy" "$neighbors" "$components" "$out/sklearn.npy" <<'PYEOF' 2> "$out/sklearn.log"
import sys, numpy as np
from sklearn.manifold import Isomap
x = np.load(sys.argv[1])
np.save(sys.argv[4], Isomap(n_neighbors=int(sys.argv[2]), n_components=int(sys.argv[3])).fit_transform(x).astype(np.float32))
PYEOF
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
"$PY" - "$out" $ranks <<'PYEOF' | tee "$out.md"
import os, sys, numpy as np
from sklearn.manifold import trustworthiness
out, ranks = sys.argv[1], sys.argv[2:]
x = np.load(os.path.join(out, "codes.npy"))
rng = np.random.default_rng(13)
sample = rng.choice(len(x), size=min(5000, len(x)), replace=False)
def trust(path):
    return trustworthiness(x[sample], np.load(path)[sample], n_neighbors=10)
print(f"# Isomap benchmark {os.path.basename(out)}\n")
print("```\n" + open(os.path.join(out, "machine.txt")).read().rstrip() + "\n```\n")
print(f"{len(x)} rows × {x.shape[1]}\n")
print("| side | wall s | peak RSS MiB (largest process) | trustworthiness k=10 |\n|---|---|---|---|")
rows = {}
for name, emb in [(f"n2d-mpi np {np}", os.path.join(out, f"np{np}", "umap.npy")) for np in ranks] + [("scikit-learn", os.path.join(out, "sklearn.npy"))]:
    key = name.split()[-1] if name != "scikit-learn" else "sklearn"
    timing = os.path.join(out, f"time-np{key}.txt" if name != "scikit-learn" else "time-sklearn.txt")
    if not os.path.exists(emb):
        continue
    wall, rss = open(timing).read().split()
    rows[name] = float(wall)
    print(f"| {name} | {float(wall):.1f} | {int(rss) / 1024:.0f} | {trust(emb):.4f} |")
if "scikit-learn" in rows:
    for name, wall in rows.items():
        if name != "scikit-learn":
            print(f"\n{name}: {rows['scikit-learn'] / wall:.1f}× scikit-learn")
PYEOF
echo "isomap: results in $out.md" >&2
