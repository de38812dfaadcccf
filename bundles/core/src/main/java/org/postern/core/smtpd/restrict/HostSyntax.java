// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import org.postern.api.support.IpAddresses;

/**
 * SUMMARY   Host name and address-literal syntax as Postfix judges it (valid_hostname(),
 *           valid_hostaddr(), valid_mailhost_addr(), dup_if_truncate()).
 * SECURITY  All input is from the network (HELO, MAIL FROM, RCPT TO); pure string checks.
 * BUGS      Non-ASCII (SMTPUTF8) names are never valid here: the facts do not say whether the
 *           client asked for SMTPUTF8.
 */
final class HostSyntax {

    private HostSyntax() {
    }

    /** Strips one trailing dot, but not from "x.." (Postfix dup_if_truncate()). */
    static String truncateDot(String name) {
        int n = name.length();
        if (n > 1 && name.charAt(n - 1) == '.' && name.charAt(n - 2) != '.') {
            return name.substring(0, n - 1);
        }
        return name;
    }

    /** valid_hostname(): labels of letters, digits, '-' and '_', 1..63 long, 255 in all, not all-numeric. */
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

    /** valid_hostaddr(): a bare IPv4 or IPv6 address. */
    static boolean validHostaddr(String text) {
        return IpAddresses.parse(text) != null;
    }

    /** valid_mailhost_addr(): IPv4, or "IPv6:" followed by an IPv6 address (inside an address literal). */
    static boolean validMailhostAddr(String text) {
        if (text.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return IpAddresses.parseIpv6(text.substring(5)) != null;
        }
        return IpAddresses.parseIpv4(text) != null;
    }

    /** True for every character in 0-9 (and a non-empty text). */
    static boolean allDigits(String text) {
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
}
