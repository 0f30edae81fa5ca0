#!/usr/bin/env bash
# Revalidation under load, side by side (docs/LOADTEST.md): a client polling a fixed list of read URLs in full
# (poll.lua) against the same client revalidating with the ETag it holds (revalidate.lua), alternating
# poll/revalidate for --pairs pairs, and the bytes per request each received, as wrk counts them.
#
#   aggregator-bench/loadtest/revalidation.sh --url http://127.0.0.1:8080 [--duration 20s] [--pairs 3]
#
# It fetches every URL once first to learn its tag, so the server must not ingest meanwhile (FEEDS_POLL_ENABLED=false):
# a new article changes the answers, and the revalidating client then gets 200s, which it would count honestly.
set -euo pipefail

readonly SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
readonly WORDS_FILE="$REPO_ROOT/aggregator-core/src/main/resources/newsagg/core/corpus/news-words.txt"

URL="" DURATION=20 WARMUP=10 PAIRS=3 CONNECTIONS=32 THREADS=2 OUT_DIR="$REPO_ROOT/target/revalidation"
die() { echo "revalidation.sh: $*" >&2; exit 2; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
seconds_of() { [[ "$1" =~ ^([1-9][0-9]{0,3})s?$ ]] || die "$2: '$1' is not a number of seconds such as 20s"; echo "${BASH_REMATCH[1]}"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --url) URL="$2" ;;
    --duration) DURATION="$(seconds_of "$2" --duration)" ;;
    --warmup) WARMUP="$(seconds_of "$2" --warmup)" ;;
    --pairs) [[ "$2" =~ ^[1-9]$ ]] || die "--pairs: 1 to 9"; PAIRS="$2" ;;
    --connections) [[ "$2" =~ ^[1-9][0-9]{0,3}$ ]] || die "--connections: a positive integer"; CONNECTIONS="$2" ;;
    --threads) [[ "$2" =~ ^[1-9][0-9]?$ ]] || die "--threads: a positive integer"; THREADS="$2" ;;
    --out-dir) OUT_DIR="$2" ;;
    -h | --help) sed -n 2,9p "$0"; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
  shift 2
done
case "$URL" in http://127.0.0.1:* | http://127.0.0.1 | http://localhost:* | http://localhost) ;; *) die "--url must be http://127.0.0.1[:port]" ;; esac
for tool in wrk curl jq; do command -v "$tool" >/dev/null || die "needs $tool"; done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# The URLs a front end or a feed reader would poll: the front page, the lists, trending, ten popular searches,
# ten source pages and ten articles.
paths=("/api/articles?limit=20" "/api/sources" "/api/trending?hours=24&limit=20" "/api/trending?hours=168&limit=20")
while read -r word; do paths+=("/api/search?limit=20&q=$word"); done < <(grep -v '^#' "$WORDS_FILE" | head -n 10)
while read -r id; do paths+=("/api/articles?limit=20&source=$id"); done \
  < <(curl -sf --max-time 30 "$URL/api/sources" | jq -r '.items[:10][].id')
while read -r id; do paths+=("/api/articles/$id"); done \
  < <(curl -sf --max-time 30 "$URL/api/articles?limit=10" | jq -r '.items[].id')

{
  echo "return {"
  for path in "${paths[@]}"; do
    etag="$(curl -s -o /dev/null -D - --max-time 30 "$URL$path" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: //p')"
    [[ -n "$etag" ]] || die "no ETag on $path"
    printf '  { path = "%s", etag = [[%s]] },\n' "$path" "$etag"
  done
  echo "}"
} >"$WORK/poll-data.lua"
log "${#paths[@]} URLs, each fetched once for its tag"

run() {
  local scenario="$1" seconds="$2"
  NEWSAGG_POLL_DATA="$WORK/poll-data.lua" NEWSAGG_LOADTEST_DIR="$SCRIPT_DIR" timeout --kill-after=5 $((seconds + 20)) \
    wrk --threads "$THREADS" --connections "$CONNECTIONS" --duration "${seconds}s" --timeout 5s \
    --script "$SCRIPT_DIR/$scenario.lua" "$URL" | sed -n 's/^NEWSAGG_RESULT //p'
}

log "warm-up: poll for ${WARMUP}s"
run poll "$WARMUP" >/dev/null
: >"$WORK/runs.jsonl"
for pair in $(seq 1 "$PAIRS"); do
  for scenario in poll revalidate; do
    log "pair $pair: $scenario for ${DURATION}s, $CONNECTIONS connections"
    run "$scenario" "$DURATION" | jq -c --argjson pair "$pair" '. + {pair: $pair}' >>"$WORK/runs.jsonl"
  done
done

mkdir -p "$OUT_DIR"
RESULT="$OUT_DIR/revalidation-$(date -u +%Y%m%dT%H%M%SZ).json"
jq -s --arg commit "$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --arg jdk "$(java -version 2>&1 | head -n 1 || true)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" '
  def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  (map(select(.scenario == "poll"))) as $p | (map(select(.scenario == "revalidate"))) as $r
  | {commit: $commit, client_jdk: $jdk, load_average_after: $load, runs: .,
     median: {
       poll: {req_s: ($p | map(.req_s) | median), bytes_per_request: ($p | map(.bytes_per_request) | median),
              p99_ms: ($p | map(.p99_ms) | median)},
       revalidate: {req_s: ($r | map(.req_s) | median), bytes_per_request: ($r | map(.bytes_per_request) | median),
                    p99_ms: ($r | map(.p99_ms) | median),
                    share_304: ($r | map(.status_304 / .requests) | median)}},
     }
  | .median.bytes_saved_per_request = (.median.poll.bytes_per_request - .median.revalidate.bytes_per_request)
  | .median.bytes_ratio = (.median.revalidate.bytes_per_request / .median.poll.bytes_per_request)
  | .median.req_s_ratio = (.median.revalidate.req_s / .median.poll.req_s)' "$WORK/runs.jsonl" >"$RESULT"
jq '.median' "$RESULT"
log "result: $RESULT"
