-- wrk script: a citizen's submission with one photo, as the web client sends it: POST /api/v1/uploads
-- (multipart, one JPEG), then POST /api/v1/complaints with that photo's id and a fresh Idempotency-Key.
--   WRK_THREADS=N wrk -t N -c N ... -s bench/submit-photo.lua URL -- PHOTO_FILE BODY_FILE
-- One connection per thread (-t = -c): each thread alternates upload → submission on its own
-- connection. BODY_FILE is the complaint JSON without photoIds. Every answer must be 201.
dofile("bench/checked.lua")

local boundary = "feedback-bench-boundary"

function init(args)
  local photo = assert(io.open(args[1], "rb")):read("*a")
  complaint = assert(io.open(args[2], "rb")):read("*a"):gsub("}%s*$", "")
  device = string.format("bench-device-token-%02d-0123456789", id)
  upload = wrk.format("POST", "/api/v1/uploads", {
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
    ["X-Device-Token"] = device,
  }, "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\n"
     .. "Content-Type: image/jpeg\r\n\r\n" .. photo .. "\r\n--" .. boundary .. "--\r\n")
  photo_id = nil -- the upload the next submission attaches
  sequence = 0
  math.randomseed(os.time() * 100 + id)
  run = math.random(1, 1e9)
end

function request()
  if not photo_id then return upload end
  sequence = sequence + 1
  return wrk.format("POST", "/api/v1/complaints", {
    ["Content-Type"] = "application/json",
    ["X-Device-Token"] = device,
    ["Idempotency-Key"] = string.format("bench-%d-%d-%d", run, id, sequence),
  }, complaint .. string.format(',"photoIds":["%s"]}', photo_id))
end

function response(status, headers, body)
  local was_upload = photo_id == nil
  photo_id = nil
  if check(status, 201, body) and was_upload then
    photo_id = body:match('"uploadId"%s*:%s*"([^"]+)"')
  end
end
