-- wrk script: POST /api/v1/complaints, the same complaint-sized JSON body every time.
--   wrk ... -s bench/submit.lua URL -- BODY_FILE [PAIRS_PREFIX]
-- Every answer must be 201; anything else is counted and reported by done() as "BENCH bad=N".
-- With PAIRS_PREFIX each thread writes "trackingCode queryPassword" lines to PAIRS_PREFIX.<thread>,
-- the input of track.lua.
dofile("bench/checked.lua")

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
end

function response(status, headers, body)
  if check(status, 201, body) and pairs_out then
    local code = body:match('"trackingCode"%s*:%s*"([^"]+)"')
    local password = body:match('"queryPassword"%s*:%s*"([^"]+)"')
    if code and password then pairs_out:write(code, " ", password, "\n") end
  end
end
