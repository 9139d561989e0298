# Shared by the load scenarios of build/load.sh (sourced): running wrk and reading its figures.

# wrk_run FILE THREADS CONNECTIONS SECONDS URL [-- SCRIPT ARGS...]: wrk with its latency distribution, its output
# (and any error) into FILE. With "-- SCRIPT ARGS...", the Lua script builds the requests (ARGS go to its init()).
wrk_run() {
  local file=$1 threads=$2 connections=$3 seconds=$4 url=$5
  shift 5
  local script=()
  if [ "${1:-}" = -- ]; then
    shift
    script=(-s "$1")
    shift
    wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "${script[@]}" "$url" -- "$@" >"$file" 2>&1
  else
    wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$url" >"$file" 2>&1
  fi
}

# to_ms: wrk's "812.00us", "3.41ms" or "1.02s" on stdin, in milliseconds with two decimals.
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.2f", v }'; }

# wrk_figure FILE rps|requests|p50|p99|non2xx|socket: one figure of a wrk output (latencies in ms; counts 0 if absent).
wrk_figure() {
  local f=$1 v
  case $2 in
    rps) awk '/^Requests\/sec:/{print $2}' "$f" ;;
    requests) awk '/requests in/{print $1}' "$f" ;;
    p50) awk '$1=="50%"{print $2}' "$f" | to_ms ;;
    p99) awk '$1=="99%"{print $2}' "$f" | to_ms ;;
    non2xx) v=$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$f"); echo "${v:-0}" ;;
    socket) v=$(awk '/Socket errors:/{gsub(/,/,""); print $4+$6+$8+$10}' "$f"); echo "${v:-0}" ;;
  esac
}
