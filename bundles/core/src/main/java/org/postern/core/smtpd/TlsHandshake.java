// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

import org.postern.api.support.CipherSuites;
import org.postern.api.support.LogText;
import org.postern.api.support.TlsLogLevel;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.tls.RenegotiationGuard;
import org.postern.core.smtpd.tls.TlsSessionInfo;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;

/**
 * SUMMARY   One server TLS handshake, after STARTTLS or at connect in wrapper mode (smtps):
 *           puts the renegotiation guard and the TLS handler in front of the decoder and, when
 *           the handshake completes, records the session and logs it as Postfix does.
 * DESCRIPTION
 *   smtpd_tls_loglevel decides the lines, as Postfix's tls_server_start(): from 1 the summary
 *   "Anonymous TLS connection established from host[addr]: TLSv1.3 with cipher
 *   TLS_AES_256_GCM_SHA384 (256/256 bits)" (Trusted or Untrusted with a client certificate);
 *   from 2 also "setting up TLS connection from ...", the cipher list, "Reusing old session"
 *   and the client certificate's CN, issuer and fingerprints. A failed handshake is logged at
 *   every level.
 *   A new session counts against smtpd_client_new_tls_session_rate_limit (421 over it); with
 *   smtpd_tls_req_ccert a client without a trusted certificate gets 421 4.7.1.
 * SECURITY  A failed handshake closes the connection; so does client-initiated renegotiation.
 * BUGS      A session counts as resumed when the TLS library made it before this handshake
 *           began (JSSE does not say "resumed" directly).
 */
final class TlsHandshake {

    private TlsHandshake() {
    }

    /** Starts the handshake on {@code ctx}'s channel; {@code afterStartTls}: the client sent STARTTLS. */
    static void start(SmtpSession s, ChannelHandlerContext ctx, boolean afterStartTls) {
        SSLEngine engine = s.cx.ssl().newEngine();
        SslHandler ssl = new SslHandler(engine, afterStartTls);
        ctx.pipeline().addFirst("tls", ssl);
        ctx.pipeline().addFirst("renegotiation", new RenegotiationGuard(() -> {
            s.log.warn(s.log.client() + ": client-initiated TLS renegotiation refused");
            s.lost();
        }));
        TlsLogLevel level = s.cx.ssl().settings().logLevel();
        if (level.verbose()) {
            s.log.info("setting up TLS connection from " + s.log.client());
            s.log.info(s.log.client() + ": TLS cipher list \"" + String.join(":", s.cx.ssl().cipherSuites().stream()
                    .map(CipherSuites::openSslName).toList()) + "\"");
        }
        long handshakeStart = System.currentTimeMillis();
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                SSLSession session = engine.getSession();
                boolean resumed = session.getCreationTime() < handshakeStart;
                TlsSessionInfo info = s.cx.ssl().describe(session, resumed);
                s.security.tlsEstablished(session, info);
                logEstablished(s, level, info);
                SmtpReply tooMany = s.rates.tlsSession(resumed);
                if (tooMany != null && !s.closing()) {
                    s.close(tooMany);
                    return;
                }
                if (s.cx.ssl().settings().requiresClientCertificate() && !s.closing()
                        && (info.client() == null || !info.client().trusted())) {
                    String why = info.client() == null ? "No client certificate presented"
                            : "Client certificate not trusted";
                    s.log.info("NOQUEUE: abort: TLS from " + s.log.client() + ": " + why);
                    s.close(SmtpdReplies.clientCertificateRequired(s.st.myhostname(), why));
                }
                return;
            }
            if (!s.closing()) {
                // A client gone before the handshake is a lost connection, as Postfix words it.
                String why = f.cause() instanceof java.nio.channels.ClosedChannelException ? "lost connection"
                        : LogText.printable(String.valueOf(f.cause()));
                s.log.info("SSL_accept error from " + s.log.client() + ": " + why);
                s.log.info("lost connection after " + (afterStartTls ? "STARTTLS" : "CONNECT") + " from "
                        + s.log.client());
                s.lost();
            }
            ctx.close();
        });
    }

    private static void logEstablished(SmtpSession s, TlsLogLevel level, TlsSessionInfo info) {
        String client = s.log.client();
        if (level.cache() && info.resumed()) {
            s.log.info(client + ": Reusing old session");
        }
        if (level.peerCertificate() && info.client() != null) {
            s.log.info(client + ": subject_CN=" + info.client().subjectCn() + ", issuer=" + info.client().issuerCn()
                    + ", fingerprint=" + info.client().fingerprint() + ", pkey_fingerprint="
                    + info.client().pkeyFingerprint());
        }
        if (level.summary()) {
            s.log.info(info.logLine(client));
        }
    }
}
