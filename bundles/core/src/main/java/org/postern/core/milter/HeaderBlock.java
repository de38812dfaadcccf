// SPDX-License-Identifier: Apache-2.0
package org.postern.core.milter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.postern.api.milter.HeaderField;

/**
 * SUMMARY   Splits raw message content (CRLF line ends) into its header fields and the body, and
 *           writes header fields back.
 * DESCRIPTION
 *   A header is "name:value" with continuation lines (starting with space or tab); its value keeps
 *   every byte after the colon, the leading space included, and joins continuation lines with
 *   "\n", as Postfix hands headers to a milter. The header block ends at the empty line (which
 *   is not part of the body) or at the first line that is not a header (which is). Writing a
 *   field turns "\n" back into CRLF, so an unchanged header is written byte for byte as received.
 * SECURITY  Content is untrusted; one header is held in memory at a time (smtpd already cut
 *           headers to header_size_limit).
 */
final class HeaderBlock {

    private HeaderBlock() {
    }

    /** The headers and the body that follows them in {@code content}. */
    record Parsed(List<HeaderField> headers, InputStream body) {
    }

    static Parsed parse(InputStream content) throws IOException {
        PushbackInputStream in = new PushbackInputStream(content, 1 << 16);
        List<HeaderField> headers = new ArrayList<>();
        ByteArrayOutputStream current = null;
        while (true) {
            byte[] line = readLine(in);
            if (line == null) {
                break;
            }
            boolean continuation = line.length > 0 && (line[0] == ' ' || line[0] == '\t');
            if (continuation && current != null) {
                current.write('\n');
                current.write(line, 0, contentLength(line));
                continue;
            }
            if (current != null) {
                headers.add(field(current.toByteArray()));
                current = null;
            }
            if (contentLength(line) == 0) {
                break; // the empty line ends the headers
            }
            if (!isHeader(line)) {
                in.unread(line);
                break;
            }
            current = new ByteArrayOutputStream();
            current.write(line, 0, contentLength(line));
        }
        if (current != null) {
            headers.add(field(current.toByteArray()));
        }
        return new Parsed(headers, in);
    }

    /** Writes {@code h} as "name:value" CRLF, continuation lines with CRLF. */
    static void write(HeaderField h, OutputStream out) throws IOException {
        out.write(h.name().getBytes(StandardCharsets.ISO_8859_1));
        out.write(':');
        for (byte b : h.value()) {
            if (b == '\n') {
                out.write('\r');
            }
            out.write(b);
        }
        out.write('\r');
        out.write('\n');
    }

    private static HeaderField field(byte[] raw) {
        int colon = 0;
        while (raw[colon] != ':') {
            colon++;
        }
        byte[] value = new byte[raw.length - colon - 1];
        System.arraycopy(raw, colon + 1, value, 0, value.length);
        return new HeaderField(new String(raw, 0, colon, StandardCharsets.ISO_8859_1), value);
    }

    /** RFC 5322 field name: printable ASCII but colon, then the colon (spaces before it allowed, as Postfix). */
    private static boolean isHeader(byte[] line) {
        int i = 0;
        int n = contentLength(line);
        while (i < n && line[i] > 32 && line[i] < 127 && line[i] != ':') {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < n && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        return i < n && line[i] == ':';
    }

    /** The line without its CRLF (or LF). */
    private static int contentLength(byte[] line) {
        int n = line.length;
        if (n > 0 && line[n - 1] == '\n') {
            n--;
            if (n > 0 && line[n - 1] == '\r') {
                n--;
            }
        }
        return n;
    }

    /** One line with its line end; null at the end of input. */
    private static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }
}
