-- Scenario deep_cursor: a page deep in the newest-first listing, through a cursor run.sh fetched beforehand.
local lib = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/lib.lua")
lib.scenario("deep_cursor")
