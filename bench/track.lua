-- wrk script: GET /api/v1/complaints/{trackingCode} with X-Query-Password, a random known pair each time.
--   wrk ... -s bench/track.lua URL -- PAIRS_FILE
-- PAIRS_FILE has "trackingCode queryPassword" lines (written by submit.lua). Every answer must be
-- 200; anything else is counted and reported by done() as "BENCH bad=N".
dofile("bench/checked.lua")

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
end

function request()
  return requests[math.random(#requests)]
end

function response(status, headers, body)
  check(status, 200, body)
end
