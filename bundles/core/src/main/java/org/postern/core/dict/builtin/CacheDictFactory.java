// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict.builtin;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.postern.core.config.ParameterValues;
import org.postern.core.dict.DictStatistics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.stats.CacheStats;

/**
 * SUMMARY   cache - an in-process lookup cache with expiry in front of a slow table
 *           ("cache:{ttl=60s}:ldap:/etc/postern/ldap-users.cf", or "cache:ldap:..." with defaults).
 * DESCRIPTION
 *   Postfix's wishlist asks for in-process caching of networked lookups, LDAP above all.
 *   Answers (found and not-found) are kept for ttl (default 60s; not-found answers for
 *   negative_ttl, default the same), at most size entries (default 10000, least recently
 *   used go first). Temporary failures and configuration errors are never cached: the next
 *   lookup asks the table again. Options: "{ttl=30s, negative_ttl=5s, size=50000}", times
 *   in Postfix syntax (s, m, h, d, or ms). The type may also carry the options directly:
 *   "cache{ttl=30s}:ldap:...". postern:tables shows hits, misses and evictions per cache.
 * SECURITY  Keys are cached as the caller passes them (already case-folded when FOLD_CASE).
 * BUGS      A change on the server shows only when the entry expires; postfix reload empties
 *           every cache (tables are reopened).
 * SEE ALSO  Postfix wishlist "in-process caching for map lookups"; proxy: for sharing only.
 */
@Component(service = DictFactory.class)
@DictType("cache")
public final class CacheDictFactory implements DictFactory {

    static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
    static final int DEFAULT_SIZE = 10_000;

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        WrappedSpec spec = WrappedSpec.parse("cache", name, false);
        if (spec.inner().regionMatches(true, 0, "cache:", 0, 6)) {
            throw new DictException("cache:" + LogText.printable(name) + ": a cache cannot wrap another cache", false);
        }
        Settings settings = Settings.parse(name, spec.options());
        return new CacheDict(name, context.registry().open(spec.inner(), BuiltinTables.nestedFlags(flags)), settings);
    }

    /** The options in braces. */
    record Settings(Duration ttl, Duration negativeTtl, long size) {

        static Settings parse(String name, String options) throws DictException {
            Map<String, String> values = new LinkedHashMap<>();
            for (String item : options.split(",")) {
                if (item.isBlank()) {
                    continue;
                }
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    throw bad(name, "expected name=value, got \"" + LogText.printable(item.strip()) + "\"");
                }
                values.put(item.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT), item.substring(eq + 1).strip());
            }
            Duration ttl = time(name, values.remove("ttl"), DEFAULT_TTL);
            Duration negative = time(name, values.remove("negative_ttl"), ttl);
            long size = DEFAULT_SIZE;
            String sizeText = values.remove("size");
            if (sizeText != null) {
                try {
                    size = Long.parseLong(sizeText);
                } catch (NumberFormatException e) {
                    size = -1;
                }
                if (size < 1) {
                    throw bad(name, "size: expected a positive number, got \"" + LogText.printable(sizeText) + "\"");
                }
            }
            if (!values.isEmpty()) {
                throw bad(name, "unknown option " + values.keySet().iterator().next() + " (known: ttl, negative_ttl, size)");
            }
            return new Settings(ttl, negative, size);
        }

        private static Duration time(String name, String text, Duration defaultValue) throws DictException {
            if (text == null) {
                return defaultValue;
            }
            try {
                return ParameterValues.parseTime(text, 's', true);
            } catch (IllegalArgumentException e) {
                throw bad(name, LogText.printable(e.getMessage()));
            }
        }

        private static DictException bad(String name, String why) {
            return new DictException("cache:" + LogText.printable(name) + ": " + why, false);
        }
    }

    /** The table. */
    static final class CacheDict implements Dict, DictStatistics {

        private final String name;
        private final Dict inner;
        private final Cache<String, LookupResult> cache;

        CacheDict(String name, Dict inner, Settings settings) {
            this.name = name;
            this.inner = inner;
            this.cache = Caffeine.newBuilder()
                    .maximumSize(settings.size())
                    .expireAfter(new AnswerExpiry(settings))
                    .recordStats()
                    .build();
        }

        @Override
        public String type() {
            return "cache";
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Set<DictFlag> flags() {
            EnumSet<DictFlag> f = EnumSet.of(DictFlag.READ_ONLY);
            f.addAll(inner.flags());
            return Set.copyOf(f);
        }

        @Override
        public LookupResult lookup(String key) {
            LookupResult cached = cache.getIfPresent(key);
            if (cached != null) {
                return cached;
            }
            LookupResult fresh = inner.lookup(key);
            if (!fresh.isFailure()) {
                cache.put(key, fresh);
            }
            return fresh;
        }

        @Override
        public String statistics() {
            CacheStats s = cache.stats();
            return String.format(java.util.Locale.ROOT, "entries=%d hits=%d misses=%d hit-rate=%.1f%% evictions=%d",
                    cache.estimatedSize(), s.hitCount(), s.missCount(), s.hitRate() * 100, s.evictionCount());
        }

        @Override
        public void close() {
            cache.invalidateAll();
        }

        /** Runs pending evictions now (they are otherwise amortised over later lookups). */
        void cleanUp() {
            cache.cleanUp();
        }
    }

    /** Found answers live for ttl, not-found answers for negative_ttl. */
    private record AnswerExpiry(Settings settings) implements Expiry<String, LookupResult> {
        @Override
        public long expireAfterCreate(String key, LookupResult value, long currentTime) {
            return (value instanceof LookupResult.Found ? settings.ttl() : settings.negativeTtl()).toNanos();
        }

        @Override
        public long expireAfterUpdate(String key, LookupResult value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(String key, LookupResult value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
