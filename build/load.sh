#!/usr/bin/env bash
# ./build.sh load: load-test the Sample under nginx + fastcgi-mono-server4 with wrk, from loopback, with and without
# the helper. A is a copy of the Sample as it is (its layout calls @Html.Matomo()); B is a copy whose layout has that
# one line removed (MatomoModule and everything else unchanged). Both serve the same page, /, at once on two ports;
# wrk drives them in turn, in ABBA order (A, B, B, A, A, B, ...), for a fixed duration each, after a warm-up of each.
# Writes artifacts/load/results.md (and prints it): req/s of each run and variant, the ratio, p99 latency, and the
# non-2xx responses and socket errors (both must be zero). Settings (environment):
#   LOAD_DURATION=15 (s per run)  LOAD_ROUNDS=6 (A,B pairs)  LOAD_CONNECTIONS=16  LOAD_THREADS=2  LOAD_PORT=8191 (A; B is +1)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
require_dotnet
require_sample_host
apt_install wrk
DURATION=${LOAD_DURATION:-15}
ROUNDS=${LOAD_ROUNDS:-6}
CONNECTIONS=${LOAD_CONNECTIONS:-16}
THREADS=${LOAD_THREADS:-2}
PORT_A=${LOAD_PORT:-8191}
PORT_B=$((PORT_A + 1))
STATE=$ROOT/.tmp/load
OUT=${LOAD_OUT:-$ROOT/artifacts/load}
HOST=$SAMPLE_HOST

build_sample

stop_load_hosts() { bash "$HOST" stop "$STATE/a" || true; bash "$HOST" stop "$STATE/b" || true; }
trap stop_load_hosts EXIT
stop_load_hosts
rm -rf "$STATE" "$OUT"
mkdir -p "$STATE/with" "$STATE/without" "$OUT"

# B: the same site without the helper's one line in the layout.
# A and B are both copies of the built Sample, so that neither runs from a different place than the other.
for copy in with without; do
  (cd "$ROOT/Matomo.Mvc5.Sample" && tar --exclude=./obj --exclude=./App_Data/Host.config -cf - .) | (cd "$STATE/$copy" && tar -xf -)
done
layout="$STATE/without/Views/Shared/_Layout.cshtml"
grep -q '@Html.Matomo()' "$layout" || { echo "no @Html.Matomo() in $layout" >&2; exit 1; }
sed -i '/@Html\.Matomo()/d' "$layout"
! grep -q 'Matomo()' "$layout" || { echo "could not remove the helper from $layout" >&2; exit 1; }

log "starting A (with the helper) on $PORT_A and B (without) on $PORT_B"
bash "$HOST" start "$STATE/a" --port "$PORT_A" --site "$STATE/with" --owner-pid $$ >/dev/null
bash "$HOST" start "$STATE/b" --port "$PORT_B" --site "$STATE/without" --owner-pid $$ >/dev/null
URL_A="http://127.0.0.1:$PORT_A/"
URL_B="http://127.0.0.1:$PORT_B/"
curl -fsS "$URL_A" >"$OUT/page-a.html"
curl -fsS "$URL_B" >"$OUT/page-b.html"
# The snippet's own commands (the Sample's consent banner also mentions _paq, in both A and B).
grep -q '"setTrackerUrl"' "$OUT/page-a.html" || { echo "A's page has no tracking snippet" >&2; exit 1; }
! grep -q '"setTrackerUrl"' "$OUT/page-b.html" || { echo "B's page has a tracking snippet" >&2; exit 1; }

run_wrk() { # NAME URL SECONDS
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3s" --latency "$2" >"$OUT/wrk-$1.txt" 2>&1
}
log "warming up (10 s each)"
run_wrk warmup-a "$URL_A" 10
run_wrk warmup-b "$URL_B" 10

runs=()
for round in $(seq 1 "$ROUNDS"); do
  # ABBA order: A first in odd rounds, B first in even ones, so that neither always runs second.
  order="a b"; [ $((round % 2)) -eq 0 ] && order="b a"
  for v in $order; do
    url=$URL_A; [ $v = b ] && url=$URL_B
    log "round $round: ${v^^} for ${DURATION}s"
    run_wrk "$round-$v" "$url" "$DURATION"
    runs+=("$round-$v")
  done
done

# wrk's figures: Requests/sec, the 99% latency line of --latency, non-2xx/3xx responses, socket errors.
to_ms() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.2f", v }'; }
{
  echo "# Load: the Sample's home page with and without @Html.Matomo()"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(mono --version | head -n 1 | sed 's/ (.*//'), nginx $(nginx -v 2>&1 | sed 's/.*\///'), wrk: $THREADS threads, $CONNECTIONS connections, ${DURATION}s a run, from loopback."
  echo "A: a copy of the Sample as it is; B: a copy with the layout's @Html.Matomo() line removed. Page sizes: A $(wc -c <"$OUT/page-a.html") B, B $(wc -c <"$OUT/page-b.html") B."
  echo
  echo "| Run | Variant | Requests | Req/s | p50 | p99 | Non-2xx | Socket errors |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
  for r in "${runs[@]}"; do
    f="$OUT/wrk-$r.txt"
    rps=$(awk '/^Requests\/sec:/{print $2}' "$f")
    reqs=$(awk '/requests in/{print $1}' "$f")
    p50=$(awk '$1=="50%"{print $2}' "$f" | to_ms)
    p99=$(awk '$1=="99%"{print $2}' "$f" | to_ms)
    non2xx=$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$f"); non2xx=${non2xx:-0}
    sock=$(awk '/Socket errors:/{gsub(/,/,""); print $4+$6+$8+$10}' "$f"); sock=${sock:-0}
    variant="A (with helper)"; [[ $r == *-b ]] && variant="B (without)"
    echo "| ${r%-*} | $variant | $reqs | $rps | $p50 ms | $p99 ms | $non2xx | $sock |"
    echo "$r $rps $p99 $non2xx $sock" >>"$OUT/figures.txt"
  done
  echo
  awk -v rounds="$ROUNDS" '
    $1 ~ /-a$/ { a += $2; na++; ra[na] = $2; if ($3 > pa) pa = $3 } $1 ~ /-b$/ { b += $2; nb++; rb[nb] = $2; if ($3 > pb) pb = $3 }
    { bad += $4 + $5 }
    END {
      a /= na; b /= nb; cost = (1 - a / b) * 100
      # Robustness check against a noisy machine: the median over the rounds of each round own cost (1 - A_i/B_i).
      for (i = 1; i <= na; i++) { c[i] = (1 - ra[i] / rb[i]) * 100; for (j = i; j > 1 && c[j] < c[j-1]; j--) { t = c[j]; c[j] = c[j-1]; c[j-1] = t } }
      median = na % 2 ? c[(na + 1) / 2] : (c[na / 2] + c[na / 2 + 1]) / 2
      printf "| Figure | Measured | Target | Verdict |\n| --- | ---: | ---: | --- |\n"
      printf "| Mean req/s, A (with helper) | %.1f | | |\n| Mean req/s, B (without) | %.1f | | |\n", a, b
      printf "| Helper cost, 1 - mean A / mean B | %.2f %% | < 3 %% | %s |\n", cost, cost < 3 ? "met" : "**MISSED**"
      printf "| Helper cost, median over rounds of 1 - A_i/B_i (min %.2f %%, max %.2f %%) | %.2f %% | (cross-check) | |\n", c[1], c[na], median
      printf "| Worst p99 latency, A / B | %.2f ms / %.2f ms | (reported) | |\n", pa, pb
      printf "| Non-2xx responses + socket errors, all runs | %d | 0 | %s |\n", bad, bad == 0 ? "met" : "**MISSED**"
    }' "$OUT/figures.txt"
  echo
  echo "Command: \`./build.sh load\` (LOAD_DURATION=$DURATION LOAD_ROUNDS=$ROUNDS LOAD_CONNECTIONS=$CONNECTIONS LOAD_THREADS=$THREADS); raw wrk output in artifacts/load/."
} >"$OUT/results.md"
cat "$OUT/results.md"
log "results: $OUT/results.md"
