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
swift test -c release 2>&1 | tee /tmp/n2d-swift-test.log | grep -Ev "^\[[0-9]+/[0-9]+\]|^Test Case .* (started|passed)"
status=${PIPESTATUS[0]}
# One plain closing line from XCTest's own totals (the Swift Testing runner, which has no tests here,
# prints its "0 tests" line last).
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" /tmp/n2d-swift-test.log | tail -n 1 || true)
executed=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
failed=$(echo "$summary" | sed -E 's/.*with ([0-9]+) failures?.*/\1/')
if [ -n "$summary" ]; then
    passed=$((executed > failed ? executed - failed : 0))
    echo "n2d-mpi tests: $passed passed, $failed failed"
fi
exit "$status"
