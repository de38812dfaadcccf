// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * SUMMARY   smtp_generic_maps for the primary message header: reads the top-level header
 *           of the queued message and rewrites the addresses of its address headers.
 * DESCRIPTION
 *   Only the primary header, as Postfix (MIME part headers and the headers of attached
 *   messages are never touched; the body is not read). Fields are split at lines that do
 *   not start with a space or tab, so folded fields are rewritten whole; the header ends
 *   at the empty line, at the end of the content, or at a line that is not a header field.
 *   Address headers are Postfix's sender and recipient headers: From, Sender, Reply-To,
 *   Errors-To, Return-Receipt-To, Return-Path, Resent-From/-Sender/-Reply-To, To, Cc, Bcc,
 *   Resent-To/-Cc/-Bcc, Apparently-To. A field whose addresses do not change keeps its
 *   bytes; a changed field keeps its name, folding and line ending. Values are read as
 *   UTF-8 when they are valid UTF-8, else as ISO-8859-1 (byte for byte), and written back
 *   the same way.
 * SECURITY  Header text is untrusted; field values go to {@link HeaderAddressRewriter}.
 *   The rewritten header is held in memory (the queue bounds it with header_size_limit);
 *   the body never is.
 */
final class GenericHeader {

    private static final Set<String> ADDRESS_HEADERS = Set.of("from", "sender", "reply-to", "errors-to",
            "return-receipt-to", "return-path", "resent-from", "resent-sender", "resent-reply-to",
            "to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc", "apparently-to");

    /**
     * The header to send instead of the first {@code replacedLength} bytes of the content.
     *
     * @param header null when no address changed (the content goes as it is)
     */
    record Result(byte[] header, long replacedLength) {
        static final Result UNCHANGED = new Result(null, 0);
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    private final ByteArrayOutputStream field = new ByteArrayOutputStream(256);
    private final GenericMaps maps;
    private boolean changed;

    private GenericHeader(GenericMaps maps) {
        this.maps = maps;
    }

    /** Reads the header from {@code in} (positioned at the start of the message). */
    static Result rewrite(InputStream in, GenericMaps maps) throws IOException, ClientTables.Failure {
        return new GenericHeader(maps).run(in);
    }

    private Result run(InputStream in) throws IOException, ClientTables.Failure {
        long consumed = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        while (readLine(in, line)) {
            byte[] bytes = line.toByteArray();
            boolean continuation = bytes[0] == ' ' || bytes[0] == '\t';
            if (continuation && field.size() > 0) {
                field.write(bytes);
                consumed += bytes.length;
                continue;
            }
            flushField();
            if (isEmptyLine(bytes) || nameLength(bytes) < 0) {
                break;                          // the body starts here
            }
            field.write(bytes);
            consumed += bytes.length;
        }
        flushField();
        return changed ? new Result(out.toByteArray(), consumed) : Result.UNCHANGED;
    }

    /** One line with its terminator into {@code line}; false at the end of the content. */
    private static boolean readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int c;
        while ((c = in.read()) >= 0) {
            line.write(c);
            if (c == '\n') {
                break;
            }
        }
        return line.size() > 0;
    }

    private void flushField() throws ClientTables.Failure {
        if (field.size() == 0) {
            return;
        }
        byte[] bytes = field.toByteArray();
        field.reset();
        int colon = nameLength(bytes);
        String name = new String(bytes, 0, colon, StandardCharsets.US_ASCII).strip().toLowerCase(Locale.ROOT);
        if (ADDRESS_HEADERS.contains(name)) {
            int end = bytes.length;
            while (end > colon + 1 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
                end--;
            }
            Charset charset = isUtf8(bytes, colon + 1, end - colon - 1) ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
            String value = new String(bytes, colon + 1, end - colon - 1, charset);
            String rewritten = HeaderAddressRewriter.rewrite(value, maps::map);
            if (rewritten != null) {
                changed = true;
                out.write(bytes, 0, colon + 1);
                out.writeBytes(rewritten.getBytes(charset));
                out.write(bytes, end, bytes.length - end);
                return;
            }
        }
        out.writeBytes(bytes);
    }

    /** The index of the colon after a field name (printable ASCII, optional blanks), or -1. */
    private static int nameLength(byte[] line) {
        int i = 0;
        while (i < line.length && line[i] > 32 && line[i] < 127 && line[i] != ':') {
            i++;
        }
        if (i == 0) {
            return -1;
        }
        while (i < line.length && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        return i < line.length && line[i] == ':' ? i : -1;
    }

    private static boolean isEmptyLine(byte[] line) {
        return line[0] == '\n' || (line[0] == '\r' && line.length == 2 && line[1] == '\n');
    }

    private static boolean isUtf8(byte[] bytes, int offset, int length) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, offset, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
