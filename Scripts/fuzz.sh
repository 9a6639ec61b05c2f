#!/usr/bin/env bash
# Fuzzes n2d-mpi's file readers for a bounded time with the seeded mutation fuzzer.
#   Scripts/fuzz.sh [SECONDS_PER_TARGET (default 60)] [SEED (default 1)] [TARGET...]
# Each reader must return or throw: a crash, a hang (5 s alarm per input) or an allocation past the
# address-space limit (ulimit -v 4 GiB) is a finding. Findings are copied into
# Tests/Fuzz/corpus/TARGET/ so the regression test (FuzzRegressionTests) replays them for ever.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"; seed="${2:-1}"; shift 2 2>/dev/null || shift $#
[ -x .build/release/fuzz-readers ] || swift build -c release --product fuzz-readers >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(.build/release/fuzz-readers list x x 2>/dev/null | sed -n 's/.*targets: //p' | tr ',' '\n' | tr -d ' ')
fi
work=$(mktemp -d)
findings=0
for t in "${targets[@]}"; do
    mkdir -p "$work/$t"
    ( ulimit -v 4194304; .build/release/fuzz-readers "$t" "$seconds" "$seed" "$work/$t" )
    status=$?
    if [ $status -ne 0 ]; then
        findings=$((findings + 1))
        mkdir -p "Tests/Fuzz/corpus/$t"
        name="finding-$(sha256sum "$work/$t/current-input" | cut -c1-16)"
        cp "$work/$t/current-input" "Tests/Fuzz/corpus/$t/$name"
        echo "fuzz: $t: FINDING (exit $status): kept as Tests/Fuzz/corpus/$t/$name"
    fi
done
rm -rf "$work"
echo "fuzz: ${#targets[@]} targets, $findings findings"
[ $findings -eq 0 ]
