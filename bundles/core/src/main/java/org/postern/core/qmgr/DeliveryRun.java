// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.postern.api.delivery.DeliveryAgent;
import org.postern.api.delivery.DeliveryRequest;
import org.postern.api.delivery.DeliveryResult;
import org.postern.api.delivery.Recipient;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.FileQueueStore;
import org.postern.core.queue.QueueFile;

/**
 * SUMMARY   One delivery job on a worker thread: the agent's results (or deferrals when
 *           defer_transports holds the transport or no agent is installed), made complete (one
 *           result per recipient) and softened by soft_bounce, then appended to the queue file
 *           (forced to disk) and logged, as Postfix's delivery agents report to qmgr.
 * SECURITY  The agent is plugin code: an exception or a missing result becomes a deferral.
 */
final class DeliveryRun {

    private final FileQueueStore store;

    DeliveryRun(FileQueueStore store) {
        this.store = store;
    }

    /** defer_transports: held back until postqueue -f (Postfix's "deferred transport"). */
    List<RecipientResult> deferredTransport(DeliveryJob job) {
        List<RecipientResult> out = new ArrayList<>();
        for (int i : job.recipients()) {
            out.add(new RecipientResult(recipient(job.message(), i), Outcome.DEFERRED, "4.3.2", "deferred transport", "none"));
        }
        return out;
    }

    List<RecipientResult> unavailable(DeliveryJob job) {
        List<RecipientResult> out = new ArrayList<>();
        for (int i : job.recipients()) {
            out.add(new RecipientResult(recipient(job.message(), i), Outcome.DEFERRED, "4.3.0",
                    "mail transport unavailable", "none"));
        }
        return out;
    }

    /**
     * Runs the agent; every recipient gets a result, whatever the agent does.
     *
     * @param softBounce soft_bounce = yes: a bounce becomes a deferral
     */
    List<RecipientResult> deliver(DeliveryAgent agent, TransportService transport, DeliveryJob job,
                                  boolean softBounce) {
        ActiveMessage m = job.message();
        List<Recipient> recipients = new ArrayList<>();
        for (int i : job.recipients()) {
            recipients.add(recipient(m, i));
        }
        DeliveryRequest request = new DeliveryRequest(m.queueId, transport.name(), job.route().nexthop(),
                m.envelope.sender(), recipients, new QueueContent(store, m.queueId, m.size), m.envelope.facts(),
                transport.arguments(), transport.settings());
        Map<Recipient, RecipientResult> byRecipient = new HashMap<>();
        try {
            DeliveryResult result = agent.deliver(request);
            if (result != null) {
                for (RecipientResult r : result.results()) {
                    byRecipient.putIfAbsent(r.recipient(), r);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            DeliveryLog.warn(m.queueId, "delivery agent " + transport.agent() + " failed: " + e);
        }
        List<RecipientResult> out = new ArrayList<>();
        for (Recipient r : recipients) {
            RecipientResult given = byRecipient.get(r);
            out.add(given != null ? (softBounce ? softBounce(given) : given) : new RecipientResult(r, Outcome.DEFERRED, "4.3.0",
                    "delivery agent " + transport.agent() + " gave no result", "none"));
        }
        return out;
    }

    /** soft_bounce = yes: a bounce becomes a deferral (5.x.x becomes 4.x.x), as Postfix's safety net. */
    private static RecipientResult softBounce(RecipientResult r) {
        if (r.outcome() != Outcome.BOUNCED) {
            return r;
        }
        String status = r.dsnStatus() != null && r.dsnStatus().startsWith("5") ? "4" + r.dsnStatus().substring(1) : "4.0.0";
        return new RecipientResult(r.recipient(), Outcome.DEFERRED, status, r.diagnostic(), r.relay());
    }

    static Recipient recipient(ActiveMessage m, int index) {
        EnvelopeRecipient r = m.envelope.recipients().get(index);
        return new Recipient(r.address(), r.originalRecipient() == null ? "" : r.originalRecipient(), r.notifyOn());
    }

    /** Appends the results to the queue file (forced to disk) and logs them. */
    void record(DeliveryJob job, List<RecipientResult> results, Instant started, Instant done) {
        ActiveMessage m = job.message();
        List<QueueFile.Record> records = new ArrayList<>();
        for (int k = 0; k < results.size(); k++) {
            RecipientResult r = results.get(k);
            records.add(new RecipientStatus(job.recipients().get(k), r.outcome(), done, r.dsnStatus(), r.relay(),
                    r.diagnostic()).toRecord());
        }
        try {
            if (!store.append(m.queueId, records)) {
                DeliveryLog.warn(m.queueId, "message removed during delivery: delivery status not recorded");
            }
        } catch (IOException e) {
            m.unrecorded.addAll(records);
            DeliveryLog.warn(m.queueId, "cannot record delivery status, will retry before the message is finished"
                    + " (if Postern stops first, these recipients are tried again): " + e.getMessage());
        }
        for (int k = 0; k < results.size(); k++) {
            EnvelopeRecipient er = m.envelope.recipients().get(job.recipients().get(k));
            DeliveryLog.delivery(job.route().transport(), m.queueId, er.address(), er.originalRecipient(),
                    results.get(k), m.envelope.arrival(), m.loadedAt, started, done);
        }
    }
}
