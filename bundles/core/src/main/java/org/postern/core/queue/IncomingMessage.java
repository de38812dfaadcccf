// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.postern.api.milter.Modification;
import org.postern.core.message.Envelope;

/**
 * A message being received into the incoming queue. The content is streamed as it arrives;
 * nothing is visible to the queue manager until {@link #commit} completes.
 *
 * <p>Durability contract: the future returned by {@link #commit} completes only after the
 * message file and its directory entry are on disk (fsync). The SMTP server replies 250 when
 * it completes, never before. Closing without commit discards the message.
 */
public interface IncomingMessage extends AutoCloseable {

    /** The queue ID, as logged and shown by mailq. */
    String queueId();

    /**
     * What the receiver knows before the content: the envelope as it stands at DATA. A layer
     * that writes headers first (cleanup's Received:) needs it to stream the content instead
     * of holding it until commit. Call before {@link #content()}; stores ignore it.
     */
    default void announce(Envelope preliminary) {
    }

    /**
     * The milters' modifications, before they are applied to the content: cleanup runs
     * milter_header_checks on the headers they add or change and returns what is left to apply
     * (its REJECT, HOLD, DISCARD ... take effect at {@link #commit}); a plain store returns them
     * as they are. Call after {@link #announce}, before {@link #content()}.
     */
    default List<Modification> milterEdits(List<Modification> modifications) {
        return modifications;
    }

    /** Headers and body as received (dot-unstuffed, CRLF line ends). Not thread-safe. */
    OutputStream content() throws IOException;

    /** Makes the message durable and visible; completes exceptionally when that failed (then reply 4xx). */
    CompletableFuture<Void> commit(Envelope envelope);

    /** Discards the message unless it was committed. */
    @Override
    void close();
}
