// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.nio.file.Path;
import java.util.List;

import org.postern.core.config.ConfigEnvironment;
import org.postern.core.config.MainCf;
import org.postern.core.config.ParameterTable;
import org.postern.core.config.PostfixConfig;

/** main.cf snapshots for the smtpd tests; myhostname is mx.example.test. */
final class TestConfigs {

    private static final ConfigEnvironment ENV =
            new ConfigEnvironment(Path.of("/etc/postern"), Path.of("/var/lib/postern"), "mx.example.test");

    private TestConfigs() {
    }

    static PostfixConfig config(String... lines) {
        try {
            String[] all = new String[lines.length + 3];
            all[0] = "myhostname = mx.example.test";
            all[1] = "compatibility_level = 3.6";
            all[2] = "mynetworks = 127.0.0.0/8 [::1]/128";   // not this machine's own networks (mynetworks_style)
            System.arraycopy(lines, 0, all, 3, lines.length);
            return PostfixConfig.of(ParameterTable.standard(), ENV, MainCf.parse(Path.of("/x/main.cf"), List.of(all)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
