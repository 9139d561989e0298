#!/usr/bin/env bash
# ./build.sh test: install what is missing, build, run every test in Matomo.Mvc5.sln. Ends with the line
# "tests: N passed, N failed, N skipped" (also when tests fail or dotnet test stops early) and exits non-zero when
# anything failed. Extra arguments go to dotnet test, e.g. ./build.sh test --filter Category=EndToEnd
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
require_dotnet
# Matomo.Mvc5.Tests/EndToEnd serves the Sample (build/lib/sample-host.sh) and drives headless Chromium.
require_sample_host
apt_install chromium chromium-driver
# Matomo.Mvc5.Tests/Proxy judges what the tracker proxy forwards by how PHP itself (Matomo's language) reads it.
apt_install php-cli
log "building"
dotnet build "$ROOT/Matomo.Mvc5.sln" -c "$CONFIGURATION" -nologo -v quiet
log "running every test"
OUTPUT=${TEST_OUTPUT:-$ROOT/.test-output.log}   # dotnet test's output, kept for a look after the run
status=0
dotnet test "$ROOT/Matomo.Mvc5.sln" -c "$CONFIGURATION" --no-build -nologo --logger "console;verbosity=normal" "$@" \
  2>&1 | tee "$OUTPUT" || status=$?
# The plain closing line that CI reads: 'N passed, N failed, N skipped', from each test assembly's summary.
summary=$(awk '/^ +Passed: [0-9]+$/{p+=$2} /^ +Failed: [0-9]+$/{f+=$2} /^ +Skipped: [0-9]+$/{s+=$2}
               END{printf "tests: %d passed, %d failed, %d skipped\n",p,f,s}' "$OUTPUT")
echo "$summary"
# dotnet test's own exit status, and the summary: a run that failed tests, or that ran none, is a failure.
if [ "$status" -eq 0 ] && { [[ $summary != *" 0 failed"* ]] || [[ $summary == "tests: 0 passed"* ]]; }; then status=1; fi
exit "$status"
