# The API under test, sourced by bench/lib.sh: build, start and stop, demo tokens, bulk-loaded
# databases, and the plans of the statements it sends.

api_built=
build_api() {
  [ -z "$api_built" ] || return 0
  log "Building the API (Release)"
  dotnet build api -c Release -nologo -v quiet -clp:'ErrorsOnly;NoSummary' >&2 || fail "the API did not build"
  api_built=1
}

api_alive() {
  if [ -n "$api_pid" ] && ! kill -0 "$api_pid" 2>/dev/null; then
    tail -n 50 "$tmp/$api_log" >&2; fail "the API (process $api_pid) has exited"
  fi
}

# Starts the API on a free port against DATABASE and waits until it is ready; sets api_pid and base.
# Its log is $tmp/LOG, copied to bench/results/raw/ when it stops. Extra environment: VARIABLE=VALUE.
start_api() { # database log [VARIABLE=VALUE...]
  local database=$1 port try attempt
  api_log=$2
  shift 2
  build_api
  # The free port can be taken before the API binds it (the machine is shared): then another one.
  for try in 1 2 3 4 5; do
    port=$(free_port)
    base="http://127.0.0.1:$port"
    log "Starting the API on $base against database $database (Release, logging as make run: a text line a request)${API_ENV[*]:+, with ${API_ENV[*]}}"
    (
      cd api/bin/Release/net10.0
      exec env -u FEEDBACK_DB_READ -u FEEDBACK_WEB_ROOT \
        FEEDBACK_DB="${FEEDBACK_DB/Database=feedback;/Database=$database;}${API_DB_OPTIONS:+;$API_DB_OPTIONS}" \
        FEEDBACK_DB_MIGRATE="${FEEDBACK_DB_MIGRATE/Database=feedback;/Database=$database;}" \
        ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production FEEDBACK_LOG_FORMAT=text \
        FEEDBACK_RATE_LIMIT_PER_MINUTE=0 "${API_ENV[@]}" "$@" \
        dotnet Feedback.Api.dll --urls "$base"
    ) > "$tmp/$api_log" 2>&1 &
    api_pid=$!
    for attempt in $(seq 1 240); do
      if ! kill -0 "$api_pid" 2>/dev/null; then
        wait "$api_pid" 2>/dev/null || true
        grep -q 'address already in use' "$tmp/$api_log" && [ "$try" -lt 5 ] && continue 2
        api_pid=; cat "$tmp/$api_log" >&2; fail "the API exited while starting"
      fi
      [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/health/ready" || true)" = 200 ] && break 2
      [ "$attempt" -lt 240 ] || { cat "$tmp/$api_log" >&2; fail "GET /health/ready never answered 200"; }
      sleep 0.5
    done
  done
  [ "$(cat "/proc/$api_pid/comm")" = dotnet ] || fail "process $api_pid is $(cat "/proc/$api_pid/comm"), not dotnet"
}
stop_api() {
  [ -n "$api_pid" ] || return 0
  kill "$api_pid" 2>/dev/null || true; wait "$api_pid" 2>/dev/null || true; api_pid=
  cp "$tmp/$api_log" "$raw/$api_log"
}
api_memory() { awk "/^$1/ {printf \"%.0f\", \$2 / 1024}" "/proc/$api_pid/status"; } # VmHWM or VmRSS, in MiB

staff_token() { # USERNAME: a fresh access token (valid 10 minutes) of a demo account (FEEDBACK_DEMO=1)
  local token
  token=$(curl -s -H 'Content-Type: application/json' --data "{\"username\":\"$1\",\"password\":\"demo-2026\"}" "$base/api/v1/auth/login" \
    | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || fail "POST /api/v1/auth/login gave no access token for $1"
  echo "$token"
}

# Waits until the API has folded the metrics change log of DATABASE (migration 0018; every case a
# bulk load wrote is in it) into the counters, so that no measurement shares the machine with the
# folding; sets fold_seconds. Gives up after 30 minutes per million changes (at least 30 minutes).
wait_for_metrics_fold() { # database
  local started=$SECONDS pending limit
  pending=$(as_admin -d "$1" -At -c "select count(*) from metrics_changes")
  limit=$(( pending > 1000000 ? pending * 1800 / 1000000 : 1800 ))
  while pending=$(as_admin -d "$1" -At -c "select count(*) from metrics_changes") && [ "$pending" != 0 ]; do
    [ $((SECONDS - started)) -lt "$limit" ] || fail "the API had not folded the metrics change log of $1 after $((limit / 60)) minutes ($pending changes left)"
    sleep 2
  done
  fold_seconds=$((SECONDS - started))
  log "The API folded the metrics change log of $1 in ${fold_seconds} s"
  # What autovacuum would do in the next minute (migration 0018 sets its thresholds), now.
  as_admin -d "$1" -c "vacuum (analyze) metrics_changes, metrics_counts, metrics_spans, metrics_combinations"
}

# Creates DATABASE, migrates it and bulk-loads ROWS synthetic complaints with COPY
# (bench/queue-load.sh, rows from bench/queue-data.py); sets load_seconds.
load_complaints() { # database rows label
  local database=$1 rows=$2 label=$3 started
  build_api
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
