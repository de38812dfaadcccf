// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * SUMMARY   The client's TLS trust and session cache: opportunistic (any certificate), PKIX over
 *           the JDK's trust store or the configured anchors ({@link TrustAnchors}), and contexts
 *           around a trust manager of a level (names, fingerprints, DANE), one per trust
 *           configuration, so that sessions resume.
 * DESCRIPTION
 *   Levels may and encrypt accept any server certificate, as Postfix does: they protect
 *   against passive eavesdropping only. verify and secure check the chain with PKIX against
 *   smtp_tls_trust_anchor_file (tafile=) when set, else smtp_tls_CAfile/smtp_tls_CApath when
 *   set (Postfix's tls_append_default_CA = no), else the JDK's trust store; the names are then
 *   checked by the level's own trust manager.
 *   <p>Session cache (smtp_tls_session_cache_database, smtp_tls_session_cache_timeout): JSSE
 *   keeps a client's sessions in its context, by server host and port. With a cache, a
 *   context is kept per trust configuration (the caller's key: the level, its match list or
 *   TLSA records, the CA files as loaded, and the session lifetime), so a session is resumed
 *   only under the same trust that accepted it: one accepted by may is never resumed at
 *   verify, one accepted under yesterday's TLSA records never under today's. At most
 *   {@link #CONTEXTS} configurations are kept, the least recently used dropped. Without a
 *   cache (Postfix's default, an empty smtp_tls_session_cache_database) every connection
 *   gets a context of its own, so nothing is resumed.
 * SECURITY  The trust-anything manager is used only where Postfix does not authenticate. A
 *   resumed session skips the trust manager, hence the per-configuration contexts.
 * BUGS      The cache is in memory, per delivery agent, and lost at restart: nothing is read
 *   from or written to the table smtp_tls_session_cache_database names.
 */
final class TlsContexts {

    /** Trust configurations whose sessions are kept (each context holds its own sessions). */
    static final int CONTEXTS = 256;

    private final TrustAnchors anchors = new TrustAnchors();
    private volatile X509TrustManager jdkTrust;
    private final Map<Object, SSLSocketFactory> kept = Collections.synchronizedMap(
            new LinkedHashMap<Object, SSLSocketFactory>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Object, SSLSocketFactory> eldest) {
                    return size() > CONTEXTS;
                }
            });

    /** Unauthenticated TLS: any certificate (logged "Untrusted"); {@code sessionCache} as in {@link #trustedBy(Object, Supplier, Duration)}. */
    SSLSocketFactory opportunistic(Duration sessionCache) {
        return trustedBy(List.of("any"), AcceptAnyCertificate::new, sessionCache);
    }

    /**
     * A context that trusts what the supplied manager accepts, and nothing else.
     *
     * @param trustKey     equal for equal trust: two connections with equal keys may resume each
     *                     other's sessions
     * @param sessionCache how long sessions are kept; zero: a new context, nothing resumed
     */
    SSLSocketFactory trustedBy(Object trustKey, Supplier<X509TrustManager> trust, Duration sessionCache) {
        if (sessionCache.isZero() || sessionCache.isNegative()) {
            return trustedBy(trust.get(), Duration.ZERO);
        }
        return kept.computeIfAbsent(List.of(trustKey, sessionCache), k -> trustedBy(trust.get(), sessionCache));
    }

    /** Configurations kept now (for tests). */
    int keptContexts() {
        return kept.size();
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

    /** A new context that trusts what {@code trust} accepts, its sessions kept for {@code sessionCache}. */
    private static SSLSocketFactory trustedBy(X509TrustManager trust, Duration sessionCache) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trust}, null);
            if (!sessionCache.isZero()) {
                context.getClientSessionContext().setSessionTimeout((int) Math.min(Integer.MAX_VALUE,
                        sessionCache.toSeconds()));
            }
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
