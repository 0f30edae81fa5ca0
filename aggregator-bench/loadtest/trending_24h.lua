-- Scenario trending_24h: the trending terms and sources of the last 24 hours.
local lib = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/lib.lua")
lib.scenario("trending_24h")
