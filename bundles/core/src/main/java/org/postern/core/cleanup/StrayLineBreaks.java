// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

import java.io.IOException;
import java.io.OutputStream;

/**
 * SUMMARY   cleanup_replace_stray_cr_lf: no CR or LF leaves cleanup except as the CRLF that
 *           ends a line (Postfix 3.9, against outbound SMTP smuggling).
 * DESCRIPTION
 *   Postfix replaces each CR or LF inside a queue file record with a space, before any other
 *   content processing (header and body checks see the space). Postern's content is lines
 *   ended by LF (a CR before it belongs to the line end), so:
 *   <ul>
 *   <li>{@link #mask} replaces the CRs left inside one line with spaces (a line holds no LF);</li>
 *   <li>{@link Filter} does the same for content copied through without being split into
 *       lines: a CR not followed by LF becomes a space, an LF without its CR ends the line
 *       as CRLF (it is a line end for cleanup's line splitting too, as for Postfix's records).</li>
 *   </ul>
 *   A next hop therefore never sees a bare CR or LF it might read as a line end: the content of
 *   an "end of data" made of them ("\r.\r", "\n.\r\n") cannot end DATA early at a receiving
 *   server that is lenient about line ends, and signatures added later do not depend on how
 *   that server treats them.
 * SECURITY  Sees untrusted content; keeps one byte of state.
 * SEE ALSO  postconf(5) cleanup_replace_stray_cr_lf; https://www.postfix.org/smtp-smuggling.html.
 */
final class StrayLineBreaks {

    private StrayLineBreaks() {
    }

    /** Replaces every CR and LF in {@code b[0..n)} with a space. */
    static void mask(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                b[i] = ' ';
            }
        }
    }

    /** The streaming form, for content copied through: CRLF stays, a lone CR is a space, a lone LF is CRLF. */
    static final class Filter {

        private static final byte[] CRLF = {'\r', '\n'};
        private static final byte[] SPACE = {' '};

        /** The last byte written was a CR whose fate depends on the next byte. */
        private boolean pendingCr;

        void write(byte[] b, int off, int len, OutputStream out) throws IOException {
            int end = off + len;
            int run = off;   // start of bytes that pass unchanged
            for (int i = off; i < end; i++) {
                byte c = b[i];
                if (pendingCr) {
                    pendingCr = false;
                    if (c == '\n') {
                        out.write(CRLF);
                        run = i + 1;
                        continue;
                    }
                    out.write(SPACE);
                }
                if (c == '\r' || c == '\n') {
                    out.write(b, run, i - run);
                    if (c == '\r') {
                        pendingCr = true;
                    } else {
                        out.write(CRLF);
                    }
                    run = i + 1;
                }
            }
            out.write(b, run, end - run);
        }

        /** The content ended: a CR still waiting ends the last line, as the line splitting does. */
        void finish(OutputStream out) throws IOException {
            if (pendingCr) {
                pendingCr = false;
                out.write(CRLF);
            }
        }
    }
}
