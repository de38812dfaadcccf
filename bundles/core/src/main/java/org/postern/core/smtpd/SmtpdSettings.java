// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.nio.file.Path;
import java.time.Duration;

import org.postern.core.config.PostfixConfig;
import org.postern.core.config.PostfixLists;
import org.postern.core.net.NetworkList;
import org.postern.core.smtpd.codec.BareNewlinePolicy;
import org.postern.core.smtpd.sasl.SaslSettings;
import org.postern.core.smtpd.tls.ServerTlsSettings;

/**
 * The smtpd parameters of one service, read once from its {@link PostfixConfig} (main.cf with
 * the master.cf -o overrides). Parameters that the {@code ParameterTable} does not declare yet
 * are read when set and otherwise take Postfix's default (noted per field).
 */
public record SmtpdSettings(
        String myhostname,
        String banner,
        long messageSizeLimit,
        int recipientLimit,
        int lineLengthLimit,
        int headerSizeLimit,
        Duration timeout,
        int hardErrorLimit,
        int softErrorLimit,
        int junkCommandLimit,
        Duration errorSleepTime,
        boolean disableVrfy,
        boolean heloRequired,
        boolean smtputf8Enable,
        /* requiretls_enable (yes): REQUIRETLS (RFC 8689) announced on TLS sessions */
        boolean requireTlsEnable,
        /* strict_smtputf8 (no): a non-ASCII address needs MAIL ... SMTPUTF8 */
        boolean strictSmtputf8,
        /* strict_rfc821_envelopes (no): MAIL/RCPT addresses need angle brackets */
        boolean strictRfc821Envelopes,
        BareNewlinePolicy bareNewline,
        /* not in ParameterTable: smtpd_forbid_bare_newline_reject_code, default 550 */
        int bareNewlineRejectCode,
        /* not in ParameterTable: smtpd_forbid_bare_newline_exclusions, default $mynetworks */
        NetworkList bareNewlineExclusions,
        /* smtpd_tls_*: see ServerTlsSettings */
        ServerTlsSettings tls,
        int connectionCountLimit,
        int connectionRateLimit,
        /* anvil_rate_time_unit (60s) */
        Duration anvilRateTimeUnit,
        /* smtpd_client_event_limit_exceptions ($mynetworks): exempt from all the client limits */
        NetworkList eventLimitExceptions,
        /* smtpd_client_{message,recipient,new_tls_session,auth}_rate_limit and anvil's client ranges */
        EventRateLimits eventRates,
        /* queue_minfree (0): MAIL needs this much free space in the queue file system */
        long queueMinfree,
        /* queue_directory: where that free space is measured */
        Path queueDirectory,
        /* smtpd_authorized_xclient_hosts (empty); addresses and networks only */
        NetworkList xclientHosts,
        /* smtpd_authorized_xforward_hosts (empty); addresses and networks only */
        NetworkList xforwardHosts,
        /* not in ParameterTable: smtpd_discard_ehlo_keywords, default empty */
        EhloKeywords discardEhloKeywords,
        /* smtpd_peername_lookup (yes): no means the client is "unknown" without a DNS query */
        boolean peernameLookup,
        /* smtpd_sasl_* and friends: SMTP AUTH */
        SaslSettings sasl,
        /* content_filter (empty): transport:destination for every message, unless FILTER says otherwise */
        String contentFilter,
        /* smtpd_forbid_unauth_pipelining (yes): hang up on improper pipelining instead of logging it */
        boolean forbidUnauthPipelining,
        /* smtpd_per_request_deadline (normal: no, overload: yes): smtpd_timeout limits a request, not a read */
        boolean perRequestDeadline,
        /* smtpd_min_data_rate (500): bytes/s of DATA and BDAT content that keep the deadline from shrinking */
        int minDataRate,
        /* smtpd_recipient_overshoot_limit (1000): recipients over the limit refused before they count as errors */
        int recipientOvershootLimit,
        /* smtpd_delay_open_until_valid_rcpt (yes): the queue file (and its ID) at the first accepted RCPT, not at MAIL */
        boolean delayOpenUntilValidRcpt) {

    public static SmtpdSettings from(PostfixConfig c) {
        NetworkList mynetworks = NetworkList.parse(c.list("mynetworks"));
        return new SmtpdSettings(
                c.get("myhostname"),
                c.get("smtpd_banner"),
                c.size("message_size_limit"),
                c.integer("smtpd_recipient_limit"),
                c.integer("line_length_limit"),
                c.integer("header_size_limit"),
                c.time("smtpd_timeout"),
                c.integer("smtpd_hard_error_limit"),
                c.integer("smtpd_soft_error_limit"),
                c.integer("smtpd_junk_command_limit"),
                c.time("smtpd_error_sleep_time"),
                c.bool("disable_vrfy_command"),
                c.bool("smtpd_helo_required"),
                c.bool("smtputf8_enable"),
                c.bool("requiretls_enable"),
                c.bool("strict_smtputf8"),
                c.bool("strict_rfc821_envelopes"),
                BareNewlinePolicy.parse(c.get("smtpd_forbid_bare_newline")),
                c.find("smtpd_forbid_bare_newline_reject_code").map(String::trim).filter(s -> !s.isEmpty())
                        .map(Integer::parseInt).orElse(550),
                c.find("smtpd_forbid_bare_newline_exclusions").map(v -> NetworkList.parse(c.list(
                        "smtpd_forbid_bare_newline_exclusions"))).orElse(mynetworks),
                ServerTlsSettings.from(c),
                c.integer("smtpd_client_connection_count_limit"),
                c.integer("smtpd_client_connection_rate_limit"),
                c.find("anvil_rate_time_unit").filter(s -> !s.isBlank()).map(v -> c.time("anvil_rate_time_unit"))
                        .orElse(Duration.ofSeconds(60)),
                c.find("smtpd_client_event_limit_exceptions").map(v -> NetworkList.parse(c.list(
                        "smtpd_client_event_limit_exceptions"))).orElse(mynetworks),
                EventRateLimits.from(c),
                c.size("queue_minfree"),
                c.path("queue_directory"),
                NetworkList.parse(c.list("smtpd_authorized_xclient_hosts")),
                NetworkList.parse(c.list("smtpd_authorized_xforward_hosts")),
                EhloKeywords.parse(PostfixLists.split(c.find("smtpd_discard_ehlo_keywords").orElse(""))),
                c.bool("smtpd_peername_lookup"),
                SaslSettings.from(c),
                c.get("content_filter").strip(),
                c.bool("smtpd_forbid_unauth_pipelining"),
                c.bool("smtpd_per_request_deadline"),
                c.integer("smtpd_min_data_rate"),
                c.integer("smtpd_recipient_overshoot_limit"),
                c.bool("smtpd_delay_open_until_valid_rcpt"));
    }

    /** STARTTLS is offered (smtpd_tls_security_level = may or encrypt, not in wrapper mode). */
    public boolean tlsOffered() {
        return !tls.wrapperMode() && (tls.level().equals("may") || tls.level().equals("encrypt"));
    }

    /** Mail needs TLS first (level encrypt); wrapper mode has it from the start. */
    public boolean tlsRequired() {
        return tls.level().equals("encrypt");
    }

    /** The listener needs a TLS context: STARTTLS offered, or wrapper mode. */
    public boolean tlsConfigured() {
        return tlsOffered() || tls.wrapperMode();
    }
}
