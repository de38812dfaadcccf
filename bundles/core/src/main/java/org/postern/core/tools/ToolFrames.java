// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * SUMMARY   The framing of the local tool socket: one type byte, a 4-byte length, the payload.
 * DESCRIPTION
 *   Client to server: {@link #ARGUMENT} (the tool name first, then its arguments, UTF-8),
 *   {@link #DIRECTORY} (the caller's working directory), {@link #GO}; later, when asked with
 *   {@link #NEED_INPUT}, its standard input as {@link #INPUT} frames and an empty
 *   {@link #INPUT_END}. Server to client: {@link #OUTPUT} and {@link #ERROR} bytes,
 *   {@link #NEED_INPUT}, {@link #RUN_LOCALLY} (the caller is to run the tool in its own process,
 *   with its own file permissions) and last {@link #EXIT} (a 4-byte status).
 * SECURITY  Frames come from local users the server does not trust: a payload longer than
 *   {@link #MAX_PAYLOAD} ends the connection, and the request may hold at most
 *   {@link #MAX_ARGUMENTS} arguments.
 */
public final class ToolFrames {

    public static final byte ARGUMENT = 'A';
    public static final byte DIRECTORY = 'D';
    public static final byte GO = 'G';
    public static final byte INPUT = 'I';
    public static final byte INPUT_END = 'E';
    public static final byte OUTPUT = 'O';
    public static final byte ERROR = 'R';
    public static final byte NEED_INPUT = 'N';
    public static final byte RUN_LOCALLY = 'L';
    public static final byte EXIT = 'X';

    /** Larger than any argument or input chunk a client sends (64 KB chunks). */
    public static final int MAX_PAYLOAD = 1 << 20;
    public static final int MAX_ARGUMENTS = 10_000;

    /** One frame as read. */
    public record Frame(byte type, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int status() {
            return ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8)
                    | (payload[3] & 0xff);
        }
    }

    private ToolFrames() {
    }

    /** Where the socket is, for a data directory (${karaf.data}/postern). */
    public static Path socketPath(Path dataDirectory) {
        return dataDirectory.resolve("public").resolve("tools");
    }

    public static void write(DataOutputStream out, byte type, byte[] payload, int offset, int length)
            throws IOException {
        out.writeByte(type);
        out.writeInt(length);
        out.write(payload, offset, length);
    }

    public static void write(DataOutputStream out, byte type, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        write(out, type, b, 0, b.length);
    }

    public static void writeStatus(DataOutputStream out, int status) throws IOException {
        out.writeByte(EXIT);
        out.writeInt(4);
        out.writeInt(status);
    }

    /** The next frame; {@link EOFException} when the peer closed the stream. */
    public static Frame read(DataInputStream in) throws IOException {
        byte type = in.readByte();
        int length = in.readInt();
        if (length < 0 || length > MAX_PAYLOAD) {
            throw new IOException("frame of " + length + " bytes");
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (type == EXIT && length != 4) {
            throw new IOException("malformed exit frame");
        }
        return new Frame(type, payload);
    }
}
