# build/lib/sample-host.sh: choosing ports for nginx (sourced). nginx cannot be told "any free port", so the host
# picks free-looking ports itself and, should another process bind one of them first, nginx fails to start and the
# host picks again (start_host in sample-host.sh, start_nginx in nginx.sh). Nothing is bound and released in
# between: no window for a race.

# port_in_use N: something accepts connections on 127.0.0.1:N.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_port RANGE FROM [EXCLUDED...]: prints a port of RANGE (LOW-HIGH) on which nothing listens now and that is
# not EXCLUDED, looking from port FROM onwards, or if FROM is empty from a random place in the range (so that hosts
# starting at once rarely pick the same).
pick_port() {
  local lo=${1%-*} hi=${1#*-} from=$2 p i n
  shift 2
  local excluded=" $* "
  n=$((hi - lo + 1))
  p=$((lo + (RANDOM * 32768 + RANDOM) % n))
  if [ -n "$from" ] && [ "$from" -ge "$lo" ] && [ "$from" -le "$hi" ]; then p=$from; fi
  for ((i = 0; i < n; i++)); do
    if [[ $excluded != *" $p "* ]] && ! port_in_use "$p"; then echo "$p"; return 0; fi
    p=$((p + 1)); [ "$p" -gt "$hi" ] && p=$lo
  done
  say "no free port in $lo-$hi"
  return 1
}
