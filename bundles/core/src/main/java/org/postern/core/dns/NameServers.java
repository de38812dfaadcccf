// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.postern.core.config.PostfixLists;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;

/**
 * SUMMARY   dns_servers: the name servers Postern asks, "host[:port]" each, or /etc/resolv.conf's.
 * DESCRIPTION
 *   Postern's own parameter (Postfix always uses the system's resolver): a list of IPv4
 *   addresses, "[IPv6]" addresses, each with an optional ":port" (default 53). Empty means the
 *   servers of /etc/resolv.conf. The resolver is built again when the value changes (postfix
 *   reload), and reused while it does not.
 * SECURITY  The value is the administrator's; host names are not resolved (an address is
 *   required, so that the name servers never depend on a lookup).
 */
final class NameServers {

    /** dns_servers could not be used: every lookup fails temporarily with this reason. */
    static final class Unusable extends Exception {
        private static final long serialVersionUID = 1L;

        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    private record Built(String value, Resolver resolver, String error) {
    }

    private final Supplier<String> value;
    private final Duration timeout;
    private volatile Built built;

    /** @param value dns_servers as it is now (empty when unset) */
    NameServers(Supplier<String> value, Duration timeout) {
        this.value = value;
        this.timeout = timeout;
    }

    Resolver resolver() throws Unusable {
        String now = value.get();
        now = now == null ? "" : now.strip();
        Built b = built;
        if (b == null || !b.value().equals(now)) {
            b = build(now);
            built = b;
        }
        if (b.error() != null) {
            throw new Unusable(b.error());
        }
        return b.resolver();
    }

    private Built build(String spec) {
        try {
            ExtendedResolver resolver = spec.isEmpty() ? new ExtendedResolver()
                    : new ExtendedResolver(servers(spec).stream().map(NameServers::simple).toArray(Resolver[]::new));
            resolver.setTimeout(timeout);
            return new Built(spec, resolver, null);
        } catch (IllegalArgumentException | UnknownHostException e) {
            return new Built(spec, null, "dns_servers: " + e.getMessage());
        }
    }

    private static Resolver simple(InetSocketAddress address) {
        return new SimpleResolver(address);
    }

    /** "192.0.2.53", "127.0.0.1:5353", "[::1]:53" to socket addresses. */
    static List<InetSocketAddress> servers(String spec) throws UnknownHostException {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String entry : PostfixLists.split(spec)) {
            String host = entry;
            int port = 53;
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("bad server \"" + entry + "\": missing ]");
                }
                host = entry.substring(1, close);
                if (close + 1 < entry.length()) {
                    port = port(entry, entry.substring(close + 1));
                }
            } else if (entry.indexOf(':') >= 0) {
                host = entry.substring(0, entry.indexOf(':'));
                port = port(entry, entry.substring(entry.indexOf(':')));
            }
            if (!host.matches("[0-9.]+|[0-9A-Fa-f:.]+")) {
                throw new IllegalArgumentException("bad server \"" + entry + "\": an IP address is required");
            }
            servers.add(new InetSocketAddress(InetAddress.getByName(host), port));
        }
        return servers;
    }

    private static int port(String entry, String colonPort) {
        try {
            int port = Integer.parseInt(colonPort.substring(1));
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad server \"" + entry + "\": bad port");
    }
}
