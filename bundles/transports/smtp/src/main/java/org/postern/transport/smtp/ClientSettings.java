// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.time.Duration;
import java.util.Locale;

import org.postern.api.delivery.ServiceSettings;

/**
 * SUMMARY   The smtp_* (or lmtp_*) parameters one delivery reads, with Postfix's defaults.
 * DESCRIPTION
 *   Read once per request from the service's settings (main.cf with master.cf -o overrides).
 *   Timeouts are per command and reply, as in Postfix. Postern additions, documented here
 *   because Postfix has no such parameters:
 *     smtp_connect_timeout_budget (default 3 x smtp_connect_timeout; lmtp_ likewise): the
 *       total time spent in TCP connects across all MX hosts of one delivery; 0 means no budget.
 *     smtp_connection_cache_size_limit (default 100; lmtp_ likewise): the number of idle
 *       connections kept per agent; the oldest is closed when a new one would exceed it.
 *   smtp_tcp_port (Postfix: "smtp", lmtp_tcp_port 24) is the port for MX-derived and
 *   portless nexthops; numbers, "smtp" (25), "submission" (587), "smtps" (465) and "lmtp" (24).
 *   An empty smtp_tls_security_level means "may" for smtp (Postern's default) and "none" for lmtp.
 */
record ClientSettings(Protocol protocol, String heloName, String myHostname, int tcpPort,
                      Duration connectTimeout, Duration connectBudget, Duration heloTimeout,
                      Duration startTlsTimeout, Duration mailTimeout, Duration rcptTimeout,
                      Duration dataInitTimeout, Duration dataXferTimeout, Duration dataDoneTimeout,
                      Duration rsetTimeout, Duration quitTimeout, int mxAddressLimit, int mxSessionLimit,
                      TlsLevel tlsLevel, boolean skip5xxGreeting, boolean neverSendEhlo,
                      boolean mimeOutputConversion, boolean deferIfNoMxAddress, boolean assumeFinal,
                      boolean ipv4, boolean ipv6, boolean cacheConnections, Duration cacheTimeLimit,
                      Duration reuseTimeLimit, int reuseCountLimit, int cacheSizeLimit) {

    /** smtp_tls_security_level values this client acts on (dane falls back to may until DANE is built). */
    enum TlsLevel { NONE, MAY, ENCRYPT, VERIFY }

    static ClientSettings of(Protocol p, ServiceSettings s) {
        boolean smtp = p == Protocol.SMTP;
        String myHostname = s.get("myhostname", "localhost");
        Duration connect = s.time(p.parameter("connect_timeout"), smtp ? Duration.ofSeconds(30) : Duration.ZERO);
        String inet = s.get("inet_protocols", "all").toLowerCase(Locale.ROOT);
        boolean all = inet.contains("all");
        return new ClientSettings(p,
                hostname(s.get(smtp ? "smtp_helo_name" : "lmtp_lhlo_name"), myHostname),
                myHostname,
                port(s.get(p.parameter("tcp_port")), p.defaultPort()),
                connect,
                s.time(p.parameter("connect_timeout_budget"), connect.multipliedBy(3)),
                s.time(smtp ? "smtp_helo_timeout" : "lmtp_lhlo_timeout", Duration.ofSeconds(300)),
                s.time(p.parameter("starttls_timeout"), Duration.ofSeconds(300)),
                s.time(p.parameter("mail_timeout"), Duration.ofSeconds(300)),
                s.time(p.parameter("rcpt_timeout"), Duration.ofSeconds(300)),
                s.time(p.parameter("data_init_timeout"), Duration.ofSeconds(120)),
                s.time(p.parameter("data_xfer_timeout"), Duration.ofSeconds(180)),
                s.time(p.parameter("data_done_timeout"), Duration.ofSeconds(600)),
                s.time(p.parameter("rset_timeout"), Duration.ofSeconds(20)),
                s.time(p.parameter("quit_timeout"), Duration.ofSeconds(300)),
                s.integer(p.parameter("mx_address_limit"), 5),
                s.integer(p.parameter("mx_session_limit"), 2),
                tlsLevel(s.get(p.parameter("tls_security_level"), ""), smtp ? TlsLevel.MAY : TlsLevel.NONE),
                s.bool(p.parameter("skip_5xx_greeting"), true),
                s.bool("smtp_never_send_ehlo", false) && smtp,
                !s.bool("disable_mime_output_conversion", false),
                s.bool(p.parameter("defer_if_no_mx_address_found"), false),
                s.bool("lmtp_assume_final", false) && !smtp,
                all || inet.contains("ipv4"),
                all || inet.contains("ipv6"),
                s.bool(p.parameter("connection_cache_on_demand"), true)
                        || !s.list(p.parameter("connection_cache_destinations")).isEmpty(),
                s.time(p.parameter("connection_cache_time_limit"), Duration.ofSeconds(2)),
                s.time(p.parameter("connection_reuse_time_limit"), Duration.ofSeconds(300)),
                s.integer(p.parameter("connection_reuse_count_limit"), 0),
                s.integer(p.parameter("connection_cache_size_limit"), 100));
    }

    private static String hostname(String configured, String myHostname) {
        return configured == null || configured.isBlank() || configured.contains("$") ? myHostname : configured.strip();
    }

    /** A port number or one of the few service names mail uses; {@code fallback} otherwise. */
    static int port(String value, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "smtp" -> 25;
            case "submission" -> 587;
            case "smtps", "submissions" -> 465;
            case "lmtp" -> 24;
            default -> {
                try {
                    int n = Integer.parseInt(value.strip());
                    yield n > 0 && n < 65536 ? n : fallback;
                } catch (NumberFormatException e) {
                    yield fallback;
                }
            }
        };
    }

    private static TlsLevel tlsLevel(String value, TlsLevel empty) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "" -> empty;
            case "none" -> TlsLevel.NONE;
            case "may", "dane" -> TlsLevel.MAY;
            case "encrypt" -> TlsLevel.ENCRYPT;
            case "verify", "secure", "dane-only", "fingerprint" -> TlsLevel.VERIFY;
            default -> empty;
        };
    }
}
