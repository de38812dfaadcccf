// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * SUMMARY   The user and group a delivery is made for, and who owns the files it creates.
 * DESCRIPTION
 *   When Postern runs as root, files and directories a delivery creates are given to the
 *   recipient's uid and gid (java.nio's "unix" attribute view, numeric ids, so that users
 *   from tables that are not in /etc/passwd work too). When it does not run as root, the
 *   delivery happens as the current user and nothing is chowned.
 * SECURITY  Never follows a symbolic link when changing ownership.
 */
public record MailboxOwner(int uid, int gid) {

    /** Whether this process runs as root: /proc/self belongs to the effective uid. */
    public static boolean processIsRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | ClassCastException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The uid and gid of this process. */
    public static MailboxOwner ofProcess() {
        try {
            Path self = Path.of("/proc/self");
            return new MailboxOwner((Integer) Files.getAttribute(self, "unix:uid"),
                    (Integer) Files.getAttribute(self, "unix:gid"));
        } catch (IOException | UnsupportedOperationException | ClassCastException | IllegalArgumentException e) {
            return new MailboxOwner(-1, -1);
        }
    }

    /** Gives {@code path} to this owner if the process can (root); otherwise leaves it. */
    public void applyTo(Path path) throws IOException {
        if (uid < 0 || !processIsRoot()) {
            return;
        }
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    }

    /** Creates the missing directories up to {@code dir} (mode 0700), each given to this owner. */
    public void createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            applyTo(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }
}
