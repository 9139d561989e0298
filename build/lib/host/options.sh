# build/lib/sample-host.sh: its options (sourced). parse_host_options ARGS... sets the HOST_* variables below.

# Defaults; PORT is the environment's choice for ./build.sh sample.
HOST_PORT=${PORT:-8080}
HOST_PORT_RANGE=20000-32767     # where port 0 ("any") looks: below Linux's ephemeral ports (32768-60999)
HOST_PORT_SCAN_FROM=""          # where the search starts: a random port of the range unless --port-scan-from
HOST_PROXY_PORT=""
HOST_OFFICE_PORT=""
HOST_STANDIN_PORT=0
HOST_STANDIN_BASE=/
HOST_STANDIN=auto               # auto: start the stand-in unless --set matomo:DomainPath, or Web.config names a real Matomo
HOST_SITE="$ROOT/Matomo.Mvc5.Sample"
HOST_COPY_SITE=false
HOST_RELEASE=false
HOST_SETTINGS=()
HOST_OWNER=""
HOST_TIMEOUT=180

host_usage() {
  cat >&2 <<'USAGE'
build/lib/sample-host.sh: serves Matomo.Mvc5.Sample as a production Linux host would (nginx in front of
fastcgi-mono-server4), with the Matomo stand-in (Matomo.Mvc5.Standin) beside it as a process of its own.
Internal: ./build.sh sample, ./build.sh load and the end-to-end tests run it. Builds and installs nothing.

  sample-host.sh run   [options]            serve in the foreground until Ctrl+C, then stop everything
  sample-host.sh start STATE_DIR [options]  serve in the background; returns once the home page answers, having
                                            printed url=, standin_url= (and proxy_url=, office_url=) lines
  sample-host.sh stop  STATE_DIR            stop what 'start' started (safe to repeat)

options:
  --port N          the site, on http://127.0.0.1:N (default $PORT or 8080); 0: any free port, chosen again
                    should another process take it first
  --port-range A-B  where port 0 looks (default 20000-32767), from a random port of the range onwards, or from
                    --port-scan-from N
  --proxy-port N    also a reverse proxy on 127.0.0.1:N that connects to the site from 127.0.0.2 and appends the
                    client to X-Forwarded-For, as a real proxy does (0: any free port)
  --office-port N   also an "office machine" on 127.0.0.1:N: forwards to the proxy, connecting from 127.0.0.3
                    (needs --proxy-port; 0: any free port)
  --standin-port N  the Matomo stand-in's port (default 0: any free port, chosen by the kernel)
  --standin-base P  where the stand-in serves Matomo's files (default /), as for a Matomo installed in a folder
                    (/matomo/); matomo:DomainPath then includes it
  --standin         start the stand-in even though --set gives matomo:DomainPath (or Web.config names a real Matomo)
  --no-standin      start no stand-in; matomo:DomainPath stays as configured
  --site DIR        the site folder (default Matomo.Mvc5.Sample); --copy-site serves a copy under STATE_DIR
  --release         with --copy-site: the copy runs with <compilation debug="false">, as a production site does
  --set KEY=VALUE   an appSetting for this host, written to the site's App_Data/Host.config (repeatable;
                    KEY= unsets). With the stand-in, matomo:DomainPath is set to it unless --set gives one. In a
                    VALUE, {standin_port} and {standin_url} stand for the stand-in's port and base URL (and start it).
  --owner-pid PID   stop everything by itself once process PID has exited
  --timeout S       how long 'start' waits for the first page (default 180)
USAGE
}

# is_port N: a port number, 0 allowed (any).
is_port() { [[ $1 =~ ^[0-9]+$ ]] && [ "$1" -le 65535 ]; }

parse_host_options() {
  while [ $# -gt 0 ]; do
    case $1 in
      --port|--proxy-port|--office-port|--standin-port)
        [ $# -ge 2 ] && is_port "$2" || { say "$1 needs a port number (0: any free port)"; exit 2; }
        case $1 in
          --port) HOST_PORT=$2 ;;
          --proxy-port) HOST_PROXY_PORT=$2 ;;
          --office-port) HOST_OFFICE_PORT=$2 ;;
          --standin-port) HOST_STANDIN_PORT=$2 ;;
        esac
        shift 2 ;;
      --port-range)
        [[ ${2:-} =~ ^([0-9]+)-([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -ge 1024 ] && [ "${BASH_REMATCH[2]}" -le 65535 ] \
          && [ "${BASH_REMATCH[1]}" -le "${BASH_REMATCH[2]}" ] || { say "--port-range needs LOW-HIGH within 1024-65535"; exit 2; }
        HOST_PORT_RANGE=$2; shift 2 ;;
      --standin-base)
        [[ ${2:-} =~ ^/([A-Za-z0-9._-]+/)*$ ]] || { say "--standin-base needs a path such as /matomo/"; exit 2; }
        HOST_STANDIN_BASE=$2; shift 2 ;;
      --standin) HOST_STANDIN=true; shift ;;
      --no-standin) HOST_STANDIN=false; shift ;;
      --port-scan-from) [ $# -ge 2 ] && is_port "$2" || { say "--port-scan-from needs a port number"; exit 2; }; HOST_PORT_SCAN_FROM=$2; shift 2 ;;
      --site) [ -d "${2:-}" ] || { say "--site needs a folder"; exit 2; }; HOST_SITE=$(cd "$2" && pwd); shift 2 ;;
      --copy-site) HOST_COPY_SITE=true; shift ;;
      --release) HOST_RELEASE=true; shift ;;
      --set) [[ ${2:-} == *=* ]] || { say "--set needs KEY=VALUE"; exit 2; }; HOST_SETTINGS+=("$2"); shift 2 ;;
      --owner-pid) [[ ${2:-} =~ ^[0-9]+$ ]] || { say "--owner-pid needs a process id"; exit 2; }; HOST_OWNER=$2; shift 2 ;;
      --timeout) [[ ${2:-} =~ ^[0-9]+$ ]] || { say "--timeout needs seconds"; exit 2; }; HOST_TIMEOUT=$2; shift 2 ;;
      *) say "unknown option $1"; host_usage; exit 2 ;;
    esac
  done
  if [ -n "$HOST_OFFICE_PORT" ] && [ -z "$HOST_PROXY_PORT" ]; then say "--office-port needs --proxy-port"; exit 2; fi
  if $HOST_RELEASE && ! $HOST_COPY_SITE; then say "--release needs --copy-site (it changes the copy's Web.config)"; exit 2; fi
  return 0
}
