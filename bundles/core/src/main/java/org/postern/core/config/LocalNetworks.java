// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.postern.api.support.IpAddresses;
import org.postern.api.support.NetBlock;

/**
 * SUMMARY   The mynetworks default from mynetworks_style, as Postfix computes it.
 * DESCRIPTION
 *   host: each address of this machine (/32, /128); subnet: the network of each address
 *   with its interface's prefix; class: IPv4 class A/B/C networks (IPv6 as subnet). Only the
 *   addresses Postfix would listen on count: inet_interfaces (all, loopback-only, or listed
 *   addresses) and inet_protocols (ipv4, ipv6, all). IPv4 comes first, then IPv6, each in
 *   interface order, duplicates dropped: the same text Postfix's postconf prints.
 */
public final class LocalNetworks {

    /** One address of this machine and its interface's prefix length. */
    public record LocalAddress(byte[] address, int prefixLength, boolean loopback) {
    }

    private LocalNetworks() {
    }

    /** The addresses of this machine's interfaces that are up. */
    public static List<LocalAddress> enumerate() {
        List<LocalAddress> out = new ArrayList<>();
        try {
            List<NetworkInterface> nics = Collections.list(NetworkInterface.getNetworkInterfaces());
            // Postfix's order is the kernel's (getifaddrs): by interface index, loopback first.
            nics.sort(java.util.Comparator.comparingInt(NetworkInterface::getIndex));
            for (NetworkInterface nic : nics) {
                if (!nic.isUp()) {
                    continue;
                }
                // OpenJDK builds each interface's list by prepending (IPv6 from /proc/net/if_inet6,
                // whose order is a hash's), while Postfix sees the kernel's per-interface list,
                // which Linux keeps sorted by scope: global before site-local before link-local
                // (fd00::/64 before fe80::/64). Reversing, then a stable sort by scope, gives that.
                List<InterfaceAddress> kernelOrder = new ArrayList<>(nic.getInterfaceAddresses());
                Collections.reverse(kernelOrder);
                kernelOrder.sort(java.util.Comparator.comparingInt((InterfaceAddress a) -> scope(a.getAddress())).reversed());
                for (InterfaceAddress a : kernelOrder) {
                    InetAddress ip = a.getAddress();
                    out.add(new LocalAddress(ip.getAddress(), a.getNetworkPrefixLength(), ip.isLoopbackAddress()));
                }
            }
        } catch (SocketException e) {
            // No interface list: only loopback is known to be ours.
            out.add(new LocalAddress(new byte[] {127, 0, 0, 1}, 8, true));
        }
        return out;
    }

    /** RFC 4291 scope values as Linux orders an interface's addresses by them (IPv4: one class). */
    private static int scope(InetAddress ip) {
        if (!(ip instanceof java.net.Inet6Address)) {
            return 0;
        }
        if (ip.isLoopbackAddress()) {
            return 0x1;
        }
        if (ip.isLinkLocalAddress()) {
            return 0x2;
        }
        return ip.isSiteLocalAddress() ? 0x5 : 0xe;
    }

    /**
     * The mynetworks text for {@code style}.
     *
     * @param interfaces inet_interfaces as a list ("all", "loopback-only", or addresses)
     * @param protocols  inet_protocols as a list ("all", "ipv4", "ipv6")
     */
    public static String mynetworks(String style, List<String> interfaces, List<String> protocols, List<LocalAddress> addresses) {
        boolean ipv4 = protocols.contains("all") || protocols.contains("ipv4");
        boolean ipv6 = protocols.contains("all") || protocols.contains("ipv6");
        Set<String> v4 = new LinkedHashSet<>();
        Set<String> v6 = new LinkedHashSet<>();
        for (LocalAddress a : addresses) {
            boolean isV4 = a.address().length == 4;
            if ((isV4 && !ipv4) || (!isV4 && !ipv6) || !listensOn(a, interfaces)) {
                continue;
            }
            int prefix = prefix(style, a);
            String network = IpAddresses.format(NetBlock.masked(a.address(), prefix));
            (isV4 ? v4 : v6).add(isV4 ? network + "/" + prefix : "[" + network + "]/" + prefix);
        }
        List<String> all = new ArrayList<>(v4);
        all.addAll(v6);
        return String.join(" ", all);
    }

    private static boolean listensOn(LocalAddress a, List<String> interfaces) {
        if (interfaces.isEmpty() || interfaces.stream().anyMatch(i -> i.equalsIgnoreCase("all"))) {
            return true;
        }
        if (interfaces.stream().anyMatch(i -> i.equalsIgnoreCase("loopback-only"))) {
            return a.loopback();
        }
        String text = IpAddresses.format(a.address());
        for (String i : interfaces) {
            String bare = i.startsWith("[") && i.endsWith("]") ? i.substring(1, i.length() - 1) : i;
            if (bare.equalsIgnoreCase(text) || (i.equalsIgnoreCase("localhost") && a.loopback())) {
                return true;
            }
        }
        return false;
    }

    private static int prefix(String style, LocalAddress a) {
        int bits = a.address().length * 8;
        switch (style.toLowerCase(Locale.ROOT)) {
            case "host":
                return bits;
            case "class":
                if (bits == 32) {
                    int first = a.address()[0] & 0xff;
                    return first < 128 ? 8 : first < 192 ? 16 : first < 224 ? 24 : 32;
                }
                return clamp(a.prefixLength(), bits);
            default:
                return clamp(a.prefixLength(), bits);
        }
    }

    private static int clamp(int prefix, int bits) {
        return prefix < 0 || prefix > bits ? bits : prefix;
    }


    /** Whether {@code a} is IPv4 (kept for callers holding an InetAddress). */
    static boolean isIpv4(InetAddress a) {
        return a instanceof Inet4Address;
    }
}
