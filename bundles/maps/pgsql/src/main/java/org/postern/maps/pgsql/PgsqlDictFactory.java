// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.pgsql;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.osgi.service.component.annotations.Component;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictType;
import org.postern.api.support.TableConfig;
import org.postern.maps.sql.ConnectionPool;
import org.postern.maps.sql.SqlDict;
import org.postern.maps.sql.SqlHost;
import org.postern.maps.sql.SqlSettings;

/**
 * SUMMARY   pgsql - SQL queries on PostgreSQL servers ("pgsql:/etc/postern/aliases.cf").
 * DESCRIPTION
 *   The .cf file has the parameters of Postfix pgsql_table(5): hosts (default localhost, port
 *   5432, tried in random order), user, password, dbname (required), query, or the legacy
 *   select_function ("SELECT fn('%s')") or select_field/table/where_field/additional_conditions,
 *   result_format, domain, expansion_limit, retry_interval, idle_interval, and Postern's
 *   timeout (default 10 s, for connecting and for each read). See {@link SqlDict}.
 *   The PostgreSQL JDBC driver always uses UTF8 as client encoding.
 * SECURITY  Keys are bound parameters of prepared statements (the driver prepares them on the
 *           server after a few uses).
 * BUGS      Connection URIs (postgresql://...) and "unix:" hosts are refused with an error
 *           (the driver needs a socket factory library for UNIX-domain sockets); an encoding
 *           other than UTF8 is warned about and ignored.
 * SEE ALSO  Postfix pgsql_table(5).
 */
@Component(service = DictFactory.class)
@DictType("pgsql")
public final class PgsqlDictFactory implements DictFactory {

    static final int DEFAULT_PORT = 5432;

    static final Set<String> PARAMETERS = Set.of("encoding", "select_function");

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        TableConfig config = TableConfig.open("pgsql", name, context);
        Set<String> known = new HashSet<>(SqlSettings.SERVER_PARAMETERS);
        known.addAll(PARAMETERS);
        SqlSettings.warnUnknown(config, known, context);
        String encoding = config.string("encoding", "UTF8");
        if (context != null && !encoding.equalsIgnoreCase("UTF8") && !encoding.equalsIgnoreCase("UTF-8")) {
            context.warn(config.error("encoding", "the client always uses UTF8, ignored").getMessage());
        }
        SqlSettings settings = SqlSettings.read(config, queryTemplate(config), context);
        List<SqlHost> hosts = hosts(config);
        String url = "/" + URLEncoder.encode(config.required("dbname"), StandardCharsets.UTF_8);
        Properties properties = new Properties();
        properties.setProperty("user", config.string("user", ""));
        properties.setProperty("password", config.string("password", ""));
        properties.setProperty("connectTimeout", String.valueOf(settings.timeout()));
        properties.setProperty("loginTimeout", String.valueOf(settings.timeout()));
        properties.setProperty("socketTimeout", String.valueOf(settings.timeout()));
        properties.setProperty("ApplicationName", "postern");
        ConnectionPool pool = new ConnectionPool(hosts, host -> connect(host, url, properties),
                settings.retryInterval(), settings.idleInterval(), 4);
        return new SqlDict("pgsql", name, flags, settings, pool, true);
    }

    /** query, else select_function (Postfix 2.1), else the select_field/table/where_field form. */
    static String queryTemplate(TableConfig config) throws DictException {
        if (!config.has("query") && config.has("select_function")) {
            return "SELECT " + config.required("select_function") + "('%s')";
        }
        return SqlSettings.queryTemplate(config);
    }

    private static List<SqlHost> hosts(TableConfig config) throws DictException {
        List<SqlHost> hosts;
        try {
            for (String spec : config.list("hosts")) {
                if (spec.startsWith("postgres://") || spec.startsWith("postgresql://")) {
                    throw new IllegalArgumentException("connection URIs are not supported;"
                            + " use host[:port] with dbname, user and password");
                }
            }
            hosts = SqlHost.parseAll(config.list("hosts"), DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            throw config.error("hosts", e.getMessage());
        }
        for (SqlHost host : hosts) {
            if (host.unix()) {
                throw config.error("hosts", host + ": UNIX-domain sockets are not supported"
                        + " (the driver needs a socket factory library); use inet:127.0.0.1:" + DEFAULT_PORT);
            }
        }
        return hosts;
    }

    private static Connection connect(SqlHost host, String database, Properties properties) throws SQLException {
        String address = host.host().indexOf(':') >= 0 ? "[" + host.host() + "]" : host.host();
        return new org.postgresql.Driver().connect("jdbc:postgresql://" + address + ":" + host.port() + database, properties);
    }
}
