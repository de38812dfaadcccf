// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.memcache;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.exception.MemcachedException;

/**
 * SUMMARY   One memcache table: memcached first, the backup table on a miss, the answer cached.
 * DESCRIPTION
 *   Postfix's dict_memcache order: a hit answers; a miss, or a memcache error when a backup
 *   table exists, asks the backup table and caches what it finds (ttl, flags); a memcache
 *   error without a backup is a temporary failure. A key that memcache cannot hold (over 250
 *   bytes, or with whitespace or control characters) is a miss, not an error, so that the
 *   backup still answers it (Postfix wishlist). A command is tried max_try times, retry_pause
 *   apart, when it times out; not when no connection can be made. update and delete change
 *   the backup table first, then memcache. The client (xmemcached) keeps its connection and
 *   reconnects in the background.
 * SECURITY  Keys come from the network; the memcache text protocol cannot quote, so keys with
 *   separators never reach it (see {@link #storable}). Anyone who can talk to memcached can
 *   change its answers: not for security-sensitive tables (memcache_table(5) BUGS).
 */
final class MemcacheDict implements Dict {

    private static final Logger LOG = LoggerFactory.getLogger("postern.dict.memcache");
    private static final int MAX_KEY_BYTES = 250;

    private final String name;
    private final Set<DictFlag> flags;
    private final MemcacheSettings settings;
    private final MemcachedClient client;
    private final FlaggedStringTranscoder transcoder;

    MemcacheDict(String name, Set<DictFlag> flags, MemcacheSettings settings) throws DictException {
        this.name = name;
        this.flags = Set.copyOf(flags);
        this.settings = settings;
        this.transcoder = new FlaggedStringTranscoder(settings.flags());
        InetSocketAddress server = new InetSocketAddress(settings.server().getHostString(), settings.server().getPort());
        XMemcachedClientBuilder builder = new XMemcachedClientBuilder(List.of(server));
        builder.setConnectTimeout(settings.timeoutSeconds() * 1000L);
        builder.setOpTimeout(settings.timeoutSeconds() * 1000L);
        builder.setEnableHealSession(true);
        builder.setHealSessionInterval(1000);
        builder.setTranscoder(transcoder);
        try {
            this.client = builder.build();
            awaitConnection(settings.timeoutSeconds());
        } catch (IOException e) {
            throw new DictException(spec() + ": " + LogText.printable(String.valueOf(e.getMessage())), true, e);
        }
    }

    /** Gives the client up to {@code seconds} to connect; a server that is down is not an open error. */
    private void awaitConnection(int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (client.getAvailableServers().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether memcached's text protocol can carry {@code key}: 1..250 bytes, no space or control character. */
    static boolean storable(String key) {
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            return false;
        }
        return key.codePoints().noneMatch(c -> c <= 0x20 || c == 0x7f || Character.isWhitespace(c)
                || Character.isISOControl(c));
    }

    @Override
    public String type() {
        return "memcache";
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
    public Set<DictCapability> capabilities() {
        return EnumSet.of(DictCapability.UPDATE, DictCapability.DELETE);
    }

    @Override
    public LookupResult lookup(String key) {
        String folded = flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(Locale.ROOT) : key;
        switch (settings.domain().check(folded)) {
            case SKIP:
                return LookupResult.notFound();
            case TEMPORARY_FAILURE:
                return LookupResult.temporaryFailure(spec() + ": domain table lookup failed");
            default:
                break;
        }
        Optional<String> cacheKey = settings.keyFormat().expandQuery(folded, UnaryOperator.identity());
        if (cacheKey.isEmpty()) {
            return LookupResult.notFound();
        }
        boolean cacheable = storable(cacheKey.get());
        if (cacheable) {
            try {
                String cached = get(cacheKey.get());
                if (cached != null) {
                    return LookupResult.found(cached);
                }
            } catch (MemcacheFailure e) {
                if (settings.backup() == null) {
                    return LookupResult.temporaryFailure(spec() + ": " + e.getMessage());
                }
            }
        }
        if (settings.backup() == null) {
            return LookupResult.notFound();
        }
        LookupResult backed = settings.backup().lookup(folded);
        if (cacheable && backed instanceof LookupResult.Found found) {
            try {
                set(cacheKey.get(), found.value());
            } catch (MemcacheFailure e) {
                // the answer stands; the next lookup asks the backup table again
            }
        }
        return backed;
    }

    @Override
    public void update(String key, String value) throws DictException {
        String folded = flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(Locale.ROOT) : key;
        if (settings.backup() != null) {
            settings.backup().update(folded, value);
        }
        Optional<String> cacheKey = writableKey(folded);
        if (cacheKey.isPresent()) {
            try {
                set(cacheKey.get(), value);
            } catch (MemcacheFailure e) {
                throw new DictException(spec() + ": " + e.getMessage(), true, e);
            }
        }
    }

    @Override
    public boolean delete(String key) throws DictException {
        String folded = flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(Locale.ROOT) : key;
        boolean deleted = settings.backup() != null && settings.backup().delete(folded);
        Optional<String> cacheKey = writableKey(folded);
        if (cacheKey.isPresent()) {
            try {
                deleted |= client.delete(cacheKey.get(), settings.timeoutSeconds() * 1000L);
            } catch (TimeoutException | MemcachedException | RuntimeException e) {
                throw new DictException(spec() + ": " + describe(e), true, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DictException(spec() + ": interrupted", true, e);
            }
        }
        return deleted;
    }

    /** The memcache key for an update; empty (skipped with a warning, as Postfix) when it cannot be stored. */
    private Optional<String> writableKey(String folded) {
        Optional<String> cacheKey = settings.keyFormat().expandQuery(folded, UnaryOperator.identity())
                .filter(MemcacheDict::storable);
        if (cacheKey.isEmpty()) {
            LOG.warn("warning: {}: skipping memcache update of key {}", spec(), LogText.printable(folded));
        }
        return cacheKey;
    }

    private String get(String cacheKey) throws MemcacheFailure {
        String value = withRetries(() -> client.get(cacheKey, settings.timeoutSeconds() * 1000L, transcoder));
        if (value != null && value.getBytes(StandardCharsets.UTF_8).length > settings.dataSizeLimit()) {
            throw new MemcacheFailure("reply for key " + LogText.printable(cacheKey)
                    + " exceeds data_size_limit " + settings.dataSizeLimit());
        }
        return value;
    }

    private void set(String cacheKey, String value) throws MemcacheFailure {
        withRetries(() -> client.set(cacheKey, settings.ttl(), value, transcoder, settings.timeoutSeconds() * 1000L));
    }

    private interface Command<T> {
        T run() throws TimeoutException, InterruptedException, MemcachedException;
    }

    /** Runs {@code command}, again after retry_pause when it timed out, up to max_try times. */
    private <T> T withRetries(Command<T> command) throws MemcacheFailure {
        for (int attempt = 1; ; attempt++) {
            try {
                return command.run();
            } catch (TimeoutException e) {
                if (attempt >= settings.maxTry()) {
                    throw failure(e);
                }
                pause();
            } catch (MemcachedException | RuntimeException e) {
                throw failure(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure(e);
            }
        }
    }

    private void pause() throws MemcacheFailure {
        try {
            Thread.sleep(settings.retryPauseSeconds() * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(e);
        }
    }

    private MemcacheFailure failure(Exception e) {
        MemcacheFailure failure = new MemcacheFailure(describe(e));
        LOG.warn("warning: {}: {}", spec(), failure.getMessage());
        return failure;
    }

    private static String describe(Exception e) {
        String what = e instanceof TimeoutException ? "timeout" : String.valueOf(e.getMessage());
        return "memcache error: " + LogText.printable(what);
    }

    /** memcached did not answer; the caller decides whether the backup table may answer instead. */
    private static final class MemcacheFailure extends Exception {
        private static final long serialVersionUID = 1L;

        MemcacheFailure(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        try {
            client.shutdown();
        } catch (IOException e) {
            // closing anyway
        }
        if (settings.backup() != null) {
            settings.backup().close();
        }
    }
}
