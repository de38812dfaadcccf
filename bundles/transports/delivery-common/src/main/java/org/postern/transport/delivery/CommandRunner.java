// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

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
 *   The command is exec'd as given (callers add a shell or a user switch in front) with
 *   exactly the given environment, in the given directory; its standard error is merged into
 *   its standard output, of which the first {@code outputLimit} bytes are kept and the rest is
 *   read and dropped. The message is written from a second thread so that a command that
 *   writes before it reads cannot deadlock; the time limit counts from the start. When it
 *   passes, the command and everything it started are killed. A write error (the command
 *   exited without reading all its input) is not an error by itself: the exit status decides,
 *   as in Postfix. What happens when the command has exited but a child still holds its
 *   output open is the caller's choice ({@link LingeringOutput}).
 * SECURITY  No shell, no inherited environment. Output is the command's and may be anything;
 *   callers make it printable before it goes into a log or a report.
 * BUGS      Killing uses the JVM's view of the process tree: a grandchild that detached
 *   itself (setsid and re-parented to init) before the time limit survives.
 */
public final class CommandRunner {

    /** How long to wait, after the command exited, for output a child still holds open. */
    public enum LingeringOutput {
        /**
         * pipe(8): the output must end within the time limit too; when it does not, the
         * command's process tree is killed and the run counts as timed out.
         */
        WITHIN_TIME_LIMIT,
        /**
         * local(8): two more seconds for the output, then the exit status decides with the
         * output read so far; the child is left alone.
         */
        GRACE_PERIOD
    }

    private static final long GRACE_MILLIS = 2000;

    /**
     * How the command ended.
     *
     * @param timedOut true when the time limit killed it
     * @param status   the exit status (the JVM reports a signal N as 128+N), -1 when it had not exited
     * @param output   the first bytes of its output (stdout and stderr), as UTF-8
     */
    public record Outcome(boolean timedOut, int status, String output) {
    }

    private final int outputLimit;
    private final LingeringOutput lingering;

    /** A runner that keeps {@code outputLimit} bytes of output and treats lingering output as {@code lingering} says. */
    public CommandRunner(int outputLimit, LingeringOutput lingering) {
        this.outputLimit = outputLimit;
        this.lingering = lingering;
    }

    /**
     * Runs {@code command} and waits for it, at most {@code limit}.
     *
     * @throws IOException          the command could not be started
     * @throws InterruptedException the wait was interrupted; the command has been killed
     */
    public Outcome run(List<String> command, Path directory, Map<String, String> environment, MessageWriter stdin,
                       Duration limit) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(environment);
        long deadline = System.nanoTime() + limit.toNanos();
        Process process = pb.start();
        Thread writer = new Thread(() -> {
            try (OutputStream in = process.getOutputStream()) {
                stdin.writeTo(in);
            } catch (IOException e) {
                // The command closed its input early; the exit status decides.
            }
        }, "postern-command-stdin-" + process.pid());
        writer.setDaemon(true);
        BoundedSink output = new BoundedSink(process.getInputStream(), outputLimit);
        Thread reader = new Thread(output, "postern-command-output-" + process.pid());
        reader.setDaemon(true);
        writer.start();
        reader.start();
        try {
            boolean exited = process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS);
            if (exited) {
                reader.join(lingering == LingeringOutput.GRACE_PERIOD ? GRACE_MILLIS
                        : Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining(deadline))));
            }
            boolean timedOut = !exited || (lingering == LingeringOutput.WITHIN_TIME_LIMIT && reader.isAlive());
            if (timedOut) {
                kill(process);
                process.waitFor(10, TimeUnit.SECONDS);
                reader.join(10_000);
            }
            writer.join(10_000);
            return new Outcome(timedOut, exited ? process.exitValue() : -1, output.text());
        } catch (InterruptedException e) {
            kill(process);
            throw e;
        }
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
