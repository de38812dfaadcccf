// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.postern.api.tls.TlsReportSink;
import org.postern.api.tls.TlsSessionResult;
import org.postern.tlsrpt.counts.Tally;

/**
 * SUMMARY   The TlsReportSink: takes each session result from the smtp client's thread without
 *           blocking it, for {@link CountFlusher} to add up.
 * DESCRIPTION
 *   A bounded queue is the hand-off; when it is full (the store fell behind), the result is
 *   counted into an overflow tally under a short lock instead: merged, never dropped.
 *   While smtp_tlsrpt_enable = no nothing is taken.
 */
public final class ResultRecorder implements TlsReportSink {

    public static final int CAPACITY = 65_536;

    private final BlockingQueue<TlsSessionResult> handoff = new ArrayBlockingQueue<>(CAPACITY);
    private final Object overflowLock = new Object();
    private Tally overflow = new Tally();
    private volatile boolean enabled = true;

    @Override
    public void sessionCompleted(TlsSessionResult result) {
        if (!enabled) {
            return;
        }
        if (!handoff.offer(result)) {
            synchronized (overflowLock) {
                overflow.record(result);
            }
        }
    }

    void enable(boolean on) {
        enabled = on;
    }

    /** Everything taken since the last call, counted. */
    public Tally drain() {
        List<TlsSessionResult> batch = new ArrayList<>();
        handoff.drainTo(batch);
        Tally tally = new Tally();
        batch.forEach(tally::record);
        Tally spilled;
        synchronized (overflowLock) {
            spilled = overflow;
            overflow = new Tally();
        }
        tally.mergeFrom(spilled);
        return tally;
    }
}
