-- Scenario poll: a client polling the read URLs of revalidation.sh without revalidating (every answer in full).
local revalidation = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/revalidation.lua")
revalidation.scenario("poll", false)
