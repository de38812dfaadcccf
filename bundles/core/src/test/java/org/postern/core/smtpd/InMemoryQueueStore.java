// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.postern.core.message.Envelope;
import org.postern.core.queue.IncomingMessage;
import org.postern.core.queue.QueueName;
import org.postern.core.queue.QueueStore;
import org.postern.core.queue.QueuedMessage;

/** A QueueStore test double in memory; can fail commits and counts discarded messages. */
final class InMemoryQueueStore implements QueueStore {

    record Stored(String queueId, Envelope envelope, byte[] content) {
        String text() {
            return new String(content, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final AtomicInteger ids = new AtomicInteger();
    final List<Stored> committed = new CopyOnWriteArrayList<>();
    final AtomicInteger discarded = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    private final Map<String, Stored> byId = new ConcurrentHashMap<>();
    volatile boolean failCommits;
    /** When set, every commit fails with this (e.g. a CleanupRejection wrapped in a CompletionException). */
    volatile Throwable commitFailure;
    /**
     * When set, a commit completes only when {@link #completePendingCommits} or
     * {@link #failPendingCommits} is called, as a real commit completes only once its syncs
     * are done: a test can show that no reply goes out before.
     */
    volatile boolean holdCommits;
    private final List<Runnable> onComplete = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();

    int pendingCommits() {
        return pending.size();
    }

    void completePendingCommits() {
        onComplete.forEach(Runnable::run);
        onComplete.clear();
        pending.forEach(f -> f.complete(null));
        pending.clear();
    }

    void failPendingCommits(Throwable failure) {
        onComplete.clear();
        pending.forEach(f -> f.completeExceptionally(failure));
        pending.clear();
    }
    /** When set, writing content fails with this (e.g. "File too large", "No space left on device"). */
    volatile IOException writeFailure;

    /** When set, creating a queue file fails with this. */
    volatile IOException receiveFailure;

    @Override
    public IncomingMessage receive() throws IOException {
        if (receiveFailure != null) {
            throw receiveFailure;
        }
        opened.incrementAndGet();
        String id = String.format("4Xtest%04d", ids.incrementAndGet());
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        return new IncomingMessage() {
            private boolean done;

            @Override
            public String queueId() {
                return id;
            }

            @Override
            public OutputStream content() {
                return new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        if (writeFailure != null) {
                            throw writeFailure;
                        }
                        buffer.write(b, off, len);
                    }
                };
            }

            @Override
            public CompletableFuture<Void> commit(Envelope envelope) {
                if (commitFailure != null) {
                    return CompletableFuture.failedFuture(commitFailure);
                }
                if (failCommits) {
                    return CompletableFuture.failedFuture(new IOException("disk full"));
                }
                done = true;
                Stored s = new Stored(id, envelope, buffer.toByteArray());
                Runnable store = () -> {
                    byId.put(id, s);
                    committed.add(s);
                };
                if (holdCommits) {
                    CompletableFuture<Void> commit = new CompletableFuture<>();
                    onComplete.add(store);
                    pending.add(commit);
                    return commit;
                }
                store.run();
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void close() {
                if (!done) {
                    done = true;
                    discarded.incrementAndGet();
                }
            }
        };
    }

    @Override
    public List<QueuedMessage> list(QueueName queue) {
        List<QueuedMessage> out = new ArrayList<>();
        for (Stored s : committed) {
            out.add(new QueuedMessage(s.queueId(), QueueName.INCOMING, s.content().length, s.envelope()));
        }
        return out;
    }

    @Override
    public Optional<QueuedMessage> find(String queueId) {
        Stored s = byId.get(queueId);
        return s == null ? Optional.empty()
                : Optional.of(new QueuedMessage(s.queueId(), QueueName.INCOMING, s.content().length, s.envelope()));
    }

    @Override
    public InputStream content(String queueId) throws IOException {
        Stored s = byId.get(queueId);
        if (s == null) {
            throw new IOException("no such message: " + queueId);
        }
        return new ByteArrayInputStream(s.content());
    }
}
