// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
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

    /**
     * rwx--x--x: a directory others may pass through but not list (${karaf.data}/postern, so that
     * every local user reaches public/tools, the tool socket, as Postfix's public/ services).
     */
    public static final Set<PosixFilePermission> TRAVERSABLE_DIRECTORY = Set.copyOf(EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE));

    /** rw-------: a file only Postern's user reads. */
    public static final Set<PosixFilePermission> PRIVATE_FILE = Set.copyOf(EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

    private FileModes() {
    }

    /** The attribute that creates a file or directory with exactly {@code mode} (less the umask). */
    public static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> mode) {
        return PosixFilePermissions.asFileAttribute(mode);
    }

    /**
     * Makes {@code directory} a private one: creates it (and any missing parent) mode 0700, or
     * sets an existing one that is not 0700 to 0700. A symbolic link is followed (an
     * administrator may keep the data on another disk): the directory it names is the one made
     * private.
     *
     * @return the earlier mode ("0755") when an existing directory was changed, empty otherwise
     */
    public static Optional<String> privateDirectory(Path directory) throws IOException {
        return directory(directory, PRIVATE_DIRECTORY);
    }

    /** As {@link #privateDirectory}, with {@code wanted} instead of 0700. */
    public static Optional<String> directory(Path directory, Set<PosixFilePermission> wanted) throws IOException {
        if (!Files.exists(directory)) {
            Files.createDirectories(directory, attribute(wanted));
            Files.setPosixFilePermissions(directory, wanted);   // the umask took the x bits others need
            return Optional.empty();
        }
        if (!Files.isDirectory(directory)) {
            throw new IOException(directory + ": not a directory");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(directory);
        if (mode.equals(wanted)) {
            return Optional.empty();
        }
        Files.setPosixFilePermissions(directory, wanted);
        return Optional.of(octal(mode));
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
