// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.testing.MapDictRegistry;

class StartTlsTest {

    private final MapDictRegistry policies = new MapDictRegistry();
    private final SmtpDeliveryAgent agent = new SmtpDeliveryAgent(null, policies);
    private ScriptedSmtpServer server;

    @AfterEach
    void stop() throws IOException {
        agent.deactivate();
        if (server != null) {
            server.close();
        }
    }

    private ScriptedSmtpServer.Script tlsScript() throws Exception {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.tls = SelfSignedTls.serverContext("mx.test");
        return script;
    }

    private RecipientResult deliver(String level) {
        Requests r = Requests.to("[127.0.0.1]:" + server.port());
        if (level != null) {
            r.set("smtp_tls_security_level", level);
        }
        return agent.deliver(r.build()).results().get(0);
    }

    @Test
    void defaultLevelShouldUseTlsWhenOfferedAndTrustAnyCertificate() throws Exception {
        server = ScriptedSmtpServer.tcp(tlsScript());
        assertThat(deliver(null).outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.tlsUsed).isTrue();
        assertThat(server.verbs()).containsExactly("EHLO", "STARTTLS", "EHLO", "MAIL", "RCPT", "DATA", ".");
        assertThat(server.lastMessage()).contains("Subject: test");
    }

    @Test
    void mayShouldDeliverInPlaintextWhenTlsIsNotOffered() throws IOException {
        server = ScriptedSmtpServer.tcp(new ScriptedSmtpServer.Script());
        assertThat(deliver("may").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.verbs()).doesNotContain("STARTTLS");
    }

    @Test
    void mayShouldCarryOnInPlaintextWhenStarttlsIsRefused() throws Exception {
        server = ScriptedSmtpServer.tcp(tlsScript().reply("STARTTLS", "454 4.7.0 TLS not available"));
        assertThat(deliver("may").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.tlsUsed).isFalse();
        assertThat(server.connections.get()).isEqualTo(1);
    }

    @Test
    void mayShouldRetryInPlaintextAfterAFailedHandshake() throws IOException {
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script().reply("STARTTLS", "220 2.0.0 go ahead");
        script.extensions.add("STARTTLS");
        server = ScriptedSmtpServer.tcp(script);
        assertThat(deliver("may").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.connections.get()).isEqualTo(2);
        assertThat(server.messages).hasSize(1);
    }

    @Test
    void noneShouldNeverStartTls() throws Exception {
        server = ScriptedSmtpServer.tcp(tlsScript());
        assertThat(deliver("none").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.verbs()).doesNotContain("STARTTLS");
    }

    @Test
    void encryptShouldDeferWhenTlsIsNotOffered() throws IOException {
        server = ScriptedSmtpServer.tcp(new ScriptedSmtpServer.Script());
        RecipientResult r = deliver("encrypt");
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.7.4");
        assertThat(r.diagnostic()).isEqualTo("TLS is required, but was not offered by host 127.0.0.1[127.0.0.1]");
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void encryptShouldDeliverOverTls() throws Exception {
        server = ScriptedSmtpServer.tcp(tlsScript());
        assertThat(deliver("encrypt").outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.tlsUsed).isTrue();
    }

    @Test
    void secureShouldRejectAnUntrustedCertificateAndNotFallBackToPlaintext() throws Exception {
        server = ScriptedSmtpServer.tcp(tlsScript());
        RecipientResult r = deliver("secure");
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.7.5");
        assertThat(server.messages).isEmpty();
        assertThat(server.connections.get()).isEqualTo(1);
    }

    private RecipientResult deliverWith(String... settings) {
        Requests r = Requests.to("[127.0.0.1]:" + server.port());
        for (int i = 0; i < settings.length; i += 2) {
            r.set(settings[i], settings[i + 1]);
        }
        return agent.deliver(r.build()).results().get(0);
    }

    @Test
    void aPolicyTableEntryShouldNeverBeDowngradedToPlaintext() throws IOException {
        // The issue's case: encrypt for this destination, a peer without STARTTLS, main.cf's level "may".
        server = ScriptedSmtpServer.tcp(new ScriptedSmtpServer.Script());
        policies.put("test:policy", "[127.0.0.1]:" + server.port(), "encrypt");
        RecipientResult r = deliverWith("smtp_tls_policy_maps", "test:policy");
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.dsnStatus()).isEqualTo("4.7.4");
        assertThat(server.verbs()).doesNotContain("MAIL");
    }

    @Test
    void aPolicyTableEntryForAnotherDestinationShouldLeaveMainCfsLevel() throws Exception {
        server = ScriptedSmtpServer.tcp(new ScriptedSmtpServer.Script());
        policies.put("test:policy", "[192.0.2.1]:25", "encrypt").put("test:policy", ".example.net", "verify");
        RecipientResult r = deliverWith("smtp_tls_policy_maps", "test:policy");
        assertThat(r.outcome()).isEqualTo(Outcome.HANDED_OFF);
    }

    @Test
    void whatIsNotUnderstoodShouldDeferAndSayWhy() throws Exception {
        server = ScriptedSmtpServer.tcp(tlsScript());
        policies.put("test:policy", "[127.0.0.1]:" + server.port(), "secure tlsrpt=no");
        RecipientResult attribute = deliverWith("smtp_tls_policy_maps", "test:policy");
        assertThat(attribute.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(attribute.dsnStatus()).isEqualTo("4.7.5");
        assertThat(attribute.diagnostic()).isEqualTo("unknown TLS policy attribute tlsrpt");
        policies.put("test:policy", "[127.0.0.1]:" + server.port(), "paranoid");
        RecipientResult level = deliverWith("smtp_tls_policy_maps", "test:policy");
        assertThat(level.diagnostic()).isEqualTo("unknown TLS security level paranoid");
        assertThat(server.connections.get()).isZero();
    }

    @Test
    void verifyShouldTrustOnlyTheConfiguredCaFile(@TempDir Path dir) throws Exception {
        SelfSignedTls.Issued issued = SelfSignedTls.issue("mx.test");
        ScriptedSmtpServer.Script script = new ScriptedSmtpServer.Script();
        script.tls = issued.context();
        server = ScriptedSmtpServer.tcp(script);
        Path unrelated = Files.writeString(dir.resolve("unrelated.pem"), SelfSignedTls.issue("ca.example").pem());
        RecipientResult refused = deliverWith("smtp_tls_security_level", "verify", "smtp_tls_CAfile", unrelated.toString());
        assertThat(refused.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(refused.dsnStatus()).isEqualTo("4.7.5");
        assertThat(server.messages).isEmpty();

        Path own = Files.writeString(dir.resolve("own.pem"), issued.pem());
        RecipientResult trusted = deliverWith("smtp_tls_security_level", "verify", "smtp_tls_CAfile", own.toString());
        assertThat(trusted.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(server.tlsUsed).isTrue();
    }

    @Test
    void aServerThatTalksBeforeTheHandshakeShouldBeTreatedAsHostile() throws Exception {
        // plaintext injected after the 220 would otherwise be read as the first TLS-protected reply
        server = ScriptedSmtpServer.tcp(tlsScript().reply("STARTTLS", "220 2.0.0 Ready\r\n250-injected\r\n250 OK"));

        RecipientResult result = deliverWith("smtp_tls_security_level", "may");

        assertThat(result.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(result.dsnStatus()).isEqualTo("4.7.5");
        assertThat(server.verbs()).doesNotContain("MAIL");
        assertThat(server.connections.get()).as("not even the plaintext retry of level may").isEqualTo(1);
    }
}
