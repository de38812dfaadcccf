// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * SUMMARY   Appends one message to a UNIX mbox file, all or nothing.
 * DESCRIPTION
 *   Locks the file ({@link MailboxLocks}), creates it when missing (mode 0600, given to the
 *   recipient), appends what the writer produces, and forces it to disk. When the write
 *   fails or the file would grow beyond the size limit (mailbox_size_limit,
 *   virtual_mailbox_limit; 0 means none), the file is truncated back to its old length, so
 *   that a failed delivery leaves no partial message behind.
 * SECURITY  Refuses symbolic links and anything that is not a regular file.
 * BUGS      The size limit counts the whole file, as Postfix's file size resource limit does.
 */
public final class MboxFile {

    private MboxFile() {
    }

    /**
     * @param file      the mailbox
     * @param owner     who gets the file when it is created
     * @param sizeLimit the largest the file may become, in bytes; 0 for no limit
     */
    public static void append(Path file, MailboxOwner owner, long sizeLimit, LockSettings lockSettings,
                              MailboxLocks locks, MessageWriter writer) throws MailboxException {
        if (Files.isSymbolicLink(file)) {
            throw new MailboxException("4.2.0", "cannot update mailbox: is a symbolic link");
        }
        try (MailboxLocks.Held held = locks.lock(file, lockSettings)) {
            boolean created = !Files.exists(file, LinkOption.NOFOLLOW_LINKS);
            try (FileChannel channel = open(file, created)) {
                if (created) {
                    owner.applyTo(file);
                }
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw new MailboxException("4.2.0", "cannot update mailbox: not a regular file");
                }
                locks.lockChannel(held, channel, lockSettings);
                write(channel, sizeLimit, writer);
            }
        } catch (MailboxException e) {
            throw e;
        } catch (IOException e) {
            throw MailboxException.ioFailure("cannot update mailbox", e);
        }
    }

    private static FileChannel open(Path file, boolean create) throws IOException {
        if (create) {
            Set<OpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            return FileChannel.open(file, options,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        return FileChannel.open(file, Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
    }

    private static void write(FileChannel channel, long sizeLimit, MessageWriter writer) throws IOException {
        long start = channel.size();
        if (sizeLimit > 0 && start >= sizeLimit) {
            throw MailboxException.tooLarge();
        }
        channel.position(start);
        try {
            OutputStream out = new BufferedOutputStream(
                    new LimitedOutputStream(Channels.newOutputStream(channel), sizeLimit > 0 ? sizeLimit - start : 0), 65536);
            writer.writeTo(out);
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            try {
                channel.truncate(start);
                channel.force(true);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
