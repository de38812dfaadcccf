// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.nio.charset.StandardCharsets;

/** RFC 3461 section 4 xtext, for ENVID= and ORCPT= values: '+', '=', controls, space and non-ASCII as +XX. */
final class Xtext {

    private Xtext() {
    }

    static String encode(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (byte x : text.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c < 33 || c > 126 || c == '+' || c == '=') {
                b.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
