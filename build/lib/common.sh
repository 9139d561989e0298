# Shared by the commands in build/ (sourced by each, never run): paths, logging, installing what is missing.
# Each command starts with:  set -euo pipefail; source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CONFIGURATION=${CONFIGURATION:-Release}

log() { printf '\n==> %s\n' "$*" >&2; }

# apt_install PKG... : installs the Debian packages that are not installed yet (idempotent). Needs root, or sudo.
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

require_dotnet() {
  command -v dotnet >/dev/null || { echo "The .NET SDK (dotnet) is required: https://dot.net" >&2; exit 1; }
}

require_mono() { apt_install mono-complete ca-certificates-mono; }

# What build/lib/sample-host.sh needs: nginx in front of fastcgi-mono-server4, curl for its readiness checks.
require_sample_host() { require_mono; apt_install nginx-light mono-fastcgi-server4 curl; }

# The Sample's host (internal: run by the commands and the end-to-end tests, not a command itself).
SAMPLE_HOST="$ROOT/build/lib/sample-host.sh"

# build_sample: builds the Sample and the Matomo stand-in that its host starts beside it.
build_sample() {
  log "building the Sample and the Matomo stand-in ($CONFIGURATION)"
  dotnet build "$ROOT/Matomo.Mvc5.Sample/Matomo.Mvc5.Sample.csproj" -c "$CONFIGURATION" -nologo -v quiet
  dotnet build "$ROOT/Matomo.Mvc5.Standin/Matomo.Mvc5.Standin.csproj" -c "$CONFIGURATION" -nologo -v quiet
}
