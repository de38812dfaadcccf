// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery.privileged;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;

import org.postern.transport.delivery.privileged.HelperProtocol.ProtocolException;

/**
 * The message part of a request: chunks of a 32-bit length and bytes, a length 0 at the end
 * ({@link HelperProtocol}).
 */
public final class MessageChunks {

    private MessageChunks() {
    }

    /** An output stream that writes chunks to {@code out}; {@link OutputStream#close()} writes the end mark (and does not close {@code out}). */
    public static OutputStream writer(DataOutputStream out) {
        return new OutputStream() {
            private final byte[] buffer = new byte[64 * 1024];
            private int used;
            private boolean closed;

            @Override
            public void write(int b) throws IOException {
                if (used == buffer.length) {
                    flushChunk();
                }
                buffer[used++] = (byte) b;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    if (used == buffer.length) {
                        flushChunk();
                    }
                    int n = Math.min(len, buffer.length - used);
                    System.arraycopy(b, off, buffer, used, n);
                    used += n;
                    off += n;
                    len -= n;
                }
            }

            private void flushChunk() throws IOException {
                if (used > 0) {
                    out.writeInt(used);
                    out.write(buffer, 0, used);
                    used = 0;
                }
            }

            @Override
            public void close() throws IOException {
                if (!closed) {
                    closed = true;
                    flushChunk();
                    out.writeInt(0);
                    out.flush();
                }
            }
        };
    }

    /**
     * Copies the chunks from {@code in} to {@code out} up to the end mark.
     *
     * @return the number of message bytes
     * @throws EOFException      the stream ended before the end mark (the client died)
     * @throws ProtocolException a chunk length out of bounds
     */
    public static long copy(DataInputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (;;) {
            int n = in.readInt();
            if (n == 0) {
                return total;
            }
            if (n < 0 || n > HelperProtocol.MAX_CHUNK) {
                throw new ProtocolException("chunk of " + n + " bytes");
            }
            int left = n;
            while (left > 0) {
                int r = in.read(buffer, 0, Math.min(left, buffer.length));
                if (r < 0) {
                    throw new EOFException("message ended in a chunk");
                }
                out.write(buffer, 0, r);
                left -= r;
            }
            total += n;
        }
    }
}
