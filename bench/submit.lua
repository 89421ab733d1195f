-- wrk script: POST /api/v1/complaints, the same complaint-sized JSON body every time.
--   wrk ... -s bench/submit.lua URL -- BODY_FILE [PAIRS_PREFIX]
-- Every answer must be 201; anything else is counted and reported by done() as "BENCH bad=N".
-- With PAIRS_PREFIX each thread writes "trackingCode queryPassword" lines to PAIRS_PREFIX.<thread>,
-- the input of track.lua.
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  file:close()
  if args[2] then
    pairs_out = assert(io.open(args[2] .. "." .. id, "w"))
    pairs_out:setvbuf("line") -- wrk never closes a thread's Lua state: write through
  end
  ok, bad = 0, 0
end

function response(status, headers, body)
  if status == 201 then
    ok = ok + 1
    if pairs_out then
      local code = body:match('"trackingCode"%s*:%s*"([^"]+)"')
      local password = body:match('"queryPassword"%s*:%s*"([^"]+)"')
      if code and password then pairs_out:write(code, " ", password, "\n") end
    end
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
