#!/usr/bin/env bash
# ./build.sh pack: build the NuGet package into artifacts/: Matomo.Mvc5.<version>.nupkg and its symbols package
# Matomo.Mvc5.<version>.snupkg (the PDB, with SourceLink to the packed commit on GitHub).
# The package is described by Matomo.Mvc5/Matomo.Mvc5.nuspec (the project's NuspecFile, its tokens filled in by
# Matomo.Mvc5/Matomo.Mvc5.Package.targets); its version is the project's <Version>, its release notes are the
# CHANGELOG.md section of that version, else "## Unreleased". Pack from a git clone (SourceLink names the commit).
# Extra arguments go to dotnet pack, e.g. ./build.sh pack -p:Version=1.0.1, or --no-build to pack what is built.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
require_dotnet
ARTIFACTS=${ARTIFACTS:-$ROOT/artifacts}
mkdir -p "$ARTIFACTS"
log "packing Matomo.Mvc5 ($CONFIGURATION) into $ARTIFACTS"
dotnet pack "$ROOT/Matomo.Mvc5/Matomo.Mvc5.csproj" -c "$CONFIGURATION" -o "$ARTIFACTS" -nologo -v quiet "$@"
# The version packed: the project's, unless a -p:Version=... argument set it.
properties=()
for argument in "$@"; do
  case $argument in -p:*|/p:*|--property:*) properties+=("$argument") ;; esac
done
version=$(dotnet msbuild "$ROOT/Matomo.Mvc5/Matomo.Mvc5.csproj" -nologo -getProperty:Version -p:Configuration="$CONFIGURATION" \
  ${properties[@]+"${properties[@]}"} 2>/dev/null | tr -d '[:space:]')
for package in "$ARTIFACTS/Matomo.Mvc5.$version.nupkg" "$ARTIFACTS/Matomo.Mvc5.$version.snupkg"; do
  [ -f "$package" ] || { echo "expected $package, not found" >&2; exit 1; }
  echo "$package"
done
