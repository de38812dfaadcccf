# SPDX-License-Identifier: Apache-2.0
# Sourced by the bench scripts that compare with Postfix: a private Postfix instance under a
# scratch directory (never the machine's MTA), 127.0.0.1 only, chroot off, its log in a file.
#
# private_postfix_conf DIR WORK: writes DIR/conf/main.cf and master.cf (no listeners yet) with
# the queue and data under DIR and the log at DIR/maillog (WORK must cover it, for
# maillog_file_prefixes); the caller appends its own main.cf lines and adds its listener with
# postconf -c DIR/conf -Me.
private_postfix_conf() {
    local pf=$1 work=$2
    mkdir -p "$pf/conf" "$pf/queue" "$pf/data"
    chown postfix "$pf/data"
    cp /usr/share/postfix/master.cf.dist "$pf/conf/master.cf" 2>/dev/null || cp /etc/postfix/master.cf "$pf/conf/master.cf"
    cat > "$pf/conf/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
meta_directory = /etc/postfix
myhostname = bench.localdomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
smtpd_peername_lookup = no
maillog_file_prefixes = $work
maillog_file = $pf/maillog
default_process_limit = 100
CONF
    postconf -c "$pf/conf" -MX smtp/inet submission/inet smtps/inet 2>/dev/null || true
    postconf -c "$pf/conf" -F '*/*/chroot = n'
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (90 s at most).
wait_port() { for _ in $(seq 90); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 1; done; return 1; }

# start_side_by_side PF POSTERN_HOME POSTFIX_PORT POSTERN_PORT: starts the private Postfix and
# the unpacked Postern, and waits until both listen.
start_side_by_side() {
    postfix -c "$1/conf" check
    postfix -c "$1/conf" start >/dev/null 2>&1
    "$2/bin/postfix" start >/dev/null
    wait_port "$3" || { echo "Postfix did not start" >&2; exit 1; }
    wait_port "$4" || { echo "Postern did not start" >&2; exit 1; }
}
