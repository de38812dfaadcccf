// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.List;
import java.util.Locale;

import org.postern.api.delivery.ServiceSettings;
import org.postern.api.parameter.Parameter;

/**
 * SUMMARY   How one delivery uses DNS: smtp_dns_support_level, smtp_host_lookup and
 *           smtp_tls_dane_insecure_mx_policy (lmtp_ likewise).
 * DESCRIPTION
 *   smtp_dns_support_level: disabled (no MX lookups, host addresses from the system's
 *   resolver, as with the deprecated disable_dns_lookups = yes, which an empty level reads as
 *   Postfix does), enabled (DNS, DNSSEC status ignored), dnssec (DNSSEC status kept: the
 *   precondition of DANE). smtp_host_lookup: dns, native, or both in the order given, for host
 *   addresses. smtp_tls_dane_insecure_mx_policy: dane (TLSA records of MX hosts found through
 *   an insecure MX lookup still count) or may (they are ignored); by default dane when
 *   smtp_tls_security_level is dane, as Postfix's conditional default says.
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
        return new DnsSupport(level, dnsHosts, !dnsHosts || lookup.contains("native"), daneForInsecureMx(p, s));
    }

    /** smtp_tls_dane_insecure_mx_policy: may or dane; its default, dane only when the level is dane. */
    private static boolean daneForInsecureMx(Protocol p, ServiceSettings s) {
        Parameter declared = SmtpParameters.DANE_INSECURE_MX_POLICY;
        String value = s.string(declared).strip().toLowerCase(Locale.ROOT);
        if (value.equals(declared.defaultValue())) {
            return s.string(ClientParameters.of(p).tlsSecurityLevel).strip().equalsIgnoreCase("dane");
        }
        return switch (value) {
            case "dane" -> true;
            case "may" -> false;
            default -> throw s.malformed(declared.name(), "bad value: " + value + " (expected one of dane, may)");
        };
    }

    boolean mxLookups() {
        return level != Level.DISABLED;
    }

    boolean dnssec() {
        return level == Level.DNSSEC;
    }
}
