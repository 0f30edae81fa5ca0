-- Scenario by_source: the first page of one random source's articles (limit 20).
local lib = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/lib.lua")
lib.scenario("by_source")
