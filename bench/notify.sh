# Benchmark "notify", sourced by bench/run.sh (alone: bash bench/notify.sh): what notifications cost.
# 1. A submission with consent to SMS and email (two outbox rows written in the submission's
#    statement) against the same submission without consent, at 32 connections, alternating three
#    times each; the dispatcher is idle meanwhile, so this is the outbox write alone (delivery is
#    asynchronous by design).
# 2. The dispatcher's pace: NOTIFY_EMAILS receipts due at once, sent to a real SMTP server on
#    loopback (Debian's aiosmtpd, discarding what it accepts), from the moment they are due until
#    the last is sent.
# Figures: notify.{plain,consent}.{rps,p50,p99}, notify.ratio, notify.emails, notify.seconds,
# notify.emails_per_s, notify.peak_mib.
[ "${BASH_SOURCE[0]}" != "$0" ] || BENCH_ONLY=notify exec bash "$(dirname "$0")/run.sh"

stop_api
smtp_port=$(free_port)
/usr/bin/python3 -m aiosmtpd -n -c aiosmtpd.handlers.Sink -l "127.0.0.1:$smtp_port" > "$tmp/smtp.log" 2>&1 &
smtp_pid=$!
# Every kind with a text message needs a template id; the SMS endpoint is never called (phase 1's
# dispatcher is idle, phase 2 sends email only).
templates=receipt=1,accepted=2,rejected=3,reply=4,resolved=5,reviewed=6,merged=7,evaluation_reminder=8,password_reset=9
notify_env=(FEEDBACK_SMTP_HOST=127.0.0.1 "FEEDBACK_SMTP_PORT=$smtp_port" FEEDBACK_SMTP_TLS=none "FEEDBACK_SMTP_FROM=Bench <bench@localhost>"
  FEEDBACK_PUBLIC_URL=http://bench.test FEEDBACK_SMS_PROVIDER=tencent FEEDBACK_SMS_SECRET_ID=bench FEEDBACK_SMS_SECRET_KEY=bench
  FEEDBACK_SMS_APP_ID=1400000000 FEEDBACK_SMS_SIGN_NAME=bench FEEDBACK_SMS_ENDPOINT=http://127.0.0.1:9 "FEEDBACK_SMS_TEMPLATES=$templates")

start_api feedback notify-submit.log "${notify_env[@]}" FEEDBACK_NOTIFY_POLL_SECONDS=86400
contact='"contact":{"name":"王女士","phone":"13800138000","email":"wang@example.cn"}'
sed "s/\"contact\":{[^}]*}/$contact/" "$tmp/submit.json" > "$tmp/submit-plain.json"
sed "s/\"contact\":{[^}]*}/$contact,\"notifyBy\":[\"sms\",\"email\"]/" "$tmp/submit.json" > "$tmp/submit-consent.json"
for body in plain consent; do
  status=$(curl -s -o "$tmp/smoke-$body.json" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$tmp/submit-$body.json" "$base/api/v1/complaints")
  [ "$status" = 201 ] || { cat "$tmp/smoke-$body.json" >&2; echo >&2; fail "POST /api/v1/complaints ($body) answered $status, not 201"; }
done
[ "$(as_admin -At -c "select count(*) from notifications")" = 2 ] || fail "a submission with consent to SMS and email did not write two messages"

log "Warming up both submissions"
run_wrk warmup-notify "" 32 5 bench/submit.lua "$base/api/v1/complaints" "$tmp/submit-plain.json"
run_wrk warmup-notify "" 32 5 bench/submit.lua "$base/api/v1/complaints" "$tmp/submit-consent.json"
for round in 1 2 3; do
  for body in plain consent; do
    log "wrk submission ($body, round $round): 32 connections, ${DURATION}s"
    run_wrk "notify-$body" "API submit ($body)" 32 "$DURATION" bench/submit.lua "$base/api/v1/complaints" "$tmp/submit-$body.json"
    put "notify.$body.$round.rps" "$rps"; put "notify.$body.$round.p50" "$lat50"; put "notify.$body.$round.p99" "$lat99"
    printf '    %s req/s, p50 %s ms, p99 %s ms\n' "$rps" "$lat50" "$lat99" >&2
  done
done
stop_api

# Phase 2: NOTIFY_EMAILS receipts, made due only once the API is up (its first round runs at start).
as_admin -c "update notifications set state = 'cancelled' where state = 'pending'" \
  -c "insert into notifications (kind, channel, recipient, language, payload, created_at, next_attempt_at)
      select 'receipt', 'email', 'citizen' || n || '@example.cn', 'zh-CN',
             jsonb_build_object('trackingCode', 'ABCDEFGHJKMN', 'acceptBy', '2026-12-10'), now(), 'infinity'
      from generate_series(1, $NOTIFY_EMAILS) n"
start_api feedback notify-dispatch.log "${notify_env[@]}" FEEDBACK_NOTIFY_POLL_SECONDS=1
log "Dispatching $NOTIFY_EMAILS emails to aiosmtpd on 127.0.0.1:$smtp_port"
dispatch_started=$(date +%s.%N)
as_admin -c "update notifications set next_attempt_at = now() where state = 'pending'"
while waiting=$(as_admin -At -c "select count(*) from notifications where state in ('pending', 'sending')") && [ "$waiting" != 0 ]; do
  api_alive
  awk "BEGIN { exit !($(date +%s.%N) - $dispatch_started > 600) }" && fail "$waiting emails still waiting after 10 minutes"
  sleep 0.2
done
finished=$(date +%s.%N)
dead=$(as_admin -At -c "select count(*) from notifications where state = 'dead'")
[ "$dead" = 0 ] || fail "$dead emails were given up: $(as_admin -At -c "select last_error from notifications where state = 'dead' limit 1")"
seconds=$(awk "BEGIN { printf \"%.1f\", $finished - $dispatch_started }")
put notify.emails "$NOTIFY_EMAILS"; put notify.seconds "$seconds"
put notify.emails_per_s "$(awk "BEGIN { printf \"%.0f\", $NOTIFY_EMAILS / ($finished - $dispatch_started) }")"
put notify.peak_mib "$(api_memory VmHWM)"
log "Sent $NOTIFY_EMAILS emails in $seconds s"
stop_api
kill "$smtp_pid" 2>/dev/null || true; wait "$smtp_pid" 2>/dev/null || true
