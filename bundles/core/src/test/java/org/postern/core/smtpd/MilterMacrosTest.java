// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.smtpd.tls.TestPki;
import org.postern.milter.MilterClient;
import org.postern.testing.milter.ScriptedMilter;

/**
 * The macros a milter gets about the session's security, as SMFIC_MACRO packets on the wire:
 * the TLS macros after STARTTLS (a real OpenSSL client presenting a certificate of a trusted CA)
 * and the SMTP AUTH macros after a login, through the real milter client.
 */
class MilterMacrosTest {

    private static final String MACROS = "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer} {verify}";

    @TempDir
    Path dir;

    private final ScriptedMilter milter;
    private SmtpServer server;

    MilterMacrosTest() throws Exception {
        milter = new ScriptedMilter();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop(1, TimeUnit.SECONDS);
        }
        milter.close();
    }

    /** The macros sent before the {@code command} events, in order. */
    private List<Map<String, String>> macrosBefore(char command) {
        return milter.all('D').stream().filter(p -> p.data().length > 0 && p.data()[0] == command)
                .map(ScriptedMilter::macros).toList();
    }

    @Test
    void tlsMacrosShouldDescribeTheSessionAndTheClientCertificate() throws Exception {
        TlsPeer.require("openssl", "openssl");
        TestPki pki = new TestPki();
        Path ca = TestPki.pem(dir.resolve("ca.pem"), pki.ca.certificate());
        TestPki.Issued client = pki.issue("client.example", TestPki.ec());
        Path cert = TestPki.pem(dir.resolve("client.pem"), client.certificate());
        Path key = TestPki.pem(dir.resolve("client.key"), client.keys());
        server = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", 0), TestConfigs.config(
                "smtpd_tls_security_level = may", "smtpd_tls_ask_ccert = yes", "smtpd_tls_CAfile = " + ca,
                "smtpd_milters = " + milter.endpoint(), "milter_helo_macros = " + MACROS),
                new ScriptedChecks(), new InMemoryQueueStore(), dir.resolve("tls")).milterService(MilterClient::new);
        int port = server.start().getPort();

        String out = TlsPeer.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-starttls", "smtp",
                "-tls1_3", "-cert", cert.toString(), "-key", key.toString()), List.of("EHLO client.example"), 800, 15);
        assertThat(out).contains("250-mx.example.test");
        assertThat(milter.awaitClosed()).isTrue();

        // Two EHLOs reach the milter; before STARTTLS none of these macros has a value, so no
        // SMFIC_MACRO precedes the first, and the one after the handshake carries them all.
        List<ScriptedMilter.Packet> events = milter.received;
        List<Integer> helos = new java.util.ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).command() == 'H') {
                helos.add(i);
            }
        }
        assertThat(helos).hasSize(2);
        List<Map<String, String>> helo = macrosBefore('H');
        assertThat(helo).hasSize(1);
        ScriptedMilter.Packet macroPacket = events.get(helos.get(1) - 1);
        assertThat(macroPacket.command()).isEqualTo('D');
        Map<String, String> tls = ScriptedMilter.macros(macroPacket);
        assertThat(tls).isEqualTo(helo.get(0));
        assertThat(tls).containsEntry("{tls_version}", "TLSv1.3").containsEntry("{cert_subject}", "client.example")
                .containsEntry("{cert_issuer}", "Postern Test CA").containsEntry("{verify}", "OK");
        assertThat(tls.get("{cipher}")).matches("TLS_(AES_256_GCM_SHA384|AES_128_GCM_SHA256|CHACHA20_POLY1305_SHA256)");
        assertThat(tls.get("{cipher_bits}")).isEqualTo(tls.get("{cipher}").contains("128") ? "128" : "256");
    }

    @Test
    void authMacrosShouldCarryTheMechanismTheLoginAndTheAuthorFromMail() throws Exception {
        ScriptedSaslServer sasl = ScriptedSaslServer.withUsers(Map.of("joe", "secret"));
        SessionHarness s = SessionHarness.withMiltersAndSasl(TestConfigs.config("smtpd_sasl_auth_enable = yes",
                "smtpd_milters = " + milter.endpoint()), MilterClient::new, new InetSocketAddress("192.0.2.1", 40000),
                () -> sasl);
        assertThat(s.cmd("EHLO client.example")).startsWith("250");
        assertThat(s.cmd("MAIL FROM:<before@example.org>")).startsWith("250");
        assertThat(s.cmd("RSET")).startsWith("250");
        assertThat(s.cmd("AUTH PLAIN " + ScriptedSaslServer.b64("\0joe\0secret"))).startsWith("235");
        assertThat(s.cmd("MAIL FROM:<joe@example.org> AUTH=<joe@example.org>")).startsWith("250");
        s.channel.close();
        s.settle();
        assertThat(milter.awaitClosed()).isTrue();

        List<Map<String, String>> mail = macrosBefore('M');
        assertThat(mail).hasSize(2);
        assertThat(mail.get(0)).doesNotContainKeys("{auth_type}", "{auth_authen}", "{auth_author}");
        assertThat(mail.get(1)).containsEntry("{auth_type}", "PLAIN").containsEntry("{auth_authen}", "joe")
                // As Postfix's smtpd_sasl_mail_opt(): the AUTH= value as the client wrote it, brackets and all.
                .containsEntry("{auth_author}", "<joe@example.org>").containsEntry("{mail_addr}", "joe@example.org");
        assertThat(Optional.ofNullable(mail.get(1).get("i"))).isEmpty();
    }

    @Test
    void queueIdAndRoutesShouldReachTheMilterWhenPostfixsSmtpdKnowsThem() throws Exception {
        SessionHarness s = new SessionHarness(TestConfigs.config("smtpd_milters = " + milter.endpoint(),
                "relayhost = [relay.example.net]:587", "transport_maps = inline:{special.example=relay:[mx.special.example]}"),
                MilterClient::new, new InetSocketAddress("192.0.2.1", 40000));
        assertThat(s.cmd("EHLO client.example")).startsWith("250");
        assertThat(s.cmd("MAIL FROM:<joe@example.org>")).startsWith("250");
        assertThat(s.cmd("RCPT TO:<ann@remote.example>")).startsWith("250");
        assertThat(s.cmd("RCPT TO:<bob@special.example>")).startsWith("250");
        assertThat(s.cmd("RCPT TO:<postmaster>")).startsWith("250");
        assertThat(s.cmd("DATA")).startsWith("354");
        assertThat(s.cmd("Subject: macros\r\n\r\nbody\r\n.")).startsWith("250");
        s.channel.close();
        s.settle();
        assertThat(milter.awaitClosed()).isTrue();

        String queueId = s.queue.committed.get(0).queueId();
        Map<String, String> mail = macrosBefore('M').get(0);
        assertThat(mail).containsEntry("{mail_addr}", "joe@example.org").containsEntry("{mail_mailer}", "smtp")
                .containsEntry("{mail_host}", "[relay.example.net]:587").doesNotContainKey("i");
        List<Map<String, String>> rcpt = macrosBefore('R');
        assertThat(rcpt).hasSize(3);
        // As Postfix's smtpd: the queue file, and with it the ID, comes after the first valid recipient.
        assertThat(rcpt.get(0)).doesNotContainKey("i").containsEntry("{rcpt_addr}", "ann@remote.example")
                .containsEntry("{rcpt_mailer}", "smtp").containsEntry("{rcpt_host}", "[relay.example.net]:587");
        assertThat(rcpt.get(1)).containsEntry("i", queueId).containsEntry("{rcpt_mailer}", "relay")
                .containsEntry("{rcpt_host}", "[mx.special.example]");
        assertThat(rcpt.get(2)).containsEntry("i", queueId).containsEntry("{rcpt_mailer}", "local")
                .containsEntry("{rcpt_host}", "mx.example.test");
    }
}
