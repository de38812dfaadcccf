// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.regexp;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import org.postern.api.support.LogText;

/**
 * SUMMARY   The result text of a regexp/pcre rule, with $1, ${1}, $(1) and $$ substitutions.
 * DESCRIPTION
 *   Parsed once at load with Postfix's mac_parse() rules: after "$" comes "$", a name in
 *   "{}" or "()", or a run of letters, digits and "_". Only numeric names are allowed here;
 *   "$1abc" is the name "1abc" and therefore an error, as in Postfix. A group that did not
 *   take part in the match expands to the empty string.
 * SECURITY  Substituted text comes from the lookup key (untrusted) and is copied verbatim.
 */
final class Replacement {

    private final List<Object> parts;       // String literals and Integer group numbers
    private final String literal;

    private Replacement(List<Object> parts) {
        this.parts = List.copyOf(parts);
        this.literal = parts.stream().allMatch(p -> p instanceof String)
                ? String.join("", parts.stream().map(String.class::cast).toList()) : null;
    }

    /** @throws IllegalArgumentException with Postfix's wording on bad "$" syntax */
    static Replacement parse(String text) {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c != '$') {
                lit.append(c);
                continue;
            }
            if (i + 1 >= n) {
                throw new IllegalArgumentException("empty macro name: \"" + LogText.printable(text) + "\"");
            }
            char d = text.charAt(++i);
            String name;
            if (d == '$') {
                lit.append('$');
                continue;
            } else if (d == '{' || d == '(') {
                int close = text.indexOf(d == '{' ? '}' : ')', i);
                if (close < 0) {
                    throw new IllegalArgumentException("truncated macro reference: \"" + LogText.printable(text.substring(i - 1)) + "\"");
                }
                name = text.substring(i + 1, close);
                i = close;
            } else {
                int start = i;
                while (i < n && (isAsciiAlnum(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
                name = text.substring(start, i);
                i--;
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("empty macro name: \"" + LogText.printable(text) + "\"");
            }
            if (!name.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw new IllegalArgumentException("non-numeric replacement index \"" + LogText.printable(name) + "\"");
            }
            if (lit.length() > 0) {
                parts.add(lit.toString());
                lit.setLength(0);
            }
            String digits = name.replaceFirst("^0+(?=.)", "");
            parts.add(digits.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(digits));
        }
        if (lit.length() > 0) {
            parts.add(lit.toString());
        }
        return new Replacement(parts);
    }

    private static boolean isAsciiAlnum(char c) {
        return c < 128 && Character.isLetterOrDigit(c);
    }

    /** True when the text references at least one group. */
    boolean hasGroups() {
        return literal == null;
    }

    /** The referenced group numbers, in order. */
    List<Integer> groups() {
        return parts.stream().filter(p -> p instanceof Integer).map(Integer.class::cast).toList();
    }

    /** The text with $$ resolved; only for results without group references. */
    String literal() {
        return literal;
    }

    String expand(MatchResult match) {
        if (literal != null) {
            return literal;
        }
        StringBuilder b = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Integer group) {
                String value = match.group(group);
                b.append(value == null ? "" : value);
            } else {
                b.append((String) part);
            }
        }
        return b.toString();
    }
}
