#!/usr/bin/env bash
# Sets up the machine, then runs every test: `swift test` in release mode, which includes the
# multi-rank tests (they launch the built executables under mpirun at np 1, 2 and 4, oversubscribed,
# with the root variables set by the tests themselves), and the bad-input catalogue.
# Tests read ../shared/golden and ../shared/data (beside the project root).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
[ -d ../shared/golden ] || { echo "test: error: ../shared/golden is missing (the golden values live beside the project)" >&2; exit 1; }
# The output is kept in /tmp/n2d-swift-test.log; the closing line (passed, failed, skipped tests) is
# printed on a red run too, and the script exits with the test run's status (Scripts/test-summary.sh).
exec Scripts/test-summary.sh /tmp/n2d-swift-test.log -- swift test -c release
