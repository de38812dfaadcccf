// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.redis;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictCapability;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.postern.api.support.ResultList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * SUMMARY   One open redis table on a Jedis connection pool.
 * DESCRIPTION
 *   A lookup asks TYPE, then reads the value: a string is one answer, a set (sorted, since
 *   Redis sets have no order), a list or a sorted set (in order) is one answer per member,
 *   joined with commas after result_format and expansion_limit. A hash or stream is a
 *   configuration error. A command that fails on a broken pooled connection (server
 *   restarted) is sent once more on a fresh one; every other failure is temporary.
 *   update/delete write plain string values (SET, with EX when ttl is set; DEL).
 * SECURITY  Keys travel as binary-safe RESP bulk strings: no character of a key can change the
 *   command, so key_format needs no quoting.
 */
final class RedisDict implements Dict {

    private static final Logger LOG = LoggerFactory.getLogger("postern.dict.redis");

    private final String name;
    private final Set<DictFlag> flags;
    private final RedisSettings settings;
    private final UnifiedJedis redis;

    RedisDict(String name, Set<DictFlag> flags, RedisSettings settings) {
        this.name = name;
        this.flags = Set.copyOf(flags);
        this.settings = settings;
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxWait(Duration.ofSeconds(settings.timeoutSeconds()));
        this.redis = new JedisPooled(settings.server(), settings.client(), pool);
    }

    @Override
    public String type() {
        return "redis";
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
        String folded = fold(key);
        switch (settings.domain().check(folded)) {
            case SKIP:
                return LookupResult.notFound();
            case TEMPORARY_FAILURE:
                return LookupResult.temporaryFailure(spec() + ": domain table lookup failed");
            default:
                break;
        }
        Optional<String> redisKey = settings.keyFormat().expandQuery(folded, UnaryOperator.identity());
        if (redisKey.isEmpty()) {
            return LookupResult.notFound();
        }
        try {
            List<String> values = withRetry(jedis -> values(jedis, redisKey.get()));
            if (values == null) {
                return LookupResult.configurationError(spec() + ": key " + LogText.printable(redisKey.get())
                        + " holds neither a string, a set, a list nor a sorted set");
            }
            ResultList results = new ResultList(settings.resultFormat(), settings.expansionLimit(), folded);
            for (String value : values) {
                if (!results.add(value)) {
                    break;
                }
            }
            return results.result(spec());
        } catch (JedisException e) {
            String reason = spec() + ": " + LogText.printable(String.valueOf(e.getMessage()));
            LOG.warn("warning: {}", reason);
            return LookupResult.temporaryFailure(reason);
        }
    }

    /** The values under {@code redisKey}: empty when there is none, null for a type that is no answer. */
    private static List<String> values(UnifiedJedis jedis, String redisKey) {
        return switch (jedis.type(redisKey)) {
            case "none" -> List.of();
            case "string" -> Optional.ofNullable(jedis.get(redisKey)).map(List::of).orElse(List.of());
            case "set" -> List.copyOf(new TreeSet<>(jedis.smembers(redisKey)));
            case "list" -> jedis.lrange(redisKey, 0, -1);
            case "zset" -> jedis.zrange(redisKey, 0, -1);
            default -> null;
        };
    }

    @Override
    public void update(String key, String value) throws DictException {
        String redisKey = writableKey(key);
        SetParams params = settings.ttlSeconds() > 0 ? SetParams.setParams().ex(settings.ttlSeconds()) : SetParams.setParams();
        write(() -> withRetry(jedis -> jedis.set(redisKey, value, params)));
    }

    @Override
    public boolean delete(String key) throws DictException {
        String redisKey = writableKey(key);
        long[] deleted = new long[1];
        write(() -> deleted[0] = withRetry(jedis -> jedis.del(redisKey)));
        return deleted[0] > 0;
    }

    private String writableKey(String key) throws DictException {
        if (flags.contains(DictFlag.READ_ONLY)) {
            throw new DictException(spec() + ": table is read-only", false);
        }
        return settings.keyFormat().expandQuery(fold(key), UnaryOperator.identity()).orElseThrow(() ->
                new DictException(spec() + ": key " + LogText.printable(key) + " does not fill key_format "
                        + settings.keyFormat(), false));
    }

    private void write(Runnable command) throws DictException {
        try {
            command.run();
        } catch (JedisException e) {
            throw new DictException(spec() + ": " + LogText.printable(String.valueOf(e.getMessage())), true, e);
        }
    }

    /** Runs {@code command}; once more if a pooled connection turned out to be broken. */
    private <T> T withRetry(Function<UnifiedJedis, T> command) {
        try {
            return command.apply(redis);
        } catch (JedisConnectionException e) {
            return command.apply(redis);
        }
    }

    private String fold(String key) {
        return flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(Locale.ROOT) : key;
    }

    @Override
    public void close() {
        redis.close();
    }
}
