// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

/**
 * SUMMARY   A read-only in-memory table of fixed strings (inline:, texthash:); Postfix's dict_ht.
 * DESCRIPTION
 *   Keys were folded at load when the table was opened with FOLD_CASE; lookups fold the same
 *   way. Iteration (postmap -s) is in load order. Reports FIXED, so access(5) callers try
 *   partial keys.
 * SECURITY  Keys come from the network; the map is immutable after load.
 */
final class MemoryDict implements Dict {
    private final String type;
    private final String name;
    private final Set<DictFlag> flags;
    private final Map<String, String> entries;

    /** {@code entries} must keep load order (LinkedHashMap) and already be folded when FOLD_CASE is set. */
    MemoryDict(String type, String name, Set<DictFlag> requested, Map<String, String> entries) {
        this.type = type;
        this.name = name;
        this.flags = BuiltinTables.flags(requested, DictFlag.FIXED);
        this.entries = entries;
    }

    @Override
    public String type() {
        return type;
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
        String value = entries.get(BuiltinTables.fold(flags, key));
        return value == null ? LookupResult.notFound() : LookupResult.found(value);
    }

    @Override
    public Set<DictCapability> capabilities() {
        return EnumSet.of(DictCapability.ITERATE);
    }

    @Override
    public void forEach(BiConsumer<String, String> sink) {
        entries.forEach(sink);
    }
}
