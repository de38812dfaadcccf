// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.delivery.RecipientResult;
import org.postern.api.delivery.RecipientResult.Outcome;
import org.postern.testing.RequiredService;

/** The agents against Postfix's own test server, smtp-sink(1) (package postfix). */
class SmtpSinkTest {

    private static final Path SMTP_SINK = Path.of("/usr/sbin/smtp-sink");

    private final SmtpDeliveryAgent smtp = new SmtpDeliveryAgent(null);
    private final LmtpDeliveryAgent lmtp = new LmtpDeliveryAgent(null);
    private Process sink;
    private int port;

    @TempDir
    Path dir;

    @BeforeEach
    void requireSmtpSink() throws IOException {
        RequiredService.assume(Files.isExecutable(SMTP_SINK), "smtp-sink is not installed (apt-get install postfix)");
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        smtp.deactivate();
        lmtp.deactivate();
        if (sink != null) {
            sink.destroy();
            sink.waitFor();
        }
    }

    /** Starts smtp-sink with the options on 127.0.0.1:port (or a UNIX socket), dumping mail into dir. */
    private void startSink(String listen, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(SMTP_SINK.toString(), "-d", dir.resolve("mail.").toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "nobody"));
        }
        command.addAll(List.of(options));
        command.addAll(List.of(listen, "10"));
        sink = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("sink.log").toFile()).start();
        for (int i = 0; i < 100; i++) {
            boolean up = listen.startsWith("unix:") ? Files.exists(Path.of(listen.substring(5))) : RequiredService.isListening(port);
            if (up) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("smtp-sink did not start: " + Files.readString(dir.resolve("sink.log")));
    }

    private RecipientResult deliver(DeliveryAgentCall agent, String nexthop) {
        return agent.call(Requests.to(nexthop)).results().get(0);
    }

    private interface DeliveryAgentCall {
        org.postern.api.delivery.DeliveryResult call(Requests r);
    }

    private String dumped() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Path mail = files.filter(p -> p.getFileName().toString().startsWith("mail.")).findFirst().orElseThrow();
            return Files.readString(mail, StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void smtpSinkShouldAcceptTheMessage() throws Exception {
        startSink("127.0.0.1:" + port);
        RecipientResult r = deliver(req -> smtp.deliver(req.build()), "[127.0.0.1]:" + port);
        assertThat(r.outcome()).isEqualTo(Outcome.HANDED_OFF);
        assertThat(r.dsnStatus()).startsWith("2.");
        for (int i = 0; i < 50 && !dumpExists(); i++) {
            Thread.sleep(50);
        }
        assertThat(dumped()).contains("X-Rcpt-Args: <u@example.com>", "Subject: test", "Hello.");
    }

    private boolean dumpExists() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().startsWith("mail."));
        }
    }

    @Test
    void softRejectedRecipientShouldBeDeferred() throws Exception {
        startSink("127.0.0.1:" + port, "-r", "RCPT");
        RecipientResult r = deliver(req -> smtp.deliver(req.build()), "[127.0.0.1]:" + port);
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.diagnostic()).isEqualTo("host 127.0.0.1[127.0.0.1] said: 450 4.3.0 Error: command failed (in reply to RCPT TO command)");
    }

    @Test
    void hardRejectedSenderShouldBounce() throws Exception {
        startSink("127.0.0.1:" + port, "-f", "MAIL");
        RecipientResult r = deliver(req -> smtp.deliver(req.build()), "[127.0.0.1]:" + port);
        assertThat(r.outcome()).isEqualTo(Outcome.BOUNCED);
        assertThat(r.diagnostic()).isEqualTo("host 127.0.0.1[127.0.0.1] said: 500 5.3.0 Error: command failed (in reply to MAIL FROM command)");
    }

    @Test
    void disconnectAfterDataShouldDefer() throws Exception {
        startSink("127.0.0.1:" + port, "-q", "DATA");
        RecipientResult r = deliver(req -> smtp.deliver(req.build()), "[127.0.0.1]:" + port);
        assertThat(r.outcome()).isEqualTo(Outcome.DEFERRED);
        assertThat(r.diagnostic()).startsWith("lost connection with 127.0.0.1[127.0.0.1] while ");
    }

    @Test
    void lmtpSinkOnUnixSocketShouldAcceptTheMessage() throws Exception {
        Path socket = dir.resolve("lmtp.sock");
        startSink("unix:" + socket, "-L");
        RecipientResult r = deliver(req -> lmtp.deliver(req.build()), "unix:" + socket);
        assertThat(r.outcome()).isEqualTo(Outcome.HANDED_OFF);
    }

    @Test
    void plainSmtpWithoutEsmtpShouldBeRelayed() throws Exception {
        startSink("127.0.0.1:" + port, "-e");
        RecipientResult r = deliver(req -> smtp.deliver(req.build()), "[127.0.0.1]:" + port);
        assertThat(r.outcome()).isEqualTo(Outcome.RELAYED);
    }
}
