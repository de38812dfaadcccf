// SPDX-License-Identifier: Apache-2.0
package org.postern.core.anvil;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.postern.testing.MovableClock;

class AnvilTest {

    private static final Duration UNIT = Duration.ofSeconds(60);

    private final MovableClock clock = new MovableClock(Instant.parse("2024-06-01T12:00:00Z"));
    private final Anvil anvil = new Anvil(clock);

    @Test
    void eventsShouldBeCountedPerKindServiceAndClient() {
        assertThat(anvil.count("smtp", "192.0.2.1", ClientEvent.MESSAGE, UNIT)).isEqualTo(1);
        assertThat(anvil.count("smtp", "192.0.2.1", ClientEvent.MESSAGE, UNIT)).isEqualTo(2);
        assertThat(anvil.count("smtp", "192.0.2.1", ClientEvent.RECIPIENT, UNIT)).isEqualTo(1);
        assertThat(anvil.count("submission", "192.0.2.1", ClientEvent.MESSAGE, UNIT)).isEqualTo(1);
        assertThat(anvil.count("smtp", "192.0.2.2", ClientEvent.MESSAGE, UNIT)).isEqualTo(1);
        assertThat(anvil.rate("smtp", "192.0.2.1", ClientEvent.MESSAGE, UNIT)).isEqualTo(2);
    }

    @Test
    void rateShouldAskWithoutCounting() {
        assertThat(anvil.rate("smtp", "192.0.2.1", ClientEvent.NEW_TLS_SESSION, UNIT)).isZero();
        anvil.count("smtp", "192.0.2.1", ClientEvent.NEW_TLS_SESSION, UNIT);
        assertThat(anvil.rate("smtp", "192.0.2.1", ClientEvent.NEW_TLS_SESSION, UNIT)).isEqualTo(1);
        assertThat(anvil.rate("smtp", "192.0.2.1", ClientEvent.NEW_TLS_SESSION, UNIT)).isEqualTo(1);
    }

    @Test
    void oneWindowShouldHoldEveryRateOfAClientAndStartOverWhenItExpires() {
        anvil.connect("smtp", "192.0.2.1", UNIT);           // the window starts here
        clock.advance(Duration.ofSeconds(50));
        anvil.count("smtp", "192.0.2.1", ClientEvent.AUTH, UNIT);
        assertThat(anvil.count("smtp", "192.0.2.1", ClientEvent.AUTH, UNIT)).isEqualTo(2);

        clock.advance(Duration.ofSeconds(10));              // 60 s after the first event: a new window
        assertThat(anvil.rate("smtp", "192.0.2.1", ClientEvent.AUTH, UNIT)).isZero();
        assertThat(anvil.count("smtp", "192.0.2.1", ClientEvent.AUTH, UNIT)).isEqualTo(1);
        assertThat(anvil.connect("smtp", "192.0.2.1", UNIT)).isEqualTo(new Anvil.Counts(2, 1));
    }

    @Test
    void concurrencyShouldNotExpireWithTheWindow() {
        anvil.connect("smtp", "192.0.2.1", UNIT);
        clock.advance(Duration.ofMinutes(5));
        assertThat(anvil.connect("smtp", "192.0.2.1", UNIT)).isEqualTo(new Anvil.Counts(2, 1));
        anvil.disconnect("smtp", "192.0.2.1");
        assertThat(anvil.count("smtp", "192.0.2.1")).isEqualTo(1);
    }
}
