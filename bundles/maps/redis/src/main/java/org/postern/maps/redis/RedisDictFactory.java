// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.redis;

import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.support.TableConfig;

/**
 * SUMMARY   redis - Redis keys as a lookup table ("redis:/etc/postern/redis-aliases.cf").
 * DESCRIPTION
 *   Postfix has no redis table; this one follows its networked tables (memcache_table(5),
 *   mysql_table(5)). The file has main.cf syntax:
 *     host = 127.0.0.1          (or: uri = redis://user:secret@127.0.0.1:6379/2)
 *     port = 6379
 *     password = secret
 *     database = 2
 *     key_format = alias:%s     (the Redis key for a lookup key; default %s)
 *     timeout = 10
 *   A string value is the answer; a set, list or sorted set answers all its members joined
 *   with commas (result_format, expansion_limit and domain as in mysql_table(5); see
 *   {@link RedisSettings} for every parameter). The table supports update and delete
 *   (postmap -i / -d; string values, optional ttl), so that it can back a cache. Unknown
 *   parameters are reported through {@link DictContext#warn}. Nothing is contacted at open.
 * SECURITY  Keys are sent as binary-safe bulk strings (no injection). The password is never
 *   logged; without TLS (rediss://) it crosses the network in the clear.
 * BUGS      Hash values are not answers (configuration error); no Sentinel or Cluster.
 * SEE ALSO  Postfix memcache_table(5), mysql_table(5); Redis TYPE, GET, SMEMBERS, LRANGE.
 */
@Component(service = DictFactory.class)
@DictType("redis")
public final class RedisDictFactory implements DictFactory {

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        TableConfig config = TableConfig.open("redis", name, context);
        config.warnUnknown(RedisSettings.PARAMETERS, context);
        return new RedisDict(name, flags, RedisSettings.from(config, context));
    }
}
