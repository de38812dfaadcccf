// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.util.List;
import java.util.Locale;

import org.postern.api.message.ClientFacts;
import org.postern.api.support.LogText;
import org.postern.core.cleanup.TableList.TableFailure;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.message.MessageActions;
import org.postern.core.smtp.SmtpReply;

/**
 * SUMMARY   What header_checks and body_checks decided about one message, and the log line for
 *           each decision: REJECT, DISCARD, HOLD, FILTER, REDIRECT, BCC, WARN, INFO, PASS, STRIP,
 *           IGNORE (header_checks(5)); also the rejections cleanup makes itself (hop count, MIME
 *           nesting) and table failures. After a reject, discard or failure the message is dead:
 *           nothing more is written.
 * SECURITY  The matched text is untrusted: logged truncated and made printable.
 */
final class ContentDecisions {

    private final String queueId;
    private final Envelope env;

    /** HOLD, DISCARD, FILTER, REDIRECT and BCC (the last one wins). */
    MessageActions actions = MessageActions.NONE;
    CleanupRejection rejection;
    TableFailure failure;
    private boolean passed;
    private boolean dead;
    /** milter_header_checks: logged "milter-header-reject: header ..." as Postfix's cleanup_milter.c. */
    private final boolean milter;

    ContentDecisions(String queueId, Envelope envelope) {
        this(queueId, envelope, false);
    }

    ContentDecisions(String queueId, Envelope envelope, boolean milter) {
        this.queueId = queueId;
        this.env = envelope;
        this.milter = milter;
    }

    /** PASS was seen: no more checks for this message. */
    boolean passed() {
        return passed;
    }

    boolean isDead() {
        return dead;
    }

    /**
     * The actions other than PREPEND and REPLACE; false when the line is to be dropped
     * (IGNORE, STRIP, or the message is rejected/discarded).
     */
    boolean act(Action a, String where, String what) {
        String t = a.text();
        switch (a.verb()) {
            case "REJECT":
                reject(rejectReply(t), where, what);
                return false;
            case "DISCARD":
                logAction("discard", where, what, t);
                actions = actions.withDiscard(where + " " + truncate(what) + (t.isEmpty() ? "" : ": " + t));
                dead = true;
                return false;
            case "IGNORE":
                return false;
            case "STRIP":
                logAction("strip", where, what, t);
                return false;
            case "WARN":
                logAction("warning", where, what, t);
                return true;
            case "INFO":
                logAction("info", where, what, t);
                return true;
            case "HOLD":
                logAction("hold", where, what, t);
                actions = actions.withHold(t.isEmpty() ? where + " " + truncate(what) : t);
                return true;
            case "FILTER":
                logAction("filter", where, what, t);
                actions = actions.withFilter(t);
                return true;
            case "REDIRECT":
                logAction("redirect", where, what, t);
                actions = actions.withRedirect(t);
                return true;
            case "BCC":
                logAction("bcc", where, what, t);
                actions = actions.withBcc(t);
                return true;
            case "PASS":
                logAction("pass", where, what, t);
                passed = true;
                return true;
            case "DUNNO":
            case "OK":
                return true;
            default:
                ContentProcessor.LOG.warn("{}: warning: unknown command in {}{}_checks: \"{}\"", queueId,
                        milter ? "milter_" : "", where, LogText.printable(a.verb()));
                return true;
        }
    }

    /** "REJECT [d.d.d] text": 550 5.7.1 (451 for a 4.x.x status), default "message content rejected". */
    static SmtpReply rejectReply(String text) {
        String t = text.strip();
        String dsn = "5.7.1";
        int sp = t.indexOf(' ');
        String head = sp < 0 ? t : t.substring(0, sp);
        if (head.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            dsn = head.charAt(0) == '2' ? "5" + head.substring(1) : head;
            t = sp < 0 ? "" : t.substring(sp + 1).strip();
        }
        if (t.isEmpty()) {
            t = "message content rejected";
        }
        return new SmtpReply(dsn.startsWith("4") ? 451 : 550, dsn, t.replace('\r', ' ').replace('\n', ' '));
    }

    void reject(SmtpReply reply, String where, String what) {
        if (rejection == null) {
            logAction("reject", where, what, reply.enhancedCode() + " " + reply.text());
            rejection = new CleanupRejection(reply);
        }
        dead = true;
    }

    void fail(TableFailure e) {
        if (failure == null) {
            ContentProcessor.LOG.warn("{}: warning: {}", queueId, e.getMessage());
            failure = e;
        }
        dead = true;
    }

    /** Postfix's line: "ID: reject: header Subject: x from host[addr]; from=<s> to=<r> proto=ESMTP helo=<h>: text". */
    private void logAction(String action, String where, String what, String text) {
        ClientFacts c = env.client();
        StringBuilder b = new StringBuilder();
        String label = milter ? "milter-" + where + "-" + action : action;
        String line = milter && what.length() > 60 ? what.substring(0, 60) : what;
        b.append(queueId).append(": ").append(label).append(": ").append(where).append(' ').append(LogText.printable(line));
        if (c.isRemote()) {
            b.append(" from ").append(c.name().isEmpty() ? "unknown" : c.name()).append('[').append(c.address()).append(']');
        } else {
            b.append(" from local");
        }
        b.append("; from=<").append(LogText.printable(env.sender())).append('>');
        List<EnvelopeRecipient> r = env.recipients();
        if (!r.isEmpty()) {
            b.append(" to=<").append(LogText.printable(r.get(0).address())).append('>');
        }
        if (!c.protocol().isEmpty()) {
            b.append(" proto=").append(c.protocol());
        }
        if (!c.heloName().isEmpty()) {
            b.append(" helo=<").append(LogText.printable(c.heloName())).append('>');
        }
        if (!text.isEmpty()) {
            b.append(": ").append(LogText.printable(text));
        }
        if (action.equals("warning")) {
            ContentProcessor.LOG.warn(b.toString());
        } else {
            ContentProcessor.LOG.info(b.toString());
        }
    }

    static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    /** One header_checks/body_checks result: the action word and its text. */
    record Action(String verb, String text) {
        static Action lookup(TableList tables, String line) throws TableFailure {
            if (tables.isEmpty()) {
                return null;
            }
            var found = tables.find(line, false);
            if (found.isEmpty()) {
                return null;
            }
            String v = found.get().strip();
            int sp = 0;
            while (sp < v.length() && !Character.isWhitespace(v.charAt(sp))) {
                sp++;
            }
            return new Action(v.substring(0, sp).toUpperCase(Locale.ROOT), v.substring(sp).strip());
        }
    }
}
