// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.pipe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.postern.transport.delivery.Setpriv;
import org.postern.transport.delivery.privileged.UserIdentity;

/**
 * SUMMARY   The user and group a pipe command runs as, and how to switch to them.
 * DESCRIPTION
 *   Names are resolved through the system's name service ({@code getent passwd} and
 *   {@code getent group}, so LDAP or NIS users work as they do for Postfix). The command runs
 *   with the real and effective user and group IDs of the account and its supplementary
 *   groups initialised (initgroups, the wishlist's "child process should call initgroups()"):
 *   through util-linux {@code setpriv} when Postern runs as root, through the privileged
 *   delivery helper when it runs as another user ({@link #identity()}).
 * SECURITY  Refuses uid 0 and gid 0, as pipe(8) refuses root privileges.
 * BUGS      Linux only (reads /proc/self to learn the JVM's uid).
 */
record UnixAccount(String name, long uid, long gid) {

    /** The account is unknown, root, or cannot be switched to. */
    static final class AccountException extends Exception {
        AccountException(String message) {
            super(message);
        }
    }

    /** user=name[:group] resolved to numeric IDs. */
    static UnixAccount resolve(String user, Optional<String> group) throws AccountException, IOException {
        String[] pw = getent("passwd", user)
                .orElseThrow(() -> new AccountException("unknown user name: " + user));
        long uid = Long.parseLong(pw[2]);
        long gid = Long.parseLong(pw[3]);
        if (group.isPresent()) {
            String[] gr = getent("group", group.get())
                    .orElseThrow(() -> new AccountException("unknown group name: " + group.get()));
            gid = Long.parseLong(gr[2]);
        }
        if (uid == 0) {
            throw new AccountException("user= command-line attribute specifies root privileges");
        }
        if (gid == 0) {
            throw new AccountException("user= command-line attribute specifies privileged group id 0");
        }
        return new UnixAccount(user, uid, gid);
    }

    /** The JVM's own user ID. */
    static long currentUid() throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    }

    /** The identity the command runs as: this account with its supplementary groups. */
    UserIdentity identity() {
        return new UserIdentity(name, Math.toIntExact(uid), Math.toIntExact(gid), Setpriv.Groups.INIT);
    }

    private static Optional<String[]> getent(String database, String key) throws IOException {
        if (key.isEmpty() || key.startsWith("-") || key.chars().anyMatch(c -> c <= ' ' || c == ':')) {
            return Optional.empty();
        }
        Process p = new ProcessBuilder("getent", database, key).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("getent " + database + " " + key + ": no answer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() == 2) {
            return Optional.empty(); // key not found
        }
        if (p.exitValue() != 0) {
            throw new IOException("getent " + database + " " + key + ": exit status " + p.exitValue());
        }
        String[] fields = out.lines().findFirst().orElse("").split(":", -1);
        return fields.length >= 3 ? Optional.of(fields) : Optional.empty();
    }
}
