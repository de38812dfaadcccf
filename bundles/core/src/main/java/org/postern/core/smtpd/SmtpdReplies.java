// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.ArrayList;
import java.util.List;

import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.codec.SmtpResponse;
import org.postern.core.smtpd.restrict.CheckResult;

/**
 * SUMMARY   The replies smtpd sends of its own (not those of the restrictions): Postfix's texts,
 *           as constants, and small factories for the ones with variable text.
 * DESCRIPTION
 *   Every text here is Postfix 3.7 smtpd's, byte for byte; the differential tests compare them
 *   against a real Postfix. Postfix's ETRN replies carry no enhanced status code, so neither do
 *   these. The EHLO keyword lines are here too, as the client sees them.
 * SECURITY  Factories that take client text (VRFY argument, AUTH reasons) expect it already made
 *           printable by the caller.
 * SEE ALSO  Postfix smtpd.c, smtpd_chat.c.
 */
final class SmtpdReplies {

    // ---------------------------------------------------------------- generic

    static final SmtpReply OK = new SmtpReply(250, "2.0.0", "Ok");
    static final SmtpReply BYE = new SmtpReply(221, "2.0.0", "Bye");
    static final SmtpReply NOT_IMPLEMENTED = new SmtpReply(502, "5.5.1", "Error: command not implemented");
    static final SmtpReply NON_SMTP_COMMAND = new SmtpReply(221, "2.7.0", "Error: I can break rules, too. Goodbye.");
    static final SmtpReply COMMAND_NOT_RECOGNIZED = new SmtpReply(500, "5.5.2", "Error: command not recognized");
    /** smtpd_forbid_unauth_pipelining: the client did not wait for a reply it had to wait for. */
    static final SmtpReply PROTOCOL_SYNCHRONIZATION = new SmtpReply(554, "5.5.0",
            "Error: SMTP protocol synchronization");
    static final SmtpReply TLS_REQUIRED = new SmtpReply(530, "5.7.0", "Must issue a STARTTLS command first");
    static final SmtpReply SEND_HELO_FIRST = new SmtpReply(503, "5.5.1", "Error: send HELO/EHLO first");
    static final SmtpReply TRANSACTION_IN_PROGRESS = new SmtpReply(503, "5.5.1",
            "Error: MAIL transaction in progress");
    static final SmtpReply SERVER_CONFIGURATION_ERROR = new SmtpReply(451, "4.3.5", "Server configuration error");

    // ---------------------------------------------------------------- MAIL and RCPT

    static final SmtpReply MAIL_OK = new SmtpReply(250, "2.1.0", "Ok");
    static final SmtpReply RCPT_OK = new SmtpReply(250, "2.1.5", "Ok");
    static final SmtpReply NESTED_MAIL = new SmtpReply(503, "5.5.1", "Error: nested MAIL command");
    static final SmtpReply NEED_MAIL = new SmtpReply(503, "5.5.1", "Error: need MAIL command");
    static final SmtpReply RCPT_AFTER_BDAT = new SmtpReply(503, "5.5.1", "Error: RCPT after BDAT");
    static final SmtpReply BAD_SENDER_SYNTAX = new SmtpReply(501, "5.1.7", "Bad sender address syntax");
    static final SmtpReply BAD_RECIPIENT_SYNTAX = new SmtpReply(501, "5.1.3", "Bad recipient address syntax");
    static final SmtpReply SMTPUTF8_NOT_DECLARED = new SmtpReply(553, "5.6.7",
            "Must declare SMTPUTF8 to send unicode address");
    static final SmtpReply AUTH_DISABLED = new SmtpReply(503, "5.5.4", "Error: authentication disabled");
    static final SmtpReply SIZE_EXCEEDS_LIMIT = new SmtpReply(552, "5.3.4", "Message size exceeds fixed limit");
    static final SmtpReply TOO_MANY_RECIPIENTS = new SmtpReply(452, "4.5.3", "Error: too many recipients");

    // ---------------------------------------------------------------- DATA and BDAT

    static final SmtpReply NEED_RCPT = new SmtpReply(503, "5.5.1", "Error: need RCPT command");
    static final SmtpReply DATA_AFTER_BDAT = new SmtpReply(503, "5.5.1", "Error: DATA after BDAT");
    static final SmtpReply NO_VALID_RECIPIENTS = new SmtpReply(554, "5.5.1", "Error: no valid recipients");
    static final SmtpReply START_MAIL_INPUT = new SmtpReply(354, "", "End data with <CR><LF>.<CR><LF>");
    /** What Postfix's cleanup answers when the message grows past message_size_limit. */
    static final SmtpReply MESSAGE_TOO_BIG = new SmtpReply(552, "5.3.4", "Error: message file too big");
    static final SmtpReply QUEUE_FILE_WRITE_ERROR = new SmtpReply(451, "4.3.0", "Error: queue file write error");
    /** BDAT refused as not announced: the session closes (the chunk cannot be told from commands). */
    static final SmtpReply BDAT_NOT_IMPLEMENTED = new SmtpReply(521, "5.5.1", "Error: command not implemented");
    static final SmtpReply NULL_BDAT = new SmtpReply(551, "5.7.1", "Null BDAT request");
    static final SmtpReply CHUNK_TOO_BIG = new SmtpReply(552, "5.3.4", "Chunk exceeds message size limit");

    // ---------------------------------------------------------------- STARTTLS, AUTH

    static final SmtpReply READY_TO_START_TLS = new SmtpReply(220, "2.0.0", "Ready to start TLS");
    static final SmtpReply TLS_ALREADY_ACTIVE = new SmtpReply(554, "5.5.1", "Error: TLS already active");
    static final SmtpReply AUTH_NOT_ENABLED = new SmtpReply(503, "5.5.1", "Error: authentication not enabled");
    /** RFC 4954 section 4. */
    static final SmtpReply AUTH_ENCRYPTION_REQUIRED = new SmtpReply(504, "5.5.4",
            "Encryption required for requested authentication mechanism");
    static final SmtpReply ALREADY_AUTHENTICATED = new SmtpReply(503, "5.5.1", "Error: already authenticated");
    static final SmtpReply AUTH_SYNTAX = new SmtpReply(501, "5.5.4", "Syntax: AUTH mechanism");
    static final SmtpReply AUTH_SUCCESSFUL = new SmtpReply(235, "2.7.0", "Authentication successful");
    static final SmtpReply AUTH_ABORTED = new SmtpReply(501, "5.7.0", "Authentication aborted");

    // ---------------------------------------------------------------- VRFY, ETRN

    static final SmtpReply VRFY_DISABLED = new SmtpReply(502, "5.5.1", "VRFY command is disabled");
    static final SmtpReply ETRN_SEND_HELO_FIRST = new SmtpReply(503, "", "Error: send HELO/EHLO first");
    static final SmtpReply ETRN_TRANSACTION_IN_PROGRESS = new SmtpReply(503, "",
            "Error: MAIL transaction in progress");
    static final SmtpReply ETRN_SYNTAX = new SmtpReply(500, "", "Syntax: ETRN domain");
    static final SmtpReply ETRN_INVALID_PARAMETER = new SmtpReply(501, "", "Error: invalid parameter syntax");
    static final SmtpReply ETRN_UNABLE = new SmtpReply(458, "", "Unable to queue messages");
    static final SmtpReply ETRN_QUEUING_STARTED = new SmtpReply(250, "", "Queuing started");

    // ---------------------------------------------------------------- XCLIENT, XFORWARD

    static final SmtpReply XCLIENT_SYNTAX = new SmtpReply(501, "5.5.4", "Syntax: XCLIENT attribute=value...");
    static final SmtpReply XFORWARD_SYNTAX = new SmtpReply(501, "5.5.4", "Syntax: XFORWARD attribute=value...");
    static final SmtpReply INSUFFICIENT_AUTHORIZATION = new SmtpReply(550, "5.7.0",
            "Error: insufficient authorization");

    // ---------------------------------------------------------------- EHLO keyword lines

    static final String EHLO_XCLIENT = "XCLIENT NAME ADDR PROTO HELO REVERSE_NAME PORT LOGIN";
    static final String EHLO_XFORWARD = "XFORWARD NAME ADDR PROTO HELO SOURCE PORT IDENT";

    // ---------------------------------------------------------------- client rate limits, queue space

    /** MAIL when the queue file system lacks room (smtpd_check_queue). */
    static final SmtpReply INSUFFICIENT_STORAGE = new SmtpReply(452, "4.3.1", "Insufficient system storage");

    static SmtpReply tooMuchMail(String clientAddress) {
        return new SmtpReply(450, "4.7.1", "Error: too much mail from " + clientAddress);
    }

    /** RCPT or VRFY past smtpd_client_recipient_rate_limit (not TOO_MANY_RECIPIENTS, the per-message limit). */
    static SmtpReply tooManyRecipientsFrom(String clientAddress) {
        return new SmtpReply(450, "4.7.1", "Error: too many recipients from " + clientAddress);
    }

    static SmtpReply tooManyAuthCommands(String clientAddress) {
        return new SmtpReply(450, "4.7.1", "Error: too many AUTH commands from " + clientAddress);
    }

    /** STARTTLS refused before the handshake; Postfix names the client as name[addr] here. */
    static SmtpReply tooManyNewTlsSessions(String client) {
        return new SmtpReply(454, "4.7.0", "Error: too many new TLS sessions from " + client);
    }

    /** After a handshake that exceeded the rate: the last reply of the session. */
    static SmtpReply tooManyNewTlsSessionsBye(String myhostname, String client) {
        return new SmtpReply(421, "4.7.0", myhostname + " Error: too many new TLS sessions from " + client);
    }

    /** smtpd_tls_req_ccert: the handshake gave no trusted client certificate; the session ends. */
    static SmtpReply clientCertificateRequired(String myhostname, String why) {
        return new SmtpReply(421, "4.7.1", myhostname + " Error: " + why);
    }

    private SmtpdReplies() {
    }

    // ---------------------------------------------------------------- with variable text

    /** The 220 greeting: smtpd_banner, expanded. */
    static SmtpReply greeting(String banner) {
        return new SmtpReply(220, "", banner);
    }

    /** The EHLO reply of a session a milter refused with 5xx: Postfix announces only ENHANCEDSTATUSCODES. */
    static SmtpResponse ehloOfRefusedSession(String myhostname) {
        return new SmtpResponse(List.of(heloLine(myhostname), heloLine("ENHANCEDSTATUSCODES")));
    }

    /** A refusal as sent: its reply, followed by the further lines a milter gave (same code and status). */
    static Object response(CheckResult refusal) {
        return lines(refusal.reply(), refusal.moreLines());
    }

    /** {@code first}, or with {@code more} text lines under the same code and status a multi-line reply. */
    static Object lines(SmtpReply first, List<String> more) {
        if (more.isEmpty()) {
            return first;
        }
        List<SmtpReply> all = new ArrayList<>(List.of(first));
        for (String line : more) {
            all.add(new SmtpReply(first.code(), first.enhancedCode(), line));
        }
        return new SmtpResponse(all);
    }

    /** The greeting when a milter refused the connection with 5xx (Postfix's text). */
    static SmtpReply notAcceptingConnections(String myhostname) {
        return new SmtpReply(554, "", myhostname + " ESMTP not accepting connections");
    }

    /** One line of the HELO or EHLO reply: the host name or a keyword. */
    static SmtpReply heloLine(String text) {
        return new SmtpReply(250, "", text);
    }

    /** Every command but QUIT after the CONNECT restrictions refused the client (RFC 5321 section 3.1). */
    static SmtpReply accessDenied(String client) {
        return new SmtpReply(503, "5.7.0", "Error: access denied for " + client);
    }

    static SmtpReply tooManyConnections(String myhostname, String clientAddress) {
        return new SmtpReply(421, "4.7.0", myhostname + " Error: too many connections from " + clientAddress);
    }

    static SmtpReply timeoutExceeded(String myhostname) {
        return new SmtpReply(421, "4.4.2", myhostname + " Error: timeout exceeded");
    }

    static SmtpReply shuttingDown(String myhostname) {
        return new SmtpReply(421, "4.3.2", myhostname + " Service shutting down");
    }

    static SmtpReply tooManyErrors(String myhostname) {
        return new SmtpReply(421, "4.7.0", myhostname + " Error: too many errors");
    }

    /** The blocking executor refused work (the server is stopping). */
    static SmtpReply serverLocalError(String myhostname) {
        return new SmtpReply(421, "4.3.0", myhostname + " Server local error");
    }

    /** smtpd_forbid_bare_newline = reject, with smtpd_forbid_bare_newline_reject_code. */
    static SmtpReply bareLineFeed(int code, String myhostname) {
        return new SmtpReply(code, "5.5.2", myhostname + " Error: bare <LF> received");
    }

    /** An ESMTP parameter whose extension was not announced, as the client wrote it (roughly). */
    static SmtpReply unsupportedOption(String parameter) {
        return new SmtpReply(555, "5.5.4", "Unsupported option: " + parameter);
    }

    static SmtpReply queuedAs(String queueId) {
        return new SmtpReply(250, "2.0.0", "Ok: queued as " + queueId);
    }

    static SmtpReply chunkQueuedAs(long bytes, String queueId) {
        return new SmtpReply(250, "2.0.0", "Ok: " + bytes + " bytes queued as " + queueId);
    }

    static SmtpReply chunkOk(long bytes) {
        return new SmtpReply(250, "2.0.0", "Ok: " + bytes + " bytes");
    }

    static SmtpReply chunkDiscarded(long bytes) {
        return new SmtpReply(551, "5.0.0", "Discarded " + bytes + " bytes after earlier error");
    }

    /** RFC 5321 section 3.5.3: cannot verify, but will accept and attempt delivery. */
    static SmtpReply cannotVerify(String printableArgument) {
        return new SmtpReply(252, "2.0.0", printableArgument);
    }

    static SmtpReply authChallenge(String base64) {
        return new SmtpReply(334, "", base64);
    }

    static SmtpReply authTemporaryFailure(String printableReason) {
        return new SmtpReply(454, "4.7.0", "Temporary authentication failure: " + printableReason);
    }

    static SmtpReply authFailed(String printableReason) {
        return new SmtpReply(535, "5.7.8", "Error: authentication failed: " + printableReason);
    }

    /** ETRN for a domain fast_flush_domains does not list. */
    static SmtpReply etrnServiceUnavailable(String domain) {
        return new SmtpReply(459, "", "<" + domain + ">: service unavailable");
    }

    /** {@code r} without its RFC 3463 status code (ENHANCEDSTATUSCODES discarded). */
    static SmtpReply withoutEnhancedCode(SmtpReply r) {
        return r.enhancedCode().isEmpty() ? r : new SmtpReply(r.code(), "", r.text());
    }
}
