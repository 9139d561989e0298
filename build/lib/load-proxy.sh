# build/load.sh's proxy scenario (sourced; uses its HOST, STATE, OUT, MACHINE, THREADS, CONNECTIONS and wrk.sh).
#
# One copy of the Sample with the tracker proxy on (matomo:ProxyPath=insights, matomo:ProxyUpstream = its Matomo
# stand-in, a token, so that cip and token_auth are added as in production). In each round, in each mode, three
# variants in turn (order rotated from round to round):
#   P  tracking requests through the site's proxy:   http://127.0.0.1:PORT/insights/matomo.php?...
#   D  the same requests straight to the stand-in:   STANDIN/matomo.php?...
#   F  the site's floor on the proxy path without Matomo: the cached matomo.js revalidated (304 from memory)
#   S  the floor with a hit's size: the same revalidation carrying P's query string, User-Agent, Accept-Language
#      and cookies (what the request's size costs nginx and fastcgi-mono-server4 before the proxy does anything)
# Modes: latency (1 thread, 1 connection: nothing queues, p50 is what one hit costs) and throughput (THREADS
# threads, CONNECTIONS connections). Each run also records the CPU time of each process group of the host (the
# site's mono, nginx, the stand-in) and of the whole machine (/proc/stat), during the run and, for P in queued mode,
# while the outbox catches up after it: CPU per request shows where a variant's time goes. Every run of P must deliver each hit to the stand-in, F none; a harmless 204
# for a hit that never reached Matomo counts as an error. matomo:ProxyDelivery is LOAD_PROXY_DELIVERY (default
# queued: P is answered at once and the outbox delivers in bulk, so a run's hits are counted as the bulk entries
# the stand-in received, waited for after the run; direct: as the requests its journal numbers).

PROXY_TOKEN=0123456789abcdef0123456789abcdef
PROXY_DURATION=${LOAD_PROXY_DURATION:-10}
PROXY_ROUNDS=${LOAD_PROXY_ROUNDS:-3}
PROXY_DELIVERY=${LOAD_PROXY_DELIVERY:-queued}
TRACKING_LUA="$ROOT/build/lib/load-tracking.lua"

# standin_last_id STANDIN_URL AFTER: the number of the last request the stand-in recorded, or AFTER if none since.
standin_last_id() {
  local id
  id=$(curl -fsS "${1}standin/received?after=$2" | grep -o '"Id":[0-9]*' | tail -n 1 | cut -d: -f2)
  echo "${id:-$2}"
}

# standin_hits STANDIN_URL AFTER: how many tracking requests (single hits and bulk entries, each naming idsite 1)
# the stand-in recorded after request number AFTER.
standin_hits() {
  curl -fsS "${1}standin/received?after=$2" | grep -o '"idsite":"1"' | wc -l
}

# wait_delivered STANDIN_URL AFTER EXPECTED: waits (at most 60 s) until the stand-in has EXPECTED hits after AFTER,
# or their count stops growing for 3 s; prints the count.
wait_delivered() {
  local n=-1 previous=-2 still=0 i
  for i in $(seq 1 120); do
    n=$(standin_hits "$1" "$2")
    [ "$n" -ge "$3" ] && break
    if [ "$n" -eq "$previous" ]; then still=$((still + 1)); [ $still -ge 6 ] && break; else still=0; fi
    previous=$n
    sleep 0.5
  done
  echo "$n"
}

# cpu_ticks STATE NAME: the CPU time (user + system, in clock ticks) used so far by the live processes of the host's
# process group NAME (STATE/NAME.pid names the group's leader); the machine's busy time for NAME=all.
cpu_ticks() {
  if [ "$2" = all ]; then awk '$1=="cpu"{print $2+$3+$4+$7+$8; exit}' /proc/stat; return; fi
  local group
  group=$(cat "$1/$2.pid" 2>/dev/null) || { echo 0; return; }
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$group" '{ sub(/^.*\) /, ""); if ($3 == g) t += $12 + $13 } END { print t + 0 }'
}

# cpu_snapshot STATE: "site nginx standin all" ticks now.
cpu_snapshot() { echo "$(cpu_ticks "$1" mono) $(cpu_ticks "$1" nginx) $(cpu_ticks "$1" standin) $(cpu_ticks "$1" all)"; }

# cpu_ms BEFORE AFTER: the four differences of two snapshots, in milliseconds.
cpu_ms() {
  local hz
  hz=$(getconf CLK_TCK)
  echo "$1 $2" | awk -v hz="$hz" '{ for (i = 1; i <= 4; i++) printf "%s%d", (i > 1 ? " " : ""), ($(i + 4) - $i) * 1000 / hz }'
}

# load_proxy PORT: runs the scenario on the site's port PORT; writes $OUT/proxy.md and $OUT/proxy/*.
load_proxy() {
  local port=$1 out=$OUT/proxy state=$STATE/proxy
  mkdir -p "$out"
  log "proxy scenario: the Sample with the tracker proxy on $port, in front of its Matomo stand-in"
  bash "$HOST" start "$state" --port "$port" --copy-site --owner-pid $$ --set matomo:ProxyPath=insights \
    --set "matomo:ProxyUpstream={standin_url}" --set "matomo:ProxyTokenAuth=$PROXY_TOKEN" \
    --set "matomo:ProxyDelivery=$PROXY_DELIVERY" >/dev/null
  local site="http://127.0.0.1:$port" standin
  standin=$(sed -n 's/^standin_url=//p' "$state/host.env")

  # The set-up works as it should: the page points at the proxy and names no Matomo host; a hit through the proxy
  # reaches the stand-in with the visitor's address and the token; the script is cached and revalidated.
  curl -fsS "$site/" >"$out/page.html"
  sed -n '/var _paq/,/<\/noscript>/p' "$out/page.html" >"$out/snippet.html"
  grep -q 'var u="/insights/"' "$out/snippet.html" && grep -q 'src="/insights/matomo.php?' "$out/snippet.html" \
    || { echo "the snippet does not point at the proxy" >&2; exit 1; }
  ! grep -q "${standin#http://}" "$out/snippet.html" || { echo "the snippet names the stand-in" >&2; exit 1; }
  curl -fsS -o /dev/null "$site/insights/matomo.php?idsite=1&rec=1&send_image=0&action_name=load-check"
  local checked=0 received i
  for i in $(seq 1 40); do
    received=$(curl -fsS "${standin}standin/received")
    if [ "$PROXY_DELIVERY" = queued ]; then
      # A bulk request of the outbox: the entry with the visitor's address, the token at the top of the body.
      echo "$received" | grep -q '"action_name":"load-check"[^}]*"cip":"127.0.0.1"' \
        && echo "$received" | grep -q '"token_auth":"'"$PROXY_TOKEN"'"' && { checked=1; break; }
    else
      echo "$received" | grep -q '"action_name":"load-check"[^}]*"cip":"127.0.0.1"[^}]*"token_auth":"'"$PROXY_TOKEN"'"' && { checked=1; break; }
    fi
    sleep 0.25
  done
  [ $checked = 1 ] || { echo "the stand-in did not get the proxied hit with cip and token_auth" >&2; exit 1; }
  ! echo "$received" | grep -q '"Target":"[^"]*token_auth' || { echo "a token_auth in a URL sent to Matomo" >&2; exit 1; }
  local etag
  etag=$(curl -fsS -D - -o /dev/null "$site/insights/matomo.js" | tr -d '\r' | awk 'tolower($1)=="etag:"{print $2}')
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$site/insights/matomo.js")" = 304 ] \
    || { echo "the proxy does not revalidate its cached script" >&2; exit 1; }

  local standin_base=${standin%/} standin_path
  standin_path=/${standin#http://*/}
  # variant_run FILE VARIANT THREADS CONNECTIONS SECONDS
  variant_run() {
    case $2 in
      P) wrk_run "$1" "$3" "$4" "$5" "$site" -- "$TRACKING_LUA" track /insights/matomo.php ;;
      D) wrk_run "$1" "$3" "$4" "$5" "$standin_base" -- "$TRACKING_LUA" track "${standin_path}matomo.php" ;;
      F) wrk_run "$1" "$3" "$4" "$5" "$site" -- "$TRACKING_LUA" revalidate /insights/matomo.js "$etag" ;;
      S) wrk_run "$1" "$3" "$4" "$5" "$site" -- "$TRACKING_LUA" revalidate-as-hit /insights/matomo.js "$etag" ;;
    esac
  }

  log "proxy scenario: warming up (5 s each)"
  local v
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$site/insights/matomo.js?idsite=1&rec=1&action_name=x")" = 304 ] \
    || { echo "the proxy does not revalidate its cached script when asked with a hit's query string" >&2; exit 1; }
  for v in P D F S; do variant_run "$out/warmup-$v.txt" "$v" "$THREADS" "$CONNECTIONS" 5; done

  local round mode order threads connections f before after last delivered cpu0 cpu1 cpu2
  last=$(standin_last_id "$standin" 0)
  : >"$out/figures.txt"
  for round in $(seq 1 "$PROXY_ROUNDS"); do
    for mode in latency throughput; do
      threads=1; connections=1
      [ $mode = throughput ] && { threads=$THREADS; connections=$CONNECTIONS; }
      case $((round % 4)) in 1) order="P D F S" ;; 2) order="D F S P" ;; 3) order="F S P D" ;; 0) order="S P D F" ;; esac
      for v in $order; do
        log "proxy scenario: round $round, $mode, $v for ${PROXY_DURATION}s"
        f="$out/wrk-$round-$mode-$v.txt"
        before=$last
        cpu0=$(cpu_snapshot "$state")
        variant_run "$f" "$v" "$threads" "$connections" "$PROXY_DURATION"
        cpu1=$(cpu_snapshot "$state")
        if [ "$v" = P ] && [ "$PROXY_DELIVERY" = queued ]; then
          delivered=$(wait_delivered "$standin" "$before" "$(wrk_figure "$f" requests)")
          after=$(standin_last_id "$standin" "$before")
        else
          sleep 1 # let the last hits in flight arrive
          after=$(standin_last_id "$standin" "$before")
          delivered=$((after - before))
        fi
        last=$after
        cpu2=$(cpu_snapshot "$state")
        echo "$round $mode $v $(wrk_figure "$f" requests) $(wrk_figure "$f" rps) $(wrk_figure "$f" p50) $(wrk_figure "$f" p99)" \
             "$(wrk_figure "$f" non2xx) $(wrk_figure "$f" socket) $delivered $(cpu_ms "$cpu0" "$cpu1") $(cpu_ms "$cpu1" "$cpu2")" >>"$out/figures.txt"
      done
    done
  done

  {
    echo "## Tracker proxy: tracking requests through the site's proxy and straight to Matomo"
    echo
    echo "$MACHINE, wrk from loopback, ${PROXY_DURATION}s a run, $PROXY_ROUNDS rounds; latency mode: 1 thread, 1 connection; throughput mode: $THREADS threads, $CONNECTIONS connections."
    echo "P: \`GET /insights/matomo.php?idsite=1&rec=1&...\` (a page view as matomo.js sends it: build/lib/load-tracking.lua) through the site's proxy (matomo:ProxyDelivery=$PROXY_DELIVERY) to its Matomo stand-in (cip and token_auth added);"
    echo "D: the same requests straight to the stand-in; F: the site's floor on the proxy path without Matomo (\`/insights/matomo.js\` revalidated: 304 from the proxy's memory); S: F carrying P's query string, headers and cookies."
    echo "Delivered: requests the stand-in received during the run (each P hit must arrive; F and S ask Matomo nothing)."
    echo "CPU per request (µs): CPU time of the site's mono, nginx, the stand-in and the whole machine (all cores; wrk included) during the run, over the run's requests; catch-up: the site's and the stand-in's CPU after the run while the outbox delivered what was left."
    echo
    echo "| Round | Mode | Variant | Requests | Req/s | p50 | p99 | Non-2xx | Socket errors | Delivered to Matomo | CPU/request: site, nginx, stand-in, machine | Catch-up: site, stand-in |"
    echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    awk '{ n = $4 > 0 ? $4 : 1; printf "| %s | %s | %s | %s | %s | %s ms | %s ms | %s | %s | %s | %d, %d, %d, %d | %d, %d |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
           1000 * $11 / n, 1000 * $12 / n, 1000 * $13 / n, 1000 * $14 / n, 1000 * $15 / n, 1000 * $17 / n }' "$out/figures.txt"
    echo
    awk -v connections="$CONNECTIONS" '
      function median(list, n,   i, j, t, a) { split(list, a, " "); n = 0; for (i in a) if (a[i] != "") n++
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j] + 0 < a[j-1] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      {
        k = $2 " " $3; rps[k] = rps[k] " " $5; p50[k] = p50[k] " " $6; p99[k] = p99[k] " " $7
        n = $4 > 0 ? $4 : 1
        csite[k] = csite[k] " " (1000 * ($11 + $15) / n); cnginx[k] = cnginx[k] " " (1000 * $12 / n)
        cstandin[k] = cstandin[k] " " (1000 * ($13 + $17) / n); call[k] = call[k] " " (1000 * ($14 + $18) / n)
        r = $1 " " $2; if ($3 == "P") { pp50[r] = $6; pp99[r] = $7 } if ($3 == "D") { dp50[r] = $6; dp99[r] = $7 }
        errors += $8 + $9
        if ($3 == "P" && $4 > $10) undelivered += $4 - $10
        if ($3 == "F" || $3 == "S") toMatomo += $10
      }
      END {
        for (r in pp50) { split(r, x, " "); d50[x[2]] = d50[x[2]] " " (pp50[r] - dp50[r]); d99[x[2]] = d99[x[2]] " " (pp99[r] - dp99[r]) }
        printf "| Mode | Variant | Median req/s | Median p50 | Median p99 |\n| --- | --- | ---: | ---: | ---: |\n"
        split("latency throughput", modes, " "); split("P D F S", vs, " ")
        for (m = 1; m <= 2; m++) for (v = 1; v <= 4; v++) { k = modes[m] " " vs[v]
          printf "| %s | %s | %.1f | %.2f ms | %.2f ms |\n", modes[m], vs[v], median(rps[k]), median(p50[k]), median(p99[k]) }
        printf "\nCPU per request, median of the rounds, run and catch-up together (µs; the machine: all cores, wrk included):\n\n"
        printf "| Mode | Variant | Site (mono) | nginx | Stand-in | Machine |\n| --- | --- | ---: | ---: | ---: | ---: |\n"
        for (m = 1; m <= 2; m++) for (v = 1; v <= 4; v++) { k = modes[m] " " vs[v]
          printf "| %s | %s | %.0f | %.0f | %.0f | %.0f |\n", modes[m], vs[v], median(csite[k]), median(cnginx[k]), median(cstandin[k]), median(call[k]) }
        printf "\n| Figure | Measured | Target | Verdict |\n| --- | ---: | ---: | --- |\n"
        a50 = median(p50["latency P"]) - median(p50["latency D"]); a99 = median(p99["latency P"]) - median(p99["latency D"])
        f50 = median(p50["latency F"]) - median(p50["latency D"])
        printf "| Added latency at p50, one connection (median P - median D) | %.2f ms | < 2 ms | %s |\n", a50, a50 < 2 ? "met" : "**MISSED**"
        printf "| Added latency at p50, one connection, median over rounds of P_i - D_i | %.2f ms | (cross-check) | |\n", median(d50["latency"])
        printf "| Added latency at p99, one connection | %.2f ms | (reported) | |\n", a99
        printf "| of which the site itself (floor F - D at p50: nginx, fastcgi-mono-server4, System.Web, no Matomo) | %.2f ms | (reported) | |\n", f50
        printf "| Added latency at p50 / p99 under throughput load (%s) | %.2f ms / %.2f ms | (reported) | |\n", connections " connections",
          median(p50["throughput P"]) - median(p50["throughput D"]), median(p99["throughput P"]) - median(p99["throughput D"])
        printf "| Req/s through the proxy / straight to Matomo, throughput load | %.1f / %.1f | (reported) | |\n", median(rps["throughput P"]), median(rps["throughput D"])
        # Against the floor F (what any request to the site costs on this host): the goal for queued mode.
        for (m = 1; m <= 2; m++) {
          pp = median(p50[modes[m] " P"]); ff = median(p50[modes[m] " F"]); qq = median(p99[modes[m] " P"]); gg = median(p99[modes[m] " F"])
          label = m == 1 ? "one connection" : connections " connections"
          printf "| Through the proxy against the floor, %s, p50: P / F | %.2f / %.2f ms (%+.1f %%) | within 10 %% | %s |\n", label, pp, ff, (ff > 0 ? 100 * (pp - ff) / ff : 0), (pp <= 1.1 * ff ? "met" : "**MISSED**")
          printf "| Through the proxy against the floor, %s, p99: P / F | %.2f / %.2f ms (%+.1f %%) | within 10 %% | %s |\n", label, qq, gg, (gg > 0 ? 100 * (qq - gg) / gg : 0), (qq <= 1.1 * gg ? "met" : "**MISSED**")
          ss = median(p50[modes[m] " S"]); tt = median(p99[modes[m] " S"])
          printf "| Through the proxy against the floor of a hit-sized request, %s, p50 / p99: P / S | %.2f / %.2f ms (%+.1f %%), %.2f / %.2f ms (%+.1f %%) | (reported) | |\n", label, pp, ss, (ss > 0 ? 100 * (pp - ss) / ss : 0), qq, tt, (tt > 0 ? 100 * (qq - tt) / tt : 0)
        }
        printf "| Non-2xx responses + socket errors, all runs | %d | 0 | %s |\n", errors, errors == 0 ? "met" : "**MISSED**"
        printf "| Proxied hits that did not reach Matomo | %d | 0 | %s |\n", undelivered, undelivered == 0 ? "met" : "**MISSED**"
        printf "| Requests to Matomo during the floor runs (F, S: the script is served from memory) | %d | 0 | %s |\n", toMatomo, toMatomo == 0 ? "met" : "**MISSED**"
      }' "$out/figures.txt"
    echo
    echo "Command: \`./build.sh load proxy\` (LOAD_PROXY_DURATION=$PROXY_DURATION LOAD_PROXY_ROUNDS=$PROXY_ROUNDS LOAD_CONNECTIONS=$CONNECTIONS LOAD_THREADS=$THREADS); raw wrk output in artifacts/load/proxy/."
  } >"$OUT/proxy.md"
  bash "$HOST" stop "$state"
}
