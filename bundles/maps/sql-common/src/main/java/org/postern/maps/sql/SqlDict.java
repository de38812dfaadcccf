// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.sql;

import java.net.SocketTimeoutException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.postern.api.dict.Dict;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.LookupResult;
import org.postern.api.support.LogText;
import org.postern.api.support.ResultList;

/**
 * SUMMARY   An open mysql:, pgsql: or sqlite: table: one prepared query per lookup.
 * DESCRIPTION
 *   A lookup folds the key's case (when the table was opened with FOLD_CASE, as main.cf
 *   tables are), applies the "domain" filter, binds the key into the query's parameters,
 *   and runs it on a pooled connection. Every non-NULL, non-empty column of every row is one
 *   value; result_format and expansion_limit apply (Postfix joins the values with commas).
 *   No rows, or no values, is not-found. A key that cannot fill the query (%d of a bare
 *   name) and a key with a NUL character (Postfix keys are C strings) are not-found without
 *   a query.
 *   Any database error is a temporary failure, never not-found. A connection that served an
 *   earlier lookup and turns out dead (server restarted) is replaced once, at once.
 * SECURITY  Keys come from the network; they reach the server only as bound parameters.
 *           Result values are data for the caller; error texts are made log-safe.
 * SEE ALSO  Postfix mysql_table(5), pgsql_table(5), sqlite_table(5).
 */
public final class SqlDict implements Dict {

    private final String type;
    private final String name;
    private final Set<DictFlag> flags;
    private final SqlSettings settings;
    private final ConnectionPool pool;
    private final boolean requireResultSet;

    /**
     * @param requireResultSet mysql's require_result_set: when false, a statement that returns
     *                         no result set (a procedure without SELECT) is not-found, not a failure
     */
    public SqlDict(String type, String name, Set<DictFlag> flags, SqlSettings settings, ConnectionPool pool,
            boolean requireResultSet) {
        this.type = type;
        this.name = name;
        EnumSet<DictFlag> f = EnumSet.noneOf(DictFlag.class);
        f.addAll(flags);
        f.remove(DictFlag.PATTERN);
        f.add(DictFlag.FIXED);
        f.add(DictFlag.READ_ONLY);
        this.flags = Set.copyOf(f);
        this.settings = settings;
        this.pool = pool;
        this.requireResultSet = requireResultSet;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<DictFlag> flags() {
        return flags;
    }

    @Override
    public LookupResult lookup(String key) {
        String folded = flags.contains(DictFlag.FOLD_CASE) ? key.toLowerCase(Locale.ROOT) : key;
        if (folded.indexOf('\0') >= 0) {
            return LookupResult.notFound();
        }
        switch (settings.domain().check(folded)) {
            case SKIP:
                return LookupResult.notFound();
            case TEMPORARY_FAILURE:
                return LookupResult.temporaryFailure(spec() + ": domain list lookup failed");
            default:
                break;
        }
        Optional<List<String>> parameters = settings.query().bind(folded);
        if (parameters.isEmpty()) {
            return LookupResult.notFound();
        }
        try {
            return query(folded, parameters.get());
        } catch (RuntimeException | LinkageError e) {
            return LookupResult.temporaryFailure(spec() + ": " + LogText.printable(String.valueOf(e)));
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private LookupResult query(String key, List<String> parameters) {
        for (int attempt = 1; ; attempt++) {
            ConnectionPool.Lease lease;
            try {
                lease = pool.borrow();
            } catch (SQLException e) {
                return LookupResult.temporaryFailure(spec() + ": " + e.getMessage());
            }
            try {
                LookupResult result = execute(lease, key, parameters);
                lease.release();
                return result;
            } catch (SQLException | RuntimeException e) {
                boolean connectionLost = isConnectionError(e);
                boolean stale = connectionLost && lease.reused() && !isTimeout(e);
                if (connectionLost) {
                    lease.discard(!stale);
                } else {
                    lease.release();   // an SQL error (bad query, missing table): the connection is fine
                }
                if (stale && attempt == 1) {
                    continue;
                }
                return LookupResult.temporaryFailure(spec() + ": " + lease.host() + ": "
                        + LogText.printable(String.valueOf(e.getMessage())));
            }
        }
    }

    private LookupResult execute(ConnectionPool.Lease lease, String key, List<String> parameters) throws SQLException {
        PreparedStatement statement = lease.prepare(settings.query().sql());
        for (int i = 0; i < parameters.size(); i++) {
            statement.setString(i + 1, parameters.get(i));
        }
        if (!statement.execute()) {
            return requireResultSet
                    ? LookupResult.temporaryFailure(spec() + ": query returned no result set")
                    : LookupResult.notFound();
        }
        ResultList values = new ResultList(settings.resultFormat(), settings.expansionLimit(), key);
        try (ResultSet rows = statement.getResultSet()) {
            int columns = rows.getMetaData().getColumnCount();
            rows:
            while (rows.next()) {
                for (int column = 1; column <= columns; column++) {
                    String value = rows.getString(column);
                    if (value != null && !value.isEmpty() && !values.add(value)) {
                        break rows;
                    }
                }
            }
        }
        return values.result(spec());
    }

    /** The connection is unusable (08xxx, reset, timeout): close it rather than reuse it. */
    static boolean isConnectionError(Throwable e) {
        if (e instanceof SQLNonTransientConnectionException || e instanceof SQLTransientConnectionException
                || e instanceof SQLRecoverableException || isTimeout(e)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    /** The server did not answer in time: trying again would double the wait. */
    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTimeoutException || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
