// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sql;

import java.sql.Connection;
import java.sql.SQLException;

/** How a driver bundle opens one connection to one host, with its connect and read timeouts set. */
@FunctionalInterface
public interface SqlConnector {

    Connection connect(SqlHost host) throws SQLException;
}
