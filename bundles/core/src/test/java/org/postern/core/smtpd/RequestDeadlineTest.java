// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * smtpd_per_request_deadline and smtpd_min_data_rate against a client that trickles, over real
 * sockets from 127.0.0.2 (outside mynetworks). smtpd_timeout is 1 s; the client spaces its
 * bytes 150 ms apart, well inside the per-read limit, and sends requests that take several
 * times smtpd_timeout. The assertions are about the order of events (did the server give up
 * before the request was complete?), not about how long it took.
 */
class RequestDeadlineTest {

    private static final long BYTE_GAP_MS = 150;
    private static final String TIMEOUT = "421 4.4.2 mx.example.test Error: timeout exceeded";

    private SmtpServer server;
    private final InMemoryQueueStore queue = new InMemoryQueueStore();

    private InetSocketAddress start(String... mainCf) throws Exception {
        String[] lines = new String[mainCf.length + 2];
        lines[0] = "mynetworks = 127.0.0.1/32";
        lines[1] = "smtpd_timeout = 1s";
        System.arraycopy(mainCf, 0, lines, 2, mainCf.length);
        server = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", 0), TestConfigs.config(lines),
                new ScriptedChecks(), queue, null);
        return server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** Sends {@code text} one byte at a time until it is all sent or the server says something. */
    private static int trickle(RawSmtpClient c, String text) throws IOException, InterruptedException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        int sent = 0;
        while (sent < bytes.length && !c.replyWaiting()) {
            c.write(new String(bytes, sent, 1, StandardCharsets.US_ASCII));
            sent++;
            Thread.sleep(BYTE_GAP_MS);
        }
        return sent;
    }

    private static final String LONG_NOOP = "NOOP " + "x".repeat(25) + "\r\n"; // 32 bytes: about 5 s

    @Test
    void tricklingCommandShouldBeCutOffAtTheRequestDeadline() throws Exception {
        InetSocketAddress a = start("smtpd_per_request_deadline = yes");
        try (RawSmtpClient c = new RawSmtpClient(a, "127.0.0.2")) {
            assertThat(c.reply()).startsWith("220 ");
            int sent = trickle(c, LONG_NOOP);
            assertThat(sent).as("the server gave up before the command was complete").isLessThan(LONG_NOOP.length());
            assertThat(c.reply()).isEqualTo(TIMEOUT);
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void tricklingCommandShouldGetThroughWithThePerReadTimeout() throws Exception {
        InetSocketAddress a = start("smtpd_per_request_deadline = no");
        try (RawSmtpClient c = new RawSmtpClient(a, "127.0.0.2")) {
            assertThat(c.reply()).startsWith("220 ");
            assertThat(trickle(c, LONG_NOOP)).isEqualTo(LONG_NOOP.length());
            assertThat(c.reply()).isEqualTo("250 2.0.0 Ok");
        }
    }

    private static void transaction(RawSmtpClient c) throws IOException {
        assertThat(c.reply()).startsWith("220 ");
        assertThat(c.command("EHLO client.example")).startsWith("250-");
        assertThat(c.command("MAIL FROM:<a@example.org>")).isEqualTo("250 2.1.0 Ok");
        assertThat(c.command("RCPT TO:<b@example.net>")).isEqualTo("250 2.1.5 Ok");
        assertThat(c.command("DATA")).startsWith("354 ");
    }

    private static final String SLOW_MESSAGE = "Subject: slow\r\n\r\n" + "y".repeat(20) + "\r\n.\r\n"; // 42 bytes

    @Test
    void dataBelowTheMinimumRateShouldTimeOut() throws Exception {
        InetSocketAddress a = start("smtpd_per_request_deadline = yes"); // smtpd_min_data_rate = 500
        try (RawSmtpClient c = new RawSmtpClient(a, "127.0.0.2")) {
            transaction(c);
            int sent = trickle(c, SLOW_MESSAGE);
            assertThat(sent).isLessThan(SLOW_MESSAGE.length());
            assertThat(c.reply()).isEqualTo(TIMEOUT);
        }
        assertThat(queue.committed).isEmpty();
    }

    @Test
    void dataAboveTheMinimumRateShouldOutliveSmtpdTimeout() throws Exception {
        // About 6.7 bytes a second against a minimum of 2: each byte earns more time than it costs.
        InetSocketAddress a = start("smtpd_per_request_deadline = yes", "smtpd_min_data_rate = 2");
        try (RawSmtpClient c = new RawSmtpClient(a, "127.0.0.2")) {
            transaction(c);
            assertThat(trickle(c, SLOW_MESSAGE)).isEqualTo(SLOW_MESSAGE.length());
            assertThat(c.reply()).startsWith("250 2.0.0 Ok: queued as ");
        }
        assertThat(queue.committed).hasSize(1);
    }
}
