#!/usr/bin/env bash
# Runs a test command, keeps its whole output in LOG, shows it without the build-progress and
# started/passed lines, and always ends with one closing line counted from XCTest's per-test lines:
#   n2d-mpi tests: P passed, F failed, S skipped
# preceded by one "skipped: Suite.test (reason)" line per skipped test.
# Each test case counts once (by name, its last outcome); a test that started and never finished
# (the runner crashed in it) counts as failed. Exits with the command's status, or 1 when the
# command exited 0 but a test failed or none ran.
#   Scripts/test-summary.sh LOG -- COMMAND [ARGUMENTS...]
set -uo pipefail
[ $# -ge 3 ] && [ "$2" = "--" ] || { echo "usage: $0 LOG -- COMMAND [ARGUMENTS...]" >&2; exit 2; }
log=$1
shift 2

"$@" 2>&1 | tee "$log" | grep --line-buffered -Ev "^\[[0-9]+/[0-9]+\]|^Test Case .* (started|passed)"
status=${PIPESTATUS[0]}

# "Test Case 'Suite.test' started|passed|failed|skipped ..." -> "outcome name", then one outcome per name;
# "FILE:LINE: Suite.test : Test skipped - REASON" -> "reason name REASON", shown beside the skip.
counts=$(sed -nE -e "s/^Test Case '([^']+)' (started|passed|failed|skipped).*/\2 \1/p" \
                 -e "s/^.*: ([^ ]+) : Test skipped - (.*)$/reason \1 \2/p" "$log" | awk '
    $1 == "reason" { name = $2; $1 = ""; $2 = ""; sub(/^  /, ""); reason[name] = $0; next }
    { outcome[$2] = $1 }
    END {
        passed = 0; failed = 0; skipped = 0
        for (name in outcome) {
            if (outcome[name] == "passed") passed++
            else if (outcome[name] == "skipped") { skipped++; print "skipped: " name (name in reason ? " (" reason[name] ")" : "") }
            else { failed++; if (outcome[name] == "started") print "did not finish: " name }
        }
        print "totals", passed, failed, skipped
    }')
grep -v "^totals " <<<"$counts" | sort
read -r _ passed failed skipped < <(grep "^totals " <<<"$counts")
echo "n2d-mpi tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -eq 0 ] && { [ "$failed" -gt 0 ] || [ $((passed + skipped)) -eq 0 ]; }; then status=1; fi
exit "$status"
