// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.postern.api.support.CipherSuites;

/**
 * SUMMARY   The configuration check for smtpd's cipher exclusions: a grade less its exclusions
 *           (smtpd_tls_ciphers less smtpd_tls_exclude_ciphers, and the mandatory pair) must
 *           leave a cipher suite, or no listener could start its TLS.
 * DESCRIPTION
 *   Each value alone is checked by its declaration (the grade's {@code ValueSyntax}); the
 *   exclusions are free text, so only the pair says whether anything is left. Run for main.cf
 *   and for each master.cf service with its -o overrides; the error names the exclusion
 *   parameter's file and line. The candidates are this JVM's enabled suites, as the listener's.
 * BUGS      The smtp client's pairs (smtp_tls_ciphers, smtp_tls_exclude_ciphers) and a policy
 *           table's exclude= are found when a delivery uses them.
 */
final class TlsCipherCheck {

    private static final List<String[]> PAIRS = List.of(
            new String[] {"smtpd_tls_ciphers", "smtpd_tls_exclude_ciphers"},
            new String[] {"smtpd_tls_mandatory_ciphers", "smtpd_tls_mandatory_exclude_ciphers"});

    private TlsCipherCheck() {
    }

    /** @throws ConfigException naming the exclusion parameter when a pair leaves nothing */
    static void check(PostfixConfig config) throws ConfigException {
        for (String[] pair : PAIRS) {
            String exclude = config.get(pair[1]);
            if (exclude.isBlank()) {
                continue;
            }
            try {
                CipherSuites.select(enabledSuites(), config.get(pair[0]), exclude);
            } catch (IllegalArgumentException e) {
                String where = config.entry(pair[1]).map(ConfigEntry::location).orElse("");
                throw new ConfigException(where + pair[1] + ": " + e.getMessage());
            }
        }
    }

    private static List<String> enabledSuites() {
        try {
            return Arrays.asList(SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }
}
