// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.config.PostfixConfig;
import org.postern.core.smtpd.restrict.SmtpStage;
import org.postern.core.smtpd.tls.SelfSignedCredentials;

class SmtpServerTest {

    @TempDir
    Path tlsDirectory;

    private SmtpServer server;
    private final InMemoryQueueStore queue = new InMemoryQueueStore();
    private final ScriptedChecks checks = new ScriptedChecks();

    private InetSocketAddress start(String... mainCf) throws Exception {
        PostfixConfig config = TestConfigs.config(mainCf);
        server = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", 0), config, checks, queue, tlsDirectory);
        return server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static Properties props(InetSocketAddress a) {
        Properties p = new Properties();
        p.put("mail.smtp.host", "127.0.0.1");
        p.put("mail.smtp.port", Integer.toString(a.getPort()));
        p.put("mail.smtp.localhost", "client.example");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.connectiontimeout", "10000");
        return p;
    }

    private static MimeMessage message(Session session) throws Exception {
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("alice@example.org"));
        m.setRecipients(Message.RecipientType.TO, "bob@example.net");
        m.setSubject("hello from angus");
        m.setText("line one\n.line with a dot\nline three\n");
        return m;
    }

    private void awaitCommitted(int n) throws InterruptedException {
        for (int i = 0; i < 1200 && queue.committed.size() < n; i++) {   // up to 30 s: a loaded machine
            Thread.sleep(25);
        }
    }

    @Test
    void angusMailShouldQueueTheExactEnvelopeAndContent() throws Exception {
        InetSocketAddress a = start();
        Session session = Session.getInstance(props(a));
        MimeMessage m = message(session);
        Transport.send(m, new InternetAddress[] {new InternetAddress("bob@example.net"),
            new InternetAddress("carol@example.net")});
        awaitCommitted(1);
        assertThat(queue.committed).hasSize(1);
        InMemoryQueueStore.Stored s = queue.committed.get(0);
        assertThat(s.envelope().sender()).isEqualTo("alice@example.org");
        assertThat(s.envelope().recipients()).extracting(r -> r.address())
                .containsExactly("bob@example.net", "carol@example.net");
        assertThat(s.envelope().client().address()).isEqualTo("127.0.0.1");
        assertThat(s.envelope().client().heloName()).isEqualTo("client.example");
        assertThat(s.envelope().client().protocol()).isEqualTo("ESMTP");
        assertThat(s.envelope().service()).isEqualTo("smtp");
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        m.writeTo(expected);
        // The SMTP transport sends CRLF line ends; writeTo leaves the text body's LFs alone.
        assertThat(s.text()).isEqualTo(expected.toString(StandardCharsets.UTF_8).replaceAll("\r?\n", "\r\n"));
        assertThat(s.text()).contains("\r\n.line with a dot\r\n");
    }

    @Test
    void clientHostnameShouldBeLookedUpThroughTheResolver() throws Exception {
        ZoneTableResolver dns = new ZoneTableResolver().host("loopback.example", "127.0.0.1");
        server = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", 0), TestConfigs.config(), checks, queue,
                tlsDirectory, null, null, null, null, dns);
        InetSocketAddress a = server.start();
        Transport.send(message(Session.getInstance(props(a))));
        awaitCommitted(1);
        assertThat(queue.committed.get(0).envelope().client().name()).isEqualTo("loopback.example");
        assertThat(queue.committed.get(0).envelope().client().reverseName()).isEqualTo("loopback.example");
        assertThat(dns.questions).contains("1.0.0.127.in-addr.arpa PTR", "loopback.example A");
    }

    @Test
    void peernameLookupNoShouldLeaveTheClientUnknownWithoutAsking() throws Exception {
        ZoneTableResolver dns = new ZoneTableResolver().host("loopback.example", "127.0.0.1");
        server = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", 0), TestConfigs.config("smtpd_peername_lookup = no"),
                checks, queue, tlsDirectory, null, null, null, null, dns);
        InetSocketAddress a = server.start();
        Transport.send(message(Session.getInstance(props(a))));
        awaitCommitted(1);
        assertThat(queue.committed.get(0).envelope().client().name()).isEqualTo("unknown");
        assertThat(dns.questions).isEmpty();
    }

    @Test
    void angusMailShouldUseStarttls() throws Exception {
        InetSocketAddress a = start("smtpd_tls_security_level = may");
        Properties p = props(a);
        p.put("mail.smtp.starttls.enable", "true");
        p.put("mail.smtp.starttls.required", "true");
        p.put("mail.smtp.ssl.trust", "*");
        p.put("mail.smtp.ssl.checkserveridentity", "false"); // self-signed for mx.example.test, not 127.0.0.1
        Session session = Session.getInstance(p);
        Transport.send(message(session));
        awaitCommitted(1);
        assertThat(queue.committed.get(0).envelope().tls().encrypted()).isTrue();
        assertThat(queue.committed.get(0).envelope().client().protocol()).isEqualTo("ESMTPS");
        assertThat(tlsDirectory.resolve(SelfSignedCredentials.CERT_NAME)).exists();
        assertThat(Files.readString(tlsDirectory.resolve(SelfSignedCredentials.KEY_NAME))).contains("PRIVATE KEY");
    }

    @Test
    void plaintextPipelinedAfterStarttlsShouldBeDiscarded() throws Exception {
        // CVE-2011-0411: commands injected after STARTTLS in the same packet must not run under TLS.
        InetSocketAddress a = start("smtpd_tls_security_level = may");
        try (RawSmtpClient c = new RawSmtpClient(a)) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(c.command("EHLO client.example")).contains("250-STARTTLS");
            c.write("STARTTLS\r\nRSET\r\nMAIL FROM:<evil@attacker.example>\r\n");
            assertThat(c.reply()).isEqualTo("220 2.0.0 Ready to start TLS");
            c.startTls();
            String ehlo = c.command("EHLO client.example");
            assertThat(ehlo).startsWith("250-mx.example.test").doesNotContain("STARTTLS");
            assertThat(c.command("RCPT TO:<victim@example.net>")).isEqualTo("503 5.5.1 Error: need MAIL command");
            assertThat(c.command("MAIL FROM:<alice@example.org>")).isEqualTo("250 2.1.0 Ok");
            assertThat(c.command("QUIT")).isEqualTo("221 2.0.0 Bye");
        }
        assertThat(checks.calls).noneMatch(call -> "evil@attacker.example".equals(call.facts().sender()));
    }

    @Test
    void messageShouldBeDiscardedWhenTheClientHangsUpBeforeTheFinalReply() throws Exception {
        checks.delay(SmtpStage.END_OF_DATA, 400);
        InetSocketAddress a = start();
        try (RawSmtpClient c = new RawSmtpClient(a)) {
            c.reply();
            c.command("EHLO client.example");
            c.command("MAIL FROM:<alice@example.org>");
            c.command("RCPT TO:<bob@example.net>");
            assertThat(c.command("DATA")).startsWith("354");
            c.write("Subject: x\r\n\r\nbody\r\n.\r\n");
        }
        for (int i = 0; i < 1500 && queue.discarded.get() == 0; i++) {   // up to 30 s: a loaded machine
            Thread.sleep(20);
        }
        Thread.sleep(100);
        assertThat(queue.committed).isEmpty();
        assertThat(queue.discarded.get()).isEqualTo(1);
    }

    @Test
    void connectionCountLimitShouldRefuseTheExcessClient() throws Exception {
        InetSocketAddress a = start("smtpd_client_connection_count_limit = 1",
                "smtpd_client_event_limit_exceptions =");
        try (RawSmtpClient first = new RawSmtpClient(a)) {
            assertThat(first.reply()).startsWith("220 ");
            RawSmtpClient second = new RawSmtpClient(a);
            assertThat(second.reply()).isEqualTo("421 4.7.0 mx.example.test Error: too many connections from 127.0.0.1");
            assertThat(second.closedByPeer()).isTrue();
            second.close();
            assertThat(first.command("NOOP")).isEqualTo("250 2.0.0 Ok");
        }
    }

    @Test
    void connectionRateLimitShouldRefuseTheExcessClient() throws Exception {
        InetSocketAddress a = start("smtpd_client_connection_rate_limit = 2", "smtpd_client_event_limit_exceptions =");
        for (int i = 0; i < 2; i++) {
            try (RawSmtpClient c = new RawSmtpClient(a)) {
                assertThat(c.reply()).startsWith("220 ");
            }
        }
        try (RawSmtpClient c = new RawSmtpClient(a)) {
            assertThat(c.reply()).isEqualTo("421 4.7.0 mx.example.test Error: too many connections from 127.0.0.1");
        }
    }

    @Test
    void mynetworksClientsShouldBeExemptFromConnectionLimits() throws Exception {
        InetSocketAddress a = start("smtpd_client_connection_count_limit = 1");
        try (RawSmtpClient first = new RawSmtpClient(a); RawSmtpClient second = new RawSmtpClient(a)) {
            assertThat(first.reply()).startsWith("220 ");
            assertThat(second.reply()).startsWith("220 ");
        }
    }

    @Test
    void idleClientShouldBeTimedOut() throws Exception {
        InetSocketAddress a = start("smtpd_timeout = 1s");
        try (RawSmtpClient c = new RawSmtpClient(a)) {
            assertThat(c.reply()).startsWith("220 ");
            long t0 = System.nanoTime();
            assertThat(c.reply()).isEqualTo("421 4.4.2 mx.example.test Error: timeout exceeded");
            assertThat(System.nanoTime() - t0).isGreaterThan(500_000_000L);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void stopShouldSayGoodbyeToIdleSessions() throws Exception {
        InetSocketAddress a = start();
        try (RawSmtpClient c = new RawSmtpClient(a)) {
            assertThat(c.reply()).startsWith("220 ");
            server.stop(2, java.util.concurrent.TimeUnit.SECONDS);
            server = null;
            assertThat(c.reply()).isEqualTo("421 4.3.2 mx.example.test Service shutting down");
        }
    }

    @Test
    void sessionShouldBeLoggedInPostfixGrammar() throws Exception {
        checks.rejectRecipient("x@y.example", 554, "5.7.1", "<x@y.example>: Relay access denied");
        InetSocketAddress a = start();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (RawSmtpClient c = new RawSmtpClient(a)) {
            c.reply();
            c.command("EHLO h.example");
            c.command("MAIL FROM:<a@b.example>");
            c.command("RCPT TO:<x@y.example>");
            c.command("RCPT TO:<ok@y.example>");
            c.command("DATA");
            c.write("Subject: x\r\n\r\nx\r\n.\r\n");
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as ");
            c.command("FOO\rBAR\u0001");
            c.command("QUIT");
            for (int i = 0; i < 100 && !captured.toString(StandardCharsets.UTF_8).contains("disconnect from"); i++) {
                Thread.sleep(20);
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("connect from unknown[127.0.0.1]")
                .contains("NOQUEUE: reject: RCPT from unknown[127.0.0.1]: 554 5.7.1 <x@y.example>: Relay access denied;"
                        + " from=<a@b.example> to=<x@y.example> proto=ESMTP helo=<h.example>")
                .contains("4Xtest0001: client=unknown[127.0.0.1]")
                .contains("disconnect from unknown[127.0.0.1] ehlo=1 mail=1 rcpt=1/2 data=1 quit=1 unknown=0/1"
                        + " commands=5/7");
    }

    @Test
    void holdActionShouldBeLoggedAsPostfixDoes() throws Exception {
        checks.actions(SmtpStage.RCPT, new org.postern.core.smtpd.restrict.MessageAction.Hold(
                "<unknown[127.0.0.1]>: Client host triggers HOLD action"));
        InetSocketAddress a = start();
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (RawSmtpClient c = new RawSmtpClient(a)) {
            c.reply();
            c.command("EHLO h.example");
            c.command("MAIL FROM:<a@b.example>");
            assertThat(c.command("RCPT TO:<ok@y.example>")).startsWith("250 ");
            c.command("QUIT");
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains(": hold: RCPT from unknown[127.0.0.1]:"
                + " <unknown[127.0.0.1]>: Client host triggers HOLD action; from=<a@b.example> to=<ok@y.example>"
                + " proto=ESMTP helo=<h.example>");
    }
}
