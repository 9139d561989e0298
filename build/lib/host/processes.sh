# build/lib/sample-host.sh: its processes (sourced). Each runs in a process group of its own (setsid), recorded in
# STATE/NAME.pid with its output in STATE/logs/NAME.out; stop_host ends the groups.

HOST_PROCESSES=(watchdog nginx mono standin)   # stopped in this order

# start_process NAME STATE COMMAND...: starts COMMAND in the background, in its own process group.
start_process() {
  local name=$1 state=$2
  shift 2
  setsid "$@" </dev/null >"$state/logs/$name.out" 2>&1 &
  echo $! >"$state/$name.pid"
}

# process_alive STATE NAME
process_alive() { [ -f "$1/$2.pid" ] && kill -0 "$(cat "$1/$2.pid")" 2>/dev/null; }

stop_host() {
  local state=$1 name f pid
  [ -d "$state" ] || return 0
  for name in "${HOST_PROCESSES[@]}"; do
    f=$state/$name.pid
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

# start_watchdog STATE OWNER_PID: stops the host by itself once OWNER_PID has exited.
start_watchdog() {
  local state=$1 owner=$2
  start_process watchdog "$state" bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; exec bash "$2" stop "$3"' \
    watchdog "$owner" "$HOST_SCRIPT" "$state"
}

# start_standin STATE PORT BASE [TOKEN]: starts Matomo.Mvc5.Standin (accepting TOKEN as token_auth, else its
# default) and prints its base URL once it listens.
start_standin() {
  local state=$1 port=$2 base=$3 token=${4:-} exe="$ROOT/Matomo.Mvc5.Standin/bin/Matomo.Mvc5.Standin.exe"
  [ -f "$exe" ] || { say "$exe is missing: build Matomo.Mvc5.Standin first"; return 1; }
  rm -f "$state/standin.url"
  local extra=()
  [ -z "$token" ] || extra=(--token "$token")
  start_process standin "$state" mono "$exe" --port "$port" --base "$base" ${extra[@]+"${extra[@]}"} --ready-file "$state/standin.url"
  local deadline=$((SECONDS + 60))
  until [ -s "$state/standin.url" ]; do
    process_alive "$state" standin || { say "the stand-in exited:"; cat "$state/logs/standin.out" >&2; return 1; }
    [ $SECONDS -lt $deadline ] || { say "the stand-in did not start within 60 s"; return 1; }
    sleep 0.1
  done
  cat "$state/standin.url"
}

# wait_until_ready STATE URL TIMEOUT: polls URL until it answers 200 (the first request starts ASP.NET and
# compiles the views); fails if a process of the host exits meanwhile.
wait_until_ready() {
  local state=$1 url=$2 timeout=$3 name code=""
  local deadline=$((SECONDS + timeout))
  while [ $SECONDS -lt $deadline ]; do
    for name in mono nginx; do
      process_alive "$state" "$name" || { say "$name exited; logs in $state/logs:"; tail -n 20 "$state"/logs/* >&2; return 1; }
    done
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$url" || true)
    [ "$code" = 200 ] && return 0
    sleep 0.3
  done
  say "no answer from $url within ${timeout}s (last status $code); logs in $state/logs:"
  tail -n 30 "$state"/logs/* >&2
  return 1
}
