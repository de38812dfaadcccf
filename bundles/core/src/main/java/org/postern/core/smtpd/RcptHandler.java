// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.SmtpRequest;
import org.postern.core.smtpd.restrict.CheckResult;
import org.postern.core.smtpd.restrict.SmtpStage;

/**
 * SUMMARY   RCPT TO: the state and parameter checks in Postfix's order, then the recipient
 *           restrictions; an accepted recipient (with its DSN NOTIFY and ORCPT) joins the
 *           transaction.
 * DESCRIPTION
 *   The first accepted recipient opens the transaction's queue file ({@link MessageIntake}),
 *   unless MAIL did (smtpd_delay_open_until_valid_rcpt = no). A recipient accepted after its
 *   transaction ended (RSET while the restrictions ran) is answered but not kept.
 * SECURITY  Client input; the limits are smtpd_recipient_limit (the excess gets "452 4.5.3
 *           Error: too many recipients" and, up to smtpd_recipient_overshoot_limit of them per
 *           transaction, is not counted as an error: the transaction goes on to DATA with the
 *           recipients accepted), strict_rfc821_envelopes, strict_smtputf8,
 *           smtpd_client_recipient_rate_limit ({@link ClientRateLimits}).
 */
final class RcptHandler {

    private final SmtpSession s;

    RcptHandler(SmtpSession session) {
        this.s = session;
    }

    /** Why RCPT cannot be given now, or null; Postfix checks this before the command's syntax. */
    SmtpReply stateError() {
        SmtpReply refusal = s.extensions.tlsRequired();
        Transaction tx = s.tx();
        if (refusal == null && tx == null) {
            refusal = SmtpdReplies.NEED_MAIL;
        }
        if (refusal == null && tx.bdat) {
            refusal = SmtpdReplies.RCPT_AFTER_BDAT;
        }
        return refusal;
    }

    void rcpt(SmtpRequest.Rcpt r) {
        String verb = "rcpt";
        SmtpdSettings st = s.st;
        SmtpReply refusal = stateError();
        if (refusal == null) {
            refusal = s.rates.recipient();
        }
        Transaction t = s.tx();
        if (refusal == null && r.hasEsmtpParameters() && s.extensions.discards(EhloKeywords.Keyword.DSN)) {
            // NOTIFY and ORCPT are the only RCPT parameters, both of the DSN extension.
            refusal = SmtpdReplies.unsupportedOption(r.firstParameter());
        }
        if (refusal == null && st.strictRfc821Envelopes() && !r.bracketed()) {
            refusal = SmtpdReplies.BAD_RECIPIENT_SYNTAX;
        }
        if (refusal == null && t.recipients.size() >= st.recipientLimit()) {
            // As Postfix: the excess is refused with 4xx so that the client sends it again in a
            // later transaction; only beyond the overshoot limit do the refusals count as errors.
            s.answer(verb, SmtpdReplies.TOO_MANY_RECIPIENTS, t.overshoot++ >= st.recipientOvershootLimit());
            return;
        }
        if (refusal == null && r.nonAscii() && !t.mail.smtputf8() && st.strictSmtputf8()) {
            refusal = SmtpdReplies.SMTPUTF8_NOT_DECLARED;
        }
        if (refusal != null) {
            s.answer(verb, refusal);
            return;
        }
        // The first valid recipient makes the queue file and its ID, as Postfix's smtpd: on the
        // worker that ran the checks, right after them (see MessageIntake).
        AtomicReference<IncomingMessage> created = new AtomicReference<>();
        UnaryOperator<CheckResult> open = t.message != null ? null
                : accepted -> s.intake.createQueueFile(accepted, created);
        s.check(SmtpStage.RCPT, r.recipient(), r.parameters(), 0, open, result -> {
            s.log.warnings(result, "RCPT", r.recipient());
            if (!result.accepted()) {
                s.log.reject("RCPT", result.reply(), r.recipient());
                s.answer(verb, SmtpdReplies.response(result));
                return;
            }
            if (created.get() != null) {
                s.intake.adopt(t, created.get());
            }
            if (t == s.tx()) {
                t.actions.addAll(result.actions());
                s.log.actions(t, "RCPT", result, r.recipient());
                t.recipients.add(new EnvelopeRecipient(r.recipient(), r.orcpt() == null ? "" : r.orcpt(),
                        r.notifyOn() == null ? Set.of() : r.notifyOn()));
            }
            s.answer(verb, SmtpdReplies.RCPT_OK);
        });
    }
}
