// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postern.api.dns.DnsRecordType;
import org.postern.core.smtpd.ClientHostname.Names;
import org.postern.core.smtpd.ClientHostname.Status;

class ClientHostnameTest {

    @Test
    void lookupShouldReturnTheNameWhenItResolvesBackToTheAddress() {
        ZoneTableResolver dns = new ZoneTableResolver().host("mail.example.org", "192.0.2.1");
        Names n = ClientHostname.lookup(dns, "192.0.2.1");
        assertThat(n).isEqualTo(new Names("mail.example.org", Status.OK, "mail.example.org", Status.OK,
                java.util.List.of()));
        assertThat(dns.questions).containsExactly("1.2.0.192.in-addr.arpa PTR", "mail.example.org A");
    }

    @Test
    void lookupShouldLeaveUnknownWithoutPtr() {
        Names n = ClientHostname.lookup(new ZoneTableResolver(), "192.0.2.1");
        assertThat(n.name()).isEqualTo("unknown");
        assertThat(n.reverseName()).isEqualTo("unknown");
        assertThat(n.nameStatus()).isEqualTo(Status.PERM);
    }

    @Test
    void lookupShouldRememberATemporaryPtrFailure() {
        ZoneTableResolver dns = new ZoneTableResolver().broken("1.2.0.192.in-addr.arpa");
        Names n = ClientHostname.lookup(dns, "192.0.2.1");
        assertThat(n.name()).isEqualTo("unknown");
        assertThat(n.nameStatus()).isEqualTo(Status.TEMP);
        assertThat(n.reverseStatus()).isEqualTo(Status.TEMP);
    }

    @Test
    void lookupShouldKeepOnlyTheReverseNameWhenTheForwardAddressDiffers() {
        ZoneTableResolver dns = new ZoneTableResolver()
                .add("1.2.0.192.in-addr.arpa", DnsRecordType.PTR, "forged.example.")
                .add("forged.example", DnsRecordType.A, "198.51.100.7");
        Names n = ClientHostname.lookup(dns, "192.0.2.1");
        assertThat(n.name()).isEqualTo("unknown");
        assertThat(n.nameStatus()).isEqualTo(Status.FORGED);
        assertThat(n.reverseName()).isEqualTo("forged.example");
        assertThat(n.warnings()).containsExactly("hostname forged.example does not resolve to address 192.0.2.1");
    }

    @Test
    void lookupShouldRememberATemporaryForwardFailure() {
        ZoneTableResolver dns = new ZoneTableResolver()
                .add("1.2.0.192.in-addr.arpa", DnsRecordType.PTR, "slow.example.")
                .broken("slow.example");
        Names n = ClientHostname.lookup(dns, "192.0.2.1");
        assertThat(n.name()).isEqualTo("unknown");
        assertThat(n.nameStatus()).isEqualTo(Status.TEMP);
        assertThat(n.reverseName()).isEqualTo("slow.example");
    }

    @Test
    void lookupShouldRefuseANumericPtrName() {
        ZoneTableResolver dns = new ZoneTableResolver()
                .add("1.2.0.192.in-addr.arpa", DnsRecordType.PTR, "192.0.2.1.")
                .add("192.0.2.1", DnsRecordType.A, "192.0.2.1");
        Names n = ClientHostname.lookup(dns, "192.0.2.1");
        assertThat(n.name()).isEqualTo("unknown");
        assertThat(n.reverseName()).isEqualTo("unknown");
        assertThat(n.warnings()).containsExactly("numeric hostname: 192.0.2.1");
    }

    @Test
    void lookupShouldUseIp6ArpaAndAaaaForIpv6Clients() {
        String ptr = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa";
        ZoneTableResolver dns = new ZoneTableResolver()
                .add(ptr, DnsRecordType.PTR, "v6.example.")
                .add("v6.example", DnsRecordType.AAAA, "2001:DB8:0:0::1");
        Names n = ClientHostname.lookup(dns, "2001:db8::1");
        assertThat(n.name()).isEqualTo("v6.example");
        assertThat(dns.questions).containsExactly(ptr + " PTR", "v6.example AAAA");
    }
}
