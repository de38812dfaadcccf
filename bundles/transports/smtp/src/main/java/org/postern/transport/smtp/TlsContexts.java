// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * SUMMARY   The client TLS contexts: opportunistic (any certificate) and verifying (the JDK's trust
 *           store, or smtp_tls_CAfile/smtp_tls_CApath when set: {@link TrustAnchors}).
 * DESCRIPTION
 *   Levels may and encrypt accept any server certificate, as Postfix does: they protect
 *   against passive eavesdropping only. verify/secure check the chain against the JDK's
 *   trust store and the host name against the certificate. DANE comes with the TLS issue.
 * SECURITY  The trust-anything manager is used only where Postfix does not authenticate.
 */
final class TlsContexts {

    private final SSLSocketFactory opportunistic;
    private final SSLSocketFactory verifying;
    private final TrustAnchors anchors;

    TlsContexts() {
        this(new TrustAnchors());
    }

    private TlsContexts(TrustAnchors anchors) {
        try {
            SSLContext any = SSLContext.getInstance("TLS");
            any.init(null, new TrustManager[] {new AcceptAnyCertificate()}, null);
            opportunistic = any.getSocketFactory();
            verifying = SSLContext.getDefault().getSocketFactory();
            this.anchors = anchors;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    private TlsContexts(TlsContexts base, SSLSocketFactory verifying) {
        this(base, verifying, base.opportunistic);
    }

    private TlsContexts(TlsContexts base, SSLSocketFactory verifying, SSLSocketFactory opportunistic) {
        this.opportunistic = opportunistic;
        this.verifying = verifying;
        this.anchors = base.anchors;
    }

    SSLSocketFactory factory(ClientSettings.TlsLevel level) {
        return level == ClientSettings.TlsLevel.VERIFY ? verifying : opportunistic;
    }

    /** The same contexts with another verifying factory (MTA-STS enforce: sts.StsDecision#socketFactory). */
    TlsContexts withVerifying(SSLSocketFactory factory) {
        return new TlsContexts(this, factory, opportunistic);
    }

    /** The same contexts with another opportunistic factory (MTA-STS testing: it logs, accepts all). */
    TlsContexts withOpportunistic(SSLSocketFactory factory) {
        return new TlsContexts(this, verifying, factory);
    }

    /**
     * The contexts for one delivery: with smtp_tls_CAfile or smtp_tls_CApath set, verify trusts
     * exactly the certificates there (Postfix's tls_append_default_CA = no); else the JDK's.
     *
     * @throws IOException the files cannot be read or hold no certificate (the caller defers)
     */
    TlsContexts trusting(String caFile, String caPath) throws IOException {
        if (caFile.isBlank() && caPath.isBlank()) {
            return this;
        }
        return new TlsContexts(this, anchors.factory(caFile.strip(), caPath.strip()));
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
