#!/usr/bin/env bash
# A/B/A/B load-test comparison of two server configurations, in one run on one machine: starts the server jar
# as variant A, load-tests it, stops it, does the same for B, and repeats for --pairs pairs; then renders the
# per-endpoint medians of each side side by side (Markdown table and SVG chart). Only one server runs at a time,
# always on 127.0.0.1. Everything goes to aggregator-bench/target/ab/NAME/, never into the tree; the tables that
# docs/PERFORMANCE.md quotes are kept in docs/results/load.md.
#
# usage: aggregator-bench/scripts/ab.sh --db DATABASE --name NAME --a-label L --b-label L [options]
#   --a-env "K=V ..."    extra environment of variant A (e.g. "HTTP_THREADS=platform")
#   --b-env "K=V ..."    extra environment of variant B
#   --a-java PATH        java binary of A (default: java on PATH); --b-java likewise
#   --pairs N            A/B pairs (default 3)
#   --port N             server port (default 18090)
#   --heap SIZE          -Xms and -Xmx of the server (default 1g)
#   anything after --    is passed to loadtest/run.sh (e.g. -- --duration 20s --endpoints newest,article)
set -euo pipefail

readonly REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly JAR="$REPO_ROOT/aggregator-http/target/newsagg.jar"
readonly RENDER_CP="$REPO_ROOT/aggregator-bench/target/benchmarks.jar"

db="" name="" a_label="" b_label="" a_env="" b_env="" a_java="java" b_java="java" pairs=3 port=18090 heap=1g
while [[ $# -gt 0 ]]; do
  case "$1" in
    --) shift; break ;;
    --db) db="$2" ;;
    --name) name="$2" ;;
    --a-label) a_label="$2" ;;
    --b-label) b_label="$2" ;;
    --a-env) a_env="$2" ;;
    --b-env) b_env="$2" ;;
    --a-java) a_java="$2" ;;
    --b-java) b_java="$2" ;;
    --pairs) pairs="$2" ;;
    --port) port="$2" ;;
    --heap) heap="$2" ;;
    *) echo "ab.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
[[ -n "$db" && -n "$name" && -n "$a_label" && -n "$b_label" ]] || { echo "ab.sh: --db, --name, --a-label and --b-label are required" >&2; exit 2; }
[[ "$pairs" =~ ^[1-9]$ ]] || { echo "ab.sh: --pairs must be 1 to 9" >&2; exit 2; }
[[ -f "$JAR" && -f "$RENDER_CP" ]] || { echo "ab.sh: build first: ./mvnw -q -DskipTests package" >&2; exit 2; }

export METRICS_TOKEN="${METRICS_TOKEN:-ab-metrics-token-0123456789}"
out_dir="$REPO_ROOT/aggregator-bench/target/ab/$name"
mkdir -p "$out_dir"
server_pid=""

stop_server() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid"
    for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap stop_server EXIT

start_server() {
  local java_bin="$1" extra_env="$2" log="$3"
  # A fresh cache namespace per server, so that no run starts with what an earlier one stored.
  local namespace="ab-$RANDOM$RANDOM"
  # shellcheck disable=SC2086 # extra_env is a list of K=V words on purpose
  env DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/$db" DATABASE_USER=postgres PORT="$port" \
    CACHE_ENABLED=false CACHE_NAMESPACE="$namespace" FEEDS_POLL_ENABLED=false $extra_env \
    "$java_bin" "-Xms$heap" "-Xmx$heap" -jar "$JAR" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    if curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || { echo "ab.sh: server died, see $log" >&2; exit 1; }
    sleep 0.1
  done
  echo "ab.sh: server not ready after 30 s, see $log" >&2
  exit 1
}

run_variant() {
  local label="$1" java_bin="$2" extra_env="$3" pair="$4"
  shift 4
  start_server "$java_bin" "$extra_env" "$out_dir/$label-$pair.server.log"
  local jdk
  jdk=$("$java_bin" -version 2>&1 | head -n 1)
  "$REPO_ROOT/aggregator-bench/loadtest/run.sh" --url "http://127.0.0.1:$port" --label "$label" \
    --out-dir "$out_dir" --note "pair $pair; $jdk; $extra_env" "$@"
  stop_server
}

for pair in $(seq 1 "$pairs"); do
  run_variant "$a_label" "$a_java" "$a_env" "$pair" "$@"
  run_variant "$b_label" "$b_java" "$b_env" "$pair" "$@"
done

mapfile -t a_files < <(ls "$out_dir"/"$a_label"-*.json | sort)
mapfile -t b_files < <(ls "$out_dir"/"$b_label"-*.json | sort)
java -cp "$RENDER_CP" newsagg.bench.Render --median "${a_files[@]}" -- "${b_files[@]}" \
  --out-md "$out_dir/$name.md" --out-svg "$out_dir/$name.svg"
echo "ab.sh: wrote $out_dir/$name.md and $out_dir/$name.svg"
