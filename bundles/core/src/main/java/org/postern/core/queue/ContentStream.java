// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

import org.postern.core.message.Envelope;

/**
 * The content sink: buffers, counts, checksums. A small message leaves in one gather
 * write together with its header and envelope records at commit.
 */
final class ContentStream extends OutputStream {
    private static final int BUFFER_SIZE = 32 * 1024;

    private final FileChannel channel;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private final CRC32C crc = new CRC32C();
    private int used;
    private long written; // bytes already in the file, after the header
    private long count;
    private IOException failure;
    private boolean finished;

    ContentStream(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
        if (finished) {
            throw new IOException("message already committed");
        }
        if (used == buffer.length) {
            drain();
        }
        buffer[used++] = (byte) b;
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (finished) {
            throw new IOException("message already committed");
        }
        int o = off;
        int n = len;
        while (n > 0) {
            if (used == buffer.length) {
                drain();
            }
            int chunk = Math.min(n, buffer.length - used);
            System.arraycopy(b, o, buffer, used, chunk);
            used += chunk;
            o += chunk;
            n -= chunk;
            count += chunk;
        }
    }

    /** Nothing to do: the content reaches the file at commit or when the buffer fills. */
    @Override
    public void flush() {
    }

    /** Closing the content stream does not end the message; commit does. */
    @Override
    public void close() {
    }

    private void drain() throws IOException {
        if (failure != null) {
            throw failure;
        }
        crc.update(buffer, 0, used);
        try {
            writeFully(ByteBuffer.wrap(buffer, 0, used), QueueFile.HEADER_LENGTH + written);
        } catch (IOException e) {
            failure = e;
            throw e;
        }
        written += used;
        used = 0;
    }

    private void writeFully(ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
    }

    /** Writes the rest of the content, the envelope records and the header; returns the content size. */
    long finish(Envelope envelope) throws IOException {
        if (failure != null) {
            throw failure;
        }
        finished = true;
        crc.update(buffer, 0, used);
        byte[] records = QueueFile.envelopeRecords(envelope, count, (int) crc.getValue());
        ByteBuffer header = QueueFile.header(count);
        ByteBuffer rest = ByteBuffer.wrap(buffer, 0, used);
        ByteBuffer tail = ByteBuffer.wrap(records);
        if (written == 0) {
            // One write for small messages: header, content, records.
            channel.position(0);
            ByteBuffer[] all = {header, rest, tail};
            while (tail.hasRemaining()) {
                channel.write(all);
            }
        } else {
            channel.position(QueueFile.HEADER_LENGTH + written);
            ByteBuffer[] both = {rest, tail};
            while (tail.hasRemaining()) {
                channel.write(both);
            }
            writeFully(header, 0);
        }
        return count;
    }
}
