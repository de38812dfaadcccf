// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.postern.api.support.LogText;
import org.postern.transport.delivery.CommandRunner;
import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.DeliveryStatus;
import org.postern.transport.delivery.MessageWriter;
import org.postern.transport.delivery.SysExits;
import org.postern.transport.delivery.privileged.HelperUnavailableException;

/**
 * SUMMARY   Runs one "|command" destination with the message on its standard input.
 * DESCRIPTION
 *   The command runs as "shell -c command" (local_command_shell, else /bin/sh) with a clean
 *   environment (the caller's), in the user's home directory when it exists, else "/",
 *   as the given uid/gid with no supplementary groups: through util-linux "setpriv --reuid
 *   --regid --clear-groups" when Postern runs as root, through the privileged delivery helper
 *   when it does not and the user is another ({@link DeliveryPrivileges}), directly when the
 *   user is Postern's own. Exit 0 is delivered; other exits map through {@link SysExits#forExit};
 *   death by a signal defers (4.3.0); command_time_limit kills it and bounces (5.3.0,
 *   "Command time limit exceeded"), as Postfix does. The first 1024 bytes of output go into
 *   the diagnostic; the command text never does. No helper: deferred (4.3.0).
 * SECURITY  The command comes from an alias table, .forward or :include: file; it is never
 *   run as root (callers map root to default_privs). The environment is built, not inherited.
 * BUGS      No initgroups() (supplementary groups are cleared), because users from tables
 *   may be unknown to the system's group database.
 */
final class CommandDelivery {

    private static final int OUTPUT_LIMIT = 1024;

    DeliveryStatus run(String command, PasswdEntry as, Map<String, String> environment, String shell,
                       Duration timeLimit, MessageWriter stdin, DeliveryPrivileges privileges) {
        if (as.uid() == 0) {
            return DeliveryStatus.deferred("4.3.0", "mail system configuration error");
        }
        List<String> argv = List.of(shell.isEmpty() ? "/bin/sh" : shell, "-c", command);
        CommandRunner.Outcome outcome;
        try {
            outcome = privileges.forUser(as).runCommand(DeliveryPrivileges.identity(as), argv, as.home(), environment,
                    timeLimit, OUTPUT_LIMIT, LingeringOutput.GRACE_PERIOD, stdin);
        } catch (HelperUnavailableException e) {
            return privileges.unavailable(as);
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
