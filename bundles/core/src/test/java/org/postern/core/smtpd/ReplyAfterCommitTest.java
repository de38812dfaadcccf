// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/**
 * The end-of-data reply waits for the queue's commit: with commits held back by the queue
 * double, DATA and BDAT LAST get no reply at all until the commit completes, then 250 (or
 * 451 when it fails). A 250 sent before the commit would be an acknowledgement of mail that
 * is not on disk.
 */
class ReplyAfterCommitTest {

    private static SessionHarness transaction() {
        SessionHarness s = new SessionHarness(TestConfigs.config());
        s.queue.holdCommits = true;
        s.cmd("EHLO client.example");
        s.cmd("MAIL FROM:<alice@example.org>");
        s.cmd("RCPT TO:<bob@example.test>");
        return s;
    }

    @Test
    void dataShouldBeAnsweredOnlyOnceTheCommitIsDone() {
        SessionHarness s = transaction();
        assertThat(s.cmd("DATA")).startsWith("354 ");
        assertThat(s.send("Subject: x\r\n\r\nbody\r\n.\r\n")).as("no reply before the commit").isEmpty();
        assertThat(s.queue.pendingCommits()).isEqualTo(1);
        assertThat(s.queue.committed).isEmpty();
        s.queue.completePendingCommits();
        assertThat(s.settle()).isEqualTo("250 2.0.0 Ok: queued as 4Xtest0001\r\n");
        assertThat(s.queue.committed).hasSize(1);
    }

    @Test
    void bdatLastShouldBeAnsweredOnlyOnceTheCommitIsDone() {
        SessionHarness s = transaction();
        assertThat(s.send("BDAT 5 LAST\r\nabc\r\n")).as("no reply before the commit").isEmpty();
        s.queue.completePendingCommits();
        assertThat(s.settle()).isEqualTo("250 2.0.0 Ok: 5 bytes queued as 4Xtest0001\r\n");
    }

    @Test
    void aFailedCommitShouldBeAnswered451AndTheSessionGoOn() {
        SessionHarness s = transaction();
        s.cmd("DATA");
        assertThat(s.send("Subject: x\r\n\r\nbody\r\n.\r\n")).isEmpty();
        s.queue.failPendingCommits(new IOException("No space left on device"));
        assertThat(s.settle()).startsWith("451 4.3.0 ");
        assertThat(s.queue.committed).isEmpty();
        assertThat(s.cmd("MAIL FROM:<alice@example.org>")).isEqualTo("250 2.1.0 Ok\r\n");
    }

    @Test
    void commandsPipelinedAfterTheDotShouldWaitForTheCommitToo() {
        SessionHarness s = transaction();
        s.cmd("DATA");
        assertThat(s.send("Subject: x\r\n\r\nbody\r\n.\r\nMAIL FROM:<carol@example.org>\r\n")).isEmpty();
        s.queue.completePendingCommits();
        assertThat(s.settle()).isEqualTo("250 2.0.0 Ok: queued as 4Xtest0001\r\n250 2.1.0 Ok\r\n");
    }
}
