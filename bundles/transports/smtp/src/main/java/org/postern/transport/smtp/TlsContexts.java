// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * SUMMARY   The client TLS contexts: opportunistic (any certificate) and verifying (JDK trust store).
 * DESCRIPTION
 *   Levels may and encrypt accept any server certificate, as Postfix does: they protect
 *   against passive eavesdropping only. verify/secure check the chain against the JDK's
 *   trust store and the host name against the certificate. DANE comes with the TLS issue.
 * SECURITY  The trust-anything manager is used only where Postfix does not authenticate.
 */
final class TlsContexts {

    private final SSLSocketFactory opportunistic;
    private final SSLSocketFactory verifying;

    TlsContexts() {
        try {
            SSLContext any = SSLContext.getInstance("TLS");
            any.init(null, new TrustManager[] {new AcceptAnyCertificate()}, null);
            opportunistic = any.getSocketFactory();
            verifying = SSLContext.getDefault().getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    SSLSocketFactory factory(ClientSettings.TlsLevel level) {
        return level == ClientSettings.TlsLevel.VERIFY ? verifying : opportunistic;
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
