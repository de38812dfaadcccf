// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cleanup;

/**
 * Recognises the common header value that is one bare {@code local@domain}, with or without
 * angle brackets, so that cleanup need not run mime4j's address parser on it (that parser
 * builds a Throwable per instance and was a tenth of the CPU at full acceptance rate).
 * Anything else (names, comments, quotes, groups, lists, domain literals, folding) is left
 * to the full parser.
 */
final class PlainHeaderAddress {

    private PlainHeaderAddress() {
    }

    /** The address, or null when the value is not a single plain, qualified address. */
    static String of(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isBlank(value.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(value.charAt(end - 1))) {
            end--;
        }
        if (end - start >= 2 && value.charAt(start) == '<' && value.charAt(end - 1) == '>') {
            start++;
            end--;
        }
        int at = value.lastIndexOf('@', end - 1);
        if (at <= start || at >= end - 1) {
            return null;
        }
        if (!isDotAtom(value, start, at, true) || !isDotAtom(value, at + 1, end, false)) {
            return null;
        }
        return value.substring(start, end);
    }

    private static boolean isDotAtom(String s, int from, int to, boolean local) {
        if (s.charAt(from) == '.' || s.charAt(to - 1) == '.') {
            return false;
        }
        char previous = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '.' ? previous == '.' : !(local ? isAtext(c) : isDomainChar(c))) {
                return false;
            }
            previous = c;
        }
        return true;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isDomainChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-';
    }

    /** RFC 5322 atext, ASCII only (UTF-8 addresses take the full parser). */
    private static boolean isAtext(char c) {
        return isDomainChar(c) || "!#$%&'*+/=?^_`{|}~".indexOf(c) >= 0;
    }
}
