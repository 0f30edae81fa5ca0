-- wrk script of the fault runs: GETs the paths listed in the file named by FAULTS_PATHS (one per line, picked at
-- random; repeat a line to weight it) and counts every response by status and by X-Cache, overall and per second of
-- wall-clock time, so that a run can classify the answers given inside an outage window.
--
-- wrk runs this file once in its main Lua state (setup, done) and once per thread (init, request, response). Each
-- thread counts into its own tables; done() fetches them with thread:get (which copies tables between states) and
-- prints one line "FAULTS_RESULT {json}" that common.sh extracts.

local paths = {}
do
  local file = os.getenv("FAULTS_PATHS")
  if not file then
    error("FAULTS_PATHS is not set: run this script through aggregator-bench/faults/common.sh (fault_wrk)")
  end
  for line in io.lines(file) do
    if line:match("^/") then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no paths (lines starting with /) in " .. file)
  end
end

local threads = {}

setup = function(thread)
  threads[#threads + 1] = thread
  thread:set("thread_index", #threads)
end

-- Per-thread state: counts["<status> <x-cache>"] and seconds["<epoch s> <status> <x-cache>"].
counts = {}
seconds = {}

init = function(args)
  math.randomseed(7919 * (thread_index or 1))
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end

response = function(status, headers, body)
  local cache = headers["X-Cache"] or headers["x-cache"] or "-"
  local key = status .. " " .. cache
  counts[key] = (counts[key] or 0) + 1
  local second = os.time() .. " " .. key
  seconds[second] = (seconds[second] or 0) + 1
end

local function json_object(t)
  local parts = {}
  for k, v in pairs(t) do
    parts[#parts + 1] = string.format('"%s":%d', k, v)
  end
  table.sort(parts)
  return "{" .. table.concat(parts, ",") .. "}"
end

local function merge(into, from)
  for k, v in pairs(from or {}) do
    into[k] = (into[k] or 0) + v
  end
end

-- wrk reports latencies in microseconds; its histogram covers every response, whatever its status.
done = function(summary, latency, requests)
  local all_counts, all_seconds = {}, {}
  for _, thread in ipairs(threads) do
    merge(all_counts, thread:get("counts"))
    merge(all_seconds, thread:get("seconds"))
  end
  local e = summary.errors
  local duration = summary.duration / 1e6
  io.write(string.format(
    'FAULTS_RESULT {"requests":%d,"duration_s":%.3f,"req_s":%.2f,"mean_ms":%.3f,"p50_ms":%.3f,"p90_ms":%.3f,'
      .. '"p99_ms":%.3f,"max_ms":%.3f,"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
      .. '"by_status_cache":%s,"by_second":%s}\n',
    summary.requests, duration, summary.requests / duration, latency.mean / 1000, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.timeout, json_object(all_counts), json_object(all_seconds)))
end
