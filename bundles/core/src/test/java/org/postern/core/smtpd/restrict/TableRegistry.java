// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;
import org.postern.core.dict.builtin.InlineDictFactory;
import org.postern.core.dict.builtin.StaticDictFactory;

/**
 * Test double of core's registry: tables registered by spec (fixed-string or pattern tables
 * that record the keys they were asked), the real inline: and static: factories, and, like
 * the real registry, a surrogate that fails temporarily for anything else.
 */
final class TableRegistry implements DictRegistry, DictContext {

    private final Map<String, Dict> tables = new HashMap<>();
    final List<String> asked = new ArrayList<>();

    /** A fixed-string table (partial access(5) keys allowed). */
    TableRegistry fixed(String spec, String... keyValues) {
        tables.put(spec, new MapTable(spec, Set.of(DictFlag.FOLD_CASE, DictFlag.FIXED), pairs(keyValues), asked));
        return this;
    }

    /** A table of patterns (regexp-like): only full keys; matched here literally. */
    TableRegistry pattern(String spec, String... keyValues) {
        tables.put(spec, new MapTable(spec, Set.of(DictFlag.FOLD_CASE, DictFlag.PATTERN), pairs(keyValues), asked));
        return this;
    }

    /** A table whose every lookup fails temporarily (server down). */
    TableRegistry down(String spec) {
        tables.put(spec, new Surrogate(spec, "connection refused"));
        return this;
    }

    private static Map<String, String> pairs(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i].toLowerCase(Locale.ROOT), kv[i + 1]);
        }
        return m;
    }

    @Override
    public Dict open(String spec, Set<DictFlag> flags) {
        Dict t = tables.get(spec);
        if (t != null) {
            return t;
        }
        int colon = spec.indexOf(':');
        String type = spec.substring(0, colon);
        try {
            if (type.equals("inline")) {
                return new InlineDictFactory().open(spec.substring(colon + 1), flags, this);
            }
            if (type.equals("static")) {
                return new StaticDictFactory().open(spec.substring(colon + 1), flags, this);
            }
        } catch (DictException e) {
            return new Surrogate(spec, e.getMessage());
        }
        return new Surrogate(spec, "unsupported dictionary type: " + type);
    }

    @Override
    public Path configDirectory() {
        return Path.of("/etc/postern");
    }

    @Override
    public DictRegistry registry() {
        return this;
    }

    @Override
    public void warn(String message) {
    }

    record MapTable(String spec, Set<DictFlag> flags, Map<String, String> entries, List<String> asked) implements Dict {
        @Override
        public String type() {
            return spec.substring(0, spec.indexOf(':'));
        }

        @Override
        public String name() {
            return spec.substring(spec.indexOf(':') + 1);
        }

        @Override
        public LookupResult lookup(String key) {
            asked.add(key);
            String v = entries.get(key.toLowerCase(Locale.ROOT));
            return v == null ? LookupResult.notFound() : LookupResult.found(v);
        }
    }

    record Surrogate(String spec, String reason) implements Dict {
        @Override
        public String type() {
            return spec.substring(0, spec.indexOf(':'));
        }

        @Override
        public String name() {
            return spec.substring(spec.indexOf(':') + 1);
        }

        @Override
        public Set<DictFlag> flags() {
            return Set.of();
        }

        @Override
        public LookupResult lookup(String key) {
            return LookupResult.temporaryFailure(reason);
        }
    }
}
