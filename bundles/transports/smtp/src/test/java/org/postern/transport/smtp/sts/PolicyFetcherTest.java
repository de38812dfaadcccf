// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.dns.DnsRecord;
import org.postern.api.dns.DnsRecordType;
import org.postern.api.dns.DnsResolver;
import org.postern.api.dns.DnsResult;
import org.postern.api.tls.TlsSessionResult.FailureType;

/** The policy fetch against a real web server (nginx) with a test CA. */
class PolicyFetcherTest {

    static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.example.test\nmax_age: 86400\n";

    @TempDir
    static Path dir;
    static TestCa ca;
    static NginxPolicyServer nginx;
    static String caFile;

    /** Every mta-sts.*.test name is 127.0.0.1; mta-sts.nowhere.test does not exist. */
    static final DnsResolver DNS = (name, type) -> {
        if (name.startsWith("mta-sts.") && name.endsWith(".test") && !name.equals("mta-sts.nowhere.test")) {
            return type == DnsRecordType.A ? new DnsResult.Answer(List.of(new DnsRecord(name, type, 60, 0, "127.0.0.1")), false)
                    : new DnsResult.NoData(false);
        }
        return new DnsResult.NoSuchDomain(false);
    };

    @BeforeAll
    static void start() throws Exception {
        ca = new TestCa("Postern test CA");
        nginx = NginxPolicyServer.start(dir, ca, List.of("example.test", "redirect.test", "wrongtype.test", "big.test", "chunked.test"));
        caFile = Files.writeString(dir.resolve("ca.pem"), ca.pem()).toString();
    }

    @AfterAll
    static void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    private PolicyFetcher.Result fetch(String domain, String trusted) {
        return new PolicyFetcher(() -> DNS, new WebPki(), nginx.port()).fetch(domain, trusted, Duration.ofSeconds(5));
    }

    @Test
    void aPolicyServedAsTextPlainByATrustedHostShouldBeFetched() throws Exception {
        nginx.policy("example.test", POLICY);
        assertThat(fetch("example.test", caFile)).isEqualTo(new PolicyFetcher.Result.Fetched(POLICY));
    }

    @Test
    void withoutTheTestCaTheHostIsNotWebPkiValid() throws Exception {
        nginx.policy("example.test", POLICY);
        PolicyFetcher.Result r = fetch("example.test", "");
        assertThat(r).isInstanceOf(PolicyFetcher.Result.Failed.class);
        assertThat(((PolicyFetcher.Result.Failed) r).type()).isEqualTo(FailureType.STS_WEBPKI_INVALID);
    }

    @Test
    void aCertificateOfAnotherCaShouldBeRefused() throws Exception {
        nginx.policy("badcert.test", POLICY);
        assertFailed(fetch("badcert.test", caFile), FailureType.STS_WEBPKI_INVALID, "TLS handshake with mta-sts.badcert.test");
    }

    @Test
    void notFoundShouldBeAFetchError() throws Exception {
        nginx.remove("example.test");
        assertFailed(fetch("example.test", caFile), FailureType.STS_POLICY_FETCH_ERROR,
                "HTTP status 404 from mta-sts.example.test");
    }

    @Test
    void aRedirectShouldNotBeFollowed() throws Exception {
        nginx.policy("example.test", POLICY);
        long before = nginx.policyRequests();
        assertFailed(fetch("redirect.test", caFile), FailureType.STS_POLICY_FETCH_ERROR,
                "HTTP status 301 from mta-sts.redirect.test (redirects are not followed)");
        assertThat(nginx.awaitPolicyRequests(before + 1)).isEqualTo(before + 1);   // the 301 only
    }

    @Test
    void anotherMediaTypeShouldBeRefused() throws Exception {
        nginx.policy("wrongtype.test", POLICY);
        assertFailed(fetch("wrongtype.test", caFile), FailureType.STS_POLICY_FETCH_ERROR,
                "media type \"text/html\" from mta-sts.wrongtype.test is not text/plain");
    }

    @Test
    void aPolicyLargerThan64KbShouldBeRefused() throws Exception {
        nginx.policy("big.test", POLICY + "x_pad: " + "y".repeat(PolicyFetcher.MAX_BODY) + "\n");
        assertFailed(fetch("big.test", caFile), FailureType.STS_POLICY_FETCH_ERROR,
                "policy from mta-sts.big.test is larger than 65536 bytes");
    }

    @Test
    void aPolicyOfExactly64KbShouldBeFetched() throws Exception {
        String padded = POLICY + "x_pad: ";
        padded = padded + "y".repeat(PolicyFetcher.MAX_BODY - padded.length() - 1) + "\n";
        nginx.policy("big.test", padded);
        assertThat(fetch("big.test", caFile)).isEqualTo(new PolicyFetcher.Result.Fetched(padded));
    }

    @Test
    void aChunkedAnswerShouldBeReassembled() throws Exception {
        String padded = POLICY + "x_pad: " + "y".repeat(20_000) + "\n";
        nginx.policy("chunked.test", padded);
        assertThat(fetch("chunked.test", caFile)).isEqualTo(new PolicyFetcher.Result.Fetched(padded));
    }

    @Test
    void aChunkedAnswerLargerThan64KbShouldBeRefused() throws Exception {
        nginx.policy("chunked.test", POLICY + "x_pad: " + "y".repeat(PolicyFetcher.MAX_BODY) + "\n");
        assertFailed(fetch("chunked.test", caFile), FailureType.STS_POLICY_FETCH_ERROR,
                "policy from mta-sts.chunked.test is larger than 65536 bytes");
    }

    @Test
    void aSilentServerShouldTimeOut() throws Exception {
        // accepts the connection, never answers the TLS handshake
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 3599));
            long started = System.nanoTime();
            PolicyFetcher.Result r = new PolicyFetcher(() -> DNS, new WebPki(), 3599)
                    .fetch("example.test", caFile, Duration.ofSeconds(1));
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertFailed(r, FailureType.STS_POLICY_FETCH_ERROR, "timeout fetching https://mta-sts.example.test/");
            assertThat(ms).isBetween(900L, 5_000L);
        }
    }

    @Test
    void aHostWithoutAddressShouldBeAFetchError() {
        assertFailed(fetch("nowhere.test", caFile), FailureType.STS_POLICY_FETCH_ERROR, "no address for mta-sts.nowhere.test");
    }

    private static void assertFailed(PolicyFetcher.Result r, FailureType type, String reason) {
        assertThat(r).isInstanceOf(PolicyFetcher.Result.Failed.class);
        PolicyFetcher.Result.Failed f = (PolicyFetcher.Result.Failed) r;
        assertThat(f.type()).isEqualTo(type);
        assertThat(f.reason()).startsWith(reason);
    }
}
