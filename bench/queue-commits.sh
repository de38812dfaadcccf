#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# queue-commits.sh [JMH options]: messages per second the durable queue commits (4 KB each, file and
# directory forced before each commit completes), with group commit (syncThreads 1 and 16) and with
# one fsync per message. THREADS (20) committing threads, as many as smtpd sessions committing at once.
# A failed commit fails the run (-foe true: the exit status is not 0).
# Example: THREADS=4 bench/queue-commits.sh -p syncThreads=16
THREADS=${THREADS:-20}
export THREADS
exec "$(dirname "$0")/jmh-run.sh" QueueCommitBenchmark -foe true "$@"
