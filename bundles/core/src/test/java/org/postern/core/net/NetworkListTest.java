// SPDX-License-Identifier: Apache-2.0
package org.postern.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class NetworkListTest {

    @Test
    void cidrEntriesShouldMatchInsideAndNotOutside() {
        // postconf(5) mynetworks: "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128"
        NetworkList list = NetworkList.parse(List.of("127.0.0.0/8", "[::1]/128", "[2001:db8::]/32"));

        assertThat(list.matches("127.1.2.3")).isTrue();
        assertThat(list.matches("::1")).isTrue();
        assertThat(list.matches("2001:db8:1::5")).isTrue();
        assertThat(list.matches("128.0.0.1")).isFalse();
        assertThat(list.matches("2001:db9::1")).isFalse();
    }

    @Test
    void ipv4MappedClientShouldMatchIpv4Patterns() {
        assertThat(NetworkList.parse(List.of("192.0.2.0/24")).matches("::ffff:192.0.2.7")).isTrue();
    }

    @Test
    void firstMatchShouldWinIncludingNegation() {
        NetworkList list = NetworkList.parse(List.of("!192.0.2.7", "192.0.2.0/24"));

        assertThat(list.matches("192.0.2.7")).isFalse();
        assertThat(list.matches("192.0.2.8")).isTrue();
    }

    @Test
    void hostBitsShouldBeIgnoredAndBadEntriesSkipped() {
        NetworkList list = NetworkList.parse(List.of("192.0.2.77/24", "10.0.0.0/33", "hash:/etc/x"));

        assertThat(list.matches("192.0.2.1")).isTrue();
        assertThat(list.matches("10.0.0.1")).isFalse();
    }

    @Test
    void netParseShouldRejectWhatIsNotANetPattern() {
        assertThat(NetworkList.Net.parse("example.com")).isNull();
        assertThat(NetworkList.Net.parse("192.0.2.0/x")).isNull();
        assertThat(NetworkList.Net.parse("[2001:db8::]/64")).isNotNull();
    }
}
