// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.nio.file.Path;

/**
 * One user from the passwd table (a line "name:x:uid:gid:gecos:home:shell", as unix:passwd.byname answers).
 */
record PasswdEntry(String name, int uid, int gid, Path home, String shell) {

    /** Parses a passwd line; null when it is malformed. */
    static PasswdEntry parse(String line) {
        String[] f = line.strip().split(":", -1);
        if (f.length < 7) {
            return null;
        }
        try {
            return new PasswdEntry(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), Path.of(f[5]), f[6]);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
