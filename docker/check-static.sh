#!/usr/bin/env bash
# Static checks of the container assets; no Docker engine needed. Any failure exits non-zero, and so does a check
# that stops catching what it must catch (each tool is also run on a deliberately bad fixture). The project's own
# policy (compose-spec schema, Dockerfile lint and policy, .dockerignore) is the JUnit test ContainerPolicyTest in
# aggregator-bench, which ./mvnw verify runs too; here it runs alone.
set -euo pipefail
cd "$(dirname "$0")/.."

install_packages() {
  apt-get install -y -q --no-install-recommends "$@" >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "$@" >/dev/null; }
}
missing=()
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v shellcheck >/dev/null || missing+=(shellcheck)
if ((${#missing[@]})); then
  echo "check-static: installing ${missing[*]}"
  install_packages "${missing[@]}"
fi

expect_failure() {
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then
    echo "check-static: FAIL: $what was accepted" >&2
    exit 1
  fi
  echo "check-static: $what is rejected, as it must be"
}

echo "== compose.yml with Debian's docker-compose $(docker-compose version --short)"
docker-compose --env-file .env.example -f compose.yml config -q
echo "docker-compose config: ok"
expect_failure "docker/test-fixtures/compose.bad.yml (docker-compose config)" \
  docker-compose --env-file .env.example -f docker/test-fixtures/compose.bad.yml config -q

echo "== the stand-in images' Dockerfiles (docker/stand-ins/, for docker/compose-test.sh)"
if grep -il '^#[[:space:]]*syntax[[:space:]]*=' docker/stand-ins/*/Dockerfile; then
  echo "check-static: a # syntax= line makes BuildKit pull a frontend from a registry" >&2
  exit 1
fi
echo "no # syntax= line: ok"

echo "== .gitignore and .env"
grep -qx '\.env' .gitignore || { echo "check-static: .gitignore must ignore .env" >&2; exit 1; }
git check-ignore -q .env.example 2>/dev/null && { echo "check-static: .env.example must not be git-ignored" >&2; exit 1; }

echo "== shellcheck"
shellcheck docker/*.sh docker/stand-ins/*/entrypoint.sh
shellcheck --severity=warning .ci/run
echo "shellcheck: ok"

echo "== compose.yml (compose-spec schema and policy), Dockerfile (lint and policy), .dockerignore: ContainerPolicyTest"
echo "   (the project's files pass; docker/test-fixtures/*.bad and one mutation per rule fail with that rule)"
./mvnw -B -q test -pl aggregator-bench -am -Dtest='ContainerPolicyTest*' -Dsurefire.failIfNoSpecifiedTests=false
echo "ContainerPolicyTest: ok"
