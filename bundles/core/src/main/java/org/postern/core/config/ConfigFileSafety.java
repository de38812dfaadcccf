// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * SUMMARY   Refuses a configuration that someone other than its administrator could have written.
 * DESCRIPTION
 *   main.cf and master.cf decide what Postern runs (pipe commands, mailbox_command) and as
 *   whom; the configuration directory decides which files those are. Each of the three must
 *   be owned by root or by the user Postern runs as, and be writable by its owner only: a
 *   file that the group or others may write (mode 0664, 0666, 0775 ...) is refused, and so is
 *   one owned by any other user, naming the file, its mode or owner, and the fix. Postfix's
 *   "postfix check" warns about the same; Postern refuses, through the path a broken main.cf
 *   takes (not loaded at start, refused by reload, reported by postern:check and
 *   "postfix check").
 *   A missing master.cf is not a problem here (it is optional); a missing main.cf or directory
 *   is left to the reader, which names it.
 * SECURITY  Reads file attributes only. Symbolic links are followed: the file that would be
 *   read is the one checked. The directories above the configuration directory are not.
 * BUGS      A group-writable file is refused even when the group holds only the owner
 *   (user-private groups), where Postfix would only warn. "The user Postern runs as" is the
 *   user of the JVM that checks: for "postfix check" with Postern stopped, whoever runs it, so
 *   root checking files owned by the (stopped) Postern's user refuses them.
 * SEE ALSO  Postfix postfix(1) "check", docs/file-modes.md
 */
public final class ConfigFileSafety {

    private static final String ROOT = "root";

    private final String runningUser;

    /** @param runningUser the user Postern runs as, allowed to own the files besides root */
    public ConfigFileSafety(String runningUser) {
        this.runningUser = Objects.requireNonNull(runningUser, "runningUser");
    }

    /** For the user this JVM runs as. */
    public static ConfigFileSafety forThisProcess() {
        return new ConfigFileSafety(System.getProperty("user.name", ROOT));
    }

    /** Throws, naming the first unsafe one, when the directory, main.cf or master.cf is unsafe. */
    public void check(Path configDirectory) throws ConfigException {
        List<String> problems = problems(configDirectory);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.get(0));
        }
    }

    /** Every problem with the directory, main.cf and master.cf, in that order; empty when they are safe. */
    public List<String> problems(Path configDirectory) {
        List<String> problems = new ArrayList<>();
        for (Path p : List.of(configDirectory, configDirectory.resolve("main.cf"), configDirectory.resolve("master.cf"))) {
            PosixFileAttributes attributes;
            try {
                attributes = Files.readAttributes(p, PosixFileAttributes.class);
            } catch (NoSuchFileException e) {
                continue;
            } catch (UnsupportedOperationException e) {
                return problems;   // not a POSIX file system: nothing to check
            } catch (IOException e) {
                problems.add("cannot check " + p + ": " + e.getMessage());
                continue;
            }
            String owner = attributes.owner().getName();
            if (!owner.equals(ROOT) && !owner.equals(runningUser)) {
                problems.add(p + " is owned by " + owner + ", not by root or by the user Postern runs as ("
                        + runningUser + "); run chown " + runningUser + " " + p);
            }
            if (attributes.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || attributes.permissions().contains(PosixFilePermission.OTHERS_WRITE)) {
                problems.add(p + " is writable by group or others (mode " + FileModes.octal(attributes.permissions())
                        + "); run chmod go-w " + p);
            }
        }
        return problems;
    }
}
