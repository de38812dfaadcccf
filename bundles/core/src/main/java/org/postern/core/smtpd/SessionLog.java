// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.function.Supplier;

import org.postern.api.support.LogText;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.restrict.CheckResult;
import org.postern.core.smtpd.restrict.MessageAction;

/**
 * SUMMARY   The log lines of one session in Postfix smtpd's grammar: "reject:", "warn:",
 *           "hold:" and "discard:" with their from=/to=/proto=/helo= context.
 * SECURITY  Addresses, HELO names and reasons are client- or table-supplied: made printable.
 */
final class SessionLog {

    private final String service;
    private final ClientIdentity client;
    private final Supplier<Transaction> current;
    private volatile SmtpReply milterReply;

    /** @param current the session's current transaction (null when none) */
    SessionLog(String service, ClientIdentity client, Supplier<Transaction> current) {
        this.service = service;
        this.client = client;
        this.current = current;
    }

    void info(String message) {
        SmtpdLog.info(service, null, message);
    }

    void info(String queueId, String message) {
        SmtpdLog.info(service, queueId, message);
    }

    void warn(String message) {
        SmtpdLog.warn(service, null, message);
    }

    void warn(String queueId, String message) {
        SmtpdLog.warn(service, queueId, message);
    }

    /** The client as Postfix logs it: name[address]. */
    String client() {
        return client.client();
    }

    /** A milter's refusal, logged as "milter-reject:" when it is the one rejected (set off the event loop). */
    void milterRefusal(SmtpReply reply) {
        milterReply = reply;
    }

    /** "QUEUEID: milter-discard: END-OF-MESSAGE from ..." and "milter-hold:", as Postfix's cleanup. */
    void milterAction(Transaction t, String what, String reason) {
        SmtpdLog.info(service, t.queueId(), t.queueId() + ": " + what + ": END-OF-MESSAGE from " + client() + ": "
                + LogText.printable(reason) + ";" + context(t, t.recipients.size() == 1
                ? t.recipients.get(0).address() : null));
    }

    /** "NOQUEUE: reject: ..." (or the queue ID) for the current transaction. */
    void reject(String command, SmtpReply reply, String recipient) {
        reject(current.get(), command, reply, recipient);
    }

    void reject(Transaction t, String command, SmtpReply reply, String recipient) {
        String id = t == null ? "NOQUEUE" : t.queueId();
        String what = reply == milterReply ? "milter-reject" : "reject";
        SmtpdLog.info(service, t == null ? null : id, id + ": " + what + ": " + command + " from " + client() + ": "
                + reply + ";" + context(t, recipient));
    }

    /**
     * "QUEUEID: milter-reject: END-OF-MESSAGE from host[addr]: 5.7.1 text; from=&lt;&gt; ...": as
     * Postfix's cleanup logs a filter's refusal of the content, the reply without its code.
     */
    void milterEndOfMessageReject(Transaction t, SmtpReply reply, String recipient) {
        String text = reply.enhancedCode().isEmpty() ? reply.text() : reply.enhancedCode() + " " + reply.text();
        SmtpdLog.info(service, t.queueId(), t.queueId() + ": milter-reject: END-OF-MESSAGE from " + client() + ": "
                + text + ";" + context(t, recipient));
    }

    /** The "hold:" and "discard:" lines Postfix's smtpd logs when an access action fires. */
    void actions(Transaction t, String command, CheckResult result, String recipient) {
        for (MessageAction action : result.actions()) {
            String what;
            String reason;
            if (action instanceof MessageAction.Hold hold) {
                what = "hold";
                reason = hold.reason();
            } else if (action instanceof MessageAction.Discard discard) {
                what = "discard";
                reason = discard.reason();
            } else {
                continue;
            }
            SmtpdLog.info(service, t.message == null ? null : t.queueId(), t.queueId() + ": " + what + ": "
                    + command + " from " + client() + ": " + LogText.printable(reason) + ";" + context(t, recipient));
        }
    }

    /** The "warn:" lines of the restrictions (warn_if_reject). */
    void warnings(CheckResult result, String command, String recipient) {
        for (String w : result.warnings()) {
            Transaction t = current.get();
            String id = t == null ? "NOQUEUE" : t.queueId();
            SmtpdLog.info(service, null, id + ": warn: " + command + " from " + client() + ": "
                    + LogText.printable(w) + ";" + context(t, recipient));
        }
    }

    private String context(Transaction t, String recipient) {
        StringBuilder sb = new StringBuilder();
        if (t != null) {
            sb.append(" from=<").append(LogText.printable(t.sender())).append('>');
        }
        if (recipient != null) {
            sb.append(" to=<").append(LogText.printable(recipient)).append('>');
        }
        sb.append(" proto=").append(client.baseProtocol());
        if (client.helo() != null) {
            sb.append(" helo=<").append(LogText.printable(client.helo())).append('>');
        }
        return sb.toString();
    }
}
