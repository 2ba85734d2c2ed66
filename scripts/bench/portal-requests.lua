-- wrk script for scripts/bench/portal.sh: one wrk thread per connection (`wrk -tN -cN`), so each connection is one
-- citizen with its own session cookie, as 200 citizens in 200 browsers would be.
--
-- BENCH_REQUESTS names a file of requests, one a line, tab-separated:
--
--     CONNECTION <TAB> METHOD <TAB> PATH <TAB> COOKIE <TAB> BODY
--
-- CONNECTION (1 … N) says which connection (wrk thread) sends it; COOKIE (`NAME=VALUE`, may be empty) is sent as
-- the Cookie header; BODY (may be empty) is sent urlencoded, with an Origin header naming BENCH_ORIGIN when set,
-- as a browser posts a form. scripts/bench/portal-requests.py writes these files.
--
-- BENCH_MODE=loop (default): each connection sends its requests in turn for the whole run; wrk's own latency
-- histogram gives the figures, printed at the end as one machine-readable line (microseconds).
-- BENCH_MODE=once: every connection waits for a common start (BENCH_START_DELAY_MS, default 3000, after wrk
-- created its first thread), then sends each of its requests once (a draft can be submitted only once), noting
-- when it sent each request and when the answer was complete (CLOCK_MONOTONIC, microseconds); after its last one
-- it writes `CONNECTION <TAB> INDEX <TAB> SENT <TAB> DONE <TAB> STATUS` lines to BENCH_SAMPLES/conn-N.tsv and stops.
-- wrk itself runs until its -d or SIGINT; portal.sh interrupts it once every connection has written its file, and
-- portal-requests.py --samples computes the figures from the files.
--
-- Every answer must have the status in BENCH_EXPECT (default 200); others are counted as `errors_status`.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("bench_timespec")
local function now_us()
   ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
   return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

local requests = {}
local next_index = 1
local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
local mode = os.getenv("BENCH_MODE") or "loop"
local origin = os.getenv("BENCH_ORIGIN")
local samples_dir = os.getenv("BENCH_SAMPLES")
local samples = {}
local sent_at = 0
local finished = false
unexpected = 0 -- global: done() reads it from each thread

function setup(thread)
   setup_count = (setup_count or 0) + 1
   -- In once mode all connections start together, after every thread is created (wrk creates them one by one,
   -- reading the request file each time, which takes a while with 200 threads).
   start_at = start_at or (now_us() + 1000 * tonumber(os.getenv("BENCH_START_DELAY_MS") or "3000"))
   thread:set("thread_number", setup_count)
   thread:set("start_at", start_at)
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
   local me = tostring(thread_number)
   local name = os.getenv("BENCH_REQUESTS")
   local file = assert(io.open(name, "r"), "cannot open BENCH_REQUESTS " .. tostring(name))
   for line in file:lines() do
      if line ~= "" then
         local f = split(line)
         if f[1] == me then
            local headers = {}
            if f[5] and f[5] ~= "" then
               headers["Content-Type"] = "application/x-www-form-urlencoded"
               if origin and origin ~= "" then headers["Origin"] = origin end
            end
            if f[4] and f[4] ~= "" then headers["Cookie"] = f[4] end
            local body = nil
            if f[5] and f[5] ~= "" then body = f[5] end
            -- Formatted once here, so the load generator spends its time sending, not building requests.
            requests[#requests + 1] = wrk.format(f[2], f[3], headers, body)
         end
      end
   end
   file:close()
   assert(#requests > 0, "BENCH_REQUESTS lists no request for connection " .. me)
end

function request()
   if finished then
      -- Not expected: wrk stops this thread after its last answer. Something harmless, never measured.
      return wrk.format("GET", "/healthz")
   end
   local r = requests[next_index]
   if mode == "once" then
      sent_at = now_us()
   else
      next_index = next_index % #requests + 1
   end
   return r
end

if mode == "once" then
   -- wrk asks before every request how many milliseconds to wait: until the common start for the first one.
   local started = false
   function delay()
      if started then return 0 end
      started = true
      local wait = math.floor((start_at - now_us()) / 1000)
      if wait < 0 then
         io.stderr:write(string.format("connection %d started %d ms late\n", thread_number, -wait))
         return 0
      end
      return wait
   end
end

local function write_samples()
   local name = samples_dir .. "/conn-" .. tostring(thread_number) .. ".tsv"
   local tmp = name .. ".part"
   local file = assert(io.open(tmp, "w"))
   for i, s in ipairs(samples) do
      file:write(string.format("%d\t%d\t%d\t%d\t%d\n", thread_number, i, s[1], s[2], s[3]))
   end
   file:close()
   os.rename(tmp, name)
end

function response(status, headers, body)
   if finished then return end
   if status ~= expect then
      unexpected = unexpected + 1
      if unexpected <= 3 then
         io.stderr:write(string.format("unexpected status %d: %s\n", status, string.sub(body or "", 1, 300)))
      end
   end
   if mode == "once" then
      samples[#samples + 1] = { sent_at, now_us(), status }
      next_index = next_index + 1
      if next_index > #requests then
         finished = true
         write_samples()
         wrk.thread:stop()
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
      "BENCH_RESULT requests=%d duration_us=%d p50=%d p90=%d p95=%d p99=%d max=%d mean=%.0f " ..
      "errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d bytes=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
      latency.max, latency.mean,
      e.connect, e.read, e.write, math.max(e.status, wrong), e.timeout, summary.bytes))
end
