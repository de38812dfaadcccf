// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.tlsrpt.counts.FailureKey;
import org.postern.tlsrpt.counts.PolicyCounts;
import org.postern.tlsrpt.counts.PolicyKey;
import org.postern.testing.RequiredService;
import org.postern.testing.TcpProxy;
import org.postern.testing.TimeoutBounds;

/**
 * The shared store against the real PostgreSQL on 127.0.0.1:5432 (user postgres, trust): a
 * database of its own for this class, dropped at the end, and tables of their own per test
 * (table_prefix), so that "two nodes" are two stores on one configuration file.
 */
class PgsqlStoreTest extends TlsRptStoreContract {

    private static final int PORT = 5432;
    private static final String DATABASE = "tlsrpt_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final AtomicInteger TESTS = new AtomicInteger();

    @TempDir
    Path dir;
    private Path cf;
    private String prefix;

    @BeforeAll
    static void createDatabase() throws SQLException {
        RequiredService.assumeListening(PORT, "PostgreSQL (apt-get install postgresql)");
        try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        }
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        if (RequiredService.isListening(PORT)) {
            try (Connection c = admin("postgres"); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            }
        }
    }

    private static Connection admin(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        return new org.postgresql.Driver().connect("jdbc:postgresql://127.0.0.1:" + PORT + "/" + database, p);
    }

    @BeforeEach
    void writeConfiguration() throws IOException {
        prefix = "t" + TESTS.incrementAndGet() + "_";
        cf = config("hosts = 127.0.0.1:" + PORT, "user = postgres", "dbname = " + DATABASE, "table_prefix = " + prefix,
                "timeout = 5");
    }

    private Path config(String... lines) throws IOException {
        Path file = dir.resolve("tlsrpt-pgsql-" + UUID.randomUUID() + ".cf");
        Files.writeString(file, "# the TLSRPT store\n" + String.join("\n", lines) + "\n");
        return file;
    }

    @Override
    protected TlsRptStore open() throws IOException {
        return PgsqlStore.open(cf);
    }

    @Override
    protected boolean sharedBetweenNodes() {
        return true;
    }

    private long rows(String table) throws SQLException {
        try (Connection c = admin(DATABASE); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void openShouldCreateTheTablesWithTheConfiguredPrefix() throws Exception {
        node();
        try (Connection c = admin(DATABASE); PreparedStatement s = c.prepareStatement(
                "SELECT table_name FROM information_schema.tables WHERE table_name LIKE ? ORDER BY table_name")) {
            s.setString(1, prefix + "%");
            List<String> tables = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    tables.add(r.getString(1));
                }
            }
            assertThat(tables).containsExactly(prefix + "claims", prefix + "counts", prefix + "deliveries",
                    prefix + "failures");
        }
    }

    @Test
    void nodesStartingTogetherShouldBothCreateOrFindTheTables() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<TlsRptStore>> stores = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                stores.add(pool.submit(this::node));
            }
            for (Future<TlsRptStore> store : stores) {
                store.get(60, TimeUnit.SECONDS).add(tally(EXAMPLE_COM, STS, 1, Map.of()));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(node().counts(EXAMPLE_COM).policies().get(STS).successes()).isEqualTo(4);
    }

    @Test
    void failureRowsInTheDatabaseShouldStayBounded() throws Exception {
        TlsRptStore a = node();
        TlsRptStore b = node();
        for (int round = 0; round < 6; round++) {
            Map<FailureKey, Long> rows = new LinkedHashMap<>();
            for (int i = 0; i < 400; i++) {
                rows.put(new FailureKey(FailureType.DANE_REQUIRED, "", "mx.example.com", "r" + round + "-" + i, "", "", ""),
                        1L);
            }
            (round % 2 == 0 ? a : b).add(tally(EXAMPLE_COM, STS, 0, rows));
        }
        assertThat(rows(prefix + "failures")).isBetween((long) PolicyCounts.MAX_DETAILS,
                PolicyCounts.MAX_DETAILS + 1L);
        PolicyCounts counts = a.counts(EXAMPLE_COM).policies().get(STS);
        assertThat(counts.failures()).isEqualTo(2400);
        assertThat(counts.details()).hasSizeLessThanOrEqualTo(PolicyCounts.MAX_DETAILS + 1);
        assertThat(counts.details().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2400);
        assertThat(counts.details().get(new FailureKey(FailureType.DANE_REQUIRED, "", "", "", "", "", "")))
                .as("what the database folded, and the row reading folds to make room for that row")
                .isBetween(2400L - PolicyCounts.MAX_DETAILS, 2400L - PolicyCounts.MAX_DETAILS + 1);
    }

    @Test
    void nulFromTheRemoteSideShouldBeStoredAsReplacementCharacter() throws IOException {
        TlsRptStore store = node();
        FailureKey withNul = new FailureKey(FailureType.CERTIFICATE_HOST_MISMATCH, "192.0.2.1", "mx.example.com",
                "evil\0helo", "198.51.100.7", "", "bad\0name");
        PolicyKey policyWithNul = new PolicyKey(STS.type(), List.of("version: STSv1", "mode: enf\0rce"), List.of("mx"));
        store.add(tally(EXAMPLE_COM, policyWithNul, 1, Map.of(withNul, 2L)));
        store.recordDelivery(new DeliveryRecord(EXAMPLE_COM, "r", "https://example.com/r", Instant.EPOCH, false,
                "HTTP 500 \0"));

        FailureKey stored = new FailureKey(FailureType.CERTIFICATE_HOST_MISMATCH, "192.0.2.1", "mx.example.com",
                "evil\uFFFDhelo", "198.51.100.7", "", "bad\uFFFDname");
        PolicyKey policyStored = new PolicyKey(STS.type(), List.of("version: STSv1", "mode: enf\uFFFDrce"), List.of("mx"));
        assertThat(summary(store.counts(EXAMPLE_COM)))
                .containsOnly(Map.entry(policyStored, new PolicySummary(1, 2, Map.of(stored, 2L))));
        assertThat(store.lastDeliveries()).singleElement().satisfies(d -> assertThat(d.detail()).isEqualTo("HTTP 500 \uFFFD"));
    }

    @Test
    void firstReachableHostShouldBeUsed() throws IOException {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        cf = config("hosts = 127.0.0.1:" + dead + ", inet:127.0.0.1:" + PORT, "user = postgres", "dbname = " + DATABASE,
                "table_prefix = " + prefix);
        TlsRptStore store = node();
        store.add(tally(EXAMPLE_COM, STS, 1, Map.of()));
        assertThat(store.unclaimed(Optional.empty())).containsExactly(EXAMPLE_COM);
    }

    @Test
    void deadServerShouldGiveIoExceptionAtOnce() throws IOException {
        int dead;
        try (ServerSocket s = new ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        cf = config("hosts = 127.0.0.1:" + dead, "dbname = " + DATABASE, "timeout = 2");
        assertTimeoutPreemptively(TimeoutBounds.givingUp(Duration.ofSeconds(2), 1), () ->
                assertThatThrownBy(() -> PgsqlStore.open(cf)).isInstanceOf(IOException.class)
                        .hasMessageContaining(cf.toString()).hasMessageContaining("127.0.0.1:" + dead));
    }

    @Test
    void serverThatNeverAnswersShouldGiveIoExceptionAfterTheTimeout() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", PORT)) {
            proxy.blackhole();
            cf = config("hosts = 127.0.0.1:" + proxy.port(), "user = postgres", "dbname = " + DATABASE, "timeout = 1");
            assertTimeoutPreemptively(TimeoutBounds.givingUp(Duration.ofSeconds(1), 3), () ->
                    assertThatThrownBy(() -> PgsqlStore.open(cf)).isInstanceOf(IOException.class)
                            .hasMessageContaining(cf.toString()));
        }
    }

    @Test
    void lostConnectionShouldBeReopenedByTheNextCall() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", PORT)) {
            cf = config("hosts = 127.0.0.1:" + proxy.port(), "user = postgres", "dbname = " + DATABASE,
                    "table_prefix = " + prefix, "timeout = 2");
            TlsRptStore store = node();
            store.add(tally(EXAMPLE_COM, STS, 1, Map.of()));
            proxy.cut();
            assertTimeoutPreemptively(TimeoutBounds.givingUp(Duration.ofSeconds(2), 2), () ->
                    assertThatThrownBy(() -> store.add(tally(EXAMPLE_COM, STS, 10, Map.of())))
                            .isInstanceOf(IOException.class).hasMessageContaining("add counts"));
            proxy.restore();
            store.add(tally(EXAMPLE_COM, STS, 100, Map.of()));
            assertThat(store.counts(EXAMPLE_COM).policies().get(STS).successes()).isEqualTo(101);
        }
    }

    @Test
    void closedStoreShouldRefuseWork() throws IOException {
        TlsRptStore store = open();
        store.close();
        assertThatThrownBy(() -> store.unclaimed(Optional.empty())).isInstanceOf(IOException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void malformedLineShouldBeReportedWithFileAndLine() throws IOException {
        Path bad = config("hosts = 127.0.0.1", "dbname " + DATABASE);
        assertThatThrownBy(() -> PgsqlStore.open(bad)).isInstanceOf(IOException.class)
                .hasMessageContaining(bad + ", line 3: missing '='");
    }

    @Test
    void missingDbnameShouldBeReportedWithTheFile() throws IOException {
        Path bad = config("hosts = 127.0.0.1", "user = postgres");
        assertThatThrownBy(() -> PgsqlStore.open(bad)).isInstanceOf(IOException.class)
                .hasMessageContaining(bad.toString()).hasMessageContaining("dbname is required");
    }

    @Test
    void badValuesShouldBeReportedWithFileLineAndParameter() throws IOException {
        Path port = config("dbname = x", "hosts = 127.0.0.1:99999");
        assertThatThrownBy(() -> PgsqlStore.open(port)).isInstanceOf(IOException.class)
                .hasMessageContaining(port + ", line 3: hosts: 127.0.0.1:99999: bad port");
        Path unix = config("dbname = x", "hosts = unix:/run/postgresql/.s.PGSQL.5432");
        assertThatThrownBy(() -> PgsqlStore.open(unix)).isInstanceOf(IOException.class)
                .hasMessageContaining(unix + ", line 3: hosts: unix:");
        Path tablePrefix = config("dbname = x", "password = secret", "table_prefix = tls; DROP TABLE x");
        assertThatThrownBy(() -> PgsqlStore.open(tablePrefix)).isInstanceOf(IOException.class)
                .hasMessageContaining(tablePrefix + ", line 4: table_prefix: bad value")
                .hasMessageNotContaining("secret");
        Path timeout = config("dbname = x", "timeout = soon");
        assertThatThrownBy(() -> PgsqlStore.open(timeout)).isInstanceOf(IOException.class)
                .hasMessageContaining(timeout + ", line 3: timeout: bad numerical value");
        Path missing = dir.resolve("nonexistent.cf");
        assertThatThrownBy(() -> PgsqlStore.open(missing)).isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void hostSpecificationsShouldFollowPgsqlTable() {
        assertThat(PgsqlConfig.host("db.example.com")).isEqualTo(new PgsqlConfig.Host("db.example.com", 5432));
        assertThat(PgsqlConfig.host("inet:db.example.com:6432")).isEqualTo(new PgsqlConfig.Host("db.example.com", 6432));
        assertThat(PgsqlConfig.host("[2001:db8::5]:6432")).isEqualTo(new PgsqlConfig.Host("2001:db8::5", 6432));
        assertThat(PgsqlConfig.host("2001:db8::5")).isEqualTo(new PgsqlConfig.Host("2001:db8::5", 5432));
        assertThat(new PgsqlConfig.Host("2001:db8::5", 5432)).hasToString("[2001:db8::5]:5432");
        assertThatThrownBy(() -> PgsqlConfig.host(":5432")).hasMessageContaining("missing host name");
        assertThatThrownBy(() -> PgsqlConfig.host("postgresql://db/x")).hasMessageContaining("URIs are not supported");
    }

    @Test
    void configurationShouldNotShowThePassword() throws IOException {
        Path withPassword = config("dbname = x", "password = s3cret-value");
        assertThat(PgsqlConfig.read(withPassword).toString()).doesNotContain("s3cret-value").contains("dbname x");
    }
}
