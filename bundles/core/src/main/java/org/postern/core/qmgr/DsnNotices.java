// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.MessageSubmitter;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.message.DsnRequest;
import org.postern.core.bounce.BounceSettings;
import org.postern.core.bounce.DsnAction;
import org.postern.core.bounce.DsnBuilder;
import org.postern.core.bounce.DsnKind;
import org.postern.core.bounce.DsnMessage;
import org.postern.core.bounce.OriginalMessage;
import org.postern.core.bounce.RecipientReport;
import org.postern.core.config.PostfixConfig;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.FileQueueStore;

/**
 * SUMMARY   Which notices a finished (or long-deferred) message gets, and queueing them.
 * DESCRIPTION
 *   Failures go to the sender for recipients whose NOTIFY includes FAILURE (the default);
 *   success notices for NOTIFY=SUCCESS recipients that were delivered, relayed or expanded
 *   (not for those handed off to a DSN-capable next hop); delay notices for NOTIFY=DELAY (or
 *   default) recipients once delay_warning_time has passed. notify_classes "bounce" and
 *   "delay" add postmaster copies. A bounce of a message from the null sender goes to
 *   2bounce_notice_recipient when notify_classes has "2bounce", and is otherwise dropped
 *   with an info line (not a warning: the Postfix wishlist notes that this is usually spam).
 *   Notices go through cleanup (MessageSubmitter) and are on disk before this returns.
 * SEE ALSO  Postfix bounce(8), postconf(5) notify_classes, RFC 3461.
 */
final class DsnNotices implements Notices {

    private final MessageSubmitter submitter;
    private final DsnBuilder builder;
    private final Set<String> notifyClasses;

    DsnNotices(MessageSubmitter submitter, PostfixConfig config) {
        this.submitter = submitter;
        this.builder = new DsnBuilder(BounceSettings.from(name -> config.find(name).orElse(null)));
        this.notifyClasses = Set.copyOf(config.list("notify_classes"));
    }

    @Override
    public void finalNotices(ActiveMessage m, FileQueueStore store) throws IOException {
        List<RecipientReport> failed = new ArrayList<>();
        List<RecipientReport> succeeded = new ArrayList<>();
        for (Map.Entry<Integer, RecipientStatus> e : m.finals.entrySet()) {
            EnvelopeRecipient r = m.envelope.recipients().get(e.getKey());
            RecipientStatus s = e.getValue();
            if (s.outcome() == Outcome.BOUNCED && wants(r, DsnNotify.FAILURE)) {
                failed.add(report(r, DsnAction.FAILED, s));
            } else if (successAction(s.outcome()).isPresent() && r.notifyOn().contains(DsnNotify.SUCCESS)) {
                succeeded.add(report(r, successAction(s.outcome()).get(), s));
            }
        }
        OriginalMessage original = original(m, store);
        if (!failed.isEmpty()) {
            if (!m.envelope.sender().isEmpty()) {
                send(builder.toSender(DsnKind.FAILURE, original, failed));
            } else if (notifyClasses.contains("2bounce")) {
                send(builder.doubleBounce(original, failed));
            } else {
                DeliveryLog.qmgr(m.queueId, m.queueId + ": undeliverable postmaster notification discarded");
            }
            if (notifyClasses.contains("bounce") && !m.envelope.sender().isEmpty()) {
                send(builder.postmasterCopy(DsnKind.FAILURE, original, failed));
            }
        }
        if (!succeeded.isEmpty() && !m.envelope.sender().isEmpty()) {
            send(builder.toSender(DsnKind.SUCCESS, original, succeeded));
        }
    }

    @Override
    public void delayNotice(ActiveMessage m, FileQueueStore store) throws IOException {
        List<RecipientReport> delayed = new ArrayList<>();
        for (int i : m.pending()) {
            EnvelopeRecipient r = m.envelope.recipients().get(i);
            RecipientStatus s = m.deferrals.get(i);
            if (s != null && wants(r, DsnNotify.DELAY)) {
                delayed.add(report(r, DsnAction.DELAYED, s));
            }
        }
        if (delayed.isEmpty()) {
            return;
        }
        OriginalMessage original = original(m, store);
        if (!m.envelope.sender().isEmpty()) {
            send(builder.toSender(DsnKind.DELAY, original, delayed));
        }
        if (notifyClasses.contains("delay")) {
            send(builder.postmasterCopy(DsnKind.DELAY, original, delayed));
        }
    }

    /** NOTIFY= asks for this kind: an empty NOTIFY means FAILURE,DELAY (RFC 3461); NEVER means none. */
    private static boolean wants(EnvelopeRecipient r, DsnNotify kind) {
        if (r.notifyOn().contains(DsnNotify.NEVER)) {
            return false;
        }
        return r.notifyOn().isEmpty() ? kind != DsnNotify.SUCCESS : r.notifyOn().contains(kind);
    }

    private static Optional<DsnAction> successAction(Outcome outcome) {
        return switch (outcome) {
            case DELIVERED -> Optional.of(DsnAction.DELIVERED);
            case RELAYED -> Optional.of(DsnAction.RELAYED);
            case EXPANDED -> Optional.of(DsnAction.EXPANDED);
            default -> Optional.empty();
        };
    }

    private static RecipientReport report(EnvelopeRecipient r, DsnAction action, RecipientStatus s) {
        String relay = s.relay() == null || s.relay().equals("none") ? "" : s.relay();
        return new RecipientReport(r.address(), r.originalRecipient(), action, s.dsnStatus(), s.diagnostic(),
                relay, Optional.of(s.when()));
    }

    private static OriginalMessage original(ActiveMessage m, FileQueueStore store) {
        return new OriginalMessage(m.queueId, m.envelope.sender(), m.envelope.arrival(), m.envelope.dsn().envelopeId(),
                m.envelope.dsn().ret().keyword(), m.envelope.messageId(),
                new QueueContent(store, m.queueId, m.size));
    }

    private void send(DsnMessage notice) throws IOException {
        List<Recipient> recipients = new ArrayList<>();
        for (String address : notice.recipients()) {
            recipients.add(new Recipient(address, "", Set.of(DsnNotify.NEVER)));
        }
        byte[] bytes = notice.content();
        MessageContent content = new MessageContent() {
            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public long size() {
                return bytes.length;
            }
        };
        submitter.submit(notice.sender(), recipients, content, DsnRequest.NONE);
    }
}
