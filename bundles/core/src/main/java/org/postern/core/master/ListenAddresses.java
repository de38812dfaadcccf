// SPDX-License-Identifier: Apache-2.0
package org.postern.core.master;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SUMMARY   Where a master.cf "inet" service listens: "[host:]port" plus inet_interfaces.
 * DESCRIPTION
 *   As master(5): a service name "127.0.0.1:2525" or "[::1]:2525" listens on that address;
 *   a bare port or service name ("smtp", "2525") listens on every address of
 *   inet_interfaces ("all", "loopback-only", or a list of addresses). inet_protocols
 *   decides whether IPv4, IPv6 or both are used for "all" and "loopback-only".
 * BUGS      Host names in inet_interfaces are not resolved; only addresses are accepted.
 */
public final class ListenAddresses {

    /** The services of /etc/services an MTA listens on. */
    private static final Map<String, Integer> PORTS = Map.of("smtp", 25, "submission", 587, "smtps", 465,
            "submissions", 465, "lmtp", 24);

    private ListenAddresses() {
    }

    /**
     * @throws IllegalArgumentException for a port that is neither a number nor a known service name
     */
    public static List<InetSocketAddress> of(String serviceName, List<String> inetInterfaces, String inetProtocols) {
        String host = null;
        String port = serviceName;
        int colon = serviceName.lastIndexOf(':');
        if (colon > 0) {
            host = serviceName.substring(0, colon);
            port = serviceName.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
        }
        int portNumber = port(port);
        List<String> hosts = host != null ? List.of(host) : interfaces(inetInterfaces, inetProtocols);
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String h : hosts) {
            addresses.add(new InetSocketAddress(h, portNumber));
        }
        return addresses;
    }

    private static int port(String port) {
        Integer known = PORTS.get(port.toLowerCase(Locale.ROOT));
        if (known != null) {
            return known;
        }
        try {
            int p = Integer.parseInt(port);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new IllegalArgumentException("bad port or service name: \"" + port + "\"");
    }

    private static List<String> interfaces(List<String> inetInterfaces, String inetProtocols) {
        boolean ipv4 = inetProtocols.contains("ipv4") || inetProtocols.contains("all");
        boolean ipv6 = inetProtocols.contains("ipv6") || inetProtocols.contains("all");
        List<String> hosts = new ArrayList<>();
        for (String i : inetInterfaces) {
            switch (i.toLowerCase(Locale.ROOT)) {
                case "all" -> {
                    if (ipv6) {
                        hosts.add("::");       // a dual-stack socket also takes IPv4 on Linux
                    } else if (ipv4) {
                        hosts.add("0.0.0.0");
                    }
                }
                case "loopback-only" -> {
                    if (ipv4) {
                        hosts.add("127.0.0.1");
                    }
                    if (ipv6) {
                        hosts.add("::1");
                    }
                }
                default -> hosts.add(i.startsWith("[") && i.endsWith("]") ? i.substring(1, i.length() - 1) : i);
            }
        }
        return hosts;
    }
}
