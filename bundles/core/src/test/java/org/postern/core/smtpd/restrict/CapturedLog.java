// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What the tests' logger (slf4j-simple, which writes to whatever System.err is at the time)
 * writes while this is open: the log lines a change is expected to produce, to assert on.
 * Lines from other threads of the same JVM may be mixed in; assert with "contains".
 */
public final class CapturedLog implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    public CapturedLog() {
        System.setErr(new PrintStream(new TeeStream(), true, StandardCharsets.UTF_8));
    }

    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** What was logged while {@code action} ran. */
    public static String during(Runnable action) {
        try (CapturedLog log = new CapturedLog()) {
            action.run();
            return log.text();
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }

    /** Keeps a copy and still shows the output, so a failing test's log stays readable. */
    private final class TeeStream extends java.io.OutputStream {
        @Override
        public void write(int b) {
            synchronized (captured) {
                captured.write(b);
            }
            original.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (captured) {
                captured.write(b, off, len);
            }
            original.write(b, off, len);
        }
    }
}
