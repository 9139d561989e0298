#!/usr/bin/env bash
# Serves Matomo.Mvc5.Sample the way a production Linux host would (nginx in front of fastcgi-mono-server4), with
# the Matomo stand-in beside it. Internal: ./build.sh sample and load, and the end-to-end tests, run it.
# Usage: sample-host.sh {run|start STATE_DIR|stop STATE_DIR} [options]; sample-host.sh help lists the options.
# Its parts: host/options.sh (options), host/ports.sh (choosing ports), host/appsettings.sh (App_Data/Host.config),
# host/nginx.sh (nginx's configuration and start), host/processes.sh (starting, watching and stopping processes).
set -euo pipefail
HOST_SCRIPT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
ROOT=$(cd "$(dirname "$HOST_SCRIPT")/../.." && pwd)

say() { printf '[sample-host] %s\n' "$*" >&2; }

for part in options ports appsettings nginx processes; do
  source "$(dirname "$HOST_SCRIPT")/host/$part.sh"
done

# start_host STATE [options]: starts the stand-in, writes the appSettings, starts Mono and nginx, waits for the home
# page. Prints "standin_url=URL" as soon as the stand-in listens, then "url=", "proxy_url=", "office_url=" once ready.
start_host() {
  local state=$1
  shift
  parse_host_options "$@"
  local site=$HOST_SITE
  [ -f "$site/bin/Matomo.Mvc5.Sample.dll" ] || { say "$site/bin/Matomo.Mvc5.Sample.dll is missing: build the Sample first"; exit 1; }
  command -v nginx >/dev/null && command -v fastcgi-mono-server4 >/dev/null \
    || { say "needs nginx and fastcgi-mono-server4 (./build.sh sample installs them)"; exit 1; }

  stop_host "$state"
  mkdir -p "$state"
  state=$(cd "$state" && pwd)
  rm -rf "$state/nginx" "$state/logs" "$state/host.env"
  mkdir -p "$state/nginx" "$state/logs"
  if $HOST_COPY_SITE; then
    rm -rf "$state/site"
    mkdir -p "$state/site"
    (cd "$site" && tar --exclude=./obj --exclude=./App_Data/Host.config -cf - .) | (cd "$state/site" && tar -xf -)
    site=$state/site
    if $HOST_RELEASE; then
      sed -i 's/<compilation debug="true"/<compilation debug="false"/' "$site/Web.config"
      grep -q '<compilation debug="false"' "$site/Web.config" || { say "--release: no <compilation debug=\"true\"> in $site/Web.config"; exit 1; }
    fi
  fi
  fail() { stop_host "$state"; exit 1; }

  # 1. The stand-in, so that the site's settings can name its port.
  local settings=(${HOST_SETTINGS[@]+"${HOST_SETTINGS[@]}"}) kv has_domain=false placeholders=false standin_url="" i token=""
  for kv in ${settings[@]+"${settings[@]}"}; do
    [[ $kv == matomo:DomainPath=* ]] && has_domain=true
    [[ $kv == matomo:ProxyTokenAuth=* ]] && token=${kv#matomo:ProxyTokenAuth=}   # the stand-in accepts the proxy's token
    [[ $kv == *"{standin_"* ]] && placeholders=true
  done
  local standin=$HOST_STANDIN
  if [ "$standin" = auto ]; then
    standin=false
    if $placeholders || { ! $has_domain && site_uses_standin "$site"; }; then standin=true; fi
  fi
  if $standin; then
    standin_url=$(start_standin "$state" "$HOST_STANDIN_PORT" "$HOST_STANDIN_BASE" "$token") || fail
    echo "standin_url=$standin_url" | tee -a "$state/host.env"
    local domain=${standin_url#http://} standin_port=${standin_url#http://127.0.0.1:}
    standin_port=${standin_port%%/*}
    for i in ${settings[@]+"${!settings[@]}"}; do
      settings[i]=${settings[i]//\{standin_port\}/$standin_port}
      settings[i]=${settings[i]//\{standin_url\}/$standin_url}
    done
    $has_domain || settings=("matomo:DomainPath=${domain%/}" ${settings[@]+"${settings[@]}"})
    # Server-side hits (MatomoTracker's outbox) reach the stand-in over plain http, as the browser does.
    [[ " ${settings[*]-} " == *" matomo:DeliveryUpstream="* ]] || settings=("matomo:DeliveryUpstream=$standin_url" ${settings[@]+"${settings[@]}"})
    settings=("sample:StandinUrl=$standin_url" ${settings[@]+"${settings[@]}"})
  fi

  # 2. This host's appSettings.
  write_host_config "$site/App_Data/Host.config" "the host in $state" ${settings[@]+"${settings[@]}"}
  echo "$site/App_Data/Host.config" >"$state/host-config.path"

  # 3. ASP.NET on a unix socket, and nginx in front of it: on the ports asked for, or on free ones (chosen again
  #    should another process bind one first).
  local sock=$state/fastcgi.sock
  say "fastcgi-mono-server4: $site"
  start_process mono "$state" fastcgi-mono-server4 --applications="/:$site" --socket="unix:$sock" \
    --logfile="$state/logs/fastcgi.log" --loglevels=Standard
  start_nginx_on_ports "$state" "$sock" "$HOST_PORT" ${HOST_PROXY_PORT:+"$HOST_PROXY_PORT"} ${HOST_OFFICE_PORT:+"$HOST_OFFICE_PORT"} || fail
  local ports=("${NGINX_PORTS[@]}")
  [ -z "$HOST_OWNER" ] || start_watchdog "$state" "$HOST_OWNER"

  local url="http://127.0.0.1:${ports[0]}/"
  wait_until_ready "$state" "$url" "$HOST_TIMEOUT" || fail
  say "ready"
  {
    echo "url=$url"
    [ -z "$HOST_PROXY_PORT" ] || echo "proxy_url=http://127.0.0.1:${ports[1]}/"
    [ -z "$HOST_OFFICE_PORT" ] || echo "office_url=http://127.0.0.1:${ports[2]}/"
  } | tee -a "$state/host.env"
}

# run_host [options]: start in the foreground (the site on $PORT or 8080, the stand-in on the next port), print
# where everything is, stop everything on Ctrl+C.
run_host() {
  local port=${PORT:-8080} i j
  for ((i = 1; i <= $#; i++)); do [ "${!i}" = --port ] && { j=$((i + 1)); port=${!j}; }; done
  local state="$ROOT/.tmp/sample-host-$port"
  trap 'trap - INT TERM EXIT; say "stopping"; stop_host "$state"; exit 0' INT TERM EXIT
  start_host "$state" --port "$port" --standin-port "${STANDIN_PORT:-$((port + 1))}" --owner-pid $$ "$@" >/dev/null || exit 1
  local url standin_url
  url=$(sed -n 's/^url=//p' "$state/host.env")
  standin_url=$(sed -n 's/^standin_url=//p' "$state/host.env")
  say "Matomo.Mvc5 Sample: $url"
  [ -z "$standin_url" ] || say "Matomo stand-in (what it received): $standin_url"
  say "settings in effect: ${url}Settings   (others for one run: --set KEY=VALUE, --set KEY= to unset)"
  say "press Ctrl+C to stop"
  while process_alive "$state" mono && process_alive "$state" nginx; do sleep 1; done
  say "the server stopped by itself; logs in $state/logs"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
  start)
    [ $# -ge 1 ] || { say "usage: $0 start STATE_DIR [options]"; exit 2; }
    start_host "$@" ;;
  stop)
    [ $# -ge 1 ] || { say "usage: $0 stop STATE_DIR"; exit 2; }
    stop_host "$1" ;;
  run)
    run_host "$@" ;;
  *)
    host_usage
    exit 2 ;;
esac
