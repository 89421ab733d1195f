-- wrk script: one GET of the staff queue as a signed-in user, the same request every time.
--   wrk ... -s bench/queue.lua URL -- ACCESS_TOKEN PATH_AND_QUERY
-- Every answer must be 200 with at least one case on the page; anything else is counted and
-- reported by done() as "BENCH bad=N".
dofile("bench/checked.lua")

function init(args)
  wrk.path = args[2]
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end

function response(status, headers, body)
  if status == 200 and not body:find('"items":[{', 1, true) then status = "200 with no case on the page" end
  check(status, 200, body)
end
