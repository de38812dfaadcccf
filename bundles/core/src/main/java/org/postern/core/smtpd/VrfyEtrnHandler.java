// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import org.postern.api.support.LogText;
import org.postern.core.net.HostNames;
import org.postern.core.rewrite.LookupFailure;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.SmtpRequest;
import org.postern.core.smtpd.restrict.SmtpStage;

/**
 * SUMMARY   VRFY and ETRN, the two commands that ask about addresses and queues outside a
 *           transaction.
 * DESCRIPTION
 *   VRFY runs the recipient restrictions (relay control, unknown recipients) and, if they pass,
 *   answers RFC 5321 section 3.5.3's 252. ETRN: sanity checks, smtpd_etrn_restrictions, then a
 *   deferred-queue flush for a domain in fast_flush_domains. Postfix's ETRN replies carry no
 *   enhanced status code.
 * SECURITY  Arguments are client input; the VRFY argument is made printable before it is echoed.
 * CONFIGURATION PARAMETERS  disable_vrfy_command, smtpd_etrn_restrictions, fast_flush_domains,
 *           smtpd_client_recipient_rate_limit (VRFY).
 */
final class VrfyEtrnHandler {

    private final SmtpSession s;

    VrfyEtrnHandler(SmtpSession session) {
        this.s = session;
    }

    void vrfy(SmtpRequest.Vrfy v) {
        if (!s.extensions.vrfyOffered()) {
            s.answer("vrfy", SmtpdReplies.VRFY_DISABLED);
            return;
        }
        SmtpReply limited = s.rates.recipient(); // VRFY counts as a recipient, as in Postfix
        if (limited != null) {
            s.answer("vrfy", limited);
            return;
        }
        String argument = v.argument();
        String address = argument.length() > 1 && argument.startsWith("<") && argument.endsWith(">")
                ? argument.substring(1, argument.length() - 1) : argument;
        s.check(SmtpStage.RCPT, address, 0, result -> {
            if (!result.accepted()) {
                s.answer("vrfy", result.reply());
                return;
            }
            s.answer("vrfy", SmtpdReplies.cannotVerify(LogText.printable(argument)));
        });
    }

    void etrn(SmtpRequest.Etrn e) {
        if (s.extensions.discards(EhloKeywords.Keyword.ETRN)) {
            s.answer("etrn", SmtpdReplies.NOT_IMPLEMENTED);
            return;
        }
        if (s.st.heloRequired() && s.client.helo() == null) {
            s.answer("etrn", SmtpdReplies.ETRN_SEND_HELO_FIRST);
            return;
        }
        if (s.tx() != null) {
            s.answer("etrn", SmtpdReplies.ETRN_TRANSACTION_IN_PROGRESS);
            return;
        }
        if (e.arguments().size() != 1) {
            s.answer("etrn", SmtpdReplies.ETRN_SYNTAX);
            return;
        }
        String argument = e.arguments().get(0);
        // RFC 1985 allows "@domain" and "#queue"; Postfix skips any leading non-alphanumeric.
        String domain = Character.isLetterOrDigit(argument.charAt(0)) ? argument : argument.substring(1);
        if (!HostNames.validHostname(domain)) {
            s.answer("etrn", SmtpdReplies.ETRN_INVALID_PARAMETER);
            return;
        }
        s.check(SmtpStage.ETRN, domain, 0, result -> {
            if (!result.accepted()) {
                s.log.reject("ETRN", result.reply(), null);
                s.answer("etrn", result.reply());
                return;
            }
            s.async(() -> flushSite(domain), reply -> s.answer("etrn", reply));
        });
    }

    /** Asks the queue manager to retry {@code domain}'s deferred mail, if fast_flush_domains lists it. */
    private SmtpReply flushSite(String domain) {
        try {
            if (!s.cx.checks().fastFlushDomain(domain)) {
                s.log.warn("reject: ETRN " + LogText.printable(domain) + "... from " + s.log.client()
                        + ": service unavailable");
                return SmtpdReplies.etrnServiceUnavailable(domain);
            }
            if (s.cx.siteFlush() == null) {
                return SmtpdReplies.ETRN_UNABLE;
            }
            s.cx.siteFlush().accept(domain);
            return SmtpdReplies.ETRN_QUEUING_STARTED;
        } catch (LookupFailure | RuntimeException failure) {
            s.log.warn("ETRN " + LogText.printable(domain) + ": " + failure.getMessage());
            return SmtpdReplies.ETRN_UNABLE;
        }
    }
}
