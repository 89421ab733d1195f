# Benchmark "photo", sourced by bench/run.sh (alone: bash bench/photo.sh): a submission with one photo
# and an Idempotency-Key, as the web client sends it. The photo (bench/photo.jpg, the size the client
# shrinks to) is uploaded — magic bytes checked, decoded, re-encoded without metadata, stored — then
# the complaint names it, with a key. Each connection alternates the two requests
# (bench/submit-photo.lua), at each of PHOTO_CLIENTS. Figures: photo.CLIENTS.{rps,p50,p99,rss_mib},
# photo.{kib,peak_mib,files,stored_kib} (photos and their bytes in photo_contents).
[ "${BASH_SOURCE[0]}" != "$0" ] || BENCH_ONLY=photo exec bash "$(dirname "$0")/run.sh"

[ -n "$api_pid" ] || start_api feedback api.log
put photo.kib $(( $(stat -c %s bench/photo.jpg) / 1024 ))
status=$(curl -s -o "$tmp/smoke-upload.json" -w '%{http_code}' -H "X-Device-Token: bench-smoke-device-token-0001" \
  -F "file=@bench/photo.jpg;type=image/jpeg" "$base/api/v1/uploads")
[ "$status" = 201 ] || { cat "$tmp/smoke-upload.json" >&2; echo >&2; fail "POST /api/v1/uploads answered $status, not 201"; }
upload_id=$(sed -n 's/.*"uploadId":"\([^"]*\)".*/\1/p' "$tmp/smoke-upload.json")
sed "s/}\$/,\"photoIds\":[\"$upload_id\"]}/" "$tmp/submit.json" > "$tmp/submit-photo.json"
smoke_key="bench-smoke-$RANDOM-$RANDOM-$RANDOM"
for attempt in first replay; do
  status=$(curl -s -D "$tmp/smoke-keyed-$attempt.headers" -o "$tmp/smoke-keyed-$attempt.json" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H "X-Device-Token: bench-smoke-device-token-0001" -H "Idempotency-Key: $smoke_key" \
    --data-binary "@$tmp/submit-photo.json" "$base/api/v1/complaints")
  [ "$status" = 201 ] || { cat "$tmp/smoke-keyed-$attempt.json" >&2; echo >&2; fail "keyed POST /api/v1/complaints ($attempt) answered $status, not 201"; }
done
grep -qi '^Idempotent-Replayed: true' "$tmp/smoke-keyed-replay.headers" && cmp -s "$tmp/smoke-keyed-first.json" "$tmp/smoke-keyed-replay.json" \
  || fail "a keyed submission sent twice was not replayed with the original answer"

for clients in "${PHOTO_CLIENTS[@]}"; do
  log "wrk upload + keyed submission: $clients connections, ${DURATION}s"
  WRK_THREADS=$clients run_wrk submit-photo "API upload + submission" "$clients" "$DURATION" bench/submit-photo.lua "$base" bench/photo.jpg "$tmp/submit.json"
  put "photo.$clients.rps" "$rps"; put "photo.$clients.p50" "$lat50"; put "photo.$clients.p99" "$lat99"
  put "photo.$clients.rss_mib" "$(api_memory VmRSS)"
  printf '    %s req/s (%s submissions with a photo/s), p50 %s ms, p99 %s ms\n' "$rps" "$(report half "$rps")" "$lat50" "$lat99" >&2
done
put photo.peak_mib "$(api_memory VmHWM)"
put photo.files "$(as_admin -tA -c 'select count(*) from photo_contents')"
put photo.stored_kib "$(as_admin -tA -c 'select coalesce(sum(length(content)), 0) / 1024 from photo_contents')"
