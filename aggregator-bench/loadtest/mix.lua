-- Scenario mix: all scenarios together, weighted as lib.mix_weights says (also the warm-up).
local lib = dofile((os.getenv("NEWSAGG_LOADTEST_DIR") or "aggregator-bench/loadtest") .. "/lib.lua")
lib.scenario("mix")
