// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery.privileged;

import org.postern.transport.delivery.Setpriv;

/**
 * Whom a delivery runs as.
 *
 * @param name   the user's name, for logs ("#uid" for a user known by number only)
 * @param uid    the user ID
 * @param gid    the primary group ID
 * @param groups whether the supplementary groups come from the group database or are cleared
 */
public record UserIdentity(String name, int uid, int gid, Setpriv.Groups groups) {

    /** Whether a delivery may run as this identity at all: never as root, user or group. */
    public boolean isPrivileged() {
        return uid <= 0 || gid <= 0;
    }
}
