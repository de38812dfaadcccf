// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.net.InetAddress;

/** This host's name for the myhostname default, as Postfix takes it from the system. */
public final class HostNames {

    private HostNames() {
    }

    /** The canonical name of the local host; $HOSTNAME or "localhost" when it has none. */
    public static String local() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            if (name != null && !name.isBlank() && !Character.isDigit(name.charAt(0)) && !name.contains(":")) {
                return name;
            }
        } catch (IOException e) {
            // Fall through: a host without a resolvable name still gets a usable default.
        }
        String env = System.getenv("HOSTNAME");
        return env != null && !env.isBlank() ? env : "localhost";
    }
}
