#!/usr/bin/env bash
# Two API instances against one, both behind the balancer of `make cluster` (a cluster of its own
# in .data/bench-cluster, Patroni primary and synchronous standby): submissions (bench/submit.lua)
# and lookups (bench/track.lua) under wrk at BENCH_CLIENTS (32) connections for BENCH_DURATION (15)
# seconds each, every answer checked. "One" takes instance 2 out of the balancer
# (HAProxy's "disable server"); the two alternate, twice, and the second round counts. Prints a table and
# appends it to bench/results/history.csv.
#   bash bench/cluster.sh
source "$(dirname "$0")/../scripts/common.sh"
ensure_packages wrk postgresql
clients=${BENCH_CLIENTS:-32}
seconds=${BENCH_DURATION:-15}

export FEEDBACK_CLUSTER_DIR=$ROOT/.data/bench-cluster
export FEEDBACK_CLUSTER_PORT=${FEEDBACK_BENCH_CLUSTER_PORT:-56600}
export FEEDBACK_PORT=${FEEDBACK_BENCH_PORT:-18180}
export FEEDBACK_RATE_LIMIT_PER_MINUTE=0 # wrk sends every request from one address
tmp=$(mktemp -d -t feedback-cluster-bench.XXXXXX)
cleanup() {
  bash scripts/cluster.sh stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

log "Starting a cluster for the benchmark in .data/bench-cluster"
bash scripts/cluster.sh stop >/dev/null 2>&1 || true
rm -rf "$FEEDBACK_CLUSTER_DIR"
bash scripts/cluster.sh start >/dev/null
source scripts/cluster-lib.sh
base=http://127.0.0.1:$FEEDBACK_PORT
printf '{"categoryCode":"air.odor","description":"%s","township":"剡湖街道","address":"城东路88号","contact":{"name":"王女士","phone":"13800138000"}}' \
  "$(tr -d '\n' < bench/description.txt)" > "$tmp/submit.json"

# Runs wrk; prints "rps p50_ms p99_ms" from the BENCH line of bench/checked.lua, failing on any bad answer.
measure() { # script url seconds [script args...]
  local script=$1 url=$2 duration=$3 line
  shift 3
  line=$(wrk -t 2 -c "$clients" -d "${duration}s" --timeout 5s --latency -s "$script" "$url" -- "$@" | grep '^BENCH ok=') \
    || { echo "wrk $script printed no result" >&2; exit 1; }
  case "$line" in *" bad=0 socket_errors=0 "*) ;; *) echo "wrk $script: $line" >&2; exit 1 ;; esac
  /usr/bin/python3 -c 'import re, sys; f = dict(re.findall(r"(\w+)=([\d.]+)", sys.argv[1])); print(round(float(f["rps"])), round(float(f["p50_us"]) / 1000, 1), round(float(f["p99_us"]) / 1000, 1))' "$line"
}

log "Warming up (and collecting tracking codes for the lookups)"
measure bench/submit.lua "$base/api/v1/complaints" 20 "$tmp/submit.json" "$tmp/pairs" >/dev/null
cat "$tmp"/pairs.* > "$tmp/pairs.txt"
measure bench/track.lua "$base" 10 "$tmp/pairs.txt" >/dev/null

# On the primary, as the superuser: what a submission costs the database, for the sizing in docs/operations.md.
primary_sql() {
  PGPASSWORD=$(<"$CLUSTER_DIR/pg.admin-password") "$(pg_bin_dir)/psql" -X -q -At -h 127.0.0.1 -p "$(node_pg_port "$(cluster_primary)")" \
    -U postgres -d feedback -c "$1"
}

declare -A figures
api2_up() { cluster_haproxy "show stat" | grep -q '^api,api2,.*,UP,'; }
# Two rounds, one instance then two in each: whichever runs later runs warmer (JIT, caches), so
# only the second round is reported.
for instances in 1 2 1 2; do
  if [ "$instances" = 1 ]; then
    cluster_haproxy "disable server api/api2" >/dev/null
  else
    cluster_haproxy "enable server api/api2" >/dev/null
    wait_until "instance 2 back in the balancer" 30 api2_up
  fi
  log "$instances instance(s): submissions, $clients connections, ${seconds}s"
  read -r wal_before cases_before <<< "$(primary_sql "select pg_current_wal_lsn() - '0/0', count(*) from complaints" | tr '|' ' ')"
  figures[submit.$instances]=$(measure bench/submit.lua "$base/api/v1/complaints" "$seconds" "$tmp/submit.json")
  read -r wal_after cases_after <<< "$(primary_sql "select pg_current_wal_lsn() - '0/0', count(*) from complaints" | tr '|' ' ')"
  wal_per_submission=$(( (wal_after - wal_before) / (cases_after - cases_before) ))
  log "$instances instance(s): lookups, $clients connections, ${seconds}s"
  figures[track.$instances]=$(measure bench/track.lua "$base" "$seconds" "$tmp/pairs.txt")
done

bytes_per_case=$(primary_sql "select pg_database_size('feedback') / count(*) from complaints")
printf '\nWAL per submission (what the standby receives and the archive keeps): %s bytes; database size per case after the run: %s bytes\n' \
  "$wal_per_submission" "$bytes_per_case"
today=$(date -u +%F) commit=$(git rev-parse --short HEAD 2>/dev/null || true)
printf '\n| operation (%s connections, through HAProxy) | one instance | two instances | two ÷ one |\n|---|---|---|---|\n' "$clients"
for operation in submit track; do
  read -r one_rps one_p50 one_p99 <<< "${figures[$operation.1]}"
  read -r two_rps two_p50 two_p99 <<< "${figures[$operation.2]}"
  name=$([ "$operation" = submit ] && echo "submissions" || echo "lookups")
  printf '| %s | %s/s, p50 %s ms, p99 %s ms | %s/s, p50 %s ms, p99 %s ms | %s |\n' "$name" \
    "$one_rps" "$one_p50" "$one_p99" "$two_rps" "$two_p50" "$two_p99" "$(/usr/bin/python3 -c "print(f'{$two_rps / $one_rps:.2f}')")"
  # Two rounds, one instance then two in each: whichever runs later runs warmer (JIT, caches), so
# only the second round is reported.
for instances in 1 2 1 2; do
    read -r rps p50 p99 <<< "${figures[$operation.$instances]}"
    printf '%s,%s,cluster.%s.c%s,instances_%s_rps,%s,1/s\n%s,%s,cluster.%s.c%s,instances_%s_p99,%s,ms\n' \
      "$today" "$commit" "$operation" "$clients" "$instances" "$rps" "$today" "$commit" "$operation" "$clients" "$instances" "$p99" >> bench/results/history.csv
  done
done
