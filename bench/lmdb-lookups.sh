#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# lmdb-lookups.sh [JMH options]: lookups per second in an lmdb: table (JMH, one thread by default).
# Example: THREADS=2 bench/lmdb-lookups.sh     (two threads)
exec "$(dirname "$0")/jmh-run.sh" LmdbLookupBenchmark "$@"
