#!/usr/bin/env bash
# Bulk-loads ROWS synthetic complaints and their timeline events into a migrated, empty database
# with COPY (bench/queue-data.py writes the rows), for the queue and metrics benchmarks (bench/lib-api.sh).
#
#   bench/queue-load.sh ROWS NOW_UTC WORK_DIR
#
# Connects as a superuser through the usual PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD,
# PGDATABASE) and uses psql from PATH. The secondary indexes are dropped first and rebuilt after
# the load (what pg_restore does too; the constraint indexes stay); foreign-key triggers are off
# during COPY (session_replication_role = replica) and the references are checked by one query
# afterwards; then VACUUM ANALYZE, so the visibility map allows index-only scans. The metrics
# change log (migration 0018) fills as the rows arrive, its triggers firing under replica too; the
# API folds it once started (bench/lib-api.sh waits for that). Prints the time of each step on stderr.
set -euo pipefail
rows=${1:?rows}
now=${2:?now (ISO instant)}
work=${3:?work directory}
shards=2 # one generator and one COPY per CPU of the 2-CPU machine it was tuned on
here=$(cd "$(dirname "$0")" && pwd)
psql_() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
step() { printf '    %-58s %4d s\n' "$1" $((SECONDS - step_started)) >&2; step_started=$SECONDS; }
step_started=$SECONDS

[ "$(psql_ -At -c "select count(*) from complaints")" = 0 ] || { echo "queue-load.sh: complaints is not empty" >&2; exit 1; }

# The secondary indexes and unique constraints of both tables, as the migrations made them (so
# later ones are picked up); the primary keys stay.
psql_ -At -o "$work/indexes.sql" -c "
  select format('alter table %s add constraint %I %s;', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid))
  from pg_constraint c
  where c.conrelid in ('complaints'::regclass, 'complaint_events'::regclass) and c.contype = 'u'
  union all
  select pg_get_indexdef(i.indexrelid) || ';'
  from pg_index i
  where i.indrelid in ('complaints'::regclass, 'complaint_events'::regclass)
    and not exists (select from pg_constraint c where c.conindid = i.indexrelid)"
psql_ -At -c "
  select format('alter table %s drop constraint %I;', c.conrelid::regclass, c.conname)
  from pg_constraint c
  where c.conrelid in ('complaints'::regclass, 'complaint_events'::regclass) and c.contype = 'u'
  union all
  select format('drop index %s;', i.indexrelid::regclass)
  from pg_index i
  where i.indrelid in ('complaints'::regclass, 'complaint_events'::regclass)
    and not exists (select from pg_constraint c where c.conindid = i.indexrelid)" | psql_
step "dropped $(wc -l < "$work/indexes.sql") secondary indexes and unique constraints"

complaint_columns=$(python3 "$here/queue-data.py" columns complaints)
event_columns=$(python3 "$here/queue-data.py" columns events)
copy_settings=(-c "set session_replication_role = replica" -c "set synchronous_commit = off")
pids=()
for shard in $(seq 1 $shards); do
  first=$(( (shard - 1) * rows / shards + 1 )); last=$(( shard * rows / shards ))
  ( python3 "$here/queue-data.py" complaints "$first" "$last" "$rows" "$now" "$work/events-$shard.copy" \
      | psql_ "${copy_settings[@]}" -c "\\copy complaints ($complaint_columns) from pstdin" ) &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
step "COPY $rows complaints ($shards generators in parallel)"

pids=()
for shard in $(seq 1 $shards); do
  psql_ "${copy_settings[@]}" -c "\\copy complaint_events ($event_columns) from '$work/events-$shard.copy'" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
events=$(psql_ -At -c "select count(*) from complaint_events")
rm -f "$work"/events-*.copy
psql_ -c "select setval(pg_get_serial_sequence('complaints', 'id'), (select max(id) from complaints))" >/dev/null
step "COPY $events events"

# Rebuild: the GIN index alone in one session, the B-trees in another.
grep -i 'using gin' "$work/indexes.sql" > "$work/indexes-gin.sql" || true
grep -vi 'using gin' "$work/indexes.sql" > "$work/indexes-btree.sql" || true
pids=()
for part in gin btree; do
  psql_ -c "set maintenance_work_mem = '512MB'" -f "$work/indexes-$part.sql" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
step "rebuilt the secondary indexes"

# What the foreign keys would have checked, in one pass each.
orphans=$(psql_ -At -c "
  select (select count(*) from complaint_events e where not exists (select from complaints c where c.id = e.complaint_id))
       + (select count(*) from complaints c where c.merged_into_id is not null
            and not exists (select from complaints o where o.id = c.merged_into_id))
       + (select count(*) from complaints c where not exists (select from categories k where k.code = c.category_code)
            or not exists (select from sections s where s.code = c.section_code))")
[ "$orphans" = 0 ] || { echo "queue-load.sh: $orphans rows break a foreign key" >&2; exit 1; }
step "checked the foreign keys"

# The per-status counters of migration 0006 (its triggers were off during COPY).
if [ "$(psql_ -At -c "select to_regclass('complaint_counts') is not null")" = t ]; then
  psql_ -c "truncate complaint_counts" -c "
    insert into complaint_counts (section_code, category_code, status, slot, n)
    select section_code, category_code, status, 0, count(*) from complaints group by 1, 2, 3" \
    -c "vacuum (analyze) complaint_counts"
  step "rebuilt complaint_counts"
fi

psql_ -c "vacuum (analyze) complaints" -c "vacuum (analyze) complaint_events"
step "VACUUM ANALYZE"
