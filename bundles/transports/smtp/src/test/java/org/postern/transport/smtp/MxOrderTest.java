// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MxOrderTest {

    private static List<String> order(ZoneDnsResolver dns, Map<String, String> settings, long seed) {
        ClientSettings s = ClientSettings.of(Protocol.SMTP, settings::get);
        DestinationResolver.Resolution r = new DestinationResolver(dns, s, new Random(seed)).resolve(Nexthop.parse("example.com", Protocol.SMTP));
        return ((DestinationResolver.Resolution.Endpoints) r).endpoints().stream().map(Endpoint::hostname).toList();
    }

    @Test
    void equalPreferencesShouldBeShuffledAndLowerOnesComeFirst() {
        ZoneDnsResolver dns = new ZoneDnsResolver().mx("example.com", 5, "first").mx("example.com", 10, "a")
                .mx("example.com", 10, "b").mx("example.com", 10, "c").mx("example.com", 20, "last");
        for (String h : List.of("first", "a", "b", "c", "last")) {
            dns.a(h, "192.0.2.1");
        }
        Set<List<String>> seen = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            List<String> order = order(dns, Map.of("smtp_mx_address_limit", "0"), seed);
            assertThat(order.get(0)).isEqualTo("first");
            assertThat(order.subList(1, 4)).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(order.get(4)).isEqualTo("last");
            seen.add(order);
        }
        assertThat(seen).hasSizeGreaterThan(1);
    }

    @Test
    void addressLimitShouldCutTheList() {
        ZoneDnsResolver dns = new ZoneDnsResolver().mx("example.com", 10, "a").mx("example.com", 20, "b");
        dns.a("a", "192.0.2.1").a("a", "192.0.2.2").a("b", "192.0.2.3");
        assertThat(order(dns, Map.of("smtp_mx_address_limit", "2"), 1)).containsExactly("a", "a");
    }
}
