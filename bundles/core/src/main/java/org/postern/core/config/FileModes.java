// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * SUMMARY   The permission bits Postern gives what it creates, and their octal spelling.
 * DESCRIPTION
 *   Postfix keeps its queue and data directories 0700 and their files 0600, owned by the mail
 *   system's user: other local users never read queued mail, cached TLS keys or state. Postern
 *   does the same under ${karaf.data}/postern. The modes are passed at creation
 *   ({@link #attribute}), so that a file is never readable by others, not even for the moment
 *   between a create and a chmod; the umask can only take bits away from them.
 *   {@link #octal} writes a mode as ls(1) and chmod(1) users read it ("0755").
 * SEE ALSO  docs/file-modes.md
 */
public final class FileModes {

    /** rwx------: a directory only Postern's user enters. */
    public static final Set<PosixFilePermission> PRIVATE_DIRECTORY = Set.copyOf(EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

    /** rw-------: a file only Postern's user reads. */
    public static final Set<PosixFilePermission> PRIVATE_FILE = Set.copyOf(EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    private FileModes() {
    }

    /** The attribute that creates a file or directory with exactly {@code mode} (less the umask). */
    public static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> mode) {
        return PosixFilePermissions.asFileAttribute(mode);
    }

    /** "0755" for rwxr-xr-x. */
    public static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            // OWNER_READ is ordinal 0 and worth 0400; each later constant is worth half the one before.
            bits |= 0400 >> p.ordinal();
        }
        return String.format("%04o", bits);
    }
}
