// SPDX-License-Identifier: Apache-2.0
package org.postern.core.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

class ListenAddressesTest {

    @Test
    void explicitHostShouldOverrideInetInterfaces() {
        assertThat(ListenAddresses.of("127.0.0.1:2525", List.of("all"), "all"))
                .containsExactly(new InetSocketAddress("127.0.0.1", 2525));
        assertThat(ListenAddresses.of("[::1]:2525", List.of("all"), "all"))
                .containsExactly(new InetSocketAddress("::1", 2525));
    }

    @Test
    void serviceNameShouldMapToItsPortOnEachInterface() {
        // master(5): "smtp" is the port from /etc/services, on every inet_interfaces address.
        assertThat(ListenAddresses.of("smtp", List.of("loopback-only"), "all"))
                .containsExactly(new InetSocketAddress("127.0.0.1", 25), new InetSocketAddress("::1", 25));
        assertThat(ListenAddresses.of("submission", List.of("192.0.2.1"), "ipv4"))
                .containsExactly(new InetSocketAddress("192.0.2.1", 587));
    }

    @Test
    void loopbackOnlyShouldFollowInetProtocols() {
        assertThat(ListenAddresses.of("2525", List.of("loopback-only"), "ipv4"))
                .containsExactly(new InetSocketAddress("127.0.0.1", 2525));
    }

    @Test
    void badPortShouldBeRefused() {
        assertThatThrownBy(() -> ListenAddresses.of("127.0.0.1:nope", List.of("all"), "all"))
                .hasMessageContaining("bad port or service name");
    }
}
