#!/usr/bin/env bash
# make cluster / make cluster-stop: the production topology on this machine, loopback only —
# HAProxy on FEEDBACK_PORT in front of two API instances; PostgreSQL primary and synchronous
# standby managed by Patroni, with a single-node etcd as Patroni's store.
#
#   scripts/cluster.sh start    install what is missing, start what is not running, wait until the
#                               balancer is ready, print what runs where
#   scripts/cluster.sh stop     stop everything, also what a crash left behind
#   scripts/cluster.sh status   what runs, Patroni's view of the nodes, the balancer's of the instances
#
# Everything lives in FEEDBACK_CLUSTER_DIR (default .data/cluster): configuration generated from
# scripts/cluster/*.template, data, logs/, run/ (pid files, HAProxy's admin socket) and the
# generated passwords. FEEDBACK_CLUSTER_PORT and FEEDBACK_PORT choose the ports (scripts/cluster-lib.sh);
# FEEDBACK_CLUSTER_BUILD=0 runs the API and client as already built. The instances honour the same
# FEEDBACK_* variables as `make run`.
source "$(dirname "$0")/cluster-lib.sh"

running_parts() {
  local name
  for name in etcd "${CLUSTER_NODES[@]}" "${CLUSTER_INSTANCES[@]/#/api-}" haproxy; do
    cluster_pid "$name" >/dev/null && echo "$name"
  done
  return 0
}

new_secret() { [ -s "$1" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$1"); }

# Copies a template with every {{NAME}} replaced. Usage: render TEMPLATE OUTPUT NAME=value...
render() {
  local text pair
  text=$(<"$1")
  for pair in "${@:3}"; do text=${text//"{{${pair%%=*}}}"/"${pair#*=}"}; done
  if [[ $text =~ \{\{[A-Z_]+\}\} ]]; then echo "$1: ${BASH_REMATCH[0]} was left unfilled" >&2; exit 1; fi
  (umask 077; printf '%s\n' "$text" >"$2")
}

write_configuration() {
  local node n bin_dir
  bin_dir=$(pg_bin_dir)
  [ -n "$bin_dir" ] || { echo "PostgreSQL server binaries not found (install the 'postgresql' package)" >&2; exit 1; }
  new_secret "$CLUSTER_DIR/pg.admin-password"
  new_secret "$CLUSTER_DIR/pg.replication-password"
  for node in "${CLUSTER_NODES[@]}"; do
    render scripts/cluster/patroni.yml.template "$CLUSTER_DIR/$node.yml" \
      NODE="$node" REST_PORT="$(node_rest_port "$node")" PG_PORT="$(node_pg_port "$node")" ETCD_PORT="$(etcd_port)" \
      DATA_DIR="$CLUSTER_DIR/$node" BIN_DIR="$bin_dir" RUN_DIR="$CLUSTER_RUN" \
      SUPERUSER_PASSWORD="$(<"$CLUSTER_DIR/pg.admin-password")" REPLICATION_PASSWORD="$(<"$CLUSTER_DIR/pg.replication-password")"
    [ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER_DIR/$node.yml"
  done
  render scripts/cluster/haproxy.cfg.template "$CLUSTER_DIR/haproxy.cfg" RUN_DIR="$CLUSTER_RUN" FEEDBACK_PORT="$BALANCER_PORT"
  for n in "${CLUSTER_INSTANCES[@]}"; do
    echo "    server api$n 127.0.0.1:$(instance_port "$n") check" >>"$CLUSTER_DIR/haproxy.cfg"
  done
  /usr/sbin/haproxy -c -q -f "$CLUSTER_DIR/haproxy.cfg"
}

start_etcd() {
  if ! cluster_pid etcd >/dev/null; then
    log "Starting etcd on 127.0.0.1:$(etcd_port)"
    local peer="http://127.0.0.1:$(($(etcd_port) + 1))"
    spawn etcd etcd --name feedback --data-dir "$CLUSTER_DIR/etcd" \
      --listen-client-urls "http://127.0.0.1:$(etcd_port)" --advertise-client-urls "http://127.0.0.1:$(etcd_port)" \
      --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" --initial-cluster "feedback=$peer" \
      --auto-compaction-retention 1
  fi
  wait_for_part etcd 60 "http://127.0.0.1:$(etcd_port)/health"
}

start_database() {
  local node primary
  for node in "${CLUSTER_NODES[@]}"; do
    cluster_pid "$node" >/dev/null || log "Starting Patroni for $node (PostgreSQL on 127.0.0.1:$(node_pg_port "$node"))"
    cluster_start_node "$node"
  done
  log "Waiting for a primary and its synchronous standby"
  cluster_wait_for_sync_standby 180
  primary=$(cluster_primary)
  bash scripts/pg-cluster.sh roles "$CLUSTER_DIR/$primary" "$(node_pg_port "$primary")" "$CLUSTER_DIR/pg"
}

# Connection strings naming both nodes: Npgsql finds the one in the role asked for and looks again
# every second (Host Recheck Seconds), so writes follow a failover and reads find a standby again.
connection_string() {
  local user=$1 password_file=$2 target=$3
  local hosts="127.0.0.1:$(node_pg_port pg1),127.0.0.1:$(node_pg_port pg2)"
  echo "Host=$hosts;Database=feedback;Username=$user;Password=$(<"$password_file");Target Session Attributes=$target;Host Recheck Seconds=1"
}

# The settings every instance gets (instance.env), on top of the caller's FEEDBACK_* variables.
write_instance_settings() {
  export FEEDBACK_DB FEEDBACK_DB_READ FEEDBACK_DB_MIGRATE
  FEEDBACK_DB=$(connection_string feedback "$CLUSTER_DIR/pg.password" primary)
  FEEDBACK_DB_READ=$(connection_string feedback "$CLUSTER_DIR/pg.password" prefer-standby)
  FEEDBACK_DB_MIGRATE=$(connection_string feedback_owner "$CLUSTER_DIR/pg.owner-password" primary)
  export FEEDBACK_TRUSTED_PROXIES=127.0.0.1
  # The client as `make run` serves it (with FEEDBACK_CLUSTER_BUILD=0 there may be none).
  if [ -z "${FEEDBACK_WEB_ROOT:-}" ] && [ -d "$ROOT/web-client/dist" ]; then export FEEDBACK_WEB_ROOT=$ROOT/web-client/dist; fi
  export_demo_settings
  # Staff tokens signed by one instance are checked by the other: one key for both.
  if [ -z "${FEEDBACK_JWT_KEYS:-}${FEEDBACK_JWT_KEY:-}" ]; then
    [ -s "$CLUSTER_DIR/jwt-keys" ] || (umask 077; echo "cluster:$(head -c 32 /dev/urandom | base64 -w 0)" >"$CLUSTER_DIR/jwt-keys")
    export FEEDBACK_JWT_KEYS=$(<"$CLUSTER_DIR/jwt-keys")
  fi
  (umask 077; export -p | grep '^declare -x FEEDBACK_' >"$CLUSTER_DIR/instance.env")
}

write_cluster_env() {
  (
    umask 077
    printf "%s='%s'\n" CLUSTER_PORT "$CLUSTER_PORT" BALANCER_PORT "$BALANCER_PORT" \
      FEEDBACK_DB "$FEEDBACK_DB" FEEDBACK_DB_READ "$FEEDBACK_DB_READ" FEEDBACK_DB_MIGRATE "$FEEDBACK_DB_MIGRATE" \
      ADMIN_DB "$(connection_string postgres "$CLUSTER_DIR/pg.admin-password" primary)" >"$CLUSTER_DIR/cluster.env"
  )
}

start_instances() {
  local n
  for n in "${CLUSTER_INSTANCES[@]}"; do
    cluster_pid "api-$n" >/dev/null || log "Starting API instance $n on 127.0.0.1:$(instance_port "$n")"
    cluster_start_instance "$n" &
  done
  for n in "${CLUSTER_INSTANCES[@]}"; do wait -n || exit 1; done
}

start_balancer() {
  if ! cluster_pid haproxy >/dev/null; then
    log "Starting HAProxy on 127.0.0.1:$BALANCER_PORT"
    spawn haproxy /usr/sbin/haproxy -db -f "$CLUSTER_DIR/haproxy.cfg"
  fi
  wait_for_part haproxy 60 "http://127.0.0.1:$BALANCER_PORT/health/ready"
}

print_summary() {
  local primary standby n
  primary=$(cluster_primary || echo "none")
  standby=$(cluster_standby || echo "none")
  log "The cluster runs (logs in $CLUSTER_LOGS; 'make cluster-stop' stops it)"
  {
    echo "  balancer       http://127.0.0.1:$BALANCER_PORT   admin socket $CLUSTER_RUN/haproxy.sock"
    for n in "${CLUSTER_INSTANCES[@]}"; do echo "  API instance $n http://127.0.0.1:$(instance_port "$n")"; done
    for node in "${CLUSTER_NODES[@]}"; do
      local role=stopped
      [ "$node" = "$primary" ] && role=primary
      [ "$node" = "$standby" ] && role=standby
      echo "  PostgreSQL $node 127.0.0.1:$(node_pg_port "$node") ($role), Patroni http://127.0.0.1:$(node_rest_port "$node")"
    done
    echo "  etcd           http://127.0.0.1:$(etcd_port)"
  } >&2
  log_demo_settings
}

start() {
  ensure_packages postgresql patroni etcd-server haproxy curl socat
  ensure_dotnet
  mkdir -p "$CLUSTER_DIR"
  local running
  running=$(running_parts)
  if [ -n "$running" ]; then
    log "Already running in $CLUSTER_DIR: $(echo $running); starting what is missing"
  else
    # Nothing runs: the ports asked for now are the cluster's, and must be free.
    CLUSTER_PORT=${FEEDBACK_CLUSTER_PORT:-55500}
    BALANCER_PORT=${FEEDBACK_PORT:-8080}
    local port
    for port in "$BALANCER_PORT" $(seq "$CLUSTER_PORT" $((CLUSTER_PORT + 7))); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "Port $port is in use; choose others with FEEDBACK_PORT (the balancer) or FEEDBACK_CLUSTER_PORT (the first of eight)." >&2
        exit 1
      fi
    done
  fi
  if [ "${FEEDBACK_CLUSTER_BUILD:-1}" != 0 ]; then
    build_client
    build_api
  fi
  [ -f api/bin/Release/net10.0/Feedback.Api.dll ] || { echo "The API is not built (api/bin/Release/net10.0)." >&2; exit 1; }

  # Patroni, running as postgres, writes its password file in run/ and must reach its data directories.
  install -d -m 755 "$CLUSTER_RUN" "$CLUSTER_LOGS"
  [ "$(id -u)" = 0 ] && chown postgres: "$CLUSTER_RUN"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$CLUSTER_DIR"; then
    echo "The postgres user cannot reach $CLUSTER_DIR (a parent directory is closed to it); choose another FEEDBACK_CLUSTER_DIR." >&2
    exit 1
  fi
  write_configuration
  start_etcd
  start_database
  write_instance_settings
  write_cluster_env
  start_instances
  start_balancer
  print_summary
}

stop() {
  local node n bin_dir
  # A database left frozen by cluster_block_database could not shut down.
  cluster_unblock_database 2>/dev/null || true
  stop_process haproxy 10
  for n in "${CLUSTER_INSTANCES[@]}"; do stop_process "api-$n" 60 & done
  wait
  # The standby first, so that stopping the primary does not promote it.
  for node in $(cluster_standby || true) "${CLUSTER_NODES[@]}"; do stop_process "$node" 60; done
  # A PostgreSQL whose Patroni was killed keeps running on its own.
  bin_dir=$(pg_bin_dir)
  for node in "${CLUSTER_NODES[@]}"; do
    if [ -s "$CLUSTER_DIR/$node/PG_VERSION" ] && "${AS_POSTGRES[@]}" "$bin_dir/pg_ctl" -D "$CLUSTER_DIR/$node" status >/dev/null 2>&1; then
      kill -CONT "$(postmaster_pid "$node")" 2>/dev/null || true
      "${AS_POSTGRES[@]}" "$bin_dir/pg_ctl" -D "$CLUSTER_DIR/$node" -m fast -w stop >/dev/null
    fi
  done
  stop_process etcd 10
  log "The cluster in $CLUSTER_DIR is stopped"
}

status() {
  local name pid
  for name in etcd "${CLUSTER_NODES[@]}" "${CLUSTER_INSTANCES[@]/#/api-}" haproxy; do
    if pid=$(cluster_pid "$name"); then echo "$name: running (pid $pid)"; else echo "$name: stopped"; fi
  done
  if cluster_pid etcd >/dev/null; then
    "${AS_POSTGRES[@]}" patronictl -c "$CLUSTER_DIR/pg1.yml" list 2>/dev/null || true
  fi
  if cluster_pid haproxy >/dev/null; then
    cluster_haproxy "show stat" | awk -F, '$1 == "api" && $2 != "BACKEND" { print "balancer: " $2 " " $18 }'
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/cluster.sh start | stop | status" >&2; exit 2 ;;
esac
