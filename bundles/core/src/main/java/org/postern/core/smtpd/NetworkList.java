// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.util.NetUtil;

/**
 * SUMMARY   A small address matcher for mynetworks-style lists: "127.0.0.0/8", "[::1]/128",
 *           "192.0.2.1", "[2001:db8::1]", "!pattern" (negation; first match wins).
 * SECURITY  Input is the administrator's configuration.
 * BUGS      "/file/name" and "type:table" entries are not supported here; they are skipped with
 *           a warning (the restriction engine has the full matcher).
 */
public final class NetworkList {

    private static final Logger LOG = LoggerFactory.getLogger("postern.smtpd");

    private record Entry(byte[] network, int prefix, boolean negate) {
    }

    private final List<Entry> entries;

    private NetworkList(List<Entry> entries) {
        this.entries = entries;
    }

    public static NetworkList parse(List<String> patterns) {
        List<Entry> out = new ArrayList<>();
        for (String p : patterns) {
            boolean negate = p.startsWith("!");
            String s = negate ? p.substring(1) : p;
            int slash = s.lastIndexOf('/');
            String addr = slash > 0 ? s.substring(0, slash) : s;
            if (addr.startsWith("[") && addr.endsWith("]")) {
                addr = addr.substring(1, addr.length() - 1);
            }
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(addr);
            if (bytes == null) {
                LOG.warn("warning: network list: unsupported or bad entry \"{}\", skipped", p);
                continue;
            }
            int prefix = bytes.length * 8;
            if (slash > 0) {
                try {
                    prefix = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    LOG.warn("warning: network list: bad netmask in \"{}\", skipped", p);
                    continue;
                }
            }
            out.add(new Entry(bytes, prefix, negate));
        }
        return new NetworkList(List.copyOf(out));
    }

    public static NetworkList empty() {
        return new NetworkList(List.of());
    }

    public boolean matches(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && isMappedV4(a)) {
            byte[] v4 = new byte[4];
            System.arraycopy(a, 12, v4, 0, 4);
            a = v4;
        }
        for (Entry e : entries) {
            if (e.network.length == a.length && prefixMatch(e.network, a, e.prefix)) {
                return !e.negate;
            }
        }
        return false;
    }

    public boolean matches(String address) {
        try {
            byte[] b = NetUtil.createByteArrayFromIpAddressString(address);
            return b != null && matches(InetAddress.getByAddress(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static boolean prefixMatch(byte[] net, byte[] a, int prefix) {
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (net[i] != a[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (net[full] & mask) == (a[full] & mask);
    }
}
