-- Scenario search: full-text search with 1-3 words drawn from the corpus vocabulary with a Zipf distribution.
local lib = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/lib.lua")
lib.scenario("search")
