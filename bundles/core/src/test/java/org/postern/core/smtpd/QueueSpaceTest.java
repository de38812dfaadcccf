// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.NoSuchFileException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postern.core.anvil.Anvil;
import org.postern.core.smtpd.restrict.CapturedLog;

/** The queue's free space at MAIL (Postfix's smtpd_check_queue), with the file system's answer given by the test. */
class QueueSpaceTest {

    private static final long MB = 1024 * 1024;

    private static SessionHarness session(FreeSpace space, String... mainCf) {
        SessionHarness s = new SessionHarness(TestConfigs.config(mainCf), new ScriptedChecks(),
                new InetSocketAddress("192.0.2.10", 40000), null, Runnable::run, Duration.ofSeconds(10), null,
                new Anvil(), space, q -> q);
        s.cmd("EHLO client.example");
        return s;
    }

    @Test
    void mailShouldGet452WhenFiveMegabytesAreLeft() {
        SessionHarness s = session(() -> 5 * MB);
        String log = CapturedLog.during(() -> assertThat(s.cmd("MAIL FROM:<a@b> SIZE=8000000"))
                .isEqualTo("452 4.3.1 Insufficient system storage\r\n"));

        assertThat(log).contains("NOQUEUE: reject: MAIL from unknown[192.0.2.10]: 452 4.3.1 Insufficient system"
                + " storage; proto=ESMTP helo=<client.example>",
                "warning: not enough free space in mail queue: 5242880 bytes < 1.5*message size limit");
        assertThat(s.cmd("RCPT TO:<c@d.example>")).isEqualTo("503 5.5.1 Error: need MAIL command\r\n");
    }

    @Test
    void mailShouldBeAcceptedWithRoomForOneAndAHalfMessages() {
        SessionHarness s = session(() -> 16 * MB);
        assertThat(s.cmd("MAIL FROM:<a@b> SIZE=8000000")).isEqualTo("250 2.1.0 Ok\r\n");
    }

    // Columns: free bytes | main.cf line | MAIL parameters | expected reply
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // Postfix: free space must exceed 1.5 * message_size_limit, whatever SIZE says.
        "15360000 | message_size_limit = 10240000 |              | 452 4.3.1 Insufficient system storage",
        "15360001 | message_size_limit = 10240000 |              | 250 2.1.0 Ok",
        // Postfix: and exceed queue_minfree.
        "20000000 | queue_minfree = 20000000       |              | 452 4.3.1 Insufficient system storage",
        "20000001 | queue_minfree = 20000000       |              | 250 2.1.0 Ok",
        // Postern: a declared SIZE must fit above queue_minfree (it matters without a size limit).
        "5242880  | message_size_limit = 0         | SIZE=8000000 | 452 4.3.1 Insufficient system storage",
        "5242880  | message_size_limit = 0         | SIZE=4000000 | 250 2.1.0 Ok",
        "5242880  | message_size_limit = 0         |              | 250 2.1.0 Ok",
        "1        | message_size_limit = 0         |              | 250 2.1.0 Ok",
        "0        | message_size_limit = 0         |              | 452 4.3.1 Insufficient system storage",
    })
    void freeSpaceRulesShouldBePostfixsPlusTheDeclaredSize(long free, String mainCf, String parameters,
                                                          String reply) {
        SessionHarness s = session(() -> free, mainCf);
        assertThat(s.cmd("MAIL FROM:<a@b>" + (parameters == null ? "" : " " + parameters))).isEqualTo(reply + "\r\n");
    }

    @Test
    void aFileSystemThatCannotBeAskedShouldNotStopMail() {
        SessionHarness s = session(() -> {
            throw new NoSuchFileException("/var/lib/postern/queue");
        });
        String log = CapturedLog.during(() -> assertThat(s.cmd("MAIL FROM:<a@b>")).isEqualTo("250 2.1.0 Ok\r\n"));
        assertThat(log).contains("warning: cannot determine free space of queue directory");
    }

    @Test
    void configurationWarningShouldFollowPostfix() {
        assertThat(QueueSpace.configurationWarning(SmtpdSettings.from(TestConfigs.config("queue_minfree = 1000000"))))
                .isEqualTo("queue_minfree(1000000) should be at least 1.5*message_size_limit(10240000)");
        assertThat(QueueSpace.configurationWarning(SmtpdSettings.from(TestConfigs.config("queue_minfree = 15360000"))))
                .isNull();
        assertThat(QueueSpace.configurationWarning(SmtpdSettings.from(TestConfigs.config()))).isNull();
    }

    @Test
    void freeSpaceOfARealDirectoryShouldBeItsFileSystemsUsableSpace(@org.junit.jupiter.api.io.TempDir
                                                                     java.nio.file.Path dir) throws IOException {
        long usable = java.nio.file.Files.getFileStore(dir).getUsableSpace();
        assertThat(FreeSpace.of(dir).usableBytes()).isBetween(usable - 64 * MB, usable + 64 * MB);
    }
}
