// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.core.smtpd.restrict.CapturedLog;
import org.postern.milter.MilterClient;
import org.postern.testing.RequiredService;

/**
 * smtpd with Debian's spamass-milter in front of a private spamd (temp dir, free port, local
 * tests only, stopped by the test): a real filter that tags what it lets through and rejects
 * what scores past its threshold, reached over a unix: socket. The GTUBE test string scores
 * 1000 and is refused at the end of the message with spamass-milter's own reply; a plain
 * message is queued with the X-Spam-* headers spamass-milter added.
 */
class SpamassMilterTest {

    private static final String SPAMD = "/usr/sbin/spamd";
    private static final String SPAMASS_MILTER = "/usr/sbin/spamass-milter";
    private static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    @TempDir
    Path dir;

    private Process spamd;
    private Process milter;
    private Path socket;

    @BeforeEach
    void start() throws Exception {
        RequiredService.assume(Files.isExecutable(Path.of(SPAMD)) && Files.isExecutable(Path.of(SPAMASS_MILTER)),
                "spamd and spamass-milter are not installed (apt-get install spamd spamass-milter)");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        spamd = new ProcessBuilder(SPAMD, "-x", "-L", "--listen=127.0.0.1:" + port, "--max-children=2",
                "--min-children=1", "--pidfile=" + dir.resolve("spamd.pid"), "--syslog=stderr")
                .redirectErrorStream(true).redirectOutput(dir.resolve("spamd.out").toFile()).start();
        for (int i = 0; i < 300 && !RequiredService.isListening(port) && spamd.isAlive(); i++) {
            Thread.sleep(100);
        }
        assertThat(RequiredService.isListening(port)).as("spamd listening: " + Files.readString(
                dir.resolve("spamd.out"))).isTrue();
        socket = dir.resolve("spamass.sock");
        milter = new ProcessBuilder(SPAMASS_MILTER, "-p", "unix:" + socket, "-r", "15", "--", "-d", "127.0.0.1",
                "-p", Integer.toString(port)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("spamass-milter.out").toFile()).start();
        for (int i = 0; i < 100 && !accepts(socket) && milter.isAlive(); i++) {
            Thread.sleep(100);
        }
        assertThat(accepts(socket)).as("spamass-milter listening: " + Files.readString(
                dir.resolve("spamass-milter.out"))).isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : new Process[] {milter, spamd}) {
            if (p != null) {
                p.destroy();
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static boolean accepts(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return c.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    private SessionHarness session() {
        return new SessionHarness(TestConfigs.config("smtpd_milters = unix:" + socket,
                "milter_content_timeout = 60s"), MilterClient::new, new InetSocketAddress("192.0.2.7", 40000));
    }

    private static String send(SessionHarness s, String subject, String body) {
        assertThat(s.cmd("EHLO client.example")).startsWith("250");
        assertThat(s.cmd("MAIL FROM:<alice@example.org>")).startsWith("250");
        assertThat(s.cmd("RCPT TO:<bob@example.test>")).startsWith("250");
        assertThat(s.cmd("DATA")).startsWith("354");
        return s.send("From: Alice <alice@example.org>\r\nTo: bob@example.test\r\nSubject: " + subject + "\r\n"
                // Now: SpamAssassin scores a Date: hours in the past (DATE_IN_PAST_03_06).
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))
                + "\r\nMessage-ID: <" + subject.hashCode() + "@example.org>\r\n"
                + "\r\n" + body + "\r\n.\r\n");
    }

    @Test
    void gtubeShouldBeRejectedWithSpamassMiltersReplyAndQueueNothing() {
        SessionHarness s = session();
        String[] reply = new String[1];
        String log = CapturedLog.during(() -> reply[0] = send(s, "test", GTUBE));
        assertThat(reply[0]).isEqualTo("550 5.7.1 Blocked by SpamAssassin\r\n");
        assertThat(s.queue.committed).isEmpty();
        assertThat(log).contains(": milter-reject: END-OF-MESSAGE from unknown[192.0.2.7]: 5.7.1 Blocked by "
                + "SpamAssassin; from=<alice@example.org> to=<bob@example.test> proto=ESMTP helo=<client.example>");
    }

    @Test
    void aPlainMessageShouldBeQueuedWithTheSpamHeadersTheFilterAdded() {
        SessionHarness s = session();
        assertThat(send(s, "lunch", "Shall we meet at noon?")).startsWith("250 2.0.0 Ok: queued as");
        String queued = s.queue.committed.get(0).text();
        assertThat(queued).contains("X-Spam-Checker-Version: SpamAssassin").containsPattern(
                "X-Spam-Status: No, score=-?[0-9.]+ required=5\\.0").contains("\r\n\r\nShall we meet at noon?\r\n");
    }
}
