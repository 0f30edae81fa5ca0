#!/usr/bin/env bash
# Fault run 3 (issue #8): SIGTERM under load. Proves that a server told to stop while serving completes every request
# it accepted or refuses it cleanly, truncates no response, lets a request slower than usual finish, and exits within
# its stop timeout (NewsServer.STOP_TIMEOUT, 10 s).
#
# How: one server (cache on, a fresh cache namespace, the read-only newsagg_bench corpus by default) under wrk load on
# fast read endpoints, plus drain_check.py, a client that reads every response to its end (Content-Length or the
# chunked terminator) and parses it as JSON, with two workers that keep about-one-second requests (uncached trending)
# in flight. After the warm-up and some seconds of load the script sends SIGTERM, times the exit and classifies every
# request drain_check.py sent (see its header) and checks wrk's socket errors.
#
#   aggregator-bench/faults/sigterm.sh [--port 18500] [--database newsagg_bench] [--load-seconds 8]
set -euo pipefail

# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=SCRIPTDIR/read-paths.sh
source "$FAULTS_DIR/read-paths.sh"

PORT=18500
DATABASE=newsagg_bench
LOAD_SECONDS=8
readonly STOP_TIMEOUT_MS=10000
readonly CONNECTIONS=8

while (($# > 0)); do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --database) DATABASE="$2"; shift 2 ;;
    --load-seconds) LOAD_SECONDS="$2"; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "sigterm.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ "$PORT" =~ ^[0-9]{2,5}$ && "$LOAD_SECONDS" =~ ^[0-9]{1,3}$ && "$DATABASE" =~ ^[a-z0-9_]{1,63}$ ]] \
  || { echo "sigterm.sh: bad --port, --load-seconds or --database" >&2; exit 2; }
command -v python3 >/dev/null || { echo "sigterm.sh: python3 is not on PATH" >&2; exit 2; }

fault_init sigterm 300
readonly BASE="http://127.0.0.1:$PORT"
NAMESPACE="faults-sigterm-$(date -u +%H%M%S)"

fault_start_server server "$PORT" "DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/$DATABASE" \
  CACHE_ENABLED=true "CACHE_NAMESPACE=$NAMESPACE" HTTP_THREADS=platform
server_pid="$SERVER_PID"

fault_read_paths "$RUN_DIR/fast.paths" "$BASE"
# Each slow path is a distinct, never cached trending window: about a second of database time each.
for hours in $(seq 20 40); do
  for limit in $(seq 1 20); do echo "/api/trending?hours=$hours&limit=$limit"; done
done | shuf --random-source=<(yes) >"$RUN_DIR/slow.paths"

fault_log "warm-up: each fast path once, then 8 s of load"
fault_warm_paths "$RUN_DIR/fast.paths" "$BASE"
fault_wrk warmup "$BASE" "$RUN_DIR/fast.paths" 8 "$CONNECTIONS" 5 || fault_die "warm-up load failed"

# wrk outlives the server on purpose: after the exit it counts refused connections, which is what a client sees.
fault_wrk_bg load "$BASE" "$RUN_DIR/fast.paths" $((LOAD_SECONDS + 6)) "$CONNECTIONS" 5
wrk_pid="$WRK_PID"
python3 "$FAULTS_DIR/drain_check.py" run --url "$BASE" --paths "$RUN_DIR/fast.paths" \
  --slow-paths "$RUN_DIR/slow.paths" --out "$RUN_DIR/drain.jsonl" --seconds $((LOAD_SECONDS + 40)) \
  2>"$RUN_DIR/drain.log" &
drain_pid=$!
fault_track_pid "$drain_pid"

sleep "$LOAD_SECONDS"
sigterm_ms="$(fault_now_ms)"
fault_log "SIGTERM to the server (pid $server_pid)"
exit_ms="$(fault_stop_pid "$server_pid" 30 TERM)" && killed=false || killed=true
fault_log "server exited ${exit_ms} ms after SIGTERM (killed: $killed)"

timeout 60 tail --pid="$drain_pid" -f /dev/null || fault_die "drain_check.py did not end"
wait "$drain_pid" || fault_die "drain_check.py failed: $(tail -n 3 "$RUN_DIR/drain.log")"
fault_untrack_pid "$drain_pid"
wait "$wrk_pid" || fault_die "the wrk load failed"
fault_untrack_pid "$wrk_pid"

python3 "$FAULTS_DIR/drain_check.py" classify --log "$RUN_DIR/drain.jsonl" --sigterm-ms "$sigterm_ms" \
  --out "$RUN_DIR/drain.json"

drain="$RUN_DIR/drain.json"
load="$RUN_DIR/load.json"
broken="$(jq '.counts.broken' "$drain")"
checked="$(jq '.requests' "$drain")"
slow_flight="$(jq '.slow_in_flight_at_sigterm.count' "$drain")"
slow_ok="$(jq '.slow_in_flight_at_sigterm.ok_200' "$drain")"
slow_last="$(jq '.slow_in_flight_at_sigterm.max_ms_after_sigterm' "$drain")"
read_errors="$(jq '.socket_errors.read' "$load")"
timeouts="$(jq '.socket_errors.timeout' "$load")"
unclean="$(jq '[.by_status_cache | to_entries[] | select((.key | test("^5")) and (.key | test("^503 ") | not)) | .value]
  | add // 0' "$load")"
shutdown_logged=false
grep -q "newsagg stopped" "$RUN_DIR/server.log" && shutdown_logged=true

fault_check "no broken response (drain_check)" "$broken broken of $checked checked; $(jq -c '.counts' "$drain")" \
  test "$broken" -eq 0
# wrk counts a connection closed before any byte of its answer as a read error, exactly like a truncated body: the
# keep-alive connections Jetty closes at the SIGTERM while wrk's next request is on its way, and the connections
# still in the listen backlog that the closing listen socket resets. Both are refusals of requests never accepted,
# and both can happen only once per connection, at the stop (every later connect is refused, a write error). So wrk
# passes with at most one read error per connection; drain_check.py, which sees every byte, tells the two apart
# and is the strict check of truncation. wrk's timeouts only count answers slower than its --timeout (still read).
fault_check "wrk: no truncation beyond one stop-time close per connection" \
  "$read_errors read errors on $CONNECTIONS connections ($timeouts answers slower than 5 s)" \
  test "$read_errors" -le "$CONNECTIONS"
fault_check "no 5xx but 503 refusals in wrk" "$unclean; statuses $(fault_statuses "$load")" test "$unclean" -eq 0
fault_check "exit within the stop timeout" "exit ${exit_ms} ms after SIGTERM (limit ${STOP_TIMEOUT_MS} ms), killed: $killed" \
  test "$killed" = false -a "$exit_ms" -le "$STOP_TIMEOUT_MS"
fault_check "slow requests in flight at SIGTERM complete with 200" \
  "$slow_ok of $slow_flight in flight answered 200, the last ${slow_last} ms after SIGTERM" \
  test "$slow_flight" -ge 1 -a "$slow_ok" -eq "$slow_flight"
fault_check "shutdown logged" "'newsagg stopped' in the server log: $shutdown_logged" test "$shutdown_logged" = true

jq -n --slurpfile d "$drain" --slurpfile w "$load" --argjson exit_ms "$exit_ms" --argjson load_s "$LOAD_SECONDS" \
  --argjson c "$CONNECTIONS" --arg db "$DATABASE" '
  {database: $db, wrk_connections: $c, load_before_sigterm_s: $load_s, exit_ms_after_sigterm: $exit_ms,
   drain_check: ($d[0] | del(.broken_examples)), broken_examples: $d[0].broken_examples,
   wrk: ($w[0] | del(.by_second))}' >"$RUN_DIR/figures.json"
fault_finish "$RUN_DIR/figures.json"
