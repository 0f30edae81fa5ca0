-- Scenario newest: the first page of the newest-first listing (limit 20).
local lib = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/lib.lua")
lib.scenario("newest")
