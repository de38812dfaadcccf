// SPDX-License-Identifier: Apache-2.0
package org.postern.differential;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The main.cf files both servers run with: a common base and, per variant, the lines it adds.
 * Every variant but {@link #DEFAULTS} sets smtpd_forbid_bare_newline = normalize and
 * smtpd_forbid_unauth_pipelining = yes on both sides (Postfix 3.7 has both, with the default
 * "no"), so the comparison holds where Postern's default is Postfix 3.9's rather than 3.7's.
 * The base pins what would otherwise differ by machine or by Postfix version (host name,
 * banner, mynetworks, no client name lookups, no error sleep) and sends every transport to
 * discard, so the private Postfix never relays anything.
 */
final class Variants {

    static final List<String> BASE = List.of(
            "compatibility_level = 3.6",
            "myhostname = mx.example.test",
            "mydomain = example.test",
            "mydestination = $myhostname, localhost.$mydomain, localhost",
            "mynetworks = 127.0.0.1/32",
            "inet_interfaces = 127.0.0.1",
            "inet_protocols = ipv4",
            "smtpd_banner = $myhostname ESMTP",
            "smtpd_peername_lookup = no",
            "smtpd_error_sleep_time = 0",
            "alias_maps =",
            "alias_database =",
            "default_transport = discard",
            "local_transport = discard",
            "virtual_transport = discard",
            "relay_transport = discard");

    /** The variant that leaves smtpd_forbid_bare_newline and _unauth_pipelining at each side's own default. */
    static final String DEFAULTS = "own-defaults";

    private static final Map<String, List<String>> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("default", List.of());
        VARIANTS.put("limits", List.of("smtpd_recipient_limit = 3", "message_size_limit = 2000",
                "smtpd_soft_error_limit = 2", "smtpd_hard_error_limit = 4", "header_size_limit = 1024"));
        VARIANTS.put("header-limit", List.of("header_size_limit = 1024"));
        VARIANTS.put("access", List.of(
                "smtpd_sender_restrictions = check_sender_access inline:{"
                        + "{reject@example.org=REJECT}, {defer@example.org=DEFER}, {text@example.org=REJECT no thanks},"
                        + "{c550@example.org=550 5.7.9 custom rejection}, {c450@example.org=450 4.7.9 later},"
                        + "{ok@example.org=OK}, {cls@example.org=strict_class}, {bad@example.org=bogus action}}",
                "smtpd_restriction_classes = strict_class",
                "strict_class = reject_non_fqdn_recipient, reject",
                "smtpd_recipient_restrictions = check_recipient_access inline:{"
                        + "{reject@mx.example.test=REJECT}, {defer@mx.example.test=DEFER_IF_PERMIT go slow},"
                        + "{discard@mx.example.test=DISCARD}, {hold@mx.example.test=HOLD},"
                        + "{dunno@mx.example.test=DUNNO}, {warn@mx.example.test=WARN noted},"
                        + "{deferred@mx.example.test=DEFER try later}, {c551@mx.example.test=551 5.1.6 moved},"
                        + "{number@mx.example.test=123}, {domain.test=REJECT whole domain}},"
                        + " permit_mynetworks, reject_unauth_destination"));
        // check_namadr_access(): the client name found decides, even when its class finds nothing.
        VARIANTS.put("client-class", List.of(
                "smtpd_restriction_classes = sender_check",
                "sender_check = check_sender_access inline:{{listed@example.org=REJECT}}",
                "smtpd_client_restrictions = check_client_access inline:{"
                        + "{unknown=sender_check}, {127.0.0.1=REJECT}, {127.0.0.2=REJECT}}"));
        VARIANTS.put("delay-reject-no", List.of("smtpd_delay_reject = no",
                "smtpd_client_restrictions = check_client_access inline:{127.0.0.2=REJECT}"));
        VARIANTS.put("delay-reject-yes", List.of("smtpd_delay_reject = yes",
                "smtpd_client_restrictions = check_client_access inline:{127.0.0.2=REJECT}"));
        VARIANTS.put("strict", List.of("smtpd_helo_required = yes",
                "smtpd_helo_restrictions = reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname",
                "smtpd_sender_restrictions = reject_non_fqdn_sender",
                "smtpd_recipient_restrictions = reject_non_fqdn_recipient, permit_mynetworks, "
                        + "reject_unauth_destination",
                "strict_rfc821_envelopes = yes", "disable_vrfy_command = yes"));
        // Pipelining allowed to go on, so that reject_unauth_pipelining is what refuses it.
        VARIANTS.put("unauth-pipelining", List.of("smtpd_forbid_unauth_pipelining = no",
                "smtpd_data_restrictions = reject_unauth_pipelining"));
        VARIANTS.put("bare-lf-reject", List.of("smtpd_forbid_bare_newline = reject",
                "smtpd_forbid_bare_newline_exclusions ="));
        VARIANTS.put("bare-lf-excluded", List.of("smtpd_forbid_bare_newline = reject"));
        VARIANTS.put("bare-lf-allowed", List.of("smtpd_forbid_bare_newline = no"));
        VARIANTS.put("no-smtputf8", List.of("smtputf8_enable = no"));
        VARIANTS.put("no-chunking", List.of("smtpd_discard_ehlo_keywords = chunking, silent-discard"));
        // Milters (DifferentialMilters): one python3-milter filter both servers ask.
        VARIANTS.put("milter", List.of("smtpd_milters = " + DifferentialMilters.reference("envelope"),
                "milter_default_action = tempfail"));
        for (String mode : List.of("connect-reject", "connect-tempfail", "helo-reject")) {
            VARIANTS.put("milter-" + mode, List.of("smtpd_milters = " + DifferentialMilters.reference(mode)));
        }
        for (String action : List.of("tempfail", "reject", "accept")) {
            VARIANTS.put("milter-down-" + action, List.of("smtpd_milters = " + DifferentialMilters.reference("down"),
                    "milter_default_action = " + action));
        }
        // Without the explicit setting: Postern's safer default (normalize) against Postfix 3.7's (no).
        VARIANTS.put(DEFAULTS, List.of());
    }

    private Variants() {
    }

    static List<String> names() {
        return List.copyOf(VARIANTS.keySet());
    }

    static List<String> mainCf(String variant) {
        List<String> lines = VARIANTS.get(variant);
        if (lines == null) {
            throw new IllegalArgumentException("no such variant: " + variant);
        }
        List<String> all = new ArrayList<>(BASE);
        if (!variant.equals(DEFAULTS)) {
            // Postfix 3.9's defaults, which Postern has too; Postfix 3.7's defaults are "no".
            all.add("smtpd_forbid_bare_newline = normalize");
            all.add("smtpd_forbid_unauth_pipelining = yes");
        }
        lines.stream().map(DifferentialMilters::resolve).forEach(all::add);
        return all;
    }
}
