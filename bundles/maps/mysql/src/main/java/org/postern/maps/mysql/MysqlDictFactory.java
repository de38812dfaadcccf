// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.mysql;

import java.sql.Connection;
import java.sql.SQLException;
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
 * SUMMARY   mysql - SQL queries on MySQL or MariaDB servers ("mysql:/etc/postern/aliases.cf").
 * DESCRIPTION
 *   The .cf file has the parameters of Postfix mysql_table(5): hosts (default localhost, port
 *   3306, tried in random order), user, password, dbname, query or the legacy select_field/
 *   table/where_field/additional_conditions, result_format, domain, expansion_limit,
 *   retry_interval, idle_interval, require_result_set (default yes), and Postern's timeout
 *   (default 10 s, for connecting and for each read). See {@link SqlDict} for the lookup.
 *   TLS: tls_CAfile and tls_verify_cert map to the driver's sslMode verify-ca / verify-full;
 *   tls_cert_file/tls_key_file turn TLS on without a client certificate (warned).
 *   MariaDB Connector/J always talks utf8mb4.
 * SECURITY  Keys are bound as server-side prepared statement parameters (useServerPrepStmts).
 * BUGS      Not supported, warned about and ignored: option_file, option_group, tls_CApath,
 *           tls_ciphers, client certificates, a charset other than utf8mb4. "unix:" hosts are
 *           refused: the driver needs JNA for UNIX-domain sockets. "localhost" is TCP, not
 *           MySQL's default socket as in Postfix.
 * SEE ALSO  Postfix mysql_table(5).
 */
@Component(service = DictFactory.class)
@DictType("mysql")
public final class MysqlDictFactory implements DictFactory {

    static final int DEFAULT_PORT = 3306;

    private static final Set<String> UNSUPPORTED = Set.of("option_file", "option_group", "tls_CApath", "tls_ciphers");

    static final Set<String> PARAMETERS = Set.of("charset", "require_result_set", "tls_cert_file", "tls_key_file",
            "tls_CAfile", "tls_verify_cert", "option_file", "option_group", "tls_CApath", "tls_ciphers");

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        TableConfig config = TableConfig.open("mysql", name, context);
        SqlSettings.warnUnknown(config, union(SqlSettings.SERVER_PARAMETERS, PARAMETERS), context);
        warnUnsupported(config, context);
        SqlSettings settings = SqlSettings.read(config, SqlSettings.queryTemplate(config), context);
        List<SqlHost> hosts;
        try {
            hosts = SqlHost.parseAll(config.list("hosts"), DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            throw config.error("hosts", e.getMessage());
        }
        for (SqlHost host : hosts) {
            if (host.unix()) {
                throw config.error("hosts", host + ": UNIX-domain sockets are not supported (the driver needs JNA);"
                        + " use inet:127.0.0.1:" + DEFAULT_PORT);
            }
        }
        Properties properties = properties(config, settings.timeout());
        String dbname = config.string("dbname", "");
        boolean requireResultSet = config.bool("require_result_set", true);
        ConnectionPool pool = new ConnectionPool(hosts, host -> connect(host, dbname, properties),
                settings.retryInterval(), settings.idleInterval(), 4);
        return new SqlDict("mysql", name, flags, settings, pool, requireResultSet);
    }

    /** The driver properties: credentials, timeouts, server-side prepared statements, TLS. */
    static Properties properties(TableConfig config, int timeout) throws DictException {
        Properties p = new Properties();
        p.setProperty("user", config.string("user", ""));
        p.setProperty("password", config.string("password", ""));
        p.setProperty("connectTimeout", String.valueOf(timeout * 1000));
        p.setProperty("socketTimeout", String.valueOf(timeout * 1000));
        p.setProperty("useServerPrepStmts", "true");
        p.setProperty("cachePrepStmts", "true");
        boolean verify = config.bool("tls_verify_cert", false);
        String caFile = config.string("tls_CAfile", "");
        if (!caFile.isEmpty() || verify) {
            p.setProperty("sslMode", verify ? "verify-full" : "verify-ca");
            if (!caFile.isEmpty()) {
                p.setProperty("serverSslCert", caFile);
            }
        } else if (config.has("tls_cert_file") || config.has("tls_key_file")) {
            p.setProperty("sslMode", "trust");
        }
        return p;
    }

    private static void warnUnsupported(TableConfig config, DictContext context) {
        if (context == null) {
            return;
        }
        for (String name : UNSUPPORTED) {
            if (config.has(name) && !config.string(name, "").isEmpty()) {
                context.warn(config.error(name, "not supported by Postern's mysql: client, ignored").getMessage());
            }
        }
        for (String name : List.of("tls_cert_file", "tls_key_file")) {
            if (config.has(name)) {
                context.warn(config.error(name, "client certificates are not supported, ignored"
                        + " (TLS is used without one)").getMessage());
            }
        }
        String charset = config.string("charset", "utf8mb4");
        if (!charset.equalsIgnoreCase("utf8mb4") && !charset.equalsIgnoreCase("utf8")) {
            context.warn(config.error("charset", "the client always uses utf8mb4, ignored").getMessage());
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static Connection connect(SqlHost host, String dbname, Properties properties) throws SQLException {
        String address = host.host().indexOf(':') >= 0 ? "[" + host.host() + "]" : host.host();
        String url = "jdbc:mariadb://" + address + ":" + host.port() + "/" + dbname;
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // The driver finds its codecs and plugins with ServiceLoader: let it see its own bundle.
        thread.setContextClassLoader(org.mariadb.jdbc.Driver.class.getClassLoader());
        try {
            return new org.mariadb.jdbc.Driver().connect(url, properties);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
