// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.postern.api.support.LogText;
import org.postern.tlsrpt.counts.DayCounts;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.counts.Tally;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   The shared store: counts, claims and deliveries in PostgreSQL, so that every node
 *           sending for a domain adds to one report per day (tlsrpt_store = pgsql:/path/file.cf).
 * DESCRIPTION
 *   Counts add up in the database ({@link PgsqlCounts}); {@link #claim} is an INSERT ... ON
 *   CONFLICT DO NOTHING on the report's key, so exactly one node sends each report; the tables
 *   ({@link PgsqlSchema}) are created at open when missing. One connection per store, used under
 *   the store's lock: every operation is one transaction, and one that fails closes the
 *   connection, so the next opens a new one (a connection idle for a while is checked first).
 *   A failed operation is not retried here: when a commit's answer is lost, only the caller can
 *   decide whether to try again.
 * SECURITY  Talks to the configured server with the configured credentials; every value is a
 *           bound parameter, table names come from the checked table_prefix only.
 * CONFIGURATION PARAMETERS
 *   hosts, user, password, dbname, table_prefix, timeout: see {@link PgsqlConfig}.
 * BUGS      Hosts are tried in the order written, not in random order as Postfix's pgsql tables
 *           do: the store wants one primary. No UNIX-domain sockets. PostgreSQL's text cannot hold
 *           NUL: a NUL in a policy, an MX's answer or a delivery's detail is stored as U+FFFD.
 *           Counts of a report whose day a node has already purged may still arrive from a node
 *           whose clock is behind.
 * SEE ALSO  Postfix pgsql_table(5) for the file's syntax.
 */
public final class PgsqlStore implements TlsRptStore {

    private static final Logger LOG = LoggerFactory.getLogger("postern.tlsrpt");
    /** A connection idle this long is checked before use (the server may have restarted). */
    private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final PgsqlConfig config;
    private final PgsqlSchema schema;
    private final PgsqlCounts counts;
    private Connection connection;
    private long lastUsed;
    private boolean closed;

    private PgsqlStore(PgsqlConfig config) {
        this.config = config;
        this.schema = new PgsqlSchema(config.tablePrefix());
        this.counts = new PgsqlCounts(schema);
    }

    /** Reads the file, connects and creates the tables that are missing. */
    public static PgsqlStore open(Path configFile) throws IOException {
        PgsqlStore store = new PgsqlStore(PgsqlConfig.read(configFile));
        store.run("create tables", c -> {
            store.schema.create(c);
            return null;
        });
        return store;
    }

    @Override
    public void add(Tally tally) throws IOException {
        if (tally.isEmpty()) {
            return;
        }
        run("add counts", c -> {
            counts.add(c, tally);
            return null;
        });
    }

    @Override
    public List<ReportKey> unclaimed(Optional<LocalDate> before) throws IOException {
        return run("list unclaimed reports", c -> {
            String sql = "SELECT DISTINCT c.day, c.policy_domain FROM " + schema.counts + " c WHERE NOT EXISTS"
                    + " (SELECT 1 FROM " + schema.claims + " k WHERE k.day = c.day AND k.policy_domain = c.policy_domain)"
                    + (before.isPresent() ? " AND c.day < ?" : "");
            try (PreparedStatement s = c.prepareStatement(sql)) {
                if (before.isPresent()) {
                    s.setObject(1, before.get());
                }
                TreeSet<ReportKey> keys = new TreeSet<>();     // ReportKey's order, not the server's collation
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        keys.add(new ReportKey(r.getString(2), r.getObject(1, LocalDate.class)));
                    }
                }
                return new ArrayList<>(keys);
            }
        });
    }

    @Override
    public DayCounts counts(ReportKey key) throws IOException {
        return run("read counts of " + key, c -> {
            // one snapshot for both tables, so that a concurrent add is seen whole or not at all
            // (a failure discards the connection, so the level is reset on success only)
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            DayCounts day = counts.read(c, key);
            c.commit();
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            return day;
        });
    }

    @Override
    public boolean claim(ReportKey key, String reportId) throws IOException {
        return run("claim " + key, c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO " + schema.claims
                    + " (day, policy_domain, report_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                s.setObject(1, key.day());
                s.setString(2, key.policyDomain());
                s.setString(3, reportId);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void recordDelivery(DeliveryRecord d) throws IOException {
        run("record delivery of " + d.report(), c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO " + schema.deliveries
                    + " (day, policy_domain, report_id, rua, attempted_at, delivered, detail)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                s.setObject(1, d.report().day());
                s.setString(2, d.report().policyDomain());
                s.setString(3, d.reportId());
                s.setString(4, PgsqlCounts.storable(d.rua()));
                s.setObject(5, OffsetDateTime.ofInstant(d.time(), ZoneOffset.UTC));
                s.setBoolean(6, d.delivered());
                s.setString(7, PgsqlCounts.storable(d.detail()));   // may quote a server's answer
                s.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<DeliveryRecord> lastDeliveries() throws IOException {
        return run("read deliveries", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT day, policy_domain, report_id, rua, attempted_at,"
                    + " delivered, detail FROM (SELECT DISTINCT ON (policy_domain, rua) * FROM " + schema.deliveries
                    + " ORDER BY policy_domain, rua, attempted_at DESC, id DESC) last ORDER BY attempted_at, id");
                 ResultSet r = s.executeQuery()) {
                List<DeliveryRecord> out = new ArrayList<>();
                while (r.next()) {
                    out.add(new DeliveryRecord(new ReportKey(r.getString(2), r.getObject(1, LocalDate.class)),
                            r.getString(3), r.getString(4), r.getObject(5, OffsetDateTime.class).toInstant(),
                            r.getBoolean(6), r.getString(7)));
                }
                return out;
            }
        });
    }

    @Override
    public void purgeBefore(LocalDate day) throws IOException {
        run("purge before " + day, c -> {
            for (String table : schema.tables()) {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE day < ?")) {
                    s.setObject(1, day);
                    s.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public synchronized void close() {
        closed = true;
        discard();
    }

    @Override
    public String toString() {
        return config.toString();
    }

    /** Runs {@code work} in one transaction on the store's connection, committing when it returns. */
    private synchronized <T> T run(String what, Work<T> work) throws IOException {
        if (closed) {
            throw new IOException("pgsql:" + config.source() + ": store is closed");
        }
        Connection c = connection();
        try {
            T result = work.run(c);
            c.commit();
            lastUsed = System.nanoTime();
            return result;
        } catch (SQLException e) {
            discard();
            throw new IOException("pgsql:" + config.source() + ": " + what + ": " + LogText.printable(e.getMessage()), e);
        }
    }

    private Connection connection() throws IOException {
        if (connection != null && System.nanoTime() - lastUsed > IDLE_CHECK_NANOS) {
            try {
                if (connection.isValid(config.timeoutSeconds())) {
                    connection.rollback();      // the check must not leave a transaction open
                } else {
                    discard();
                }
            } catch (SQLException e) {
                discard();
            }
        }
        if (connection == null) {
            connection = connect();
            lastUsed = System.nanoTime();
        }
        return connection;
    }

    /** The first host that accepts us, in the order the file lists them. */
    private Connection connect() throws IOException {
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", config.password());
        String timeout = String.valueOf(config.timeoutSeconds());
        p.setProperty("connectTimeout", timeout);
        p.setProperty("loginTimeout", timeout);
        p.setProperty("socketTimeout", timeout);
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("ApplicationName", "postern-tlsrpt");
        String database = "/" + URLEncoder.encode(config.dbname(), StandardCharsets.UTF_8);
        List<String> failures = new ArrayList<>();
        SQLException last = null;
        for (PgsqlConfig.Host host : config.hosts()) {
            try {
                // the driver itself, not DriverManager, which does not see the driver's bundle in OSGi
                Connection c = new org.postgresql.Driver().connect("jdbc:postgresql://" + host + database, p);
                if (c == null) {
                    throw new SQLException("the driver refused the URL");
                }
                c.setAutoCommit(false);
                return c;
            } catch (SQLException e) {
                last = e;
                failures.add(host + ": " + LogText.printable(String.valueOf(e.getMessage())));
                if (config.hosts().size() > 1) {
                    LOG.warn("warning: pgsql:{}: cannot connect to {}: {}", config.source(), host,
                            LogText.printable(String.valueOf(e.getMessage())));
                }
            }
        }
        throw new IOException("pgsql:" + config.source() + ": cannot connect: " + String.join("; ", failures), last);
    }

    private void discard() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // the connection is gone either way
            }
            connection = null;
        }
    }
}
