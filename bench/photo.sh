# Benchmark "photo", sourced by bench/run.sh (alone: bash bench/photo.sh): a submission with one photo
# and an Idempotency-Key. Two photos: bench/photo.jpg (2560 × 1920, the size the web client shrinks
# larger photos to) and a full-size phone photo as Open311 systems, old phones and direct API users
# send it (4000 × 3000, 12 megapixels, about 3 MB, stored sideways with EXIF orientation 6), made
# here from bench/photo.jpg with ImageMagick. The photo is uploaded — magic bytes checked, decoded,
# turned upright, shrunk, re-encoded without metadata, stored — then the complaint names it, with a
# key. Each connection alternates the two requests (bench/submit-photo.lua), at each of PHOTO_CLIENTS,
# on an API started for this benchmark (its memory is the photos' alone), after a warm-up; an answer
# may take 30 s (a busy machine makes a 12 MP upload wait its turn for a core).
# Figures, for PHOTO = 2560 and 12mp: photo.PHOTO.kib, photo.PHOTO.CLIENTS.{rps,p50,p99,
# rss_mib,peak_mib,api_ticks} (peak: VmHWM during that run; api_ticks: the API's CPU in clock ticks);
# photo.{peak_mib,files,stored_kib} (the peak of all runs; photos and their bytes in photo_contents).
[ "${BASH_SOURCE[0]}" != "$0" ] || BENCH_ONLY=photo exec bash "$(dirname "$0")/run.sh"

ensure_packages imagemagick
stop_api
start_api feedback api-photo.log

# The 12 MP photo: bench/photo.jpg enlarged, with a little grain so it compresses like a camera's
# (quality 92), and an EXIF APP1 segment right after the start of the image saying "turn a quarter
# clockwise" (Orientation 6), as a phone held upright writes it. Debian's ImageMagick by its path:
# another program named convert may come first in PATH.
/usr/bin/convert bench/photo.jpg -resize '4000x3000!' -seed 1 -attenuate 0.3 +noise Gaussian -quality 92 "$tmp/photo-12mp-raw.jpg"
{
  printf '\xff\xd8\xff\xe1\x00\x22Exif\x00\x00II\x2a\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00'
  tail -c +3 "$tmp/photo-12mp-raw.jpg"
} > "$tmp/photo-12mp.jpg"
declare -A photo_file=([2560]=bench/photo.jpg [12mp]=$tmp/photo-12mp.jpg) stored_as=([2560]=2560,1920 [12mp]=1920,2560)

# Each photo once by hand, stored upright at its size; then a keyed submission, sent twice.
for photo in 2560 12mp; do
  put "photo.$photo.kib" $(( $(stat -c %s "${photo_file[$photo]}") / 1024 ))
  status=$(curl -s -o "$tmp/smoke-upload.json" -w '%{http_code}' -H "X-Device-Token: bench-smoke-device-token-0001" \
    -F "file=@${photo_file[$photo]};type=image/jpeg" "$base/api/v1/uploads")
  [ "$status" = 201 ] || { cat "$tmp/smoke-upload.json" >&2; echo >&2; fail "POST /api/v1/uploads ($photo) answered $status, not 201"; }
  grep -q "\"width\":${stored_as[$photo]%,*},\"height\":${stored_as[$photo]#*,}," "$tmp/smoke-upload.json" \
    || fail "the $photo photo was not stored upright at ${stored_as[$photo]/,/ × }: $(cat "$tmp/smoke-upload.json")"
done
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

# VmHWM back to the current RSS (Linux ≥ 4.0), so each run's peak is its own.
reset_peak() { echo 5 > "/proc/$api_pid/clear_refs" 2>/dev/null || true; }
peak=0
for photo in 2560 12mp; do
  log "Warming up: the $photo photo uploaded three times over four connections"
  warmups=()
  for device in 1 2 3 4; do
    for _ in 1 2 3; do
      curl -s -o /dev/null -H "X-Device-Token: bench-warmup-device-token-000$device" -F "file=@${photo_file[$photo]};type=image/jpeg" "$base/api/v1/uploads"
    done &
    warmups+=($!)
  done
  wait "${warmups[@]}"
  for clients in "${PHOTO_CLIENTS[@]}"; do
    log "wrk upload + keyed submission, $photo photo: $clients connections, ${DURATION}s"
    reset_peak
    ticks=$(process_cpu "$api_pid")
    WRK_THREADS=$clients WRK_TIMEOUT=30 run_wrk "submit-photo-$photo" "API upload + submission, $photo photo" "$clients" "$DURATION" bench/submit-photo.lua "$base" "${photo_file[$photo]}" "$tmp/submit.json"
    key="photo.$photo.$clients"
    put "$key.api_ticks" $(( $(process_cpu "$api_pid") - ticks ))
    put "$key.rps" "$rps"; put "$key.p50" "$lat50"; put "$key.p99" "$lat99"
    run_peak=$(api_memory VmHWM)
    put "$key.rss_mib" "$(api_memory VmRSS)"; put "$key.peak_mib" "$run_peak"
    [ "$run_peak" -le "$peak" ] || peak=$run_peak
    printf '    %s req/s (%s submissions with a photo/s), p50 %s ms, p99 %s ms, API peak %s MiB\n' "$rps" "$(report half "$rps")" "$lat50" "$lat99" "$run_peak" >&2
  done
done
put photo.peak_mib "$peak"
put photo.files "$(as_admin -tA -c 'select count(*) from photo_contents')"
put photo.stored_kib "$(as_admin -tA -c 'select coalesce(sum(length(content)), 0) / 1024 from photo_contents')"
