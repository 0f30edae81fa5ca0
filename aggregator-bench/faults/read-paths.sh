# shellcheck shell=bash
# Paths for the read load of fault runs 3 and 5 (sigterm.sh, soak.sh); sourced after common.sh, never run.

# fault_read_paths FILE BASE_URL: writes a weighted list of read paths (one per line, for lua/count.lua) that a warm
# cache answers fast: the newest articles, a source's newest, article details, searches for the 40 most frequent
# corpus words, trending over 24 h and the sources listing. Source and article ids come from the running server.
fault_read_paths() {
  local file="$1" base="$2" words="$FAULTS_REPO/aggregator-bench/seeder/src/main/resources/newsagg/seed/news-words.txt"
  local sources articles word id
  sources="$(curl -sf --max-time 30 "$base/api/sources" | jq -r '.items[].id' | head -n 50)" \
    || fault_die "could not list sources from $base"
  articles="$(curl -sf --max-time 30 "$base/api/articles?limit=100" | jq -r '.items[].id')" \
    || fault_die "could not list articles from $base"
  [[ -n "$sources" && -n "$articles" ]] || fault_die "the server at $base has no sources or no articles"
  {
    for _ in 1 2 3 4 5 6; do echo "/api/articles?limit=20"; done
    for id in $sources; do echo "/api/articles?source=$id&limit=20"; done
    for id in $articles; do echo "/api/articles/$id"; done
    grep -E '^[a-z]{2,30}$' "$words" | sed -n '401,440p' | while read -r word; do echo "/api/search?q=$word"; done
    for _ in 1 2 3 4; do echo "/api/trending?hours=24"; echo "/api/sources"; done
  } >"$file"
}

# fault_warm_paths FILE BASE_URL: requests each distinct cached path of FILE (search, trending, the sources listing)
# once, four at a time, so that they are stored before the load starts: a cold search can take seconds, and many at
# once under load would exhaust the database pool.
fault_warm_paths() {
  local file="$1" base="$2" failed
  failed="$(grep -E '^/api/(search|trending|sources)' "$file" | sort -u \
    | xargs -P 4 -I{} curl -s -o /dev/null --max-time 60 -w '%{http_code}\n' "$base{}" | grep -vc '^200$' || true)"
  ((failed == 0)) || fault_log "warm-up: $failed cached paths did not answer 200"
}
