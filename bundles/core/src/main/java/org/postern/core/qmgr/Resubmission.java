// SPDX-License-Identifier: Apache-2.0
package org.postern.core.qmgr;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.postern.api.delivery.MessageContent;
import org.postern.api.delivery.Recipient;
import org.postern.core.queue.Envelope;
import org.postern.core.queue.EnvelopeRecipient;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.queue.QueueStore;

/**
 * Queues a message made by Postern itself (a forward from local delivery, a bounce) through
 * cleanup, and waits until it is on disk. {@code dsn_envid} and {@code dsn_ret} attributes
 * become the envelope's DSN fields; the others are envelope attributes.
 */
final class Resubmission {

    private Resubmission() {
    }

    static String submit(QueueStore cleanup, Clock clock, String sender, List<Recipient> recipients,
                         MessageContent content, Map<String, String> attributes) throws IOException {
        List<EnvelopeRecipient> rcpts = new ArrayList<>();
        for (Recipient r : recipients) {
            rcpts.add(new EnvelopeRecipient(r.address(), r.originalRecipient(), r.notifyOn()));
        }
        Map<String, String> attrs = new java.util.HashMap<>(attributes);
        String envid = java.util.Objects.requireNonNullElse(attrs.remove("dsn_envid"), "");
        String ret = java.util.Objects.requireNonNullElse(attrs.remove("dsn_ret"), "");
        Envelope envelope = new Envelope(sender, rcpts, clock.instant(), envid, ret, attrs);
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
