// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.TableConfig;
import org.postern.testing.TestDictContext;

/** The shared lookup semantics, end to end on an SQLite file (the server types test their drivers). */
class SqlDictTest {

    @TempDir
    Path dir;
    Path database;
    TestDictContext context;
    SqlDict dict;

    @BeforeEach
    void createDatabase() throws SQLException {
        database = dir.resolve("aliases.db");
        context = new TestDictContext(dir);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE aliases (mailbox TEXT, goto TEXT, extra TEXT)");
            s.execute("CREATE TABLE big (k TEXT, v TEXT)");
        }
        insert("alice@example.com", "alice@mail.example.com", null);
        insert("bob@example.com", "bob1@example.net", "bob2@example.net");
        insert("bob@example.com", "", "bob3@example.net");
        insert("carol", "carol@example.org", null);
        insert("example.com", "domain-entry", null);
        insert("x@sub.example.org", "sub", null);
    }

    @AfterEach
    void closeDict() {
        if (dict != null) {
            dict.close();
        }
    }

    @Test
    void lookupShouldReturnValueWhenKeyIsInTable() throws Exception {
        open("query = SELECT goto FROM aliases WHERE mailbox = '%s'");
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        assertThat(dict.lookup("nobody@example.com")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void everyNonEmptyColumnOfEveryRowShouldBeOneValue() throws Exception {
        open("query = SELECT goto, extra FROM aliases WHERE mailbox = '%s' ORDER BY rowid");
        assertThat(dict.lookup("bob@example.com"))
                .isEqualTo(LookupResult.found("bob1@example.net,bob2@example.net,bob3@example.net"));
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
    }

    @Test
    void rowOfOnlyNullOrEmptyValuesShouldBeNotFound() throws Exception {
        open("query = SELECT extra FROM aliases WHERE mailbox = '%s'");
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void expansionsShouldUseThePartsOfTheKey() throws Exception {
        open("query = SELECT goto FROM aliases WHERE mailbox = '%u@%d'");
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        assertThat(dict.lookup("carol")).isEqualTo(LookupResult.notFound()); // %d of a bare name: no query
    }

    @Test
    void domainLabelExpansionsShouldCountFromTheTop() throws Exception {
        open("query = SELECT goto FROM aliases WHERE mailbox = 'x@%3.%2.%1'");
        assertThat(dict.lookup("anyone@sub.example.org")).isEqualTo(LookupResult.found("sub"));
        assertThat(dict.lookup("anyone@example.org")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void domainSettingShouldSkipKeysOutsideTheListedDomains() throws Exception {
        open("query = SELECT goto FROM aliases WHERE mailbox = '%s'", "domain = example.com");
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        assertThat(dict.lookup("example.com")).isEqualTo(LookupResult.notFound());
        assertThat(dict.lookup("carol")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void resultFormatShouldApplyToEachValue() throws Exception {
        open("query = SELECT goto, extra FROM aliases WHERE mailbox = '%s' ORDER BY rowid",
                "result_format = smtp:[%d] for %U");
        assertThat(dict.lookup("bob@example.com"))
                .isEqualTo(LookupResult.found("smtp:[example.net] for bob,smtp:[example.net] for bob,smtp:[example.net] for bob"));
    }

    @Test
    void exceedingExpansionLimitShouldBeTemporaryFailure() throws Exception {
        open("query = SELECT goto, extra FROM aliases WHERE mailbox = '%s'", "expansion_limit = 2");
        assertThat(dict.lookup("bob@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
    }

    @Test
    void foldCaseShouldLowerCaseTheKey() throws Exception {
        open("query = SELECT goto FROM aliases WHERE mailbox = '%s'");
        assertThat(dict.lookup("Alice@Example.COM")).isEqualTo(LookupResult.found("alice@mail.example.com"));
    }

    @Test
    void maliciousKeysShouldNeverMatchOtherRows() throws Exception {
        open("query = SELECT goto FROM aliases WHERE mailbox = '%s'");
        for (String key : List.of("' OR '1'='1", "\\' OR 1=1 -- ", "x' OR mailbox LIKE '%", "%", "_", "carol\0",
                "carol' --", "\\", "carol\\", "' UNION SELECT goto FROM aliases --")) {
            assertThat(dict.lookup(key)).as(key).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void longKeysAndLongResultsShouldWork() throws Exception {
        String key = "k".repeat(10_000) + "@example.com";
        String value = "v".repeat(100_000);
        try (Connection c = connect(); PreparedStatement p = c.prepareStatement("INSERT INTO big VALUES (?, ?)")) {
            p.setString(1, key);
            p.setString(2, value);
            p.executeUpdate();
        }
        open("query = SELECT v FROM big WHERE k = '%s'");
        assertThat(dict.lookup(key)).isEqualTo(LookupResult.found(value));
    }

    @Test
    void legacyParametersShouldBuildTheQuery() throws Exception {
        open("table = aliases", "select_field = goto", "where_field = mailbox", "additional_conditions = AND extra IS NULL");
        assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        assertThat(dict.lookup("bob@example.com")).isEqualTo(LookupResult.notFound());
    }

    @Test
    void sqlErrorShouldBeTemporaryFailureNotNotFound() throws Exception {
        open("query = SELECT goto FROM no_such_table WHERE mailbox = '%s'");
        assertThat(dict.lookup("alice@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
    }

    @Test
    void unknownParameterShouldBeWarnedAboutWithFileAndLine() throws Exception {
        open("query = SELECT goto FROM aliases WHERE mailbox = '%s'", "quer = typo");
        assertThat(context.warnings()).singleElement().asString()
                .contains("test.cf, line 2: quer: unknown parameter");
    }

    @Test
    void badQueryShouldBeConfigurationErrorNamingTheParameter() throws IOException {
        Path cf = dir.resolve("bad.cf");
        Files.writeString(cf, "query = SELECT goto FROM aliases WHERE mailbox = '%s\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SqlSettings.read(
                TableConfig.open("sqlite", cf.toString(), context), "SELECT '%s", context))
                .isInstanceOf(DictException.class).hasMessageContaining("bad.cf, line 1: query: unterminated");
    }

    private void open(String... lines) throws Exception {
        Path cf = dir.resolve("test.cf");
        Files.writeString(cf, String.join("\n", lines) + "\n");
        TableConfig config = TableConfig.open("sqlite", cf.toString(), context);
        SqlSettings.warnUnknown(config, Set.of(), context);
        SqlSettings settings = SqlSettings.read(config, SqlSettings.queryTemplate(config), context);
        SqlHost host = new SqlHost(database.toString(), true, null, 0, database.toString());
        dict = new SqlDict("sqlite", cf.toString(), Set.of(DictFlag.FOLD_CASE), settings,
                new ConnectionPool(List.of(host), h -> connect(), 0, 60, 2), true);
    }

    private void insert(String mailbox, String target, String extra) throws SQLException {
        try (Connection c = connect(); PreparedStatement p = c.prepareStatement("INSERT INTO aliases VALUES (?, ?, ?)")) {
            p.setString(1, mailbox);
            p.setString(2, target);
            p.setString(3, extra);
            p.executeUpdate();
        }
    }

    private Connection connect() throws SQLException {
        return new org.sqlite.JDBC().connect("jdbc:sqlite:" + database, new Properties());
    }
}
