#!/usr/bin/env bash
# The one command of the issue #8 fault runs: aggregator-bench/faults/run.sh <run|all>. Each run starts its own
# servers (the jar must be built: ./mvnw -B -q -o package -DskipTests), injects its faults under wrk load on 127.0.0.1,
# checks its criteria, writes aggregator-bench/results/faults/<run>-<UTC stamp>/summary.{json,md} and exits non-zero
# when a criterion fails. See docs/RELIABILITY.md.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly RUNS=(redis postgres)

usage() {
  echo "usage: $(basename "$0") <$(IFS='|'; echo "${RUNS[*]}")|all>" >&2
  exit 2
}

[[ $# -eq 1 ]] || usage
selected=()
if [[ "$1" == all ]]; then
  selected=("${RUNS[@]}")
else
  for run in "${RUNS[@]}"; do
    [[ "$1" == "$run" ]] && selected=("$run")
  done
  ((${#selected[@]} == 1)) || usage
fi

failed=()
for run in "${selected[@]}"; do
  echo "== fault run $run" >&2
  "$SCRIPT_DIR/$run.sh" || failed+=("$run")
done
if ((${#failed[@]} > 0)); then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "all passed: ${selected[*]}" >&2
