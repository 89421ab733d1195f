# Benchmark "baseline", sourced by bench/run.sh (alone: bash bench/baseline.sh): raw PostgreSQL under
# pgbench, the yardstick of the API's submission and lookup — a complaint-sized single-row INSERT and
# a SELECT by unique tracking code (bench/pgbench-*.sql) on a table shaped like complaints
# (bench/baseline-schema.sql, ROWS rows prefilled), in its own database, at each of CLIENTS.
# Figures: pgbench.{insert,select}.CLIENTS.{tps,p50,p95,p99}; then the bare stack beside it (below).
[ "${BASH_SOURCE[0]}" != "$0" ] || BENCH_ONLY=baseline exec bash "$(dirname "$0")/run.sh"

log "pgbench baseline: a complaint-shaped table in its own database, $ROWS rows prefilled"
as_admin -c "create database pgbench_baseline owner feedback"
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -U feedback -d pgbench_baseline \
  -v rows="$ROWS" -v description="$description" -f bench/baseline-schema.sql >/dev/null

for clients in "${CLIENTS[@]}"; do run_pgbench insert bench/pgbench-insert.sql "$clients"; done
for clients in "${CLIENTS[@]}"; do run_pgbench select bench/pgbench-select.sql "$clients"; done

# The second baseline: the bare stack (bench/BareStack), ASP.NET Core + Npgsql with one statement a
# request on the same table, under wrk with the API's own scripts. Figures: bare.{insert,select}.CLIENTS.{rps,p50,p99}.
log "Building the bare stack (bench/BareStack)"
dotnet build bench/BareStack -c Release -nologo -v quiet -clp:ErrorsOnly >&2
bare_port=$(free_port)
bare_base="http://127.0.0.1:$bare_port"
(
  cd bench/BareStack/bin/Release/net10.0
  # The API's Npgsql settings (api/Infrastructure/Database/ConnectionDefaults.cs).
  exec env BARE_DB="${FEEDBACK_DB/Database=feedback;/Database=pgbench_baseline;};Max Auto Prepare=50;No Reset On Close=true;Maximum Pool Size=$((4 * $(nproc)))" \
    ASPNETCORE_ENVIRONMENT=Production dotnet BareStack.dll --urls "$bare_base"
) > "$tmp/bare.log" 2>&1 &
bare_pid=$!
for attempt in $(seq 1 120); do
  status=$(curl -s -o "$tmp/bare-smoke.json" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$tmp/submit.json" "$bare_base/api/v1/complaints" || true)
  [ "$status" = 201 ] && break
  kill -0 "$bare_pid" 2>/dev/null && [ "$attempt" -lt 120 ] || { cat "$tmp/bare.log" >&2; fail "the bare stack did not answer a submission with 201"; }
  sleep 0.5
done
# Its CPU is counted in the table's dotnet column, as the API's is (bench/lib-measure.sh).
api_pid=$bare_pid api_log=bare.log
run_wrk bare-warmup-submit "" 32 5 bench/submit.lua "$bare_base/api/v1/complaints" "$tmp/submit.json" "$tmp/bare-pairs"
cat "$tmp"/bare-pairs.* > "$tmp/bare-pairs.txt"
load_bare() { # KEY LABEL SCRIPT URL [SCRIPT ARGS...]: the bare stack at each of CLIENTS
  local key=$1 label=$2 script=$3 url=$4 clients
  shift 4
  for clients in "${CLIENTS[@]}"; do
    log "wrk bare stack, $label: $clients connections, ${DURATION}s"
    run_wrk "bare-$key" "bare $key" "$clients" "$DURATION" "$script" "$url" "$@"
    put "bare.$key.$clients.rps" "$rps"; put "bare.$key.$clients.p50" "$lat50"; put "bare.$key.$clients.p99" "$lat99"
    printf '    %s req/s, p50 %s ms, p99 %s ms\n' "$rps" "$lat50" "$lat99" >&2
  done
}
load_bare insert INSERT bench/submit.lua "$bare_base/api/v1/complaints" "$tmp/submit.json"
load_bare select SELECT bench/track.lua "$bare_base" "$tmp/bare-pairs.txt"
kill "$bare_pid" 2>/dev/null || true; wait "$bare_pid" 2>/dev/null || true
api_pid= api_log=
as_admin -c "drop database pgbench_baseline"
