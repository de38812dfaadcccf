// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * SUMMARY   Writes the content lines of one message (DATA or BDAT) to the queue file, with
 *           CRLF line ends, counting the size and enforcing message_size_limit and
 *           header_size_limit.
 * DESCRIPTION
 *   Size is counted as Postfix's smtpd does: each received line counts its length plus 2 for the
 *   line end, after dot-unstuffing. Past message_size_limit nothing more is written and the
 *   session replies "552 5.3.4 Message size exceeds fixed limit" at the end of the data.
 *   header_size_limit applies per logical header (a header and its continuation lines): the
 *   excess is discarded, as Postfix's cleanup does.
 * SECURITY  Content is untrusted; memory use is one buffer, independent of line lengths.
 * BUGS      The header/body boundary is the first empty line; a non-header line in the header
 *           block is treated as a header line here (cleanup decides later).
 */
final class MessageReceiver {

    private static final byte[] CRLF = {'\r', '\n'};

    private final OutputStream out;
    private final long sizeLimit;
    private final int headerLimit;
    private long size;
    private boolean atLineStart = true;
    private boolean inHeaders = true;
    private boolean dropping;
    private boolean wroteThisLine;
    private long headerBytes;
    private boolean tooBig;
    private IOException error;

    MessageReceiver(OutputStream content, long sizeLimit, int headerLimit) {
        this.out = new BufferedOutputStream(content, 64 * 1024);
        this.sizeLimit = sizeLimit;
        this.headerLimit = headerLimit;
    }

    void write(byte[] bytes, boolean endOfLine) {
        long add = bytes.length + (endOfLine ? 2 : 0);
        if (sizeLimit > 0 && sizeLimit - size < add) {
            tooBig = true;
        }
        size += add;
        if (inHeaders && atLineStart) {
            if (bytes.length == 0 && endOfLine) {
                inHeaders = false;
                dropping = false;
            } else if (bytes.length > 0 && (bytes[0] == ' ' || bytes[0] == '\t')) {
                // continuation of the current header
            } else {
                headerBytes = 0;
                dropping = false;
            }
        }
        if (inHeaders && !(bytes.length == 0 && endOfLine && atLineStart)) {
            headerBytes += add;
            if (headerBytes > headerLimit) {
                dropping = true;
            }
        }
        if (tooBig || error != null) {
            atLineStart = endOfLine;
            return;
        }
        try {
            if (!(inHeaders && dropping)) {
                out.write(bytes);
                wroteThisLine = true;
            }
            if (endOfLine && wroteThisLine) {
                out.write(CRLF);
            }
        } catch (IOException e) {
            error = e;
        }
        if (endOfLine) {
            wroteThisLine = false;
        }
        atLineStart = endOfLine;
    }

    /** Ends the content: a last line without line end gets CRLF; flushes. */
    void finish() {
        if (!atLineStart) {
            write(new byte[0], true);
        }
        if (!tooBig && error == null) {
            try {
                out.flush();
            } catch (IOException e) {
                error = e;
            }
        }
    }

    long size() {
        return size;
    }

    boolean tooBig() {
        return tooBig;
    }

    IOException error() {
        return error;
    }
}
