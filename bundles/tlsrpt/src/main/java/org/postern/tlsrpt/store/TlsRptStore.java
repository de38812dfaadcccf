// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.io.Closeable;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.postern.tlsrpt.counts.DayCounts;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.counts.Tally;

/**
 * SUMMARY   Where the counts live until their report is sent: durable, and shared by the nodes
 *           that use the same store, so that each domain gets one report per day.
 * DESCRIPTION
 *   Implementations: {@link FileStore} (${karaf.data}/postern/tlsrpt, one node) and
 *   {@link PgsqlStore} (tlsrpt_store = pgsql:/path/to/file.cf, any number of nodes). Every
 *   method may be called from several threads.
 */
public interface TlsRptStore extends Closeable {

    /** Adds the counts; they are durable (fsync, or committed) when this returns. */
    void add(Tally counts) throws IOException;

    /** The reports with counts and not claimed yet, oldest first; only days before {@code before} when given. */
    List<ReportKey> unclaimed(Optional<LocalDate> before) throws IOException;

    /** A report's counts as all nodes added them; empty when there are none. */
    DayCounts counts(ReportKey key) throws IOException;

    /**
     * Claims a report for sending: true for exactly one caller across the nodes sharing the
     * store, false when it was claimed before.
     */
    boolean claim(ReportKey key, String reportId) throws IOException;

    /** Records how one delivery of a report went (kept for the status command). */
    void recordDelivery(DeliveryRecord delivery) throws IOException;

    /** The last delivery per policy domain and report address. */
    List<DeliveryRecord> lastDeliveries() throws IOException;

    /** Forgets counts, claims and deliveries of days before {@code day}. */
    void purgeBefore(LocalDate day) throws IOException;
}
