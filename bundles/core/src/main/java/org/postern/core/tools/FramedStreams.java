// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Byte streams carried in frames of the tool socket, one frame type each. */
final class FramedStreams {

    private FramedStreams() {
    }

    /** Writes its bytes as frames of one type; the connection's output is shared, so writes lock it. */
    static final class Output extends OutputStream {
        private final DataOutputStream connection;
        private final byte type;
        private final byte[] buffer = new byte[16 * 1024];
        private int used;

        Output(DataOutputStream connection, byte type) {
            this.connection = connection;
            this.type = type;
        }

        @Override
        public void write(int b) throws IOException {
            if (used == buffer.length) {
                flush();
            }
            buffer[used++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (used == buffer.length) {
                    flush();
                }
                int n = Math.min(len, buffer.length - used);
                System.arraycopy(b, off, buffer, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() throws IOException {
            synchronized (connection) {
                if (used > 0) {
                    ToolFrames.write(connection, type, buffer, 0, used);
                    used = 0;
                }
                connection.flush();
            }
        }
    }

    /** Reads INPUT frames until INPUT_END; asks the peer for them (NEED_INPUT) on first use. */
    static final class Input extends InputStream {
        private final DataInputStream connection;
        private final Runnable ask;
        private boolean asked;
        private boolean ended;
        private byte[] chunk = new byte[0];
        private int next;

        Input(DataInputStream connection, Runnable ask) {
            this.connection = connection;
            this.ask = ask;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (next == chunk.length) {
                if (ended) {
                    return -1;
                }
                if (!asked) {
                    asked = true;
                    ask.run();
                }
                ToolFrames.Frame frame;
                try {
                    frame = ToolFrames.read(connection);
                } catch (EOFException e) {
                    throw new IOException("the client went away before the end of its input");
                }
                if (frame.type() == ToolFrames.INPUT_END) {
                    ended = true;
                } else if (frame.type() == ToolFrames.INPUT) {
                    chunk = frame.payload();
                    next = 0;
                } else {
                    throw new IOException("unexpected frame from the client");
                }
            }
            int n = Math.min(len, chunk.length - next);
            System.arraycopy(chunk, next, b, off, n);
            next += n;
            return n;
        }
    }
}
