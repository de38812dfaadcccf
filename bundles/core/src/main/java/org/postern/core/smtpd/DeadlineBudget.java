// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.time.Duration;

/**
 * SUMMARY   The time one request may take to arrive under smtpd_per_request_deadline, on a clock
 *           the caller supplies (nanoseconds).
 * DESCRIPTION
 *   A request starts with smtpd_timeout. Message content (DATA, BDAT) earns time back: each
 *   byte received adds 1/smtpd_min_data_rate seconds, but the time left never grows beyond
 *   smtpd_timeout (postconf(5) smtpd_min_data_rate). A client sending content at least that
 *   fast never runs out; one that trickles runs out after about smtpd_timeout, however it
 *   spaces its bytes.
 * SECURITY  Byte counts come from the client; the arithmetic cannot overflow for any count
 *           one read delivers.
 */
final class DeadlineBudget {

    private final long timeoutNanos;
    private final int minDataRate;
    private long deadline;
    private boolean content;

    /**
     * @param timeout      smtpd_timeout
     * @param minDataRate  smtpd_min_data_rate in bytes per second (at least 1)
     */
    DeadlineBudget(Duration timeout, int minDataRate) {
        this.timeoutNanos = timeout.toNanos();
        this.minDataRate = Math.max(1, minDataRate);
    }

    /** A new request starts at {@code now}; {@code content} when it is DATA or BDAT content. */
    void start(long now, boolean content) {
        this.deadline = now + timeoutNanos;
        this.content = content;
    }

    /** {@code bytes} arrived at {@code now}: content earns time, capped at smtpd_timeout from now. */
    void received(long bytes, long now) {
        if (!content || expired(now)) {
            return;
        }
        long earned = bytes * 1_000_000_000L / minDataRate; // one read delivers far fewer than 9e9 bytes
        deadline = Math.min(now + timeoutNanos, deadline + earned);
    }

    /** Nanoseconds left at {@code now}; zero or less when the request is out of time. */
    long remaining(long now) {
        return deadline - now;
    }

    boolean expired(long now) {
        return remaining(now) <= 0;
    }
}
