// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * SUMMARY   Runs one external command: stdin from a writer, output captured, a time limit.
 * DESCRIPTION
 *   The command is exec'd directly (no shell) with exactly the given environment, in the
 *   given directory; its standard error is merged into its standard output, of which the
 *   first {@code outputLimit} bytes are kept and the rest is read and dropped. The message is
 *   written from a second thread so that a command that writes before it reads cannot
 *   deadlock. When the time limit passes, the command and everything it started are killed.
 *   A write error (the command exited without reading all its input) is not an error by
 *   itself: the exit status decides, as in Postfix.
 * SECURITY  No shell, no inherited environment. Output is the command's and may be anything;
 *   callers make it printable before it goes into a log or a report.
 * BUGS      Killing uses the JVM's view of the process tree: a grandchild that detached
 *   itself (setsid and re-parented to init) before the time limit survives.
 */
final class CommandRunner {

    /** Writes the command's standard input. */
    interface StdinWriter {
        void write(OutputStream stdin) throws IOException;
    }

    /**
     * How the command ended.
     *
     * @param timedOut true when the time limit killed it
     * @param status   the exit status (the JVM reports a signal N as 128+N)
     * @param output   the first bytes of its output (stdout and stderr)
     */
    record Outcome(boolean timedOut, int status, String output) {
    }

    private CommandRunner() {
    }

    static Outcome run(List<String> command, Path directory, Map<String, String> environment, StdinWriter stdin,
                       Duration limit, int outputLimit) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(environment);
        long deadline = System.nanoTime() + limit.toNanos();
        Process process = pb.start();
        Thread writer = new Thread(() -> {
            try (OutputStream in = process.getOutputStream()) {
                stdin.write(in);
            } catch (IOException e) {
                // The command closed its input early; the exit status decides.
            }
        }, "postern-pipe-stdin-" + process.pid());
        writer.setDaemon(true);
        BoundedSink output = new BoundedSink(process.getInputStream(), outputLimit);
        Thread reader = new Thread(output, "postern-pipe-output-" + process.pid());
        reader.setDaemon(true);
        writer.start();
        reader.start();
        boolean exited = process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS);
        if (exited) {
            // Children that keep the output open count against the same limit.
            reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
        }
        boolean timedOut = !exited || reader.isAlive();
        if (timedOut) {
            kill(process);
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(10_000);
        }
        writer.join(10_000);
        return new Outcome(timedOut, exited ? process.exitValue() : -1, output.text());
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.getInputStream().close();
        } catch (IOException ignored) {
            // killed anyway
        }
    }

    /** Keeps the first bytes of a stream and drains the rest. */
    private static final class BoundedSink implements Runnable {
        private final InputStream in;
        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        BoundedSink(InputStream in, int limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public void run() {
            byte[] buf = new byte[4096];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (kept) {
                        int room = limit - kept.size();
                        if (room > 0) {
                            kept.write(buf, 0, Math.min(room, n));
                        }
                    }
                }
            } catch (IOException e) {
                // closed by kill()
            }
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
