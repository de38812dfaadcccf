// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.postern.api.support.LogText;
import org.postern.transport.delivery.CommandRunner;
import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.DeliveryStatus;
import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.MessageWriter;
import org.postern.transport.delivery.Setpriv;
import org.postern.transport.delivery.SysExits;

/**
 * SUMMARY   Runs one "|command" destination with the message on its standard input.
 * DESCRIPTION
 *   The command runs as "shell -c command" (local_command_shell, else /bin/sh) with a clean
 *   environment (the caller's), in the user's home directory when it exists, else "/",
 *   through {@link CommandRunner}. When Postern runs as root the command runs as the given
 *   uid/gid with no supplementary groups, through util-linux "setpriv --reuid --regid
 *   --clear-groups" ({@link Setpriv}; else "runuser -u" for users the system knows); without
 *   root it runs as the current user. Exit 0 is delivered; other exits map through {@link SysExits#forExit};
 *   death by a signal defers (4.3.0); command_time_limit kills it and bounces (5.3.0,
 *   "Command time limit exceeded"), as Postfix does. The first 1024 bytes of output go into
 *   the diagnostic; the command text never does.
 * SECURITY  The command comes from an alias table, .forward or :include: file; it is never
 *   run as root (callers map root to default_privs). The environment is built, not inherited.
 * BUGS      No initgroups() (supplementary groups are cleared), because users from tables
 *   may be unknown to the system's group database.
 */
final class CommandDelivery {

    private static final int OUTPUT_LIMIT = 1024;
    private static final Path RUNUSER = Path.of("/usr/sbin/runuser");
    private static final CommandRunner RUNNER = new CommandRunner(OUTPUT_LIMIT, LingeringOutput.GRACE_PERIOD);

    DeliveryStatus run(String command, PasswdEntry as, Map<String, String> environment, String shell,
                       Duration timeLimit, MessageWriter stdin) {
        List<String> argv = new ArrayList<>();
        if (MailboxOwner.processIsRoot()) {
            if (as.uid() == 0) {
                return DeliveryStatus.deferred("4.3.0", "mail system configuration error");
            }
            Optional<Path> setpriv = Setpriv.find();
            if (setpriv.isPresent()) {
                argv.addAll(Setpriv.prefix(setpriv.get(), as.uid(), as.gid(), Setpriv.Groups.CLEAR));
            } else if (Files.isExecutable(RUNUSER)) {
                argv.addAll(List.of(RUNUSER.toString(), "-u", as.name(), "--"));
            } else {
                return DeliveryStatus.deferred("4.3.0", "cannot change privileges to run a command");
            }
        }
        argv.addAll(List.of(shell.isEmpty() ? "/bin/sh" : shell, "-c", command));
        Path directory = Files.isDirectory(as.home()) ? as.home() : Path.of("/");
        CommandRunner.Outcome outcome;
        try {
            outcome = RUNNER.run(argv, directory, environment, stdin, timeLimit);
        } catch (IOException e) {
            return DeliveryStatus.deferred("4.3.0", "cannot start command: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return DeliveryStatus.deferred("4.3.0", "delivery interrupted");
        }
        if (outcome.timedOut()) {
            return DeliveryStatus.bounced("5.3.0", "Command time limit exceeded");
        }
        int status = outcome.status();
        if (status == 0) {
            return DeliveryStatus.delivered("delivered to command");
        }
        if (SysExits.isSignal(status)) {
            return DeliveryStatus.deferred("4.3.0", "Command died with signal " + (status - 128));
        }
        return SysExits.forExit(status, LogText.printable(outcome.output().strip()));
    }
}
