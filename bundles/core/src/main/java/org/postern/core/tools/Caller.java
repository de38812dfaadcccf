// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

/**
 * Who runs a tool, as the operating system says: the peer of the tool socket (SO_PEERCRED) or,
 * for a tool run in the caller's own process, the process's user.
 *
 * @param user  login name (the uid as digits when the account has no name)
 * @param uid   numeric user ID, -1 when unknown
 * @param admin whether the caller may run administrative tools (root, Postern's own user, or a
 *              member of $admin_group)
 */
public record Caller(String user, long uid, boolean admin) {

    /** "User joe(1001)", as Postfix's refusals name a user. */
    public String describe() {
        return user + "(" + uid + ")";
    }
}
