// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.testing.milter.ScriptedMilter.packet;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.milter.MilterClient;
import org.postern.testing.milter.ScriptedMilter;

/**
 * A filter that stalls in many sessions at once delays none of the others: twenty sessions
 * whose milter never answers their HELO hold more threads than the restrictions' executor has
 * (two here), yet a twenty-first session's restrictions and milter events run and its message is
 * queued while the twenty are still waiting. Asserted on order, not on time: the stalled
 * sessions have no reply yet when the other one is done.
 */
class MilterIsolationTest {

    private static final int STALLED = 20;

    private final ExecutorService checks = Executors.newFixedThreadPool(2);
    private final InMemoryQueueStore queue = new InMemoryQueueStore();
    private final List<RawSmtpClient> clients = new ArrayList<>();
    private ScriptedMilter milter;
    private SmtpServer server;

    @AfterEach
    void stop() throws Exception {
        for (RawSmtpClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.stop(1, TimeUnit.SECONDS);
        }
        checks.shutdownNow();
        if (milter != null) {
            milter.close();
        }
    }

    @Test
    void aMilterStalledInTwentySessionsShouldNotDelayAnotherSession() throws Exception {
        CountDownLatch stalledArrived = new CountDownLatch(STALLED);
        CountDownLatch release = new CountDownLatch(1);
        milter = new ScriptedMilter();
        milter.on('H', p -> {
            if (p.text().startsWith("stalled")) {
                stalledArrived.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return List.of(packet('c'));
        });
        server = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", 0),
                TestConfigs.config("smtpd_milters = " + milter.endpoint(), "milter_command_timeout = 120s"),
                new ScriptedChecks(), queue, null, null, null, checks, null).milterService(MilterClient::new);
        InetSocketAddress address = server.start();

        List<RawSmtpClient> stalled = new ArrayList<>();
        for (int i = 0; i < STALLED; i++) {
            RawSmtpClient c = client(address);
            assertThat(c.reply()).startsWith("220");
            c.write("EHLO stalled-" + i + ".example\r\n");
            stalled.add(c);
        }
        assertThat(stalledArrived.await(30, TimeUnit.SECONDS)).as("every stalled HELO reached the milter").isTrue();

        RawSmtpClient other = client(address);
        assertThat(other.reply()).startsWith("220");
        assertThat(other.command("EHLO other.example")).startsWith("250");
        assertThat(other.command("MAIL FROM:<alice@example.org>")).startsWith("250");
        assertThat(other.command("RCPT TO:<bob@example.test>")).startsWith("250");
        assertThat(other.command("DATA")).startsWith("354");
        assertThat(other.command("Subject: test\r\n\r\nbody\r\n.")).startsWith("250 2.0.0 Ok: queued as");
        assertThat(queue.committed).hasSize(1);

        for (RawSmtpClient c : stalled) {
            assertThat(c.replyWaiting()).as("a stalled session was answered before its milter was").isFalse();
        }
        assertThat(milter.all('M')).extracting(ScriptedMilter.Packet::text).anyMatch(t -> t.contains("alice"));
        release.countDown();
        for (RawSmtpClient c : stalled) {
            assertThat(c.reply()).startsWith("250");
        }
    }

    private RawSmtpClient client(InetSocketAddress address) throws Exception {
        RawSmtpClient c = new RawSmtpClient(address);
        clients.add(c);
        return c;
    }
}
