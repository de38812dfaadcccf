// SPDX-License-Identifier: Apache-2.0
package org.postern.core.milter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.postern.api.milter.HeaderField;
import org.postern.core.cleanup.SpillBuffer;
import org.postern.core.message.Envelope;
import org.postern.core.queue.IncomingMessage;

/**
 * SUMMARY   A message whose content waits for the milters before it goes on to cleanup and
 *           the queue.
 * DESCRIPTION
 *   The content smtpd receives is held ({@link SpillBuffer}); {@link #headers} and {@link #body}
 *   give the milters what was received; {@link #release} then writes the content, edited as the
 *   milters asked (after the message underneath checked their headers: milter_header_checks in
 *   cleanup), into the message underneath, whose {@link #commit} follows. Nothing reaches
 *   the queue file before the milters have answered, so a rejected message leaves no trace.
 * SECURITY  Content is untrusted; see {@link SpillBuffer} for the memory bound.
 * BUGS      The milters see the message as received, without the Received: header cleanup adds
 *           (Postfix's milters see it).
 */
public final class HeldMessage implements IncomingMessage {

    private final IncomingMessage delegate;
    private final SpillBuffer held = new SpillBuffer(256 * 1024);
    private HeaderBlock.Parsed parsed;
    private boolean released;

    public HeldMessage(IncomingMessage delegate) {
        this.delegate = delegate;
    }

    @Override
    public String queueId() {
        return delegate.queueId();
    }

    @Override
    public void announce(Envelope preliminary) {
        delegate.announce(preliminary);
    }

    @Override
    public OutputStream content() {
        return held;
    }

    /** The received headers (reads the held content; call once, before {@link #body}). */
    public List<HeaderField> headers() throws IOException {
        parsed = HeaderBlock.parse(held.open());
        return parsed.headers();
    }

    /** The body after the headers, CRLF line ends. */
    public InputStream body() throws IOException {
        if (parsed == null) {
            headers();
        }
        return parsed.body();
    }

    /** Writes the content, with {@code edits} applied, into the message underneath. Blocks (I/O). */
    public void release(MessageEdits edits) throws IOException {
        released = true;
        edits = edits.checked(delegate::milterEdits);
        OutputStream out = delegate.content();
        if (!edits.changesContent()) {
            try (InputStream in = held.open()) {
                in.transferTo(out);
            }
        } else {
            try (InputStream in = held.open()) {
                edits.write(HeaderBlock.parse(in), out);
            }
        }
        out.flush();
        if (parsed != null) {
            parsed.body().close();
        }
        held.discard();
    }

    @Override
    public CompletableFuture<Void> commit(Envelope envelope) {
        if (!released) {
            try {
                release(MessageEdits.NONE);
            } catch (IOException | RuntimeException e) {
                delegate.close();
                return CompletableFuture.failedFuture(e);
            }
        }
        return delegate.commit(envelope);
    }

    @Override
    public void close() {
        if (parsed != null) {
            try {
                parsed.body().close();
            } catch (IOException e) {
                // the held copy is being discarded anyway
            }
        }
        held.discard();
        delegate.close();
    }
}
