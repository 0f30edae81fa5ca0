# shellcheck shell=bash
# Shared functions of the issue #8 fault runs (aggregator-bench/faults/<name>.sh); sourced, never run.
#
# A run calls fault_init NAME first: it creates the result directory FAULTS_OUT_DIR/NAME-<UTC stamp>/ (RUN_DIR;
# FAULTS_OUT_DIR defaults to aggregator-bench/target/faults, so run output never lands in the tree), sets an EXIT trap that stops every process started through these functions (and only those), and starts
# the run's overall deadline. Then it starts servers (fault_start_server), a private Redis (fault_redis_start), load
# (fault_wrk) and probers (fault_probe_start), injects its faults, records each criterion with fault_criterion and
# ends with fault_finish, which writes summary.json and summary.md and returns non-zero when any criterion failed.
#
# Everything targets 127.0.0.1 and every wait is bounded. Times are epoch milliseconds (fault_now_ms).

FAULTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FAULTS_REPO="$(cd "$FAULTS_DIR/../.." && pwd)"
FAULTS_JAR="${FAULTS_JAR:-$FAULTS_REPO/aggregator-http/target/newsagg.jar}"
FAULTS_JAVA="${FAULTS_JAVA:-java}"
# The core's tables live in schema newsagg (CoreOptions), so every psql of a run looks there.
export PGOPTIONS="-c search_path=newsagg"
FAULTS_LUA="$FAULTS_DIR/lua/count.lua"
FAULTS_OUT_DIR="${FAULTS_OUT_DIR:-$FAULTS_REPO/aggregator-bench/target/faults}"
readonly FAULTS_DIR FAULTS_REPO FAULTS_JAR FAULTS_JAVA FAULTS_LUA FAULTS_OUT_DIR

RUN_NAME=""
RUN_DIR=""
FAULTS_DEADLINE=0
# PIDs this run started, stopped on exit; a PID is removed once it has been stopped on purpose.
FAULTS_PIDS=()
# Extra cleanup commands (e.g. stopping a private PostgreSQL cluster), run on exit in reverse order.
FAULTS_CLEANUPS=()

fault_log() {
  echo "[$(date -u +%H:%M:%S)] ${RUN_NAME:-faults}: $*" >&2
}

fault_die() {
  fault_log "error: $*"
  exit 2
}

fault_now_ms() {
  date +%s%3N
}

# fault_init NAME MAX_SECONDS: result directory, cleanup trap, overall time limit, refusal without jar or tools.
fault_init() {
  RUN_NAME="$1"
  local max_seconds="$2"
  [[ "$RUN_NAME" =~ ^[a-z0-9-]{1,32}$ ]] || fault_die "bad run name '$RUN_NAME'"
  [[ -r "$FAULTS_JAR" ]] || fault_die "no server jar at $FAULTS_JAR; build it with ./mvnw -B -q -o package -DskipTests"
  local tool
  for tool in wrk jq curl timeout "$FAULTS_JAVA"; do
    command -v "$tool" >/dev/null || fault_die "$tool is not on PATH"
  done
  RUN_DIR="$FAULTS_OUT_DIR/$RUN_NAME-$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$RUN_DIR"
  : >"$RUN_DIR/criteria.jsonl"
  FAULTS_DEADLINE=$((SECONDS + max_seconds))
  trap fault_cleanup EXIT
  trap 'exit 130' INT TERM
  fault_log "results in $RUN_DIR (time limit ${max_seconds}s)"
}

# Seconds left before the run's deadline.
fault_remaining() {
  echo $((FAULTS_DEADLINE - SECONDS))
}

fault_require_time() {
  local needed="$1" what="$2"
  (($(fault_remaining) >= needed)) || fault_die "the time limit leaves no ${needed}s for $what"
}

fault_track_pid() {
  FAULTS_PIDS+=("$1")
}

fault_untrack_pid() {
  local pid="$1" kept=() p
  for p in "${FAULTS_PIDS[@]}"; do
    [[ "$p" == "$pid" ]] || kept+=("$p")
  done
  FAULTS_PIDS=("${kept[@]}")
}

fault_add_cleanup() {
  FAULTS_CLEANUPS+=("$1")
}

fault_cleanup() {
  local status=$? pid i
  trap - EXIT
  # Children first: a background function (wrk, a prober) runs its commands in a subshell of its own.
  for pid in "${FAULTS_PIDS[@]}"; do
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
  done
  for ((i = ${#FAULTS_CLEANUPS[@]} - 1; i >= 0; i--)); do
    eval "${FAULTS_CLEANUPS[$i]}" || true
  done
  exit "$status"
}

# fault_stop_pid PID SECONDS [SIGNAL]: sends SIGNAL (default TERM), waits up to SECONDS for the process to exit, then
# kills it. Prints the milliseconds it took; returns 1 when it had to be killed.
fault_stop_pid() {
  local pid="$1" seconds="$2" signal="${3:-TERM}" start end
  start="$(fault_now_ms)"
  kill "-$signal" "$pid" 2>/dev/null || true
  local deadline=$((start + seconds * 1000))
  while kill -0 "$pid" 2>/dev/null; do
    if (($(fault_now_ms) >= deadline)); then
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      fault_untrack_pid "$pid"
      end="$(fault_now_ms)"
      echo $((end - start))
      return 1
    fi
    sleep 0.05
  done
  wait "$pid" 2>/dev/null || true
  fault_untrack_pid "$pid"
  end="$(fault_now_ms)"
  echo $((end - start))
}

# fault_wait_http URL STATUS SECONDS: polls URL every 100 ms until it answers STATUS; returns 1 after SECONDS.
fault_wait_http() {
  local url="$1" want="$2" seconds="$3" deadline code
  deadline=$(($(fault_now_ms) + seconds * 1000))
  while (($(fault_now_ms) < deadline)); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)"
    [[ "$code" == "$want" ]] && return 0
    sleep 0.1
  done
  return 1
}

# fault_start_server LABEL PORT [NAME=VALUE ...]: starts the jar in the background with a clean environment (PATH and
# HOME plus the given variables, PORT set) and FEEDS_POLL_ENABLED=false unless given, logging to RUN_DIR/LABEL.log,
# and waits up to 90 s for /health/ready to answer 200. Sets SERVER_PID.
SERVER_PID=""
fault_start_server() {
  local label="$1" port="$2"
  shift 2
  local vars=("PATH=$PATH" "HOME=$HOME" "PORT=$port" "FEEDS_POLL_ENABLED=false" "$@")
  env -i "${vars[@]}" "$FAULTS_JAVA" -jar "$FAULTS_JAR" >"$RUN_DIR/$label.log" 2>&1 &
  SERVER_PID=$!
  fault_track_pid "$SERVER_PID"
  if ! fault_wait_http "http://127.0.0.1:$port/health/ready" 200 90; then
    tail -n 20 "$RUN_DIR/$label.log" >&2
    fault_die "server $label on port $port not ready within 90 s (log: $RUN_DIR/$label.log)"
  fi
  fault_log "server $label ready on 127.0.0.1:$port (pid $SERVER_PID)"
}

# fault_redis_start PORT: a private, memory-only redis-server on 127.0.0.1:PORT; waits up to 10 s for PONG.
# Sets REDIS_PID. Call it again after fault_redis_kill to restart the same Redis (empty).
REDIS_PID=""
fault_redis_start() {
  local port="$1" i
  command -v redis-server >/dev/null || fault_die "redis-server is not on PATH"
  redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && fault_die "port $port already has a Redis; pick another"
  mkdir -p "$RUN_DIR/redis"
  redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$RUN_DIR/redis" \
    --protected-mode yes >>"$RUN_DIR/redis.log" 2>&1 &
  REDIS_PID=$!
  fault_track_pid "$REDIS_PID"
  for ((i = 0; i < 100; i++)); do
    [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]] && return 0
    sleep 0.1
  done
  fault_die "private redis-server on port $port did not answer PING within 10 s"
}

# fault_redis_kill: SIGKILLs the private Redis (no shutdown, no save): the outage starts now.
fault_redis_kill() {
  kill -KILL "$REDIS_PID" 2>/dev/null || true
  wait "$REDIS_PID" 2>/dev/null || true
  fault_untrack_pid "$REDIS_PID"
}

# fault_wrk LABEL URL PATHS_FILE SECONDS CONNECTIONS TIMEOUT_S: one wrk run of the counting script (2 threads, or 1
# for a single connection) and writes its result to RUN_DIR/LABEL.json (see lua/count.lua for the fields). Its own
# timeout bounds it at SECONDS + TIMEOUT_S + 15. Returns 1 when wrk failed or printed no result.
fault_wrk() {
  local label="$1" url="$2" paths="$3" seconds="$4" connections="$5" timeout_s="$6" threads=2
  ((connections >= 2)) || threads=1
  [[ "$url" =~ ^http://127\.0\.0\.1:[0-9]{1,5}$ ]] || fault_die "fault_wrk: '$url' is not http://127.0.0.1:PORT"
  FAULTS_PATHS="$paths" timeout --kill-after=5 $((seconds + timeout_s + 15)) \
    wrk --threads "$threads" --connections "$connections" --duration "${seconds}s" --timeout "${timeout_s}s" \
    --latency --script "$FAULTS_LUA" "$url" >"$RUN_DIR/$label.wrk.txt" 2>&1 || true
  if ! sed -n 's/^FAULTS_RESULT //p' "$RUN_DIR/$label.wrk.txt" | jq -c '.' >"$RUN_DIR/$label.json" \
    || [[ ! -s "$RUN_DIR/$label.json" ]]; then
    fault_log "wrk $label printed no result: $(tail -n 3 "$RUN_DIR/$label.wrk.txt")"
    return 1
  fi
  jq -r --arg l "$label" '"\($l): \(.requests) requests, \(.req_s) req/s, p99 \(.p99_ms) ms, max \(.max_ms) ms, "
    + "statuses \(.by_status_cache | tostring), socket errors \(.socket_errors | tostring)"' "$RUN_DIR/$label.json" >&2
}

# fault_wrk_bg ...: fault_wrk in the background (same arguments); sets WRK_PID. Wait for it with `wait "$WRK_PID"`.
WRK_PID=""
fault_wrk_bg() {
  fault_wrk "$@" &
  WRK_PID=$!
  fault_track_pid "$WRK_PID"
}

# Status counts of a wrk result: {"200": n, "503": n, ...} summed over X-Cache values.
fault_statuses() {
  jq -c '.by_status_cache | to_entries | map({k: (.key | split(" ")[0]), v: .value})
         | group_by(.k) | map({key: .[0].k, value: (map(.v) | add)}) | from_entries' "$1"
}

# Count of responses in a wrk result whose "<status> <x-cache>" key matches the jq regex.
fault_count() {
  jq --arg re "$2" '[.by_status_cache | to_entries[] | select(.key | test($re)) | .value] | add // 0' "$1"
}

# fault_probe_start LABEL URL SECONDS [TIMEOUT_S]: samples URL every 100 ms for at most SECONDS (10 samples a second
# at most; a slow answer delays the next sample), logging "epoch_ms status x-cache answer_ms" lines to
# RUN_DIR/LABEL.probe: the time the request was sent, "000" when there was no answer within TIMEOUT_S (default 2), and
# how long the answer took.
# Sets PROBE_PID; stop it early with fault_stop_pid.
PROBE_PID=""
fault_probe_start() {
  local label="$1" url="$2" seconds="$3" timeout_s="${4:-2}"
  [[ "$url" =~ ^http://127\.0\.0\.1:[0-9]{1,5}/ ]] || fault_die "fault_probe_start: '$url' is not on 127.0.0.1"
  (
    local end=$(($(fault_now_ms) + seconds * 1000)) n=0 t headers code cache
    while ((n < seconds * 10)) && (($(fault_now_ms) < end)); do
      n=$((n + 1))
      t="$(fault_now_ms)"
      headers="$(curl -s -o /dev/null -D - --max-time "$timeout_s" "$url" 2>/dev/null || true)"
      code="$(awk 'NR == 1 { print $2 }' <<<"$headers")"
      cache="$(awk -F': *' 'tolower($1) == "x-cache" { gsub(/\r/, "", $2); print $2 }' <<<"$headers")"
      echo "$t ${code:-000} ${cache:--} $(($(fault_now_ms) - t))"
      sleep "$(awk -v e=$(($(fault_now_ms) - t)) 'BEGIN { s = (100 - e) / 1000; print (s > 0 ? s : 0) }')"
    done
  ) >"$RUN_DIR/$label.probe" &
  PROBE_PID=$!
  fault_track_pid "$PROBE_PID"
}

# fault_first_after PROBE_LOG T_MS STATUS_RE [CACHE_RE]: milliseconds from T_MS to the first sample sent at or after
# T_MS whose status (and X-Cache) match the awk regexes; prints nothing and returns 1 when there is none.
# fault_first_answer_after (same arguments) measures to the moment that sample's answer arrived instead.
fault_first_after() {
  local log="$1" t="$2" status_re="$3" cache_re="${4:-.*}"
  awk -v t="$t" -v s="$status_re" -v c="$cache_re" '
    $1 >= t && $2 ~ s && $3 ~ c { print $1 - t; found = 1; exit }
    END { exit !found }' "$log"
}

fault_first_answer_after() {
  local log="$1" t="$2" status_re="$3" cache_re="${4:-.*}"
  awk -v t="$t" -v s="$status_re" -v c="$cache_re" '
    $1 >= t && $2 ~ s && $3 ~ c { print $1 + $4 - t; found = 1; exit }
    END { exit !found }' "$log"
}

# fault_count_between PROBE_LOG FROM_MS TO_MS STATUS_RE [CACHE_RE]: samples in [FROM_MS, TO_MS) that match.
fault_count_between() {
  local log="$1" from="$2" to="$3" status_re="$4" cache_re="${5:-.*}"
  awk -v f="$from" -v t="$to" -v s="$status_re" -v c="$cache_re" '
    $1 >= f && $1 < t && $2 ~ s && $3 ~ c { n++ } END { print n + 0 }' "$log"
}

# fault_criterion NAME PASS|FAIL DETAIL: records one checked criterion and prints it.
FAULTS_FAILED=0
fault_criterion() {
  local name="$1" verdict="$2" detail="$3"
  [[ "$verdict" == PASS || "$verdict" == FAIL ]] || fault_die "criterion verdict must be PASS or FAIL, was $verdict"
  [[ "$verdict" == PASS ]] || FAULTS_FAILED=1
  jq -c -n --arg n "$name" --arg v "$verdict" --arg d "$detail" '{criterion: $n, verdict: $v, detail: $d}' \
    >>"$RUN_DIR/criteria.jsonl"
  echo "$verdict: $name ($detail)"
}

# fault_check NAME DETAIL CONDITION...: fault_criterion with PASS when the command CONDITION... succeeds.
fault_check() {
  local name="$1" detail="$2"
  shift 2
  if "$@"; then
    fault_criterion "$name" PASS "$detail"
  else
    fault_criterion "$name" FAIL "$detail"
  fi
}

# fault_finish FIGURES_JSON_FILE: writes RUN_DIR/summary.json (run metadata, the run's figures, the criteria) and
# summary.md; returns 1 when any criterion failed.
fault_finish() {
  local figures="$1" commit dirty=false verdict=PASS
  commit="$(git -C "$FAULTS_REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  [[ -z "$(git -C "$FAULTS_REPO" status --porcelain --untracked-files=no 2>/dev/null)" ]] || dirty=true
  ((FAULTS_FAILED == 0)) || verdict=FAIL
  jq -n --arg run "$RUN_NAME" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg commit "$commit" \
    --argjson dirty "$dirty" --arg jdk "$("$FAULTS_JAVA" -version 2>&1 | head -n 1)" \
    --arg wrk "$(wrk --version 2>&1 | head -n 1)" --arg cpus "$(nproc)" --arg verdict "$verdict" \
    --slurpfile figures "$figures" --slurpfile criteria "$RUN_DIR/criteria.jsonl" '
    {run: $run, verdict: $verdict, date: $date, git_commit: $commit, git_dirty: $dirty, jdk: $jdk,
     wrk: $wrk, cpus: ($cpus | tonumber), figures: $figures[0], criteria: $criteria}' >"$RUN_DIR/summary.json"
  jq -r '"# Fault run \(.run): \(.verdict)\n\n\(.date), commit \(.git_commit)\(if .git_dirty then " (dirty)" else "" end), "
    + "\(.jdk), \(.cpus) CPUs, \(.wrk)\n\n| criterion | verdict | detail |\n|---|---|---|\n"
    + (.criteria | map("| \(.criterion) | \(.verdict) | \(.detail) |") | join("\n"))
    + "\n\n```json\n\(.figures | tostring)\n```"' "$RUN_DIR/summary.json" >"$RUN_DIR/summary.md"
  fault_log "$verdict: $RUN_DIR/summary.md"
  ((FAULTS_FAILED == 0))
}
