#!/usr/bin/env bash
# ./build.sh sample: install what is missing, build Matomo.Mvc5.Sample and the Matomo stand-in, serve the Sample with
# nginx in front of fastcgi-mono-server4 on http://127.0.0.1:${PORT:-8080} and the stand-in on the next port
# (STANDIN_PORT), until Ctrl+C. Extra arguments go to build/lib/sample-host.sh, e.g.
#   ./build.sh sample --set matomo:RequireConsent=tracking     (--set KEY= unsets a key)
# The Sample's "Site-wide settings" page shows what is in effect.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
require_dotnet
require_sample_host
build_sample
log "serving the Sample (nginx + fastcgi-mono-server4) and the Matomo stand-in"
exec bash "$SAMPLE_HOST" run --port "${PORT:-8080}" "$@"
