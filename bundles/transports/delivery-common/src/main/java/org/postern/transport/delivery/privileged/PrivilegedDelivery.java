// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery.privileged;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.postern.transport.delivery.CommandRunner;
import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.LockSettings;
import org.postern.transport.delivery.MailboxException;
import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.MessageWriter;

/**
 * SUMMARY   What a delivery agent does as the recipient user: run a command, append to an
 *           mbox file, write into a maildir, read the user's own files.
 * DESCRIPTION
 *   Two implementations: {@link DirectDelivery} works in this JVM (it is root and switches
 *   for commands with setpriv(1), or the target is the JVM's own user) and
 *   {@link HelperClient} asks the privileged delivery helper over its UNIX-domain socket.
 *   {@link #choose} picks one per target: the helper only when the JVM is not root and the
 *   target is not the JVM's own user.
 * SECURITY  Implementations refuse root (uid or gid 0) as the target.
 */
public interface PrivilegedDelivery {

    /** The helper did not answer; the caller defers with {@link #unavailableText}. */
    String UNAVAILABLE_DSN = "4.3.0";

    /**
     * Runs {@code argv} as {@code as} (no shell added) with exactly {@code environment}, in
     * {@code directory}, the message from {@code stdin} on its input.
     *
     * @throws IOException the command could not be started or the helper did not answer
     *                     ({@link HelperUnavailableException})
     */
    CommandRunner.Outcome runCommand(UserIdentity as, List<String> argv, Path directory,
                                     Map<String, String> environment, Duration limit, int outputLimit,
                                     LingeringOutput lingering, MessageWriter stdin)
            throws IOException, InterruptedException;

    /**
     * Appends what {@code writer} writes to the mbox {@code file}, all or nothing, as
     * {@code as}; {@code inSpool} says the file is in mail_spool_directory, which users may not
     * create files in (the helper creates and locks it as root, as Postfix's local(8) does).
     *
     * @throws MailboxException           the delivery failed (its status says how)
     * @throws HelperUnavailableException the helper did not answer
     */
    void appendMbox(UserIdentity as, Path file, boolean inSpool, long sizeLimit, LockSettings locks,
                    MessageWriter writer) throws MailboxException, HelperUnavailableException;

    /** Writes one message into the maildir {@code directory} as {@code as}, creating it when missing. */
    void deliverMaildir(UserIdentity as, Path directory, String host, long sizeLimit, MessageWriter writer)
            throws MailboxException, HelperUnavailableException;

    /** Reads at most {@code limit} bytes of {@code file} as {@code as}, if it is the user's (or root's) regular file. */
    UserFile readUserFile(UserIdentity as, Path file, int limit) throws IOException;

    /**
     * The implementation for deliveries as {@code uid}: {@code direct} when this JVM runs as
     * root or as {@code uid}, else {@code helper}.
     */
    static PrivilegedDelivery choose(int uid, PrivilegedDelivery direct, PrivilegedDelivery helper) {
        return choose(uid, MailboxOwner.ofProcess().uid(), direct, helper);
    }

    /**
     * The implementation for deliveries as {@code uid} by a process running as
     * {@code processUid}: {@code direct} for root, for the process's own user and for a user
     * without a uid (-1: an unprivileged Postern delivering as itself), else {@code helper}.
     */
    static PrivilegedDelivery choose(int uid, int processUid, PrivilegedDelivery direct, PrivilegedDelivery helper) {
        return processUid == 0 || uid == processUid || uid < 0 ? direct : helper;
    }

    /**
     * The deferral text when the helper at {@code socket} did not answer for {@code what}
     * ("local delivery to joe", "delivery as user vmail").
     */
    static String unavailableText(String what, Path socket) {
        return what + " needs the privileged delivery helper at " + socket + ", which is not running";
    }
}
