# Benchmark "baseline", sourced by bench/run.sh (alone: bash bench/baseline.sh): raw PostgreSQL under
# pgbench, the yardstick of the API's submission and lookup — a complaint-sized single-row INSERT and
# a SELECT by unique tracking code (bench/pgbench-*.sql) on a table shaped like complaints
# (bench/baseline-schema.sql, ROWS rows prefilled), in its own database, at each of CLIENTS.
# Figures: pgbench.{insert,select}.CLIENTS.{tps,p50,p95,p99}.
[ "${BASH_SOURCE[0]}" != "$0" ] || BENCH_ONLY=baseline exec bash "$(dirname "$0")/run.sh"

log "pgbench baseline: a complaint-shaped table in its own database, $ROWS rows prefilled"
as_admin -c "create database pgbench_baseline owner feedback"
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -U feedback -d pgbench_baseline \
  -v rows="$ROWS" -v description="$description" -f bench/baseline-schema.sql >/dev/null

for clients in "${CLIENTS[@]}"; do run_pgbench insert bench/pgbench-insert.sql "$clients"; done
for clients in "${CLIENTS[@]}"; do run_pgbench select bench/pgbench-select.sql "$clients"; done
as_admin -c "drop database pgbench_baseline"
