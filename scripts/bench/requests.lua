-- wrk script for scripts/bench/dossiers.sh: each thread's requests rotate through the requests listed in the file
-- named by BENCH_REQUESTS, one per line, tab-separated:
--
--     METHOD <TAB> PATH <TAB> CREDENTIAL <TAB> BODY
--
-- CREDENTIAL (a bearer token, or `cookie:NAME=VALUE` for a back-office session; may be empty) and BODY (JSON on
-- one line, may be empty) are optional. scripts/bench/dossier-requests.py writes these files. Each wrk thread
-- starts at a different place in the list, so threads do not ask for the same dossier at the same moment.
-- Every answer must have the status in BENCH_EXPECT (default 200; 201 for receipts): any other status is counted
-- and reported as `errors_status` (wrk itself only counts statuses above 399). At the end it prints one
-- machine-readable line (latencies in microseconds) for dossiers.sh to parse.

local requests = {}
local next_index = 1
local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
unexpected = 0   -- global: done() reads it from each thread

function setup(thread)
   setup_count = (setup_count or 0) + 1
   thread:set("thread_number", setup_count)
   threads = threads or {}
   table.insert(threads, thread)
end

local function split(line)
   local fields = {}
   local start = 1
   while true do
      local tab = string.find(line, "\t", start, true)
      if not tab then
         fields[#fields + 1] = string.sub(line, start)
         return fields
      end
      fields[#fields + 1] = string.sub(line, start, tab - 1)
      start = tab + 1
   end
end

function init(args)
   local name = os.getenv("BENCH_REQUESTS")
   local file = assert(io.open(name, "r"), "cannot open BENCH_REQUESTS " .. tostring(name))
   for line in file:lines() do
      if line ~= "" then
         local f = split(line)
         local headers = {}
         if f[3] and string.sub(f[3], 1, 7) == "cookie:" then
            headers["Cookie"] = string.sub(f[3], 8)
         elseif f[3] and f[3] ~= "" then
            headers["Authorization"] = "Bearer " .. f[3]
         end
         local body = nil
         if f[4] and f[4] ~= "" then
            body = f[4]
            headers["Content-Type"] = "application/json"
         end
         -- Formatted once here, so the load generator spends its time sending, not building requests.
         requests[#requests + 1] = wrk.format(f[1], f[2], headers, body)
      end
   end
   file:close()
   assert(#requests > 0, "BENCH_REQUESTS lists no request")
   local n = tonumber(thread_number) or 1
   next_index = ((n - 1) * 7919) % #requests + 1
end

function request()
   local r = requests[next_index]
   next_index = next_index % #requests + 1
   return r
end

function response(status, headers, body)
   if status ~= expect then
      unexpected = unexpected + 1
      if unexpected <= 3 then
         io.stderr:write(string.format("unexpected status %d: %s\n", status, string.sub(body or "", 1, 300)))
      end
   end
end

function done(summary, latency, requests_done)
   local e = summary.errors
   local wrong = 0
   for _, thread in ipairs(threads or {}) do
      wrong = wrong + (thread:get("unexpected") or 0)
   end
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d p50=%d p90=%d p99=%d max=%d mean=%.0f " ..
      "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
      e.connect, e.read, e.write, math.max(e.status, wrong), e.timeout))
end
