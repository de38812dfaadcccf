// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.core.dict.DictStatistics;

class CacheDictFactoryTest {

    /** A slow table stand-in that counts the lookups that reach it. */
    static final class CountingDict implements Dict {
        final AtomicInteger lookups = new AtomicInteger();
        volatile boolean down;

        @Override
        public String type() {
            return "counting";
        }

        @Override
        public String name() {
            return "t";
        }

        @Override
        public Set<DictFlag> flags() {
            return Set.of(DictFlag.FIXED);
        }

        @Override
        public LookupResult lookup(String key) {
            int n = lookups.incrementAndGet();
            if (down) {
                return LookupResult.temporaryFailure("server down");
            }
            return key.startsWith("known") ? LookupResult.found(key + "#" + n) : LookupResult.notFound();
        }
    }

    private final CountingDict slow = new CountingDict();
    private final FactoryRegistry registry = FactoryRegistry.withBuiltins(null)
            .with("counting", (name, flags, context) -> slow)
            .with("cache", new CacheDictFactory());

    @Test
    void answersRepeatedLookupsFromTheCacheAndCountsHitsAndMisses() throws DictException {
        Dict cache = registry.openStrict("cache:{ttl=60s}:counting:t", Set.of());
        assertThat(cache.lookup("known-a")).isEqualTo(LookupResult.found("known-a#1"));
        assertThat(cache.lookup("known-a")).isEqualTo(LookupResult.found("known-a#1"));
        assertThat(cache.lookup("unknown")).isEqualTo(LookupResult.notFound());
        assertThat(cache.lookup("unknown")).isEqualTo(LookupResult.notFound());
        assertThat(slow.lookups).hasValue(2);
        assertThat(((DictStatistics) cache).statistics()).isEqualTo("entries=2 hits=2 misses=2 hit-rate=50.0% evictions=0");
        assertThat(cache.flags()).contains(DictFlag.FIXED, DictFlag.READ_ONLY);
    }

    @Test
    void neverCachesTemporaryFailures() throws DictException {
        Dict cache = registry.openStrict("cache:counting:t", Set.of());
        slow.down = true;
        assertThat(cache.lookup("known-a")).isInstanceOf(LookupResult.TemporaryFailure.class);
        slow.down = false;
        assertThat(cache.lookup("known-a")).isEqualTo(LookupResult.found("known-a#2"));
    }

    @Test
    void expiresAnswersAfterTheirTtl() throws Exception {
        Dict cache = registry.openStrict("cache:{ttl=50ms, negative_ttl=10ms}:counting:t", Set.of());
        cache.lookup("known-a");
        cache.lookup("unknown");
        Thread.sleep(120);
        assertThat(cache.lookup("known-a")).isEqualTo(LookupResult.found("known-a#3"));
        assertThat(slow.lookups).hasValue(3);
    }

    @Test
    void keepsAtMostSizeEntries() throws DictException {
        Dict cache = registry.openStrict("cache:{size=10}:counting:t", Set.of());
        for (int i = 0; i < 1000; i++) {
            cache.lookup("known-" + i);
        }
        ((CacheDictFactory.CacheDict) cache).cleanUp();
        assertThat(((DictStatistics) cache).statistics()).startsWith("entries=10 ");
    }

    @Test
    void rejectsBadOptionsWithClearMessages() {
        assertThatThrownBy(() -> registry.openStrict("cache:{ttl=soon}:counting:t", Set.of()))
                .hasMessage("cache:{ttl=soon}:counting:t: bad time value: soon");
        assertThatThrownBy(() -> registry.openStrict("cache:{colour=red}:counting:t", Set.of()))
                .hasMessageContaining("unknown option colour");
        assertThatThrownBy(() -> registry.openStrict("cache:{size=0}:counting:t", Set.of()))
                .hasMessageContaining("size: expected a positive number");
        assertThatThrownBy(() -> registry.openStrict("cache:{ttl=1s}", Set.of()))
                .hasMessageContaining("bad syntax");
        assertThatThrownBy(() -> registry.openStrict("cache:cache:counting:t", Set.of()))
                .hasMessageContaining("cannot wrap another cache");
    }
}
