// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.Recipient;
import org.postern.api.message.DsnRequest;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.queue.QueueStore;

/**
 * Queues a message made by Postern itself (a forward from local delivery, a bounce) through
 * cleanup, and waits until it is on disk, with the original's ENVID= and RET=.
 */
final class Resubmission {

    private Resubmission() {
    }

    static String submit(QueueStore cleanup, Clock clock, String sender, List<Recipient> recipients,
                         MessageContent content, DsnRequest dsn) throws IOException {
        List<EnvelopeRecipient> rcpts = new ArrayList<>();
        for (Recipient r : recipients) {
            rcpts.add(new EnvelopeRecipient(r.address(), r.originalRecipient(), r.notifyOn()));
        }
        Envelope envelope = Envelope.builder(sender, rcpts, clock.instant()).dsn(dsn).build();
        try (IncomingMessage message = cleanup.receive()) {
            message.announce(envelope);
            try (InputStream in = content.open()) {
                OutputStream out = message.content();
                in.transferTo(out);
                out.flush();
            }
            message.commit(envelope).get();
            return message.queueId();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while queueing", e);
        } catch (ExecutionException e) {
            throw new IOException("cannot queue: " + e.getCause().getMessage(), e.getCause());
        }
    }
}
