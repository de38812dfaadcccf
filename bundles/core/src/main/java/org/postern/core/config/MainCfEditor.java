// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SUMMARY   postconf -e / -X / -#: rewrite main.cf in place, keeping comments and order.
 * DESCRIPTION
 *   A parameter that is set is replaced where it stands: its first physical line becomes
 *   "name = value" and its continuation lines go; comment lines between them stay, as with
 *   Postfix. Later duplicate settings of the same name are removed. New names are appended
 *   in the order given. Removal (-X) drops the logical line. The file is written to a
 *   temporary file in the same directory, given the old file's permissions, forced to disk
 *   and renamed over the old one.
 * SECURITY  Writes only the given file and a sibling temporary file. Values are written as
 *           given; a value with a newline is refused because it would inject a line.
 */
public final class MainCfEditor {

    private MainCfEditor() {
    }

    /**
     * The new lines of {@code cf} after setting {@code set} (name to value) and removing
     * {@code remove}.
     */
    public static List<String> apply(MainCf cf, Map<String, String> set, Collection<String> remove) {
        return apply(cf, set, remove, List.of());
    }

    /**
     * As {@link #apply(MainCf, Map, Collection)}, and with a "#" put before every line of the
     * settings named in {@code commentOut} (postconf -#); comment lines inside them stay as they are.
     */
    public static List<String> apply(MainCf cf, Map<String, String> set, Collection<String> remove,
                                     Collection<String> commentOut) {
        for (Map.Entry<String, String> e : set.entrySet()) {
            if (e.getValue().indexOf('\n') >= 0 || e.getValue().indexOf('\r') >= 0
                    || e.getKey().isEmpty() || e.getKey().chars().anyMatch(c -> Character.isWhitespace(c) || c == '=')) {
                throw new IllegalArgumentException("bad setting: \"" + e.getKey() + "=" + e.getValue() + "\"");
            }
        }
        Map<String, String> pending = new LinkedHashMap<>(set);
        Set<String> written = new HashSet<>();
        List<String> out = new ArrayList<>();
        List<String> lines = cf.lines();
        for (int i = 0; i < lines.size(); i++) {
            int owner = cf.ownerOf(i);
            if (owner < 0) {
                out.add(lines.get(i));
                continue;
            }
            ConfigEntry entry = cf.entries().get(owner);
            String name = entry.name();
            boolean firstLine = entry.line() == i + 1;
            if (set.containsKey(name)) {
                if (firstLine && written.add(name)) {
                    out.add(format(name, set.get(name)));
                    pending.remove(name);
                }
            } else if (commentOut.contains(name)) {
                out.add("#" + lines.get(i));
            } else if (!remove.contains(name)) {
                out.add(lines.get(i));
            }
        }
        pending.forEach((name, value) -> out.add(format(name, value)));
        return out;
    }

    /** "name = value", as postconf -e writes it (an empty value leaves "name = "). */
    static String format(String name, String value) {
        return name + " = " + value.strip();
    }

    /**
     * Edits {@code file} in place (creating it when missing).
     *
     * @throws ConfigException when the current file does not parse
     */
    public static void edit(Path file, Map<String, String> set, Collection<String> remove)
            throws IOException, ConfigException {
        edit(file, set, remove, List.of());
    }

    /** As {@link #edit(Path, Map, Collection)}, also commenting out {@code commentOut}. */
    public static void edit(Path file, Map<String, String> set, Collection<String> remove,
                            Collection<String> commentOut) throws IOException, ConfigException {
        MainCf cf = Files.exists(file) ? MainCf.read(file) : MainCf.empty(file);
        writeAtomically(file, apply(cf, set, remove, commentOut));
    }

    /** Writes lines (each ending in "\n") via a temporary file and a rename, keeping permissions. */
    public static void writeAtomically(Path file, List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            StringBuilder text = new StringBuilder();
            for (String l : lines) {
                text.append(l).append('\n');
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            copyPermissions(file, tmp);
            try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void copyPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (target == null) {
            return;
        }
        Set<PosixFilePermission> perms = Files.exists(from) ? Files.getPosixFilePermissions(from)
                : Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        target.setPermissions(perms);
    }
}
