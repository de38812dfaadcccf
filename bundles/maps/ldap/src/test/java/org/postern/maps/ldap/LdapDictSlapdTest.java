// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.ldap;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The ldap_table(5) contract against a real OpenLDAP slapd of our own (see {@link PrivateSlapd}). */
class LdapDictSlapdTest extends LdapDictContract {

    private static Path home;
    private static PrivateSlapd slapd;

    @BeforeAll
    static void startSlapd() throws Exception {
        PrivateSlapd.assumeInstalled();
        home = Files.createTempDirectory("postern-slapd-");
        slapd = PrivateSlapd.start(home);
    }

    @AfterAll
    static void stopSlapd() throws Exception {
        if (slapd != null) {
            slapd.close();
        }
        if (home != null) {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Override
    int port() {
        return slapd.port();
    }
}
