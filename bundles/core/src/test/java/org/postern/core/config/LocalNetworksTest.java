// SPDX-License-Identifier: Apache-2.0
package org.postern.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.support.IpAddresses;
import org.postern.core.config.LocalNetworks.LocalAddress;

/** Expected texts are what Postfix 3.7's postconf printed on a machine with these interfaces. */
class LocalNetworksTest {

    private static final List<LocalAddress> MACHINE = List.of(
            address("127.0.0.1", 8, true), address("::1", 128, true),
            address("192.0.2.2", 24, false), address("fd00::2", 64, false), address("fe80::fc:ff:fe00:1", 64, false));

    private static LocalAddress address(String text, int prefix, boolean loopback) {
        return new LocalAddress(IpAddresses.parse(text), prefix, loopback);
    }

    private static String mynetworks(String style, String interfaces, String protocols) {
        return LocalNetworks.mynetworks(style, PostfixLists.split(interfaces), PostfixLists.split(protocols), MACHINE);
    }

    @Test
    void hostStyleListsEachAddress() {
        assertThat(mynetworks("host", "all", "all"))
                .isEqualTo("127.0.0.1/32 192.0.2.2/32 [::1]/128 [fd00::2]/128 [fe80::fc:ff:fe00:1]/128");
    }

    @Test
    void subnetAndClassStylesListNetworks() {
        assertThat(mynetworks("subnet", "all", "all")).isEqualTo("127.0.0.0/8 192.0.2.0/24 [::1]/128 [fd00::]/64 [fe80::]/64");
        assertThat(mynetworks("class", "all", "all")).isEqualTo("127.0.0.0/8 192.0.2.0/24 [::1]/128 [fd00::]/64 [fe80::]/64");
        assertThat(LocalNetworks.mynetworks("class", List.of("all"), List.of("ipv4"), List.of(address("172.20.1.9", 28, false))))
                .isEqualTo("172.20.0.0/16");
    }

    @Test
    void followsInetInterfacesAndInetProtocols() {
        assertThat(mynetworks("host", "loopback-only", "all")).isEqualTo("127.0.0.1/32 [::1]/128");
        assertThat(mynetworks("host", "all", "ipv4")).isEqualTo("127.0.0.1/32 192.0.2.2/32");
        assertThat(mynetworks("subnet", "192.0.2.2, [fd00::2]", "all")).isEqualTo("192.0.2.0/24 [fd00::]/64");
    }

    @Test
    void defaultFollowsCompatibilityLevel() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mynetworks");
        ConfigEnvironment env = new ConfigEnvironment(dir, dir, "mx.example.com");
        String host = PostfixConfig.of(ParameterTable.standard(), env, MainCf.parse(dir.resolve("main.cf"),
                List.of("compatibility_level = 3.6", "inet_interfaces = loopback-only"))).get("mynetworks");
        assertThat(host).contains("127.0.0.1/32").doesNotContain("127.0.0.0/8");
        String subnet = PostfixConfig.of(ParameterTable.standard(), env, MainCf.parse(dir.resolve("main.cf"),
                List.of("inet_interfaces = loopback-only"))).get("mynetworks");
        assertThat(subnet).contains("127.0.0.0/8");
    }
}
