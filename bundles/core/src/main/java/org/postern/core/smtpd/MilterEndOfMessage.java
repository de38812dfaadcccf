// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.postern.api.milter.EndOfMessage;
import org.postern.api.milter.MilterReply;
import org.postern.api.milter.Modification;
import org.postern.core.milter.HeldMessage;
import org.postern.core.milter.MessageEdits;
import org.postern.core.smtp.SmtpReply;

/**
 * SUMMARY   The end of a message that waited for the milters: the filters see it, then it is
 *           refused, or written to cleanup with their modifications and committed.
 * DESCRIPTION
 *   Runs after the END_OF_DATA restrictions accepted the message. Off the event loop the
 *   filters get headers and body ({@link SmtpdMilters#endOfMessage}); a refusal (reject,
 *   tempfail, replycode with every line of its text, a default action) is logged as
 *   "QUEUEID: milter-reject: END-OF-MESSAGE from host[addr]: 5.7.1 ...; from=<> to=<> proto=
 *   helo=<>" and the queue file is removed; otherwise the held content goes to cleanup with the
 *   header and body modifications applied, still off the event loop, and the caller commits
 *   with the envelope changes. Discard is logged "milter-discard:", quarantine "milter-hold:"
 *   with the filter's reason (the message goes to the hold queue). A message whose
 *   recipients were all deleted is discarded.
 * SECURITY  What the filters send is trusted configuration; the content is the client's.
 */
final class MilterEndOfMessage {

    /** A refusal to answer, or the edits to commit with (both null: the transaction is gone). */
    record Outcome(Object refusal, MessageEdits edits) {
    }

    private MilterEndOfMessage() {
    }

    static void run(SmtpSession s, Transaction t, HeldMessage held, Consumer<Outcome> then) {
        Map<String, String> macros = s.milters.macros(t, null);
        s.milterAsync(() -> {
            EndOfMessage eom = s.milters.endOfMessage(held, macros);
            if (eom.reply() instanceof MilterReply.Refuse) {
                return eom;
            }
            try {
                held.release(new MessageEdits(eom.modifications(), Optional.empty()));
                return eom;
            } catch (IOException | RuntimeException e) {
                return e;
            }
        }, value -> {
            s.milters.messageDone();
            if (value instanceof Exception e) {
                s.log.warn(t.queueId(), t.queueId() + ": queue file write error: " + e);
                s.abortTransaction();
                s.milters.messageDone();
                then.accept(new Outcome(SmtpdReplies.QUEUE_FILE_WRITE_ERROR, null));
                return;
            }
            EndOfMessage eom = (EndOfMessage) value;
            String rcpt = t.recipients.size() == 1 ? t.recipients.get(0).address() : null;
            if (eom.reply() instanceof MilterReply.Refuse r) {
                SmtpReply first = SmtpdMilters.reply(r);
                s.log.milterEndOfMessageReject(t, first, rcpt);
                s.abortTransaction();
                s.milters.messageDone();
                then.accept(new Outcome(response(r), null));
                return;
            }
            if (t != s.tx() || !s.ctx().channel().isActive()) {
                s.abortTransaction();
                then.accept(new Outcome(null, null));
                return;
            }
            Optional<String> hold = eom.quarantine();
            if (eom.reply() instanceof MilterReply.Quarantine q) {
                hold = Optional.of(q.reason().isEmpty() ? SmtpdMilters.HOLD_REASON : q.reason());
            }
            hold.ifPresent(reason -> s.log.milterAction(t, "milter-hold", reason));
            List<Modification> modifications = new ArrayList<>(eom.modifications());
            MessageEdits edits = new MessageEdits(modifications, hold);
            if (eom.reply() instanceof MilterReply.Discard) {
                s.log.milterAction(t, "milter-discard", SmtpdMilters.DISCARD_REASON);
                t.actions.add(new org.postern.core.smtpd.restrict.MessageAction.Discard(SmtpdMilters.DISCARD_REASON));
            } else if (edits.removesEveryRecipient(EnvelopeBuilder.envelope(t, s.client, s.security, s.st,
                    s.cx.service()))) {
                s.log.milterAction(t, "milter-discard", "milter removed every recipient");
                t.actions.add(new org.postern.core.smtpd.restrict.MessageAction.Discard("milter removed every recipient"));
                edits = new MessageEdits(List.of(), hold);
            }
            then.accept(new Outcome(null, edits));
        });
    }

    /** Every line of a filter's reply text. */
    private static Object response(MilterReply.Refuse r) {
        return SmtpdReplies.lines(SmtpdMilters.reply(r), r.lines().subList(1, r.lines().size()));
    }
}
