// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.util.Map;
import java.util.function.Supplier;

import org.postern.api.dict.DictFactory;

/**
 * The table types core itself provides, by type, for the places that need them without the
 * OSGi whiteboard: postconf -m while Postern is stopped, and code that embeds the registry
 * (the differential tests). In Karaf each factory is a DS component of its own.
 */
public final class CoreTables {

    private static final Map<String, Supplier<DictFactory>> FACTORIES = Map.ofEntries(
            Map.entry("cache", CacheDictFactory::new), Map.entry("environ", EnvironDictFactory::new),
            Map.entry("fail", FailDictFactory::new), Map.entry("filtermap", FiltermapDictFactory::new),
            Map.entry("inline", InlineDictFactory::new), Map.entry("pipemap", PipemapDictFactory::new),
            Map.entry("proxy", ProxyDictFactory::new), Map.entry("randmap", RandmapDictFactory::new),
            Map.entry("static", StaticDictFactory::new), Map.entry("texthash", TexthashDictFactory::new),
            Map.entry("unionmap", UnionmapDictFactory::new), Map.entry("unix", UnixDictFactory::new));

    private CoreTables() {
    }

    /** Type name to a new factory of that type. */
    public static Map<String, Supplier<DictFactory>> factories() {
        return FACTORIES;
    }
}
