// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * SUMMARY   postconf -f pretty-printing of {@code { ... }} groups that do not fit on one line.
 * DESCRIPTION
 *   Items are whitespace-separated words in which a {@code {...}} group counts as one word
 *   (commas stay attached, so the meaning never changes). Items are filled into lines of
 *   80 columns like postconf -f; an item whose group holds groups and cannot fit on a line opens
 *   with "prefix{", puts each inner item on its own line four columns deeper (recursively),
 *   and closes with "}suffix" at its own indentation. Every continuation line starts with
 *   whitespace, so the output is valid main.cf that parses to the same value.
 * BUGS      Only the first group of an item is opened up; "{a}{b}" stays one word.
 */
final class GroupLayout {

    private GroupLayout() {
    }

    /** The top-level items of a value; whitespace inside groups is kept, outside collapsed. */
    static List<String> items(String value) {
        List<String> items = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            int start = i;
            int depth = 0;
            while (i < n && (depth > 0 || !Character.isWhitespace(value.charAt(i)))) {
                char c = value.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && depth > 0) {
                    depth--;
                }
                i++;
            }
            if (i > start) {
                items.add(value.substring(start, i));
            }
        }
        return items;
    }

    static boolean tooLongForOneLine(String item) {
        return item.indexOf('{') >= 0 && PostconfFormat.INDENT + item.length() > PostconfFormat.LINE_LIMIT;
    }

    static String layout(List<String> items) {
        StringBuilder out = new StringBuilder();
        fill(items, 0, out);
        return out.toString();
    }

    /** Fills items into lines starting at {@code indent}; the first line continues what is in {@code out}. */
    private static void fill(List<String> items, int indent, StringBuilder out) {
        int continuation = indent == 0 ? PostconfFormat.INDENT : indent;
        int lineLen = currentLineLength(out);
        for (String item : items) {
            int end = matchingBrace(item);
            // Open only groups of groups: "{key = value}" split over lines would read worse.
            boolean open = end > 0 && item.substring(item.indexOf('{') + 1, end).indexOf('{') >= 0
                    && continuation + item.length() > PostconfFormat.LINE_LIMIT;
            if (lineLen > continuation && lineLen + 1 + (open ? item.indexOf('{') + 1 : item.length())
                    > PostconfFormat.LINE_LIMIT) {
                newline(out, continuation);
                lineLen = continuation;
            } else if (lineLen > 0 && out.charAt(out.length() - 1) != ' ') {
                out.append(' ');
                lineLen++;
            }
            if (!open) {
                out.append(item);
                lineLen += item.length();
                continue;
            }
            int brace = item.indexOf('{');
            out.append(item, 0, brace + 1);
            for (String inner : items(item.substring(brace + 1, end))) {
                newline(out, continuation + PostconfFormat.INDENT);
                fill(List.of(inner), continuation + PostconfFormat.INDENT, out);
            }
            newline(out, continuation);
            out.append(item, end, item.length());
            lineLen = currentLineLength(out);
        }
    }

    /** Index of the '}' that closes the item's first '{', or -1. */
    private static int matchingBrace(String item) {
        int depth = 0;
        for (int i = 0; i < item.length(); i++) {
            char c = item.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static void newline(StringBuilder out, int indent) {
        out.append('\n').append(" ".repeat(indent));
    }

    private static int currentLineLength(StringBuilder out) {
        return out.length() - (out.lastIndexOf("\n") + 1);
    }
}
