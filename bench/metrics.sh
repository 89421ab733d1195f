# Benchmark "metrics", sourced by bench/run.sh (alone: bash bench/metrics.sh; BENCH_METRICS=0 skips
# it): the leadership metrics at each of METRICS_ROWS complaints, each size in its own database loaded
# like the queue's (the queue's own database serves again when it holds that many). Summary, breakdown
# by section and ranking for one year (today − 364 days to today, in the bureau's time zone) as the
# leader, back to back on one connection by bench/metrics-client.py (requests take up to seconds, so
# a fixed number of answers rather than wrk's fixed time), and the plan of MetricsCalculator's
# statement (bench/results/plans/plans-metrics-*.txt). Figures: metrics.*.
[ "${BASH_SOURCE[0]}" != "$0" ] || BENCH_ONLY=metrics exec bash "$(dirname "$0")/run.sh"

metrics_started=$SECONDS
enable_auto_explain
bureau_zone=${FEEDBACK_TIME_ZONE:-Asia/Shanghai} # the API's, as start_api passes the environment on
bureau_today=$(TZ=$bureau_zone date +%F)
metrics_from=$(date -d "$bureau_today - 364 days" +%F)
put metrics.from "$metrics_from"; put metrics.to "$bureau_today"
metrics_routes=(summary breakdown ranking)
declare -A m_path=([summary]="/api/v1/metrics/summary?from=$metrics_from&to=$bureau_today"
                   [breakdown]="/api/v1/metrics/breakdown?by=section&from=$metrics_from&to=$bureau_today"
                   [ranking]="/api/v1/metrics/ranking?from=$metrics_from&to=$bureau_today")
declare -A m_marker=([summary]='"current":{"volume":' [breakdown]='"rows":[{"key":' [ranking]='"rows":[{"rank":')
mkdir -p "$tmp/metrics"
: > "$tmp/metrics/plans-summary.txt"
put metrics.plans "$tmp/metrics/plans-summary.txt"
for size in "${METRICS_ROWS[@]}"; do
  stop_api
  if [ -n "${queue_db:-}" ] && [ "$size" = "$QUEUE_ROWS" ]; then
    database=$queue_db; put "metrics.$size.load" "the queue phase's database"
  else
    database=feedback_metrics_$size
    load_complaints "$database" "$size" "Metrics"
    put "metrics.$size.load" "loaded in ${load_seconds} s"
  fi
  facts=$(as_admin -d "$database" -At -F ' ' -v from="$metrics_from" -v to="$bureau_today" -v tz="$bureau_zone" <<'SQL'
select count(*), (select count(*) from complaint_events),
       count(*) filter (where (submitted_at at time zone :'tz')::date between :'from' and :'to'),
       count(*) filter (where (evaluated_at at time zone :'tz')::date between :'from' and :'to'),
       count(*) filter (where (review_requested_at at time zone :'tz')::date between :'from' and :'to'),
       count(*) filter (where status = 'merged'), count(*) filter (where latitude is not null), count(*) filter (where support_count > 0),
       pg_size_pretty(pg_total_relation_size('complaints'))
from complaints
SQL
  )
  put "metrics.$size.facts" "$facts"
  read -r f_rows f_events f_year f_evals f_reviews _ _ _ f_size <<< "$facts"
  printf '    %s complaints, %s events, %s with indexes; in the year: %s submitted, %s evaluations, %s reviews\n' \
    "$f_rows" "$f_events" "$f_size" "$f_year" "$f_evals" "$f_reviews" >&2
  start_api "$database" "api-metrics-$size.log" FEEDBACK_DEMO=1 FEEDBACK_DEMO_PASSWORD=demo-2026 FEEDBACK_REMINDER_INTERVAL_SECONDS=3600
  wait_for_metrics_fold "$database"
  [ "$database" != "${queue_db:-}" ] || fold_seconds=${queue_fold_seconds:-$fold_seconds}
  put "metrics.$size.fold_seconds" "$fold_seconds"
  put "metrics.$size.counters" "$(as_admin -d "$database" -At \
    -c "select count(*) || ' rows, ' || pg_size_pretty(pg_total_relation_size('metrics_facts') + pg_total_relation_size('metrics_spans')) from metrics_facts")"
  for route in "${metrics_routes[@]}"; do
    name=metrics-$route-$size key=metrics.$size.$route
    out="$tmp/metrics/$name"
    # Two answers to warm up (caches, JIT of the API, prepared statements), then the plan.
    python3 bench/metrics-client.py "$base" "$(staff_token leader)" "${m_path[$route]}" "${m_marker[$route]}" 2 0 600 "$out.warmup" > "$out.warmup.txt" \
      || { cat "$out.warmup.txt" >&2; fail "the warm-up of $name failed"; }
    read_bench_line metrics-client "warmup-$name" 1 "$out.warmup.txt" 0
    line=$(capture_plan "$name" "$(staff_token leader)" "${m_path[$route]}" "$tmp/metrics")
    printf '%s\n' "$line" >> "$tmp/metrics/plans-summary.txt"
    sql_ms=$(sed -n 's/.* metrics: .*(\([0-9.]*\) ms)$/\1/p' <<< "$line")
    log "GET ${m_path[$route]} as leader at $size complaints: at least $METRICS_REQUESTS requests and ${METRICS_SECONDS}s"
    as_admin -c checkpoint
    cpu_start
    pg_cpu0=$(postgres_cpu) api_cpu0=$(process_cpu "$api_pid")
    status=0
    TIMEFORMAT='%U %S'
    { time python3 bench/metrics-client.py "$base" "$(staff_token leader)" "${m_path[$route]}" "${m_marker[$route]}" \
        "$METRICS_REQUESTS" "$METRICS_SECONDS" 600 "$out.latencies" > "$out.txt" 2>&1; } 2> "$out.time" || status=$?
    pg_cpu1=$(postgres_cpu) api_cpu1=$(process_cpu "$api_pid")
    cpu_stop "$out.time" "API metrics $route · $(report thousands "$size")" 1
    cp "$out.txt" "$raw/$name.txt"; cp "$out.latencies" "$raw/$name-latencies-us.txt"
    read_bench_line metrics-client "$name" 1 "$out.txt" "$status"
    count=$(wc -l < "$out.latencies")
    # CPU per request: what the request costs whatever else the machine runs (latency is not).
    cpu_ms=$(report per-request "$((pg_cpu1 - pg_cpu0))" "$((api_cpu1 - api_cpu0))" "$count")
    put "$key.p50" "$lat50"; put "$key.p95" "$lat95"; put "$key.p99" "$lat99"; put "$key.count" "$count"
    put "$key.sql_ms" "$sql_ms"; put "$key.cpu_ms" "$cpu_ms"
    printf '    %s answers, p50 %s ms, p95 %s ms, p99 %s ms (the statement alone, under EXPLAIN ANALYZE: %s ms; CPU ms per request, PostgreSQL / API: %s)\n' \
      "$count" "$lat50" "$lat95" "$lat99" "$sql_ms" "$cpu_ms" >&2
  done
  put "metrics.$size.peak_mib" "$(api_memory VmHWM)"
done
put metrics.seconds $((SECONDS - metrics_started))
