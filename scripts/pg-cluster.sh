#!/usr/bin/env bash
# A project-local PostgreSQL cluster, used by `make run` (.data/pg), the test fixture and the
# benchmark (throwaway directories).
#
#   scripts/pg-cluster.sh start DIR PORT [ARCHIVE]   initialise if needed, start, ensure the roles
#                                          and the database "feedback"; prints FEEDBACK_DB=... (the
#                                          API), FEEDBACK_DB_MIGRATE=... (the schema owner) and ADMIN_DB=...
#   scripts/pg-cluster.sh configure DIR PORT [ARCHIVE]   only write the settings a start applies
#                                          (scripts/backup.sh restore, before its recovery start)
#   scripts/pg-cluster.sh stop DIR         fast shutdown
#   scripts/pg-cluster.sh roles SOCKET_DIR PORT SECRETS
#                                          ensure the same roles and database on a server started
#                                          otherwise (the Patroni primary of `make cluster`), reached
#                                          through its socket in SOCKET_DIR; passwords in SECRETS.password
#                                          and SECRETS.owner-password
#
# Listens on 127.0.0.1 only, keeps its socket inside DIR, and touches nothing else on the
# machine. As root it runs the server as the "postgres" user (PostgreSQL refuses root).
# With ARCHIVE, every finished WAL segment is copied into that folder, and at least once a minute
# while anything is written: a base backup (scripts/backup.sh) rolls forward from there to any
# point in time. Without it, archiving is off. A running server whose archiving is not as asked is
# restarted once (archive_mode takes effect only at a start).
# The port, the socket and archiving are in DIR/pg-cluster.conf, rewritten at every start, so a
# cluster made by an earlier version of this script, or restored from a backup into another
# directory, gets them too.
# Two login roles keep the API away from the schema: "feedback_owner" owns the database and runs
# the migrations; "feedback", the API, is a member of "feedback_api", which migration 0005 lets
# read and write cases but never rewrite the timeline or the audit log, nor change the schema.
# Passwords are generated once: the API's in DIR.password, the owner's in DIR.owner-password, the
# superuser's in DIR.admin-password (all git-ignored, readable by their owner only).
set -euo pipefail

command=${1:?usage: pg-cluster.sh start|configure DIR PORT [ARCHIVE] | stop DIR | roles SOCKET_DIR PORT SECRETS}
dir=$(realpath -m "${2:?data directory required}")
port=${3:-55432}
archive=
secrets=$dir
if [ "$command" = roles ]; then
  secrets=$(realpath -m "${4:?the prefix of the password files is required}")
else
  archive=${4:+$(realpath -m "$4")}
fi
password_file="$secrets.password"
admin_password_file="$secrets.admin-password"
owner_password_file="$secrets.owner-password"
source "$(dirname "$0")/common.sh"
BIN=$(pg_bin_dir)

server_running() { as_postgres "$BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; }
ready() { "$BIN/pg_isready" -q -h "$dir" -p "$port" -U postgres >/dev/null 2>&1; }
admin_psql() { PGOPTIONS='-c client_min_messages=warning' as_postgres "$BIN/psql" -X -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }

# Writes DIR/pg-cluster.conf (included last by postgresql.conf) and creates the archive folder.
configure() {
  local settings="$dir/pg-cluster.conf"
  grep -qxF "include = 'pg-cluster.conf'" "$dir/postgresql.conf" || echo "include = 'pg-cluster.conf'" >> "$dir/postgresql.conf"
  {
    echo "# Written by scripts/pg-cluster.sh at every start: change the script, not this file."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '$dir'"
    if [ -n "$archive" ]; then
      echo "archive_mode = on"
      echo "archive_command = '$(wal_archive_command "$archive" | sed "s/'/''/g")'"
      echo "archive_timeout = 60"
    else
      echo "archive_mode = off"
    fi
  } > "$settings"
  if [ -n "$archive" ]; then
    mkdir -p "$archive"
    chmod 700 "$archive"
  fi
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$settings" ${archive:+"$archive"}
    [ -z "$archive" ] || runuser -u postgres -- test -w "$archive" || {
      echo "The postgres user cannot write $archive (a parent directory is closed to it)." >&2
      exit 1
    }
  fi
}

# The login roles and the database, made when missing; run again, it changes nothing.
ensure_roles() {
  for file in "$password_file" "$owner_password_file"; do
    [ -s "$file" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$file")
    [ "$(id -u)" = 0 ] && chown postgres: "$file"
  done
  password=$(cat "$password_file")
  owner_password=$(cat "$owner_password_file")
  admin_psql -v pw="$password" -v owner_pw="$owner_password" <<'SQL' >/dev/null
select format('create role feedback_owner login password %L', :'owner_pw') where not exists (select from pg_roles where rolname = 'feedback_owner') \gexec
select 'create role feedback_api nologin' where not exists (select from pg_roles where rolname = 'feedback_api') \gexec
select format('create role feedback login password %L', :'pw') where not exists (select from pg_roles where rolname = 'feedback') \gexec
grant feedback_api to feedback;
select 'create database feedback owner feedback_owner' where not exists (select from pg_database where datname = 'feedback') \gexec
-- A cluster made before the roles were split: the API's role owned everything; hand it over.
select 'alter database feedback owner to feedback_owner'
where exists (select from pg_database d join pg_roles r on r.oid = d.datdba where d.datname = 'feedback' and r.rolname = 'feedback') \gexec
SQL
  admin_psql -d feedback <<'SQL' >/dev/null
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
      as_postgres "$BIN/initdb" -D "$dir" --encoding=UTF8 --lc-collate=C --lc-ctype=C.UTF-8 \
        --auth-local=peer --auth-host=scram-sha-256 --username=postgres --pwfile="$admin_password_file" >/dev/null
      cat >> "$dir/postgresql.conf" <<CONF
max_connections = 200
shared_buffers = 256MB
CONF
      # A new database system: another one's archived WAL is of no use to it, and its segment names
      # would collide with the new ones. Kept aside, for the backups made with it.
      if [ -n "$archive" ] && [ -n "$(ls -A "$archive" 2>/dev/null)" ]; then
        previous_archive="$archive.before-$(date -u +%Y%m%dT%H%M%SZ)"
        echo "A new cluster in $dir: moving the WAL archive of the previous one to $previous_archive" >&2
        mv "$archive" "$previous_archive"
      fi
    fi
    configure
    # Start unless it already answers. A pid file left by a killed server would block the start:
    # once pg_ctl says no server owns it, it is removed. A server killed a moment ago may still
    # look alive, so keep checking until it answers or clearly is gone.
    for _ in $(seq 1 30); do
      ready && break
      if ! server_running; then
        rm -f "$dir/postmaster.pid"
        as_postgres "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 start >/dev/null || true
      fi
      ready || sleep 1
    done
    ready || { echo "PostgreSQL in $dir did not start on port $port (is another server using it?); see $dir/server.log" >&2; exit 1; }
    archiving=$([ -n "$archive" ] && echo on || echo off)
    if [ "$(admin_psql -At -c 'show archive_mode')" != "$archiving" ]; then
      echo "Restarting PostgreSQL in $dir to turn WAL archiving $archiving" >&2
      as_postgres "$BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -m fast -w -t 60 restart >/dev/null
    else
      admin_psql -c 'select pg_reload_conf()' >/dev/null
    fi
    ensure_roles
    echo "FEEDBACK_DB=Host=127.0.0.1;Port=$port;Database=feedback;Username=feedback;Password=$password"
    echo "FEEDBACK_DB_MIGRATE=Host=127.0.0.1;Port=$port;Database=feedback;Username=feedback_owner;Password=$owner_password"
    echo "ADMIN_DB=Host=127.0.0.1;Port=$port;Database=feedback;Username=postgres;Password=$(cat "$admin_password_file" 2>/dev/null || cat "$password_file")"
    ;;
  configure)
    configure ;;
  roles)
    ensure_roles
    # With a standby: the API reads from it only while pg_stat_replication shows it synchronous,
    # which only a role with pg_read_all_stats may see (api/Infrastructure/Database/ReadDatabase.cs).
    admin_psql -c 'grant pg_read_all_stats to feedback' >/dev/null
    ;;
  stop)
    if [ -s "$dir/PG_VERSION" ] && server_running; then
      as_postgres "$BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    fi
    ;;
  *)
    echo "unknown command: $command" >&2; exit 2 ;;
esac
