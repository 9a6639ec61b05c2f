#!/usr/bin/env bash
# Installs what n2d-mpi needs on Debian/Ubuntu (skipping what is present) and builds it in release.
#   Scripts/setup.sh            packages + release build
#   Scripts/setup.sh --no-build packages only
# Needs root (or sudo) for apt-get; the Swift toolchain (6.x) must already be on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libopenmpi-dev openmpi-bin libopenblas-dev zlib1g-dev pkg-config)
# Fashion-MNIST (the N2D paper's image benchmark) comes from Debian; skip with N2D_NO_FASHION=1.
[ "${N2D_NO_FASHION:-0}" = 1 ] || packages+=(dataset-fashion-mnist)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "setup: system packages present (${packages[*]})"
fi

if ! command -v swift >/dev/null; then
    echo "setup: error: the Swift toolchain (6.x) is not on PATH; install it from swift.org and re-run." >&2
    exit 1
fi

if [ "${1:-}" != "--no-build" ]; then
    echo "setup: building n2d-mpi (release)"
    swift build -c release 2>&1 | grep -Ev "^\[[0-9]+/[0-9]+\]" || true
    test -x .build/release/n2d-mpi || { echo "setup: error: the build failed (run 'swift build -c release' to see why)" >&2; exit 1; }
    echo "setup: ready: .build/release/n2d-mpi (try: Scripts/n2d-mpirun -np 2 doctor)"
fi
