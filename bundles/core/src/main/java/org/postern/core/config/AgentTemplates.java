// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.Set;

/**
 * Parameters that a delivery agent expands itself, per recipient ($home, ${user},
 * ${extension}) or not at all (mailbox_command goes to the shell as written). They reach the
 * agent as written, and postconf neither reports their $names as undefined parameters nor
 * the settings as unused, as Postfix's postconf does for its "raw" parameters.
 */
public final class AgentTemplates {

    /** forward_path, luser_relay and mailbox_command as in Postfix; virtual_mailbox_path is Postern's. */
    public static final Set<String> NAMES = Set.of("forward_path", "virtual_mailbox_path", "luser_relay",
            "mailbox_command");

    private AgentTemplates() {
    }

    public static boolean contains(String name) {
        return NAMES.contains(name);
    }
}
