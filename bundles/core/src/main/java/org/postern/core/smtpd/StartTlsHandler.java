// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import javax.net.ssl.SSLSession;

import org.postern.api.support.LogText;
import org.postern.core.smtp.SmtpReply;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;

/**
 * SUMMARY   STARTTLS (RFC 3207): the 220, then the TLS handshake in front of the decoder.
 * DESCRIPTION
 *   The session starts over inside TLS: HELO/EHLO, an XCLIENT PROTO and a user authenticated
 *   in plaintext are forgotten (an XCLIENT LOGIN stays), and so is a transaction.
 * SECURITY  CVE-2011-0411: whatever the client pipelined after STARTTLS in plaintext is
 *           dropped, not read as the first commands inside TLS. A failed handshake closes the
 *           connection. smtpd_client_new_tls_session_rate_limit ({@link ClientRateLimits})
 *           refuses STARTTLS to a client over its rate and ends the session whose handshake
 *           passed it.
 * BUGS      A session counts as resumed when the TLS library made it before this handshake
 *           began (JSSE does not say "resumed" directly).
 */
final class StartTlsHandler {

    private final SmtpSession s;

    StartTlsHandler(SmtpSession session) {
        this.s = session;
    }

    void startTls() {
        if (!s.extensions.starttlsOffered() || !s.client.esmtp()) {
            s.answer("starttls", s.security.tlsActive() && !s.extensions.discards(EhloKeywords.Keyword.STARTTLS)
                    ? SmtpdReplies.TLS_ALREADY_ACTIVE
                    : SmtpdReplies.NOT_IMPLEMENTED);
            return;
        }
        if (s.tx() != null) {
            s.answer("starttls", SmtpdReplies.TRANSACTION_IN_PROGRESS);
            return;
        }
        SmtpReply limited = s.rates.startTls();
        if (limited != null) {
            s.answer("starttls", limited);
            return;
        }
        s.decoder.discardBuffered();
        ChannelHandlerContext ctx = s.ctx();
        SslHandler ssl = new SslHandler(s.cx.ssl().newEngine(ctx.alloc()), true);
        ctx.pipeline().addFirst("tls", ssl);
        s.stats.record("starttls", true);
        s.send(SmtpdReplies.READY_TO_START_TLS);
        s.client.forgetHelo();
        s.security.forgetPlaintextLogin();
        s.abortTransaction();
        long handshakeStart = System.currentTimeMillis();
        ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
                SSLSession session = ssl.engine().getSession();
                s.security.tlsEstablished(session);
                s.log.info("Anonymous TLS connection established from " + s.log.client() + ": "
                        + s.security.tls().getProtocol() + " with cipher " + s.security.tls().getCipherSuite());
                // A resumed session was made before this handshake began; only new ones count.
                SmtpReply tooMany = s.rates.tlsSession(session.getCreationTime() < handshakeStart);
                if (tooMany != null && !s.closing()) {
                    s.close(tooMany);
                }
                return;
            }
            if (!s.closing()) {
                s.log.info("SSL_accept error from " + s.log.client() + ": " + LogText.printable(String.valueOf(f.cause())));
                s.log.info("lost connection after STARTTLS from " + s.log.client());
                s.lost();
            }
            ctx.close();
        });
        s.readOn();
    }
}
