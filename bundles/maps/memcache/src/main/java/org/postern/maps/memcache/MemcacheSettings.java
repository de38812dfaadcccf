// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.memcache;

import java.net.InetSocketAddress;
import java.util.Set;

import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.Dict;
import org.postern.api.support.DomainFilter;
import org.postern.api.support.QueryTemplate;
import org.postern.api.support.TableConfig;

/**
 * SUMMARY   The parameters of a memcache table file (Postfix memcache_table(5)), checked at open.
 * CONFIGURATION PARAMETERS
 *   memcache (inet:localhost:11211)   inet:host:port, inet:[v6addr]:port
 *   backup (none)          type:table consulted on a miss; its answers are then cached
 *   flags (0)              stored with updates, ignored by lookups
 *   ttl (3600)             expiration of memcache updates, seconds (over 30 days: absolute time)
 *   key_format (%s)        the memcache key; not used for the backup table
 *   domain (none)          data_size_limit (10240)    line_size_limit (1024)
 *   max_try (2)            retry_pause (1)            timeout (2)
 */
record MemcacheSettings(InetSocketAddress server, Dict backup, int flags, int ttl, QueryTemplate keyFormat,
        DomainFilter domain, int dataSizeLimit, int maxTry, int retryPauseSeconds, int timeoutSeconds) {

    static final Set<String> PARAMETERS = Set.of("memcache", "backup", "flags", "ttl", "key_format", "domain",
            "data_size_limit", "line_size_limit", "max_try", "retry_pause", "timeout");

    static MemcacheSettings from(TableConfig config, DictContext context, Set<DictFlag> flags) throws DictException {
        config.integer("line_size_limit", 1024, 1); // checked for syntax; the client library reads reply lines
        QueryTemplate keyFormat;
        try {
            keyFormat = QueryTemplate.query(config.string("key_format", "%s"));
        } catch (IllegalArgumentException e) {
            throw config.error("key_format", e.getMessage());
        }
        return new MemcacheSettings(server(config), backup(config, context, flags), config.integer("flags", 0, 0),
                config.integer("ttl", 3600, 0), keyFormat, DomainFilter.from(config, context),
                config.integer("data_size_limit", 10240, 1), config.integer("max_try", 2, 1),
                config.integer("retry_pause", 1, 0), config.integer("timeout", 2, 1));
    }

    private static InetSocketAddress server(TableConfig config) throws DictException {
        String endpoint = config.string("memcache", "inet:localhost:11211");
        if (endpoint.startsWith("unix:")) {
            throw config.error("memcache", "UNIX-domain memcache servers are not supported yet; use inet:host:port");
        }
        String hostPort = endpoint.startsWith("inet:") ? endpoint.substring(5) : endpoint;
        int colon = hostPort.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 1 || port > 65535) {
            throw config.error("memcache", "expecting inet:host:port, not " + endpoint);
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static Dict backup(TableConfig config, DictContext context, Set<DictFlag> flags) throws DictException {
        String spec = config.string("backup", "");
        if (spec.isEmpty()) {
            return null;
        }
        if (context == null || context.registry() == null) {
            throw config.error("backup", "table " + spec + " needs the table registry");
        }
        return context.registry().open(spec, flags);
    }
}
