// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.postern.core.message.Envelope;

/**
 * In-memory queue double for the layers above the store (cleanup, sendmail): records each
 * message's content, the announced and committed envelopes, and whether it was closed.
 */
public final class RecordingQueueStore implements QueueStore {

    public final List<Message> messages = new ArrayList<>();
    /** When set, content is only counted, not kept (large-message tests). */
    public boolean countOnly;
    /** When set, commit fails with it. */
    public Throwable failCommit;
    private int next = 1;

    @Override
    public synchronized Message receive() {
        Message m = new Message(String.format("4ABC%06d", next++));
        messages.add(m);
        return m;
    }

    public Message last() {
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

    /** One received message. */
    public final class Message implements IncomingMessage {
        public final String id;
        public final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        public long size;
        public Envelope announced;
        public Envelope committed;
        public boolean closed;

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
            return new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    size += len;
                    if (!countOnly) {
                        bytes.write(b, off, len);
                    }
                }
            };
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

        public String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
