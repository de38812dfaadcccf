// SPDX-License-Identifier: Apache-2.0
package org.postern.core.command;

import java.io.IOException;
import java.io.Writer;

/** Writes each line to {@code target} with {@code prefix} in front (stderr tunnelled through stdout). */
final class LinePrefixWriter extends Writer {

    private final Writer target;
    private final String prefix;
    private boolean atLineStart = true;

    LinePrefixWriter(Writer target, String prefix) {
        this.target = target;
        this.prefix = prefix;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            char c = buf[i];
            if (atLineStart && c != '\n') {
                target.write(prefix);
                atLineStart = false;
            }
            target.write(c);
            if (c == '\n') {
                atLineStart = true;
            }
        }
    }

    @Override
    public void flush() throws IOException {
        target.flush();
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
