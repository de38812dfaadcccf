// SPDX-License-Identifier: Apache-2.0
package org.postern.testing;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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

    public MapDictRegistry put(String spec, Map<String, String> entries) {
        tables.put(spec, Map.copyOf(entries));
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
