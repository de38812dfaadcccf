// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Message content in SMTP DATA form (RFC 5321 section 4.5.2): a '.' that starts a line is
 * doubled, bare LF becomes CRLF, and {@link #finish()} ends the last line if needed and
 * writes the terminating ".CRLF". Does not close or flush the connection's stream.
 */
final class DotStuffingOutputStream extends FilterOutputStream {

    private boolean lineStart = true;
    private boolean afterCr;

    DotStuffingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (b == '\n' && !afterCr) {
            out.write('\r');
        }
        if (b == '.' && lineStart) {
            out.write('.');
        }
        out.write(b);
        afterCr = b == '\r';
        lineStart = b == '\n';
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            boolean special = (c == '.' && lineStart) || (c == '\n' && !afterCr);
            if (special) {
                out.write(b, start, i - start);
                out.write(c == '.' ? '.' : '\r');
                start = i;
            }
            afterCr = c == '\r';
            lineStart = c == '\n';
        }
        out.write(b, start, end - start);
    }

    /** Ends the content: CRLF if the last line is open, then ".CRLF". */
    void finish() throws IOException {
        if (!lineStart) {
            out.write(afterCr ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
        }
        out.write(new byte[] {'.', '\r', '\n'});
        lineStart = true;
    }

    @Override
    public void close() {
        // the connection stays open
    }
}
