#!/usr/bin/env bash
# make chaos: the production topology of `make cluster`, in a folder and on ports of its own
# (.data/chaos, balancer on FEEDBACK_CHAOS_PORT, default 18080), under a steady load of citizens
# and section heads (scripts/chaos/load.py), while it
#   1. kills one API instance with SIGKILL, then starts it again;
#   2. restarts each API instance in turn with SIGTERM (a rolling deploy);
#   3. kills the PostgreSQL primary (Patroni promotes the standby);
#   4. stops the standby (reads fall back to the primary), then starts it again;
#   5. makes the database unreachable for 20 seconds.
# Then it checks the database (scripts/chaos/report.py): its last line reads
#   chaos: acknowledged N, lost 0, duplicates 0, unexpected 5xx 0
# and it exits 1 when any of the last three is not 0. Loopback only; about 6 minutes.
source "$(dirname "$0")/common.sh"

export FEEDBACK_CLUSTER_DIR=$ROOT/.data/chaos
export FEEDBACK_CLUSTER_PORT=${FEEDBACK_CHAOS_CLUSTER_PORT:-56500}
export FEEDBACK_PORT=${FEEDBACK_CHAOS_PORT:-18080}
out=$FEEDBACK_CLUSTER_DIR/run-$(date -u +%Y%m%dT%H%M%SZ)
load_pid=

stop_everything() {
  local status=$?
  trap - EXIT INT TERM
  [ -z "$load_pid" ] || kill "$load_pid" 2>/dev/null || true
  bash scripts/cluster.sh stop >/dev/null 2>&1 || true
  exit "$status"
}
trap stop_everything EXIT INT TERM

ensure_packages postgresql
log "Starting the cluster for the chaos run in .data/chaos (balancer on :$FEEDBACK_PORT)"
bash scripts/cluster.sh stop >/dev/null 2>&1 || true
rm -rf "$FEEDBACK_CLUSTER_DIR"
bash scripts/cluster.sh start >/dev/null
source scripts/cluster-lib.sh
mkdir -p "$out"

step_started=
begin_step() { # name
  end_step
  step_name=$1 step_started=$(date +%s.%N)
  log "Step: $1"
}
end_step() {
  [ -n "$step_started" ] || return 0
  printf '%s\t%s\t%s\n' "$step_name" "$step_started" "$(date +%s.%N)" >> "$out/steps.tsv"
  step_started=
}
settle() { sleep "${1:-10}"; }

log "Load: 4 citizens submitting and looking up, 2 looking up, 1 section head accepting"
/usr/bin/python3 scripts/chaos/load.py --base "http://127.0.0.1:$FEEDBACK_PORT" --out "$out" \
  --password "${FEEDBACK_DEMO_PASSWORD:-demo-2026}" > "$out/load.log" 2>&1 &
load_pid=$!
settle 20

begin_step "1. API instance 1 killed (SIGKILL), started again"
cluster_kill_instance 1 >/dev/null
settle 10
cluster_start_instance 1
settle 10

begin_step "2. rolling restart (SIGTERM), instance 1 then 2"
cluster_restart_instance 1 >/dev/null
settle 5
cluster_restart_instance 2 >/dev/null
settle 10

begin_step "3. PostgreSQL primary killed (SIGKILL)"
killed=$(cluster_kill_primary)
log "  killed the primary $killed; waiting for the new primary and its synchronous standby"
cluster_wait_for_sync_standby 180
settle 10

begin_step "4. standby stopped for 20 s, started again"
standby=$(cluster_standby)
cluster_stop_standby >/dev/null
settle 20
cluster_start_node "$standby" >/dev/null
cluster_wait_for_sync_standby 180
settle 10

begin_step "5. database unreachable for 20 s"
cluster_block_database
settle 20
cluster_unblock_database
cluster_wait_for_sync_standby 180
settle 20
end_step

log "Stopping the load; requests still retrying finish first"
touch "$out/stop"
wait "$load_pid" || true
load_pid=

primary=$(cluster_primary)
log "Checking every acknowledged submission on the primary ($primary)"
PGHOST=127.0.0.1 PGPORT=$(node_pg_port "$primary") PGUSER=postgres PGDATABASE=feedback \
PGPASSWORD=$(<"$CLUSTER_DIR/pg.admin-password") PATH="$(pg_bin_dir):$PATH" \
  /usr/bin/python3 scripts/chaos/report.py "$out" | tee "$out/report.md"
exit "${PIPESTATUS[0]}"
