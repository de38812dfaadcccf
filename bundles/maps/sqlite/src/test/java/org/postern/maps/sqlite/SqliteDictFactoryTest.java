// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.testing.TestDictContext;

/** sqlite_table(5) on real files; the lookup semantics themselves are tested in sql-common. */
class SqliteDictFactoryTest {

    @TempDir
    Path dir;
    TestDictContext context;

    @BeforeEach
    void createDatabase() throws Exception {
        context = new TestDictContext(dir);
        try (Connection c = new org.sqlite.JDBC().connect("jdbc:sqlite:" + dir.resolve("virtual.db"), new java.util.Properties());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE virtual (address TEXT, target TEXT)");
            s.execute("INSERT INTO virtual VALUES ('postmaster@example.com', 'root'), ('info@example.com', 'alice'),"
                    + " ('info@example.com', 'bob')");
        }
    }

    @Test
    void lookupShouldFindRowsInTheFileNamedByDbpath() throws Exception {
        try (Dict dict = open("dbpath = virtual.db", "query = SELECT target FROM virtual WHERE address = '%s' ORDER BY target")) {
            assertThat(dict.lookup("postmaster@example.com")).isEqualTo(LookupResult.found("root"));
            assertThat(dict.lookup("info@example.com")).isEqualTo(LookupResult.found("alice,bob"));
            assertThat(dict.lookup("' OR '1'='1")).isEqualTo(LookupResult.notFound());
            assertThat(dict.lookup("nobody@example.com")).isEqualTo(LookupResult.notFound());
            assertThat(dict.type()).isEqualTo("sqlite");
            assertThat(dict.flags()).contains(DictFlag.FIXED, DictFlag.READ_ONLY);
        }
    }

    @Test
    void tableShouldBeOpenedReadOnly() throws Exception {
        try (Dict dict = open("dbpath = virtual.db", "query = DELETE FROM virtual WHERE address = '%s'")) {
            assertThat(dict.lookup("postmaster@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
        }
        try (Dict dict = open("dbpath = virtual.db", "query = SELECT target FROM virtual WHERE address = '%s'")) {
            assertThat(dict.lookup("postmaster@example.com")).isEqualTo(LookupResult.found("root"));
        }
    }

    @Test
    void missingDatabaseShouldFailToOpenNamingTheFile() throws Exception {
        assertThatThrownBy(() -> open("dbpath = nope.db", "query = SELECT 1"))
                .isInstanceOf(DictException.class).hasMessageContaining("line 1: dbpath: open " + dir.resolve("nope.db"));
        assertThat(dir.resolve("nope.db")).doesNotExist();
    }

    @Test
    void statementModeShouldBeCheckedAndOtherParametersWarnedAbout() throws Exception {
        assertThatThrownBy(() -> open("dbpath = virtual.db", "query = SELECT 1", "statement_mode = fast"))
                .isInstanceOf(DictException.class).hasMessageContaining("statement_mode");
        open("dbpath = virtual.db", "query = SELECT 1", "statement_mode = prepared", "hosts = localhost").close();
        assertThat(context.warnings()).singleElement().asString().contains("hosts: unknown parameter");
    }

    private Dict open(String... lines) throws Exception {
        Path cf = dir.resolve("sqlite.cf");
        Files.writeString(cf, String.join("\n", lines) + "\n");
        return new SqliteDictFactory().open("sqlite.cf", Set.of(DictFlag.FOLD_CASE), context);
    }
}
