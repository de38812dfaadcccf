// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.Locale;

import org.postern.api.support.LogText;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.SmtpRequest;

/**
 * SUMMARY   RSET, NOOP, QUIT, the non-SMTP commands (an HTTP request line, a TLS handshake on
 *           the plaintext port, a message header) and the lines the decoder could not make a
 *           command of (unknown verbs, HELP, bad syntax).
 * DESCRIPTION
 *   An invalid MAIL or RCPT gets the state error first when there is one, as Postfix checks the
 *   state before the syntax. A 521 from the decoder (an address that cannot be parsed at all)
 *   ends the session.
 * SECURITY  The lines are client input: logged printable. A non-SMTP command hangs up at once.
 */
final class BasicCommandHandler {

    private final SmtpSession s;
    private final MailHandler mail;
    private final RcptHandler rcpt;

    BasicCommandHandler(SmtpSession session, MailHandler mail, RcptHandler rcpt) {
        this.s = session;
        this.mail = mail;
        this.rcpt = rcpt;
    }

    void handle(SmtpRequest r) {
        String verb = r.verb();
        if (r instanceof SmtpRequest.Rset) {
            s.abortTransaction();
            s.answer(verb, SmtpdReplies.OK);
        } else if (r instanceof SmtpRequest.Noop) {
            s.answer(verb, SmtpdReplies.OK);
        } else if (r instanceof SmtpRequest.Quit) {
            s.stats.record(verb, true);
            s.close(SmtpdReplies.BYE);
        } else if (r instanceof SmtpRequest.Unknown u && s.milters.active()) {
            // As Postfix: the milters see the unknown command; a refusal of theirs is the answer.
            java.util.Map<String, String> macros = s.milters.macros(s.tx(), null);
            s.milterAsync(() -> s.milters.unknown(u.line(), macros),
                    refusal -> s.answer(verb, refusal != null ? refusal : SmtpdReplies.COMMAND_NOT_RECOGNIZED));
        } else if (r instanceof SmtpRequest.Unknown) {
            s.answer(verb, SmtpdReplies.COMMAND_NOT_RECOGNIZED);
        } else if (r instanceof SmtpRequest.Invalid i) {
            invalid(i);
        }
    }

    /**
     * A word that is no SMTP command: a hang-up when smtpd_forbidden_commands lists it (asked
     * off the event loop: the list may hold tables), otherwise {@code orElse}.
     */
    void unknown(SmtpRequest.Unknown u, Runnable orElse) {
        s.async(() -> s.cx.checks().forbiddenCommand(u.command()), forbidden -> {
            if (forbidden) {
                nonSmtp(u.line());
            } else {
                orElse.run();
            }
        });
    }

    /**
     * A message header sent as a command, or a command smtpd_forbidden_commands lists: the
     * client is no SMTP client (an HTTP request, a TLS handshake on the plaintext port).
     */
    void nonSmtp(String line) {
        s.stats.record("unknown", false);
        s.log.warn("non-SMTP command from " + s.log.client() + ": " + LogText.printable(line));
        s.close(SmtpdReplies.NON_SMTP_COMMAND);
    }

    private void invalid(SmtpRequest.Invalid r) {
        SmtpReply stateError = r.verb().equals("mail") ? mail.stateError()
                : r.verb().equals("rcpt") ? rcpt.stateError() : null;
        if (stateError != null) {
            s.answer(r.verb(), stateError);
            return;
        }
        SmtpReply reply = r.reply();
        String command = r.verb().toUpperCase(Locale.ROOT);
        if (reply.enhancedCode().equals("5.1.7") || reply.enhancedCode().equals("5.1.3")) {
            s.log.warn("Illegal address syntax from " + s.log.client() + " in " + command + " command: "
                    + LogText.printable(r.line()));
        }
        if (reply.code() == 521) {
            s.stats.record(r.verb(), false);
            s.log.info("NOQUEUE: malformed " + command + " command syntax from " + s.log.client() + ": "
                    + LogText.printable(r.line()));
            s.close(reply);
            return;
        }
        s.answer(r.verb(), reply);
    }
}
