// SPDX-License-Identifier: Apache-2.0
package org.postern.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;

import org.junit.jupiter.api.Test;
import org.postern.testing.MovableClock;

/** The daily report run: once per UTC day, from tlsrpt_send_time plus the day's random delay on. */
class DailyRunTest {

    private static final LocalTime ONE_AM = LocalTime.of(1, 0);

    @Test
    void dueOncePerUtcDayFromTheSendTimeOn() {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-06T00:59:59Z"));
        DailyRun run = new DailyRun(clock);
        assertThat(run.due(ONE_AM, Duration.ZERO)).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(run.due(ONE_AM, Duration.ZERO)).isTrue();
        assertThat(run.due(ONE_AM, Duration.ZERO)).as("not twice the same day").isFalse();
        clock.advance(Duration.ofHours(23));
        assertThat(run.due(ONE_AM, Duration.ZERO)).as("next UTC day, 00:00").isFalse();
        clock.advance(Duration.ofHours(1));
        assertThat(run.due(ONE_AM, Duration.ZERO)).isTrue();
    }

    @Test
    void aNodeBackAfterTheTimeRunsAtOnce() {
        DailyRun run = new DailyRun(new MovableClock(Instant.parse("2026-12-06T17:00:00Z")));
        assertThat(run.due(ONE_AM, Duration.ofHours(1))).isTrue();
    }

    @Test
    void theJitterDelaysWithinItsBound() {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-06T01:00:00Z"));
        DailyRun run = new DailyRun(clock);
        int minutes = 0;
        while (!run.due(ONE_AM, Duration.ofMinutes(30))) {
            clock.advance(Duration.ofMinutes(1));
            minutes++;
        }
        assertThat(minutes).isBetween(0, 30);
    }
}
