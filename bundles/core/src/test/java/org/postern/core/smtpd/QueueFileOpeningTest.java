// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postern.core.smtpd.restrict.CapturedLog;

/**
 * When the transaction's queue file (and its queue ID) comes into being, as Postfix's
 * smtpd_delay_open_until_valid_rcpt says: at the first accepted RCPT by default, at MAIL with "no".
 */
class QueueFileOpeningTest {

    @Test
    void theFirstAcceptedRecipientShouldMakeTheQueueFile() {
        ScriptedChecks checks = new ScriptedChecks().rejectRecipient("nobody@example.net", 550, "5.1.1", "unknown");
        SessionHarness s = new SessionHarness(TestConfigs.config(), checks);
        s.cmd("EHLO client.example");
        assertThat(s.cmd("MAIL FROM:<a@example.org>")).startsWith("250");
        assertThat(s.cmd("RCPT TO:<nobody@example.net>")).startsWith("550");
        assertThat(s.queue.opened).hasValue(0);
        String log = CapturedLog.during(() -> assertThat(s.cmd("RCPT TO:<b@example.net>")).startsWith("250"));
        assertThat(s.queue.opened).hasValue(1);
        assertThat(log).contains("4Xtest0001: client=");
        assertThat(s.cmd("RCPT TO:<c@example.net>")).startsWith("250");
        assertThat(s.queue.opened).hasValue(1);
        assertThat(s.cmd("RSET")).startsWith("250");
        assertThat(s.queue.discarded).hasValue(1);   // a transaction without DATA leaves nothing
    }

    @Test
    void withDelayOpenOffMailShouldMakeTheQueueFile() {
        SessionHarness s = new SessionHarness(TestConfigs.config("smtpd_delay_open_until_valid_rcpt = no"));
        s.cmd("EHLO client.example");
        assertThat(s.cmd("MAIL FROM:<a@example.org>")).startsWith("250");
        assertThat(s.queue.opened).hasValue(1);
        assertThat(s.cmd("RCPT TO:<b@example.net>")).startsWith("250");
        assertThat(s.cmd("DATA")).startsWith("354");
        assertThat(s.send("Subject: t\r\n\r\nx\r\n.\r\n")).startsWith("250 2.0.0 Ok: queued as 4Xtest0001");
        assertThat(s.queue.opened).hasValue(1);
    }
}
