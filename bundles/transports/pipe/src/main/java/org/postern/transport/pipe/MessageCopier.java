// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

/**
 * SUMMARY   Writes the queued message to a command's standard input, as pipe(8)'s flags say.
 * DESCRIPTION
 *   Optional envelope lines first, in Postfix's order: "From sender time_stamp" (F),
 *   Return-Path: &lt;sender&gt; (R), X-Original-To: (O), Delivered-To: (D, lower case). Then
 *   each content line with its CRLF replaced by the eol= text, "." prepended to lines starting
 *   with "." (flag .), "&gt;" to lines starting with "From " (flag &gt;), and a blank line at
 *   the end (B). The null sender appears as the null_sender= text.
 *   <p>{@link #hasDeliveredTo} is the D flag's loop check: a Delivered-To: header in the
 *   message header with the same address, compared case-insensitively.
 * SECURITY  The content is the remote sender's; it is copied, never interpreted, except for
 *   the header scan of the loop check, which stops at the end of the header.
 */
final class MessageCopier {

    private static final DateTimeFormatter FROM_LINE_TIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

    /** What goes before the content (values already chosen for this invocation). */
    record Prepend(String sender, String originalRecipient, String deliveredTo, ZonedDateTime now) {
    }

    private MessageCopier() {
    }

    static void copy(InputStream content, OutputStream out, Set<PipeFlag> flags, String eol, Prepend p)
            throws IOException {
        byte[] eolBytes = eol.getBytes(StandardCharsets.ISO_8859_1);
        if (flags.contains(PipeFlag.FROM_LINE)) {
            write(out, "From " + p.sender() + " " + FROM_LINE_TIME.format(p.now()), eolBytes);
        }
        if (flags.contains(PipeFlag.RETURN_PATH)) {
            write(out, "Return-Path: <" + p.sender() + ">", eolBytes);
        }
        if (flags.contains(PipeFlag.ORIGINAL_TO) && p.originalRecipient() != null) {
            write(out, "X-Original-To: " + p.originalRecipient(), eolBytes);
        }
        if (flags.contains(PipeFlag.DELIVERED_TO) && p.deliveredTo() != null) {
            write(out, "Delivered-To: " + p.deliveredTo().toLowerCase(Locale.ROOT), eolBytes);
        }
        boolean dot = flags.contains(PipeFlag.DOT_STUFF);
        boolean from = flags.contains(PipeFlag.QUOTE_FROM);
        InputStream in = new BufferedInputStream(content, 64 * 1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        int c;
        boolean pending = false;
        while ((c = in.read()) >= 0) {
            pending = true;
            if (c == '\n') {
                emit(out, line, eolBytes, dot, from);
                pending = false;
            } else {
                line.write(c);
            }
        }
        if (pending) {
            emit(out, line, eolBytes, dot, from);
        }
        if (flags.contains(PipeFlag.BLANK_LINE)) {
            out.write(eolBytes);
        }
    }

    private static void emit(OutputStream out, ByteArrayOutputStream line, byte[] eol, boolean dot, boolean from)
            throws IOException {
        byte[] b = line.toByteArray();
        int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
        if (dot && len > 0 && b[0] == '.') {
            out.write('.');
        }
        if (from && len >= 5 && b[0] == 'F' && b[1] == 'r' && b[2] == 'o' && b[3] == 'm' && b[4] == ' ') {
            out.write('>');
        }
        out.write(b, 0, len);
        out.write(eol);
        line.reset();
    }

    private static void write(OutputStream out, String text, byte[] eol) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write(eol);
    }

    /** True when the message header has "Delivered-To: address" (any case, any spacing). */
    static boolean hasDeliveredTo(InputStream content, String address) throws IOException {
        InputStream in = new BufferedInputStream(content, 16 * 1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        int c;
        while (true) {
            c = in.read();
            if (c == '\n' || c < 0) {
                String text = line.toString(StandardCharsets.UTF_8);
                if (text.endsWith("\r")) {
                    text = text.substring(0, text.length() - 1);
                }
                if (text.isEmpty()) {
                    return false; // end of header
                }
                int colon = text.indexOf(':');
                if (colon > 0 && text.substring(0, colon).strip().equalsIgnoreCase("Delivered-To")
                        && text.substring(colon + 1).strip().equalsIgnoreCase(address)) {
                    return true;
                }
                if (c < 0) {
                    return false;
                }
                line.reset();
            } else if (line.size() < 8192) {
                line.write(c);
            }
        }
    }
}
