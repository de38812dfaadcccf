// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.X509TrustManager;

/**
 * SUMMARY   Postfix's verify and secure levels: the chain checked by PKIX against the trusted
 *           CAs, then the server certificate's names against the match list.
 * DESCRIPTION
 *   The match list is already resolved (smtp_tls_verify_cert_match's "hostname" is the MX
 *   host, secure's "nexthop" and "dot-nexthop" the destination and ".destination"); JSSE's own
 *   host name check is not used, because it knows only one name.
 */
public final class CertificateMatchTrustManager extends ServerOnlyTrustManager {

    /** The server certificate names none of the match list. */
    public static final class NameMismatch extends CertificateException {
        private static final long serialVersionUID = 1L;

        NameMismatch(String message) {
            super(message);
        }
    }

    private final X509TrustManager pkix;
    private final List<String> names;

    public CertificateMatchTrustManager(X509TrustManager pkix, List<String> names) {
        this.pkix = pkix;
        this.names = List.copyOf(names);
    }

    @Override
    protected void verify(X509Certificate[] chain, String authType) throws CertificateException {
        pkix.checkServerTrusted(chain, authType);
        if (!CertificateNames.matchesAny(chain[0], names)) {
            throw new NameMismatch("server certificate names " + CertificateNames.names(chain[0])
                    + ", none of " + names);
        }
    }
}
