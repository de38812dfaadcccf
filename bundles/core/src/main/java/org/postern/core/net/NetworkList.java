// SPDX-License-Identifier: Apache-2.0
package org.postern.core.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.postern.api.support.IpAddresses;
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

    /** One network: the address with host bits cleared, and the prefix length. */
    public record Net(byte[] network, int prefix) {

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
            byte[] network = bytes.clone();
            for (int bit = prefix; bit < network.length * 8; bit++) {
                network[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            }
            return new Net(network, prefix);
        }

        /** True when the address (4 or 16 bytes; IPv4-mapped IPv6 counts as IPv4) is inside. */
        public boolean contains(byte[] address) {
            byte[] a = unmapped(address);
            if (a.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        private static byte[] unmapped(byte[] a) {
            if (a.length != 16) {
                return a;
            }
            for (int i = 0; i < 10; i++) {
                if (a[i] != 0) {
                    return a;
                }
            }
            if (a[10] != (byte) 0xff || a[11] != (byte) 0xff) {
                return a;
            }
            byte[] v4 = new byte[4];
            System.arraycopy(a, 12, v4, 0, 4);
            return v4;
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
