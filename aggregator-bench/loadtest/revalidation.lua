-- Shared code of the revalidation scenarios poll.lua and revalidate.lua (see docs/LOADTEST.md): a client polling a
-- fixed list of read URLs. revalidation.sh fetches each URL once first and writes {path, etag} pairs to a Lua data
-- file named by NEWSAGG_POLL_DATA. poll.lua asks for each as if it had never seen it; revalidate.lua sends the tag it
-- got in If-None-Match, as a polling client or a shared cache would. Both count statuses per thread; done() prints one
-- line "NEWSAGG_RESULT {json}" with wrk's byte count, so the two runs compare bytes per request side by side.

local revalidation = {}

local data_file = os.getenv("NEWSAGG_POLL_DATA")
if not data_file then
  error("NEWSAGG_POLL_DATA is not set: run the scenarios through aggregator-bench/loadtest/revalidation.sh")
end
local polled = dofile(data_file)

function revalidation.scenario(name, conditional)
  local threads = {}

  setup = function(thread)
    threads[#threads + 1] = thread
    thread:set("thread_index", #threads)
  end

  init = function(args)
    math.randomseed(7919 * (thread_index or 1))
    ok, not_modified, other = 0, 0, 0
  end

  request = function()
    local entry = polled[math.random(#polled)]
    local headers = nil
    if conditional then
      headers = { ["If-None-Match"] = entry.etag }
    end
    return wrk.format("GET", entry.path, headers)
  end

  response = function(status, headers, body)
    if status == 200 then
      ok = ok + 1
    elseif status == 304 then
      not_modified = not_modified + 1
    else
      other = other + 1
    end
  end

  done = function(summary, latency, requests)
    local total_ok, total_304, total_other = 0, 0, 0
    for _, thread in ipairs(threads) do
      total_ok = total_ok + thread:get("ok")
      total_304 = total_304 + thread:get("not_modified")
      total_other = total_other + thread:get("other")
    end
    local e = summary.errors
    local seconds = summary.duration / 1e6
    io.write(string.format(
      'NEWSAGG_RESULT {"scenario":"%s","urls":%d,"requests":%d,"duration_s":%.3f,"req_s":%.2f,'
        .. '"mean_ms":%.3f,"p50_ms":%.3f,"p99_ms":%.3f,"status_200":%d,"status_304":%d,"status_other":%d,'
        .. '"bytes":%d,"bytes_per_request":%.1f,"socket_errors":%d}\n',
      name, #polled, summary.requests, seconds, summary.requests / seconds,
      latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      total_ok, total_304, total_other, summary.bytes, summary.bytes / math.max(1, summary.requests),
      e.connect + e.read + e.write + e.timeout))
  end
end

return revalidation
