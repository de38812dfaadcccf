// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * SUMMARY   When the day's reports are due: tlsrpt_send_time (UTC) plus a random delay up to
 *           tlsrpt_send_jitter, drawn once per day, so that senders do not all report at once.
 * DESCRIPTION
 *   Due once per UTC day; a node that was down at the time runs as soon as it is back.
 */
final class DailyRun {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private LocalDate drawnFor;
    private Duration delay = Duration.ZERO;
    private LocalDate lastRun;

    DailyRun(Clock clock) {
        this.clock = clock;
    }

    /** True once per UTC day, from the day's time on; the caller then runs. */
    synchronized boolean due(LocalTime sendTime, Duration jitter) {
        Instant now = clock.instant();
        LocalDate today = now.atOffset(ZoneOffset.UTC).toLocalDate();
        if (today.equals(lastRun)) {
            return false;
        }
        if (!today.equals(drawnFor)) {
            drawnFor = today;
            delay = jitter.isZero() ? Duration.ZERO : Duration.ofSeconds(RANDOM.nextLong(jitter.toSeconds() + 1));
        }
        Instant at = today.atTime(sendTime).toInstant(ZoneOffset.UTC).plus(delay);
        if (now.isBefore(at)) {
            return false;
        }
        lastRun = today;
        return true;
    }
}
