// SPDX-License-Identifier: Apache-2.0
package org.postern.core.net;

import java.util.Arrays;

import org.postern.api.support.IpAddresses;

/**
 * SUMMARY   Host name and address syntax as Postfix judges it (valid_hostname(),
 *           valid_hostaddr(), valid_mailhost_addr(), dup_if_truncate()); shared by the SMTP
 *           server (PTR names, XCLIENT) and the restrictions (HELO, address domains).
 * SECURITY  All input is from the network (HELO, MAIL FROM, RCPT TO, DNS answers); pure string checks.
 * BUGS      Non-ASCII (SMTPUTF8) names are never valid here.
 */
public final class HostNames {

    private HostNames() {
    }

    /** Strips one trailing dot (dup_if_truncate). */
    public static String truncateDot(String name) {
        int n = name.length();
        return n > 1 && name.charAt(n - 1) == '.' && name.charAt(n - 2) != '.' ? name.substring(0, n - 1) : name;
    }

    /** valid_hostname(): labels of letters, digits, '-' and '_', 1..63 long, 255 in all, not all-numeric. */
    public static boolean validHostname(String name) {
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

    /** valid_hostaddr(): a bare IPv4 or IPv6 address. */
    public static boolean validHostaddr(String text) {
        return IpAddresses.parse(text) != null;
    }

    /** valid_mailhost_addr(): IPv4, or "IPv6:" followed by an IPv6 address (inside an address literal). */
    public static boolean validMailhostAddr(String text) {
        return bareMailhostAddr(text) != null;
    }

    /** As {@link #validMailhostAddr}, returning the bare address, or null when the syntax is bad. */
    public static String bareMailhostAddr(String text) {
        if (text.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String v6 = text.substring(5);
            return IpAddresses.parseIpv6(v6) != null ? v6 : null;
        }
        return IpAddresses.parseIpv4(text) != null ? text : null;
    }

    /** Same address, whatever the spelling ("2001:db8::1" and "2001:DB8:0::1"). */
    public static boolean sameAddress(String a, String b) {
        byte[] x = IpAddresses.parse(a);
        byte[] y = IpAddresses.parse(b);
        return x != null && y != null && Arrays.equals(x, y);
    }

    /** True for a non-empty text of digits 0-9 only. */
    public static boolean allDigits(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The HELO/EHLO argument as Postfix's smtpd keeps it: unprintable characters (non-ASCII
     * too, unless {@code utf8}) and the characters {@code  <>()\";@} become '?', so the name is
     * safe in replies, logs and the Received: header.
     */
    public static String neuterHeloName(String name, boolean utf8) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean printable = c > 0x20 && c < 0x7f
                    || utf8 && c >= 0xa0 && c != '\uFFFD' && !Character.isISOControl(c);
            b.append(printable && " <>()\\\";@".indexOf(c) < 0 ? c : '?');
        }
        return b.toString();
    }
}
