#!/usr/bin/env bash
# make bench: the API against raw PostgreSQL, measured in one run on a fresh throwaway cluster.
#
#   1. pgbench baseline: a complaint-sized single-row INSERT and a unique-key SELECT
#      (bench/pgbench-*.sql on a table shaped like complaints, in its own database);
#   2. the API in Release under wrk: POST /api/v1/complaints and GET /api/v1/complaints/{code}
#      (bench/submit.lua, bench/track.lua), every answer checked (201 / 200);
#   2b. a submission with one photo and an Idempotency-Key: upload, then the keyed submission
#      (bench/submit-photo.lua, bench/photo.jpg), throughput and the API's memory;
#   3. the staff queue at 1,000,000 complaints, in its own database: bulk-loaded with COPY
#      (bench/queue-load.sh, rows from bench/queue-data.py), then for the enforcement clerk and the
#      leader the queue's first page and a two-character search (q=偷排) under wrk (bench/queue.lua),
#      against pgbench running the very statements the API sent (read back from the server log with
#      their parameters and plans by bench/queue-capture.py; the plans go to bench/results/plans/);
#   4. the leadership metrics (issue 5) at 100,000 and at 1,000,000 complaints, each size in its own
#      database loaded the same way (the queue's database serves again for its size): summary,
#      breakdown by section and ranking for one year (today − 364 days to today, in the bureau's
#      time zone) as the leader, back to back on one connection (bench/metrics-client.py: requests
#      take up to seconds, so a fixed number of answers rather than wrk's fixed time), p50/p95/p99,
#      the ratio of the two sizes, and the plan of MetricsCalculator's statement at each size
#      (bench/results/plans/plans-metrics-*.txt);
#   5. a markdown table (also written to bench/results/latest.md): throughput, p50/p95/p99 latency,
#      API/pgbench ratio, the API's peak memory, the CPU split, and the targets.
#
# Exits non-zero when something failed (a non-2xx answer, a socket error, a tool error); a target
# that is short is reported, not failed. Settings, for experiments: BENCH_DURATION (seconds per run,
# default 15), BENCH_ROWS (rows prefilled for the SELECT baseline, default 100000), BENCH_CLIENTS
# (default "8 32"; must include 32), BENCH_API_DB_OPTIONS (Npgsql settings appended to the API's
# connection string, e.g. "Max Auto Prepare=20"; the report names them); for the queue:
# BENCH_PHOTO_CLIENTS (default "1 4"); BENCH_QUEUE_ROWS (default 1000000; 0 skips the queue), BENCH_QUEUE_CLIENTS (default "1 4"; the
# goals are judged at the first), BENCH_QUEUE_DURATION (seconds per run, default 10); for the metrics:
# BENCH_METRICS (default 1; 0 skips the metrics), BENCH_METRICS_ROWS (default "100000 1000000", in
# increasing order; the ratio is last ÷ first), BENCH_METRICS_REQUESTS (answers per route and size,
# at least; default 10), BENCH_METRICS_SECONDS (seconds per route and size, at least; default 10).
source "$(dirname "$0")/common.sh"

DURATION=${BENCH_DURATION:-15}
ROWS=${BENCH_ROWS:-100000}
read -r -a CLIENTS <<< "${BENCH_CLIENTS:-8 32}"
API_DB_OPTIONS=${BENCH_API_DB_OPTIONS:-}
QUEUE_ROWS=${BENCH_QUEUE_ROWS:-1000000}
read -r -a QUEUE_CLIENTS <<< "${BENCH_QUEUE_CLIENTS:-1 4}"
QUEUE_DURATION=${BENCH_QUEUE_DURATION:-10}
METRICS=${BENCH_METRICS:-1}
read -r -a METRICS_ROWS <<< "${BENCH_METRICS_ROWS:-100000 1000000}"
METRICS_REQUESTS=${BENCH_METRICS_REQUESTS:-10}
METRICS_SECONDS=${BENCH_METRICS_SECONDS:-10}
THREADS=2
read -r -a PHOTO_CLIENTS <<< "${BENCH_PHOTO_CLIENTS:-1 4}"
SEED_PAIRS=2000 # complaints created through the API before the tracking run

started=$SECONDS
fail() { printf '\033[1;31mBENCH FAILED: %s\033[0m\n' "$*" >&2; exit 1; }
[[ " ${CLIENTS[*]} " == *" 32 "* ]] || fail "BENCH_CLIENTS must include 32: the targets are measured at 32 clients"

ensure_dotnet
ensure_packages postgresql wrk curl python3

pg_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$found" ] && command -v pg_ctl >/dev/null 2>&1; then found=$(dirname "$(readlink -f "$(command -v pg_ctl)")"); fi
  [ -n "$found" ] && [ -x "$found/pgbench" ] || fail "pgbench not found (it comes with the 'postgresql' package)"
  echo "$found"
}
PG_BIN=$(pg_bin)

# A port nobody listens on (the caller binds it right away).
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  fail "no free TCP port found"
}

tmp=$(mktemp -d -t feedback-bench.XXXXXX)
chmod 755 "$tmp" # as root the cluster runs as "postgres", which must reach $tmp/pg
api_pid=
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$api_pid" ] && kill -0 "$api_pid" 2>/dev/null; then
    kill "$api_pid" 2>/dev/null || true
    wait "$api_pid" 2>/dev/null || true
  fi
  bash scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
  if [ "$status" != 0 ] && [ -d "${raw:-}" ]; then # keep the logs of a failed run
    cp "$tmp"/api*.log "$raw/" 2>/dev/null || true
    tail -n 200 "$tmp/pg/server.log" > "$raw/postgres-server-log-tail.txt" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

description=$(tr -d '\n' < bench/description.txt)
case "$description" in *'"'* | *'\'*) fail "bench/description.txt must not contain quotes or backslashes" ;; esac

# ---- Machine facts ------------------------------------------------------------------------------
# How busy the CPUs were over one second before the run: other work skews every number below.
busy_before=$( { head -n 1 /proc/stat; sleep 1; head -n 1 /proc/stat; } | awk '
  { idle = $5 + $6; total = 0; for (i = 2; i <= NF; i++) total += $i
    if (NR == 1) { idle0 = idle; total0 = total } else printf "%.0f%%", 100 * (1 - (idle - idle0) / (total - total0)) }')
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
[ -n "$cpu_model" ] || cpu_model=$(uname -m)
facts=$(cat <<FACTS
- Date: $(date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) CPUs ($cpu_model), $(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, CPU busy just before the run: $busy_before
- Software: $("$PG_BIN/postgres" --version), .NET $(dotnet --version), $(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)
- pgbench, wrk, the API and PostgreSQL all share these $(nproc) CPUs: the load generators take CPU from the systems they measure.
FACTS
)
printf '%s\n' "$facts" >&2

# ---- A fresh PostgreSQL -------------------------------------------------------------------------
pg_port=$(free_port)
log "Starting a throwaway PostgreSQL on 127.0.0.1:$pg_port"
settings=$(bash scripts/pg-cluster.sh start "$tmp/pg" "$pg_port") || fail "the PostgreSQL cluster did not start"
FEEDBACK_DB=$(printf '%s\n' "$settings" | sed -n 's/^FEEDBACK_DB=//p')
FEEDBACK_DB_MIGRATE=$(printf '%s\n' "$settings" | sed -n 's/^FEEDBACK_DB_MIGRATE=//p')
[ -n "$FEEDBACK_DB" ] || fail "pg-cluster.sh printed no FEEDBACK_DB"
[ -n "$FEEDBACK_DB_MIGRATE" ] || FEEDBACK_DB_MIGRATE=$FEEDBACK_DB # a cluster with one role
export PGHOST=127.0.0.1 PGPORT=$pg_port PGPASSWORD
PGPASSWORD=$(cat "$tmp/pg.password")

admin_password=$(cat "$tmp/pg.admin-password")
as_admin() { PGPASSWORD=$admin_password "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -U postgres -d feedback "$@"; }

# CPU seconds (user + system) of the cluster so far: the postmaster, its live children, and the
# children it has reaped (cutime/cstime), so backends that exit during a run still count.
postmaster_pid=$(head -n 1 "$tmp/pg/postmaster.pid")
ticks_per_second=$(getconf CLK_TCK)
postgres_cpu() {
  local total
  total=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster_pid/stat")
  for stat in /proc/[0-9]*/stat; do
    # field 4 is the parent pid; the command name (field 2) has no spaces for postgres.
    { read -r -a fields < "$stat"; } 2>/dev/null || continue
    [ "${fields[3]:-}" = "$postmaster_pid" ] && total=$((total + fields[13] + fields[14]))
  done
  awk -v t="$total" -v hz="$ticks_per_second" 'BEGIN {printf "%.2f", t / hz}'
}
# Client backends still alive or not yet reaped (title "postgres: USER DATABASE HOST(PORT) STATE").
client_backends() {
  local count=0 stat fields title
  for stat in /proc/[0-9]*/stat; do
    { read -r -a fields < "$stat"; } 2>/dev/null || continue
    [ "${fields[3]:-}" = "$postmaster_pid" ] || continue
    [ "${fields[2]}" = Z ] && { count=$((count + 1)); continue; } # exited, not yet reaped
    title=$( { tr '\0' ' ' < "${stat%/stat}/cmdline"; } 2>/dev/null) || continue
    [[ "$title" =~ ^postgres:\ (feedback|postgres)\  ]] && count=$((count + 1))
  done
  echo "$count"
}
# Waits (at most 5 s) until the backends of finished clients are gone and reaped, so their CPU
# time has moved into the postmaster's cutime/cstime instead of racing the snapshot. Connections
# of a running API stay: pass their number.
settle_postgres() { # [backends that stay]
  for _ in $(seq 1 50); do
    [ "$(client_backends)" -le "${1:-0}" ] && return 0
    sleep 0.1
  done
}
process_cpu() { awk -v hz="$ticks_per_second" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
percent_of() { awk -v used="$1" -v wall="$2" 'BEGIN {printf "%.0f%%", 100 * used / wall}'; }
# CPU seconds used by everything on the machine (user, nice, system, irq, softirq, steal).
machine_busy() { awk -v hz="$ticks_per_second" 'NR == 1 {printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz}' /proc/stat; }

# cpu_start before a run, cpu_stop GENERATOR_SECONDS after it: sets cpu_cells to the table cells
# "| dotnet | postgres | generator | other |" (% of one CPU over the run's wall time) and keeps
# the largest share of other processes in max_other.
max_other=0
api_alive() {
  if [ -n "$api_pid" ] && ! kill -0 "$api_pid" 2>/dev/null; then
    tail -n 50 "$tmp"/api*.log >&2; fail "the API (process $api_pid) has exited"
  fi
}
cpu_start() {
  api_alive
  cpu0_api=0; [ -n "$api_pid" ] && cpu0_api=$(process_cpu "$api_pid")
  cpu0_pg=$(postgres_cpu); cpu0_all=$(machine_busy); cpu0_wall=$(date +%s.%N)
}
cpu_stop() {
  local wall api=0 pg all other
  api_alive
  wall=$(awk -v s="$cpu0_wall" -v e="$(date +%s.%N)" 'BEGIN {print e - s}')
  [ -n "$api_pid" ] && api=$(awk -v a="$cpu0_api" -v b="$(process_cpu "$api_pid")" 'BEGIN {print b - a}')
  pg=$(awk -v a="$cpu0_pg" -v b="$(postgres_cpu)" 'BEGIN {print b - a}')
  all=$(awk -v a="$cpu0_all" -v b="$(machine_busy)" 'BEGIN {print b - a}')
  other=$(awk -v all="$all" -v a="$api" -v p="$pg" -v g="$1" 'BEGIN {o = all - a - p - g; print (o > 0 ? o : 0)}')
  max_other=$(awk -v m="$max_other" -v o="$other" -v w="$wall" 'BEGIN {v = 100 * o / w; printf "%.0f", (v > m ? v : m)}')
  cpu_cells="| $([ -n "$api_pid" ] && percent_of "$api" "$wall" || echo –) | $(percent_of "$pg" "$wall") | $(percent_of "$1" "$wall") | $(percent_of "$other" "$wall") |"
}

declare -A tps p50 p95 p99 cpu
api_backends=0 # connections a running API keeps open during a pgbench run
# Each tool's own output, kept for a closer look (bench/results/ is not committed).
raw=bench/results/raw
rm -rf "$raw"; mkdir -p "$raw"

# Nearest-rank percentile ($2) of a file of sorted numbers in microseconds, printed in ms.
percentile_ms() {
  local n index
  n=$(wc -l < "$1")
  index=$(( (n * $2 + 99) / 100 ))
  [ "$index" -ge 1 ] || index=1
  sed -n "${index}p" "$1" | awk '{printf "%.2f", $1 / 1000}'
}

thousands() { printf '%s' "$1" | sed ':a; s/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", 100 * a / b}'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN {print (r >= t ? "PASS" : "SHORT")}'; }

# ---- pgbench baseline ---------------------------------------------------------------------------
log "pgbench baseline: a complaint-shaped table in its own database, $ROWS rows prefilled"
as_admin -c "create database pgbench_baseline owner feedback"
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -U feedback -d pgbench_baseline \
  -v rows="$ROWS" -v description="$description" -f bench/baseline-schema.sql >/dev/null

run_pgbench() { # name script clients [database [pgbench arguments...]]
  local name=$1 script=$2 clients=$3 key="$1-$3" out="$tmp/pgbench-$1-$3" status=0 database=${4:-pgbench_baseline}
  shift $(( $# < 4 ? $# : 4 ))
  mkdir -p "$out"
  as_admin -c checkpoint
  settle_postgres "$api_backends"
  log "pgbench $name: $clients clients, ${PGBENCH_SECONDS:-$DURATION}s"
  cpu_start
  TIMEFORMAT='%U %S'
  { time "$PG_BIN/pgbench" -n -M prepared -c "$clients" -j "$THREADS" -T "${PGBENCH_SECONDS:-$DURATION}" -f "$script" \
      -D rows="$ROWS" -D description="$description" "$@" -l --log-prefix="$out/tx" \
      -U feedback "$database" > "$out/report.txt" 2>&1; } 2> "$out/time.txt" || status=$?
  settle_postgres "$api_backends"
  cpu_stop "$(awk '{print $1 + $2}' "$out/time.txt")"
  cp "$out/report.txt" "$raw/pgbench-$name-$clients.txt"
  local failed_tx
  failed_tx=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out/report.txt")
  if [ "$status" -ne 0 ] || [ "${failed_tx:-0}" != 0 ]; then
    cat "$out/report.txt" >&2
    fail "pgbench $name at $clients clients failed (exit $status)"
  fi
  tps[$key]=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out/report.txt" | tail -n 1)
  [ -n "${tps[$key]}" ] || { cat "$out/report.txt" >&2; fail "pgbench $name printed no tps"; }
  cat "$out"/tx.* | awk '{print $3}' | sort -n > "$out/latencies"
  [ -s "$out/latencies" ] || fail "pgbench $name wrote no transaction log"
  p50[$key]=$(percentile_ms "$out/latencies" 50)
  p95[$key]=$(percentile_ms "$out/latencies" 95)
  p99[$key]=$(percentile_ms "$out/latencies" 99)
  cpu[$key]="| pgbench $name | $clients $cpu_cells"
  printf '    %s tps, p50 %s ms, p99 %s ms\n' "${tps[$key]}" "${p50[$key]}" "${p99[$key]}" >&2
}

for clients in "${CLIENTS[@]}"; do run_pgbench insert bench/pgbench-insert.sql "$clients"; done
for clients in "${CLIENTS[@]}"; do run_pgbench select bench/pgbench-select.sql "$clients"; done
as_admin -c "drop database pgbench_baseline"

# ---- The API ------------------------------------------------------------------------------------
log "Building the API (Release)"
dotnet build api -c Release -nologo -v quiet -clp:'ErrorsOnly;NoSummary' >&2 || fail "the API did not build"

# Starts the API on a free port against DATABASE and waits until it is ready; sets api_pid and base.
# Usage: start_api DATABASE LOG [VARIABLE=VALUE...] (extra environment, e.g. FEEDBACK_DEMO=1)
start_api() {
  local database=$1 api_log=$2 port try
  shift 2
  # The free port can be taken before the API binds it (the machine is shared): then another one.
  for try in 1 2 3 4 5; do
    port=$(free_port)
    base="http://127.0.0.1:$port"
    log "Starting the API on $base against database $database (Release; Logging__LogLevel__Default=Warning: per-request info logging is off)"
    (
      cd api/bin/Release/net10.0
      exec env -u FEEDBACK_DB_READ -u FEEDBACK_WEB_ROOT \
        FEEDBACK_DB="${FEEDBACK_DB/Database=feedback;/Database=$database;}${API_DB_OPTIONS:+;$API_DB_OPTIONS}" \
        FEEDBACK_DB_MIGRATE="${FEEDBACK_DB_MIGRATE/Database=feedback;/Database=$database;}" \
        ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
        FEEDBACK_RATE_LIMIT_PER_MINUTE=0 FEEDBACK_UPLOADS_DIR="$tmp/uploads" "$@" \
        dotnet Feedback.Api.dll --urls "$base"
    ) > "$api_log" 2>&1 &
    api_pid=$!
    for attempt in $(seq 1 240); do
      if ! kill -0 "$api_pid" 2>/dev/null; then
        wait "$api_pid" 2>/dev/null || true
        grep -q 'address already in use' "$api_log" && [ "$try" -lt 5 ] && continue 2
        cat "$api_log" >&2; fail "the API exited while starting"
      fi
      [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready" || true)" = 200 ] && break 2
      [ "$attempt" -lt 240 ] || { cat "$api_log" >&2; fail "GET /health/ready never answered 200"; }
      sleep 0.5
    done
  done
  [ "$(cat "/proc/$api_pid/comm")" = dotnet ] || fail "process $api_pid is $(cat "/proc/$api_pid/comm"), not dotnet"
}
start_api feedback "$tmp/api.log"

staff_token() { # USERNAME: a fresh access token (valid 10 minutes) of a demo account (FEEDBACK_DEMO=1)
  local token
  token=$(curl -s -H 'Content-Type: application/json' --data "{\"username\":\"$1\",\"password\":\"demo-2026\"}" "$base/api/v1/auth/login" \
    | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || fail "POST /api/v1/auth/login gave no access token for $1"
  echo "$token"
}

# Waits until the API has folded the metrics change log of DATABASE (migration 0018; every case a
# bulk load wrote is in it) into the counters, so that no measurement shares the machine with the
# folding; sets fold_seconds.
wait_for_metrics_fold() { # database
  local started=$SECONDS pending
  while pending=$(PGPASSWORD=$admin_password "$PG_BIN/psql" -X -At -U postgres -d "$1" -c "select count(*) from metrics_changes") && [ "$pending" != 0 ]; do
    [ $((SECONDS - started)) -lt 1800 ] || fail "the API had not folded the metrics change log of $1 after 30 minutes ($pending changes left)"
    sleep 2
  done
  fold_seconds=$((SECONDS - started))
  log "The API folded the metrics change log of $1 in ${fold_seconds} s"
  # What autovacuum would do in the next minute (migration 0018 sets its thresholds), now.
  PGPASSWORD=$admin_password "$PG_BIN/psql" -X -q -U postgres -d "$1" -c "vacuum (analyze) metrics_changes, metrics_facts, metrics_spans"
}

# Creates DATABASE, migrates it and bulk-loads ROWS synthetic complaints with COPY
# (bench/queue-load.sh, rows from bench/queue-data.py); sets load_seconds.
load_complaints() { # database rows label
  local database=$1 rows=$2 label=$3 started
  as_admin -c "create database $database owner $(as_admin -At -c "select pg_get_userbyid(datdba) from pg_database where datname = 'feedback'")"
  log "$label: migrating database $database"
  (
    cd api/bin/Release/net10.0
    env FEEDBACK_DB="${FEEDBACK_DB/Database=feedback;/Database=$database;}" \
      FEEDBACK_DB_MIGRATE="${FEEDBACK_DB_MIGRATE/Database=feedback;/Database=$database;}" Logging__LogLevel__Default=Warning \
      dotnet Feedback.Api.dll migrate
  ) > "$tmp/migrate-$database.log" 2>&1 || { cat "$tmp/migrate-$database.log" >&2; fail "the migrations failed on $database"; }
  log "$label: bulk-loading $rows complaints with COPY (bench/queue-load.sh)"
  mkdir -p "$tmp/load-$database"
  started=$SECONDS
  PATH="$PG_BIN:$PATH" PGUSER=postgres PGPASSWORD=$admin_password PGDATABASE=$database \
    bash bench/queue-load.sh "$rows" "$(date -u +%Y-%m-%dT%H:%M:%S+00:00)" "$tmp/load-$database" 2>&1 | tee "$raw/load-$database.txt" >&2
  load_seconds=$((SECONDS - started))
}

# auto_explain in every new session (start the API after this), silent until capture_plan turns it on.
enable_auto_explain() {
  as_admin -c "alter system set session_preload_libraries = 'auto_explain'" -c "alter system set log_line_prefix = '%m [%p] %a: '" \
    -c "select pg_reload_conf()" >/dev/null
}

# One request with every statement, its parameters and its plan (EXPLAIN ANALYZE, BUFFERS, as the
# API's warm prepared statements run) in the server log, read back by bench/queue-capture.py into
# OUT_DIR (plans-NAME.txt, copied to bench/results/plans/, and a pgbench script of the statements);
# prints one summary line per statement.
server_log="$tmp/pg/server.log"
mkdir -p bench/results/plans
rm -f bench/results/plans/*
capture_plan() { # name token path out_dir
  local name=$1 token=$2 path=$3 out=$4 start_offset end_offset status
  as_admin -c "alter system set log_min_duration_statement = 0" -c "alter system set auto_explain.log_min_duration = 0" \
    -c "alter system set auto_explain.log_analyze = on" -c "alter system set auto_explain.log_buffers = on" -c "select pg_reload_conf()" >/dev/null
  sleep 0.5
  start_offset=$(stat -c %s "$server_log")
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$base$path")
  sleep 0.5
  end_offset=$(stat -c %s "$server_log")
  as_admin -c "alter system reset log_min_duration_statement" -c "alter system reset auto_explain.log_min_duration" \
    -c "alter system reset auto_explain.log_analyze" -c "alter system reset auto_explain.log_buffers" -c "select pg_reload_conf()" >/dev/null
  [ "$status" = 200 ] || fail "GET $path ($name) answered $status"
  python3 bench/queue-capture.py "$server_log" "$start_offset" "$end_offset" "$name" "$out"
  cp "$out/plans-$name.txt" bench/results/plans/
}

printf '{"categoryCode":"air.odor","description":"%s","township":"剡湖街道","address":"城东路88号","contact":{"name":"王女士","phone":"13800138000"}}' \
  "$description" > "$tmp/submit.json"

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

# Runs wrk and checks every answer; sets the globals rps/lat50/lat95/lat99 (ms) and the CPU row.
run_wrk() { # name clients seconds script url [script args...]
  local name=$1 clients=$2 seconds=$3 script=$4 url=$5 out="$tmp/wrk-$1-$2-$RANDOM" status=0
  shift 5
  as_admin -c checkpoint
  cpu_start
  TIMEFORMAT='%U %S'
  { time wrk -t "${WRK_THREADS:-$(( clients < THREADS ? clients : THREADS ))}" -c "$clients" -d "${seconds}s" --timeout 5s --latency -s "$script" "$url" -- "$@" \
      > "$out" 2>&1; } 2> "$out.time" || status=$?
  cpu_stop "$(awk '{print $1 + $2}' "$out.time")"
  cp "$out" "$raw/wrk-$name-$clients.txt"
  printf '%s wrk %s %s connections, %s s\n' "$(date -u -d "@${cpu0_wall%.*}" +%T)" "$name" "$clients" "$seconds" >> "$raw/timeline.txt"
  read_bench_line wrk "$name" "$clients" "$out" "$status"
}

# Reads the "BENCH ok=… p99_us=…" line a load generator printed into OUT; fails on any bad answer.
read_bench_line() { # tool name clients out exit_status
  local tool=$1 name=$2 clients=$3 out=$4 status=$5 summary
  summary=$(grep '^BENCH ok=' "$out" || true)
  if [ "$status" -ne 0 ] || [ -z "$summary" ]; then cat "$out" >&2; fail "$tool $name at $clients connections failed (exit $status)"; fi
  local ok bad socket_errors
  ok=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<"$summary")
  bad=$(sed -n 's/.* bad=\([0-9]*\).*/\1/p' <<<"$summary")
  socket_errors=$(sed -n 's/.* socket_errors=\([0-9]*\).*/\1/p' <<<"$summary")
  if [ "$bad" != 0 ] || [ "$socket_errors" != 0 ] || [ "$ok" = 0 ]; then
    cat "$out" >&2
    fail "$tool $name at $clients connections: $ok expected answers, $bad unexpected, $socket_errors socket errors"
  fi
  rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$summary")
  lat50=$(sed -n 's/.* p50_us=\([0-9]*\).*/\1/p' <<<"$summary" | awk '{printf "%.2f", $1 / 1000}')
  lat95=$(sed -n 's/.* p95_us=\([0-9]*\).*/\1/p' <<<"$summary" | awk '{printf "%.2f", $1 / 1000}')
  lat99=$(sed -n 's/.* p99_us=\([0-9]*\).*/\1/p' <<<"$summary" | awk '{printf "%.2f", $1 / 1000}')
}

# Warm-up that also seeds the tracking run: every 201 writes its tracking code and password.
log "Warming up POST /api/v1/complaints (and collecting tracking codes)"
pairs=0
measured_other=$max_other # the warm-ups' neighbours do not matter
for round in 1 2 3 4; do
  run_wrk warmup-submit 32 6 bench/submit.lua "$base/api/v1/complaints" "$tmp/submit.json" "$tmp/pairs-$round"
  pairs=$(cat "$tmp"/pairs-*.* 2>/dev/null | wc -l)
  [ "$pairs" -ge "$SEED_PAIRS" ] && break
done
[ "$pairs" -ge "$SEED_PAIRS" ] || fail "only $pairs complaints created during the warm-up, $SEED_PAIRS needed"
cat "$tmp"/pairs-*.* > "$tmp/pairs.txt"
log "Warming up GET /api/v1/complaints/{code} ($pairs known complaints)"
run_wrk warmup-track 32 4 bench/track.lua "$base" "$tmp/pairs.txt"
max_other=$measured_other

declare -A api_rps api_p50 api_p99
# Loads one API operation at every client count. Usage: load_api KEY NAME LABEL EXPECTED_STATUS SCRIPT URL [ARGS...]
load_api() {
  local key=$1 name=$2 label=$3 expected=$4 script=$5 url=$6; shift 6
  for clients in "${CLIENTS[@]}"; do
    log "wrk $label: $clients connections, ${DURATION}s"
    run_wrk "$name" "$clients" "$DURATION" "$script" "$url" "$@"
    api_rps[$key-$clients]=$rps; api_p50[$key-$clients]=$lat50; api_p99[$key-$clients]=$lat99
    cpu[api-$key-$clients]="| API $name | $clients $cpu_cells"
    printf '    %s req/s, p50 %s ms, p99 %s ms, all %s\n' "$rps" "$lat50" "$lat99" "$expected" >&2
  done
}
load_api insert submit "POST /api/v1/complaints" 201 bench/submit.lua "$base/api/v1/complaints" "$tmp/submit.json"
# The submissions' metrics changes are folded before the lookups are measured, not during.
wait_for_metrics_fold feedback
load_api select track "GET /api/v1/complaints/{code}" 200 bench/track.lua "$base" "$tmp/pairs.txt"

peak_mib=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$api_pid/status")
[ -n "$peak_mib" ] || fail "could not read the API's VmHWM"

# ---- A submission with one photo and an Idempotency-Key -----------------------------------------
# As the web client sends it: the photo (bench/photo.jpg, the size the client shrinks to) is
# uploaded — magic bytes checked, decoded, re-encoded without metadata, stored — then the complaint
# names it, with a key. Each connection alternates the two requests (bench/submit-photo.lua).
photo_kib=$(( $(stat -c %s bench/photo.jpg) / 1024 ))
status=$(curl -s -o "$tmp/smoke-upload.json" -w '%{http_code}' -H "X-Device-Token: bench-smoke-device-token-0001" \
  -F "file=@bench/photo.jpg;type=image/jpeg" "$base/api/v1/uploads")
[ "$status" = 201 ] || { cat "$tmp/smoke-upload.json" >&2; echo >&2; fail "POST /api/v1/uploads answered $status, not 201"; }
upload_id=$(sed -n 's/.*"uploadId":"\([^"]*\)".*/\1/p' "$tmp/smoke-upload.json")
sed "s/}\$/,\"photoIds\":[\"$upload_id\"]}/" "$tmp/submit.json" > "$tmp/submit-photo.json"
smoke_key="bench-smoke-$RANDOM-$RANDOM-$RANDOM"
for attempt in first replay; do
  status=$(curl -s -D "$tmp/smoke-keyed-$attempt.headers" -o "$tmp/smoke-keyed-$attempt.json" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H "X-Device-Token: bench-smoke-device-token-0001" -H "Idempotency-Key: $smoke_key" \
    --data-binary "@$tmp/submit-photo.json" "$base/api/v1/complaints")
  [ "$status" = 201 ] || { cat "$tmp/smoke-keyed-$attempt.json" >&2; echo >&2; fail "keyed POST /api/v1/complaints ($attempt) answered $status, not 201"; }
done
grep -qi '^Idempotent-Replayed: true' "$tmp/smoke-keyed-replay.headers" && cmp -s "$tmp/smoke-keyed-first.json" "$tmp/smoke-keyed-replay.json" \
  || fail "a keyed submission sent twice was not replayed with the original answer"
declare -A photo_rps photo_p50 photo_p99 photo_rss
for clients in "${PHOTO_CLIENTS[@]}"; do
  log "wrk upload + keyed submission: $clients connections, ${DURATION}s"
  WRK_THREADS=$clients run_wrk submit-photo "$clients" "$DURATION" bench/submit-photo.lua "$base" bench/photo.jpg "$tmp/submit.json"
  photo_rps[$clients]=$rps; photo_p50[$clients]=$lat50; photo_p99[$clients]=$lat99
  photo_rss[$clients]=$(awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$api_pid/status")
  cpu[api-photo-$clients]="| API upload + submission | $clients $cpu_cells"
  printf '    %s req/s (%s submissions with a photo/s), p50 %s ms, p99 %s ms\n' "$rps" "$(awk -v r="$rps" 'BEGIN {printf "%.1f", r / 2}')" "$lat50" "$lat99" >&2
done
photo_peak_mib=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$api_pid/status")
photo_files=$(find "$tmp/uploads" -type f | wc -l)
photo_stored_kib=$(du -sk "$tmp/uploads" | cut -f1)

# ---- The staff queue at 1,000,000 complaints ----------------------------------------------------
queue_report=""
if [ "$QUEUE_ROWS" -gt 0 ]; then
  cp "$tmp/api.log" "$raw/api.log"
  kill "$api_pid"; wait "$api_pid" 2>/dev/null || true; api_pid=
  queue_started=$SECONDS
  queue_db=feedback_queue
  as_queue() { PGPASSWORD=$admin_password "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -U postgres -d "$queue_db" "$@"; }
  load_complaints "$queue_db" "$QUEUE_ROWS" Queue
  mkdir -p "$tmp/queue"
  queue_facts=$(as_queue -At -F ' ' -c "
    select count(*), round(100.0 * count(*) filter (where status in ('submitted', 'accepted', 'in_progress')) / count(*)),
           count(*) filter (where section_code = 'enforcement' and category_code not like 'conduct.%'),
           count(*) filter (where section_code = 'enforcement' and category_code not like 'conduct.%' and status in ('submitted', 'accepted', 'in_progress')),
           count(*) filter (where description like '%偷排%'), round(avg(char_length(description))),
           (select count(*) from complaint_events), pg_size_pretty(pg_total_relation_size('complaints'))
    from complaints")
  read -r q_rows q_open q_enf q_enf_open q_hits q_len q_events q_size <<< "$queue_facts"
  printf '    %s complaints (%s%% open, %s events, %s with indexes), enforcement %s (%s open), 偷排 in %s, description %s characters on average\n' \
    "$q_rows" "$q_open" "$q_events" "$q_size" "$q_enf" "$q_enf_open" "$q_hits" "$q_len" >&2

  enable_auto_explain
  # The 督办 job's round takes seconds at this size (README): once at start-up, then hourly, so that
  # no round lands in a measurement.
  start_api "$queue_db" "$tmp/api-queue.log" FEEDBACK_DEMO=1 FEEDBACK_DEMO_PASSWORD=demo-2026 FEEDBACK_REMINDER_INTERVAL_SECONDS=3600
  wait_for_metrics_fold "$queue_db"
  queue_fold_seconds=$fold_seconds
  search=$(printf '偷排' | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g' | tr a-f A-F)
  queue_scenarios=(queue-clerk queue-leader search-clerk search-leader)
  declare -A q_user=([queue-clerk]=enforcement.staff [queue-leader]=leader [search-clerk]=enforcement.staff [search-leader]=leader)
  declare -A q_path=([queue-clerk]=/api/v1/staff/complaints [queue-leader]=/api/v1/staff/complaints
                     [search-clerk]="/api/v1/staff/complaints?q=$search" [search-leader]="/api/v1/staff/complaints?q=$search")

  # The search must find what was loaded: the leader's counts add up to the cases whose text has the word.
  curl -s -H "Authorization: Bearer $(staff_token leader)" "$base${q_path[search-leader]}" > "$tmp/queue/search.json"
  found=$(python3 -c 'import json, sys; print(sum(json.load(open(sys.argv[1]))["counts"].values()))' "$tmp/queue/search.json") \
    || { head -c 2000 "$tmp/queue/search.json" >&2; fail "the leader's search did not answer with counts"; }
  expected=$(as_queue -At -c "select count(*) from complaints where description || address || township like '%偷排%'")
  [ "$found" = "$expected" ] || fail "the API's search for 偷排 counted $found cases, the text has $expected"

  log "Queue: warming up (${QUEUE_CLIENTS[-1]} connections, 5 s per request)"
  measured_other=$max_other
  for name in "${queue_scenarios[@]}"; do
    run_wrk "warmup-$name" "${QUEUE_CLIENTS[-1]}" 5 bench/queue.lua "$base" "$(staff_token "${q_user[$name]}")" "${q_path[$name]}"
  done
  max_other=$measured_other

  # One request of each kind with every statement, its parameters and its plan (EXPLAIN ANALYZE,
  # BUFFERS, as the API's warm prepared statements run) in the server log; the statements become
  # the pgbench scripts, so the baseline runs exactly the API's SQL.
  log "Queue: capturing the API's statements and plans"
  plan_summary=""
  for name in "${queue_scenarios[@]}"; do
    plan_summary+=$(capture_plan "$name" "$(staff_token "${q_user[$name]}")" "${q_path[$name]}" "$tmp/queue")$'\n'
  done
  sleep 0.5
  api_backends=$(client_backends)
  printf '%s' "$plan_summary" | sed 's/^/    /' >&2

  declare -A q_rps q_p50 q_p95 q_p99
  for name in "${queue_scenarios[@]}"; do
    mapfile -t vars < "$tmp/queue/pgbench-$name.vars"
    define=()
    for var in "${vars[@]}"; do define+=(-D "$var"); done
    for clients in "${QUEUE_CLIENTS[@]}"; do
      PGBENCH_SECONDS=$QUEUE_DURATION run_pgbench "$name" "$tmp/queue/pgbench-$name.sql" "$clients" "$queue_db" "${define[@]}"
    done
  done
  for name in "${queue_scenarios[@]}"; do
    for clients in "${QUEUE_CLIENTS[@]}"; do
      log "wrk GET ${q_path[$name]} as ${q_user[$name]}: $clients connections, ${QUEUE_DURATION}s"
      run_wrk "$name" "$clients" "$QUEUE_DURATION" bench/queue.lua "$base" "$(staff_token "${q_user[$name]}")" "${q_path[$name]}"
      q_rps[$name-$clients]=$rps; q_p50[$name-$clients]=$lat50; q_p95[$name-$clients]=$lat95; q_p99[$name-$clients]=$lat99
      cpu[api-$name-$clients]="| API $name | $clients $cpu_cells"
      printf '    %s req/s, p50 %s ms, p95 %s ms, p99 %s ms, all 200 with cases\n' "$rps" "$lat50" "$lat95" "$lat99" >&2
    done
  done
  queue_peak_mib=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$api_pid/status")
  cp "$tmp/api-queue.log" "$raw/api-queue.log"
  queue_seconds=$((SECONDS - queue_started))

  goal_clients=${QUEUE_CLIENTS[0]}
  declare -A q_label=([queue-clerk]="queue, first page · enforcement clerk" [queue-leader]="queue, first page · leader"
                      [search-clerk]="search 偷排 · enforcement clerk" [search-leader]="search 偷排 · leader")
  declare -A q_goal=([queue-clerk]=20 [queue-leader]=20 [search-clerk]=50 [search-leader]=50)
  queue_rows="" goal_rows=""
  for name in "${queue_scenarios[@]}"; do
    for clients in "${QUEUE_CLIENTS[@]}"; do
      key="$name-$clients"
      queue_rows+="| ${q_label[$name]} | $clients | ${tps[$key]%.*} | ${p50[$key]} / ${p95[$key]} / ${p99[$key]} | ${q_rps[$key]%.*} | ${q_p50[$key]} / ${q_p95[$key]} / ${q_p99[$key]} | $(ratio "${q_rps[$key]}" "${tps[$key]}")% |"$'\n'
    done
    goal_rows+="| ${q_label[$name]}: p95 < ${q_goal[$name]} ms | ${q_p95[$name-$goal_clients]} ms | $(awk -v p="${q_p95[$name-$goal_clients]}" -v g="${q_goal[$name]}" 'BEGIN {print (p < g ? "PASS" : "SHORT")}') |"$'\n'
  done
  queue_report=$(cat <<QUEUE
### The staff queue at $(thousands "$q_rows") complaints

- Data (bench/queue-data.py, loaded with COPY by bench/queue-load.sh in ${load_seconds} s): $(thousands "$q_rows") complaints over two years, $q_open% open, $(thousands "$q_events") timeline events, $q_size with indexes; the enforcement brigade's queue holds $(thousands "$q_enf") cases ($(thousands "$q_enf_open") open); 偷排 appears in $(thousands "$q_hits") descriptions; descriptions average $q_len characters.
- Each API request: the session check, then the page (25 cases, earliest deadline first) and the counts per status (from the counters when unfiltered; a search reads its matches once for both). pgbench runs the very statements the API sent with the same parameters (read back from the server log), -M prepared, -j $THREADS, ${QUEUE_DURATION}s per run. API: wrk, ${QUEUE_DURATION}s per run after a 5 s warm-up, every answer checked (200 with cases on the page). Goals are judged at $goal_clients connection$([ "$goal_clients" = 1 ] || echo s): one staff member's request at a time, back to back.

| Request | Clients | pgbench tps | pgbench p50 / p95 / p99 ms | API req/s | API p50 / p95 / p99 ms | API / pgbench |
|---|---:|---:|---:|---:|---:|---:|
${queue_rows}
| Goal (API p95, at $goal_clients connection$([ "$goal_clients" = 1 ] || echo s)) | Measured | Result |
|---|---:|---|
${goal_rows}
What each statement's plan scans (EXPLAIN ANALYZE of the request above; full plans in bench/results/plans/):

\`\`\`
${plan_summary}\`\`\`

API peak memory in the queue phase: ${queue_peak_mib} MiB. The queue phase took ${queue_seconds} s, the load ${load_seconds} s of it.
QUEUE
)$'\n\n'
fi

# ---- Leadership metrics at 100,000 and 1,000,000 complaints --------------------------------------
# Issue 5: summary, breakdown by section and ranking for one year (today − 364 days to today) as the
# leader, each size in its own database loaded like the queue's (the queue's own database is used
# again when it holds the same number of complaints). Requests take up to seconds here, so the
# client is bench/metrics-client.py (at least METRICS_REQUESTS answers and METRICS_SECONDS per
# route, back to back on one connection), not wrk, which would drop the request in flight at the end.
metrics_report=""
if [ "$METRICS" != 0 ]; then
  metrics_started=$SECONDS
  [ -n "$queue_report" ] || cp "$tmp/api.log" "$raw/api.log"
  enable_auto_explain
  bureau_zone=${FEEDBACK_TIME_ZONE:-Asia/Shanghai} # the API's, as start_api passes the environment on
  bureau_today=$(TZ=$bureau_zone date +%F)
  metrics_from=$(date -d "$bureau_today - 364 days" +%F)
  metrics_routes=(summary breakdown ranking)
  declare -A m_path=([summary]="/api/v1/metrics/summary?from=$metrics_from&to=$bureau_today"
                     [breakdown]="/api/v1/metrics/breakdown?by=section&from=$metrics_from&to=$bureau_today"
                     [ranking]="/api/v1/metrics/ranking?from=$metrics_from&to=$bureau_today")
  declare -A m_marker=([summary]='"current":{"volume":' [breakdown]='"rows":[{"key":' [ranking]='"rows":[{"rank":')
  declare -A m_p50 m_p95 m_p99 m_count m_sql m_cpu m_facts m_load m_peak m_fold m_counters
  metrics_plans=""
  mkdir -p "$tmp/metrics"
  for size in "${METRICS_ROWS[@]}"; do
    if [ -n "$api_pid" ]; then kill "$api_pid"; wait "$api_pid" 2>/dev/null || true; api_pid=; fi
    if [ -n "$queue_report" ] && [ "$size" = "$QUEUE_ROWS" ]; then
      database=$queue_db; m_load[$size]="the queue phase's database"
    else
      database=feedback_metrics_$size
      load_complaints "$database" "$size" "Metrics"
      m_load[$size]="loaded in ${load_seconds} s"
    fi
    m_facts[$size]=$(PGPASSWORD=$admin_password "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -U postgres -d "$database" -At -F ' ' \
      -v from="$metrics_from" -v to="$bureau_today" -v tz="$bureau_zone" <<'SQL'
select count(*), (select count(*) from complaint_events),
       count(*) filter (where (submitted_at at time zone :'tz')::date between :'from' and :'to'),
       count(*) filter (where (evaluated_at at time zone :'tz')::date between :'from' and :'to'),
       count(*) filter (where (review_requested_at at time zone :'tz')::date between :'from' and :'to'),
       count(*) filter (where status = 'merged'), count(*) filter (where latitude is not null), count(*) filter (where support_count > 0),
       pg_size_pretty(pg_total_relation_size('complaints'))
from complaints
SQL
    )
    read -r f_rows f_events f_year f_evals f_reviews f_merged f_pinned f_supported f_size <<< "${m_facts[$size]}"
    printf '    %s complaints, %s events, %s with indexes; in the year: %s submitted, %s evaluations, %s reviews\n' \
      "$f_rows" "$f_events" "$f_size" "$f_year" "$f_evals" "$f_reviews" >&2
    start_api "$database" "$tmp/api-metrics-$size.log" FEEDBACK_DEMO=1 FEEDBACK_DEMO_PASSWORD=demo-2026 FEEDBACK_REMINDER_INTERVAL_SECONDS=3600
    wait_for_metrics_fold "$database"
    m_fold[$size]=$fold_seconds
    [ "$database" != "${queue_db:-}" ] || m_fold[$size]=${queue_fold_seconds:-$fold_seconds}
    m_counters[$size]=$(PGPASSWORD=$admin_password "$PG_BIN/psql" -X -At -U postgres -d "$database" \
      -c "select count(*) || ' rows, ' || pg_size_pretty(pg_total_relation_size('metrics_facts') + pg_total_relation_size('metrics_spans')) from metrics_facts")
    for route in "${metrics_routes[@]}"; do
      name=metrics-$route-$size
      out="$tmp/metrics/$name"
      # Two answers to warm up (caches, JIT of the API, prepared statements), then the plan.
      python3 bench/metrics-client.py "$base" "$(staff_token leader)" "${m_path[$route]}" "${m_marker[$route]}" 2 0 600 "$out.warmup" > "$out.warmup.txt" \
        || { cat "$out.warmup.txt" >&2; fail "the warm-up of $name failed"; }
      read_bench_line metrics-client "warmup-$name" 1 "$out.warmup.txt" 0
      line=$(capture_plan "$name" "$(staff_token leader)" "${m_path[$route]}" "$tmp/metrics")
      metrics_plans+="$line"$'\n'
      m_sql[$route-$size]=$(sed -n 's/.* metrics: .*(\([0-9.]*\) ms)$/\1/p' <<< "$line")
      log "GET ${m_path[$route]} as leader at $size complaints: at least $METRICS_REQUESTS requests and ${METRICS_SECONDS}s"
      as_admin -c checkpoint
      cpu_start
      pg_cpu0=$(postgres_cpu) api_cpu0=$(process_cpu "$api_pid")
      status=0
      TIMEFORMAT='%U %S'
      { time python3 bench/metrics-client.py "$base" "$(staff_token leader)" "${m_path[$route]}" "${m_marker[$route]}" \
          "$METRICS_REQUESTS" "$METRICS_SECONDS" 600 "$out.latencies" > "$out.txt" 2>&1; } 2> "$out.time" || status=$?
      pg_cpu1=$(postgres_cpu) api_cpu1=$(process_cpu "$api_pid")
      cpu_stop "$(awk '{print $1 + $2}' "$out.time")"
      cp "$out.txt" "$raw/$name.txt"; cp "$out.latencies" "$raw/$name-latencies-us.txt"
      read_bench_line metrics-client "$name" 1 "$out.txt" "$status"
      m_p50[$route-$size]=$lat50; m_p95[$route-$size]=$lat95; m_p99[$route-$size]=$lat99; m_count[$route-$size]=$(wc -l < "$out.latencies")
      # CPU per request: what the request costs whatever else the machine runs (latency is not).
      m_cpu[$route-$size]="$(awk -v a="$pg_cpu0" -v b="$pg_cpu1" -v n="${m_count[$route-$size]}" 'BEGIN {printf "%.0f", 1000 * (b - a) / n}') / $(awk -v a="$api_cpu0" -v b="$api_cpu1" -v n="${m_count[$route-$size]}" 'BEGIN {printf "%.0f", 1000 * (b - a) / n}')"
      cpu[api-$name]="| API metrics $route · $(thousands "$size") | 1 $cpu_cells"
      printf '    %s answers, p50 %s ms, p95 %s ms, p99 %s ms (the statement alone, under EXPLAIN ANALYZE: %s ms; CPU ms per request, PostgreSQL / API: %s)\n' \
        "${m_count[$route-$size]}" "$lat50" "$lat95" "$lat99" "${m_sql[$route-$size]}" "${m_cpu[$route-$size]}" >&2
    done
    m_peak[$size]=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$api_pid/status")
    cp "$tmp/api-metrics-$size.log" "$raw/api-metrics-$size.log"
  done
  metrics_seconds=$((SECONDS - metrics_started))

  small=${METRICS_ROWS[0]} large=${METRICS_ROWS[-1]}
  declare -A m_label=([summary]="summary (and the previous year)" [breakdown]="breakdown by section" [ranking]="ranking")
  m_header="| Route |" m_rule="|---|"
  for size in "${METRICS_ROWS[@]}"; do
    m_header+=" $(thousands "$size"): answers | p50 / p95 / p99 ms | SQL ms | CPU ms PostgreSQL / API |"; m_rule+="---:|---:|---:|---:|"
  done
  [ "$small" = "$large" ] || { m_header+=" p50 / p95 ratio |"; m_rule+="---:|"; }
  metrics_rows="" metrics_goals="" metrics_ratio_goals=""
  for route in "${metrics_routes[@]}"; do
    row="| ${m_label[$route]} |"
    for size in "${METRICS_ROWS[@]}"; do
      key=$route-$size
      row+=" ${m_count[$key]} | ${m_p50[$key]} / ${m_p95[$key]} / ${m_p99[$key]} | ${m_sql[$key]} | ${m_cpu[$key]} |"
    done
    if [ "$small" != "$large" ]; then
      p50_ratio=$(awk -v a="${m_p50[$route-$large]}" -v b="${m_p50[$route-$small]}" 'BEGIN {printf "%.1f", a / b}')
      p95_ratio=$(awk -v a="${m_p95[$route-$large]}" -v b="${m_p95[$route-$small]}" 'BEGIN {printf "%.1f", a / b}')
      row+=" ${p50_ratio}× / ${p95_ratio}× |"
      metrics_ratio_goals+="| ${m_label[$route]}: p95 at $(thousands "$large") ÷ p95 at $(thousands "$small") < 2 | ${p95_ratio}× | $(awk -v r="$p95_ratio" 'BEGIN {print (r < 2 ? "PASS" : "SHORT")}') |"$'\n'
    fi
    metrics_rows+="$row"$'\n'
    metrics_goals+="| ${m_label[$route]}: p95 < 100 ms at $(thousands "$large") | ${m_p95[$route-$large]} ms | $(awk -v p="${m_p95[$route-$large]}" 'BEGIN {print (p < 100 ? "PASS" : "SHORT")}') |"$'\n'
  done
  metrics_data=""
  for size in "${METRICS_ROWS[@]}"; do
    read -r f_rows f_events f_year f_evals f_reviews f_merged f_pinned f_supported f_size <<< "${m_facts[$size]}"
    metrics_data+="- $(thousands "$f_rows") complaints (${m_load[$size]}): $(thousands "$f_events") timeline events ($(awk -v e="$f_events" -v r="$f_rows" 'BEGIN {printf "%.1f", e / r}') per case), $f_size with indexes; in the measured year $(thousands "$f_year") submitted, $(thousands "$f_evals") evaluations, $(thousands "$f_reviews") reviews; $(thousands "$f_merged") merged, $(thousands "$f_pinned") pinned on the map, $(thousands "$f_supported") with supports. The API folded the change log of the bulk load into the counters in ${m_fold[$size]} s (${m_counters[$size]} of counters). API peak memory ${m_peak[$size]} MiB."$'\n'
  done
  metrics_report=$(cat <<METRICS
### Leadership metrics at $(for size in "${METRICS_ROWS[@]}"; do printf '%s and ' "$(thousands "$size")"; done | sed 's/ and $//') complaints

- Data (bench/queue-data.py, COPY by bench/queue-load.sh): complaints over the two years before the run, with decisions, deadlines, extensions, results, evaluations (55% of resolved cases), reviews, supports and map pins, and their timeline events.
${metrics_data}- Each request as the leader, for one year: $metrics_from to $bureau_today (the summary also computes the year before). bench/metrics-client.py sends it back to back on one connection (at least $METRICS_REQUESTS answers and ${METRICS_SECONDS} s per route, after two warm-up requests), every answer checked (200 with figures); percentiles nearest-rank over the answers. "SQL ms" is MetricsCalculator's one statement under EXPLAIN ANALYZE (auto_explain, one request; timing adds a little); "CPU ms" is the CPU time PostgreSQL and the API used per request over the run, which other work on the machine does not inflate as it does latency.

$m_header
$m_rule
${metrics_rows}
| Goal (issue 5) | Measured | Result |
|---|---:|---|
${metrics_goals}${metrics_ratio_goals}
What each statement's plan scans (EXPLAIN ANALYZE of one request; full plans in bench/results/plans/plans-metrics-*.txt):

\`\`\`
${metrics_plans}\`\`\`

The metrics phase took ${metrics_seconds} s.
METRICS
)$'\n\n'
fi

# ---- Report -------------------------------------------------------------------------------------

rows=""
for op in insert select; do
  for clients in "${CLIENTS[@]}"; do
    key="$op-$clients"
    label=$([ "$op" = insert ] && echo "submit · INSERT" || echo "track · SELECT")
    rows+="| $label | $clients | ${tps[$key]%.*} | ${p50[$key]} / ${p99[$key]} | ${api_rps[$key]%.*} | ${api_p50[$key]} / ${api_p99[$key]} | $(ratio "${api_rps[$key]}" "${tps[$key]}")% |"$'\n'
  done
done
submit_ratio=$(ratio "${api_rps[insert-32]}" "${tps[insert-32]}")
track_ratio=$(ratio "${api_rps[select-32]}" "${tps[select-32]}")

noisy=""
[ "$max_other" -le 15 ] || noisy="**Other processes used up to ${max_other}% of a CPU during a measured run: the machine was not quiet, so these numbers are skewed; run again when it is.**"$'\n\n'

report=$(cat <<REPORT
## Benchmark: API against raw PostgreSQL

$facts
- pgbench: -M prepared, -j $THREADS, ${DURATION}s per run over TCP 127.0.0.1; a complaint-sized single-row INSERT, and a SELECT by unique tracking code among $ROWS rows (bench/pgbench-*.sql). Latency percentiles from pgbench's per-transaction log.
- API: Release build, per-request info logging off (Logging__LogLevel__Default=Warning), warmed up before measuring; wrk -t $THREADS, ${DURATION}s per run, keep-alive. Every answer checked: all POSTs 201, all GETs 200.${API_DB_OPTIONS:+ Experiment: API connection string + \`$API_DB_OPTIONS\`.} A submission stores the complaint and its first timeline event in one transaction; a lookup reads the case and its public timeline and verifies the query password.

| Operation | Clients | pgbench tps | pgbench p50 / p99 ms | API req/s | API p50 / p99 ms | API / pgbench |
|---|---:|---:|---:|---:|---:|---:|
${rows}
API peak memory (VmHWM of the dotnet process, warm-up included): **${peak_mib} MiB**

A submission with one photo and an \`Idempotency-Key\`, as the web client sends it: \`POST /api/v1/uploads\` (bench/photo.jpg, ${photo_kib} KiB, 2560×1920 JPEG — the size the client shrinks larger photos to; checked by magic bytes, decoded, re-encoded without metadata, stored), then \`POST /api/v1/complaints\` naming it. wrk, one connection per thread, ${DURATION}s per run, every answer 201:

| Connections | requests/s | submissions with a photo /s | p50 / p99 ms (either request) | API RSS after the run |
|---:|---:|---:|---:|---:|
$(for clients in "${PHOTO_CLIENTS[@]}"; do printf '| %s | %s | %s | %s / %s | %s MiB |\n' "$clients" "${photo_rps[$clients]%.*}" "$(awk -v r="${photo_rps[$clients]}" 'BEGIN {printf "%.1f", r / 2}')" "${photo_p50[$clients]}" "${photo_p99[$clients]}" "${photo_rss[$clients]}"; done)

API peak memory after the photo runs: **${photo_peak_mib} MiB** (before them: ${peak_mib} MiB). ${photo_files} photos stored, ${photo_stored_kib} KiB in all.

| Target (at 32 clients) | Measured | Result |
|---|---:|---|
| Submission ≥ 30% of pgbench INSERT throughput | ${submit_ratio}% | $(verdict "$submit_ratio" 30) |
| Tracking lookup ≥ 50% of pgbench SELECT throughput | ${track_ratio}% | $(verdict "$track_ratio" 50) |

CPU used during each run, in % of one CPU (the machine has $(( $(nproc) * 100 ))%):

| Run | Clients | dotnet (API) | postgres | load generator (pgbench / wrk) | other processes |
|---|---:|---:|---:|---:|---:|
$(for key in insert select api-insert api-select; do for clients in "${CLIENTS[@]}"; do printf '%s\n' "${cpu[$key-$clients]}"; done; done)
$(for clients in "${PHOTO_CLIENTS[@]}"; do printf '%s\n' "${cpu[api-photo-$clients]}"; done)
$(if [ -n "$queue_report" ]; then for key in "${queue_scenarios[@]}" "${queue_scenarios[@]/#/api-}"; do for clients in "${QUEUE_CLIENTS[@]}"; do printf '%s\n' "${cpu[$key-$clients]}"; done; done; fi)
$(if [ -n "$metrics_report" ]; then for size in "${METRICS_ROWS[@]}"; do for route in "${metrics_routes[@]}"; do printf '%s\n' "${cpu[api-metrics-$route-$size]}"; done; done; fi)

${queue_report}${metrics_report}${noisy}Run took $((SECONDS - started)) s.
REPORT
)

[ -n "$queue_report$metrics_report" ] || cp "$tmp/api.log" "$raw/api.log"
as_admin -c "select relname, n_live_tup, last_autovacuum, last_autoanalyze, autovacuum_count, autoanalyze_count from pg_stat_user_tables order by relname" \
  -c "select * from pg_stat_bgwriter" > "$raw/postgres-stats.txt" 2>&1 || true
printf '%s\n' "$report" > bench/results/latest.md
printf '\n%s\n\n(saved to bench/results/latest.md)\n' "$report"
