#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lmdb-lookups.sh [JMH options]: lookups per second in an lmdb: table (JMH, one thread by default).
# Needs the bundles installed in the local Maven repository (mvn install -pl bundles/api,bundles/maps/lmdb).
# Example: bench/lmdb-lookups.sh -t 2     (two threads)
set -e
here=$(cd "$(dirname "$0")/jmh" && pwd)
mvn -B -q -f "$here/pom.xml" package dependency:build-classpath -Dmdep.outputFile="$here/target/classpath.txt"
exec java --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
    -cp "$here/target/classes:$(cat "$here/target/classpath.txt")" \
    org.openjdk.jmh.Main LmdbLookupBenchmark -f 1 -t 1 -wi 3 -w 2s -i 5 -r 2s \
    -jvmArgsAppend "--add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED" "$@"
