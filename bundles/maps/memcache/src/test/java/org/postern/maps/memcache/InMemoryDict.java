// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.memcache;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

/** A writable backup table in memory that counts its lookups. */
final class InMemoryDict implements Dict {

    final Map<String, String> entries = new ConcurrentHashMap<>();
    final AtomicInteger lookups = new AtomicInteger();

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public String name() {
        return "backup";
    }

    @Override
    public Set<DictFlag> flags() {
        return Set.of();
    }

    @Override
    public LookupResult lookup(String key) {
        lookups.incrementAndGet();
        String value = entries.get(key);
        return value == null ? LookupResult.notFound() : LookupResult.found(value);
    }

    @Override
    public void update(String key, String value) {
        entries.put(key, value);
    }

    @Override
    public boolean delete(String key) {
        return entries.remove(key) != null;
    }
}
