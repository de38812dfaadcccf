// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SysExitsTest {

    @Test
    void detailShouldGiveTheTableEntryOrPostfixsUnknownError() {
        assertThat(SysExits.detail(67)).isEqualTo(new SysExits.Detail("5.1.1", "user unknown"));
        assertThat(SysExits.detail(75).soft()).isTrue();
        assertThat(SysExits.detail(71).soft()).isTrue();
        assertThat(SysExits.detail(78)).isEqualTo(new SysExits.Detail("5.3.5", "local configuration error"));
        assertThat(SysExits.detail(1)).isEqualTo(new SysExits.Detail("5.3.0", "unknown mail system error 1"));
        assertThat(SysExits.known(63)).isEmpty();
        assertThat(SysExits.known(79)).isEmpty();
    }

    @Test
    void forExitShouldDeferTemporaryStatusesAndBounceTheOthersWithTheOutput() {
        assertThat(SysExits.forExit(75, "")).isEqualTo(DeliveryStatus.deferred("4.3.0", "temporary failure"));
        assertThat(SysExits.forExit(67, "No such user"))
                .isEqualTo(DeliveryStatus.bounced("5.1.1", "user unknown. Command output: No such user"));
        assertThat(SysExits.forExit(1, "")).isEqualTo(DeliveryStatus.bounced("5.3.0", "Command died with status 1"));
        assertThat(SysExits.forExit(2, "oops"))
                .isEqualTo(DeliveryStatus.bounced("5.3.0", "Command died with status 2. Command output: oops"));
    }

    @Test
    void isSignalShouldCoverTheJvmsEncodingOfSignalsOneTo64() {
        assertThat(SysExits.isSignal(128)).isFalse();
        assertThat(SysExits.isSignal(129)).isTrue();
        assertThat(SysExits.isSignal(192)).isTrue();
        assertThat(SysExits.isSignal(193)).isFalse();
    }
}
