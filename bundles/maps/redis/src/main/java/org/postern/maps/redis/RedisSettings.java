// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.redis;

import java.net.URI;
import java.util.List;
import java.util.Set;

import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.support.DomainFilter;
import org.postern.api.support.LogText;
import org.postern.api.support.QueryTemplate;
import org.postern.api.support.TableConfig;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * SUMMARY   The parameters of a redis table file, checked at open.
 * CONFIGURATION PARAMETERS
 *   uri                  redis://[user:password@]host:port[/database] or rediss:// (TLS);
 *                        when set, host/port/user/password/database must not be
 *   host (localhost)     port (6379)
 *   user (empty)         ACL user name (Redis 6+); empty: the default user
 *   password (empty)     AUTH password; empty: none
 *   database (0)         SELECT number
 *   key_format (%s)      the Redis key for a lookup key, %s %u %d %1..%9 as in Postfix tables
 *                        (e.g. "alias:%s"); a key that cannot fill it is not looked up
 *   result_format (%s)   domain (empty)   expansion_limit (0: no limit)
 *   timeout (10)         seconds, for connect, each command and waiting for a pooled connection
 *   ttl (0)              seconds an entry written by update lives; 0: forever
 */
record RedisSettings(HostAndPort server, JedisClientConfig client, QueryTemplate keyFormat,
        QueryTemplate resultFormat, int expansionLimit, DomainFilter domain, int timeoutSeconds, int ttlSeconds) {

    static final Set<String> PARAMETERS = Set.of("uri", "host", "port", "user", "password", "database",
            "key_format", "result_format", "domain", "expansion_limit", "timeout", "ttl");

    static RedisSettings from(TableConfig config, DictContext context) throws DictException {
        int timeout = config.integer("timeout", 10, 1);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout * 1000)
                .socketTimeoutMillis(timeout * 1000)
                .clientName("postern");
        HostAndPort server;
        if (config.has("uri")) {
            for (String conflicting : List.of("host", "port", "user", "password", "database")) {
                if (config.has(conflicting)) {
                    throw config.error(conflicting, "set either uri or " + conflicting + ", not both");
                }
            }
            URI uri = uri(config);
            server = JedisURIHelper.getHostAndPort(uri);
            client.user(JedisURIHelper.getUser(uri)).password(JedisURIHelper.getPassword(uri))
                    .database(JedisURIHelper.getDBIndex(uri)).ssl(JedisURIHelper.isRedisSSLScheme(uri));
        } else {
            server = new HostAndPort(config.string("host", "localhost"), config.integer("port", 6379, 1));
            String user = config.string("user", "");
            String password = config.string("password", "");
            client.user(user.isEmpty() ? null : user).password(password.isEmpty() ? null : password)
                    .database(config.integer("database", 0, 0));
        }
        return new RedisSettings(server, client.build(), template(config, "key_format", QueryTemplate.Use.QUERY),
                template(config, "result_format", QueryTemplate.Use.RESULT_FORMAT),
                config.integer("expansion_limit", 0, 0), DomainFilter.from(config, context), timeout,
                config.integer("ttl", 0, 0));
    }

    private static URI uri(TableConfig config) throws DictException {
        try {
            URI uri = new URI(config.string("uri", ""));
            if (!JedisURIHelper.isValid(uri)) {
                throw config.error("uri", "expecting redis://host:port/database or rediss://...");
            }
            return uri;
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw config.error("uri", "bad URI: " + LogText.printable(e.getMessage()));
        }
    }

    private static QueryTemplate template(TableConfig config, String name, QueryTemplate.Use use) throws DictException {
        try {
            return QueryTemplate.parse(config.string(name, "%s"), use, "");
        } catch (IllegalArgumentException e) {
            throw config.error(name, e.getMessage());
        }
    }
}
