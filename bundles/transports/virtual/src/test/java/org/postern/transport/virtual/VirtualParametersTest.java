// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.virtual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.postern.api.parameter.ParameterException;

class VirtualParametersTest {

    @Test
    void settingsShouldComeFromTheDeclarationsWhenUnset() {
        VirtualSettings s = VirtualSettings.from(Map.<String, String>of()::get);
        assertThat(s.minimumUid()).isEqualTo(100);
        assertThat(s.mailboxLimit()).isEqualTo(51_200_000L);
        assertThat(s.originalRecipientHeader()).isTrue();
        assertThat(s.locks().attempts()).isEqualTo(20);
    }

    @Test
    void malformedValueShouldBeAnErrorNamingTheParameterNotTheDefault() {
        assertThatThrownBy(() -> VirtualSettings.from(Map.of("virtual_mailbox_limit", "50M")::get))
                .isInstanceOf(ParameterException.class)
                .hasMessage("virtual_mailbox_limit: bad numerical value: 50M");
        assertThatThrownBy(() -> VirtualSettings.from(Map.of("virtual_minimum_uid", "0")::get))
                .hasMessage("virtual_minimum_uid: invalid value: 0 (minimum 1)");
    }

    @Test
    void declarationsShouldBeTheAgentsOwn() {
        assertThat(new VirtualParameters().parameters()).extracting(p -> p.name())
                .doesNotContain("virtual_mailbox_maps", "deliver_lock_attempts");
    }
}
