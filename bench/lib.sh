# Shared part of the benchmark, sourced by bench/run.sh: the settings (listed in bench/run.sh),
# a throwaway PostgreSQL cluster, the figures file bench/report.py turns into the report, clean-up.
# Then bench/lib-measure.sh (CPU accounting, pgbench, wrk) and bench/lib-api.sh (the API).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

DURATION=${BENCH_DURATION:-15}
WARMUP=${BENCH_WARMUP:-30}
ROWS=${BENCH_ROWS:-100000}
read -r -a CLIENTS <<< "${BENCH_CLIENTS:-8 32}"
API_DB_OPTIONS=${BENCH_API_DB_OPTIONS:-}
read -r -a API_ENV <<< "${BENCH_API_ENV:-}"
read -r -a PHOTO_CLIENTS <<< "${BENCH_PHOTO_CLIENTS:-1 4}"
QUEUE_ROWS=${BENCH_QUEUE_ROWS:-1000000}
read -r -a QUEUE_CLIENTS <<< "${BENCH_QUEUE_CLIENTS:-1 8}"
QUEUE_DURATION=${BENCH_QUEUE_DURATION:-10}
METRICS=${BENCH_METRICS:-1}
read -r -a METRICS_ROWS <<< "${BENCH_METRICS_ROWS:-1000000 5000000}"
METRICS_CLIENTS=${BENCH_METRICS_CLIENTS:-8}
METRICS_REQUESTS=${BENCH_METRICS_REQUESTS:-40}
METRICS_SECONDS=${BENCH_METRICS_SECONDS:-10}
NOTIFY_EMAILS=${BENCH_NOTIFY_EMAILS:-5000}
THREADS=2
SEED_PAIRS=2000 # complaints created through the API before the tracking run

started=$SECONDS
fail() { printf '\033[1;31mBENCH FAILED: %s\033[0m\n' "$*" >&2; exit 1; }
[[ " ${CLIENTS[*]} " == *" 32 "* ]] || fail "BENCH_CLIENTS must include 32: the targets are measured at 32 clients"

ensure_dotnet
ensure_packages postgresql wrk curl python3 python3-aiosmtpd

PG_BIN=$(pg_bin_dir)
[ -x "$PG_BIN/pgbench" ] || fail "pgbench not found (it comes with the 'postgresql' package)"

# A port nobody listens on (the caller binds it right away).
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return 0; }
  done
  fail "no free TCP port found"
}

# Each tool's own output and the API's logs, kept for a closer look (not committed).
raw=bench/results/raw
rm -rf "$raw"; mkdir -p "$raw"
tmp=$(mktemp -d -t feedback-bench.XXXXXX)
chmod 755 "$tmp" # as root the cluster runs as "postgres", which must reach $tmp/pg
api_pid= api_log=
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_api 2>/dev/null || true
  [ -z "${smtp_pid:-}" ] || kill "$smtp_pid" 2>/dev/null || true
  bash scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
  [ "$status" = 0 ] || tail -n 200 "$tmp/pg/server.log" > "$raw/postgres-server-log-tail.txt" 2>/dev/null || true
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The figures of the run, "key<TAB>value" a line (and "cpu<TAB>…" rows from bench/lib-measure.sh):
# bench/report.py computes and writes the report and the history from them.
figures=$tmp/figures.tsv
put() { local key=$1; shift; printf '%s\t%s\n' "$key" "$*" >> "$figures"; }
report() { python3 bench/report.py "$@"; }
put settings.duration "$DURATION"; put settings.warmup "$WARMUP"; put settings.rows "$ROWS"; put settings.threads "$THREADS"
put settings.clients "${CLIENTS[*]}"; put settings.api_db_options "$API_DB_OPTIONS"; put settings.api_env "${API_ENV[*]}"; put settings.photo_clients "${PHOTO_CLIENTS[*]}"
put settings.queue_clients "${QUEUE_CLIENTS[*]}"; put settings.queue_duration "$QUEUE_DURATION"
put settings.metrics_rows "${METRICS_ROWS[*]}"; put settings.metrics_clients "$METRICS_CLIENTS"; put settings.metrics_requests "$METRICS_REQUESTS"; put settings.metrics_seconds "$METRICS_SECONDS"
put settings.notify_emails "$NOTIFY_EMAILS"

description=$(tr -d '\n' < bench/description.txt)
case "$description" in *'"'* | *'\'*) fail "bench/description.txt must not contain quotes or backslashes" ;; esac
printf '{"categoryCode":"air.odor","description":"%s","township":"剡湖街道","address":"城东路88号","contact":{"name":"王女士","phone":"13800138000"}}' \
  "$description" > "$tmp/submit.json"

# ---- Machine facts (how busy the CPUs were just before: other work skews every figure) --------
report facts "$PG_BIN" > "$tmp/facts.md" || fail "bench/report.py facts failed"
put facts "$tmp/facts.md"
cat "$tmp/facts.md" >&2

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
as_admin() { # [-d DATABASE] psql arguments…: psql as the superuser, on database feedback unless told
  local database=feedback
  [ "${1:-}" = -d ] && { database=$2; shift 2; }
  PGPASSWORD=$admin_password "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -U postgres -d "$database" "$@"
}
server_log="$tmp/pg/server.log"
postmaster_pid=$(head -n 1 "$tmp/pg/postmaster.pid")

source bench/lib-measure.sh
source bench/lib-api.sh
