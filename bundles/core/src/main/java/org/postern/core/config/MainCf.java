// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SUMMARY   main.cf parser: logical lines of "name = value", with the original text kept.
 * DESCRIPTION
 *   Follows postconf(5) SYNTAX: empty lines and lines whose first non-whitespace character is
 *   "#" are ignored (they do not end a logical line); a line that starts with whitespace
 *   continues the logical line; whitespace around "=" and at the end is dropped. Postern
 *   extension: a line that starts with "}" also continues the logical line, so that a
 *   multi-line "{ ... }" value may close at column 0. When a name is set twice the last
 *   setting wins. The physical lines and which entry each belongs to are kept so that
 *   {@link MainCfEditor} can rewrite the file without losing comments.
 * SECURITY  Reads one local file written by the administrator; no expansion happens here.
 * BUGS      Postfix only warns about a logical line that starts with whitespace; Postern
 *           refuses it (the brief wants a bad file to be an error).
 */
public final class MainCf {

    private final Path file;
    private final List<String> lines;
    private final int[] owner;
    private final List<ConfigEntry> entries;
    private final Map<String, ConfigEntry> effective;

    private MainCf(Path file, List<String> lines, int[] owner, List<ConfigEntry> entries) {
        this.file = file;
        this.lines = List.copyOf(lines);
        this.owner = owner;
        this.entries = List.copyOf(entries);
        Map<String, ConfigEntry> last = new LinkedHashMap<>();
        for (ConfigEntry e : entries) {
            last.remove(e.name());
            last.put(e.name(), e);
        }
        this.effective = Collections.unmodifiableMap(last);
    }

    /** An empty main.cf (no file). */
    public static MainCf empty(Path file) {
        return new MainCf(file, List.of(), new int[0], List.of());
    }

    /** Reads and parses a file. */
    public static MainCf read(Path file) throws IOException, ConfigException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return parse(file, text.lines().toList());
    }

    /**
     * Parses physical lines.
     *
     * @param file only used in error messages and entries (may be null)
     * @throws ConfigException naming file and line for a line without "=", an empty name, or a
     *     continuation line before the first parameter
     */
    public static MainCf parse(Path file, List<String> lines) throws ConfigException {
        int[] owner = new int[lines.size()];
        List<ConfigEntry> entries = new ArrayList<>();
        StringBuilder logical = null;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = stripCr(lines.get(i));
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.charAt(0) == '#') {
                owner[i] = -1;
                continue;
            }
            char first = line.charAt(0);
            if (Character.isWhitespace(first) || first == '}') {
                if (logical == null) {
                    throw ConfigException.at(file, i + 1,
                            "logical line must not start with whitespace: \"" + line + "\"");
                }
                logical.append(first == '}' ? " " : "").append(line);
                owner[i] = entries.size();
                continue;
            }
            if (logical != null) {
                entries.add(entry(file, start, logical.toString()));
            }
            logical = new StringBuilder(line);
            start = i + 1;
            owner[i] = entries.size();
        }
        if (logical != null) {
            entries.add(entry(file, start, logical.toString()));
        }
        List<String> kept = new ArrayList<>(lines.size());
        for (String l : lines) {
            kept.add(stripCr(l));
        }
        return new MainCf(file, kept, owner, entries);
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static ConfigEntry entry(Path file, int line, String text) throws ConfigException {
        try {
            String[] nv = splitNameValue(text);
            return new ConfigEntry(nv[0], nv[1], file, line);
        } catch (IllegalArgumentException e) {
            throw ConfigException.at(file, line, e.getMessage());
        }
    }

    /**
     * Splits "name = value" as Postfix's split_nameval() does: the name runs to whitespace or
     * "=", whitespace around "=" and at the end is dropped.
     *
     * @return {name, value}
     * @throws IllegalArgumentException "missing attribute name" or "missing '=' after attribute name"
     */
    public static String[] splitNameValue(String text) {
        String s = text.strip();
        int i = 0;
        while (i < s.length() && s.charAt(i) != '=' && !Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        String name = s.substring(0, i);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("missing attribute name: \"" + s + "\"");
        }
        int j = i;
        while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
            j++;
        }
        if (j >= s.length() || s.charAt(j) != '=') {
            throw new IllegalArgumentException("missing '=' after attribute name: \"" + s + "\"");
        }
        return new String[] {name, s.substring(j + 1).strip()};
    }

    /** The file this was read from (may be null). */
    public Path file() {
        return file;
    }

    /** Every logical line in file order, duplicates included. */
    public List<ConfigEntry> entries() {
        return entries;
    }

    /** The setting that wins for each name (the last one), ordered by its position in the file. */
    public Map<String, ConfigEntry> effective() {
        return effective;
    }

    /** The winning setting of {@code name}. */
    public Optional<ConfigEntry> find(String name) {
        return Optional.ofNullable(effective.get(name));
    }

    /** The physical lines, as read (without line terminators). */
    public List<String> lines() {
        return lines;
    }

    /**
     * Index into {@link #entries()} of the logical line that physical line {@code index}
     * (0-based) belongs to, or -1 for comments and blank lines.
     */
    public int ownerOf(int index) {
        return owner[index];
    }
}
