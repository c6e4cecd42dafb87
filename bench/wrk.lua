-- wrk script for the authd benchmark. Configured by environment variables:
--   BENCH_METHOD (default POST), BENCH_BODY (one body for every request) or BENCH_BODIES (a file, one body per
--   line: each wrk thread takes every Nth line so that no body is sent twice while the file lasts),
--   BENCH_THREADS (wrk's -t, to split the file), BENCH_AUTHORIZATION (an Authorization header), BENCH_COUNT_STATUS=1 (count answers by status and check that
--   every 503 carries Retry-After; slows wrk down, so only for the hash-bound obtain run).
-- done() prints one "wrk-result:" line of key=value pairs for run.sh.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

wrk.method = os.getenv("BENCH_METHOD") or "POST"
wrk.headers["Content-Type"] = "application/json"
local authorization = os.getenv("BENCH_AUTHORIZATION")
if authorization then wrk.headers["Authorization"] = authorization end
local single = os.getenv("BENCH_BODY")
if single then wrk.body = single end

local bodies = nil
local position = 0
reused = 0

function init(args)
  local file = os.getenv("BENCH_BODIES")
  if file then
    local n = tonumber(os.getenv("BENCH_THREADS") or "1")
    bodies = {}
    local i = 0
    for line in io.lines(file) do
      if i % n == id then table.insert(bodies, line) end
      i = i + 1
    end
  end
  status_200 = 0
  status_503 = 0
  status_other = 0
  missing_retry_after = 0
end

if os.getenv("BENCH_BODIES") then
  function request()
    position = position + 1
    if position > #bodies then
      position = 1
      reused = reused + 1
    end
    return wrk.format(nil, nil, nil, bodies[position])
  end
end

if os.getenv("BENCH_COUNT_STATUS") then
  function response(status, headers, body)
    if status == 200 then
      status_200 = status_200 + 1
    elseif status == 503 then
      status_503 = status_503 + 1
      if headers["Retry-After"] == nil and headers["retry-after"] == nil then
        missing_retry_after = missing_retry_after + 1
      end
    else
      status_other = status_other + 1
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local extra = ""
  local s200, s503, other, missing, wrapped = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    s200 = s200 + (t:get("status_200") or 0)
    s503 = s503 + (t:get("status_503") or 0)
    other = other + (t:get("status_other") or 0)
    missing = missing + (t:get("missing_retry_after") or 0)
    wrapped = wrapped + (t:get("reused") or 0)
  end
  if os.getenv("BENCH_COUNT_STATUS") then
    extra = string.format(" status_200=%d status_503=%d status_other=%d missing_retry_after=%d", s200, s503, other, missing)
  end
  io.write(string.format("wrk-result: rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d responses=%d non2xx=%d bodies_reused=%d%s\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errors, summary.requests, e.status, wrapped, extra))
end
