// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.SmtpRequest;
import org.postern.core.smtpd.restrict.SmtpStage;

/**
 * SUMMARY   MAIL FROM: the state and parameter checks in Postfix's order, then the sender
 *           restrictions; an accepted MAIL starts the session's {@link Transaction}.
 * DESCRIPTION
 *   The transaction is current while the restrictions run (they see the sender) and dropped
 *   when they refuse. Access actions (HOLD, DISCARD, ...) from the sender stage go into it.
 *   With smtpd_delay_open_until_valid_rcpt = no the queue file (and the queue ID) is created
 *   now rather than at the first accepted RCPT.
 * SECURITY  Client input; the limits are message_size_limit (SIZE=), smtpd_tls_security_level
 *           (encrypt), smtpd_helo_required, strict_rfc821_envelopes, strict_smtputf8,
 *           smtpd_client_message_rate_limit ({@link ClientRateLimits}) and, once the sender
 *           restrictions passed, the queue's free space ({@link QueueSpace}).
 */
final class MailHandler {

    private final SmtpSession s;

    MailHandler(SmtpSession session) {
        this.s = session;
    }

    /** Why MAIL cannot be given now, or null; Postfix checks this before the command's syntax. */
    SmtpReply stateError() {
        SmtpReply refusal = s.extensions.tlsRequired();
        if (refusal == null && s.client.helo() == null && s.st.heloRequired()) {
            refusal = SmtpdReplies.SEND_HELO_FIRST;
        }
        if (refusal == null && s.tx() != null) {
            refusal = SmtpdReplies.NESTED_MAIL;
        }
        return refusal;
    }

    void mail(SmtpRequest.Mail m) {
        String verb = "mail";
        SmtpdSettings st = s.st;
        SmtpReply refusal = stateError();
        if (refusal == null) {
            refusal = s.rates.mail();
        }
        String unannounced = refusal == null ? s.extensions.unannouncedMailParameter(m) : null;
        if (unannounced != null) {
            refusal = SmtpdReplies.unsupportedOption(unannounced);
        }
        if (refusal == null && st.strictRfc821Envelopes() && !m.bracketed()) {
            refusal = SmtpdReplies.BAD_SENDER_SYNTAX;
        }
        if (refusal == null && m.nonAscii() && !m.smtputf8() && st.strictSmtputf8()) {
            refusal = SmtpdReplies.SMTPUTF8_NOT_DECLARED;
        }
        if (refusal == null && m.auth() != null && st.sasl().enabled() && s.cx.saslServers() == null) {
            refusal = SmtpdReplies.AUTH_DISABLED;
        }
        if (refusal == null && st.messageSizeLimit() > 0 && m.size() > st.messageSizeLimit()) {
            refusal = SmtpdReplies.SIZE_EXCEEDS_LIMIT;
            s.log.reject("MAIL", refusal, null);
        }
        if (refusal != null) {
            s.answer(verb, refusal);
            return;
        }
        Transaction candidate = new Transaction(m);
        s.begin(candidate);
        s.check(SmtpStage.MAIL, null, Math.max(m.size(), 0), result -> {
            s.log.warnings(result, "MAIL", null);
            if (!result.accepted()) {
                s.log.reject("MAIL", result.reply(), null);
                s.mailRefused();
                s.answer(verb, SmtpdReplies.response(result));
                return;
            }
            SmtpReply noRoom = QueueSpace.check(s.cx.queueSpace(), st, s.log, m.size());
            if (noRoom != null) {
                s.mailRefused();
                s.log.reject("MAIL", noRoom, null);
                s.answer(verb, noRoom);
                return;
            }
            candidate.actions.addAll(result.actions());
            s.log.actions(candidate, "MAIL", result, null);
            if (st.delayOpenUntilValidRcpt()) {
                s.answer(verb, SmtpdReplies.MAIL_OK);
                return;
            }
            s.intake.openQueueFile(candidate, failure -> {
                if (failure != null) {
                    s.mailRefused();
                }
                s.answer(verb, failure != null ? failure : SmtpdReplies.MAIL_OK);
            });
        });
    }
}
