#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# accept-rate.sh: how many messages per second Postern accepts into its durable queue.
#
# Unpacks the distribution (karaf-assembly/target/*.tar.gz, build it first with
# `mvn install -DskipTests`) into a scratch directory, starts it, and points Postfix's
# smtp-source at 127.0.0.1:2525: SESSIONS parallel sessions, MESSAGES messages of
# SIZE body bytes, all over persistent connections (-d). Every 250 means the message
# was fsync-ed (file and directory) first. As in postfix-baseline.sh's accept mode, every
# message is put on HOLD (smtpd_recipient_restrictions = check_client_access static:HOLD),
# so the queue manager delivers nothing and only acceptance is measured.
# Prints one line per run; stops Postern at the end. Loopback only.
#
# Needs smtp-source: DEBIAN_FRONTEND=noninteractive apt-get install -y postfix
# (it must not run as the machine's MTA: `postfix stop` if the package started it).
#
# Compare with Postfix itself: ../shared/bench/postfix-baseline.sh (MODES=accept).
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${MESSAGES:-20000}
SESSIONS=${SESSIONS:-20}
SIZE=${SIZE:-4096}
RUNS=${RUNS:-3}
WORK=${WORK:-$(mktemp -d /tmp/postern-bench.XXXXXX)}

tarball=$(ls karaf-assembly/target/postern-assembly-*.tar.gz | head -n 1)
command -v smtp-source >/dev/null || { echo "accept-rate: smtp-source not found (apt-get install postfix)" >&2; exit 1; }

tar xzf "$tarball" -C "$WORK" --strip-components=1
echo "smtpd_recipient_restrictions = check_client_access static:HOLD" >> "$WORK/etc/postern/main.cf"
trap '"$WORK/bin/stop" >/dev/null 2>&1 || true; for _ in $(seq 30); do pgrep -f "$WORK" >/dev/null || break; sleep 1; done' EXIT
"$WORK/bin/postfix" start
for _ in $(seq 60); do (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break; sleep 1; done

# CPU seconds (user + system) the Postern JVM has used so far: a figure that, unlike the
# wall clock, does not depend on what else the machine is doing.
pid=$(pgrep -n -f "$WORK.*karaf.main.Main")
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$pid/stat"; }

echo "messages=$MESSAGES sessions=$SESSIONS body=${SIZE}B machine: $(nproc) cores"
for run in $(seq "$RUNS"); do
    cpu0=$(cpu_seconds)
    start=$(date +%s.%N)
    smtp-source -s "$SESSIONS" -l "$SIZE" -m "$MESSAGES" -d -f bench@example.org -t sink@example.com 127.0.0.1:2525
    end=$(date +%s.%N)
    cpu1=$(cpu_seconds)
    queued=$(find "$WORK/data/postern/queue/incoming" "$WORK/data/postern/queue/hold" -type f ! -name '*.part' | wc -l)
    awk -v n="$MESSAGES" -v s="$start" -v e="$end" -v r="$run" -v q="$queued" -v c0="$cpu0" -v c1="$cpu1" \
        'BEGIN { printf "run %d: %.2f s, %.0f msgs/s accepted, Postern CPU %.2f ms/msg; %d messages in the queue\n",
                 r, e - s, n / (e - s), 1000 * (c1 - c0) / n, q }'
done
