#!/usr/bin/env bash
# Where to count the shared rate-limit budgets: the same work in PostgreSQL (the unlogged table's
# upsert, as RateLimitBudgets runs it) and in Redis (INCR plus EXPIRE in one script, the usual
# Redis pattern), each on its own server on loopback, at 1 and 32 connections, 1000 client
# addresses. Prints requests a second and latency; docs/operations.md records a run.
#   bash bench/rate-limit-store.sh        (BENCH_SECONDS=10)
source "$(dirname "$0")/../scripts/common.sh"
ensure_packages postgresql redis-server
seconds=${BENCH_SECONDS:-10}
bin=$(pg_bin_dir)
tmp=$(mktemp -d -t feedback-ratelimit.XXXXXX); chmod 755 "$tmp"
pg_port=$((20000 + RANDOM % 20000)) redis_port=$((40000 + RANDOM % 20000))
cleanup() {
  bash scripts/pg-cluster.sh stop "$tmp/pg" >/dev/null 2>&1 || true
  [ -f "$tmp/redis.pid" ] && kill "$(cat "$tmp/redis.pid")" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

settings=$(bash scripts/pg-cluster.sh start "$tmp/pg" "$pg_port")
owner_url=$(printf '%s\n' "$settings" | sed -n 's/^FEEDBACK_DB_MIGRATE=//p')
export PGPASSWORD=$(printf '%s' "$owner_url" | sed -n 's/.*Password=\([^;]*\).*/\1/p')
psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U feedback_owner -d feedback)
# The table as migration 0030 makes it.
"${psql[@]}" -c "$(sed -n '/^create unlogged table rate_limit_windows/,/^);/p' db/migrations/0030_shared_state_for_several_instances.sql)"
cat > "$tmp/upsert.sql" <<'SQL'
\set client random(1, 1000)
insert into rate_limit_windows (budget, client, window_start, used) values ('anonymous-writes', :client, date_trunc('minute', now()), 1)
on conflict (budget, client, window_start) do update set used = rate_limit_windows.used + 1 returning used;
SQL
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" --dir "$tmp"
for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done

printf '| store | connections | per second | mean latency |\n|---|---|---|---|\n'
for clients in 1 32; do
  out=$("$bin/pgbench" -n -M prepared -c "$clients" -j 2 -T "$seconds" -f "$tmp/upsert.sql" \
    -h 127.0.0.1 -p "$pg_port" -U feedback_owner feedback 2>&1)
  printf '| PostgreSQL upsert | %s | %s | %s ms |\n' "$clients" \
    "$(sed -n 's/^tps = \([0-9]*\).*/\1/p' <<< "$out")" "$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<< "$out")"
  requests=$((clients == 1 ? 50000 : 400000))
  out=$(redis-benchmark -p "$redis_port" -c "$clients" -n "$requests" -r 1000 --csv \
    eval "local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('expire', KEYS[1], 120) end return n" 1 'rl:__rand_int__' 2>&1 | tail -n 1)
  printf '| Redis INCR+EXPIRE | %s | %s |\n' "$clients" \
    "$(/usr/bin/python3 -c 'import csv, sys; row = next(csv.reader(sys.stdin)); print(f"{float(row[1]):.0f} | {row[2]} ms")' <<< "$out")"
done
