// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** The durable mail queue under queue_directory. Implementations are thread-safe. */
public interface QueueStore {

    /** Starts receiving a new message (allocates its queue ID). */
    IncomingMessage receive() throws IOException;

    /** The committed messages of one queue, oldest first. */
    List<QueuedMessage> list(QueueName queue) throws IOException;

    /** One message by queue ID, in whatever queue it is. */
    Optional<QueuedMessage> find(String queueId) throws IOException;

    /** Its content (headers and body); the caller closes the stream. */
    InputStream content(String queueId) throws IOException;

    /**
     * Records appended to the message's file after commit (per-recipient status), in file
     * order; empty when there are none or the message is gone.
     */
    default List<QueueFile.Record> appendedRecords(String queueId) throws IOException {
        return List.of();
    }
}
