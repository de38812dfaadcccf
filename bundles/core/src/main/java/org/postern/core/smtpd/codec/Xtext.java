// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.codec;

/** RFC 3461 section 4 xtext: printable ASCII except '+' and '=', with "+XX" hex escapes. */
public final class Xtext {

    private Xtext() {
    }

    /** Decodes xtext; null when the syntax is bad. */
    public static String decode(String xtext) {
        StringBuilder sb = new StringBuilder(xtext.length());
        for (int i = 0; i < xtext.length(); i++) {
            char c = xtext.charAt(i);
            if (c == '+') {
                if (i + 2 >= xtext.length()) {
                    return null;
                }
                int hi = hex(xtext.charAt(i + 1));
                int lo = hex(xtext.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return null;
                }
                sb.append((char) (hi << 4 | lo));
                i += 2;
            } else if (c >= 33 && c <= 126 && c != '=') {
                sb.append(c);
            } else {
                return null;
            }
        }
        return sb.toString();
    }

    /** Encodes text as xtext (for logs and for passing ORCPT/ENVID on). */
    public static String encode(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 33 && c <= 126 && c != '+' && c != '=') {
                sb.append(c);
            } else {
                sb.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4 & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    // RFC 3461: hexchar = "+" and two upper case hexadecimal digits; lower case accepted here.
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
