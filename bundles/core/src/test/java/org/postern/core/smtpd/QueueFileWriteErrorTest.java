// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.postern.core.smtpd.restrict.CapturedLog;

/** A queue file write that fails during DATA: EFBIG is the message's fault (552), the rest ours (451), as Postfix's cleanup says. */
class QueueFileWriteErrorTest {

    private static String dataFailing(IOException failure, StringBuilder log) {
        SessionHarness s = new SessionHarness(TestConfigs.config(), new ScriptedChecks(),
                new InetSocketAddress("192.0.2.10", 40000), null, Runnable::run, Duration.ofSeconds(10));
        s.queue.writeFailure = failure;
        s.cmd("EHLO client.example");
        s.cmd("MAIL FROM:<a@example.org>");
        s.cmd("RCPT TO:<b@example.net>");
        assertThat(s.cmd("DATA")).startsWith("354");
        String[] reply = new String[1];
        log.append(CapturedLog.during(() -> reply[0] = s.send("Subject: big\r\n\r\n" + "x".repeat(1000) + "\r\n.\r\n")));
        assertThat(s.queue.committed).isEmpty();
        assertThat(s.queue.discarded.get()).isEqualTo(1);
        assertThat(s.cmd("MAIL FROM:<a@example.org>")).startsWith("250"); // the session goes on
        return reply[0];
    }

    @Test
    void fileTooLargeShouldBeMessageFileTooBig() {
        StringBuilder log = new StringBuilder();
        assertThat(dataFailing(new IOException("File too large"), log))
                .isEqualTo("552 5.3.4 Error: message file too big\r\n");
        assertThat(log).contains("warning: 4Xtest0001: queue file size limit exceeded");
    }

    @Test
    void aFullDiskShouldStayATemporaryWriteError() {
        StringBuilder log = new StringBuilder();
        assertThat(dataFailing(new IOException("No space left on device"), log))
                .isEqualTo("451 4.3.0 Error: queue file write error\r\n");
        assertThat(log).contains("queue file write error: java.io.IOException: No space left on device");
    }

    @Test
    void aQueueFileThatCannotBeCreatedShouldRefuseTheFirstRecipientWith451AndKeepNothing() {
        SessionHarness s = new SessionHarness(TestConfigs.config(), new ScriptedChecks(),
                new InetSocketAddress("192.0.2.10", 40000), null, Runnable::run, Duration.ofSeconds(10));
        s.queue.receiveFailure = new IOException("No space left on device");
        s.cmd("EHLO client.example");
        s.cmd("MAIL FROM:<a@example.org>");
        String[] reply = new String[1];
        String log = CapturedLog.during(() -> reply[0] = s.cmd("RCPT TO:<b@example.net>"));
        assertThat(reply[0]).isEqualTo("451 4.3.0 Error: queue file write error\r\n");
        assertThat(log).contains("queue file create failed: java.io.IOException: No space left on device");
        assertThat(s.cmd("DATA")).startsWith("554 5.5.1"); // the refused recipient was not kept
        s.queue.receiveFailure = null;
        assertThat(s.cmd("RCPT TO:<b@example.net>")).startsWith("250");
        assertThat(s.cmd("DATA")).startsWith("354");
        assertThat(s.send("Subject: t\r\n\r\nx\r\n.\r\n")).startsWith("250 2.0.0 Ok: queued as 4Xtest0001");
    }

    @Test
    void fileTooLargeShouldBeFoundBehindWrappers() {
        assertThat(MessageIntake.fileTooLarge(new java.util.concurrent.CompletionException(
                new IOException("write failed", new IOException("File too large"))))).isTrue();
        assertThat(MessageIntake.fileTooLarge(new IOException("Input/output error"))).isFalse();
    }
}
