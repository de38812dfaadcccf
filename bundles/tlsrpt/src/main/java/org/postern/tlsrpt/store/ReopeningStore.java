// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt.store;

import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.postern.tlsrpt.counts.DayCounts;
import org.postern.tlsrpt.counts.ReportKey;
import org.postern.tlsrpt.counts.Tally;

/**
 * A store opened on first use and opened again after it failed to open, so that a database
 * that is down when the bundle starts delays the counts instead of losing them.
 */
public final class ReopeningStore implements TlsRptStore {

    /** Opens the real store. */
    @FunctionalInterface
    public interface Opener {
        TlsRptStore open() throws IOException;
    }

    private final Opener opener;
    private TlsRptStore store;

    public ReopeningStore(Opener opener) {
        this.opener = opener;
    }

    private synchronized TlsRptStore store() throws IOException {
        if (store == null) {
            store = opener.open();
        }
        return store;
    }

    @Override
    public void add(Tally counts) throws IOException {
        store().add(counts);
    }

    @Override
    public List<ReportKey> unclaimed(Optional<LocalDate> before) throws IOException {
        return store().unclaimed(before);
    }

    @Override
    public DayCounts counts(ReportKey key) throws IOException {
        return store().counts(key);
    }

    @Override
    public boolean claim(ReportKey key, String reportId) throws IOException {
        return store().claim(key, reportId);
    }

    @Override
    public void recordDelivery(DeliveryRecord delivery) throws IOException {
        store().recordDelivery(delivery);
    }

    @Override
    public List<DeliveryRecord> lastDeliveries() throws IOException {
        return store().lastDeliveries();
    }

    @Override
    public void purgeBefore(LocalDate day) throws IOException {
        store().purgeBefore(day);
    }

    @Override
    public synchronized void close() throws IOException {
        if (store != null) {
            store.close();
            store = null;
        }
    }
}
