// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResult;
import org.postern.api.dns.DnssecStatus;
import org.postern.testing.dns.SignedDns;
import org.postern.testing.dns.TestZone;
import org.xbill.DNS.SimpleResolver;

/**
 * DNSSEC status against real DNS software: zones signed with ldns-signzone and served by nsd;
 * "resolver" mode asks unbound, which validates them (its AD bit), "local" mode asks nsd
 * directly and validates in the JVM from the zones' DS records (dnssec_trust_anchor_file).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnssecValidationTest {

    enum Mode { RESOLVER, LOCAL }

    @TempDir
    static Path dir;

    private SignedDns dns;

    @BeforeAll
    void start() throws Exception {
        dns = SignedDns.start(dir, List.of(
                TestZone.signed("signed.test",
                        "@ IN MX 10 mx",
                        "mx IN A 127.0.0.1",
                        "_25._tcp.mx IN TLSA 3 1 1 0A0B0C0D0E0F000102030405060708090A0B0C0D0E0F00010203040506070809"),
                TestZone.bogus("bogus.test", "127.0.0.2", "127.0.0.3",
                        "mx IN A 127.0.0.2",
                        "mx IN AAAA ::1"),
                TestZone.unsigned("unsigned.test",
                        "mx IN A 127.0.0.1")));
    }

    @AfterAll
    void stop() {
        if (dns != null) {
            dns.close();
        }
    }

    private DnsjavaResolver resolver(Mode mode) {
        ResolverSpec spec = mode == Mode.RESOLVER
                ? new ResolverSpec("127.0.0.1:" + dns.resolverPort(), false, "")
                : new ResolverSpec("127.0.0.1:" + dns.authoritativePort(), true, dns.trustAnchors().toString());
        return new DnsjavaResolver(() -> spec);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void signedAnswersShouldBeSecure(Mode mode) {
        DnsjavaResolver resolver = resolver(mode);

        assertThat(resolver.lookup("mx.signed.test", DnsRecordType.A)).isInstanceOf(DnsResult.Answer.class)
                .extracting(DnsResult::dnssec).isEqualTo(DnssecStatus.SECURE);
        assertThat(resolver.lookup("_25._tcp.mx.signed.test", DnsRecordType.TLSA)).isInstanceOf(DnsResult.Answer.class)
                .extracting(DnsResult::dnssec).isEqualTo(DnssecStatus.SECURE);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void validatedDenialsShouldBeSecure(Mode mode) {
        DnsjavaResolver resolver = resolver(mode);

        assertThat(resolver.lookup("mx.signed.test", DnsRecordType.AAAA))
                .isEqualTo(new DnsResult.NoData(DnssecStatus.SECURE));
        assertThat(resolver.lookup("nothing.signed.test", DnsRecordType.A))
                .isEqualTo(new DnsResult.NoSuchDomain(DnssecStatus.SECURE));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unsignedZonesShouldBeInsecure(Mode mode) {
        DnsjavaResolver resolver = resolver(mode);

        assertThat(resolver.lookup("mx.unsigned.test", DnsRecordType.A)).isInstanceOf(DnsResult.Answer.class)
                .extracting(DnsResult::dnssec).isEqualTo(DnssecStatus.INSECURE);
        assertThat(resolver.lookup("_25._tcp.mx.unsigned.test", DnsRecordType.TLSA).dnssec())
                .isEqualTo(DnssecStatus.INSECURE);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void alteredSignedDataShouldBeBogusNeverAnAnswer(Mode mode) {
        DnsjavaResolver resolver = resolver(mode);

        DnsResult altered = resolver.lookup("mx.bogus.test", DnsRecordType.A);

        assertThat(altered).isInstanceOf(DnsResult.TemporaryFailure.class);
        assertThat(altered.dnssec()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(((DnsResult.TemporaryFailure) altered).reason()).contains("DNSSEC validation failed");
        // the zone's other records still validate: a bogus A next to a good AAAA
        assertThat(resolver.lookup("mx.bogus.test", DnsRecordType.AAAA).dnssec()).isEqualTo(DnssecStatus.SECURE);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void dnssecProbeShouldTellWhetherValidatedAnswersAreAvailable(Mode mode) {
        DnsjavaResolver resolver = resolver(mode);

        DnssecProbe.Outcome validated = DnssecProbe.run(resolver, "ns:signed.test");
        DnssecProbe.Outcome unvalidated = DnssecProbe.run(resolver, "ns:unsigned.test");

        assertThat(validated.validated()).as(validated.reason()).isTrue();
        assertThat(unvalidated.validated()).isFalse();
        assertThat(unvalidated.reason()).isEqualTo(
                "dnssec_probe 'ns:unsigned.test' received a response that is not DNSSEC validated");
        assertThat(DnssecProbe.run(resolver, "bogus").reason()).isEqualTo("malformed dnssec_probe value: bogus");
    }

    @Test
    void aMissingTrustAnchorFileShouldFailEveryLookupTemporarily() {
        DnsjavaResolver resolver = new DnsjavaResolver(() -> new ResolverSpec("127.0.0.1:" + dns.authoritativePort(),
                true, dir.resolve("no-such-anchors").toString()));

        DnsResult result = resolver.lookup("mx.signed.test", DnsRecordType.A);

        assertThat(result).isInstanceOf(DnsResult.TemporaryFailure.class);
        assertThat(((DnsResult.TemporaryFailure) result).reason()).contains("dnssec_trust_anchor_file");
    }

    @Test
    void theShippedRootAnchorsShouldLoad() throws Exception {
        assertThat(NameServers.validating(new SimpleResolver("127.0.0.1"), "")).isNotNull();
    }
}
