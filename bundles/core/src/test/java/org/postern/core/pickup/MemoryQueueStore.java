// SPDX-License-Identifier: Apache-2.0
package org.postern.core.pickup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.postern.core.queue.Envelope;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.queue.QueueName;
import org.postern.core.queue.QueueStore;
import org.postern.core.queue.QueuedMessage;

/** In-memory queue double: records content, the announced and committed envelopes. */
final class MemoryQueueStore implements QueueStore {

    final List<Message> messages = new ArrayList<>();
    /** When set, commit fails with it. */
    Throwable failCommit;
    private int next = 1;

    @Override
    public synchronized Message receive() {
        Message m = new Message(String.format("4ABC%06d", next++));
        messages.add(m);
        return m;
    }

    Message last() {
        return messages.get(messages.size() - 1);
    }

    @Override
    public List<QueuedMessage> list(QueueName queue) {
        return List.of();
    }

    @Override
    public Optional<QueuedMessage> find(String queueId) {
        return Optional.empty();
    }

    @Override
    public InputStream content(String queueId) {
        return new ByteArrayInputStream(messages.stream().filter(m -> m.id.equals(queueId)).findFirst()
                .orElseThrow().bytes.toByteArray());
    }

    final class Message implements IncomingMessage {
        final String id;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Envelope announced;
        Envelope committed;
        boolean closed;

        Message(String id) {
            this.id = id;
        }

        @Override
        public String queueId() {
            return id;
        }

        @Override
        public void announce(Envelope preliminary) {
            announced = preliminary;
        }

        @Override
        public OutputStream content() {
            return bytes;
        }

        @Override
        public CompletableFuture<Void> commit(Envelope envelope) {
            if (failCommit != null) {
                return CompletableFuture.failedFuture(failCommit);
            }
            committed = envelope;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            closed = true;
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
