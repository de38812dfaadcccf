// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A queue store in front of another: what it reads comes from the store underneath; a
 * subclass says what {@link #receive} puts in front of the new message (cleanup, milters).
 */
public abstract class ForwardingQueueStore implements QueueStore {

    protected final QueueStore delegate;

    protected ForwardingQueueStore(QueueStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<QueuedMessage> list(QueueName queue) throws IOException {
        return delegate.list(queue);
    }

    @Override
    public Optional<QueuedMessage> find(String queueId) throws IOException {
        return delegate.find(queueId);
    }

    @Override
    public InputStream content(String queueId) throws IOException {
        return delegate.content(queueId);
    }

    @Override
    public List<QueueFile.Record> appendedRecords(String queueId) throws IOException {
        return delegate.appendedRecords(queueId);
    }
}
