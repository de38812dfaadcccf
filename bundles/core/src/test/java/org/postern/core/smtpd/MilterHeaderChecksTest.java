// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postern.testing.milter.ScriptedMilter.packet;
import static org.postern.testing.milter.ScriptedMilter.z;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.core.cleanup.CleanupQueueStore;
import org.postern.core.config.PostfixConfig;
import org.postern.core.smtpd.restrict.CapturedLog;
import org.postern.milter.MilterClient;
import org.postern.testing.MapDictRegistry;
import org.postern.testing.milter.ScriptedMilter;

/**
 * milter_header_checks end to end: smtpd, the milter client, {@link ScriptedMilter} adding a
 * header at the end of the message, and cleanup checking that header (only that one) with
 * header_checks(5) actions, logged "milter-header-ACTION: header ..." as Postfix's cleanup does.
 */
class MilterHeaderChecksTest {

    private static final String MESSAGE = "From: alice@example.org\r\nX-Spam-Flag: YES\r\nSubject: hello\r\n\r\n"
            + "body\r\n.\r\n";

    private final ScriptedMilter milter;
    private final MapDictRegistry tables = new MapDictRegistry();

    MilterHeaderChecksTest() throws Exception {
        milter = new ScriptedMilter();
    }

    @AfterEach
    void close() throws Exception {
        milter.close();
    }

    /** The milter adds {@code name: value} at the end of the message; milter_header_checks has {@code key -> action}. */
    private SessionHarness session(String name, String value, String key, String action) {
        milter.on('E', p -> List.of(packet('h', z(name, value)), packet('c')));
        tables.put("hash:mhc", key, action);
        PostfixConfig config = TestConfigs.config("smtpd_milters = " + milter.endpoint(),
                "milter_header_checks = hash:mhc");
        return new SessionHarness(config, MilterClient::new, new InetSocketAddress("192.0.2.7", 40000),
                q -> cleanup(q, config));
    }

    private CleanupQueueStore cleanup(org.postern.core.queue.QueueStore queue, PostfixConfig config) {
        try {
            return CleanupQueueStore.create(queue, config, tables);
        } catch (org.postern.core.config.ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String deliver(SessionHarness s) {
        assertThat(s.cmd("EHLO client.example")).startsWith("250");
        assertThat(s.cmd("MAIL FROM:<alice@example.org>")).startsWith("250");
        assertThat(s.cmd("RCPT TO:<bob@example.test>")).startsWith("250");
        assertThat(s.cmd("DATA")).startsWith("354");
        return s.send(MESSAGE);
    }

    @Test
    void holdShouldApplyToTheHeaderTheMilterAddedAndBeLoggedWithTheClassName() {
        String[] reply = new String[1];
        SessionHarness s = session("X-Milter-Verdict", "spam", "x-milter-verdict: spam", "HOLD spam by milter");
        String log = CapturedLog.during(() -> reply[0] = deliver(s));
        assertThat(reply[0]).startsWith("250 2.0.0 Ok: queued as");
        assertThat(s.queue.committed.get(0).envelope().actions().hold()).contains("spam by milter");
        assertThat(log).contains(": milter-header-hold: header X-Milter-Verdict: spam from unknown[192.0.2.7]; "
                + "from=<alice@example.org> to=<bob@example.test> proto=ESMTP helo=<client.example>: spam by milter");
    }

    @Test
    void headersOfTheMessageItselfShouldNotBeChecked() {
        SessionHarness s = session("X-Other", "1", "x-spam-flag: yes", "HOLD would be wrong");
        assertThat(deliver(s)).startsWith("250 2.0.0 Ok: queued as");
        assertThat(s.queue.committed.get(0).envelope().actions().hold()).isEmpty();
    }

    @Test
    void rejectShouldRefuseTheMessageWithItsText() {
        String[] reply = new String[1];
        SessionHarness s = session("X-Milter-Verdict", "spam", "x-milter-verdict: spam", "REJECT 5.7.1 tagged as spam");
        String log = CapturedLog.during(() -> reply[0] = deliver(s));
        assertThat(reply[0]).isEqualTo("550 5.7.1 tagged as spam\r\n");
        assertThat(s.queue.committed).isEmpty();
        assertThat(log).contains(": milter-header-reject: header X-Milter-Verdict: spam from unknown[192.0.2.7]; ")
                .contains(": 5.7.1 tagged as spam");
    }

    @Test
    void prependShouldPutItsHeaderBeforeTheMiltersAndIgnoreShouldDropIt() {
        SessionHarness s = session("X-Milter-Verdict", "ham", "x-milter-verdict: ham", "PREPEND X-Checked: by table");
        deliver(s);
        assertThat(s.queue.committed.get(0).text()).contains("Subject: hello\r\nX-Checked: by table\r\n"
                + "X-Milter-Verdict: ham\r\n\r\nbody\r\n");
        SessionHarness t = session("X-Milter-Verdict", "noise", "x-milter-verdict: noise", "IGNORE");
        deliver(t);
        assertThat(t.queue.committed.get(0).text()).doesNotContain("X-Milter-Verdict").contains(
                "Subject: hello\r\n\r\nbody\r\n");
    }
}
