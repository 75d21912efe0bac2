#!/usr/bin/env bash
# Runs the Swift suites (the command given) and closes with one line counting the tests that were skipped,
# and how many of those skipped for want of the public corpus. Exits with the suites' status.
set -uo pipefail
log=.build/swift-test.log
mkdir -p .build
"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
skipped=$(grep -c '^➜ Test .* skipped' "$log")
corpus=$(grep -c '^➜ Test .* skipped: "needs the public corpus' "$log")
echo "==> swift test: exit status $status; $skipped tests skipped, $corpus of them for want of the public corpus"
exit "$status"
