-- Scenario trending_168h: the trending terms and sources of the last 168 hours (a week).
local lib = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/lib.lua")
lib.scenario("trending_168h")
