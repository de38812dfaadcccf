// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.sasl;

import java.util.ArrayList;
import java.util.List;

/**
 * Splitting and unescaping of Dovecot protocol lines: fields separated by TAB, each with
 * Dovecot's tab-escaping (\001 then 0 = NUL, 1 = \001, t = TAB, r = CR, n or l = LF, anything
 * else = itself).
 */
final class DovecotLines {

    private DovecotLines() {
    }

    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        for (String f : line.split("\t", -1)) {
            fields.add(unescape(f));
        }
        return fields;
    }

    static String unescape(String s) {
        if (s.indexOf('\001') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\001' || i + 1 == s.length()) {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case '0' -> b.append('\0');
                case '1' -> b.append('\001');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'n', 'l' -> b.append('\n');
                default -> b.append(e);
            }
        }
        return b.toString();
    }

    /** The value of the first {@code name=value} field, or null. */
    static String value(List<String> fields, String name) {
        String prefix = name + "=";
        for (int i = 2; i < fields.size(); i++) {
            if (fields.get(i).startsWith(prefix)) {
                return fields.get(i).substring(prefix.length());
            }
        }
        return null;
    }
}
