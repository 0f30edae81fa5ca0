-- Shared code of the newsagg wrk scenarios (see docs/LOADTEST.md).
--
-- run.sh discovers source ids, article ids, deep cursors and search words from the running server, writes them to a
-- Lua data file and passes its path in NEWSAGG_LOADTEST_DATA. Every scenario script calls lib.scenario(name), which
-- installs wrk's setup/init/request/done callbacks. done() prints one line "NEWSAGG_RESULT {json}" that run.sh reads.
--
-- wrk runs this file once in its main Lua state (setup, done) and once per thread (init, request); each state loads the
-- data file itself, so nothing is shared between threads.

local lib = {}

local data_file = os.getenv("NEWSAGG_LOADTEST_DATA")
if not data_file then
  error("NEWSAGG_LOADTEST_DATA is not set: run the scenarios through aggregator-bench/loadtest/run.sh")
end
local data = dofile(data_file)

-- The weighted mix of the "mix" scenario and of the warm-up: roughly what a news reader's traffic looks like, most
-- requests on the front page, a source page or one article. The weights add up to 100.
lib.mix_weights = {
  { "newest", 30 },
  { "by_source", 20 },
  { "article", 20 },
  { "search", 15 },
  { "deep_cursor", 5 },
  { "sources", 4 },
  { "trending_24h", 4 },
  { "trending_168h", 2 },
}

-- Search query lengths: one word most often, three words rarely.
local query_lengths = { { 1, 50 }, { 2, 35 }, { 3, 15 } }

-- Zipf with exponent 1 over the words in their given order (most frequent first), like the corpus vocabulary.
local zipf_cdf = {}
do
  local total = 0
  for rank = 1, #data.words do
    total = total + 1 / rank
    zipf_cdf[rank] = total
  end
  for rank = 1, #data.words do
    zipf_cdf[rank] = zipf_cdf[rank] / total
  end
end

local function pick(list)
  return list[math.random(#list)]
end

local function weighted(pairs_list)
  local total = 0
  for _, p in ipairs(pairs_list) do
    total = total + p[2]
  end
  local r = math.random() * total
  for _, p in ipairs(pairs_list) do
    r = r - p[2]
    if r < 0 then
      return p[1]
    end
  end
  return pairs_list[#pairs_list][1]
end

-- The rank drawn from a cumulative distribution (ascending, ending at 1), by binary search.
local function sample(cdf)
  local r = math.random()
  local lo, hi = 1, #cdf
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < r then
      lo = mid + 1
    else
      hi = mid
    end
  end
  return lo
end

local function zipf_word()
  return data.words[sample(zipf_cdf)]
end

local function compose_query()
  local n = weighted(query_lengths)
  local words = {}
  for i = 1, n do
    words[i] = zipf_word()
  end
  -- Words are a-z only (run.sh filters them), so a space is the only character that needs encoding.
  return table.concat(words, "%20")
end

-- Search traffic is Zipf over queries, as search logs are: a fixed population of distinct 1-3-word queries, built
-- the same way in every thread and run (its own seed), of which the rank-r query is asked with weight 1/r.
local QUERY_POPULATION = 1000
local queries = {}
local query_cdf = {}
do
  math.randomseed(20261126)
  local seen = {}
  local attempts = 0
  while #queries < QUERY_POPULATION and attempts < 100 * QUERY_POPULATION do
    attempts = attempts + 1
    local q = compose_query()
    if not seen[q] then
      seen[q] = true
      queries[#queries + 1] = q
    end
  end
  local total = 0
  for rank = 1, #queries do
    total = total + 1 / rank
    query_cdf[rank] = total
  end
  for rank = 1, #queries do
    query_cdf[rank] = query_cdf[rank] / total
  end
end

local function search_query()
  return queries[sample(query_cdf)]
end

-- The population itself, most popular first, URL-encoded: run.sh --prime-search asks each of them once.
lib.search_queries = queries

-- One path generator per scenario.
lib.paths = {
  newest = function() return "/api/articles?limit=20" end,
  by_source = function() return "/api/articles?limit=20&source=" .. pick(data.sources) end,
  deep_cursor = function() return "/api/articles?limit=20&cursor=" .. pick(data.cursors) end,
  article = function() return "/api/articles/" .. pick(data.ids) end,
  search = function() return "/api/search?limit=20&q=" .. search_query() end,
  trending_24h = function() return "/api/trending?hours=24&limit=20" end,
  trending_168h = function() return "/api/trending?hours=168&limit=20" end,
  sources = function() return "/api/sources" end,
  -- Not in the default run: two words drawn uniformly, so that almost every query is new (cache misses).
  search_miss = function() return "/api/search?limit=20&q=" .. pick(data.words) .. "%20" .. pick(data.words) end,
  -- Not in the default run: the sources answer served from memory by /debug/memory/sources, for comparing a cache
  -- hit with a route that does no I/O at all.
  memory_sources = function() return "/debug/memory/sources" end,
}

lib.paths.mix = function()
  return lib.paths[weighted(lib.mix_weights)]()
end

local function json_weights()
  local parts = {}
  for _, p in ipairs(lib.mix_weights) do
    parts[#parts + 1] = string.format('"%s":%d', p[1], p[2])
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

-- Installs wrk's callbacks for the named scenario.
function lib.scenario(name)
  local path = lib.paths[name]
  if not path then
    error("unknown scenario " .. tostring(name))
  end
  local threads = 0
  local thread_list = {}

  -- Runs in the main state: gives each thread a distinct, reproducible random seed.
  setup = function(thread)
    threads = threads + 1
    thread:set("thread_index", threads)
    thread_list[threads] = thread
  end

  -- With NEWSAGG_LOADTEST_XCACHE=1 (live.sh), each thread counts the X-Cache values of its answers. Off by default:
  -- a response() callback makes wrk hand every header and body to Lua, which costs client time on every request.
  local x_cache_values = { "HIT", "STALE", "REFRESHED", "MISS", "BYPASS" }
  if os.getenv("NEWSAGG_LOADTEST_XCACHE") == "1" then
    response = function(status, headers, body)
      local value = headers["X-Cache"] or headers["x-cache"] or "none"
      x_cache_counts[value] = (x_cache_counts[value] or 0) + 1
    end
  end

  init = function(args)
    math.randomseed(7919 * (thread_index or 1))
    x_cache_counts = {}
  end

  -- /debug routes sit behind the metrics token; only the scenario that needs it sends it.
  local headers = nil
  local token = os.getenv("NEWSAGG_LOADTEST_TOKEN")
  if name == "memory_sources" and token and token ~= "" then
    headers = { ["Authorization"] = "Bearer " .. token }
  end

  request = function()
    return wrk.format("GET", path(), headers)
  end

  -- wrk reports latencies in microseconds; errors.status counts responses with a status above 399.
  done = function(summary, latency, requests)
    local e = summary.errors
    local seconds = summary.duration / 1e6
    local socket = e.connect + e.read + e.write + e.timeout
    local extra = ""
    if name == "mix" then
      extra = ',"mix_weights":' .. json_weights()
    end
    if response then
      local totals = { none = 0 }
      for _, thread in ipairs(thread_list) do
        local counts = thread:get("x_cache_counts") or {}
        for value, count in pairs(counts) do
          local known = "none"
          for _, v in ipairs(x_cache_values) do
            if v == value then known = v end
          end
          totals[known] = (totals[known] or 0) + count
        end
      end
      local parts = {}
      for _, v in ipairs(x_cache_values) do
        parts[#parts + 1] = string.format('"%s":%d', v, totals[v] or 0)
      end
      parts[#parts + 1] = string.format('"none":%d', totals.none)
      extra = extra .. ',"x_cache":{' .. table.concat(parts, ",") .. "}"
    end
    io.write(string.format(
      'NEWSAGG_RESULT {"scenario":"%s","requests":%d,"duration_s":%.3f,"req_s":%.2f,'
        .. '"mean_ms":%.3f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,'
        .. '"errors":%d,"non_2xx":%d,"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d}%s}\n',
      name, summary.requests, seconds, summary.requests / seconds,
      latency.mean / 1000, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000,
      e.status + socket, e.status, e.connect, e.read, e.write, e.timeout, extra))
  end
end

return lib
