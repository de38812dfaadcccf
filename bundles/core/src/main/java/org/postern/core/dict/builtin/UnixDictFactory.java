// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.nio.file.Path;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.support.LogText;

/**
 * SUMMARY   unix - the system user database ("unix:passwd.byname", "unix:group.byname").
 * DESCRIPTION
 *   passwd.byname answers "name:passwd:uid:gid:gecos:dir:shell" and group.byname
 *   "name:passwd:gid:member,member", as Postfix formats getpwnam()/getgrnam() results
 *   (postmap -q root unix:passwd.byname gives "root:x:0:0:root:/root:/bin/bash"). The files are
 *   /etc/passwd and /etc/group, re-read when they change. With FOLD_CASE keys are lower-cased.
 *   Reports FIXED. Any other name fails at open ("unknown table").
 * SECURITY  Reads two local files; keys come from the network (local parts). Password fields
 *           are whatever the files hold, normally "x".
 * BUGS      Only the files are read: NSS sources other than files (LDAP, sss, systemd-userdb,
 *           NIS, "+" compat lines) are not consulted, unlike getpwnam(3).
 * SEE ALSO  Postfix postconf(5) and DATABASE_README, "unix"; passwd(5), group(5).
 */
@Component(service = DictFactory.class)
@DictType("unix")
public final class UnixDictFactory implements DictFactory {

    private final Path passwd;
    private final Path group;

    public UnixDictFactory() {
        this(Path.of("/etc/passwd"), Path.of("/etc/group"));
    }

    /** For tests: other files stand in for /etc/passwd and /etc/group. */
    UnixDictFactory(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        return switch (name) {
            case "passwd.byname" -> new UnixDict(name, passwd, 7, BuiltinTables.flags(flags, DictFlag.FIXED));
            case "group.byname" -> new UnixDict(name, group, 4, BuiltinTables.flags(flags, DictFlag.FIXED));
            default -> throw new DictException("unknown table: unix:" + LogText.printable(name)
                    + " (expecting unix:passwd.byname or unix:group.byname)", false);
        };
    }
}
