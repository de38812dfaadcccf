// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

import org.postern.transport.delivery.MailboxOwner;

/**
 * SUMMARY   Would the user be allowed to do this? For file deliveries made by root on a user's behalf.
 * DESCRIPTION
 *   Postfix switches to the user before opening "/file" and ":include:" destinations; a JVM
 *   cannot switch per thread, so when Postern runs as root it checks the UNIX permission
 *   bits for the user's uid and primary gid instead (owner, then group, then other), for
 *   the file or, when it does not exist yet, its directory. Without root the kernel checks.
 * SECURITY  The point of this class: a user's .forward must not write or read what the
 *   user could not. Symbolic links are refused for writing, as Postfix's safe_open does.
 * BUGS      Supplementary groups and ACLs are not considered (stricter than the kernel).
 */
final class FileAccess {

    private FileAccess() {
    }

    /** May {@code who} append to {@code file} (or create it)? */
    static boolean mayWrite(Path file, PasswdEntry who) {
        if (!MailboxOwner.processIsRoot()) {
            return true;
        }
        if (Files.isSymbolicLink(file)) {
            return false;
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return allowed(file, who, 2);
        }
        Path dir = file.toAbsolutePath().getParent();
        return dir != null && allowed(dir, who, 2) && allowed(dir, who, 1);
    }

    /** May {@code who} write into the maildir {@code dir} (or create it in the nearest existing parent)? */
    static boolean mayWriteDirectory(Path dir, PasswdEntry who) {
        if (!MailboxOwner.processIsRoot()) {
            return true;
        }
        Path d = dir.toAbsolutePath();
        while (d != null && !Files.exists(d, LinkOption.NOFOLLOW_LINKS)) {
            d = d.getParent();
        }
        return d != null && !Files.isSymbolicLink(d) && allowed(d, who, 2) && allowed(d, who, 1);
    }

    /** May {@code who} read {@code file}? */
    static boolean mayRead(Path file, PasswdEntry who) {
        return !MailboxOwner.processIsRoot() || allowed(file, who, 4);
    }

    /** Checks one permission bit (4 read, 2 write, 1 execute) for the user's uid/gid. */
    private static boolean allowed(Path path, PasswdEntry who, int bit) {
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:uid,gid,mode", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            if (who.uid() == 0) {
                return true;
            }
            if ((Integer) a.get("uid") == who.uid()) {
                return (mode & (bit << 6)) != 0;
            }
            if ((Integer) a.get("gid") == who.gid()) {
                return (mode & (bit << 3)) != 0;
            }
            return (mode & bit) != 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The owner of {@code file} as uid and gid, or null when it cannot be read. */
    static MailboxOwner ownerOf(Path file) {
        try {
            Map<String, Object> a = Files.readAttributes(file, "unix:uid,gid");
            return new MailboxOwner((Integer) a.get("uid"), (Integer) a.get("gid"));
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
