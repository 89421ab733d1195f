-- wrk script: a citizen's submission with one photo, as the web client sends it: POST /api/v1/uploads
-- (multipart, one JPEG), then POST /api/v1/complaints with that photo's id and a fresh Idempotency-Key.
--   wrk -t N -c N ... -s bench/submit-photo.lua URL -- PHOTO_FILE BODY_FILE
-- Run with one connection per thread (-t = -c): each thread alternates upload → submission on its
-- own connection. BODY_FILE is the complaint JSON without photoIds. Expected: 201 for both.
-- done() reports "BENCH ok=… submissions=…"; a pair counts as one citizen submission.
dofile("bench/checked.lua")

local boundary = "feedback-bench-boundary"

function init(args)
  local photo = assert(io.open(args[1], "rb")):read("*a")
  complaint = assert(io.open(args[2], "rb")):read("*a")
  upload = wrk.format("POST", "/api/v1/uploads", {
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
    ["X-Device-Token"] = "bench-device-token-" .. id .. "-0123456789",
  }, "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\n"
     .. "Content-Type: image/jpeg\r\n\r\n" .. photo .. "\r\n--" .. boundary .. "--\r\n")
  device = "bench-device-token-" .. id .. "-0123456789"
  photo_id = nil
  sequence = 0
end

function request()
  if not photo_id then return upload end
  sequence = sequence + 1
  local body = complaint:gsub("}%s*$", string.format(',"photoIds":["%s"]}', photo_id))
  photo_id = nil
  return wrk.format("POST", "/api/v1/complaints", {
    ["Content-Type"] = "application/json",
    ["X-Device-Token"] = device,
    ["Idempotency-Key"] = string.format("bench-%d-%d-%d-submission", id, os.time(), sequence),
  }, body)
end

function response(status, headers, body)
  if photo_id == nil and status == 201 and body:find('"uploadId"') then
    if check(status, 201, body) then photo_id = body:match('"uploadId"%s*:%s*"([^"]+)"') end
  else
    check(status, 201, body)
  end
end
