#!/usr/bin/env bash
# A project-local PostgreSQL cluster, used by `make run` (.data/pg), the test fixture and the
# benchmark (throwaway directories).
#
#   scripts/pg-cluster.sh start DIR PORT   initialise if needed, start, ensure the roles and the
#                                          database "feedback"; prints FEEDBACK_DB=... (the API),
#                                          FEEDBACK_DB_MIGRATE=... (the schema owner) and ADMIN_DB=...
#   scripts/pg-cluster.sh stop DIR         fast shutdown
#   scripts/pg-cluster.sh roles SOCKET_DIR PORT SECRETS
#                                          ensure the same roles and database on a server started
#                                          otherwise (the Patroni primary of `make cluster`), reached
#                                          through its socket in SOCKET_DIR; passwords in SECRETS.password
#                                          and SECRETS.owner-password
#
# Listens on 127.0.0.1 only, keeps its socket inside DIR, and touches nothing else on the
# machine. As root it runs the server as the "postgres" user (PostgreSQL refuses root).
# Two login roles keep the API away from the schema: "feedback_owner" owns the database and runs
# the migrations; "feedback", the API, is a member of "feedback_api", which migration 0005 lets
# read and write cases but never rewrite the timeline or the audit log, nor change the schema.
# Passwords are generated once: the API's in DIR.password, the owner's in DIR.owner-password, the
# superuser's in DIR.admin-password (all git-ignored, readable by their owner only).
set -euo pipefail

command=${1:?usage: pg-cluster.sh start DIR PORT | stop DIR | roles SOCKET_DIR PORT SECRETS}
dir=$(realpath -m "${2:?data directory required}")
port=${3:-55432}
secrets=$dir
[ "$command" = roles ] && secrets=$(realpath -m "${4:?the prefix of the password files is required}")
password_file="$secrets.password"
admin_password_file="$secrets.admin-password"
owner_password_file="$secrets.owner-password"

bin_dir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$found" ] && command -v pg_ctl >/dev/null 2>&1; then found=$(dirname "$(readlink -f "$(command -v pg_ctl)")"); fi
  [ -n "$found" ] || { echo "PostgreSQL server binaries not found (install the 'postgresql' package)" >&2; exit 1; }
  echo "$found"
}
BIN=$(bin_dir)

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

server_running() { as_owner "$BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; }
ready() { "$BIN/pg_isready" -q -h "$dir" -p "$port" >/dev/null 2>&1; }

# The login roles and the database, made when missing; run again, it changes nothing.
ensure_roles() {
  for file in "$password_file" "$owner_password_file"; do
    [ -s "$file" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$file")
    [ "$(id -u)" = 0 ] && chown postgres: "$file"
  done
  password=$(cat "$password_file")
  owner_password=$(cat "$owner_password_file")
  PGOPTIONS="-c client_min_messages=warning" as_owner "$BIN/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q -v pw="$password" -v owner_pw="$owner_password" <<'SQL' >/dev/null
select format('create role feedback_owner login password %L', :'owner_pw') where not exists (select from pg_roles where rolname = 'feedback_owner') \gexec
select 'create role feedback_api nologin' where not exists (select from pg_roles where rolname = 'feedback_api') \gexec
select format('create role feedback login password %L', :'pw') where not exists (select from pg_roles where rolname = 'feedback') \gexec
grant feedback_api to feedback;
select 'create database feedback owner feedback_owner' where not exists (select from pg_database where datname = 'feedback') \gexec
-- A cluster made before the roles were split: the API's role owned everything; hand it over.
select 'alter database feedback owner to feedback_owner'
where exists (select from pg_database d join pg_roles r on r.oid = d.datdba where d.datname = 'feedback' and r.rolname = 'feedback') \gexec
SQL
  as_owner "$BIN/psql" -h "$dir" -p "$port" -U postgres -d feedback -v ON_ERROR_STOP=1 -q <<'SQL' >/dev/null
select 'reassign owned by feedback to feedback_owner'
where exists (select from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = 'feedback') \gexec
SQL
}

case "$command" in
  start)
    if [ ! -s "$dir/PG_VERSION" ]; then
      mkdir -p "$dir"
      for file in "$password_file" "$admin_password_file"; do
        [ -s "$file" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$file")
      done
      if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir" "$password_file" "$admin_password_file"
        runuser -u postgres -- test -w "$dir" || {
          echo "The postgres user cannot write $dir (a parent directory is closed to it). Set FEEDBACK_DB to an existing database instead." >&2
          exit 1
        }
      fi
      chmod 700 "$dir"
      as_owner "$BIN/initdb" -D "$dir" --encoding=UTF8 --lc-collate=C --lc-ctype=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 --username=postgres --pwfile="$admin_password_file" >/dev/null
      cat >> "$dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 256MB
CONF
    fi
    # Start unless it already answers. A pid file left by a killed server would block the start:
    # once pg_ctl says no server owns it, it is removed. A server killed a moment ago may still
    # look alive, so keep checking until it answers or clearly is gone.
    for _ in $(seq 1 30); do
      ready && break
      if ! server_running; then
        rm -f "$dir/postmaster.pid"
        as_owner "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null || true
      fi
      ready || sleep 1
    done
    ready || { echo "PostgreSQL in $dir did not start on port $port (is another server using it?); see $dir/server.log" >&2; exit 1; }
    ensure_roles
    echo "FEEDBACK_DB=Host=127.0.0.1;Port=$port;Database=feedback;Username=feedback;Password=$password"
    echo "FEEDBACK_DB_MIGRATE=Host=127.0.0.1;Port=$port;Database=feedback;Username=feedback_owner;Password=$owner_password"
    echo "ADMIN_DB=Host=127.0.0.1;Port=$port;Database=feedback;Username=postgres;Password=$(cat "$admin_password_file" 2>/dev/null || cat "$password_file")"
    ;;
  stop)
    if [ -s "$dir/PG_VERSION" ] && server_running; then
      as_owner "$BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    fi
    ;;
  roles)
    ensure_roles
    ;;
  *)
    echo "unknown command: $command" >&2; exit 2 ;;
esac
