-- Scenario search_miss: two words drawn uniformly from the vocabulary, so that almost every query misses the cache.
local lib = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/lib.lua")
lib.scenario("search_miss")
