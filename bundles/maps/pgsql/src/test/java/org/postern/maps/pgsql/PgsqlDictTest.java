// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.pgsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.LookupResult;
import org.postern.maps.sql.SqlServerDictContract;
import org.postern.testing.TestDictContext;

/** pgsql_table(5) against the real PostgreSQL on 127.0.0.1:5432 (user postgres, trust, database test). */
class PgsqlDictTest extends SqlServerDictContract {

    PgsqlDictTest() {
        super("pgsql", 5432, "postgres", "PostgreSQL (apt-get install postgresql)");
    }

    @Override
    protected DictFactory factory() {
        return new PgsqlDictFactory();
    }

    @Override
    protected Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + port + "/test", p);
    }

    @Override
    protected String createTableSql(String name) {
        return "CREATE TABLE " + name + " (mailbox TEXT, goto TEXT, extra TEXT)";
    }

    @Test
    void selectFunctionShouldBeTheLegacyQuery() throws Exception {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION " + table + "_f(text) RETURNS text AS 'SELECT goto FROM " + table
                    + " WHERE mailbox = $1 LIMIT 1' LANGUAGE SQL");
        }
        try (Dict dict = open("select_function = " + table + "_f")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            assertThat(dict.lookup("' OR '1'='1")).isEqualTo(LookupResult.notFound());
        } finally {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("DROP FUNCTION " + table + "_f(text)");
            }
        }
    }

    @Test
    void unsupportedSettingsShouldBeWarnedAboutOrRefused() throws Exception {
        TestDictContext context = new TestDictContext(dir);
        Path cf = dir.resolve("warn.cf");
        Files.writeString(cf, "hosts = 127.0.0.1\ndbname = test\nuser = postgres\nquery = SELECT 1\n"
                + "encoding = LATIN1\nfrobnicate = yes\n");
        new PgsqlDictFactory().open(cf.toString(), Set.of(), context).close();
        assertThat(context.warnings()).hasSize(2).anySatisfy(w -> assertThat(w).contains("line 5: encoding"))
                .anySatisfy(w -> assertThat(w).contains("line 6: frobnicate: unknown parameter"));
        Files.writeString(cf, "hosts = unix:/run/postgresql/.s.PGSQL.5432\ndbname = test\nquery = SELECT 1\n");
        assertThatThrownBy(() -> new PgsqlDictFactory().open(cf.toString(), Set.of(), context))
                .isInstanceOf(DictException.class).hasMessageContaining("line 1: hosts: unix:/run/postgresql");
        Files.writeString(cf, "hosts = 127.0.0.1\nquery = SELECT 1\n");
        assertThatThrownBy(() -> new PgsqlDictFactory().open(cf.toString(), Set.of(), context))
                .isInstanceOf(DictException.class).hasMessageContaining("dbname is required");
    }
}
