// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.List;
import java.util.Locale;

import org.postern.api.delivery.ServiceSettings;

/**
 * SUMMARY   How one delivery uses DNS: smtp_dns_support_level, smtp_host_lookup and
 *           smtp_tls_dane_insecure_mx_policy (lmtp_ likewise).
 * DESCRIPTION
 *   smtp_dns_support_level: disabled (no MX lookups, host addresses from the system's
 *   resolver, as with the deprecated disable_dns_lookups = yes, which an empty level reads as
 *   Postfix does), enabled (DNS, DNSSEC status ignored), dnssec (DNSSEC status kept: the
 *   precondition of DANE). smtp_host_lookup: dns, native, or both in the order given, for host
 *   addresses. smtp_tls_dane_insecure_mx_policy: dane (TLSA records of MX hosts found through
 *   an insecure MX lookup still count) or may (they are ignored).
 */
record DnsSupport(Level level, boolean dnsHosts, boolean nativeHosts, boolean daneForInsecureMx) {

    enum Level { DISABLED, ENABLED, DNSSEC }

    /** DNS for MX and hosts, no DNSSEC: what Postern did before these parameters. */
    static final DnsSupport ENABLED = new DnsSupport(Level.ENABLED, true, false, true);

    static DnsSupport of(Protocol p, ServiceSettings s) {
        ClientParameters d = ClientParameters.of(p);
        String configured = s.string(d.dnsSupportLevel).strip().toLowerCase(Locale.ROOT);
        Level level = switch (configured) {
            case "disabled" -> Level.DISABLED;
            case "dnssec" -> Level.DNSSEC;
            case "enabled" -> Level.ENABLED;
            default -> s.bool(SmtpParameters.DISABLE_DNS_LOOKUPS) ? Level.DISABLED : Level.ENABLED;
        };
        List<String> lookup = s.list(d.hostLookup).stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
        boolean dnsHosts = level != Level.DISABLED && (lookup.isEmpty() || lookup.contains("dns"));
        return new DnsSupport(level, dnsHosts, !dnsHosts || lookup.contains("native"),
                !s.string(d.daneInsecureMxPolicy).strip().equalsIgnoreCase("may"));
    }

    boolean mxLookups() {
        return level != Level.DISABLED;
    }

    boolean dnssec() {
        return level == Level.DNSSEC;
    }
}
