#!/usr/bin/env bash
# Serves Matomo.Mvc5.Sample the way a production Linux host would: nginx in front of fastcgi-mono-server4.
# Used by ./build.sh sample (run) and by the end-to-end tests (start/stop). Builds nothing, installs nothing.
#
#   sample-host.sh run   [options]            serve in the foreground until Ctrl+C, then stop everything
#   sample-host.sh start STATE_DIR [options]  serve in the background; returns once a page answers
#   sample-host.sh stop  STATE_DIR            stop what 'start' started (safe to repeat)
#
# options:
#   --port N          the site, on http://127.0.0.1:N (default ${PORT:-8080})
#   --proxy-port N    also a reverse proxy on 127.0.0.1:N that connects to the site from 127.0.0.2 and appends
#                     the client to X-Forwarded-For, as a real proxy does
#   --office-port N   also an "office machine" on 127.0.0.1:N: forwards to the proxy, connecting from 127.0.0.3
#                     (needs --proxy-port); lets a test be a client with another address than 127.0.0.1
#   --site DIR        the site folder (default Matomo.Mvc5.Sample); --copy-site serves a copy under STATE_DIR
#   --set KEY=VALUE   an appSetting for this host, written to the site's App_Data/Host.config (repeatable);
#                     while Web.config points at the stand-in, matomo:DomainPath is set to 127.0.0.1:PORT/matomo-standin
#   --owner-pid PID   stop everything by itself once process PID has exited
#   --timeout S       how long 'start' waits for the first page (default 180)
#
# Every process runs in its own process group (setsid) and is recorded in STATE_DIR/*.pid; stop ends the groups.
set -euo pipefail
HOST_SCRIPT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
ROOT=${ROOT:-$(cd "$(dirname "$HOST_SCRIPT")/.." && pwd)}

say() { printf '[sample-host] %s\n' "$*" >&2; }

stop_host() {
  local state=$1 f pid
  [ -d "$state" ] || return 0
  for f in "$state"/nginx.pid "$state"/mono.pid "$state"/watchdog.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if [ -n "$pid" ] && [ "$pid" != "$$" ] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  rm -f "$state/fastcgi.sock"
  # The appSettings written for this host: without them the site is back to its Web.config.
  if [ -f "$state/host-config.path" ]; then rm -f "$(cat "$state/host-config.path")" "$state/host-config.path"; fi
}

start_host() {
  local state=$1; shift
  local port=${PORT:-8080} proxy_port="" office_port="" site="$ROOT/Matomo.Mvc5.Sample" copy=false owner="" timeout=180
  local settings=()
  while [ $# -gt 0 ]; do
    case $1 in
      --port) port=$2; shift 2 ;;
      --proxy-port) proxy_port=$2; shift 2 ;;
      --office-port) office_port=$2; shift 2 ;;
      --site) site=$(cd "$2" && pwd); shift 2 ;;
      --copy-site) copy=true; shift ;;
      --set) settings+=("$2"); shift 2 ;;
      --owner-pid) owner=$2; shift 2 ;;
      --timeout) timeout=$2; shift 2 ;;
      *) say "unknown option $1"; exit 2 ;;
    esac
  done
  [ -n "$office_port" ] && [ -z "$proxy_port" ] && { say "--office-port needs --proxy-port"; exit 2; }
  [ -f "$site/bin/Matomo.Mvc5.Sample.dll" ] || { say "$site/bin/Matomo.Mvc5.Sample.dll is missing: build the Sample first"; exit 1; }
  command -v nginx >/dev/null && command -v fastcgi-mono-server4 >/dev/null \
    || { say "needs nginx and fastcgi-mono-server4 (./build.sh sample installs them)"; exit 1; }

  stop_host "$state"
  mkdir -p "$state"
  state=$(cd "$state" && pwd)
  rm -rf "$state/nginx" "$state/logs"
  mkdir -p "$state/nginx" "$state/logs"
  # Debian's fastcgi_params without SERVER_NAME, which the site block sets to the Host header: sent twice,
  # fastcgi-mono-server4 logs a warning for every request.
  grep -v 'SERVER_NAME' /etc/nginx/fastcgi_params >"$state/nginx/fastcgi_params"
  if $copy; then
    rm -rf "$state/site"
    mkdir -p "$state/site"
    (cd "$site" && tar --exclude=./obj --exclude=./App_Data/Host.config -cf - .) | (cd "$state/site" && tar -xf -)
    site=$state/site
  fi

  # This host's appSettings, read through <appSettings file="App_Data\Host.config"> in the Sample's Web.config.
  local has_domain=false kv
  for kv in ${settings[@]+"${settings[@]}"}; do [[ $kv == matomo:DomainPath=* ]] && has_domain=true; done
  # Web.config's stand-in is on port 8080; point it at this port. A real Matomo in Web.config is left alone.
  if ! $has_domain && grep -q 'key="matomo:DomainPath" value="[^"]*/matomo-standin"' "$site/Web.config"; then
    settings=("matomo:DomainPath=127.0.0.1:$port/matomo-standin" ${settings[@]+"${settings[@]}"})
  fi
  mkdir -p "$site/App_Data"
  {
    echo '<?xml version="1.0" encoding="utf-8"?>'
    echo '<!-- Written by build/sample-host.sh for the host on port '"$port"'. -->'
    echo '<appSettings>'
    for kv in ${settings[@]+"${settings[@]}"}; do
      local k=${kv%%=*} v=${kv#*=}
      v=${v//&/&amp;}; v=${v//</&lt;}; v=${v//\"/&quot;}
      echo "  <add key=\"$k\" value=\"$v\" />"
    done
    echo '</appSettings>'
  } >"$site/App_Data/Host.config"
  echo "$site/App_Data/Host.config" >"$state/host-config.path"

  local sock=$state/fastcgi.sock user_line=""
  [ "$(id -u)" -eq 0 ] && user_line="user root;"   # workers must reach the socket that mono (root) creates
  {
    cat <<EOF
# Generated by build/sample-host.sh; nothing here touches the system's nginx configuration.
$user_line
worker_processes 1;
pid $state/nginx/nginx.pid;
error_log $state/logs/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log $state/logs/nginx-access.log;
  # Keep client connections open: nginx's default closes one after 1,000 requests, which a load test sees as read errors.
  keepalive_requests 1000000;
  client_body_temp_path $state/nginx/client_body;
  proxy_temp_path $state/nginx/proxy;
  fastcgi_temp_path $state/nginx/fastcgi;
  uwsgi_temp_path $state/nginx/uwsgi;
  scgi_temp_path $state/nginx/scgi;
  include /etc/nginx/mime.types;

  # The site: every request goes to ASP.NET. REMOTE_ADDR is the real peer; the client's own
  # X-Forwarded-For/Forwarded headers reach the application untouched (HTTP_X_FORWARDED_FOR ...).
  server {
    listen 127.0.0.1:$port;
    server_name _;
    location / {
      include $state/nginx/fastcgi_params;
      fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
      fastcgi_param PATH_INFO "";
      fastcgi_param SERVER_NAME \$host;   # what ASP.NET builds Request.Url from (instead of nginx's server_name)
      fastcgi_pass unix:$sock;
    }
  }
EOF
    if [ -n "$proxy_port" ]; then cat <<EOF

  # A reverse proxy in front of the site, seen by it as the peer 127.0.0.2.
  server {
    listen 127.0.0.1:$proxy_port;
    location / {
      proxy_pass http://127.0.0.1:$port;
      proxy_bind 127.0.0.2;
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
EOF
    fi
    if [ -n "$office_port" ]; then cat <<EOF

  # An "office machine" at 127.0.0.3 browsing through the proxy: it only relays, adding no header.
  server {
    listen 127.0.0.1:$office_port;
    location / {
      proxy_pass http://127.0.0.1:$proxy_port;
      proxy_bind 127.0.0.3;
      proxy_set_header Host \$http_host;
    }
  }
EOF
    fi
    echo '}'
  } >"$state/nginx/nginx.conf"

  say "fastcgi-mono-server4: $site"
  setsid fastcgi-mono-server4 --applications="/:$site" --socket="unix:$sock" \
    --logfile="$state/logs/fastcgi.log" --loglevels=Standard \
    </dev/null >"$state/logs/fastcgi.out" 2>&1 &
  echo $! >"$state/mono.pid"
  setsid nginx -p "$state/nginx" -c "$state/nginx/nginx.conf" -e "$state/logs/nginx-error.log" -g 'daemon off;' \
    </dev/null >"$state/logs/nginx.out" 2>&1 &
  echo $! >"$state/nginx.pid"

  if [ -n "$owner" ]; then
    setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec bash "$2" stop "$3"' \
      watchdog "$owner" "$HOST_SCRIPT" "$state" </dev/null >/dev/null 2>&1 &
    echo $! >"$state/watchdog.pid"
  fi

  # Ready once the home page answers 200 (the first request starts ASP.NET and compiles the views).
  local deadline=$((SECONDS + timeout)) code=""
  while [ $SECONDS -lt $deadline ]; do
    for f in mono nginx; do
      kill -0 "$(cat "$state/$f.pid")" 2>/dev/null || { say "$f exited; logs in $state/logs:"; tail -n 20 "$state"/logs/* >&2; stop_host "$state"; exit 1; }
    done
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "http://127.0.0.1:$port/" || true)
    [ "$code" = 200 ] && break
    sleep 0.3
  done
  if [ "$code" != 200 ]; then
    say "no answer from http://127.0.0.1:$port/ within ${timeout}s (last status $code); logs in $state/logs:"
    tail -n 30 "$state"/logs/* >&2
    stop_host "$state"
    exit 1
  fi
  say "ready"
  echo "http://127.0.0.1:$port/"
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
    port=${PORT:-8080}
    for ((i = 1; i <= $#; i++)); do [ "${!i}" = --port ] && { j=$((i + 1)); port=${!j}; }; done
    state="$ROOT/.tmp/sample-host-$port"
    trap 'trap - INT TERM EXIT; say "stopping"; stop_host "$state"; exit 0' INT TERM EXIT
    url=$(start_host "$state" --owner-pid $$ "$@") || exit 1
    say "Matomo.Mvc5 Sample: $url   (what the Matomo stand-in received: ${url}matomo-standin/)"
    say "settings in effect: ${url}Settings   (others for one run: --set KEY=VALUE, --set KEY= to unset)"
    say "press Ctrl+C to stop"
    while kill -0 "$(cat "$state/mono.pid")" 2>/dev/null && kill -0 "$(cat "$state/nginx.pid")" 2>/dev/null; do
      sleep 1
    done
    say "the server stopped by itself; logs in $state/logs" ;;
  *)
    sed -n '2,21p' "$HOST_SCRIPT" | sed 's/^# \{0,1\}//' >&2
    exit 2 ;;
esac
