// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResult;
import org.postern.api.dns.DnssecStatus;
import org.postern.testing.TimeoutBounds;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;

class DnsjavaResolverTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private ZoneDnsServer server;
    private DnsjavaResolver resolver;

    @BeforeEach
    void start() throws Exception {
        server = new ZoneDnsServer();
        SimpleResolver simple = new SimpleResolver(InetAddress.getLoopbackAddress());
        simple.setPort(server.port());
        simple.setTimeout(TIMEOUT);
        resolver = new DnsjavaResolver(simple);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static Name name(String n) throws Exception {
        return Name.fromString(n);
    }

    @Test
    void lookupShouldReturnAddressRecords() throws Exception {
        server.add(new ARecord(name("mx1.example.com."), DClass.IN, 300, InetAddress.getByName("192.0.2.10")));

        DnsResult result = resolver.lookup("mx1.example.com", DnsRecordType.A);

        assertThat(result).isEqualTo(new DnsResult.Answer(
                java.util.List.of(new DnsRecord("mx1.example.com", DnsRecordType.A, 300, 0, "192.0.2.10")), false));
    }

    @Test
    void lookupShouldReturnMxWithPreferenceAndTargetWithoutDot() throws Exception {
        server.add(new MXRecord(name("example.com."), DClass.IN, 60, 10, name("mx1.example.com.")));
        server.add(new MXRecord(name("example.com."), DClass.IN, 60, 20, name("mx2.example.com.")));

        DnsResult.Answer answer = (DnsResult.Answer) resolver.lookup("example.com", DnsRecordType.MX);

        assertThat(answer.records()).extracting(DnsRecord::preference, DnsRecord::data)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(10, "mx1.example.com"),
                        org.assertj.core.groups.Tuple.tuple(20, "mx2.example.com"));
    }

    @Test
    void lookupShouldJoinTxtStrings() throws Exception {
        server.add(new TXTRecord(name("_smtp._tls.example.com."), DClass.IN, 60,
                java.util.List.of("v=TLSRPTv1; ", "rua=mailto:tlsrpt@example.com")));

        DnsResult.Answer answer = (DnsResult.Answer) resolver.lookup("_smtp._tls.example.com", DnsRecordType.TXT);

        assertThat(answer.records().get(0).data()).isEqualTo("v=TLSRPTv1; rua=mailto:tlsrpt@example.com");
    }

    @Test
    void nxdomainShouldBeNoSuchDomain() {
        server.rcode("nowhere.example.", Rcode.NXDOMAIN);

        assertThat(resolver.lookup("nowhere.example", DnsRecordType.MX)).isEqualTo(new DnsResult.NoSuchDomain(false));
    }

    @Test
    void nameWithoutRecordsOfTheTypeShouldBeNoData() throws Exception {
        server.add(new ARecord(name("a-only.example."), DClass.IN, 300, InetAddress.getByName("192.0.2.1")));

        assertThat(resolver.lookup("a-only.example", DnsRecordType.MX)).isEqualTo(new DnsResult.NoData(false));
    }

    @Test
    void servfailShouldBeTemporaryFailure() {
        server.rcode("broken.example.", Rcode.SERVFAIL);

        assertThat(resolver.lookup("broken.example", DnsRecordType.A)).isInstanceOf(DnsResult.TemporaryFailure.class);
    }

    @Test
    void deadServerShouldBeTemporaryFailureWithinTheTimeout() {
        server.silent(true);

        long start = System.nanoTime();
        DnsResult result = resolver.lookup("example.com", DnsRecordType.A);

        assertThat(result).isInstanceOf(DnsResult.TemporaryFailure.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TimeoutBounds.givingUp(TIMEOUT, 1));
    }

    @Test
    void adBitShouldBeReportedAsAuthenticated() throws Exception {
        server.add(new ARecord(name("signed.example."), DClass.IN, 300, InetAddress.getByName("192.0.2.2")));
        server.authenticated(true);

        assertThat(((DnsResult.Answer) resolver.lookup("signed.example", DnsRecordType.A)).authenticated()).isTrue();
    }

    @Test
    void invalidNameShouldBeNoSuchDomainWithoutAQuery() {
        String tooLong = "a".repeat(64) + ".example";

        assertThat(resolver.lookup(tooLong, DnsRecordType.A)).isEqualTo(new DnsResult.NoSuchDomain(DnssecStatus.INDETERMINATE));
    }

    @Test
    void dnsServersShouldPointTheResolverAtTheListedServerAndFollowChanges() throws Exception {
        server.add(new ARecord(name("mx1.example.com."), DClass.IN, 300, InetAddress.getByName("192.0.2.10")));
        String[] dnsServers = {"127.0.0.1:" + server.port()};
        DnsjavaResolver configured = new DnsjavaResolver(() -> new ResolverSpec(dnsServers[0], false, ""));

        assertThat(configured.lookup("mx1.example.com", DnsRecordType.A)).isInstanceOf(DnsResult.Answer.class);

        dnsServers[0] = "[::1]:" + server.port() + " 127.0.0.1:bogus";   // postfix reload with a bad value
        DnsResult broken = configured.lookup("mx1.example.com", DnsRecordType.A);
        assertThat(broken).isEqualTo(new DnsResult.TemporaryFailure(
                "mx1.example.com/A: dns_servers: bad server \"127.0.0.1:bogus\": bad port"));

        dnsServers[0] = "mx.example.net";
        assertThat(configured.lookup("mx1.example.com", DnsRecordType.A)).isEqualTo(new DnsResult.TemporaryFailure(
                "mx1.example.com/A: dns_servers: bad server \"mx.example.net\": an IP address is required"));
    }

    @Test
    void dnsServersShouldAcceptBracketedIpv6AndDefaultToPort53() throws Exception {
        assertThat(NameServers.servers("192.0.2.53 [2001:db8::53]:5353, 127.0.0.1:5300"))
                .extracting(a -> a.getAddress().getHostAddress() + "/" + a.getPort())
                .containsExactly("192.0.2.53/53", "2001:db8:0:0:0:0:0:53/5353", "127.0.0.1/5300");
    }
}
