#!/usr/bin/env bash
# Load test of a running newsagg server on the loopback interface, with wrk. See docs/LOADTEST.md.
#
#   aggregator-bench/loadtest/run.sh --url http://127.0.0.1:8080 --label baseline [options]
#
# Discovers test data from the server, warms it up with the whole mix, runs each endpoint scenario for a fixed time
# (one wrk run each, so per-endpoint percentiles are exact) and then the weighted mix, snapshotting /debug/timings
# around every run, and writes aggregator-bench/target/loadtest/<label>-<UTC timestamp>.json (or into --out-dir).
set -euo pipefail

readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
readonly ALL_ENDPOINTS="newest,by_source,deep_cursor,article,search,trending_24h,trending_168h,sources,mix"
# Scenarios run only when named in --endpoints: for measuring cache misses and the in-memory ceiling.
readonly EXTRA_ENDPOINTS="search_miss,memory_sources"
readonly WORDS_FILE="$REPO_ROOT/aggregator-bench/seeder/src/main/resources/newsagg/seed/news-words.txt"

usage() {
  cat <<'EOF'
usage: run.sh --url URL --label LABEL [options]

  --url URL            server base URL; only http://127.0.0.1[:port] or http://localhost[:port]
  --label LABEL        names the result file (letters, digits, '.', '_', '-')
  --duration D         measured time per endpoint, e.g. 30s or 2m (default 30s)
  --warmup D           warm-up before measuring, not recorded (default 10s; 0 skips it)
  --warmup-scenario S  the scenario the warm-up runs (default mix; e.g. search, to fill the search cache)
  --warmup-connections N
                       wrk connections of the warm-up (default: --connections); fewer fill a cache faster when
                       misses would otherwise queue past the server's timeouts and fill nothing
  --prime-search       before the warm-up, ask each of the search scenario's 1,000 distinct queries once, at
                       --warmup-connections: a cache then starts the measurement warm (a server without one just
                       answers them); the result records how many were answered and how long it took
  --connections N      wrk connections (default 32)
  --threads N          wrk threads (default 2)
  --timeout D          wrk per-request timeout; slower requests count as socket errors (default 5s)
  --token TOKEN        bearer token for /debug/timings and /metrics (default: $METRICS_TOKEN)
  --endpoints LIST     comma-separated subset of:
                       newest,by_source,deep_cursor,article,search,trending_24h,trending_168h,sources,mix
  --deep-page N        page (of 20 items) the deep_cursor scenario reads around (default 50)
  --note TEXT          free text stored in the result (e.g. the server's JDK and flags)
  --out-dir DIR        where the result goes (default aggregator-bench/target/loadtest)
  --max-total D        hard limit for the whole run (default: computed from the settings, plus 5 minutes)
  -h, --help           this help
EOF
}

die() {
  echo "run.sh: $*" >&2
  exit 2
}

log() {
  echo "[$(date -u +%H:%M:%S)] $*" >&2
}

# "30s", "2m", "1h" or a plain number of seconds, to seconds.
seconds_of() {
  local value="$1" name="$2"
  case "$value" in
    *[!0-9smh]* | "" | s | m | h) die "$name: '$value' is not a duration such as 30s, 2m or 45" ;;
  esac
  case "$value" in
    *s) echo $((10#${value%s})) ;;
    *m) echo $((10#${value%m} * 60)) ;;
    *h) echo $((10#${value%h} * 3600)) ;;
    *) echo $((10#$value)) ;;
  esac
}

positive_int() {
  [[ "$1" =~ ^[1-9][0-9]{0,5}$ ]] || die "$2: '$1' is not a positive integer"
  echo "$1"
}

URL="" LABEL="" NOTE="" TOKEN="${METRICS_TOKEN:-}"
DURATION=30 WARMUP=10 WARMUP_SCENARIO=mix WARMUP_CONNECTIONS="" PRIME_SEARCH=false CONNECTIONS=32 THREADS=2 TIMEOUT=5 DEEP_PAGE=50 MAX_TOTAL=""
ENDPOINTS="$ALL_ENDPOINTS"
OUT_DIR="$REPO_ROOT/aggregator-bench/target/loadtest"

while [[ $# -gt 0 ]]; do
  [[ "$1" == -h || "$1" == --help ]] && { usage; exit 0; }
  if [[ "$1" == --prime-search ]]; then
    PRIME_SEARCH=true
    shift
    continue
  fi
  [[ $# -ge 2 ]] || die "$1 needs a value (see --help)"
  case "$1" in
    --url) URL="$2" ;;
    --label) LABEL="$2" ;;
    --duration) DURATION="$(seconds_of "$2" --duration)" ;;
    --warmup) WARMUP="$(seconds_of "$2" --warmup)" ;;
    --warmup-scenario) WARMUP_SCENARIO="$2" ;;
    --warmup-connections) WARMUP_CONNECTIONS="$(positive_int "$2" --warmup-connections)" ;;
    --connections) CONNECTIONS="$(positive_int "$2" --connections)" ;;
    --threads) THREADS="$(positive_int "$2" --threads)" ;;
    --timeout) TIMEOUT="$(seconds_of "$2" --timeout)" ;;
    --token) TOKEN="$2" ;;
    --endpoints) ENDPOINTS="$2" ;;
    --deep-page) DEEP_PAGE="$(positive_int "$2" --deep-page)" ;;
    --note) NOTE="$2" ;;
    --out-dir) OUT_DIR="$2" ;;
    --max-total) MAX_TOTAL="$(seconds_of "$2" --max-total)" ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  shift 2
done

[[ -n "$URL" ]] || die "--url is required (see --help)"
[[ -n "$LABEL" ]] || die "--label is required (see --help)"
[[ "$LABEL" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die "--label: use 1-64 letters, digits, '.', '_' or '-'"
# Load tests only ever target this machine's loopback interface.
[[ "$URL" =~ ^http://(127\.0\.0\.1|localhost)(:[0-9]{1,5})?/?$ ]] \
  || die "--url: '$URL' is not http://127.0.0.1[:port] or http://localhost[:port]; load tests only target loopback"
URL="${URL%/}"
((DURATION >= 1)) || die "--duration must be at least 1s"
((THREADS <= CONNECTIONS)) || die "--threads ($THREADS) must not exceed --connections ($CONNECTIONS)"
((THREADS <= ${WARMUP_CONNECTIONS:-$CONNECTIONS})) || die "--threads ($THREADS) must not exceed --warmup-connections"
((DEEP_PAGE >= 2 && DEEP_PAGE <= 500)) || die "--deep-page must be between 2 and 500"

IFS=',' read -r -a SELECTED <<<"$ENDPOINTS"
((${#SELECTED[@]} > 0)) || die "--endpoints is empty"
for e in "${SELECTED[@]}"; do
  [[ ",$ALL_ENDPOINTS,$EXTRA_ENDPOINTS," == *",$e,"* ]] || die "--endpoints: unknown endpoint '$e'; known: $ALL_ENDPOINTS,$EXTRA_ENDPOINTS"
done
[[ ",$ALL_ENDPOINTS,$EXTRA_ENDPOINTS," == *",$WARMUP_SCENARIO,"* ]] \
  || die "--warmup-scenario: unknown scenario '$WARMUP_SCENARIO'; known: $ALL_ENDPOINTS,$EXTRA_ENDPOINTS"

# Each wrk run may overrun its duration by its request timeout; discovery and snapshots are bounded by curl timeouts.
readonly PRIME_LIMIT=900
if [[ -z "$MAX_TOTAL" ]]; then
  MAX_TOTAL=$((WARMUP + ${#SELECTED[@]} * (DURATION + TIMEOUT + 15) + 300))
  if $PRIME_SEARCH; then MAX_TOTAL=$((MAX_TOTAL + PRIME_LIMIT)); fi
fi
readonly DEADLINE=$((SECONDS + MAX_TOTAL))

remaining() {
  echo $((DEADLINE - SECONDS))
}

ensure_tool() {
  local tool="$1" package="$2"
  command -v "$tool" >/dev/null && return 0
  log "installing $package"
  local sudo=""
  [[ "$(id -u)" -eq 0 ]] || sudo="sudo"
  $sudo apt-get install -y "$package" >/dev/null 2>&1 \
    || { $sudo apt-get update >/dev/null 2>&1 && $sudo apt-get install -y "$package" >/dev/null 2>&1; } \
    || die "cannot install $package with apt-get; install it and retry"
  command -v "$tool" >/dev/null || die "$package installed but $tool is not on PATH"
}

ensure_tool wrk wrk
ensure_tool jq jq
ensure_tool curl curl
if $PRIME_SEARCH; then ensure_tool luajit luajit; fi

WORK="$(mktemp -d -t newsagg-loadtest.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export NEWSAGG_LOADTEST_DIR="$SCRIPT_DIR"
export NEWSAGG_LOADTEST_DATA="$WORK/data.lua"
export NEWSAGG_LOADTEST_TOKEN="$TOKEN"

# GET a path; prints the body, fails on a non-2xx status or after 15 s.
api() {
  curl -sS --fail --max-time 15 "$URL$1"
}

# GET an operator path with the bearer token (further arguments go to curl: -X POST resets the timings); prints the
# body, or nothing when the server refuses it.
operator() {
  local auth=()
  if [[ -n "$TOKEN" ]]; then
    auth=(-H "Authorization: Bearer $TOKEN")
  fi
  curl -sS --fail --max-time 15 "${auth[@]}" "${@:2}" "$URL$1" 2>/dev/null || true
}

# ---- Discovery ------------------------------------------------------------------------------------------------------

log "discovering test data from $URL"
api /api/sources >"$WORK/sources.json" || die "GET $URL/api/sources failed; is the server running?"
jq -r '.items[].id' "$WORK/sources.json" >"$WORK/source_ids"
SOURCE_COUNT=$(wc -l <"$WORK/source_ids")
((SOURCE_COUNT > 0)) || die "the server has no sources; seed a corpus first (java -jar newsagg.jar seed ...)"

# Article ids: the newest 500, plus the newest 100 of up to 20 sources so that ids spread over sources.
: >"$WORK/articles.jsonl"
cursor=""
for ((page = 1; page <= 5; page++)); do
  api "/api/articles?limit=100${cursor:+&cursor=$cursor}" >"$WORK/page.json" || die "GET /api/articles failed"
  jq -c '.items[] | {id, title}' "$WORK/page.json" >>"$WORK/articles.jsonl"
  cursor="$(jq -r '.next_cursor // empty' "$WORK/page.json")"
  [[ -n "$cursor" ]] || break
done
head -n 20 "$WORK/source_ids" | while read -r source; do
  api "/api/articles?limit=100&source=$source" | jq -c '.items[] | {id, title}'
done >>"$WORK/articles.jsonl" || die "GET /api/articles?source= failed"
jq -r '.id' "$WORK/articles.jsonl" | sort -un >"$WORK/article_ids"
ID_COUNT=$(wc -l <"$WORK/article_ids")
((ID_COUNT > 0)) || die "the server lists no articles; seed a corpus first"

# Deep cursors: walk the newest-first listing 20 at a time; the cursors after pages DEEP_PAGE-10 .. DEEP_PAGE-1 fetch
# the ten pages up to DEEP_PAGE.
: >"$WORK/cursors"
cursor=""
for ((page = 1; page < DEEP_PAGE; page++)); do
  ((SECONDS < DEADLINE)) || die "time limit reached while walking the listing"
  cursor="$(api "/api/articles?limit=20${cursor:+&cursor=$cursor}" | jq -r '.next_cursor // empty')" \
    || die "GET /api/articles with a cursor failed"
  [[ -n "$cursor" ]] || break
  if ((page >= DEEP_PAGE - 10)); then
    echo "$cursor" >>"$WORK/cursors"
  fi
done
CURSOR_COUNT=$(grep -c '^[A-Za-z0-9_-]\+$' "$WORK/cursors" || true)
if ((CURSOR_COUNT == 0)) && [[ ",$ENDPOINTS," == *,deep_cursor,* || ",$ENDPOINTS," == *,mix,* ]]; then
  die "the listing has fewer than $((DEEP_PAGE - 10)) pages of 20; use a bigger corpus or a smaller --deep-page"
fi

# Search words: the corpus vocabulary's real news words, most frequent first. Without the source tree, fall back to
# the words of the fetched titles by frequency (trending terms are stems, which make poor queries).
if [[ -r "$WORDS_FILE" ]]; then
  WORDS_FROM="corpus vocabulary ($(basename "$WORDS_FILE"))"
  grep -v '^#' "$WORDS_FILE" | tr -d ' \r' | grep -E '^[a-z]{2,30}$' | awk '!seen[$0]++' >"$WORK/words" || true
else
  WORDS_FROM="titles of fetched articles"
  jq -r '.title // empty' "$WORK/articles.jsonl" | tr 'A-Z' 'a-z' | tr -cs 'a-z' '\n' | grep -E '^[a-z]{4,30}$' \
    | sort | uniq -c | sort -k1,1nr -k2 | awk '{print $2}' | head -n 1000 >"$WORK/words" || true
fi
WORD_COUNT=$(wc -l <"$WORK/words")
((WORD_COUNT > 0)) || die "no search words found"

lua_list() {
  # Every value is checked against a safe pattern first, so quoting needs no escapes.
  awk -v quote="$2" 'BEGIN { printf "{" } { printf "%s%s%s%s", (NR > 1 ? "," : ""), quote, $0, quote } END { printf "}" }' "$1"
}
{
  echo "return {"
  echo "  sources = $(grep -E '^[0-9]+$' "$WORK/source_ids" | lua_list /dev/stdin ''),"
  echo "  ids = $(grep -E '^[0-9]+$' "$WORK/article_ids" | lua_list /dev/stdin ''),"
  echo "  cursors = $(grep -E '^[A-Za-z0-9_-]+$' "$WORK/cursors" | lua_list /dev/stdin '"'),"
  echo "  words = $(lua_list "$WORK/words" '"'),"
  echo "}"
} >"$NEWSAGG_LOADTEST_DATA"
log "data: $SOURCE_COUNT sources, $ID_COUNT article ids, $CURSOR_COUNT deep cursors, $WORD_COUNT words from the $WORDS_FROM"

# ---- Measuring ------------------------------------------------------------------------------------------------------

TIMINGS_AVAILABLE=true
if [[ -z "$(operator /debug/timings)" ]]; then
  TIMINGS_AVAILABLE=false
  log "warning: /debug/timings is not readable (wrong or missing --token?); results will have no server-side times"
fi

# Prometheus lines of the cache counters (newsagg_cache_*), as {"series": value}; {} when there are none.
cache_counters() {
  operator /metrics | awk '/^newsagg_cache_[a-zA-Z0-9_:]*(\{.*\})? [-+0-9.eE]+/ { print }' \
    | jq -R -s 'split("\n") | map(select(length > 0) | capture("^(?<series>[^ ]+) (?<value>[^ ]+)")
                | {key: .series, value: (.value | tonumber)}) | from_entries'
}

# The route and status class whose server-side row belongs to each scenario.
route_of() {
  case "$1" in
    newest | by_source | deep_cursor) echo "/api/articles" ;;
    article) echo "/api/articles/{id}" ;;
    search | search_miss) echo "/api/search" ;;
    memory_sources) echo "/debug/memory/sources" ;;
    trending_24h | trending_168h) echo "/api/trending" ;;
    sources) echo "/api/sources" ;;
    *) echo "" ;;
  esac
}

run_wrk() {
  local scenario="$1" seconds="$2" out="$3" connections="${4:-$CONNECTIONS}"
  timeout --kill-after=5 $((seconds + TIMEOUT + 10)) \
    wrk --threads "$THREADS" --connections "$connections" --duration "${seconds}s" --timeout "${TIMEOUT}s" \
    --script "$SCRIPT_DIR/$scenario.lua" "$URL" >"$out" 2>&1
}

# Waits (at most 30 s) until the server holds no database connection and no request waits for one: a slow query
# left running by the previous scenario (up to the server's statement timeout) would otherwise load the next one.
wait_idle() {
  local metrics active pending
  for _ in $(seq 1 60); do
    metrics="$(operator /metrics)"
    [[ -n "$metrics" ]] || { sleep 5; return 0; }
    active="$(awk '/^hikaricp_connections_active / { print int($2) }' <<<"$metrics")"
    pending="$(awk '/^hikaricp_connections_pending / { print int($2) }' <<<"$metrics")"
    # The scrape itself holds no connection, so both are 0 when the server is idle.
    if [[ "${active:-0}" == 0 && "${pending:-0}" == 0 ]]; then return 0; fi
    sleep 0.5
  done
  log "warning: the server was still busy 30 s after the previous run"
}

COMPLETE=true
PRIME='null'
if $PRIME_SEARCH; then
  # The population comes from lib.lua itself, run by the same LuaJIT as wrk's, so it is the one the scenario draws.
  luajit -e "package.path = '$SCRIPT_DIR/?.lua;' .. package.path
             for _, q in ipairs(require('lib').search_queries) do print(q) end" >"$WORK/queries" \
    || die "could not list the search queries with luajit"
  if [[ ! -s "$WORK/queries" ]] || grep -Evq '^[a-z]+(%20[a-z]+)*$' "$WORK/queries"; then
    die "the search query list is empty or holds something other than encoded words"
  fi
  prime_connections="${WARMUP_CONNECTIONS:-$CONNECTIONS}"
  log "priming: $(wc -l <"$WORK/queries") search queries, each once, at $prime_connections connections"
  prime_start=$SECONDS
  # A query that times out or fails is counted, not retried: the result says how many were answered.
  timeout --kill-after=5 "$PRIME_LIMIT" xargs -P "$prime_connections" -I '{}' \
    curl -s -o /dev/null --max-time 30 -w '%{http_code}\n' "$URL/api/search?limit=20&q={}" \
    <"$WORK/queries" >"$WORK/prime_status" || log "warning: priming stopped early (limit ${PRIME_LIMIT}s or a curl failure)"
  PRIME="$(jq -n --argjson queries "$(wc -l <"$WORK/queries")" --argjson ok "$(grep -c '^200$' "$WORK/prime_status" || true)" \
    --argjson answered "$(wc -l <"$WORK/prime_status")" --argjson seconds $((SECONDS - prime_start)) \
    '{queries: $queries, ok: $ok, not_ok: ($answered - $ok), unanswered: ($queries - $answered), seconds: $seconds}')"
  log "primed: $(jq -c . <<<"$PRIME")"
fi
if ((WARMUP > 0)); then
  log "warm-up: $WARMUP_SCENARIO for ${WARMUP}s at ${WARMUP_CONNECTIONS:-$CONNECTIONS} connections (not recorded)"
  run_wrk "$WARMUP_SCENARIO" "$WARMUP" "$WORK/warmup.txt" "${WARMUP_CONNECTIONS:-$CONNECTIONS}" || die "wrk warm-up failed: $(tail -n 3 "$WORK/warmup.txt")"
fi

: >"$WORK/results.jsonl"
for scenario in "${SELECTED[@]}"; do
  if (($(remaining) < DURATION + TIMEOUT + 15)); then
    log "warning: the --max-total limit leaves no time for $scenario; stopping here"
    COMPLETE=false
    break
  fi
  wait_idle
  log "$scenario: ${DURATION}s, $CONNECTIONS connections, $THREADS threads"
  operator /debug/timings -X POST >/dev/null
  cache_counters >"$WORK/cache_before.json"
  run_wrk "$scenario" "$DURATION" "$WORK/$scenario.txt" || die "wrk failed for $scenario: $(tail -n 3 "$WORK/$scenario.txt")"
  timings="$(operator /debug/timings)"
  [[ -n "$timings" ]] || timings='null'
  cache_counters >"$WORK/cache_after.json"
  client="$(sed -n 's/^NEWSAGG_RESULT //p' "$WORK/$scenario.txt")"
  [[ -n "$client" ]] || die "wrk printed no result for $scenario: $(tail -n 3 "$WORK/$scenario.txt")"
  jq -c -n --argjson client "$client" --argjson timings "$timings" --arg route "$(route_of "$scenario")" \
    --slurpfile before "$WORK/cache_before.json" --slurpfile after "$WORK/cache_after.json" '
    ($before[0]) as $b | ($after[0]) as $a
    | ($a | to_entries | map({key, value: (.value - ($b[.key] // 0))}) | from_entries) as $delta
    | ($delta | to_entries | map(
        (.key | capture("(cache|name)=\"(?<c>[^\"]*)\"").c // "all") as $cache
        | (.key | ascii_downcase) as $k
        | if ($k | test("^newsagg_cache_misses_total")) then {cache: $cache, kind: "misses", value}
          elif ($k | test("^newsagg_cache_hits_total")) then {cache: $cache, kind: "hits", value}
          else empty end)
      | group_by(.cache) | map({key: .[0].cache, value: (group_by(.kind) | map({key: .[0].kind, value: (map(.value) | add)}) | from_entries)})
      | from_entries) as $by_cache
    | ($timings // {routes: []}) as $t
    | ($t.routes | map(select(.route != "/debug/timings" and .route != "/metrics"))) as $rows
    | {key: $client.scenario,
       value: (($client | del(.scenario, .mix_weights)) + {
         server: (if $timings == null then null
                  elif $route == "" then {routes: $rows}
                  else ($rows | map(select(.method == "GET" and .route == $route and .status_class == "2xx"))
                        | if length == 0 then null else (.[0] | {count, mean_ms, p50_ms, p95_ms, p99_ms, max_ms}) end)
                       + {non_2xx: ($rows | map(select(.route == $route and .status_class != "2xx") | .count) | add // 0)}
                  end)}
         + (if ($delta | length) > 0 then {cache: {by_cache: $by_cache, series: $delta}} else {} end))}' \
    >>"$WORK/results.jsonl"
  jq -r '"  \(.key): \(.value.req_s) req/s, p50 \(.value.p50_ms) ms, p99 \(.value.p99_ms) ms, errors \(.value.errors)"' \
    <<<"$(tail -n 1 "$WORK/results.jsonl")" >&2
done

# ---- Result ---------------------------------------------------------------------------------------------------------

mkdir -p "$OUT_DIR"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULT="$OUT_DIR/$LABEL-$STAMP.json"
COMMIT="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
DIRTY=false
if [[ -n "$(git -C "$REPO_ROOT" status --porcelain --untracked-files=no 2>/dev/null || true)" ]]; then
  DIRTY=true
fi
JDK="$(java -version 2>&1 | head -n 1 || true)"
WRK_VERSION="$(wrk --version 2>&1 | head -n 1 || true)"
MIX_WEIGHTS="$({ sed -n 's/^NEWSAGG_RESULT //p' "$WORK/mix.txt" "$WORK/warmup.txt" 2>/dev/null || true; } \
  | head -n 1 | jq -c '.mix_weights // null')"

jq -s --arg run_label "$LABEL" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg commit "$COMMIT" --argjson dirty "$DIRTY" \
  --arg jdk "$JDK" --arg note "$NOTE" --arg url "$URL" --arg wrk_version "$WRK_VERSION" \
  --argjson threads "$THREADS" --argjson connections "$CONNECTIONS" --argjson duration "$DURATION" \
  --argjson warmup "$WARMUP" --arg warmup_scenario "$WARMUP_SCENARIO" \
  --argjson warmup_connections "${WARMUP_CONNECTIONS:-$CONNECTIONS}" --argjson timeout "$TIMEOUT" --argjson complete "$COMPLETE" \
  --argjson sources "$SOURCE_COUNT" --argjson ids "$ID_COUNT" --argjson cursors "$CURSOR_COUNT" \
  --argjson words "$WORD_COUNT" --arg words_from "$WORDS_FROM" --argjson deep_page "$DEEP_PAGE" \
  --argjson timings "$TIMINGS_AVAILABLE" --argjson mix_weights "${MIX_WEIGHTS:-null}" --argjson prime "$PRIME" '
  {label: $run_label, date: $date, git_commit: $commit, git_dirty: $dirty,
   jdk_on_path: $jdk, note: $note, url: $url, complete: $complete, server_timings: $timings,
   wrk: {version: $wrk_version, threads: $threads, connections: $connections, duration_s: $duration,
         warmup_s: $warmup, warmup_scenario: $warmup_scenario, warmup_connections: $warmup_connections, timeout_s: $timeout},
   search_prime: $prime,
   data: {sources: $sources, article_ids: $ids, deep_page: $deep_page, deep_cursors: $cursors,
          search_words: $words, search_words_from: $words_from},
   mix_weights: $mix_weights,
   endpoints: from_entries}' "$WORK/results.jsonl" >"$WORK/result.json"
mv "$WORK/result.json" "$RESULT"

log "wrote $RESULT"
echo "$RESULT"
$COMPLETE || exit 3
