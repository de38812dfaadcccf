// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ParameterValuesTest {

    // postconf(5): "Time units: s (seconds), m (minutes), h (hours), d (days), w (weeks)".
    @ParameterizedTest(name = "{0} (default unit {1}) = {2}s")
    @CsvSource({"300s, s, 300", "300, s, 300", "5m, s, 300", "2h, s, 7200", "5d, s, 432000", "1w, s, 604800",
            "5, d, 432000", "0h, h, 0", "3, h, 10800"})
    void parseTimeShouldApplyUnits(String text, char unit, long seconds) {
        assertThat(ParameterValues.parseTime(text, unit, false)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void parseTimeShouldAcceptMillisecondsWhenSubSecondAllowed() {
        assertThat(ParameterValues.parseTime("250ms", 's', true)).isEqualTo(Duration.ofMillis(250));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10x", "-1s", "1.5s", "1s2", "s", "10 s", "250ms", "99999999999999999999"})
    void parseTimeShouldRejectBadValues(String text) {
        assertThatThrownBy(() -> ParameterValues.parseTime(text, 's', false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad time value: " + text);
    }

    @Test
    void parseBooleanShouldAcceptYesAndNoInAnyCase() {
        assertThat(ParameterValues.parseBoolean("YES")).isTrue();
        assertThat(ParameterValues.parseBoolean("no")).isFalse();
        assertThatThrownBy(() -> ParameterValues.parseBoolean("maybe")).hasMessage("bad boolean value: maybe");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10x", "-1", "+1", "1 0", "99999999999999999999"})
    void parseLongShouldRejectNonDigits(String text) {
        assertThatThrownBy(() -> ParameterValues.parseLong(text)).hasMessage("bad numerical value: " + text);
    }

    @Test
    void parseIntShouldRejectValuesAboveIntRange() {
        assertThat(ParameterValues.parseLong("10240000000")).isEqualTo(10_240_000_000L);
        assertThatThrownBy(() -> ParameterValues.parseInt("10240000000")).hasMessageContaining("bad numerical value");
    }

    @Test
    void formatTimeShouldUseLargestExactUnit() {
        assertThat(ParameterValues.formatTime(Duration.ofSeconds(300))).isEqualTo("5m");
        assertThat(ParameterValues.formatTime(Duration.ofDays(14))).isEqualTo("2w");
        assertThat(ParameterValues.formatTime(Duration.ofSeconds(61))).isEqualTo("61s");
        assertThat(ParameterValues.formatTime(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(ParameterValues.formatTime(Duration.ZERO)).isEqualTo("0s");
    }
}
