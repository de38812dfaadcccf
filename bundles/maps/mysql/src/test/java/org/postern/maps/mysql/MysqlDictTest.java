// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.maps.sql.SqlServerDictContract;
import org.postern.testing.TestDictContext;

/** mysql_table(5) against the real MariaDB on 127.0.0.1:3306 (root, no password, database test). */
class MysqlDictTest extends SqlServerDictContract {

    MysqlDictTest() {
        super("mysql", 3306, "root", "MariaDB (apt-get install mariadb-server)");
    }

    @Override
    protected DictFactory factory() {
        return new MysqlDictFactory();
    }

    @Override
    protected Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        return new org.mariadb.jdbc.Driver().connect("jdbc:mariadb://127.0.0.1:" + port + "/test", p);
    }

    /** MySQL's TEXT stops at 64 KiB, short of LONG_VALUE. */
    @Override
    protected String createTableSql(String name) {
        return "CREATE TABLE " + name + " (mailbox TEXT, goto MEDIUMTEXT, extra TEXT)";
    }

    @Test
    void unsupportedSettingsShouldBeWarnedAboutOrRefused() throws Exception {
        TestDictContext context = new TestDictContext(dir);
        Path cf = dir.resolve("warn.cf");
        Files.writeString(cf, "hosts = 127.0.0.1\ndbname = test\nuser = root\nquery = SELECT 1\n"
                + "option_file = /etc/my.cnf\ncharset = latin1\nfrobnicate = yes\n");
        new MysqlDictFactory().open(cf.toString(), Set.of(), context).close();
        assertThat(context.warnings()).hasSize(3).anySatisfy(w -> assertThat(w).contains("line 5: option_file"))
                .anySatisfy(w -> assertThat(w).contains("line 7: frobnicate: unknown parameter"));
        Files.writeString(cf, "hosts = unix:/run/mysqld/mysqld.sock\nquery = SELECT 1\n");
        assertThatThrownBy(() -> new MysqlDictFactory().open(cf.toString(), Set.of(), context))
                .isInstanceOf(DictException.class).hasMessageContaining("line 1: hosts: unix:/run/mysqld/mysqld.sock");
    }
}
