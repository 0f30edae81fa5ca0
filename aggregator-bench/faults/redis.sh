#!/usr/bin/env bash
# Fault run 1 (issue #8): Redis killed mid-load, then restarted.
#
# Proves that the cache fails open: with the server's Redis (a private, memory-only redis-server) SIGKILLed under wrk
# load, every request is still answered 2xx (X-Cache: BYPASS, loads coalesced per key in the process), the outage's
# p99 is no worse than the uncached baseline's plus 10 %, and once Redis is back the cache hits again within 5 s.
#
# How: the read-only 1M-article corpus (FAULTS_DATABASE, newsagg_bench) with feed polling off. First the uncached
# baseline: a server with CACHE_ENABLED=false under the same load for as long as the outage lasts. Then a server with
# the cache on the private Redis, in three wrk runs of their own (own p99 each): warm, outage (Redis SIGKILLed just
# before it), recovery (Redis restarted, empty, just before it). A prober samples X-Cache of /api/sources every 100 ms
# from the kill to the end. The load: trending 24 h, sources and four fixed searches (cached), and newest and one
# article (not cached), at a concurrency the database serves uncached without a 503.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PORT="${FAULTS_REDIS_SERVER_PORT:-18400}"
BASELINE_PORT="${FAULTS_REDIS_BASELINE_PORT:-18401}"
REDIS_PORT="${FAULTS_REDIS_PORT:-16400}"
DATABASE="${FAULTS_DATABASE:-newsagg_bench}"
CONNECTIONS="${FAULTS_CONNECTIONS:-8}"
WARM_S="${FAULTS_WARM_S:-15}"
OUTAGE_S="${FAULTS_OUTAGE_S:-15}"
RECOVERY_S="${FAULTS_RECOVERY_S:-15}"
# Above the server's worst bound (3 s pool wait + 10 s statement timeout), so a slow answer is measured, not cut.
WRK_TIMEOUT_S=15
readonly PORT BASELINE_PORT REDIS_PORT DATABASE CONNECTIONS WARM_S OUTAGE_S RECOVERY_S WRK_TIMEOUT_S

fault_init redis $((2 * 90 + 5 + 2 * OUTAGE_S + WARM_S + RECOVERY_S + 5 * (WRK_TIMEOUT_S + 15) + 60))

DB_ENV=("DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/$DATABASE" "DATABASE_USER=postgres")
ARTICLE_ID="$(psql -h 127.0.0.1 -U postgres -d "$DATABASE" -Atc 'SELECT max(id) FROM articles')" \
  || fault_die "cannot read database $DATABASE"
[[ "$ARTICLE_ID" =~ ^[0-9]+$ ]] || fault_die "database $DATABASE has no articles"

PATHS="$RUN_DIR/paths"
{
  echo '/api/trending?hours=24&limit=20'
  echo '/api/sources'
  for q in chancellor cabinet spokeswoman premier; do
    echo "/api/search?limit=20&q=$q"
  done
  echo '/api/articles?limit=20'
  echo "/api/articles/$ARTICLE_ID"
} >"$PATHS"

# ---- Uncached baseline ----------------------------------------------------------------------------------------------

fault_start_server baseline "$BASELINE_PORT" "${DB_ENV[@]}" CACHE_ENABLED=false
BASELINE_PID="$SERVER_PID"
fault_log "baseline: 5 s not recorded, then ${OUTAGE_S} s at $CONNECTIONS connections, cache off"
fault_wrk baseline-warm "http://127.0.0.1:$BASELINE_PORT" "$PATHS" 5 "$CONNECTIONS" "$WRK_TIMEOUT_S" \
  || fault_die "wrk failed"
fault_wrk baseline "http://127.0.0.1:$BASELINE_PORT" "$PATHS" "$OUTAGE_S" "$CONNECTIONS" "$WRK_TIMEOUT_S" \
  || fault_die "wrk failed"
fault_stop_pid "$BASELINE_PID" 30 >/dev/null || fault_log "baseline server needed a SIGKILL"

# ---- Cache on: warm, outage, recovery -------------------------------------------------------------------------------

fault_redis_start "$REDIS_PORT"
fault_start_server cached "$PORT" "${DB_ENV[@]}" CACHE_ENABLED=true "REDIS_URL=redis://127.0.0.1:$REDIS_PORT" \
  "CACHE_NAMESPACE=faults$$"
URL="http://127.0.0.1:$PORT"
fault_log "warm: ${WARM_S} s"
fault_wrk warm "$URL" "$PATHS" "$WARM_S" "$CONNECTIONS" "$WRK_TIMEOUT_S" || fault_die "wrk failed"

fault_probe_start probe "$URL/api/sources" $((OUTAGE_S + RECOVERY_S + 2 * WRK_TIMEOUT_S + 30)) 5
T_KILL="$(fault_now_ms)"
fault_redis_kill
fault_log "outage: Redis SIGKILLed, ${OUTAGE_S} s"
fault_wrk outage "$URL" "$PATHS" "$OUTAGE_S" "$CONNECTIONS" "$WRK_TIMEOUT_S" || fault_die "wrk failed"
T_RESTART="$(fault_now_ms)"
fault_redis_start "$REDIS_PORT"
T_UP="$(fault_now_ms)"
fault_log "recovery: Redis restarted (answered PING after $((T_UP - T_RESTART)) ms), ${RECOVERY_S} s"
fault_wrk recovery "$URL" "$PATHS" "$RECOVERY_S" "$CONNECTIONS" "$WRK_TIMEOUT_S" || fault_die "wrk failed"
fault_stop_pid "$PROBE_PID" 5 >/dev/null || true
fault_stop_pid "$SERVER_PID" 30 >/dev/null || fault_log "the server needed a SIGKILL to stop"

# ---- Criteria -------------------------------------------------------------------------------------------------------

PROBE="$RUN_DIR/probe.probe"
server_errors() {
  fault_count "$RUN_DIR/$1.json" '^5'
}
socket_errors() {
  jq '.socket_errors | add' "$RUN_DIR/$1.json"
}
p99() {
  jq '.p99_ms' "$RUN_DIR/$1.json"
}

FIVE_XX="$(($(server_errors warm) + $(server_errors outage) + $(server_errors recovery)))"
SOCKET="$(($(socket_errors warm) + $(socket_errors outage) + $(socket_errors recovery)))"
BASELINE_BAD="$(($(server_errors baseline) + $(socket_errors baseline)))"
OUTAGE_BYPASS="$(fault_count "$RUN_DIR/outage.json" ' BYPASS$')"
PROBE_BYPASS="$(fault_count_between "$PROBE" "$T_KILL" "$T_RESTART" '^200$' '^BYPASS$')"
TO_BYPASS_MS="$(fault_first_after "$PROBE" "$T_KILL" '^200$' '^BYPASS$' || echo null)"
TO_HIT_MS="$(fault_first_after "$PROBE" "$T_RESTART" '^200$' '^HIT$' || echo null)"
BASELINE_P99="$(p99 baseline)"
OUTAGE_P99="$(p99 outage)"
P99_LIMIT="$(jq -n --argjson b "$BASELINE_P99" '$b * 1.10 * 1000 | round / 1000')"

fault_check "zero 5xx (warm, outage, recovery)" "$FIVE_XX 5xx responses" test "$FIVE_XX" -eq 0
fault_check "no socket errors or timeouts" "$SOCKET socket errors (wrk timeout ${WRK_TIMEOUT_S} s)" test "$SOCKET" -eq 0
fault_check "the uncached baseline is served without 5xx or socket errors" "$BASELINE_BAD" test "$BASELINE_BAD" -eq 0
fault_check "X-Cache: BYPASS during the outage" \
  "$OUTAGE_BYPASS BYPASS answers under load, $PROBE_BYPASS prober samples; first after $TO_BYPASS_MS ms" \
  test "$OUTAGE_BYPASS" -gt 0 -a "$PROBE_BYPASS" -gt 0
fault_check "HIT within 5 s of the restart" "first HIT sample $TO_HIT_MS ms after the restart" \
  test "$TO_HIT_MS" != null -a "${TO_HIT_MS/null/99999}" -le 5000
fault_check "outage p99 <= uncached baseline p99 + 10 %" "$OUTAGE_P99 ms vs limit $P99_LIMIT ms" \
  awk -v o="$OUTAGE_P99" -v l="$P99_LIMIT" 'BEGIN { exit !(o <= l) }'

phase() {
  jq -c --arg c "$CONNECTIONS" '{connections: ($c | tonumber), duration_s, requests, req_s, p50_ms, p99_ms, max_ms,
    by_status_cache, socket_errors}' "$RUN_DIR/$1.json"
}
jq -n --argjson baseline "$(phase baseline)" --argjson warm "$(phase warm)" --argjson outage "$(phase outage)" \
  --argjson recovery "$(phase recovery)" --argjson kill "$T_KILL" --argjson restart "$T_RESTART" \
  --argjson up "$T_UP" --argjson to_bypass "$TO_BYPASS_MS" --argjson to_hit "$TO_HIT_MS" \
  --arg database "$DATABASE" --rawfile paths "$PATHS" '
  {database: $database, paths: ($paths | rtrimstr("\n") | split("\n")),
   phases: {uncached_baseline: $baseline, warm: $warm, outage: $outage, recovery: $recovery},
   faults: {redis_sigkill_ms: $kill, redis_restart_ms: $restart, redis_answering_ms: $up},
   recovery: {first_bypass_after_kill_ms: $to_bypass, first_hit_after_restart_ms: $to_hit},
   lost: "nothing: Redis holds only cache entries, and every request was answered"}' >"$RUN_DIR/figures.json"
fault_finish "$RUN_DIR/figures.json"
