// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.pgsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.testing.RequiredService;
import org.postern.testing.TcpProxy;
import org.postern.testing.TestDictContext;

/** pgsql_table(5) against the real PostgreSQL on 127.0.0.1:5432 (user postgres, trust, database test). */
class PgsqlDictTest {

    static final int PORT = 5432;
    static final String TABLE = "postern_pgsql_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    static final String LONG_KEY = "k".repeat(10_000) + "@example.com";
    static final String LONG_VALUE = "v".repeat(100_000);

    @TempDir
    Path dir;

    @BeforeAll
    static void createTable() throws SQLException {
        RequiredService.assumeListening(PORT, "PostgreSQL (apt-get install postgresql)");
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + TABLE + " (mailbox TEXT, goto TEXT, extra TEXT)");
        }
        insert("alice@example.com", "alice@mail.example.com", null);
        insert("bob@example.com", "bob1@example.net", "bob2@example.net");
        insert("bob@example.com", "", "bob3@example.net");
        insert("carol", "carol@example.org", null);
        insert("x@sub.example.org", "sub", null);
        insert("back\\slash", "backslash-row", null);
        insert(LONG_KEY, LONG_VALUE, null);
    }

    @AfterAll
    static void dropTable() throws SQLException {
        if (RequiredService.isListening(PORT)) {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + TABLE);
            }
        }
    }

    @Test
    void lookupShouldReturnEveryNonEmptyColumnOfEveryRow() throws Exception {
        try (Dict dict = open("query = SELECT goto, extra FROM " + TABLE + " WHERE mailbox = '%s' ORDER BY goto DESC")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            assertThat(dict.lookup("bob@example.com"))
                    .isEqualTo(LookupResult.found("bob1@example.net,bob2@example.net,bob3@example.net"));
            assertThat(dict.lookup("nobody@example.com")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void expansionsDomainAndResultFormatShouldFollowThePostfixManPage() throws Exception {
        try (Dict dict = open("query = SELECT goto FROM " + TABLE + " WHERE mailbox = '%u@%d'",
                "domain = example.com", "result_format = smtp:[%d]")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("smtp:[mail.example.com]"));
            assertThat(dict.lookup("carol")).isEqualTo(LookupResult.notFound());
            assertThat(dict.lookup("x@sub.example.org")).isEqualTo(LookupResult.notFound());
        }
        try (Dict dict = open("query = SELECT goto FROM " + TABLE + " WHERE mailbox = 'x@%3.%2.%1'")) {
            assertThat(dict.lookup("anyone@sub.example.org")).isEqualTo(LookupResult.found("sub"));
            assertThat(dict.lookup("anyone@example.org")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void exceedingExpansionLimitShouldBeTemporaryFailure() throws Exception {
        try (Dict dict = open("query = SELECT goto, extra FROM " + TABLE + " WHERE mailbox = '%s'", "expansion_limit = 1")) {
            assertThat(dict.lookup("bob@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        }
    }

    @Test
    void maliciousKeysShouldNeverMatchOtherRows() throws Exception {
        try (Dict dict = open("query = SELECT goto FROM " + TABLE + " WHERE mailbox = '%s'")) {
            for (String key : List.of("' OR '1'='1", "\\' OR 1=1 -- ", "\\' OR 1=1 #", "x' OR mailbox LIKE '%", "%", "_",
                    "carol\0", "carol' -- ", "\\", "back\\\\slash", "' UNION SELECT goto FROM " + TABLE + " -- ")) {
                assertThat(dict.lookup(key)).as(key).isEqualTo(LookupResult.notFound());
            }
            assertThat(dict.lookup("back\\slash")).isEqualTo(LookupResult.found("backslash-row"));
        }
    }

    @Test
    void longKeysAndLongResultsShouldWork() throws Exception {
        try (Dict dict = open("query = SELECT goto FROM " + TABLE + " WHERE mailbox = '%s'")) {
            assertThat(dict.lookup(LONG_KEY)).isEqualTo(LookupResult.found(LONG_VALUE));
        }
    }

    @Test
    void legacyParametersShouldBuildTheQuery() throws Exception {
        try (Dict dict = open("table = " + TABLE, "select_field = goto", "where_field = mailbox",
                "additional_conditions = AND extra IS NULL")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            assertThat(dict.lookup("bob@example.com")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void serverCutMidTestShouldFailTemporarilyWithinTheTimeoutAndRecover() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", PORT);
                Dict dict = open(proxy.port(), "query = SELECT goto FROM " + TABLE + " WHERE mailbox = '%s'",
                        "timeout = 2", "retry_interval = 1")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));

            proxy.cut();
            assertTemporaryFailureWithin(dict, 3_000);

            proxy.restore();
            Thread.sleep(1_100); // retry_interval
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));

            proxy.blackhole();
            assertTemporaryFailureWithin(dict, 3_000);

            proxy.restore();
            Thread.sleep(1_100);
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        }
    }

    @Test
    void deadFirstHostShouldFailOverToTheNext() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        try (Dict dict = open(-1, "hosts = inet:127.0.0.1:" + dead + ", 127.0.0.1:" + PORT, "user = postgres", "dbname = test",
                "query = SELECT goto FROM " + TABLE + " WHERE mailbox = '%s'", "timeout = 2")) {
            for (int i = 0; i < 10; i++) {
                assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            }
        }
    }

    @Test
    void badCredentialsShouldBeTemporaryFailure() throws Exception {
        try (Dict dict = open(-1, "hosts = 127.0.0.1", "user = postern_no_such_user", "password = x", "dbname = test",
                "query = SELECT goto FROM " + TABLE + " WHERE mailbox = '%s'")) {
            assertThat(dict.lookup("alice@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
        }
    }

    @Test
    void selectFunctionShouldBeTheLegacyQuery() throws Exception {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("CREATE FUNCTION " + TABLE + "_f(text) RETURNS text AS 'SELECT goto FROM " + TABLE
                    + " WHERE mailbox = $1 LIMIT 1' LANGUAGE SQL");
        }
        try (Dict dict = open("select_function = " + TABLE + "_f")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            assertThat(dict.lookup("' OR '1'='1")).isEqualTo(LookupResult.notFound());
        } finally {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("DROP FUNCTION " + TABLE + "_f(text)");
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

    private static void assertTemporaryFailureWithin(Dict dict, long millis) {
        long start = System.nanoTime();
        LookupResult result = dict.lookup("alice@example.com");
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        assertThat(result).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat(elapsed).as("milliseconds until the temporary failure").isLessThan(millis);
    }

    private Dict open(String... lines) throws Exception {
        return open(PORT, lines);
    }

    /** Opens a table on 127.0.0.1:{@code port} as postgres on database test; port -1: the lines say it all. */
    private Dict open(int port, String... lines) throws Exception {
        Path cf = dir.resolve("pgsql-" + UUID.randomUUID() + ".cf");
        String server = port < 0 ? "" : "hosts = 127.0.0.1:" + port + "\nuser = postgres\ndbname = test\n";
        Files.writeString(cf, server + String.join("\n", lines) + "\n");
        return new PgsqlDictFactory().open(cf.toString(), Set.of(DictFlag.FOLD_CASE), new TestDictContext(dir));
    }

    private static void insert(String mailbox, String target, String extra) throws SQLException {
        try (Connection c = admin(); PreparedStatement p = c.prepareStatement("INSERT INTO " + TABLE + " VALUES (?, ?, ?)")) {
            p.setString(1, mailbox);
            p.setString(2, target);
            p.setString(3, extra);
            p.executeUpdate();
        }
    }

    private static Connection admin() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + PORT + "/test", p);
    }
}
