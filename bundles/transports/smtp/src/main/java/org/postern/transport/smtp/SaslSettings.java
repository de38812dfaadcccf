// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.postern.api.delivery.ServiceSettings;

/**
 * SUMMARY   The smtp_sasl_* (or lmtp_sasl_*) parameters of one delivery, with Postfix's defaults.
 * CONFIGURATION PARAMETERS
 *   smtp_sasl_auth_enable (no), smtp_sasl_password_maps (empty), smtp_sasl_security_options
 *   (noplaintext, noanonymous), smtp_sasl_tls_security_options ($smtp_sasl_security_options),
 *   smtp_sasl_mechanism_filter (empty: every mechanism), smtp_sender_dependent_authentication
 *   (no; honoured for smtp only, as Postfix), smtp_sasl_auth_soft_bounce (yes).
 * BUGS      The mechanism filter understands names and "!name" (first match wins), not the
 *   "/file" and "type:table" forms of Postfix's string lists.
 */
record SaslSettings(boolean enabled, String passwordMapsParameter, List<String> passwordMaps,
                    Set<String> securityOptions, Set<String> tlsSecurityOptions, List<String> mechanismFilter,
                    boolean senderDependent, boolean softBounce) {

    static SaslSettings of(Protocol p, ServiceSettings s) {
        Set<String> options = options(s.get(p.parameter("sasl_security_options"), "noplaintext, noanonymous"));
        String tls = s.get(p.parameter("sasl_tls_security_options"));
        // unset, or the default "$smtp_sasl_security_options" left unexpanded: the same options
        Set<String> tlsOptions = tls == null || tls.strip().startsWith("$") ? options : options(tls);
        return new SaslSettings(
                s.bool(p.parameter("sasl_auth_enable"), false),
                p.parameter("sasl_password_maps"),
                s.list(p.parameter("sasl_password_maps")),
                options, tlsOptions,
                s.list(p.parameter("sasl_mechanism_filter")),
                p == Protocol.SMTP && s.bool("smtp_sender_dependent_authentication", false),
                s.bool(p.parameter("sasl_auth_soft_bounce"), true));
    }

    private static Set<String> options(String value) {
        return Arrays.stream(value.split("[\\s,]+")).map(w -> w.strip().toLowerCase(Locale.ROOT)).filter(w -> !w.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether mechanisms that send the password as it is (PLAIN, LOGIN) may be used on this connection. */
    boolean plaintextAllowed(boolean tls) {
        return !(tls ? tlsSecurityOptions : securityOptions).contains("noplaintext");
    }

    /** smtp_sasl_mechanism_filter: empty lets everything through; otherwise the first matching entry decides. */
    boolean mechanismAllowed(String mechanism) {
        if (mechanismFilter.isEmpty()) {
            return true;
        }
        for (String entry : mechanismFilter) {
            boolean negated = entry.startsWith("!");
            if ((negated ? entry.substring(1) : entry).equalsIgnoreCase(mechanism)) {
                return !negated;
            }
        }
        return false;
    }
}
