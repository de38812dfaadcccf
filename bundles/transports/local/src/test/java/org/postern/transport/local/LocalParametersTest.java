// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.postern.api.parameter.ParameterException;

class LocalParametersTest {

    @Test
    void settingsShouldComeFromTheDeclarationsWhenUnset() {
        LocalSettings s = LocalSettings.from(Map.<String, String>of()::get);
        assertThat(s.spoolDirectory()).isEqualTo("/var/mail");
        assertThat(s.mailboxSizeLimit()).isEqualTo(51_200_000L);
        assertThat(s.defaultPrivs()).isEqualTo("nobody");
        assertThat(s.allowCommands()).containsExactlyInAnyOrder(LocalSettings.Source.ALIAS, LocalSettings.Source.FORWARD);
        assertThat(s.prependDelivered()).hasSize(3);
        assertThat(s.passwdMaps()).isEqualTo("unix:passwd.byname");
    }

    @Test
    void malformedValueShouldBeAnErrorNamingTheParameterNotTheDefault() {
        assertThatThrownBy(() -> LocalSettings.from(Map.of("expand_owner_alias", "sometimes")::get))
                .isInstanceOf(ParameterException.class)
                .hasMessage("expand_owner_alias: bad boolean value: sometimes");
        assertThatThrownBy(() -> LocalSettings.from(Map.of("deliver_lock_attempts", "many")::get))
                .hasMessage("deliver_lock_attempts: bad numerical value: many");
    }
}
