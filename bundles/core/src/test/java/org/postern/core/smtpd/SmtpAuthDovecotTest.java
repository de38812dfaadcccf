// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.config.PostfixConfig;
import org.postern.core.smtpd.restrict.RestrictionChecks;
import org.postern.core.smtpd.sasl.PrivateDovecot;

/**
 * SMTP AUTH end to end: Angus Mail against a real SmtpServer on 127.0.0.1 whose restrictions
 * (the real ones) permit relaying only to authenticated clients, authenticating against a real
 * Dovecot auth server.
 */
class SmtpAuthDovecotTest {

    @TempDir
    Path dir;

    private SmtpServer server;
    private final InMemoryQueueStore queue = new InMemoryQueueStore();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(1, TimeUnit.SECONDS);
        }
    }

    private InetSocketAddress start(String... mainCf) throws Exception {
        String[] lines = new String[mainCf.length + 5];
        lines[0] = "mynetworks = 192.0.2.0/24";   // 127.0.0.1 is a stranger: only AUTH lets it relay
        lines[1] = "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination";
        lines[2] = "smtpd_reject_unlisted_recipient = no";  // no local recipient tables here
        lines[3] = "local_recipient_maps =";
        lines[4] = "smtpd_forbidden_commands = CONNECT GET POST"; // the default's regexp: table is not here
        System.arraycopy(mainCf, 0, lines, 5, mainCf.length);
        PostfixConfig config = TestConfigs.config(lines);
        RestrictionChecks checks = RestrictionChecks.create(config, (spec, flags) -> {
            throw new IllegalArgumentException("no tables in this test: " + spec);
        }, null);
        server = new SmtpServer("submission", new InetSocketAddress("127.0.0.1", 0), config, checks, queue,
                dir.resolve("tls"));
        return server.start();
    }

    private static Session session(InetSocketAddress a, boolean auth, String mechanism) {
        return Session.getInstance(properties(a, auth, mechanism));
    }

    private static Properties properties(InetSocketAddress a, boolean auth, String mechanism) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(a.getPort()));
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.timeout", "20000");
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.auth", Boolean.toString(auth));
        p.put("mail.smtp.auth.mechanisms", mechanism);
        return p;
    }

    private static MimeMessage message(Session session) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("joe@example.org"));
        m.setRecipients(Message.RecipientType.TO, "friend@elsewhere.example");
        m.setSubject("relayed after AUTH");
        m.setText("hello\n");
        return m;
    }

    private void awaitCommitted(int n) throws InterruptedException {
        for (int i = 0; i < 200 && queue.committed.size() < n; i++) {
            Thread.sleep(25);
        }
    }

    @Test
    void relayShouldBePermittedOnlyAfterAuthWithTheRightPassword() throws Exception {
        PrivateDovecot.assumeInstalled();
        Path dovecotDir = Files.createDirectories(dir.resolve("dovecot"));
        try (PrivateDovecot dovecot = PrivateDovecot.start(dovecotDir, "joe", "secret")) {
            relayOnlyAfterAuth(start("smtpd_sasl_auth_enable = yes", "smtpd_sasl_path = " + dovecot.socket()));
            assertThat(dovecot.log()).doesNotContain("Fatal");
        }
    }

    private void relayOnlyAfterAuth(InetSocketAddress a) throws Exception {

        Session anonymous = session(a, false, "PLAIN");
        assertThatThrownBy(() -> Transport.send(message(anonymous)))
                .isInstanceOf(SendFailedException.class)
                .hasStackTraceContaining("554 5.7.1 <friend@elsewhere.example>: Relay access denied");

        Session login = session(a, true, "LOGIN");
        assertThatThrownBy(() -> Transport.send(message(login), "joe", "guess"))
                .isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("535 5.7.8 Error: authentication failed:");

        Session plain = session(a, true, "PLAIN");
        Transport.send(message(plain), "joe", "secret");
        awaitCommitted(1);
        assertThat(queue.committed).hasSize(1);
        assertThat(queue.committed.get(0).envelope().recipients().get(0).address())
                .isEqualTo("friend@elsewhere.example");
        assertThat(queue.committed.get(0).envelope().sasl().method()).isEqualTo("PLAIN");
        assertThat(queue.committed.get(0).envelope().sasl().username()).isEqualTo("joe");
    }

    /** The default assembly's submission service (master.cf) without a Dovecot socket. */
    @Test
    void submissionWithoutDovecotShouldAnswerAuthWithATemporaryFailure() throws Exception {
        InetSocketAddress a = start("smtpd_tls_security_level = encrypt", "smtpd_sasl_auth_enable = yes",
                "smtpd_client_restrictions = permit_sasl_authenticated, reject",
                "smtpd_sasl_path = " + dir.resolve("no-such-socket"));
        Properties p = properties(a, false, "PLAIN");
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false"); // self-signed for mx.example.test, not 127.0.0.1
        try (Transport t = Session.getInstance(p).getTransport("smtp")) {
            t.connect(); // AUTH is not announced: Angus cannot be made to try, so the test sends it
            SMTPTransport smtp = (SMTPTransport) t;
            assertThat(smtp.getExtensionParameter("STARTTLS")).isNull(); // the EHLO after STARTTLS
            assertThat(smtp.getExtensionParameter("AUTH")).isNull();
            smtp.issueCommand("AUTH PLAIN " + Base64.getEncoder().encodeToString(
                    "\0joe\0secret".getBytes(StandardCharsets.UTF_8)), -1);
            assertThat(smtp.getLastServerResponse())
                    .isEqualTo("454 4.7.0 Temporary authentication failure: Can't connect to authentication server\n");
        }
    }
}
