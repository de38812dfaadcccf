// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** postconf(5) smtpd_per_request_deadline and smtpd_min_data_rate, on a clock the test turns. */
class DeadlineBudgetTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void commandShouldGetSmtpdTimeoutHoweverItsBytesAreSpaced() {
        DeadlineBudget b = new DeadlineBudget(Duration.ofSeconds(300), 500);
        b.start(0, false);
        long now = 0;
        while (!b.expired(now)) {
            now += 4 * SECOND; // one byte every 4 s
            b.received(1, now);
        }
        assertThat(now).isEqualTo(300 * SECOND);
    }

    @Test
    void contentBelowTheMinimumRateShouldRunOutAfterAboutSmtpdTimeout() {
        DeadlineBudget b = new DeadlineBudget(Duration.ofSeconds(300), 500);
        b.start(0, true);
        long now = 0;
        while (!b.expired(now)) {
            now += SECOND; // one byte a second earns 2 ms
            b.received(1, now);
        }
        // Each second costs 998 ms of the budget: 300 s / 0.998 is just over 300 s.
        assertThat(now).isBetween(300 * SECOND, 302 * SECOND);
    }

    @Test
    void contentAtTheMinimumRateShouldNeverRunOut() {
        DeadlineBudget b = new DeadlineBudget(Duration.ofSeconds(10), 500);
        b.start(0, true);
        for (long now = SECOND; now <= 3600 * SECOND; now += SECOND) {
            b.received(500, now);
            assertThat(b.expired(now)).isFalse();
        }
    }

    @Test
    void earnedTimeShouldNeverExceedSmtpdTimeout() {
        DeadlineBudget b = new DeadlineBudget(Duration.ofSeconds(10), 500);
        b.start(0, true);
        b.received(1_000_000, SECOND); // 2000 s worth of content in one read
        assertThat(b.remaining(SECOND)).isEqualTo(10 * SECOND);
        assertThat(b.expired(11 * SECOND + 1)).isTrue();
    }

    @Test
    void contentArrivingAfterTheDeadlineShouldNotReviveTheRequest() {
        DeadlineBudget b = new DeadlineBudget(Duration.ofSeconds(10), 500);
        b.start(0, true);
        b.received(1_000_000, 10 * SECOND);
        assertThat(b.expired(10 * SECOND)).isTrue();
    }

    @Test
    void newRequestShouldStartWithAFullBudget() {
        DeadlineBudget b = new DeadlineBudget(Duration.ofSeconds(10), 500);
        b.start(0, false);
        b.start(9 * SECOND, true);
        assertThat(b.remaining(9 * SECOND)).isEqualTo(10 * SECOND);
    }
}
