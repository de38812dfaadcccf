// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;

class StartTlsTest {

    private final SmtpDeliveryAgent agent = new SmtpDeliveryAgent(null);
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
}
