#!/usr/bin/env bash
# make test: set up what is missing, build the client, run every test, print "N passed, N failed".
source "$(dirname "$0")/common.sh"

ensure_dotnet
ensure_packages postgresql chromium python3-aiosmtpd patroni etcd-server haproxy curl socat
build_client

results=$(mktemp -d)
log "Running the tests (unit, integration on a throwaway PostgreSQL, contract, end-to-end in Chromium)"
status=0
# The client's unit tests first: node's test runner writes TAP when piped, whose "# pass N" and "# fail N" lines count.
(cd web-client && npm test --silent) | tee "$results/client.tap" || status=$?
dotnet test Feedback.sln -c Release -nologo \
  --logger "trx;LogFileName=$results/tests.trx" --logger "console;verbosity=normal" || status=$?

counter() { grep -o "<Counters [^>]*" "$results/tests.trx" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
if [ -f "$results/tests.trx" ]; then
  passed=$(counter passed); failed=$(counter failed); total=$(counter total)
  skipped=$((total - passed - failed))
else
  passed=0; failed=1; skipped=0
fi
tap() { sed -n "s/^# $1 \([0-9]*\)$/\1/p" "$results/client.tap" | tail -n 1; }
client_passed=$(tap pass); client_failed=$(tap fail); client_skipped=$(tap skipped)
passed=$((passed + ${client_passed:-0})); failed=$((failed + ${client_failed:-0})); skipped=$((skipped + ${client_skipped:-0}))
rm -rf "$results"
[ "$failed" -eq 0 ] && [ "$status" -ne 0 ] && failed=1   # the build or a runner itself failed
if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ "$failed" -eq 0 ]
