// SPDX-License-Identifier: Apache-2.0
package org.postern.testing;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;

/**
 * A DictRegistry over in-memory tables: "test:name" tables put in by the test, "static:value",
 * and "down:name", whose lookups are temporary failures like a table whose server is down.
 */
public final class MapDictRegistry implements DictRegistry {
    private final Map<String, Map<String, String>> tables = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();

    /** Lookups made so far, in every table. */
    public int lookups() {
        return lookups.get();
    }

    public MapDictRegistry put(String spec, Map<String, String> entries) {
        tables.put(spec, new ConcurrentHashMap<>(entries));
        return this;
    }

    /** Adds one entry to the table {@code spec}; keys as lookups see them (lower case for FOLD_CASE). */
    public MapDictRegistry put(String spec, String key, String value) {
        tables.computeIfAbsent(spec, s -> new ConcurrentHashMap<>()).put(key, value);
        return this;
    }

    @Override
    public Dict open(String spec, Set<DictFlag> flags) {
        int colon = spec.indexOf(':');
        String type = spec.substring(0, colon);
        String name = spec.substring(colon + 1);
        return new Dict() {
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
                lookups.incrementAndGet();
                if (type.equals("static")) {
                    return LookupResult.found(name);
                }
                Map<String, String> table = tables.get(spec);
                if (table == null) {
                    return LookupResult.temporaryFailure(spec + ": table unavailable");
                }
                String k = flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(Locale.ROOT) : key;
                String value = table.get(k);
                return value == null ? LookupResult.notFound() : LookupResult.found(value);
            }
        };
    }
}
