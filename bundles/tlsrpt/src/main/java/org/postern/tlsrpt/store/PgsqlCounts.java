// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postern.tlsrpt.counts.DayCounts;
import org.postern.tlsrpt.counts.FailureKey;
import org.postern.tlsrpt.counts.PolicyCounts;
import org.postern.tlsrpt.counts.PolicyKey;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.counts.Tally;
import org.postern.tlsrpt.counts.WireNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   Adds a tally to the counts and failures tables, and reads one report's counts back.
 * DESCRIPTION
 *   Every row is an INSERT ... ON CONFLICT DO UPDATE that adds to what is there, so nodes that
 *   count the same report at the same time add up instead of overwriting each other. Rows are
 *   written in one order (report, policy id, detail id) by every node, so two concurrent adds
 *   lock rows in the same order and cannot deadlock.
 *   The failure-detail rows per report and policy are bounded by {@link PolicyCounts#MAX_DETAILS}
 *   as in memory: a new row that would pass the bound is counted under its result type alone.
 *   Concurrent nodes may pass the bound by what they add at the same moment, not more.
 *   The caller runs each method in one transaction.
 */
final class PgsqlCounts {

    private static final Logger LOG = LoggerFactory.getLogger("postern.tlsrpt");

    private record CountRow(ReportKey report, String policyId, PolicyKey policy, long successes, long failures) {
    }

    private record FailureRow(ReportKey report, String policyId, String detailId, FailureKey detail, long n) {
    }

    private static final Comparator<ReportKey> REPORT_ORDER = Comparator.naturalOrder();
    private static final Comparator<CountRow> COUNT_ORDER =
            Comparator.comparing(CountRow::report, REPORT_ORDER).thenComparing(CountRow::policyId);
    private static final Comparator<FailureRow> FAILURE_ORDER = Comparator.comparing(FailureRow::report, REPORT_ORDER)
            .thenComparing(FailureRow::policyId).thenComparing(FailureRow::detailId);

    private final PgsqlSchema schema;

    PgsqlCounts(PgsqlSchema schema) {
        this.schema = schema;
    }

    void add(Connection c, Tally tally) throws SQLException {
        List<CountRow> counts = new ArrayList<>();
        List<FailureRow> failures = new ArrayList<>();
        for (Map.Entry<ReportKey, DayCounts> day : tally.days().entrySet()) {
            for (Map.Entry<PolicyKey, PolicyCounts> policy : day.getValue().policies().entrySet()) {
                ReportKey report = day.getKey();
                PolicyKey key = storable(policy.getKey());
                String policyId = RowIds.policy(key);
                PolicyCounts p = policy.getValue();
                counts.add(new CountRow(report, policyId, key, p.successes(), p.failures()));
                if (!p.details().isEmpty()) {
                    Map<FailureKey, Long> details = new LinkedHashMap<>();
                    p.details().forEach((detail, n) -> details.merge(storable(detail), n, Long::sum));
                    bounded(c, report, policyId, details).forEach((detail, n) ->
                            failures.add(new FailureRow(report, policyId, RowIds.detail(detail), detail, n)));
                }
            }
        }
        counts.sort(COUNT_ORDER);
        failures.sort(FAILURE_ORDER);
        addCounts(c, counts);
        addFailures(c, failures);
    }

    private void addCounts(Connection c, List<CountRow> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + schema.counts + " AS t (day, policy_domain,"
                + " policy_id, policy_type, policy_strings, mx_hosts, successes, failures)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, policy_domain, policy_id) DO UPDATE"
                + " SET successes = t.successes + excluded.successes, failures = t.failures + excluded.failures")) {
            for (CountRow row : rows) {
                s.setObject(1, row.report().day());
                s.setString(2, row.report().policyDomain());
                s.setString(3, row.policyId());
                s.setString(4, row.policy().type().wireName());
                s.setArray(5, c.createArrayOf("text", row.policy().strings().toArray()));
                s.setArray(6, c.createArrayOf("text", row.policy().mxHosts().toArray()));
                s.setLong(7, row.successes());
                s.setLong(8, row.failures());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private void addFailures(Connection c, List<FailureRow> rows) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + schema.failures + " AS t (day, policy_domain,"
                + " policy_id, detail_id, result_type, sending_mta_ip, receiving_mx_hostname, receiving_mx_helo,"
                + " receiving_ip, additional_information, failure_reason_code, failed_sessions)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, policy_domain, policy_id, detail_id)"
                + " DO UPDATE SET failed_sessions = t.failed_sessions + excluded.failed_sessions")) {
            for (FailureRow row : rows) {
                FailureKey d = row.detail();
                s.setObject(1, row.report().day());
                s.setString(2, row.report().policyDomain());
                s.setString(3, row.policyId());
                s.setString(4, row.detailId());
                s.setString(5, d.resultType().wireName());
                s.setString(6, d.sendingMtaIp());
                s.setString(7, d.receivingMxHostname());
                s.setString(8, d.receivingMxHelo());
                s.setString(9, d.receivingIp());
                s.setString(10, d.additionalInformation());
                s.setString(11, d.failureReasonCode());
                s.setLong(12, row.n());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** The rows to add, with those that would pass MAX_DETAILS folded into their result type's row. */
    private Map<FailureKey, Long> bounded(Connection c, ReportKey report, String policyId, Map<FailureKey, Long> details)
            throws SQLException {
        String where = " FROM " + schema.failures + " WHERE day = ? AND policy_domain = ? AND policy_id = ?";
        long stored;
        try (PreparedStatement s = c.prepareStatement("SELECT count(*)" + where)) {
            bind(s, report, policyId);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                stored = r.getLong(1);
            }
        }
        if (stored + details.size() <= PolicyCounts.MAX_DETAILS) {
            return details;
        }
        Set<String> known = new HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT detail_id" + where)) {
            bind(s, report, policyId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    known.add(r.getString(1));
                }
            }
        }
        Map<FailureKey, Long> rows = new LinkedHashMap<>();
        details.forEach((detail, n) -> {
            String id = RowIds.detail(detail);
            boolean fits = known.contains(id) || known.size() < PolicyCounts.MAX_DETAILS;
            if (fits) {
                known.add(id);
            }
            rows.merge(fits ? detail : detail.typeOnly(), n, Long::sum);
        });
        return rows;
    }

    DayCounts read(Connection c, ReportKey report) throws SQLException {
        Map<String, PolicyCounts> policies = new HashMap<>();
        DayCounts day = new DayCounts();
        try (PreparedStatement s = c.prepareStatement("SELECT policy_id, policy_type, policy_strings, mx_hosts,"
                + " successes FROM " + schema.counts + " WHERE day = ? AND policy_domain = ? ORDER BY seq")) {
            bind(s, report, null);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    try {
                        PolicyKey key = new PolicyKey(WireNames.policyType(r.getString(2)), texts(r.getArray(3)),
                                texts(r.getArray(4)));
                        PolicyCounts counts = day.policy(key);
                        counts.addSuccesses(r.getLong(5));
                        policies.put(r.getString(1), counts);
                    } catch (IllegalArgumentException e) {
                        LOG.warn("warning: {} {}: {}; row skipped", schema.counts, report, e.getMessage());
                    }
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT policy_id, result_type, sending_mta_ip,"
                + " receiving_mx_hostname, receiving_mx_helo, receiving_ip, additional_information, failure_reason_code,"
                + " failed_sessions FROM " + schema.failures + " WHERE day = ? AND policy_domain = ? ORDER BY seq")) {
            bind(s, report, null);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    PolicyCounts counts = policies.get(r.getString(1));
                    if (counts == null) {
                        continue;   // its policy row was skipped above
                    }
                    try {
                        counts.addFailures(new FailureKey(WireNames.failureType(r.getString(2)), r.getString(3),
                                r.getString(4), r.getString(5), r.getString(6), r.getString(7), r.getString(8)),
                                r.getLong(9));
                    } catch (IllegalArgumentException e) {
                        LOG.warn("warning: {} {}: {}; row skipped", schema.failures, report, e.getMessage());
                    }
                }
            }
        }
        return day;
    }

    /** PostgreSQL's text cannot hold NUL, which a policy fetched or an MX's answer may contain: U+FFFD instead. */
    static String storable(String text) {
        return text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    private static PolicyKey storable(PolicyKey key) {
        return new PolicyKey(key.type(), key.strings().stream().map(PgsqlCounts::storable).toList(),
                key.mxHosts().stream().map(PgsqlCounts::storable).toList());
    }

    private static FailureKey storable(FailureKey key) {
        return new FailureKey(key.resultType(), storable(key.sendingMtaIp()), storable(key.receivingMxHostname()),
                storable(key.receivingMxHelo()), storable(key.receivingIp()), storable(key.additionalInformation()),
                storable(key.failureReasonCode()));
    }

    private static void bind(PreparedStatement s, ReportKey report, String policyId) throws SQLException {
        s.setObject(1, report.day());
        s.setString(2, report.policyDomain());
        if (policyId != null) {
            s.setString(3, policyId);
        }
    }

    private static List<String> texts(Array array) throws SQLException {
        return List.of((String[]) array.getArray());
    }
}
