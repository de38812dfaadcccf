// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

/**
 * SUMMARY   An open unix: table: a colon-separated system file indexed by its first field.
 * DESCRIPTION
 *   The first line for a name wins, as with getpwnam(). Lines that are comments, NIS compat
 *   entries ("+", "-") or have the wrong number of fields are ignored. The index is rebuilt
 *   when the file's modification time or size changes. An unreadable file is a temporary
 *   failure (Postfix: "cannot access UNIX passwd file info").
 * SECURITY  Keys are untrusted; they are only used as map keys.
 */
final class UnixDict implements Dict {
    private final String name;
    private final Path file;
    private final int fields;
    private final Set<DictFlag> flags;
    private Snapshot snapshot;

    private record Snapshot(FileTime modified, long size, Map<String, String> byName) {
    }

    UnixDict(String name, Path file, int fields, Set<DictFlag> flags) {
        this.name = name;
        this.file = file;
        this.fields = fields;
        this.flags = flags;
    }

    @Override
    public String type() {
        return "unix";
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<DictFlag> flags() {
        return flags;
    }

    @Override
    public LookupResult lookup(String key) {
        Map<String, String> byName;
        try {
            byName = current();
        } catch (IOException e) {
            return LookupResult.temporaryFailure("unix:" + name + ": cannot read " + file + ": " + e.getMessage());
        }
        String value = byName.get(BuiltinTables.fold(flags, key));
        return value == null ? LookupResult.notFound() : LookupResult.found(value);
    }

    private synchronized Map<String, String> current() throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (snapshot == null || !snapshot.modified().equals(attributes.lastModifiedTime())
                || snapshot.size() != attributes.size()) {
            Map<String, String> byName = new HashMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isEmpty() || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) {
                    continue;
                }
                String[] parts = line.split(":", -1);
                if (parts.length != fields || parts[0].isEmpty()) {
                    continue;
                }
                byName.putIfAbsent(parts[0], String.join(":", parts));
            }
            snapshot = new Snapshot(attributes.lastModifiedTime(), attributes.size(), Map.copyOf(byName));
        }
        return snapshot.byName();
    }
}
