-- Scenario revalidate: the same client sending the ETag it holds in If-None-Match (a 304 when nothing changed).
local revalidation = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/revalidation.lua")
revalidation.scenario("revalidate", true)
