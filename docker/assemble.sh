#!/bin/sh
# Runs in the Dockerfile's build stage, after `mvnw package dependency:copy-dependencies`. It lays out the
# application as two image layers and builds the Java runtime for them:
#   /layers/lib/        third-party jars: they change only when a POM does, so this layer stays cached
#   /layers/app/newsagg.jar
#                       newsagg's own classes (http, core, cache, seed) with a manifest whose Class-Path names
#                       lib/*.jar, so that `java -jar newsagg.jar` works as it does with the shaded jar
#   /layers/jre/        a jlink runtime with the modules jdeps finds in both, plus the ones only reached by
#                       reflection or service lookup
set -eu

modules="aggregator-http aggregator-core aggregator-cache aggregator-bench/seeder"
version=$(sed -n 's/^version=//p' aggregator-http/target/maven-archiver/pom.properties)
test -n "$version"

rm -rf /layers
mkdir -p /layers/lib /layers/app /layers/manifest

for jar in aggregator-http/target/dependency/*.jar; do
  case "$(basename "$jar")" in
    aggregator-*) ;; # newsagg's own modules go into newsagg.jar below
    *) cp "$jar" /layers/lib/ ;;
  esac
done

# Class-Path entries are relative to newsagg.jar. Manifest lines stop at 72 bytes; continuations start with a space.
classpath=$(cd /layers && find lib -name '*.jar' | LC_ALL=C sort | tr '\n' ' ')
{
  printf 'Class-Path: %s\n' "${classpath% }" | fold -w 71 | sed '2,$s/^/ /'
  printf 'Implementation-Title: newsagg\n'
  printf 'Implementation-Version: %s\n' "$version"
} > /layers/manifest/MANIFEST.MF

# One jar of several modules' classes is no module: core's and cache's module-info.class stay out of it (as the
# shaded jar leaves them out), so the jar stays on the class path and jdeps reads it as such.
mkdir -p /layers/classes
for module in $modules; do
  cp -R "$module/target/classes/." /layers/classes/
done
rm -f /layers/classes/module-info.class
jar --create --file /layers/app/newsagg.jar --main-class newsagg.http.Main \
    --manifest /layers/manifest/MANIFEST.MF -C /layers/classes .
rm -rf /layers/manifest /layers/classes

# The runtime is the JDK that built the jars, so jdeps reads multi-release jars at that version.
properties=$(java -XshowSettings:properties -version 2>&1)
feature=$(printf '%s\n' "$properties" | sed -n 's/^ *java.specification.version = //p')
java_home=$(printf '%s\n' "$properties" | sed -n 's/^ *java.home = //p')
found=$(jdeps --ignore-missing-deps --multi-release "$feature" --print-module-deps \
    /layers/app/newsagg.jar /layers/lib/*.jar)
# --strip-java-debug-attributes rather than --strip-debug, which on Debian also runs objcopy (binutils).
# Not visible to jdeps: feed charsets beyond the standard ones (windows-1251, Shift_JIS, GBK, ...), elliptic-curve
# TLS for https feeds (a separate module up to JDK 21), and JMX's platform beans for the JVM metrics.
extra="jdk.charsets,jdk.management"
if java --list-modules | grep -q '^jdk.crypto.ec@'; then
  extra="$extra,jdk.crypto.ec"
fi
if [ "$feature" -ge 21 ]; then compress=zip-6; else compress=2; fi

echo "assemble: jdeps found $found; adding $extra"
jlink --module-path "$java_home/jmods" --add-modules "$found,$extra" --strip-java-debug-attributes --no-man-pages --no-header-files \
    --compress="$compress" --output /layers/jre
/layers/jre/bin/java --list-modules > /dev/null
du -sh /layers/jre /layers/lib /layers/app
