// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.support.LogText;
import org.postern.core.queue.FileQueueStore;
import org.postern.core.queue.QueueFile;
import org.postern.core.queue.QueueName;

/**
 * SUMMARY   A message whose delivery jobs are all done, as Postfix's qmgr finishes one: pending
 *           recipients past maximal_queue_lifetime (bounce_queue_lifetime for bounces) bounce;
 *           with nothing pending, the final notices go out and the file is removed; otherwise
 *           a delay warning once after delay_warning_time, the next attempt by the backoff, and
 *           the file moves to the deferred queue. Runs on a worker thread (it does I/O).
 */
final class MessageCompletion {

    private final FileQueueStore store;
    private final Notices notices;
    private final Clock clock;

    MessageCompletion(FileQueueStore store, Notices notices, Clock clock) {
        this.store = store;
        this.notices = notices;
        this.clock = clock;
    }

    /** Returns when the message is due again, or null when it is gone. */
    Instant finish(ActiveMessage m, QmgrSettings s) throws IOException {
        if (!appendUnrecorded(m)) {
            return null;
        }
        Instant now = clock.instant();
        List<Integer> pending = m.pending();
        if (!pending.isEmpty() && expired(m, s, now)) {
            List<QueueFile.Record> records = new ArrayList<>();
            for (int i : pending) {
                RecipientStatus last = m.deferrals.get(i);
                String diagnostic = last == null ? "message expired" : last.diagnostic();
                RecipientStatus bounced = new RecipientStatus(i, Outcome.BOUNCED, now,
                        last == null ? "4.4.7" : last.dsnStatus(), last == null ? "none" : last.relay(),
                        "message expired in queue: " + diagnostic);
                records.add(bounced.toRecord());
                m.record(bounced);
                DeliveryLog.qmgr(m.queueId, m.queueId + ": to=<" + LogText.printable(m.envelope.recipients().get(i).address())
                        + ">, status=expired, returned to sender");
            }
            store.append(m.queueId, records);
            pending = List.of();
        }
        if (pending.isEmpty()) {
            if (!m.notified) {
                notices.finalNotices(m, store);
                store.append(m.queueId, List.of(RecipientStatus.marker(RecipientStatus.NOTIFIED)));
            }
            store.remove(m.queueId);
            return null;
        }
        if (!m.warned && !s.delayWarningTime().isZero()
                && Duration.between(m.envelope.arrival(), now).compareTo(s.delayWarningTime()) >= 0) {
            notices.delayNotice(m, store);
            store.append(m.queueId, List.of(RecipientStatus.marker(RecipientStatus.WARNED)));
            m.warned = true;
        }
        Instant next = s.backoff().next(m.envelope.arrival(), now);
        store.setNextAttempt(m.queueId, next);   // first: the rename keeps it, so a deferred file is never "due"
        if (m.queue != QueueName.DEFERRED) {
            store.move(m.queueId, QueueName.DEFERRED);
            m.queue = QueueName.DEFERRED;
        }
        return next;
    }

    /** Appends the status records delivery could not write; false when the message is gone. */
    private boolean appendUnrecorded(ActiveMessage m) throws IOException {
        List<QueueFile.Record> pending;
        synchronized (m.unrecorded) {
            pending = List.copyOf(m.unrecorded);
        }
        if (pending.isEmpty()) {
            return true;
        }
        boolean present = store.append(m.queueId, pending);
        synchronized (m.unrecorded) {
            m.unrecorded.subList(0, pending.size()).clear();
        }
        if (present) {
            DeliveryLog.qmgr(m.queueId, m.queueId + ": delivery status recorded after an earlier write error");
        }
        return present;
    }

    private static boolean expired(ActiveMessage m, QmgrSettings s, Instant now) {
        Duration lifetime = m.envelope.sender().isEmpty() ? s.bounceQueueLifetime() : s.maximalQueueLifetime();
        return !Duration.between(m.envelope.arrival(), now).minus(lifetime).isNegative();
    }
}
