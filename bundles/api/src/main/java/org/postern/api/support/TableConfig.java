// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;

/**
 * SUMMARY   The configuration file of a networked table (ldap_table(5), mysql_table(5), ...).
 * DESCRIPTION
 *   main.cf syntax: "name = value", continuation lines start with whitespace, "#" comments.
 *   The table name after "type:" is the file; a relative name resolves against the
 *   configuration directory (etc/postern). Postfix 3.7's inline form
 *   "ldap:{ {server_host = ...}, {search_base = ...} }" is accepted too.
 *   Every error names the file, the line and the parameter, so an administrator can fix it
 *   without guessing: "/etc/postern/users.cf, line 4: timeout: bad numerical value: ten".
 * SECURITY  Values may hold passwords: error messages quote the parameter name, not bind_pw.
 */
public final class TableConfig {

    private record Setting(String value, int line) {
    }

    private final String source;
    private final Map<String, Setting> settings;

    private TableConfig(String source, Map<String, Setting> settings) {
        this.source = source;
        this.settings = settings;
    }

    /** Opens the file (or inline specification) that {@code name} names, as a factory gets it. */
    public static TableConfig open(String type, String name, DictContext context) throws DictException {
        if (name.isEmpty()) {
            throw new DictException(type + ": expecting \"" + type + ":/path/to/file.cf\"", false);
        }
        if (name.startsWith("{")) {
            try {
                return parse(type + ":" + LogText.printable(name), TableLines.inline(name));
            } catch (IllegalArgumentException e) {
                throw new DictException(type + ":" + LogText.printable(name) + ": " + e.getMessage(), false);
            }
        }
        Path file = Path.of(name);
        if (!file.isAbsolute() && context != null && context.configDirectory() != null) {
            file = context.configDirectory().resolve(file);
        }
        Path source = file;
        try {
            return parse(file.toString(), TableLines.read(file, (line, why) -> {
                if (context != null) {
                    context.warn(source + ", line " + line + ": " + why);
                }
            }));
        } catch (NoSuchFileException e) {
            throw new DictException("open " + file + ": No such file or directory", false, e);
        } catch (IOException e) {
            throw new DictException("open " + file + ": " + e.getMessage(), false, e);
        }
    }

    /** Parses logical lines; {@code source} names the file in error messages. */
    public static TableConfig parse(String source, List<TableLines.Line> lines) throws DictException {
        Map<String, Setting> settings = new LinkedHashMap<>();
        for (TableLines.Line line : lines) {
            String text = line.text();
            int eq = text.indexOf('=');
            String name = eq < 0 ? "" : text.substring(0, eq).strip();
            if (eq < 0 || name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
                throw new DictException(source + ", line " + line.number()
                        + ": missing '=' after attribute name: \"" + LogText.printable(text.strip()) + "\"", false);
            }
            settings.put(name, new Setting(text.substring(eq + 1).strip(), line.number()));
        }
        return new TableConfig(source, settings);
    }

    /** The file name (or inline specification) for messages. */
    public String source() {
        return source;
    }

    public boolean has(String name) {
        return settings.containsKey(name);
    }

    /** The value as written, or {@code defaultValue} when the file does not set it. */
    public String string(String name, String defaultValue) {
        Setting s = settings.get(name);
        return s == null ? defaultValue : s.value();
    }

    /** A value the table cannot work without. */
    public String required(String name) throws DictException {
        String value = string(name, "");
        if (value.isEmpty()) {
            throw new DictException(source + ": parameter " + name + " is required but not set", false);
        }
        return value;
    }

    /** A whole number of at least {@code min}. */
    public int integer(String name, int defaultValue, int min) throws DictException {
        Setting s = settings.get(name);
        if (s == null) {
            return defaultValue;
        }
        int value;
        try {
            value = Integer.parseInt(s.value());
        } catch (NumberFormatException e) {
            throw error(name, "bad numerical value: " + LogText.printable(s.value()));
        }
        if (value < min) {
            throw error(name, "value " + value + " is less than the minimum " + min);
        }
        return value;
    }

    /** yes/no (Postfix also accepts true/false and 1/0 in table files). */
    public boolean bool(String name, boolean defaultValue) throws DictException {
        Setting s = settings.get(name);
        if (s == null) {
            return defaultValue;
        }
        return switch (s.value().toLowerCase(java.util.Locale.ROOT)) {
            case "yes", "true", "1", "on" -> true;
            case "no", "false", "0", "off" -> false;
            default -> throw error(name, "bad boolean value: " + LogText.printable(s.value()) + " (expected yes or no)");
        };
    }

    /** One of {@code allowed}, case-insensitively, returned in lower case. */
    public String choice(String name, String defaultValue, String... allowed) throws DictException {
        String value = string(name, defaultValue).toLowerCase(java.util.Locale.ROOT);
        if (!Arrays.asList(allowed).contains(value)) {
            throw error(name, "bad value: " + LogText.printable(value) + " (expected one of " + String.join(", ", allowed) + ")");
        }
        return value;
    }

    /** A list separated by commas and/or whitespace, as Postfix splits hosts and attribute lists. */
    public List<String> list(String name) {
        return PostfixList.split(string(name, ""));
    }

    /** Parameters the file sets that {@code known} does not contain (for a warning, as typos otherwise pass silently). */
    public Set<String> unknown(Set<String> known) {
        Set<String> out = new TreeSet<>(settings.keySet());
        out.removeAll(known);
        return Collections.unmodifiableSet(out);
    }

    /**
     * Warns once per parameter the file sets that {@code known} does not contain, as typos
     * otherwise pass silently: "FILE: unknown parameter NAME ignored".
     */
    public void warnUnknown(Set<String> known, DictContext context) {
        warnUnknown(known, context, name -> source + ": unknown parameter " + name + " ignored");
    }

    /** As {@link #warnUnknown(Set, DictContext)}, for a table whose warning has its own wording. */
    public void warnUnknown(Set<String> known, DictContext context, Function<String, String> message) {
        for (String name : unknown(known)) {
            context.warn(message.apply(name));
        }
    }

    /** An error about parameter {@code name}: "FILE, line N: NAME: WHY" (or "FILE: NAME: WHY" if unset). */
    public DictException error(String name, String why) {
        Setting s = settings.get(name);
        String where = s == null ? source : source + ", line " + s.line();
        return new DictException(where + ": " + name + ": " + why, false);
    }

    /** Splits Postfix lists (commas and whitespace). */
    static final class PostfixList {
        private PostfixList() {
        }

        static List<String> split(String value) {
            List<String> out = new ArrayList<>();
            for (String part : value.split("[\\s,]+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
            return out;
        }
    }
}
