// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client limits over real sockets: new TLS sessions per time unit, and the queue's free
 * space on a real (small) file system. 127.0.0.1 is an outsider here: mynetworks is elsewhere.
 */
class ServerLimitsTest {

    private static final String OUTSIDE = "mynetworks = 192.0.2.0/24";

    @TempDir
    Path tlsDirectory;
    @TempDir
    Path scratch;

    private SmtpServer server;
    private final InMemoryQueueStore queue = new InMemoryQueueStore();
    private final List<Path> mounted = new ArrayList<>();

    private InetSocketAddress start(String... mainCf) throws Exception {
        server = new SmtpServer("smtp", new InetSocketAddress("127.0.0.1", 0), TestConfigs.config(mainCf),
                new ScriptedChecks(), queue, tlsDirectory);
        return server.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop(1, TimeUnit.SECONDS);
        }
        for (Path p : mounted) {
            new ProcessBuilder("umount", p.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Runs {@code action} and returns what was logged meanwhile (the event loop logs too: wait a little). */
    private interface Action {
        void run() throws Exception;
    }

    private static String logOf(Action action) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
            Thread.sleep(100);
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** The TLS session of the last {@link #tls} handshake. */
    private javax.net.ssl.SSLSession lastSession;

    /** Connects, says EHLO and STARTTLS; returns the client after the handshake, or null when STARTTLS was refused. */
    private RawSmtpClient tls(InetSocketAddress a, SSLContext context, List<String> replies) throws Exception {
        RawSmtpClient c = new RawSmtpClient(a);
        c.reply();
        c.command("EHLO client.example");
        String starttls = c.command("STARTTLS");
        replies.add(starttls);
        if (!starttls.startsWith("220")) {
            c.close();
            return null;
        }
        lastSession = c.startTls(context).getSession();
        return c;
    }

    @Test
    void newTlsSessionRateLimitShouldEndTheSessionOverItThenRefuseStarttls() throws Exception {
        InetSocketAddress a = start(OUTSIDE, "smtpd_tls_security_level = may",
                "smtpd_client_new_tls_session_rate_limit = 1");
        List<String> replies = new ArrayList<>();
        try (RawSmtpClient first = tls(a, RawSmtpClient.trustingContext(), replies)) {
            assertThat(first.command("EHLO client.example")).startsWith("250-mx.example.test");
        }
        String log = logOf(() -> {
            try (RawSmtpClient second = tls(a, RawSmtpClient.trustingContext(), replies)) {
                assertThat(second.reply()).isEqualTo("421 4.7.0 mx.example.test Error: too many new TLS sessions"
                        + " from unknown[127.0.0.1]");
                assertThat(second.closedByPeer()).isTrue();
            }
            assertThat(tls(a, RawSmtpClient.trustingContext(), replies)).isNull();
        });
        assertThat(replies).containsExactly("220 2.0.0 Ready to start TLS", "220 2.0.0 Ready to start TLS",
                "454 4.7.0 Error: too many new TLS sessions from unknown[127.0.0.1]");
        assertThat(log).contains("warning: New TLS session rate limit exceeded: 2 from unknown[127.0.0.1] for service"
                + " smtp", "warning: Refusing STARTTLS request from unknown[127.0.0.1] for service smtp");
    }

    @Test
    void resumedTlsSessionsShouldNotCount() throws Exception {
        InetSocketAddress a = start(OUTSIDE, "smtpd_tls_security_level = may",
                "smtpd_client_new_tls_session_rate_limit = 1");
        SSLContext context = RawSmtpClient.trustingContext();
        List<String> replies = new ArrayList<>();
        try (RawSmtpClient first = tls(a, context, replies)) {
            assertThat(first.command("EHLO client.example")).startsWith("250-mx.example.test");
            first.command("QUIT"); // TLS 1.3 tickets arrive after the handshake: let the client read them
        }
        long firstCreated = lastSession.getCreationTime();
        try (RawSmtpClient again = tls(a, context, replies)) {
            Assumptions.assumeTrue(lastSession.getCreationTime() == firstCreated,
                    "skipped: the TLS library did not resume the session");
            assertThat(again.command("EHLO client.example")).startsWith("250-mx.example.test");
        }
        assertThat(replies).containsOnly("220 2.0.0 Ready to start TLS");
    }

    @Test
    void mynetworksClientsShouldHaveNoNewTlsSessionLimit() throws Exception {
        InetSocketAddress a = start("smtpd_tls_security_level = may", "smtpd_client_new_tls_session_rate_limit = 1");
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (RawSmtpClient c = tls(a, RawSmtpClient.trustingContext(), replies)) {
                assertThat(c.command("EHLO client.example")).startsWith("250-mx.example.test");
            }
        }
        assertThat(replies).containsOnly("220 2.0.0 Ready to start TLS");
    }

    /** A 5 MB tmpfs, when this test may mount one (root, Linux); else the test is skipped. */
    private Path smallFileSystem() throws Exception {
        Path dir = Files.createDirectory(scratch.resolve("queue"));
        Process mount;
        try {
            mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", dir.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("cannot run mount: " + e.getMessage());
            throw e;
        }
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "skipped: cannot mount a 5 MB tmpfs (needs root): " + output.strip());
        mounted.add(dir);
        return dir;
    }

    @Test
    void queueOnAFiveMegabyteFileSystemShouldRefuseMail() throws Exception {
        Path queueDirectory = smallFileSystem();
        InetSocketAddress a = start(OUTSIDE, "queue_directory = " + queueDirectory);
        String log = logOf(() -> {
            try (RawSmtpClient c = new RawSmtpClient(a)) {
                c.reply();
                c.command("EHLO client.example");
                assertThat(c.command("MAIL FROM:<a@b> SIZE=8000000")).isEqualTo("452 4.3.1 Insufficient system storage");
                assertThat(c.command("MAIL FROM:<a@b>")).isEqualTo("452 4.3.1 Insufficient system storage");
            }
        });
        assertThat(log).contains("warning: not enough free space in mail queue: 5242880 bytes < 1.5*message size limit");
    }

    @Test
    void queueOnAFiveMegabyteFileSystemShouldTakeSmallMessagesUnderASmallSizeLimit() throws Exception {
        Path queueDirectory = smallFileSystem();
        InetSocketAddress a = start(OUTSIDE, "queue_directory = " + queueDirectory, "message_size_limit = 1000000");
        try (RawSmtpClient c = new RawSmtpClient(a)) {
            c.reply();
            c.command("EHLO client.example");
            assertThat(c.command("MAIL FROM:<a@b> SIZE=8000000")).isEqualTo("552 5.3.4 Message size exceeds fixed limit");
            assertThat(c.command("MAIL FROM:<a@b> SIZE=1000")).isEqualTo("250 2.1.0 Ok");
        }
    }
}
