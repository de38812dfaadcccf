// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.postern.api.delivery.ServiceSettings;

/**
 * SUMMARY   The smtp_sasl_* (or lmtp_sasl_*) parameters of one delivery.
 * CONFIGURATION PARAMETERS
 *   smtp_sasl_auth_enable, smtp_sasl_password_maps, smtp_sasl_security_options,
 *   smtp_sasl_tls_security_options, smtp_sasl_mechanism_filter (empty: every mechanism),
 *   smtp_sender_dependent_authentication (honoured for smtp only, as Postfix),
 *   smtp_sasl_auth_soft_bounce; declared with their defaults in {@link ClientParameters}.
 * BUGS      The mechanism filter understands names and "!name" (first match wins), not the
 *   "/file" and "type:table" forms of Postfix's string lists.
 */
record SaslSettings(boolean enabled, String passwordMapsParameter, List<String> passwordMaps,
                    Set<String> securityOptions, Set<String> tlsSecurityOptions, List<String> mechanismFilter,
                    boolean senderDependent, boolean softBounce) {

    static SaslSettings of(Protocol p, ServiceSettings s) {
        ClientParameters d = ClientParameters.of(p);
        Set<String> options = options(s.string(d.saslSecurityOptions));
        String tls = s.get(d.saslTlsSecurityOptions.name());
        // unset, or the default "$smtp_sasl_security_options" left unexpanded: the same options
        Set<String> tlsOptions = tls == null || tls.strip().startsWith("$") ? options : options(tls);
        return new SaslSettings(
                s.bool(d.saslAuthEnable),
                d.saslPasswordMaps.name(),
                s.list(d.saslPasswordMaps),
                options, tlsOptions,
                s.list(d.saslMechanismFilter),
                p == Protocol.SMTP && s.bool(d.senderDependentAuthentication),
                s.bool(d.saslAuthSoftBounce));
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
