// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.core.message.Envelope;
import org.postern.core.queue.QueueFile;
import org.postern.core.queue.QueueName;

/**
 * A message the queue manager is working on: its envelope and what has happened to each
 * recipient so far (from the queue file's delivery records plus this round's results).
 * Owned by the scheduler thread, handed to one worker at a time for finishing.
 */
final class ActiveMessage {

    final String queueId;
    final Envelope envelope;
    final long size;
    final Instant loadedAt;
    QueueName queue;
    /** Final results by recipient index (D records). */
    final Map<Integer, RecipientStatus> finals = new LinkedHashMap<>();
    /** The latest deferral by recipient index, this round or earlier (E records). */
    final Map<Integer, RecipientStatus> deferrals = new LinkedHashMap<>();
    /** Recipients deferred this round because their transport has no agent now, by transport. */
    final Set<String> missingTransports = new HashSet<>();
    boolean warned;
    boolean notified;
    /** Loaded by postqueue -f/-i/-s: defer_transports do not hold it back. */
    boolean forced;
    int jobsOutstanding;
    /**
     * Status records that delivery could not append (a disk error): appended before the
     * message is finished, so that the message is never removed or deferred without them.
     */
    final List<QueueFile.Record> unrecorded = Collections.synchronizedList(new ArrayList<>());

    ActiveMessage(String queueId, QueueName queue, Envelope envelope, long size, List<QueueFile.Record> records,
                  Instant loadedAt) {
        this.queueId = queueId;
        this.queue = queue;
        this.envelope = envelope;
        this.size = size;
        this.loadedAt = loadedAt;
        for (RecipientStatus s : RecipientStatus.read(records)) {
            if (s.outcome() == Outcome.DEFERRED) {
                deferrals.put(s.index(), s);
            } else {
                finals.put(s.index(), s);
                deferrals.remove(s.index());
            }
        }
        this.warned = RecipientStatus.has(records, RecipientStatus.WARNED);
        this.notified = RecipientStatus.has(records, RecipientStatus.NOTIFIED);
    }

    /** Recipient indexes without a final result. */
    List<Integer> pending() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < envelope.recipients().size(); i++) {
            if (!finals.containsKey(i)) {
                out.add(i);
            }
        }
        return out;
    }

    void record(RecipientStatus status) {
        if (status.outcome() == Outcome.DEFERRED) {
            deferrals.put(status.index(), status);
        } else {
            finals.put(status.index(), status);
            deferrals.remove(status.index());
        }
    }
}
