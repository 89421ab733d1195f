-- wrk script: GET /api/v1/complaints/{trackingCode} with X-Query-Password, a random known pair each time.
--   wrk ... -s bench/track.lua URL -- PAIRS_FILE
-- PAIRS_FILE has "trackingCode queryPassword" lines (written by submit.lua). Every answer must be
-- 200; anything else is counted and reported by done() as "BENCH bad=N".
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  for line in io.lines(args[1]) do
    local code, password = line:match("^(%S+) (%S+)$")
    if code then
      table.insert(requests, wrk.format("GET", "/api/v1/complaints/" .. code, { ["X-Query-Password"] = password }))
    end
  end
  assert(#requests > 0, "no tracking codes in " .. args[1])
  math.randomseed(os.time() * 100 + id)
  ok, bad = 0, 0
end

function request()
  return requests[math.random(#requests)]
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    bad = bad + 1
    if not first_bad then first_bad = status .. " " .. (body or ""):sub(1, 400):gsub("%s+", " ") end
  end
end

function done(summary, latency, requests)
  local ok, bad, first = 0, 0, nil
  for _, thread in ipairs(threads) do
    ok = ok + (thread:get("ok") or 0)
    bad = bad + (thread:get("bad") or 0)
    first = first or thread:get("first_bad")
  end
  local e = summary.errors
  io.write(string.format("BENCH ok=%d bad=%d socket_errors=%d rps=%.1f p50_us=%.0f p99_us=%.0f\n",
    ok, bad, e.connect + e.read + e.write + e.timeout, summary.requests / summary.duration * 1e6,
    latency:percentile(50), latency:percentile(99)))
  if first then io.write("BENCH first_bad=", first, "\n") end
end
