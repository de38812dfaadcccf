// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.postern.api.support.LogText;
import org.postern.transport.mailbox.DeliveryStatus;
import org.postern.transport.mailbox.MailboxOwner;
import org.postern.transport.mailbox.MessageWriter;

/**
 * SUMMARY   Runs one "|command" destination with the message on its standard input.
 * DESCRIPTION
 *   The command runs as "shell -c command" (local_command_shell, else /bin/sh) with a clean
 *   environment (the caller's), in the user's home directory when it exists, else "/".
 *   When Postern runs as root the command runs as the given uid/gid with no supplementary
 *   groups, through util-linux "setpriv --reuid --regid --clear-groups" (or "runuser -u"
 *   for users the system knows); without root it runs as the current user. Exit 0 is
 *   delivered; other exits map through {@link SysExits}; death by a signal defers (4.3.0);
 *   command_time_limit kills it and bounces (5.3.0, "Command time limit exceeded"), as
 *   Postfix does. The first 1024 bytes of output go into the diagnostic; the command text
 *   never does.
 * SECURITY  The command comes from an alias table, .forward or :include: file; it is never
 *   run as root (callers map root to default_privs). The environment is built, not inherited.
 * BUGS      No initgroups() (supplementary groups are cleared), because users from tables
 *   may be unknown to the system's group database.
 */
final class CommandRunner {

    private static final int OUTPUT_LIMIT = 1024;
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Path RUNUSER = Path.of("/usr/sbin/runuser");

    DeliveryStatus run(String command, PasswdEntry as, Map<String, String> environment, String shell,
                       Duration timeLimit, MessageWriter stdin) {
        List<String> argv = new ArrayList<>();
        if (MailboxOwner.processIsRoot()) {
            if (as.uid() == 0) {
                return DeliveryStatus.deferred("4.3.0", "mail system configuration error");
            }
            if (Files.isExecutable(SETPRIV)) {
                argv.addAll(List.of(SETPRIV.toString(), "--reuid=" + as.uid(), "--regid=" + as.gid(), "--clear-groups"));
            } else if (Files.isExecutable(RUNUSER)) {
                argv.addAll(List.of(RUNUSER.toString(), "-u", as.name(), "--"));
            } else {
                return DeliveryStatus.deferred("4.3.0", "cannot change privileges to run a command");
            }
        }
        argv.addAll(List.of(shell.isEmpty() ? "/bin/sh" : shell, "-c", command));
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .directory(Files.isDirectory(as.home()) ? as.home().toFile() : new java.io.File("/"));
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return DeliveryStatus.deferred("4.3.0", "cannot start command: " + e.getMessage());
        }
        OutputCollector output = new OutputCollector(process.getInputStream());
        output.start();
        try (OutputStream in = process.getOutputStream()) {
            stdin.writeTo(in);
        } catch (IOException e) {
            // the command does not read its input (or not all of it): its exit status decides
        }
        try {
            if (!process.waitFor(timeLimit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return DeliveryStatus.bounced("5.3.0", "Command time limit exceeded");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return DeliveryStatus.deferred("4.3.0", "delivery interrupted");
        }
        output.awaitQuietly();
        int status = process.exitValue();
        if (status == 0) {
            return DeliveryStatus.delivered("delivered to command");
        }
        if (status > 128 && status < 128 + 65) {
            return DeliveryStatus.deferred("4.3.0", "Command died with signal " + (status - 128));
        }
        return SysExits.forExit(status, output.text());
    }

    /** Reads the command's output, keeping the first {@link #OUTPUT_LIMIT} bytes. */
    private static final class OutputCollector extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        OutputCollector(InputStream in) {
            super("local-command-output");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[4096];
            try (in) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    synchronized (kept) {
                        kept.write(buffer, 0, Math.max(0, Math.min(n, OUTPUT_LIMIT - kept.size())));
                    }
                }
            } catch (IOException ignored) {
                // the process went away
            }
        }

        void awaitQuietly() {
            try {
                join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String text() {
            synchronized (kept) {
                return LogText.printable(kept.toString(StandardCharsets.UTF_8).strip());
            }
        }
    }
}
