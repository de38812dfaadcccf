// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sqlite;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
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
import org.sqlite.SQLiteConfig;

/**
 * SUMMARY   sqlite - SQL queries on an SQLite file ("sqlite:/etc/postern/aliases.cf").
 * DESCRIPTION
 *   The .cf file names the database (dbpath, relative to the configuration directory) and the
 *   query; see {@link SqlDict} for the lookup and {@link SqlSettings} for the parameters
 *   shared with mysql: and pgsql:. The file is opened read-only and must exist (Postfix would
 *   create an empty one). statement_mode is accepted; queries are always prepared statements.
 *   xerial sqlite-jdbc unpacks its native library into java.io.tmpdir (data/tmp in Karaf).
 * SECURITY  Keys from the network are bound parameters; the file is never written.
 * SEE ALSO  Postfix sqlite_table(5).
 */
@Component(service = DictFactory.class)
@DictType("sqlite")
public final class SqliteDictFactory implements DictFactory {

    static final Set<String> PARAMETERS = Set.of("dbpath", "statement_mode");

    @Override
    public Dict open(String name, Set<DictFlag> flags, DictContext context) throws DictException {
        TableConfig config = TableConfig.open("sqlite", name, context);
        SqlSettings.warnUnknown(config, PARAMETERS, context);
        config.choice("statement_mode", "legacy", "legacy", "prepared");
        Path database = Path.of(config.required("dbpath"));
        if (!database.isAbsolute() && context != null && context.configDirectory() != null) {
            database = context.configDirectory().resolve(database);
        }
        if (!Files.isRegularFile(database)) {
            throw config.error("dbpath", "open " + database + ": No such file or directory");
        }
        SqlSettings settings = SqlSettings.read(config, SqlSettings.queryTemplate(config), context);
        Path file = database;
        SqlHost host = new SqlHost(file.toString(), true, null, 0, file.toString());
        ConnectionPool pool = new ConnectionPool(List.of(host), h -> connect(file, settings.timeout()), 0,
                settings.idleInterval(), 2);
        return new SqlDict("sqlite", name, flags, settings, pool, true);
    }

    /** A read-only connection that waits up to {@code timeout} seconds for a writer's lock. */
    static Connection connect(Path database, int timeout) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(timeout * 1000);
        return new org.sqlite.JDBC().connect("jdbc:sqlite:" + database, config.toProperties());
    }
}
