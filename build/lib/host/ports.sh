# build/lib/sample-host.sh: choosing ports for nginx (sourced). nginx cannot be told "any free port", so the host
# picks free-looking ports itself and, should another process bind one of them first, nginx fails to start and the
# host picks again (start_nginx in nginx.sh). Nothing is bound and released in between: no window for a race.

# port_in_use N: something accepts connections on 127.0.0.1:N.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pick_ports COUNT RANGE [EXCLUDED...]: prints COUNT distinct ports of RANGE (LOW-HIGH) on which nothing listens
# now, starting from a random place in the range (so that hosts starting at once rarely pick the same).
pick_ports() {
  local count=$1 lo=${2%-*} hi=${2#*-} picked=() p i n
  shift 2
  local excluded=" $* "
  n=$((hi - lo + 1))
  p=$((lo + (RANDOM * 32768 + RANDOM) % n))
  for ((i = 0; i < n && ${#picked[@]} < count; i++)); do
    if [[ $excluded != *" $p "* ]] && ! port_in_use "$p"; then picked+=("$p"); fi
    p=$((p + 1)); [ "$p" -gt "$hi" ] && p=$lo
  done
  [ ${#picked[@]} -eq "$count" ] || { say "no $count free ports in $lo-$hi"; return 1; }
  echo "${picked[*]}"
}
