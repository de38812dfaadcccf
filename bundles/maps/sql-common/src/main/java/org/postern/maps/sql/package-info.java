// SPDX-License-Identifier: Apache-2.0
/**
 * What the SQL table types (mysql:, pgsql:, sqlite:) share: the query template turned into a
 * prepared statement ({@link org.postern.maps.sql.SqlQuery}), the common parameters of
 * mysql_table(5)/pgsql_table(5)/sqlite_table(5) ({@link org.postern.maps.sql.SqlSettings}),
 * server addresses ({@link org.postern.maps.sql.SqlHost}), a small connection pool with
 * failover ({@link org.postern.maps.sql.ConnectionPool}) and the lookup
 * ({@link org.postern.maps.sql.SqlDict}). Each driver bundle only says how to connect.
 */
@Export
@Version("1.0.0")
package org.postern.maps.sql;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
