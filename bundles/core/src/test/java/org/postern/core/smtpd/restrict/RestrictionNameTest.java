// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.postern.core.config.ConfigException;

/** The one list of restriction names, and the places that must agree with it. */
class RestrictionNameTest {

    @Test
    void namesShouldBeLowerCaseAndFoundInAnyCase() {
        for (RestrictionName n : RestrictionName.values()) {
            assertThat(n.token()).isEqualTo(n.name().toLowerCase(Locale.ROOT));
            assertThat(RestrictionName.of(n.token().toUpperCase(Locale.ROOT))).contains(n);
        }
        assertThat(RestrictionName.of("no_such_restriction")).isEmpty();
    }

    @Test
    void defaultRelayRestrictionsShouldBeParameterTablesDefault() throws Exception {
        // ParameterTable holds Postfix's default for postconf -d; the parser's fallback must say the same.
        assertThat(Fixture.config("compatibility_level = 3.6").list("smtpd_relay_restrictions"))
                .containsExactlyElementsOf(RestrictionLists.DEFAULT_RELAY.stream().map(RestrictionName::token).toList());
    }

    @Test
    void unsupportedNamesShouldBeRefusedAtLoadTime() {
        RestrictionName.withArgument(RestrictionName.Argument.UNSUPPORTED).forEach(n ->
                assertThatThrownBy(() -> Fixture.checks("smtpd_client_restrictions = " + n.token()))
                        .isInstanceOf(ConfigException.class)
                        .hasMessageContaining("\"" + n.token() + "\" is not supported by Postern yet"));
    }

    @Test
    void relayControlShouldBeThePostfixSet() {
        assertThat(Arrays.stream(RestrictionName.values()).filter(RestrictionName::controlsRelay).map(RestrictionName::token))
                .containsExactlyInAnyOrder("reject_unauth_destination", "defer_unauth_destination", "reject", "defer",
                        "defer_if_permit", "check_relay_domains");
    }
}
