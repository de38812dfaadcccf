// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.tls.TlsSessionResult;
import org.postern.api.tls.TlsSessionResult.FailureType;
import org.postern.api.tls.TlsSessionResult.PolicyType;

/** What the client tells the TlsReportSink services: one result per TLS attempt, in RFC 8460 terms. */
class TlsReportingTest {

    private static final String MX = "mx.dane.test";

    private final ZoneDnsResolver dns = new ZoneDnsResolver().signed();
    private final SmtpDeliveryAgent agent = new SmtpDeliveryAgent(dns);
    private final List<TlsSessionResult> reported = new CopyOnWriteArrayList<>();
    private ScriptedSmtpServer server;
    private SelfSignedTls.Issued issued;

    @AfterEach
    void stop() throws IOException {
        agent.deactivate();
        if (server != null) {
            server.close();
        }
    }

    private void serve(boolean tls) throws Exception {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        if (tls) {
            issued = SelfSignedTls.issue(MX);
            script.tls = issued.context();
        }
        server = ScriptedSmtpServer.tcp(script);
        dns.a(MX, "127.0.0.1");
        agent.addTlsReportSink(reported::add);
    }

    private void deliver(String level) {
        Requests r = Requests.to("[" + MX + "]:" + server.port());
        r.set("smtp_tls_security_level", level);
        r.set("smtp_dns_support_level", "dnssec");
        r.set("inet_protocols", "ipv4");
        agent.deliver(r.build());
    }

    private String tlsa() {
        return "_" + server.port() + "._tcp." + MX;
    }

    private String spkiSha256() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(issued.certificate().getPublicKey().getEncoded())).toUpperCase(Locale.ROOT);
    }

    @Test
    void aDaneSessionShouldBeReportedAsASuccessUnderItsTlsaPolicy() throws Exception {
        serve(true);
        String record = "3 1 1 " + spkiSha256();
        dns.tlsa(tlsa(), record);

        deliver("dane");

        assertThat(reported).hasSize(1);
        TlsSessionResult r = reported.get(0);
        assertThat(r.successful()).isTrue();
        assertThat(r.policyType()).isEqualTo(PolicyType.TLSA);
        assertThat(r.policyStrings()).containsExactly(record);
        assertThat(r.policyDomain()).isEqualTo(MX);
        assertThat(r.receivingMxHost()).isEqualTo(MX);
        assertThat(r.receivingIp()).isEqualTo("127.0.0.1");
        assertThat(r.sendingIp()).isEqualTo("127.0.0.1");
        assertThat(r.receivingMxHelo()).isNotEmpty();
    }

    @Test
    void aTlsaMismatchShouldBeReportedAsAFailure() throws Exception {
        serve(true);
        dns.tlsa(tlsa(), "3 1 1 " + "00".repeat(32));

        deliver("dane");

        assertThat(reported).singleElement().satisfies(r -> {
            assertThat(r.failure()).contains(FailureType.CERTIFICATE_NOT_TRUSTED);
            assertThat(r.policyType()).isEqualTo(PolicyType.TLSA);
        });
    }

    @Test
    void aMessageThatWaivedThePolicyShouldNotBeReported() throws Exception {
        serve(true);
        dns.tlsa(tlsa(), "3 1 1 " + "00".repeat(32));
        Requests r = Requests.to("[" + MX + "]:" + server.port());
        r.set("smtp_tls_security_level", "dane");
        r.set("smtp_dns_support_level", "dnssec");
        r.set("inet_protocols", "ipv4");
        r.content("TLS-Required: No\nSubject: a TLSRPT report\n\nbody\n");

        RecipientResult result = agent.deliver(r.build()).results().get(0);

        assertThat(result.outcome()).as(result.toString()).isEqualTo(RecipientResult.Outcome.HANDED_OFF);
        assertThat(reported).as("no report about a report: TLS-Required: no waives the policy").isEmpty();
    }

    @Test
    void aFailedTlsaLookupShouldBeReportedAsDnssecInvalidWithoutAConnection() throws Exception {
        serve(true);
        dns.bogus(tlsa() + "/TLSA");

        deliver("dane");

        assertThat(reported).singleElement().satisfies(r -> {
            assertThat(r.failure()).contains(FailureType.DNSSEC_INVALID);
            assertThat(r.sendingIp()).isEmpty();
        });
        assertThat(server.connections.get()).isZero();
    }

    @Test
    void daneOnlyWithoutRecordsShouldBeReportedAsDaneRequired() throws Exception {
        serve(true);

        deliver("dane-only");

        assertThat(reported).singleElement().extracting(TlsSessionResult::failure)
                .isEqualTo(Optional.of(FailureType.DANE_REQUIRED));
    }

    @Test
    void opportunisticTlsShouldBeReportedUnderNoPolicyFound() throws Exception {
        serve(true);

        deliver("may");

        assertThat(reported).singleElement().satisfies(r -> {
            assertThat(r.successful()).isTrue();
            assertThat(r.policyType()).isEqualTo(PolicyType.NO_POLICY_FOUND);
            assertThat(r.policyStrings()).isEmpty();
        });
    }

    @Test
    void requiredTlsNotOfferedShouldBeReportedAsStarttlsNotSupported() throws Exception {
        serve(false);

        deliver("encrypt");

        assertThat(reported).singleElement().extracting(TlsSessionResult::failure)
                .isEqualTo(Optional.of(FailureType.STARTTLS_NOT_SUPPORTED));
    }

    @Test
    void aSessionWithoutTlsAndWithoutAPolicyShouldNotBeReported() throws Exception {
        serve(false);

        deliver("may");

        assertThat(reported).isEmpty();
    }

    @Test
    void aFailingSinkShouldNeverAffectTheDelivery() throws Exception {
        serve(true);
        agent.addTlsReportSink(result -> {
            throw new IllegalStateException("broken sink");
        });

        deliver("may");

        assertThat(server.messages).hasSize(1);
        assertThat(reported).hasSize(1);
    }
}
