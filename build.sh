#!/usr/bin/env bash
# Matomo.Mvc5 build script. Usage: ./build.sh [test|sample|pack|bench|load]
#   test    install what is missing, restore, build and run every test (unit, end-to-end, package)
#   sample  serve Matomo.Mvc5.Sample with nginx + fastcgi-mono-server4 on http://127.0.0.1:${PORT:-8080}
# Every command installs what it needs by itself (apt-get, NuGet), only when it is absent.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIGURATION=${CONFIGURATION:-Release}

log() { printf '\n==> %s\n' "$*" >&2; }

# apt_install PKG... : installs the Debian packages that are not installed yet (idempotent).
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

require_dotnet() {
  command -v dotnet >/dev/null || { echo "The .NET SDK (dotnet) is required: https://dot.net" >&2; exit 1; }
}

require_mono() { apt_install mono-complete ca-certificates-mono; }

cmd_test() {
  require_dotnet
  require_mono
  log "building"
  dotnet build Matomo.Mvc5.sln -c "$CONFIGURATION" -nologo -v quiet
  log "running every test"
  dotnet test Matomo.Mvc5.sln -c "$CONFIGURATION" --no-build -nologo --logger "console;verbosity=normal" \
    | tee "$ROOT/.test-output.log"
  # A plain closing line for CI: 'N passed, N failed'.
  awk '/^ +Passed: [0-9]+$/{p+=$2} /^ +Failed: [0-9]+$/{f+=$2} /^ +Skipped: [0-9]+$/{s+=$2}
       END{printf "tests: %d passed, %d failed, %d skipped\n",p,f,s}' "$ROOT/.test-output.log"
}

case "${1:-test}" in
  test) cmd_test ;;
  *) echo "usage: $0 [test]" >&2; exit 2 ;;
esac
