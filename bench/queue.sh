# Benchmark "queue", sourced by bench/run.sh (alone: bash bench/queue.sh; QUEUE_ROWS=0 skips it): the
# staff queue at QUEUE_ROWS complaints in its own database, bulk-loaded with COPY (bench/queue-load.sh,
# rows from bench/queue-data.py). For the enforcement clerk and the leader, the queue's first page, a
# search for a word in 1% of the cases (q=偷排) and one for a word in 42% of them (q=街道) under wrk
# (bench/queue.lua) at each of QUEUE_CLIENTS, against pgbench running the very statements the API sent
# (read back from the server log with their parameters and plans by bench/queue-capture.py; the plans
# go to bench/results/plans/).
# Figures: queue.*, pgbench.SCENARIO.CLIENTS.*, api.SCENARIO.CLIENTS.{rps,p50,p95,p99}.
[ "${BASH_SOURCE[0]}" != "$0" ] || BENCH_ONLY=queue exec bash "$(dirname "$0")/run.sh"

stop_api
queue_started=$SECONDS
queue_db=feedback_queue
load_complaints "$queue_db" "$QUEUE_ROWS" Queue
put queue.load_seconds "$load_seconds"
mkdir -p "$tmp/queue"
read -r q_rows q_open q_enf q_enf_open q_hits q_common q_len q_events q_size <<< "$(as_admin -d "$queue_db" -At -F ' ' -c "
  select count(*), round(100.0 * count(*) filter (where status in ('submitted', 'accepted', 'in_progress')) / count(*)),
         count(*) filter (where section_code = 'enforcement' and category_code not like 'conduct.%'),
         count(*) filter (where section_code = 'enforcement' and category_code not like 'conduct.%' and status in ('submitted', 'accepted', 'in_progress')),
         count(*) filter (where description like '%偷排%'),
         count(*) filter (where description || coalesce(address, '') || coalesce(township, '') like '%街道%'), round(avg(char_length(description))),
         (select count(*) from complaint_events), pg_size_pretty(pg_total_relation_size('complaints'))
  from complaints")"
put queue.rows "$q_rows"; put queue.open_pct "$q_open"; put queue.enforcement "$q_enf"; put queue.enforcement_open "$q_enf_open"
put queue.hits "$q_hits"; put queue.common_hits "$q_common"; put queue.description_length "$q_len"; put queue.events "$q_events"; put queue.size "$q_size"
printf '    %s complaints (%s%% open, %s events, %s with indexes), enforcement %s (%s open), 偷排 in %s, 街道 in %s, description %s characters on average\n' \
  "$q_rows" "$q_open" "$q_events" "$q_size" "$q_enf" "$q_enf_open" "$q_hits" "$q_common" "$q_len" >&2

enable_auto_explain
# The 督办 job's round takes seconds at this size: once at start-up, then hourly, so that no round
# lands in a measurement.
start_api "$queue_db" api-queue.log FEEDBACK_DEMO=1 FEEDBACK_DEMO_PASSWORD=demo-2026 FEEDBACK_REMINDER_INTERVAL_SECONDS=3600
wait_for_metrics_fold "$queue_db"
queue_fold_seconds=$fold_seconds queue_fold_peak=$(api_memory VmHWM)
url_encode() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n' | sed 's/../%&/g' | tr a-f A-F; }
search=$(url_encode 偷排) common=$(url_encode 街道)
queue_scenarios=(queue-clerk queue-leader search-clerk search-leader common-clerk common-leader)
declare -A q_user=([queue-clerk]=enforcement.staff [queue-leader]=leader [search-clerk]=enforcement.staff [search-leader]=leader
                   [common-clerk]=enforcement.staff [common-leader]=leader)
declare -A q_path=([queue-clerk]=/api/v1/staff/complaints [queue-leader]=/api/v1/staff/complaints
                   [search-clerk]="/api/v1/staff/complaints?q=$search" [search-leader]="/api/v1/staff/complaints?q=$search"
                   [common-clerk]="/api/v1/staff/complaints?q=$common" [common-leader]="/api/v1/staff/complaints?q=$common")

# The search must find what was loaded: the leader's counts (asked for: a search with more than a page
# has none unless asked) add up to the cases whose text has the word.
curl -s -H "Authorization: Bearer $(staff_token leader)" "$base${q_path[search-leader]}&counts=exact" > "$tmp/queue/search.json"
found=$(python3 -c 'import json, sys; print(sum(json.load(open(sys.argv[1]))["counts"].values()))' "$tmp/queue/search.json") \
  || { head -c 2000 "$tmp/queue/search.json" >&2; fail "the leader's search did not answer with counts"; }
expected=$(as_admin -d "$queue_db" -At -c "select count(*) from complaints where description || address || township like '%偷排%'")
[ "$found" = "$expected" ] || fail "the API's search for 偷排 counted $found cases, the text has $expected"

log "Queue: warming up (${QUEUE_CLIENTS[-1]} connections, 5 s per request)"
for name in "${queue_scenarios[@]}"; do
  run_wrk "warmup-$name" "" "${QUEUE_CLIENTS[-1]}" 5 bench/queue.lua "$base" "$(staff_token "${q_user[$name]}")" "${q_path[$name]}"
done

# One request of each kind with every statement, its parameters and its plan in the server log; the
# statements become the pgbench scripts, so the baseline runs exactly the API's SQL.
log "Queue: capturing the API's statements and plans"
for name in "${queue_scenarios[@]}"; do
  capture_plan "$name" "$(staff_token "${q_user[$name]}")" "${q_path[$name]}" "$tmp/queue" >> "$tmp/queue/plans-summary.txt"
done
put queue.plans "$tmp/queue/plans-summary.txt"
sleep 0.5
api_backends=$(client_backends)
sed 's/^/    /' "$tmp/queue/plans-summary.txt" >&2

for name in "${queue_scenarios[@]}"; do
  mapfile -t vars < "$tmp/queue/pgbench-$name.vars"
  define=()
  for var in "${vars[@]}"; do define+=(-D "$var"); done
  for clients in "${QUEUE_CLIENTS[@]}"; do
    PGBENCH_SECONDS=$QUEUE_DURATION run_pgbench "$name" "$tmp/queue/pgbench-$name.sql" "$clients" "$queue_db" "${define[@]}"
  done
done
for name in "${queue_scenarios[@]}"; do
  for clients in "${QUEUE_CLIENTS[@]}"; do
    log "wrk GET ${q_path[$name]} as ${q_user[$name]}: $clients connections, ${QUEUE_DURATION}s"
    run_wrk "$name" "API $name" "$clients" "$QUEUE_DURATION" bench/queue.lua "$base" "$(staff_token "${q_user[$name]}")" "${q_path[$name]}"
    put "api.$name.$clients.rps" "$rps"; put "api.$name.$clients.p50" "$lat50"; put "api.$name.$clients.p95" "$lat95"; put "api.$name.$clients.p99" "$lat99"
    printf '    %s req/s, p50 %s ms, p95 %s ms, p99 %s ms, all 200 with cases\n' "$rps" "$lat50" "$lat95" "$lat99" >&2
  done
done
# What a clerk waits for after 统计件数 (counts=exact): every match of 街道 read and counted, one at a time.
for who in clerk leader; do
  user=$([ $who = clerk ] && echo enforcement.staff || echo leader)
  log "GET ${q_path[common-$who]}&counts=exact as $user: 5 answers on one connection"
  python3 bench/metrics-client.py "$base" "$(staff_token "$user")" "${q_path[common-$who]}&counts=exact" '"counts":{"' 1 5 0 600 "$tmp/queue/exact-$who" \
    > "$tmp/queue/exact-$who.txt" || { cat "$tmp/queue/exact-$who.txt" >&2; fail "the exact count of 街道 as $user failed"; }
  read_bench_line metrics-client "exact-counts-$who" 1 "$tmp/queue/exact-$who.txt" 0
  put "queue.exact_counts.$who.p50" "$lat50"; put "queue.exact_counts.$who.p95" "$lat95"
  printf '    p50 %s ms, p95 %s ms\n' "$lat50" "$lat95" >&2
done
put queue.peak_mib "$(api_memory VmHWM)"
put queue.seconds $((SECONDS - queue_started))
