// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;
import java.util.List;

import org.postern.core.net.HostNames;
import org.postern.core.smtpd.codec.SmtpRequest;
import org.postern.core.smtpd.restrict.SmtpStage;

/**
 * SUMMARY   HELO and EHLO: the HELO restrictions, then the greeting reply; for EHLO the
 *           extensions this client may use ({@link Extensions}), with the AUTH mechanisms the
 *           authentication server offers.
 * DESCRIPTION
 *   HELO/EHLO inside a transaction is an implicit RSET (as Postfix and Sendmail). The name is
 *   kept while the restrictions run (they see it) and restored to the previous one when they
 *   refuse. An accepted EHLO switches to ESMTP and forgets an XCLIENT PROTO.
 * SECURITY  The HELO name is client input: non-printable characters are neutered before it is
 *           used anywhere.
 */
final class HeloHandler {

    private final SmtpSession s;

    HeloHandler(SmtpSession session) {
        this.s = session;
    }

    void helo(SmtpRequest.Helo h) {
        String verb = h.verb();
        s.abortTransaction();
        String previous = s.client.helo();
        s.client.helo(HostNames.neuterHeloName(h.domain(), s.st.smtputf8Enable()));
        s.check(SmtpStage.HELO, null, 0, result -> {
            s.log.warnings(result, s.lastCommand(), null);
            if (!result.accepted()) {
                s.client.helo(previous);
                s.log.reject(s.lastCommand(), result.reply(), null);
                s.answer(verb, SmtpdReplies.response(result));
                return;
            }
            s.client.greeted(h.extended());
            if (!h.extended()) {
                s.answer(verb, SmtpdReplies.heloLine(s.st.myhostname()));
                return;
            }
            if (s.milters.sessionRefused()) {
                s.answer(verb, SmtpdReplies.ehloOfRefusedSession(s.st.myhostname()));
                return;
            }
            EhloKeywords discard = s.extensions.discarded();
            if (!discard.isEmpty() && !discard.silent()) {
                s.log.info("discarding EHLO keywords: " + discard.describe());
            }
            if (!s.extensions.authUsable()) {
                s.answer(verb, s.extensions.ehloReply(List.of()));
                return;
            }
            boolean secured = s.security.tlsActive();
            s.async(() -> {
                try {
                    return s.security.saslServer().mechanisms(secured);
                } catch (IOException | RuntimeException e) {
                    s.log.warn(e.getMessage());
                    return List.<String>of();
                }
            }, mechanisms -> s.answer(verb, s.extensions.ehloReply(mechanisms)));
        });
    }
}
