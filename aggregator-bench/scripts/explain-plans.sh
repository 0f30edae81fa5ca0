#!/usr/bin/env bash
# Captures the real query plans (EXPLAIN ANALYZE, BUFFERS) of the API's main queries: auto_explain logs every
# statement the running server sends while this script calls each endpoint once, after one warm-up call.
# The plans are of the exact SQL the code sends, not of a hand-copied version of it.
#
# usage: aggregator-bench/scripts/explain-plans.sh <database> [base-url] > plans.txt
#   database  the database the server on base-url uses (it must be on 127.0.0.1:5432)
#   base-url  default http://127.0.0.1:8080
# Needs psql as a superuser (postgres) and read access to the server's log file.
set -euo pipefail
db=${1:?usage: explain-plans.sh <database> [base-url]}
base=${2:-http://127.0.0.1:8080}
case "$base" in http://127.0.0.1:*|http://localhost:*) ;; *) echo "only 127.0.0.1 is allowed" >&2; exit 2 ;; esac
log=$(ls -t /var/log/postgresql/postgresql-*-main.log | head -n 1)
# The core's tables live in schema newsagg (CoreOptions).
psql() { PGOPTIONS="-c search_path=newsagg" command psql -h 127.0.0.1 -U postgres -qAt "$@"; }

reset() {
  psql -d "$db" -c "ALTER DATABASE \"$db\" RESET session_preload_libraries" \
    -c "ALTER DATABASE \"$db\" RESET auto_explain.log_min_duration" \
    -c "ALTER DATABASE \"$db\" RESET auto_explain.log_analyze" \
    -c "ALTER DATABASE \"$db\" RESET auto_explain.log_buffers" >/dev/null
}
trap reset EXIT
psql -d "$db" -c "ALTER DATABASE \"$db\" SET session_preload_libraries = 'auto_explain'" \
  -c "ALTER DATABASE \"$db\" SET auto_explain.log_min_duration = 0" \
  -c "ALTER DATABASE \"$db\" SET auto_explain.log_analyze = on" \
  -c "ALTER DATABASE \"$db\" SET auto_explain.log_buffers = on" >/dev/null
# Existing pooled connections keep their old settings: terminate them so the pool reconnects with auto_explain.
psql -d postgres -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '$db' AND pid <> pg_backend_pid()" >/dev/null

source_id=$(psql -d "$db" -c "SELECT id FROM sources ORDER BY id LIMIT 1")
article_id=$(psql -d "$db" -c "SELECT max(id) / 2 FROM articles")
endpoints=(
  "/api/articles?limit=20"
  "/api/articles?limit=20&source=$source_id"
  "/api/articles/$article_id"
  "/api/sources"
  "/api/search?q=election&limit=20"
  "/api/search?q=%22climate+summit%22+-football&limit=20"
  "/api/trending?hours=24&limit=20"
  "/api/trending?hours=168&limit=20"
)
# One warm-up pass reconnects the pool (a 503 may answer the first call after the terminate) and warms caches.
for e in "${endpoints[@]}"; do curl -s -o /dev/null "$base$e" || true; done
for e in "${endpoints[@]}"; do curl -s -o /dev/null "$base$e" || true; done
# A deep page: follow next_cursor 50 pages down, then log that page's plan.
cursor=""
for _ in $(seq 1 50); do
  cursor=$(curl -sf "$base/api/articles?limit=20${cursor:+&cursor=$cursor}" | sed -E 's/.*"next_cursor":"?([^"}]*)"?}$/\1/')
done
start=$(wc -l < "$log")
for e in "${endpoints[@]}" "/api/articles?limit=20&cursor=$cursor"; do
  echo "=== GET $e"
  curl -s -o /dev/null -w "status %{http_code}, %{time_total}s\n" "$base$e"
done
sleep 1
echo
echo "=== plans logged by auto_explain"
tail -n +"$((start + 1))" "$log" | awk '
  /^[0-9]{4}-[0-9]{2}-[0-9]{2} / { printing = ($0 ~ /duration: .* plan:/) }
  printing { print }'
