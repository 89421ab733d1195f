# Measuring, sourced by bench/lib.sh: the CPU each run costs, pgbench and wrk runs and their checks.

# CPU ticks (user + system) of the cluster so far: the postmaster, its live children, and the
# children it has reaped (cutime/cstime), so backends that exit during a run still count.
postgres_cpu() {
  local total fields stat
  read -r -a fields < "/proc/$postmaster_pid/stat"
  total=$((fields[13] + fields[14] + fields[15] + fields[16]))
  for stat in /proc/[0-9]*/stat; do
    # field 4 is the parent pid; the command name (field 2) has no spaces for postgres.
    { read -r -a fields < "$stat"; } 2>/dev/null || continue
    [ "${fields[3]:-}" = "$postmaster_pid" ] && total=$((total + fields[13] + fields[14]))
  done
  echo "$total"
}
# Client backends still alive or not yet reaped (title "postgres: USER DATABASE HOST(PORT) STATE").
client_backends() {
  local count=0 stat fields title
  for stat in /proc/[0-9]*/stat; do
    { read -r -a fields < "$stat"; } 2>/dev/null || continue
    [ "${fields[3]:-}" = "$postmaster_pid" ] || continue
    [ "${fields[2]}" = Z ] && { count=$((count + 1)); continue; } # exited, not yet reaped
    title=$( { tr '\0' ' ' < "${stat%/stat}/cmdline"; } 2>/dev/null) || continue
    [[ "$title" =~ ^postgres:\ (feedback|postgres)\  ]] && count=$((count + 1))
  done
  echo "$count"
}
# Waits (at most 5 s) until the backends of finished clients are gone and reaped, so their CPU
# time has moved into the postmaster's cutime/cstime instead of racing the snapshot. Connections
# of a running API stay: pass their number.
settle_postgres() { # [backends that stay]
  for _ in $(seq 1 50); do
    [ "$(client_backends)" -le "${1:-0}" ] && return 0
    sleep 0.1
  done
}
process_cpu() { local f; read -r -a f < "/proc/$1/stat"; echo $((f[13] + f[14])); } # CPU ticks of a process
# CPU ticks used by everything on the machine (user, nice, system, irq, softirq, steal).
machine_busy() { local f; read -r -a f < /proc/stat; echo $((f[1] + f[2] + f[3] + f[6] + f[7] + f[8])); }

# cpu_start before a run, cpu_stop TIME_FILE [LABEL CLIENTS] after it, TIME_FILE holding the load
# generator's "user system" seconds: with a label, one row of the CPU table goes to the figures
# (ticks of the API, of PostgreSQL and of the machine, the generator's seconds, the wall time).
cpu_start() {
  api_alive
  cpu0_api=0; [ -n "$api_pid" ] && cpu0_api=$(process_cpu "$api_pid")
  cpu0_pg=$(postgres_cpu); cpu0_all=$(machine_busy); cpu0_wall=$(date +%s.%N)
}
cpu_stop() { # time_file [label clients]
  local api=- pg all wall
  api_alive
  wall=$(date +%s.%N)
  [ -n "$api_pid" ] && api=$(( $(process_cpu "$api_pid") - cpu0_api ))
  pg=$(( $(postgres_cpu) - cpu0_pg )); all=$(( $(machine_busy) - cpu0_all ))
  [ $# -lt 3 ] || printf 'cpu\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$3" "$api" "$pg" "$all" "$(cat "$1")" "$cpu0_wall" "$wall" >> "$figures"
}

api_backends=0 # connections a running API keeps open during a pgbench run
# Runs pgbench and puts pgbench.NAME.CLIENTS.{tps,p50,p95,p99} (latencies from its transaction log).
run_pgbench() { # name script clients [database [pgbench arguments...]]
  local name=$1 script=$2 clients=$3 key="pgbench.$1.$3" out="$tmp/pgbench-$1-$3" status=0 database=${4:-pgbench_baseline}
  shift $(( $# < 4 ? $# : 4 ))
  mkdir -p "$out"
  as_admin -c checkpoint
  settle_postgres "$api_backends"
  log "pgbench $name: $clients clients, ${PGBENCH_SECONDS:-$DURATION}s"
  cpu_start
  TIMEFORMAT='%U %S'
  { time "$PG_BIN/pgbench" -n -M prepared -c "$clients" -j "$THREADS" -T "${PGBENCH_SECONDS:-$DURATION}" -f "$script" \
      -D rows="$ROWS" -D description="$description" "$@" -l --log-prefix="$out/tx" \
      -U feedback "$database" > "$out/report.txt" 2>&1; } 2> "$out/time.txt" || status=$?
  settle_postgres "$api_backends"
  cpu_stop "$out/time.txt" "pgbench $name" "$clients"
  cp "$out/report.txt" "$raw/pgbench-$name-$clients.txt"
  local failed_tx tps p50 p95 p99
  failed_tx=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$out/report.txt")
  if [ "$status" -ne 0 ] || [ "${failed_tx:-0}" != 0 ]; then
    cat "$out/report.txt" >&2
    fail "pgbench $name at $clients clients failed (exit $status)"
  fi
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out/report.txt" | tail -n 1)
  [ -n "$tps" ] || { cat "$out/report.txt" >&2; fail "pgbench $name printed no tps"; }
  read -r p50 p95 p99 < <(report latencies "$out"/tx.*) && [ -n "$p99" ] || fail "pgbench $name wrote no transaction log"
  put "$key.tps" "$tps"; put "$key.p50" "$p50"; put "$key.p95" "$p95"; put "$key.p99" "$p99"
  printf '    %s tps, p50 %s ms, p99 %s ms\n' "$tps" "$p50" "$p99" >&2
}

# Runs wrk and checks every answer; sets rps/lat50/lat95/lat99 (ms). With a LABEL (the CPU table's
# row name) the run is measured; without, a warm-up. WRK_THREADS overrides the thread count, WRK_TIMEOUT
# the seconds an answer may take (default 5; more is a socket error).
run_wrk() { # name label clients seconds script url [script args...]
  local name=$1 label=$2 clients=$3 seconds=$4 script=$5 url=$6 out="$tmp/wrk-$1-$3-$RANDOM" status=0
  shift 6
  as_admin -c checkpoint
  cpu_start
  TIMEFORMAT='%U %S'
  { time wrk -t "${WRK_THREADS:-$(( clients < THREADS ? clients : THREADS ))}" -c "$clients" -d "${seconds}s" --timeout "${WRK_TIMEOUT:-5}s" --latency -s "$script" "$url" -- "$@" \
      > "$out" 2>&1; } 2> "$out.time" || status=$?
  if [ -n "$label" ]; then cpu_stop "$out.time" "$label" "$clients"; else cpu_stop "$out.time"; fi
  cp "$out" "$raw/wrk-$name-$clients.txt"
  printf '%s wrk %s %s connections, %s s\n' "$(date -u -d "@${cpu0_wall%.*}" +%T)" "$name" "$clients" "$seconds" >> "$raw/timeline.txt"
  read_bench_line wrk "$name" "$clients" "$out" "$status"
}

# Reads the "BENCH ok=… p99_us=…" line a load generator printed into OUT; fails on any bad answer.
read_bench_line() { # tool name clients out exit_status
  local tool=$1 name=$2 clients=$3 out=$4 status=$5 problem
  if [ "$status" -ne 0 ] || ! problem=$(report bench-line "$out" 2>&1); then
    cat "$out" >&2; fail "$tool $name at $clients connections failed (exit $status)${problem:+: $problem}"
  fi
  read -r rps lat50 lat95 lat99 <<< "$problem"
}
