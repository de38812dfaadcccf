#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# jmh-run.sh BENCHMARK [JMH options]: builds bench/jmh and runs one JMH benchmark class
# (one fork, THREADS (1) threads, 3 x 2 s warm-up, ITERATIONS (5) x 2 s measurement; other JMH options
# after the name, but not -t: JMH refuses an option given twice).
# Needs Postern installed in the local Maven repository (mvn install -DskipTests).
set -e
here=$(cd "$(dirname "$0")/jmh" && pwd)
benchmark=$1
shift
opens="--add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED"
mvn -B -q -f "$here/pom.xml" package dependency:build-classpath -Dmdep.outputFile="$here/target/classpath.txt"
# shellcheck disable=SC2086
exec java $opens -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
    org.openjdk.jmh.Main "$benchmark" -f 1 -t "${THREADS:-1}" -wi 3 -w 2s -r 2s -i "${ITERATIONS:-5}" -jvmArgsAppend "$opens" "$@"
