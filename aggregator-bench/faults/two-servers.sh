#!/usr/bin/env bash
# Fault run 4 (issue #8): two server processes on one database and one Redis, both ingesting the same feeds from a
# local feed server while serving reads. Proves that each article is stored exactly once, and that every cached
# endpoint shows a new article within 1 s on both processes.
#
# How: a database of its own (created, migrated by the first server, dropped at the end), one cache namespace in the
# shared Redis, a feed server on 127.0.0.1 (two_servers_check.py serve) with 5 RSS feeds, added as sources through
# the admin API. Both servers poll every 10 s (FEEDS_POLL_INTERVAL's minimum) and, after 8 s of warm-up, serve light
# wrk load (2 connections each, 50 ms between requests). The publisher adds an item every 3 s (a unique GUID and a
# unique search word each), round robin over the feeds; the observer polls the database every 50 ms and, for every
# new row, each server's search, sources, trending and articles answers until the item shows there (see
# two_servers_check.py). The sources are added once; no server is restarted.
#
#   aggregator-bench/faults/two-servers.sh [--ports 18510,18511] [--feed-port 18550] [--publish-seconds 90]
set -euo pipefail

# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PORT_A=18510
PORT_B=18511
FEED_PORT=18550
PUBLISH_SECONDS=90
readonly VISIBLE_LIMIT_MS=1000
readonly ADMIN_TOKEN="faults-two-servers-admin-token"

while (($# > 0)); do
  case "$1" in
    --ports) PORT_A="${2%,*}"; PORT_B="${2#*,}"; shift 2 ;;
    --feed-port) FEED_PORT="$2"; shift 2 ;;
    --publish-seconds) PUBLISH_SECONDS="$2"; shift 2 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "two-servers.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for n in "$PORT_A" "$PORT_B" "$FEED_PORT" "$PUBLISH_SECONDS"; do
  [[ "$n" =~ ^[0-9]{1,5}$ ]] || { echo "two-servers.sh: '$n' is not a number" >&2; exit 2; }
done
for tool in python3 psql createdb dropdb; do
  command -v "$tool" >/dev/null || { echo "two-servers.sh: $tool is not on PATH" >&2; exit 2; }
done

# paced_wrk_bg LABEL PORT SECONDS: fault_wrk's run and result, through lua/paced.lua (2 connections, 50 ms apart: at
# most 40 requests a second), in the background; sets WRK_PID.
paced_wrk_bg() {
  local label="$1" port="$2" seconds="$3"
  (
    FAULTS_PATHS="$RUN_DIR/read.paths" FAULTS_COUNT_LUA="$FAULTS_LUA" FAULTS_DELAY_MS=50 timeout --kill-after=5 \
      $((seconds + 20)) wrk --threads 2 --connections 2 --duration "${seconds}s" --timeout 5s --latency \
      --script "$FAULTS_DIR/lua/paced.lua" "http://127.0.0.1:$port" >"$RUN_DIR/$label.wrk.txt" 2>&1 || true
    sed -n 's/^FAULTS_RESULT //p' "$RUN_DIR/$label.wrk.txt" | jq -c '.' >"$RUN_DIR/$label.json"
  ) &
  WRK_PID=$!
  fault_track_pid "$WRK_PID"
}

fault_init two-servers $((PUBLISH_SECONDS + 420))
stamp="$(date -u +%H%M%S)"
readonly DB="faults_proc_two_$stamp"
readonly NAMESPACE="faults-two-$stamp"
readonly FEED_BASE="http://127.0.0.1:$FEED_PORT"

createdb -h 127.0.0.1 -U postgres "$DB"
fault_add_cleanup "dropdb -h 127.0.0.1 -U postgres --if-exists --force $DB"
fault_log "database $DB, cache namespace $NAMESPACE"

mkdir -p "$RUN_DIR/feeds"
python3 "$FAULTS_DIR/two_servers_check.py" serve --dir "$RUN_DIR/feeds" --port "$FEED_PORT" \
  --seconds $((PUBLISH_SECONDS + 300)) 2>"$RUN_DIR/feed-server.log" &
feed_pid=$!
fault_track_pid "$feed_pid"

server_env=("DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/$DB" CACHE_ENABLED=true "CACHE_NAMESPACE=$NAMESPACE"
  FEEDS_POLL_ENABLED=true FEEDS_POLL_INTERVAL=10s FEEDS_ALLOW_PRIVATE_NETWORKS=true "ADMIN_TOKEN=$ADMIN_TOKEN"
  DATABASE_POOL_SIZE=5)
# The first server migrates the empty database; the second starts once it is ready, on the migrated schema.
fault_start_server server-a "$PORT_A" "${server_env[@]}"
pid_a="$SERVER_PID"
fault_start_server server-b "$PORT_B" "${server_env[@]}"
pid_b="$SERVER_PID"

# A few seconds of reads first, so that neither server meets the first articles with a cold JIT.
printf '%s\n' /api/articles?limit=20 /api/sources /api/trending?hours=24 /api/search?q=fault >"$RUN_DIR/read.paths"
fault_wrk warmup-a "http://127.0.0.1:$PORT_A" "$RUN_DIR/read.paths" 8 2 5 || fault_die "warm-up of server-a failed"
fault_wrk warmup-b "http://127.0.0.1:$PORT_B" "$RUN_DIR/read.paths" 8 2 5 || fault_die "warm-up of server-b failed"

python3 "$FAULTS_DIR/two_servers_check.py" run --dir "$RUN_DIR/feeds" --feeds 5 --base-url "$FEED_BASE" \
  --servers "http://127.0.0.1:$PORT_A,http://127.0.0.1:$PORT_B" --db "$DB" --seconds "$PUBLISH_SECONDS" \
  --every 3 --drain 45 --out "$RUN_DIR" 2>"$RUN_DIR/check.log" &
check_pid=$!
fault_track_pid "$check_pid"
for ((i = 0; i < 100; i++)); do
  [[ -e "$RUN_DIR/feeds-ready" ]] && break
  sleep 0.1
done
[[ -e "$RUN_DIR/feeds-ready" ]] || fault_die "the observer did not write the feeds: $(tail -n 3 "$RUN_DIR/check.log")"
while read -r url; do
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "http://127.0.0.1:$PORT_A/api/sources" \
    -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' --data "{\"feed_url\":\"$url\"}")"
  [[ "$code" == 201 ]] || fault_die "adding source $url answered $code"
done <"$RUN_DIR/feed-urls.txt"
touch "$RUN_DIR/sources-added"
fault_log "5 sources added; publishing for ${PUBLISH_SECONDS}s"

# Light read load on both servers while they ingest: the paths every reader hits.
paced_wrk_bg load-a "$PORT_A" $((PUBLISH_SECONDS + 20))
wrk_a="$WRK_PID"
paced_wrk_bg load-b "$PORT_B" $((PUBLISH_SECONDS + 20))
wrk_b="$WRK_PID"

timeout $((PUBLISH_SECONDS + 200)) tail --pid="$check_pid" -f /dev/null || fault_die "the observer did not end"
wait "$check_pid" || fault_die "the observer failed: $(tail -n 5 "$RUN_DIR/check.log")"
fault_untrack_pid "$check_pid"
for pid in "$wrk_a" "$wrk_b"; do
  wait "$pid" || fault_log "a wrk load failed"
  fault_untrack_pid "$pid"
done
[[ -s "$RUN_DIR/load-a.json" && -s "$RUN_DIR/load-b.json" ]] || fault_die "a wrk load printed no result"
fault_stop_pid "$pid_a" 20 >/dev/null || fault_log "server-a had to be killed"
fault_stop_pid "$pid_b" 20 >/dev/null || fault_log "server-b had to be killed"
fault_stop_pid "$feed_pid" 5 >/dev/null || true

r="$RUN_DIR/two-servers.json"
published="$(jq '.published' "$r")"
stored="$(jq '.stored_rows' "$r")"
distinct="$(jq '.stored_distinct_guids' "$r")"
dups="$(jq '.duplicate_source_guid_pairs' "$r")"
invisible="$(jq '.checks_not_visible_within_timeout' "$r")"
max_ms="$(jq '.visible_ms.max // 999999' "$r")"
p50_ms="$(jq '.visible_ms.p50 // 999999' "$r")"
errors_a="$(jq '[.by_status_cache | to_entries[] | select(.key | test("^2") | not) | .value] | add // 0' \
  "$RUN_DIR/load-a.json")"
errors_b="$(jq '[.by_status_cache | to_entries[] | select(.key | test("^2") | not) | .value] | add // 0' \
  "$RUN_DIR/load-b.json")"
fetches="$(grep -c 'GET /feed' "$RUN_DIR/feed-server.log" || true)"

fault_check "each article stored exactly once" \
  "$published published, $stored rows, $distinct distinct GUIDs, $dups duplicate (source, guid) pairs" \
  test "$stored" -eq "$published" -a "$distinct" -eq "$published" -a "$dups" -eq 0
fault_check "every new article visible on both servers through every endpoint within 1 s" \
  "max ${max_ms} ms, p50 ${p50_ms} ms; $invisible checks never visible; by endpoint $(jq -c '.visible_ms_by_endpoint' "$r")" \
  awk -v m="$max_ms" -v l="$VISIBLE_LIMIT_MS" -v i="$invisible" 'BEGIN { exit !(i == 0 && m <= l) }'
fault_check "reads answered 2xx on both servers during ingestion" "non-2xx: $errors_a on A, $errors_b on B" \
  test "$errors_a" -eq 0 -a "$errors_b" -eq 0

jq -n --slurpfile r "$r" --slurpfile a "$RUN_DIR/load-a.json" --slurpfile b "$RUN_DIR/load-b.json" \
  --arg db "$DB" --argjson fetches "$fetches" '
  {database: $db, poll_interval: "10s", feed_fetches: $fetches, ingestion: $r[0],
   wrk_a: ($a[0] | del(.by_second)), wrk_b: ($b[0] | del(.by_second))}' >"$RUN_DIR/figures.json"
fault_finish "$RUN_DIR/figures.json"
