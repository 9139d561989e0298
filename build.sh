#!/usr/bin/env bash
# Matomo.Mvc5 build script: ./build.sh COMMAND [ARGUMENTS]
#   test    install what is missing, restore, build and run every test (what CI runs)
#   sample  serve Matomo.Mvc5.Sample with nginx + fastcgi-mono-server4 on http://127.0.0.1:${PORT:-8080}, and the
#           Matomo stand-in beside it on the next port
#   pack    build the NuGet package into artifacts/
#   bench   run the BenchmarkDotNet benchmarks
#   load    load-test the Sample with and without the helper
# Each command is the script build/COMMAND.sh, run as a program of its own; each installs what it needs by itself
# (apt-get, which needs root or sudo; NuGet), only when absent. Shared script code is in build/lib/.
set -euo pipefail
cd "$(dirname "$0")"
cmd=${1:-test}
[ $# -gt 0 ] && shift
case $cmd in
  */*|.*|lib) cmd="" ;;   # only the scripts directly in build/ are commands
esac
if [ -z "$cmd" ] || [ ! -f "build/$cmd.sh" ]; then
  echo "usage: $0 {$(cd build && ls -- *.sh | sed 's/\.sh$//' | paste -sd'|')} [ARGUMENTS]" >&2
  exit 2
fi
exec bash "build/$cmd.sh" "$@"
