// SPDX-License-Identifier: Apache-2.0
package org.postern.api.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NetBlockTest {

    private static byte[] ip(String text) {
        return IpAddresses.parse(text);
    }

    @Test
    void blocksShouldContainTheirAddressesOnly() {
        NetBlock v4 = new NetBlock(ip("192.0.2.77"), 25);
        assertThat(v4).hasToString("192.0.2.0/25");
        assertThat(v4.contains(ip("192.0.2.127"))).isTrue();
        assertThat(v4.contains(ip("192.0.2.128"))).isFalse();
        NetBlock v6 = new NetBlock(ip("2001:db8::1"), 33);
        assertThat(v6.contains(ip("2001:db8:7fff::1"))).isTrue();
        assertThat(v6.contains(ip("2001:db8:8000::1"))).isFalse();
        assertThat(new NetBlock(ip("0.0.0.0"), 0).contains(ip("203.0.113.9"))).isTrue();
    }

    @Test
    void aMappedAddressShouldBeIpv6UnlessUnmapped() {
        NetBlock v4 = new NetBlock(ip("192.0.2.0"), 24);
        assertThat(v4.contains(ip("::ffff:192.0.2.1"))).isFalse();
        assertThat(v4.contains(NetBlock.unmapped(ip("::ffff:192.0.2.1")))).isTrue();
        assertThat(NetBlock.unmapped(ip("2001:db8::1"))).hasSize(16);
    }

    @Test
    void badPrefixesShouldBeRefused() {
        assertThatThrownBy(() -> new NetBlock(ip("192.0.2.0"), 33)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NetBlock(new byte[5], 8)).isInstanceOf(IllegalArgumentException.class);
    }
}
