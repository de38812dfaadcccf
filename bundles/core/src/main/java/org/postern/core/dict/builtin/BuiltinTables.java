// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.EnumSet;
import java.util.Set;

import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;

/**
 * SUMMARY   Small helpers shared by the built-in tables: reported flags, "{...}" names, log-safe text.
 * SECURITY  {@link #printable} is applied to every table name and key that reaches a message.
 */
final class BuiltinTables {

    private BuiltinTables() {
    }

    /** The opener's flags with the table's own kind (FIXED or PATTERN) and READ_ONLY. */
    static Set<DictFlag> flags(Set<DictFlag> requested, DictFlag kind) {
        EnumSet<DictFlag> f = EnumSet.noneOf(DictFlag.class);
        f.addAll(requested);
        f.remove(DictFlag.FIXED);
        f.remove(DictFlag.PATTERN);
        if (kind != null) {
            f.add(kind);
        }
        f.add(DictFlag.READ_ONLY);
        return Set.copyOf(f);
    }

    /** The opener's flags minus what a table reports about itself, for opening nested tables. */
    static Set<DictFlag> nestedFlags(Set<DictFlag> requested) {
        EnumSet<DictFlag> f = EnumSet.noneOf(DictFlag.class);
        f.addAll(requested);
        f.removeAll(EnumSet.of(DictFlag.FIXED, DictFlag.PATTERN, DictFlag.READ_ONLY));
        return Set.copyOf(f);
    }

    /**
     * Postfix balpar(): {@code name} must be one balanced "{...}" group and nothing else; returns
     * the text between the braces, or throws "bad syntax: "type:name"; need "type:{need}"".
     */
    static String braceBody(String type, String name, String need) throws DictException {
        String bad = "bad syntax: \"" + type + ":" + printable(name) + "\"; need \"" + type + ":{" + need + "}\"";
        if (!name.startsWith("{")) {
            throw new DictException(bad, false);
        }
        int depth = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                if (i != name.length() - 1) {
                    throw new DictException(bad, false);
                }
                String body = name.substring(1, i);
                if (body.isEmpty()) {
                    throw new DictException(bad, false);
                }
                return body;
            }
        }
        throw new DictException(bad, false);
    }

    /** Untrusted text for a message: CR, LF and controls escaped, cut at 100 characters. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < 100; i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                b.append("\\r");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (Character.isISOControl(c)) {
                b.append('?');
            } else {
                b.append(c);
            }
        }
        return b.length() >= 100 && text.length() > 100 ? b + "..." : b.toString();
    }

    /** Lower-cases a key when the table was opened with FOLD_CASE (Postfix fold_fix). */
    static String fold(Set<DictFlag> flags, String key) {
        return flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(java.util.Locale.ROOT) : key;
    }
}
