// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.EnumSet;
import java.util.Set;

import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.support.LogText;
import org.postern.api.support.TableLines;

/**
 * SUMMARY   Small helpers shared by the built-in tables: reported flags, "{...}" names, log-safe text.
 * SECURITY  {@link org.postern.api.support.LogText#printable} is applied to every table name and key that reaches a message.
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
        String bad = "bad syntax: \"" + type + ":" + LogText.printable(name) + "\"; need \"" + type + ":{" + need + "}\"";
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

    /** Lower-cases a key when the table was opened with FOLD_CASE (Postfix fold_fix). */
    static String fold(Set<DictFlag> flags, String key) {
        return flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(java.util.Locale.ROOT) : key;
    }
}
