// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;

import org.postern.api.support.LogText;
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
 *   "Anonymous TLS connection established from host[addr]: TLSv1.3 with cipher
 *   TLS_AES_256_GCM_SHA384 (256/256 bits)" (Trusted or Untrusted with a client certificate).
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
        long handshakeStart = System.currentTimeMillis();
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                SSLSession session = engine.getSession();
                boolean resumed = session.getCreationTime() < handshakeStart;
                TlsSessionInfo info = s.cx.ssl().describe(session, resumed);
                s.security.tlsEstablished(session, info);
                s.log.info(info.logLine(s.log.client()));
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
}
