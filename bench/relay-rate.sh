#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# relay-rate.sh: end-to-end relay throughput, smtp-source -> Postern -> smtp-sink, on loopback.
#
# Unpacks the distribution (karaf-assembly/target/*.tar.gz; build it first with
# `mvn install -DskipTests`) into a scratch directory with relayhost = [127.0.0.1]:SINK_PORT
# (no DNS), starts Postfix's smtp-sink there (it exits after the MESSAGES-th message) and
# points smtp-source at 127.0.0.1:2525: SESSIONS parallel sessions of SIZE-byte bodies over
# persistent connections (-d). Time = from the first message sent until the sink has all
# of them. Every message is fsync-ed in Postern's queue before its 250, and its delivery
# status before it is removed. Loopback only. Compare with Postfix:
#   ../shared/bench/postfix-baseline.sh with MODES=relay (same load, same sink).
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${MESSAGES:-20000}
SESSIONS=${SESSIONS:-20}
SIZE=${SIZE:-4096}
RUNS=${RUNS:-3}
SINK_PORT=${SINK_PORT:-2526}
WORK=${WORK:-$(mktemp -d /tmp/postern-relay.XXXXXX)}

tarball=$(ls karaf-assembly/target/postern-assembly-*.tar.gz | head -n 1)
for tool in smtp-source smtp-sink; do
    command -v "$tool" >/dev/null || { echo "relay-rate: $tool not found (apt-get install postfix)" >&2; exit 1; }
done

tar xzf "$tarball" -C "$WORK" --strip-components=1
cat >> "$WORK/etc/postern/main.cf" <<CF
relayhost = [127.0.0.1]:$SINK_PORT
smtp_tls_security_level = none
CF
sink_pid=
cleanup() {
    [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
    "$WORK/bin/stop" >/dev/null 2>&1 || true
    for _ in $(seq 30); do pgrep -f "$WORK" >/dev/null || break; sleep 1; done
}
trap cleanup EXIT
"$WORK/bin/postfix" start
for _ in $(seq 60); do (exec 3<>/dev/tcp/127.0.0.1/2525) 2>/dev/null && break; sleep 1; done

echo "messages=$MESSAGES sessions=$SESSIONS body=${SIZE}B machine: $(nproc) cores"
for run in $(seq "$RUNS"); do
    sink_user=()
    [ "$(id -u)" = 0 ] && sink_user=(-u "${SINK_USER:-postfix}")   # smtp-sink refuses to run as root
    smtp-sink "${sink_user[@]}" -M "$MESSAGES" 127.0.0.1:"$SINK_PORT" 100 &
    sink_pid=$!
    sleep 0.5
    start=$(date +%s.%N)
    smtp-source -s "$SESSIONS" -l "$SIZE" -m "$MESSAGES" -d -f bench@example.org -t sink@example.com 127.0.0.1:2525
    accepted=$(date +%s.%N)
    wait "$sink_pid"
    sink_pid=
    end=$(date +%s.%N)
    left=$(find "$WORK/data/postern/queue" -type f ! -name '*.part' | wc -l)
    awk -v n="$MESSAGES" -v s="$start" -v a="$accepted" -v e="$end" -v r="$run" -v q="$left" \
        'BEGIN { printf "run %d: %.2f s, %.0f msgs/s relayed (accepted in %.2f s); %d left in the queue\n", r, e - s, n / (e - s), a - s, q }'
done
