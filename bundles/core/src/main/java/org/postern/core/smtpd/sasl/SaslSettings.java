// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import java.nio.file.Path;
import java.util.Locale;

import org.postern.core.config.PostfixConfig;

/**
 * SUMMARY   The SMTP AUTH parameters of one smtpd service (main.cf with its master.cf -o overrides).
 * DESCRIPTION
 *   Read once per listener. With smtpd_sasl_auth_enable = no nothing else is checked, so a
 *   main.cf copied from a Postfix with smtpd_sasl_type = cyrus still loads.
 * CONFIGURATION PARAMETERS
 *   smtpd_sasl_auth_enable (no), smtpd_sasl_type (dovecot; Postfix's default is cyrus, which
 *   Postern does not support), smtpd_sasl_path (private/auth, relative to queue_directory;
 *   an absolute path or inet:host:port), smtpd_sasl_security_options (noanonymous),
 *   smtpd_sasl_tls_security_options ($smtpd_sasl_security_options), smtpd_tls_auth_only (no),
 *   smtpd_sasl_authenticated_header (no), smtpd_sasl_local_domain (empty; the Dovecot backend
 *   does not use it, as in Postfix), broken_sasl_auth_clients (no), smtpd_sasl_service (smtp),
 *   smtpd_sasl_response_limit (12288).
 * SECURITY  Input is the administrator's configuration; bad values throw IllegalArgumentException
 *           naming the parameter.
 */
public record SaslSettings(
        boolean enabled,
        DovecotEndpoint endpoint,
        SecurityOptions securityOptions,
        SecurityOptions tlsSecurityOptions,
        boolean tlsAuthOnly,
        boolean authenticatedHeader,
        String localDomain,
        boolean brokenClients,
        String service,
        int responseLimit) {

    /** AUTH switched off (the parameters at their defaults do not matter then). */
    public static final SaslSettings DISABLED = new SaslSettings(false, null,
            SecurityOptions.parse("", java.util.List.of("noanonymous")),
            SecurityOptions.parse("", java.util.List.of("noanonymous")), false, false, "", false, "smtp", 12288);

    public static SaslSettings from(PostfixConfig c) {
        if (!c.bool("smtpd_sasl_auth_enable")) {
            return DISABLED;
        }
        String type = c.get("smtpd_sasl_type").trim().toLowerCase(Locale.ROOT);
        if (!type.equals("dovecot")) {
            throw new IllegalArgumentException("smtpd_sasl_type: " + type + ": not supported"
                    + " (Postern implements only smtpd_sasl_type = dovecot)");
        }
        return new SaslSettings(true,
                DovecotEndpoint.parse(c.get("smtpd_sasl_path").trim(), Path.of(c.get("queue_directory").trim())),
                SecurityOptions.parse("smtpd_sasl_security_options", c.list("smtpd_sasl_security_options")),
                SecurityOptions.parse("smtpd_sasl_tls_security_options", c.list("smtpd_sasl_tls_security_options")),
                c.bool("smtpd_tls_auth_only"),
                c.bool("smtpd_sasl_authenticated_header"),
                c.get("smtpd_sasl_local_domain").trim(),
                c.bool("broken_sasl_auth_clients"),
                c.get("smtpd_sasl_service").trim(),
                c.integer("smtpd_sasl_response_limit"));
    }

    /** The options for a session with or without TLS. */
    public SecurityOptions optionsFor(boolean tls) {
        return tls ? tlsSecurityOptions : securityOptions;
    }
}
