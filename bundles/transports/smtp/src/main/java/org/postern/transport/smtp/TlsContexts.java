// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * SUMMARY   The client's TLS trust: opportunistic (any certificate), PKIX over the JDK's trust
 *           store or the configured anchors ({@link TrustAnchors}), and contexts around a
 *           trust manager of a level (names, fingerprints, DANE).
 * DESCRIPTION
 *   Levels may and encrypt accept any server certificate, as Postfix does: they protect
 *   against passive eavesdropping only. verify and secure check the chain with PKIX against
 *   smtp_tls_trust_anchor_file (tafile=) when set, else smtp_tls_CAfile/smtp_tls_CApath when
 *   set (Postfix's tls_append_default_CA = no), else the JDK's trust store; the names are then
 *   checked by the level's own trust manager.
 * SECURITY  The trust-anything manager is used only where Postfix does not authenticate.
 * BUGS      A context is made per connection for authenticated levels, so TLS sessions are not
 *   resumed across connections there.
 */
final class TlsContexts {

    private final SSLSocketFactory opportunistic;
    private final TrustAnchors anchors = new TrustAnchors();
    private volatile X509TrustManager jdkTrust;

    TlsContexts() {
        opportunistic = trustedBy(new AcceptAnyCertificate());
    }

    /** Unauthenticated TLS: any certificate (logged "Untrusted"). */
    SSLSocketFactory opportunistic() {
        return opportunistic;
    }

    /**
     * PKIX with the anchors {@code settings} names, else the JDK's.
     *
     * @throws IOException the files cannot be read or hold no certificate (the caller defers)
     */
    X509TrustManager pkix(TlsSettings settings) throws IOException {
        if (!settings.trustAnchorFiles().isEmpty()) {
            return anchors.trustManager(settings.trustAnchorFiles(), "");
        }
        if (!settings.caFile().isEmpty() || !settings.caPath().isEmpty()) {
            return anchors.trustManager(settings.caFile().isEmpty() ? List.of() : List.of(settings.caFile()),
                    settings.caPath());
        }
        X509TrustManager jdk = jdkTrust;
        if (jdk == null) {
            try {
                jdk = pkix((KeyStore) null);     // reads cacerts: once, not per connection
            } catch (IOException e) {
                throw new IllegalStateException("the JDK's trust store is unusable", e);
            }
            jdkTrust = jdk;
        }
        return jdk;
    }

    /** PKIX over {@code store} (null: the JDK's trust store). */
    static X509TrustManager pkix(KeyStore store) throws IOException {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager t : factory.getTrustManagers()) {
                if (t instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IOException("no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the CA certificates: " + e.getMessage(), e);
        }
    }

    /** A context that trusts what {@code trust} accepts, and nothing else. */
    SSLSocketFactory trustedBy(X509TrustManager trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    /** Unauthenticated TLS (Postfix "may"/"encrypt"): checks nothing, logs "Untrusted". */
    private static final class AcceptAnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
