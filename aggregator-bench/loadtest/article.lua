-- Scenario article: one article by id, picked at random among the ids run.sh fetched.
local lib = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/lib.lua")
lib.scenario("article")
