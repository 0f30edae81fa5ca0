-- Scenario sources: the list of all sources with their article counts.
local lib = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/lib.lua")
lib.scenario("sources")
