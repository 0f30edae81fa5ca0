#!/usr/bin/env bash
# The one command of the issue #8 fault runs: aggregator-bench/faults/run.sh [--out-dir DIR] <run|all>. Each run
# starts its own servers (the jar must be built: ./mvnw -B -q -o package -DskipTests), injects its faults under wrk
# load on 127.0.0.1, checks its criteria, writes DIR/<run>-<UTC stamp>/summary.{json,md} (DIR defaults to
# aggregator-bench/target/faults) and exits non-zero when a criterion fails. See docs/RELIABILITY.md.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly RUNS=(redis postgres sigterm two-servers soak)

usage() {
  echo "usage: $(basename "$0") [--out-dir DIR] <$(IFS='|'; echo "${RUNS[*]}")|all> [options of that one run, e.g. soak --duration 1m]" >&2
  exit 2
}

if [[ "${1:-}" == --out-dir ]]; then
  [[ $# -ge 2 && -n "$2" ]] || usage
  mkdir -p "$2"
  FAULTS_OUT_DIR="$(cd "$2" && pwd)"
  export FAULTS_OUT_DIR
  shift 2
fi

[[ $# -ge 1 ]] || usage
which="$1"
shift
selected=()
if [[ "$which" == all ]]; then
  (($# == 0)) || usage
  selected=("${RUNS[@]}")
else
  for run in "${RUNS[@]}"; do
    [[ "$which" == "$run" ]] && selected=("$run")
  done
  ((${#selected[@]} == 1)) || usage
fi

failed=()
for run in "${selected[@]}"; do
  echo "== fault run $run" >&2
  # A hard limit on top of each run's own bounded waits; on SIGTERM a run still stops what it started.
  timeout --kill-after=30 "${FAULTS_RUN_LIMIT_S:-1800}" "$SCRIPT_DIR/$run.sh" "$@" || failed+=("$run")
done
if ((${#failed[@]} > 0)); then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "all passed: ${selected[*]}" >&2
