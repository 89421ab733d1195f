-- Shared by submit.lua, track.lua and queue.lua (wrk runs from the repository root): every answer is
-- counted per thread, and done() prints one "BENCH ok=… bad=…" line that bench/lib-measure.sh checks.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

ok, bad = 0, 0

-- Counts one answer; true when it had the expected status.
function check(status, expected, body)
  if status == expected then
    ok = ok + 1
    return true
  end
  bad = bad + 1
  if not first_bad then first_bad = status .. " " .. (body or ""):sub(1, 400):gsub("%s+", " ") end
  return false
end

function done(summary, latency, requests)
  local ok, bad, first = 0, 0, nil
  for _, thread in ipairs(threads) do
    ok = ok + (thread:get("ok") or 0)
    bad = bad + (thread:get("bad") or 0)
    first = first or thread:get("first_bad")
  end
  local e = summary.errors
  io.write(string.format("BENCH ok=%d bad=%d socket_errors=%d rps=%.1f p50_us=%.0f p95_us=%.0f p99_us=%.0f\n",
    ok, bad, e.connect + e.read + e.write + e.timeout, summary.requests / summary.duration * 1e6,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
  if first then io.write("BENCH first_bad=", first, "\n") end
end
