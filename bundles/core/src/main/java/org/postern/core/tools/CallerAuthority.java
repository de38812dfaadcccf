// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

import jdk.net.UnixDomainPrincipal;

/**
 * SUMMARY   Who counts as an administrator of this Postern: root, the user Postern runs as,
 *           and the members of that user's primary group.
 * DESCRIPTION
 *   Postfix reserves postsuper and the postfix command for root and mail_owner; Postern adds
 *   the running user's primary group (for example "postern"), so an administrator is made by
 *   adding a login to that group, and the same group may read the files the tools need.
 */
public final class CallerAuthority {

    private final String ownUser;
    private final String ownGroup;
    private final UnixAccounts accounts;

    public CallerAuthority(String ownUser, String ownGroup, UnixAccounts accounts) {
        this.ownUser = ownUser;
        this.ownGroup = ownGroup;
        this.accounts = accounts;
    }

    /** The authority of the process this runs in (its effective user and group, from /proc/self). */
    public static CallerAuthority forThisProcess() {
        String user = System.getProperty("user.name");
        String group = "";
        try {
            group = Files.readAttributes(Path.of("/proc/self"), PosixFileAttributes.class).group().getName();
        } catch (IOException | UnsupportedOperationException e) {
            // no /proc: only root and the running user are administrators
        }
        return new CallerAuthority(user, group, UnixAccounts.system());
    }

    /** The caller on the other end of a UNIX socket, as the kernel names it. */
    public Caller identify(UnixDomainPrincipal peer) {
        return identify(peer.user().getName(), peer.group().getName());
    }

    /** A caller by login name and primary group name. */
    public Caller identify(String user, String primaryGroup) {
        long uid = accounts.uid(user).orElse(-1);
        boolean admin = user.equals("root") || uid == 0 || user.equals(ownUser)
                || (!ownGroup.isEmpty() && !ownGroup.equals("root")
                    && (primaryGroup.equals(ownGroup) || accounts.listedMember(user, ownGroup)));
        return new Caller(user, uid, admin);
    }
}
