// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.postern.api.tls.TlsReportSink;
import org.postern.api.tls.TlsSessionResult;
import org.slf4j.Logger;

/**
 * SUMMARY   The registered {@link TlsReportSink} services (0..n, arriving and leaving at any
 *           time), each told about every outbound TLS attempt.
 * DESCRIPTION
 *   A sink that throws is logged once and never affects the delivery; sinks must not block
 *   (the TLSRPT bundle hands results off to its own thread).
 */
final class TlsReports {

    private final List<TlsReportSink> sinks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean warned = new AtomicBoolean();

    void add(TlsReportSink sink) {
        sinks.add(sink);
    }

    void remove(TlsReportSink sink) {
        sinks.remove(sink);
    }

    boolean wanted() {
        return !sinks.isEmpty();
    }

    void report(TlsSessionResult result, Logger log) {
        for (TlsReportSink sink : sinks) {
            try {
                sink.sessionCompleted(result);
            } catch (RuntimeException e) {
                if (warned.compareAndSet(false, true)) {
                    log.warn("warning: TLS report sink {} failed: {}", sink.getClass().getName(), e.toString());
                }
            }
        }
    }
}
