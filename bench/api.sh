# Benchmark "api", sourced by bench/run.sh after "baseline" (alone: bash bench/api.sh, which runs the
# baseline too: the report sets the API against it): the API in Release under wrk at each of
# CLIENTS, POST /api/v1/complaints (bench/submit.lua) and GET /api/v1/complaints/{code}
# (bench/track.lua), every answer checked (201 / 200), after a warm-up that also creates the
# complaints the lookups read. Figures: api.{insert,select}.CLIENTS.{rps,p50,p99}, api.peak_mib.
[ "${BASH_SOURCE[0]}" != "$0" ] || BENCH_ONLY=api exec bash "$(dirname "$0")/run.sh"

[ -n "$api_pid" ] || start_api feedback api.log

# One request of each kind by hand, so a broken endpoint fails here with its own words.
status=$(curl -s -o "$tmp/smoke.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary "@$tmp/submit.json" "$base/api/v1/complaints")
[ "$status" = 201 ] || { cat "$tmp/smoke.json" >&2; echo >&2; fail "POST /api/v1/complaints answered $status, not 201"; }
code=$(sed -n 's/.*"trackingCode":"\([^"]*\)".*/\1/p' "$tmp/smoke.json")
password=$(sed -n 's/.*"queryPassword":"\([^"]*\)".*/\1/p' "$tmp/smoke.json")
status=$(curl -s -o "$tmp/smoke-track.json" -w '%{http_code}' -H "X-Query-Password: $password" "$base/api/v1/complaints/$code")
[ "$status" = 200 ] || { cat "$tmp/smoke-track.json" >&2; echo >&2; fail "GET /api/v1/complaints/{code} answered $status, not 200"; }
# The queue's loader computes search lexemes itself: they must be exactly those the API stores.
as_admin -At -c "select unnest(tsvector_to_array(search_vector)) from complaints where tracking_code = '$code'" | LC_ALL=C sort > "$tmp/lexemes-api"
python3 bench/queue-data.py lexemes "$description" "城东路88号" "剡湖街道" | LC_ALL=C sort > "$tmp/lexemes-loader"
diff "$tmp/lexemes-api" "$tmp/lexemes-loader" >&2 || fail "bench/queue-data.py's search lexemes differ from the API's (< API, > loader)"

# Warm-up that also seeds the tracking run: every 201 writes its tracking code and password. Long
# enough for the JIT to finish its tiers (a 6-second warm-up left it compiling a fifth of the API's
# CPU time during the measured runs): the figures are those of an instance that has been serving.
log "Warming up POST /api/v1/complaints for ${WARMUP}s (and collecting tracking codes)"
run_wrk warmup-submit "" 32 "$WARMUP" bench/submit.lua "$base/api/v1/complaints" "$tmp/submit.json" "$tmp/pairs"
pairs=$(cat "$tmp"/pairs.* 2>/dev/null | wc -l)
[ "$pairs" -ge "$SEED_PAIRS" ] || fail "only $pairs complaints created during the warm-up, $SEED_PAIRS needed"
cat "$tmp"/pairs.* > "$tmp/pairs.txt"
log "Warming up GET /api/v1/complaints/{code} for $((WARMUP / 2))s ($pairs known complaints)"
run_wrk warmup-track "" 32 $((WARMUP / 2)) bench/track.lua "$base" "$tmp/pairs.txt"

# Loads one API operation at every client count. Usage: load_api KEY NAME LABEL EXPECTED_STATUS SCRIPT URL [ARGS...]
load_api() {
  local key=$1 name=$2 label=$3 expected=$4 script=$5 url=$6 clients; shift 6
  for clients in "${CLIENTS[@]}"; do
    log "wrk $label: $clients connections, ${DURATION}s"
    run_wrk "$name" "API $name" "$clients" "$DURATION" "$script" "$url" "$@"
    put "api.$key.$clients.rps" "$rps"; put "api.$key.$clients.p50" "$lat50"; put "api.$key.$clients.p99" "$lat99"
    printf '    %s req/s, p50 %s ms, p99 %s ms, all %s\n' "$rps" "$lat50" "$lat99" "$expected" >&2
  done
}
load_api insert submit "POST /api/v1/complaints" 201 bench/submit.lua "$base/api/v1/complaints" "$tmp/submit.json"
# The submissions' metrics changes are folded before the lookups are measured, not during.
wait_for_metrics_fold feedback
load_api select track "GET /api/v1/complaints/{code}" 200 bench/track.lua "$base" "$tmp/pairs.txt"

peak_mib=$(api_memory VmHWM)
[ -n "$peak_mib" ] || fail "could not read the API's VmHWM"
put api.peak_mib "$peak_mib"
