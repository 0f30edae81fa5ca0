-- count.lua at a bounded rate: each connection waits FAULTS_DELAY_MS (default 50) between two requests, so that a run
-- can hold a light, steady read load (at most connections * 1000 / delay requests a second) instead of all wrk can do.
-- FAULTS_COUNT_LUA names count.lua; two-servers.sh sets both variables.
dofile(os.getenv("FAULTS_COUNT_LUA"))

local pause = tonumber(os.getenv("FAULTS_DELAY_MS") or "50")

delay = function()
  return pause
end
