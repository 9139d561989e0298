#!/usr/bin/env bash
# ./build.sh pack: build the NuGet package into artifacts/Matomo.Mvc5.<version>.nupkg.
# The package is described by Matomo.Mvc5/Matomo.Mvc5.nuspec (the project's NuspecFile); its version is the project's <Version>.
# Extra arguments go to dotnet pack, e.g. ./build.sh pack -p:Version=1.0.1
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
require_dotnet
ARTIFACTS=${ARTIFACTS:-$ROOT/artifacts}
mkdir -p "$ARTIFACTS"
log "packing Matomo.Mvc5 ($CONFIGURATION) into $ARTIFACTS"
dotnet pack "$ROOT/Matomo.Mvc5/Matomo.Mvc5.csproj" -c "$CONFIGURATION" -o "$ARTIFACTS" -nologo -v quiet "$@"
version=$(dotnet msbuild "$ROOT/Matomo.Mvc5/Matomo.Mvc5.csproj" -nologo -getProperty:Version "$@" 2>/dev/null | tr -d '[:space:]')
package="$ARTIFACTS/Matomo.Mvc5.$version.nupkg"
[ -f "$package" ] || { echo "expected $package, not found" >&2; exit 1; }
echo "$package"
