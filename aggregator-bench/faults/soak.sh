#!/usr/bin/env bash
# Fault run 5 (issue #8): soak. Proves that under steady load the server's heap after a full GC and its resident
# memory stay flat, and that its thread count, open file descriptors and connection pools do not grow.
#
# How: one server (cache on, a fresh cache namespace, the read-only newsagg_bench corpus by default) under wrk load on
# a mix of read endpoints for --duration (default 10m). Every 30 s (10 s in runs under 5 minutes) the sampler reads the live heap after a full GC
# (jcmd GC.class_histogram), VmRSS and Threads from /proc/PID/status, the open descriptors
# (/proc/PID/fd), and the Hikari and Redis pool gauges from /metrics. Samples of the first --warmup (default 2m, or a
# third of a shorter duration) are reported but not judged: the JIT, the code cache and the caches fill then.
#
# Tolerances, end against start. Heap after full GC: the floor (lowest sample) of the last third of the judged
# samples against the floor of the first third, +25 % or +8 MiB, whichever is larger. One sample is noisy: the heap
# left after a full GC moves between ~25 and ~70 MB from one sample to the next (Jetty's retained buffers, the
# near-caches and requests in flight, all bounded), but a leak raises the floor; 100 bytes a request adds 18 MB per
# 180,000 requests (a minute at 3,000 req/s). The other figures compare medians of the first and last three samples.
# RSS: +10 % (malloc arenas and the code cache
# still settle after the warm-up; ~25 MB of ~250 MB). Threads, descriptors and the Hikari total: the largest value in
# the second half of the judged samples at most 2 above the largest in the first half (Jetty's thread pool opens one more at a new
# concurrency peak, so a plateau may step once or twice; a leak grows by one per leaked request, hundreds in minutes).
# The Redis pool (minIdle 0, up to 64, idle connections evicted) grows lazily towards the load's concurrency, which a
# short run may not reach before its end, so it is held to what that concurrency allows instead: never more than the
# wrk connections plus 2 (a request holds one Redis connection at a time; the readiness probe has its own), and no
# thread ever waiting for one. Each Redis connection is a descriptor, so the descriptors' growth is judged net of the
# Redis pool's. The last sample is taken while the load still runs.
#
#   aggregator-bench/faults/soak.sh [--duration 10m] [--warmup 2m] [--port 18520] [--database newsagg_bench]
set -euo pipefail

# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=SCRIPTDIR/read-paths.sh
source "$FAULTS_DIR/read-paths.sh"

DURATION=10m
WARMUP=""
PORT=18520
DATABASE=newsagg_bench
readonly CONNECTIONS=8
readonly METRICS_TOKEN="faults-soak-metrics-token"

seconds_of() {
  case "$1" in
    [0-9]*s) echo "${1%s}" ;;
    [0-9]*m) echo $((${1%m} * 60)) ;;
    *) echo "soak.sh: '$1' is not a duration such as 90s or 10m" >&2; exit 2 ;;
  esac
}

while (($# > 0)); do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --database) DATABASE="$2"; shift 2 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
duration_s="$(seconds_of "$DURATION")"
if [[ -n "$WARMUP" ]]; then
  warmup_s="$(seconds_of "$WARMUP")"
else
  warmup_s=$((duration_s / 3 < 120 ? duration_s / 3 : 120))
fi
if ! [[ "$PORT" =~ ^[0-9]{2,5}$ && "$DATABASE" =~ ^[a-z0-9_]{1,63}$ ]] \
  || ((duration_s < 60 || duration_s > 3600 || warmup_s >= duration_s)); then
  echo "soak.sh: bad --port, --database, --duration (1m to 60m) or --warmup" >&2
  exit 2
fi
# Every 30 s; a run shorter than 5 minutes (a smoke test) samples every 10 s so that it still has enough samples.
INTERVAL_S=$((duration_s >= 300 ? 30 : 10))
readonly INTERVAL_S
command -v jcmd >/dev/null || { echo "soak.sh: jcmd is not on PATH" >&2; exit 2; }

fault_init soak $((duration_s + 600))
readonly BASE="http://127.0.0.1:$PORT"
fault_start_server server "$PORT" "DATABASE_URL=jdbc:postgresql://127.0.0.1:5432/$DATABASE" CACHE_ENABLED=true \
  "CACHE_NAMESPACE=faults-soak-$(date -u +%H%M%S)" "METRICS_TOKEN=$METRICS_TOKEN"
pid="$SERVER_PID"

fault_read_paths "$RUN_DIR/read.paths" "$BASE"
fault_log "warming the cached paths up, one request each"
fault_warm_paths "$RUN_DIR/read.paths" "$BASE"

# metric NAME: the value of an unlabelled gauge in the scrape at RUN_DIR/metrics.txt.
metric() {
  awk -v n="$1" '$1 == n { printf "%d", $2; found = 1 } END { if (!found) printf "null" }' "$RUN_DIR/metrics.txt"
}

sample() {
  local t heap rss threads fds
  t="$(fault_now_ms)"
  # The class histogram runs a full GC and then counts the live objects in the same safepoint, so requests served
  # between the GC and the reading cannot add garbage to it (GC.run then GC.heap_info swung by tens of MB under
  # load). Its last line is "Total <instances> <bytes>"; the figure is kept in KiB.
  heap="$(timeout 30 jcmd "$pid" GC.class_histogram | awk '$1 == "Total" { print int($3 / 1024) }')"
  rss="$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status")"
  threads="$(awk '$1 == "Threads:" { print $2 }' "/proc/$pid/status")"
  fds="$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)"
  curl -sf --max-time 10 -H "Authorization: Bearer $METRICS_TOKEN" "$BASE/metrics" >"$RUN_DIR/metrics.txt" || : >"$RUN_DIR/metrics.txt"
  jq -c -n --argjson t "$t" --argjson heap "${heap:-null}" --argjson rss "${rss:-null}" --argjson threads "${threads:-null}" \
    --argjson fds "$fds" --argjson h_active "$(metric hikaricp_connections_active)" \
    --argjson h_idle "$(metric hikaricp_connections_idle)" --argjson h_total "$(metric hikaricp_connections)" \
    --argjson h_pending "$(metric hikaricp_connections_pending)" \
    --argjson r_active "$(metric newsagg_redis_pool_active)" --argjson r_idle "$(metric newsagg_redis_pool_idle)" \
    --argjson r_waiting "$(metric newsagg_redis_pool_waiting)" '
    {t_ms: $t, heap_after_gc_kib: $heap, rss_kib: $rss, threads: $threads, fds: $fds,
     hikari: {active: $h_active, idle: $h_idle, total: $h_total, pending: $h_pending},
     redis_pool: {active: $r_active, idle: $r_idle, total: (if $r_active == null then null else $r_active + $r_idle end),
                  waiting: $r_waiting}}' >>"$RUN_DIR/samples.jsonl"
}

: >"$RUN_DIR/samples.jsonl"
fault_log "load for ${duration_s}s (${warmup_s}s warm-up), a sample every ${INTERVAL_S}s"
start_ms="$(fault_now_ms)"
fault_wrk_bg load "$BASE" "$RUN_DIR/read.paths" $((duration_s + 10)) "$CONNECTIONS" 5
wrk_pid="$WRK_PID"
sample
for ((i = 1; i <= duration_s / INTERVAL_S; i++)); do
  sleep "$(awk -v d=$((start_ms + i * INTERVAL_S * 1000 - $(fault_now_ms))) 'BEGIN { print (d > 0 ? d / 1000 : 0) }')"
  kill -0 "$pid" 2>/dev/null || fault_die "the server died during the soak (log: $RUN_DIR/server.log)"
  sample
  fault_log "sample $i: $(tail -n 1 "$RUN_DIR/samples.jsonl")"
done
wait "$wrk_pid" || fault_die "the wrk load failed"
fault_untrack_pid "$wrk_pid"
fault_stop_pid "$pid" 20 >/dev/null || fault_log "the server had to be killed"

# The judged samples, and the verdicts computed from them in one place.
jq -s --argjson from "$((start_ms + warmup_s * 1000))" '
  def med: sort | .[(length - 1) / 2 | floor];
  def growth(f): ((.[-3:] | map(f) | med) - (.[:3] | map(f) | med)) / (.[:3] | map(f) | med);
  def halves(f): (length / 2 | floor) as $h | {first_half_max: (.[:$h] | map(f) | max), second_half_max: (.[$h:] | map(f) | max)};
  map(select(.t_ms >= $from)) as $j
  | {judged_samples: ($j | length),
     start: $j[0], end: $j[-1],
     rss_growth: ($j | growth(.rss_kib)),
     heap_floor_start_kib: ($j[:(($j | length) / 3 | ceil)] | map(.heap_after_gc_kib) | min),
     heap_floor_end_kib: ($j[-(($j | length) / 3 | ceil):] | map(.heap_after_gc_kib) | min),
     threads: ($j | halves(.threads)), fds: ($j | halves(.fds)),
     hikari_total: ($j | halves(.hikari.total)), redis_total: ($j | halves(.redis_pool.total)),
     hikari_pending_max: ($j | map(.hikari.pending) | max), redis_max: ($j | map(.redis_pool.total) | max), redis_waiting_max: ($j | map(.redis_pool.waiting) | max)}' \
  "$RUN_DIR/samples.jsonl" >"$RUN_DIR/judged.json"
j="$RUN_DIR/judged.json"
judged="$(jq '.judged_samples' "$j")"
((judged >= 4)) || fault_die "only $judged samples after the warm-up; use a longer --duration"

not_growing() {
  jq -e --arg k "$1" '.[$k].second_half_max <= .[$k].first_half_max + 2' "$j" >/dev/null
}
fault_check "heap after full GC flat (+25 % or +8 MiB at most)" \
  "$(jq -r '"floor \(.heap_floor_start_kib) KiB -> \(.heap_floor_end_kib) KiB"' "$j")" \
  jq -e '.heap_floor_end_kib <= ([.heap_floor_start_kib * 1.25, .heap_floor_start_kib + 8192] | max)' "$j" >/dev/null
fault_check "RSS flat (+10 % at most)" \
  "$(jq -r '"\(.start.rss_kib) KiB -> \(.end.rss_kib) KiB, median growth \(.rss_growth * 1000 | round / 10) %"' "$j")" \
  jq -e '.rss_growth <= 0.10' "$j" >/dev/null
fault_check "thread count not growing (+2 at most)" "$(jq -c '.threads' "$j")" not_growing threads
fault_check "open file descriptors not growing (+2 at most, net of the Redis pool)" \
  "$(jq -c '{fds, redis_total}' "$j")" \
  jq -e '(.fds.second_half_max - .fds.first_half_max)
    - ([0, .redis_total.second_half_max - .redis_total.first_half_max] | max) <= 2' "$j" >/dev/null
fault_check "Hikari pool total not growing (+2 at most)" "$(jq -c '.hikari_total' "$j")" not_growing hikari_total
fault_check "Redis pool within the load's concurrency ($CONNECTIONS connections + 2), nobody waiting" \
  "$(jq -c '{redis_total, redis_max: .redis_max, redis_waiting_max}' "$j")" \
  jq -e --argjson c "$CONNECTIONS" ".redis_max <= \$c + 2 and .redis_waiting_max == 0" "$j" >/dev/null
non2xx="$(jq '[.by_status_cache | to_entries[] | select(.key | test("^2") | not) | .value] | add // 0' "$RUN_DIR/load.json")"
# wrk's timeouts count answers slower than 5 s that it still read: reported, but not failures of the soak.
fault_check "every request answered 2xx" "non-2xx: $non2xx; socket errors $(jq -c '.socket_errors' "$RUN_DIR/load.json")" \
  jq -e --argjson n "$non2xx" "\$n == 0 and .socket_errors.read == 0 and .socket_errors.connect == 0" "$RUN_DIR/load.json" >/dev/null

jq -n --slurpfile j "$j" --slurpfile w "$RUN_DIR/load.json" --slurpfile s <(jq -s '.' "$RUN_DIR/samples.jsonl") \
  --argjson d "$duration_s" --argjson wu "$warmup_s" --argjson c "$CONNECTIONS" --arg db "$DATABASE" '
  {database: $db, duration_s: $d, warmup_s: $wu, wrk_connections: $c, judged: $j[0],
   wrk: ($w[0] | del(.by_second)), samples: $s[0]}' >"$RUN_DIR/figures.json"
fault_finish "$RUN_DIR/figures.json"
