// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery.privileged;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.LockSettings;
import org.postern.transport.delivery.Setpriv;

/**
 * SUMMARY   The privileged delivery helper's wire protocol: one request and one reply per
 *           connection, typed, length-prefixed, big-endian.
 * DESCRIPTION
 *   A request is the magic number "PDH1", a type byte, the identity (name, uid, gid, groups)
 *   and the type's fields (see {@link Request}); requests that carry a message follow it
 *   with the message as chunks: a 32-bit length and that many bytes, repeated, and a length
 *   0 at the end, so that a client that dies mid-message is told apart from a short message.
 *   A reply is a kind byte and the fields of that kind ({@link Reply}). Strings are a 32-bit
 *   length and UTF-8 bytes; booleans a byte.
 * SECURITY  The helper reads requests from Postern's JVM, which parses untrusted mail: every
 *   length and count is bounded ({@link #MAX_STRING}, {@link #MAX_ITEMS},
 *   {@link #MAX_CHUNK}) and anything malformed ends the connection. What the fields may say
 *   (no root, which paths) is the helper's decision, not the codec's.
 */
public final class HelperProtocol {

    /** "PDH1": privileged delivery helper, protocol 1. */
    public static final int MAGIC = 0x50444831;
    /** Longest string: a path, an argument, an environment value, a diagnostic. */
    public static final int MAX_STRING = 64 * 1024;
    /** Most argv words or environment entries. */
    public static final int MAX_ITEMS = 4096;
    /** Largest message chunk. */
    public static final int MAX_CHUNK = 1024 * 1024;
    /** Largest file content in a reply. */
    public static final int MAX_FILE = 4 * 1024 * 1024;

    private static final byte RUN_COMMAND = 1;
    private static final byte APPEND_MBOX = 2;
    private static final byte DELIVER_MAILDIR = 3;
    private static final byte READ_FILE = 4;

    private static final byte COMMAND_DONE = 1;
    private static final byte DELIVERED = 2;
    private static final byte MAILBOX_FAILED = 3;
    private static final byte FILE_MISSING = 4;
    private static final byte FILE_UNTRUSTED = 5;
    private static final byte FILE_CONTENT = 6;
    private static final byte REFUSED = 7;

    private HelperProtocol() {
    }

    /** What the JVM asks. */
    public sealed interface Request {
        /** Whom the request runs as. */
        UserIdentity as();

        /** Whether the message follows in chunks. */
        default boolean carriesMessage() {
            return !(this instanceof ReadFile);
        }
    }

    /** Run argv (no shell added) with the message on standard input. */
    public record RunCommand(UserIdentity as, List<String> argv, Map<String, String> environment, Path directory,
                             Duration limit, int outputLimit, LingeringOutput lingering) implements Request {
        public RunCommand {
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
        }
    }

    /** Append the message to an mbox file; {@code inSpool}: the file is in mail_spool_directory. */
    public record AppendMbox(UserIdentity as, Path file, boolean inSpool, long sizeLimit, LockSettings locks)
            implements Request {
    }

    /** Write the message into a maildir. */
    public record DeliverMaildir(UserIdentity as, Path directory, String host, long sizeLimit) implements Request {
    }

    /** Read at most {@code limit} bytes of the user's file. */
    public record ReadFile(UserIdentity as, Path file, int limit) implements Request {
    }

    /** What the helper answers. */
    public sealed interface Reply {
    }

    /** The command ran: as {@link org.postern.transport.delivery.CommandRunner.Outcome}. */
    public record CommandDone(boolean timedOut, int status, String output) implements Reply {
    }

    /** The message is in the mailbox. */
    public record Delivered() implements Reply {
    }

    /** The mailbox delivery failed with this RFC 3463 status and text (no local path). */
    public record MailboxFailed(String dsn, String text) implements Reply {
    }

    /** The answer to {@link ReadFile}. */
    public record FileRead(UserFile file) implements Reply {
    }

    /** The helper would not do it (root asked for, a path it does not accept, an internal error). */
    public record Refused(String reason) implements Reply {
    }

    // ---- requests

    public static void writeRequest(DataOutputStream out, Request request) throws IOException {
        out.writeInt(MAGIC);
        if (request instanceof RunCommand r) {
            out.writeByte(RUN_COMMAND);
            writeIdentity(out, r.as());
            out.writeInt(r.argv().size());
            for (String word : r.argv()) {
                writeString(out, word);
            }
            out.writeInt(r.environment().size());
            for (Map.Entry<String, String> e : r.environment().entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
            writeString(out, r.directory().toString());
            out.writeLong(r.limit().toMillis());
            out.writeInt(r.outputLimit());
            out.writeByte(r.lingering().ordinal());
        } else if (request instanceof AppendMbox m) {
            out.writeByte(APPEND_MBOX);
            writeIdentity(out, m.as());
            writeString(out, m.file().toString());
            out.writeBoolean(m.inSpool());
            out.writeLong(m.sizeLimit());
            int methods = 0;
            for (LockSettings.Method method : m.locks().methods()) {
                methods |= 1 << method.ordinal();
            }
            out.writeByte(methods);
            out.writeInt(m.locks().attempts());
            out.writeLong(m.locks().delay().toMillis());
            out.writeLong(m.locks().staleAfter().toMillis());
        } else if (request instanceof DeliverMaildir d) {
            out.writeByte(DELIVER_MAILDIR);
            writeIdentity(out, d.as());
            writeString(out, d.directory().toString());
            writeString(out, d.host());
            out.writeLong(d.sizeLimit());
        } else if (request instanceof ReadFile f) {
            out.writeByte(READ_FILE);
            writeIdentity(out, f.as());
            writeString(out, f.file().toString());
            out.writeInt(f.limit());
        }
    }

    /** Reads one request (not its message chunks). */
    public static Request readRequest(DataInputStream in) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new ProtocolException("not a delivery helper request");
        }
        byte type = in.readByte();
        UserIdentity as = readIdentity(in);
        switch (type) {
            case RUN_COMMAND: {
                int argc = count(in);
                List<String> argv = new ArrayList<>(argc);
                for (int i = 0; i < argc; i++) {
                    argv.add(readString(in));
                }
                int envc = count(in);
                Map<String, String> env = new LinkedHashMap<>();
                for (int i = 0; i < envc; i++) {
                    env.put(readString(in), readString(in));
                }
                Path directory = path(in);
                Duration limit = Duration.ofMillis(nonNegative(in.readLong()));
                int outputLimit = (int) Math.min(nonNegative(in.readInt()), MAX_FILE);
                LingeringOutput lingering = enumValue(LingeringOutput.values(), in.readByte());
                if (argv.isEmpty()) {
                    throw new ProtocolException("empty argv");
                }
                return new RunCommand(as, argv, env, directory, limit, outputLimit, lingering);
            }
            case APPEND_MBOX: {
                Path file = path(in);
                boolean spool = in.readBoolean();
                long sizeLimit = nonNegative(in.readLong());
                int bits = in.readUnsignedByte();
                Set<LockSettings.Method> methods = EnumSet.noneOf(LockSettings.Method.class);
                for (LockSettings.Method m : LockSettings.Method.values()) {
                    if ((bits & (1 << m.ordinal())) != 0) {
                        methods.add(m);
                    }
                }
                int attempts = (int) Math.min(nonNegative(in.readInt()), 1000);
                Duration delay = Duration.ofMillis(Math.min(nonNegative(in.readLong()), 60_000));
                Duration stale = Duration.ofMillis(nonNegative(in.readLong()));
                return new AppendMbox(as, file, spool, sizeLimit, new LockSettings(methods, attempts, delay, stale));
            }
            case DELIVER_MAILDIR:
                return new DeliverMaildir(as, path(in), readString(in), nonNegative(in.readLong()));
            case READ_FILE:
                return new ReadFile(as, path(in), (int) Math.min(nonNegative(in.readInt()), MAX_FILE));
            default:
                throw new ProtocolException("unknown request type " + type);
        }
    }

    // ---- replies

    public static void writeReply(DataOutputStream out, Reply reply) throws IOException {
        if (reply instanceof CommandDone c) {
            out.writeByte(COMMAND_DONE);
            out.writeBoolean(c.timedOut());
            out.writeInt(c.status());
            writeString(out, c.output());
        } else if (reply instanceof Delivered) {
            out.writeByte(DELIVERED);
        } else if (reply instanceof MailboxFailed f) {
            out.writeByte(MAILBOX_FAILED);
            writeString(out, f.dsn());
            writeString(out, f.text());
        } else if (reply instanceof FileRead r) {
            UserFile file = r.file();
            if (file instanceof UserFile.Missing) {
                out.writeByte(FILE_MISSING);
            } else if (file instanceof UserFile.Untrusted u) {
                out.writeByte(FILE_UNTRUSTED);
                writeString(out, u.reason());
            } else if (file instanceof UserFile.Content c) {
                out.writeByte(FILE_CONTENT);
                byte[] bytes = c.bytes();
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        } else if (reply instanceof Refused r) {
            out.writeByte(REFUSED);
            writeString(out, r.reason());
        }
        out.flush();
    }

    public static Reply readReply(DataInputStream in) throws IOException {
        byte kind = in.readByte();
        switch (kind) {
            case COMMAND_DONE:
                return new CommandDone(in.readBoolean(), in.readInt(), readString(in));
            case DELIVERED:
                return new Delivered();
            case MAILBOX_FAILED:
                return new MailboxFailed(readString(in), readString(in));
            case FILE_MISSING:
                return new FileRead(new UserFile.Missing());
            case FILE_UNTRUSTED:
                return new FileRead(new UserFile.Untrusted(readString(in)));
            case FILE_CONTENT: {
                int n = in.readInt();
                if (n < 0 || n > MAX_FILE) {
                    throw new ProtocolException("file content of " + n + " bytes");
                }
                return new FileRead(new UserFile.Content(in.readNBytes(n)));
            }
            case REFUSED:
                return new Refused(readString(in));
            default:
                throw new ProtocolException("unknown reply kind " + kind);
        }
    }

    // ---- fields

    private static void writeIdentity(DataOutputStream out, UserIdentity as) throws IOException {
        writeString(out, as.name());
        out.writeInt(as.uid());
        out.writeInt(as.gid());
        out.writeByte(as.groups().ordinal());
    }

    private static UserIdentity readIdentity(DataInputStream in) throws IOException {
        return new UserIdentity(readString(in), in.readInt(), in.readInt(),
                enumValue(Setpriv.Groups.values(), in.readByte()));
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_STRING) {
            throw new ProtocolException("string of " + bytes.length + " bytes");
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_STRING) {
            throw new ProtocolException("string of " + n + " bytes");
        }
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException();
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Path path(DataInputStream in) throws IOException {
        String s = readString(in);
        if (s.isEmpty() || s.indexOf('\0') >= 0 || !s.startsWith("/")) {
            throw new ProtocolException("not an absolute path");
        }
        return Path.of(s);
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ITEMS) {
            throw new ProtocolException("count " + n);
        }
        return n;
    }

    private static long nonNegative(long n) throws ProtocolException {
        if (n < 0) {
            throw new ProtocolException("negative value " + n);
        }
        return n;
    }

    private static <E> E enumValue(E[] values, int ordinal) throws ProtocolException {
        if (ordinal < 0 || ordinal >= values.length) {
            throw new ProtocolException("unknown value " + ordinal);
        }
        return values[ordinal];
    }

    /** A request or reply that breaks the protocol; the connection ends. */
    public static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        public ProtocolException(String message) {
            super(message);
        }
    }
}
