// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * SUMMARY   The PostgreSQL store's tables, created when missing.
 * DESCRIPTION
 *   With the default table_prefix "tlsrpt_":
 *     tlsrpt_counts      one row per report (day, policy_domain) and policy: the policy's type,
 *                        strings (text[]) and mx hosts (text[]), successes and failures; keyed
 *                        by policy_id ({@link RowIds#policy})
 *     tlsrpt_failures    one row per report, policy and failure-detail row: the seven fields of
 *                        RFC 8460 section 4.3 and failed_sessions; keyed by detail_id
 *                        ({@link RowIds#detail})
 *     tlsrpt_claims      one row per report claimed for sending, with its report_id
 *     tlsrpt_deliveries  one row per delivery attempt of a report to one rua
 *   seq columns keep the order rows were first written, which is the order a report lists them.
 *   Nodes opening at the same time serialize on an advisory lock, as CREATE TABLE IF NOT EXISTS
 *   alone may fail on a concurrent creation.
 * BUGS      No migrations: a later change to these tables must ALTER what exists.
 */
final class PgsqlSchema {

    final String counts;
    final String failures;
    final String claims;
    final String deliveries;

    PgsqlSchema(String prefix) {
        counts = prefix + "counts";
        failures = prefix + "failures";
        claims = prefix + "claims";
        deliveries = prefix + "deliveries";
    }

    List<String> tables() {
        return List.of(counts, failures, claims, deliveries);
    }

    /** Creates the missing tables in one transaction; the connection is not in auto-commit mode. */
    void create(Connection c) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            lock.setString(1, "postern.tlsrpt.schema." + counts);
            lock.execute();
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + counts + " ("
                    + "day date NOT NULL, policy_domain text NOT NULL, policy_id text NOT NULL,"
                    + " policy_type text NOT NULL, policy_strings text[] NOT NULL, mx_hosts text[] NOT NULL,"
                    + " successes bigint NOT NULL, failures bigint NOT NULL, seq bigserial NOT NULL,"
                    + " PRIMARY KEY (day, policy_domain, policy_id))");
            s.execute("CREATE TABLE IF NOT EXISTS " + failures + " ("
                    + "day date NOT NULL, policy_domain text NOT NULL, policy_id text NOT NULL, detail_id text NOT NULL,"
                    + " result_type text NOT NULL, sending_mta_ip text NOT NULL, receiving_mx_hostname text NOT NULL,"
                    + " receiving_mx_helo text NOT NULL, receiving_ip text NOT NULL,"
                    + " additional_information text NOT NULL, failure_reason_code text NOT NULL,"
                    + " failed_sessions bigint NOT NULL, seq bigserial NOT NULL,"
                    + " PRIMARY KEY (day, policy_domain, policy_id, detail_id))");
            s.execute("CREATE TABLE IF NOT EXISTS " + claims + " ("
                    + "day date NOT NULL, policy_domain text NOT NULL, report_id text NOT NULL,"
                    + " claimed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (day, policy_domain))");
            s.execute("CREATE TABLE IF NOT EXISTS " + deliveries + " ("
                    + "id bigserial PRIMARY KEY, day date NOT NULL, policy_domain text NOT NULL,"
                    + " report_id text NOT NULL, rua text NOT NULL, attempted_at timestamptz NOT NULL,"
                    + " delivered boolean NOT NULL, detail text NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS " + deliveries + "_last ON " + deliveries
                    + " (policy_domain, rua, attempted_at DESC, id DESC)");
        }
        c.commit();
    }
}
