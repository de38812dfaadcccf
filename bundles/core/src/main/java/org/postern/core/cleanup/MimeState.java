// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.Locale;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.field.ContentTypeField;
import org.apache.james.mime4j.field.ContentTypeFieldLenientImpl;
import org.apache.james.mime4j.stream.RawField;

/**
 * SUMMARY   Where a line of streamed content sits in the MIME structure (Postfix mime_state(3)):
 *           primary header, header of a multipart part, header of an attached message, or body.
 * DESCRIPTION
 *   Fed one logical header ({@link #header}), each end of a header section ({@link #endHeaders})
 *   and each body line or piece of one ({@link #bodyPiece}). Content-Type values are parsed by
 *   mime4j; this class keeps only the stack of open entities: a multipart with its boundary, or
 *   an attached message/rfc822 (which has none and ends with its enclosing part). A body line
 *   "--boundary" of any open multipart starts a part (inner multiparts left open are closed);
 *   "--boundary--" closes it and what follows is its epilogue. Boundary lines stay body lines.
 *   Parts of multipart/digest default to message/rfc822, other parts to text/plain.
 *   Memory: the stack (at most mime_nesting_limit entries, each boundary at most
 *   mime_boundary_length_limit bytes) and the current Content-Type.
 * SECURITY  Every input is untrusted content. Boundaries are compared on their first
 *           min(mime_boundary_length_limit, line_length_limit - 2) bytes, so boundaries that
 *           are equal in that prefix cannot be told apart (as in Postfix); a line that begins
 *           with a boundary is a boundary line (also as in Postfix).
 * CONFIGURATION PARAMETERS
 *   disable_mime_input_processing (no): everything after the primary header is body.
 *   mime_nesting_limit (100), mime_boundary_length_limit (2048).
 * BUGS      Only message/rfc822 is entered, not message/partial or message/external-body;
 *           the Content-Transfer-Encoding of a multipart or message entity is not checked
 *           (strict_mime_encoding_domain).
 * SEE ALSO  Postfix header_checks(5), RFC 2045, RFC 2046 section 5.
 */
final class MimeState {

    /** Which header section the next header line belongs to, or the body. */
    enum Section { PRIMARY_HEADER, PART_HEADER, NESTED_HEADER, BODY }

    /** Which of header_checks, mime_header_checks, nested_header_checks a header is for. */
    enum HeaderClass { PRIMARY, MIME, NESTED }

    /** What {@link #endHeaders} or a boundary line did to the structure. */
    enum Event { NONE, NESTING_EXCEEDED, BOUNDARY_TRUNCATED }

    private static final String MESSAGE_RFC822 = "message/rfc822";

    /** One open entity: a multipart (boundary set) or an attached message (boundary null). */
    private record Frame(byte[] boundary, int boundaryLength, boolean digest) {
    }

    private final boolean disabled;
    private final int nestingLimit;
    private final int boundaryLimit;
    private final Deque<Frame> open = new ArrayDeque<>();

    private Section section = Section.PRIMARY_HEADER;
    private String defaultType = "text/plain";
    private String contentType;
    private String boundary;

    // The body line being matched against a boundary: which frame, where in the line we are.
    private Frame candidate;
    private long linePosition;
    private int closingDashes;
    private boolean lineStart = true;

    MimeState(boolean disabled, int nestingLimit, int boundaryLengthLimit, int lineLengthLimit) {
        this.disabled = disabled;
        this.nestingLimit = nestingLimit;
        this.boundaryLimit = Math.max(1, Math.min(boundaryLengthLimit, lineLengthLimit - 2));
    }

    Section section() {
        return section;
    }

    boolean inHeader() {
        return section != Section.BODY;
    }

    /** True when no boundary can change the section any more: the rest is one body. */
    boolean isSettled() {
        return section == Section.BODY && open.stream().noneMatch(f -> f.boundary() != null);
    }

    /** Lower-case header name to the check class, by the current section (header_checks(5)). */
    HeaderClass classify(String lowerName) {
        boolean mime = lowerName.startsWith("content-") || lowerName.equals("mime-version");
        switch (section) {
            case PART_HEADER:
                return HeaderClass.MIME;
            case NESTED_HEADER:
                return mime ? HeaderClass.MIME : HeaderClass.NESTED;
            default:
                return mime ? HeaderClass.MIME : HeaderClass.PRIMARY;
        }
    }

    /** A complete logical header of the current section; only Content-Type is kept (parsed by mime4j). */
    void header(RawField field) {
        if (disabled || !field.getNameLowerCase().equals("content-type")) {
            return;
        }
        try {
            ContentTypeField ct = ContentTypeFieldLenientImpl.PARSER.parse(field, DecodeMonitor.SILENT);
            contentType = ct.getMimeType() == null ? null : ct.getMimeType().toLowerCase(Locale.ROOT);
            boundary = ct.isMultipart() ? ct.getBoundary() : null;
        } catch (RuntimeException e) {
            contentType = null; // unparsable: the default type applies
            boundary = null;
        }
    }

    /** The header section ended (empty line, or a line that is not a header). */
    Event endHeaders() {
        String type = contentType == null ? defaultType : contentType;
        String b = boundary;
        contentType = null;
        boundary = null;
        section = Section.BODY;
        if (disabled) {
            return Event.NONE;
        }
        boolean multipart = type.startsWith("multipart/") && b != null && !b.isEmpty();
        if (!multipart && !type.equals(MESSAGE_RFC822)) {
            return Event.NONE; // a leaf, or a multipart without boundary: all of it is body
        }
        if (open.size() >= nestingLimit) {
            return Event.NESTING_EXCEEDED;
        }
        if (multipart) {
            byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
            boolean truncated = bytes.length > boundaryLimit;
            open.push(new Frame(truncated ? Arrays.copyOf(bytes, boundaryLimit) : bytes, bytes.length,
                    type.equals("multipart/digest")));
            return truncated ? Event.BOUNDARY_TRUNCATED : Event.NONE;
        }
        open.push(new Frame(null, 0, false));
        section = Section.NESTED_HEADER;
        defaultType = "text/plain";
        return Event.NONE;
    }

    /**
     * A body line, or a piece of an over-long one ({@code endsLine} false for all but the last).
     * Boundaries are recognised at the start of a line; the section changes after the line.
     */
    void bodyPiece(byte[] b, int n, boolean endsLine) {
        if (lineStart) {
            candidate = matchingFrame(b, n);
            linePosition = 0;
            closingDashes = 0;
        }
        if (candidate != null) {
            // "--" boundary "--": the two dashes right after the (full-length) boundary close it.
            for (long p = 2L + candidate.boundaryLength(); p < 4L + candidate.boundaryLength(); p++) {
                if (p >= linePosition && p < linePosition + n && b[(int) (p - linePosition)] == '-') {
                    closingDashes++;
                }
            }
        }
        linePosition += n;
        lineStart = endsLine;
        if (endsLine && candidate != null) {
            boundaryLine(candidate, closingDashes == 2);
            candidate = null;
        }
    }

    /** A whole line that is a boundary line of an open multipart (a header section ends before it). */
    boolean isBoundary(byte[] b, int n) {
        return matchingFrame(b, n) != null;
    }

    /** How many bytes of a boundary are compared. */
    int boundaryLimit() {
        return boundaryLimit;
    }

    private Frame matchingFrame(byte[] b, int n) {
        if (n < 2 || b[0] != '-' || b[1] != '-') {
            return null;
        }
        for (Frame f : open) {  // innermost first
            byte[] bd = f.boundary();
            if (bd != null && n >= 2 + bd.length && Arrays.equals(b, 2, 2 + bd.length, bd, 0, bd.length)) {
                return f;
            }
        }
        return null;
    }

    private void boundaryLine(Frame f, boolean closing) {
        Iterator<Frame> it = open.iterator();
        while (it.hasNext() && it.next() != f) {
            it.remove(); // inner entities whose closing boundary is missing
        }
        if (closing) {
            open.pop();
            section = Section.BODY;
        } else {
            section = Section.PART_HEADER;
            defaultType = f.digest() ? MESSAGE_RFC822 : "text/plain";
        }
        contentType = null;
        boundary = null;
    }
}
