// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;

class DictRegistryImplTest {

    private final DictRegistryImpl registry = new DictRegistryImpl(Path.of("/etc/postern"));

    /** A factory whose tables answer from a fixed map, counting opens and closes. */
    static final class MapDictFactory implements DictFactory {
        final Map<String, String> entries;
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        MapDictFactory(Map<String, String> entries) {
            this.entries = entries;
        }

        @Override
        public Dict open(String name, Set<DictFlag> flags, DictContext context) {
            opened.incrementAndGet();
            return new Dict() {
                @Override
                public String type() {
                    return "demo";
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
                    String v = entries.get(key);
                    return v == null ? LookupResult.notFound() : LookupResult.found(v);
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            };
        }
    }

    private static DictProvider provider(String type, DictFactory factory, int ranking, long id) {
        return new DictProvider(type, factory, "test.bundle", ranking, id);
    }

    @Test
    void lookupShouldFailTemporarilyWhenTypeIsUnknown() {
        LookupResult result = registry.open("demo:x", Set.of()).lookup("k");

        assertThat(result).isEqualTo(LookupResult.temporaryFailure("unsupported dictionary type: demo"));
    }

    @Test
    void handleShouldAnswerOnceFactoryArrivesAndFailAgainWhenItLeaves() {
        Dict handle = registry.open("demo:x", Set.of());
        assertThat(handle.lookup("k").isFailure()).isTrue();

        MapDictFactory factory = new MapDictFactory(Map.of("k", "v"));
        registry.addProvider(provider("demo", factory, 0, 1));
        assertThat(handle.lookup("k")).isEqualTo(LookupResult.found("v"));
        assertThat(handle.lookup("other")).isEqualTo(LookupResult.notFound());

        registry.removeProvider("demo", factory);
        assertThat(handle.lookup("k")).isEqualTo(LookupResult.temporaryFailure("unsupported dictionary type: demo"));
        assertThat(factory.closed).hasValue(1);
    }

    @Test
    void openShouldShareOneTablePerSpecAndFlags() {
        MapDictFactory factory = new MapDictFactory(Map.of("k", "v"));
        registry.addProvider(provider("demo", factory, 0, 1));

        Dict a = registry.open("demo:x", Set.of(DictFlag.FOLD_CASE));
        Dict b = registry.open("demo:x", Set.of(DictFlag.FOLD_CASE));
        a.lookup("k");
        b.lookup("k");

        assertThat(a).isSameAs(b);
        assertThat(factory.opened).hasValue(1);
        assertThat(registry.open("demo:x", Set.of())).isNotSameAs(a);
    }

    @Test
    void higherRankedFactoryShouldReplaceTablesOfItsType() {
        registry.addProvider(provider("demo", new MapDictFactory(Map.of("k", "old")), 0, 1));
        Dict handle = registry.open("demo:x", Set.of());
        assertThat(handle.lookup("k")).isEqualTo(LookupResult.found("old"));

        MapDictFactory better = new MapDictFactory(Map.of("k", "new"));
        registry.addProvider(provider("demo", better, 10, 2));

        assertThat(handle.lookup("k")).isEqualTo(LookupResult.found("new"));
        registry.removeProvider("demo", better);
        assertThat(handle.lookup("k")).isEqualTo(LookupResult.found("old"));
    }

    @Test
    void openFailureShouldBeTemporaryFailureWithTheFactoryReason() {
        registry.addProvider(provider("demo", (name, flags, ctx) -> {
            throw new DictException("demo:" + name + ": connection refused", true);
        }, 0, 1));

        assertThat(registry.open("demo:x", Set.of()).lookup("k"))
                .isEqualTo(LookupResult.temporaryFailure("demo:x: connection refused"));
    }

    @Test
    void lookupShouldNotLetAPluginExceptionEscape() {
        registry.addProvider(provider("demo", new MapDictFactory(null), 0, 1));

        assertThat(registry.open("demo:x", Set.of()).lookup("k").isFailure()).isTrue();
    }

    @Test
    void openShouldReportConfigurationErrorForNameWithoutType() {
        assertThat(registry.open("/etc/postern/access", Set.of()).lookup("k"))
                .isInstanceOf(LookupResult.ConfigurationError.class);
    }

    @Test
    void typesShouldListEachTypeWithItsBundle() {
        registry.addProvider(provider("demo", new MapDictFactory(Map.of()), 0, 1));
        registry.addProvider(provider("cidr", new MapDictFactory(Map.of()), 0, 2));

        assertThat(registry.types()).extracting(DictInventory.TypeInfo::type).containsExactly("cidr", "demo");
    }

    @Test
    void specShouldSplitAtFirstColon() {
        assertThat(DictSpec.parse("proxy:ldap:/etc/x.cf")).isEqualTo(new DictSpec("proxy", "ldap:/etc/x.cf"));
        assertThat(DictSpec.parse("inline:{a=b}")).isEqualTo(new DictSpec("inline", "{a=b}"));
        assertThat(DictSpec.parse("filtermap{2}:mysql:/etc/x.cf")).isEqualTo(new DictSpec("filtermap", "{2}:mysql:/etc/x.cf"));
        assertThat(DictSpec.parse("cache{ttl=5s}:ldap:x")).isEqualTo(DictSpec.parse("cache:{ttl=5s}:ldap:x"));
    }
}
