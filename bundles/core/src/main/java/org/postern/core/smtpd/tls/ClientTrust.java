// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * SUMMARY   Client certificates (smtpd_tls_ask_ccert): any certificate is accepted during the
 *           handshake, as Postfix does; whether it is trusted (signed by a CA of
 *           smtpd_tls_CAfile) is decided afterwards and only changes the log line and what
 *           permit_tls_clientcerts may use.
 * DESCRIPTION
 *   The CertificateRequest names the CAs of smtpd_tls_CAfile. Without that file nothing is
 *   trusted; fingerprints (check_ccert_access, relay_clientcerts) work either way.
 * SECURITY  The chain is client input: only its leaf's fingerprint is used unless PKIX
 *           validation (no revocation check) against the configured anchors succeeds.
 */
final class ClientTrust extends X509ExtendedTrustManager {

    private final List<X509Certificate> anchors;

    ClientTrust(String caFile) throws IOException, GeneralSecurityException {
        this.anchors = caFile.isEmpty() ? List.of() : PemFiles.certificates(Path.of(caFile));
    }

    /** The chain is signed by a CA of smtpd_tls_CAfile. */
    boolean trusted(X509Certificate[] chain) {
        if (anchors.isEmpty() || chain == null || chain.length == 0) {
            return false;
        }
        try {
            Set<TrustAnchor> ta = new HashSet<>();
            for (X509Certificate a : anchors) {
                ta.add(new TrustAnchor(a, null));
            }
            PKIXParameters p = new PKIXParameters(ta);
            p.setRevocationEnabled(false);
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(Arrays.asList(chain)), p);
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
            throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("server side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return anchors.toArray(new X509Certificate[0]);
    }
}
