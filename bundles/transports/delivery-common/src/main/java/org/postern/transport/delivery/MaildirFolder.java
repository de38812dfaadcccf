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
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SUMMARY   Delivers one message into a qmail-style maildir.
 * DESCRIPTION
 *   Creates the maildir and its tmp/, new/ and cur/ when missing (mode 0700, given to the
 *   recipient), writes the message to tmp/ under a unique name, forces it to disk, links it
 *   into new/ under the same name and removes the tmp/ entry. The name is
 *   "seconds.MmicrosPpidQcounter.host" (the maildir convention; "/" and ":" in the host
 *   name written as \057 and \072); the counter is per instance, so that two deliveries in
 *   the same microsecond get different names. A failed delivery leaves nothing in new/.
 * SECURITY  The tmp/ file is created exclusively; the link into new/ fails rather than
 *   replacing an existing message.
 */
public final class MaildirFolder {

    private static final Set<OpenOption> CREATE_NEW = Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private final AtomicLong counter = new AtomicLong();

    /**
     * @param maildir   the maildir (with or without the trailing "/")
     * @param host      this host's name for the file name (myhostname)
     * @param owner     who gets the directories and the file
     * @param sizeLimit the largest the message file may be, in bytes; 0 for no limit
     * @return the file in new/
     */
    public Path deliver(Path maildir, String host, MailboxOwner owner, long sizeLimit, MessageWriter writer) throws MailboxException {
        Path tmp = null;
        try {
            owner.createDirectories(maildir.resolve("tmp"));
            owner.createDirectories(maildir.resolve("new"));
            owner.createDirectories(maildir.resolve("cur"));
            String name = uniqueName(host);
            tmp = maildir.resolve("tmp").resolve(name);
            try (FileChannel channel = FileChannel.open(tmp, CREATE_NEW,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                owner.applyTo(tmp);
                OutputStream out = new BufferedOutputStream(
                        new LimitedOutputStream(Channels.newOutputStream(channel), sizeLimit), 65536);
                writer.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Path target = maildir.resolve("new").resolve(name);
            Files.createLink(target, tmp);
            Files.delete(tmp);
            tmp = null;
            return target;
        } catch (MailboxException e) {
            throw e;
        } catch (IOException e) {
            throw MailboxException.ioFailure("cannot create maildir file", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // left in tmp/, where maildir readers clean up after 36 hours
                }
            }
        }
    }

    String uniqueName(String host) {
        Instant now = Instant.now();
        return now.getEpochSecond() + ".M" + (now.getNano() / 1000) + "P" + ProcessHandle.current().pid()
                + "Q" + counter.incrementAndGet() + "." + host.replace("/", "\\057").replace(":", "\\072");
    }
}
