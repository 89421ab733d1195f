# Benchmark "metrics", sourced by bench/run.sh (alone: bash bench/metrics.sh; BENCH_METRICS=0 skips
# it): the leadership metrics at each of METRICS_ROWS complaints, each size in its own database loaded
# like the queue's (the queue's own database serves again when it holds that many). Every view of the
# dashboard for one year (today − 364 days to today, in the bureau's time zone) as the leader — the
# summary, the breakdowns by section, category, township, channel and week, the ranking, and two,
# three and four of section, category, township and channel at once — each sent back to back on
# METRICS_CLIENTS connections by bench/metrics-client.py (a fixed number of answers rather than wrk's
# fixed time), and the plan of MetricsCalculator's statement (bench/results/plans/plans-metrics-*.txt).
# Before measuring, the API folds the change log the load filled: the fold after a migration or a
# recount. Figures: metrics.*.
[ "${BASH_SOURCE[0]}" != "$0" ] || BENCH_ONLY=metrics exec bash "$(dirname "$0")/run.sh"

metrics_started=$SECONDS
enable_auto_explain
bureau_zone=${FEEDBACK_TIME_ZONE:-Asia/Shanghai} # the API's, as start_api passes the environment on
bureau_today=$(TZ=$bureau_zone date +%F)
metrics_from=$(date -d "$bureau_today - 364 days" +%F)
put metrics.from "$metrics_from"; put metrics.to "$bureau_today"
# The views, in bench/report.py's METRICS_VIEWS order; townships and channels as bench/queue-data.py writes them.
year="from=$metrics_from&to=$bureau_today"
metrics_routes=(summary breakdown ranking by_category by_township by_channel by_week
                category_township section_category_by_township category_township_channel_by_section all_four)
declare -A m_path=([summary]="/api/v1/metrics/summary?$year"
                   [breakdown]="/api/v1/metrics/breakdown?by=section&$year"
                   [ranking]="/api/v1/metrics/ranking?$year"
                   [by_category]="/api/v1/metrics/breakdown?by=category&$year"
                   [by_township]="/api/v1/metrics/breakdown?by=township&$year"
                   [by_channel]="/api/v1/metrics/breakdown?by=channel&$year"
                   [by_week]="/api/v1/metrics/breakdown?by=week&$year"
                   [category_township]="/api/v1/metrics/summary?category=air&township=%E5%89%A1%E6%B9%96%E8%A1%97%E9%81%93&$year"
                   [section_category_by_township]="/api/v1/metrics/breakdown?by=township&section=enforcement&category=noise&$year"
                   [category_township_channel_by_section]="/api/v1/metrics/breakdown?by=section&category=noise&township=%E7%94%98%E9%9C%96%E9%95%87&channel=web&$year"
                   [all_four]="/api/v1/metrics/summary?section=enforcement&category=air.odor&township=%E7%94%98%E9%9C%96%E9%95%87&channel=web&$year")
summary_marker='"current":{"volume":' rows_marker='"rows":[{"'
declare -A m_marker=([summary]=$summary_marker [category_township]=$summary_marker [all_four]=$summary_marker [ranking]='"rows":[{"rank":')
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
  # The API's peak memory through the fold (for the queue's database, in the queue phase);
  # then back to the current size (Linux ≥ 4.0), so the requests' peak is their own.
  fold_peak=$(api_memory VmHWM)
  [ "$database" != "${queue_db:-}" ] || fold_peak=${queue_fold_peak:-$fold_peak}
  put "metrics.$size.fold_peak_mib" "$fold_peak"
  echo 5 > "/proc/$api_pid/clear_refs" 2>/dev/null || true
  put "metrics.$size.counters" "$(as_admin -d "$database" -At -c "select count(*) || ' rows, ' || pg_size_pretty(pg_total_relation_size('metrics_counts')
    + pg_total_relation_size('metrics_spans') + pg_total_relation_size('metrics_combinations')) from metrics_counts")"
  for route in "${metrics_routes[@]}"; do
    name=metrics-$route-$size key=metrics.$size.$route
    out="$tmp/metrics/$name"
    # Two answers to warm up (caches, JIT of the API, prepared statements), then the plan.
    marker=${m_marker[$route]:-$rows_marker}
    python3 bench/metrics-client.py "$base" "$(staff_token leader)" "${m_path[$route]}" "$marker" 1 2 0 600 "$out.warmup" > "$out.warmup.txt" \
      || { cat "$out.warmup.txt" >&2; fail "the warm-up of $name failed"; }
    read_bench_line metrics-client "warmup-$name" 1 "$out.warmup.txt" 0
    line=$(capture_plan "$name" "$(staff_token leader)" "${m_path[$route]}" "$tmp/metrics")
    printf '%s\n' "$line" >> "$tmp/metrics/plans-summary.txt"
    # The request's statements (one batch), each with its own plan and time: their sum.
    sql_ms=$(sed -n 's/.* metrics: .*(\([0-9.]*\) ms)$/\1/p' <<< "$line" | awk '{ sum += $1 } END { printf "%.1f", sum }')
    log "GET ${m_path[$route]} as leader at $size complaints, $METRICS_CLIENTS connections: at least $METRICS_REQUESTS requests and ${METRICS_SECONDS}s"
    as_admin -c checkpoint
    cpu_start
    pg_cpu0=$(postgres_cpu) api_cpu0=$(process_cpu "$api_pid")
    status=0
    TIMEFORMAT='%U %S'
    { time python3 bench/metrics-client.py "$base" "$(staff_token leader)" "${m_path[$route]}" "$marker" \
        "$METRICS_CLIENTS" "$METRICS_REQUESTS" "$METRICS_SECONDS" 600 "$out.latencies" > "$out.txt" 2>&1; } 2> "$out.time" || status=$?
    pg_cpu1=$(postgres_cpu) api_cpu1=$(process_cpu "$api_pid")
    cpu_stop "$out.time" "API metrics $route · $(report thousands "$size")" "$METRICS_CLIENTS"
    cp "$out.txt" "$raw/$name.txt"; cp "$out.latencies" "$raw/$name-latencies-us.txt"
    read_bench_line metrics-client "$name" "$METRICS_CLIENTS" "$out.txt" "$status"
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
