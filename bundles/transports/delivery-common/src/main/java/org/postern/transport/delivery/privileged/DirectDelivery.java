// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery.privileged;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.postern.transport.delivery.CommandRunner;
import org.postern.transport.delivery.CommandRunner.LingeringOutput;
import org.postern.transport.delivery.LockSettings;
import org.postern.transport.delivery.MailboxException;
import org.postern.transport.delivery.MailboxLocks;
import org.postern.transport.delivery.MailboxOwner;
import org.postern.transport.delivery.MaildirFolder;
import org.postern.transport.delivery.MboxFile;
import org.postern.transport.delivery.MessageWriter;
import org.postern.transport.delivery.Setpriv;

/**
 * SUMMARY   Deliveries as another user made by this process itself.
 * DESCRIPTION
 *   For a JVM that runs as root (files are created and then given to the user, commands start
 *   through setpriv(1)), for one that delivers to its own user (no switch at all), and inside
 *   the privileged delivery helper (which is root). Mbox and maildir writing is
 *   {@link MboxFile} and {@link MaildirFolder} with this instance's {@link MailboxLocks}.
 * SECURITY  Refuses root as the target when it is root itself. A root process reading a user's file checks the
 *   owner and type first and reads it without following a symbolic link; it cannot check
 *   the user's read permission the way the kernel would (callers that care check it).
 */
public final class DirectDelivery implements PrivilegedDelivery {

    private final MailboxLocks locks;
    private final MaildirFolder maildirs;

    /** Locks and maildir names shared with the caller's other deliveries. */
    public DirectDelivery(MailboxLocks locks, MaildirFolder maildirs) {
        this.locks = locks;
        this.maildirs = maildirs;
    }

    @Override
    public CommandRunner.Outcome runCommand(UserIdentity as, List<String> argv, Path directory,
                                            Map<String, String> environment, Duration limit, int outputLimit,
                                            LingeringOutput lingering, MessageWriter stdin)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(switchPrefix(as));
        command.addAll(argv);
        return new CommandRunner(outputLimit, lingering).run(command, existingOrRoot(directory), environment, stdin,
                limit);
    }

    /** {@code directory} when it is one, else "/" (a home directory that does not exist). */
    public static Path existingOrRoot(Path directory) {
        return Files.isDirectory(directory) ? directory : Path.of("/");
    }

    /** The setpriv words when this process is root and {@code as} is someone else; empty otherwise. */
    static List<String> switchPrefix(UserIdentity as) throws IOException {
        if (!MailboxOwner.processIsRoot()) {
            return List.of();
        }
        if (as.isPrivileged()) {
            throw new IOException("refusing to run a command with root privileges");
        }
        Optional<Path> setpriv = Setpriv.find();
        if (setpriv.isEmpty()) {
            throw new IOException("cannot change privileges to run a command: setpriv(1) not found");
        }
        return Setpriv.prefix(setpriv.get(), as.uid(), as.gid(), as.groups());
    }

    @Override
    public void appendMbox(UserIdentity as, Path file, boolean inSpool, long sizeLimit, LockSettings lockSettings,
                           MessageWriter writer) throws MailboxException {
        MboxFile.append(file, new MailboxOwner(as.uid(), as.gid()), sizeLimit, lockSettings, locks, writer);
    }

    @Override
    public void deliverMaildir(UserIdentity as, Path directory, String host, long sizeLimit, MessageWriter writer)
            throws MailboxException {
        maildirs.deliver(directory, host, new MailboxOwner(as.uid(), as.gid()), sizeLimit, writer);
    }

    @Override
    public UserFile readUserFile(UserIdentity as, Path file, int limit) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(file, "unix:uid,isRegularFile", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return new UserFile.Missing();
        }
        if (!Boolean.TRUE.equals(attributes.get("isRegularFile"))) {
            return new UserFile.Untrusted("not a regular file");
        }
        int owner = (Integer) attributes.get("uid");
        if (MailboxOwner.processIsRoot() && owner != as.uid() && owner != 0) {
            return new UserFile.Untrusted("owned by uid " + owner);
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return new UserFile.Content(in.readNBytes(limit));
        } catch (java.nio.file.AccessDeniedException e) {
            return new UserFile.Untrusted("not readable");
        }
    }
}
