#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# tls-handshake-rate.sh: full TLS handshakes per second that Postern's smtpd accepts, next to
# Postfix 3.7 on the same machine, same certificate and same load, alternating.
#
# Both servers listen in wrapper mode (smtps: TLS from the first byte) on 127.0.0.1 with the
# same ECDSA P-256 certificate; the load is CLIENTS parallel `openssl s_time -new` (a new full
# handshake, ECDHE, TLS 1.3 unless PROTOCOL says -tls1_2, per connection) for SECONDS each.
# A handshake here is the expensive part of an inbound STARTTLS session; the SMTP dialogue
# around it is measured by accept-rate.sh.
#
# Postern: the distribution (karaf-assembly/target/*.tar.gz, `mvn install -DskipTests` first)
# unpacked into a scratch directory, its 2465 smtps listener moved to POSTERN_PORT.
# Postfix: a private instance (own config, queue and log in the scratch directory, nothing in
# /etc/postfix touched), one smtpd service on POSTFIX_PORT with smtpd_tls_wrappermode = yes.
# Needs: openssl, postfix (apt-get install -y postfix; it must not run as the machine's MTA).
# Prints one line per run and the medians with their ratio. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/private-postfix.sh

CLIENTS=${CLIENTS:-20}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
RUNS=${RUNS:-3}
PROTOCOL=${PROTOCOL:--tls1_3}
POSTERN_PORT=${POSTERN_PORT:-12465}
POSTFIX_PORT=${POSTFIX_PORT:-13465}
WORK=${WORK:-$(mktemp -d /tmp/postern-tls-bench.XXXXXX)}
chmod 755 "$WORK"     # the postfix user must reach its data directory

tarball=$(ls karaf-assembly/target/postern-assembly-*.tar.gz | head -n 1)
command -v openssl >/dev/null && command -v postfix >/dev/null \
    || { echo "tls-handshake-rate: needs openssl and postfix" >&2; exit 1; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=bench.localdomain -days 2 \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
chmod 644 "$WORK/cert.pem" "$WORK/key.pem"

# ---- Postern
mkdir -p "$WORK/postern"
tar xzf "$tarball" -C "$WORK/postern" --strip-components=1
sed -i -E "s/^[0-9.:]*2465 /127.0.0.1:$POSTERN_PORT /; s/^2525 /127.0.0.1:$(( POSTERN_PORT + 1 )) /; s/^2587 /127.0.0.1:$(( POSTERN_PORT + 2 )) /" \
    "$WORK/postern/etc/postern/master.cf"
printf '\nsmtpd_tls_cert_file = %s\nsmtpd_tls_key_file = %s\n' "$WORK/cert.pem" "$WORK/key.pem" \
    >> "$WORK/postern/etc/postern/main.cf"

# ---- Postfix, private
PF="$WORK/postfix"
private_postfix_conf "$PF" "$WORK"
cat >> "$PF/conf/main.cf" <<CONF
smtpd_tls_cert_file = $WORK/cert.pem
smtpd_tls_key_file = $WORK/key.pem
CONF
postconf -c "$PF/conf" -Me "127.0.0.1:$POSTFIX_PORT/inet=127.0.0.1:$POSTFIX_PORT inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt"

cleanup() {
    postfix -c "$PF/conf" stop >/dev/null 2>&1 || true
    "$WORK/postern/bin/stop" >/dev/null 2>&1 || true
}
trap cleanup EXIT
start_side_by_side "$PF" "$WORK/postern" "$POSTFIX_PORT" "$POSTERN_PORT"

# CLIENTS parallel s_time loops against one port; prints handshakes per second.
rate() {
    local port=$1 dir
    dir=$(mktemp -d "$WORK/run.XXXX")
    for i in $(seq "$CLIENTS"); do
        openssl s_time -connect "127.0.0.1:$port" -new "$PROTOCOL" -time "$SECONDS_PER_RUN" > "$dir/$i" 2>&1 &
    done
    wait
    cat "$dir"/* | awk -v t="$SECONDS_PER_RUN" '/connections in [0-9]+ real seconds/ { n += $1 } END { printf "%.0f\n", n / t }'
}

# warm-up: the JVM compiles its TLS code paths, Postfix starts its smtpd processes
rate "$POSTERN_PORT" >/dev/null
rate "$POSTFIX_PORT" >/dev/null

postern_runs=(); postfix_runs=()
for run in $(seq "$RUNS"); do
    p=$(rate "$POSTERN_PORT"); postern_runs+=("$p")
    f=$(rate "$POSTFIX_PORT"); postfix_runs+=("$f")
    echo "run $run: Postern $p handshakes/s, Postfix $f handshakes/s ($CLIENTS clients, ${SECONDS_PER_RUN}s, $PROTOCOL)"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
mp=$(median "${postern_runs[@]}"); mf=$(median "${postfix_runs[@]}")
echo "median: Postern $mp, Postfix $mf handshakes/s; Postern/Postfix = $(awk -v a="$mp" -v b="$mf" 'BEGIN { printf "%.2f", a / b }')"
