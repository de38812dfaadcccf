#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tls-relay-rate.sh: relay throughput with smtp_tls_security_level = may to a TLS-capable sink,
# Postern next to Postfix 3.7 on the same machine and load, alternating.
#
# The load is smtp-source (SESSIONS parallel sessions, MESSAGES messages of SIZE body bytes,
# persistent connections) into each MTA's plaintext smtpd on 127.0.0.1; each relays everything
# to relayhost = [127.0.0.1]:SINK_PORT, where tls-sink.py (STARTTLS, OpenSSL through Python)
# accepts and drops it, and exits after the MESSAGES-th message. Time = from the first message
# sent until the sink has all of them. Both MTAs fsync each message into their queue before the
# 250, use TLS at level may and keep a TLS session cache (smtp_tls_session_cache_database).
# Postern reuses idle TLS connections to the sink (its connection cache); Postfix does that only
# with smtp_tls_connection_reuse = yes (through tlsproxy), which POSTFIX_TLS_REUSE sets (default
# yes, like for like; no gives Postfix's default, a TCP connection and TLS handshake per
# delivery, sessions resumed from the cache).
#
# Postern: the distribution (karaf-assembly/target/*.tar.gz, `mvn install -DskipTests` first)
# unpacked into a scratch directory, its listeners moved to 127.0.0.1:POSTERN_PORT (2525's)
# and the two next ports. Postfix: a private instance (own config, queue, data directory and
# log in the scratch directory; /etc/postfix is not touched), its smtpd on POSTFIX_PORT.
# Needs: postfix (smtp-source too), python3, openssl. Loopback only. Prints one line per run
# and the medians with their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/private-postfix.sh

MESSAGES=${MESSAGES:-10000}
WARMUP=${WARMUP:-2000}
SESSIONS=${SESSIONS:-20}
SIZE=${SIZE:-4096}
RUNS=${RUNS:-3}
POSTERN_PORT=${POSTERN_PORT:-3825}
POSTFIX_PORT=${POSTFIX_PORT:-3828}
SINK_PORT=${SINK_PORT:-3829}
POSTFIX_TLS_REUSE=${POSTFIX_TLS_REUSE:-yes}
WORK=${WORK:-$(mktemp -d /tmp/postern-tls-relay.XXXXXX)}
chmod 755 "$WORK"     # the postfix user must reach its data directory

tarball=$(ls karaf-assembly/target/postern-assembly-*.tar.gz | head -n 1)
for tool in openssl postfix smtp-source python3; do
    command -v "$tool" >/dev/null || { echo "tls-relay-rate: $tool not found (apt-get install postfix openssl python3)" >&2; exit 1; }
done

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=sink.localdomain -days 2 \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

# ---- Postern
mkdir -p "$WORK/postern"
tar xzf "$tarball" -C "$WORK/postern" --strip-components=1
sed -i -E "s/^2525 /127.0.0.1:$POSTERN_PORT /; s/^[0-9.:]*2465 /127.0.0.1:$(( POSTERN_PORT + 1 )) /; s/^2587 /127.0.0.1:$(( POSTERN_PORT + 2 )) /" \
    "$WORK/postern/etc/postern/master.cf"
cat >> "$WORK/postern/etc/postern/main.cf" <<CF
relayhost = [127.0.0.1]:$SINK_PORT
smtp_tls_security_level = may
smtp_tls_session_cache_database = btree:\${data_directory}/smtp_scache
CF

# ---- Postfix, private
PF="$WORK/postfix"
private_postfix_conf "$PF" "$WORK"
cat >> "$PF/conf/main.cf" <<CONF
relayhost = [127.0.0.1]:$SINK_PORT
smtp_tls_security_level = may
smtp_tls_session_cache_database = btree:\${data_directory}/smtp_scache
smtp_tls_connection_reuse = $POSTFIX_TLS_REUSE
CONF
postconf -c "$PF/conf" -Me "127.0.0.1:$POSTFIX_PORT/inet=127.0.0.1:$POSTFIX_PORT inet n - n - - smtpd"
postconf -c "$PF/conf" -Me "tlsproxy/unix=tlsproxy unix - - n - 0 tlsproxy"

sink_pid=
cleanup() {
    [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
    postfix -c "$PF/conf" stop >/dev/null 2>&1 || true
    "$WORK/postern/bin/stop" >/dev/null 2>&1 || true
}
trap cleanup EXIT
start_side_by_side "$PF" "$WORK/postern" "$POSTFIX_PORT" "$POSTERN_PORT"

# Relays N messages through the MTA on port; prints messages per second (and the sink's line to stderr).
rate() {
    local port=$1 n=$2 start end
    python3 bench/tls-sink.py "$SINK_PORT" "$n" "$WORK/cert.pem" "$WORK/key.pem" >&2 &
    sink_pid=$!
    wait_port "$SINK_PORT" >/dev/null 2>&1 || { echo "the sink did not start" >&2; exit 1; }
    start=$(date +%s.%N)
    smtp-source -s "$SESSIONS" -l "$SIZE" -m "$n" -d -f bench@example.org -t sink@example.com "127.0.0.1:$port"
    wait "$sink_pid"
    sink_pid=
    end=$(date +%s.%N)
    awk -v n="$n" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f\n", n / (e - s) }'
}

echo "messages=$MESSAGES sessions=$SESSIONS body=${SIZE}B Postfix smtp_tls_connection_reuse=$POSTFIX_TLS_REUSE machine: $(nproc) cores"
# warm-up: the JVM compiles its code paths, Postfix starts its processes
rate "$POSTERN_PORT" "$WARMUP" >/dev/null
rate "$POSTFIX_PORT" "$WARMUP" >/dev/null

postern_runs=(); postfix_runs=()
for run in $(seq "$RUNS"); do
    p=$(rate "$POSTERN_PORT" "$MESSAGES"); postern_runs+=("$p")
    f=$(rate "$POSTFIX_PORT" "$MESSAGES"); postfix_runs+=("$f")
    echo "run $run: Postern $p msgs/s, Postfix $f msgs/s relayed over STARTTLS"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
mp=$(median "${postern_runs[@]}"); mf=$(median "${postfix_runs[@]}")
echo "median: Postern $mp, Postfix $mf msgs/s; Postern/Postfix = $(awk -v a="$mp" -v b="$mf" 'BEGIN { printf "%.2f", a / b }')"
