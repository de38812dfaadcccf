// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import org.postern.core.smtp.SmtpReply;

/**
 * SUMMARY   STARTTLS (RFC 3207): the 220, then the TLS handshake in front of the decoder.
 * DESCRIPTION
 *   The session starts over inside TLS: HELO/EHLO, an XCLIENT PROTO and a user authenticated
 *   in plaintext are forgotten (an XCLIENT LOGIN stays), and so is a transaction.
 * SECURITY  CVE-2011-0411: whatever the client pipelined after STARTTLS in plaintext is
 *           dropped, not read as the first commands inside TLS. A failed handshake closes the
 *           connection. smtpd_client_new_tls_session_rate_limit ({@link ClientRateLimits})
 *           refuses STARTTLS to a client over its rate and ends the session whose handshake
 *           passed it. The handshake itself: {@link TlsHandshake}.
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
        TlsHandshake.start(s, s.ctx(), true);
        s.stats.record("starttls", true);
        s.send(SmtpdReplies.READY_TO_START_TLS);
        s.client.forgetHelo();
        s.security.forgetPlaintextLogin();
        s.abortTransaction();
        s.readOn();
    }
}
