-- tests/bench/wrk.lua - the request scripts/bench sends, and a result line wrk
-- prints at the end. Set from the environment:
--   BENCH_METHOD  GET or POST (GET)
--   BENCH_BODY    the JSON body of a POST
--   BENCH_TOKEN   an access token, sent as "Authorization: Bearer ..."
--   BENCH_HELLO_BYTES  the answer size asked of the hello-world worker
--   BENCH_HEADERS more headers, "Name: value" lines (they win over the
--                 above): the no-code DynamoDB ceiling's signed request
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
   wrk.body = body
   wrk.headers["Content-Type"] = "application/json"
end
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
   wrk.headers["Authorization"] = "Bearer " .. token
end
local headers = os.getenv("BENCH_HEADERS")
if headers then
   for line in string.gmatch(headers, "[^\n]+") do
      local name, value = line:match("^([^:]+):%s*(.*)$")
      if name then wrk.headers[name] = value end
   end
end

local hello_bytes = os.getenv("BENCH_HELLO_BYTES")
if hello_bytes and hello_bytes ~= "" then
   wrk.headers["X-Hello-Bytes"] = hello_bytes
end

-- One machine-readable line: scripts/bench parses it. wrk counts a status
-- of 400 or more in errors.status; socket errors are the other four.
done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d " ..
      "err_status=%d err_socket=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(99),
      e.status, e.connect + e.read + e.write + e.timeout))
end
