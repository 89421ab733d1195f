#!/usr/bin/env bash
# make bench: the API against raw PostgreSQL, measured in one run on a fresh throwaway cluster.
# Each benchmark is one script in bench/, sourced here in this order (bench/lib.sh is the shared part):
#
#   baseline  pgbench: a complaint-sized single-row INSERT and a unique-key SELECT (bench/baseline.sh)
#   api       the API under wrk: submission and tracking lookup, against the baseline (bench/api.sh)
#   profile   where a submission's CPU goes: perf on the API and PostgreSQL, pg_stat_statements, and
#             what each index and trigger adds to a case (bench/profile.sh, bench/profile.py)
#   photo     a submission with one photo and an Idempotency-Key, 2560 px and 12 MP (bench/photo.sh)
#   notify    a submission with consent to SMS and email against one without, and the dispatcher's
#             pace sending email to a real SMTP server on loopback (bench/notify.sh)
#   queue     the staff queue and its searches at 1,000,000 complaints, against pgbench (bench/queue.sh)
#   metrics   the leadership metrics at 100,000 and 1,000,000 complaints (bench/metrics.sh)
#
# bench/report.py computes the percentiles, ratios and CPU shares and writes the report: printed,
# saved to bench/results/latest.md, and its figures appended to bench/results/history.csv
# (date,commit,benchmark,metric,value,unit; one row per figure). The tools' own output goes to
# bench/results/raw/, the statements' plans to bench/results/plans/. wrk, pgbench (postgresql), curl
# python3, python3-aiosmtpd and imagemagick are installed with apt when missing (as root).
#
# Exits non-zero when something failed (a non-2xx answer, a socket error, a tool error); a target
# that is short is reported, not failed. Settings, as environment variables:
#   BENCH_ONLY            benchmarks to run, e.g. "queue" or "photo metrics" (make bench ONLY=queue;
#                         also: bash bench/queue.sh); "api" brings "baseline" along. Default: all.
#   BENCH_DURATION        seconds per run of the baseline, the API and the photo, default 15
#   BENCH_WARMUP          seconds the API's submission is warmed up before it is measured (the
#                         lookup half as long), default 30; the profile's warm-up too
#   BENCH_ROWS            rows prefilled for the SELECT baseline, default 100000
#   BENCH_CLIENTS         client counts of the baseline and the API, default "8 32"; must include 32
#   BENCH_API_DB_OPTIONS  Npgsql settings appended to the API's connection string, e.g.
#                         "Max Auto Prepare=20" (the report names them)
#   BENCH_API_ENV         variables set for the API process, e.g. "DOTNET_TieredPGO=0" (named too)
#   BENCH_PHOTO_CLIENTS   connections of the photo runs, default "1 4"
#   BENCH_QUEUE_ROWS      complaints of the queue, default 1000000; 0 skips the queue
#   BENCH_QUEUE_CLIENTS   connections of the queue runs, default "1 8"; the goals are judged at the most
#   BENCH_QUEUE_DURATION  seconds per queue run, default 10
#   BENCH_NOTIFY_EMAILS   emails the dispatcher sends in the notify benchmark, default 5000
#   BENCH_METRICS         0 skips the metrics, default 1
#   BENCH_METRICS_ROWS    complaints of each metrics size, default "1000000 5000000", in increasing
#                         order; the ratio is last ÷ first (5,000,000 needs about 30 GB of disk)
#   BENCH_METRICS_CLIENTS connections sending each metrics view at once, default 8
#   BENCH_METRICS_REQUESTS  answers per view and size, at least; default 40
#   BENCH_METRICS_SECONDS   seconds per route and size, at least; default 10
# A quick run to try the scripts (figures not comparable): BENCH_DURATION=2 BENCH_WARMUP=6 BENCH_ROWS=1000
# BENCH_CLIENTS="4 32" BENCH_QUEUE_ROWS=20000 BENCH_QUEUE_DURATION=2 BENCH_METRICS_ROWS="5000 20000"
# BENCH_METRICS_REQUESTS=3 BENCH_METRICS_SECONDS=1 make bench
source "$(dirname "$0")/lib.sh"

all=(baseline api profile photo notify queue metrics)
read -r -a only <<< "${BENCH_ONLY:-${all[*]}}"
for name in "${only[@]}"; do [[ " ${all[*]} " == *" $name "* ]] || fail "BENCH_ONLY: no benchmark '$name' (there are: ${all[*]})"; done
[[ " ${only[*]} " != *" api "* ]] || only+=(baseline)
[ "$QUEUE_ROWS" -gt 0 ] || only=("${only[@]/queue/}")
[ "$METRICS" != 0 ] || only=("${only[@]/metrics/}")

put run.date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
put run.commit "$(git rev-parse --short HEAD 2>/dev/null)$(git status --porcelain --untracked-files=no -- . ':!bench/results' 2>/dev/null | grep -q . && echo -dirty)"
put machine.cpus "$(nproc)"
for name in "${all[@]}"; do
  if [[ " ${only[*]} " == *" $name "* ]]; then source "bench/$name.sh"; fi
done
stop_api
put bench.seconds $((SECONDS - started))

as_admin -c "select relname, n_live_tup, last_autovacuum, last_autoanalyze, autovacuum_count, autoanalyze_count from pg_stat_user_tables order by relname" \
  -c "select * from pg_stat_bgwriter" > "$raw/postgres-stats.txt" 2>&1 || true
report render "$figures" > bench/results/latest.md || fail "bench/report.py could not write the report"
report history "$figures" bench/results/history.csv || fail "bench/report.py could not append to bench/results/history.csv"
printf '\n%s\n\n(saved to bench/results/latest.md; figures appended to bench/results/history.csv)\n' "$(cat bench/results/latest.md)"
