// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.testing.RequiredService;
import org.postern.testing.TcpProxy;
import org.postern.testing.TestDictContext;
import org.postern.testing.TimeoutBounds;

/**
 * SUMMARY   What every SQL server table (mysql_table(5), pgsql_table(5)) must do, run against
 *           the real server on 127.0.0.1, database test, in a table of its own.
 * DESCRIPTION
 *   Shipped in sql-common's test-jar. A subclass names the server and supplies what differs:
 *   the factory, an admin connection, the CREATE TABLE (column types), its own quirks as
 *   extra tests. One instance per class, so that @BeforeAll can ask the subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SqlServerDictContract {

    protected static final String LONG_KEY = "k".repeat(10_000) + "@example.com";
    protected static final String LONG_VALUE = "v".repeat(100_000);

    /** The table type ("mysql"), which also names the test table and the .cf files. */
    protected final String type;
    protected final int port;
    /** The administrative user, who needs no password on 127.0.0.1. */
    protected final String user;
    protected final String table;
    private final String howToInstall;

    @TempDir
    protected Path dir;

    /** {@code howToInstall} names the server and its package, for the skip message. */
    protected SqlServerDictContract(String type, int port, String user, String howToInstall) {
        this.type = type;
        this.port = port;
        this.user = user;
        this.howToInstall = howToInstall;
        this.table = "postern_" + type + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    protected abstract DictFactory factory();

    /** A connection as {@link #user} to database test. */
    protected abstract Connection admin() throws SQLException;

    /** CREATE TABLE {@code name} with columns mailbox, goto (must hold {@link #LONG_VALUE}) and extra, all text. */
    protected abstract String createTableSql(String name);

    @BeforeAll
    void createTable() throws SQLException {
        RequiredService.assumeListening(port, howToInstall);
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute(createTableSql(table));
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
    void dropTable() throws SQLException {
        if (RequiredService.isListening(port)) {
            try (Connection c = admin(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    @Test
    void lookupShouldReturnEveryNonEmptyColumnOfEveryRow() throws Exception {
        try (Dict dict = open("query = SELECT goto, extra FROM " + table + " WHERE mailbox = '%s' ORDER BY goto DESC")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            assertThat(dict.lookup("bob@example.com"))
                    .isEqualTo(LookupResult.found("bob1@example.net,bob2@example.net,bob3@example.net"));
            assertThat(dict.lookup("nobody@example.com")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void expansionsDomainAndResultFormatShouldFollowThePostfixManPage() throws Exception {
        try (Dict dict = open("query = SELECT goto FROM " + table + " WHERE mailbox = '%u@%d'",
                "domain = example.com", "result_format = smtp:[%d]")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("smtp:[mail.example.com]"));
            assertThat(dict.lookup("carol")).isEqualTo(LookupResult.notFound());
            assertThat(dict.lookup("x@sub.example.org")).isEqualTo(LookupResult.notFound());
        }
        try (Dict dict = open("query = SELECT goto FROM " + table + " WHERE mailbox = 'x@%3.%2.%1'")) {
            assertThat(dict.lookup("anyone@sub.example.org")).isEqualTo(LookupResult.found("sub"));
            assertThat(dict.lookup("anyone@example.org")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void exceedingExpansionLimitShouldBeTemporaryFailure() throws Exception {
        try (Dict dict = open("query = SELECT goto, extra FROM " + table + " WHERE mailbox = '%s'", "expansion_limit = 1")) {
            assertThat(dict.lookup("bob@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
        }
    }

    @Test
    void maliciousKeysShouldNeverMatchOtherRows() throws Exception {
        try (Dict dict = open("query = SELECT goto FROM " + table + " WHERE mailbox = '%s'")) {
            for (String key : List.of("' OR '1'='1", "\\' OR 1=1 -- ", "\\' OR 1=1 #", "x' OR mailbox LIKE '%", "%", "_",
                    "carol\0", "carol' -- ", "\\", "back\\\\slash", "' UNION SELECT goto FROM " + table + " -- ")) {
                assertThat(dict.lookup(key)).as(key).isEqualTo(LookupResult.notFound());
            }
            assertThat(dict.lookup("back\\slash")).isEqualTo(LookupResult.found("backslash-row"));
        }
    }

    @Test
    void longKeysAndLongResultsShouldWork() throws Exception {
        try (Dict dict = open("query = SELECT goto FROM " + table + " WHERE mailbox = '%s'")) {
            assertThat(dict.lookup(LONG_KEY)).isEqualTo(LookupResult.found(LONG_VALUE));
        }
    }

    @Test
    void legacyParametersShouldBuildTheQuery() throws Exception {
        try (Dict dict = open("table = " + table, "select_field = goto", "where_field = mailbox",
                "additional_conditions = AND extra IS NULL")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            assertThat(dict.lookup("bob@example.com")).isEqualTo(LookupResult.notFound());
        }
    }

    @Test
    void serverCutMidTestShouldFailTemporarilyWithinTheTimeoutAndRecover() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", port);
                Dict dict = open(proxy.port(), "query = SELECT goto FROM " + table + " WHERE mailbox = '%s'",
                        "timeout = 2", "retry_interval = 1")) {
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));

            proxy.cut();
            assertTemporaryFailureWithin(dict, TimeoutBounds.givingUp(Duration.ofSeconds(2), 2)); // connect and query

            proxy.restore();
            Thread.sleep(1_100); // retry_interval
            assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));

            proxy.blackhole();
            assertTemporaryFailureWithin(dict, TimeoutBounds.givingUp(Duration.ofSeconds(2), 2));

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
        try (Dict dict = open(-1, "hosts = inet:127.0.0.1:" + dead + ", 127.0.0.1:" + port, "user = " + user, "dbname = test",
                "query = SELECT goto FROM " + table + " WHERE mailbox = '%s'", "timeout = 2")) {
            for (int i = 0; i < 10; i++) {
                assertThat(dict.lookup("alice@example.com")).isEqualTo(LookupResult.found("alice@mail.example.com"));
            }
        }
    }

    @Test
    void badCredentialsShouldBeTemporaryFailure() throws Exception {
        try (Dict dict = open(-1, "hosts = 127.0.0.1", "user = postern_no_such_user", "password = x", "dbname = test",
                "query = SELECT goto FROM " + table + " WHERE mailbox = '%s'")) {
            assertThat(dict.lookup("alice@example.com")).isInstanceOf(LookupResult.TemporaryFailure.class);
        }
    }

    private static void assertTemporaryFailureWithin(Dict dict, Duration bound) {
        long start = System.nanoTime();
        LookupResult result = dict.lookup("alice@example.com");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(result).isInstanceOf(LookupResult.TemporaryFailure.class);
        assertThat(elapsed).as("time until the temporary failure").isLessThan(bound);
    }

    protected Dict open(String... lines) throws Exception {
        return open(port, lines);
    }

    /** Opens a table on 127.0.0.1:{@code port} as {@link #user} on database test; port -1: the lines say it all. */
    protected Dict open(int port, String... lines) throws Exception {
        Path cf = dir.resolve(type + "-" + UUID.randomUUID() + ".cf");
        String server = port < 0 ? "" : "hosts = 127.0.0.1:" + port + "\nuser = " + user + "\ndbname = test\n";
        Files.writeString(cf, server + String.join("\n", lines) + "\n");
        return factory().open(cf.toString(), Set.of(DictFlag.FOLD_CASE), new TestDictContext(dir));
    }

    private void insert(String mailbox, String target, String extra) throws SQLException {
        try (Connection c = admin(); PreparedStatement p = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?)")) {
            p.setString(1, mailbox);
            p.setString(2, target);
            p.setString(3, extra);
            p.executeUpdate();
        }
    }
}
