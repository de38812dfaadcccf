// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.LookupResult;

/**
 * Test double of core's registry: opens "type:name" with the factories it was given, shares
 * tables per spec, and like the real one never throws (a failed open answers temporary failures).
 */
final class FactoryRegistry implements DictRegistry, DictContext {
    private final Map<String, DictFactory> factories = new HashMap<>();
    private final Map<String, Dict> open = new HashMap<>();
    private final Path configDirectory;
    final java.util.List<String> warnings = new java.util.ArrayList<>();
    int opens;

    @Override
    public void warn(String message) {
        warnings.add(message);
    }

    FactoryRegistry(Path configDirectory) {
        this.configDirectory = configDirectory;
    }

    static FactoryRegistry withBuiltins(Path configDirectory) {
        return new FactoryRegistry(configDirectory)
                .with("static", new StaticDictFactory())
                .with("inline", new InlineDictFactory())
                .with("texthash", new TexthashDictFactory())
                .with("fail", new FailDictFactory())
                .with("unionmap", new UnionmapDictFactory())
                .with("pipemap", new PipemapDictFactory())
                .with("proxy", new ProxyDictFactory());
    }

    FactoryRegistry with(String type, DictFactory factory) {
        factories.put(type, factory);
        return this;
    }

    @Override
    public synchronized Dict open(String spec, Set<DictFlag> flags) {
        return open.computeIfAbsent(spec + " " + flags, k -> {
            opens++;
            int colon = spec.indexOf(':');
            String type = spec.substring(0, colon);
            DictFactory factory = factories.get(type);
            try {
                if (factory == null) {
                    throw new DictException("unsupported dictionary type: " + type, true);
                }
                return factory.open(spec.substring(colon + 1), flags, this);
            } catch (DictException e) {
                return new Broken(type, spec.substring(colon + 1), e.getMessage());
            }
        });
    }

    /** Opens {@code spec} directly, letting the factory's exception through. */
    Dict openStrict(String spec, Set<DictFlag> flags) throws DictException {
        int colon = spec.indexOf(':');
        return factories.get(spec.substring(0, colon)).open(spec.substring(colon + 1), flags, this);
    }

    @Override
    public Path configDirectory() {
        return configDirectory;
    }

    @Override
    public DictRegistry registry() {
        return this;
    }

    record Broken(String type, String name, String reason) implements Dict {
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
