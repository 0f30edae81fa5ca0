#!/usr/bin/env bash
# Fault run 2 (issue #8): PostgreSQL connections killed mid-load, then the database stopped and started again.
#
# Proves that the server degrades cleanly when its database goes away and comes back by itself: no request hangs past
# its bound (3 s pool wait + 10 s statement timeout), while the database is down every answer is a 503 problem or a
# cached hit, /health/ready turns 503 within 2 s of the stop and 200 within 5 s of the start, and afterwards the
# uncached endpoints answer 200 again without a server restart, with no article lost.
#
# How: a private PostgreSQL cluster (initdb in a temporary directory owned by the postgres user, its own port) seeded
# with the jar; a server on it with the cache on (the shared Redis, a namespace of its own). Under wrk load (cached:
# trending, sources, two searches; uncached: newest, by source, one article) in separate wrk runs: warm; terminate
# (pg_terminate_backend on the server's connections, application_name 'newsagg', 3 s in); outage (load starts 2 s
# before `pg_ctl stop -m fast`, then the database stays down for FAULTS_HOLD_S); recovery (after `pg_ctl start`).
# A prober samples /health/ready every 100 ms from the terminate phase to the end.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PORT="${FAULTS_PG_SERVER_PORT:-18410}"
PG_PORT="${FAULTS_PG_PORT:-15440}"
REDIS_URL="${FAULTS_PG_REDIS_URL:-redis://127.0.0.1:6379}"
ARTICLES="${FAULTS_PG_ARTICLES:-50000}"
CONNECTIONS="${FAULTS_CONNECTIONS:-8}"
WARM_S="${FAULTS_WARM_S:-10}"
TERMINATE_S="${FAULTS_TERMINATE_S:-10}"
HOLD_S="${FAULTS_HOLD_S:-10}"
RECOVERY_S="${FAULTS_RECOVERY_S:-15}"
# Above the server's worst bound (3 s pool wait + 10 s statement timeout): a request that hangs past it is a timeout.
WRK_TIMEOUT_S=20
SERVER_BOUND_MS=13000
readonly PORT PG_PORT REDIS_URL ARTICLES CONNECTIONS WARM_S TERMINATE_S HOLD_S RECOVERY_S WRK_TIMEOUT_S SERVER_BOUND_MS

fault_init postgres $((180 + 90 + WARM_S + TERMINATE_S + HOLD_S + 2 + RECOVERY_S + 4 * (WRK_TIMEOUT_S + 15) + 120))

[[ "$REDIS_URL" =~ ^redis://127\.0\.0\.1:[0-9]+$ ]] || fault_die "FAULTS_PG_REDIS_URL must be redis://127.0.0.1:PORT"
PG_BIN="${FAULTS_PG_BIN:-/usr/lib/postgresql/15/bin}"
[[ -x "$PG_BIN/initdb" ]] || fault_die "no initdb in $PG_BIN (set FAULTS_PG_BIN)"

# ---- The private cluster --------------------------------------------------------------------------------------------

# initdb refuses to run as root: as root, the cluster belongs to the postgres user.
AS_PG=()
if [[ "$(id -u)" -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || fault_die "running as root needs a postgres user to own the cluster"
  AS_PG=(runuser -u postgres --)
fi
PG_DIR="$(mktemp -d /tmp/newsagg-faults-pg.XXXXXX)"
[[ ${#AS_PG[@]} -eq 0 ]] || chown postgres: "$PG_DIR"
PG_DATA="$PG_DIR/data"
PG_LOG="$RUN_DIR/postgres.log"
touch "$PG_LOG"
[[ ${#AS_PG[@]} -eq 0 ]] || chown postgres: "$PG_LOG"

pg_ctl_run() {
  timeout 60 "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" "$@"
}
fault_add_cleanup "pg_ctl_run stop -m immediate >/dev/null 2>&1; rm -rf '$PG_DIR'"

timeout 120 "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --no-sync \
  >"$RUN_DIR/initdb.log" 2>&1 || fault_die "initdb failed (see $RUN_DIR/initdb.log)"
pg_start() {
  pg_ctl_run -w -t 30 -l "$PG_LOG" -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
}
pg_start || fault_die "the private cluster did not start (see $PG_LOG)"
PSQL=(psql -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -Atq)
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE newsagg' || fault_die "CREATE DATABASE failed"
DB_ENV=("DATABASE_URL=jdbc:postgresql://127.0.0.1:$PG_PORT/newsagg" "DATABASE_USER=postgres")

fault_log "seeding $ARTICLES articles"
env -i "PATH=$PATH" "HOME=$HOME" "${DB_ENV[@]}" timeout 600 "$FAULTS_JAVA" -jar "$FAULTS_JAR" seed \
  --articles "$ARTICLES" --now 2026-11-26T08:00:00Z >"$RUN_DIR/seed.log" 2>&1 \
  || fault_die "seeding failed (see $RUN_DIR/seed.log)"
"${PSQL[@]}" -d newsagg -c 'VACUUM ANALYZE' || fault_die "VACUUM ANALYZE failed"
count_articles() {
  "${PSQL[@]}" -d newsagg -c 'SELECT count(*) FROM articles'
}
ARTICLES_BEFORE="$(count_articles)"

# ---- Server and load ------------------------------------------------------------------------------------------------

NAMESPACE="faultspg$$"
REDIS_HOST_PORT="${REDIS_URL#redis://127.0.0.1:}"
# The run's keys in the shared Redis go when it ends (they would expire anyway, within the search TTL).
fault_add_cleanup "timeout 30 redis-cli -h 127.0.0.1 -p '$REDIS_HOST_PORT' --scan --pattern '$NAMESPACE:*' \
  | timeout 30 xargs -r redis-cli -h 127.0.0.1 -p '$REDIS_HOST_PORT' del >/dev/null"
fault_start_server server "$PORT" "${DB_ENV[@]}" CACHE_ENABLED=true "REDIS_URL=$REDIS_URL" "CACHE_NAMESPACE=$NAMESPACE"
URL="http://127.0.0.1:$PORT"
SOURCE_ID="$("${PSQL[@]}" -d newsagg -c 'SELECT min(id) FROM sources')"
ARTICLE_ID="$("${PSQL[@]}" -d newsagg -c 'SELECT max(id) FROM articles')"
CACHED_PATHS=('/api/trending?hours=24&limit=20' '/api/sources' '/api/search?limit=20&q=cabinet'
  '/api/search?limit=20&q=chancellor')
UNCACHED_PATHS=('/api/articles?limit=20' "/api/articles?limit=20&source=$SOURCE_ID" "/api/articles/$ARTICLE_ID")
PATHS="$RUN_DIR/paths"
printf '%s\n' "${CACHED_PATHS[@]}" "${UNCACHED_PATHS[@]}" >"$PATHS"

fault_log "warm: ${WARM_S} s"
fault_wrk warm "$URL" "$PATHS" "$WARM_S" "$CONNECTIONS" "$WRK_TIMEOUT_S" || fault_die "wrk failed"

fault_probe_start ready "$URL/health/ready" $((TERMINATE_S + 2 + HOLD_S + RECOVERY_S + 3 * WRK_TIMEOUT_S + 60)) 5

# (a) Connections killed under load.
fault_wrk_bg terminate "$URL" "$PATHS" "$TERMINATE_S" "$CONNECTIONS" "$WRK_TIMEOUT_S"
sleep 3
T_TERMINATE="$(fault_now_ms)"
TERMINATED="$("${PSQL[@]}" -d postgres -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
  WHERE application_name = 'newsagg' AND datname = 'newsagg'")"
fault_log "terminate: $TERMINATED server connections terminated"
wait "$WRK_PID" || true
fault_untrack_pid "$WRK_PID"

# (b) The database stopped under load, held down, started again.
fault_wrk_bg outage "$URL" "$PATHS" $((2 + HOLD_S)) "$CONNECTIONS" "$WRK_TIMEOUT_S"
sleep 2
T_STOP="$(fault_now_ms)"
pg_ctl_run -w -t 30 stop -m fast >/dev/null || fault_die "pg_ctl stop failed"
T_STOPPED="$(fault_now_ms)"
fault_log "outage: stopped in $((T_STOPPED - T_STOP)) ms, held down until the outage load ends"
wait "$WRK_PID" || true
fault_untrack_pid "$WRK_PID"
T_START="$(fault_now_ms)"
pg_start || fault_die "the private cluster did not start again (see $PG_LOG)"
T_STARTED="$(fault_now_ms)"
fault_log "recovery: started in $((T_STARTED - T_START)) ms, ${RECOVERY_S} s of load"
fault_wrk recovery "$URL" "$PATHS" "$RECOVERY_S" "$CONNECTIONS" "$WRK_TIMEOUT_S" || fault_die "wrk failed"

# Each uncached endpoint, after the recovery load, on the same server process.
AFTER_OK=0
for path in "${UNCACHED_PATHS[@]}"; do
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 15 "$URL$path" || true)"
  echo "$path $code" >>"$RUN_DIR/after.txt"
  [[ "$code" == 200 ]] && AFTER_OK=$((AFTER_OK + 1))
done
fault_stop_pid "$PROBE_PID" 5 >/dev/null || true
ARTICLES_AFTER="$(count_articles)"
SERVER_ALIVE=false
kill -0 "$SERVER_PID" 2>/dev/null && SERVER_ALIVE=true
fault_stop_pid "$SERVER_PID" 30 >/dev/null || fault_log "the server needed a SIGKILL to stop"

# ---- Criteria -------------------------------------------------------------------------------------------------------

PROBE="$RUN_DIR/ready.probe"
socket_errors() {
  jq '.socket_errors | add' "$RUN_DIR/$1.json"
}
max_ms() {
  jq '.max_ms' "$RUN_DIR/$1.json"
}
# Responses whose key is neither a 2xx nor a 503 problem.
unclean() {
  jq '[.by_status_cache | to_entries[] | select(.key | test("^2|^503 .* problem$") | not) | .value] | add // 0' \
    "$RUN_DIR/$1.json"
}
# Answers received in whole seconds after the stop had completed (the database down throughout, as the outage load
# ends before the start) that are neither a 503 problem nor a 200 cached hit.
DOWN_FROM_S=$(((T_STOPPED + 999) / 1000))
OUTAGE_BAD="$(jq --argjson from "$DOWN_FROM_S" '[.by_second | to_entries[]
  | select((.key | split(" ")[0] | tonumber) >= $from) | select(.key | test(" (503 .* problem|200 HIT)$") | not)
  | .value] | add // 0' "$RUN_DIR/outage.json")"
OUTAGE_CLASSIFIED="$(jq -c --argjson from "$DOWN_FROM_S" '[.by_second | to_entries[]
  | select((.key | split(" ")[0] | tonumber) >= $from) | {k: (.key | split(" ")[1:] | join(" ")), v: .value}]
  | group_by(.k) | map({key: .[0].k, value: (map(.v) | add)}) | from_entries' "$RUN_DIR/outage.json")"
OUTAGE_DOWN_N="$(jq -n --argjson c "$OUTAGE_CLASSIFIED" '[$c[]] | add // 0')"
TIMEOUTS="$(($(jq '.socket_errors.timeout' "$RUN_DIR/terminate.json") + $(jq '.socket_errors.timeout' \
  "$RUN_DIR/outage.json") + $(jq '.socket_errors.timeout' "$RUN_DIR/recovery.json")))"
SOCKET="$(($(socket_errors warm) + $(socket_errors terminate) + $(socket_errors outage) + $(socket_errors recovery)))"
MAX_MS="$(jq -s 'map(.max_ms) | max' "$RUN_DIR"/{warm,terminate,outage,recovery}.json)"
UNCLEAN="$(($(unclean warm) + $(unclean terminate) + $(unclean outage) + $(unclean recovery)))"
TO_503_SENT="$(fault_first_after "$PROBE" "$T_STOP" '^503$' || echo null)"
TO_503_ANSWER="$(fault_first_answer_after "$PROBE" "$T_STOP" '^503$' || echo null)"
TO_200_SENT="$(fault_first_after "$PROBE" "$T_STARTED" '^200$' || echo null)"
TO_200_ANSWER="$(fault_first_answer_after "$PROBE" "$T_STARTED" '^200$' || echo null)"
# Samples answered before the stop began (one sent just before it may be answered during it) that were not 200.
NOT_READY_WHILE_UP="$(awk -v s="$T_STOP" '$1 + $4 < s && $2 != 200 { n++ } END { print n + 0 }' "$PROBE")"
RECOVERY_TAIL_BAD="$(jq --argjson from $(((T_STARTED + 999) / 1000 + 5)) '[.by_second | to_entries[]
  | select((.key | split(" ")[0] | tonumber) >= $from) | select(.key | test(" 2[0-9][0-9] ") | not) | .value]
  | add // 0' "$RUN_DIR/recovery.json")"

at_most() {
  [[ "$1" != null ]] && (($1 <= $2))
}
fault_check "no request hangs past its bound" \
  "$TIMEOUTS wrk timeouts (wrk --timeout ${WRK_TIMEOUT_S}s), $SOCKET socket errors, max latency $MAX_MS ms (bound $SERVER_BOUND_MS ms)" \
  awk -v t="$TIMEOUTS" -v s="$SOCKET" -v m="$MAX_MS" -v b="$SERVER_BOUND_MS" 'BEGIN { exit !(t == 0 && s == 0 && m <= b) }'
fault_check "every answer is a 2xx or a 503 problem" "$UNCLEAN others in all phases" test "$UNCLEAN" -eq 0
fault_check "while the database is down, answers are 503 problems or cached hits" \
  "$OUTAGE_DOWN_N answers after the stop: $OUTAGE_CLASSIFIED; $OUTAGE_BAD others" \
  test "$OUTAGE_BAD" -eq 0 -a "$OUTAGE_DOWN_N" -gt 0
fault_check "/health/ready answers 503 within 2 s of the stop" \
  "first 503 answered $TO_503_ANSWER ms after the stop began (request sent at $TO_503_SENT ms)" \
  at_most "$TO_503_ANSWER" 2000
fault_check "/health/ready answers 200 within 5 s of the start" \
  "first 200 answered $TO_200_ANSWER ms after pg_ctl start returned (sent at $TO_200_SENT ms)" \
  at_most "$TO_200_ANSWER" 5000
fault_check "/health/ready stays 200 before the stop (terminated connections do not flip it)" \
  "$NOT_READY_WHILE_UP samples answered before the stop were not 200" test "$NOT_READY_WHILE_UP" -eq 0
fault_check "uncached endpoints answer 200 again without a server restart" \
  "$AFTER_OK of ${#UNCACHED_PATHS[@]} uncached paths 200 after recovery, $RECOVERY_TAIL_BAD non-2xx from 5 s after the start, server process alive: $SERVER_ALIVE" \
  test "$AFTER_OK" -eq ${#UNCACHED_PATHS[@]} -a "$RECOVERY_TAIL_BAD" -eq 0 -a "$SERVER_ALIVE" = true
fault_check "nothing lost" "$ARTICLES_BEFORE articles before, $ARTICLES_AFTER after" \
  test "$ARTICLES_BEFORE" = "$ARTICLES_AFTER"

phase() {
  jq -c --arg c "$CONNECTIONS" '{connections: ($c | tonumber), duration_s, requests, req_s, p50_ms, p99_ms, max_ms,
    by_status_cache, socket_errors}' "$RUN_DIR/$1.json"
}
jq -n --argjson warm "$(phase warm)" --argjson terminate "$(phase terminate)" --argjson outage "$(phase outage)" \
  --argjson recovery "$(phase recovery)" --argjson articles "$ARTICLES" --argjson terminated "$TERMINATED" \
  --argjson t_terminate "$T_TERMINATE" --argjson t_stop "$T_STOP" --argjson t_stopped "$T_STOPPED" \
  --argjson t_start "$T_START" --argjson t_started "$T_STARTED" --argjson outage_classified "$OUTAGE_CLASSIFIED" \
  --argjson to_503_sent "$TO_503_SENT" --argjson to_503 "$TO_503_ANSWER" --argjson to_200_sent "$TO_200_SENT" \
  --argjson to_200 "$TO_200_ANSWER" --argjson max_ms "$MAX_MS" --argjson before "$ARTICLES_BEFORE" \
  --argjson after "$ARTICLES_AFTER" --rawfile paths "$PATHS" '
  {corpus_articles: $articles, paths: ($paths | rtrimstr("\n") | split("\n")),
   phases: {warm: $warm, terminate: $terminate, outage: $outage, recovery: $recovery},
   faults: {connections_terminated: $terminated, terminate_ms: $t_terminate, stop_ms: $t_stop,
            stopped_ms: $t_stopped, held_down_ms: ($t_start - $t_stopped), start_ms: $t_start, started_ms: $t_started},
   outage_answers_while_down: $outage_classified, max_latency_ms: $max_ms,
   recovery: {ready_503_answered_after_stop_ms: $to_503, ready_503_sent_after_stop_ms: $to_503_sent,
              ready_200_answered_after_start_ms: $to_200, ready_200_sent_after_start_ms: $to_200_sent},
   lost: {articles_before: $before, articles_after: $after}}' >"$RUN_DIR/figures.json"
fault_finish "$RUN_DIR/figures.json"
