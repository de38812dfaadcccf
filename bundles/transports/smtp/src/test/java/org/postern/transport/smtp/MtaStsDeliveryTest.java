// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.tls.TlsSessionResult;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;
import org.postern.testing.MapDictRegistry;
import org.postern.testing.MovableClock;
import org.postern.transport.smtp.sts.NginxPolicyServer;
import org.postern.transport.smtp.sts.RecordingLogger;
import org.postern.transport.smtp.sts.StsTesting;
import org.postern.transport.smtp.sts.TestCa;

/**
 * MTA-STS end to end: policies served by a private nginx with a test CA, MX hosts played by the
 * scripted STARTTLS server, DNS from memory, time from a movable clock.
 */
class MtaStsDeliveryTest {

    static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";

    @TempDir
    static Path web;
    static TestCa ca;
    static NginxPolicyServer nginx;
    static String caFile;

    @TempDir
    Path cache;
    final MapDictRegistry tables = new MapDictRegistry();
    final RecordingLogger log = new RecordingLogger();
    final MovableClock clock = new MovableClock(Instant.parse("2026-12-06T00:00:00Z"));
    final List<TlsSessionResult> reports = new CopyOnWriteArrayList<>();
    ZoneDnsResolver dns;
    SmtpDeliveryAgent agent;
    ScriptedSmtpServer mx;

    @BeforeAll
    static void startNginx() throws Exception {
        ca = new TestCa("Postern test CA");
        nginx = NginxPolicyServer.start(web, ca, List.of("example.test", "other.test"));
        caFile = Files.writeString(web.resolve("ca.pem"), ca.pem()).toString();
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    @BeforeEach
    void zone() throws IOException {
        dns = new ZoneDnsResolver().mx("example.test", 10, "mx.example.test").a("mx.example.test", "127.0.0.1")
                .a("mta-sts.example.test", "127.0.0.1").txt("_mta-sts.example.test", "v=STSv1; id=1;")
                .mx("other.test", 10, "mx.example.test");
        nginx.policy("example.test", ENFORCE);
        agent = newAgent();
    }

    @AfterEach
    void stop() throws IOException {
        agent.deactivate();
        if (mx != null) {
            mx.close();
        }
    }

    private SmtpDeliveryAgent newAgent() {
        SmtpDeliveryAgent a = new SmtpDeliveryAgent(dns, tables,
                StsTesting.mtaSts(() -> dns, cache, log.logger(), nginx.port(), clock));
        a.tlsReportSinks(List.of(reports::add));
        return a;
    }

    /** The one RFC 8460 result reported so far, checked for what every STS result carries. */
    private TlsSessionResult onlyReport(Optional<FailureType> failure) {
        assertThat(reports).hasSize(1);
        TlsSessionResult r = reports.get(0);
        assertThat(r.policyDomain()).isEqualTo("example.test");
        assertThat(r.policyType()).isEqualTo(PolicyType.STS);
        assertThat(r.receivingMxHost()).isEqualTo("mx.example.test");
        assertThat(r.failure()).isEqualTo(failure);
        return r;
    }

    private void mxPresenting(TestCa.Issued certificate) throws Exception {
        if (mx != null) {
            mx.close();
        }
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.tls = certificate == null ? null : certificate.serverContext();
        if (certificate == null) {
            script.without("STARTTLS");
        }
        mx = ScriptedSmtpServer.tcp(script);
    }

    private RecipientResult deliver(String nexthop, String... settings) {
        String domain = nexthop.replaceAll("[\\[\\]]", "").replace("mx.", "");
        Requests r = Requests.to(nexthop).recipients("u@" + domain).set("smtp_tcp_port", String.valueOf(mx.port()))
                .set("mta_sts_CAfile", caFile);
        for (int i = 0; i < settings.length; i += 2) {
            r.set(settings[i], settings[i + 1]);
        }
        return agent.deliver(r.build()).results().get(0);
    }

    private static void assertDeferred(RecipientResult r, String dsn, String diagnostic) {
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo(dsn);
        assertThat(r.diagnostic()).contains(diagnostic);
    }

    @Test
    void enforceWithAMatchingMxShouldDeliverOverVerifiedTlsAndCacheThePolicy() throws Exception {
        mxPresenting(ca.issue("mx.example.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(mx.tlsUsed).isTrue();
        Path file = cache.resolve("example.test");
        assertThat(Files.readString(file)).startsWith("domain: example.test\nid: 1\nfetched: " + clock.instant().getEpochSecond())
                .endsWith("\n\n" + ENFORCE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(log.containing("MTA-STS policy for example.test: id 1, mode enforce, max_age 86400")).hasSize(1);
        TlsSessionResult r = onlyReport(Optional.empty());
        assertThat(r.receivingIp()).isEqualTo("127.0.0.1");
        assertThat(r.policyStrings()).containsExactly("version: STSv1", "mode: enforce", "mx: mx.example.test",
                "max_age: 86400");
    }

    @Test
    void enforceShouldDeferAnMxThatMatchesNoPattern() throws Exception {
        nginx.policy("example.test", ENFORCE.replace("mx.example.test", "mx.elsewhere.test"));
        mxPresenting(ca.issue("mx.example.test"));
        assertDeferred(deliver("example.test"), "4.7.5",
                "MX host mx.example.test does not match the mx patterns of the MTA-STS policy for example.test");
        assertThat(mx.connections.get()).isZero();
        onlyReport(Optional.of(FailureType.VALIDATION_FAILURE));
    }

    @Test
    void enforceShouldDeferACertificateOfAnotherCaAndSendNothingInPlaintext() throws Exception {
        mxPresenting(new TestCa("Unknown CA").issue("mx.example.test"));
        assertDeferred(deliver("example.test"), "4.7.5", "MTA-STS policy for example.test: server certificate verification"
                + " failed for mx.example.test[127.0.0.1]:" + mx.port() + ": PKIX path building failed");
        assertThat(mx.connections.get()).isEqualTo(1);
        assertThat(mx.verbs()).doesNotContain("MAIL");
        assertThat(mx.messages).isEmpty();
        onlyReport(Optional.of(FailureType.CERTIFICATE_NOT_TRUSTED));
    }

    @Test
    void enforceShouldDeferACertificateForAnotherName() throws Exception {
        mxPresenting(ca.issue("mail.example.test"));
        assertDeferred(deliver("example.test"), "4.7.5", "MTA-STS policy for example.test: server certificate verification"
                + " failed for mx.example.test[127.0.0.1]:" + mx.port() + ": certificate names [mail.example.test] do not match"
                + " mx.example.test");
        assertThat(mx.messages).isEmpty();
        onlyReport(Optional.of(FailureType.CERTIFICATE_HOST_MISMATCH));
    }

    @Test
    void enforceShouldDeferAnExpiredCertificate() throws Exception {
        mxPresenting(ca.issueExpired("mx.example.test"));
        assertDeferred(deliver("example.test"), "4.7.5", "server certificate verification failed");
        assertThat(mx.messages).isEmpty();
        onlyReport(Optional.of(FailureType.CERTIFICATE_EXPIRED));
    }

    @Test
    void enforceShouldDeferAnMxWithoutStarttls() throws Exception {
        mxPresenting(null);
        assertDeferred(deliver("example.test"), "4.7.4", "TLS is required, but was not offered by host mx.example.test");
        assertThat(mx.verbs()).doesNotContain("MAIL");
        onlyReport(Optional.of(FailureType.STARTTLS_NOT_SUPPORTED));
    }

    @Test
    void testingShouldDeliverAndLogWhatEnforceWouldRefuse() throws Exception {
        nginx.policy("example.test", ENFORCE.replace("enforce", "testing").replace("mx.example.test", "mx.elsewhere.test"));
        mxPresenting(new TestCa("Unknown CA").issue("mx.example.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(mx.tlsUsed).isTrue();
        assertThat(log.containing("MTA-STS policy for example.test (mode testing): MX host mx.example.test does not match"
                + " the mx patterns of the MTA-STS policy for example.test; mode enforce would not deliver to it")).hasSize(1);
        assertThat(log.containing("MTA-STS policy for example.test (mode testing): certificate of mx.example.test:")).hasSize(1);
        onlyReport(Optional.of(FailureType.CERTIFICATE_NOT_TRUSTED));
    }

    @Test
    void aFetchErrorShouldDeliverAsWithoutMtaSts() throws Exception {
        nginx.remove("example.test");
        mxPresenting(new TestCa("Unknown CA").issue("mx.example.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(log.containing("warning: MTA-STS policy for example.test: HTTP status 404 from mta-sts.example.test;"
                + " delivering as without MTA-STS")).hasSize(1);
        assertThat(cache.resolve("example.test")).doesNotExist();
        assertThat(onlyReport(Optional.of(FailureType.STS_POLICY_FETCH_ERROR)).policyStrings()).isEmpty();
    }

    @Test
    void anInvalidPolicyShouldDeliverAsWithoutMtaSts() throws Exception {
        nginx.policy("example.test", ENFORCE.replace("max_age: 86400", "max_age: forever"));
        mxPresenting(new TestCa("Unknown CA").issue("mx.example.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(log.containing("MTA-STS policy for example.test: invalid policy: line 4")).hasSize(1);
        onlyReport(Optional.of(FailureType.STS_POLICY_INVALID));
    }

    @Test
    void aNewIdShouldFetchThePolicyAgainAndTheSameIdShouldNot() throws Exception {
        mxPresenting(ca.issue("mx.example.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        long fetches = nginx.awaitPolicyRequests(1);
        nginx.policy("example.test", ENFORCE.replace("mx.example.test", "mx.elsewhere.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);     // same id: the cached policy
        assertThat(nginx.awaitPolicyRequests(fetches)).isEqualTo(fetches);
        dns.remove("_mta-sts.example.test", DnsRecordType.TXT).txt("_mta-sts.example.test", "v=STSv1; id=2;");
        assertDeferred(deliver("example.test"), "4.7.5", "does not match the mx patterns");
        assertThat(Files.readString(cache.resolve("example.test"))).contains("id: 2\n").contains("mx.elsewhere.test");
    }

    @Test
    void aPolicyChangedWithoutANewIdShouldBePickedUpAtExpiry() throws Exception {
        // postfix-mta-sts-resolver#113: the id stays, the policy changes, max_age runs out
        nginx.policy("example.test", ENFORCE.replace("86400", "600"));
        mxPresenting(ca.issue("mx.example.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        nginx.policy("example.test", ENFORCE.replace("mx.example.test", "mx.elsewhere.test"));
        clock.advance(Duration.ofSeconds(599));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        clock.advance(Duration.ofSeconds(2));
        assertDeferred(deliver("example.test"), "4.7.5", "does not match the mx patterns");
    }

    @Test
    void anExpiredPolicyWhoseRecordIsGoneShouldBeDropped() throws Exception {
        nginx.policy("example.test", ENFORCE.replace("86400", "600"));
        mxPresenting(ca.issue("mx.example.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        dns.remove("_mta-sts.example.test", DnsRecordType.TXT);
        mxPresenting(new TestCa("Unknown CA").issue("mx.example.test"));
        assertDeferred(deliver("example.test"), "4.7.5", "server certificate verification failed");      // still valid: still enforced
        clock.advance(Duration.ofSeconds(601));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(cache.resolve("example.test")).doesNotExist();
    }

    @Test
    void aRestartedAgentShouldUseTheCachedPolicyWithoutFetching() throws Exception {
        mxPresenting(ca.issue("mx.example.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        long fetches = nginx.awaitPolicyRequests(1);
        agent.deactivate();
        nginx.remove("example.test");
        agent = newAgent();
        mxPresenting(new TestCa("Unknown CA").issue("mx.example.test"));
        assertDeferred(deliver("example.test"), "4.7.5", "server certificate verification failed");
        assertThat(nginx.awaitPolicyRequests(fetches)).isEqualTo(fetches);
    }

    @Test
    void aFailedRefreshShouldKeepTheCachedPolicy() throws Exception {
        mxPresenting(ca.issue("mx.example.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        nginx.remove("example.test");
        dns.remove("_mta-sts.example.test", DnsRecordType.TXT).txt("_mta-sts.example.test", "v=STSv1; id=2;");
        mxPresenting(new TestCa("Unknown CA").issue("mx.example.test"));
        assertDeferred(deliver("example.test"), "4.7.5", "server certificate verification failed");
        assertThat(log.containing("warning: MTA-STS policy for example.test: id changed to 2 but the refresh failed"
                + " (HTTP status 404 from mta-sts.example.test); keeping the cached policy (id 1)")).hasSize(1);
        assertThat(Files.readString(cache.resolve("example.test"))).contains("id: 1\n");
    }

    @Test
    void modeNoneShouldReplaceTheCachedPolicyAtOnce() throws Exception {
        mxPresenting(ca.issue("mx.example.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        nginx.policy("example.test", "version: STSv1\nmode: none\nmax_age: 86400\n");
        dns.remove("_mta-sts.example.test", DnsRecordType.TXT).txt("_mta-sts.example.test", "v=STSv1; id=2;");
        mxPresenting(new TestCa("Unknown CA").issue("mx.example.test"));
        assertThat(deliver("example.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(Files.readString(cache.resolve("example.test"))).contains("id: 2\n").contains("mode: none");
    }

    @Test
    void aBrokenPolicyForOneDomainShouldNotAffectAnotherSharingItsMx() throws Exception {
        // kumomta#557: other.test uses mx.example.test too but publishes no policy
        nginx.policy("example.test", ENFORCE.replace("mx.example.test", "mx.elsewhere.test"));
        mxPresenting(ca.issue("mx.example.test"));
        assertDeferred(deliver("example.test"), "4.7.5", "does not match the mx patterns");
        assertThat(deliver("other.test").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertDeferred(deliver("example.test"), "4.7.5", "does not match the mx patterns");
        assertThat(mx.messages).hasSize(1);
    }

    @Test
    void aPolicyTableEntryShouldWinOverMtaSts() throws Exception {
        nginx.policy("example.test", ENFORCE.replace("mx.example.test", "mx.elsewhere.test"));
        tables.put("test:policy", "example.test", "encrypt");
        mxPresenting(new TestCa("Unknown CA").issue("mx.example.test"));
        assertThat(deliver("example.test", "smtp_tls_policy_maps", "test:policy").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(dns.queries).doesNotContain("_mta-sts.example.test/TXT");
    }

    @Test
    void aBracketedNexthopShouldNotUseMtaSts() throws Exception {
        nginx.policy("example.test", ENFORCE.replace("mx.example.test", "mx.elsewhere.test"));
        mxPresenting(new TestCa("Unknown CA").issue("mx.example.test"));
        assertThat(deliver("[mx.example.test]").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(dns.queries).noneMatch(q -> q.startsWith("_mta-sts."));
    }

    @Test
    void mtaStsSwitchedOffShouldNotLookAnythingUp() throws Exception {
        nginx.policy("example.test", ENFORCE.replace("mx.example.test", "mx.elsewhere.test"));
        mxPresenting(ca.issue("mx.example.test"));
        assertThat(deliver("example.test", "smtp_mta_sts_enable", "no").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(dns.queries).noneMatch(q -> q.startsWith("_mta-sts."));
    }

    @Test
    void withoutMxPatternEnforcementTheCertificateMustMatchAPattern() throws Exception {
        // smtp_tls_enforce_sts_mx_patterns = no: any MX host, but its certificate must match an mx pattern
        nginx.policy("example.test", ENFORCE.replace("mx.example.test", "mail.example.test"));
        mxPresenting(ca.issue("mx.example.test"));
        assertDeferred(deliver("example.test", "smtp_tls_enforce_sts_mx_patterns", "no"), "4.7.5", "server certificate verification failed");
        mxPresenting(ca.issue("mail.example.test"));
        assertThat(deliver("example.test", "smtp_tls_enforce_sts_mx_patterns", "no").outcome()).isEqualTo(Outcome.HANDED_OFF);
        // the session just cached (smtp_connection_cache_on_demand) must not carry mail under the other setting
        assertDeferred(deliver("example.test"), "4.7.5", "does not match the mx patterns");
        assertThat(mx.messages).hasSize(1);
    }
}
