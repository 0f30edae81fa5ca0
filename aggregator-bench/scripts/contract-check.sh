#!/usr/bin/env bash
# Checks the HTTP API contract (README "The API") against a running server from outside, with curl and jq:
# every read endpoint's status, content type and fields, a cursor walk, every 400 path, 404s and the problem
# format, HEAD against GET, ETag/304 and the caching headers. Meant for the server on the seeded 1M-article corpus
# (MIN_ARTICLES, default 1000000, for a smaller one); it changes nothing on the server.
#
# usage: [MIN_ARTICLES=n] aggregator-bench/scripts/contract-check.sh [base-url]     (default http://127.0.0.1:8080)
set -euo pipefail
base=${1:-http://127.0.0.1:8080}
case "$base" in http://127.0.0.1:*|http://localhost:*) ;; *) echo "only 127.0.0.1 is allowed" >&2; exit 2 ;; esac
command -v jq >/dev/null || { echo "contract-check: needs jq (apt-get install -y jq)" >&2; exit 2; }

passed=0 failed=0
body=$(mktemp) headers=$(mktemp)
trap 'rm -f "$body" "$headers"' EXIT

# get PATH: fetches into $body/$headers and sets $status.
get() {
  status=$(curl -s -o "$body" -D "$headers" -w '%{http_code}' --max-time 30 "$base$1")
}

check() {
  local name="$1"
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name (status $status): $(head -c 300 "$body")"
  fi
}

json_is() { jq -e "$1" "$body" >/dev/null 2>&1; }
content_type() { grep -qi "^content-type: $1" "$headers"; }

article_fields='["author","categories","id","published_at","source_id","source_title","summary","title","url"]'

get "/api/articles"
check "newest page" json_is ".items | length == 20"
check "article fields" json_is "(.items[0] | keys) == $article_fields"
check "times are ISO-8601 UTC" json_is '.items[0].published_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$")'
check "newest first" json_is '[.items[].published_at] as $t | $t == ($t | sort | reverse)'
check "json content type" content_type "application/json"
check "server timing" grep -qi "^server-timing: total;dur=" "$headers"
cursor=$(jq -r .next_cursor "$body")
id=$(jq -r '.items[0].id' "$body")
source_id=$(jq -r '.items[0].source_id' "$body")

# A cursor walk of 30 pages: no repeats, strictly newest first across page boundaries.
seen=$(mktemp)
for _ in $(seq 1 30); do
  get "/api/articles?limit=100&cursor=$cursor"
  jq -r '.items[] | "\(.published_at) \(.id)"' "$body" >>"$seen"
  cursor=$(jq -r .next_cursor "$body")
  [[ "$cursor" != null ]] || break
done
check "cursor walk has no repeats" test "$(sort "$seen" | uniq -d | wc -l)" -eq 0
check "cursor walk is ordered" bash -c "diff -q <(cat '$seen') <(sort -r '$seen') >/dev/null"
rm -f "$seen"

get "/api/articles?source=$source_id&limit=5"
check "source filter" json_is "[.items[].source_id] | all(. == $source_id)"
get "/api/articles?since=2026-11-25T00:00:00Z&until=2026-11-25T06:00:00Z&limit=100"
check "time window" json_is '[.items[].published_at] | all(. >= "2026-11-25T00:00:00" and . < "2026-11-25T06:00:00")'
get "/api/articles/$id"
check "one article" json_is ".id == $id and has(\"content_html\")"
get "/api/articles/999999999"
check "missing article is 404" test "$status" = 404
get "/api/sources"
check "sources" json_is '(.items | length > 0) and ((.items[0] | keys) == ["article_count","feed_url","id","last_error","last_fetched_at","site_url","title"])'
check "sources count ${MIN_ARTICLES:-1000000}" json_is "([.items[].article_count] | add) >= ${MIN_ARTICLES:-1000000}"
get "/api/search?q=%22prime%20minister%22%20-football&limit=5"
check "search" json_is '(.items | length > 0) and (.items[0] | has("rank") and has("snippet")) and (.next_cursor | type == "string" or . == null)'
check "snippet highlights" json_is '.items[0].snippet | contains("<mark>")'
get "/api/trending?hours=24&limit=5"
check "trending" json_is '.window_hours == 24 and (.terms | length > 0) and ((.terms[0] | keys) == ["count","term"]) and ((.sources[0] | keys) == ["count","source_id","title"])'
get "/health/live"
check "live" json_is '.status == "up"'
get "/health/ready"
check "ready" json_is '.status == "up" and .checks.database == "up"'

for bad in "/api/articles?limit=0 limit" "/api/articles?limit=101 limit" "/api/articles?source=x source" \
  "/api/articles?since=yesterday since" "/api/articles?cursor=garbage cursor" "/api/articles/abc id" \
  "/api/search q" "/api/search?q=$(printf 'a%.0s' $(seq 1 201)) q" "/api/search?q=x&limit=0 limit" \
  "/api/trending?hours=0 hours" "/api/trending?hours=721 hours"; do
  path=${bad% *} param=${bad##* }
  get "$path"
  check "400 for $path" json_is "(.status == 400) and (.detail | startswith(\"$param:\")) and has(\"type\") and has(\"title\")"
  check "problem content type for $path" content_type "application/problem+json"
done
get "/no/such/route"
check "unknown route is a 404 problem" json_is '.status == 404'

# HEAD answers GET's status and headers without a body (Date, Server-Timing, X-Cache and Content-Length aside).
head_headers=$(mktemp)
same_headers() {
  diff <(grep -viE '^(date|server-timing|content-length|x-cache):' "$headers" | tr -d '\r' | sort) \
       <(grep -viE '^(date|server-timing|content-length|x-cache):' "$head_headers" | tr -d '\r' | sort) >/dev/null
}
for path in "/api/articles" "/api/articles/$id" "/api/articles/999999999" "/api/articles/abc" "/api/sources" \
  "/api/sources/$source_id" "/api/search?q=election" "/api/search" "/api/trending?hours=24" "/health/live" \
  "/health/ready" "/openapi.json"; do
  read -r head_status head_bytes < <(curl -s -I -o /dev/null -D "$head_headers" -w '%{http_code} %{size_download}\n' \
    --max-time 30 "$base$path")
  get "$path"
  check "HEAD $path has GET's status" test "$head_status" = "$status"
  check "HEAD $path has GET's headers" same_headers
  check "HEAD $path has no body" test "$head_bytes" = 0
done
rm -f "$head_headers"

# Every read answer has a strong ETag and no-cache; If-None-Match with it is a 304 with no body.
header() { grep -i "^$1:" "$headers" | head -1 | cut -d' ' -f2- | tr -d '\r'; }
strong_etag() { [[ "$etag" =~ ^\"[A-Za-z0-9_-]+\"$ ]]; }
varies_by_encoding() { grep -qi '^vary:.*accept-encoding' "$headers"; }
revalidation_headers() { [[ "$(header ETag)" == "$etag" && "$(header Cache-Control)" == no-cache ]] && varies_by_encoding; }
no_store_untagged() { [[ "$(header Cache-Control)" == no-store && -z "$(header ETag)" ]]; }
gzipped_and_varies() { grep -qi '^content-encoding: gzip' "$headers" && varies_by_encoding; }
for path in "/api/articles?limit=5" "/api/articles/$id" "/api/sources" "/api/search?q=election" "/api/trending?hours=24"; do
  get "$path"
  etag=$(header ETag)
  check "strong ETag on $path" strong_etag
  check "no-cache on $path" test "$(header Cache-Control)" = "no-cache"
  check "Vary: Accept-Encoding on $path" varies_by_encoding
  read -r status bytes < <(curl -s -o /dev/null -D "$headers" -w '%{http_code} %{size_download}\n' --max-time 30 \
    -H "If-None-Match: W/\"other\", $etag" "$base$path")
  check "If-None-Match on $path is a 304" test "$status" = 304
  check "the 304 of $path has no body" test "$bytes" = 0
  check "the 304 of $path carries ETag, Cache-Control and Vary" revalidation_headers
done
get "/api/articles/999999999"
check "an error is no-store without an ETag" no_store_untagged
status=$(curl -s -o "$body" -D "$headers" -w '%{http_code}' --max-time 30 -H 'Accept-Encoding: gzip' "$base/api/articles?limit=100")
check "a gzipped answer says Vary: Accept-Encoding" gzipped_and_varies
get "/openapi.json"
check "OpenAPI 3.1 at /openapi.json" json_is '.openapi == "3.1.0" and (.paths | has("/api/articles"))'

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
