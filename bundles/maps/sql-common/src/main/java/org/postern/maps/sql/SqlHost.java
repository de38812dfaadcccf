// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sql;

import java.util.ArrayList;
import java.util.List;

import org.postern.api.support.LogText;

/**
 * SUMMARY   One entry of the "hosts" parameter: "unix:/path", "inet:host:port", "host:port",
 *           "host", "[2001:db8::1]:port".
 * DESCRIPTION
 *   "inet:" and ":port" are optional; without a port the driver's default applies (3306 for
 *   mysql, 5432 for pgsql). {@link #spec()} is the entry as written, for messages.
 * SECURITY  Administrator input from the table's .cf file.
 */
public record SqlHost(String spec, boolean unix, String host, int port, String path) {

    /** Parses one entry. @throws IllegalArgumentException for a bad port or an empty name */
    public static SqlHost parse(String spec, int defaultPort) {
        if (spec.startsWith("unix:")) {
            String path = spec.substring("unix:".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("empty socket path in \"" + LogText.printable(spec) + "\"");
            }
            return new SqlHost(spec, true, null, 0, path);
        }
        String address = spec.startsWith("inet:") ? spec.substring("inet:".length()) : spec;
        String host = address;
        String port = null;
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing \"]\" in \"" + LogText.printable(spec) + "\"");
            }
            host = address.substring(1, close);
            String rest = address.substring(close + 1);
            if (rest.startsWith(":")) {
                port = rest.substring(1);
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("garbage after \"]\" in \"" + LogText.printable(spec) + "\"");
            }
        } else if (address.indexOf(':') >= 0 && address.indexOf(':') == address.lastIndexOf(':')) {
            host = address.substring(0, address.indexOf(':'));
            port = address.substring(address.indexOf(':') + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host name in \"" + LogText.printable(spec) + "\"");
        }
        return new SqlHost(spec, false, host, port == null ? defaultPort : parsePort(port, spec), null);
    }

    /** Parses every entry; Postfix's default is "localhost" when the list is empty. */
    public static List<SqlHost> parseAll(List<String> specs, int defaultPort) {
        List<SqlHost> hosts = new ArrayList<>();
        for (String spec : specs.isEmpty() ? List.of("localhost") : specs) {
            hosts.add(parse(spec, defaultPort));
        }
        return List.copyOf(hosts);
    }

    private static int parsePort(String port, String spec) {
        try {
            int value = Integer.parseInt(port);
            if (value > 0 && value < 65536) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad port \"" + LogText.printable(port) + "\" in \"" + LogText.printable(spec) + "\"");
    }

    @Override
    public String toString() {
        return spec;
    }
}
