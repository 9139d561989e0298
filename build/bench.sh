#!/usr/bin/env bash
# ./build.sh bench: build Matomo.Mvc5.Benchmarks (Release) and run every benchmark under Mono, in-process
# (BenchmarkDotNet's InProcessEmitToolchain), with a short job: 1 launch, 3 warm-up and 10 measured iterations.
# Writes BenchmarkDotNet's markdown tables and the comparison with the render targets to artifacts/bench/results.md
# (and prints it). Takes about 1.5 minutes on 2 cores. Extra arguments go to BenchmarkDotNet, e.g.
#   ./build.sh bench --filter '*Render*'
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
require_dotnet
require_mono
OUT=${BENCH_OUT:-$ROOT/artifacts/bench}
log "building Matomo.Mvc5.Benchmarks ($CONFIGURATION)"
dotnet build "$ROOT/Matomo.Mvc5.Benchmarks/Matomo.Mvc5.Benchmarks.csproj" -c "$CONFIGURATION" -nologo -v quiet
rm -rf "$OUT"
mkdir -p "$OUT"
log "running the benchmarks under $(mono --version | head -n 1)"
# The process's working directory is where BenchmarkDotNet writes; keep it out of the source tree.
(cd "$OUT" && mono "$ROOT/Matomo.Mvc5.Benchmarks/bin/$CONFIGURATION/net48/Matomo.Mvc5.Benchmarks.exe" --artifacts "$OUT" "$@") \
  >"$OUT/run.log" 2>&1 || { tail -n 40 "$OUT/run.log" >&2; echo "the benchmarks failed; log: $OUT/run.log" >&2; exit 1; }
{
  echo "# Matomo.Mvc5 benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(mono --version | head -n 1 | sed 's/ (.*//')"
  echo
  echo "Command: \`./build.sh bench $*\`"
  for f in "$OUT"/results/*-report-github.md; do
    echo
    echo "## $(basename "$f" -report-github.md | sed 's/^Matomo\.Mvc5\.Benchmarks\.//')"
    echo
    cat "$f"
  done
  echo
  echo "## Targets"
  echo
  cat "$OUT/results/targets.md"
} >"$OUT/results.md"
cat "$OUT/results.md"
log "results: $OUT/results.md (log: $OUT/run.log)"
