-- wrk script for benchmarks/server/run.py: replays one HTTP request read from a spec file.
--
--   wrk -t2 -c4 -d10s -s request.lua http://127.0.0.1:PORT -- SPEC_FILE SALT
--
-- SPEC_FILE: line 1 the method, line 2 the path (with its query string), then "Name: value" header lines,
-- an empty line, and the body (possibly empty). Where the path or the body holds __NONCE__, every request
-- replaces it with a number no other request of this run uses (SALT, the thread and a counter), so a
-- server that caches answers by query text never sees the same query twice. Several requests may be given,
-- separated by a line "----"; they are sent in turn.
-- done() prints one line "RESULT {json}" for run.py: completed requests, non-2xx/3xx answers, socket
-- errors, duration, and latency percentiles in microseconds.

local specs = {}
local salt = "0"
local thread_id = 0  -- from the global wrk_thread_id that setup() gives each thread
local counter = 0
local next_thread = 0

local function split_request(text)
  local head, body = text:match("^(.-)\r?\n\r?\n(.*)$")
  if head == nil then
    head, body = text, ""
  end
  local lines = {}
  for line in (head .. "\n"):gmatch("(.-)\r?\n") do
    lines[#lines + 1] = line
  end
  local headers = {}
  for i = 3, #lines do
    local name, value = lines[i]:match("^([^:]+):%s*(.*)$")
    if name then
      headers[name] = value
    end
  end
  body = body:gsub("\r?\n$", "")
  return { method = lines[1], path = lines[2], headers = headers, body = body }
end

function setup(thread)
  thread:set("wrk_thread_id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  local file = assert(io.open(args[1], "rb"), "cannot open spec file " .. tostring(args[1]))
  local text = file:read("*a")
  file:close()
  salt = args[2] or "0"
  thread_id = tonumber(wrk_thread_id) or 0
  for part in (text .. "\n----\n"):gmatch("(.-)\r?\n%-%-%-%-\r?\n") do
    if part:match("%S") then
      specs[#specs + 1] = split_request(part)
    end
  end
  assert(#specs > 0, "no request in " .. args[1])
  for _, spec in ipairs(specs) do
    spec.varies = spec.path:find("__NONCE__", 1, true) or spec.body:find("__NONCE__", 1, true)
    if not spec.varies then
      spec.request = wrk.format(spec.method, spec.path, spec.headers, spec.body ~= "" and spec.body or nil)
    end
  end
end

function request()
  counter = counter + 1
  local spec = specs[(counter - 1) % #specs + 1]
  if spec.request then
    return spec.request
  end
  local nonce = string.format("%s%d%07d", salt, thread_id, counter)
  local path = spec.path:gsub("__NONCE__", nonce)
  local body = spec.body:gsub("__NONCE__", nonce)
  return wrk.format(spec.method, path, spec.headers, body ~= "" and body or nil)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "status_errors": %d, '
      .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean
  ))
end
