// SPDX-License-Identifier: Apache-2.0
package org.postern.core.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.postern.api.support.IpAddresses;
import org.postern.api.support.NetBlock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   Address matching for mynetworks-style lists: "127.0.0.0/8", "[::1]/128",
 *           "192.0.2.1", "[2001:db8::1]", "!pattern" (negation; first match wins).
 * DESCRIPTION
 *   {@link Net} is the one net/mask pattern of the SMTP server and the restrictions (HostList
 *   uses it for permit_mynetworks), so both read the same setting the same way. IPv4-mapped
 *   IPv6 clients (::ffff:192.0.2.1) match IPv4 patterns, as Postfix sees them as IPv4.
 * SECURITY  Patterns are the administrator's; addresses come from the network.
 * BUGS      "/file/name" and "type:table" entries are not supported here; they are skipped with
 *           a warning (the restriction engine's HostList has the full matcher).
 */
public final class NetworkList {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");

    /** One network of the list; IPv4-mapped IPv6 addresses are matched as IPv4. */
    public record Net(NetBlock block) {

        /** "a.b.c.d", "a.b.c.d/n", "[v6]", "[v6]/n", "v6/n"; null when the token is not a net pattern. */
        public static Net parse(String token) {
            String addr = token;
            String len = null;
            int slash = token.indexOf('/');
            if (slash >= 0) {
                addr = token.substring(0, slash);
                len = token.substring(slash + 1);
            }
            if (addr.startsWith("[") && addr.endsWith("]")) {
                addr = addr.substring(1, addr.length() - 1);
            }
            byte[] bytes = IpAddresses.parse(addr);
            if (bytes == null) {
                return null;
            }
            int prefix = bytes.length * 8;
            if (len != null) {
                if (!HostNames.allDigits(len) || len.length() > 3 || Integer.parseInt(len) > prefix) {
                    return null;
                }
                prefix = Integer.parseInt(len);
            }
            return new Net(new NetBlock(bytes, prefix));
        }

        /** True when the address (4 or 16 bytes; IPv4-mapped IPv6 counts as IPv4) is inside. */
        public boolean contains(byte[] address) {
            return block.contains(NetBlock.unmapped(address));
        }
    }

    private record Entry(Net net, boolean negate) {
    }

    private final List<Entry> entries;

    private NetworkList(List<Entry> entries) {
        this.entries = entries;
    }

    public static NetworkList parse(List<String> patterns) {
        List<Entry> out = new ArrayList<>();
        for (String p : patterns) {
            boolean negate = p.startsWith("!");
            Net net = Net.parse(negate ? p.substring(1) : p);
            if (net == null) {
                LOG.warn("warning: network list: unsupported or bad entry \"{}\", skipped", p);
                continue;
            }
            out.add(new Entry(net, negate));
        }
        return new NetworkList(List.copyOf(out));
    }

    public static NetworkList empty() {
        return new NetworkList(List.of());
    }

    public boolean matches(InetAddress address) {
        return matches(address.getAddress());
    }

    public boolean matches(String address) {
        byte[] b = IpAddresses.parse(address);
        return b != null && matches(b);
    }

    private boolean matches(byte[] address) {
        for (Entry e : entries) {
            if (e.net.contains(address)) {
                return !e.negate;
            }
        }
        return false;
    }
}
