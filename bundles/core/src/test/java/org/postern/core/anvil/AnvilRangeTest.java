// SPDX-License-Identifier: Apache-2.0
package org.postern.core.anvil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AnvilRangeTest {

    // Columns: IPv4 prefix | IPv6 prefix | address | anvil key
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "32 | 84  | 192.0.2.77          | 192.0.2.77",
        "24 | 84  | 192.0.2.77          | 192.0.2.0/24",
        "0  | 84  | 192.0.2.77          | 0.0.0.0/0",
        "32 | 84  | 2001:db8::1         | 2001:db8:0:0:0:0:0:0/84",
        "32 | 84  | 2001:db8::abcd:1:2  | 2001:db8:0:0:0:a000:0:0/84",
        "32 | 128 | 2001:db8::1         | 2001:db8:0:0:0:0:0:1",
        "32 | 64  | 2001:db8:1:2:3::4   | 2001:db8:1:2:0:0:0:0/64",
    })
    void keyShouldBeTheAddressOrItsNetwork(int v4, int v6, String address, String key) throws Exception {
        assertThat(new AnvilRange(v4, v6).of(InetAddress.getByName(address))).isEqualTo(key);
    }

    @Test
    void postfixDefaultsShouldGroupIpv6ClientsPerSlash84Only() throws Exception {
        AnvilRange r = AnvilRange.POSTFIX_DEFAULT;
        assertThat(r.of(InetAddress.getByName("2001:db8::1"))).isEqualTo(r.of(InetAddress.getByName("2001:db8::ff:1")));
        assertThat(r.of(InetAddress.getByName("2001:db8::1"))).isNotEqualTo(r.of(InetAddress.getByName("2001:db8:0:1::1")));
        assertThat(r.of(InetAddress.getByName("192.0.2.1"))).isNotEqualTo(r.of(InetAddress.getByName("192.0.2.2")));
    }

    @Test
    void lengthsOutOfRangeShouldBeRefused() {
        assertThatThrownBy(() -> new AnvilRange(33, 84)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AnvilRange(32, 129)).isInstanceOf(IllegalArgumentException.class);
    }
}
