// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import org.postern.api.support.LogText;
import org.postern.core.smtpd.codec.SmtpRequest;
import org.postern.core.smtpd.codec.SmtpServerDecoder;

/**
 * SUMMARY   Improper command pipelining (RFC 2920): input the client sent without waiting for
 *           a reply it had to wait for.
 * DESCRIPTION
 *   As Postfix's smtpd_proto(): before a command runs, more input waiting behind it is improper
 *   when the session is not ESMTP with PIPELINING (Postern also counts a PIPELINING keyword
 *   discarded with smtpd_discard_ehlo_keywords as not announced), or when the command must end
 *   a command group (RFC 2920 section 3.1: HELO, EHLO, DATA, VRFY, NOOP). Input before the
 *   greeting is improper too. The first violation of a session is logged ("improper command
 *   pipelining after CMD from client: text") and remembered for reject_unauth_pipelining; the
 *   session then hangs up with "554 5.5.0 Error: SMTP protocol synchronization" when
 *   smtpd_forbid_unauth_pipelining = yes (the default, as in Postfix 3.9: for every client,
 *   mynetworks included).
 *   Unknown commands and lines that are not commands at all are answered without this check,
 *   as in Postfix.
 * SECURITY  This is the SMTP smuggling and spam-bot defence: a client that does not wait for
 *           our replies cannot have a second transaction hidden behind the first one executed.
 * BUGS      Only input already read from the socket counts (Postfix also peeks at the socket);
 *           Netty reads eagerly, so a group sent in one write is seen whole. HELO after EHLO
 *           ends PIPELINING here; Postfix keeps the session ESMTP.
 */
final class PipeliningGuard {

    private final SmtpSession s;
    private boolean violated;

    PipeliningGuard(SmtpSession session) {
        this.s = session;
    }

    /**
     * Checks a command about to run (as {@code s.lastCommand()}); logs the first violation.
     *
     * @return true when the session must hang up instead of running it
     */
    boolean hangsUp(SmtpRequest r) {
        boolean mayPipe = "ESMTP".equalsIgnoreCase(s.client.baseProtocol())
                && !s.extensions.discards(EhloKeywords.Keyword.PIPELINING);
        return isCommand(r) && violatedBy(s.lastCommand(), mayPipe && !endsGroup(r)) && s.st.forbidUnauthPipelining();
    }

    /** Input arrived before the greeting; true when the session must hang up instead of greeting. */
    boolean hangsUpBeforeGreeting() {
        return violatedBy("CONNECT", false) && s.st.forbidUnauthPipelining();
    }

    /** Whether the session pipelined improperly at some point (reject_unauth_pipelining). */
    boolean violated() {
        return violated;
    }

    /** RFC 2920 section 3.1: the commands after which the client must wait for the reply. */
    static boolean endsGroup(SmtpRequest r) {
        return r instanceof SmtpRequest.Helo || r instanceof SmtpRequest.Data || r instanceof SmtpRequest.Vrfy
                || r instanceof SmtpRequest.Noop;
    }

    /** A command of Postfix's command table: not an unknown word, an empty line or bad UTF-8. */
    private static boolean isCommand(SmtpRequest r) {
        return !(r instanceof SmtpRequest.Unknown) && !r.verb().equals("unknown");
    }

    private boolean violatedBy(String command, boolean mayPipe) {
        SmtpServerDecoder decoder = s.decoder;
        if (violated || mayPipe || !decoder.hasBufferedInput()) {
            return false;
        }
        violated = true;
        s.log.info("improper command pipelining after " + command + " from " + s.log.client() + ": "
                + LogText.printable(decoder.peekBuffered(100)));
        return true;
    }
}
