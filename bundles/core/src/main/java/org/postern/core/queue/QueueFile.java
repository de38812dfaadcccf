// SPDX-License-Identifier: Apache-2.0
package org.postern.core.queue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.CRC32C;

import org.postern.api.delivery.Recipient.DsnNotify;
import org.postern.api.message.DsnRequest;
import org.postern.core.message.Envelope;
import org.postern.core.message.EnvelopeRecipient;

/**
 * SUMMARY   The on-disk layout of one queue file, version 1: writing and parsing.
 * DESCRIPTION
 *   A queue file is a fixed header, the message content as received, then a sequence of
 *   self-checking records: the envelope, a commit record, and (later) records appended by
 *   delivery. All integers are big-endian; strings are UTF-8; checksums are CRC-32C.
 *   <pre>
 *   offset  size  field
 *   0       4     magic "PSTQ" (0x50 0x53 0x54 0x51)
 *   4       2     format version, 1
 *   6       2     header length H, 32
 *   8       8     content length L
 *   16      8     offset of the first record, H + L (explicit, so a later version may move it)
 *   24      4     flags, 0
 *   28      4     CRC-32C of bytes 0..27
 *   H       L     content: headers and body exactly as received (CRLF line ends)
 *   H+L     ...   records, each:
 *                   1  type (an ASCII letter)
 *                   4  payload length n
 *                   n  payload
 *                   4  CRC-32C of type, length and payload
 *   </pre>
 *   Records written at commit, in this order:
 *   <pre>
 *   T  arrival time: 8-byte epoch second, 4-byte nanosecond
 *   S  sender (empty for the null sender)
 *   I  DSN ENVID (only when given)
 *   F  DSN RET, "FULL" or "HDRS" (only when given)
 *   A  named attribute "name=value" (client, SASL, TLS facts, hold, filter ...), zero or
 *      more, sorted by name; {@link EnvelopeAttributes} maps them to the typed envelope
 *   R  recipient: address NUL orcpt NUL notify, notify being a comma list of NEVER, SUCCESS,
 *      FAILURE, DELAY (empty: the default), one per recipient in RCPT order (index 0, 1, ...)
 *   X  commit: 8-byte content length, 4-byte CRC-32C of the content, 4-byte recipient count
 *   </pre>
 *   The header is written last, at commit (it is all zeros before), then the file is forced.
 *   After X, delivery may append records (per-recipient status: done, deferred with reason,
 *   and so on; the letters are the delivery code's to define, for example {@code D} with a
 *   4-byte recipient index). Readers keep records they do not know as
 *   {@link Record raw records}. An append is one write followed by a force; a crash during
 *   it leaves a torn last record, which fails its CRC and is reported as
 *   {@link Parsed#tornTail()} and ignored (recovery may truncate it). A record before X that
 *   fails its CRC makes the file corrupt.
 * SECURITY  Everything parsed here was written by this code, but the files may be damaged:
 *   lengths are bounded by the file size and records by {@link #MAX_RECORD}, and every
 *   record is checksummed, so a damaged file is reported as corrupt rather than misread.
 * BUGS      The content is not split into records (unlike Postfix), so header edits after
 *   commit (milters at a later stage, postsuper -r) must rewrite the file.
 */
public final class QueueFile {

    static final int MAGIC = 0x50535451; // "PSTQ"
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 32;
    static final int MAX_RECORD = 1 << 20;
    /** Type byte + length + CRC. */
    static final int RECORD_OVERHEAD = 1 + 4 + 4;

    static final byte TIME = 'T';
    static final byte SENDER = 'S';
    static final byte ENVID = 'I';
    static final byte RET = 'F';
    static final byte ATTRIBUTE = 'A';
    static final byte RECIPIENT = 'R';
    static final byte COMMIT = 'X';

    private QueueFile() {
    }

    /** A record after the commit record, kept as read. */
    public record Record(byte type, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /**
     * What a queue file says.
     *
     * @param contentOffset where the content starts
     * @param contentLength its length
     * @param contentCrc    the CRC-32C the commit record gives for the content
     * @param envelope      the envelope
     * @param appended      records after the commit record, in file order
     * @param tornTail      true when the file ends in a record that is incomplete or fails its
     *                      CRC (an append interrupted by a crash); {@code validLength} excludes it
     * @param validLength   file length up to the end of the last good record
     */
    public record Parsed(long contentOffset, long contentLength, int contentCrc, Envelope envelope,
                         List<Record> appended, boolean tornTail, long validLength) {
    }

    /** The file is not a valid queue file (damaged, truncated, or never committed). */
    public static final class CorruptQueueFileException extends IOException {
        public CorruptQueueFileException(String message) {
            super(message);
        }
    }

    // ---------------------------------------------------------------- writing

    /** The header, as written at commit. */
    static ByteBuffer header(long contentLength) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH);
        b.putInt(MAGIC).putShort((short) VERSION).putShort((short) HEADER_LENGTH)
                .putLong(contentLength).putLong(HEADER_LENGTH + contentLength).putInt(0);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 28);
        b.putInt((int) crc.getValue());
        return b.flip();
    }

    /** The envelope and commit records, ready to append after the content. */
    static byte[] envelopeRecords(Envelope envelope, long contentLength, int contentCrc) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        ByteBuffer time = ByteBuffer.allocate(12);
        time.putLong(envelope.arrival().getEpochSecond()).putInt(envelope.arrival().getNano());
        record(out, TIME, time.array());
        record(out, SENDER, utf8(envelope.sender()));
        if (!envelope.dsn().envelopeId().isEmpty()) {
            record(out, ENVID, utf8(envelope.dsn().envelopeId()));
        }
        if (envelope.dsn().ret() != DsnRequest.Return.UNSPECIFIED) {
            record(out, RET, utf8(envelope.dsn().ret().keyword()));
        }
        for (EnvelopeAttributes.Attribute a : EnvelopeAttributes.of(envelope)) {
            record(out, ATTRIBUTE, utf8(a.name() + "=" + a.value()));
        }
        for (EnvelopeRecipient r : envelope.recipients()) {
            String notify = String.join(",", Arrays.stream(DsnNotify.values())
                    .filter(r.notifyOn()::contains).map(Enum::name).toList());
            record(out, RECIPIENT, utf8(r.address() + '\0' + r.originalRecipient() + '\0' + notify));
        }
        ByteBuffer commit = ByteBuffer.allocate(16);
        commit.putLong(contentLength).putInt(contentCrc).putInt(envelope.recipients().size());
        record(out, COMMIT, commit.array());
        return out.toByteArray();
    }

    /** One encoded record (for appends by delivery code). */
    public static byte[] encodeRecord(byte type, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + RECORD_OVERHEAD);
        record(out, type, payload);
        return out.toByteArray();
    }

    private static void record(ByteArrayOutputStream out, byte type, byte[] payload) {
        if (payload.length > MAX_RECORD) {
            throw new IllegalArgumentException("queue file record too long: " + payload.length);
        }
        ByteBuffer head = ByteBuffer.allocate(5).put(type).putInt(payload.length);
        CRC32C crc = new CRC32C();
        crc.update(head.array());
        crc.update(payload);
        out.writeBytes(head.array());
        out.writeBytes(payload);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Refuses envelope values that cannot be stored or would confuse readers: NUL anywhere,
     * CR or LF (header injection into DSNs and logs), '=' in attribute names.
     */
    static void validate(Envelope envelope) {
        check("sender", envelope.sender());
        check("ENVID", envelope.dsn().envelopeId());
        for (EnvelopeAttributes.Attribute a : EnvelopeAttributes.of(envelope)) {
            check("attribute " + a.name(), a.value());
        }
        for (EnvelopeRecipient r : envelope.recipients()) {
            check("recipient", r.address());
            check("ORCPT", r.originalRecipient());
        }
        if (envelope.recipients().isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
    }

    private static void check(String what, String value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0' || c == '\r' || c == '\n') {
                throw new IllegalArgumentException(what + " contains a NUL, CR or LF character");
            }
        }
    }

    // ---------------------------------------------------------------- reading

    /** Parses a committed queue file: header, envelope and appended records (not the content). */
    public static Parsed read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(ch);
        }
    }

    static Parsed read(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < HEADER_LENGTH) {
            throw new CorruptQueueFileException("file too short for a header: " + size + " bytes");
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH);
        readFully(ch, h, 0);
        h.flip();
        int magic = h.getInt();
        int version = h.getShort() & 0xffff;
        int headerLength = h.getShort() & 0xffff;
        long contentLength = h.getLong();
        long recordsOffset = h.getLong();
        h.getInt(); // flags
        int headerCrc = h.getInt();
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, 28);
        if (magic != MAGIC) {
            throw new CorruptQueueFileException(String.format(Locale.ROOT, "bad magic number 0x%08x", magic));
        }
        if ((int) crc.getValue() != headerCrc) {
            throw new CorruptQueueFileException("header checksum mismatch");
        }
        if (version != VERSION) {
            throw new CorruptQueueFileException("unsupported queue file version " + version);
        }
        if (headerLength < HEADER_LENGTH || contentLength < 0 || recordsOffset != headerLength + contentLength
                || recordsOffset > size) {
            throw new CorruptQueueFileException("inconsistent header: content " + contentLength
                    + " bytes, records at " + recordsOffset + ", file " + size + " bytes");
        }
        long tailLength = size - recordsOffset;
        if (tailLength > Integer.MAX_VALUE - 16) {
            throw new CorruptQueueFileException("record section too large: " + tailLength);
        }
        ByteBuffer tail = ByteBuffer.allocate((int) tailLength);
        readFully(ch, tail, recordsOffset);
        tail.flip();

        Instant arrival = null;
        String sender = null;
        String envid = "";
        String ret = "";
        List<EnvelopeAttributes.Attribute> attributes = new ArrayList<>();
        List<EnvelopeRecipient> recipients = new ArrayList<>();
        boolean committed = false;
        long committedLength = -1;
        int contentCrc = 0;
        int recipientCount = -1;
        List<Record> appended = new ArrayList<>();
        boolean torn = false;
        long validEnd = recordsOffset;

        while (tail.hasRemaining()) {
            int start = tail.position();
            Record r = nextRecord(tail);
            if (r == null) {
                if (!committed) {
                    throw new CorruptQueueFileException("bad or incomplete record at offset " + (recordsOffset + start));
                }
                torn = true;
                break;
            }
            validEnd = recordsOffset + tail.position();
            if (committed) {
                appended.add(r);
                continue;
            }
            ByteBuffer p = ByteBuffer.wrap(r.payload());
            switch (r.type()) {
                case TIME:
                    if (p.remaining() != 12) {
                        throw new CorruptQueueFileException("bad time record");
                    }
                    arrival = Instant.ofEpochSecond(p.getLong(), p.getInt());
                    break;
                case SENDER:
                    sender = r.text();
                    break;
                case ENVID:
                    envid = r.text();
                    break;
                case RET:
                    ret = r.text();
                    break;
                case ATTRIBUTE: {
                    String kv = r.text();
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new CorruptQueueFileException("bad attribute record");
                    }
                    attributes.add(new EnvelopeAttributes.Attribute(kv.substring(0, eq), kv.substring(eq + 1)));
                    break;
                }
                case RECIPIENT:
                    recipients.add(recipient(r.text()));
                    break;
                case COMMIT:
                    if (p.remaining() != 16) {
                        throw new CorruptQueueFileException("bad commit record");
                    }
                    committedLength = p.getLong();
                    contentCrc = p.getInt();
                    recipientCount = p.getInt();
                    committed = true;
                    break;
                default:
                    throw new CorruptQueueFileException("unknown envelope record type " + (char) r.type());
            }
        }
        if (!committed) {
            throw new CorruptQueueFileException("no commit record");
        }
        if (committedLength != contentLength || recipientCount != recipients.size()
                || arrival == null || sender == null) {
            throw new CorruptQueueFileException("commit record does not match the envelope");
        }
        Envelope envelope = EnvelopeAttributes.apply(attributes, Envelope.builder(sender, recipients, arrival)
                .dsn(new DsnRequest(envid, DsnRequest.Return.of(ret)))).build();
        return new Parsed(headerLength, contentLength, contentCrc, envelope, List.copyOf(appended), torn, validEnd);
    }

    private static EnvelopeRecipient recipient(String text) throws CorruptQueueFileException {
        String[] parts = text.split("\0", -1);
        if (parts.length != 3) {
            throw new CorruptQueueFileException("bad recipient record");
        }
        Set<DsnNotify> notify = EnumSet.noneOf(DsnNotify.class);
        if (!parts[2].isEmpty()) {
            for (String n : parts[2].split(",")) {
                try {
                    notify.add(DsnNotify.valueOf(n));
                } catch (IllegalArgumentException e) {
                    throw new CorruptQueueFileException("bad NOTIFY value in recipient record: " + n);
                }
            }
        }
        return new EnvelopeRecipient(parts[0], parts[1], notify);
    }

    /** The next record, or null when the rest is incomplete or fails its checksum. */
    private static Record nextRecord(ByteBuffer b) {
        if (b.remaining() < RECORD_OVERHEAD) {
            return null;
        }
        int start = b.position();
        byte type = b.get();
        int length = b.getInt();
        if (length < 0 || length > MAX_RECORD || b.remaining() < length + 4) {
            b.position(start);
            return null;
        }
        byte[] payload = new byte[length];
        b.get(payload);
        int stored = b.getInt();
        CRC32C crc = new CRC32C();
        crc.update(b.array(), b.arrayOffset() + start, 5 + length);
        if ((int) crc.getValue() != stored) {
            b.position(start);
            return null;
        }
        return new Record(type, payload);
    }

    /** Recomputes the content checksum and compares it with the commit record. */
    public static boolean contentIntact(Path file, Parsed parsed) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            CRC32C crc = new CRC32C();
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            long pos = parsed.contentOffset();
            long end = pos + parsed.contentLength();
            while (pos < end) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                int n = ch.read(buf, pos);
                if (n < 0) {
                    return false;
                }
                buf.flip();
                crc.update(buf);
                pos += n;
            }
            return (int) crc.getValue() == parsed.contentCrc();
        }
    }

    static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new EOFException("queue file ended early");
            }
            pos += n;
        }
    }
}
