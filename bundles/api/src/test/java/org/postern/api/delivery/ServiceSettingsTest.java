// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterException;
import org.postern.api.parameter.ParameterSource;

class ServiceSettingsTest {

    private static final Parameter HELO_TIMEOUT = Parameter.time("smtp_helo_timeout", "300s", 's', 1);
    private static final Parameter HELO_NAME = Parameter.string("smtp_helo_name", "$myhostname");
    private static final Parameter LIMIT = Parameter.integer("smtp_mx_address_limit", "5", 0);
    private static final Parameter LOCKS = Parameter.list("virtual_mailbox_lock", "fcntl, dotlock");

    private final Map<String, String> values = new HashMap<>();

    /** Settings that know main.cf line 7 for every value set. */
    private final ServiceSettings settings = new ServiceSettings() {
        @Override
        public String get(String name) {
            return values.get(name);
        }

        @Override
        public Optional<ParameterSource> source(String name) {
            return values.containsKey(name) ? Optional.of(new ParameterSource("/etc/postern/main.cf", 7))
                    : Optional.empty();
        }
    };

    @Test
    void declaredGetterShouldReturnTheDeclaredDefaultWhenUnset() {
        values.put("myhostname", "mx.example.com");
        assertThat(settings.time(HELO_TIMEOUT)).isEqualTo(Duration.ofSeconds(300));
        assertThat(settings.string(HELO_NAME)).isEqualTo("mx.example.com");
        assertThat(settings.integer(LIMIT)).isEqualTo(5);
        assertThat(settings.list(LOCKS)).containsExactly("fcntl", "dotlock");
    }

    @Test
    void declaredGetterShouldReturnTheSetValue() {
        values.put("smtp_helo_timeout", "5m");
        values.put("smtp_mx_address_limit", "0");
        assertThat(settings.time(HELO_TIMEOUT)).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.integer(LIMIT)).isZero();
    }

    @Test
    void malformedValueShouldBeAnErrorNamingFileLineAndParameter() {
        values.put("smtp_helo_timeout", "5x");
        assertThatThrownBy(() -> settings.time(HELO_TIMEOUT)).isInstanceOf(ParameterException.class)
                .hasMessage("/etc/postern/main.cf, line 7: smtp_helo_timeout: bad time value: 5x");
        values.put("smtp_mx_address_limit", "-1");
        assertThatThrownBy(() -> settings.integer(LIMIT))
                .hasMessage("/etc/postern/main.cf, line 7: smtp_mx_address_limit: bad numerical value: -1");
        values.put("smtp_helo_timeout", "0");
        assertThatThrownBy(() -> settings.time(HELO_TIMEOUT))
                .hasMessage("/etc/postern/main.cf, line 7: smtp_helo_timeout: invalid value: 0 (minimum 1s)");
    }

    @Test
    void namedGettersShouldNoLongerFallBackSilentlyOnMalformedValues() {
        values.put("a", "ten");
        values.put("b", "maybe");
        values.put("c", "1y");
        assertThatThrownBy(() -> settings.integer("a", 10))
                .isInstanceOf(ParameterException.class).hasMessage("/etc/postern/main.cf, line 7: a: bad numerical value: ten");
        assertThatThrownBy(() -> settings.bool("b", true)).hasMessage("/etc/postern/main.cf, line 7: b: bad boolean value: maybe");
        assertThatThrownBy(() -> settings.time("c", Duration.ZERO)).hasMessage("/etc/postern/main.cf, line 7: c: bad time value: 1y");
    }

    @Test
    void namedGettersShouldKeepDefaultsForUnsetNamesAndAcceptWhatTheyAcceptedBefore() {
        values.put("t", "250ms");
        values.put("b", "true");
        values.put("n", " 42 ");
        assertThat(settings.time("t", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.bool("b", false)).isTrue();
        assertThat(settings.integer("n", 0)).isEqualTo(42);
        assertThat(settings.integer("unset", 3)).isEqualTo(3);
        assertThat(settings.time("unset", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.list("unset")).isEqualTo(List.of());
    }

    @Test
    void errorWithoutKnownSourceShouldStillNameTheParameter() {
        ServiceSettings bare = Map.of("smtp_helo_timeout", "soon")::get;
        assertThatThrownBy(() -> bare.time(HELO_TIMEOUT)).hasMessage("smtp_helo_timeout: bad time value: soon");
    }
}
