// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;

/**
 * SUMMARY   One mail transaction on an open session: MAIL FROM, RCPT TO for each recipient,
 *           DATA, the content, and the replies (one, or one per recipient for LMTP).
 * DESCRIPTION
 *   With PIPELINING, MAIL, every RCPT and DATA go out as one group and the replies are read
 *   in order afterwards (RFC 2920); without it, each command waits for its reply and the
 *   transaction stops early when MAIL fails or no recipient is accepted.
 *   Before anything is sent: a message larger than the server's SIZE bounces (5.3.4), a
 *   message that needs SMTPUTF8 bounces when the server lacks it (5.6.7). Parameters:
 *   SIZE=, BODY=8BITMIME (8-bit message, server offers 8BITMIME), SMTPUTF8, and with DSN
 *   RET=, ENVID=, NOTIFY=, ORCPT= (xtext). An 8-bit message for a server without 8BITMIME
 *   is downgraded to quoted-printable unless disable_mime_output_conversion = yes (then
 *   it is sent as it is, as Postfix does).
 *   Replies: 2xx accepted (HANDED_OFF when the server offers DSN, else RELAYED; LMTP with
 *   lmtp_assume_final = yes: DELIVERED), 4xx DEFERRED, 5xx BOUNCED, each with "host h[a]
 *   said: ... (in reply to X command)". A 421 in any state ends the session: every
 *   recipient still open is deferred with that reply and the connection is not reused.
 *   Lost connections and timeouts defer the open recipients ("... while sending end of
 *   data -- message may be sent more than once" after the final dot).
 * SECURITY  Envelope addresses come from the queue (mapped by smtp_generic_maps when set);
 *   CR and LF cannot occur in them (smtpd and cleanup reject them).
 */
final class MailTransaction {

    private final SmtpSession session;
    private final SmtpConnection connection;
    private final ClientSettings settings;
    private final OutgoingMessage message;
    private final ServerFeatures features;
    private final boolean requestRequireTls;
    private final Map<Recipient, RecipientResult> results = new LinkedHashMap<>();
    private final List<Recipient> accepted = new ArrayList<>();
    private String where = "sending MAIL FROM";

    /** @param requestRequireTls whether MAIL FROM carries REQUIRETLS when the server offers it */
    MailTransaction(SmtpSession session, ClientSettings settings, OutgoingMessage message, boolean requestRequireTls) {
        this.requestRequireTls = requestRequireTls;
        this.session = session;
        this.connection = session.connection();
        this.settings = settings;
        this.message = message;
        this.features = session.features();
    }

    /** Results for the given recipients; recipients without a result here are DEFERRED by the caller's rules. */
    Map<Recipient, RecipientResult> run(List<Recipient> recipients) {
        if (features.size() && features.sizeLimit() > 0 && message.size() > features.sizeLimit()) {
            return all(recipients, Outcome.BOUNCED, "5.3.4", "message size " + message.size()
                    + " exceeds size limit " + features.sizeLimit() + " of server " + session.endpoint());
        }
        if (message.smtputf8Required() && !features.smtputf8()) {
            return all(recipients, Outcome.BOUNCED, "5.6.7",
                    "SMTPUTF8 is required, but was not offered by host " + session.endpoint());
        }
        try {
            if (features.pipelining()) {
                pipelined(recipients);
            } else {
                stepByStep(recipients);
            }
        } catch (IOException e) {
            session.markUnusable();
            String diagnostic = session.lost(where, e);
            for (Recipient r : recipients) {
                results.putIfAbsent(r, result(r, Outcome.DEFERRED, "4.4.2", diagnostic));
            }
        } catch (ClosingException e) {
            session.markUnusable();
            for (Recipient r : recipients) {
                results.putIfAbsent(r, failed(r, e.reply, e.command));
            }
        }
        return results;
    }

    private void pipelined(List<Recipient> recipients) throws IOException, ClosingException {
        connection.timeout(settings.mailTimeout());
        connection.send(mailCommand());
        for (Recipient r : recipients) {
            connection.send(rcptCommand(r));
        }
        connection.send("DATA");
        connection.flush();
        SmtpReply mail = read("MAIL FROM");
        if (!mail.positive()) {
            recipients.forEach(r -> results.put(r, failed(r, mail, "MAIL FROM")));
        }
        where = "sending RCPT TO";
        connection.timeout(settings.rcptTimeout());
        for (Recipient r : recipients) {
            SmtpReply reply = read("RCPT TO");
            if (mail.positive()) {
                rcptReply(r, reply);
            }
        }
        where = "sending DATA command";
        connection.timeout(settings.dataInitTimeout());
        SmtpReply data = read("DATA");
        if (data.code() == 354) {
            if (mail.positive() && !accepted.isEmpty()) {
                content();
            } else {
                connection.send(".");
                connection.flush();
                read("end of DATA");
            }
        } else if (mail.positive()) {
            accepted.forEach(r -> results.put(r, failed(r, data, "DATA")));
        }
    }

    private void stepByStep(List<Recipient> recipients) throws IOException, ClosingException {
        connection.timeout(settings.mailTimeout());
        SmtpReply mail = command(mailCommand(), "MAIL FROM");
        if (!mail.positive()) {
            recipients.forEach(r -> results.put(r, failed(r, mail, "MAIL FROM")));
            return;
        }
        where = "sending RCPT TO";
        connection.timeout(settings.rcptTimeout());
        for (Recipient r : recipients) {
            rcptReply(r, command(rcptCommand(r), "RCPT TO"));
        }
        if (accepted.isEmpty()) {
            return;
        }
        where = "sending DATA command";
        connection.timeout(settings.dataInitTimeout());
        SmtpReply data = command("DATA", "DATA");
        if (data.code() != 354) {
            accepted.forEach(r -> results.put(r, failed(r, data, "DATA")));
            return;
        }
        content();
    }

    private void rcptReply(Recipient r, SmtpReply reply) {
        if (reply.positive()) {
            accepted.add(r);
        } else {
            results.put(r, failed(r, reply, "RCPT TO"));
        }
    }

    private void content() throws IOException, ClosingException {
        where = "sending message body";
        connection.timeout(settings.dataXferTimeout());
        boolean downgrade = message.body8bit() && !features.eightBitMime() && settings.mimeOutputConversion();
        message.writeData(connection.contentStream(), downgrade);
        where = "sending end of data -- message may be sent more than once";
        connection.flush();
        connection.timeout(settings.dataDoneTimeout());
        connection.countTransaction();
        if (settings.protocol().repliesPerRecipient()) {
            for (Recipient r : accepted) {
                SmtpReply reply = read("end of DATA");
                results.put(r, reply.positive() ? accepted(r, reply) : failed(r, reply, "end of DATA"));
            }
            return;
        }
        SmtpReply reply = read("end of DATA");
        accepted.forEach(r -> results.put(r, reply.positive() ? accepted(r, reply) : failed(r, reply, "end of DATA")));
    }

    private SmtpReply command(String line, String name) throws IOException, ClosingException {
        connection.send(line);
        connection.flush();
        return read(name);
    }

    /** Reads one reply; a 421 ends the transaction and the session. */
    private SmtpReply read(String command) throws IOException, ClosingException {
        SmtpReply reply = connection.readReply();
        if (reply.closing()) {
            throw new ClosingException(reply, command);
        }
        return reply;
    }

    private String mailCommand() {
        StringBuilder b = new StringBuilder("MAIL FROM:<").append(message.sender()).append('>');
        if (features.size()) {
            b.append(" SIZE=").append(message.size());
        }
        if (message.eightBit() && features.eightBitMime()) {
            b.append(" BODY=8BITMIME");
        }
        if (message.smtputf8Requested() && features.smtputf8()) {
            b.append(" SMTPUTF8");
        }
        if (requestRequireTls && features.requireTls()) {
            b.append(" REQUIRETLS");
        }
        if (features.dsn()) {
            if (!message.ret().isEmpty()) {
                b.append(" RET=").append(message.ret());
            }
            if (!message.envid().isEmpty()) {
                b.append(" ENVID=").append(Xtext.encode(message.envid()));
            }
        }
        return b.toString();
    }

    private String rcptCommand(Recipient r) {
        StringBuilder b = new StringBuilder("RCPT TO:<").append(message.recipient(r)).append('>');
        if (features.dsn()) {
            if (!r.notifyOn().isEmpty()) {
                b.append(" NOTIFY=").append(r.notifyOn().stream().map(Enum::name).sorted().collect(Collectors.joining(",")));
            }
            String orcpt = r.originalRecipient();
            int semi = orcpt.indexOf(';');
            if (semi > 0) {
                String type = orcpt.substring(0, semi);
                String address = orcpt.substring(semi + 1);
                b.append(" ORCPT=").append(type).append(';')
                        .append(type.equalsIgnoreCase("utf-8") ? address : Xtext.encode(address));
            }
        }
        return b.toString();
    }

    private RecipientResult accepted(Recipient r, SmtpReply reply) {
        Outcome outcome = features.dsn() ? Outcome.HANDED_OFF
                : settings.assumeFinal() ? Outcome.DELIVERED : Outcome.RELAYED;
        return result(r, outcome, reply.dsnStatus(), reply.text());
    }

    private RecipientResult failed(Recipient r, SmtpReply reply, String command) {
        return result(r, reply.permanentFailure() ? Outcome.BOUNCED : Outcome.DEFERRED, reply.dsnStatus(),
                session.said(reply, command));
    }

    private RecipientResult result(Recipient r, Outcome outcome, String dsn, String diagnostic) {
        return new RecipientResult(r, outcome, dsn, diagnostic, session.endpoint().relay());
    }

    private Map<Recipient, RecipientResult> all(List<Recipient> recipients, Outcome outcome, String dsn, String diagnostic) {
        recipients.forEach(r -> results.put(r, result(r, outcome, dsn, diagnostic)));
        return results;
    }

    /** A 421 reply: the server is going away. */
    private static final class ClosingException extends Exception {
        private static final long serialVersionUID = 1L;
        final transient SmtpReply reply;
        final String command;

        ClosingException(SmtpReply reply, String command) {
            super(null, null, false, false);
            this.reply = reply;
            this.command = command;
        }
    }
}
