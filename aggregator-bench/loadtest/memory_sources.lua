-- Scenario memory_sources: the sources answer from memory (/debug/memory/sources, behind the metrics token), the ceiling for a cache hit.
-- The server must run with DEBUG_MEMORY_SOURCES=true: the route is off by default and answers 404 without it.
local lib = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/lib.lua")
lib.scenario("memory_sources")
