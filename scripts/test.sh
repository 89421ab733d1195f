#!/usr/bin/env bash
# make test: set up what is missing, build the client, run every test, print "N passed, N failed".
source "$(dirname "$0")/common.sh"

ensure_dotnet
ensure_packages postgresql chromium
build_client

results=$(mktemp -d)
log "Running the tests (unit, integration on a throwaway PostgreSQL, contract, end-to-end in Chromium)"
status=0
(cd web-client && npm test --silent) || status=$?
dotnet test Feedback.sln -c Release -nologo \
  --logger "trx;LogFileName=$results/tests.trx" --logger "console;verbosity=normal" || status=$?

counter() { grep -o "<Counters [^>]*" "$results/tests.trx" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
if [ -f "$results/tests.trx" ]; then
  passed=$(counter passed); failed=$(counter failed); total=$(counter total)
  skipped=$((total - passed - failed))
else
  passed=0; failed=1; skipped=0
fi
rm -rf "$results"
[ "$failed" -eq 0 ] && [ "$status" -ne 0 ] && failed=1   # the build or the runner itself failed
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" -eq 0 ]
