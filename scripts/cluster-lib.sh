# The `make cluster` topology on this machine: where its parts live, how they start and stop, and
# what a failure test does to them. Sourced (by scripts/cluster.sh and by failure tests), not run.
#
#   FEEDBACK_CLUSTER_DIR   where everything lives (default .data/cluster)
#   FEEDBACK_CLUSTER_PORT  the first of 8 consecutive loopback ports (default 55500): etcd's client
#                          and peer ports, PostgreSQL pg1 and pg2, Patroni's REST API for pg1 and
#                          pg2, API instances 1 and 2
#   FEEDBACK_PORT          the balancer (default 8080)
# A cluster that was started keeps its ports in DIR/cluster.env; later calls read them from there.
#
# For failure tests (each waits for nothing unless it says so, and prints the node it acted on):
#   cluster_kill_instance N          SIGKILL API instance N (1 or 2)
#   cluster_start_instance N         start it again and wait until it is ready
#   cluster_restart_instance N       SIGTERM, wait for it to exit, start it again, wait until ready
#   cluster_primary                  the node (pg1 or pg2) Patroni names leader; fails if none
#   cluster_standby                  the node running as a replica; fails if none
#   cluster_kill_primary             SIGKILL the primary's postmaster (Patroni fails over)
#   cluster_stop_standby             stop the standby's Patroni and with it its PostgreSQL
#   cluster_start_node NODE          start a node's Patroni (again)
#   cluster_wait_for_sync_standby    wait until one node is primary and the other its synchronous standby
#   cluster_block_database           freeze both nodes (SIGSTOP to Patroni and every PostgreSQL process):
#                                    connections are neither answered nor refused, as in a network partition
#   cluster_unblock_database         let them go on (SIGCONT)
#   cluster_haproxy COMMAND          a command on HAProxy's admin socket, e.g. "show stat"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

CLUSTER_DIR=$(realpath -m "${FEEDBACK_CLUSTER_DIR:-$ROOT/.data/cluster}")
CLUSTER_RUN=$CLUSTER_DIR/run
CLUSTER_LOGS=$CLUSTER_DIR/logs
CLUSTER_NODES=(pg1 pg2)
CLUSTER_INSTANCES=(1 2)
if [ -s "$CLUSTER_DIR/cluster.env" ]; then source "$CLUSTER_DIR/cluster.env"; fi
CLUSTER_PORT=${CLUSTER_PORT:-${FEEDBACK_CLUSTER_PORT:-55500}}
BALANCER_PORT=${BALANCER_PORT:-${FEEDBACK_PORT:-8080}}

etcd_port() { echo "$CLUSTER_PORT"; }
node_index() { case "$1" in pg1) echo 0 ;; pg2) echo 1 ;; *) echo "unknown node: $1" >&2; return 1 ;; esac; }
node_pg_port() { echo $((CLUSTER_PORT + 2 + $(node_index "$1"))); }
node_rest_port() { echo $((CLUSTER_PORT + 4 + $(node_index "$1"))); }
instance_port() { echo $((CLUSTER_PORT + 5 + $1)); }

# PostgreSQL and Patroni refuse root: as root they run as "postgres", with its environment. A
# command prefix rather than a function, so that a process started with it keeps its pid.
if [ "$(id -u)" = 0 ]; then AS_POSTGRES=(setpriv --reuid=postgres --regid=postgres --init-groups --reset-env --); else AS_POSTGRES=(); fi

# Waits until a command succeeds. Usage: wait_until "what" SECONDS command...
wait_until() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "Gave up waiting for $what after $seconds s (logs in $CLUSTER_LOGS)." >&2; return 1; }
    sleep 0.5
  done
}

# Waits until a part answers 200 at a URL; gives up at once if it exited (a port already taken…).
# Usage: wait_for_part NAME SECONDS URL
wait_for_part() {
  local name=$1 seconds=$2 url=$3
  local deadline=$((SECONDS + seconds))
  until curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null; do
    cluster_pid "$name" >/dev/null || { echo "$name exited; see $CLUSTER_LOGS/$name.log" >&2; return 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "Gave up waiting for $name at $url after $seconds s (logs in $CLUSTER_LOGS)." >&2; return 1; }
    sleep 0.5
  done
  cluster_pid "$name" >/dev/null || { echo "$name exited, and something else answers at $url" >&2; return 1; }
}

# ---- processes: one pid file each in run/, checked against the command line so that a pid reused
# after a crash is never taken for one of ours.

process_marker() {
  case "$1" in
    etcd) echo "$CLUSTER_DIR/etcd" ;;
    pg1 | pg2) echo "$CLUSTER_DIR/$1.yml" ;;
    api-*) echo "127.0.0.1:$(instance_port "${1#api-}")" ;;
    haproxy) echo "$CLUSTER_DIR/haproxy.cfg" ;;
  esac
}

# Running, not merely exited and waiting to be reaped (our parts are reparented when the script ends).
process_alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]
}

# Prints the pid of a running part (etcd, pg1, pg2, api-1, api-2, haproxy); fails if it is not running.
cluster_pid() {
  local file=$CLUSTER_RUN/$1.pid pid
  [ -s "$file" ] || return 1
  pid=$(<"$file")
  process_alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$(process_marker "$1")" && echo "$pid"
}

# Starts a part in the background, its output appended to logs/NAME.log. Usage: spawn NAME command...
spawn() {
  local name=$1
  shift
  "$@" >>"$CLUSTER_LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$CLUSTER_RUN/$name.pid"
}

# SIGTERM (after SIGCONT, should it be frozen), then SIGKILL if it is still there after SECONDS.
stop_process() {
  local name=$1 seconds=${2:-30} pid
  if pid=$(cluster_pid "$name"); then
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + seconds))
    while process_alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if process_alive "$pid"; then
      echo "$name did not stop within $seconds s: killed" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$CLUSTER_RUN/$name.pid"
}

# ---- database nodes

patroni_answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$(node_rest_port "$1")/$2")" = 200 ]; }

# The first node whose Patroni answers 200 at /ROLE (primary, replica, sync).
node_in_role() {
  local node
  for node in "${CLUSTER_NODES[@]}"; do
    if patroni_answers "$node" "$1"; then echo "$node"; return 0; fi
  done
  return 1
}

cluster_primary() { node_in_role primary; }
cluster_standby() { node_in_role replica; }

sync_standby_ready() {
  local primary node
  primary=$(cluster_primary) || return 1
  for node in "${CLUSTER_NODES[@]}"; do
    [ "$node" != "$primary" ] && patroni_answers "$node" sync && return 0
  done
  return 1
}

cluster_wait_for_sync_standby() { wait_until "a primary and its synchronous standby" "${1:-120}" sync_standby_ready; }

postmaster_pid() { head -n 1 "$CLUSTER_DIR/$1/postmaster.pid" 2>/dev/null; }

cluster_start_node() {
  local node=$1
  cluster_pid "$node" >/dev/null && return 0
  # Patroni wants the data directory to be the postgres user's, closed to everyone else.
  install -d -m 700 "$CLUSTER_DIR/$node"
  [ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER_DIR/$node"
  spawn "$node" "${AS_POSTGRES[@]}" patroni "$CLUSTER_DIR/$node.yml"
}

cluster_kill_primary() {
  local node pid
  node=$(cluster_primary) || { echo "No primary to kill." >&2; return 1; }
  pid=$(postmaster_pid "$node")
  kill -KILL "$pid"
  echo "$node"
}

cluster_stop_standby() {
  local node
  node=$(cluster_standby) || { echo "No standby to stop." >&2; return 1; }
  stop_process "$node" 60
  echo "$node"
}

# Patroni and every PostgreSQL process of both nodes.
database_pids() {
  local node pid
  for node in "${CLUSTER_NODES[@]}"; do
    cluster_pid "$node" || true
    if pid=$(postmaster_pid "$node") && [ -n "$pid" ] && process_alive "$pid"; then
      echo "$pid"
      ps -o pid= --ppid "$pid" || true
    fi
  done
}

cluster_block_database() { kill -STOP $(database_pids); }
cluster_unblock_database() { kill -CONT $(database_pids); }

# ---- API instances

cluster_start_instance() {
  local n=$1 port
  port=$(instance_port "$n")
  if ! cluster_pid "api-$n" >/dev/null; then
    # Every instance gets the same settings, kept when the cluster started (instance.env).
    spawn "api-$n" bash -c 'source "$1" && cd "$2" && exec dotnet Feedback.Api.dll --urls "$3"' _ \
      "$CLUSTER_DIR/instance.env" "$ROOT/api/bin/Release/net10.0" "http://127.0.0.1:$port"
  fi
  wait_for_part "api-$n" 180 "http://127.0.0.1:$port/health/ready"
}

cluster_kill_instance() {
  local pid
  pid=$(cluster_pid "api-$1") || { echo "API instance $1 is not running." >&2; return 1; }
  kill -KILL "$pid"
  echo "api-$1"
}

cluster_restart_instance() {
  stop_process "api-$1" 60
  cluster_start_instance "$1"
  echo "api-$1"
}

# ---- balancer

cluster_haproxy() { echo "$*" | socat stdio "unix-connect:$CLUSTER_RUN/haproxy.sock"; }
