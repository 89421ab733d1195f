#!/usr/bin/env bash
# make backup / make restore: base backups of the database, rolled forward through the WAL archive
# that scripts/pg-cluster.sh fills (docs/operations.md, "Backups and restore").
#
#   scripts/backup.sh backup                a verified base backup into BACKUP_DIR/<UTC start>/,
#                                           keeping the newest BACKUP_KEEP and the WAL they need
#   scripts/backup.sh restore               a backup into a fresh PG_DATA, rolled forward to the end
#                                           of the archive or to TARGET_TIME, then started
#   scripts/backup.sh archive-command DIR   the archive_command / restore_command of an archive in
#   scripts/backup.sh restore-command DIR   DIR, for a server configured elsewhere (Patroni)
#
# Settings (environment variables; relative paths from the repository's root, where `make` runs):
#   PG_DATA, PG_PORT   the local database (default .data/pg, FEEDBACK_DB_PORT or 55432)
#   WAL_ARCHIVE        the WAL archive (default .data/wal-archive)
#   BACKUP_DIR         where backups go (default .data/backups)
#   BACKUP_KEEP        backups kept (default 7); older ones go, with the archived WAL only they needed
#   PGHOST, PGPORT, PGUSER, PGPASSWORD   backup: another server to back up, e.g. a Patroni node (a
#                      superuser or a role with REPLICATION; give its WAL_ARCHIVE too, or none is
#                      cleaned); unset: the local database, which is started when it is not running
#   BACKUP             restore: the backup's folder (default the newest one finished before TARGET_TIME)
#   TARGET_TIME        restore: the point in time, e.g. '2026-12-06 10:00:00+08' (default: the end of
#                      the archive); transactions committed at or before it are restored, none after
#   STOP=1             restore: stop the local database if it runs (otherwise restore refuses)
#   RESTORED_WAL_ARCHIVE  restore: where the restored server archives (default WAL_ARCHIVE); a
#                      restore drill into another folder gives its own, so the drill's new timeline
#                      stays out of the real archive
source "$(dirname "$0")/common.sh"

wal_archive_given=${WAL_ARCHIVE:+yes}
PG_DATA=$(realpath -m "${PG_DATA:-$LOCAL_PG_DATA}")
PG_PORT=${PG_PORT:-$LOCAL_PG_PORT}
WAL_ARCHIVE=$(realpath -m "${WAL_ARCHIVE:-$LOCAL_WAL_ARCHIVE}")
BACKUP_DIR=$(realpath -m "${BACKUP_DIR:-.data/backups}")
BACKUP_KEEP=${BACKUP_KEEP:-7}
PASSWORD_FILES=(password owner-password admin-password)

fail() { echo "$*" >&2; exit 1; }

# Finished backups, oldest first (a backup's folder is named by its UTC start, so names sort by
# time); only those of the database system given, if one is.
finished_backups() {
  local backup system=${1:-}
  for backup in "$BACKUP_DIR"/*Z; do
    [ -f "$backup/finished_at" ] || continue
    [ -z "$system" ] || [ "$(cat "$backup/system_identifier" 2>/dev/null)" = "$system" ] || continue
    echo "$backup"
  done
}

human_size() { du -sh "$1" | cut -f1; }
now_microseconds() { echo "${EPOCHREALTIME//[.,]/}"; }
seconds_since() { local us=$(($(now_microseconds) - $1)); printf '%d.%d s' $((us / 1000000)) $((us / 100000 % 10)); }

backup() {
  [[ "$BACKUP_KEEP" =~ ^[1-9][0-9]*$ ]] || fail "BACKUP_KEEP must be a number of backups, at least 1 (it is '$BACKUP_KEEP')"
  local local_database=0
  if [ -z "${PGHOST:-}" ]; then
    local_database=1
    [ -s "$PG_DATA/PG_VERSION" ] || fail "There is no local database in $PG_DATA to back up (make run creates it; PGHOST names another server)."
    bash scripts/pg-cluster.sh start "$PG_DATA" "$PG_PORT" "$WAL_ARCHIVE" >/dev/null
    export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres
    PGPASSWORD=$(cat "$PG_DATA.admin-password")
    export PGPASSWORD
  fi

  mkdir -p "$BACKUP_DIR"
  chmod 700 "$BACKUP_DIR"
  exec 9> "$BACKUP_DIR/.lock"
  flock -n 9 || fail "Another backup into $BACKUP_DIR is running."
  rm -rf "$BACKUP_DIR"/*.partial # left by an interrupted backup, never restorable

  [ "$("$BIN/psql" -X -At -d postgres -c 'show archive_mode')" != off ] \
    || log "WAL archiving is off on $PGHOST:$PGPORT: this backup restores to its own end only, not to a later point in time"
  local name work started
  name=$(date -u +%Y%m%dT%H%M%SZ)
  work="$BACKUP_DIR/$name.partial"
  started=$(now_microseconds)
  log "Backing up $PGHOST:$PGPORT into $BACKUP_DIR/$name"
  # Tar files, the data compressed with zstd on every core (several times faster than gzip, and
  # smaller), with the WAL written during the copy (so a backup restores on its own), a manifest
  # of every file's checksum, and a checkpoint at once rather than spread. (The local server's
  # socket lives in its data folder; the server says it skips it.)
  "$BIN/pg_basebackup" --pgdata="$work" --format=tar --compress="client-zstd:workers=$(nproc)" \
    --wal-method=stream --checkpoint=fast --label="feedback $name" --no-password \
    2> >(grep -v 'skipping special file "./.s.PGSQL' >&2)
  # pg_basebackup leaves the WAL's tar uncompressed with zstd: 16 MB, mostly zeros.
  [ ! -f "$work/pg_wal.tar" ] || zstd -q --rm "$work/pg_wal.tar"
  date -u '+%Y-%m-%d %H:%M:%S+00' > "$work/finished_at"

  # PostgreSQL 15's pg_verifybackup reads plain copies only: check what was stored by unpacking it.
  local unpacked="$work/verifying"
  unpack "$work" "$unpacked"
  "$BIN/pg_verifybackup" --quiet --manifest-path="$work/backup_manifest" "$unpacked" \
    || fail "The backup in $work does not match its manifest; it is left there, unfinished."
  cp "$unpacked/backup_label" "$work/backup_label"
  local system
  system=$("$BIN/pg_controldata" "$unpacked" | sed -n 's/^Database system identifier: *//p')
  echo "$system" > "$work/system_identifier"
  rm -rf "$unpacked"
  if [ "$local_database" = 1 ]; then
    # The roles' passwords live beside the data folder; a restore on another machine needs them.
    (umask 077; mkdir "$work/passwords"; for file in "${PASSWORD_FILES[@]}"; do cp "$PG_DATA.$file" "$work/passwords/$file"; done)
  fi
  mv "$work" "$BACKUP_DIR/$name"
  log "Backup $BACKUP_DIR/$name: $(human_size "$BACKUP_DIR/$name"), verified, in $(seconds_since "$started")"

  # Backups of another database system (one the local database was re-created over) are left alone.
  local backups
  mapfile -t backups < <(finished_backups "$system")
  while [ "${#backups[@]}" -gt "$BACKUP_KEEP" ]; do
    log "Removing the old backup ${backups[0]} (BACKUP_KEEP=$BACKUP_KEEP)"
    rm -rf "${backups[0]}"
    backups=("${backups[@]:1}")
  done
  if [ "$local_database" = 0 ] && [ -z "$wal_archive_given" ]; then
    # Another server's backup never cleans the local database's archive.
    log "WAL_ARCHIVE not given for $PGHOST:$PGPORT: no archived WAL removed"
  elif [ -d "$WAL_ARCHIVE" ]; then
    local oldest_needed
    oldest_needed=$(sed -n 's/^START WAL LOCATION: .* (file \([0-9A-F]\{24\}\))$/\1/p' "${backups[0]}/backup_label")
    [ -n "$oldest_needed" ] || fail "No start WAL file in ${backups[0]}/backup_label"
    "$BIN/pg_archivecleanup" -x .gz "$WAL_ARCHIVE" "$oldest_needed"
    log "WAL archive $WAL_ARCHIVE: $(human_size "$WAL_ARCHIVE"), from $oldest_needed on"
  fi
}

# Unpacks a backup's tar files into a new folder DIR (the WAL into DIR/pg_wal).
unpack() {
  local backup=$1 dir=$2
  mkdir -p "$(dirname "$dir")"
  (umask 077; mkdir "$dir")
  untar "$backup"/base.tar* "$dir"
  untar "$backup"/pg_wal.tar* "$dir/pg_wal"
}

untar() {
  case "$1" in
    *.zst) zstd -dcq "$1" | tar -xf - -C "$2" ;;
    *) tar -xf "$1" -C "$2" ;;
  esac
}

restore() {
  local backup=${BACKUP:-} target_epoch=
  if [ -n "${TARGET_TIME:-}" ]; then
    target_epoch=$(date -d "$TARGET_TIME" +%s 2>/dev/null) || fail "TARGET_TIME: '$TARGET_TIME' is not a time (e.g. '2026-12-06 10:00:00+08')"
  fi
  if [ -z "$backup" ]; then
    local candidate
    while read -r candidate; do
      if [ -z "$target_epoch" ] || [ "$(date -d "$(cat "$candidate/finished_at")" +%s)" -lt "$target_epoch" ]; then backup=$candidate; fi
    done < <(finished_backups)
    [ -n "$backup" ] || fail "No backup in $BACKUP_DIR${TARGET_TIME:+ finished before $TARGET_TIME}."
  fi
  backup=$(realpath -m "$backup")
  [ -f "$backup/finished_at" ] && [ -f "$backup/backup_manifest" ] || fail "$backup is not a finished backup."

  if as_postgres "$BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    [ "${STOP:-}" = 1 ] || fail "The database in $PG_DATA is running, so nothing was restored. Stop it first (make db-stop, and stop the API), or run 'make restore STOP=1' to have it stopped."
    log "Stopping the database in $PG_DATA"
    bash scripts/pg-cluster.sh stop "$PG_DATA"
  fi

  local aside= file
  if [ -e "$PG_DATA" ]; then
    aside="$PG_DATA.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
    log "Moving the current data folder aside to $aside (nothing is deleted)"
    mv "$PG_DATA" "$aside"
    for file in "${PASSWORD_FILES[@]}"; do [ ! -e "$PG_DATA.$file" ] || cp -p "$PG_DATA.$file" "$aside.$file"; done
  fi

  log "Restoring $backup into $PG_DATA"
  local started
  started=$(now_microseconds)
  unpack "$backup" "$PG_DATA"
  "$BIN/pg_verifybackup" --quiet --manifest-path="$backup/backup_manifest" "$PG_DATA" \
    || fail "$backup does not match its manifest: not restored${aside:+ (the data folder is in $aside)}."
  # The old server's socket lock, copied with the data folder (its socket lives there), would stop
  # the restored one from starting if the old server's process id is in use again.
  rm -f "$PG_DATA"/.s.PGSQL.*.lock
  if [ -n "$aside" ]; then
    # WAL the old server wrote but had not archived yet (the last minute before it stopped, when it
    # stopped just now): without it, a restore to the end would stop short of the last commits.
    local segment
    for segment in "$aside"/pg_wal/[0-9A-F]*; do
      [[ "$(basename "$segment")" =~ ^[0-9A-F]{24}$ ]] && [ ! -e "$aside/pg_wal/archive_status/$(basename "$segment").done" ] || continue
      cp -n "$segment" "$PG_DATA/pg_wal/" || log "Could not copy $segment (not restored past the archive)"
    done
  fi
  for file in "${PASSWORD_FILES[@]}"; do
    [ ! -f "$backup/passwords/$file" ] || (umask 077; cp "$backup/passwords/$file" "$PG_DATA.$file")
    [ "$(id -u)" != 0 ] || [ ! -e "$PG_DATA.$file" ] || chown postgres: "$PG_DATA.$file"
  done
  bash scripts/pg-cluster.sh configure "$PG_DATA" "$PG_PORT" "${RESTORED_WAL_ARCHIVE:-$WAL_ARCHIVE}"
  # Recovery settings, removed again once recovery ends; recovery.signal starts an archive recovery
  # that ends at the target (or where the archive ends) and then promotes to a new timeline.
  {
    echo "restore_command = '$(wal_restore_command "$WAL_ARCHIVE" | sed "s/'/''/g")'"
    [ -z "${TARGET_TIME:-}" ] || echo "recovery_target_time = '${TARGET_TIME//\'/\'\'}'"
    echo "recovery_target_action = 'promote'"
  } >> "$PG_DATA/postgresql.auto.conf"
  touch "$PG_DATA/recovery.signal"
  [ "$(id -u)" != 0 ] || chown -R postgres: "$PG_DATA"

  log "Replaying the archived WAL from $WAL_ARCHIVE${TARGET_TIME:+ up to $TARGET_TIME}"
  # Without hot standby, nobody (a running API) connects before recovery has ended.
  as_postgres "$BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -o '-c hot_standby=off' start >/dev/null
  local psql=("$BIN/psql" -X -At -h "$PG_DATA" -p "$PG_PORT" -U postgres -d postgres)
  # Polled while the server lives: recovery takes as long as the WAL to replay, and a server that
  # cannot reach the target stops, saying why in its log.
  until [ "$(as_postgres "${psql[@]}" -c 'select pg_is_in_recovery()' 2>/dev/null)" = f ]; do
    if ! as_postgres "$BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
      tail -n 5 "$PG_DATA/server.log" >&2
      fail "Recovery failed (above, the end of $PG_DATA/server.log).${aside:+ The previous data folder is in $aside.}"
    fi
    sleep 0.2
  done
  local last_commit timeline
  last_commit=$(as_postgres "${psql[@]}" -c "select coalesce('the last one replayed committed at ' || pg_last_xact_replay_timestamp(), 'none committed after the backup')")
  timeline=$(as_postgres "${psql[@]}" -c "select ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int")
  # Without the recovery settings, and restarted so that the running server has none of them either.
  as_postgres "${psql[@]}" -q -c 'alter system reset restore_command' -c 'alter system reset recovery_target_time' \
    -c 'alter system reset recovery_target_action'
  bash scripts/pg-cluster.sh stop "$PG_DATA"
  bash scripts/pg-cluster.sh start "$PG_DATA" "$PG_PORT" "${RESTORED_WAL_ARCHIVE:-$WAL_ARCHIVE}" >/dev/null
  log "Restored $(basename "$backup") to ${TARGET_TIME:-the end of the archive} in $(seconds_since "$started"); transactions: $last_commit; timeline $timeline"
  log "The database runs in $PG_DATA on port $PG_PORT${aside:+; the previous data folder is kept in $aside}"
}

case "${1:-}" in
  backup|restore)
    ensure_packages postgresql zstd
    BIN=$(pg_bin_dir)
    "$1" ;;
  archive-command) wal_archive_command "$(realpath -m "${2:?archive folder required}")" ;;
  restore-command) wal_restore_command "$(realpath -m "${2:?archive folder required}")" ;;
  *) fail "usage: backup.sh backup | restore | archive-command DIR | restore-command DIR" ;;
esac
