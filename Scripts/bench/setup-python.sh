#!/usr/bin/env bash
# Creates the Python reference stack for the benchmarks (never needed by the tests):
# scikit-learn, umap-learn 0.5.12 (+ pynndescent), Keras 3 on JAX (CPU), psutil, threadpoolctl.
#   Scripts/bench/setup-python.sh [VENV_DIR (default .venv-bench)]
# Then run benchmarks with N2D_BENCH_PYTHON=VENV_DIR/bin/python (the scripts default to it).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv="${1:-.venv-bench}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q scikit-learn umap-learn==0.5.12 pynndescent "keras>=3" "jax[cpu]" psutil threadpoolctl numpy
KERAS_BACKEND=jax "$venv/bin/python" -c "import sklearn, umap, keras, jax; print('python reference stack:', 'scikit-learn', sklearn.__version__, '| umap-learn', umap.__version__, '| keras', keras.__version__, '| jax', jax.__version__)"
