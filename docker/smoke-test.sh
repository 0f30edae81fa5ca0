#!/usr/bin/env bash
# Engine smoke test of docker/Dockerfile, for a machine with no registry and no bridge network (docs/CONTAINERS.md):
#  1. starts dockerd (--bridge=none --iptables=false) unless one already answers; SKIPPED when it cannot start;
#  2. builds stand-in base images from Debian packages (debootstrap minbase; + OpenJDK 17 with jmods) through the
#     apt mirror this machine uses, cached as tagged images between runs;
#  3. checks that the build context the engine receives is exactly what .dockerignore's check (the JUnit test
#     ContainerPolicyTest's DockerIgnore, in aggregator-bench) predicts;
#  4. builds docker/Dockerfile with the stand-ins as build args and --network host;
#  5. runs it with --network host against PostgreSQL (its own database, dropped at the end) and Redis on 127.0.0.1,
#     waits for the image's HEALTHCHECK to say healthy, calls /api/articles and /health/ready, checks the user;
#  6. changes one Java source and rebuilds: the dependency layers must come from the cache, the application not.
# All traffic stays on the loopback interface. Needs root. Environment: SMOKE_PORT (default: first free from 18180).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
# shellcheck source=docker/base-images.sh
. "$ROOT/docker/base-images.sh"

STATE=/var/lib/newsagg-smoke
SOCKET=unix://$STATE/docker.sock
DATABASE=newsagg_smoke
IMAGE=newsagg/api:smoke
CONTAINER=newsagg-smoke
STARTED=$(date +%s)
WORK=$(mktemp -d /var/tmp/newsagg-smoke.XXXXXX)
OWN_DOCKERD_PID=

log() { echo "smoke: $*"; }
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }
skip() {
  echo
  echo "##############################################################################"
  echo "SKIPPED: docker/smoke-test.sh: $*"
  echo "##############################################################################"
  echo
  exit 0
}

cleanup() {
  local status=$?
  if [[ -n ${DOCKER_HOST:-} ]] && [[ -n ${DOCKER:-} ]]; then
    if ((status != 0)) && "$DOCKER" container inspect "$CONTAINER" >/dev/null 2>&1; then
      echo "--- container log (last 40 lines)"; "$DOCKER" logs --tail 40 "$CONTAINER" 2>&1 || true
    fi
    "$DOCKER" rm -f "$CONTAINER" >/dev/null 2>&1 || true
  fi
  dropdb -h 127.0.0.1 -U postgres --if-exists "$DATABASE" 2>/dev/null || true
  rm -rf "$WORK"
  stop_engine "$OWN_DOCKERD_PID"
  log "finished with status $status after $(($(date +%s) - STARTED)) s"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# ---- 1. the engine
if [[ $(id -u) -ne 0 ]]; then
  skip "needs root to start dockerd"
fi
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  log "installing docker.io and debootstrap"
  install_without_starting docker.io debootstrap || skip "cannot install docker.io and debootstrap"
fi
# Debian's CLI matches Debian's daemon; its `docker build` is the classic builder, whose log says "Using cache".
DOCKER=/usr/bin/docker
[[ -x $DOCKER ]] || DOCKER=$(command -v docker)
export DOCKER_BUILDKIT=0
mkdir -p "$STATE"
export DOCKER_HOST=$SOCKET
if ! "$DOCKER" info >/dev/null 2>&1; then
  log "starting dockerd (no bridge, no iptables; data in $STATE)"
  if ! start_engine "$STATE/dockerd.log" dockerd --host "$SOCKET" --data-root "$STATE/data" --exec-root "$STATE/exec" \
      --pidfile "$STATE/dockerd.pid" --bridge=none --iptables=false --ip-masq=false; then
    reason=$(tail -n 3 "$STATE/dockerd.log" | tr '\n' ' ')
    skip "dockerd did not start: $reason"
  fi
  OWN_DOCKERD_PID=$ENGINE_PID
fi
log "engine $("$DOCKER" version --format '{{.Server.Version}}'), storage $("$DOCKER" info --format '{{.Driver}}')"

# ---- 2. stand-in base images, cached by a key of their recipe (docker/base-images.sh)
standin_base_images

# ---- 3. the build context, from a copy of the work tree (so that step 6 can change a source)
CONTEXT=$WORK/context
mkdir -p "$CONTEXT"
git ls-files -co --exclude-standard -z | tar --null -T - --ignore-failed-read -cf - | tar -xf - -C "$CONTEXT"
[[ -f $CONTEXT/docker/Dockerfile ]] || fail "copying the work tree into $CONTEXT failed"
CHECKS=$ROOT/aggregator-bench/target/test-classes
[[ -f $CHECKS/newsagg/bench/containers/DockerIgnore.class ]] \
  || (cd "$ROOT" && ./mvnw -B -q -o test-compile -pl aggregator-bench -am >/dev/null) \
  || fail "could not compile the container checks (./mvnw test-compile -pl aggregator-bench -am)"
java -cp "$CHECKS" newsagg.bench.containers.DockerIgnore --list "$CONTEXT" | LC_ALL=C sort >"$WORK/expected-context.txt"
"$DOCKER" build -q --network host -t newsagg-smoke/context -f - "$CONTEXT" >/dev/null <<EOF
FROM $RUNTIME_STANDIN
COPY . /context
RUN cd /context && find . -type f | sed 's|^\./||' > /context.txt
EOF
"$DOCKER" run --rm --network host newsagg-smoke/context cat /context.txt | LC_ALL=C sort >"$WORK/engine-context.txt"
"$DOCKER" rmi -f newsagg-smoke/context >/dev/null
if ! diff -u "$WORK/expected-context.txt" "$WORK/engine-context.txt"; then
  fail "the engine's build context differs from what .dockerignore's check (DockerIgnore --list) predicts"
fi
log "build context: $(wc -l <"$WORK/engine-context.txt") files, as .dockerignore's check predicts"

# ---- 4. the image
build() {
  local logfile=$1
  local t0
  t0=$(date +%s)
  if ! "$DOCKER" build --network host -f "$CONTEXT/docker/Dockerfile" -t "$IMAGE" \
      --build-arg "BUILD_IMAGE=$BUILD_STANDIN" --build-arg "RUNTIME_IMAGE=$RUNTIME_STANDIN" \
      --build-arg "REVISION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
      "$CONTEXT" >"$logfile" 2>&1; then
    tail -n 40 "$logfile"
    fail "docker build failed (log above)"
  fi
  log "built $IMAGE in $(($(date +%s) - t0)) s"
}
# "Step N/M : INSTRUCTION" is followed by " ---> Using cache" when the step came from the cache.
step_cached() {
  local logfile=$1 pattern=$2
  awk -v p="$pattern" '
    /^Step [0-9]+\/[0-9]+ : / { step = (index($0, p) > 0); next }
    step && /^ ---> Using cache/ { found = 1 }
    step && /^ ---> Running in/ { found = 0; step = 0 }
    END { exit found ? 0 : 1 }' "$logfile"
}
step_present() { grep -qF "$2" "$1"; }

build "$WORK/build-1.log"
"$DOCKER" image inspect -f '{{json .RootFS.Layers}}' "$IMAGE" >"$WORK/layers-1.json"

# ---- 5. run it against this machine's PostgreSQL and Redis, on the host network
port=${SMOKE_PORT:-}
if [[ -z $port ]]; then
  for candidate in $(seq 18180 18199); do
    if ! ss -Hltn "sport = :$candidate" | grep -q .; then port=$candidate; break; fi
  done
fi
[[ -n $port ]] || fail "no free port in 18180-18199"
dropdb -h 127.0.0.1 -U postgres --if-exists "$DATABASE"
createdb -h 127.0.0.1 -U postgres "$DATABASE"
"$DOCKER" rm -f "$CONTAINER" >/dev/null 2>&1 || true
# No feed polling: the container must not reach past the loopback interface.
"$DOCKER" run -d --name "$CONTAINER" --network host --memory 768m \
  -e PORT="$port" -e DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/$DATABASE" -e DATABASE_USER=postgres \
  -e REDIS_URL=redis://127.0.0.1:6379 -e DEFAULT_SOURCES=true -e FEEDS_POLL_ENABLED=false \
  "$IMAGE" >/dev/null
log "container started on 127.0.0.1:$port; waiting for its HEALTHCHECK"
deadline=$(($(date +%s) + 180))
status=starting
while (($(date +%s) < deadline)); do
  status=$("$DOCKER" inspect -f '{{.State.Health.Status}}' "$CONTAINER")
  [[ $status == healthy ]] && break
  [[ $("$DOCKER" inspect -f '{{.State.Running}}' "$CONTAINER") == true ]] || fail "the container exited"
  sleep 2
done
[[ $status == healthy ]] || fail "not healthy within 180 s (status: $status)"
log "HEALTHCHECK: healthy after $(($(date +%s) - deadline + 180)) s"

code=$(curl -s -o "$WORK/ready.json" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port/health/ready")
[[ $code == 200 ]] || fail "/health/ready answered $code: $(cat "$WORK/ready.json")"
grep -q '"database":"up"' "$WORK/ready.json" || fail "/health/ready: $(cat "$WORK/ready.json")"
grep -q '"redis":"up"' "$WORK/ready.json" || fail "/health/ready: $(cat "$WORK/ready.json")"
log "/health/ready: $(cat "$WORK/ready.json")"
code=$(curl -s -o "$WORK/articles.json" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port/api/articles?limit=5")
[[ $code == 200 ]] || fail "/api/articles answered $code: $(head -c 300 "$WORK/articles.json")"
grep -q '"items":\[' "$WORK/articles.json" || fail "/api/articles: $(head -c 300 "$WORK/articles.json")"
log "/api/articles: 200, $(head -c 80 "$WORK/articles.json")..."
code=$(curl -s -o "$WORK/sources.json" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port/api/sources")
if [[ $code != 200 ]] || ! grep -q '"feed_url"' "$WORK/sources.json"; then
  fail "DEFAULT_SOURCES loaded no sources: $code $(head -c 300 "$WORK/sources.json")"
fi
log "/api/sources: the default sources are there"

uid=$("$DOCKER" exec "$CONTAINER" sh -c "awk '/^Uid:/ { print \$2 }' /proc/1/status")
[[ -n $uid && $uid != 0 ]] || fail "the server runs as uid '$uid'"
log "the server (PID 1) runs as uid $uid, user $("$DOCKER" inspect -f '{{.Config.User}}' "$IMAGE")"
heap=$("$DOCKER" exec "$CONTAINER" java -XX:MaxRAMPercentage=75.0 -XX:+PrintFlagsFinal -version 2>/dev/null \
  | awk '$2 == "MaxHeapSize" { print $4 }')
heap=${heap:-0}
((heap > 0 && heap <= 768 * 1024 * 1024 * 3 / 4)) || fail "MaxHeapSize $heap does not follow the 768m container limit"
log "container-aware heap: MaxHeapSize $((heap / 1024 / 1024)) MiB under a 768 MiB limit"

size=$("$DOCKER" image inspect -f '{{.Size}}' "$IMAGE")
echo "--- image $IMAGE: $((size / 1000 / 1000)) MB; its layers:"
"$DOCKER" history --no-trunc --format '{{.Size}}\t{{.CreatedBy}}' "$IMAGE" | awk -F '\t' '$1 != "0B"' \
  | sed -E 's|/bin/sh -c (#\(nop\) )?||; s/(dir|file):[0-9a-f]+ in/… in/' | cut -c1-120
"$DOCKER" rm -f "$CONTAINER" >/dev/null

# ---- 6. a code change rebuilds only the application layer
echo "// smoke test rebuild $(date +%s)" >>"$CONTEXT/aggregator-http/src/main/java/newsagg/http/Health.java"
build "$WORK/build-2.log"
step_cached "$WORK/build-2.log" "RUN ./mvnw -B -q -DskipTests -pl aggregator-http -am package" \
  || fail "the build stage's dependency layer was rebuilt after a source change"
if ! step_present "$WORK/build-2.log" "COPY aggregator-http/src/main/" \
    || step_cached "$WORK/build-2.log" "COPY aggregator-http/src/main/"; then
  fail "the changed source was not copied again"
fi
step_cached "$WORK/build-2.log" "COPY --from=build /layers/lib/ /app/lib/" \
  || fail "the runtime's dependency layer (/app/lib) was rebuilt after a source change"
"$DOCKER" image inspect -f '{{json .RootFS.Layers}}' "$IMAGE" >"$WORK/layers-2.json"
jq -e -n --slurpfile a "$WORK/layers-1.json" --slurpfile b "$WORK/layers-2.json" \
    '$a[0] as $a | $b[0] as $b | ($a | length) == ($b | length) and (($b - $a) | length) == 1' >/dev/null \
  || { echo "before: $(cat "$WORK/layers-1.json")" >&2; echo "after: $(cat "$WORK/layers-2.json")" >&2
       fail "expected exactly one new layer (the application) after the rebuild"; }
log "rebuild: dependency layers from cache, only the application layer is new"

# Keep the build stage (and so its dependency layer) referenced by a tag, then drop what earlier runs left
# dangling: the next run starts from the cache, and the disk does not fill up run after run.
"$DOCKER" build -q --network host --target build -f "$CONTEXT/docker/Dockerfile" -t newsagg-smoke/build-cache \
  --build-arg "BUILD_IMAGE=$BUILD_STANDIN" --build-arg "RUNTIME_IMAGE=$RUNTIME_STANDIN" "$CONTEXT" >/dev/null
"$DOCKER" image prune -f >/dev/null
log "PASSED"
