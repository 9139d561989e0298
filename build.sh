#!/usr/bin/env bash
# Matomo.Mvc5 build script: ./build.sh COMMAND
#   test    install what is missing, restore, build and run every test
#   sample  serve Matomo.Mvc5.Sample with nginx + fastcgi-mono-server4 on http://127.0.0.1:${PORT:-8080}
#   pack    build the NuGet package into artifacts/
#   bench   run the BenchmarkDotNet benchmarks
#   load    load-test the Sample with and without the helper
# Each command is build/COMMAND.sh; each installs what it needs by itself (apt-get, NuGet), only when absent.
set -euo pipefail
source "$(dirname "$0")/build/common.sh"
cd "$ROOT"
cmd=${1:-test}
[ $# -gt 0 ] && shift
if [ ! -f "build/$cmd.sh" ]; then
  echo "usage: $0 {$(cd build && ls *.sh | grep -v common | sed 's/\.sh$//' | paste -sd'|')}" >&2
  exit 2
fi
source "build/$cmd.sh"
