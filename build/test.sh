# ./build.sh test: install what is missing, build, run every test in Matomo.Mvc5.sln.
require_dotnet
require_mono
# Matomo.Mvc5.Tests/EndToEnd serves the Sample with nginx + fastcgi-mono-server4 and drives headless Chromium.
apt_install nginx-light mono-fastcgi-server4 curl chromium chromium-driver
log "building"
dotnet build "$ROOT/Matomo.Mvc5.sln" -c "$CONFIGURATION" -nologo -v quiet
log "running every test"
dotnet test "$ROOT/Matomo.Mvc5.sln" -c "$CONFIGURATION" --no-build -nologo --logger "console;verbosity=normal" \
  | tee "$ROOT/.test-output.log"
# A plain closing line for CI: 'N passed, N failed'.
awk '/^ +Passed: [0-9]+$/{p+=$2} /^ +Failed: [0-9]+$/{f+=$2} /^ +Skipped: [0-9]+$/{s+=$2}
     END{printf "tests: %d passed, %d failed, %d skipped\n",p,f,s}' "$ROOT/.test-output.log"
