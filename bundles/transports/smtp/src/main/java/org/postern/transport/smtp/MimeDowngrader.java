// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.QuotedPrintableOutputStream;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.Field;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;

/**
 * SUMMARY   8BITMIME to 7BIT conversion for servers without 8BITMIME (Postfix mime_state's
 *           "downgrade", used when disable_mime_output_conversion = no).
 * DESCRIPTION
 *   Walks the MIME structure with mime4j's token stream (no decoding). Every leaf body that
 *   holds 8-bit bytes and is declared 7bit or 8bit (or not declared) is re-encoded as
 *   quoted-printable and its Content-Transfer-Encoding header replaced; multipart and
 *   message/rfc822 containers declared 8bit become 7bit. Everything else (headers, other
 *   parts, preambles, epilogues) passes through unchanged; boundary lines are rewritten
 *   in their canonical form.
 * SECURITY  The message is untrusted: mime4j's parser is used without line or header limits
 *   (the queue already enforced message_size_limit); one leaf body is held in memory at a time.
 * BUGS      8-bit header text is left as it is (as Postfix does); "binary" bodies are sent as they are.
 */
final class MimeDowngrader {

    private static final byte[] CRLF = {'\r', '\n'};

    private MimeDowngrader() {
    }

    static void downgrade(InputStream in, OutputStream out) throws IOException {
        MimeTokenStream stream = new MimeTokenStream(MimeConfig.custom()
                .setMaxLineLen(-1).setMaxHeaderLen(-1).setMaxHeaderCount(-1).setMaxContentLen(-1).build());
        stream.parse(in);
        List<Field> fields = new ArrayList<>();
        Deque<Multipart> multiparts = new ArrayDeque<>();
        boolean topLevel = true;
        boolean headerPending = false;
        try {
            for (EntityState state = stream.getState(); state != EntityState.T_END_OF_STREAM; state = stream.next()) {
                switch (state) {
                    case T_START_HEADER -> fields.clear();
                    case T_FIELD -> fields.add(stream.getField());
                    case T_END_HEADER -> headerPending = true;
                    case T_START_MESSAGE -> {
                        if (headerPending) {            // a message/rfc822 part: its header, then the inner message
                            writeHeader(out, fields, declared8bit(fields) ? "7bit" : null, false);
                            headerPending = false;
                            topLevel = false;
                        }
                    }
                    case T_BODY -> {
                        writeLeaf(out, fields, stream.getBodyDescriptor(), stream.getInputStream().readAllBytes(), topLevel);
                        headerPending = false;
                        topLevel = false;
                    }
                    case T_START_MULTIPART -> {
                        writeHeader(out, fields, declared8bit(fields) ? "7bit" : null, false);
                        headerPending = false;
                        topLevel = false;
                        multiparts.push(new Multipart(stream.getBodyDescriptor().getBoundary()));
                    }
                    case T_PREAMBLE -> {
                        byte[] preamble = stream.getInputStream().readAllBytes();
                        out.write(preamble);
                        if (preamble.length > 0) {
                            out.write(CRLF);
                        }
                    }
                    case T_START_BODYPART -> {
                        Multipart m = multiparts.peek();
                        if (!m.first) {
                            out.write(CRLF);
                        }
                        m.first = false;
                        out.write(("--" + m.boundary).getBytes(StandardCharsets.US_ASCII));
                        out.write(CRLF);
                    }
                    case T_EPILOGUE -> {
                        multiparts.peek().close(out);
                        out.write(stream.getInputStream().readAllBytes());
                    }
                    case T_END_MULTIPART -> multiparts.pop().close(out);
                    default -> {
                    }
                }
            }
        } catch (MimeException e) {
            throw new IOException("cannot parse MIME structure: " + e.getMessage(), e);
        }
    }

    /** A leaf body; a top-level one without MIME-Version gets one, so that the new encoding counts. */
    /** One multipart level: its boundary, whether a part was written, whether it is closed. */
    private static final class Multipart {
        final String boundary;
        boolean first = true;
        boolean closed;

        Multipart(String boundary) {
            this.boundary = boundary;
        }

        /** The close delimiter, once: CRLF "--boundary--" CRLF. */
        void close(OutputStream out) throws IOException {
            if (!closed) {
                closed = true;
                out.write(CRLF);
                out.write(("--" + boundary + "--").getBytes(StandardCharsets.US_ASCII));
                out.write(CRLF);
            }
        }
    }

    private static void writeLeaf(OutputStream out, List<Field> fields, BodyDescriptor bd, byte[] body, boolean topLevel)
            throws IOException {
        String cte = bd.getTransferEncoding().toLowerCase(Locale.ROOT);
        boolean convert = has8bit(body) && (cte.equals("7bit") || cte.equals("8bit"));
        boolean addVersion = convert && topLevel && fields.stream().noneMatch(f -> f.getName().equalsIgnoreCase("MIME-Version"));
        writeHeader(out, fields, convert ? "quoted-printable" : null, addVersion);
        if (!convert) {
            out.write(body);
            return;
        }
        QuotedPrintableOutputStream qp = new QuotedPrintableOutputStream(new NonClosing(out), false);
        qp.write(body);
        qp.close();
    }

    /** The header fields as received, with Content-Transfer-Encoding replaced when {@code newEncoding} is set. */
    private static void writeHeader(OutputStream out, List<Field> fields, String newEncoding, boolean addMimeVersion)
            throws IOException {
        boolean replaced = false;
        for (Field f : fields) {
            if (newEncoding != null && f.getName().equalsIgnoreCase("Content-Transfer-Encoding")) {
                if (!replaced) {
                    out.write(("Content-Transfer-Encoding: " + newEncoding).getBytes(StandardCharsets.US_ASCII));
                    out.write(CRLF);
                    replaced = true;
                }
                continue;
            }
            out.write(f.getRaw().toByteArray());
            out.write(CRLF);
        }
        if (addMimeVersion) {
            out.write("MIME-Version: 1.0".getBytes(StandardCharsets.US_ASCII));
            out.write(CRLF);
        }
        if (newEncoding != null && !replaced) {
            out.write(("Content-Transfer-Encoding: " + newEncoding).getBytes(StandardCharsets.US_ASCII));
            out.write(CRLF);
        }
        out.write(CRLF);
    }

    private static boolean declared8bit(List<Field> fields) {
        return fields.stream().anyMatch(f -> f.getName().equalsIgnoreCase("Content-Transfer-Encoding")
                && f.getBody().strip().equalsIgnoreCase("8bit"));
    }

    static boolean has8bit(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** Lets the quoted-printable encoder flush its last line without closing the connection. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
