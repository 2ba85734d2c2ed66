-- wrk script for scripts/bench/search.sh: each connection's requests rotate through the request paths listed in
-- the file named by BENCH_PATHS (one URL-encoded path per line), each wrk thread starting at a different place in
-- the list. At the end it prints one machine-readable line (latencies in microseconds) for search.sh to parse.

local paths = {}
local next_index = 1

function setup(thread)
   setup_count = (setup_count or 0) + 1
   thread:set("thread_number", setup_count)
end

function init(args)
   local name = os.getenv("BENCH_PATHS")
   local file = assert(io.open(name, "r"), "cannot open BENCH_PATHS " .. tostring(name))
   for line in file:lines() do
      if line ~= "" then
         paths[#paths + 1] = line
      end
   end
   file:close()
   assert(#paths > 0, "BENCH_PATHS lists no path")
   -- Spread the threads over the list so they do not ask the same query at the same moment.
   local n = tonumber(thread_number) or 1
   next_index = ((n - 1) * 7) % #paths + 1
end

function request()
   local path = paths[next_index]
   next_index = next_index % #paths + 1
   return wrk.format("GET", path)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d p50=%d p90=%d p99=%d max=%d mean=%.0f " ..
      "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
      e.connect, e.read, e.write, e.status, e.timeout))
end
