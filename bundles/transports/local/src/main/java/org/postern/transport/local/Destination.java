// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SUMMARY   One entry of an alias value, a .forward file or an :include: file (aliases(5)).
 * DESCRIPTION
 *   Entries are separated by commas (or lines, in files; "#" lines are comments); double
 *   quotes protect commas and spaces and are removed. An entry is
 *   "|command" (a {@link Command}), ":include:/file" ({@link Include}), "/file/name"
 *   ({@link File}, mbox format), "/dir/name/" ({@link Maildir}), "\\user" (an
 *   {@link Address} that skips aliases and .forward), or an address.
 * SECURITY  Values come from alias tables (admin) and .forward/:include: files (users).
 *   Nothing here runs or opens anything.
 */
sealed interface Destination {

    record Address(String address, boolean direct) implements Destination {
    }

    record Include(Path file) implements Destination {
    }

    record Command(String command) implements Destination {
    }

    record File(Path file) implements Destination {
    }

    record Maildir(Path directory) implements Destination {
    }

    /** Parses an alias value (one logical line). */
    static List<Destination> parseList(String value) {
        List<Destination> out = new ArrayList<>();
        for (String item : split(value)) {
            Destination d = parseOne(item);
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    /** Parses a .forward or :include: file: its lines, without "#" comment lines. */
    static List<Destination> parseFile(List<String> lines) {
        List<Destination> out = new ArrayList<>();
        for (String line : lines) {
            if (!line.strip().startsWith("#")) {
                out.addAll(parseList(line));
            }
        }
        return out;
    }

    private static Destination parseOne(String raw) {
        String item = unquote(raw.strip());
        if (item.isEmpty()) {
            return null;
        }
        if (item.startsWith("|")) {
            return new Command(item.substring(1).strip());
        }
        if (item.toLowerCase(Locale.ROOT).startsWith(":include:")) {
            return new Include(Path.of(item.substring(":include:".length()).strip()));
        }
        if (item.startsWith("/")) {
            return item.endsWith("/") ? new Maildir(Path.of(item)) : new File(Path.of(item));
        }
        if (item.startsWith("\\")) {
            return new Address(unquote(item.substring(1)), true);
        }
        int open = item.indexOf('<');
        int close = item.lastIndexOf('>');
        if (open >= 0 && close > open) {
            item = item.substring(open + 1, close).strip();
        }
        return item.isEmpty() ? null : new Address(item, false);
    }

    private static List<String> split(String value) {
        List<String> items = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && quoted && i + 1 < value.length()) {
                current.append(c).append(value.charAt(++i));
            } else if (c == '"') {
                quoted = !quoted;
                current.append(c);
            } else if (c == ',' && !quoted) {
                items.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        items.add(current.toString());
        return items;
    }

    /** Removes double quotes and the backslashes that escape characters inside them. */
    private static String unquote(String s) {
        if (s.indexOf('"') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted && i + 1 < s.length()) {
                b.append(s.charAt(++i));
            } else {
                b.append(c);
            }
        }
        return b.toString().strip();
    }
}
