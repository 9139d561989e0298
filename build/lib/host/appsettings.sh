# build/lib/sample-host.sh: the host's appSettings (sourced). The Sample's Web.config reads
# <appSettings file="App_Data/Host.config">, whose keys win over its own.

# xml_attribute VALUE: VALUE escaped for a double-quoted XML attribute.
xml_attribute() {
  local v=$1
  v=${v//&/&amp;}; v=${v//</&lt;}; v=${v//>/&gt;}; v=${v//\"/&quot;}
  printf '%s' "$v"
}

# write_host_config FILE DESCRIPTION KEY=VALUE...: writes the appSettings file.
write_host_config() {
  local file=$1 description=$2 kv
  shift 2
  mkdir -p "$(dirname "$file")"
  {
    echo '<?xml version="1.0" encoding="utf-8"?>'
    echo "<!-- Written by build/lib/sample-host.sh for $(xml_attribute "$description"). -->"
    echo '<appSettings>'
    for kv in "$@"; do
      echo "  <add key=\"$(xml_attribute "${kv%%=*}")\" value=\"$(xml_attribute "${kv#*=}")\" />"
    done
    echo '</appSettings>'
  } >"$file"
}

# site_uses_standin SITE: the site's Web.config points matomo:DomainPath at a loopback address (the stand-in),
# not at a real Matomo.
site_uses_standin() { grep -q 'key="matomo:DomainPath" value="127\.0\.0\.1:[0-9]*"' "$1/Web.config"; }
