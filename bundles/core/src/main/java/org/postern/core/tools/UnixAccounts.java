// SPDX-License-Identifier: Apache-2.0
package org.postern.core.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * SUMMARY   Numeric user IDs and group members from /etc/passwd and /etc/group.
 * DESCRIPTION
 *   SO_PEERCRED as Java offers it names the peer's user and primary group; Postfix's messages
 *   and local_login_sender_maps ("uid:N") need the number, and admin_group needs the members.
 * BUGS      Accounts that exist only in NSS sources other than the files (LDAP, sssd) are not
 *           seen: such a user's uid shows as -1 and supplementary membership of admin_group
 *           counts only through the primary group.
 */
public final class UnixAccounts {

    private final Path passwd;
    private final Path group;

    public UnixAccounts(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    public static UnixAccounts system() {
        return new UnixAccounts(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    /** The uid of login {@code user} (digits are taken as the uid itself). */
    public OptionalLong uid(String user) {
        if (!user.isEmpty() && user.chars().allMatch(Character::isDigit)) {
            return OptionalLong.of(Long.parseLong(user));
        }
        for (String[] fields : entries(passwd)) {
            if (fields.length > 2 && fields[0].equals(user)) {
                try {
                    return OptionalLong.of(Long.parseLong(fields[2]));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /** Whether {@code user} is listed as a member of {@code groupName} (supplementary membership). */
    public boolean listedMember(String user, String groupName) {
        for (String[] fields : entries(group)) {
            if (fields.length > 3 && fields[0].equals(groupName)) {
                return List.of(fields[3].split(",")).contains(user);
            }
        }
        return false;
    }

    private static List<String[]> entries(Path file) {
        try {
            return Files.readAllLines(file).stream().map(l -> l.split(":", -1)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
