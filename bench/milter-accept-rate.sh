#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# milter-accept-rate.sh: messages per second smtpd accepts (the load of accept-rate.sh: every
# message held, so only acceptance is measured) with no milter, with one no-op milter
# (bench/milter/NoopMilter.java: continue to every event) and with OpenDKIM signing
# (relaxed/relaxed, a fresh 2048-bit key). Unpacks the distribution into a scratch directory
# with postern-milter among the boot features; listens on 127.0.0.1:$PORT (milters on
# PORT+5, PORT+6, console on PORT+1). Loopback only; stops what it started.
#
# Needs smtp-source (apt-get install postfix, not running as the MTA), opendkim, opendkim-tools.
set -euo pipefail
cd "$(dirname "$0")/.."

MESSAGES=${MESSAGES:-5000}
SESSIONS=${SESSIONS:-20}
SIZE=${SIZE:-4096}
RUNS=${RUNS:-3}
PORT=${PORT:-3650}
WORK=${WORK:-$(mktemp -d /tmp/postern-milter-bench.XXXXXX)}

tarball=$(ls karaf-assembly/target/postern-assembly-*.tar.gz | head -n 1)
tar xzf "$tarball" -C "$WORK" --strip-components=1
sed -i "s/^2525 /127.0.0.1:$PORT /; s/^2587 /127.0.0.1:$((PORT + 4)) /" "$WORK/etc/postern/master.cf"
sed -i "s/^sshPort = .*/sshPort = $((PORT + 1))/" "$WORK/etc/org.apache.karaf.shell.cfg"
sed -i 's#^featuresBoot = \\#featuresBoot = \\\n    postern-milter/0.1.0.SNAPSHOT, \\#' "$WORK/etc/org.apache.karaf.features.cfg"
echo "smtpd_recipient_restrictions = check_client_access static:HOLD" >> "$WORK/etc/postern/main.cf"

java bench/milter/NoopMilter.java $((PORT + 5)) & noop=$!
mkdir -p "$WORK/dkim"
opendkim-genkey -D "$WORK/dkim" -d example.org -s bench
printf 'Syslog no\nBackground no\nMode s\nDomain example.org\nSelector bench\nKeyFile %s\nCanonicalization relaxed/relaxed\nSocket inet:%d@127.0.0.1\nPidFile %s\nRequireSafeKeys no\nInternalHosts 127.0.0.1\n' \
    "$WORK/dkim/bench.private" $((PORT + 6)) "$WORK/dkim/pid" > "$WORK/dkim/opendkim.conf"
opendkim -f -x "$WORK/dkim/opendkim.conf" & dkim=$!
trap '"$WORK/bin/stop" >/dev/null 2>&1 || true; kill $noop $dkim 2>/dev/null || true' EXIT

"$WORK/bin/postfix" start
for _ in $(seq 60); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 1; done

# One timed run of setup $1 with smtpd_milters = $2 (reloaded first), run number $3.
measure() {
    sed -i "/^smtpd_milters/d" "$WORK/etc/postern/main.cf"
    echo "smtpd_milters = $2" >> "$WORK/etc/postern/main.cf"
    "$WORK/bin/postfix" reload >/dev/null
    sleep 5
    for _ in $(seq 30); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 1; done
    start=$(date +%s.%N)
    smtp-source -s "$SESSIONS" -l "$SIZE" -m "$MESSAGES" -d -f bench@example.org -t sink@example.com 127.0.0.1:$PORT
    end=$(date +%s.%N)
    awk -v n="$MESSAGES" -v s="$start" -v e="$end" -v r="$3" -v what="$1" \
        'BEGIN { printf "%s, run %d: %.2f s, %.0f msgs/s accepted\n", what, r, e - s, n / (e - s) }'
}

echo "messages=$MESSAGES sessions=$SESSIONS body=${SIZE}B machine: $(nproc) cores"
# A warm-up, then the setups in turn in every round, so that JIT warm-up and the machine's
# moods fall on all of them alike.
measure "warm-up (not counted)" "" 0 >/dev/null
for run in $(seq "$RUNS"); do
    measure "no milter" "" "$run"
    measure "no-op milter" "inet:127.0.0.1:$((PORT + 5))" "$run"
    measure "opendkim signing" "inet:127.0.0.1:$((PORT + 6))" "$run"
done
