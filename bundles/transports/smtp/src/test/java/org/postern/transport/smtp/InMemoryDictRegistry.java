// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;

/**
 * Tables for the tests: "memory:name" answers from the entries given with {@link #put},
 * "fail:name" always fails temporarily (as core's fail: table). Keys are lower-cased, as
 * FOLD_CASE tables do. Counts lookups.
 */
final class InMemoryDictRegistry implements DictRegistry {

    private final Map<String, Map<String, String>> tables = new HashMap<>();
    final AtomicInteger lookups = new AtomicInteger();

    InMemoryDictRegistry put(String table, String key, String value) {
        tables.computeIfAbsent(table, t -> new HashMap<>()).put(key.toLowerCase(Locale.ROOT), value);
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
                return EnumSet.of(DictFlag.FOLD_CASE, DictFlag.FIXED);
            }

            @Override
            public LookupResult lookup(String key) {
                lookups.incrementAndGet();
                if (type.equals("fail")) {
                    return LookupResult.temporaryFailure("fail:" + name + " lookup error");
                }
                String value = tables.getOrDefault(name, Map.of()).get(key.toLowerCase(Locale.ROOT));
                return value == null ? LookupResult.notFound() : LookupResult.found(value);
            }
        };
    }
}
