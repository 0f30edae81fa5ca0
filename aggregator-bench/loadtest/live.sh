#!/usr/bin/env bash
# The load test under live ingestion (issue 13, docs/LOADTEST.md): starts two cached servers (A, B) and one uncached
# server on one database and one Redis, and for each round and rate runs run.sh's scenarios four ways, one after the
# other: cache on while LiveIngest stores articles at the rate through A ("cached"); the same while it also probes A
# and B for time-to-visible ("probed"); the same cache with nothing ingested ("quiet"); and no cache while LiveIngest
# stores through the uncached server ("uncached"). The probes are requests of their own, made by a JVM of their own on
# the same cores, so the throughput ratios compare the runs without them. Writes summary.json and summary.md under
# --out-dir/live-<UTC>/.
#
#   aggregator-bench/loadtest/live.sh --database-url jdbc:postgresql://127.0.0.1:5432/newsagg_live [options]
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT

usage() {
  cat >&2 <<'EOF'
usage: live.sh --database-url JDBC_URL [--database-user postgres] [--jar aggregator-http/target/newsagg.jar]
               [--bench-jar aggregator-bench/target/benchmarks.jar] [--rates 0.5,1,10] [--rounds 3]
               [--scenarios search,mix] [--duration 20s] [--warmup 10s] [--connections 16] [--threads 2]
               [--port-base 19000] [--feeds 4] [--trending-hours 3] [--no-prime] [--out-dir target/loadtest]
               [--note TEXT] [--max-total 90m]
EOF
}
log() { echo "live.sh: $*" >&2; }
die() { log "$*"; exit 2; }
seconds_of() {
  [[ "$1" =~ ^([0-9]{1,5})(s|m)?$ ]] || die "'$1' is not a duration such as 20s or 5m"
  if [[ "${BASH_REMATCH[2]}" == m ]]; then echo $((10#${BASH_REMATCH[1]} * 60)); else echo $((10#${BASH_REMATCH[1]})); fi
}

DB_URL="" DB_USER=postgres JAR="$REPO_ROOT/aggregator-http/target/newsagg.jar"
BENCH_JAR="$REPO_ROOT/aggregator-bench/target/benchmarks.jar"
RATES=0.5,1,10 ROUNDS=3 SCENARIOS=search,mix DURATION=20 WARMUP=10 CONNECTIONS=16 THREADS=2 PORT_BASE=19000
FEEDS=4 TRENDING_HOURS=3 PRIME=true OUT_DIR="$REPO_ROOT/target/loadtest" NOTE="" MAX_TOTAL=$((90 * 60))
while [[ $# -gt 0 ]]; do
  case "$1" in
    --database-url) DB_URL="$2"; shift 2 ;;
    --database-user) DB_USER="$2"; shift 2 ;;
    --jar) JAR="$2"; shift 2 ;;
    --bench-jar) BENCH_JAR="$2"; shift 2 ;;
    --rates) RATES="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --duration) DURATION="$(seconds_of "$2")"; shift 2 ;;
    --warmup) WARMUP="$(seconds_of "$2")"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --port-base) PORT_BASE="$2"; shift 2 ;;
    --feeds) FEEDS="$2"; shift 2 ;;
    --trending-hours) TRENDING_HOURS="$2"; shift 2 ;;
    --no-prime) PRIME=false; shift ;;
    --out-dir) OUT_DIR="$2"; shift 2 ;;
    --note) NOTE="$2"; shift 2 ;;
    --max-total) MAX_TOTAL="$(seconds_of "$2")"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage; die "unknown argument $1" ;;
  esac
done
[[ "$DB_URL" =~ ^jdbc:postgresql://(127\.0\.0\.1|localhost)(:[0-9]+)?/[A-Za-z0-9_]+$ ]] \
  || die "--database-url must be jdbc:postgresql://127.0.0.1[:port]/NAME"
[[ "$RATES" =~ ^[0-9]+(\.[0-9]+)?(,[0-9]+(\.[0-9]+)?)*$ ]] || die "--rates: a comma-separated list of articles/s"
[[ "$ROUNDS" =~ ^[1-9][0-9]?$ ]] || die "--rounds: 1 to 99"
[[ "$SCENARIOS" =~ ^[a-z_0-9]+(,[a-z_0-9]+)*$ ]] || die "--scenarios: a comma-separated list of run.sh scenarios"
[[ "$CONNECTIONS" =~ ^[1-9][0-9]{0,3}$ && "$THREADS" =~ ^[1-9][0-9]?$ && "$FEEDS" =~ ^[1-9][0-9]?$ ]] \
  || die "--connections, --threads and --feeds are positive integers"
if ! [[ "$PORT_BASE" =~ ^[1-9][0-9]{3,4}$ ]] || ((PORT_BASE + 50 > 65535)); then die "--port-base: a port number"; fi
[[ -r "$JAR" ]] || die "no server jar at $JAR (./mvnw -q -B -DskipTests -DskipITs package)"
[[ -r "$BENCH_JAR" ]] || die "no bench jar at $BENCH_JAR (./mvnw -q -B -DskipTests -DskipITs package)"
if ! command -v jq >/dev/null || ! command -v curl >/dev/null; then die "needs jq and curl"; fi

readonly PORT_A=$((PORT_BASE + 1)) PORT_B=$((PORT_BASE + 2)) PORT_OFF=$((PORT_BASE + 3)) FEED_PORT=$((PORT_BASE + 50))
readonly URL_A="http://127.0.0.1:$PORT_A" URL_B="http://127.0.0.1:$PORT_B" URL_OFF="http://127.0.0.1:$PORT_OFF"
ADMIN_TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
METRICS_TOKEN="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
RUN_DIR="$OUT_DIR/live-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN_DIR"
readonly RUN_DIR START=$SECONDS
log "writing to $RUN_DIR"

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# The cached servers share one Redis namespace of their own, so no other server's entries are read.
start_server() {
  local name="$1" port="$2" cache="$3"
  PORT="$port" LISTEN_ADDRESS=127.0.0.1 DATABASE_URL="$DB_URL" DATABASE_USER="$DB_USER" CACHE_ENABLED="$cache" \
    CACHE_NAMESPACE="newsagglive$PORT_BASE" ADMIN_TOKEN="$ADMIN_TOKEN" METRICS_TOKEN="$METRICS_TOKEN" \
    FEEDS_POLL_ENABLED=false FEEDS_ALLOW_PRIVATE_NETWORKS=true DEFAULT_SOURCES=false \
    java -jar "$JAR" serve >"$RUN_DIR/server-$name.log" 2>&1 &
  PIDS+=($!)
}
wait_ready() {
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null --max-time 2 "$1/health/ready" && return 0
    sleep 0.5
  done
  die "$1 was not ready within 120 s (see $RUN_DIR/server-*.log)"
}
start_server a "$PORT_A" true
start_server b "$PORT_B" true
start_server off "$PORT_OFF" false
for url in "$URL_A" "$URL_B" "$URL_OFF"; do wait_ready "$url"; done
log "servers ready: A $URL_A, B $URL_B (cache on), $URL_OFF (cache off)"

# exec: the background job's pid is then the JVM's, so that SIGTERM reaches the driver and not a subshell.
driver() {
  exec java -cp "$BENCH_JAR" newsagg.bench.live.LiveIngest --admin-token "$ADMIN_TOKEN" --feeds "$FEEDS" \
    --feed-port "$FEED_PORT" --trending-hours "$TRENDING_HOURS" "$@"
}
# Registering the sources moves the database's epoch, so it happens once, before anything is measured.
(driver --ingest "$URL_A" --rate 0 --out "$RUN_DIR/register.json") || die "could not register the live feeds"

loadtest() {
  local label="$1" url="$2"
  shift 2
  NEWSAGG_LOADTEST_XCACHE=1 "$SCRIPT_DIR/run.sh" --url "$url" --label "$label" --endpoints "$SCENARIOS" \
    --duration "${DURATION}s" --warmup "${WARMUP}s" --connections "$CONNECTIONS" --threads "$THREADS" \
    --token "$METRICS_TOKEN" --out-dir "$RUN_DIR/runs" --note "$NOTE" "$@"
}
if $PRIME; then
  log "priming the search cache with the search scenario's queries (not recorded)"
  loadtest prime "$URL_A" --prime-search --warmup 0s --duration 1s --endpoints search >/dev/null \
    || log "warning: priming did not complete"
fi

RECORDS="$RUN_DIR/records.jsonl"
: >"$RECORDS"
one_run() {
  local round="$1" rate="$2" mode="$3" target ingest_rate="$2" probes driver_pid="" result visibility=null
  case "$mode" in
    cached) target="$URL_A"; probes=none ;;
    probed) target="$URL_A"; probes="$URL_A,$URL_B" ;;
    quiet) target="$URL_A"; ingest_rate=0 ;;
    uncached) target="$URL_OFF"; probes=none ;;
  esac
  local tag="r$round-rate$rate-$mode"
  local load_before
  load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ "$ingest_rate" != 0 ]]; then
    driver --ingest "$target" --probe "$probes" --rate "$rate" --duration "$((WARMUP + 4 * DURATION + 300))s" \
      --out "$RUN_DIR/driver-$tag.json" 2>"$RUN_DIR/driver-$tag.log" &
    driver_pid=$!
    PIDS+=("$driver_pid")
  fi
  log "round $round, rate $rate/s, $mode"
  result="$(loadtest "$tag" "$target")" || log "warning: run.sh failed for $tag"
  if [[ -n "$driver_pid" ]]; then
    kill -TERM "$driver_pid" 2>/dev/null || true
    wait "$driver_pid" || true
    [[ -s "$RUN_DIR/driver-$tag.json" ]] && visibility="$(cat "$RUN_DIR/driver-$tag.json")"
  fi
  [[ -n "$result" && -s "$result" ]] || return 0
  jq -c --argjson round "$round" --argjson rate "$rate" --arg mode "$mode" --arg load "$load_before" \
    --arg load_after "$(cut -d' ' -f1-3 /proc/loadavg)" --argjson driver "$visibility" '
    {round: $round, rate: $rate, mode: $mode, load_before: $load, load_after: $load_after, driver: $driver,
     scenarios: (.endpoints | map_values({req_s, p50_ms, p99_ms, errors, x_cache, cache}))}' "$result" >>"$RECORDS"
}

IFS=, read -r -a RATE_LIST <<<"$RATES"
# The merge and refresh paths run only while articles arrive: without this the first cached run would be the one
# that compiles them (and fills the per-query lexeme memo), and a quiet run never pays for that.
log "warming the ingestion paths: the scenarios on A while ${RATE_LIST[-1]} articles/s are stored (not recorded)"
driver --ingest "$URL_A" --probe none --rate "${RATE_LIST[-1]}" --duration "$((WARMUP + 4 * DURATION + 300))s" \
  --out "$RUN_DIR/driver-warm.json" 2>"$RUN_DIR/driver-warm.log" &
WARM_PID=$!
PIDS+=("$WARM_PID")
loadtest warm "$URL_A" >/dev/null || log "warning: the warm-up run did not complete"
kill -TERM "$WARM_PID" 2>/dev/null || true
wait "$WARM_PID" || true

for round in $(seq 1 "$ROUNDS"); do
  # Even rounds run the modes in the opposite order, so that no mode always comes first or last.
  MODES=(cached probed quiet uncached)
  ((round % 2 == 0)) && MODES=(uncached quiet probed cached)
  for rate in "${RATE_LIST[@]}"; do
    for mode in "${MODES[@]}"; do
      if ((SECONDS - START > MAX_TOTAL)); then
        log "warning: --max-total reached; the summary has what was measured"
        break 3
      fi
      one_run "$round" "$rate" "$mode"
    done
  done
done

# ---- Summary: medians over rounds, X-Cache sums, visibility over every probed article of a rate ----------------------
COMMIT="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
jq -s --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg commit "$COMMIT" --arg note "$NOTE" \
  --arg jdk "$(java -version 2>&1 | head -n 1)" --arg uptime "$(uptime)" \
  --argjson rounds "$ROUNDS" --argjson duration "$DURATION" --argjson connections "$CONNECTIONS" '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
                     else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def pct($p): sort | if length == 0 then null else .[([((($p / 100) * length) | ceil), 1] | max) - 1] end;
  def r1: if . == null then null else (. * 10 | round) / 10 end;
  def r2: if . == null then null else (. * 100 | round) / 100 end;
  def ratio($a; $b): if $a == null or $b == null or $b == 0 then null else $a / $b | r2 end;
  . as $all
  | {date: $date, commit: $commit, jdk: $jdk, note: $note, uptime_at_end: $uptime, rounds: $rounds,
     duration_s: $duration, connections: $connections,
     load: ($all | map({round, rate, mode, load_before, load_after})),
     rates: ($all | group_by(.rate) | map(. as $rows | {
       rate: .[0].rate,
       scenarios: ([$rows[].scenarios | keys[]] | unique | map(. as $s | {
         scenario: $s,
         modes: (["cached", "probed", "quiet", "uncached"] | map(. as $m
           | [$rows[] | select(.mode == $m) | .scenarios[$s] | select(. != null)] as $runs
           | ($runs | map(.x_cache // {}) | {HIT: (map(.HIT // 0) | add), STALE: (map(.STALE // 0) | add), REFRESHED: (map(.REFRESHED // 0) | add),
                MISS: (map(.MISS // 0) | add), BYPASS: (map(.BYPASS // 0) | add)}) as $x
           | (($x.HIT // 0) + ($x.STALE // 0) + ($x.REFRESHED // 0) + ($x.MISS // 0) + ($x.BYPASS // 0)) as $n
           | {key: $m, value: {runs: ($runs | length), req_s: ($runs | map(.req_s) | median | r1),
              req_s_each: ($runs | map(.req_s)), p50_ms: ($runs | map(.p50_ms) | median | r1),
              p99_ms: ($runs | map(.p99_ms) | median | r1), errors: ($runs | map(.errors) | add), x_cache: $x,
              hit_pct: (if $n > 0 then ($x.HIT / $n * 1000 | round) / 10 else null end),
              stale_pct: (if $n > 0 then ($x.STALE / $n * 1000 | round) / 10 else null end),
              refreshed_pct: (if $n > 0 then ($x.REFRESHED / $n * 1000 | round) / 10 else null end),
              miss_pct: (if $n > 0 then (($x.MISS + $x.BYPASS) / $n * 1000 | round) / 10 else null end)}})
           | from_entries)}
         | .cached_over_quiet = ratio(.modes.cached.req_s; .modes.quiet.req_s)
         | .probed_over_quiet = ratio(.modes.probed.req_s; .modes.quiet.req_s)
         | .cached_over_uncached = ratio(.modes.cached.req_s; .modes.uncached.req_s)
         # Each cached run over the quiet run of the same round, minutes apart, so that a drift of the machine
         # between rounds moves both sides of a ratio: the median of these is the steadier reading of the goal.
         | .cached_over_quiet_by_round = ([$rows[] | select(.scenarios[$s] != null and (.mode == "cached" or .mode == "quiet"))]
             | group_by(.round) | map(ratio((map(select(.mode == "cached")) | .[0].scenarios[$s].req_s);
                                            (map(select(.mode == "quiet")) | .[0].scenarios[$s].req_s)))
             | map(select(. != null)))
         | .cached_over_quiet_paired_median = (.cached_over_quiet_by_round | median | r2))),
       ingestion: ([$rows[] | select(.driver != null) | {mode, stored: .driver.stored, seconds: .driver.seconds,
                    rate_achieved: .driver.rate_achieved, refresh_failures: .driver.refresh_failures}]),
       visible_ms: ([$rows[] | select(.mode == "probed" and .driver != null) | .driver.visible_ms | to_entries[]]
         | group_by(.key) | map({key: .[0].key, value: ([.[].value.samples[]] as $s
             | {n: ($s | length), p50: ($s | pct(50) | r1), p99: ($s | pct(99) | r1), max: ($s | max | r1),
                not_visible: (map(.value.not_visible) | add),
                first_seen_via: (map(.value.x_cache | to_entries[]) | group_by(.key)
                                 | map({key: .[0].key, value: (map(.value) | add)}) | from_entries)})})
         | from_entries)}))}' "$RECORDS" >"$RUN_DIR/summary.json"

jq -r '
  def f: if . == null then "–" else tostring end;
  "# Live-ingestion load test \(.date), commit \(.commit)\n\n\(.jdk); \(.rounds) rounds, wrk -c\(.connections) \(.duration_s) s per scenario; \(.note)\n\nuptime at the end: \(.uptime_at_end)\n",
  (.rates[] | "## \(.rate) articles/s\n",
    "| scenario | cached req/s | probed req/s | quiet req/s | uncached req/s | cached/quiet | cached/quiet by round (median) | probed/quiet | cached/uncached | HIT % | STALE % | REFRESHED % | MISS % | p50 / p99 cached | p50 / p99 quiet | p50 / p99 uncached |",
    "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    (.scenarios[] | "| \(.scenario) | \(.modes.cached.req_s | f) | \(.modes.probed.req_s | f) | \(.modes.quiet.req_s | f) | \(.modes.uncached.req_s | f) | \(.cached_over_quiet | f) | \(.cached_over_quiet_by_round | map(tostring) | join(", ")) (\(.cached_over_quiet_paired_median | f)) | \(.probed_over_quiet | f) | \(.cached_over_uncached | f) | \(.modes.cached.hit_pct | f) | \(.modes.cached.stale_pct | f) | \(.modes.cached.refreshed_pct | f) | \(.modes.cached.miss_pct | f) | \(.modes.cached.p50_ms | f) / \(.modes.cached.p99_ms | f) ms | \(.modes.quiet.p50_ms | f) / \(.modes.quiet.p99_ms | f) ms | \(.modes.uncached.p50_ms | f) / \(.modes.uncached.p99_ms | f) ms |"),
    "\nStored: \(.ingestion | map("\(.mode) \(.stored) in \(.seconds) s (\(.rate_achieved)/s, \(.refresh_failures) failed refreshes)") | join("; "))\n",
    "| time to visible (probed runs) | probed | p50 | p99 | max | not visible in time | first seen via X-Cache |",
    "|---|---:|---:|---:|---:|---:|---|",
    (.visible_ms | to_entries[] | "| \(.key) | \(.value.n) | \(.value.p50 | f) ms | \(.value.p99 | f) ms | \(.value.max | f) ms | \(.value.not_visible) | \(.value.first_seen_via | to_entries | map("\(.key) \(.value)") | join(", ")) |"),
    "")' "$RUN_DIR/summary.json" >"$RUN_DIR/summary.md"
log "wrote $RUN_DIR/summary.md"
echo "$RUN_DIR/summary.json"
