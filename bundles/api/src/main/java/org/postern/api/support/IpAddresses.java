// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import java.util.Arrays;

/**
 * SUMMARY   Text to bytes and back for IPv4/IPv6 addresses, as glibc inet_pton()/inet_ntop() do.
 * DESCRIPTION
 *   Parsing is strict like inet_pton(): IPv4 is exactly four decimal octets without leading
 *   zeros; IPv6 is up to eight groups of one to four hex digits, one "::" at most, optionally
 *   ending in a dotted quad; no brackets, no zone ("%eth0"), no prefix. Formatting compresses
 *   the longest run of two or more zero groups and writes ::a.b.c.d and ::ffff:a.b.c.d forms
 *   as glibc does, so that suggestions in warnings read like Postfix's.
 * SECURITY  Keys come from the network (client addresses); no DNS, no allocation beyond 16 bytes.
 */
public final class IpAddresses {

    private IpAddresses() {
    }

    /** The address family as Postfix guesses it: IPv6 when the text has a ':'. */
    public static boolean looksLikeIpv6(String text) {
        return text.indexOf(':') >= 0;
    }

    /** inet_pton(AF_INET or AF_INET6); null when the text is not an address of that family. */
    public static byte[] parse(String text) {
        return looksLikeIpv6(text) ? parseIpv6(text) : parseIpv4(text);
    }

    public static byte[] parseIpv4(String text) {
        byte[] out = new byte[4];
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (true) {
            int start = i;
            int value = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                if (value > 255 || (i > start && text.charAt(start) == '0')) {
                    return null;
                }
                i++;
            }
            if (i == start || octets == 4) {
                return null;
            }
            out[octets++] = (byte) value;
            if (i == n) {
                return octets == 4 ? out : null;
            }
            if (text.charAt(i++) != '.') {
                return null;
            }
        }
    }

    public static byte[] parseIpv6(String text) {
        byte[] out = new byte[16];
        int n = text.length();
        int pos = 0;
        int i = 0;
        int gap = -1;
        if (n >= 2 && text.startsWith("::")) {
            gap = 0;
            i = 2;
        } else if (n > 0 && text.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && hex(text.charAt(i)) >= 0 && i - start < 5) {
                value = (value << 4) | hex(text.charAt(i));
                i++;
            }
            if (i < n && text.charAt(i) == '.') {
                byte[] v4 = pos <= 12 ? parseIpv4(text.substring(start)) : null;
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, out, pos, 4);
                pos += 4;
                i = n;
                break;
            }
            if (i == start || i - start > 4 || pos == 16) {
                return null;
            }
            out[pos++] = (byte) (value >> 8);
            out[pos++] = (byte) value;
            if (i == n) {
                break;
            }
            if (text.charAt(i++) != ':') {
                return null;
            }
            if (i < n && text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = pos;
                i++;
            } else if (i == n) {
                return null;            // trailing single ':'
            }
        }
        if (gap >= 0) {
            if (pos == 16) {
                return null;            // "::" must stand for at least one group
            }
            int tail = pos - gap;
            System.arraycopy(out, gap, out, 16 - tail, tail);
            Arrays.fill(out, gap, 16 - tail, (byte) 0);
        } else if (pos != 16) {
            return null;
        }
        return out;
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** inet_ntop(): dotted quad, or compressed IPv6 text. */
    public static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        int[] words = new int[8];
        for (int w = 0; w < 8; w++) {
            words[w] = ((address[2 * w] & 0xff) << 8) | (address[2 * w + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        for (int w = 0; w < 8; ) {
            if (words[w] != 0) {
                w++;
                continue;
            }
            int base = w;
            while (w < 8 && words[w] == 0) {
                w++;
            }
            if (w - base > bestLen) {
                bestBase = base;
                bestLen = w - base;
            }
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder b = new StringBuilder();
        for (int w = 0; w < 8; w++) {
            if (bestBase >= 0 && w >= bestBase && w < bestBase + bestLen) {
                if (w == bestBase) {
                    b.append(':');
                }
                continue;
            }
            if (w != 0) {
                b.append(':');
            }
            if (w == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff))) {
                b.append(address[12] & 0xff).append('.').append(address[13] & 0xff).append('.')
                        .append(address[14] & 0xff).append('.').append(address[15] & 0xff);
                return b.toString();
            }
            b.append(Integer.toHexString(words[w]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            b.append(':');
        }
        return b.toString();
    }
}
