// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.dane;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import org.postern.transport.smtp.tls.CertificateNames;
import org.postern.transport.smtp.tls.ServerOnlyTrustManager;

/**
 * SUMMARY   Authenticates an SMTP server's certificate chain with DNSSEC-validated TLSA records
 *           (DANE, RFC 7672 section 3 and RFC 7671), in place of PKIX.
 * DESCRIPTION
 *   DANE-EE(3): the server's own certificate (or public key) matches a record; names and
 *   expiry are not checked (RFC 7672 section 3.1.1). DANE-TA(2): a certificate of the chain the
 *   server sent matches a record; each certificate below it must be signed by the next one
 *   up and within its validity period, and the server's certificate must name one of the
 *   reference identifiers (the TLSA base domain, the MX host name, the nexthop domain; RFC 7672
 *   section 3.2.3). A DANE-TA record that gives the trust anchor's public key in full (selector
 *   1, matching type 0) also anchors a chain that does not contain it: a certificate of the
 *   chain signed by that key (and valid now) is then the top, with the same checks below it
 *   (RFC 7671 section 5.2.3). PKIX-TA(0) and PKIX-EE(1) records are never given to this class: they are
 *   not used for SMTP (section 3.1.3). JSSE has no DANE; nothing falls back to the JDK's CAs.
 * SECURITY  The chain comes from the network: every failure is a CertificateException with a
 *   short reason, which the handshake turns into a deferral.
 * BUGS      A trust anchor the server does not send is found only from a full public key
 *   (2 1 0): a digest (2 x 1, 2 x 2) or a full certificate (2 0 0) must match a certificate in
 *   the chain, as RFC 7671 section 5.2.2 expects servers to send it.
 */
public final class DaneTrustManager extends ServerOnlyTrustManager {

    /** A DANE-TA chain whose server certificate names none of the reference identifiers. */
    public static final class NameMismatch extends CertificateException {
        private static final long serialVersionUID = 1L;

        NameMismatch(String message) {
            super(message);
        }
    }

    private final List<Tlsa> records;
    private final List<String> referenceNames;

    /**
     * @param records        the usable TLSA records ({@link Tlsa#usable()})
     * @param referenceNames the names a DANE-TA chain's server certificate must carry
     */
    public DaneTrustManager(List<Tlsa> records, List<String> referenceNames) {
        this.records = List.copyOf(records);
        this.referenceNames = List.copyOf(referenceNames);
    }

    /** Checks {@code chain} (the server's certificate first) against the TLSA records. */
    public void verify(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no server certificate");
        }
        for (Tlsa r : records) {
            if (r.usage() == Tlsa.DANE_EE && r.matches(chain[0])) {
                return;
            }
        }
        CertificateException taFailure = null;
        for (int top = 0; top < chain.length; top++) {
            for (Tlsa r : records) {
                if (r.usage() == Tlsa.DANE_TA && r.matches(chain[top])) {
                    try {
                        checkBelow(chain, top);
                        return;
                    } catch (CertificateException e) {
                        taFailure = e;
                    }
                }
            }
        }
        for (Tlsa r : records) {
            PublicKey anchor = r.trustAnchorKey().orElse(null);
            for (int top = 0; anchor != null && top < chain.length; top++) {
                if (signedBy(chain[top], anchor)) {
                    try {
                        chain[top].checkValidity();
                        checkBelow(chain, top);
                        return;
                    } catch (CertificateException e) {
                        taFailure = e;
                    }
                }
            }
        }
        throw taFailure != null ? taFailure
                : new CertificateException("no TLSA record matches the certificate chain (" + chain.length + " certificates)");
    }

    private static boolean signedBy(X509Certificate certificate, PublicKey key) {
        try {
            certificate.verify(key);
            return true;
        } catch (GeneralSecurityException e) {
            return false;                        // another key, or another algorithm
        }
    }

    /** The chain from the server certificate up to {@code chain[top]} is valid and names a reference name. */
    private void checkBelow(X509Certificate[] chain, int top) throws CertificateException {
        for (int i = 0; i < top; i++) {
            chain[i].checkValidity();           // CertificateExpiredException: reported as such
            try {
                chain[i].verify(chain[i + 1].getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new CertificateException("certificate " + i + " of the chain is not signed by the next: "
                        + e.getMessage(), e);
            }
        }
        if (!CertificateNames.matchesAny(chain[0], referenceNames)) {
            throw new NameMismatch("the server certificate names none of " + referenceNames);
        }
    }

    @Override
    protected void verify(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }
}
