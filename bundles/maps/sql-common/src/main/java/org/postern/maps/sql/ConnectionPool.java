// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.postern.api.support.LogText;

/**
 * SUMMARY   The connections of one SQL table: reused between lookups, opened with failover.
 * DESCRIPTION
 *   A lookup borrows a connection and gives it back; up to {@code maxIdle} wait for the next
 *   lookup, most recently used first, each with its prepared statements (one per SQL text).
 *   A connection idle longer than idle_interval is closed instead of reused. New connections
 *   try the hosts in random order, UNIX-domain sockets before TCP, as Postfix does; a host
 *   that failed is skipped for retry_interval seconds. When every host is skipped or fails,
 *   {@link #borrow()} throws at once: the table answers "temporary failure" without waiting.
 * SECURITY  Holds database credentials only inside the driver's connections.
 * BUGS      Idle connections are closed when the next lookup notices them, not by a timer.
 *           No limit on concurrent connections: each concurrent lookup may open its own.
 *           Unlike HikariCP, a refused connection fails the lookup at once instead of being
 *           retried until a pool timeout, which is why this is not HikariCP.
 */
public final class ConnectionPool implements AutoCloseable {

    /** One open connection and the statements prepared on it. */
    private static final class Session {
        final SqlHost host;
        final Connection connection;
        final Map<String, PreparedStatement> statements = new HashMap<>();
        long idleSince;

        Session(SqlHost host, Connection connection) {
            this.host = host;
            this.connection = connection;
        }

        void close() {
            try {
                connection.close();
            } catch (SQLException | RuntimeException e) {
                // the server is gone or the connection broken: nothing left to release
            }
        }
    }

    /** A borrowed connection: give it back with {@link #release()}, or {@link #discard()} it after an error. */
    public final class Lease {
        private final Session session;
        private final boolean reused;

        private Lease(Session session, boolean reused) {
            this.session = session;
            this.reused = reused;
        }

        /** True when the connection served an earlier lookup (it may have died since). */
        public boolean reused() {
            return reused;
        }

        public SqlHost host() {
            return session.host;
        }

        /** The statement for {@code sql}, prepared once per connection. */
        public PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement statement = session.statements.get(sql);
            if (statement == null) {
                statement = session.connection.prepareStatement(sql);
                session.statements.put(sql, statement);
            }
            return statement;
        }

        /** Returns the connection for the next lookup. */
        public void release() {
            giveBack(session);
        }

        /** Closes the connection after an error; {@code hostDown} also skips the host for retry_interval. */
        public void discard(boolean hostDown) {
            if (hostDown) {
                markFailed(session.host, "connection lost");
            }
            session.close();
        }
    }

    private final List<SqlHost> hosts;
    private final SqlConnector connector;
    private final long retryNanos;
    private final long idleNanos;
    private final int maxIdle;
    private final Map<SqlHost, Long> skippedUntil = new ConcurrentHashMap<>();
    private final Map<SqlHost, String> lastError = new ConcurrentHashMap<>();
    private final Deque<Session> idle = new ArrayDeque<>();
    private boolean closed;

    /**
     * @param retryInterval seconds a failed host is skipped (Postfix retry_interval, default 60)
     * @param idleInterval  seconds after which an idle connection is closed (idle_interval, default 60)
     */
    public ConnectionPool(List<SqlHost> hosts, SqlConnector connector, int retryInterval, int idleInterval, int maxIdle) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("no hosts");
        }
        this.hosts = List.copyOf(hosts);
        this.connector = connector;
        this.retryNanos = TimeUnit.SECONDS.toNanos(retryInterval);
        this.idleNanos = TimeUnit.SECONDS.toNanos(idleInterval);
        this.maxIdle = maxIdle;
    }

    /**
     * An idle connection, or a new one from the first host that accepts.
     *
     * @throws SQLException when no host accepts; its message (log-safe) names each host and why
     */
    public Lease borrow() throws SQLException {
        Session session = takeIdle();
        return session != null ? new Lease(session, true) : new Lease(open(), false);
    }

    /** Closes every idle connection; borrowed ones are closed when given back. */
    @Override
    public void close() {
        List<Session> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(idle);
            idle.clear();
        }
        toClose.forEach(Session::close);
    }

    private Session takeIdle() {
        List<Session> expired = new ArrayList<>();
        Session found = null;
        long now = System.nanoTime();
        synchronized (this) {
            while (!idle.isEmpty() && now - idle.peekLast().idleSince > idleNanos) {
                expired.add(idle.pollLast());
            }
            found = idle.pollFirst();
        }
        expired.forEach(Session::close);
        return found;
    }

    private void giveBack(Session session) {
        session.idleSince = System.nanoTime();
        synchronized (this) {
            if (!closed && idle.size() < maxIdle) {
                idle.addFirst(session);
                return;
            }
        }
        session.close();
    }

    private Session open() throws SQLException {
        List<SqlHost> order = tryOrder();
        long now = System.nanoTime();
        StringBuilder errors = new StringBuilder();
        SQLException first = null;
        for (SqlHost host : order) {
            Long until = skippedUntil.get(host);
            if (until != null && until - now > 0) {
                append(errors, host + ": skipped for " + TimeUnit.NANOSECONDS.toSeconds(until - now + 999_999_999L)
                        + " s after: " + lastError.getOrDefault(host, "an error"));
                continue;
            }
            try {
                Connection connection = connector.connect(host);
                if (connection == null) {
                    throw new SQLException("the driver does not accept this address");
                }
                skippedUntil.remove(host);
                return new Session(host, connection);
            } catch (SQLException | RuntimeException | LinkageError e) {
                String why = LogText.printable(String.valueOf(e.getMessage()));
                markFailed(host, why);
                append(errors, host + ": " + why);
                if (first == null) {
                    first = e instanceof SQLException s ? s : new SQLException(e);
                }
            }
        }
        throw new SQLException("cannot connect: " + errors, first == null ? "08001" : first.getSQLState(), first);
    }

    private void markFailed(SqlHost host, String why) {
        skippedUntil.put(host, System.nanoTime() + retryNanos);
        lastError.put(host, why);
    }

    /** UNIX-domain sockets first, each group shuffled (Postfix since 2.1). */
    private List<SqlHost> tryOrder() {
        List<SqlHost> unix = new ArrayList<>();
        List<SqlHost> inet = new ArrayList<>();
        for (SqlHost host : hosts) {
            (host.unix() ? unix : inet).add(host);
        }
        Collections.shuffle(unix);
        Collections.shuffle(inet);
        unix.addAll(inet);
        return unix;
    }

    private static void append(StringBuilder errors, String error) {
        if (errors.length() > 0) {
            errors.append("; ");
        }
        errors.append(error);
    }
}
