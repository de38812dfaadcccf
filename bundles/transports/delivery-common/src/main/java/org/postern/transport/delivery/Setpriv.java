// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * SUMMARY   The words that start a command as another user: util-linux setpriv(1).
 * DESCRIPTION
 *   "setpriv --reuid=U --regid=G --init-groups|--clear-groups -- command..." sets the real and
 *   effective user and group IDs before the command is exec'd. Supplementary groups are
 *   either initialised from the group database ({@link Groups#INIT}: pipe(8)'s user=, a name
 *   the system knows) or cleared ({@link Groups#CLEAR}: local(8)'s users from tables, which
 *   the group database may not know). Only root can switch; what happens otherwise, and
 *   without setpriv, is the caller's decision.
 * SECURITY  Callers refuse uid 0 before they ask: a delivery never runs a command as root.
 */
public final class Setpriv {

    /** What becomes of the supplementary groups. */
    public enum Groups {
        /** initgroups(3) for the user: the groups the system's group database gives them. */
        INIT,
        /** None at all. */
        CLEAR
    }

    private static final List<Path> LOCATIONS = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    private Setpriv() {
    }

    /** The setpriv(1) of this system, if it has one. */
    public static Optional<Path> find() {
        return LOCATIONS.stream().filter(Files::isExecutable).findFirst();
    }

    /** The words to put in front of a command so that {@code setpriv} runs it as {@code uid}/{@code gid}. */
    public static List<String> prefix(Path setpriv, long uid, long gid, Groups groups) {
        return List.of(setpriv.toString(), "--reuid=" + uid, "--regid=" + gid,
                groups == Groups.INIT ? "--init-groups" : "--clear-groups", "--");
    }
}
