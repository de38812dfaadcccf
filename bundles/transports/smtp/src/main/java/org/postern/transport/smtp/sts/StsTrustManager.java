// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import org.postern.api.tls.TlsSessionResult.FailureType;

/**
 * SUMMARY   The MX certificate check of one MTA-STS policy (RFC 8461 section 4.2).
 * DESCRIPTION
 *   The chain must be valid for the WebPKI ({@link WebPki}); the names are checked here: with
 *   smtp_tls_enforce_sts_mx_patterns = yes a DNS subjectAltName must match the MX host name the
 *   client connected to; with no, it must match one of the policy's mx patterns instead. In
 *   mode enforce a failure aborts the handshake; in mode testing it is only reported to the
 *   decision, which logs it, and the handshake goes on as at level may.
 * SECURITY  Sees the server's certificates, untrusted until checked.
 */
final class StsTrustManager extends X509ExtendedTrustManager {

    /** What a check found; {@code failure} null on success. */
    interface Observer {
        void checked(String mxHost, FailureType failure, String reason);
    }

    private final X509TrustManager pki;
    private final boolean enforce;
    private final boolean matchMxHost;
    private final List<String> patterns;
    private final Observer observer;

    StsTrustManager(X509TrustManager pki, boolean enforce, boolean matchMxHost, List<String> patterns, Observer observer) {
        this.pki = pki;
        this.enforce = enforce;
        this.matchMxHost = matchMxHost;
        this.patterns = List.copyOf(patterns);
        this.observer = observer;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        SSLSession s = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
        check(chain, authType, s == null ? "" : s.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, engine.getPeerHost() == null ? "" : engine.getPeerHost());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, "");
    }

    private void check(X509Certificate[] chain, String authType, String host) throws CertificateException {
        FailureType failure = null;
        String reason = "";
        try {
            pki.checkServerTrusted(chain, authType);
            List<String> names = WebPki.dnsNames(chain[0]);
            boolean named = false;
            if (matchMxHost) {
                for (String name : names) {
                    named |= WebPki.nameMatches(name, host);
                }
            } else {
                for (String pattern : patterns) {
                    named |= WebPki.matchesPattern(names, pattern);
                }
            }
            if (!named) {
                failure = FailureType.CERTIFICATE_HOST_MISMATCH;
                reason = matchMxHost ? "certificate names " + names + " do not match " + host
                        : "certificate names " + names + " match no mx pattern " + patterns;
            }
        } catch (CertificateException e) {
            failure = WebPki.classify(e);
            reason = String.valueOf(e.getMessage());
        }
        observer.checked(host, failure, reason);
        if (failure != null && enforce) {
            throw new CertificateException("MTA-STS: " + reason);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client side only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pki.getAcceptedIssuers();
    }
}
