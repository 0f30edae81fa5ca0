# shellcheck shell=bash
# Sourced by docker/smoke-test.sh and docker/compose-test.sh: what both need to start an engine and to build the
# stand-in base images from Debian packages on a machine without a registry. The images are cached as tags in the
# engine's data root, named after a key of their recipe, so a second run builds nothing.
# The caller defines log and fail, and sets DOCKER (the CLI), DOCKER_HOST and WORK (a scratch directory).

# Installs Debian packages without starting their services: Debian's own dockerd would create the docker0 bridge.
install_without_starting() {
  local policy=/usr/sbin/policy-rc.d ours=
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && ours=yes
  fi
  local status=0
  { apt-get install -y -q --no-install-recommends "$@" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "$@" >/dev/null; }; } || status=$?
  [[ -z $ours ]] || rm -f "$policy"
  return "$status"
}

# start_engine LOGFILE COMMAND…: runs COMMAND (a dockerd command line, perhaps behind `ip netns exec`) in the
# background and waits up to 60 s for $DOCKER_HOST to answer. Sets ENGINE_PID; returns 1 if it never answered.
start_engine() {
  local logfile=$1
  shift
  "$@" >"$logfile" 2>&1 &
  ENGINE_PID=$!
  for _ in $(seq 1 60); do
    "$DOCKER" info >/dev/null 2>&1 && return 0
    kill -0 "$ENGINE_PID" 2>/dev/null || break
    sleep 1
  done
  "$DOCKER" info >/dev/null 2>&1
}

# stop_engine PID: SIGTERM, then up to 30 s for it to exit (it stops its containers first).
stop_engine() {
  local pid=$1
  [[ -n $pid ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  kill -KILL "$pid" 2>/dev/null || true
}

JDK_PACKAGES="openjdk-17-jdk-headless"

# Sets the names of the stand-in base images, each tagged with a key of its recipe, without an engine:
# RUNTIME_STANDIN (debootstrap minbase of this machine's Debian suite, from its apt mirror) and BUILD_STANDIN
# (that plus OpenJDK 17 with its jmods); also SUITE, MIRROR and LOCAL_CAS, which building them needs.
standin_names() {
  # shellcheck source=/dev/null
  . /etc/os-release
  SUITE=${VERSION_CODENAME:?}
  MIRROR=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
  [[ -n $MIRROR ]] || MIRROR=$(awk -v s="$SUITE" '$1 == "deb" && $3 == s { print $2; exit }' /etc/apt/sources.list)
  [[ -n $MIRROR ]] || fail "no Debian mirror found in /etc/apt"
  # The build stand-in trusts the certificate authorities this machine added (/usr/local/share/ca-certificates),
  # as it uses this machine's apt mirror: Maven downloads through whatever this machine's network requires.
  LOCAL_CAS=$WORK/local-cas
  mkdir -p "$LOCAL_CAS"
  find /usr/local/share/ca-certificates -name '*.crt' -exec cp {} "$LOCAL_CAS/" \; 2>/dev/null || true
  local runtime_key build_key
  runtime_key=$(printf '%s\n' "recipe-2" "$SUITE" "$MIRROR" | sha256sum | cut -c1-12)
  build_key=$( (printf '%s\n' "$runtime_key" "$JDK_PACKAGES"; cat "$LOCAL_CAS"/*.crt 2>/dev/null) | sha256sum | cut -c1-12)
  RUNTIME_STANDIN=newsagg-standin/debian:$SUITE-$runtime_key
  BUILD_STANDIN=newsagg-standin/jdk:17-$build_key
}

# Sets the names (standin_names) and builds whichever of the two images the engine lacks, with --network host.
standin_base_images() {
  standin_names
  if "$DOCKER" image inspect "$RUNTIME_STANDIN" >/dev/null 2>&1; then
    log "runtime stand-in $RUNTIME_STANDIN: cached"
  else
    log "runtime stand-in $RUNTIME_STANDIN: debootstrap --variant=minbase $SUITE from $MIRROR"
    local rootfs=$WORK/rootfs
    debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
      || { tail -n 20 "$WORK/debootstrap.log"; fail "debootstrap failed"; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" --numeric-owner -c . \
      | "$DOCKER" import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
          --change 'CMD ["bash"]' - "$RUNTIME_STANDIN" >/dev/null
    rm -rf "$rootfs"
  fi
  if "$DOCKER" image inspect "$BUILD_STANDIN" >/dev/null 2>&1; then
    log "build stand-in $BUILD_STANDIN: cached"
  else
    log "build stand-in $BUILD_STANDIN: $JDK_PACKAGES (with jmods) on the runtime stand-in"
    "$DOCKER" build -q --network host -t "$BUILD_STANDIN" -f - "$LOCAL_CAS" >/dev/null <<DOCKERFILE
FROM $RUNTIME_STANDIN
COPY . /usr/local/share/ca-certificates/
RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        ca-certificates-java $JDK_PACKAGES \
    && update-ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/* \
    && test -f /usr/lib/jvm/java-17-openjdk-amd64/jmods/java.base.jmod
DOCKERFILE
  fi
}
