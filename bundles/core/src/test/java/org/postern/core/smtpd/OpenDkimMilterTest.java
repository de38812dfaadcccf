// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.milter.MilterClient;
import org.postern.testing.DkimVerifier;
import org.postern.testing.RequiredService;

/**
 * smtpd with OpenDKIM as its milter: the message smtpd queues carries OpenDKIM's signature, and
 * python3-dkim (an independent verifier) verifies it, for relaxed and simple canonicalization,
 * over headers whose bytes matter to simple: two spaces after the colon, none, a folded one.
 * The header bytes reach OpenDKIM as received only if the client keeps the leading space
 * (SMFIP_HDR_LEADSPC) and the signature header comes back folded as OpenDKIM wrote it.
 */
class OpenDkimMilterTest {

    private static final String OPENDKIM = "/usr/sbin/opendkim";
    private static final String GENKEY = "/usr/sbin/opendkim-genkey";
    private static final String MESSAGE = "From: Alice <alice@example.org>\r\n"
            + "To: bob@example.test\r\n"
            + "Subject:  two spaces after the colon\r\n"
            + "X-Tight:no space\r\n"
            + "X-Folded: first\r\n\t second  line\r\n"
            + "Date: Sun, 6 Dec 2026 07:00:00 +0000\r\n"
            + "Message-ID: <dkim-test@example.org>\r\n"
            + "\r\n"
            + "A body line with trailing spaces   \r\n"
            + "\r\n"
            + "..a line that starts with a dot\r\n";

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"relaxed/relaxed, 3620", "simple/simple, 3621"})
    void theQueuedMessageShouldCarryASignatureThatVerifies(String canonicalization, int port) throws Exception {
        RequiredService.assume(Files.isExecutable(Path.of(OPENDKIM)) && Files.isExecutable(Path.of(GENKEY)),
                "opendkim is not installed (apt-get install opendkim opendkim-tools)");
        DkimVerifier.assumeAvailable();
        assertThat(run(GENKEY, "-D", dir.toString(), "-d", "example.org", "-s", "test")).isZero();
        Path conf = dir.resolve("opendkim.conf");
        Files.writeString(conf, String.join("\n",
                "Syslog no", "Background no", "Mode s", "Domain example.org", "Selector test",
                "KeyFile " + dir.resolve("test.private"), "Canonicalization " + canonicalization,
                "Socket inet:" + port + "@127.0.0.1", "PidFile " + dir.resolve("pid"), "RequireSafeKeys no",
                "InternalHosts 127.0.0.1", "SignHeaders From,To,Subject,X-Tight,X-Folded,Date,Message-ID", ""));
        Process opendkim = new ProcessBuilder(OPENDKIM, "-f", "-x", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("opendkim.out").toFile()).start();
        try {
            for (int i = 0; i < 100 && !RequiredService.isListening(port); i++) {
                Thread.sleep(100);
            }
            assertThat(RequiredService.isListening(port)).as("opendkim listening: "
                    + Files.readString(dir.resolve("opendkim.out"))).isTrue();
            SessionHarness s = new SessionHarness(TestConfigs.config("smtpd_milters = inet:127.0.0.1:" + port),
                    MilterClient::new, new InetSocketAddress("127.0.0.1", 40000));
            assertThat(s.cmd("EHLO client.example")).startsWith("250");
            assertThat(s.cmd("MAIL FROM:<alice@example.org>")).startsWith("250");
            assertThat(s.cmd("RCPT TO:<bob@example.test>")).startsWith("250");
            assertThat(s.cmd("DATA")).startsWith("354");
            // dot-stuffed on the wire: ".." becomes "." in the message
            assertThat(s.send(MESSAGE + ".\r\n")).startsWith("250 2.0.0 Ok: queued as");
            s.channel.close();
            s.settle();
            String queued = s.queue.committed.get(0).text();
            assertThat(queued).startsWith("DKIM-Signature:").contains("c=" + canonicalization, "d=example.org",
                    "s=test").contains("Subject:  two spaces after the colon\r\nX-Tight:no space\r\n");
            assertThat(queued.substring(queued.indexOf("\r\nFrom: Alice") + 2))
                    .isEqualTo(MESSAGE.replace("\r\n..a line", "\r\n.a line"));
            DkimVerifier.Result verdict = verify(queued);
            assertThat(verdict.verified()).as("python3-dkim verifies: " + verdict.output()).isTrue();
            assertThat(verify(queued.replace("trailing spaces", "trailing spices")).verified())
                    .as("a changed body does not verify").isFalse();
        } finally {
            opendkim.destroy();
            opendkim.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private DkimVerifier.Result verify(String message) throws Exception {
        return DkimVerifier.verify(message.getBytes(StandardCharsets.ISO_8859_1), dir.resolve("test.txt"));
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
