// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Fails with {@link MailboxException#tooLarge()} once more than {@code limit} bytes are written; 0 means no limit. */
final class LimitedOutputStream extends FilterOutputStream {
    private final long limit;
    private long written;

    LimitedOutputStream(OutputStream out, long limit) {
        super(out);
        this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
        count(1);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        count(len);
        out.write(b, off, len);
    }

    private void count(int n) throws MailboxException {
        written += n;
        if (limit > 0 && written > limit) {
            throw MailboxException.tooLarge();
        }
    }
}
