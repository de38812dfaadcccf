#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# local-tools.sh: wall time of one call of each local tool against a running Postern, next
# to the same call of Postfix's tool, alternating, RUNS times each:
#   sendmail   a 4 KB message, as an unprivileged local user (the account BENCH_USER, default
#              nobody), queued and fsync-ed before the tool exits 0; Postfix's sendmail hands
#              it to postdrop (its maildrop, also fsync-ed)
#   postconf -n, postmap -q (an inline: table; Postern: through the running instance), mailq
# Prints the median and the slowest of each, and Postern/Postfix ratios of the medians.
#
# Unpacks the distribution (karaf-assembly/target/*.tar.gz: `mvn install -DskipTests` first)
# into a scratch directory that BENCH_USER can reach, and starts it on 127.0.0.1 only.
# Postfix's tools come from Debian's postfix package (it need not run: postdrop writes its
# maildrop, postconf and postmap read files); without them only Postern is timed.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-20}
BENCH_USER=${BENCH_USER:-nobody}
WORK=$(mktemp -d /tmp/postern-tools-bench.XXXXXX)
chmod 755 "$WORK"
tarball=$(ls karaf-assembly/target/postern-assembly-*.tar.gz | head -n 1)
tar xzf "$tarball" -C "$WORK" --strip-components=1
port=$((20000 + RANDOM % 20000))
sed -i "s/^2525 /127.0.0.1:$port /; s/^2587 /127.0.0.1:$((port + 1)) /; s/^2465 /127.0.0.1:$((port + 2)) /" "$WORK/etc/postern/master.cf"
sed -i "s/^sshPort.*/sshPort = $((port + 2))/" "$WORK/etc/org.apache.karaf.shell.cfg"
printf 'default_transport = discard\nlocal_transport = discard\n' >> "$WORK/etc/postern/main.cf"
trap '"$WORK/bin/stop" >/dev/null 2>&1 || true; sleep 3; rm -rf "$WORK"' EXIT
"$WORK/bin/postfix" start >/dev/null

message="$WORK/message.txt"
{ printf 'Subject: bench\n\n'; head -c 3000 /dev/zero | tr '\0' 'x' | fold -w 76; echo; } > "$message"
chmod 644 "$message"

# setpriv, not runuser: a process of that user as cron or a web server starts it, without a PAM session.
as_user() { setpriv --reuid="$BENCH_USER" --regid="$(id -g "$BENCH_USER")" --clear-groups -- "$@"; }
seconds() {   # wall seconds of one command, its output discarded
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 < "${STDIN:-/dev/null}" || true
    e=$(date +%s%N)
    echo $(( (e - s) / 1000 ))
}

have_postfix=no
if command -v /usr/sbin/postdrop >/dev/null 2>&1 && [ -x /usr/sbin/sendmail ]; then have_postfix=yes; fi

declare -A times
run_pair() {   # name, postern command..., --, postfix command...
    local name=$1; shift
    local postern=() postfix=()
    while [ "$1" != -- ]; do postern+=("$1"); shift; done; shift
    postfix=("$@")
    times[$name.postern]+="$(seconds "${postern[@]}") "
    if [ "$have_postfix" = yes ] && [ ${#postfix[@]} -gt 0 ]; then
        times[$name.postfix]+="$(seconds "${postfix[@]}") "
    fi
}

for _ in $(seq "$RUNS"); do
    STDIN=$message run_pair sendmail as_user "$WORK/bin/sendmail" -i rcpt@example.com -- as_user /usr/sbin/sendmail -i rcpt@example.com
    run_pair "postconf-n" "$WORK/bin/postconf" -n -- /usr/sbin/postconf -n
    run_pair "postmap-q" "$WORK/bin/postmap" -q a 'inline:{a=1}' -- /usr/sbin/postmap -q a 'inline:{a=1}'
    run_pair mailq as_user "$WORK/bin/mailq" --
done

stats() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { printf "%d %d", v[int((NR + 1) / 2)], v[NR] }'; }
echo "runs=$RUNS machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for name in sendmail postconf-n postmap-q mailq; do
    read -r med max <<< "$(echo "${times[$name.postern]}" | stats)"
    line=$(printf '%-11s Postern median %4d ms, slowest %4d ms' "$name" $((med / 1000)) $((max / 1000)))
    if [ -n "${times[$name.postfix]:-}" ]; then
        read -r pmed pmax <<< "$(echo "${times[$name.postfix]}" | stats)"
        line="$line; Postfix median $((pmed / 1000)) ms, slowest $((pmax / 1000)) ms; ratio $(awk -v a="$med" -v b="$pmed" 'BEGIN { printf "%.1f", a / b }')"
    fi
    echo "$line"
done
