// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import java.io.IOException;

import org.postern.tlsrpt.counts.Tally;
import org.postern.tlsrpt.store.TlsRptStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   Once a second, what the recorder took goes into the store, durably.
 * DESCRIPTION
 *   So a crash loses at most the last second of counts. When the store fails (disk full, the
 *   database down), the counts are kept in memory and merged with the next second's, and the
 *   failure is logged once until the store works again.
 */
final class CountFlusher {

    private static final Logger LOG = LoggerFactory.getLogger("postern.tlsrpt");

    private final ResultRecorder recorder;
    private final TlsRptStore store;
    private Tally unsaved = new Tally();
    private boolean failing;

    CountFlusher(ResultRecorder recorder, TlsRptStore store) {
        this.recorder = recorder;
        this.store = store;
    }

    /** Moves the counts into the store; true when nothing is left unsaved. */
    synchronized boolean flush() {
        unsaved.mergeFrom(recorder.drain());
        if (unsaved.isEmpty()) {
            return true;
        }
        try {
            store.add(unsaved);
            unsaved = new Tally();
            if (failing) {
                LOG.info("TLSRPT store works again; counts saved");
                failing = false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                LOG.warn("warning: TLSRPT store: {}; counts are kept in memory until it works", e.toString());
                failing = true;
            }
            return false;
        }
    }
}
