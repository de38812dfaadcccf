// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.Arrays;

import io.netty.util.NetUtil;

/** Postfix's valid_hostname(), valid_hostaddr() and address comparison, for client names. */
final class HostNames {

    private HostNames() {
    }

    /** Labels of letters, digits, '-' and '_', 1..63 long, 255 in all, not all-numeric. */
    static boolean validHostname(String name) {
        if (name.isEmpty() || name.length() > 255) {
            return false;
        }
        boolean nonNumeric = false;
        int labelLength = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                if (labelLength == 0 || name.charAt(i - 1) == '-') {
                    return false;
                }
                labelLength = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
                nonNumeric = true;
                labelLength++;
            } else if (c >= '0' && c <= '9') {
                labelLength++;
            } else if (c == '-') {
                if (labelLength == 0) {
                    return false;
                }
                nonNumeric = true;
                labelLength++;
            } else {
                return false;
            }
            if (labelLength > 63) {
                return false;
            }
        }
        return labelLength > 0 && name.charAt(name.length() - 1) != '-' && nonNumeric;
    }

    /** A bare IPv4 or IPv6 address. */
    static boolean validHostaddr(String text) {
        return NetUtil.createByteArrayFromIpAddressString(text) != null;
    }

    /**
     * valid_mailhost_addr(): IPv4, or "IPv6:" and an IPv6 address; returns the bare address, or
     * null when the syntax is bad.
     */
    static String bareMailhostAddr(String text) {
        if (text.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String v6 = text.substring(5);
            return NetUtil.isValidIpV6Address(v6) && v6.indexOf('%') < 0 ? v6 : null;
        }
        return NetUtil.isValidIpV4Address(text) ? text : null;
    }

    /** Same address, whatever the spelling ("2001:db8::1" and "2001:DB8:0::1"). */
    static boolean sameAddress(String a, String b) {
        byte[] x = NetUtil.createByteArrayFromIpAddressString(a);
        byte[] y = NetUtil.createByteArrayFromIpAddressString(b);
        return x != null && y != null && Arrays.equals(x, y);
    }

    /** Strips one trailing dot. */
    static String truncateDot(String name) {
        int n = name.length();
        return n > 1 && name.charAt(n - 1) == '.' && name.charAt(n - 2) != '.' ? name.substring(0, n - 1) : name;
    }
}
