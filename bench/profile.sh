# Benchmark "profile", sourced by bench/run.sh (alone: bash bench/profile.sh): where the CPU of one
# submission goes. The API runs as `make run` runs it (information logging, text lines) with the
# runtime's perf map on, PostgreSQL with pg_stat_statements; for PROFILE_SECONDS wrk submits at 32
# connections while perf samples the API (frame pointers: JIT code has them) and every backend of
# the cluster (DWARF: Debian's PostgreSQL has no frame pointers). bench/profile.py sorts each
# sample by the innermost frame it recognises and divides by the requests answered meanwhile. The same
# for lookups.
# Then, inside transactions rolled back, EXPLAIN (ANALYZE, BUFFERS) of inserting PROFILE_ROWS
# copies of complaints through the submission's statement shape, with every index and trigger, and
# once without each in turn: what each index and trigger adds to one case.
# One submission's plan, with its triggers and their statements, goes to bench/results/plans/submission.txt.
# Figures: profile.{seconds,plan}, profile.<submit|track>.requests, profile.<submit|track>.<api|pg>.<part>
# (µs per request), profile.<submit|track>.sql.<n>.{calls,us,text}, profile.insert.<part>.us (µs per case).
[ "${BASH_SOURCE[0]}" != "$0" ] || BENCH_ONLY=profile exec bash "$(dirname "$0")/run.sh"

PROFILE_SECONDS=${BENCH_PROFILE_SECONDS:-10}
PROFILE_ROWS=${BENCH_PROFILE_ROWS:-5000}
ensure_packages linux-perf

stop_api
log "Restarting PostgreSQL with pg_stat_statements"
as_admin -c "alter system set shared_preload_libraries = 'pg_stat_statements', 'auto_explain'" -c "alter system set log_line_prefix = '%m [%p] %a: '"
as_postgres "$PG_BIN/pg_ctl" -D "$tmp/pg" -l "$server_log" -m fast -w -t 60 restart > /dev/null
postmaster_pid=$(head -n 1 "$tmp/pg/postmaster.pid")
# Statements inside triggers too (the status counters, the metrics change log).
as_admin -c "create extension if not exists pg_stat_statements" -c "alter system set pg_stat_statements.track = 'all'" -c "select pg_reload_conf()"

start_api feedback profile-api.log DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
log "Warming up (32 connections, $WARMUP s of submissions, $((WARMUP / 2)) s of lookups: until the JIT has finished its tiers)"
run_wrk profile-warmup "" 32 "$WARMUP" bench/submit.lua "$base/api/v1/complaints" "$tmp/submit.json" "$tmp/profile-pairs"
cat "$tmp"/profile-pairs.* > "$tmp/profile-pairs.txt"
run_wrk profile-warmup-track "" 32 $((WARMUP / 2)) bench/track.lua "$base" "$tmp/profile-pairs.txt"
wait_for_metrics_fold feedback
# The API's pooled connections (they stay open; psql's come and go).
backends=$(pgrep -d, -P "$postmaster_pid" -f "^postgres: feedback feedback")

# Profiles one operation: perf on the API and on its backends while wrk loads it at 32 connections;
# pg_stat_statements from the same window. Usage: profile_load OP LABEL SCRIPT URL [SCRIPT ARGS...]
profile_load() {
  local op=$1 label=$2 script=$3 url=$4 requests n=0 calls us text; shift 4
  as_admin -c "select pg_stat_statements_reset()" > /dev/null
  log "Profiling ${PROFILE_SECONDS}s of $label: perf on the API ($api_pid) and its backends"
  perf record -F 999 -g -p "$api_pid" -o "$tmp/api-$op.perf" -- sleep "$PROFILE_SECONDS" 2> "$raw/perf-api-$op.log" &
  local perf_api=$!
  perf record -F 499 --call-graph dwarf,16384 -p "$backends" -o "$tmp/pg-$op.perf" -- sleep "$PROFILE_SECONDS" 2> "$raw/perf-pg-$op.log" &
  local perf_pg=$!
  sleep 0.3
  run_wrk "profile-$op" "profile $op (perf on)" 32 "$PROFILE_SECONDS" "$script" "$url" "$@"
  wait "$perf_api" "$perf_pg" || { cat "$raw/perf-api-$op.log" "$raw/perf-pg-$op.log" >&2; fail "perf record failed"; }
  requests=$(python3 -c "print(round($rps * $PROFILE_SECONDS))")
  put "profile.$op.requests" "$requests"
  as_admin -At -F $'\t' -c "select calls, round(total_exec_time::numeric * 1000 / $requests), regexp_replace(left(query, 160), '\s+', ' ', 'g')
    from pg_stat_statements where calls > 0 and query !~* '^(checkpoint|select pg_stat_statements_reset)' order by total_exec_time desc limit 8" \
    > "$tmp/statements-$op.tsv"
  while IFS=$'\t' read -r calls us text; do
    n=$((n + 1)); put "profile.$op.sql.$n.calls" "$calls"; put "profile.$op.sql.$n.us" "$us"; put "profile.$op.sql.$n.text" "$text"
  done < "$tmp/statements-$op.tsv"
  perf script -i "$tmp/api-$op.perf" -F comm,tid,ip,sym,dso 2> /dev/null | tee "$raw/api-$op.perf.txt" | python3 bench/profile.py parts api "$op" "$requests" "$figures" \
    || fail "bench/profile.py could not read the API's samples"
  perf script -i "$tmp/pg-$op.perf" -F comm,tid,ip,sym,dso 2> /dev/null | tee "$raw/pg-$op.perf.txt" | python3 bench/profile.py parts pg "$op" "$requests" "$figures" \
    || fail "bench/profile.py could not read PostgreSQL's samples"
}
put profile.seconds "$PROFILE_SECONDS"
profile_load submit submissions bench/submit.lua "$base/api/v1/complaints" "$tmp/submit.json"
profile_load track lookups bench/track.lua "$base" "$tmp/profile-pairs.txt"

log "One submission's plan, with its triggers and the statements they run (auto_explain, ANALYZE, BUFFERS)"
as_admin -c "alter system set auto_explain.log_min_duration = 0" -c "alter system set auto_explain.log_analyze = on" \
  -c "alter system set auto_explain.log_buffers = on" -c "alter system set auto_explain.log_triggers = on" \
  -c "alter system set auto_explain.log_nested_statements = on" -c "select pg_reload_conf()" > /dev/null
sleep 0.5
start_offset=$(stat -c %s "$server_log")
status=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$tmp/submit.json" "$base/api/v1/complaints")
sleep 0.5
as_admin -c "alter system reset auto_explain.log_min_duration" -c "select pg_reload_conf()" > /dev/null
[ "$status" = 201 ] || fail "the submission to explain answered $status"
tail -c +"$((start_offset + 1))" "$server_log" > bench/results/plans/submission.txt
put profile.plan bench/results/plans/submission.txt
rm -f /tmp/perf-"$api_pid".map /tmp/perfinfo-"$api_pid".map
stop_api

log "What each index and trigger adds to a case: $PROFILE_ROWS cases inserted, with and without each"
columns=$(as_admin -At -c "select string_agg(attname, ',' order by attnum) from pg_attribute
  where attrelid = 'complaints'::regclass and attnum > 0 and not attisdropped and attidentity = '' and attgenerated = ''")
as_admin -At -c "select case when c.conname is not null then 'constraint ' else 'index ' end || i.indexrelid::regclass
    from pg_index i left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid
    where i.indrelid = 'complaints'::regclass and not i.indisprimary
  union all
  select 'trigger ' || tgname from pg_trigger where tgrelid = 'complaints'::regclass and not tgisinternal and tgtype & 4 <> 0" \
  | python3 bench/profile.py insert-costs "$PROFILE_ROWS" "$columns" > "$tmp/insert-costs.sql"
as_admin -q -f "$tmp/insert-costs.sql" | grep -P '\t' > "$tmp/insert-costs.tsv" || fail "the insert costs failed"
while IFS=$'\t' read -r part us; do put "profile.insert.$part.us" "$us"; done < "$tmp/insert-costs.tsv"
