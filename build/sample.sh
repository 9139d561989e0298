# ./build.sh sample: install what is missing, build Matomo.Mvc5.Sample, serve it with nginx in front of
# fastcgi-mono-server4 on http://127.0.0.1:${PORT:-8080} until Ctrl+C. Extra arguments go to build/sample-host.sh
# (e.g. ./build.sh sample --set matomo:DisableCookies=true; --set KEY= unsets a key; the Sample's "Site-wide settings"
# page shows what is in effect). Sourced by build.sh (ROOT, log, apt_install are set).
require_dotnet
require_mono
apt_install nginx-light mono-fastcgi-server4 curl
log "building the Sample"
dotnet build "$ROOT/Matomo.Mvc5.Sample/Matomo.Mvc5.Sample.csproj" -c "$CONFIGURATION" -nologo -v quiet
log "serving the Sample (nginx + fastcgi-mono-server4)"
exec bash "$ROOT/build/sample-host.sh" run --port "${PORT:-8080}" "$@"
