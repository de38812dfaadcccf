// SPDX-License-Identifier: Apache-2.0
package org.postern.deliveryhelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * SUMMARY   Whether the helper, as root, may append to a mailbox in the mail spool directory.
 * DESCRIPTION
 *   Users cannot create files in a spool directory such as /var/mail (root:mail 2775), so,
 *   as Postfix's local(8) does, the helper creates, locks and appends to those mailboxes as
 *   root and gives a new one to the user. It does that only for a file directly in the spool
 *   directory it was started with (--mail-spool-directory), whose name has no "/" or leading
 *   ".", and which, when it exists, is a regular file (not a symbolic link) owned by the
 *   target uid with one link.
 * SECURITY  Everything else is written by a child running as the user.
 * BUGS      The file name is not checked against the user's name: a compromised JVM may
 *   create a missing spool mailbox of any name for any non-root user. The checks are made on
 *   the path before the append opens it (Java has no fstat): in a spool directory users can
 *   write (mode 1777) on a kernel without protected_hardlinks, a user could swap their
 *   mailbox for a hard link in between; symbolic links are refused at open.
 */
final class SpoolMailbox {

    private final Path spool;

    SpoolMailbox(Path spool) {
        this.spool = spool.toAbsolutePath().normalize();
    }

    /** Why the helper will not append to {@code file} as root for {@code uid}; empty when it will. */
    Optional<String> refusal(Path file, int uid) {
        Path normal = file.toAbsolutePath().normalize();
        if (!normal.equals(file) || !spool.equals(normal.getParent())) {
            return Optional.of("not in the mail spool directory " + spool);
        }
        String name = normal.getFileName().toString();
        if (name.startsWith(".")) {
            return Optional.of("not a mailbox name");
        }
        try {
            Map<String, Object> a = Files.readAttributes(normal, "unix:uid,nlink,isRegularFile", LinkOption.NOFOLLOW_LINKS);
            if (!Boolean.TRUE.equals(a.get("isRegularFile"))) {
                return Optional.of("not a regular file");
            }
            if ((Integer) a.get("uid") != uid) {
                return Optional.of("owned by uid " + a.get("uid") + ", not " + uid);
            }
            if ((Integer) a.get("nlink") != 1) {
                return Optional.of("has more than one link");
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e.toString());
        }
    }
}
